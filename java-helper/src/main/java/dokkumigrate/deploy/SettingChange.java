package dokkumigrate.deploy;

import dokkumigrate.output.Console;
import dokkumigrate.platform.Setting;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code migrate:set}: one property changed, with what the change brings along. A {@code ledger-url}
 * switches the ledger (checked and filled before it is saved); {@code enabled} hands the tasks of
 * the apps it turns off back to Dokku and takes over those it turns on; any other key is stored.
 */
public final class SettingChange {
    private final SettingsUpdate update;
    private final Supplier<SharedLedgerSwitch> ledgerSwitch;
    private final Supplier<TaskOwnership> ownership;
    private final Supplier<List<String>> allApps;
    private final Console console;

    public SettingChange(SettingsUpdate update, Supplier<SharedLedgerSwitch> ledgerSwitch,
                         Supplier<TaskOwnership> ownership, Supplier<List<String>> allApps, Console console) {
        this.update = update;
        this.ledgerSwitch = ledgerSwitch;
        this.ownership = ownership;
        this.allApps = allApps;
        this.console = console;
    }

    /**
     * @param app empty for the global value
     * @return false when the change was saved but an app's tasks could not be handed back or taken over
     * @throws Refused when the key or the value is not valid; nothing is written then
     */
    public boolean apply(Optional<String> app, String key, String value) {
        SettingsUpdate.Change valid = SettingsUpdate.validate(app, key, value);
        if (valid.setting() == Setting.LEDGER_URL) {
            ledgerSwitch.get().apply(valid.value());
            return true;
        }
        boolean enabling = valid.setting() == Setting.ENABLED;
        TaskOwnership owner = enabling ? ownership.get() : null;
        Map<String, Boolean> before = enabling ? owner.enabled(app.map(List::of).orElseGet(allApps)) : Map.of();
        SettingsUpdate.Change change = update.apply(app, key, value);
        Setting setting = change.setting();
        if (change.unset()) {
            console.heading("Unsetting " + setting.key());
        } else if (setting.secret()) {
            console.heading("Setting " + setting.key() + " to " + change.shown()
                    + " (the rest of the URL is a secret: never shown)");
        } else {
            console.heading("Setting " + setting.key() + " to " + change.value());
        }
        change.warnings().forEach(console::warn);
        if (enabling) {
            String why = "migrate:set " + app.orElse("--global") + " enabled " + (change.unset() ? "(unset)" : change.value());
            return owner.settle(before, why);
        }
        return true;
    }
}
