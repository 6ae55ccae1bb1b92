package dokkumigrate.platform;

import java.util.Optional;

/** Where the plugin's properties live (Dokku's property store): app value over global over default. */
public interface SettingsStore {
    /** The value stored for an app, or for the global scope when {@code app} is empty. */
    Optional<String> stored(Optional<String> app, Setting setting);

    /** Stores a value; an empty value removes the property. */
    void store(Optional<String> app, Setting setting, String value);

    /** Removes every property of an app. */
    void deleteApp(String app);

    void copyApp(String fromApp, String toApp);

    /** The value in force for an app: its own, else the global one, else the default. */
    default String effective(String app, Setting setting) {
        return stored(Optional.of(app), setting)
                .or(() -> stored(Optional.empty(), setting))
                .orElse(setting.defaultValue());
    }

    default Settings settingsOf(String app) {
        return new Settings(
                Boolean.parseBoolean(effective(app, Setting.ENABLED)),
                java.time.Duration.ofSeconds(Long.parseLong(effective(app, Setting.TIMEOUT))),
                effective(app, Setting.LOCK_GROUP),
                Settings.ScaledMigrations.valueOf(effective(app, Setting.SCALED_MIGRATIONS).toUpperCase(java.util.Locale.ROOT)),
                Integer.parseInt(effective(app, Setting.OUTPUT_LIMIT)),
                Integer.parseInt(effective(app, Setting.KEEP_RUNS)));
    }
}
