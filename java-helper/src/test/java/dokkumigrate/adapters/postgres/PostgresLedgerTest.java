package dokkumigrate.adapters.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dokkumigrate.ledger.Deploy;
import dokkumigrate.ledger.Deploy.Origin;
import dokkumigrate.ledger.Ledger;
import dokkumigrate.ledger.Ledger.LedgerException;
import dokkumigrate.ledger.LedgerContract;
import dokkumigrate.ledger.RunRecords.RunClaim;
import dokkumigrate.plan.Phase;
import dokkumigrate.platform.LedgerUrl;
import dokkumigrate.run.RunState;
import dokkumigrate.run.TaskRun;
import dokkumigrate.testsupport.PostgresServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The PostgreSQL ledger: every behaviour of {@link LedgerContract} against a real server (one per
 * class, a new database per test), and what is PostgreSQL's own: the schema made once by hosts
 * opening it together, its recorded version, claims racing on two connections, a server lost.
 */
class PostgresLedgerTest extends LedgerContract {
    private static PostgresServer server;

    private String database;

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

    @Override
    protected Ledger newLedger() {
        database = server.newLedgerDatabase();
        return openAgain();
    }

    @Override
    protected Ledger openAgain() {
        return PostgresLedger.open(connector(server, database));
    }

    static PostgresConnector connector(PostgresServer on, String database) {
        return new PostgresConnector(LedgerUrl.parse(on.url(PostgresServer.LEDGER_ROLE, database)).orElseThrow());
    }

    // ---- the schema ----

    @Test
    void aNewLedgerIsAtTheLatestSchemaVersionWithEachMigrationRecordedOnce() throws Exception {
        assertEquals(PostgresSchema.latestVersion(), ((PostgresLedger) ledger).schemaVersion());
        assertEquals(List.of("1"), column(database, "SELECT version FROM schema_version ORDER BY version"));
        assertEquals("ok", ledger.integrityCheck());
    }

    @Test
    void theIntegrityCheckNamesAMissingTable() throws Exception {
        execute(database, "DROP TABLE notifications");

        assertEquals("table notifications is missing", ledger.integrityCheck());
    }

    @Test
    void hostsOpeningANewLedgerAtOnceCreateTheSchemaOnce() throws Exception {
        String fresh = server.newLedgerDatabase();
        int openers = 6;
        ExecutorService pool = Executors.newFixedThreadPool(openers);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> opened = new ArrayList<>();
            for (int i = 0; i < openers; i++) {
                opened.add(pool.submit(() -> {
                    start.await();
                    try (PostgresLedger own = PostgresLedger.open(connector(server, fresh))) {
                        return own.schemaVersion();
                    }
                }));
            }
            start.countDown();
            for (Future<Integer> version : opened) {
                assertEquals(PostgresSchema.latestVersion(), version.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(List.of("1"), column(fresh, "SELECT version FROM schema_version ORDER BY version"));
        assertEquals(List.of("0"), column(fresh, "SELECT COUNT(*) FROM deploys"));
    }

    @Test
    void aLedgerFromANewerHelperIsRefusedAndLeftAsItIs() throws Exception {
        execute(database, "INSERT INTO schema_version (version, applied_at) VALUES (99, 0)");

        LedgerException refused = assertThrows(LedgerException.class, this::openAgain);

        assertTrue(refused.getMessage().contains("schema version 99, newer than this helper knows"), refused.getMessage());
        assertTrue(refused.getMessage().contains("127.0.0.1:" + server.port() + "/" + database), refused.getMessage());
        assertEquals(List.of("1", "99"), column(database, "SELECT version FROM schema_version ORDER BY version"));
    }

    @Test
    void aUserThatMayNotCreateTheTablesIsToldWhatToGrant() {
        server.sql("CREATE DATABASE not_owned", "REVOKE CREATE ON DATABASE not_owned FROM PUBLIC");
        try (Connection c = server.connect("not_owned"); Statement s = c.createStatement()) {
            s.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }

        LedgerException refused = assertThrows(LedgerException.class,
                () -> PostgresLedger.open(connector(server, "not_owned")));

        assertTrue(refused.getMessage().contains("PostgreSQL at 127.0.0.1:" + server.port() + "/not_owned (user ledger)"),
                refused.getMessage());
        assertTrue(refused.getMessage().contains("Grant user ledger the right to create tables in database not_owned"),
                refused.getMessage());
    }

    // ---- two hosts at once ----

    @Test
    void twoHostsRacingForTheSameTasksGetOneRunEachTime() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (Ledger hostA = openAgain(); Ledger hostB = openAgain()) {
            for (int i = 0; i < 20; i++) {
                Deploy deploy = ledger.recordPlan("web", key(500 + i), Origin.EXTRACTED, "", "rev-" + i, PLAN);
                CountDownLatch start = new CountDownLatch(1);
                Future<TaskRun> a = pool.submit(() -> {
                    start.await();
                    return hostA.claim(deploy.id(), Phase.RELEASE, new RunClaim("i", "sha256:a", "host-a", 1, T0));
                });
                Future<TaskRun> b = pool.submit(() -> {
                    start.await();
                    return hostB.claim(deploy.id(), Phase.RELEASE, new RunClaim("i", "sha256:b", "host-b", 2, T0));
                });
                start.countDown();
                TaskRun fromA = a.get(30, TimeUnit.SECONDS);
                TaskRun fromB = b.get(30, TimeUnit.SECONDS);

                assertEquals(fromA, fromB, "both hosts are told of the one run");
                assertEquals(RunState.RUNNING, fromA.state());
                assertEquals(List.of(fromA), ledger.runsOf(deploy.id()));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- the server lost ----

    @Test
    void aSessionTheServerEndedIsReplacedAndTheNextOperationRuns() throws Exception {
        Deploy deploy = ledger.recordPlan("web", key(100), Origin.EXTRACTED, "", "", PLAN);
        TaskRun run = ledger.claim(deploy.id(), Phase.RELEASE, claim(1));

        endLedgerSessions();
        TaskRun finished = ledger.finish(run.id(), outcome(RunState.SUCCEEDED, 0, "done"), T0);
        endLedgerSessions();

        assertEquals(RunState.SUCCEEDED, finished.state());
        assertEquals(java.util.Optional.of(finished), ledger.latestRun("web"));
    }

    @Test
    void concurrentRecordsOfTheSameDeployMakeOneDeploy() throws Exception {
        int helpers = 6;
        ExecutorService pool = Executors.newFixedThreadPool(helpers);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Long>> recorded = new ArrayList<>();
            for (int i = 0; i < helpers; i++) {
                recorded.add(pool.submit(() -> {
                    try (Ledger own = openAgain()) {
                        start.await();
                        return own.recordPlan("web", key(100), Origin.STANDING, "", "rev-1", PLAN).id();
                    }
                }));
            }
            start.countDown();
            java.util.Set<Long> ids = new java.util.HashSet<>();
            for (Future<Long> id : recorded) {
                ids.add(id.get(30, TimeUnit.SECONDS));
            }
            assertEquals(1, ids.size());
            assertEquals(PLAN, ledger.planOf(ids.iterator().next()));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aServerStoppedWhileInUseGivesAnErrorNamingIt() {
        try (PostgresServer own = PostgresServer.start()) {
            own.sql("CREATE ROLE ledger LOGIN", "CREATE DATABASE lost OWNER ledger");
            PostgresLedger lost = PostgresLedger.open(connector(own, "lost"));
            try {
                Deploy deploy = lost.recordPlan("web", key(100), Origin.EXTRACTED, "", "", PLAN);
                TaskRun run = lost.claim(deploy.id(), Phase.RELEASE, claim(1));
                own.stop();

                LedgerException failed = assertThrows(LedgerException.class,
                        () -> lost.finish(run.id(), outcome(RunState.SUCCEEDED, 0, "done"), T0));

                assertTrue(failed instanceof PostgresUnavailableException, failed.toString());
                assertTrue(failed.getMessage().contains("PostgreSQL at 127.0.0.1:" + own.port() + "/lost"),
                        failed.getMessage());
                assertTrue(failed.getMessage().contains("record the end of run " + run.id()), failed.getMessage());
                assertTrue(failed.getMessage().contains("Check that the server runs"), failed.getMessage());
                assertThrows(PostgresUnavailableException.class, () -> lost.latestRun("web"));
            } finally {
                lost.close(); // a lost session closes quietly: its failure was the news
            }
            PostgresUnavailableException refused = assertThrows(PostgresUnavailableException.class,
                    () -> PostgresLedger.open(connector(own, "lost")));
            assertTrue(refused.getMessage().contains("127.0.0.1:" + own.port()), refused.getMessage());
        }
    }

    // ---- helpers ----

    private static List<String> column(String database, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection c = server.connect(database); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }

    /** Ends the ledger's sessions from the server's side, as a restart or an idle timeout would. */
    private void endLedgerSessions() throws Exception {
        String sessions = "FROM pg_stat_activity WHERE datname = '" + database + "' AND usename = 'ledger'";
        server.sql("SELECT pg_terminate_backend(pid) " + sessions);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!column("postgres", "SELECT COUNT(*) " + sessions).equals(List.of("0"))) {
            assertTrue(System.nanoTime() < deadline, "the server did not end the ledger's session");
            Thread.sleep(20);
        }
    }

    private static void execute(String database, String sql) throws SQLException {
        try (Connection c = server.connect(database); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
