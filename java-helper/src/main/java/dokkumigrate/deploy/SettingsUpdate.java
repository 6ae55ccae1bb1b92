package dokkumigrate.deploy;

import dokkumigrate.output.TerminalText;
import dokkumigrate.platform.Setting;
import dokkumigrate.platform.SettingsStore;
import dokkumigrate.notify.WebhookUrl;
import java.util.List;
import java.util.Optional;

/**
 * {@code migrate:set}: checks a key and value against {@link Setting} and stores it in Dokku's
 * property store; an empty value removes the property, so the global value or the default
 * applies again. Nothing is written unless both key and value are valid.
 */
public final class SettingsUpdate {
    private final SettingsStore store;

    public SettingsUpdate(SettingsStore store) {
        this.store = store;
    }

    /** A change made: {@code value} empty means the property was unset. */
    public record Change(Setting setting, String value) {
        public boolean unset() {
            return value.isEmpty();
        }

        /** The value as it may be printed: a secret's is cut down to what is safe to show. */
        public String shown() {
            return setting.shown(value);
        }

        /** What to tell the operator about a value that is valid but risky. */
        public List<String> warnings() {
            if (setting == Setting.NOTIFY_URL && !value.isEmpty()) {
                return WebhookUrl.parse(value).flatMap(WebhookUrl::warning).stream().toList();
            }
            return List.of();
        }
    }

    /**
     * @param app empty for the global value
     * @throws Refused when the key or the value is not valid; nothing is written then
     */
    public Change apply(Optional<String> app, String key, String value) {
        Change change = validate(app, key, value);
        store.store(app, change.setting(), change.value());
        return change;
    }

    /**
     * @param app empty for the global value
     * @throws Refused when the key or the value is not valid, or the key has no value per app
     */
    public static Change validate(Optional<String> app, String key, String value) {
        Change change = validate(key, value);
        if (app.isPresent() && change.setting().globalOnly()) {
            throw new Refused(change.setting().key() + " is a global setting: every app of a host shares one ledger. "
                    + "Set it with: dokku migrate:set --global " + change.setting().key() + " VALUE");
        }
        return change;
    }

    public static Change validate(String key, String value) {
        if (key == null || key.isEmpty()) {
            throw new Refused("No key specified, valid keys include: " + Setting.validKeys());
        }
        Setting setting = Setting.byKey(key).orElseThrow(() -> new Refused("Invalid key specified ('"
                + TerminalText.escape(key) + "'), valid keys include: " + Setting.validKeys()));
        String given = value == null ? "" : value;
        Optional<String> unquoted = given.isEmpty() ? Optional.empty() : setting.unquotedProblem(given);
        if (unquoted.isPresent()) {
            // the value is not quoted: a mistyped URL still holds the token or the password
            throw new Refused("Invalid value for " + setting.key() + ": " + unquoted.get() + ". Valid values: "
                    + setting.acceptedValues() + ", or an empty value to unset it");
        }
        if (!given.isEmpty() && !setting.accepts(given)) {
            throw new Refused("Invalid value for " + setting.key() + ": '" + TerminalText.escape(given) + "'. "
                    + "Valid values: " + setting.acceptedValues() + ", or an empty value to unset it");
        }
        return new Change(setting, given);
    }
}
