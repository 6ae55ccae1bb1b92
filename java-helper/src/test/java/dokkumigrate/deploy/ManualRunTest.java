package dokkumigrate.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dokkumigrate.adapters.docker.DockerTaskRunner;
import dokkumigrate.adapters.files.RunLogFiles;
import dokkumigrate.adapters.lock.FileTaskLocks;
import dokkumigrate.adapters.process.ProcessRunner;
import dokkumigrate.adapters.sqlite.SqliteLedger;
import dokkumigrate.ledger.Deploy;
import dokkumigrate.ledger.DeployKey;
import dokkumigrate.ledger.LockHolder;
import dokkumigrate.output.Console;
import dokkumigrate.plan.Phase;
import dokkumigrate.plan.Plan;
import dokkumigrate.plan.Task;
import dokkumigrate.platform.Settings;
import dokkumigrate.run.RunState;
import dokkumigrate.run.TaskLocks;
import dokkumigrate.run.TaskRun;
import dokkumigrate.testsupport.TestImages;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** migrate:run's use case against the real Docker engine, a real ledger file and Dokku's triggers faked. */
class ManualRunTest {
    private static final Settings DEFAULTS = new Settings(true, Duration.ofSeconds(60), "",
            Settings.ScaledMigrations.WARN, 1024, 1000);

    @TempDir
    Path dir;

    private SqliteLedger ledger;
    private FakeDokku dokku;
    private FileTaskLocks locks;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private ManualRun manual;
    private Path marks;
    private String image;

    @BeforeAll
    static void docker() {
        TestImages.assumeDocker();
    }

    @BeforeEach
    void setUp() throws Exception {
        ledger = SqliteLedger.open(dir.resolve("ledger.db"), Duration.ofSeconds(5));
        // a copy: a predeploy task commits into the image it ran in
        image = TestImages.copyOf(TestImages.busybox(), "dokku-migrate-test/manual-run");
        dokku = new FakeDokku(image);
        marks = Files.createDirectories(dir.resolve("marks"));
        dokku.extraDockerArgs.add("-v");
        dokku.extraDockerArgs.add(marks + ":/marks");
        DockerTaskRunner runner = new DockerTaskRunner("docker", new ProcessRunner());
        locks = new FileTaskLocks(dir.resolve("locks"));
        DeployTasks release = new DeployTasks(ledger, runner, locks, dokku, new RunLogFiles(dir.resolve("logs")),
                new Console(out, err, false), ProcessIdentity.current("test-host"), new InFlight(), TaskEnded.NONE);
        manual = new ManualRun(ledger, runner, dokku, release);
    }

    @AfterEach
    void tearDown() {
        ledger.close();
        if (image != null) {
            TestImages.removeImage(image);
        }
    }

    private Deploy build(Plan plan) {
        return ledger.recordPlan("app", new DeployKey(200, "x"), Deploy.Origin.EXTRACTED, "", "", plan);
    }

    @Test
    void theStandingTasksRunAgainAsAManualDeployOfThisInvocation() throws Exception {
        Deploy built = build(Plan.of(new Task(Phase.RELEASE, "echo release >> /marks/count"),
                new Task(Phase.PREDEPLOY, "echo predeploy >> /marks/count")));

        Deploy first = manual.prepare("app", Optional.empty(), new DeployKey(201, "x"), DEFAULTS);
        assertTrue(manual.run(first, DEFAULTS));
        Deploy second = manual.prepare("app", Optional.empty(), new DeployKey(202, "x"), DEFAULTS);
        assertTrue(manual.run(second, DEFAULTS));

        assertEquals(List.of("predeploy", "release", "predeploy", "release"), Files.readAllLines(marks.resolve("count")));
        assertEquals(Deploy.Origin.MANUAL, first.origin());
        assertEquals("migrate:run, tasks of deploy #" + built.id(), first.trigger());
        assertEquals(new DeployKey(201, "x"), first.key());
        assertNotEquals(first.id(), second.id());
        assertEquals(List.of(RunState.SUCCEEDED, RunState.SUCCEEDED),
                ledger.runsOf(first.id()).stream().map(TaskRun::state).toList());
        assertEquals(built.id(), ledger.latestExtracted("app").orElseThrow().id(), "the standing plan stays the build's");
    }

    @Test
    void aPhaseRunsOnlyThatTask() throws Exception {
        build(Plan.of(new Task(Phase.RELEASE, "echo release >> /marks/count"),
                new Task(Phase.PREDEPLOY, "echo predeploy >> /marks/count")));

        Deploy deploy = manual.prepare("app", Optional.of(Phase.RELEASE), new DeployKey(203, "x"), DEFAULTS);

        assertTrue(manual.run(deploy, DEFAULTS));
        assertEquals(List.of("release"), Files.readAllLines(marks.resolve("count")));
        assertEquals(Plan.of(new Task(Phase.RELEASE, "echo release >> /marks/count")), ledger.planOf(deploy.id()));
        assertEquals("migrate:run --phase release, tasks of deploy #" + ledger.latestExtracted("app").orElseThrow().id(),
                deploy.trigger());
    }

    @Test
    void aPredeployRunCommitsIntoTheDeployedImageAsAtDeployTime() {
        build(Plan.of(new Task(Phase.PREDEPLOY, "echo compiled > /compiled-assets")));
        String before = TestImages.dockerOk("image", "inspect", "--format", "{{.Id}}", image);

        Deploy deploy = manual.prepare("app", Optional.of(Phase.PREDEPLOY), new DeployKey(204, "x"), DEFAULTS);

        assertTrue(manual.run(deploy, DEFAULTS));
        assertNotEquals(before, TestImages.dockerOk("image", "inspect", "--format", "{{.Id}}", image));
        assertEquals("compiled", TestImages.dockerOk("run", "--rm", image, "cat", "/compiled-assets"));
    }

    @Test
    void aFailingTaskReportsAManualRunNotAStoppedDeploy() {
        build(Plan.of(new Task(Phase.RELEASE, "echo boom; exit 3")));

        Deploy deploy = manual.prepare("app", Optional.empty(), new DeployKey(205, "x"), DEFAULTS);

        assertFalse(manual.run(deploy, DEFAULTS));
        TaskRun run = ledger.runsOf(deploy.id()).get(0);
        assertEquals(RunState.FAILED, run.state());
        String errors = err.toString(StandardCharsets.UTF_8);
        assertTrue(errors.contains(" !     Nothing was deployed, restarted or stopped. Fix the task and run it again with\n"
                + " !     dokku migrate:run app --phase release; full output: dokku migrate:logs app " + run.id()), errors);
        assertFalse(errors.contains("The deploy was stopped"), errors);
    }

    @Test
    void aManualRunWaitsForTheLockLikeADeploy() throws Exception {
        build(Plan.of(new Task(Phase.RELEASE, "echo release >> /marks/count")));
        Deploy deploy = manual.prepare("app", Optional.empty(), new DeployKey(206, "x"), DEFAULTS);
        CompletableFuture<Boolean> running;
        try (TaskLocks.Held held = locks.acquire("app.app", Duration.ZERO, Duration.ofSeconds(1), () -> { })) {
            ledger.recordLockHolder(new LockHolder("app.app", "app", 1, 4242, "test-host", java.time.Instant.now()));
            running = CompletableFuture.supplyAsync(() -> manual.run(deploy, DEFAULTS));
            waitUntil(() -> out.toString(StandardCharsets.UTF_8).contains("Waiting for the app.app lock"));
            assertFalse(Files.exists(marks.resolve("count")), "nothing runs while the lock is held");
        }
        assertTrue(running.get(60, TimeUnit.SECONDS));
        assertEquals(List.of("release"), Files.readAllLines(marks.resolve("count")));
    }

    @Test
    void nothingIsRecordedWhenThereIsNoImageToRunIn() {
        build(Plan.of(new Task(Phase.RELEASE, "true")));
        TestImages.removeImage(image);
        String missing = image;
        image = null;

        Refused refused = assertThrows(Refused.class,
                () -> manual.prepare("app", Optional.empty(), new DeployKey(207, "x"), DEFAULTS));

        assertEquals("app has no deployed image (" + missing + " does not exist), so there is nothing to run its tasks "
                + "in. Deploy it first (git push, or dokku ps:rebuild app)", refused.getMessage());
        assertEquals(1, ledger.deploys("app", 10).size());
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 30 s");
            }
            Thread.sleep(20);
        }
    }
}
