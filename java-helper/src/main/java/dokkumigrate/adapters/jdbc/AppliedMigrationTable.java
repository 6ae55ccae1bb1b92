package dokkumigrate.adapters.jdbc;

import dokkumigrate.applied.AppliedMigration;
import dokkumigrate.ledger.AppliedMigrationRecords.Applied;
import dokkumigrate.ledger.AppliedMigrationRecords.AppliedByRun;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code applied_migrations} table, the same in SQLite and PostgreSQL but for the order of a
 * history, which each backend gives ({@link #history}).
 */
public final class AppliedMigrationTable {
    private static final String HISTORY_SELECT = "SELECT a.run_id, a.framework, a.migration_id, a.name, a.seen_at, "
            + RunTable.COLUMNS.replaceAll("(^|, )", "$1r.")
            + " FROM applied_migrations a JOIN runs r ON r.id = a.run_id WHERE r.app = ?";
    private static final String OF_RUN = "SELECT run_id, framework, migration_id, name, seen_at "
            + "FROM applied_migrations WHERE run_id = ? ORDER BY id";

    private AppliedMigrationTable() {
    }

    /** The app's applied migrations, in {@code newestFirst} (an ORDER BY on {@code a}, then LIMIT ?): app, limit. */
    public static String history(String newestFirst) {
        return HISTORY_SELECT + newestFirst;
    }

    /** The app's applications of one migration, by id, id prefix or name: app, migration x5, limit. */
    public static String historyOfMigration(String newestFirst) {
        return HISTORY_SELECT + " AND (a.migration_id = ? OR substr(a.migration_id, 1, "
                + "length(?) + 1) IN (? || '_', ? || '-') OR a.name = ?)" + newestFirst;
    }

    public static void insert(Connection c, long runId, List<AppliedMigration> migrations, Instant at)
            throws SQLException {
        for (AppliedMigration m : migrations) {
            Jdbc.execute(c, "INSERT INTO applied_migrations (run_id, framework, migration_id, name, seen_at) "
                    + "VALUES (?, ?, ?, ?, ?)", runId, m.framework(), m.id(), m.name(), at.toEpochMilli());
        }
    }

    public static Map<Long, List<Applied>> ofRuns(Connection c, Collection<Long> runIds) throws SQLException {
        Map<Long, List<Applied>> byRun = new LinkedHashMap<>();
        for (long runId : runIds) {
            List<Applied> applied = Jdbc.rows(c, OF_RUN, rs -> LedgerRows.applied(rs, 1), runId);
            if (!applied.isEmpty()) {
                byRun.put(runId, applied);
            }
        }
        return byRun;
    }

    /** The history {@code history} selects, or {@code historyOfMigration} for one migration. */
    public static List<AppliedByRun> history(Connection c, String history, String historyOfMigration, String app,
            Optional<String> migration, int limit) throws SQLException {
        Jdbc.RowReader<AppliedByRun> reader = rs -> new AppliedByRun(LedgerRows.applied(rs, 1), LedgerRows.run(rs, 6));
        if (migration.isEmpty()) {
            return Jdbc.rows(c, history, reader, app, limit);
        }
        String m = migration.get();
        return Jdbc.rows(c, historyOfMigration, reader, app, m, m, m, m, m, limit);
    }
}
