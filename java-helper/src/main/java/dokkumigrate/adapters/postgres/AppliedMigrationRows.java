package dokkumigrate.adapters.postgres;

import dokkumigrate.adapters.jdbc.Jdbc;
import dokkumigrate.adapters.jdbc.LedgerRows;
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

/** The {@code applied_migrations} table, in PostgreSQL. */
final class AppliedMigrationRows {
    private static final String HISTORY_SELECT = "SELECT a.run_id, a.framework, a.migration_id, a.name, a.seen_at, "
            + RunRows.COLUMNS.replaceAll("(^|, )", "$1r.")
            + " FROM applied_migrations a JOIN runs r ON r.id = a.run_id WHERE r.app = ?";
    private static final String NEWEST_FIRST = " ORDER BY a.seen_at DESC, a.id DESC LIMIT ?";
    /** The app's applied migrations, newest first (app, limit). */
    static final String HISTORY = HISTORY_SELECT + NEWEST_FIRST;
    /** The app's applications of one migration, by id, id prefix or name (app, migration x5, limit). */
    static final String HISTORY_OF_MIGRATION = HISTORY_SELECT + " AND (a.migration_id = ? OR substr(a.migration_id, 1, "
            + "length(?) + 1) IN (? || '_', ? || '-') OR a.name = ?)" + NEWEST_FIRST;
    private static final String OF_RUN = "SELECT run_id, framework, migration_id, name, seen_at "
            + "FROM applied_migrations WHERE run_id = ? ORDER BY id";

    private AppliedMigrationRows() {
    }

    static void insert(Connection c, long runId, List<AppliedMigration> migrations, Instant at) throws SQLException {
        for (AppliedMigration m : migrations) {
            Jdbc.execute(c, "INSERT INTO applied_migrations (run_id, framework, migration_id, name, seen_at) "
                    + "VALUES (?, ?, ?, ?, ?)", runId, m.framework(), m.id(), m.name(), at.toEpochMilli());
        }
    }

    static Map<Long, List<Applied>> ofRuns(Connection c, Collection<Long> runIds) throws SQLException {
        Map<Long, List<Applied>> byRun = new LinkedHashMap<>();
        for (long runId : runIds) {
            List<Applied> applied = Jdbc.rows(c, OF_RUN, rs -> LedgerRows.applied(rs, 1), runId);
            if (!applied.isEmpty()) {
                byRun.put(runId, applied);
            }
        }
        return byRun;
    }

    static List<AppliedByRun> history(Connection c, String app, Optional<String> migration, int limit)
            throws SQLException {
        Jdbc.RowReader<AppliedByRun> reader = rs -> new AppliedByRun(LedgerRows.applied(rs, 1), LedgerRows.run(rs, 6));
        if (migration.isEmpty()) {
            return Jdbc.rows(c, HISTORY, reader, app, limit);
        }
        String m = migration.get();
        return Jdbc.rows(c, HISTORY_OF_MIGRATION, reader, app, m, m, m, m, m, limit);
    }
}
