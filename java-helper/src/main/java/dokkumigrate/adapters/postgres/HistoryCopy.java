package dokkumigrate.adapters.postgres;

import dokkumigrate.adapters.jdbc.Jdbc;
import dokkumigrate.ledger.Ledger.LedgerException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sqlite.SQLiteConfig;

/**
 * Copies a host's SQLite ledger into the PostgreSQL ledger, when the host first points its
 * {@code ledger-url} at it: deploys with their plans and taken copies, runs with their output,
 * notices and applied migrations, and events. Lock holders are not copied: they describe locks of
 * the host's files, which the shared ledger does not use.
 *
 * <p>The SQLite file is opened read-only and read in one transaction (a consistent snapshot, even
 * while a helper writes to it); it is never changed. Every copied deploy, run, event and applied
 * migration carries {@code origin_host} (the host's name) and {@code origin_id} (its id in the file),
 * unique together, and gets a new id; the rows that hang on a deploy or run follow its new id. So a
 * second copy of the same file inserts nothing new, and the histories of several hosts stand side by
 * side. The whole copy is one PostgreSQL transaction: all of it is written, or none.
 */
public final class HistoryCopy {
    private static final int BUSY_TIMEOUT_MILLIS = 10_000;
    private static final int BATCH_SIZE = 500;
    /** A row an earlier copy inserted is left as it is. */
    private static final String TAGGED = " ON CONFLICT (origin_host, origin_id) DO NOTHING";

    private final PostgresDatabase db;
    private final String originHost;
    private final Map<String, int[]> counts = new LinkedHashMap<>();
    private final Map<Long, Long> deployIds = new HashMap<>();
    private final Map<Long, Long> runIds = new HashMap<>();

    private HistoryCopy(PostgresDatabase db, String originHost) {
        this.db = db;
        this.originHost = originHost;
        for (String table : List.of("deploys", "runs", "events", "notifications", "applied_migrations", "taken_copies")) {
            counts.put(table, new int[2]);
        }
    }

    /** How many rows of each table were copied, and how many were there already from an earlier copy. */
    public record Counts(Map<String, Integer> copied, Map<String, Integer> alreadyThere) {
        public int totalCopied() {
            return copied.values().stream().mapToInt(Integer::intValue).sum();
        }

        public int totalAlreadyThere() {
            return alreadyThere.values().stream().mapToInt(Integer::intValue).sum();
        }

        /** "copied 2 deploys, 3 runs, ...; 0 rows were there already". */
        public String describe() {
            List<String> parts = new ArrayList<>();
            copied.forEach((table, n) -> parts.add(n + " " + table.replace('_', ' ')));
            return "copied " + String.join(", ", parts) + "; " + totalAlreadyThere() + " rows were there already";
        }
    }

    /**
     * Copies the history in the SQLite ledger {@code sqliteFile} (nothing when the file does not exist)
     * into {@code into}, tagged with {@code originHost}.
     *
     * @throws LedgerException when the file cannot be read or the copy cannot be written; nothing is written then
     */
    public static Counts copy(Path sqliteFile, String originHost, PostgresLedger into) {
        HistoryCopy copy = new HistoryCopy(into.database(), originHost);
        if (Files.exists(sqliteFile)) {
            copy.run(sqliteFile);
        }
        return copy.counts();
    }

    private void run(Path sqliteFile) {
        try (Connection source = openReadOnly(sqliteFile)) {
            source.setAutoCommit(false); // one read transaction: a consistent snapshot
            int version = (int) Jdbc.number(source, "PRAGMA user_version", 0);
            db.change("copy the history of " + originHost + " from " + sqliteFile, target -> {
                copyDeploys(source, target, version);
                copyRuns(source, target);
                copyEvents(source, target);
                if (version >= 2) {
                    copyNotifications(source, target);
                }
                if (version >= 3) {
                    copyAppliedMigrations(source, target);
                }
                if (version >= 4) {
                    copyTakenCopies(source, target);
                }
            });
            source.rollback();
        } catch (SQLException e) {
            throw new LedgerException("Could not read the SQLite ledger at " + sqliteFile + " to copy it: " + e.getMessage()
                    + ". Check that it is readable by the dokku user; nothing was copied.", e);
        }
    }

    private static Connection openReadOnly(Path file) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        return config.createConnection("jdbc:sqlite:" + file);
    }

    private void copyDeploys(Connection source, Connection target, int version) throws SQLException {
        String revision = version >= 5 ? "revision" : "''";
        batch(source, target, "deploys", "SELECT app, deploy_key, dokku_pid, origin, trigger, " + revision + ", created_at, "
                + "rolled_out_at, id FROM deploys ORDER BY id", "INSERT INTO deploys (app, deploy_key, dokku_pid, origin, "
                + "trigger, revision, created_at, rolled_out_at, origin_host, origin_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                + TAGGED, row -> tagged(row.getString(1), row.getString(2), row.getLong(3), row.getString(4),
                row.getString(5), row.getString(6), row.getLong(7), nullableLong(row, 8), row.getLong(9)));
        deployIds.putAll(idsHere(target, "deploys"));
        batch(source, target, null, "SELECT deploy_id, phase, command FROM tasks ORDER BY deploy_id, phase",
                "INSERT INTO tasks (deploy_id, phase, command) VALUES (?, ?, ?) ON CONFLICT (deploy_id, phase) DO NOTHING",
                row -> new Object[] {deployIds.get(row.getLong(1)), row.getString(2), row.getString(3)});
    }

    private void copyRuns(Connection source, Connection target) throws SQLException {
        batch(source, target, "runs", "SELECT deploy_id, app, phase, command, state, attempt, exit_code, started_at, "
                + "finished_at, image, image_id, container_id, host, helper_pid, log_path, detail, output_bytes, id "
                + "FROM runs ORDER BY id", "INSERT INTO runs (deploy_id, app, phase, command, state, attempt, exit_code, "
                + "started_at, finished_at, image, image_id, container_id, host, helper_pid, log_path, detail, output_bytes, "
                + "origin_host, origin_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" + TAGGED,
                row -> tagged(deployIds.get(row.getLong(1)), row.getString(2), row.getString(3), row.getString(4),
                        row.getString(5), row.getInt(6), nullableLong(row, 7), nullableLong(row, 8), nullableLong(row, 9),
                        row.getString(10), row.getString(11), row.getString(12), row.getString(13), row.getLong(14),
                        row.getString(15), row.getString(16), row.getLong(17), row.getLong(18)));
        runIds.putAll(idsHere(target, "runs"));
        batch(source, target, null, "SELECT run_id, tail FROM run_output ORDER BY run_id",
                "INSERT INTO run_output (run_id, tail) VALUES (?, ?) ON CONFLICT (run_id) DO NOTHING",
                row -> new Object[] {runIds.get(row.getLong(1)), row.getBytes(2)});
    }

    private void copyEvents(Connection source, Connection target) throws SQLException {
        batch(source, target, "events", "SELECT app, kind, detail, at, id FROM events ORDER BY id",
                "INSERT INTO events (app, kind, detail, at, origin_host, origin_id) VALUES (?, ?, ?, ?, ?, ?)" + TAGGED,
                row -> tagged(row.getString(1), row.getString(2), row.getString(3), row.getLong(4), row.getLong(5)));
    }

    private void copyNotifications(Connection source, Connection target) throws SQLException {
        batch(source, target, "notifications", "SELECT run_id, target, attempts, delivered, last_status, last_error, at "
                + "FROM notifications ORDER BY run_id", "INSERT INTO notifications (run_id, target, attempts, delivered, "
                + "last_status, last_error, at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run_id) DO NOTHING",
                row -> new Object[] {runIds.get(row.getLong(1)), row.getString(2), row.getInt(3), row.getInt(4),
                        nullableLong(row, 5), row.getString(6), row.getLong(7)});
    }

    private void copyAppliedMigrations(Connection source, Connection target) throws SQLException {
        batch(source, target, "applied_migrations", "SELECT run_id, framework, migration_id, name, seen_at, id "
                + "FROM applied_migrations ORDER BY id", "INSERT INTO applied_migrations (run_id, framework, migration_id, "
                + "name, seen_at, origin_host, origin_id) VALUES (?, ?, ?, ?, ?, ?, ?)" + TAGGED,
                row -> tagged(runIds.get(row.getLong(1)), row.getString(2), row.getString(3), row.getString(4),
                        row.getLong(5), row.getLong(6)));
    }

    private void copyTakenCopies(Connection source, Connection target) throws SQLException {
        batch(source, target, "taken_copies", "SELECT deploy_id, file, original, stripped FROM taken_copies "
                + "ORDER BY deploy_id, file", "INSERT INTO taken_copies (deploy_id, file, original, stripped) "
                + "VALUES (?, ?, ?, ?) ON CONFLICT (deploy_id, file) DO NOTHING",
                row -> new Object[] {deployIds.get(row.getLong(1)), row.getString(2),
                        row.getBytes(3), row.getBytes(4)});
    }

    /** The row's values with this host's name inserted before its last value, the row's id in the file. */
    private Object[] tagged(Object... values) {
        Object[] all = new Object[values.length + 1];
        System.arraycopy(values, 0, all, 0, values.length - 1);
        all[values.length - 1] = originHost;
        all[values.length] = values[values.length - 1];
        return all;
    }

    /**
     * Inserts every row the source query returns, in batches (one round trip each, not one a row: the
     * server may be far away), counting in {@code table} (when not null) the rows inserted and those
     * an earlier copy had inserted already.
     */
    private void batch(Connection source, Connection target, String table, String select, String insert, Values values)
            throws SQLException {
        try (Statement query = source.createStatement(); ResultSet row = query.executeQuery(select);
                PreparedStatement statement = target.prepareStatement(insert)) {
            int pending = 0;
            while (row.next()) {
                Jdbc.bind(statement, values.of(row));
                statement.addBatch();
                if (++pending == BATCH_SIZE) {
                    count(table, statement.executeBatch());
                    pending = 0;
                }
            }
            if (pending > 0) {
                count(table, statement.executeBatch());
            }
        }
    }

    /** The ids here of the table's rows copied from this host, by their id in the file. */
    private Map<Long, Long> idsHere(Connection target, String table) throws SQLException {
        Map<Long, Long> ids = new HashMap<>();
        for (long[] pair : Jdbc.rows(target, "SELECT origin_id, id FROM " + table + " WHERE origin_host = ?",
                rs -> new long[] {rs.getLong(1), rs.getLong(2)}, originHost)) {
            ids.put(pair[0], pair[1]);
        }
        return ids;
    }

    private void count(String table, int[] inserted) {
        if (table == null) {
            return;
        }
        for (int n : inserted) {
            counts.get(table)[n > 0 ? 0 : 1]++;
        }
    }

    private Counts counts() {
        Map<String, Integer> copied = new LinkedHashMap<>();
        Map<String, Integer> already = new LinkedHashMap<>();
        counts.forEach((table, n) -> {
            copied.put(table, n[0]);
            already.put(table, n[1]);
        });
        return new Counts(Collections.unmodifiableMap(copied), Collections.unmodifiableMap(already));
    }

    private static Long nullableLong(ResultSet row, int column) throws SQLException {
        long value = row.getLong(column);
        return row.wasNull() ? null : value;
    }

    /** The values a row of the source gives the insert, in its parameters' order. */
    @FunctionalInterface
    private interface Values {
        Object[] of(ResultSet row) throws SQLException;
    }
}
