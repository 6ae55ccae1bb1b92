package dokkumigrate.adapters.sqlite;

import dokkumigrate.adapters.jdbc.Jdbc;
import dokkumigrate.adapters.jdbc.LedgerRows;
import dokkumigrate.ledger.Notification;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.Optional;

/** The SQL of the {@code notifications} table (schema migration 2), run inside the ledger's transactions. */
final class NotificationRows {
    private static final String COLUMNS = "n.run_id, n.target, n.attempts, n.delivered, n.last_status, n.last_error, n.at";

    private NotificationRows() {
    }

    static void insert(Connection c, Notification n) throws SQLException {
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

    static Optional<Notification> ofRun(Connection c, long runId) throws SQLException {
        return select(c, "SELECT " + COLUMNS + " FROM notifications n WHERE n.run_id = ?", runId);
    }

    static Optional<Notification> latestOfApp(Connection c, String app) throws SQLException {
        return select(c, "SELECT " + COLUMNS + " FROM notifications n JOIN runs r ON r.id = n.run_id "
                + "WHERE r.app = ? ORDER BY n.run_id DESC LIMIT 1", app);
    }

    private static Optional<Notification> select(Connection c, String sql, Object param) throws SQLException {
        return Jdbc.first(c, sql, LedgerRows::notification, param);
    }
}
