package dokkumigrate.adapters.sqlite;

import static dokkumigrate.adapters.jdbc.Jdbc.execute;

import dokkumigrate.adapters.jdbc.Jdbc;
import dokkumigrate.adapters.jdbc.LedgerRows;
import dokkumigrate.ledger.LockHolder;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/** The {@code lock_holders} table: who holds (or last held) each task lock, for display. */
final class LockHolderRows {
    static final String OF_LOCK = "SELECT lock_key, app, deploy_id, pid, host, since FROM lock_holders WHERE lock_key = ?";

    private LockHolderRows() {
    }

    static Optional<LockHolder> ofLock(Connection c, String lockKey) throws SQLException {
        return Jdbc.first(c, OF_LOCK, LedgerRows::lockHolder, lockKey);
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
