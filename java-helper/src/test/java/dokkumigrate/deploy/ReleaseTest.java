package dokkumigrate.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dokkumigrate.adapters.docker.DockerTaskRunner;
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
import dokkumigrate.run.RunState;
import dokkumigrate.run.TaskRun;
import dokkumigrate.testsupport.TestImages;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The release use case against the real Docker engine and a real ledger file. */
class ReleaseTest {
    private static final Settings DEFAULTS = new Settings(true, Duration.ofSeconds(60), "",
            Settings.ScaledMigrations.WARN, 1024, 1000);

    @TempDir
    Path dir;

    private SqliteLedger ledger;
    private FakeDokku dokku;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private Release release;
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
        release = new Release(ledger, new DockerTaskRunner("docker", new ProcessRunner()),
                new FileTaskLocks(dir.resolve("locks")), dokku, new RunLogs(dir.resolve("logs")),
                new Console(out, err, false), Helper.current("test-host"), new InFlight());
    }

    @AfterEach
    void tearDown() {
        ledger.close();
    }

    @Test
    void runsEachTaskOnceAndASecondCallReturnsTheRecordedResult() throws Exception {
        Deploy deploy = ledger.recordPlan("app", new DeployKey(100, "x"), Deploy.Origin.EXTRACTED, "",
                Plan.of(new Task(Phase.RELEASE, "echo release >> /marks/count; echo released"),
                        new Task(Phase.PREDEPLOY, "echo predeploy >> /marks/count")));

        assertEquals(Release.Result.PROCEED, release.run(deploy, image(), DEFAULTS));
        assertEquals(Release.Result.PROCEED, release.run(deploy, image(), DEFAULTS));

        assertEquals(List.of("predeploy", "release"), Files.readAllLines(marks.resolve("count")));
        List<TaskRun> runs = ledger.runsOf(deploy.id());
        assertEquals(2, runs.size());
        assertTrue(runs.stream().allMatch(r -> r.state() == RunState.SUCCEEDED));
        assertEquals(Phase.PREDEPLOY, runs.get(0).phase());
        String shown = out.toString(StandardCharsets.UTF_8);
        assertTrue(shown.contains("       released"), shown);
        assertTrue(shown.contains("already ran for this deploy"), shown);
        TaskRun releaseRun = runs.get(1);
        assertEquals("released\n", Files.readString(dir.resolve("logs/app").resolve(releaseRun.logPath())).lines()
                .filter(l -> l.equals("released")).findFirst().orElse("") + "\n");
        assertEquals(2, dokku.createdContainers.size());
    }

    @Test
    void aFailingTaskAbortsAndKeepsItsOutput() {
        Deploy deploy = ledger.recordPlan("app", new DeployKey(101, "x"), Deploy.Origin.EXTRACTED, "",
                Plan.of(new Task(Phase.RELEASE, "echo boom; exit 3")));

        assertEquals(Release.Result.ABORT, release.run(deploy, image(), DEFAULTS));
        assertEquals(Release.Result.ABORT, release.run(deploy, image(), DEFAULTS));

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
        Deploy deploy = ledger.recordPlan("app", new DeployKey(102, "x"), Deploy.Origin.EXTRACTED, "",
                Plan.of(new Task(Phase.RELEASE, "sleep 600")));
        Settings shortTimeout = new Settings(true, Duration.ofSeconds(2), "", Settings.ScaledMigrations.WARN, 1024, 1000);

        assertEquals(Release.Result.ABORT, release.run(deploy, image(), shortTimeout));

        TaskRun run = ledger.runsOf(deploy.id()).get(0);
        assertEquals(RunState.TIMED_OUT, run.state());
        assertTrue(run.duration().orElseThrow().compareTo(Duration.ofSeconds(30)) < 0);
        assertFalse(TestImages.containerExists(run.containerId()), "the container is removed");
    }

    @Test
    void aReleaseWithoutABuildRunsTheStandingPlanOnceMore() {
        Deploy built = ledger.recordPlan("app", new DeployKey(103, "x"), Deploy.Origin.EXTRACTED, "",
                Plan.of(new Task(Phase.RELEASE, "echo run >> /marks/count")));
        assertEquals(Release.Result.PROCEED, release.run(built, image(), DEFAULTS));

        Deploy configChange = release.deployFor("app", new DeployKey(104, "x"), "").orElseThrow();

        assertEquals(Deploy.Origin.STANDING, configChange.origin());
        assertEquals(Release.Result.PROCEED, release.run(configChange, image(), DEFAULTS));
        assertEquals(Release.Result.PROCEED, release.run(configChange, image(), DEFAULTS));
        assertEquals(2, ledger.runsOf(built.id()).size() + ledger.runsOf(configChange.id()).size());
    }

    @Test
    void aRunWhoseEndCannotBeRecordedStopsTheDeployAndStaysRunningForTheNextCall() {
        Deploy deploy = ledger.recordPlan("app", new DeployKey(107, "x"), Deploy.Origin.EXTRACTED, "",
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
        Release starved = new Release(full, new DockerTaskRunner("docker", new ProcessRunner()),
                new FileTaskLocks(dir.resolve("locks")), dokku, new RunLogs(dir.resolve("logs")),
                new Console(out, err, false), Helper.current("test-host"), new InFlight());

        DeployFailure failure = assertThrows(DeployFailure.class, () -> starved.run(deploy, image(), DEFAULTS));

        TaskRun run = ledger.runsOf(deploy.id()).get(0);
        assertTrue(failure.getMessage().startsWith("The release task of app ended (succeeded) but the ledger could not "
                + "record it: The disk holding the ledger is full, so could not finish"), failure.getMessage());
        assertTrue(failure.getMessage().contains("Run #" + run.id() + " stays recorded as running"), failure.getMessage());
        assertEquals(1, failure.getSuppressed().length, "the lock-holder failure is kept, not thrown instead");
        assertEquals(RunState.RUNNING, run.state());
        assertEquals(Release.Result.PROCEED, release.run(ledger.recordPlan("app", new DeployKey(108, "x"),
                Deploy.Origin.EXTRACTED, "", Plan.of(new Task(Phase.RELEASE, "echo ran >> /marks/count"))), image(), DEFAULTS));
        assertEquals(RunState.INTERRUPTED, ledger.findRun(run.id()).orElseThrow().state());
    }

    @Test
    void anAppWithNoPlanHasNothingToRun() {
        assertTrue(release.deployFor("fresh", new DeployKey(105, "x"), "").isEmpty());
    }

    @Test
    void configValuesReachTheTaskButNotTheLedgerOrTheOutput() throws Exception {
        dokku.config.put("SECRET_TOKEN", "s3cr3t-value");
        Deploy deploy = ledger.recordPlan("app", new DeployKey(106, "x"), Deploy.Origin.EXTRACTED, "",
                Plan.of(new Task(Phase.RELEASE, "printf %s \"$SECRET_TOKEN\" > /marks/secret")));

        assertEquals(Release.Result.PROCEED, release.run(deploy, image(), DEFAULTS));

        assertEquals("s3cr3t-value", Files.readString(marks.resolve("secret")));
        assertFalse(out.toString(StandardCharsets.UTF_8).contains("s3cr3t-value"));
        assertFalse(Files.readString(dir.resolve("ledger.db"), StandardCharsets.ISO_8859_1).contains("s3cr3t-value"));
    }

    /** The image the release runs in: the one the stand-in Dokku names. */
    private AppImage image() {
        return dokku.appImage("app", "latest");
    }
}
