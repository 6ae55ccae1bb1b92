package dokkumigrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dokkumigrate.ledger.Deploy;
import dokkumigrate.ledger.LedgerUnreachable;
import dokkumigrate.plan.Phase;
import dokkumigrate.plan.Plan;
import dokkumigrate.plan.Task;
import dokkumigrate.run.RunState;
import dokkumigrate.testsupport.PostgresServer;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code migrate:set --global ledger-url}: the connection tested, the schema made and the host's
 * history copied before the URL is saved; what report, doctor, status and a deploy then do, with the
 * server answering and stopped; and back to SQLite. Against a real PostgreSQL server.
 */
class LedgerUrlSettingTest {
    private static PostgresServer server;

    @TempDir
    Path dir;
    private CommandHost host;
    private String url;

    @BeforeAll
    static void startServer() {
        server = PostgresServer.startForLedgers();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void createHost() {
        host = new CommandHost(dir).app("web");
        url = server.url(PostgresServer.LEDGER_ROLE, server.newLedgerDatabase());
    }

    @AfterEach
    void closeHost() {
        host.close();
    }

    @Test
    void settingItCopiesTheHostsHistoryOnceAndTheCommandsThenReadTheSharedLedger() {
        Deploy deploy = host.deploy("web", Deploy.Origin.EXTRACTED, Plan.of(new Task(Phase.RELEASE, "rake db:migrate")));
        host.completedRun(deploy, Phase.RELEASE, RunState.SUCCEEDED, 0, "migrated\n".getBytes(StandardCharsets.UTF_8));
        host.close();

        CommandHost.Result set = host.run("set", "--global", "ledger-url", url);

        assertEquals(0, set.exitCode(), set.toString());
        assertTrue(set.stdout().contains("-----> Connecting to PostgreSQL at 127.0.0.1:" + server.port()), set.stdout());
        assertTrue(set.stdout().contains("Schema in place; this host's history: copied "), set.stdout());
        assertTrue(set.stdout().contains(" 1 deploys") && set.stdout().contains(" 1 runs")
                && set.stdout().contains("; 0 rows were there already"), set.stdout());
        assertTrue(set.stdout().contains("=====> Setting ledger-url to " + url), set.stdout());
        assertEquals(url, host.run("report", "--global", "--migrate-global-ledger-url").stdout().strip());
        assertEquals("answers\n", host.run("report", "--global", "--migrate-ledger-state").stdout());
        assertEquals("answers", host.run("report", "web", "--format", "json").json().get("ledger-state").asText());
        CommandHost.Result status = host.run("status", "web");
        assertEquals(0, status.exitCode(), status.toString());
        assertTrue(status.stdout().contains("rake db:migrate"), "the copied history is read from PostgreSQL: " + status);

        CommandHost.Result again = host.run("set", "--global", "ledger-url", url);
        assertEquals(0, again.exitCode(), again.toString());
        assertTrue(again.stdout().contains(" 0 deploys") && again.stdout().contains(" 0 runs")
                && !again.stdout().contains("; 0 rows were there already"), "a second copy adds nothing: " + again);

        CommandHost.Result doctor = host.run("doctor");
        assertTrue(doctor.stdout().contains("The shared ledger answers: " + url), doctor.toString());

        CommandHost.Result back = host.run("set", "--global", "ledger-url", "");
        assertEquals(0, back.exitCode(), back.toString());
        assertEquals("sqlite\n", host.run("report", "--global", "--migrate-ledger-state").stdout());
        assertEquals(List.of(), host.propertyFiles());
    }

    @Test
    void aServerThatDoesNotAnswerSavesNothingAndSaysWhatToCheck() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        CommandHost.Result result = host.run("set", "--global", "ledger-url", "postgresql://ledger@127.0.0.1:"
                + closedPort + "/ledger");

        assertEquals(1, result.exitCode(), result.toString());
        assertTrue(result.stderr().startsWith(" !     Cannot reach PostgreSQL at 127.0.0.1:" + closedPort), result.stderr());
        assertTrue(result.stderr().contains("Check that the server runs"), result.stderr());
        assertTrue(result.stderr().contains("Nothing was saved: this host still uses its own SQLite ledger."),
                result.stderr());
        assertEquals(List.of(), host.propertyFiles());
    }

    @Test
    void aMissingDatabaseSavesNothingAndSaysHowToCreateIt() {
        CommandHost.Result result = host.run("set", "--global", "ledger-url", server.url("ledger", "nosuchdb"));

        assertEquals(1, result.exitCode(), result.toString());
        assertTrue(result.stderr().contains("has no database nosuchdb. Create it (createdb -h 127.0.0.1"), result.stderr());
        assertEquals(List.of(), host.propertyFiles());
    }

    @Test
    void aWrongPasswordSavesNothingAndNamesThePasswordFileLine() throws Exception {
        server.createPasswordUser("secured", "right-horse-battery");
        Path pgpass = dir.resolve("pgpass");
        Files.writeString(pgpass, "127.0.0.1:" + server.port() + ":secured:secured:wrong-horse\n");
        Files.setPosixFilePermissions(pgpass, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        String before = System.getProperty("org.postgresql.pgpassfile");
        System.setProperty("org.postgresql.pgpassfile", pgpass.toString());
        try {
            CommandHost.Result result = host.run("set", "--global", "ledger-url", server.url("secured", "secured"));

            assertEquals(1, result.exitCode(), result.toString());
            assertTrue(result.stderr().startsWith(" !     PostgreSQL at 127.0.0.1:" + server.port() + " refused the "
                    + "password of user secured. Check the line 127.0.0.1:" + server.port() + ":secured:secured:PASSWORD"),
                    result.stderr());
            assertTrue(result.stderr().contains("Nothing was saved"), result.stderr());
            assertFalse(result.toString().contains("wrong-horse"), result.toString());
            assertEquals(List.of(), host.propertyFiles());
        } finally {
            if (before == null) {
                System.clearProperty("org.postgresql.pgpassfile");
            } else {
                System.setProperty("org.postgresql.pgpassfile", before);
            }
        }
    }

    @Test
    void aUrlWithAPasswordOrAnAppsValueIsRefusedWithoutQuotingIt() {
        CommandHost.Result withPassword = host.run("set", "--global", "ledger-url",
                "postgresql://ledger:hunter2@127.0.0.1:" + server.port() + "/ledger");
        assertEquals(1, withPassword.exitCode(), withPassword.toString());
        assertTrue(withPassword.stderr().contains("it holds a password, which must never be in a setting: put the "
                + "password in the dokku user's ~/.pgpass"), withPassword.stderr());
        assertFalse(withPassword.toString().contains("hunter2"), withPassword.toString());

        CommandHost.Result perApp = host.run("set", "web", "ledger-url", url);
        assertEquals(1, perApp.exitCode(), perApp.toString());
        assertEquals(" !     ledger-url is a global setting: every app of a host shares one ledger. Set it with: "
                + "dokku migrate:set --global ledger-url VALUE\n", perApp.stderr());
        assertEquals(List.of(), host.propertyFiles());
    }

    @Test
    void anyFailureOfTheSharedLedgerAtPostExtractStopsTheDeployInsteadOfLeavingTheTasksToDokku() throws Exception {
        assertEquals(0, host.run("set", "--global", "ledger-url", url).exitCode());
        try (Connection c = server.connect(url.substring(url.lastIndexOf('/') + 1));
             Statement s = c.createStatement()) {
            s.execute("ALTER TABLE deploys RENAME TO deploys_elsewhere");
        }
        String pid = host.env.get("DOKKU_PID");
        host.writeDataFile("ps", "web", "Procfile." + pid, "web: run-web\nrelease: rake db:migrate\n");

        CommandHost.Result extract = host.run("post-extract", "web", dir.resolve("work").toString(), "rev1");

        // the server answers, but the ledger fails: the trigger file must not hand the tasks to Dokku
        assertEquals(LedgerUnreachable.EXIT_CODE, extract.exitCode(), extract.toString());
        assertTrue(extract.stderr().contains("never left to Dokku's own runner"), extract.stderr());
    }

    @Test
    void aStoppedServerStopsADeployBeforeAnythingChangesAndReportSaysItDoesNotAnswer() throws Exception {
        PostgresServer own = PostgresServer.start();
        try {
            own.sql("CREATE ROLE ledger LOGIN", "CREATE DATABASE ledger OWNER ledger");
            assertEquals(0, host.run("set", "--global", "ledger-url", own.url("ledger", "ledger")).exitCode());
            own.stop();
            String procfile = "web: run-web\nrelease: rake db:migrate\n";
            String pid = host.env.get("DOKKU_PID");
            host.writeDataFile("ps", "web", "Procfile." + pid, procfile);

            CommandHost.Result extract = host.run("post-extract", "web", dir.resolve("work").toString(), "rev1");

            assertEquals(LedgerUnreachable.EXIT_CODE, extract.exitCode(), extract.toString());
            assertTrue(extract.stderr().startsWith(" !     Cannot reach PostgreSQL at 127.0.0.1:" + own.port()),
                    extract.stderr());
            assertEquals(procfile, Files.readString(host.libRoot.resolve("data/ps/web/Procfile." + pid)),
                    "the Procfile copy is untouched");
            assertFalse(Files.exists(host.libRoot.resolve("data/migrate/takeovers/web/" + pid)), "no takeover mark");

            CommandHost.Result report = host.run("report", "--global", "--migrate-ledger-state");
            assertEquals(0, report.exitCode(), report.toString());
            assertTrue(report.stdout().startsWith("unreachable: Cannot reach PostgreSQL at 127.0.0.1:" + own.port()),
                    report.stdout());
            CommandHost.Result doctor = host.run("doctor");
            assertTrue(doctor.stdout().contains("The shared ledger (ledger-url) does not answer."), doctor.toString());
            CommandHost.Result status = host.run("status", "web");
            assertEquals(LedgerUnreachable.EXIT_CODE, status.exitCode(), status.toString());
        } finally {
            own.close();
        }
    }
}
