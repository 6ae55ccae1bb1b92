package dokkumigrate.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dokkumigrate.adapters.docker.DockerTaskRunner;
import dokkumigrate.adapters.files.RunLogFiles;
import dokkumigrate.adapters.lock.FileTaskLocks;
import dokkumigrate.adapters.process.ProcessRunner;
import dokkumigrate.adapters.sqlite.SqliteLedger;
import dokkumigrate.ledger.Deploy;
import dokkumigrate.ledger.DeployKey;
import dokkumigrate.ledger.Ledger;
import dokkumigrate.output.Console;
import dokkumigrate.plan.Phase;
import dokkumigrate.plan.Plan;
import dokkumigrate.plan.Task;
import dokkumigrate.platform.AppImage;
import dokkumigrate.platform.Settings;
import dokkumigrate.run.RunOutcome;
import dokkumigrate.run.RunState;
import dokkumigrate.run.TaskLocks;
import dokkumigrate.run.TaskRun;
import dokkumigrate.testsupport.TestImages;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many callers for one deploy (Dokku fires pre-deploy again, or several hooks race): the work done
 * before the tasks (the boot-migration scan) runs once, by the caller that runs them, and the others
 * return the recorded result without taking the lock once the tasks have ended.
 */
class DeployTasksConcurrentCallersTest {
    private static final Settings DEFAULTS = new Settings(true, Duration.ofSeconds(60), "",
            Settings.ScaledMigrations.WARN, 1024, 1000);
    private static final Plan RELEASE_ONLY = Plan.of(new Task(Phase.RELEASE, "true"));

    @TempDir
    Path dir;

    private SqliteLedger ledger;
    private FileTaskLocks locks;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private DeployTasks release;
    private final AtomicInteger scans = new AtomicInteger();

    @BeforeAll
    static void docker() {
        TestImages.assumeDocker();
    }

    @BeforeEach
    void setUp() {
        ledger = SqliteLedger.open(dir.resolve("ledger.db"), Duration.ofSeconds(5));
        locks = new FileTaskLocks(dir.resolve("locks"));
        release = new DeployTasks(ledger, new DockerTaskRunner("docker", new ProcessRunner()), locks,
                new FakeDokku(TestImages.busybox()), new RunLogFiles(dir.resolve("logs")),
                new Console(out, err, false), ProcessIdentity.current("test-host"), new InFlight(), TaskEnded.NONE);
    }

    @AfterEach
    void tearDown() {
        ledger.close();
    }

    @Test
    void theWorkBeforeTheTasksRunsOnceWithTheTasksAndNotForALaterCaller() {
        Deploy deploy = record(1);

        assertEquals(DeployTasks.Result.PROCEED, release.run(deploy, image(), DEFAULTS, scans::incrementAndGet));
        assertEquals(DeployTasks.Result.PROCEED, release.run(deploy, image(), DEFAULTS, scans::incrementAndGet));

        assertEquals(1, scans.get());
        assertEquals(1, ledger.runsOf(deploy.id()).size());
    }

    @Test
    void aCallerForADeployWhoseTasksEndedReturnsTheirResultWithoutTheLock() {
        Deploy deploy = record(2);
        finishRelease(deploy, RunState.FAILED, 3);

        try (TaskLocks.Held held = locks.acquire(DeployTasks.LockChooser.GROUP_OR_APP.choose("app", DEFAULTS).key(), Duration.ofSeconds(1), Duration.ofSeconds(15),
                () -> { })) {
            assertEquals(DeployTasks.Result.ABORT, release.run(deploy, image(), DEFAULTS, scans::incrementAndGet));
        }

        assertEquals(0, scans.get());
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("already ran for this deploy and ended failed"),
                err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aCallerWaitingForTheLockReturnsWhenTheHolderHasRunTheTasks() throws Exception {
        Deploy deploy = record(3);
        CompletableFuture<DeployTasks.Result> waiting;
        try (TaskLocks.Held held = locks.acquire(DeployTasks.LockChooser.GROUP_OR_APP.choose("app", DEFAULTS).key(), Duration.ofSeconds(1), Duration.ofSeconds(15),
                () -> { })) {
            waiting = CompletableFuture.supplyAsync(() -> release.run(deploy, image(), DEFAULTS, scans::incrementAndGet));
            awaitOutput("Waiting for the app.app lock", waiting);
            // the holder (this test) runs the task while the caller waits
            finishRelease(deploy, RunState.SUCCEEDED, 0);
            assertEquals(DeployTasks.Result.PROCEED, waiting.get(10, TimeUnit.SECONDS));
        }

        assertEquals(0, scans.get());
        assertEquals(1, ledger.runsOf(deploy.id()).size());
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("already ran for this deploy (run #"),
                out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aFailureBeforeTheTasksStopsTheDeployWithNothingRun() {
        Deploy deploy = record(4);

        DeployFailure failure = assertThrows(DeployFailure.class, () -> release.run(deploy, image(), DEFAULTS, () -> {
            throw new DeployFailure("a process that runs more than once migrates at boot");
        }));

        assertEquals("a process that runs more than once migrates at boot", failure.getMessage());
        assertEquals(0, ledger.runsOf(deploy.id()).size());
        assertFalse(locks.isHeld(DeployTasks.LockChooser.GROUP_OR_APP.choose("app", DEFAULTS).key()));
    }

    /** Waits until the caller has printed TEXT (it is then waiting for the lock), or has returned. */
    private void awaitOutput(String text, CompletableFuture<?> caller) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!out.toString(StandardCharsets.UTF_8).contains(text)) {
            if (caller.isDone() || System.nanoTime() > deadline) {
                fail("the caller did not wait for the lock: " + out.toString(StandardCharsets.UTF_8));
            }
            Thread.onSpinWait();
            TimeUnit.MILLISECONDS.sleep(5);
        }
    }

    private Deploy record(long pid) {
        return ledger.recordPlan("app", new DeployKey(pid, "x"), Deploy.Origin.EXTRACTED, "", "", RELEASE_ONLY);
    }

    /** What another helper holding the lock records when it has run the release task. */
    private void finishRelease(Deploy deploy, RunState state, int exitCode) {
        TaskRun claimed = ledger.claim(deploy.id(), Phase.RELEASE, new Ledger.RunClaim("dokku/app:latest", "sha256:1",
                "other-host", 4242, Instant.now()));
        ledger.finish(claimed.id(), new RunOutcome(state, Optional.of(exitCode), new byte[0], 0, ""), Instant.now());
    }

    /** The image the release runs in: the one the stand-in Dokku names. */
    private AppImage image() {
        return new AppImage(TestImages.busybox());
    }
}
