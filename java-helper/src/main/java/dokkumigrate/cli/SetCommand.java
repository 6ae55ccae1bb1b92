package dokkumigrate.cli;

import dokkumigrate.platform.Setting;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** migrate:set APP|--global KEY [VALUE]: sets or unsets a property, as core plugins' :set does. */
@Command(name = "set",
        customSynopsis = "dokku migrate:set APP|--global KEY [VALUE]",
        description = {"Set a migrate property of an app, or globally with --global; an empty or missing VALUE "
                + "unsets it, so the global value or the default applies again. App values override global ones.",
                "Keys: enabled (true|false, default true), timeout (seconds, default 3600), lock-group (a name; "
                + "apps in one group never run tasks at once), lock-by (config keys holding the database URL, "
                + "default DATABASE_URL, or none; without a lock-group, apps whose URLs name one database share a "
                + "lock), scaled-migrations (warn|fail|ignore, default warn), "
                + "output-limit (bytes of output kept in the ledger, default 1048576), keep-runs (runs kept per "
                + "app, default 1000), notify-url (an http(s) URL each finished task run is POSTed to as JSON; a "
                + "secret, shown only as scheme and host), notify-on (failure|always|never, default failure), "
                + "notify-lines (output lines sent, 0 to 1000, default 20), ledger-url (global only: "
                + "postgresql://USER@HOST:PORT/DATABASE, the ledger and locks several hosts share; the password "
                + "comes from ~/.pgpass, never the URL; saved once the server answered, the schema is in place and "
                + "this host's history is copied; empty: this host's SQLite ledger).",
                "A VALUE of - for notify-url reads the URL from the first line of stdin, so it never shows in a "
                + "process list: echo \"$URL\" | dokku migrate:set APP notify-url -",
                "Setting enabled to false hands the app's release and predeploy tasks back to Dokku's own runner: "
                + "they go back into its standing Procfile and app.json exactly as they were."})
final class SetCommand extends OperatorCommand {
    @Option(names = "--global", description = "Set the global value, used by every app that has none of its own.")
    private boolean global;

    @Parameters(paramLabel = "APP KEY [VALUE]", arity = "0..3",
            description = "The app (left out with --global), the property's key and its value.")
    private List<String> words = new ArrayList<>();

    /** A secret's value given as "-" is read from stdin, so that it never shows in a process list. */
    static final String FROM_STDIN = "-";
    private static final int MAX_STDIN = 8192;

    @Override
    int run(Services services) {
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
        if (value.equals(FROM_STDIN) && Setting.byKey(key).map(Setting::secret).orElse(false)) {
            value = firstLine(System.in);
        }
        return services.settingChange().apply(app, key, value) ? 0 : 1;
    }

    /** The first line on stdin, stripped; refused when there is none. */
    static String firstLine(InputStream in) {
        byte[] bytes;
        try {
            bytes = in.readNBytes(MAX_STDIN);
        } catch (IOException e) {
            throw new UsageError("Could not read the value from stdin: " + e.getMessage());
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        int newline = text.indexOf('\n');
        String line = (newline < 0 ? text : text.substring(0, newline)).strip();
        if (line.isEmpty()) {
            throw new UsageError("No value on stdin: pipe it in, e.g. echo \"$URL\" | dokku migrate:set APP notify-url -");
        }
        return line;
    }
}
