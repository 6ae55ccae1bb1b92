package dokkumigrate.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dokkumigrate.adapters.dokku.DataDirDeployCopies;
import dokkumigrate.ledger.Deploy;
import dokkumigrate.ledger.DeployKey;
import dokkumigrate.ledger.Ledger;
import dokkumigrate.output.Console;
import dokkumigrate.plan.Phase;
import dokkumigrate.platform.AppImage;
import dokkumigrate.run.RunState;
import dokkumigrate.run.TaskRun;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A release without a build whose standing copies still hold the tasks, against real files and a real ledger. */
class StandingTakeoverTest {
    private static final long PID = 4242;
    private static final DeployKey KEY = new DeployKey(PID, "x");
    private static final String PROCFILE = "web: httpd\nrelease: rake db:migrate # once\n";
    private static final String APP_JSON = "{\"scripts\": {\"dokku\": {\"predeploy\": \"rake assets\"}}, \"name\": \"a\"}";

    @TempDir
    Path dir;
    @AutoClose
    private StandingData data;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private StandingTakeover takeover;

    @BeforeEach
    void setUp() throws Exception {
        data = new StandingData(dir);
        data.write(Phase.Source.PROCFILE, PROCFILE);
        data.write(Phase.Source.APP_JSON, APP_JSON);
        takeover = new StandingTakeover(data.ledger, new DataDirDeployCopies(dir, PID), data.files,
                new Console(out, new ByteArrayOutputStream(), false), ProcessIdentity.current("test-host"));
    }

    @Test
    void dokkusRunIsRecordedNothingRunsAndTheStandingCopiesAreTakenOver() throws Exception {
        Deploy deploy = takeover.ranByDokku("app", KEY, "source=config-redeploy", new AppImage("dokku/app:latest"))
                .orElseThrow();

        assertEquals(Deploy.Origin.STANDING, deploy.origin());
        List<TaskRun> runs = data.ledger.runsOf(deploy.id());
        assertEquals(List.of(Phase.PREDEPLOY, Phase.RELEASE), runs.stream().map(TaskRun::phase).toList());
        assertTrue(runs.stream().allMatch(run -> run.state() == RunState.SKIPPED), runs.toString());
        assertEquals("run by Dokku's own runner from the standing Procfile; the plugin runs it from the next release",
                runs.get(1).detail());
        assertEquals("web: httpd\n", data.read(Phase.Source.PROCFILE));
        assertEquals("{\"scripts\": {\"dokku\": {}}, \"name\": \"a\"}", data.read(Phase.Source.APP_JSON));
        assertEquals(List.of("take-over"), data.ledger.events("app", 10).stream().map(Ledger.Event::kind).toList());
        // what was taken is kept, so a hand-back puts it back
        assertEquals(PROCFILE, new String(data.ledger.takenCopies("app", Phase.Source.PROCFILE, 1).get(0).copy().original()
                .orElseThrow(), StandardCharsets.UTF_8));

        // the release's other trigger: recorded already, nothing more to do
        assertEquals(Optional.empty(), takeover.ranByDokku("app", KEY, "", new AppImage("dokku/app:latest")));
    }

    @Test
    void aBuildIsLeftToPostExtractsPlan() throws Exception {
        Files.writeString(dir.resolve("data/ps/app/Procfile." + PID), PROCFILE);

        assertEquals(Optional.empty(), takeover.ranByDokku("app", KEY, "", new AppImage("dokku/app:latest")));
        assertEquals(PROCFILE, data.read(Phase.Source.PROCFILE));
    }

    @Test
    void standingCopiesWithoutTasksAreLeftToThePlugin() throws Exception {
        data.write(Phase.Source.PROCFILE, "web: httpd\n");
        Files.delete(dir.resolve("data/app-json/app/app.json"));

        assertEquals(Optional.empty(), takeover.ranByDokku("app", KEY, "", new AppImage("dokku/app:latest")));
        assertEquals(List.of(), data.ledger.deploys("app", 10));
    }
}
