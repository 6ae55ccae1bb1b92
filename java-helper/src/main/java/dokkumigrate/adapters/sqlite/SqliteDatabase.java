package dokkumigrate.adapters.sqlite;

import dokkumigrate.adapters.jdbc.Jdbc;
import dokkumigrate.adapters.jdbc.Jdbc.Work;
import dokkumigrate.adapters.jdbc.Transactions;
import dokkumigrate.ledger.Ledger.LedgerException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The ledger's SQLite file: opening it (WAL, a busy timeout, foreign keys), bringing its schema up
 * to date ({@link Schema}, tracked by {@code PRAGMA user_version}), running work in short
 * {@code BEGIN IMMEDIATE} transactions so that concurrent helper processes serialise on SQLite's
 * own lock, and turning every {@link SQLException} into a {@link LedgerException} that says what to
 * do. The records kept in it are
 * {@link dokkumigrate.adapters.jdbc.JdbcLedger}'s and {@link SqliteStatements}' business.
 */
final class SqliteDatabase implements Transactions, AutoCloseable {
    private static final byte[] SQLITE_HEADER = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

    private final Path path;
    private final Connection connection;

    private SqliteDatabase(Path path, Connection connection) {
        this.path = path;
        this.connection = connection;
    }

    /**
     * Opens the file, creating it (mode 0640) when it does not exist and applying any pending
     * schema migrations. An existing file that is not a SQLite database is refused, never
     * overwritten.
     */
    static SqliteDatabase open(Path path, Duration busyTimeout) {
        refuseForeignFile(path);
        createIfMissing(path);
        SQLiteConfig config = new SQLiteConfig();
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.setBusyTimeout((int) busyTimeout.toMillis());
        config.enforceForeignKeys(true);
        Connection connection;
        try {
            connection = config.createConnection("jdbc:sqlite:" + path);
        } catch (SQLException e) {
            throw translate(path, "open", e);
        }
        SqliteDatabase database = new SqliteDatabase(path, connection);
        try {
            database.useWal(busyTimeout);
            database.migrate();
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
        return database;
    }

    Path path() {
        return path;
    }

    /**
     * Puts the file in WAL mode (a no-op once it is). Switching needs the file to itself, and
     * SQLite answers "busy" at once, without its busy handler, to helpers that open a new ledger
     * together: so the switch is retried until the busy timeout is spent, as any write would wait.
     */
    private void useWal(Duration busyTimeout) {
        long deadline = System.nanoTime() + busyTimeout.toNanos();
        while (true) {
            String mode;
            try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("PRAGMA journal_mode = WAL")) {
                mode = rs.getString(1);
            } catch (SQLException e) {
                boolean busy = e instanceof SQLiteException sqlite
                        && (sqlite.getResultCode().code & 0xff) == SQLiteErrorCode.SQLITE_BUSY.code;
                if (!busy || System.nanoTime() > deadline) {
                    throw translate(path, "open", e);
                }
                mode = "busy";
            }
            if ("wal".equalsIgnoreCase(mode)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new LedgerException("The ledger at " + path + " stayed in journal mode " + mode
                        + " instead of WAL: another process kept it open for longer than the busy timeout. "
                        + "Find it with: fuser -v " + path + "; then try again.");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LedgerException("Interrupted while opening the ledger at " + path, e);
            }
        }
    }

    /** The schema version the file is at. */
    int schemaVersion() {
        return query("read the schema version", c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA user_version")) {
                return rs.getInt(1);
            }
        });
    }

    private void migrate() {
        int current = schemaVersion();
        if (current > Schema.latestVersion()) {
            throw new LedgerException("The ledger at " + path + " has schema version " + current
                    + ", newer than this helper knows (" + Schema.latestVersion() + "). "
                    + "Update the plugin: dokku plugin:update migrate");
        }
        for (int version = current + 1; version <= Schema.latestVersion(); version++) {
            String sql = Schema.MIGRATIONS.get(version - 1);
            int target = version;
            write("apply schema migration " + version, c -> {
                try (Statement s = c.createStatement()) {
                    // another helper opening the ledger at the same time may have applied it first
                    try (ResultSet rs = s.executeQuery("PRAGMA user_version")) {
                        if (rs.getInt(1) >= target) {
                            return null;
                        }
                    }
                    for (String statement : sql.split(";\\s*\\n")) {
                        if (!statement.isBlank()) {
                            s.executeUpdate(statement);
                        }
                    }
                    s.executeUpdate("PRAGMA user_version = " + target);
                }
                return null;
            });
        }
    }

    /** {@code PRAGMA integrity_check}'s verdict: "ok" or the problems found. */
    String integrityCheck() {
        return query("check the ledger's integrity", c -> {
            List<String> problems = new ArrayList<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
                while (rs.next()) {
                    problems.add(rs.getString(1));
                }
            }
            return String.join("\n", problems);
        });
    }

    /** The query plan SQLite chooses for a statement, one step a line ({@code EXPLAIN QUERY PLAN}). */
    List<String> explainQueryPlan(String sql, Object... params) {
        return query("explain a query", c -> {
            List<String> plan = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("EXPLAIN QUERY PLAN " + sql)) {
                Jdbc.bind(s, params);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        plan.add(rs.getString("detail"));
                    }
                }
            }
            return plan;
        });
    }

    /** Runs read-only work; {@code what} says what it was for when it fails. */
    @Override
    public <T> T query(String what, Work<T> work) {
        synchronized (connection) {
            try {
                return work.apply(connection);
            } catch (SQLException e) {
                throw translate(path, what, e);
            }
        }
    }

    /*
     * The transaction is driven with plain BEGIN IMMEDIATE / COMMIT / ROLLBACK statements on a
     * connection left in auto-commit mode, not with the driver's setAutoCommit/commit: the driver
     * begins the next transaction straight after every commit or rollback (taking the write lock
     * again, and failing with "busy" after a write that did commit), and a BEGIN that timed out
     * leaves it believing a transaction is open, so the next write ran outside any transaction
     * and then failed with "cannot commit - no transaction is active".
     */
    /** Runs work in one {@code BEGIN IMMEDIATE} transaction: all of it is written, or none. */
    @Override
    public <T> T write(String what, Work<T> work) {
        synchronized (connection) {
            try {
                executeStatement("BEGIN IMMEDIATE");
                try {
                    T result = work.apply(connection);
                    executeStatement("COMMIT");
                    return result;
                } catch (SQLException | RuntimeException e) {
                    rollbackQuietly(e);
                    throw e;
                }
            } catch (SQLException e) {
                throw translate(path, what, e);
            }
        }
    }


    private void executeStatement(String sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute(sql);
        }
    }

    private void rollbackQuietly(Exception cause) {
        try {
            executeStatement("ROLLBACK");
        } catch (SQLException rollbackFailure) {
            // SQLite may already have rolled the transaction back on its own (e.g. a full disk)
            cause.addSuppressed(rollbackFailure);
        }
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            throw translate(path, "close", e);
        }
    }

    // ---- the file, and what to do when it fails ----

    private static void refuseForeignFile(Path path) {
        if (!Files.isRegularFile(path)) {
            return;
        }
        byte[] header = new byte[SQLITE_HEADER.length];
        int read;
        try (InputStream in = Files.newInputStream(path)) {
            read = in.readNBytes(header, 0, header.length);
        } catch (IOException e) {
            throw new LedgerException("Cannot read the ledger at " + path + ": " + e.getMessage()
                    + ". Check that it is readable by the dokku user.", e);
        }
        if (read > 0 && (read < header.length || !Arrays.equals(header, SQLITE_HEADER))) {
            throw new LedgerException(notADatabase(path));
        }
    }

    private static void createIfMissing(Path path) {
        if (Files.exists(path)) {
            return;
        }
        Path parent = path.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new LedgerException("The ledger's directory " + parent + " does not exist. "
                    + "Run the plugin's install: dokku plugin:install");
        }
        try {
            Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r-----")));
        } catch (java.nio.file.FileAlreadyExistsException raced) {
            // another helper created it first; it is opened below like any existing ledger
        } catch (IOException e) {
            throw new LedgerException("Cannot create the ledger at " + path + ": " + e.getMessage(), e);
        }
    }

    private static String notADatabase(Path path) {
        return "The ledger at " + path + " is not a SQLite database or is corrupt; nothing was changed. "
                + "Keep it for inspection (mv " + path + " " + path + ".broken), then restore it from a backup "
                + "or let the next deploy start a new, empty ledger.";
    }

    private static LedgerException translate(Path path, String what, SQLException e) {
        if (e instanceof SQLiteException sqlite) {
            SQLiteErrorCode code = sqlite.getResultCode();
            int primary = code.code & 0xff;
            if (primary == SQLiteErrorCode.SQLITE_NOTADB.code || primary == SQLiteErrorCode.SQLITE_CORRUPT.code) {
                return new LedgerException(notADatabase(path), e);
            }
            if (primary == SQLiteErrorCode.SQLITE_BUSY.code || primary == SQLiteErrorCode.SQLITE_LOCKED.code) {
                List<String> holders = FileLockers.of(path).stream().map(FileLockers.Locker::describe).toList();
                return new LedgerException("The ledger at " + path + " stayed locked by another process"
                        + (holders.isEmpty() ? "" : " (" + String.join(", ", holders) + ")")
                        + " for longer than the busy timeout, so could not " + what + ". "
                        + (holders.isEmpty() ? "Find the holder with: fuser -v " + path + "; then try again."
                                : "Let it finish or stop it; then try again. Nothing was written."), e);
            }
            // a full disk also shows as an I/O error, e.g. when SQLite cannot grow its -shm file
            if (primary == SQLiteErrorCode.SQLITE_FULL.code
                    || (primary == SQLiteErrorCode.SQLITE_IOERR.code && diskFull(path))) {
                return new LedgerException("The disk holding the ledger at " + path + " is full, so could not "
                        + what + ". Free some space and deploy again; nothing of this step was written to the ledger.", e);
            }
            if (primary == SQLiteErrorCode.SQLITE_READONLY.code || primary == SQLiteErrorCode.SQLITE_CANTOPEN.code
                    || primary == SQLiteErrorCode.SQLITE_PERM.code) {
                return new LedgerException("Cannot write the ledger at " + path + " (" + what + "): "
                        + sqlite.getMessage() + ". It must be owned and writable by the dokku user: "
                        + "run dokku plugin:install to repair its ownership.", e);
            }
        }
        return new LedgerException("Could not " + what + " (ledger at " + path + "): " + e.getMessage(), e);
    }

    /** Whether the file system holding the ledger has (almost) no room left for it to grow. */
    private static boolean diskFull(Path path) {
        try {
            Path directory = path.toAbsolutePath().getParent();
            return directory != null && Files.getFileStore(directory).getUsableSpace() < 64 * 1024;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
