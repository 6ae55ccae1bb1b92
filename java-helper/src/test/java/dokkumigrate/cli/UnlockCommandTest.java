package dokkumigrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dokkumigrate.adapters.lock.FileTaskLocks;
import dokkumigrate.ledger.Deploy;
import dokkumigrate.ledger.Ledger;
import dokkumigrate.ledger.LockHolder;
import dokkumigrate.plan.Phase;
import dokkumigrate.plan.Plan;
import dokkumigrate.plan.Task;
import dokkumigrate.run.RunState;
import dokkumigrate.run.TaskLocks;
import dokkumigrate.run.TaskRequest;
import dokkumigrate.run.TaskRun;
import dokkumigrate.testsupport.Receiver;
import dokkumigrate.testsupport.TestImages;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnlockCommandTest {
    private static final Plan PLAN = Plan.of(new Task(Phase.RELEASE, "rake db:migrate"));

    @TempDir
    Path dir;
    CommandHost host;
    Process liveHolder;
    String container;

    @BeforeEach
    void createHost() {
        host = new CommandHost(dir).app("web").app("api");
        host.numberRunsFromARandomHighId("web");
    }

    @AfterEach
    void cleanUp() {
        host.close();
        if (liveHolder != null) {
            liveHolder.destroyForcibly();
        }
        if (container != null) {
            TestImages.docker("container", "rm", "--force", container);
        }
    }

    private long startLiveHolder() throws Exception {
        liveHolder = new ProcessBuilder("sleep", "300").start();
        return liveHolder.pid();
    }

    private TaskLocks.Held holdLock(String lockKey) {
        return new FileTaskLocks(host.lockDir()).acquire(lockKey, Duration.ZERO, Duration.ofSeconds(1), () -> { });
    }

    private TaskRun run(long id) {
        return host.ledger().findRun(id).orElseThrow();
    }

    @Test
    void aFreeLockWithNothingLeftSaysSoAndRecordsTheUnlock() {
        CommandHost.Result result = host.run("unlock", "web");

        assertEquals(0, result.exitCode(), result.toString());
        assertEquals("-----> The app.web lock of web is free\n       Nothing was left to clear\n", result.stdout());
        assertEquals("", result.stderr());
        Ledger.Event event = host.ledger().events("web", 1).get(0);
        assertEquals("unlock", event.kind());
        assertEquals("app.web was free", event.detail());
    }

    @Test
    void aFreeLockLosesTheDeadHoldersRecordItsRunningRunsAndTheirContainers() {
        String image = TestImages.busybox();
        Deploy deploy = host.deploy("web", Deploy.Origin.EXTRACTED, PLAN);
        long dead = CommandHost.deadPid();
        TaskRun stale = host.claim(deploy, Phase.RELEASE, dead);
        host.ledger().recordLockHolder(new LockHolder("app.web", "web", deploy.id(), dead, host.hostName(),
                CommandHost.T0));
        container = TestImages.dockerOk("container", "create", "--label", TaskRequest.RUN_ID_LABEL + "=" + stale.id(),
                image, "true");

        CommandHost.Result result = host.run("unlock", "web");

        assertEquals(0, result.exitCode(), result.toString());
        List<String> lines = CommandHost.lines(result.stdout());
        assertEquals(List.of(
                "-----> The app.web lock of web is free",
                "       Cleared the stale holder record of pid " + dead + " on " + host.hostName()
                        + " since 2024-05-01T10:00:00Z (app web, deploy #" + deploy.id() + ")",
                "       Marked run #" + stale.id() + " (release of web) interrupted"), lines.subList(0, 3));
        assertEquals(4, lines.size(), result.toString());
        assertTrue(container.startsWith(lines.get(3).substring("       Removed 1 task container: ".length())),
                lines.get(3));
        assertFalse(TestImages.containerExists(container));
        assertEquals(RunState.INTERRUPTED, run(stale.id()).state());
        assertTrue(run(stale.id()).detail().contains("marked interrupted by migrate:unlock"), run(stale.id()).detail());
        assertEquals(Optional.empty(), host.ledger().lockHolder("app.web"));
        assertEquals("app.web was free; cleared the stale record of pid " + dead + " on " + host.hostName()
                        + " (deploy #" + deploy.id() + "); marked interrupted: run #" + stale.id()
                        + "; removed 1 container(s)", host.ledger().events("web", 1).get(0).detail());
    }

    @Test
    void theRunsOfADeadHelperThatUnlockInterruptsAreToldOfLikeAnyEndedRun() {
        Deploy deploy = host.deploy("web", Deploy.Origin.EXTRACTED, PLAN);
        TaskRun stale = host.claim(deploy, Phase.RELEASE, CommandHost.deadPid());
        try (Receiver receiver = Receiver.answering(200)) {
            host.run("set", "web", "notify-url", receiver.url("/hook"));

            CommandHost.Result result = host.run("unlock", "web");

            assertEquals(0, result.exitCode(), result.toString());
            assertEquals(1, receiver.requests().size(), "no helper is left to tell of the interrupted run but unlock");
            JsonNode notice = receiver.requests().get(0).json();
            assertEquals("interrupted", notice.get("state").asText(), notice.toString());
            assertEquals(stale.id(), notice.get("run_id").asLong(), notice.toString());
            assertTrue(host.ledger().notification(stale.id()).isPresent(), "the notice is recorded with the run");
        }
    }

    @Test
    void aLockHeldByALiveProcessIsRefusedSayingWhoHoldsItAndNothingChanges() throws Exception {
        long pid = startLiveHolder();
        Deploy deploy = host.deploy("web", Deploy.Origin.EXTRACTED, PLAN);
        TaskRun running = host.claim(deploy, Phase.RELEASE, pid);
        LockHolder holder = new LockHolder("app.web", "web", deploy.id(), pid, host.hostName(), CommandHost.T0);
        host.ledger().recordLockHolder(holder);

        try (TaskLocks.Held held = holdLock("app.web")) {
            CommandHost.Result result = host.run("unlock", "web");

            assertEquals(1, result.exitCode(), result.toString());
            assertEquals("", result.stdout());
            assertEquals(" !     The app.web lock of web is held by pid " + pid + " on " + host.hostName()
                    + " since 2024-05-01T10:00:00Z (app web, deploy #" + deploy.id() + "), which is still running.\n"
                    + " !     It is released when that process ends. To clear its record and mark its runs interrupted "
                    + "anyway: dokku migrate:unlock web --force\n", result.stderr());
        }
        assertEquals(Optional.of(holder), host.ledger().lockHolder("app.web"));
        assertEquals(RunState.RUNNING, run(running.id()).state());
        assertEquals(List.of(), host.ledger().events("web", 10));
    }

    @Test
    void aLockHeldByAnUnrecordedProcessIsRefused() {
        try (TaskLocks.Held held = holdLock("app.web")) {
            CommandHost.Result result = host.run("unlock", "web");

            assertEquals(1, result.exitCode(), result.toString());
            assertEquals(" !     The app.web lock of web is held by a process the ledger has no record of.\n"
                    + " !     It is released when that process ends. To clear its record and mark its runs interrupted "
                    + "anyway: dokku migrate:unlock web --force\n", result.stderr());
        }
    }

    @Test
    void forceClearsTheLiveHoldersRecordAndRunsAndSaysHowToStopIt() throws Exception {
        TestImages.assumeDocker();
        long pid = startLiveHolder();
        Deploy deploy = host.deploy("web", Deploy.Origin.EXTRACTED, PLAN);
        TaskRun running = host.claim(deploy, Phase.RELEASE, pid);
        host.ledger().recordLockHolder(new LockHolder("app.web", "web", deploy.id(), pid, host.hostName(),
                CommandHost.T0));

        try (TaskLocks.Held held = holdLock("app.web")) {
            CommandHost.Result result = host.run("unlock", "web", "--force");

            assertEquals(0, result.exitCode(), result.toString());
            assertEquals("-----> Cleared the holder record of pid " + pid + "\n"
                    + "       Marked run #" + running.id() + " (release of web) interrupted\n", result.stdout());
            assertEquals(" !     Forcing: the app.web lock of web is held by pid " + pid + " on " + host.hostName()
                    + " since 2024-05-01T10:00:00Z (app web, deploy #" + deploy.id() + "), which is still running.\n"
                    + " !     The lock itself stays held until its holder ends: a new deploy waits for it until then.\n"
                    + " !     Stop the holder with:\n"
                    + " !         kill " + pid + "\n", result.stderr());
        }
        assertEquals(Optional.empty(), host.ledger().lockHolder("app.web"));
        assertEquals(RunState.INTERRUPTED, run(running.id()).state());
        assertTrue(liveHolder.isAlive(), "unlock never signals the holder itself");
        assertTrue(host.ledger().events("web", 1).get(0).detail().startsWith("forced: app.web held by pid " + pid));
    }

    @Test
    void theLockGroupsLockIsTheOneCleared() {
        TestImages.assumeDocker();
        host.writeProperty("web", "lock-group", "main-db");
        Deploy apiDeploy = host.deploy("api", Deploy.Origin.EXTRACTED, PLAN);
        long dead = CommandHost.deadPid();
        TaskRun apiRun = host.claim(apiDeploy, Phase.RELEASE, dead);
        host.ledger().recordLockHolder(new LockHolder("group.main-db", "api", apiDeploy.id(), dead, host.hostName(),
                CommandHost.T0));

        CommandHost.Result result = host.run("unlock", "web");

        assertEquals(0, result.exitCode(), result.toString());
        assertEquals(List.of(
                "-----> The group.main-db lock of web is free",
                "       Cleared the stale holder record of pid " + dead + " on " + host.hostName()
                        + " since 2024-05-01T10:00:00Z (app api, deploy #" + apiDeploy.id() + ")",
                "       Marked run #" + apiRun.id() + " (release of api) interrupted"),
                CommandHost.lines(result.stdout()));
        assertEquals(RunState.INTERRUPTED, run(apiRun.id()).state());
        assertEquals(Optional.empty(), host.ledger().lockHolder("group.main-db"));
    }

    @Test
    void anUnknownOrBadlyNamedAppOrAnUnknownFlagIsRefused() {
        CommandHost.Result unknown = host.run("unlock", "nope");
        CommandHost.Result shell = host.run("unlock", "web|sh");
        CommandHost.Result flag = host.run("unlock", "web", "--all");
        CommandHost.Result missing = host.run("unlock");

        assertEquals(" !     App nope does not exist\n", unknown.stderr());
        assertEquals(" !     App name must begin with lowercase alphanumeric character, and may only contain lowercase "
                + "alphanumerics, dots, and hyphens\n", shell.stderr());
        assertEquals(" !     Unknown option: '--all'\n !     See: dokku migrate:help\n", flag.stderr());
        assertEquals(" !     Missing required parameter: 'APP'\n !     See: dokku migrate:help\n", missing.stderr());
        assertEquals(List.of(1, 1, 2, 2), List.of(unknown.exitCode(), shell.exitCode(), flag.exitCode(),
                missing.exitCode()));
        assertEquals(List.of(), host.ledger().events("web", 10));
    }
}
