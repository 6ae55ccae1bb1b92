package dokkumigrate.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dokkumigrate.deploy.Doctor;
import dokkumigrate.output.Console;
import dokkumigrate.output.TerminalText;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** migrate:doctor [APP]: each check with a verdict and a next step; non-zero exit when one fails. */
@Command(name = "doctor",
        customSynopsis = "dokku migrate:doctor [APP] [--format json]",
        description = {"Check an app's deployment tasks for problems: the ledger's health, the settings, the lock, "
                + "the standing plan and the last deploy, the deployed image, whether Dokku's own runner would "
                + "still run a task the plugin runs (it would run twice), and migrations run at boot.",
                "Each check says ok, warning or failure, and what to do next. Without APP, only the host's checks "
                + "run. Exits non-zero when a check fails."})
final class DoctorCommand extends OperatorCommand {
    @Parameters(index = "0", paramLabel = "APP", arity = "0..1", description = "The app to check.")
    private String app;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "stdout",
            description = "stdout (one block per check) or json (an object with every check).")
    private String format;

    @Override
    int run(Services services) throws JsonProcessingException {
        AppNames.requireExistingIfGiven(services.platform(), app);
        OutputFormat output = OutputFormat.named(format);
        Doctor doctor = services.doctor();
        List<Doctor.Check> checks = app == null ? doctor.host() : doctor.app(app);
        Doctor.Verdict overall = Doctor.overall(checks);
        Console console = services.console();
        if (output == OutputFormat.JSON) {
            OutputFormat.printJson(console, json(app, overall, checks));
        } else {
            print(console, checks);
        }
        return overall == Doctor.Verdict.FAILURE ? 1 : 0;
    }

    private void print(Console console, List<Doctor.Check> checks) {
        console.plain("=====> " + (app == null ? "migrate" : app + " migrate") + " doctor");
        for (Doctor.Check check : checks) {
            // findings quote the ledger and the image (hosts, commands): escaped, so none moves the cursor
            console.plain("-----> " + check.title() + ": " + check.verdict().label());
            console.plain("       " + TerminalText.escape(check.finding()));
            check.details().forEach(line -> console.plain("         " + TerminalText.escape(line)));
            check.nextStep().ifPresent(next -> console.plain("       Next step: " + TerminalText.escape(next)));
        }
        long failures = checks.stream().filter(c -> c.verdict() == Doctor.Verdict.FAILURE).count();
        long warnings = checks.stream().filter(c -> c.verdict() == Doctor.Verdict.WARNING).count();
        String summary = failures + (failures == 1 ? " failure, " : " failures, ") + warnings
                + (warnings == 1 ? " warning, " : " warnings, ") + (checks.size() - failures - warnings) + " ok";
        console.plain("=====> " + summary);
        if (failures > 0) {
            console.warn((app == null ? "The host" : app) + " failed " + failures + " of " + checks.size()
                    + " checks: see the next steps above");
        }
    }

    /** The JSON shape of {@code migrate:doctor --format json}. */
    static Map<String, Object> json(String app, Doctor.Verdict overall, List<Doctor.Check> checks) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("app", app);
        json.put("verdict", overall.label());
        json.put("checks", checks.stream().map(check -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("id", check.id());
            entry.put("title", check.title());
            entry.put("verdict", check.verdict().label());
            entry.put("finding", check.finding());
            entry.put("details", check.details());
            entry.put("next_step", check.nextStep().orElse(null));
            return entry;
        }).toList());
        return json;
    }
}
