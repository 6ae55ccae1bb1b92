package dokkumigrate.adapters.jdbc;

import static dokkumigrate.adapters.jdbc.Jdbc.execute;

import dokkumigrate.ledger.Ledger.LedgerException;
import dokkumigrate.ledger.RunRecords.RunClaim;
import dokkumigrate.plan.Phase;
import dokkumigrate.run.TaskRun;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The statements on the {@code runs} table and each run's {@code run_output} tail that read the
 * same in SQLite and PostgreSQL. What differs (which run is newest, ending a run, pruning, how a
 * claim waits for another) is each backend's {@link LedgerStatements} and
 * {@link LedgerStatements.Queries}, built on {@link #SELECT}.
 */
public final class RunTable {
    public static final String COLUMNS = "id, deploy_id, app, phase, command, state, attempt, exit_code, "
            + "started_at, finished_at, image, image_id, container_id, host, helper_pid, log_path, detail";
    /** The start of a query of whole runs, in the columns {@link LedgerRows#run} reads. */
    public static final String SELECT = "SELECT " + COLUMNS + " FROM runs WHERE ";
    public static final String BY_ID = SELECT + "id = ?";
    public static final String OF_DEPLOY = SELECT + "deploy_id = ? ORDER BY id";
    public static final String LAST_ATTEMPT = SELECT + "deploy_id = ? AND phase = ? ORDER BY attempt DESC LIMIT 1";
    public static final String RUNNING_OF_APP = SELECT + "app = ? AND state = 'running' ORDER BY id";
    public static final String OUTPUT_TAIL = "SELECT tail FROM run_output WHERE run_id = ?";
    public static final String OUTPUT_BYTES = "SELECT output_bytes FROM runs WHERE id = ?";
    public static final String LOG_FILES_OF_APP = "SELECT log_path FROM runs WHERE app = ? AND log_path <> ''";

    private RunTable() {
    }

    /**
     * See {@link dokkumigrate.ledger.RunRecords#claim}: the deploy's task in {@code phase} starts its
     * next attempt, unless its last attempt stands. The backend serialises concurrent claims of one
     * deploy before it calls this.
     */
    public static TaskRun claim(Connection c, long deployId, Phase phase, RunClaim claim) throws SQLException {
        Optional<TaskRun> last = one(c, LAST_ATTEMPT, deployId, phase.label());
        OptionalInt next = LedgerRows.nextAttempt(last);
        if (next.isEmpty()) {
            return last.orElseThrow();
        }
        DeployTable.PlannedTask task = DeployTable.taskOf(c, deployId, phase).orElseThrow(() ->
                new LedgerException("deploy " + deployId + " has no " + phase.label() + " task to claim"));
        long runId = Jdbc.insert(c, "INSERT INTO runs (deploy_id, app, phase, command, state, attempt, started_at, "
                + "image, image_id, host, helper_pid) VALUES (?, ?, ?, ?, 'running', ?, ?, ?, ?, ?, ?)",
                deployId, task.app(), phase.label(), task.command(), next.getAsInt(), claim.at().toEpochMilli(),
                claim.image(), claim.imageId(), claim.host(), claim.helperPid());
        return one(c, BY_ID, runId).orElseThrow();
    }

    public static void recordLogFile(Connection c, long runId, String fileName) throws SQLException {
        execute(c, "UPDATE runs SET log_path = ? WHERE id = ?", fileName, runId);
    }

    public static void recordContainer(Connection c, long runId, String containerId) throws SQLException {
        execute(c, "UPDATE runs SET container_id = ? WHERE id = ?", containerId, runId);
    }

    public static void markInterrupted(Connection c, long runId, String detail, Instant at) throws SQLException {
        execute(c, "UPDATE runs SET state = 'interrupted', finished_at = ?, detail = ? WHERE id = ? AND state = 'running'",
                at.toEpochMilli(), detail, runId);
    }

    /** The run the statement selects (one of the {@code SELECT} queries), if any. */
    public static Optional<TaskRun> one(Connection c, String sql, Object... params) throws SQLException {
        return Jdbc.first(c, sql, rs -> LedgerRows.run(rs, 1), params);
    }

    /** The runs the statement selects (one of the {@code SELECT} queries). */
    public static List<TaskRun> list(Connection c, String sql, Object... params) throws SQLException {
        return Jdbc.rows(c, sql, rs -> LedgerRows.run(rs, 1), params);
    }

    public static byte[] outputTail(Connection c, long runId) throws SQLException {
        return Jdbc.first(c, OUTPUT_TAIL, rs -> rs.getBytes(1), runId).orElse(new byte[0]);
    }

    public static long outputBytes(Connection c, long runId) throws SQLException {
        return Jdbc.number(c, OUTPUT_BYTES, 0, runId);
    }

    /** Copies the runs of a deploy, with their output and applied migrations, to its copy in {@code newApp}. */
    public static void copy(Connection c, long deployId, long newDeployId, String newApp) throws SQLException {
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
