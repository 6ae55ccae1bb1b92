package dokkumigrate.platform;

import dokkumigrate.notify.NotifyOn;
import dokkumigrate.notify.NotifySettings;
import dokkumigrate.notify.WebhookUrl;
import dokkumigrate.run.LockChoice;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** Where the plugin's properties live (Dokku's property store): app value over global over default. */
public interface SettingsStore {
    /** The value stored for an app, or for the global scope when {@code app} is empty. */
    Optional<String> stored(Optional<String> app, Setting setting);

    /** Stores a value; an empty value removes the property. */
    void store(Optional<String> app, Setting setting, String value);

    /** Removes every property of an app. */
    void deleteApp(String app);

    void copyApp(String fromApp, String toApp);

    /** The value in force for an app: its own (never for a global-only setting), else the global one, else the default. */
    default String effective(String app, Setting setting) {
        return (setting.globalOnly() ? Optional.<String>empty() : stored(Optional.of(app), setting))
                .or(() -> stored(Optional.empty(), setting))
                .orElse(setting.defaultValue());
    }

    default Settings settingsOf(String app) {
        return new Settings(
                Boolean.parseBoolean(valid(app, Setting.ENABLED)),
                java.time.Duration.ofSeconds(Long.parseLong(valid(app, Setting.TIMEOUT))),
                valid(app, Setting.LOCK_GROUP),
                Settings.ScaledMigrations.valueOf(valid(app, Setting.SCALED_MIGRATIONS).toUpperCase(java.util.Locale.ROOT)),
                Integer.parseInt(valid(app, Setting.OUTPUT_LIMIT)),
                Integer.parseInt(valid(app, Setting.KEEP_RUNS)));
    }

    /**
     * The notification settings in force for an app.
     *
     * @throws InvalidSetting when a value in force is one {@code migrate:set} would refuse
     */
    default NotifySettings notifySettingsOf(String app) {
        String url = valid(app, Setting.NOTIFY_URL);
        return new NotifySettings(url.isEmpty() ? Optional.empty() : WebhookUrl.parse(url),
                NotifyOn.parse(valid(app, Setting.NOTIFY_ON)).orElseThrow(),
                Integer.parseInt(valid(app, Setting.NOTIFY_LINES)));
    }

    /**
     * The lock the app's tasks run under (see {@link LockChoice}); the app's config is asked only
     * when the lock depends on it (no lock-group, lock-by not none).
     */
    default LockChoice lockChoice(String app, Supplier<Map<String, String>> config) {
        String group = valid(app, Setting.LOCK_GROUP);
        List<String> lockBy = List.of(valid(app, Setting.LOCK_BY).split(","));
        boolean needsConfig = group.isEmpty() && !lockBy.equals(List.of(LockChoice.NONE));
        return LockChoice.of(app, group, lockBy, needsConfig ? config.get() : Map.of());
    }

    /**
     * As {@link #lockChoice}, for what only shows or clears a lock (report, doctor, unlock): when
     * Dokku cannot give the app's config, the app's own lock, with a reason saying why.
     */
    default LockChoice lockChoiceOrOwn(String app, Supplier<Map<String, String>> config) {
        try {
            return lockChoice(app, config);
        } catch (InvalidSetting invalidSetting) {
            throw invalidSetting;
        } catch (RuntimeException unreadable) {
            LockChoice own = LockChoice.of(app, "", List.of(LockChoice.NONE), Map.of());
            return new LockChoice(own.key(), own.basis(), "the config of " + app + " could not be read (plugn "
                    + "trigger config-export), so its database is unknown", own.notice());
        }
    }

    /**
     * The value in force, refused when it is one {@code migrate:set} would refuse (a file edited by
     * hand): "yes" must not quietly read as enabled=false, nor "10m" fail as a bare number error.
     */
    private String valid(String app, Setting setting) {
        String value = effective(app, setting);
        if (!value.equals(setting.defaultValue()) && !setting.accepts(value)) {
            throw new InvalidSetting("The migrate property " + setting.key() + " in force for " + app
                    + " is " + (setting.secret() ? "set" : "'" + value + "'") + ", which is not valid: " + setting.description()
                    + ". Set it again with: dokku migrate:set " + app + " " + setting.key() + " VALUE"
                    + " (or --global)");
        }
        return value;
    }
}
