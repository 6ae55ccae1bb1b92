package dokkumigrate.adapters.postgres;

import static dokkumigrate.adapters.jdbc.Jdbc.execute;

import dokkumigrate.adapters.jdbc.Jdbc;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/** Every record of one app at once, across the tables, in PostgreSQL: apps:destroy, apps:rename, apps:clone, pruning. */
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
            execute(c, "INSERT INTO taken_copies (deploy_id, file, original, stripped) "
                    + "SELECT ?, file, original, stripped FROM taken_copies WHERE deploy_id = ?", newId, deployId);
            RunRows.copy(c, deployId, newId, newApp);
        }
        execute(c, "INSERT INTO events (app, kind, detail, at) SELECT ?, kind, detail, at FROM events "
                + "WHERE app = ? ORDER BY id", newApp, oldApp);
    }

    /** Removes all but the app's newest {@code keep} runs, and the deploys left without any; returns their logs. */
    static List<String> prune(Connection c, String app, int keep) throws SQLException {
        List<String> logs = RunRows.prune(c, app, keep);
        execute(c, DeployRows.PRUNE, app, app, keep, app, app);
        return logs;
    }
}
