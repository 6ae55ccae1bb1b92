package dokkumigrate.adapters.dokku;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dokkumigrate.platform.Setting;
import dokkumigrate.platform.Settings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PropertyFileStoreTest {
    @TempDir
    Path libRoot;
    Path config;
    PropertyFileStore store;

    @BeforeEach
    void setUp() {
        config = libRoot.resolve("config");
        store = new PropertyFileStore(config);
    }

    @Test
    void aStoredValueLivesWhereDokkusPropertyHelpersKeepIt() throws Exception {
        store.store(Optional.of("web"), Setting.TIMEOUT, "600");

        Path file = config.resolve("migrate/web/timeout");
        assertEquals("600", Files.readString(file, StandardCharsets.UTF_8));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(Optional.of("600"), store.stored(Optional.of("web"), Setting.TIMEOUT));
    }

    @Test
    void globalValuesLiveUnderDashDashGlobal() throws Exception {
        store.store(Optional.empty(), Setting.LOCK_GROUP, "main-db");

        assertEquals("main-db", Files.readString(config.resolve("migrate/--global/lock-group")));
        assertEquals(Optional.of("main-db"), store.stored(Optional.empty(), Setting.LOCK_GROUP));
        assertEquals(Optional.empty(), store.stored(Optional.of("web"), Setting.LOCK_GROUP));
    }

    @Test
    void storingAgainReplacesTheValueAndLeavesNoTemporaryFile() throws Exception {
        store.store(Optional.of("web"), Setting.TIMEOUT, "600");
        store.store(Optional.of("web"), Setting.TIMEOUT, "60");

        assertEquals(Optional.of("60"), store.stored(Optional.of("web"), Setting.TIMEOUT));
        assertEquals(List.of("timeout"), namesIn(config.resolve("migrate/web")));
    }

    @Test
    void anEmptyValueRemovesTheProperty() {
        store.store(Optional.of("web"), Setting.TIMEOUT, "600");

        store.store(Optional.of("web"), Setting.TIMEOUT, "");

        assertFalse(Files.exists(config.resolve("migrate/web/timeout")));
        assertEquals(Optional.empty(), store.stored(Optional.of("web"), Setting.TIMEOUT));
        // removing what is not there is fine too
        store.store(Optional.of("api"), Setting.TIMEOUT, "");
    }

    @Test
    void anEmptyOrBlankFileCountsAsUnsetAndValuesAreTrimmed() throws Exception {
        Files.createDirectories(config.resolve("migrate/web"));
        Files.writeString(config.resolve("migrate/web/timeout"), "");
        Files.writeString(config.resolve("migrate/web/keep-runs"), " \n");
        Files.writeString(config.resolve("migrate/web/lock-group"), "main-db\n");

        assertEquals(Optional.empty(), store.stored(Optional.of("web"), Setting.TIMEOUT));
        assertEquals(Optional.empty(), store.stored(Optional.of("web"), Setting.KEEP_RUNS));
        assertEquals(Optional.of("main-db"), store.stored(Optional.of("web"), Setting.LOCK_GROUP));
    }

    @Test
    void otherPluginsPropertiesAreReadFromTheSameStore() throws Exception {
        Files.createDirectories(config.resolve("scheduler/web"));
        Files.writeString(config.resolve("scheduler/web/shell"), "/bin/sh");

        assertEquals(Optional.of("/bin/sh"), store.read("scheduler", Optional.of("web"), "shell"));
        assertEquals(Optional.empty(), store.read("scheduler", Optional.empty(), "shell"));
        assertEquals(Optional.empty(), store.read("nope", Optional.of("web"), "shell"));
    }

    @Test
    void theEffectiveValueIsTheAppsElseTheGlobalElseTheDefault() {
        assertEquals("3600", store.effective("web", Setting.TIMEOUT));

        store.store(Optional.empty(), Setting.TIMEOUT, "900");
        assertEquals("900", store.effective("web", Setting.TIMEOUT));

        store.store(Optional.of("web"), Setting.TIMEOUT, "60");
        assertEquals("60", store.effective("web", Setting.TIMEOUT));
        assertEquals("900", store.effective("api", Setting.TIMEOUT));

        store.store(Optional.of("web"), Setting.TIMEOUT, "");
        assertEquals("900", store.effective("web", Setting.TIMEOUT));
    }

    @Test
    void settingsOfAnUnconfiguredAppAreTheDefaults() {
        assertEquals(new Settings(true, Duration.ofHours(1), "", Settings.ScaledMigrations.WARN, 1_048_576, 1000),
                store.settingsOf("web"));
    }

    @Test
    void settingsOfMixAppAndGlobalValues() {
        store.store(Optional.empty(), Setting.LOCK_GROUP, "main-db");
        store.store(Optional.empty(), Setting.SCALED_MIGRATIONS, "ignore");
        store.store(Optional.of("web"), Setting.ENABLED, "false");
        store.store(Optional.of("web"), Setting.KEEP_RUNS, "20");

        assertEquals(new Settings(false, Duration.ofHours(1), "main-db", Settings.ScaledMigrations.IGNORE, 1_048_576, 20),
                store.settingsOf("web"));
        assertEquals(new Settings(true, Duration.ofHours(1), "main-db", Settings.ScaledMigrations.IGNORE, 1_048_576, 1000),
                store.settingsOf("api"));
    }

    @Test
    void deletingAnAppRemovesItsPropertiesOnly() {
        store.store(Optional.of("web"), Setting.TIMEOUT, "60");
        store.store(Optional.of("web"), Setting.LOCK_GROUP, "main-db");
        store.store(Optional.of("api"), Setting.TIMEOUT, "30");
        store.store(Optional.empty(), Setting.TIMEOUT, "900");

        store.deleteApp("web");

        assertFalse(Files.exists(config.resolve("migrate/web")));
        assertEquals("900", store.effective("web", Setting.TIMEOUT));
        assertEquals("30", store.effective("api", Setting.TIMEOUT));
        store.deleteApp("never-configured");
    }

    @Test
    void copyingAnAppCopiesEveryProperty() {
        store.store(Optional.of("web"), Setting.TIMEOUT, "60");
        store.store(Optional.of("web"), Setting.LOCK_GROUP, "main-db");
        store.store(Optional.of("copy"), Setting.TIMEOUT, "5");

        store.copyApp("web", "copy");

        assertEquals(Optional.of("60"), store.stored(Optional.of("copy"), Setting.TIMEOUT));
        assertEquals(Optional.of("main-db"), store.stored(Optional.of("copy"), Setting.LOCK_GROUP));
        assertEquals(Optional.of("60"), store.stored(Optional.of("web"), Setting.TIMEOUT));
    }

    @Test
    void copyingAnAppWithoutPropertiesDoesNothing() {
        store.copyApp("web", "copy");

        assertFalse(Files.exists(config.resolve("migrate/copy")));
    }

    private static List<String> namesIn(Path directory) throws Exception {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
