package dokkumigrate.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SettingsStoreTest {
    private final MapStore store = new MapStore();

    @Test
    void anAppWithNothingStoredGetsTheDefaults() {
        Settings settings = store.settingsOf("web");

        assertEquals(new Settings(true, Duration.ofSeconds(3600), "", Settings.ScaledMigrations.WARN, 1_048_576, 1000),
                settings);
        assertEquals("app.web", store.lockChoice("web", java.util.Map::of).key());
    }

    @Test
    void theAppsValueWinsOverTheGlobalOne() {
        store.store(Optional.empty(), Setting.TIMEOUT, "900");
        store.store(Optional.of("web"), Setting.TIMEOUT, "60");

        assertEquals("60", store.effective("web", Setting.TIMEOUT));
        assertEquals("900", store.effective("api", Setting.TIMEOUT));
        assertEquals(Duration.ofSeconds(60), store.settingsOf("web").timeout());
        assertEquals(Duration.ofSeconds(900), store.settingsOf("api").timeout());
    }

    @Test
    void everySettingIsReadIntoSettings() {
        store.store(Optional.of("web"), Setting.ENABLED, "false");
        store.store(Optional.of("web"), Setting.LOCK_GROUP, "main-db");
        store.store(Optional.empty(), Setting.SCALED_MIGRATIONS, "fail");
        store.store(Optional.of("web"), Setting.OUTPUT_LIMIT, "4096");
        store.store(Optional.empty(), Setting.KEEP_RUNS, "5");

        Settings settings = store.settingsOf("web");

        assertEquals(new Settings(false, Duration.ofSeconds(3600), "main-db", Settings.ScaledMigrations.FAIL, 4096, 5),
                settings);
        assertEquals("group.main-db", store.lockChoice("web", java.util.Map::of).key());
    }

    @Test
    void aHandEditedValueThatSetWouldRefuseIsReportedNotMisread() {
        store.values.put("web/enabled", "yes");

        InvalidSetting invalid = assertThrows(InvalidSetting.class, () -> store.settingsOf("web"));

        assertTrue(invalid.getMessage().contains("enabled"), invalid.getMessage());
        assertTrue(invalid.getMessage().contains("'yes'"), invalid.getMessage());
        assertTrue(invalid.getMessage().contains("dokku migrate:set web enabled"), invalid.getMessage());
    }

    @Test
    void aGlobalTimeoutWithAUnitIsReported() {
        store.values.put("--global/timeout", "10m");

        InvalidSetting invalid = assertThrows(InvalidSetting.class, () -> store.settingsOf("web"));

        assertTrue(invalid.getMessage().contains("timeout in force for web is '10m'"), invalid.getMessage());
    }

    /** The store reduced to its storage: everything else is the interface's own logic. */
    private static final class MapStore implements SettingsStore {
        final Map<String, String> values = new HashMap<>();

        @Override
        public Optional<String> stored(Optional<String> app, Setting setting) {
            return Optional.ofNullable(values.get(app.orElse("--global") + "/" + setting.key()));
        }

        @Override
        public void store(Optional<String> app, Setting setting, String value) {
            values.put(app.orElse("--global") + "/" + setting.key(), value);
        }

        @Override
        public void deleteApp(String app) {
            values.keySet().removeIf(key -> key.startsWith(app + "/"));
        }

        @Override
        public void copyApp(String fromApp, String toApp) {
            throw new UnsupportedOperationException();
        }
    }
}
