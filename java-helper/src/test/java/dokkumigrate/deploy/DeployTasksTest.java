package dokkumigrate.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dokkumigrate.adapters.docker.DockerTaskRunner;
import dokkumigrate.adapters.dokku.PropertyFileStore;
import dokkumigrate.adapters.files.RunLogFiles;
import dokkumigrate.adapters.http.JdkWebhookSender;
import dokkumigrate.adapters.lock.FileTaskLocks;
import dokkumigrate.adapters.process.ProcessRunner;
import dokkumigrate.adapters.sqlite.SqliteLedger;
import dokkumigrate.ledger.Deploy;
import dokkumigrate.ledger.DeployKey;
import dokkumigrate.ledger.Ledger;
import dokkumigrate.notify.WebhookDelivery;
import dokkumigrate.output.Console;
import dokkumigrate.plan.Phase;
import dokkumigrate.plan.Plan;
import dokkumigrate.plan.Task;
import dokkumigrate.platform.AppImage;
import dokkumigrate.platform.Settings;
import dokkumigrate.run.RunState;
import dokkumigrate.run.TaskRun;
import dokkumigrate.testsupport.Receiver;
import dokkumigrate.testsupport.TestImages;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The release use case against the real Docker engine and a real ledger file. */
class DeployTasksTest {
    private static final Settings DEFAULTS = new Settings(true, Duration.ofSeconds(60), "",
            Settings.ScaledMigrations.WARN, 1024, 1000);

    @TempDir
    Path dir;

    private SqliteLedger ledger;
    private FakeDokku dokku;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private DeployTasks release;
    private Path marks;

    @BeforeAll
    static void docker() {
        TestImages.assumeDocker();
    }

    @BeforeEach
    void setUp() throws Exception {
        ledger = SqliteLedger.open(dir.resolve("ledger.db"), Duration.ofSeconds(5));
        dokku = new FakeDokku(TestImages.busybox());
        marks = Files.createDirectories(dir.resolve("marks"));
        dokku.extraDockerArgs.add("-v");
        dokku.extraDockerArgs.add(marks + ":/marks");
        release = new DeployTasks(ledger, new DockerTaskRunner("docker", new ProcessRunner()),
                new FileTaskLocks(dir.resolve("locks")), dokku, new RunLogFiles(dir.resolve("logs")),
                new Console(out, err, false), ProcessIdentity.current("test-host"), new InFlight(), TaskEnded.NONE);
    }

    @AfterEach
    void tearDown() {
        ledger.close();
    }

    @Test
    void runsEachTaskOnceAndASecondCallReturnsTheRecordedResult() throws Exception {
        Deploy deploy = ledger.recordPlan("app", new DeployKey(100, "x"), Deploy.Origin.EXTRACTED, "", "",
                Plan.of(new Task(Phase.RELEASE, "echo release >> /marks/count; echo released"),
                        new Task(Phase.PREDEPLOY, "echo predeploy >> /marks/count")));

        assertEquals(DeployTasks.Result.PROCEED, release.run(deploy, image(), DEFAULTS));
        assertEquals(DeployTasks.Result.PROCEED, release.run(deploy, image(), DEFAULTS));

        assertEquals(List.of("predeploy", "release"), Files.readAllLines(marks.resolve("count")));
        List<TaskRun> runs = ledger.runsOf(deploy.id());
        assertEquals(2, runs.size());
        assertTrue(runs.stream().allMatch(r -> r.state() == RunState.SUCCEEDED));
        assertEquals(Phase.PREDEPLOY, runs.get(0).phase());
        String shown = out.toString(StandardCharsets.UTF_8);
        assertTrue(shown.contains("       released"), shown);
        assertTrue(shown.contains("already ran for this deploy"), shown);
        TaskRun releaseRun = runs.get(1);
        List<String> releaseLog = Files.readAllLines(dir.resolve("logs/app").resolve(releaseRun.logFile()));
        assertTrue(releaseLog.contains("released"), "the release task's output is in its log file: " + releaseLog);
        assertEquals(2, dokku.createdContainers.size());
    }

    @Test
    void aFailingTaskAbortsAndKeepsItsOutput() {
        Deploy deploy = ledger.recordPlan("app", new DeployKey(101, "x"), Deploy.Origin.EXTRACTED, "", "",
                Plan.of(new Task(Phase.RELEASE, "echo boom; exit 3")));

        assertEquals(DeployTasks.Result.ABORT, release.run(deploy, image(), DEFAULTS));
        assertEquals(DeployTasks.Result.ABORT, release.run(deploy, image(), DEFAULTS));

        List<TaskRun> runs = ledger.runsOf(deploy.id());
        assertEquals(1, runs.size(), "the failed task is not run again for the same deploy");
        assertEquals(RunState.FAILED, runs.get(0).state());
        assertEquals(3, runs.get(0).exitCode().orElseThrow());
        assertEquals("boom\n", new String(ledger.outputTail(runs.get(0).id()), StandardCharsets.UTF_8));
        String errors = err.toString(StandardCharsets.UTF_8);
        assertTrue(errors.contains(" !     Execution of release task failed for app: echo boom; exit 3"), errors);
        assertTrue(errors.contains("dokku migrate:logs app " + runs.get(0).id()), errors);
    }

    @Test
    void aTaskPastItsTimeoutIsKilledAndRecordedTimedOut() {
        Deploy deploy = ledger.recordPlan("app", new DeployKey(102, "x"), Deploy.Origin.EXTRACTED, "", "",
                Plan.of(new Task(Phase.RELEASE, "sleep 600")));
        Settings shortTimeout = new Settings(true, Duration.ofSeconds(2), "", Settings.ScaledMigrations.WARN, 1024, 1000);

        assertEquals(DeployTasks.Result.ABORT, release.run(deploy, image(), shortTimeout));

        TaskRun run = ledger.runsOf(deploy.id()).get(0);
        assertEquals(RunState.TIMED_OUT, run.state());
        assertTrue(run.duration().orElseThrow().compareTo(Duration.ofSeconds(30)) < 0);
        assertFalse(TestImages.containerExists(run.containerId()), "the container is removed");
    }

    @Test
    void aReleaseWithoutABuildRunsTheStandingPlanOnceMore() {
        Deploy built = ledger.recordPlan("app", new DeployKey(103, "x"), Deploy.Origin.EXTRACTED, "", "",
                Plan.of(new Task(Phase.RELEASE, "echo run >> /marks/count")));
        assertEquals(DeployTasks.Result.PROCEED, release.run(built, image(), DEFAULTS));

        Deploy configChange = release.deployFor("app", new DeployKey(104, "x"), "").orElseThrow();

        assertEquals(Deploy.Origin.STANDING, configChange.origin());
        assertEquals(DeployTasks.Result.PROCEED, release.run(configChange, image(), DEFAULTS));
        assertEquals(DeployTasks.Result.PROCEED, release.run(configChange, image(), DEFAULTS));
        assertEquals(2, ledger.runsOf(built.id()).size() + ledger.runsOf(configChange.id()).size());
    }

    @Test
    void aRunWhoseEndCannotBeRecordedStopsTheDeployAndStaysRunningForTheNextCall() {
        Deploy deploy = ledger.recordPlan("app", new DeployKey(107, "x"), Deploy.Origin.EXTRACTED, "", "",
                Plan.of(new Task(Phase.RELEASE, "echo ran >> /marks/count")));
        // a ledger whose disk fills while the task runs: the end of the run and everything after fail
        Ledger full = (Ledger) Proxy.newProxyInstance(Ledger.class.getClassLoader(), new Class<?>[] {Ledger.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("finish") || method.getName().equals("clearLockHolder")) {
                        throw new Ledger.LedgerException("The disk holding the ledger is full, so could not "
                                + method.getName());
                    }
                    try {
                        return method.invoke(ledger, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        DeployTasks starved = new DeployTasks(full, new DockerTaskRunner("docker", new ProcessRunner()),
                new FileTaskLocks(dir.resolve("locks")), dokku, new RunLogFiles(dir.resolve("logs")),
                new Console(out, err, false), ProcessIdentity.current("test-host"), new InFlight(), TaskEnded.NONE);

        DeployFailure failure = assertThrows(DeployFailure.class, () -> starved.run(deploy, image(), DEFAULTS));

        TaskRun run = ledger.runsOf(deploy.id()).get(0);
        assertTrue(failure.getMessage().startsWith("The release task of app ended (succeeded) but the ledger could not "
                + "record it: The disk holding the ledger is full, so could not finish"), failure.getMessage());
        assertTrue(failure.getMessage().contains("Run #" + run.id() + " stays recorded as running"), failure.getMessage());
        assertEquals(1, failure.getSuppressed().length, "the lock-holder failure is kept, not thrown instead");
        assertEquals(RunState.RUNNING, run.state());
        assertEquals(DeployTasks.Result.PROCEED, release.run(ledger.recordPlan("app", new DeployKey(108, "x"),
                Deploy.Origin.EXTRACTED, "", "", Plan.of(new Task(Phase.RELEASE, "echo ran >> /marks/count"))), image(), DEFAULTS));
        assertEquals(RunState.INTERRUPTED, ledger.findRun(run.id()).orElseThrow().state());
    }

    @Test
    void anAppWithNoPlanHasNothingToRun() {
        assertTrue(release.deployFor("fresh", new DeployKey(105, "x"), "").isEmpty());
    }

    @Test
    void configValuesReachTheTaskButNotTheLedgerOrTheOutput() throws Exception {
        dokku.config.put("SECRET_TOKEN", "s3cr3t-value");
        Deploy deploy = ledger.recordPlan("app", new DeployKey(106, "x"), Deploy.Origin.EXTRACTED, "", "",
                Plan.of(new Task(Phase.RELEASE, "printf %s \"$SECRET_TOKEN\" > /marks/secret")));

        assertEquals(DeployTasks.Result.PROCEED, release.run(deploy, image(), DEFAULTS));

        assertEquals("s3cr3t-value", Files.readString(marks.resolve("secret")));
        assertFalse(out.toString(StandardCharsets.UTF_8).contains("s3cr3t-value"));
        // every file the ledger and the logs wrote: ledger.db, and its -wal, where recent writes stay
        StringBuilder written = new StringBuilder();
        try (var files = Files.walk(dir)) {
            for (Path file : files.filter(Files::isRegularFile).filter(f -> !f.startsWith(marks)).toList()) {
                written.append(Files.readString(file, StandardCharsets.ISO_8859_1));
            }
        }
        assertTrue(written.toString().contains("printf %s \"$SECRET_TOKEN\""), "the run's record was not found in the files read");
        assertFalse(written.toString().contains("s3cr3t-value"));
    }

    @Test
    void everyRunIsToldOfOnceItsEndIsRecordedAndAnUndeliveredNoticeChangesNoOutcome() {
        Deploy deploy = ledger.recordPlan("app", new DeployKey(109, "x"), Deploy.Origin.EXTRACTED, "", "",
                Plan.of(new Task(Phase.PREDEPLOY, "echo prepared"), new Task(Phase.RELEASE, "echo TOKEN=$TOKEN; exit 4")));
        dokku.config.put("TOKEN", "t0k3n-value");
        try (Receiver receiver = Receiver.answering(500)) {
            PropertyFileStore properties = new PropertyFileStore(dir.resolve("config"));
            new SettingsUpdate(properties).apply(Optional.of("app"), "notify-url", receiver.url("/hook"));
            new SettingsUpdate(properties).apply(Optional.of("app"), "notify-on", "always");
            List<String> recordedWhenTold = new ArrayList<>();
            TaskEndNotice notice = new TaskEndNotice(properties, ledger, dokku, new Console(out, err, false),
                    new WebhookDelivery(new JdkWebhookSender()), Clock.systemUTC());
            DeployTasks told = new DeployTasks(ledger, new DockerTaskRunner("docker", new ProcessRunner()),
                    new FileTaskLocks(dir.resolve("locks")), dokku, new RunLogFiles(dir.resolve("logs")),
                    new Console(out, err, false), ProcessIdentity.current("test-host"), new InFlight(), (d, run, output) -> {
                        recordedWhenTold.add(ledger.findRun(run.id()).orElseThrow().state().label());
                        notice.ended(d, run, output);
                    });

            assertEquals(DeployTasks.Result.ABORT, told.run(deploy, image(), DEFAULTS));

            assertEquals(List.of("succeeded", "failed"), recordedWhenTold, "told after the end was recorded");
            List<TaskRun> runs = ledger.runsOf(deploy.id());
            assertEquals(List.of("app predeploy succeeded " + runs.get(0).id(), "app release failed " + runs.get(1).id()),
                    dokku.postMigrateTasks);
            // each notice: 3 attempts answered 500, recorded, the deploy's outcome the task's own
            assertEquals(6, receiver.requests().size());
            for (TaskRun run : runs) {
                assertEquals(3, ledger.notification(run.id()).orElseThrow().attempts());
                assertFalse(ledger.notification(run.id()).orElseThrow().delivered());
            }
            JsonNode failed = receiver.requests().get(3).json();
            assertEquals("failed", failed.get("state").asText());
            assertEquals(4, failed.get("exit_code").asInt());
            assertEquals("TOKEN=[masked]", failed.get("output_tail").asText());
            assertTrue(err.toString(StandardCharsets.UTF_8).contains(" !     Execution of release task failed for app"));
        }
    }

    @Test
    void aRunLeftRunningByADeadHelperIsToldOfWhenItIsMarkedInterrupted() {
        Deploy deploy = ledger.recordPlan("app", new DeployKey(110, "x"), Deploy.Origin.EXTRACTED, "", "",
                Plan.of(new Task(Phase.RELEASE, "true")));
        TaskRun stale = ledger.claim(deploy.id(), Phase.RELEASE, new Ledger.RunClaim(TestImages.busybox(), "sha256:x",
                "test-host", 999_999_999L, java.time.Instant.now()));
        List<String> told = new ArrayList<>();
        DeployTasks release = new DeployTasks(ledger, new DockerTaskRunner("docker", new ProcessRunner()),
                new FileTaskLocks(dir.resolve("locks")), dokku, new RunLogFiles(dir.resolve("logs")),
                new Console(out, err, false), ProcessIdentity.current("test-host"), new InFlight(),
                (d, run, output) -> told.add(run.id() + " " + run.state().label()));

        assertEquals(DeployTasks.Result.PROCEED, release.run(deploy, image(), DEFAULTS));

        TaskRun rerun = ledger.runsOf(deploy.id()).get(1);
        assertEquals(List.of(stale.id() + " interrupted", rerun.id() + " succeeded"), told);
    }

    @Test
    void onlyRunsWhoseHelperIsGoneAreMarkedInterrupted() throws Exception {
        Deploy earlier = ledger.recordPlan("app", new DeployKey(112, "x"), Deploy.Origin.EXTRACTED, "", "",
                Plan.of(new Task(Phase.RELEASE, "true"), new Task(Phase.PREDEPLOY, "true")));
        Process liveHelper = new ProcessBuilder("sleep", "600").start();
        try {
            TaskRun alive = ledger.claim(earlier.id(), Phase.RELEASE, new Ledger.RunClaim(TestImages.busybox(),
                    "sha256:x", "test-host", liveHelper.pid(), java.time.Instant.now()));
            TaskRun dead = ledger.claim(earlier.id(), Phase.PREDEPLOY, new Ledger.RunClaim(TestImages.busybox(),
                    "sha256:x", "test-host", 999_999_999L, java.time.Instant.now()));
            Deploy deploy = ledger.recordPlan("app", new DeployKey(113, "x"), Deploy.Origin.EXTRACTED, "", "",
                    Plan.of(new Task(Phase.RELEASE, "true")));

            assertEquals(DeployTasks.Result.PROCEED, release.run(deploy, image(), DEFAULTS));

            assertEquals(RunState.RUNNING, ledger.findRun(alive.id()).orElseThrow().state());
            assertEquals(RunState.INTERRUPTED, ledger.findRun(dead.id()).orElseThrow().state());
            String errors = err.toString(StandardCharsets.UTF_8);
            assertTrue(errors.contains("Run #" + alive.id() + " (release) of app is still running in helper "
                    + liveHelper.pid() + " on test-host; left as it is."), errors);
            assertTrue(errors.contains("Run #" + dead.id() + " (predeploy) of app was interrupted"), errors);
            // the deploy whose task the live helper still runs does not run it a second time
            assertEquals(DeployTasks.Result.ABORT, release.run(earlier, image(), DEFAULTS));
            assertEquals(RunState.RUNNING, ledger.findRun(alive.id()).orElseThrow().state());
            String refused = err.toString(StandardCharsets.UTF_8);
            assertTrue(refused.contains("The release task of app is still running for this deploy in helper "
                    + liveHelper.pid() + " on test-host (run #" + alive.id() + ")"), refused);
        } finally {
            liveHelper.destroyForcibly().waitFor();
        }
    }

    @Test
    void aRunStoppedByASignalKeepsTheSignalsReasonWhenItsEndIsRecorded() throws Exception {
        Deploy deploy = ledger.recordPlan("app", new DeployKey(111, "x"), Deploy.Origin.EXTRACTED, "", "",
                Plan.of(new Task(Phase.RELEASE, "echo started; touch /marks/started; sleep 300")));
        InFlight inFlight = new InFlight();
        List<String> told = new ArrayList<>();
        DeployTasks release = new DeployTasks(ledger, new DockerTaskRunner("docker", new ProcessRunner()),
                new FileTaskLocks(dir.resolve("locks")), dokku, new RunLogFiles(dir.resolve("logs")),
                new Console(out, err, false), ProcessIdentity.current("test-host"), inFlight,
                (d, run, output) -> told.add(run.state().label() + ": " + run.detail()));
        java.util.concurrent.CompletableFuture<DeployTasks.Result> running =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> release.run(deploy, image(), DEFAULTS));
        while (!Files.exists(marks.resolve("started"))) {
            assertFalse(running.isDone(), "the task ended before it was stopped: " + err);
            Thread.sleep(100);
        }

        // what the shutdown hook does on SIGTERM, SIGINT or SIGHUP
        long stopped = inFlight.interrupt(ledger, "stopped by a signal to the helper", java.time.Instant.now());

        assertEquals(DeployTasks.Result.ABORT, running.get(120, java.util.concurrent.TimeUnit.SECONDS));
        TaskRun run = ledger.runsOf(deploy.id()).get(0);
        assertEquals(run.id(), stopped);
        assertEquals(RunState.INTERRUPTED, run.state());
        assertEquals("stopped by a signal to the helper", run.detail());
        assertEquals("started\n", new String(ledger.outputTail(run.id()), StandardCharsets.UTF_8));
        assertEquals(List.of("interrupted: stopped by a signal to the helper"), told);
    }

    /** The image the release runs in: the one the stand-in Dokku names. */
    private AppImage image() {
        return dokku.appImage("app", "latest");
    }
}
