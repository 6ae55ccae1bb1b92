package dokkumigrate.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dokkumigrate.adapters.docker.DockerTaskRunner;
import dokkumigrate.adapters.dokku.DataDirDeployCopies;
import dokkumigrate.adapters.dokku.DataDirStandingFiles;
import dokkumigrate.adapters.dokku.PropertyFileStore;
import dokkumigrate.adapters.files.RunLogFiles;
import dokkumigrate.adapters.lock.FileTaskLocks;
import dokkumigrate.adapters.process.ProcessRunner;
import dokkumigrate.adapters.sqlite.SqliteLedger;
import dokkumigrate.ledger.DeployKey;
import dokkumigrate.output.Console;
import dokkumigrate.platform.AppImage;
import dokkumigrate.platform.Setting;
import dokkumigrate.scan.BootMigrationScanner;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The release triggers' decisions: when nothing is opened, and when the boot-time migration scan runs. */
class ReleaseTriggerTest {
    private static final long PID = 4242;
    private static final DeployKey KEY = new DeployKey(PID, "x");
    private static final AppImage IMAGE = new AppImage("dokku/app:latest");

    @TempDir
    Path dir;
    SqliteLedger ledger;
    PropertyFileStore properties;
    final List<String> asked = new ArrayList<>();
    final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** Thrown by the scanner's supplier, so a test sees that the scan was asked for. */
    static final class ScanAsked extends RuntimeException {
    }

    @BeforeEach
    void setUp() throws Exception {
        ledger = SqliteLedger.open(dir.resolve("ledger.db"), Duration.ofSeconds(5));
        properties = new PropertyFileStore(dir.resolve("config"));
        Files.createDirectories(dir.resolve("data/ps/app"));
    }

    @AfterEach
    void tearDown() {
        ledger.close();
    }

    private <T> Supplier<T> recorded(String name, Supplier<T> supplier) {
        return () -> {
            asked.add(name);
            return supplier.get();
        };
    }

    private ReleaseTrigger trigger() {
        FakeDokku dokku = new FakeDokku(IMAGE.name());
        Console console = new Console(out, new ByteArrayOutputStream(), false);
        DataDirDeployCopies copies = new DataDirDeployCopies(dir, PID);
        ScaledMigrationGate gate = new ScaledMigrationGate(dokku, copies, recorded("scanner", () -> {
            throw new ScanAsked();
        }), console);
        Supplier<DeployTasks> release = () -> new DeployTasks(ledger, new DockerTaskRunner("docker", new ProcessRunner()),
                new FileTaskLocks(dir.resolve("locks")), dokku, new RunLogFiles(dir.resolve("logs")), console,
                ProcessIdentity.current("test-host"), new InFlight(), TaskEnded.NONE);
        return new ReleaseTrigger(properties, recorded("ledger", () -> ledger), recorded("release", release),
                recorded("standing", () -> new StandingTakeover(ledger, copies, new DataDirStandingFiles(dir), console,
                        ProcessIdentity.current("test-host"))),
                gate, recorded("guard", () -> () -> {
                }));
    }

    @Test
    void anAppThePluginIsDisabledForOpensNothing() {
        properties.store(Optional.of("app"), Setting.ENABLED, "false");

        assertEquals(ReleaseTrigger.Outcome.NOTHING_TO_RUN, trigger().run("app", IMAGE, KEY, ""));
        assertEquals(List.of(), asked);
    }

    @Test
    void withNoTaskAndScaledMigrationsIgnoreNothingIsScannedAndNothingRuns() {
        properties.store(Optional.of("app"), Setting.SCALED_MIGRATIONS, "ignore");

        assertEquals(ReleaseTrigger.Outcome.NOTHING_TO_RUN, trigger().run("app", IMAGE, KEY, ""));
        assertTrue(asked.contains("release") && asked.contains("standing"), asked.toString());
        assertTrue(!asked.contains("scanner") && !asked.contains("guard"), asked.toString());
    }

    @Test
    void withNoTaskTheImageIsStillScannedForBootTimeMigrations() throws Exception {
        // the default, warn: a release with no task still warns of a process that migrates at boot
        Files.writeString(dir.resolve("data/ps/app/Procfile." + PID), "web: bin/start\n");
        assertThrows(ScanAsked.class, () -> trigger().run("app", IMAGE, KEY, ""));
        assertTrue(asked.contains("scanner"), asked.toString());
        assertTrue(!asked.contains("guard"), "no task, so no task guard: " + asked);
    }
}
