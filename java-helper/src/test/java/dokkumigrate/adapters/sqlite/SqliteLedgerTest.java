package dokkumigrate.adapters.sqlite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dokkumigrate.adapters.jdbc.DeployTable;
import dokkumigrate.adapters.jdbc.RecordTable;
import dokkumigrate.adapters.jdbc.RunTable;
import dokkumigrate.ledger.Deploy;
import dokkumigrate.ledger.Deploy.Origin;
import dokkumigrate.ledger.Ledger;
import dokkumigrate.ledger.Ledger.LedgerException;
import dokkumigrate.ledger.LedgerContract;
import dokkumigrate.plan.Phase;
import dokkumigrate.run.RunState;
import dokkumigrate.run.TaskRun;
import dokkumigrate.testsupport.ChildJvm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SQLite ledger: every behaviour of {@link LedgerContract} against a real ledger file, and what
 * is SQLite's own: the file (mode, WAL, foreign keys, schema versions, foreign or corrupt files),
 * another process holding its lock, and the query plans of the ledger's own statements.
 */
@SuppressWarnings("try") // a child process held for the length of a block
class SqliteLedgerTest extends LedgerContract {
    private static final Duration BUSY = Duration.ofSeconds(5);

    @TempDir
    Path dir;
    Path file;

    @Override
    protected Ledger newLedger() {
        file = dir.resolve("ledger.db");
        return SqliteLedger.open(file, BUSY);
    }

    @Override
    protected Ledger openAgain() {
        return SqliteLedger.open(file, BUSY);
    }

    private SqliteLedger sqlite() {
        return (SqliteLedger) ledger;
    }

    // ---- the file itself ----

    @Test
    void aNewLedgerIsCreatedReadableByItsGroupOnly() throws Exception {
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void aNewLedgerIsInWalModeAtTheLatestSchemaVersion() throws Exception {
        assertEquals("wal", pragma("journal_mode"));
        assertEquals(Integer.toString(Schema.MIGRATIONS.size()), pragma("user_version"));
        assertEquals(Schema.MIGRATIONS.size(), sqlite().schemaVersion());
    }

    @Test
    void foreignKeysAreEnforcedOnTheLedgersConnection() throws Exception {
        Deploy deploy = record("web", 100, Origin.EXTRACTED, PLAN);
        TaskRun run = ledger.claim(deploy.id(), Phase.RELEASE, claim(1));
        ledger.finish(run.id(), outcome(RunState.SUCCEEDED, 0, "done\n"), T0);

        ledger.deleteApp("web");

        // only deploys are deleted by hand: tasks, runs and outputs go by ON DELETE CASCADE
        assertEquals(0, count("SELECT COUNT(*) FROM tasks"));
        assertEquals(0, count("SELECT COUNT(*) FROM runs"));
        assertEquals(0, count("SELECT COUNT(*) FROM run_output"));
    }

    @Test
    void reopeningAnUpToDateLedgerChangesNothing() throws Exception {
        Deploy deploy = record("web", 100, Origin.EXTRACTED, PLAN);
        ledger.close();

        ledger = SqliteLedger.open(file, BUSY);
        ledger.close();
        ledger = SqliteLedger.open(file, BUSY);

        assertEquals(Schema.MIGRATIONS.size(), sqlite().schemaVersion());
        assertEquals(Optional.of(deploy), ledger.findDeploy(deploy.id()));
        assertEquals(PLAN, ledger.planOf(deploy.id()));
        assertEquals("ok", ledger.integrityCheck());
    }

    @Test
    void aLedgerOfSchemaVersion4GainsTheRevisionColumnWithItsDeploysUnknown() throws Exception {
        Path old = dir.resolve("v4.db");
        OldLedgers.create(old, 4, "INSERT INTO deploys (app, deploy_key, dokku_pid, origin, created_at) "
                + "VALUES ('web', '100@boot:1', 100, 'extracted', 0)");

        try (SqliteLedger upgraded = SqliteLedger.open(old, BUSY)) {
            assertEquals(Schema.MIGRATIONS.size(), upgraded.schemaVersion());
            assertEquals("", upgraded.latestExtracted("web").orElseThrow().revision());
            assertEquals("rev-2", upgraded.recordPlan("web", key(101), Origin.EXTRACTED, "", "rev-2", PLAN).revision());
        }
    }

    @Test
    void aLedgerFromANewerHelperIsRefusedAndLeftAsItIs() throws Exception {
        ledger.close();
        execute("PRAGMA user_version = 99");

        LedgerException refused = assertThrows(LedgerException.class, () -> SqliteLedger.open(file, BUSY));

        assertTrue(refused.getMessage().contains("schema version 99, newer than this helper knows ("
                + Schema.MIGRATIONS.size() + ")"), refused.getMessage());
        assertTrue(refused.getMessage().contains("dokku plugin:update migrate"), refused.getMessage());
        assertEquals("99", pragma("user_version"));
        ledger = SqliteLedger.open(dir.resolve("other.db"), BUSY);
    }

    @Test
    void aTextFileIsRefusedAndLeftByteForByte() throws Exception {
        Path text = dir.resolve("notes.db");
        byte[] content = "these are my notes, not a database\n".repeat(40).getBytes(StandardCharsets.UTF_8);
        Files.write(text, content);

        assertRefusedAsForeign(text, content);
    }

    @Test
    void randomBytesAreRefusedAndLeftByteForByte() throws Exception {
        Path random = dir.resolve("random.db");
        byte[] content = new byte[8192];
        new Random(42).nextBytes(content);
        Files.write(random, content);

        assertRefusedAsForeign(random, content);
    }

    @Test
    void aFileShorterThanTheSqliteHeaderIsRefused() throws Exception {
        Path tiny = dir.resolve("tiny.db");
        byte[] content = "SQLite".getBytes(StandardCharsets.US_ASCII);
        Files.write(tiny, content);

        assertRefusedAsForeign(tiny, content);
    }

    @Test
    void anEmptyFileBecomesANewLedger() throws Exception {
        Path empty = dir.resolve("empty.db");
        Files.createFile(empty);

        try (SqliteLedger opened = SqliteLedger.open(empty, BUSY)) {
            assertEquals(Schema.MIGRATIONS.size(), opened.schemaVersion());
        }
    }

    @Test
    void aMissingDirectoryIsReportedWithTheFix() {
        LedgerException missing = assertThrows(LedgerException.class,
                () -> SqliteLedger.open(dir.resolve("absent/ledger.db"), BUSY));

        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
        assertFalse(Files.exists(dir.resolve("absent")));
    }

    @Test
    void aTruncatedLedgerGivesAClearError() throws Exception {
        for (int i = 0; i < 30; i++) {
            record("app" + i, 100 + i, Origin.EXTRACTED, PLAN);
        }
        ledger.close();
        checkpoint();
        byte[] whole = Files.readAllBytes(file);
        assertTrue(whole.length > 3 * 4096, "the ledger should span several pages, has " + whole.length + " bytes");
        byte[] truncated = java.util.Arrays.copyOf(whole, 4096 + 100);
        Files.write(file, truncated);

        LedgerException broken = assertThrows(LedgerException.class, () -> {
            ledger = SqliteLedger.open(file, BUSY);
            ledger.deploys("app29", 10);
        });

        assertTrue(broken.getMessage().contains("is not a SQLite database or is corrupt"), broken.getMessage());
        assertTrue(broken.getMessage().contains(file.toString()), broken.getMessage());
        ledger = SqliteLedger.open(dir.resolve("other.db"), BUSY);
    }

    @Test
    void aLedgerWithDamagedPagesGivesAClearError() throws Exception {
        for (int i = 0; i < 30; i++) {
            record("app" + i, 100 + i, Origin.EXTRACTED, PLAN);
        }
        ledger.close();
        checkpoint();
        byte[] damaged = Files.readAllBytes(file);
        byte[] noise = new byte[damaged.length - 4096];
        new Random(7).nextBytes(noise);
        System.arraycopy(noise, 0, damaged, 4096, noise.length);
        Files.write(file, damaged);

        LedgerException broken = assertThrows(LedgerException.class, () -> {
            ledger = SqliteLedger.open(file, BUSY);
            ledger.deploys("app3", 10);
        });

        assertTrue(broken.getMessage().contains("is not a SQLite database or is corrupt"), broken.getMessage());
        ledger = SqliteLedger.open(dir.resolve("other.db"), BUSY);
    }

    @Test
    void helpersOpeningANewLedgerAtOnceAllSucceed() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            for (int round = 0; round < 20; round++) {
                Path fresh = dir.resolve("fresh" + round + ".db");
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Integer>> opened = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    opened.add(pool.submit(() -> {
                        start.await();
                        try (SqliteLedger concurrent = SqliteLedger.open(fresh, BUSY)) {
                            return concurrent.schemaVersion();
                        }
                    }));
                }
                start.countDown();
                for (Future<Integer> version : opened) {
                    assertEquals(Schema.MIGRATIONS.size(), version.get(30, TimeUnit.SECONDS));
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void deletingAnAppLeavesNoRowOfItInAnyTable() throws Exception {
        Deploy web = record("web", 100, Origin.EXTRACTED, PLAN);
        TaskRun run = finishedRun(web, Phase.RELEASE, "web output");

        ledger.deleteApp("web");

        assertEquals(0, count("SELECT COUNT(*) FROM tasks WHERE deploy_id = " + web.id()));
        assertEquals(0, count("SELECT COUNT(*) FROM runs WHERE id = " + run.id()));
        assertEquals(0, count("SELECT COUNT(*) FROM run_output WHERE run_id = " + run.id()));
    }

    // ---- locking between processes ----

    @Test
    void aWriteFailsLoudlyWhenAnotherProcessHoldsTheLedger() throws Exception {
        Deploy deploy = record("web", 100, Origin.EXTRACTED, PLAN);
        ledger.close();
        ledger = SqliteLedger.open(file, Duration.ofMillis(300));

        try (ChildJvm holder = ChildJvm.start(ExclusiveTransactionHolder.class, file.toString())) {
            holder.awaitLine("locked", Duration.ofSeconds(30));
            long started = System.nanoTime();

            LedgerException locked = assertThrows(LedgerException.class,
                    () -> ledger.recordPlan("web", key(101), Origin.EXTRACTED, "", "", PLAN));

            long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertTrue(waitedMillis >= 250, "gave up after " + waitedMillis + " ms, before the busy timeout");
            assertTrue(locked.getMessage().contains("stayed locked by another process"), locked.getMessage());
            assertTrue(locked.getMessage().contains("record the plan of web"), locked.getMessage());
            // the holder is named from the kernel's lock table
            assertTrue(locked.getMessage().contains("(pid " + holder.pid() + " ("), locked.getMessage());
            assertThrows(LedgerException.class, () -> ledger.claim(deploy.id(), Phase.RELEASE, claim(1)));
            // readers are not blocked in WAL mode
            assertEquals(List.of(deploy), ledger.deploys("web", 10));
        }

        assertEquals(Optional.empty(), ledger.findDeploy("web", key(101)));
        assertEquals(List.of(), ledger.runsOf(deploy.id()));
    }

    @Test
    void aLedgerHeldByAnotherProcessStillOpensForReading() throws Exception {
        Deploy deploy = record("web", 100, Origin.EXTRACTED, PLAN);
        ledger.close();

        try (ChildJvm holder = ChildJvm.start(ExclusiveTransactionHolder.class, file.toString())) {
            holder.awaitLine("locked", Duration.ofSeconds(30));
            ledger = SqliteLedger.open(file, Duration.ofMillis(300));

            assertEquals(Optional.of(deploy), ledger.latestExtracted("web"));
            assertEquals(PLAN, ledger.planOf(deploy.id()));
            LedgerException locked = assertThrows(LedgerException.class,
                    () -> ledger.recordEvent("web", "restart", "", T0));
            assertTrue(locked.getMessage().contains("stayed locked"), locked.getMessage());
        }
    }

    @Test
    void theLedgerWorksAgainOnceTheOtherProcessLetGo() throws Exception {
        Deploy deploy = record("web", 100, Origin.EXTRACTED, PLAN);
        ledger.close();
        ledger = SqliteLedger.open(file, Duration.ofMillis(300));
        try (ChildJvm holder = ChildJvm.start(ExclusiveTransactionHolder.class, file.toString())) {
            holder.awaitLine("locked", Duration.ofSeconds(30));
            assertThrows(LedgerException.class, () -> ledger.claim(deploy.id(), Phase.RELEASE, claim(1)));
        }

        TaskRun run = ledger.claim(deploy.id(), Phase.RELEASE, claim(1));
        ledger.recordEvent("web", "restart", "", T0);

        assertEquals(List.of(run), ledger.runsOf(deploy.id()));
        assertEquals(1, ledger.events("web", 10).size());
        try (SqliteLedger other = SqliteLedger.open(file, Duration.ofMillis(300))) {
            // the write lock is free: another connection writes at once
            other.recordEvent("web", "scale", "", T0);
        }
    }

    @Test
    void aFinishedWriteLeavesTheWriteLockFree() throws Exception {
        Deploy deploy = record("web", 100, Origin.EXTRACTED, PLAN);
        ledger.claim(deploy.id(), Phase.RELEASE, claim(1));

        try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement statement = other.createStatement()) {
            statement.execute("PRAGMA busy_timeout = 0");
            // with no busy timeout, BEGIN IMMEDIATE fails at once if the claim left the write lock taken
            assertDoesNotThrow(() -> statement.execute("BEGIN IMMEDIATE"), "the claim left the write lock taken");
            statement.execute("ROLLBACK");
        }
    }

    // ---- query plans of the ledger's own statements ----

    @Test
    void theLedgersQueriesUseIndexes() {
        record("web", 100, Origin.EXTRACTED, PLAN);
        Map<String, Object[]> statements = new LinkedHashMap<>();
        statements.put(SqliteStatements.QUERIES.deployByKey(), new Object[] {"web", "1"});
        statements.put(DeployTable.BY_ID, new Object[] {1});
        statements.put(SqliteStatements.QUERIES.latestExtracted(), new Object[] {"web"});
        statements.put(SqliteStatements.QUERIES.latestDeploy(), new Object[] {"web"});
        statements.put(SqliteStatements.QUERIES.deploysOfApp(), new Object[] {"web", 10});
        statements.put(DeployTable.PLAN, new Object[] {1});
        statements.put(SqliteStatements.RUN_COUNT, new Object[] {1});
        statements.put(RunTable.BY_ID, new Object[] {1});
        statements.put(RunTable.OF_DEPLOY, new Object[] {1});
        statements.put(RunTable.LAST_ATTEMPT, new Object[] {1, "release"});
        statements.put(RunTable.RUNNING_OF_APP, new Object[] {"web"});
        statements.put(SqliteStatements.QUERIES.latestRun(), new Object[] {"web"});
        statements.put(SqliteStatements.QUERIES.latestReleaseRun(), new Object[] {"web"});
        statements.put(RunTable.OUTPUT_TAIL, new Object[] {1});
        statements.put(RunTable.OUTPUT_BYTES, new Object[] {1});
        statements.put(SqliteStatements.QUERIES.eventsOfApp(), new Object[] {"web", 5});
        statements.put(RecordTable.LOCK_HOLDER, new Object[] {"app.web"});
        statements.put(SqliteStatements.QUERIES.migrationHistory(), new Object[] {"web", 10});
        statements.put(SqliteStatements.QUERIES.migrationHistoryOfOne(), new Object[] {"web", "m", "m", "m", "m", "m", 10});

        Map<String, List<String>> plans = explainAll(statements);

        assertTrue(plans.get(SqliteStatements.QUERIES.deploysOfApp()).stream().anyMatch(step -> step.contains("deploys_by_app")),
                plans.get(SqliteStatements.QUERIES.deploysOfApp()).toString());
        assertTrue(plans.get(SqliteStatements.QUERIES.latestRun()).stream().anyMatch(step -> step.contains("runs_by_app")),
                plans.get(SqliteStatements.QUERIES.latestRun()).toString());
        assertTrue(plans.get(RunTable.RUNNING_OF_APP).stream().anyMatch(step -> step.contains("runs_running_by_app")),
                plans.get(RunTable.RUNNING_OF_APP).toString());
        assertTrue(plans.get(SqliteStatements.QUERIES.latestReleaseRun()).stream().anyMatch(step -> step.contains("runs_release_by_app")),
                plans.get(SqliteStatements.QUERIES.latestReleaseRun()).toString());
    }

    @Test
    void thePruneAfterEachReleaseUsesIndexes() {
        record("web", 100, Origin.EXTRACTED, PLAN);
        Map<String, Object[]> statements = new LinkedHashMap<>();
        statements.put(SqliteStatements.LOG_FILES_OLDER_THAN_KEPT, new Object[] {"web", 1000});
        statements.put(SqliteStatements.PRUNE_RUNS, new Object[] {"web", 1000});
        statements.put(SqliteStatements.PRUNE_DEPLOYS, new Object[] {"web", "web", "web", "web"});
        statements.put(RunTable.LOG_FILES_OF_APP, new Object[] {"web"});

        Map<String, List<String>> plans = explainAll(statements);

        assertTrue(plans.get(SqliteStatements.PRUNE_RUNS).stream().anyMatch(step -> step.contains("runs_by_app")),
                plans.get(SqliteStatements.PRUNE_RUNS).toString());
        assertTrue(plans.get(SqliteStatements.PRUNE_DEPLOYS).stream().anyMatch(step -> step.contains("deploys_by_app")),
                plans.get(SqliteStatements.PRUNE_DEPLOYS).toString());
    }

    /** SQLite's plan of each statement, none of which may scan a whole table. */
    private Map<String, List<String>> explainAll(Map<String, Object[]> statements) {
        Map<String, List<String>> plans = new LinkedHashMap<>();
        statements.forEach((sql, params) -> {
            List<String> plan = sqlite().explainQueryPlan(sql, params);
            assertFalse(plan.isEmpty(), sql);
            for (String step : plan) {
                boolean fullScan = step.startsWith("SCAN ") && !step.contains("INDEX");
                assertFalse(fullScan, "a full table scan in " + sql + ": " + plan);
            }
            plans.put(sql, plan);
        });
        return plans;
    }

    // ---- helpers ----

    private void assertRefusedAsForeign(Path path, byte[] content) throws Exception {
        LedgerException refused = assertThrows(LedgerException.class, () -> SqliteLedger.open(path, BUSY));

        assertTrue(refused.getMessage().contains("is not a SQLite database"), refused.getMessage());
        assertTrue(refused.getMessage().contains("nothing was changed"), refused.getMessage());
        assertArrayEquals(content, Files.readAllBytes(path));
        assertFalse(Files.exists(Path.of(path + "-wal")));
        assertFalse(Files.exists(Path.of(path + "-journal")));
        // a second attempt neither recreates nor repairs it
        assertThrows(LedgerException.class, () -> SqliteLedger.open(path, BUSY));
        assertArrayEquals(content, Files.readAllBytes(path));
    }

    private String pragma(String name) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("PRAGMA " + name)) {
            return rs.getString(1);
        }
    }

    private long count(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            return rs.getLong(1);
        }
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** Folds the WAL into the main file, so the file alone holds every page. */
    private void checkpoint() throws SQLException {
        execute("PRAGMA wal_checkpoint(TRUNCATE)");
        execute("PRAGMA journal_mode = DELETE");
    }
}
