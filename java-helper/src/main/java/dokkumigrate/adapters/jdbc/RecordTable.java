package dokkumigrate.adapters.jdbc;

import static dokkumigrate.adapters.jdbc.Jdbc.execute;

import dokkumigrate.ledger.EventRecords.Event;
import dokkumigrate.ledger.LockHolder;
import dokkumigrate.ledger.Notification;
import dokkumigrate.ledger.TakenCopy;
import dokkumigrate.plan.Phase;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The statements on the ledger's other records ({@code events}, {@code lock_holders},
 * {@code notifications}, {@code taken_copies}) that read the same in SQLite and PostgreSQL. Each
 * backend writes a lock holder, a notice and taken copies with its own upsert, and gives the order of
 * its lists ({@link LedgerStatements.Queries}).
 */
public final class RecordTable {
    /** The holder of one lock (lock key). */
    public static final String LOCK_HOLDER = "SELECT lock_key, app, deploy_id, pid, host, since FROM lock_holders "
            + "WHERE lock_key = ?";
    /** The start of a query of notices, in the columns {@link LedgerRows#notification} reads. */
    public static final String NOTIFICATIONS = "SELECT n.run_id, n.target, n.attempts, n.delivered, n.last_status, "
            + "n.last_error, n.at FROM notifications n ";
    /** The start of a query of an app's taken copies (app, file, then the backend's order and LIMIT ?). */
    public static final String TAKEN_COPIES = "SELECT t.deploy_id, d.rolled_out_at IS NOT NULL, t.original, "
            + "t.stripped FROM taken_copies t JOIN deploys d ON d.id = t.deploy_id WHERE d.app = ? AND t.file = ? ";

    private RecordTable() {
    }

    public static void insertEvent(Connection c, String app, String kind, String detail, Instant at)
            throws SQLException {
        execute(c, "INSERT INTO events (app, kind, detail, at) VALUES (?, ?, ?, ?)", app, kind, detail, at.toEpochMilli());
    }

    /** The events {@code sql} selects (app, limit): id, app, kind, detail, at. */
    public static List<Event> events(Connection c, String sql, String app, int limit) throws SQLException {
        return Jdbc.rows(c, sql, LedgerRows::event, app, limit);
    }

    public static Optional<LockHolder> lockHolder(Connection c, String lockKey) throws SQLException {
        return Jdbc.first(c, LOCK_HOLDER, LedgerRows::lockHolder, lockKey);
    }

    /** Removes the record of a lock, if {@code pid} is its holder. */
    public static void clearLockHolder(Connection c, String lockKey, long pid) throws SQLException {
        execute(c, "DELETE FROM lock_holders WHERE lock_key = ? AND pid = ?", lockKey, pid);
    }

    /** The notice {@code sql} selects (one of the {@link #NOTIFICATIONS} queries), if any. */
    public static Optional<Notification> notification(Connection c, String sql, Object param) throws SQLException {
        return Jdbc.first(c, sql, LedgerRows::notification, param);
    }

    /** The taken copies {@code sql} selects (one of the {@link #TAKEN_COPIES} queries). */
    public static List<TakenCopy.Recorded> takenCopies(Connection c, String sql, String app, Phase.Source file,
            int limit) throws SQLException {
        return Jdbc.rows(c, sql, rs -> new TakenCopy.Recorded(rs.getLong(1), rs.getBoolean(2), new TakenCopy(file,
                Optional.ofNullable(rs.getBytes(3)), Optional.ofNullable(rs.getBytes(4)))), app, file.label(), limit);
    }
}
