package dokkumigrate.adapters.sqlite;

import dokkumigrate.adapters.jdbc.Jdbc;
import dokkumigrate.adapters.jdbc.LedgerRows;
import dokkumigrate.applied.AppliedMigration;
import dokkumigrate.ledger.AppliedMigrationRecords.Applied;
import dokkumigrate.ledger.AppliedMigrationRecords.AppliedByRun;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The SQL of the {@code applied_migrations} table, run inside the ledger's own transactions. */
final class AppliedMigrationRows {
    private static final String HISTORY_SELECT = "SELECT a.run_id, a.framework, a.migration_id, a.name, a.seen_at, "
            + RunRows.COLUMNS.replaceAll("(^|, )", "$1r.")
            + " FROM applied_migrations a JOIN runs r ON r.id = a.run_id WHERE r.app = ?";
    /** The app's applied migrations, newest first (app, limit). */
    static final String HISTORY = HISTORY_SELECT + " ORDER BY a.id DESC LIMIT ?";
    /** The app's applications of one migration, by id, id prefix or name (app, migration x5, limit). */
    static final String HISTORY_OF_MIGRATION = HISTORY_SELECT + " AND (a.migration_id = ? OR substr(a.migration_id, 1, "
            + "length(?) + 1) IN (? || '_', ? || '-') OR a.name = ?) ORDER BY a.id DESC LIMIT ?";

    private AppliedMigrationRows() {
    }

    static void insert(Connection c, long runId, List<AppliedMigration> migrations, Instant at) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO applied_migrations "
                + "(run_id, framework, migration_id, name, seen_at) VALUES (?, ?, ?, ?, ?)")) {
            for (AppliedMigration m : migrations) {
                Jdbc.bind(s, runId, m.framework(), m.id(), m.name(), at.toEpochMilli());
                s.executeUpdate();
            }
        }
    }

    static Map<Long, List<Applied>> ofRuns(Connection c, Collection<Long> runIds) throws SQLException {
        Map<Long, List<Applied>> byRun = new LinkedHashMap<>();
        try (PreparedStatement s = c.prepareStatement("SELECT run_id, framework, migration_id, name, seen_at "
                + "FROM applied_migrations WHERE run_id = ? ORDER BY id")) {
            for (long runId : runIds) {
                s.setLong(1, runId);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        byRun.computeIfAbsent(runId, id -> new ArrayList<>()).add(LedgerRows.applied(rs, 1));
                    }
                }
            }
        }
        return byRun;
    }

    static List<AppliedByRun> history(Connection c, String app, Optional<String> migration, int limit)
            throws SQLException {
        List<AppliedByRun> rows = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(migration.isPresent() ? HISTORY_OF_MIGRATION : HISTORY)) {
            if (migration.isPresent()) {
                String m = migration.get();
                Jdbc.bind(s, app, m, m, m, m, m, limit);
            } else {
                Jdbc.bind(s, app, limit);
            }
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    rows.add(new AppliedByRun(LedgerRows.applied(rs, 1), LedgerRows.run(rs, 6)));
                }
            }
        }
        return rows;
    }

    /** Copies a run's applied migrations to its copy in a cloned app. */
    static void copy(Connection c, long fromRunId, long toRunId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO applied_migrations "
                + "(run_id, framework, migration_id, name, seen_at) SELECT ?, framework, migration_id, name, seen_at "
                + "FROM applied_migrations WHERE run_id = ? ORDER BY id")) {
            Jdbc.bind(s, toRunId, fromRunId);
            s.executeUpdate();
        }
    }
}
