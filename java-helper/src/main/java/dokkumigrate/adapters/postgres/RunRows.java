package dokkumigrate.adapters.postgres;

import static dokkumigrate.adapters.jdbc.Jdbc.execute;

import dokkumigrate.adapters.jdbc.Jdbc;
import dokkumigrate.adapters.jdbc.LedgerRows;
import dokkumigrate.ledger.Ledger.LedgerException;
import dokkumigrate.ledger.RunRecords.RunClaim;
import dokkumigrate.plan.Phase;
import dokkumigrate.run.RunOutcome;
import dokkumigrate.run.TaskRun;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The {@code runs} table and each run's {@code run_output} tail, in PostgreSQL. "Newest" is by start
 * time, then id (see {@link DeployRows}).
 */
final class RunRows {
    static final String COLUMNS = "id, deploy_id, app, phase, command, state, attempt, exit_code, "
            + "started_at, finished_at, image, image_id, container_id, host, helper_pid, log_path, detail";
    private static final String SELECT = "SELECT " + COLUMNS + " FROM runs WHERE ";
    static final String NEWEST_FIRST = " ORDER BY started_at DESC NULLS LAST, id DESC";
    static final String BY_ID = SELECT + "id = ?";
    static final String OF_DEPLOY = SELECT + "deploy_id = ? ORDER BY id";
    static final String LAST_ATTEMPT = SELECT + "deploy_id = ? AND phase = ? ORDER BY attempt DESC LIMIT 1";
    static final String RUNNING_OF_APP = SELECT + "app = ? AND state = 'running' ORDER BY id";
    static final String LATEST_OF_APP = SELECT + "app = ?" + NEWEST_FIRST + " LIMIT 1";
    static final String LATEST_RELEASE_OF_APP = SELECT + "app = ? AND phase = 'release'" + NEWEST_FIRST + " LIMIT 1";
    static final String LOG_FILES_OF_APP = "SELECT log_path FROM runs WHERE app = ? AND log_path <> ''";
    /** The app's runs beyond the newest {@code keep} (app, keep). */
    private static final String OLDER_THAN_KEPT = "SELECT id FROM runs WHERE app = ?" + NEWEST_FIRST + " OFFSET ?";

    private RunRows() {
    }

    /**
     * See {@link dokkumigrate.ledger.RunRecords#claim}. The deploy's row is locked first, so claims of
     * the same deploy from any host take turns: the second sees the first's run.
     */
    static TaskRun claim(Connection c, long deployId, Phase phase, RunClaim claim) throws SQLException {
        Jdbc.rows(c, "SELECT id FROM deploys WHERE id = ? FOR UPDATE", rs -> rs.getLong(1), deployId);
        Optional<TaskRun> last = one(c, LAST_ATTEMPT, deployId, phase.label());
        OptionalInt next = LedgerRows.nextAttempt(last);
        if (next.isEmpty()) {
            return last.orElseThrow();
        }
        DeployRows.PlannedTask task = DeployRows.taskOf(c, deployId, phase).orElseThrow(() ->
                new LedgerException("deploy " + deployId + " has no " + phase.label() + " task to claim"));
        long runId = Jdbc.insert(c, "INSERT INTO runs (deploy_id, app, phase, command, state, attempt, started_at, "
                + "image, image_id, host, helper_pid) VALUES (?, ?, ?, ?, 'running', ?, ?, ?, ?, ?, ?)",
                deployId, task.app(), phase.label(), task.command(), next.getAsInt(), claim.at().toEpochMilli(),
                claim.image(), claim.imageId(), claim.host(), claim.helperPid());
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
                        + "WHERE id = ? AND state = 'running'", outcome.state().label(),
                outcome.exitCode().map(Long::valueOf).orElse(null), finishedAt.toEpochMilli(), outcome.detail(),
                outcome.outputBytes(), runId);
        execute(c, "INSERT INTO run_output (run_id, tail) VALUES (?, ?) "
                + "ON CONFLICT (run_id) DO UPDATE SET tail = EXCLUDED.tail", runId, outcome.outputTail());
        return one(c, BY_ID, runId).orElseThrow();
    }

    static void markInterrupted(Connection c, long runId, String detail, Instant at) throws SQLException {
        execute(c, "UPDATE runs SET state = 'interrupted', finished_at = ?, detail = ? WHERE id = ? AND state = 'running'",
                at.toEpochMilli(), detail, runId);
    }

    static Optional<TaskRun> one(Connection c, String sql, Object... params) throws SQLException {
        return Jdbc.first(c, sql, rs -> LedgerRows.run(rs, 1), params);
    }

    /** The runs the statement selects (one of the {@code SELECT} constants). */
    static List<TaskRun> list(Connection c, String sql, Object... params) throws SQLException {
        return Jdbc.rows(c, sql, rs -> LedgerRows.run(rs, 1), params);
    }

    static byte[] outputTail(Connection c, long runId) throws SQLException {
        return Jdbc.first(c, "SELECT tail FROM run_output WHERE run_id = ?", rs -> rs.getBytes(1), runId)
                .orElse(new byte[0]);
    }

    static long outputBytes(Connection c, long runId) throws SQLException {
        return Jdbc.number(c, "SELECT output_bytes FROM runs WHERE id = ?", 0, runId);
    }

    /** Removes all but the app's newest {@code keep} runs; returns their log file names. */
    static List<String> prune(Connection c, String app, int keep) throws SQLException {
        List<String> logs = Jdbc.strings(c, "SELECT log_path FROM runs WHERE id IN (" + OLDER_THAN_KEPT
                + ") AND log_path <> ''", app, keep);
        execute(c, "DELETE FROM runs WHERE id IN (" + OLDER_THAN_KEPT + ")", app, keep);
        return logs;
    }

    /** Copies the runs of a deploy, with their output and applied migrations, to its copy in {@code newApp}. */
    static void copy(Connection c, long deployId, long newDeployId, String newApp) throws SQLException {
        for (TaskRun run : list(c, OF_DEPLOY, deployId)) {
            long newRunId = Jdbc.insert(c, "INSERT INTO runs (deploy_id, app, phase, command, state, attempt, "
                    + "exit_code, started_at, finished_at, image, image_id, container_id, host, helper_pid, log_path, "
                    + "detail, output_bytes) SELECT ?, ?, phase, command, state, attempt, exit_code, started_at, "
                    + "finished_at, image, image_id, container_id, host, helper_pid, log_path, detail, output_bytes "
                    + "FROM runs WHERE id = ?", newDeployId, newApp, run.id());
            // the output tail is part of the run's record: the copy shows it like the original
            execute(c, "INSERT INTO run_output (run_id, tail) SELECT ?, tail FROM run_output WHERE run_id = ?",
                    newRunId, run.id());
            execute(c, "INSERT INTO applied_migrations (run_id, framework, migration_id, name, seen_at) "
                    + "SELECT ?, framework, migration_id, name, seen_at FROM applied_migrations WHERE run_id = ? "
                    + "ORDER BY id", newRunId, run.id());
        }
    }
}
