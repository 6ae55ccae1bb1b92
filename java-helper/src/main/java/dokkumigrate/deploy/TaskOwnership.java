package dokkumigrate.deploy;

import dokkumigrate.ledger.Ledger;
import dokkumigrate.output.Console;
import dokkumigrate.platform.Setting;
import dokkumigrate.platform.SettingsStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Who runs an app's tasks after {@code migrate:set ... enabled}: every app the change leaves
 * disabled gets its tasks handed back to Dokku's own runner (again, harmlessly, if they already
 * are); an app it enables is told when the plugin takes them over: at its next release.
 */
public final class TaskOwnership {
    private final SettingsStore settings;
    private final Supplier<HandBack> handBack;
    private final Supplier<Ledger> ledger;
    private final Console console;
    private final ProcessIdentity helper;

    public TaskOwnership(SettingsStore settings, Supplier<HandBack> handBack, Supplier<Ledger> ledger, Console console,
                         ProcessIdentity helper) {
        this.settings = settings;
        this.handBack = handBack;
        this.ledger = ledger;
        this.console = console;
        this.helper = helper;
    }

    /** The {@code enabled} value in force for each app, before a change. */
    public Map<String, Boolean> enabled(List<String> apps) {
        Map<String, Boolean> enabled = new LinkedHashMap<>();
        apps.forEach(app -> enabled.put(app, Boolean.parseBoolean(settings.effective(app, Setting.ENABLED))));
        return enabled;
    }

    /**
     * After a change of {@code enabled}: hands back the tasks of every app now disabled.
     *
     * @param before the values {@link #enabled} gave before the change
     * @return false when an app's tasks could not be handed back (reported)
     */
    public boolean settle(Map<String, Boolean> before, String why) {
        boolean all = true;
        for (Map.Entry<String, Boolean> app : enabled(List.copyOf(before.keySet())).entrySet()) {
            String name = app.getKey();
            if (!app.getValue()) {
                all &= handBack.get().handBack(name, why);
            } else if (!before.get(name)) {
                console.step("migrate takes the deployment tasks of " + name + " over again at its next release");
                console.detail("A build (git push, ps:rebuild) runs them through the plugin; on a release without a "
                        + "build (config:set, ps:start) Dokku's own runner runs them that once, and the plugin takes "
                        + "them out of the standing Procfile/app.json for the releases after it");
                ledger.get().recordEvent(name, "enabled", why, helper.clock().instant());
            }
        }
        return all;
    }
}
