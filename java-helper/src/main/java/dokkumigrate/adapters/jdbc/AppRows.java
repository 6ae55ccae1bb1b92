package dokkumigrate.adapters.jdbc;

import static dokkumigrate.adapters.jdbc.Jdbc.execute;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Every record of one app at once, across the tables, the same in SQLite and PostgreSQL:
 * apps:destroy, apps:rename, apps:clone. Pruning differs by backend (its order of "newest"):
 * {@link LedgerStatements#prune}.
 */
public final class AppRows {
    private AppRows() {
    }

    /** Removes everything recorded for the app; returns the log file names of its runs. */
    public static List<String> delete(Connection c, String app) throws SQLException {
        List<String> logs = Jdbc.strings(c, RunTable.LOG_FILES_OF_APP, app);
        // runs, their output, notices, applied migrations, tasks and taken copies go with their deploy
        for (String sql : List.of("DELETE FROM deploys WHERE app = ?", "DELETE FROM events WHERE app = ?",
                "DELETE FROM lock_holders WHERE app = ?")) {
            execute(c, sql, app);
        }
        return logs;
    }

    public static void rename(Connection c, String oldApp, String newApp) throws SQLException {
        for (String table : List.of("deploys", "runs", "events", "lock_holders")) {
            execute(c, "UPDATE " + table + " SET app = ? WHERE app = ?", newApp, oldApp);
        }
    }

    /**
     * Copies the app's deploys ({@code deployIds}, oldest first) with their plans, taken copies, runs
     * (output, applied migrations), and its events.
     */
    public static void copy(Connection c, List<Long> deployIds, String oldApp, String newApp) throws SQLException {
        for (long deployId : deployIds) {
            long newId = DeployTable.copy(c, deployId, newApp);
            RunTable.copy(c, deployId, newId, newApp);
        }
        execute(c, "INSERT INTO events (app, kind, detail, at) SELECT ?, kind, detail, at FROM events "
                + "WHERE app = ? ORDER BY id", newApp, oldApp);
    }
}
