package dokkumigrate.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dokkumigrate.plan.PlanExtractor.Extraction;
import dokkumigrate.plan.PlanExtractor.ProcfileChange;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PlanExtractorTest {
    private static final String APP_JSON = """
            {
              // tasks
              "scripts": {"dokku": {
                "predeploy": "python manage.py collectstatic --noinput",
                "postdeploy": "notify"
              }}
            }
            """;

    @Test
    void takesTheReleaseEntryOutOfTheProcfile() {
        Extraction extraction = PlanExtractor.extract("web: puma\nrelease: bundle exec rake db:migrate\nworker: sidekiq\n", null);

        assertEquals(Plan.of(new Task(Phase.RELEASE, "bundle exec rake db:migrate")), extraction.plan());
        assertEquals(ProcfileChange.REWRITTEN, extraction.procfileChange());
        assertEquals(Optional.of("web: puma\nworker: sidekiq\n"), extraction.procfile());
        assertEquals(Optional.empty(), extraction.appJson());
        assertFalse(extraction.appJsonChanged());
    }

    @Test
    void takesThePredeployOutOfAppJson() {
        Extraction extraction = PlanExtractor.extract(null, APP_JSON);

        assertEquals(Plan.of(new Task(Phase.PREDEPLOY, "python manage.py collectstatic --noinput")), extraction.plan());
        assertTrue(extraction.appJsonChanged());
        assertEquals(Optional.of("""
                {
                  // tasks
                  "scripts": {"dokku": {
                    "postdeploy": "notify"
                  }}
                }
                """), extraction.appJson());
        assertEquals(ProcfileChange.UNCHANGED, extraction.procfileChange());
        assertEquals(Optional.empty(), extraction.procfile());
    }

    @Test
    void takesBothTasksAndOrdersPredeployFirst() {
        Extraction extraction = PlanExtractor.extract("release: rake db:migrate\nweb: puma\n", APP_JSON);

        assertEquals(List.of(Phase.PREDEPLOY, Phase.RELEASE), extraction.plan().tasks().stream().map(Task::phase).toList());
        assertEquals(Optional.of("rake db:migrate"), extraction.plan().task(Phase.RELEASE).map(Task::command));
        assertEquals(Phase.Source.PROCFILE, extraction.plan().task(Phase.RELEASE).orElseThrow().source());
        assertEquals(Phase.Source.APP_JSON, extraction.plan().task(Phase.PREDEPLOY).orElseThrow().source());
        assertEquals(ProcfileChange.REWRITTEN, extraction.procfileChange());
        assertTrue(extraction.appJsonChanged());
    }

    @Test
    void reportsAProcfileLeftWithoutEntriesAsNowEmpty() {
        Extraction extraction = PlanExtractor.extract("# only the release\r\nrelease: rake db:migrate\r\n", null);

        assertEquals(ProcfileChange.NOW_EMPTY, extraction.procfileChange());
        assertEquals(Optional.of("# only the release\r\n"), extraction.procfile());
        assertEquals(Optional.of("rake db:migrate"), extraction.plan().task(Phase.RELEASE).map(Task::command));
    }

    @Test
    void leavesAProcfileWithoutReleaseUnchanged() {
        String procfile = "web: puma\n# release: rake db:migrate\nRelease: not the release process\n";

        Extraction extraction = PlanExtractor.extract(procfile, "{\"name\": \"x\"}");

        assertEquals(Plan.EMPTY, extraction.plan());
        assertEquals(ProcfileChange.UNCHANGED, extraction.procfileChange());
        assertEquals(Optional.of(procfile), extraction.procfile());
        assertFalse(extraction.appJsonChanged());
        assertEquals(Optional.of("{\"name\": \"x\"}"), extraction.appJson());
    }

    @Test
    void leavesAProcfileThatHadNoEntriesUnchanged() {
        Extraction extraction = PlanExtractor.extract("# nothing\n", null);

        assertEquals(ProcfileChange.UNCHANGED, extraction.procfileChange());
        assertEquals(Optional.of("# nothing\n"), extraction.procfile());
    }

    @Test
    void extractsNothingFromNoFiles() {
        Extraction extraction = PlanExtractor.extract(null, null);

        assertEquals(new Extraction(Plan.EMPTY, Optional.empty(), ProcfileChange.UNCHANGED, Optional.empty(), false), extraction);
    }

    @Test
    void removesABlankPredeployWithoutPlanningIt() {
        Extraction extraction = PlanExtractor.extract(null, "{\"scripts\": {\"dokku\": {\"predeploy\": \" \", \"postdeploy\": \"n\"}}}");

        assertEquals(Plan.EMPTY, extraction.plan());
        assertTrue(extraction.appJsonChanged(), "Dokku would try to run a blank command: it must not find it");
        assertEquals(Optional.of("{\"scripts\": {\"dokku\": {\"postdeploy\": \"n\"}}}"), extraction.appJson());
    }

    @Test
    void failsOnAMalformedProcfileWithoutComputingAnything() {
        ExtractionException e = assertThrows(ExtractionException.class,
                () -> PlanExtractor.extract("web: a\nweb: b\n", APP_JSON));

        assertEquals("Procfile", e.fileLabel());
        assertEquals("Procfile line 2: process names must be unique", e.getMessage());
    }

    @Test
    void failsOnAMalformedAppJsonEvenWhenTheProcfileIsFine() {
        ExtractionException e = assertThrows(ExtractionException.class,
                () -> PlanExtractor.extract("release: rake db:migrate\n", "{\"scripts\": {\"dokku\": {\"predeploy\": 1}}}"));

        assertEquals("app.json", e.fileLabel());
        assertEquals(1, e.line());
        assertTrue(e.getMessage().startsWith("app.json line 1, column 37: scripts.dokku.predeploy must be a string"),
                e.getMessage());
    }

    @Test
    void reportsTheProcfileFirstWhenBothAreMalformed() {
        ExtractionException e = assertThrows(ExtractionException.class, () -> PlanExtractor.extract("broken\n", "{"));

        assertEquals("Procfile", e.fileLabel());
    }

    @Test
    void aReleaseCommandGoKeepsButJavaCallsBlankIsReportedNotCrashed() {
        ExtractionException e = assertThrows(ExtractionException.class,
                () -> PlanExtractor.extract("release: \u001C\n", null));

        assertEquals("Procfile", e.fileLabel());
        assertEquals("the release command is blank", e.reason());
    }

    @Test
    void anExtractionCannotRewriteAnAbsentFile() {
        assertThrows(IllegalArgumentException.class,
                () -> new Extraction(Plan.EMPTY, Optional.empty(), ProcfileChange.REWRITTEN, Optional.empty(), false));
        assertThrows(IllegalArgumentException.class,
                () -> new Extraction(Plan.EMPTY, Optional.empty(), ProcfileChange.UNCHANGED, Optional.empty(), true));
    }

    @Test
    void rewritesBothFilesOfARealisticApp() throws Exception {
        Extraction extraction = PlanExtractor.extract(
                ProcfileDocumentTest.resource("rails.Procfile"), ProcfileDocumentTest.resource("commented.app.json"));

        assertEquals(2, extraction.plan().tasks().size());
        assertEquals(Optional.of("bundle exec rake db:migrate && bundle exec rake assets:sync"),
                extraction.plan().task(Phase.PREDEPLOY).map(Task::command));
        assertEquals(Optional.of(ProcfileDocumentTest.resource("commented.app.without-predeploy.json")), extraction.appJson());
        assertEquals(Optional.empty(), ProcfileDocument.parse(extraction.procfile().orElseThrow()).command("release"));
        assertEquals(3, ProcfileDocument.parse(extraction.procfile().orElseThrow()).entries().size());
    }
}
