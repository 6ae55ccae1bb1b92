package dokkumigrate.adapters.postgres;

import dokkumigrate.adapters.jdbc.Jdbc;
import dokkumigrate.ledger.Ledger.LedgerException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
        each(source, "SELECT id, app, deploy_key, dokku_pid, origin, trigger, " + revision + ", created_at, rolled_out_at "
                + "FROM deploys ORDER BY id", row -> {
                    long originId = row.getLong(1);
                    long id = insert(target, "deploys", "INSERT INTO deploys (app, deploy_key, dokku_pid, origin, trigger, "
                            + "revision, created_at, rolled_out_at, origin_host, origin_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            originId, row.getString(2), row.getString(3), row.getLong(4), row.getString(5), row.getString(6),
                            row.getString(7), row.getLong(8), nullableLong(row, 9));
                    deployIds.put(originId, id);
                });
        each(source, "SELECT deploy_id, phase, command FROM tasks ORDER BY deploy_id, phase", row ->
                Jdbc.execute(target, "INSERT INTO tasks (deploy_id, phase, command) VALUES (?, ?, ?) "
                        + "ON CONFLICT (deploy_id, phase) DO NOTHING", deployIds.get(row.getLong(1)), row.getString(2),
                        row.getString(3)));
    }

    private void copyRuns(Connection source, Connection target) throws SQLException {
        each(source, "SELECT id, deploy_id, app, phase, command, state, attempt, exit_code, started_at, finished_at, image, "
                + "image_id, container_id, host, helper_pid, log_path, detail, output_bytes FROM runs ORDER BY id", row -> {
                    long originId = row.getLong(1);
                    long id = insert(target, "runs", "INSERT INTO runs (deploy_id, app, phase, command, state, attempt, "
                            + "exit_code, started_at, finished_at, image, image_id, container_id, host, helper_pid, log_path, "
                            + "detail, output_bytes, origin_host, origin_id) "
                            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", originId,
                            deployIds.get(row.getLong(2)), row.getString(3), row.getString(4), row.getString(5),
                            row.getString(6), row.getInt(7), nullableLong(row, 8), nullableLong(row, 9),
                            nullableLong(row, 10), row.getString(11), row.getString(12), row.getString(13),
                            row.getString(14), row.getLong(15), row.getString(16), row.getString(17), row.getLong(18));
                    runIds.put(originId, id);
                });
        each(source, "SELECT run_id, tail FROM run_output ORDER BY run_id", row ->
                Jdbc.execute(target, "INSERT INTO run_output (run_id, tail) VALUES (?, ?) ON CONFLICT (run_id) DO NOTHING",
                        runIds.get(row.getLong(1)), row.getBytes(2)));
    }

    private void copyEvents(Connection source, Connection target) throws SQLException {
        each(source, "SELECT id, app, kind, detail, at FROM events ORDER BY id", row ->
                insert(target, "events", "INSERT INTO events (app, kind, detail, at, origin_host, origin_id) "
                        + "VALUES (?, ?, ?, ?, ?, ?)", row.getLong(1), row.getString(2), row.getString(3), row.getString(4),
                        row.getLong(5)));
    }

    private void copyNotifications(Connection source, Connection target) throws SQLException {
        each(source, "SELECT run_id, target, attempts, delivered, last_status, last_error, at FROM notifications "
                + "ORDER BY run_id", row -> count("notifications", Jdbc.execute(target, "INSERT INTO notifications (run_id, "
                        + "target, attempts, delivered, last_status, last_error, at) VALUES (?, ?, ?, ?, ?, ?, ?) "
                        + "ON CONFLICT (run_id) DO NOTHING", runIds.get(row.getLong(1)), row.getString(2), row.getInt(3),
                        row.getInt(4), nullableLong(row, 5), row.getString(6), row.getLong(7))));
    }

    private void copyAppliedMigrations(Connection source, Connection target) throws SQLException {
        each(source, "SELECT id, run_id, framework, migration_id, name, seen_at FROM applied_migrations ORDER BY id", row ->
                insert(target, "applied_migrations", "INSERT INTO applied_migrations (run_id, framework, migration_id, "
                        + "name, seen_at, origin_host, origin_id) VALUES (?, ?, ?, ?, ?, ?, ?)", row.getLong(1),
                        runIds.get(row.getLong(2)), row.getString(3), row.getString(4), row.getString(5), row.getLong(6)));
    }

    private void copyTakenCopies(Connection source, Connection target) throws SQLException {
        each(source, "SELECT deploy_id, file, original, stripped FROM taken_copies ORDER BY deploy_id, file", row ->
                count("taken_copies", Jdbc.execute(target, "INSERT INTO taken_copies (deploy_id, file, original, stripped) "
                        + "VALUES (?, ?, ?, ?) ON CONFLICT (deploy_id, file) DO NOTHING", deployIds.get(row.getLong(1)),
                        row.getString(2), row.getBytes(3), row.getBytes(4))));
    }

    /**
     * Inserts a row tagged with this host and {@code originId} (its parameters end before those two),
     * or finds the one an earlier copy inserted; returns its id here.
     */
    private long insert(Connection target, String table, String sql, long originId, Object... params) throws SQLException {
        Object[] all = new Object[params.length + 2];
        System.arraycopy(params, 0, all, 0, params.length);
        all[params.length] = originHost;
        all[params.length + 1] = originId;
        Optional<Long> inserted = Jdbc.first(target, sql + " ON CONFLICT (origin_host, origin_id) DO NOTHING RETURNING id",
                rs -> rs.getLong(1), all);
        count(table, inserted.isPresent() ? 1 : 0);
        if (inserted.isPresent()) {
            return inserted.get();
        }
        return Jdbc.first(target, "SELECT id FROM " + table + " WHERE origin_host = ? AND origin_id = ?",
                rs -> rs.getLong(1), originHost, originId).orElseThrow();
    }

    private void count(String table, int inserted) {
        counts.get(table)[inserted > 0 ? 0 : 1]++;
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

    /** Does something with a row of the source. */
    @FunctionalInterface
    private interface RowAction {
        void accept(ResultSet row) throws SQLException;
    }

    private static void each(Connection source, String sql, RowAction action) throws SQLException {
        try (Statement s = source.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                action.accept(rs);
            }
        }
    }
}
