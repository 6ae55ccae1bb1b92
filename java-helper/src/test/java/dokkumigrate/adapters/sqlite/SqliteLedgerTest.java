package dokkumigrate.adapters.sqlite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dokkumigrate.ledger.Deploy;
import dokkumigrate.ledger.Deploy.Origin;
import dokkumigrate.ledger.DeployKey;
import dokkumigrate.ledger.Ledger.Event;
import dokkumigrate.ledger.Ledger.LedgerException;
import dokkumigrate.ledger.Ledger.RunClaim;
import dokkumigrate.ledger.LockHolder;
import dokkumigrate.plan.Phase;
import dokkumigrate.plan.Plan;
import dokkumigrate.plan.Task;
import dokkumigrate.run.RunOutcome;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@SuppressWarnings("try") // a child process held for the length of a block
class SqliteLedgerTest {
    private static final Duration BUSY = Duration.ofSeconds(5);
    private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
    private static final Plan PLAN = Plan.of(
            new Task(Phase.RELEASE, "bundle exec rake db:migrate"),
            new Task(Phase.PREDEPLOY, "./bin/prepare"));

    @TempDir
    Path dir;
    Path file;
    SqliteLedger ledger;

    @BeforeEach
    void openLedger() {
        file = dir.resolve("ledger.db");
        ledger = SqliteLedger.open(file, BUSY);
    }

    @AfterEach
    void closeLedger() {
        ledger.close();
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
        assertEquals(Schema.MIGRATIONS.size(), ledger.schemaVersion());
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

        assertEquals(Schema.MIGRATIONS.size(), ledger.schemaVersion());
        assertEquals(Optional.of(deploy), ledger.findDeploy(deploy.id()));
        assertEquals(PLAN, ledger.planOf(deploy.id()));
        assertEquals("ok", ledger.integrityCheck());
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
    void integrityCheckOfAHealthyLedgerIsOk() {
        record("web", 100, Origin.EXTRACTED, PLAN);

        assertEquals("ok", ledger.integrityCheck());
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

    // ---- plans ----

    @Test
    void aRecordedPlanReadsBackPredeployFirst() {
        Deploy deploy = ledger.recordPlan("web", key(100), Origin.EXTRACTED, "git push", PLAN);

        assertEquals("web", deploy.app());
        assertEquals(key(100), deploy.key());
        assertEquals(Origin.EXTRACTED, deploy.origin());
        assertEquals("git push", deploy.trigger());
        assertEquals(Optional.empty(), deploy.rolledOutAt());
        assertEquals(List.of(new Task(Phase.PREDEPLOY, "./bin/prepare"),
                new Task(Phase.RELEASE, "bundle exec rake db:migrate")), ledger.planOf(deploy.id()).tasks());
        assertEquals(Optional.of(deploy), ledger.findDeploy("web", key(100)));
        assertEquals(Optional.of(deploy), ledger.findDeploy(deploy.id()));
    }

    @Test
    void deployKeysWithAndWithoutAnInstanceAreDistinct() {
        Deploy bare = ledger.recordPlan("web", new DeployKey(100, ""), Origin.EXTRACTED, "", PLAN);
        Deploy instance = ledger.recordPlan("web", new DeployKey(100, "boot:123"), Origin.EXTRACTED, "", PLAN);

        assertNotEquals(bare.id(), instance.id());
        assertEquals(new DeployKey(100, "boot:123"), ledger.findDeploy(instance.id()).orElseThrow().key());
        assertEquals(Optional.empty(), ledger.findDeploy("web", new DeployKey(100, "boot:124")));
        assertEquals(Optional.empty(), ledger.findDeploy("api", new DeployKey(100, "boot:123")));
    }

    @Test
    void anEmptyPlanIsRecorded() {
        Deploy deploy = ledger.recordPlan("web", key(100), Origin.EXTRACTED, "", Plan.EMPTY);

        assertTrue(ledger.planOf(deploy.id()).isEmpty());
        assertEquals(Optional.of(deploy), ledger.latestExtracted("web"));
    }

    @Test
    void recordingAPlanAgainReplacesItWhileNothingRan() {
        Deploy first = ledger.recordPlan("web", key(100), Origin.EXTRACTED, "one", PLAN);
        Plan second = Plan.of(new Task(Phase.RELEASE, "rails db:migrate"));

        Deploy again = ledger.recordPlan("web", key(100), Origin.EXTRACTED, "two", second);

        assertEquals(first.id(), again.id());
        assertEquals("two", again.trigger());
        assertEquals(second, ledger.planOf(first.id()));
        assertEquals(1, ledger.deploys("web", 10).size());
    }

    @Test
    void recordingAPlanAgainKeepsItOnceATaskRan() {
        Deploy first = ledger.recordPlan("web", key(100), Origin.EXTRACTED, "one", PLAN);
        ledger.claim(first.id(), Phase.PREDEPLOY, claim(1));

        Deploy again = ledger.recordPlan("web", key(100), Origin.STANDING, "two",
                Plan.of(new Task(Phase.RELEASE, "something else")));

        assertEquals(first, again);
        assertEquals(PLAN, ledger.planOf(first.id()));
    }

    // ---- claims and runs ----

    @Test
    void aFirstClaimStartsAttemptOne() {
        Deploy deploy = record("web", 100, Origin.EXTRACTED, PLAN);

        TaskRun run = ledger.claim(deploy.id(), Phase.RELEASE,
                new RunClaim("dokku/web:latest", "sha256:feed", "host-a", 4242, "{run}.log", T0));

        assertEquals(RunState.RUNNING, run.state());
        assertEquals(1, run.attempt());
        assertEquals(deploy.id(), run.deployId());
        assertEquals("web", run.app());
        assertEquals(Phase.RELEASE, run.phase());
        assertEquals("bundle exec rake db:migrate", run.command());
        assertEquals("dokku/web:latest", run.image());
        assertEquals("sha256:feed", run.imageId());
        assertEquals("host-a", run.host());
        assertEquals(4242, run.helperPid());
        assertEquals(run.id() + ".log", run.logPath());
        assertEquals(Optional.of(T0), run.startedAt());
        assertEquals(Optional.empty(), run.finishedAt());
        assertEquals(Optional.empty(), run.exitCode());
        assertEquals(List.of(run), ledger.runsOf(deploy.id()));
    }

    @Test
    void aSecondClaimOfARunningTaskReturnsTheSameRun() {
        Deploy deploy = record("web", 100, Origin.EXTRACTED, PLAN);
        TaskRun first = ledger.claim(deploy.id(), Phase.RELEASE, claim(1));

        TaskRun second = ledger.claim(deploy.id(), Phase.RELEASE, claim(2));

        assertEquals(first, second);
        assertEquals(1, ledger.runsOf(deploy.id()).size());
    }

    @Test
    void aClaimAfterTheRunFinishedReturnsTheFinalRun() {
        Deploy deploy = record("web", 100, Origin.EXTRACTED, PLAN);
        TaskRun run = ledger.claim(deploy.id(), Phase.RELEASE, claim(1));
        TaskRun finished = ledger.finish(run.id(), outcome(RunState.FAILED, 3, "boom\n"), T0.plusSeconds(9));

        TaskRun again = ledger.claim(deploy.id(), Phase.RELEASE, claim(2));

        assertEquals(finished, again);
        assertEquals(RunState.FAILED, again.state());
        assertEquals(Optional.of(3), again.exitCode());
        assertEquals(Optional.of(T0.plusSeconds(9)), again.finishedAt());
        assertEquals(Optional.of(Duration.ofSeconds(9)), again.duration());
        assertEquals("detail of failed", again.detail());
        assertEquals(1, ledger.runsOf(deploy.id()).size());
    }

    @Test
    void aClaimAfterAnInterruptionStartsTheNextAttempt() {
        Deploy deploy = record("web", 100, Origin.EXTRACTED, PLAN);
        TaskRun first = ledger.claim(deploy.id(), Phase.RELEASE, claim(1));
        ledger.markInterrupted(first.id(), "helper 1 died", T0.plusSeconds(5));

        TaskRun second = ledger.claim(deploy.id(), Phase.RELEASE, claim(2));

        assertEquals(2, second.attempt());
        assertEquals(RunState.RUNNING, second.state());
        assertEquals(2, second.helperPid());
        assertNotEquals(first.id(), second.id());
        TaskRun interrupted = ledger.findRun(first.id()).orElseThrow();
        assertEquals(RunState.INTERRUPTED, interrupted.state());
        assertEquals("helper 1 died", interrupted.detail());
        assertEquals(Optional.of(T0.plusSeconds(5)), interrupted.finishedAt());
        assertEquals(List.of(first.id(), second.id()),
                ledger.runsOf(deploy.id()).stream().map(TaskRun::id).toList());
    }

    @Test
    void finishLeavesARunMarkedInterruptedMeanwhileAloneButKeepsItsOutput() {
        Deploy deploy = record("web", 100, Origin.EXTRACTED, PLAN);
        TaskRun run = ledger.claim(deploy.id(), Phase.RELEASE, claim(1));
        ledger.markInterrupted(run.id(), "stopped by a signal", T0.plusSeconds(5));

        TaskRun recorded = ledger.finish(run.id(), outcome(RunState.INTERRUPTED, -1, "the output so far\n"),
                T0.plusSeconds(6));

        assertEquals(RunState.INTERRUPTED, recorded.state());
        assertEquals("stopped by a signal", recorded.detail());
        assertEquals(Optional.of(T0.plusSeconds(5)), recorded.finishedAt());
        assertEquals(Optional.of(recorded), ledger.findRun(run.id()));
        assertEquals("the output so far\n", new String(ledger.outputTail(run.id()), java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void markInterruptedLeavesAFinishedRunAlone() {
        Deploy deploy = record("web", 100, Origin.EXTRACTED, PLAN);
        TaskRun run = ledger.claim(deploy.id(), Phase.RELEASE, claim(1));
        TaskRun finished = ledger.finish(run.id(), outcome(RunState.SUCCEEDED, 0, "ok"), T0);

        ledger.markInterrupted(run.id(), "late", T0.plusSeconds(60));

        assertEquals(Optional.of(finished), ledger.findRun(run.id()));
    }

    @Test
    void theTwoPhasesOfADeployAreClaimedSeparately() {
        Deploy deploy = record("web", 100, Origin.EXTRACTED, PLAN);

        TaskRun predeploy = ledger.claim(deploy.id(), Phase.PREDEPLOY, claim(1));
        TaskRun release = ledger.claim(deploy.id(), Phase.RELEASE, claim(1));

        assertNotEquals(predeploy.id(), release.id());
        assertEquals("./bin/prepare", predeploy.command());
        assertEquals(1, release.attempt());
    }

    @Test
    void claimingAPhaseWithoutATaskIsRefused() {
        Deploy deploy = record("web", 100, Origin.EXTRACTED, Plan.of(new Task(Phase.RELEASE, "migrate")));

        LedgerException refused = assertThrows(LedgerException.class,
                () -> ledger.claim(deploy.id(), Phase.PREDEPLOY, claim(1)));

        assertTrue(refused.getMessage().contains("has no predeploy task"), refused.getMessage());
        assertEquals(List.of(), ledger.runsOf(deploy.id()));
    }

    @Test
    void concurrentClaimsFromSeveralConnectionsCreateOneRun() throws Exception {
        Deploy deploy = record("web", 100, Origin.EXTRACTED, PLAN);
        int helpers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(helpers);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<TaskRun>> claims = new ArrayList<>();
            for (int i = 0; i < helpers; i++) {
                long pid = 1000 + i;
                Callable<TaskRun> claimer = () -> {
                    try (SqliteLedger own = SqliteLedger.open(file, BUSY)) {
                        start.await();
                        return own.claim(deploy.id(), Phase.RELEASE, claim(pid));
                    }
                };
                claims.add(pool.submit(claimer));
            }
            start.countDown();
            Set<Long> runIds = new java.util.HashSet<>();
            for (Future<TaskRun> claimed : claims) {
                runIds.add(claimed.get(30, TimeUnit.SECONDS).id());
            }
            assertEquals(1, runIds.size());
            assertEquals(1, ledger.runsOf(deploy.id()).size());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theOutputTailIsStoredAsExactBytes() {
        Deploy deploy = record("web", 100, Origin.EXTRACTED, PLAN);
        TaskRun run = ledger.claim(deploy.id(), Phase.RELEASE, claim(1));
        byte[] tail = {'o', 'k', '\n', (byte) 0xff, (byte) 0xfe, 0, (byte) 0xc3, 0x28, 0x1b, '[', '3', '1', 'm', '\r'};

        ledger.finish(run.id(), new RunOutcome(RunState.SUCCEEDED, 0, tail, 123_456, ""), T0);

        assertArrayEquals(tail, ledger.outputTail(run.id()));
    }

    @Test
    void aRunWithoutRecordedOutputHasAnEmptyTail() {
        Deploy deploy = record("web", 100, Origin.EXTRACTED, PLAN);
        TaskRun run = ledger.claim(deploy.id(), Phase.RELEASE, claim(1));

        assertArrayEquals(new byte[0], ledger.outputTail(run.id()));
        assertArrayEquals(new byte[0], ledger.outputTail(9999));
    }

    @Test
    void aFinishWithoutExitCodeRecordsNone() {
        Deploy deploy = record("web", 100, Origin.EXTRACTED, PLAN);
        TaskRun run = ledger.claim(deploy.id(), Phase.RELEASE, claim(1));

        TaskRun finished = ledger.finish(run.id(), outcome(RunState.TIMED_OUT, -1, ""), T0);

        assertEquals(RunState.TIMED_OUT, finished.state());
        assertEquals(Optional.empty(), finished.exitCode());
    }

    @Test
    void theContainerOfARunIsRecorded() {
        Deploy deploy = record("web", 100, Origin.EXTRACTED, PLAN);
        TaskRun run = ledger.claim(deploy.id(), Phase.RELEASE, claim(1));

        ledger.recordContainer(run.id(), "c0ffee");

        assertEquals("c0ffee", ledger.findRun(run.id()).orElseThrow().containerId());
    }

    @Test
    void runningRunsAreThoseOfTheAppStillRunning() {
        Deploy web = record("web", 100, Origin.EXTRACTED, PLAN);
        Deploy api = record("api", 101, Origin.EXTRACTED, PLAN);
        TaskRun done = ledger.claim(web.id(), Phase.PREDEPLOY, claim(1));
        ledger.finish(done.id(), outcome(RunState.SUCCEEDED, 0, ""), T0);
        TaskRun running = ledger.claim(web.id(), Phase.RELEASE, claim(1));
        ledger.claim(api.id(), Phase.RELEASE, claim(2));

        assertEquals(List.of(running), ledger.runningRuns("web"));
        assertEquals(List.of(), ledger.runningRuns("other"));
    }

    // ---- deploys and events ----

    @Test
    void aDeployIsMarkedRolledOutOnce() {
        Deploy deploy = record("web", 100, Origin.EXTRACTED, PLAN);

        ledger.markRolledOut(deploy.id(), T0);
        ledger.markRolledOut(deploy.id(), T0.plusSeconds(600));

        assertEquals(Optional.of(T0), ledger.findDeploy(deploy.id()).orElseThrow().rolledOutAt());
    }

    @Test
    void eventsAreReadNewestFirstPerApp() {
        ledger.recordEvent("web", "restart", "ps:restart", T0);
        ledger.recordEvent("api", "scale", "web=2", T0.plusSeconds(1));
        ledger.recordEvent("web", "scale", "web=3", T0.plusSeconds(2));
        ledger.recordEvent("web", "unlock", "", T0.plusSeconds(3));

        List<Event> events = ledger.events("web", 2);

        assertEquals(List.of("unlock", "scale"), events.stream().map(Event::kind).toList());
        assertEquals("web=3", events.get(1).detail());
        assertEquals(T0.plusSeconds(2), events.get(1).at());
        assertEquals(3, ledger.events("web", 10).size());
        assertEquals(List.of(), ledger.events("nope", 10));
    }

    @Test
    void deploysAreListedNewestFirst() {
        Deploy first = record("web", 100, Origin.EXTRACTED, PLAN);
        record("api", 101, Origin.EXTRACTED, PLAN);
        Deploy second = record("web", 102, Origin.STANDING, PLAN);
        Deploy third = record("web", 103, Origin.MANUAL, PLAN);

        assertEquals(List.of(third, second), ledger.deploys("web", 2));
        assertEquals(List.of(third, second, first), ledger.deploys("web", 10));
        assertEquals(Optional.of(third), ledger.latestDeploy("web"));
        assertEquals(List.of("api", "web"), ledger.apps());
    }

    @Test
    void theStandingPlanIsTheLatestExtractedDeploy() {
        Deploy older = record("web", 100, Origin.EXTRACTED, PLAN);
        Deploy extracted = record("web", 101, Origin.EXTRACTED, Plan.of(new Task(Phase.RELEASE, "v2")));
        record("web", 102, Origin.STANDING, PLAN);
        record("web", 103, Origin.MANUAL, PLAN);
        record("api", 104, Origin.EXTRACTED, PLAN);

        assertEquals(Optional.of(extracted), ledger.latestExtracted("web"));
        assertNotEquals(older.id(), extracted.id());
        assertEquals(Optional.empty(), ledger.latestExtracted("nope"));
    }

    @Test
    void anAppWithOnlyStandingDeploysHasNoStandingPlan() {
        record("web", 100, Origin.STANDING, PLAN);

        assertEquals(Optional.empty(), ledger.latestExtracted("web"));
    }

    // ---- lock holders ----

    @Test
    void aLockHolderIsClearedOnlyByItsOwnPid() {
        LockHolder holder = new LockHolder("app.web", "web", 7, 4242, "host-a", T0);
        ledger.recordLockHolder(holder);

        ledger.clearLockHolder("app.web", 1111);
        assertEquals(Optional.of(holder), ledger.lockHolder("app.web"));

        ledger.clearLockHolder("app.web", 4242);
        assertEquals(Optional.empty(), ledger.lockHolder("app.web"));
    }

    @Test
    void aNewLockHolderReplacesTheRecordedOne() {
        ledger.recordLockHolder(new LockHolder("group.db", "web", 7, 4242, "host-a", T0));
        LockHolder next = new LockHolder("group.db", "api", 8, 5353, "host-a", T0.plusSeconds(3));

        ledger.recordLockHolder(next);

        assertEquals(Optional.of(next), ledger.lockHolder("group.db"));
        assertEquals(Optional.empty(), ledger.lockHolder("app.web"));
    }

    // ---- app lifecycle ----

    @Test
    void deletingAnAppRemovesItsRecordsOnlyAndReturnsItsLogs() throws Exception {
        Deploy web = record("web", 100, Origin.EXTRACTED, PLAN);
        TaskRun webRun = finishedRun(web, Phase.RELEASE, "web output");
        TaskRun webPredeploy = finishedRun(web, Phase.PREDEPLOY, "web predeploy");
        ledger.recordEvent("web", "restart", "", T0);
        ledger.recordLockHolder(new LockHolder("app.web", "web", web.id(), 1, "h", T0));
        Deploy api = record("api", 100, Origin.EXTRACTED, PLAN);
        TaskRun apiRun = finishedRun(api, Phase.RELEASE, "api output");
        ledger.recordEvent("api", "restart", "", T0);
        ledger.recordLockHolder(new LockHolder("app.api", "api", api.id(), 1, "h", T0));

        List<String> logs = ledger.deleteApp("web");

        assertEquals(Set.of(webRun.id() + ".log", webPredeploy.id() + ".log"), Set.copyOf(logs));
        assertEquals(List.of(), ledger.deploys("web", 10));
        assertEquals(List.of(), ledger.events("web", 10));
        assertEquals(Optional.empty(), ledger.lockHolder("app.web"));
        assertEquals(Optional.empty(), ledger.findRun(webRun.id()));
        assertEquals(0, count("SELECT COUNT(*) FROM tasks WHERE deploy_id = " + web.id()));
        assertEquals(0, count("SELECT COUNT(*) FROM run_output WHERE run_id = " + webRun.id()));
        assertEquals(List.of(api), ledger.deploys("api", 10));
        assertEquals(1, ledger.events("api", 10).size());
        assertEquals("api output", new String(ledger.outputTail(apiRun.id()), StandardCharsets.UTF_8));
        assertTrue(ledger.lockHolder("app.api").isPresent());
        assertEquals(List.of("api"), ledger.apps());
    }

    @Test
    void renamingAnAppMovesEveryRecord() {
        Deploy web = record("web", 100, Origin.EXTRACTED, PLAN);
        TaskRun run = finishedRun(web, Phase.RELEASE, "out");
        TaskRun running = ledger.claim(web.id(), Phase.PREDEPLOY, claim(1));
        ledger.recordEvent("web", "restart", "", T0);
        ledger.recordLockHolder(new LockHolder("app.web", "web", web.id(), 1, "h", T0));
        Deploy other = record("other", 100, Origin.EXTRACTED, PLAN);

        ledger.renameApp("web", "site");

        assertEquals(List.of(), ledger.deploys("web", 10));
        assertEquals(List.of(), ledger.events("web", 10));
        assertEquals(web.id(), ledger.findDeploy("site", key(100)).orElseThrow().id());
        assertEquals(Optional.of(web.id()), ledger.latestExtracted("site").map(Deploy::id));
        assertEquals("site", ledger.findRun(run.id()).orElseThrow().app());
        assertEquals(List.of(running.id()), ledger.runningRuns("site").stream().map(TaskRun::id).toList());
        assertEquals(1, ledger.events("site", 10).size());
        assertEquals("site", ledger.lockHolder("app.web").orElseThrow().app());
        assertEquals(List.of(other), ledger.deploys("other", 10));
        assertEquals(List.of("other", "site"), ledger.apps());
    }

    @Test
    void cloningAnAppCopiesItsHistoryAndLeavesTheOriginal() {
        Deploy first = record("web", 100, Origin.EXTRACTED, PLAN);
        TaskRun firstRun = finishedRun(first, Phase.RELEASE, "first output");
        Deploy second = record("web", 101, Origin.STANDING, Plan.of(new Task(Phase.RELEASE, "v2")));
        TaskRun interrupted = ledger.claim(second.id(), Phase.RELEASE, claim(1));
        ledger.markInterrupted(interrupted.id(), "died", T0);
        TaskRun retried = finishedRun(second, Phase.RELEASE, "second output");
        ledger.markRolledOut(second.id(), T0.plusSeconds(30));
        ledger.recordEvent("web", "restart", "ps:restart", T0);
        List<Deploy> originalDeploys = ledger.deploys("web", 10);
        List<TaskRun> originalRuns = List.of(ledger.findRun(firstRun.id()).orElseThrow(),
                ledger.findRun(interrupted.id()).orElseThrow(), ledger.findRun(retried.id()).orElseThrow());

        ledger.cloneApp("web", "copy");

        assertEquals(originalDeploys, ledger.deploys("web", 10));
        assertEquals(originalRuns, concat(ledger.runsOf(first.id()), ledger.runsOf(second.id())));
        List<Deploy> copies = ledger.deploys("copy", 10);
        assertEquals(2, copies.size());
        for (int i = 0; i < copies.size(); i++) {
            Deploy copy = copies.get(i);
            Deploy original = originalDeploys.get(i);
            assertNotEquals(original.id(), copy.id());
            assertEquals(original.key(), copy.key());
            assertEquals(original.origin(), copy.origin());
            assertEquals(original.trigger(), copy.trigger());
            assertEquals(original.createdAt(), copy.createdAt());
            assertEquals(original.rolledOutAt(), copy.rolledOutAt());
            assertEquals(ledger.planOf(original.id()), ledger.planOf(copy.id()));
        }
        Deploy secondCopy = ledger.findDeploy("copy", key(101)).orElseThrow();
        List<TaskRun> copiedRuns = ledger.runsOf(secondCopy.id());
        assertEquals(List.of(RunState.INTERRUPTED, RunState.SUCCEEDED), copiedRuns.stream().map(TaskRun::state).toList());
        assertEquals(List.of(1, 2), copiedRuns.stream().map(TaskRun::attempt).toList());
        for (TaskRun copied : copiedRuns) {
            assertEquals("copy", copied.app());
            assertFalse(Set.of(interrupted.id(), retried.id(), firstRun.id()).contains(copied.id()));
        }
        assertEquals(retried.logPath(), copiedRuns.get(1).logPath());
        assertEquals("second output", new String(ledger.outputTail(copiedRuns.get(1).id()), StandardCharsets.UTF_8));
        assertEquals(Optional.of(ledger.findDeploy("copy", key(100)).orElseThrow()), ledger.latestExtracted("copy"));
        assertEquals(List.of("restart"), ledger.events("copy", 10).stream().map(Event::kind).toList());
        assertEquals(1, ledger.events("web", 10).size());
        assertEquals("first output", new String(ledger.outputTail(firstRun.id()), StandardCharsets.UTF_8));
    }

    @Test
    void pruningKeepsTheNewestRunsAndReturnsTheRemovedLogs() {
        List<TaskRun> runs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Deploy deploy = record("web", 100 + i, Origin.EXTRACTED, PLAN);
            runs.add(finishedRun(deploy, Phase.RELEASE, "run " + i));
        }
        Deploy api = record("api", 100, Origin.EXTRACTED, PLAN);
        TaskRun apiRun = finishedRun(api, Phase.RELEASE, "api");

        List<String> removed = ledger.prune("web", 2);

        assertEquals(Set.of(runs.get(0).logPath(), runs.get(1).logPath(), runs.get(2).logPath()), Set.copyOf(removed));
        for (int i = 0; i < 5; i++) {
            assertEquals(i >= 3, ledger.findRun(runs.get(i).id()).isPresent(), "run " + i);
        }
        assertEquals(List.of(104L, 103L), ledger.deploys("web", 10).stream().map(d -> d.key().dokkuPid()).toList());
        assertEquals(Optional.of(apiRun), ledger.findRun(apiRun.id()));
        assertEquals(List.of(), ledger.prune("web", 2));
    }

    @Test
    void pruningKeepsTheStandingPlanEvenWhenItsRunsWereRemoved() {
        Deploy extracted = record("web", 100, Origin.EXTRACTED, PLAN);
        TaskRun extractedRun = finishedRun(extracted, Phase.RELEASE, "extracted");
        List<TaskRun> standingRuns = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            Deploy standing = record("web", 100 + i, Origin.STANDING, PLAN);
            standingRuns.add(finishedRun(standing, Phase.RELEASE, "standing " + i));
        }

        List<String> removed = ledger.prune("web", 2);

        assertEquals(Set.of(extractedRun.logPath(), standingRuns.get(0).logPath(), standingRuns.get(1).logPath()),
                Set.copyOf(removed));
        assertEquals(Optional.of(extracted), ledger.latestExtracted("web"));
        assertEquals(PLAN, ledger.planOf(extracted.id()));
        assertEquals(List.of(104L, 103L, 100L), ledger.deploys("web", 10).stream().map(d -> d.key().dokkuPid()).toList());
    }

    @Test
    void pruningKeepsANewerDeployThatHasNotRunYet() {
        for (int i = 0; i < 3; i++) {
            finishedRun(record("web", 100 + i, Origin.EXTRACTED, PLAN), Phase.RELEASE, "run " + i);
        }
        Deploy pending = record("web", 200, Origin.EXTRACTED, PLAN);

        ledger.prune("web", 1);

        assertEquals(Optional.of(pending), ledger.findDeploy(pending.id()));
        assertEquals(PLAN, ledger.planOf(pending.id()));
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
                    () -> ledger.recordPlan("web", key(101), Origin.EXTRACTED, "", PLAN));

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

    // ---- query plans ----

    @Test
    void theStatusQueriesUseIndexes() {
        record("web", 100, Origin.EXTRACTED, PLAN);
        List<List<String>> plans = List.of(
                ledger.explainQueryPlan("SELECT id, app, deploy_key, origin, trigger, created_at, rolled_out_at "
                        + "FROM deploys WHERE app = ? ORDER BY id DESC LIMIT ?", "web", 10),
                ledger.explainQueryPlan("SELECT id, app, deploy_key, origin FROM deploys "
                        + "WHERE app = ? AND origin = 'extracted' ORDER BY id DESC LIMIT 1", "web"),
                ledger.explainQueryPlan("SELECT id, state, attempt, exit_code, command FROM runs "
                        + "WHERE deploy_id = ? ORDER BY id", 1),
                ledger.explainQueryPlan("SELECT id, state, attempt, exit_code, command FROM runs "
                        + "WHERE app = ? ORDER BY id DESC LIMIT ?", "web", 20),
                ledger.explainQueryPlan("SELECT id FROM runs WHERE app = ? AND state = 'running' ORDER BY id", "web"),
                ledger.explainQueryPlan("SELECT id, state FROM runs WHERE deploy_id = ? AND phase = ? "
                        + "ORDER BY attempt DESC LIMIT 1", 1, "release"),
                ledger.explainQueryPlan("SELECT id, kind FROM events WHERE app = ? ORDER BY id DESC LIMIT ?", "web", 5),
                ledger.explainQueryPlan("SELECT phase, command FROM tasks WHERE deploy_id = ?", 1),
                ledger.explainQueryPlan("SELECT tail FROM run_output WHERE run_id = ?", 1));

        for (List<String> plan : plans) {
            assertFalse(plan.isEmpty());
            for (String step : plan) {
                boolean fullScan = step.startsWith("SCAN ") && !step.contains("INDEX");
                assertFalse(fullScan, "a full table scan: " + plan);
            }
        }
        assertTrue(plans.get(0).stream().anyMatch(step -> step.contains("deploys_by_app")), plans.get(0).toString());
        assertTrue(plans.get(3).stream().anyMatch(step -> step.contains("runs_by_app")), plans.get(3).toString());
    }

    @Test
    void thePruneAfterEachReleaseUsesIndexes() {
        record("web", 100, Origin.EXTRACTED, PLAN);
        String older = "SELECT id FROM runs WHERE app = ? ORDER BY id DESC LIMIT -1 OFFSET ?";
        List<List<String>> plans = List.of(
                ledger.explainQueryPlan("SELECT log_path FROM runs WHERE id IN (" + older + ") AND log_path <> ''",
                        "web", 1000),
                ledger.explainQueryPlan("DELETE FROM runs WHERE id IN (" + older + ")", "web", 1000),
                ledger.explainQueryPlan("DELETE FROM deploys WHERE app = ? AND id NOT IN (SELECT deploy_id FROM runs "
                        + "WHERE app = ?) AND id < (SELECT COALESCE(MIN(deploy_id), 0) FROM runs WHERE app = ?) "
                        + "AND id <> (SELECT COALESCE(MAX(id), 0) FROM deploys WHERE app = ? AND origin = 'extracted')",
                        "web", "web", "web", "web"),
                ledger.explainQueryPlan("SELECT id FROM deploys WHERE app = ? AND deploy_key = ?", "web", "1"));

        for (List<String> plan : plans) {
            assertFalse(plan.isEmpty());
            for (String step : plan) {
                boolean fullScan = step.startsWith("SCAN ") && !step.contains("INDEX");
                assertFalse(fullScan, "a full table scan: " + plan);
            }
        }
        assertTrue(plans.get(1).stream().anyMatch(step -> step.contains("runs_by_app")), plans.get(1).toString());
        assertTrue(plans.get(2).stream().anyMatch(step -> step.contains("deploys_by_app")), plans.get(2).toString());
    }

    // ---- helpers ----

    private static DeployKey key(long pid) {
        return new DeployKey(pid, "boot-1:" + (pid * 10));
    }

    private static RunClaim claim(long helperPid) {
        return new RunClaim("dokku/app:latest", "sha256:abc", "host-a", helperPid, "{run}.log", T0);
    }

    private static RunOutcome outcome(RunState state, int exitCode, String tail) {
        byte[] bytes = tail.getBytes(StandardCharsets.UTF_8);
        return new RunOutcome(state, exitCode, bytes, bytes.length,
                state == RunState.SUCCEEDED ? "" : "detail of " + state.label());
    }

    private Deploy record(String app, long pid, Origin origin, Plan plan) {
        return ledger.recordPlan(app, key(pid), origin, "", plan);
    }

    private TaskRun finishedRun(Deploy deploy, Phase phase, String output) {
        TaskRun run = ledger.claim(deploy.id(), phase, claim(1));
        return ledger.finish(run.id(), outcome(RunState.SUCCEEDED, 0, output), T0.plusSeconds(1));
    }

    private static List<TaskRun> concat(List<TaskRun> a, List<TaskRun> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).collect(Collectors.toList());
    }

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
