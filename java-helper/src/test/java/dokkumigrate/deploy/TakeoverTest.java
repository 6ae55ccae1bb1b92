package dokkumigrate.deploy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dokkumigrate.adapters.dokku.DataDirDeployCopies;
import dokkumigrate.adapters.sqlite.SqliteLedger;
import dokkumigrate.ledger.Deploy;
import dokkumigrate.ledger.DeployKey;
import dokkumigrate.ledger.Ledger;
import dokkumigrate.output.Console;
import dokkumigrate.plan.Phase;
import dokkumigrate.platform.DeployCopies;
import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * post-extract's takeover against real per-deploy copies and a real ledger file: a deploy's
 * copies are changed only while it is marked as taken over, so that exactly one runner (the
 * plugin's or Dokku's) runs each task, whatever fails on the way.
 */
class TakeoverTest {
    private static final long PID = 31337;
    private static final DeployKey KEY = new DeployKey(PID, "boot:1");
    private static final String PROCFILE = "web: bin/server\nrelease: bin/migrate\n";
    private static final String APP_JSON = "{\n  // comment\n  \"scripts\": {\"dokku\": {\"predeploy\": \"bin/assets\"}}\n}\n";

    @TempDir
    Path libRoot;

    private SqliteLedger ledger;
    private DataDirDeployCopies copies;
    private Path procfile;
    private Path appJson;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    @BeforeEach
    void setUp() throws Exception {
        ledger = SqliteLedger.open(libRoot.resolve("ledger.db"), Duration.ofSeconds(5));
        copies = new DataDirDeployCopies(libRoot, PID);
        procfile = Files.createDirectories(libRoot.resolve("data/ps/shop")).resolve("Procfile." + PID);
        appJson = Files.createDirectories(libRoot.resolve("data/app-json/shop")).resolve("app.json." + PID);
        Files.writeString(procfile, PROCFILE);
        Files.writeString(appJson, APP_JSON);
    }

    @AfterEach
    void tearDown() {
        ledger.close();
    }

    private Takeover takeover(Supplier<Ledger> ledgerSupplier, DeployCopies deployCopies) {
        return new Takeover(ledgerSupplier, deployCopies, new FakeDokku("unused"), new Console(out, out, false));
    }

    private Path mark() {
        return copies.takeoverMark("shop");
    }

    @Test
    void theDeployIsMarkedAndItsCopiesLoseTheTasksThePlanRecords() throws Exception {
        takeover(() -> ledger, copies).takeOver("shop", KEY, "", "");

        assertTrue(Files.exists(mark()), "the mark the release triggers look for");
        assertEquals("web: bin/server\n", Files.readString(procfile));
        assertFalse(Files.readString(appJson).contains("predeploy"));
        long deployId = ledger.findDeploy("shop", KEY).orElseThrow().id();
        assertEquals(2, ledger.planOf(deployId).tasks().size());
    }

    @Test
    void theDeployRecordsTheRevisionPostExtractGave() {
        Deploy deploy = takeover(() -> ledger, copies).takeOver("shop", KEY, "git push rev=4f2c1e9", "4f2c1e9");

        assertEquals("4f2c1e9", deploy.revision());
        assertEquals("4f2c1e9", ledger.findDeploy("shop", KEY).orElseThrow().revision());
    }

    @Test
    void aNewTakeoverRemovesTheAppsOlderMarks() throws Exception {
        Path older = Files.createDirectories(mark().getParent()).resolve("99");
        Files.writeString(older, "");

        takeover(() -> ledger, copies).takeOver("shop", KEY, "", "");

        assertFalse(Files.exists(older));
        assertTrue(Files.exists(mark()));
    }

    @Test
    void aDestroyedAppsMarksAreForgotten() throws Exception {
        takeover(() -> ledger, copies).takeOver("shop", KEY, "", "");

        copies.forgetTakeovers("shop");

        assertFalse(Files.exists(mark().getParent()));
        copies.forgetTakeovers("never-deployed");
    }

    @Test
    void aLedgerThatCannotBeOpenedLeavesTheCopiesAsDokkuWroteThemAndNoMark() throws Exception {
        Supplier<Ledger> broken = () -> {
            throw new Ledger.LedgerException("The ledger at /x is not a SQLite database");
        };

        assertThrows(Ledger.LedgerException.class, () -> takeover(broken, copies).takeOver("shop", KEY, "", ""));

        assertFalse(Files.exists(mark()));
        assertEquals(PROCFILE, Files.readString(procfile));
        assertEquals(APP_JSON, Files.readString(appJson));
    }

    @Test
    void aCopyThatCannotBeRewrittenIsPutBackByteForByteAndTheTasksAreLeftToDokku() throws Exception {
        byte[] procfileBefore = Files.readAllBytes(procfile);
        byte[] appJsonBefore = Files.readAllBytes(appJson);
        DeployCopies failingAppJson = new FailingCopies(copies, true, false);

        DeployFailure failure = assertThrows(DeployFailure.class,
                () -> takeover(() -> ledger, failingAppJson).takeOver("shop", KEY, "", ""));

        assertTrue(failure.getMessage().contains("Dokku's copies were put back"), failure.getMessage());
        assertFalse(Files.exists(mark()), "no mark: the release triggers leave the tasks to Dokku");
        assertArrayEquals(procfileBefore, Files.readAllBytes(procfile));
        assertArrayEquals(appJsonBefore, Files.readAllBytes(appJson));
        assertFalse(Files.exists(procfile.resolveSibling(procfile.getFileName() + ".missing")));
        long deployId = ledger.findDeploy("shop", KEY).orElseThrow().id();
        assertTrue(ledger.planOf(deployId).isEmpty(), "the plan that Dokku now runs is not left as planned");
    }

    @Test
    void aProcfileLeftEmptyButNotPutBackIsRestoredFromItsMissingMarker() throws Exception {
        Files.writeString(procfile, "release: bin/migrate\n");
        DeployCopies failingAppJson = new FailingCopies(copies, true, false);

        assertThrows(DeployFailure.class, () -> takeover(() -> ledger, failingAppJson).takeOver("shop", KEY, "", ""));

        assertEquals("release: bin/migrate\n", Files.readString(procfile));
        assertFalse(Files.exists(procfile.resolveSibling(procfile.getFileName() + ".missing")),
                "Dokku reads a .missing marker before the copy");
        assertFalse(Files.exists(mark()));
    }

    @Test
    void copiesThatCannotBePutBackKeepTheMarkAndStopTheDeploy() throws Exception {
        DeployCopies failingEverything = new FailingCopies(copies, true, true);

        DeployFailure failure = assertThrows(DeployFailure.class,
                () -> takeover(() -> ledger, failingEverything).takeOver("shop", KEY, "", ""));

        assertTrue(failure.getMessage().contains("nor put Dokku's copies back"), failure.getMessage());
        assertTrue(failure.getMessage().contains("The deploy stops"), failure.getMessage());
        assertTrue(Files.exists(mark()), "the mark stays, so a trigger that finds the helper dead fails the deploy");
    }

    @Test
    void aProcfileTheHelperCannotReadIsRefusedWithItsOwnExitCodeAndNothingChanges() throws Exception {
        Files.write(procfile, new byte[] {'r', 'e', 'l', 'e', 'a', 's', 'e', ':', ' ', (byte) 0xff, '\n'});

        InvalidTaskFiles refused = assertThrows(InvalidTaskFiles.class,
                () -> takeover(() -> ledger, copies).takeOver("shop", KEY, "", ""));

        assertTrue(refused.getMessage().contains(procfile.toString()), refused.getMessage());
        assertEquals(65, InvalidTaskFiles.EXIT_CODE);
        assertFalse(Files.exists(mark()));
        assertEquals(APP_JSON, Files.readString(appJson));
        assertTrue(ledger.findDeploy("shop", KEY).isEmpty());
    }

    @Test
    void aRepeatedPostExtractKeepsThePlanAndTheMark() throws Exception {
        takeover(() -> ledger, copies).takeOver("shop", KEY, "", "");
        takeover(() -> ledger, copies).takeOver("shop", KEY, "", "");

        assertTrue(Files.exists(mark()));
        long deployId = ledger.findDeploy("shop", KEY).orElseThrow().id();
        assertEquals(java.util.Set.of(Phase.PREDEPLOY, Phase.RELEASE), ledger.planOf(deployId).tasks().stream()
                .map(task -> task.phase()).collect(java.util.stream.Collectors.toSet()));
    }

    /** The real copies, with the app.json rewrite failing (a full disk), and optionally every write after it. */
    private static final class FailingCopies implements DeployCopies {
        private final DeployCopies real;
        private final boolean failAppJson;
        private final boolean failRestores;
        private boolean failedOnce;

        FailingCopies(DeployCopies real, boolean failAppJson, boolean failRestores) {
            this.real = real;
            this.failAppJson = failAppJson;
            this.failRestores = failRestores;
        }

        private void failIfRestoring(String what) {
            if (failedOnce && failRestores) {
                throw new UncheckedIOException(new java.io.IOException("No space left on device: " + what));
            }
        }

        @Override
        public Optional<String> readProcfile(String app) {
            return real.readProcfile(app);
        }

        @Override
        public Optional<String> readAppJson(String app) {
            return real.readAppJson(app);
        }

        @Override
        public void writeProcfile(String app, String text) {
            failIfRestoring("Procfile");
            real.writeProcfile(app, text);
        }

        @Override
        public void markProcfileMissing(String app) {
            real.markProcfileMissing(app);
        }

        @Override
        public void writeAppJson(String app, String text) {
            if (failAppJson && !failedOnce) {
                failedOnce = true;
                throw new UncheckedIOException(new java.io.IOException("No space left on device: app.json"));
            }
            failIfRestoring("app.json");
            real.writeAppJson(app, new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
        }

        @Override
        public void markTakenOver(String app) {
            real.markTakenOver(app);
        }

        @Override
        public void clearTakenOver(String app) {
            real.clearTakenOver(app);
        }

        @Override
        public boolean isTakenOver(String app) {
            return real.isTakenOver(app);
        }

        @Override
        public boolean present(String app) {
            return real.present(app);
        }

        @Override
        public void forgetTakeovers(String app) {
            real.forgetTakeovers(app);
        }

        @Override
        public String procfilePath(String app) {
            return real.procfilePath(app);
        }

        @Override
        public String appJsonPath(String app) {
            return real.appJsonPath(app);
        }
    }
}
