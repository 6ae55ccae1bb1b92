package dokkumigrate.adapters.sqlite;

import static dokkumigrate.adapters.jdbc.Jdbc.bind;
import static dokkumigrate.adapters.jdbc.Jdbc.execute;
import static dokkumigrate.adapters.jdbc.Jdbc.generatedId;

import dokkumigrate.adapters.jdbc.AppliedMigrationTable;
import dokkumigrate.adapters.jdbc.DeployTable;
import dokkumigrate.adapters.jdbc.Jdbc;
import dokkumigrate.adapters.jdbc.LedgerStatements;
import dokkumigrate.adapters.jdbc.RecordTable;
import dokkumigrate.adapters.jdbc.RunTable;
import dokkumigrate.ledger.Deploy;
import dokkumigrate.ledger.DeployKey;
import dokkumigrate.ledger.LockHolder;
import dokkumigrate.ledger.Notification;
import dokkumigrate.ledger.RunRecords.RunClaim;
import dokkumigrate.ledger.TakenCopy;
import dokkumigrate.plan.Phase;
import dokkumigrate.plan.Plan;
import dokkumigrate.plan.Task;
import dokkumigrate.run.RunOutcome;
import dokkumigrate.run.TaskRun;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the SQLite ledger does its own way: "newest" by id, plans and claims serialised by the
 * transaction's own lock ({@code BEGIN IMMEDIATE}), and {@code INSERT OR REPLACE}.
 */
final class SqliteStatements implements LedgerStatements {
    /** The queries; "newest" is by id. */
    static final Queries QUERIES = new Queries(
            DeployTable.SELECT + "app = ? AND deploy_key = ?",
            DeployTable.SELECT + "app = ? AND origin = 'extracted' ORDER BY id DESC LIMIT 1",
            DeployTable.SELECT + "app = ? ORDER BY id DESC LIMIT 1",
            DeployTable.SELECT + "app = ? ORDER BY id DESC LIMIT ?",
            "SELECT DISTINCT app FROM deploys ORDER BY app",
            "SELECT id FROM deploys WHERE app = ? ORDER BY id",
            RunTable.SELECT + "app = ? ORDER BY id DESC LIMIT 1",
            RunTable.SELECT + "app = ? AND phase = 'release' ORDER BY id DESC LIMIT 1",
            AppliedMigrationTable.history(" ORDER BY a.id DESC LIMIT ?"),
            AppliedMigrationTable.historyOfMigration(" ORDER BY a.id DESC LIMIT ?"),
            "SELECT id, app, kind, detail, at FROM events WHERE app = ? ORDER BY id DESC LIMIT ?",
            RecordTable.NOTIFICATIONS + "JOIN runs r ON r.id = n.run_id WHERE r.app = ? ORDER BY n.run_id DESC LIMIT 1",
            RecordTable.TAKEN_COPIES + "ORDER BY t.deploy_id DESC LIMIT ?");
    static final String RUN_COUNT = "SELECT COUNT(*) FROM runs WHERE deploy_id = ?";
    /** The app's runs beyond the newest {@code keep} (app, keep). */
    private static final String OLDER_THAN_KEPT = "SELECT id FROM runs WHERE app = ? ORDER BY id DESC LIMIT -1 OFFSET ?";
    static final String LOG_FILES_OLDER_THAN_KEPT = "SELECT log_path FROM runs WHERE id IN (" + OLDER_THAN_KEPT
            + ") AND log_path <> ''";
    static final String PRUNE_RUNS = "DELETE FROM runs WHERE id IN (" + OLDER_THAN_KEPT + ")";
    /** Deploys older than the app's oldest kept run with no run left, bar the standing plan (apps: app x4). */
    static final String PRUNE_DEPLOYS = "DELETE FROM deploys WHERE app = ? AND id NOT IN (SELECT deploy_id FROM runs WHERE app = ?) "
            + "AND id < (SELECT COALESCE(MIN(deploy_id), 0) FROM runs WHERE app = ?) "
            + "AND id <> (SELECT COALESCE(MAX(id), 0) FROM deploys WHERE app = ? AND origin = 'extracted')";

    /** Records a deploy's plan, or replaces the plan of a recorded deploy none of whose tasks has run yet. */
    @Override
    public Deploy recordPlan(Connection c, String app, DeployKey key, Deploy.Origin origin, String trigger,
            String revision, Plan plan) throws SQLException {
        Optional<Deploy> existing = DeployTable.one(c, QUERIES.deployByKey(), app, key.toString());
        long deployId;
        if (existing.isPresent()) {
            deployId = existing.get().id();
            if (runCount(c, deployId) > 0) {
                return existing.get();
            }
            execute(c, "DELETE FROM tasks WHERE deploy_id = ?", deployId);
            execute(c, "UPDATE deploys SET origin = ?, trigger = ?, revision = ? WHERE id = ?", origin.label(), trigger, revision,
                    deployId);
        } else {
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO deploys (app, deploy_key, dokku_pid, origin, trigger, revision, created_at) "
                            + "VALUES (?, ?, ?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
                bind(s, app, key.toString(), key.dokkuPid(), origin.label(), trigger, revision,
                        Instant.now().toEpochMilli());
                s.executeUpdate();
                deployId = generatedId(s);
            }
        }
        try (PreparedStatement s = c.prepareStatement("INSERT INTO tasks (deploy_id, phase, command) VALUES (?, ?, ?)")) {
            for (Task task : plan.tasks()) {
                bind(s, deployId, task.phase().label(), task.command());
                s.executeUpdate();
            }
        }
        return DeployTable.one(c, DeployTable.BY_ID, deployId).orElseThrow();
    }

    private static int runCount(Connection c, long deployId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(RUN_COUNT)) {
            s.setLong(1, deployId);
            try (ResultSet rs = s.executeQuery()) {
                return rs.getInt(1);
            }
        }
    }

    /** The write transaction already holds SQLite's lock: a second claim of the deploy waits for it. */
    @Override
    public TaskRun claim(Connection c, long deployId, Phase phase, RunClaim claim) throws SQLException {
        return RunTable.claim(c, deployId, phase, claim);
    }

    @Override
    public TaskRun finish(Connection c, long runId, RunOutcome outcome, Instant finishedAt) throws SQLException {
        // a run already marked interrupted (by the signal guard that stopped it) keeps that record
        execute(c, "UPDATE runs SET state = ?, exit_code = ?, finished_at = ?, detail = ?, output_bytes = ? "
                        + "WHERE id = ? AND state = 'running'", outcome.state().label(), outcome.exitCode().orElse(null),
                finishedAt.toEpochMilli(), outcome.detail(), outcome.outputBytes(), runId);
        try (PreparedStatement s = c.prepareStatement("INSERT OR REPLACE INTO run_output (run_id, tail) VALUES (?, ?)")) {
            s.setLong(1, runId);
            s.setBytes(2, outcome.outputTail());
            s.executeUpdate();
        }
        return RunTable.one(c, RunTable.BY_ID, runId).orElseThrow();
    }

    /** Removes all but the app's newest {@code keep} runs, and the deploys left without any; returns their logs. */
    @Override
    public List<String> prune(Connection c, String app, int keep) throws SQLException {
        List<String> logs = Jdbc.strings(c, LOG_FILES_OLDER_THAN_KEPT, app, keep);
        execute(c, PRUNE_RUNS, app, keep);
        execute(c, PRUNE_DEPLOYS, app, app, app, app);
        return logs;
    }

    @Override
    public void recordLockHolder(Connection c, LockHolder holder) throws SQLException {
        execute(c, "INSERT OR REPLACE INTO lock_holders (lock_key, app, deploy_id, pid, host, since) VALUES (?, ?, ?, ?, ?, ?)",
                holder.lockKey(), holder.app(), holder.deployId(), holder.pid(), holder.host(),
                holder.since().toEpochMilli());
    }

    @Override
    public void recordNotification(Connection c, Notification n) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT OR REPLACE INTO notifications "
                + "(run_id, target, attempts, delivered, last_status, last_error, at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            s.setLong(1, n.runId());
            s.setString(2, n.target());
            s.setInt(3, n.attempts());
            s.setInt(4, n.delivered() ? 1 : 0);
            if (n.lastStatus().isPresent()) {
                s.setInt(5, n.lastStatus().get());
            } else {
                s.setNull(5, Types.INTEGER);
            }
            s.setString(6, n.lastError());
            s.setLong(7, n.at().toEpochMilli());
            s.executeUpdate();
        }
    }

    @Override
    public void recordTakenCopies(Connection c, long deployId, List<TakenCopy> copies) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "INSERT OR REPLACE INTO taken_copies (deploy_id, file, original, stripped) VALUES (?, ?, ?, ?)")) {
            for (TakenCopy copy : copies) {
                s.setLong(1, deployId);
                s.setString(2, copy.file().label());
                s.setBytes(3, copy.original().orElse(null));
                s.setBytes(4, copy.stripped().orElse(null));
                s.executeUpdate();
            }
        }
    }
}
