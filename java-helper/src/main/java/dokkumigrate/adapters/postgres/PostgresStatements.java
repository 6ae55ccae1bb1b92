package dokkumigrate.adapters.postgres;

import static dokkumigrate.adapters.jdbc.Jdbc.execute;

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
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * What the PostgreSQL ledger does its own way: "newest" by time (a copied history comes after
 * deploys made here), claims and plans that lock the deploy's row, and upserts.
 */
final class PostgresStatements implements LedgerStatements {
    private static final String DEPLOYS_NEWEST_FIRST = " ORDER BY created_at DESC, id DESC";
    private static final String RUNS_NEWEST_FIRST = " ORDER BY started_at DESC NULLS LAST, id DESC";
    private static final String APPLIED_NEWEST_FIRST = " ORDER BY a.seen_at DESC, a.id DESC LIMIT ?";
    /**
     * "Newest" is by time, then id: a history copied from another host's SQLite ledger gets ids
     * after deploys and runs made here before it. A deploy found by key is one of this Dokku
     * invocation, never one copied from a host's history.
     */
    static final Queries QUERIES = new Queries(
            DeployTable.SELECT + "app = ? AND deploy_key = ? AND origin_host = ''",
            DeployTable.SELECT + "app = ? AND origin = 'extracted'" + DEPLOYS_NEWEST_FIRST + " LIMIT 1",
            DeployTable.SELECT + "app = ?" + DEPLOYS_NEWEST_FIRST + " LIMIT 1",
            DeployTable.SELECT + "app = ?" + DEPLOYS_NEWEST_FIRST + " LIMIT ?",
            "SELECT app FROM deploys GROUP BY app ORDER BY app COLLATE \"C\"",
            "SELECT id FROM deploys WHERE app = ? ORDER BY created_at, id",
            RunTable.SELECT + "app = ?" + RUNS_NEWEST_FIRST + " LIMIT 1",
            RunTable.SELECT + "app = ? AND phase = 'release'" + RUNS_NEWEST_FIRST + " LIMIT 1",
            AppliedMigrationTable.history(APPLIED_NEWEST_FIRST),
            AppliedMigrationTable.historyOfMigration(APPLIED_NEWEST_FIRST),
            "SELECT id, app, kind, detail, at FROM events WHERE app = ? ORDER BY at DESC, id DESC LIMIT ?",
            RecordTable.NOTIFICATIONS + "JOIN runs r ON r.id = n.run_id WHERE r.app = ? "
                    + "ORDER BY r.started_at DESC NULLS LAST, r.id DESC LIMIT 1",
            RecordTable.TAKEN_COPIES + "ORDER BY d.created_at DESC, d.id DESC LIMIT ?");
    /** The app's runs beyond the newest {@code keep} (app, keep). */
    private static final String OLDER_THAN_KEPT = "SELECT id FROM runs WHERE app = ?" + RUNS_NEWEST_FIRST + " OFFSET ?";
    /**
     * Deploys older than the deploy of the app's oldest kept run, with no run left, bar the standing
     * plan, once the app has as many runs as it keeps (app, keep, app x3). Not before: a deploy
     * recorded on another host before the deploys that ran may still wait for the lock to run its
     * tasks, and it is older than the oldest kept run's deploy as long as the app has few runs.
     */
    private static final String PRUNE_DEPLOYS = "DELETE FROM deploys d WHERE d.app = ? "
            + "AND (SELECT COUNT(*) FROM runs k WHERE k.app = ?) >= ? "
            + "AND NOT EXISTS (SELECT 1 FROM runs r WHERE r.deploy_id = d.id) "
            + "AND (d.created_at, d.id) < (SELECT k.created_at, k.id FROM deploys k WHERE k.app = ? "
            + "AND EXISTS (SELECT 1 FROM runs r WHERE r.deploy_id = k.id) ORDER BY k.created_at, k.id LIMIT 1) "
            + "AND d.id <> COALESCE((SELECT s.id FROM deploys s WHERE s.app = ? AND s.origin = 'extracted' "
            + "ORDER BY s.created_at DESC, s.id DESC LIMIT 1), 0)";

    /**
     * Records a deploy's plan, or replaces the plan of a recorded deploy none of whose tasks has run
     * yet. The deploy's row is locked first (inserted when missing), so concurrent callers recording
     * the same deploy take turns.
     */
    @Override
    public Deploy recordPlan(Connection c, String app, DeployKey key, Deploy.Origin origin, String trigger,
            String revision, Plan plan) throws SQLException {
        execute(c, "INSERT INTO deploys (app, deploy_key, dokku_pid, origin, trigger, revision, created_at) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (app, deploy_key, origin_host) DO NOTHING",
                app, key.toString(), key.dokkuPid(), origin.label(), trigger, revision, Instant.now().toEpochMilli());
        Deploy deploy = DeployTable.one(c, QUERIES.deployByKey() + " FOR UPDATE", app, key.toString()).orElseThrow();
        if (Jdbc.number(c, "SELECT COUNT(*) FROM runs WHERE deploy_id = ?", 0, deploy.id()) > 0) {
            return deploy;
        }
        execute(c, "DELETE FROM tasks WHERE deploy_id = ?", deploy.id());
        execute(c, "UPDATE deploys SET origin = ?, trigger = ?, revision = ? WHERE id = ?", origin.label(), trigger,
                revision, deploy.id());
        for (Task task : plan.tasks()) {
            execute(c, "INSERT INTO tasks (deploy_id, phase, command) VALUES (?, ?, ?)", deploy.id(),
                    task.phase().label(), task.command());
        }
        return DeployTable.one(c, DeployTable.BY_ID, deploy.id()).orElseThrow();
    }

    /**
     * See {@link dokkumigrate.ledger.RunRecords#claim}. The deploy's row is locked first, so claims of
     * the same deploy from any host take turns: the second sees the first's run.
     */
    @Override
    public TaskRun claim(Connection c, long deployId, Phase phase, RunClaim claim) throws SQLException {
        Jdbc.rows(c, "SELECT id FROM deploys WHERE id = ? FOR UPDATE", rs -> rs.getLong(1), deployId);
        return RunTable.claim(c, deployId, phase, claim);
    }

    @Override
    public TaskRun finish(Connection c, long runId, RunOutcome outcome, Instant finishedAt) throws SQLException {
        // a run already marked interrupted (by the signal guard that stopped it) keeps that record
        execute(c, "UPDATE runs SET state = ?, exit_code = ?, finished_at = ?, detail = ?, output_bytes = ? "
                        + "WHERE id = ? AND state = 'running'", outcome.state().label(),
                outcome.exitCode().map(Long::valueOf).orElse(null), finishedAt.toEpochMilli(), outcome.detail(),
                outcome.outputBytes(), runId);
        execute(c, "INSERT INTO run_output (run_id, tail) VALUES (?, ?) "
                + "ON CONFLICT (run_id) DO UPDATE SET tail = EXCLUDED.tail", runId, outcome.outputTail());
        return RunTable.one(c, RunTable.BY_ID, runId).orElseThrow();
    }

    /** Removes all but the app's newest {@code keep} runs, and the deploys left without any; returns their logs. */
    @Override
    public List<String> prune(Connection c, String app, int keep) throws SQLException {
        List<String> logs = Jdbc.strings(c, "SELECT log_path FROM runs WHERE id IN (" + OLDER_THAN_KEPT
                + ") AND log_path <> ''", app, keep);
        execute(c, "DELETE FROM runs WHERE id IN (" + OLDER_THAN_KEPT + ")", app, keep);
        execute(c, PRUNE_DEPLOYS, app, app, keep, app, app);
        return logs;
    }

    @Override
    public void recordLockHolder(Connection c, LockHolder holder) throws SQLException {
        execute(c, "INSERT INTO lock_holders (lock_key, app, deploy_id, pid, host, since) VALUES (?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT (lock_key) DO UPDATE SET app = EXCLUDED.app, deploy_id = EXCLUDED.deploy_id, "
                + "pid = EXCLUDED.pid, host = EXCLUDED.host, since = EXCLUDED.since", holder.lockKey(), holder.app(),
                holder.deployId(), holder.pid(), holder.host(), holder.since().toEpochMilli());
    }

    @Override
    public void recordNotification(Connection c, Notification n) throws SQLException {
        execute(c, "INSERT INTO notifications (run_id, target, attempts, delivered, last_status, last_error, at) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run_id) DO UPDATE SET target = EXCLUDED.target, "
                + "attempts = EXCLUDED.attempts, delivered = EXCLUDED.delivered, last_status = EXCLUDED.last_status, "
                + "last_error = EXCLUDED.last_error, at = EXCLUDED.at", n.runId(), n.target(), n.attempts(),
                n.delivered() ? 1 : 0, n.lastStatus().orElse(null), n.lastError(), n.at().toEpochMilli());
    }

    @Override
    public void recordTakenCopies(Connection c, long deployId, List<TakenCopy> copies) throws SQLException {
        for (TakenCopy copy : copies) {
            execute(c, "INSERT INTO taken_copies (deploy_id, file, original, stripped) VALUES (?, ?, ?, ?) "
                    + "ON CONFLICT (deploy_id, file) DO UPDATE SET original = EXCLUDED.original, "
                    + "stripped = EXCLUDED.stripped", deployId, copy.file().label(), copy.original().orElse(null),
                    copy.stripped().orElse(null));
        }
    }
}
