package dokkumigrate.adapters.sqlite;

import static dokkumigrate.adapters.jdbc.Jdbc.bind;
import static dokkumigrate.adapters.jdbc.Jdbc.execute;
import static dokkumigrate.adapters.jdbc.Jdbc.generatedId;

import dokkumigrate.adapters.jdbc.Jdbc;
import dokkumigrate.adapters.jdbc.LedgerRows;
import dokkumigrate.ledger.Deploy;
import dokkumigrate.ledger.DeployKey;
import dokkumigrate.plan.Phase;
import dokkumigrate.plan.Plan;
import dokkumigrate.plan.Task;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The {@code deploys} table and the {@code tasks} of each deploy's plan, run inside the ledger's transactions. */
final class DeployRows {
    private static final String SELECT = "SELECT id, app, deploy_key, origin, trigger, revision, created_at, rolled_out_at "
            + "FROM deploys WHERE ";
    static final String BY_KEY = SELECT + "app = ? AND deploy_key = ?";
    static final String BY_ID = SELECT + "id = ?";
    static final String LATEST_EXTRACTED = SELECT + "app = ? AND origin = 'extracted' ORDER BY id DESC LIMIT 1";
    static final String LATEST = SELECT + "app = ? ORDER BY id DESC LIMIT 1";
    static final String OF_APP = SELECT + "app = ? ORDER BY id DESC LIMIT ?";
    static final String APPS = "SELECT DISTINCT app FROM deploys ORDER BY app";
    static final String PLAN = "SELECT phase, command FROM tasks WHERE deploy_id = ?";
    static final String IDS_OF_APP = "SELECT id FROM deploys WHERE app = ? ORDER BY id";
    /** Deploys older than the app's oldest kept run with no run left, bar the standing plan (apps: app x4). */
    static final String PRUNE = "DELETE FROM deploys WHERE app = ? AND id NOT IN (SELECT deploy_id FROM runs WHERE app = ?) "
            + "AND id < (SELECT COALESCE(MIN(deploy_id), 0) FROM runs WHERE app = ?) "
            + "AND id <> (SELECT COALESCE(MAX(id), 0) FROM deploys WHERE app = ? AND origin = 'extracted')";
    static final String RUN_COUNT = "SELECT COUNT(*) FROM runs WHERE deploy_id = ?";

    private DeployRows() {
    }

    /** Records a deploy's plan, or replaces the plan of a recorded deploy none of whose tasks has run yet. */
    static Deploy record(Connection c, String app, DeployKey key, Deploy.Origin origin, String trigger, String revision,
            Plan plan)
            throws SQLException {
        Optional<Deploy> existing = one(c, BY_KEY, app, key.toString());
        long deployId;
        if (existing.isPresent()) {
            deployId = existing.get().id();
            if (runCount(c, deployId) > 0) {
                return existing.get();
            }
            execute(c, "DELETE FROM tasks WHERE deploy_id = ?", deployId);
            execute(c, "UPDATE deploys SET origin = ?, trigger = ?, revision = ? WHERE id = ?", origin.label(), trigger, revision,
                    deployId);
        } else {
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO deploys (app, deploy_key, dokku_pid, origin, trigger, revision, created_at) "
                            + "VALUES (?, ?, ?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
                bind(s, app, key.toString(), key.dokkuPid(), origin.label(), trigger, revision,
                        Instant.now().toEpochMilli());
                s.executeUpdate();
                deployId = generatedId(s);
            }
        }
        try (PreparedStatement s = c.prepareStatement("INSERT INTO tasks (deploy_id, phase, command) VALUES (?, ?, ?)")) {
            for (Task task : plan.tasks()) {
                bind(s, deployId, task.phase().label(), task.command());
                s.executeUpdate();
            }
        }
        return one(c, BY_ID, deployId).orElseThrow();
    }

    /** The deploy the statement selects (one of the {@code SELECT} constants), if any. */
    static Optional<Deploy> one(Connection c, String sql, Object... params) throws SQLException {
        List<Deploy> deploys = list(c, sql, params);
        return deploys.isEmpty() ? Optional.empty() : Optional.of(deploys.get(0));
    }

    static List<Deploy> list(Connection c, String sql, Object... params) throws SQLException {
        return Jdbc.rows(c, sql, rs -> LedgerRows.deploy(rs, 1), params);
    }

    static Plan planOf(Connection c, long deployId) throws SQLException {
        return new Plan(Jdbc.rows(c, PLAN, rs -> new Task(Phase.parse(rs.getString(1)), rs.getString(2)),
                deployId));
    }

    static void markRolledOut(Connection c, long deployId, Instant at) throws SQLException {
        execute(c, "UPDATE deploys SET rolled_out_at = ? WHERE id = ? AND rolled_out_at IS NULL", at.toEpochMilli(),
                deployId);
    }

    /** A task of a deploy's plan, with the deploy's app. */
    record PlannedTask(String app, String command) { }

    /** The deploy's task in {@code phase}; empty when its plan has none. */
    static Optional<PlannedTask> taskOf(Connection c, long deployId, Phase phase) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT t.command, d.app FROM tasks t "
                + "JOIN deploys d ON d.id = t.deploy_id WHERE t.deploy_id = ? AND t.phase = ?")) {
            bind(s, deployId, phase.label());
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(new PlannedTask(rs.getString(2), rs.getString(1))) : Optional.empty();
            }
        }
    }

    /** The ids of the app's deploys, oldest first. */
    static List<Long> idsOf(Connection c, String app) throws SQLException {
        return Jdbc.rows(c, IDS_OF_APP, rs -> rs.getLong(1), app);
    }

    /** Copies a deploy and its plan to {@code newApp} (apps:clone); returns the copy's id. */
    static long copy(Connection c, long deployId, String newApp) throws SQLException {
        long newId;
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO deploys (app, deploy_key, dokku_pid, origin, trigger, revision, created_at, rolled_out_at) "
                        + "SELECT ?, deploy_key, dokku_pid, origin, trigger, revision, created_at, rolled_out_at "
                        + "FROM deploys WHERE id = ?", Statement.RETURN_GENERATED_KEYS)) {
            bind(s, newApp, deployId);
            s.executeUpdate();
            newId = generatedId(s);
        }
        execute(c, "INSERT INTO tasks (deploy_id, phase, command) SELECT ?, phase, command FROM tasks "
                + "WHERE deploy_id = ?", newId, deployId);
        return newId;
    }

    private static int runCount(Connection c, long deployId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(RUN_COUNT)) {
            s.setLong(1, deployId);
            try (ResultSet rs = s.executeQuery()) {
                return rs.getInt(1);
            }
        }
    }
}
