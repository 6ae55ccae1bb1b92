package dokkumigrate.adapters.postgres;

import dokkumigrate.adapters.jdbc.Jdbc;
import dokkumigrate.adapters.jdbc.Jdbc.Work;
import dokkumigrate.adapters.jdbc.Transactions;
import dokkumigrate.ledger.Ledger.LedgerException;
import dokkumigrate.platform.LedgerUrl;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The ledger's PostgreSQL database: one connection (through {@link PostgresConnector}, so the
 * password comes from the password file only), its schema brought up to date ({@link PostgresSchema})
 * under a transaction-scoped advisory lock, work run in short transactions, and every
 * {@link SQLException} turned into a {@link LedgerException} that names the server and what to check
 * ({@link PostgresUnavailableException} when the server is gone). The records kept in it are
 * {@link dokkumigrate.adapters.jdbc.JdbcLedger}'s and {@link PostgresStatements}' business.
 */
final class PostgresDatabase implements Transactions, AutoCloseable {
    /** A transaction that lost a deadlock or a serialization conflict is run again, this many times in all. */
    private static final int ATTEMPTS = 3;

    private final PostgresConnector connector;
    private final LedgerUrl url;
    private final Object lock = new Object();
    private Connection connection;
    /** Whether the transaction under way has sent its commit: a failure from then on leaves its outcome unknown. */
    private boolean committing;

    private PostgresDatabase(PostgresConnector connector, Connection connection) {
        this.connector = connector;
        this.url = connector.url();
        this.connection = connection;
    }

    /**
     * Connects and applies any pending schema migrations.
     *
     * @throws PostgresUnavailableException when the server cannot be reached or refuses the log-in
     * @throws LedgerException when the schema cannot be created or is newer than this helper
     */
    static PostgresDatabase open(PostgresConnector connector) {
        Connection connection = connector.open();
        PostgresDatabase database = new PostgresDatabase(connector, connection);
        try {
            database.migrate();
        } catch (RuntimeException e) {
            database.closeQuietly();
            throw e;
        }
        return database;
    }

    LedgerUrl url() {
        return url;
    }

    /** The schema version the database is at (0 before the first migration). */
    int schemaVersion() {
        return query("read the schema version", PostgresDatabase::versionOf);
    }

    private static int versionOf(Connection c) throws SQLException {
        Jdbc.execute(c, PostgresSchema.VERSION_TABLE);
        return (int) Jdbc.number(c, "SELECT COALESCE(MAX(version), 0) FROM schema_version", 0);
    }

    /**
     * Applies the pending migrations in one transaction that first takes the schema's advisory lock:
     * a second host migrating at the same moment waits, then finds them applied.
     */
    private void migrate() {
        change("create or update the ledger's schema", c -> {
            Jdbc.rows(c, "SELECT pg_advisory_xact_lock(?)", rs -> null, PostgresSchema.LOCK_KEY);
            int current = versionOf(c);
            if (current > PostgresSchema.latestVersion()) {
                throw new LedgerException("The ledger at " + where() + " has schema version " + current
                        + ", newer than this helper knows (" + PostgresSchema.latestVersion() + "). "
                        + "Update the plugin on this host: dokku plugin:update migrate");
            }
            for (int version = current + 1; version <= PostgresSchema.latestVersion(); version++) {
                try (Statement s = c.createStatement()) {
                    s.execute(PostgresSchema.MIGRATIONS.get(version - 1));
                }
                Jdbc.execute(c, "INSERT INTO schema_version (version, applied_at) VALUES (?, ?)", version,
                        Instant.now().toEpochMilli());
            }
        });
    }

    /**
     * PostgreSQL checks its own pages; what is left to check here is that the schema is the one this
     * helper expects: "ok", or what is wrong (a version other than this helper's, a table missing).
     */
    String integrityCheck() {
        return query("check the ledger's schema", c -> {
            List<String> problems = new ArrayList<>();
            int version = versionOf(c);
            if (version != PostgresSchema.latestVersion()) {
                problems.add("schema version " + version + ", expected " + PostgresSchema.latestVersion());
            }
            for (String table : PostgresSchema.TABLES) {
                if (!Jdbc.first(c, "SELECT to_regclass(?) IS NOT NULL", rs -> rs.getBoolean(1), table).orElse(false)) {
                    problems.add("table " + table + " is missing");
                }
            }
            return problems.isEmpty() ? "ok" : String.join("\n", problems);
        });
    }

    /*
     * A session the server ended (a restart, an idle timeout, a network cut while the helper waited on
     * a long task) is replaced once per operation by a new one, and the operation runs again: a read
     * is harmless to repeat, and a transaction that failed before its commit was sent was rolled back
     * by the server. A failure while committing is never repeated, since the commit may have happened.
     */
    /** Runs read-only work in autocommit; {@code what} says what it was for when it fails. */
    @Override
    public <T> T query(String what, Work<T> work) {
        synchronized (lock) {
            committing = false;
            boolean reconnected = false;
            while (true) {
                try {
                    return work.apply(connection);
                } catch (SQLException e) {
                    if (!reconnected && isLost(e) && reconnect()) {
                        reconnected = true;
                        continue;
                    }
                    throw translate(what, e);
                }
            }
        }
    }

    /** Runs work in one transaction: all of it is written, or none; a lost deadlock is run again. */
    @Override
    public <T> T write(String what, Work<T> work) {
        synchronized (lock) {
            boolean reconnected = false;
            for (int attempt = 1; ; attempt++) {
                try {
                    return transaction(work);
                } catch (SQLException e) {
                    if (attempt < ATTEMPTS && isConflict(e)) {
                        continue;
                    }
                    if (!reconnected && !committing && isLost(e) && reconnect()) {
                        reconnected = true;
                        continue;
                    }
                    throw translate(what, e);
                }
            }
        }
    }

    /** A new session in place of the lost one; false when the server cannot be reached now. */
    private boolean reconnect() {
        closeQuietly();
        try {
            connection = connector.open();
            return true;
        } catch (PostgresUnavailableException e) {
            return false;
        }
    }


    private <T> T transaction(Work<T> work) throws SQLException {
        committing = false;
        connection.setAutoCommit(false);
        try {
            T result = work.apply(connection);
            committing = true;
            connection.commit();
            committing = false;
            return result;
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(e);
            throw e;
        } finally {
            restoreAutoCommit();
        }
    }

    private void rollbackQuietly(Exception cause) {
        try {
            connection.rollback();
        } catch (SQLException rollbackFailure) {
            // a lost connection has rolled the transaction back on the server already
            cause.addSuppressed(rollbackFailure);
        }
    }

    private void restoreAutoCommit() {
        try {
            if (!connection.isClosed()) {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            // the connection is lost: the next use reports it
        }
    }

    /** The session is gone: the connection broke, or the server ended it (shut down, restarted, terminated). */
    private static boolean isLost(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        return state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03");
    }

    private static boolean isConflict(SQLException e) {
        return "40001".equals(e.getSQLState()) || "40P01".equals(e.getSQLState());
    }

    @Override
    public void close() {
        synchronized (lock) {
            try {
                connection.close();
            } catch (SQLException e) {
                throw translate("close the connection", e);
            }
        }
    }

    private void closeQuietly() {
        try {
            connection.close();
        } catch (SQLException e) {
            // failing to open is the news
        }
    }

    /** Where the ledger is, as messages name it: {@code PostgreSQL at HOST:PORT/DATABASE (user USER)}. */
    private String where() {
        return "PostgreSQL at " + url.server() + " (user " + url.user() + ")";
    }

    /** A failure, in words that name the server and what to check. */
    LedgerException translate(String what, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String reason = e.getMessage();
        if (isLost(e)) {
            return new PostgresUnavailableException(url, "Lost " + where() + " while trying to " + what + " (" + reason
                    + "). Check that the server runs and that this host can reach it; " + (committing
                    ? "the server may or may not have recorded this step." : "nothing of this step was recorded."), e);
        }
        if (state.equals("42501")) {
            return new LedgerException(where() + " refused to " + what + ": " + reason + ". Grant user " + url.user()
                    + " the right to create tables in database " + url.database() + " (or make it the owner).", e);
        }
        if (state.startsWith("53")) {
            return new LedgerException(where() + " is out of resources and could not " + what + " (" + reason
                    + "). Check its disk space and max_connections; nothing of this step was recorded.", e);
        }
        if (isConflict(e)) {
            return new LedgerException(where() + " kept aborting the transaction to " + what + " (" + reason
                    + ") because of concurrent writes. Try again.", e);
        }
        return new LedgerException("Could not " + what + " (ledger at " + where() + "): " + reason, e);
    }
}
