package dokkumigrate.adapters.jdbc;

import dokkumigrate.applied.AppliedMigration;
import dokkumigrate.ledger.AppliedMigrationRecords.Applied;
import dokkumigrate.ledger.Deploy;
import dokkumigrate.ledger.DeployKey;
import dokkumigrate.ledger.EventRecords.Event;
import dokkumigrate.ledger.LockHolder;
import dokkumigrate.ledger.Notification;
import dokkumigrate.plan.Phase;
import dokkumigrate.run.RunState;
import dokkumigrate.run.TaskRun;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How both ledger backends read their rows into the ledger's values, and decide a claim: the
 * logic the SQLite and PostgreSQL ledgers share. Each reader takes the columns in
 * the order its javadoc names, from column {@code first}; the SQL that selects them is each
 * backend's own.
 */
public final class LedgerRows {
    private LedgerRows() {
    }

    /** id, app, deploy_key, origin, trigger, revision, created_at, rolled_out_at. */
    public static Deploy deploy(ResultSet rs, int first) throws SQLException {
        int o = first - 1;
        return new Deploy(rs.getLong(o + 1), rs.getString(o + 2), DeployKey.parse(rs.getString(o + 3)),
                Deploy.Origin.parse(rs.getString(o + 4)), rs.getString(o + 5), rs.getString(o + 6),
                Instant.ofEpochMilli(rs.getLong(o + 7)), Jdbc.optionalInstant(rs, o + 8));
    }

    /**
     * id, deploy_id, app, phase, command, state, attempt, exit_code, started_at, finished_at, image,
     * image_id, container_id, host, helper_pid, log_path, detail.
     */
    public static TaskRun run(ResultSet rs, int first) throws SQLException {
        int o = first - 1;
        return new TaskRun(rs.getLong(o + 1), rs.getLong(o + 2), rs.getString(o + 3), Phase.parse(rs.getString(o + 4)),
                rs.getString(o + 5), RunState.parse(rs.getString(o + 6)), rs.getInt(o + 7),
                Jdbc.optionalInt(rs, o + 8), Jdbc.optionalInstant(rs, o + 9),
                Jdbc.optionalInstant(rs, o + 10), rs.getString(o + 11), rs.getString(o + 12),
                rs.getString(o + 13), rs.getString(o + 14), rs.getLong(o + 15), rs.getString(o + 16),
                rs.getString(o + 17));
    }

    /** id, app, kind, detail, at. */
    public static Event event(ResultSet rs) throws SQLException {
        return new Event(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                Instant.ofEpochMilli(rs.getLong(5)));
    }

    /** lock_key, app, deploy_id, pid, host, since. */
    public static LockHolder lockHolder(ResultSet rs) throws SQLException {
        return new LockHolder(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getString(5),
                Instant.ofEpochMilli(rs.getLong(6)));
    }

    /** run_id, target, attempts, delivered (0 or 1), last_status, last_error, at. */
    public static Notification notification(ResultSet rs) throws SQLException {
        return new Notification(rs.getLong(1), rs.getString(2), rs.getInt(3), rs.getInt(4) == 1,
                Jdbc.optionalInt(rs, 5), rs.getString(6), Instant.ofEpochMilli(rs.getLong(7)));
    }

    /** run_id, framework, migration_id, name, seen_at. */
    public static Applied applied(ResultSet rs, int first) throws SQLException {
        return new Applied(rs.getLong(first), new AppliedMigration(rs.getString(first + 1), rs.getString(first + 2),
                rs.getString(first + 3)), Instant.ofEpochMilli(rs.getLong(first + 4)));
    }

    /**
     * The attempt a claim may start after the task's last attempt: 1 when it never ran, the next one
     * after an interruption; empty when the last attempt stands (running, or ended) and is the answer.
     */
    public static OptionalInt nextAttempt(Optional<TaskRun> last) {
        if (last.isEmpty()) {
            return OptionalInt.of(1);
        }
        return last.get().state().isClaimable() ? OptionalInt.of(last.get().attempt() + 1) : OptionalInt.empty();
    }
}
