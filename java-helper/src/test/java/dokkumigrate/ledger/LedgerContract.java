package dokkumigrate.ledger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dokkumigrate.applied.AppliedMigration;
import dokkumigrate.ledger.AppliedMigrationRecords.Applied;
import dokkumigrate.ledger.AppliedMigrationRecords.AppliedByRun;
import dokkumigrate.ledger.Deploy.Origin;
import dokkumigrate.ledger.EventRecords.Event;
import dokkumigrate.ledger.Ledger.LedgerException;
import dokkumigrate.ledger.RunRecords.RunClaim;
import dokkumigrate.plan.Phase;
import dokkumigrate.plan.Plan;
import dokkumigrate.plan.Task;
import dokkumigrate.run.RunOutcome;
import dokkumigrate.run.RunState;
import dokkumigrate.run.TaskRun;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every ledger backend must do, whatever stores it: each backend's test class extends this
 * and says how to open a fresh, empty ledger ({@link #newLedger}) and a second handle on it, as
 * another helper process would ({@link #openAgain}). Tests of one backend's own concerns (its
 * files, locks, pragmas, query plans) stay in that backend's class.
 */
public abstract class LedgerContract {
    protected static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
    protected static final Plan PLAN = Plan.of(
            new Task(Phase.RELEASE, "bundle exec rake db:migrate"),
            new Task(Phase.PREDEPLOY, "./bin/prepare"));
    private static final Plan MIGRATE_PLAN = Plan.of(new Task(Phase.RELEASE, "bin/rails db:migrate"));
    private static final AppliedMigration USERS = new AppliedMigration("rails", "20240101000000", "AddUsers");
    private static final AppliedMigration POSTS = new AppliedMigration("rails", "20240102000000", "AddPosts");
    private static final AppliedMigration ORDERS = new AppliedMigration("django", "shop.0002_orders", "");

    /** The ledger under test, opened fresh for each test and closed after it. */
    protected Ledger ledger;

    /** Opens a new, empty ledger. */
    protected abstract Ledger newLedger() throws Exception;

    /** Opens another handle on the ledger {@link #newLedger} opened last, as a second helper process would. */
    protected abstract Ledger openAgain() throws Exception;

    @BeforeEach
    void openLedger() throws Exception {
        ledger = newLedger();
    }

    @AfterEach
    void closeLedger() {
        ledger.close();
    }

    // ---- deploys, runs, events, lock holders, whole apps ----

    @Test
    void integrityCheckOfAHealthyLedgerIsOk() {
        record("web", 100, Origin.EXTRACTED, PLAN);

        assertEquals("ok", ledger.integrityCheck());
    }

    @Test
    void aRecordedPlanReadsBackPredeployFirst() {
        Deploy deploy = ledger.recordPlan("web", key(100), Origin.EXTRACTED, "git push", "", PLAN);

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
        Deploy bare = ledger.recordPlan("web", new DeployKey(100, ""), Origin.EXTRACTED, "", "", PLAN);
        Deploy instance = ledger.recordPlan("web", new DeployKey(100, "boot:123"), Origin.EXTRACTED, "", "", PLAN);

        assertNotEquals(bare.id(), instance.id());
        assertEquals(new DeployKey(100, "boot:123"), ledger.findDeploy(instance.id()).orElseThrow().key());
        assertEquals(Optional.empty(), ledger.findDeploy("web", new DeployKey(100, "boot:124")));
        assertEquals(Optional.empty(), ledger.findDeploy("api", new DeployKey(100, "boot:123")));
    }

    @Test
    void aDeployKeepsTheRevisionItReleasesAndACloneCopiesIt() {
        Deploy built = ledger.recordPlan("web", key(100), Origin.EXTRACTED, "git push", "4f2c1e9", PLAN);
        Deploy unknown = ledger.recordPlan("web", key(101), Origin.STANDING, "", "", PLAN);

        assertEquals("4f2c1e9", built.revision());
        assertEquals("4f2c1e9", ledger.findDeploy(built.id()).orElseThrow().revision());
        assertEquals("", unknown.revision());
        assertEquals("b7d03aa", ledger.recordPlan("web", key(100), Origin.EXTRACTED, "again", "b7d03aa", PLAN).revision(),
                "a plan recorded again before anything ran takes the new revision");
        ledger.cloneApp("web", "copy");
        assertEquals("b7d03aa", ledger.findDeploy("copy", key(100)).orElseThrow().revision());
    }

    @Test
    void theLatestReleaseRunIsTheAppsNewestReleaseWhateverItsDeployOrState() {
        assertEquals(Optional.empty(), ledger.latestReleaseRun("web"));
        Deploy first = ledger.recordPlan("web", key(100), Origin.EXTRACTED, "", "rev-1", PLAN);
        TaskRun release = finishedRun(first, Phase.RELEASE, "migrated");
        Deploy second = ledger.recordPlan("web", key(101), Origin.EXTRACTED, "", "rev-2", PLAN);
        ledger.claim(second.id(), Phase.PREDEPLOY, claim(2));
        Deploy api = ledger.recordPlan("api", key(102), Origin.EXTRACTED, "", "rev-9", PLAN);
        ledger.claim(api.id(), Phase.RELEASE, claim(3));

        TaskRun latest = ledger.latestReleaseRun("web").orElseThrow();
        assertEquals(release, latest, "a newer predeploy run, or another app's release, is not it");
        assertEquals("rev-1", ledger.findDeploy(latest.deployId()).orElseThrow().revision());

        TaskRun running = ledger.claim(second.id(), Phase.RELEASE, claim(4));
        assertEquals(Optional.of(running), ledger.latestReleaseRun("web"));
    }

    @Test
    void anEmptyPlanIsRecorded() {
        Deploy deploy = ledger.recordPlan("web", key(100), Origin.EXTRACTED, "", "", Plan.EMPTY);

        assertTrue(ledger.planOf(deploy.id()).isEmpty());
        assertEquals(Optional.of(deploy), ledger.latestExtracted("web"));
    }

    @Test
    void recordingAPlanAgainReplacesItWhileNothingRan() {
        Deploy first = ledger.recordPlan("web", key(100), Origin.EXTRACTED, "one", "", PLAN);
        Plan second = Plan.of(new Task(Phase.RELEASE, "rails db:migrate"));

        Deploy again = ledger.recordPlan("web", key(100), Origin.EXTRACTED, "two", "", second);

        assertEquals(first.id(), again.id());
        assertEquals("two", again.trigger());
        assertEquals(second, ledger.planOf(first.id()));
        assertEquals(1, ledger.deploys("web", 10).size());
    }

    @Test
    void recordingAPlanAgainKeepsItOnceATaskRan() {
        Deploy first = ledger.recordPlan("web", key(100), Origin.EXTRACTED, "one", "", PLAN);
        ledger.claim(first.id(), Phase.PREDEPLOY, claim(1));

        Deploy again = ledger.recordPlan("web", key(100), Origin.STANDING, "two", "",
                Plan.of(new Task(Phase.RELEASE, "something else")));

        assertEquals(first, again);
        assertEquals(PLAN, ledger.planOf(first.id()));
    }

    @Test
    void aFirstClaimStartsAttemptOne() {
        Deploy deploy = record("web", 100, Origin.EXTRACTED, PLAN);

        TaskRun run = ledger.claim(deploy.id(), Phase.RELEASE,
                new RunClaim("dokku/web:latest", "sha256:feed", "host-a", 4242, T0));

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
        assertEquals("", run.logFile(), "no log file until the caller names one");
        assertEquals(Optional.of(T0), run.startedAt());
        assertEquals(Optional.empty(), run.finishedAt());
        assertEquals(Optional.empty(), run.exitCode());
        assertEquals(List.of(run), ledger.runsOf(deploy.id()));
    }

    @Test
    void theLogFileOfARunIsTheOneItsCallerNamed() {
        Deploy deploy = record("web", 100, Origin.EXTRACTED, PLAN);
        TaskRun run = ledger.claim(deploy.id(), Phase.RELEASE, claim(1));

        ledger.recordLogFile(run.id(), "run-" + run.id() + ".out");

        assertEquals("run-" + run.id() + ".out", ledger.findRun(run.id()).orElseThrow().logFile());
        assertEquals(List.of("run-" + run.id() + ".out"), ledger.deleteApp("web"));
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

        TaskRun recorded = ledger.finish(run.id(), outcome(RunState.INTERRUPTED, null, "the output so far\n"),
                T0.plusSeconds(6));

        assertEquals(RunState.INTERRUPTED, recorded.state());
        assertEquals("stopped by a signal", recorded.detail());
        assertEquals(Optional.of(T0.plusSeconds(5)), recorded.finishedAt());
        assertEquals(Optional.of(recorded), ledger.findRun(run.id()));
        assertEquals("the output so far\n", new String(ledger.outputTail(run.id()), StandardCharsets.UTF_8));
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
                    try (Ledger own = openAgain()) {
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

        ledger.finish(run.id(), new RunOutcome(RunState.SUCCEEDED, Optional.of(0), tail, 123_456, ""), T0);

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

        TaskRun finished = ledger.finish(run.id(), outcome(RunState.TIMED_OUT, null, ""), T0);

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

    @Test
    void deletingAnAppRemovesItsRecordsOnlyAndReturnsItsLogs() {
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
        assertTrue(ledger.planOf(web.id()).isEmpty());
        assertArrayEquals(new byte[0], ledger.outputTail(webRun.id()));
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
        assertEquals(retried.logFile(), copiedRuns.get(1).logFile());
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

        assertEquals(Set.of(runs.get(0).logFile(), runs.get(1).logFile(), runs.get(2).logFile()), Set.copyOf(removed));
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

        assertEquals(Set.of(extractedRun.logFile(), standingRuns.get(0).logFile(), standingRuns.get(1).logFile()),
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

    // ---- applied migrations ----

    @Test
    void migrationsRecordedWhileARunIsRunningStayWhenItFails() {
        TaskRun run = claimIn("web", 1);
        ledger.recordAppliedMigrations(run.id(), List.of(USERS), T0);
        ledger.recordAppliedMigrations(run.id(), List.of(POSTS), T0.plusSeconds(1));
        ledger.finish(run.id(), new RunOutcome(RunState.FAILED, Optional.of(1), new byte[0], 0, "exited with code 1"), T0.plusSeconds(2));

        assertEquals(Map.of(run.id(), List.of(new Applied(run.id(), USERS, T0), new Applied(run.id(), POSTS, T0.plusSeconds(1)))),
                ledger.appliedMigrations(List.of(run.id())));
    }

    @Test
    void aRunThatAppliedNothingIsAbsent() {
        TaskRun run = claimIn("web", 1);
        assertEquals(Map.of(), ledger.appliedMigrations(List.of(run.id())));
    }

    @Test
    void historyIsTheAppsOnlyNewestFirstWithTheirRuns() {
        TaskRun first = claimIn("web", 1);
        ledger.recordAppliedMigrations(first.id(), List.of(USERS), T0);
        TaskRun second = claimIn("web", 2);
        ledger.recordAppliedMigrations(second.id(), List.of(POSTS, ORDERS), T0.plusSeconds(60));
        TaskRun other = claimIn("api", 1);
        ledger.recordAppliedMigrations(other.id(), List.of(USERS), T0);

        List<AppliedByRun> history = ledger.migrationHistory("web", Optional.empty(), 100);

        assertEquals(List.of(ORDERS, POSTS, USERS), history.stream().map(h -> h.applied().migration()).toList());
        assertEquals(List.of(second.id(), second.id(), first.id()), history.stream().map(h -> h.run().id()).toList());
        assertEquals(second.deployId(), history.get(0).run().deployId());
        assertEquals(2, ledger.migrationHistory("web", Optional.empty(), 2).size());
    }

    @Test
    void aMigrationIsFoundByItsIdItsVersionPrefixOrItsName() {
        TaskRun run = claimIn("web", 1);
        AppliedMigration prisma = new AppliedMigration("prisma", "20240103000000_init", "");
        ledger.recordAppliedMigrations(run.id(), List.of(USERS, prisma, ORDERS), T0);

        assertEquals(List.of(USERS), found("20240101000000"));
        assertEquals(List.of(USERS), found("AddUsers"));
        assertEquals(List.of(prisma), found("20240103000000"));
        assertEquals(List.of(prisma), found("20240103000000_init"));
        assertEquals(List.of(ORDERS), found("shop.0002_orders"));
        assertEquals(List.of(), found("2024010300000"));
        assertEquals(List.of(), found("%"));
    }

    @Test
    void prunedAndDeletedRunsTakeTheirMigrationsAlong() {
        TaskRun old = claimIn("web", 1);
        ledger.recordAppliedMigrations(old.id(), List.of(USERS), T0);
        TaskRun recent = claimIn("web", 2);
        ledger.recordAppliedMigrations(recent.id(), List.of(POSTS), T0);

        ledger.prune("web", 1);
        assertEquals(List.of(POSTS), ledger.migrationHistory("web", Optional.empty(), 10).stream()
                .map(h -> h.applied().migration()).toList());

        ledger.deleteApp("web");
        assertEquals(Map.of(), ledger.appliedMigrations(List.of(old.id(), recent.id())));
    }

    @Test
    void aRenamedAppKeepsAndAClonedAppCopiesItsMigrations() {
        TaskRun run = claimIn("web", 1);
        ledger.recordAppliedMigrations(run.id(), List.of(USERS), T0);

        ledger.renameApp("web", "shop");
        ledger.cloneApp("shop", "shop-copy");

        assertEquals(1, ledger.migrationHistory("shop", Optional.empty(), 10).size());
        List<AppliedByRun> copied = ledger.migrationHistory("shop-copy", Optional.empty(), 10);
        assertEquals(List.of(USERS), copied.stream().map(h -> h.applied().migration()).toList());
        assertTrue(copied.get(0).run().id() != run.id());
    }

    // ---- taken copies ----

    @Test
    void copiesReadBackNewestFirstByteForByteWithAbsentFilesAsEmpty() {
        Deploy first = deploy("web", 1);
        Deploy second = deploy("web", 2);
        byte[] raw = {'r', 'e', 'l', 0, (byte) 0xff, '\r', '\n'};
        ledger.recordTakenCopies(first.id(), List.of(new TakenCopy(Phase.Source.PROCFILE, Optional.of(raw),
                Optional.empty())));
        ledger.recordTakenCopies(second.id(), List.of(new TakenCopy(Phase.Source.PROCFILE, bytes("a"), bytes("a")),
                new TakenCopy(Phase.Source.APP_JSON, Optional.empty(), Optional.empty())));
        ledger.markRolledOut(first.id(), Instant.now());

        List<TakenCopy.Recorded> procfiles = ledger.takenCopies("web", Phase.Source.PROCFILE, 10);

        assertEquals(List.of(second.id(), first.id()), procfiles.stream().map(TakenCopy.Recorded::deployId).toList());
        assertFalse(procfiles.get(0).rolledOut());
        assertTrue(procfiles.get(1).rolledOut());
        assertArrayEquals(raw, procfiles.get(1).copy().original().orElseThrow());
        assertTrue(procfiles.get(1).copy().stripped().isEmpty());
        assertTrue(procfiles.get(1).copy().changed());
        assertFalse(procfiles.get(0).copy().changed());
        TakenCopy appJson = ledger.takenCopies("web", Phase.Source.APP_JSON, 10).get(0).copy();
        assertTrue(appJson.original().isEmpty() && appJson.stripped().isEmpty());
        assertEquals(1, ledger.takenCopies("web", Phase.Source.PROCFILE, 1).size());
    }

    @Test
    void aCloneGetsTheCopiesAndDeletingAnAppRemovesThem() {
        Deploy deploy = deploy("web", 1);
        ledger.recordTakenCopies(deploy.id(), List.of(new TakenCopy(Phase.Source.PROCFILE, bytes("release: x\n"),
                Optional.empty())));

        ledger.cloneApp("web", "copy");
        ledger.deleteApp("web");

        assertEquals(List.of(), ledger.takenCopies("web", Phase.Source.PROCFILE, 10));
        List<TakenCopy.Recorded> cloned = ledger.takenCopies("copy", Phase.Source.PROCFILE, 10);
        assertEquals(1, cloned.size());
        assertArrayEquals("release: x\n".getBytes(StandardCharsets.UTF_8), cloned.get(0).copy().original().orElseThrow());
    }

    // ---- helpers ----

    protected static DeployKey key(long pid) {
        return new DeployKey(pid, "boot-1:" + (pid * 10));
    }

    protected static RunClaim claim(long helperPid) {
        return new RunClaim("dokku/app:latest", "sha256:abc", "host-a", helperPid, T0);
    }

    /** How a run ended; {@code exitCode} null when the container gave none. */
    protected static RunOutcome outcome(RunState state, Integer exitCode, String tail) {
        byte[] bytes = tail.getBytes(StandardCharsets.UTF_8);
        return new RunOutcome(state, Optional.ofNullable(exitCode), bytes, bytes.length,
                state == RunState.SUCCEEDED ? "" : "detail of " + state.label());
    }

    protected Deploy record(String app, long pid, Origin origin, Plan plan) {
        return ledger.recordPlan(app, key(pid), origin, "", "", plan);
    }

    /** A run claimed, named its log file and ended, as the release does it. */
    protected TaskRun finishedRun(Deploy deploy, Phase phase, String output) {
        TaskRun run = ledger.claim(deploy.id(), phase, claim(1));
        ledger.recordLogFile(run.id(), run.id() + ".log");
        return ledger.finish(run.id(), outcome(RunState.SUCCEEDED, 0, output), T0.plusSeconds(1));
    }

    private static List<TaskRun> concat(List<TaskRun> a, List<TaskRun> b) {
        return Stream.concat(a.stream(), b.stream()).collect(Collectors.toList());
    }

    private List<AppliedMigration> found(String migration) {
        return ledger.migrationHistory("web", Optional.of(migration), 10).stream().map(h -> h.applied().migration()).toList();
    }

    private TaskRun claimIn(String app, long pid) {
        Deploy deploy = ledger.recordPlan(app, new DeployKey(pid, "boot:" + pid), Origin.EXTRACTED, "", "", MIGRATE_PLAN);
        return ledger.claim(deploy.id(), Phase.RELEASE,
                new RunClaim("dokku/" + app + ":latest", "sha256:abc", "host-a", 1, T0));
    }

    private Deploy deploy(String app, long pid) {
        return ledger.recordPlan(app, new DeployKey(pid, "x"), Origin.EXTRACTED, "", "", Plan.EMPTY);
    }

    private static Optional<byte[]> bytes(String text) {
        return Optional.of(text.getBytes(StandardCharsets.UTF_8));
    }
}
