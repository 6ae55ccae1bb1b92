package dokkumigrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dokkumigrate.ledger.Deploy;
import dokkumigrate.plan.Phase;
import dokkumigrate.plan.Plan;
import dokkumigrate.plan.Task;
import dokkumigrate.testsupport.TestImages;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * migrate:run's refusals, which need no Dokku: running a task needs plugn (config-export,
 * docker-args-deploy...) and is covered end to end in tests/commands.bats.
 */
class RunCommandTest {
    @TempDir
    Path dir;
    CommandHost host;
    String app;

    @BeforeEach
    void createHost() {
        // an app name no image exists for on this engine
        app = "run-" + UUID.randomUUID().toString().substring(0, 8);
        host = new CommandHost(dir).app(app);
    }

    @AfterEach
    void closeHost() {
        host.close();
    }

    private void assertRefused(CommandHost.Result result, String message) {
        assertEquals(1, result.exitCode(), result.toString());
        assertEquals("", result.stdout());
        assertEquals(" !     " + message + "\n", result.stderr());
    }

    @Test
    void anAppWithNoRecordedBuildIsRefusedAndNothingIsRecorded() {
        assertRefused(host.run("run", app), "No build of " + app + " has been recorded, so there is no task to run "
                + "again. Deploy it first (git push, or dokku ps:rebuild " + app + ")");
        assertEquals(List.of(), host.ledger().deploys(app, 10));
    }

    @Test
    void anAppWhoseLastBuildHasNoTaskIsRefused() {
        Deploy build = host.deploy(app, Deploy.Origin.EXTRACTED, Plan.EMPTY);

        assertRefused(host.run("run", app), app + " has no release or predeploy task: its last build (deploy #"
                + build.id() + ") had no release entry in its Procfile and no scripts.dokku.predeploy in its app.json");
        assertEquals(List.of(build), host.ledger().deploys(app, 10));
    }

    @Test
    void aPhaseTheLastBuildDoesNotHaveIsRefused() {
        Deploy build = host.deploy(app, Deploy.Origin.EXTRACTED, Plan.of(new Task(Phase.RELEASE, "rake db:migrate")));

        assertRefused(host.run("run", app, "--phase", "predeploy"), app + " has no predeploy task: its last build "
                + "(deploy #" + build.id() + ") had no scripts.dokku.predeploy in its app.json. Its tasks: release");
        assertEquals(List.of(build), host.ledger().deploys(app, 10));
    }

    @Test
    void anAppWhoseDeployedImageDokkuCannotNameIsRefusedAndNothingIsRecorded() {
        // the deployed image is asked from Dokku (deployed-app-image-repo...), which this in-process host
        // does not run; the refusal for an image that does not exist is in tests/commands.bats
        Deploy build = host.deploy(app, Deploy.Origin.EXTRACTED, Plan.of(new Task(Phase.RELEASE, "rake db:migrate")));

        CommandHost.Result result = host.run("run", app, "--phase", "release");

        assertEquals(1, result.exitCode(), result.toString());
        assertTrue(result.stderr().startsWith(" !     Dokku's deployed-app-repository trigger could not be called ("),
                result.toString());
        assertEquals(List.of(build), host.ledger().deploys(app, 10));
    }

    @Test
    void anAppHandedBackToDokkuIsRefused() {
        host.deploy(app, Deploy.Origin.EXTRACTED, Plan.of(new Task(Phase.RELEASE, "rake db:migrate")));
        host.writeProperty(app, "enabled", "false");

        assertRefused(host.run("run", app), "migrate is disabled for " + app + ", so Dokku's own runner runs its tasks "
                + "and the plugin's record of them may be stale. Enable it first: dokku migrate:set " + app
                + " enabled true");
    }

    @Test
    void anUnknownPhaseIsRefused() {
        assertRefused(host.run("run", app, "--phase", "postdeploy"),
                "Invalid --phase value 'postdeploy': use release or predeploy");
    }

    @Test
    void withoutDokkusPidNothingRuns() {
        host.deploy(app, Deploy.Origin.EXTRACTED, Plan.of(new Task(Phase.RELEASE, "rake db:migrate")));
        host.env.remove("DOKKU_PID");

        assertRefused(host.run("run", app), "DOKKU_PID is not set to a process id; run this through dokku, which "
                + "exports it for every command");
        assertEquals(1, host.ledger().deploys(app, 10).size());
    }

    @Test
    void anUnknownOrBadlyNamedAppIsRefused() {
        assertRefused(host.run("run", "nope"), "App nope does not exist");
        assertRefused(host.run("run", "Web"), "App name must begin with lowercase alphanumeric character, and may only "
                + "contain lowercase alphanumerics, dots, and hyphens");
        assertRefused(host.run("run", "a&&b"), "App name must begin with lowercase alphanumeric character, and may "
                + "only contain lowercase alphanumerics, dots, and hyphens");
    }
}
