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
import dokkumigrate.platform.AppImage;
import dokkumigrate.run.RunState;
import dokkumigrate.run.TaskRun;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
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
    private SqliteLedger ledger;
    private DataDirStandingFiles files;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private StandingTakeover takeover;

    @BeforeEach
    void setUp() throws Exception {
        ledger = SqliteLedger.open(dir.resolve("ledger.db"), Duration.ofSeconds(5));
        files = new DataDirStandingFiles(dir);
        Files.createDirectories(dir.resolve("data/ps/app"));
        Files.createDirectories(dir.resolve("data/app-json/app"));
        Files.writeString(dir.resolve("data/ps/app/Procfile"), PROCFILE);
        Files.writeString(dir.resolve("data/app-json/app/app.json"), APP_JSON);
        takeover = new StandingTakeover(ledger, new DataDirDeployCopies(dir, PID), files,
                new Console(out, new ByteArrayOutputStream(), false), Helper.current("test-host"));
    }

    @AfterEach
    void tearDown() {
        ledger.close();
    }

    @Test
    void dokkusRunIsRecordedNothingRunsAndTheStandingCopiesAreTakenOver() throws Exception {
        Deploy deploy = takeover.ranByDokku("app", KEY, "source=config-redeploy", new AppImage("dokku/app:latest"))
                .orElseThrow();

        assertEquals(Deploy.Origin.STANDING, deploy.origin());
        List<TaskRun> runs = ledger.runsOf(deploy.id());
        assertEquals(List.of(Phase.PREDEPLOY, Phase.RELEASE), runs.stream().map(TaskRun::phase).toList());
        assertTrue(runs.stream().allMatch(run -> run.state() == RunState.SKIPPED), runs.toString());
        assertEquals("run by Dokku's own runner from the standing Procfile; the plugin runs it from the next release",
                runs.get(1).detail());
        assertEquals("web: httpd\n", Files.readString(dir.resolve("data/ps/app/Procfile")));
        assertEquals("{\"scripts\": {\"dokku\": {}}, \"name\": \"a\"}", Files.readString(dir.resolve("data/app-json/app/app.json")));
        assertEquals(List.of("take-over"), ledger.events("app", 10).stream().map(Ledger.Event::kind).toList());
        // what was taken is kept, so a hand-back puts it back
        assertEquals(PROCFILE, new String(ledger.takenCopies("app", Phase.Source.PROCFILE, 1).get(0).copy().original()
                .orElseThrow(), StandardCharsets.UTF_8));

        // the release's other trigger: recorded already, nothing more to do
        assertEquals(Optional.empty(), takeover.ranByDokku("app", KEY, "", new AppImage("dokku/app:latest")));
    }

    @Test
    void aBuildIsLeftToPostExtractsPlan() throws Exception {
        Files.writeString(dir.resolve("data/ps/app/Procfile." + PID), PROCFILE);

        assertEquals(Optional.empty(), takeover.ranByDokku("app", KEY, "", new AppImage("dokku/app:latest")));
        assertEquals(PROCFILE, Files.readString(dir.resolve("data/ps/app/Procfile")));
    }

    @Test
    void standingCopiesWithoutTasksAreLeftToThePlugin() throws Exception {
        Files.writeString(dir.resolve("data/ps/app/Procfile"), "web: httpd\n");
        Files.delete(dir.resolve("data/app-json/app/app.json"));

        assertEquals(Optional.empty(), takeover.ranByDokku("app", KEY, "", new AppImage("dokku/app:latest")));
        assertEquals(List.of(), ledger.deploys("app", 10));
    }
}
