package dokkumigrate.adapters.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dokkumigrate.platform.LedgerUrl;
import dokkumigrate.run.TaskLocks;
import dokkumigrate.run.TaskLocks.Held;
import dokkumigrate.run.TaskLocks.LockTimeoutException;
import dokkumigrate.run.TaskLocksContract;
import dokkumigrate.testsupport.ChildJvm;
import dokkumigrate.testsupport.PostgresServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The task-lock contract on advisory locks of a real PostgreSQL server, and what is particular to them. */
@SuppressWarnings("try") // a lock or a child process held for the length of a block
class PostgresTaskLocksTest extends TaskLocksContract {
    private static PostgresServer server;
    private static String url;

    @BeforeAll
    static void startServer() {
        server = PostgresServer.start();
        server.sql("CREATE ROLE ledger LOGIN", "CREATE DATABASE ledger OWNER ledger");
        url = server.url("ledger", "ledger");
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    /** Every test starts with no lock and no waiting request left by the one before. */
    @AfterEach
    void noSessionLeftBehind() throws Exception {
        assertTrue(eventually(() -> lockRows(true) + lockRows(false) == 0), "a lock or a request outlived its test");
    }

    @Override
    protected TaskLocks locks() {
        return new PostgresTaskLocks(connector(url), "test pid " + ProcessHandle.current().pid());
    }

    @Override
    protected ChildJvm startHolder(String key) throws Exception {
        ChildJvm child = ChildJvm.start(PostgresLockProbe.class, "hold", url, key);
        try {
            return child.awaitLine("locked", LONG);
        } catch (Exception e) {
            child.kill();
            throw e;
        }
    }

    @Override
    protected String probe(String key) throws Exception {
        try (ChildJvm child = ChildJvm.start(PostgresLockProbe.class, "probe", url, key)) {
            return child.nextLine(LONG);
        }
    }

    /** A request for the key's advisory lock is queued in the server (pg_locks, not granted). */
    @Override
    protected boolean waitsWhereTheLockIsKept(String key) throws Exception {
        try (Connection connection = server.connect("ledger");
                PreparedStatement query = connection.prepareStatement("SELECT count(*) FROM pg_locks WHERE "
                        + "locktype = 'advisory' AND NOT granted AND classid = CAST(? AS bigint)::oid "
                        + "AND objid = CAST(? AS bigint)::oid AND objsubid = 1")) {
            long advisory = PostgresTaskLocks.keyOf(key);
            query.setLong(1, advisory >>> 32);
            query.setLong(2, advisory & 0xffffffffL);
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return row.getInt(1) > 0;
            }
        }
    }

    @Test
    void keysAreStable64BitValuesAndDifferPerLockKey() {
        assertEquals(PostgresTaskLocks.keyOf("app.web"), PostgresTaskLocks.keyOf("app.web"));
        assertNotEquals(PostgresTaskLocks.keyOf("app.web"), PostgresTaskLocks.keyOf("app.api"));
        assertNotEquals(PostgresTaskLocks.keyOf("group.main-db"), PostgresTaskLocks.keyOf("app.main-db"));
        // the first 8 bytes of SHA-256("dokku-migrate lock app.web"), which every host computes alike
        // (echo -n 'dokku-migrate lock app.web' | sha256sum | cut -c1-16)
        assertEquals(0xec88da4b9b641e56L, PostgresTaskLocks.keyOf("app.web"));
    }

    @Test
    void theHeldLockIsASessionAdvisoryLockOfTheHoldersOwnConnection() throws Exception {
        try (Held held = locks().acquire("app.web", Duration.ZERO, LONG, NOTHING)) {
            assertEquals(1, lockRows(true));
            String holder = ((PostgresTaskLocks) locks()).holder("app.web").orElseThrow();
            assertTrue(holder.startsWith("dokku-migrate app.web lock: test pid " + ProcessHandle.current().pid()
                    + " (server pid "), holder);
        }
        assertEquals(0, lockRows(true));
        assertEquals(java.util.Optional.empty(), ((PostgresTaskLocks) locks()).holder("app.web"));
    }

    @Test
    void aTimeoutNamesTheHoldersSession() throws Exception {
        try (ChildJvm holder = startHolder("app.web")) {
            LockTimeoutException timeout = assertThrows(LockTimeoutException.class,
                    () -> locks().acquire("app.web", Duration.ofMillis(200), LONG, NOTHING));

            assertTrue(timeout.getMessage().startsWith("The app.web lock stayed held for longer than 200ms (held by "
                    + "dokku-migrate app.web lock: probe pid " + holder.pid() + " (server pid "), timeout.getMessage());
        }
    }

    @Test
    void twoHoldersInTurnNeverOverlap() throws Exception {
        TaskLocks locks = locks();
        Held first = locks.acquire("group.main-db", Duration.ZERO, LONG, NOTHING);
        CountDownLatch waiting = new CountDownLatch(1);
        CompletableFuture<Held> second = CompletableFuture.supplyAsync(
                () -> locks().acquire("group.main-db", LONG, Duration.ofMillis(50), waiting::countDown));
        assertTrue(waiting.await(30, TimeUnit.SECONDS));
        assertTrue(eventually(() -> waitsWhereTheLockIsKept("group.main-db")));
        assertFalse(second.isDone(), "the second took the lock while the first held it");

        first.close();

        try (Held held = second.get(30, TimeUnit.SECONDS)) {
            assertEquals(1, lockRows(true));
        }
    }

    @Test
    void anUnreachableServerFailsTheAcquireNamingTheServer() throws Exception {
        try (PostgresServer other = PostgresServer.start()) {
            String otherUrl = other.url(PostgresServer.SUPERUSER, "postgres");
            other.stop();

            PostgresUnavailableException refused = assertThrows(PostgresUnavailableException.class,
                    () -> new PostgresTaskLocks(connector(otherUrl), "test").acquire("app.web", LONG, LONG, NOTHING));

            assertTrue(refused.getMessage().startsWith("Cannot reach PostgreSQL at 127.0.0.1:" + other.port()),
                    refused.getMessage());
        }
    }

    @Test
    void aServerStoppedWhileAHostWaitsFailsTheWaitNamingTheServer() throws Exception {
        try (PostgresServer other = PostgresServer.start()) {
            String otherUrl = other.url(PostgresServer.SUPERUSER, "postgres");
            PostgresTaskLocks locks = new PostgresTaskLocks(connector(otherUrl), "test");
            Held held = locks.acquire("app.web", Duration.ZERO, LONG, NOTHING);
            CountDownLatch waiting = new CountDownLatch(1);
            CompletableFuture<Held> second = CompletableFuture.supplyAsync(
                    () -> locks.acquire("app.web", LONG, Duration.ofMinutes(10), waiting::countDown));
            assertTrue(waiting.await(30, TimeUnit.SECONDS));

            other.stop();

            ExecutionException failed = assertThrows(ExecutionException.class, () -> second.get(60, TimeUnit.SECONDS));
            assertTrue(failed.getCause() instanceof PostgresUnavailableException, String.valueOf(failed.getCause()));
            assertTrue(failed.getCause().getMessage().startsWith("Lost PostgreSQL at 127.0.0.1:" + other.port()
                    + " while waiting for the app.web lock: "), failed.getCause().getMessage());
            held.close(); // its session is gone already: closing it again is quiet
        }
    }

    private static PostgresConnector connector(String text) {
        return new PostgresConnector(LedgerUrl.parse(text).orElseThrow());
    }

    /** How many advisory locks are granted (or waited for) in the ledger database right now. */
    private static int lockRows(boolean granted) throws Exception {
        try (Connection connection = server.connect("ledger");
                PreparedStatement query = connection.prepareStatement("SELECT count(*) FROM pg_locks WHERE "
                        + "locktype = 'advisory' AND granted = ? AND database = (SELECT oid FROM pg_database WHERE "
                        + "datname = 'ledger')")) {
            query.setBoolean(1, granted);
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return row.getInt(1);
            }
        }
    }
}
