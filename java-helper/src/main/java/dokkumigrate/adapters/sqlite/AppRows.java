package dokkumigrate.adapters.sqlite;

import static dokkumigrate.adapters.jdbc.Jdbc.execute;

import dokkumigrate.adapters.jdbc.Jdbc;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/** Every record of one app at once, across the tables: apps:destroy, apps:rename, apps:clone and pruning. */
final class AppRows {
    private AppRows() {
    }

    /** Removes everything recorded for the app; returns the log file names of its runs. */
    static List<String> delete(Connection c, String app) throws SQLException {
        List<String> logs = Jdbc.strings(c, RunRows.LOG_FILES_OF_APP, app);
        // runs, their output, notices, applied migrations, tasks and taken copies go with their deploy
        for (String sql : List.of("DELETE FROM deploys WHERE app = ?", "DELETE FROM events WHERE app = ?",
                "DELETE FROM lock_holders WHERE app = ?")) {
            execute(c, sql, app);
        }
        return logs;
    }

    static void rename(Connection c, String oldApp, String newApp) throws SQLException {
        for (String table : List.of("deploys", "runs", "events", "lock_holders")) {
            execute(c, "UPDATE " + table + " SET app = ? WHERE app = ?", newApp, oldApp);
        }
    }

    /** Copies the app's deploys with their plans, taken copies, runs (output, applied migrations) and events. */
    static void copy(Connection c, String oldApp, String newApp) throws SQLException {
        for (long deployId : DeployRows.idsOf(c, oldApp)) {
            long newId = DeployRows.copy(c, deployId, newApp);
            TakenCopyRows.copy(c, deployId, newId);
            RunRows.copy(c, deployId, newId, newApp);
        }
        EventRows.copy(c, oldApp, newApp);
    }

    /** Removes all but the app's newest {@code keep} runs, and the deploys left without any; returns their logs. */
    static List<String> prune(Connection c, String app, int keep) throws SQLException {
        List<String> logs = RunRows.prune(c, app, keep);
        execute(c, DeployRows.PRUNE, app, app, app, app);
        return logs;
    }
}
