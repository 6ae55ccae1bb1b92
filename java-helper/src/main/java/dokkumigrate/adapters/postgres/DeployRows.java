package dokkumigrate.adapters.postgres;

import static dokkumigrate.adapters.jdbc.Jdbc.execute;

import dokkumigrate.adapters.jdbc.Jdbc;
import dokkumigrate.adapters.jdbc.LedgerRows;
import dokkumigrate.ledger.Deploy;
import dokkumigrate.ledger.DeployKey;
import dokkumigrate.plan.Phase;
import dokkumigrate.plan.Plan;
import dokkumigrate.plan.Task;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The {@code deploys} table and the {@code tasks} of each deploy's plan, in PostgreSQL. "Newest" is
 * by creation time, then id: a history copied from another host's SQLite ledger gets ids after
 * deploys made here before it.
 */
final class DeployRows {
    static final String COLUMNS = "id, app, deploy_key, origin, trigger, revision, created_at, rolled_out_at";
    private static final String SELECT = "SELECT " + COLUMNS + " FROM deploys WHERE ";
    static final String NEWEST_FIRST = " ORDER BY created_at DESC, id DESC";
    /** A deploy of this Dokku invocation: never one copied from a host's history. */
    static final String BY_KEY = SELECT + "app = ? AND deploy_key = ? AND origin_host = ''";
    static final String BY_ID = SELECT + "id = ?";
    static final String LATEST_EXTRACTED = SELECT + "app = ? AND origin = 'extracted'" + NEWEST_FIRST + " LIMIT 1";
    static final String LATEST = SELECT + "app = ?" + NEWEST_FIRST + " LIMIT 1";
    static final String OF_APP = SELECT + "app = ?" + NEWEST_FIRST + " LIMIT ?";
    static final String APPS = "SELECT app FROM deploys GROUP BY app ORDER BY app COLLATE \"C\"";
    static final String PLAN = "SELECT phase, command FROM tasks WHERE deploy_id = ?";
    static final String IDS_OF_APP = "SELECT id FROM deploys WHERE app = ? ORDER BY created_at, id";
    /**
     * Deploys older than the deploy of the app's oldest kept run, with no run left, bar the standing
     * plan, once the app has as many runs as it keeps (app, keep, app x3). Not before: a deploy
     * recorded on another host before the deploys that ran may still wait for the lock to run its
     * tasks, and it is older than the oldest kept run's deploy as long as the app has few runs.
     */
    static final String PRUNE = "DELETE FROM deploys d WHERE d.app = ? "
            + "AND (SELECT COUNT(*) FROM runs k WHERE k.app = ?) >= ? "
            + "AND NOT EXISTS (SELECT 1 FROM runs r WHERE r.deploy_id = d.id) "
            + "AND (d.created_at, d.id) < (SELECT k.created_at, k.id FROM deploys k WHERE k.app = ? "
            + "AND EXISTS (SELECT 1 FROM runs r WHERE r.deploy_id = k.id) ORDER BY k.created_at, k.id LIMIT 1) "
            + "AND d.id <> COALESCE((SELECT s.id FROM deploys s WHERE s.app = ? AND s.origin = 'extracted' "
            + "ORDER BY s.created_at DESC, s.id DESC LIMIT 1), 0)";

    private DeployRows() {
    }

    /**
     * Records a deploy's plan, or replaces the plan of a recorded deploy none of whose tasks has run
     * yet. The deploy's row is locked first (inserted when missing), so concurrent callers recording
     * the same deploy take turns.
     */
    static Deploy record(Connection c, String app, DeployKey key, Deploy.Origin origin, String trigger, String revision,
            Plan plan) throws SQLException {
        execute(c, "INSERT INTO deploys (app, deploy_key, dokku_pid, origin, trigger, revision, created_at) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (app, deploy_key, origin_host) DO NOTHING",
                app, key.toString(), key.dokkuPid(), origin.label(), trigger, revision, Instant.now().toEpochMilli());
        Deploy deploy = one(c, BY_KEY + " FOR UPDATE", app, key.toString()).orElseThrow();
        if (Jdbc.number(c, "SELECT COUNT(*) FROM runs WHERE deploy_id = ?", 0, deploy.id()) > 0) {
            return deploy;
        }
        execute(c, "DELETE FROM tasks WHERE deploy_id = ?", deploy.id());
        execute(c, "UPDATE deploys SET origin = ?, trigger = ?, revision = ? WHERE id = ?", origin.label(), trigger,
                revision, deploy.id());
        for (Task task : plan.tasks()) {
            execute(c, "INSERT INTO tasks (deploy_id, phase, command) VALUES (?, ?, ?)", deploy.id(),
                    task.phase().label(), task.command());
        }
        return one(c, BY_ID, deploy.id()).orElseThrow();
    }

    /** The deploy the statement selects (one of the {@code SELECT} constants), if any. */
    static Optional<Deploy> one(Connection c, String sql, Object... params) throws SQLException {
        return Jdbc.first(c, sql, rs -> LedgerRows.deploy(rs, 1), params);
    }

    static List<Deploy> list(Connection c, String sql, Object... params) throws SQLException {
        return Jdbc.rows(c, sql, rs -> LedgerRows.deploy(rs, 1), params);
    }

    static Plan planOf(Connection c, long deployId) throws SQLException {
        return new Plan(Jdbc.rows(c, PLAN, rs -> new Task(Phase.parse(rs.getString(1)), rs.getString(2)), deployId));
    }

    static void markRolledOut(Connection c, long deployId, Instant at) throws SQLException {
        execute(c, "UPDATE deploys SET rolled_out_at = ? WHERE id = ? AND rolled_out_at IS NULL", at.toEpochMilli(),
                deployId);
    }

    /** A task of a deploy's plan, with the deploy's app. */
    record PlannedTask(String app, String command) { }

    /** The deploy's task in {@code phase}; empty when its plan has none. */
    static Optional<PlannedTask> taskOf(Connection c, long deployId, Phase phase) throws SQLException {
        return Jdbc.first(c, "SELECT d.app, t.command FROM tasks t JOIN deploys d ON d.id = t.deploy_id "
                + "WHERE t.deploy_id = ? AND t.phase = ?", rs -> new PlannedTask(rs.getString(1), rs.getString(2)),
                deployId, phase.label());
    }

    /** The ids of the app's deploys, oldest first. */
    static List<Long> idsOf(Connection c, String app) throws SQLException {
        return Jdbc.rows(c, IDS_OF_APP, rs -> rs.getLong(1), app);
    }

    /** Copies a deploy and its plan to {@code newApp} (apps:clone); returns the copy's id. The copy is this ledger's own. */
    static long copy(Connection c, long deployId, String newApp) throws SQLException {
        long newId = Jdbc.insert(c, "INSERT INTO deploys (app, deploy_key, dokku_pid, origin, trigger, revision, "
                + "created_at, rolled_out_at) SELECT ?, deploy_key, dokku_pid, origin, trigger, revision, created_at, "
                + "rolled_out_at FROM deploys WHERE id = ?", newApp, deployId);
        execute(c, "INSERT INTO tasks (deploy_id, phase, command) SELECT ?, phase, command FROM tasks "
                + "WHERE deploy_id = ?", newId, deployId);
        return newId;
    }
}
