package dokkumigrate.adapters.postgres;

import dokkumigrate.platform.LedgerUrl;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Properties;

/**
 * Opens connections to the PostgreSQL server a {@link LedgerUrl} names, and turns a refused
 * connection into a message that names the server and what to check.
 *
 * <p>The driver is made here, not looked up through {@code DriverManager} (whose first use loads
 * every driver listed on the class path): so the PostgreSQL driver's classes load only in a helper
 * that opens a connection, never on a host whose ledger is SQLite. The password is never set: the
 * driver reads it, when the server asks for one, from the file the system property
 * {@code org.postgresql.pgpassfile} or the environment variable {@code PGPASSFILE} names, else from
 * {@code ~/.pgpass} (pgjdbc's PgPassParser, the libpq convention).
 */
public final class PostgresConnector {
    /** Seconds to open a connection (TCP and log-in) before the server counts as unreachable. */
    static final int CONNECT_TIMEOUT_SECONDS = 10;
    /** Seconds a cancel request (a connection of its own) may take. */
    static final int CANCEL_TIMEOUT_SECONDS = 5;

    private final LedgerUrl url;

    public PostgresConnector(LedgerUrl url) {
        this.url = url;
    }

    public LedgerUrl url() {
        return url;
    }

    /** {@code jdbc:postgresql://HOST:PORT/DATABASE}, the database percent-encoded. */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + url.host() + ":" + url.port() + "/"
                + URLEncoder.encode(url.database(), StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The connection properties: user, sslmode when given, timeouts; never a password. */
    public Properties properties() {
        Properties properties = new Properties();
        properties.setProperty("user", url.user());
        url.sslMode().ifPresent(mode -> properties.setProperty("sslmode", mode));
        properties.setProperty("ApplicationName", "dokku-migrate");
        properties.setProperty("connectTimeout", String.valueOf(CONNECT_TIMEOUT_SECONDS));
        properties.setProperty("loginTimeout", String.valueOf(CONNECT_TIMEOUT_SECONDS));
        properties.setProperty("cancelSignalTimeout", String.valueOf(CANCEL_TIMEOUT_SECONDS));
        // a dead peer (a host powered off, a cut network) shows up on an idle session too
        properties.setProperty("tcpKeepAlive", "true");
        return properties;
    }

    /**
     * A new connection, in autocommit mode.
     *
     * @throws PostgresUnavailableException when the server cannot be reached or refuses the log-in
     */
    public Connection open() {
        try {
            Connection connection = DriverHolder.DRIVER.connect(jdbcUrl(), properties());
            if (connection == null) {
                throw new PostgresUnavailableException(url, "the PostgreSQL driver did not accept " + jdbcUrl(), null);
            }
            return connection;
        } catch (SQLException e) {
            throw refused(e);
        }
    }

    /**
     * Whether the server answers: a connection opened and closed again. Empty when it does, else
     * what went wrong, naming the server and what to check.
     */
    public Optional<String> problem() {
        try (Connection connection = open()) {
            return connection.isValid(CONNECT_TIMEOUT_SECONDS) ? Optional.empty()
                    : Optional.of("PostgreSQL at " + url.host() + ":" + url.port() + " accepted the "
                            + "connection but did not answer within " + CONNECT_TIMEOUT_SECONDS + " seconds.");
        } catch (PostgresUnavailableException e) {
            return Optional.of(e.getMessage());
        } catch (SQLException e) {
            return Optional.of(refused(e).getMessage());
        }
    }

    /** A failure to connect, in words that name the server and what to check. */
    PostgresUnavailableException refused(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String server = "PostgreSQL at " + url.host() + ":" + url.port();
        String pgpass = "the line " + url.pgpassLine() + " in the dokku user's ~/.pgpass (mode 0600) or in the file "
                + "PGPASSFILE names";
        String message;
        switch (state) {
            case "28P01" -> message = server + " refused the password of user " + url.user() + ". Check " + pgpass + ".";
            case "08004" -> message = e.getMessage() != null && e.getMessage().contains("no password was provided")
                    ? server + " asks user " + url.user() + " for a password, and none was found for it. Add " + pgpass + "."
                    : server + " rejected the connection: " + e.getMessage() + ".";
            case "28000" -> message = server + " does not let user " + url.user() + " in to database " + url.database()
                    + " (" + e.getMessage() + "). Check that the role exists and that the server's pg_hba.conf "
                    + "allows it from this host.";
            case "3D000" -> message = server + " has no database " + url.database() + ". Create it (createdb -h "
                    + url.host() + " -p " + url.port() + " -O " + url.user() + " " + url.database()
                    + ") or fix the ledger-url.";
            case "53300" -> message = server + " has no connection slot left (max_connections). Check who holds "
                    + "its connections, or raise max_connections.";
            case "57P03" -> message = server + " is starting up or shutting down. Try again once it is up.";
            case "08001", "08006", "08000" -> message = "Cannot reach " + server + " (" + e.getMessage() + "). Check that "
                    + "the server runs, listens on that address and port (listen_addresses), and that this host can "
                    + "reach it (DNS, firewall).";
            default -> message = server + " refused the connection for database " + url.database() + " as user "
                    + url.user() + ": " + e.getMessage();
        }
        return new PostgresUnavailableException(url, message, e);
    }

    /** The driver, made on first use: this class's loading loads none of pgjdbc. */
    private static final class DriverHolder {
        static final Driver DRIVER = new org.postgresql.Driver();
    }
}
