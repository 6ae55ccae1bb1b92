package dokkumigrate.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dokkumigrate.ledger.Deploy;
import dokkumigrate.ledger.DeployKey;
import dokkumigrate.ledger.Ledger;
import dokkumigrate.ledger.TakenCopy;
import dokkumigrate.output.Console;
import dokkumigrate.plan.Phase;
import dokkumigrate.plan.Plan;
import dokkumigrate.plan.PlanExtractor;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Handing tasks back to Dokku, against a real ledger and real standing files in a temporary data dir. */
class HandBackTest {
    private static final String PROCFILE = "# tasks\r\nweb:  httpd -f  # serve\nrelease: rake db:migrate\n\nworker: ./w";
    private static final String APP_JSON = "{\n  // kept\n  \"scripts\": {\"dokku\": {\"predeploy\": \"rake assets\"}},\n}";

    @TempDir
    Path dir;
    @AutoClose
    private StandingData data;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private HandBack handBack;
    private long pid = 100;

    @BeforeEach
    void setUp() throws Exception {
        data = new StandingData(dir);
        handBack = new HandBack(data.ledger, data.files, new Console(out, err, false), ProcessIdentity.current("test-host"));
    }

    /** A build as post-extract records it and core-post-deploy promotes it (when it rolled out). */
    private Deploy build(String procfile, String appJson, boolean rolledOut) {
        PlanExtractor.Extraction extraction = PlanExtractor.extract(procfile, appJson);
        Deploy deploy = data.ledger.recordPlan("app", new DeployKey(pid++, "x"), Deploy.Origin.EXTRACTED, "", "",
                extraction.plan());
        List<TakenCopy> taken = TakenCopies.of(Optional.ofNullable(procfile), Optional.ofNullable(appJson), extraction);
        data.ledger.recordTakenCopies(deploy.id(), taken);
        if (rolledOut) {
            taken.forEach(copy -> data.files.write("app", copy.file(), copy.stripped()));
            data.ledger.markRolledOut(deploy.id(), Instant.now());
        }
        return deploy;
    }

    @Test
    void theStrippedStandingFilesGetBackTheirOriginalBytesOnce() {
        build(PROCFILE, APP_JSON, true);
        assertFalse(data.read(Phase.Source.PROCFILE).contains("release:"));

        assertTrue(handBack.handBack("app", "migrate:set app enabled false"));

        assertEquals(PROCFILE, data.read(Phase.Source.PROCFILE));
        assertEquals(APP_JSON, data.read(Phase.Source.APP_JSON));
        String printed = out.toString(StandardCharsets.UTF_8);
        assertTrue(printed.startsWith("-----> Handing the deployment tasks of app back to Dokku (migrate:set app enabled false)\n"
                + "       release entry put back into " + dir.resolve("data/ps/app/Procfile") + "\n"
                + "       scripts.dokku.predeploy put back into " + dir.resolve("data/app-json/app/app.json") + "\n"), printed);
        assertEquals(List.of("hand-back"), data.ledger.events("app", 10).stream().map(Ledger.Event::kind).toList());

        out.reset();
        assertTrue(handBack.handBack("app", "again"));
        assertEquals("", out.toString(StandardCharsets.UTF_8));
        assertEquals(PROCFILE, data.read(Phase.Source.PROCFILE));
    }

    @Test
    void aProcfileWhoseOnlyEntryWasReleaseIsWrittenAgain() {
        build("release: rake db:migrate\n", null, true);
        assertEquals(null, data.read(Phase.Source.PROCFILE));

        assertTrue(handBack.handBack("app", "plugin:uninstall"));

        assertEquals("release: rake db:migrate\n", data.read(Phase.Source.PROCFILE));
        assertEquals(null, data.read(Phase.Source.APP_JSON));
    }

    @Test
    void theRolledOutBuildWinsOverANewerOneThatFailedWithTheSameStrippedFile() {
        build(PROCFILE, null, true);
        build(PROCFILE.replace("rake db:migrate", "rake db:migrate:new"), null, false);

        assertTrue(handBack.handBack("app", "why"));

        assertEquals(PROCFILE, data.read(Phase.Source.PROCFILE));
    }

    @Test
    void aStandingFileEditedByHandIsLeftAndReportedWhenItLacksTheTask() {
        build(PROCFILE, APP_JSON, true);
        String edited = data.read(Phase.Source.PROCFILE) + "\nclock: ./c\n";
        data.write(Phase.Source.PROCFILE, edited);

        assertFalse(handBack.handBack("app", "why"));

        assertEquals(edited, data.read(Phase.Source.PROCFILE));
        assertEquals(APP_JSON, data.read(Phase.Source.APP_JSON), "the app.json was the plugin's copy");
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith(" !     Cannot hand the tasks of app back to Dokku: "
                + dir.resolve("data/ps/app/Procfile") + " is not the copy the plugin left and has no release entry"));
        assertEquals(List.of("hand-back-failed", "hand-back"),
                data.ledger.events("app", 10).stream().map(Ledger.Event::kind).toList());
    }

    @Test
    void aStandingFileEditedByHandThatStillHoldsTheTaskIsFine() {
        build(PROCFILE, null, true);
        data.write(Phase.Source.PROCFILE, "release: ./other\nweb: x\n");

        assertTrue(handBack.handBack("app", "why"));

        assertEquals("release: ./other\nweb: x\n", data.read(Phase.Source.PROCFILE));
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void anAppThePluginNeverTookAnythingFromIsLeftAlone() {
        data.ledger.recordPlan("app", new DeployKey(1, "x"), Deploy.Origin.STANDING, "", "", Plan.EMPTY);

        assertTrue(handBack.handBack("app", "why"));

        assertEquals("", out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aTaskTakenBeforeTheLedgerKeptCopiesGoesBackFromTheRecordedPlan() {
        data.ledger.recordPlan("app", new DeployKey(1, "x"), Deploy.Origin.EXTRACTED, "", "",
                Plan.of(new dokkumigrate.plan.Task(Phase.RELEASE, "rake db:migrate"),
                        new dokkumigrate.plan.Task(Phase.PREDEPLOY, "rake assets")));
        data.write(Phase.Source.PROCFILE, "web: x");
        data.write(Phase.Source.APP_JSON, "{\n  // kept\n  \"Scripts\": {\"Dokku\": { }},\n  \"name\": \"a\"\n}");

        assertTrue(handBack.handBack("app", "why"));

        assertEquals("web: x\nrelease: rake db:migrate\n", data.read(Phase.Source.PROCFILE));
        assertEquals(PlanExtractor.extract(null, data.read(Phase.Source.APP_JSON)).plan().task(Phase.PREDEPLOY)
                .map(dokkumigrate.plan.Task::command), Optional.of("rake assets"));
        assertTrue(data.read(Phase.Source.APP_JSON).contains("\"name\" : \"a\""), data.read(Phase.Source.APP_JSON));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("release entry put back into "
                + dir.resolve("data/ps/app/Procfile") + " from the plugin's record of the last build (taken before "
                + "copies were kept, so the file was written anew)"), out.toString(StandardCharsets.UTF_8));
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }
}
