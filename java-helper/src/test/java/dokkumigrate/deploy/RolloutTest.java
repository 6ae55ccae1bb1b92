package dokkumigrate.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dokkumigrate.adapters.dokku.DataDirDeployCopies;
import dokkumigrate.adapters.dokku.DataDirStandingFiles;
import dokkumigrate.adapters.sqlite.SqliteLedger;
import dokkumigrate.ledger.Deploy;
import dokkumigrate.ledger.DeployKey;
import dokkumigrate.ledger.Ledger;
import dokkumigrate.output.Console;
import dokkumigrate.plan.Phase;
import dokkumigrate.plan.Plan;
import dokkumigrate.plan.Task;
import dokkumigrate.run.RunOutcome;
import dokkumigrate.run.RunState;
import dokkumigrate.run.TaskRun;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** post-deploy's record of a rollout, and of a release whose tasks never ran. */
class RolloutTest {
    private static final Plan PLAN = Plan.of(new Task(Phase.PREDEPLOY, "rake assets"),
            new Task(Phase.RELEASE, "rake db:migrate"));
    private static final DeployKey KEY = new DeployKey(7, "x");

    @TempDir
    Path dir;
    private SqliteLedger ledger;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private Rollout rollout;
    private DataDirDeployCopies copies;
    private DataDirStandingFiles standing;

    @BeforeEach
    void setUp() {
        ledger = SqliteLedger.open(dir.resolve("ledger.db"), Duration.ofSeconds(5));
        copies = new DataDirDeployCopies(dir.resolve("lib"), KEY.dokkuPid());
        standing = new DataDirStandingFiles(dir.resolve("lib"));
        rollout = new Rollout(ledger, new Console(out, err, false), ProcessIdentity.current("test-host"), copies, standing);
    }

    @AfterEach
    void tearDown() {
        ledger.close();
    }

    private void ended(Deploy deploy, Phase phase, RunState state) {
        TaskRun run = ledger.claim(deploy.id(), phase, new Ledger.RunClaim("dokku/app:latest", "", "h", 1, Instant.now()));
        ledger.finish(run.id(), new RunOutcome(state, Optional.of(0), new byte[0], 0, ""), Instant.now());
    }

    private void writeStandingProcfile(String text) throws IOException {
        Path procfile = Path.of(standing.path("app", Phase.Source.PROCFILE));
        Files.createDirectories(procfile.getParent());
        Files.writeString(procfile, text);
    }

    private List<String> events() {
        return ledger.events("app", 10).stream().map(e -> e.kind() + ": " + e.detail()).toList();
    }

    @Test
    void aDeployWhoseTasksRanRollsOutQuietly() {
        Deploy deploy = ledger.recordPlan("app", KEY, Deploy.Origin.EXTRACTED, "", "", PLAN);
        ended(deploy, Phase.PREDEPLOY, RunState.SUCCEEDED);
        ended(deploy, Phase.RELEASE, RunState.SKIPPED);

        rollout.rolledOut("app", KEY, "latest", Optional.of("git-hook"));

        assertEquals("       migrate: deploy #" + deploy.id() + " of app rolled out\n", out.toString(StandardCharsets.UTF_8));
        assertEquals("", err.toString(StandardCharsets.UTF_8));
        assertEquals(List.of(), events());
    }

    @Test
    void aDeployThatRolledOutWithATaskUnrunIsSaidLoudlyAndRecordedMissed() {
        Deploy deploy = ledger.recordPlan("app", KEY, Deploy.Origin.EXTRACTED, "", "", PLAN);
        copies.markTakenOver("app");
        ended(deploy, Phase.PREDEPLOY, RunState.SUCCEEDED);

        rollout.rolledOut("app", KEY, "latest", Optional.of("git-hook"));

        assertEquals(" !     migrate: the release of app (deploy #" + deploy.id() + ") rolled out, but its tasks did not run:\n"
                + " !       release (Procfile: rake db:migrate): not run\n"
                + " !     The plugin had taken them out of Dokku's copies and no release trigger reached it, so neither "
                + "Dokku nor the plugin ran them.\n"
                + " !     Run them now: dokku migrate:run app; then check: dokku migrate:doctor app\n",
                err.toString(StandardCharsets.UTF_8));
        assertEquals(List.of("missed: deploy #" + deploy.id() + " rolled out without running release"), events());
        assertTrue(ledger.findDeploy(deploy.id()).orElseThrow().rolledOutAt().isPresent());
    }

    @Test
    void aRestartWithoutARecordedReleaseIsAnEvent() {
        rollout.rolledOut("app", KEY, "", Optional.of("ps:restart"));

        assertEquals(List.of("restart"), ledger.events("app", 10).stream().map(Ledger.Event::kind).toList());
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aBuildPostExtractDidNotTakeOverLeftItsTasksToDokkuAndIsNotMissed() {
        // post-extract recorded the plan, then failed before it marked the deploy: Dokku's runner ran the tasks
        Deploy deploy = ledger.recordPlan("app", KEY, Deploy.Origin.EXTRACTED, "", "", PLAN);

        rollout.rolledOut("app", KEY, "latest", Optional.of("git-hook"));

        assertEquals("", err.toString(StandardCharsets.UTF_8));
        assertEquals("       migrate: deploy #" + deploy.id() + " of app rolled out; its tasks were left to Dokku's own "
                + "runner (post-extract did not take them over)\n", out.toString(StandardCharsets.UTF_8));
        assertEquals(List.of("left-to-dokku: deploy #" + deploy.id() + ": post-extract did not take its tasks over"), events());
        // recorded as run by Dokku, so migrate:doctor does not take the deploy for missed
        assertEquals(List.of(RunState.SKIPPED, RunState.SKIPPED),
                ledger.runsOf(deploy.id()).stream().map(TaskRun::state).toList());
        assertTrue(DeployState.of(PLAN, ledger.runsOf(deploy.id())).unrun().isEmpty());
    }

    @Test
    void aConfigChangeReleaseThatNoReleaseTriggerRecordedIsMissedWhenTheStandingFilesHoldNoTask() throws IOException {
        // the build's tasks ran, and core-post-deploy made its stripped copies the standing ones
        Deploy build = ledger.recordPlan("app", new DeployKey(6, "x"), Deploy.Origin.EXTRACTED, "", "", PLAN);
        ended(build, Phase.PREDEPLOY, RunState.SUCCEEDED);
        ended(build, Phase.RELEASE, RunState.SUCCEEDED);
        writeStandingProcfile("web: puma\n");

        rollout.rolledOut("app", KEY, "latest", Optional.of("config-redeploy"));

        Deploy release = ledger.findDeploy("app", KEY).orElseThrow();
        assertEquals(Deploy.Origin.STANDING, release.origin());
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith(" !     migrate: the release of app (deploy #"
                + release.id() + ") rolled out, but its tasks did not run:\n"), err.toString(StandardCharsets.UTF_8));
        assertEquals(List.of("missed: deploy #" + release.id() + " rolled out without running predeploy, release"), events());
    }

    @Test
    void aConfigChangeReleaseIsNotMissedWhenDokkuFoundTheTasksInTheStandingFiles() throws IOException {
        ledger.recordPlan("app", new DeployKey(6, "x"), Deploy.Origin.EXTRACTED, "", "", PLAN);
        writeStandingProcfile("release: rake db:migrate\nweb: puma\n");

        rollout.rolledOut("app", KEY, "latest", Optional.of("config-redeploy"));

        assertEquals("", err.toString(StandardCharsets.UTF_8));
        assertEquals(List.of("restart"), ledger.events("app", 10).stream().map(Ledger.Event::kind).toList());
    }
}
