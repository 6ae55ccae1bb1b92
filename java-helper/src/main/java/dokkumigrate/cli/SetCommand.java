package dokkumigrate.cli;

import dokkumigrate.deploy.HandBack;
import dokkumigrate.deploy.SettingsUpdate;
import dokkumigrate.deploy.TaskOwnership;
import dokkumigrate.platform.Setting;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** migrate:set APP|--global KEY [VALUE]: sets or unsets a property, as core plugins' :set does. */
@Command(name = "set",
        customSynopsis = "dokku migrate:set APP|--global KEY [VALUE]",
        description = {"Set a migrate property of an app, or globally with --global; an empty or missing VALUE "
                + "unsets it, so the global value or the default applies again. App values override global ones.",
                "Keys: enabled (true|false, default true), timeout (seconds, default 3600), lock-group (a name; "
                + "apps in one group never run tasks at once), scaled-migrations (warn|fail|ignore, default warn), "
                + "output-limit (bytes of output kept in the ledger, default 1048576), keep-runs (runs kept per "
                + "app, default 1000).",
                "Setting enabled to false hands the app's release and predeploy tasks back to Dokku's own runner: "
                + "they go back into its standing Procfile and app.json exactly as they were."})
final class SetCommand implements Callable<Integer> {
    @ParentCommand
    private MigrateHelper top;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @Option(names = "--global", description = "Set the global value, used by every app that has none of its own.")
    private boolean global;

    @Parameters(paramLabel = "APP KEY [VALUE]", arity = "0..3",
            description = "The app (left out with --global), the property's key and its value.")
    private List<String> words = new ArrayList<>();

    @Override
    public Integer call() {
        Services services = top.services();
        List<String> rest = new ArrayList<>(words);
        Optional<String> app = Optional.empty();
        if (!global) {
            if (rest.isEmpty()) {
                throw new UsageError("Please specify an app to run the command on");
            }
            app = Optional.of(AppNames.requireExisting(services.platform(), rest.remove(0)));
        }
        if (rest.size() > 2) {
            throw new UsageError("Too many arguments: migrate:set " + (global ? "--global" : "APP")
                    + " KEY [VALUE] (quote a value that holds spaces)");
        }
        String key = rest.isEmpty() ? "" : rest.get(0);
        String value = rest.size() < 2 ? "" : rest.get(1);
        SettingsUpdate.validate(key, value);
        TaskOwnership ownership = new TaskOwnership(services.properties(), () -> new HandBack(services.ledger(),
                services.standingFiles(), services.console(), services.helper()), services::ledger,
                services.console(), services.helper());
        boolean enabling = key.equals(Setting.ENABLED.key());
        Map<String, Boolean> before = enabling
                ? ownership.enabled(app.map(List::of).orElseGet(() -> services.platform().apps())) : Map.of();
        SettingsUpdate.Change change = new SettingsUpdate(services.properties()).apply(app, key, value);
        Setting setting = change.setting();
        if (change.unset()) {
            services.console().heading("Unsetting " + setting.key());
        } else {
            services.console().heading("Setting " + setting.key() + " to " + change.value());
        }
        if (enabling) {
            String why = "migrate:set " + app.orElse("--global") + " enabled " + (change.unset() ? "(unset)" : change.value());
            return ownership.settle(before, why) ? 0 : 1;
        }
        return 0;
    }
}
