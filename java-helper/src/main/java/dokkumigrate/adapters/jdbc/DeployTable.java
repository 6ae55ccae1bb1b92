package dokkumigrate.adapters.jdbc;

import static dokkumigrate.adapters.jdbc.Jdbc.execute;

import dokkumigrate.ledger.Deploy;
import dokkumigrate.plan.Phase;
import dokkumigrate.plan.Plan;
import dokkumigrate.plan.Task;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The statements on the {@code deploys} table and each deploy's {@code tasks} that read the same in
 * SQLite and PostgreSQL. What differs (which deploy is newest, recording a plan, pruning) is each
 * backend's {@link LedgerStatements} and {@link LedgerStatements.Queries}, built on {@link #SELECT}.
 */
public final class DeployTable {
    public static final String COLUMNS = "id, app, deploy_key, origin, trigger, revision, created_at, rolled_out_at";
    /** The start of a query of whole deploys, in the columns {@link LedgerRows#deploy} reads. */
    public static final String SELECT = "SELECT " + COLUMNS + " FROM deploys WHERE ";
    public static final String BY_ID = SELECT + "id = ?";
    public static final String PLAN = "SELECT phase, command FROM tasks WHERE deploy_id = ?";

    private DeployTable() {
    }

    /** The deploy the statement selects (one of the {@code SELECT} queries), if any. */
    public static Optional<Deploy> one(Connection c, String sql, Object... params) throws SQLException {
        return Jdbc.first(c, sql, rs -> LedgerRows.deploy(rs, 1), params);
    }

    public static List<Deploy> list(Connection c, String sql, Object... params) throws SQLException {
        return Jdbc.rows(c, sql, rs -> LedgerRows.deploy(rs, 1), params);
    }

    public static Plan planOf(Connection c, long deployId) throws SQLException {
        return new Plan(Jdbc.rows(c, PLAN, rs -> new Task(Phase.parse(rs.getString(1)), rs.getString(2)), deployId));
    }

    public static void markRolledOut(Connection c, long deployId, Instant at) throws SQLException {
        execute(c, "UPDATE deploys SET rolled_out_at = ? WHERE id = ? AND rolled_out_at IS NULL", at.toEpochMilli(),
                deployId);
    }

    /** A task of a deploy's plan, with the deploy's app. */
    public record PlannedTask(String app, String command) { }

    /** The deploy's task in {@code phase}; empty when its plan has none. */
    public static Optional<PlannedTask> taskOf(Connection c, long deployId, Phase phase) throws SQLException {
        return Jdbc.first(c, "SELECT d.app, t.command FROM tasks t JOIN deploys d ON d.id = t.deploy_id "
                + "WHERE t.deploy_id = ? AND t.phase = ?", rs -> new PlannedTask(rs.getString(1), rs.getString(2)),
                deployId, phase.label());
    }

    /**
     * Copies a deploy with its plan and taken copies to {@code newApp} (apps:clone); returns the
     * copy's id. The copy is this ledger's own (no origin of a copied history).
     */
    public static long copy(Connection c, long deployId, String newApp) throws SQLException {
        long newId = Jdbc.insert(c, "INSERT INTO deploys (app, deploy_key, dokku_pid, origin, trigger, revision, "
                + "created_at, rolled_out_at) SELECT ?, deploy_key, dokku_pid, origin, trigger, revision, created_at, "
                + "rolled_out_at FROM deploys WHERE id = ?", newApp, deployId);
        execute(c, "INSERT INTO tasks (deploy_id, phase, command) SELECT ?, phase, command FROM tasks "
                + "WHERE deploy_id = ?", newId, deployId);
        execute(c, "INSERT INTO taken_copies (deploy_id, file, original, stripped) "
                + "SELECT ?, file, original, stripped FROM taken_copies WHERE deploy_id = ?", newId, deployId);
        return newId;
    }
}
