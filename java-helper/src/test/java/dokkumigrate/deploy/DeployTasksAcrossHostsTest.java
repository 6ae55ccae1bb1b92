package dokkumigrate.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dokkumigrate.adapters.docker.DockerTaskRunner;
import dokkumigrate.adapters.files.RunLogFiles;
import dokkumigrate.adapters.postgres.PostgresBackend;
import dokkumigrate.adapters.process.ProcessRunner;
import dokkumigrate.ledger.Deploy;
import dokkumigrate.ledger.DeployKey;
import dokkumigrate.ledger.Ledger;
import dokkumigrate.output.Console;
import dokkumigrate.plan.Phase;
import dokkumigrate.plan.Plan;
import dokkumigrate.plan.Task;
import dokkumigrate.platform.LedgerUrl;
import dokkumigrate.platform.Settings;
import dokkumigrate.run.RunState;
import dokkumigrate.run.TaskRun;
import dokkumigrate.testsupport.PostgresServer;
import dokkumigrate.testsupport.TestImages;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two hosts sharing one PostgreSQL ledger and lock: two {@link DeployTasks}s with their own host name,
 * ledger handle, locks, logs and console, running real task containers. The release task of a
 * revision runs once across them; predeploy runs on each; a run left running by a host that is gone
 * is marked interrupted naming it; a lock session lost before a success is recorded fails the deploy.
 */
class DeployTasksAcrossHostsTest {
    private static final Settings DEFAULTS = new Settings(true, Duration.ofSeconds(60), "",
            Settings.ScaledMigrations.WARN, 1024, 1000);
    private static final AtomicLong APPS = new AtomicLong();
    private static final Duration LONG = Duration.ofSeconds(60);
    private static PostgresServer server;
    private static LedgerUrl url;

    @TempDir
    Path dir;

    private Host hostA;
    private Host hostB;
    private Path marks;
    private String app;

    @BeforeAll
    static void startServer() {
        TestImages.assumeDocker();
        server = PostgresServer.start();
        server.sql("CREATE ROLE ledger LOGIN", "CREATE DATABASE ledger OWNER ledger");
        url = LedgerUrl.parse(server.url("ledger", "ledger")).orElseThrow();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    /** One Dokku host: its name, its own handle on the shared ledger and locks, its logs and output. */
    private final class Host implements AutoCloseable {
        final String name;
        final Ledger ledger;
        final FakeDokku dokku = new FakeDokku(TestImages.busybox());
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final DeployTasks release;

        Host(String name) {
            this.name = name;
            PostgresBackend backend = PostgresBackend.open(url, name);
            ledger = backend.ledger();
            dokku.extraDockerArgs.add("-v");
            dokku.extraDockerArgs.add(marks + ":/marks");
            release = new DeployTasks(ledger, new DockerTaskRunner("docker", new ProcessRunner()), backend.locks(), dokku,
                    new RunLogFiles(dir.resolve(name + "/logs")), new Console(out, err, false),
                    new ProcessIdentity(name, ProcessHandle.current().pid(), Clock.systemUTC()), new InFlight(), TaskEnded.NONE);
        }

        /** A build of the app on this host (post-extract recorded its plan for REV). */
        Deploy build(String revision, Plan plan) {
            return ledger.recordPlan(app, new DeployKey(APPS.incrementAndGet(), name), Deploy.Origin.EXTRACTED, "",
                    revision, plan);
        }

        DeployTasks.Result release(Deploy deploy) {
            return release.run(deploy, dokku.appImage(app, "latest"), DEFAULTS);
        }

        String output() {
            return out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
        }

        TaskRun run(Deploy deploy, Phase phase) {
            return ledger.runsOf(deploy.id()).stream().filter(r -> r.phase() == phase).reduce((a, b) -> b).orElseThrow();
        }

        @Override
        public void close() {
            ledger.close();
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        marks = Files.createDirectories(dir.resolve("marks"));
        app = "app" + APPS.incrementAndGet();
        hostA = new Host("host-a");
        hostB = new Host("host-b");
    }

    @AfterEach
    void tearDown() {
        hostA.close();
        hostB.close();
    }

    private static Plan releaseAndPredeploy() {
        return Plan.of(new Task(Phase.RELEASE, "echo release $(hostname) >> /marks/count"),
                new Task(Phase.PREDEPLOY, "echo predeploy >> /marks/count"));
    }

    private List<String> marked() throws Exception {
        Path count = marks.resolve("count");
        return Files.exists(count) ? Files.readAllLines(count) : List.of();
    }

    private long releases() throws Exception {
        return marked().stream().filter(line -> line.startsWith("release")).count();
    }

    @Test
    void theSameRevisionReleasedOnTwoHostsRunsItsReleaseOnceAndItsPredeployOnEach() throws Exception {
        Deploy onA = hostA.build("rev1", releaseAndPredeploy());
        Deploy onB = hostB.build("rev1", releaseAndPredeploy());

        assertEquals(DeployTasks.Result.PROCEED, hostA.release(onA));
        assertEquals(DeployTasks.Result.PROCEED, hostB.release(onB));

        assertEquals(1, releases(), marked().toString());
        assertEquals(2, marked().stream().filter(line -> line.equals("predeploy")).count(), marked().toString());
        TaskRun ran = hostA.run(onA, Phase.RELEASE);
        assertEquals(RunState.SUCCEEDED, ran.state());
        assertEquals("host-a", ran.host());
        TaskRun skipped = hostB.run(onB, Phase.RELEASE);
        assertEquals(RunState.SKIPPED, skipped.state());
        assertEquals("host-b", skipped.host());
        assertEquals("the release of revision rev1 already ran on host-a: run #" + ran.id() + " of deploy #" + onA.id(),
                skipped.detail());
        assertTrue(hostB.output().contains("Not running the release task of " + app + ": the release of revision rev1 "
                + "already ran on host-a"), hostB.output());
        assertEquals(RunState.SUCCEEDED, hostB.run(onB, Phase.PREDEPLOY).state());
        // what host-b recorded, host-a reads: one ledger
        assertEquals(RunState.SKIPPED, hostA.run(onB, Phase.RELEASE).state());

        // a third host finds host-b's skipped run newest: its own names host-a's run too
        try (Host hostC = new Host("host-c")) {
            Deploy onC = hostC.build("rev1", releaseAndPredeploy());
            assertEquals(DeployTasks.Result.PROCEED, hostC.release(onC));
            assertEquals(skipped.detail(), hostC.run(onC, Phase.RELEASE).detail());
        }
        assertEquals(1, releases(), marked().toString());
    }

    @Test
    void twoHostsReleasingOneRevisionAtOnceRunItOnce() throws Exception {
        Deploy onA = hostA.build("rev1", releaseAndPredeploy());
        Deploy onB = hostB.build("rev1", releaseAndPredeploy());

        CompletableFuture<DeployTasks.Result> a = CompletableFuture.supplyAsync(() -> hostA.release(onA));
        CompletableFuture<DeployTasks.Result> b = CompletableFuture.supplyAsync(() -> hostB.release(onB));

        assertEquals(DeployTasks.Result.PROCEED, a.get(LONG.toSeconds(), TimeUnit.SECONDS), hostA.output());
        assertEquals(DeployTasks.Result.PROCEED, b.get(LONG.toSeconds(), TimeUnit.SECONDS), hostB.output());
        assertEquals(1, releases(), marked().toString());
        List<RunState> states = List.of(hostA.run(onA, Phase.RELEASE).state(), hostA.run(onB, Phase.RELEASE).state());
        assertTrue(states.contains(RunState.SUCCEEDED) && states.contains(RunState.SKIPPED), states.toString());
        // predeploy ran on each host, one after the other under the shared lock
        assertEquals(2, marked().stream().filter(line -> line.equals("predeploy")).count(), marked().toString());
    }

    @Test
    void aNewRevisionAFailedReleaseElsewhereAndTheSameHostAgainRunTheReleaseAgain() throws Exception {
        Plan release = Plan.of(new Task(Phase.RELEASE, "echo release >> /marks/count"));
        assertEquals(DeployTasks.Result.PROCEED, hostA.release(hostA.build("rev1", release)));
        assertEquals(DeployTasks.Result.PROCEED, hostB.release(hostB.build("rev2", release)));
        assertEquals(2, releases(), "a new revision runs wherever it comes first");

        assertEquals(DeployTasks.Result.PROCEED, hostB.release(hostB.build("rev2", release)));
        assertEquals(3, releases(), "the same host deploying the same revision again runs it again, as Dokku would");

        Plan failing = Plan.of(new Task(Phase.RELEASE, "echo release >> /marks/count; exit 4"));
        assertEquals(DeployTasks.Result.ABORT, hostA.release(hostA.build("rev3", failing)));
        assertEquals(DeployTasks.Result.PROCEED, hostB.release(hostB.build("rev3", release)));
        assertEquals(5, releases(), "a release that failed on another host runs again");
    }

    @Test
    void aRunLeftRunningByAHostThatIsGoneIsMarkedInterruptedNamingItAndTheReleaseRunsAgain() throws Exception {
        Deploy onA = hostA.build("rev1", releaseAndPredeploy());
        // host-a claimed the release and died: its session, and with it the lock, is gone
        TaskRun left = hostA.ledger.claim(onA.id(), Phase.RELEASE, new Ledger.RunClaim(TestImages.busybox(), "sha256:x",
                "host-a", 4242, Instant.now()));
        Deploy onB = hostB.build("rev1", releaseAndPredeploy());

        assertEquals(DeployTasks.Result.PROCEED, hostB.release(onB));

        TaskRun interrupted = hostB.ledger.findRun(left.id()).orElseThrow();
        assertEquals(RunState.INTERRUPTED, interrupted.state());
        assertTrue(interrupted.detail().contains("helper 4242 on host-a"), interrupted.detail());
        assertEquals(RunState.SUCCEEDED, hostB.run(onB, Phase.RELEASE).state());
        assertEquals(1, releases(), marked().toString());
        assertTrue(hostB.output().contains("Run #" + left.id() + " (release) of " + app + " was interrupted"),
                hostB.output());
    }

    @Test
    void aLockSessionLostBeforeASuccessIsRecordedFailsTheDeployAndTheNextCallRunsTheTaskAgain() throws Exception {
        Deploy onA = hostA.build("rev1", Plan.of(new Task(Phase.RELEASE,
                "echo release >> /marks/count; echo migrating; until [ -e /marks/go ]; do sleep 0.1; done")));
        CompletableFuture<DeployTasks.Result> a = CompletableFuture.supplyAsync(() -> hostA.release(onA));
        await(() -> {
            try {
                return releases() == 1;
            } catch (Exception e) {
                return false;
            }
        });
        // the server ends the session that holds host-a's lock (a partition, a restart)
        server.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE "
                + "'dokku-migrate % lock: host-a%'");
        Files.createFile(marks.resolve("go"));

        Exception failure = assertThrows(Exception.class, () -> a.get(LONG.toSeconds(), TimeUnit.SECONDS));
        assertTrue(failure.getCause() instanceof DeployFailure, String.valueOf(failure.getCause()));
        String message = failure.getCause().getMessage();
        assertTrue(message.contains("ended (succeeded), but the session holding the app." + app + " lock on PostgreSQL at "
                + url.host() + ":" + url.port()), message);
        TaskRun left = hostA.run(onA, Phase.RELEASE);
        assertEquals(RunState.RUNNING, left.state(), "its end was not recorded");
        assertTrue(Files.readString(dir.resolve("host-a/logs/" + app).resolve(left.logFile())).contains("migrating"),
                "the output is in host-a's log file");

        Files.delete(marks.resolve("go"));
        Files.createFile(marks.resolve("go"));
        Deploy onB = hostB.build("rev1", onAPlan(onA));
        assertEquals(DeployTasks.Result.PROCEED, hostB.release(onB));
        assertEquals(RunState.INTERRUPTED, hostB.ledger.findRun(left.id()).orElseThrow().state());
        assertEquals(RunState.SUCCEEDED, hostB.run(onB, Phase.RELEASE).state());
    }

    @Test
    void aServerStoppedWhileATaskRunsFailsTheDeployNamingItAndKeepsTheOutputInTheLogFile() throws Exception {
        PostgresServer own = PostgresServer.start();
        try {
            own.sql("CREATE ROLE ledger LOGIN", "CREATE DATABASE ledger OWNER ledger");
            LedgerUrl ownUrl = LedgerUrl.parse(own.url("ledger", "ledger")).orElseThrow();
            PostgresBackend backend = PostgresBackend.open(ownUrl, "host-c");
            FakeDokku dokku = new FakeDokku(TestImages.busybox());
            dokku.extraDockerArgs.addAll(List.of("-v", marks + ":/marks"));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            DeployTasks release = new DeployTasks(backend.ledger(), new DockerTaskRunner("docker", new ProcessRunner()),
                    backend.locks(), dokku, new RunLogFiles(dir.resolve("host-c/logs")), new Console(out, out, false),
                    new ProcessIdentity("host-c", ProcessHandle.current().pid(), Clock.systemUTC()), new InFlight(), TaskEnded.NONE);
            Deploy deploy = backend.ledger().recordPlan(app, new DeployKey(1, "host-c"), Deploy.Origin.EXTRACTED, "",
                    "rev1", Plan.of(new Task(Phase.RELEASE, "echo release >> /marks/count; echo migrating; "
                            + "until [ -e /marks/go ]; do sleep 0.1; done")));
            TaskRun claimed;
            CompletableFuture<DeployTasks.Result> running = CompletableFuture.supplyAsync(
                    () -> release.run(deploy, dokku.appImage(app, "latest"), DEFAULTS));
            await(() -> {
                try {
                    return releases() == 1;
                } catch (Exception e) {
                    return false;
                }
            });
            claimed = backend.ledger().runsOf(deploy.id()).get(0);
            own.stop();
            Files.createFile(marks.resolve("go"));

            Exception failure = assertThrows(Exception.class, () -> running.get(LONG.toSeconds(), TimeUnit.SECONDS));
            assertTrue(failure.getCause() instanceof DeployFailure, String.valueOf(failure.getCause()));
            assertTrue(failure.getCause().getMessage().contains("PostgreSQL at " + ownUrl.host() + ":" + ownUrl.port()),
                    failure.getCause().getMessage());
            assertTrue(failure.getCause().getMessage().contains("stays recorded as running"),
                    failure.getCause().getMessage());
            assertTrue(Files.readString(dir.resolve("host-c/logs/" + app).resolve(RunLogs.fileName(claimed.id())))
                    .contains("migrating"), "the output is in the local log file");
            backend.ledger().close();
        } finally {
            own.close();
        }
    }

    private Plan onAPlan(Deploy deploy) {
        return hostA.ledger.planOf(deploy.id());
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(LONG);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("the condition did not hold within " + LONG);
            }
            Thread.sleep(50);
        }
    }
}
