package dokkumigrate.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dokkumigrate.deploy.MigrateReport;
import dokkumigrate.output.Console;
import dokkumigrate.output.ReportLayout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Unmatched;

/** migrate:report [APP|--global] [--migrate-FLAG] [--format json]: Dokku's report convention. */
@Command(name = "report",
        customSynopsis = "dokku migrate:report [APP|--global] [--migrate-FLAG | --format json]",
        description = {"Display the migrate settings of one app, of every app, or the global ones, in Dokku's "
                + "report format: for each setting the app's value (Migrate timeout), the global value (Migrate "
                + "global timeout) and the value in force (Migrate computed timeout), plus the app's last deploy "
                + "and lock.",
                "A single flag such as --migrate-computed-timeout prints that one raw value. The flags: "
                + "--migrate-KEY, --migrate-global-KEY and --migrate-computed-KEY for each KEY of migrate:set (enabled, "
                + "timeout, lock-group, lock-by, scaled-migrations, output-limit, keep-runs, notify-url, notify-on, "
                + "notify-lines; notify-url shows only its scheme and host); for an app also "
                + "--migrate-last-deploy-{id,origin,at,state,tasks} and --migrate-lock-{key,basis,reason,state,holder} "
                + "(basis: group, database or app; the database's address is never shown); and "
                + "--migrate-docker-api (how the helper reaches Docker: the engine's socket, or the docker client "
                + "and why)."})
final class ReportCommand extends OperatorCommand {
    private static final String PLUGIN = "migrate";

    @Parameters(index = "0", paramLabel = "APP", arity = "0..1",
            description = "The app to report on (default: every app).")
    private String app;

    @Option(names = "--global", description = "Report the global values (and what they compute to) instead of an app's.")
    private boolean global;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "stdout",
            description = "stdout (Dokku's report block) or json (one object per app, keys without the migrate- "
                    + "prefix, string values).")
    private String format;

    @Unmatched
    private List<String> infoFlags = new ArrayList<>();

    @Override
    int run(Services services) throws JsonProcessingException {
        AppNames.requireExistingIfGiven(services.platform(), app);
        OutputFormat output = OutputFormat.named(format);
        if (global && app != null) {
            throw new UsageError("Specify either an app or --global, not both");
        }
        String infoFlag = infoFlag();
        if (!infoFlag.isEmpty() && output == OutputFormat.JSON) {
            throw new UsageError("--format flag cannot be specified when specifying an info flag");
        }
        if (!infoFlag.isEmpty() && !MigrateReport.flags(global).contains(infoFlag)) {
            throw new UsageError("Invalid flag passed, valid flags: " + String.join(", ", MigrateReport.flags(global)));
        }
        MigrateReport report = services.migrateReport();
        List<String> apps = global ? List.of(MigrateReport.GLOBAL) : app != null ? List.of(app) : report.apps();
        Console console = services.console();
        if (apps.isEmpty()) {
            console.warn("You haven't deployed any applications yet");
            return 0;
        }
        for (String name : apps) {
            SortedMap<String, String> values = report.of(name);
            if (!infoFlag.isEmpty()) {
                console.plain(values.get(infoFlag));
            } else if (output == OutputFormat.JSON) {
                OutputFormat.printJson(console, json(values));
            } else {
                console.heading(ReportLayout.heading(name, PLUGIN));
                ReportLayout.rows(values).forEach(row -> console.plain("       " + row));
            }
        }
        return 0;
    }

    /** The one info flag given, or empty; anything else left over is an error. */
    private String infoFlag() {
        List<String> flags = new ArrayList<>();
        for (String argument : infoFlags) {
            if (!argument.startsWith("-")) {
                throw new UsageError("Unexpected argument '" + escape(argument) + "': migrate:report takes one app "
                        + "at most");
            }
            flags.add(argument);
        }
        if (flags.size() > 1) {
            throw new UsageError("migrate:report command allows only a single flag");
        }
        return flags.isEmpty() ? "" : flags.get(0);
    }

    /** Dokku's JSON report: the flags without their --migrate- prefix, every value a string. */
    static Map<String, String> json(Map<String, String> values) {
        Map<String, String> json = new LinkedHashMap<>();
        values.forEach((flag, value) -> json.put(flag.substring(MigrateReport.PREFIX.length()), value));
        return json;
    }

    private static String escape(String text) {
        return dokkumigrate.output.TerminalText.escape(text);
    }
}
