package dokkumigrate.adapters.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dokkumigrate.platform.LedgerUrl;
import dokkumigrate.testsupport.ChildJvm;
import dokkumigrate.testsupport.PostgresServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Connections to a real PostgreSQL server: the password from a password file only, and each refusal in words. */
class PostgresConnectorTest {
    private static final String PGPASSFILE_PROPERTY = "org.postgresql.pgpassfile";
    private static final Duration LONG = Duration.ofSeconds(60);
    private static PostgresServer server;

    @TempDir
    Path dir;

    @BeforeAll
    static void startServer() {
        server = PostgresServer.start();
        server.sql("CREATE ROLE ledger LOGIN", "CREATE DATABASE ledger OWNER ledger");
        server.createPasswordUser("secured", "right-horse-battery");
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @AfterEach
    void forgetPasswordFile() {
        System.clearProperty(PGPASSFILE_PROPERTY);
    }

    @Test
    void aGoodUrlConnectsAsItsUserToItsDatabase() throws Exception {
        PostgresConnector connector = connector(server.url("ledger", "ledger") + "?sslmode=disable");

        try (Connection connection = connector.open(); Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery(
                        "SELECT current_user, current_database(), current_setting('application_name')")) {
            assertTrue(row.next());
            assertEquals("ledger", row.getString(1));
            assertEquals("ledger", row.getString(2));
            assertEquals("dokku-migrate", row.getString(3));
            assertTrue(connection.getAutoCommit());
        }
    }

    @Test
    void thePropertiesCarryUserAndSslmodeButNeverAPassword() {
        PostgresConnector connector = connector("postgresql://dokku@db.internal:6543/mig%20rate?sslmode=verify-full");

        assertEquals("jdbc:postgresql://db.internal:6543/mig%20rate", connector.jdbcUrl());
        assertEquals("dokku", connector.properties().getProperty("user"));
        assertEquals("verify-full", connector.properties().getProperty("sslmode"));
        assertFalse(connector.properties().containsKey("password"));
        assertFalse(connector(server.url("ledger", "ledger")).properties().containsKey("sslmode"));
    }

    @Test
    void aPasswordUserGetsInWithTheLineOfThePasswordFileSystemProperty() throws Exception {
        System.setProperty(PGPASSFILE_PROPERTY, pgpass("right-horse-battery").toString());

        try (Connection connection = connector(server.url("secured", "secured")).open();
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("SELECT current_user")) {
            assertTrue(row.next());
            assertEquals("secured", row.getString(1));
        }
    }

    @Test
    void theDriverReadsTheFileThatPgpassfileNames() throws Exception {
        Map<String, String> environment = new HashMap<>();
        environment.put("PGPASSFILE", pgpass("right-horse-battery").toString());

        assertEquals("connected secured secured", probe(List.of(), environment));
    }

    @Test
    void theDriverReadsDotPgpassInTheHomeDirectory() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        Files.move(pgpass("right-horse-battery"), home.resolve(".pgpass"));
        Map<String, String> environment = new HashMap<>();
        environment.put("PGPASSFILE", null);

        assertEquals("connected secured secured", probe(List.of("-Duser.home=" + home), environment));
    }

    @Test
    void withoutAPasswordFileThePasswordUserIsRefusedWithTheLineToAdd() throws Exception {
        Path home = Files.createDirectories(dir.resolve("empty-home"));
        Map<String, String> environment = new HashMap<>();
        environment.put("PGPASSFILE", null);

        String answer = probe(List.of("-Duser.home=" + home), environment);

        assertEquals("refused PostgreSQL at 127.0.0.1:" + server.port() + " asks user secured for a password, and none "
                + "was found for it. Add the line 127.0.0.1:" + server.port() + ":secured:secured:PASSWORD in the dokku "
                + "user's ~/.pgpass (mode 0600) or in the file PGPASSFILE names.", answer);
    }

    @Test
    void aWrongPasswordIsRefusedNamingTheServerAndTheLineToCheck() throws Exception {
        System.setProperty(PGPASSFILE_PROPERTY, pgpass("wrong-horse").toString());

        PostgresUnavailableException refused = assertThrows(PostgresUnavailableException.class,
                () -> connector(server.url("secured", "secured")).open());

        assertEquals("PostgreSQL at 127.0.0.1:" + server.port() + " refused the password of user secured. Check the "
                + "line 127.0.0.1:" + server.port() + ":secured:secured:PASSWORD in the dokku user's ~/.pgpass (mode "
                + "0600) or in the file PGPASSFILE names.", refused.getMessage());
        assertFalse(refused.getMessage().contains("wrong-horse"));
        assertEquals("28P01", assertInstanceOf(SQLException.class, refused.getCause()).getSQLState());
    }

    @Test
    void aMissingDatabaseIsNamedWithHowToCreateIt() {
        PostgresUnavailableException refused = assertThrows(PostgresUnavailableException.class,
                () -> connector(server.url("ledger", "no_such_ledger")).open());

        assertEquals("PostgreSQL at 127.0.0.1:" + server.port() + " has no database no_such_ledger. Create it (createdb "
                + "-h 127.0.0.1 -p " + server.port() + " -O ledger no_such_ledger) or fix the ledger-url.",
                refused.getMessage());
    }

    @Test
    void aRoleThatDoesNotExistIsNamed() {
        PostgresUnavailableException refused = assertThrows(PostgresUnavailableException.class,
                () -> connector(server.url("nobody_here", "ledger")).open());

        assertTrue(refused.getMessage().startsWith("PostgreSQL at 127.0.0.1:" + server.port() + " does not let user "
                + "nobody_here in to database ledger ("), refused.getMessage());
        assertTrue(refused.getMessage().contains("role \"nobody_here\" does not exist"), refused.getMessage());
        assertTrue(refused.getMessage().endsWith("Check that the role exists and that the server's pg_hba.conf allows "
                + "it from this host."), refused.getMessage());
    }

    @Test
    void aPortNobodyListensOnIsReportedAsUnreachable() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closed = socket.getLocalPort();
        }

        PostgresUnavailableException refused = assertThrows(PostgresUnavailableException.class,
                () -> connector("postgresql://ledger@127.0.0.1:" + closed + "/ledger").open());

        assertTrue(refused.getMessage().startsWith("Cannot reach PostgreSQL at 127.0.0.1:" + closed + " ("),
                refused.getMessage());
        assertTrue(refused.getMessage().endsWith("Check that the server runs, listens on that address and port "
                + "(listen_addresses), and that this host can reach it (DNS, firewall)."), refused.getMessage());
    }

    @Test
    void aHostThatDoesNotResolveIsReportedAsUnreachable() {
        PostgresUnavailableException refused = assertThrows(PostgresUnavailableException.class,
                () -> connector("postgresql://ledger@no-such-host.invalid:5432/ledger").open());

        assertTrue(refused.getMessage().startsWith("Cannot reach PostgreSQL at no-such-host.invalid:5432 ("),
                refused.getMessage());
    }

    @Test
    void aStoppedServerIsReportedAsUnreachable() throws Exception {
        try (PostgresServer other = PostgresServer.start()) {
            String url = other.url(PostgresServer.SUPERUSER, "postgres");
            connector(url).open().close();
            long pid = other.pid();

            other.stop();

            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
            PostgresUnavailableException refused = assertThrows(PostgresUnavailableException.class,
                    () -> connector(url).open());
            assertTrue(refused.getMessage().startsWith("Cannot reach PostgreSQL at 127.0.0.1:" + other.port()),
                    refused.getMessage());
        }
    }

    private static PostgresConnector connector(String url) {
        return new PostgresConnector(LedgerUrl.parse(url).orElseThrow());
    }

    /** A password file (mode 0600) with the line for the user "secured". */
    private Path pgpass(String password) throws Exception {
        Path file = Files.createTempFile(dir, "pgpass", "");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(file, "# host:port:database:user:password\n127.0.0.1:" + server.port() + ":secured:secured:"
                + password + "\n");
        return file;
    }

    private String probe(List<String> jvmOptions, Map<String, String> environment) throws Exception {
        try (ChildJvm child = ChildJvm.start(jvmOptions, environment, PostgresConnectProbe.class,
                server.url("secured", "secured"))) {
            return child.nextLine(LONG);
        }
    }
}
