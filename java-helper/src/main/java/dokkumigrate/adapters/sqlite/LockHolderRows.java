package dokkumigrate.adapters.sqlite;

import static dokkumigrate.adapters.sqlite.SqliteDatabase.execute;

import dokkumigrate.ledger.LockHolder;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/** The {@code lock_holders} table: who holds (or last held) each task lock, for display. */
final class LockHolderRows {
    static final String OF_LOCK = "SELECT lock_key, app, deploy_id, pid, host, since FROM lock_holders WHERE lock_key = ?";

    private LockHolderRows() {
    }

    static Optional<LockHolder> ofLock(Connection c, String lockKey) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(OF_LOCK)) {
            s.setString(1, lockKey);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new LockHolder(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4),
                        rs.getString(5), Instant.ofEpochMilli(rs.getLong(6))));
            }
        }
    }

    static void put(Connection c, LockHolder holder) throws SQLException {
        execute(c, "INSERT OR REPLACE INTO lock_holders (lock_key, app, deploy_id, pid, host, since) VALUES (?, ?, ?, ?, ?, ?)",
                holder.lockKey(), holder.app(), holder.deployId(), holder.pid(), holder.host(),
                holder.since().toEpochMilli());
    }

    /** Removes the record of a lock, if {@code pid} is its holder. */
    static void clear(Connection c, String lockKey, long pid) throws SQLException {
        execute(c, "DELETE FROM lock_holders WHERE lock_key = ? AND pid = ?", lockKey, pid);
    }
}
