package dokkumigrate.adapters.postgres;

import static dokkumigrate.adapters.jdbc.Jdbc.execute;

import dokkumigrate.adapters.jdbc.Jdbc;
import dokkumigrate.adapters.jdbc.LedgerRows;
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
 * The smaller tables, in PostgreSQL: {@code events}, {@code lock_holders}, {@code notifications} and
 * {@code taken_copies} (the SQLite adapter has a class for each).
 */
final class RecordRows {
    static final String EVENTS_OF_APP = "SELECT id, app, kind, detail, at FROM events WHERE app = ? "
            + "ORDER BY at DESC, id DESC LIMIT ?";
    private static final String NOTIFICATION = "SELECT n.run_id, n.target, n.attempts, n.delivered, n.last_status, "
            + "n.last_error, n.at FROM notifications n ";

    private RecordRows() {
    }

    static void insertEvent(Connection c, String app, String kind, String detail, Instant at) throws SQLException {
        execute(c, "INSERT INTO events (app, kind, detail, at) VALUES (?, ?, ?, ?)", app, kind, detail, at.toEpochMilli());
    }

    static List<Event> events(Connection c, String app, int limit) throws SQLException {
        return Jdbc.rows(c, EVENTS_OF_APP, LedgerRows::event, app, limit);
    }

    static Optional<LockHolder> lockHolder(Connection c, String lockKey) throws SQLException {
        return Jdbc.first(c, "SELECT lock_key, app, deploy_id, pid, host, since FROM lock_holders WHERE lock_key = ?",
                LedgerRows::lockHolder, lockKey);
    }

    static void putLockHolder(Connection c, LockHolder holder) throws SQLException {
        execute(c, "INSERT INTO lock_holders (lock_key, app, deploy_id, pid, host, since) VALUES (?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT (lock_key) DO UPDATE SET app = EXCLUDED.app, deploy_id = EXCLUDED.deploy_id, "
                + "pid = EXCLUDED.pid, host = EXCLUDED.host, since = EXCLUDED.since", holder.lockKey(), holder.app(),
                holder.deployId(), holder.pid(), holder.host(), holder.since().toEpochMilli());
    }

    /** Removes the record of a lock, if {@code pid} is its holder. */
    static void clearLockHolder(Connection c, String lockKey, long pid) throws SQLException {
        execute(c, "DELETE FROM lock_holders WHERE lock_key = ? AND pid = ?", lockKey, pid);
    }

    static void putNotification(Connection c, Notification n) throws SQLException {
        execute(c, "INSERT INTO notifications (run_id, target, attempts, delivered, last_status, last_error, at) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run_id) DO UPDATE SET target = EXCLUDED.target, "
                + "attempts = EXCLUDED.attempts, delivered = EXCLUDED.delivered, last_status = EXCLUDED.last_status, "
                + "last_error = EXCLUDED.last_error, at = EXCLUDED.at", n.runId(), n.target(), n.attempts(),
                n.delivered() ? 1 : 0, n.lastStatus().orElse(null), n.lastError(), n.at().toEpochMilli());
    }

    static Optional<Notification> notification(Connection c, long runId) throws SQLException {
        return Jdbc.first(c, NOTIFICATION + "WHERE n.run_id = ?", LedgerRows::notification, runId);
    }

    static Optional<Notification> latestNotification(Connection c, String app) throws SQLException {
        return Jdbc.first(c, NOTIFICATION + "JOIN runs r ON r.id = n.run_id WHERE r.app = ? "
                + "ORDER BY r.started_at DESC NULLS LAST, r.id DESC LIMIT 1", LedgerRows::notification, app);
    }

    static void putTakenCopies(Connection c, long deployId, List<TakenCopy> copies) throws SQLException {
        for (TakenCopy copy : copies) {
            execute(c, "INSERT INTO taken_copies (deploy_id, file, original, stripped) VALUES (?, ?, ?, ?) "
                    + "ON CONFLICT (deploy_id, file) DO UPDATE SET original = EXCLUDED.original, "
                    + "stripped = EXCLUDED.stripped", deployId, copy.file().label(), copy.original().orElse(null),
                    copy.stripped().orElse(null));
        }
    }

    static List<TakenCopy.Recorded> takenCopies(Connection c, String app, Phase.Source file, int limit)
            throws SQLException {
        return Jdbc.rows(c, "SELECT t.deploy_id, d.rolled_out_at IS NOT NULL, t.original, t.stripped "
                + "FROM taken_copies t JOIN deploys d ON d.id = t.deploy_id WHERE d.app = ? AND t.file = ? "
                + "ORDER BY d.created_at DESC, d.id DESC LIMIT ?", rs -> new TakenCopy.Recorded(rs.getLong(1),
                rs.getBoolean(2), new TakenCopy(file, Optional.ofNullable(rs.getBytes(3)),
                Optional.ofNullable(rs.getBytes(4)))), app, file.label(), limit);
    }
}
