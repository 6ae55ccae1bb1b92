package dokkumigrate.adapters.sqlite;

import static dokkumigrate.adapters.jdbc.Jdbc.bind;
import static dokkumigrate.adapters.jdbc.Jdbc.execute;
import static dokkumigrate.adapters.jdbc.Jdbc.generatedId;

import dokkumigrate.adapters.jdbc.Jdbc;
import dokkumigrate.adapters.jdbc.LedgerRows;
import dokkumigrate.ledger.Ledger.LedgerException;
import dokkumigrate.ledger.RunRecords.RunClaim;
import dokkumigrate.plan.Phase;
import dokkumigrate.run.RunOutcome;
import dokkumigrate.run.TaskRun;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** The {@code runs} table and each run's {@code run_output} tail, run inside the ledger's transactions. */
final class RunRows {
    static final String COLUMNS = "id, deploy_id, app, phase, command, state, attempt, exit_code, "
            + "started_at, finished_at, image, image_id, container_id, host, helper_pid, log_path, detail";
    private static final String SELECT = "SELECT " + COLUMNS + " FROM runs WHERE ";
    static final String BY_ID = SELECT + "id = ?";
    static final String OF_DEPLOY = SELECT + "deploy_id = ? ORDER BY id";
    static final String LAST_ATTEMPT = SELECT + "deploy_id = ? AND phase = ? ORDER BY attempt DESC LIMIT 1";
    static final String RUNNING_OF_APP = SELECT + "app = ? AND state = 'running' ORDER BY id";
    static final String LATEST_OF_APP = SELECT + "app = ? ORDER BY id DESC LIMIT 1";
    static final String LATEST_RELEASE_OF_APP = SELECT + "app = ? AND phase = 'release' ORDER BY id DESC LIMIT 1";
    static final String OUTPUT_TAIL = "SELECT tail FROM run_output WHERE run_id = ?";
    static final String OUTPUT_BYTES = "SELECT output_bytes FROM runs WHERE id = ?";
    static final String LOG_FILES_OF_APP = "SELECT log_path FROM runs WHERE app = ? AND log_path <> ''";
    /** The app's runs beyond the newest {@code keep} (app, keep). */
    private static final String OLDER_THAN_KEPT = "SELECT id FROM runs WHERE app = ? ORDER BY id DESC LIMIT -1 OFFSET ?";
    static final String LOG_FILES_OLDER_THAN_KEPT = "SELECT log_path FROM runs WHERE id IN (" + OLDER_THAN_KEPT
            + ") AND log_path <> ''";
    static final String PRUNE = "DELETE FROM runs WHERE id IN (" + OLDER_THAN_KEPT + ")";

    private RunRows() {
    }

    /** See {@link dokkumigrate.ledger.RunRecords#claim}. */
    static TaskRun claim(Connection c, long deployId, Phase phase, RunClaim claim) throws SQLException {
        Optional<TaskRun> last = one(c, LAST_ATTEMPT, deployId, phase.label());
        OptionalInt next = LedgerRows.nextAttempt(last);
        if (next.isEmpty()) {
            return last.orElseThrow();
        }
        DeployRows.PlannedTask task = DeployRows.taskOf(c, deployId, phase).orElseThrow(() ->
                new LedgerException("deploy " + deployId + " has no " + phase.label() + " task to claim"));
        int attempt = next.getAsInt();
        long runId;
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO runs (deploy_id, app, phase, command, state, attempt, started_at, image, image_id, "
                        + "host, helper_pid) VALUES (?, ?, ?, ?, 'running', ?, ?, ?, ?, ?, ?)",
                Statement.RETURN_GENERATED_KEYS)) {
            bind(s, deployId, task.app(), phase.label(), task.command(), attempt, claim.at().toEpochMilli(),
                    claim.image(), claim.imageId(), claim.host(), claim.helperPid());
            s.executeUpdate();
            runId = generatedId(s);
        }
        return one(c, BY_ID, runId).orElseThrow();
    }

    static void recordLogFile(Connection c, long runId, String fileName) throws SQLException {
        execute(c, "UPDATE runs SET log_path = ? WHERE id = ?", fileName, runId);
    }

    static void recordContainer(Connection c, long runId, String containerId) throws SQLException {
        execute(c, "UPDATE runs SET container_id = ? WHERE id = ?", containerId, runId);
    }

    static TaskRun finish(Connection c, long runId, RunOutcome outcome, Instant finishedAt) throws SQLException {
        // a run already marked interrupted (by the signal guard that stopped it) keeps that record
        execute(c, "UPDATE runs SET state = ?, exit_code = ?, finished_at = ?, detail = ?, output_bytes = ? "
                        + "WHERE id = ? AND state = 'running'", outcome.state().label(), outcome.exitCode().orElse(null),
                finishedAt.toEpochMilli(), outcome.detail(), outcome.outputBytes(), runId);
        try (PreparedStatement s = c.prepareStatement("INSERT OR REPLACE INTO run_output (run_id, tail) VALUES (?, ?)")) {
            s.setLong(1, runId);
            s.setBytes(2, outcome.outputTail());
            s.executeUpdate();
        }
        return one(c, BY_ID, runId).orElseThrow();
    }

    static void markInterrupted(Connection c, long runId, String detail, Instant at) throws SQLException {
        execute(c, "UPDATE runs SET state = 'interrupted', finished_at = ?, detail = ? WHERE id = ? AND state = 'running'",
                at.toEpochMilli(), detail, runId);
    }

    static Optional<TaskRun> one(Connection c, String sql, Object... params) throws SQLException {
        List<TaskRun> runs = list(c, sql, params);
        return runs.isEmpty() ? Optional.empty() : Optional.of(runs.get(0));
    }

    /** The runs the statement selects (one of the {@code SELECT} constants). */
    static List<TaskRun> list(Connection c, String sql, Object... params) throws SQLException {
        return Jdbc.rows(c, sql, rs -> LedgerRows.run(rs, 1), params);
    }

    static byte[] outputTail(Connection c, long runId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(OUTPUT_TAIL)) {
            s.setLong(1, runId);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getBytes(1) : new byte[0];
            }
        }
    }

    static long outputBytes(Connection c, long runId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(OUTPUT_BYTES)) {
            s.setLong(1, runId);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0L;
            }
        }
    }

    /** Removes all but the app's newest {@code keep} runs; returns their log file names. */
    static List<String> prune(Connection c, String app, int keep) throws SQLException {
        List<String> logs = Jdbc.strings(c, LOG_FILES_OLDER_THAN_KEPT, app, keep);
        execute(c, PRUNE, app, keep);
        return logs;
    }

    /** Copies the runs of a deploy, with their output and applied migrations, to its copy in {@code newApp}. */
    static void copy(Connection c, long deployId, long newDeployId, String newApp) throws SQLException {
        for (TaskRun run : list(c, OF_DEPLOY, deployId)) {
            long newRunId;
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO runs (deploy_id, app, phase, command, state, attempt, exit_code, started_at, "
                    + "finished_at, image, image_id, container_id, host, helper_pid, log_path, detail, "
                    + "output_bytes) SELECT ?, ?, phase, command, state, attempt, exit_code, started_at, "
                    + "finished_at, image, image_id, container_id, host, helper_pid, log_path, detail, "
                    + "output_bytes FROM runs WHERE id = ?", Statement.RETURN_GENERATED_KEYS)) {
                bind(s, newDeployId, newApp, run.id());
                s.executeUpdate();
                newRunId = generatedId(s);
            }
            // the output tail is part of the run's record: the copy shows it like the original
            execute(c, "INSERT INTO run_output (run_id, tail) SELECT ?, tail FROM run_output WHERE run_id = ?",
                    newRunId, run.id());
            AppliedMigrationRows.copy(c, run.id(), newRunId);
        }
    }
}
