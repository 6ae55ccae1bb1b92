package dokkumigrate.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dokkumigrate.deploy.StatusReport;
import dokkumigrate.output.Console;
import dokkumigrate.output.Table;
import dokkumigrate.output.TerminalText;
import dokkumigrate.run.TaskRun;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.Instant;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** migrate:status APP: the latest deploy's tasks and the recent history. */
@Command(name = "status", customSynopsis = "dokku migrate:status APP [--all | --limit N] [--migrations] [--format json]",
        description = {"Show the deployment tasks of an app's latest deploy and the deploys before it, with each "
                + "task run's state, exit code, duration, image and how many migrations it applied (times in UTC).",
                "See a run's output with: dokku migrate:logs APP RUN_ID"})
final class StatusCommand extends OperatorCommand {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "APP", description = "The app to show.")
    private String app;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "stdout",
            description = "Output format: stdout (tables) or json (the shape documented in the README).")
    private String format;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "10",
            description = "How many deploys to show, the latest included (default: ${DEFAULT-VALUE}); "
                    + "the ledger keeps the last keep-runs runs.")
    private int limit;

    @Option(names = "--all", description = "Show every deploy the ledger keeps.")
    private boolean all;

    @Option(names = "--migrations", description = "List the migrations each run applied, under its deploy.")
    private boolean migrations;

    @Override
    int run(Services services) throws JsonProcessingException {
        AppNames.requireExisting(services.platform(), app);
        OutputFormat output = OutputFormat.named(format);
        if (all && spec.commandLine().getParseResult().hasMatchedOption("--limit")) {
            throw new UsageError("--all and --limit cannot be used together: --all shows every deploy the ledger keeps");
        }
        if (limit < 1) {
            throw new UsageError("--limit must be 1 or more");
        }
        StatusReport.AppStatus status = services.statusReport().of(app, all ? Integer.MAX_VALUE : limit);
        Console console = services.console();
        if (output == OutputFormat.JSON) {
            OutputFormat.printJson(console, StatusReport.toJson(status));
            return 0;
        }
        console.plain("=====> " + app + " deployment tasks");
        if (status.latest().isEmpty()) {
            console.plain("       No deploy recorded yet: the next deploy's release and predeploy tasks will show here.");
            return 0;
        }
        StatusReport.DeployRuns latest = status.latest().get();
        console.plain("       Latest deploy: #" + latest.deploy().id() + " (" + describe(latest) + ")");
        Table tasks = new Table("Run", "Phase", "Source", "State", "Exit", "Duration", "Migrations", "Started", "Host",
                "Image", "Command");
        for (TaskRun run : latest.runs()) {
            tasks.row("#" + run.id(), run.phase().label(), run.phase().source().label(), run.state().label(),
                    run.exitCode().map(String::valueOf).orElse("-"), duration(run),
                    Integer.toString(status.appliedBy(run).size()), time(run.startedAt()), run.host(), run.image(),
                    run.command());
        }
        if (tasks.isEmpty()) {
            console.plain("       No task has run for this deploy yet.");
        } else {
            tasks.lines().forEach(line -> console.plain("       " + line));
        }
        // why a run was skipped (another host's run, Dokku's own runner) or how it ended
        latest.runs().stream().filter(run -> !run.detail().isEmpty()).forEach(run -> console.plain("       Run #"
                + run.id() + " (" + run.state().label() + "): " + TerminalText.escape(run.detail())));
        if (migrations) {
            printMigrations(console, status, latest.runs());
        }
        if (!status.history().isEmpty()) {
            console.plain("=====> " + app + " earlier deploys");
            Table history = new Table("Deploy", "Origin", "Run", "Phase", "State", "Exit", "Duration", "Migrations",
                    "Started");
            for (StatusReport.DeployRuns entry : status.history()) {
                if (entry.runs().isEmpty()) {
                    history.row("#" + entry.deploy().id(), entry.deploy().origin().label(), "-", "-", "planned", "-", "-",
                            "-", TIME.format(entry.deploy().createdAt()));
                }
                for (TaskRun run : entry.runs()) {
                    history.row("#" + entry.deploy().id(), entry.deploy().origin().label(), "#" + run.id(),
                            run.phase().label(), run.state().label(), run.exitCode().map(String::valueOf).orElse("-"),
                            duration(run), Integer.toString(status.appliedBy(run).size()), time(run.startedAt()));
                }
            }
            history.lines().forEach(line -> console.plain("       " + line));
            if (migrations) {
                printMigrations(console, status, status.history().stream().flatMap(e -> e.runs().stream()).toList());
            }
        }
        if (status.moreDeploys()) {
            console.plain("       Older deploys are not shown: dokku migrate:status " + app + " --all");
        }
        return 0;
    }

    /** Under a table: the migrations each of its runs applied, in the order they were seen. */
    private static void printMigrations(Console console, StatusReport.AppStatus status, java.util.List<TaskRun> runs) {
        for (TaskRun run : runs) {
            java.util.List<dokkumigrate.ledger.Ledger.Applied> applied = status.appliedBy(run);
            if (applied.isEmpty()) {
                continue;
            }
            console.plain("       Migrations applied by run #" + run.id() + " (" + run.phase().label() + ", "
                    + run.state().label() + "):");
            Table table = new Table("Framework", "Migration", "Name", "Seen");
            applied.forEach(a -> table.row(a.migration().framework(), a.migration().id(),
                    a.migration().name().isEmpty() ? "-" : a.migration().name(), TIME.format(a.seenAt())));
            table.lines().forEach(line -> console.plain("         " + line));
        }
    }

    private static String describe(StatusReport.DeployRuns entry) {
        String origin = switch (entry.deploy().origin()) {
            case EXTRACTED -> "build";
            case STANDING -> "release without a new build";
            case MANUAL -> "manual run";
        };
        String trigger = entry.deploy().trigger().isEmpty() ? "" : ", " + entry.deploy().trigger();
        String rolledOut = entry.deploy().rolledOutAt().map(at -> ", rolled out " + TIME.format(at)).orElse(", not rolled out");
        return origin + trigger + ", planned " + TIME.format(entry.deploy().createdAt()) + rolledOut;
    }

    private static String duration(TaskRun run) {
        return run.duration().map(d -> String.format("%.1fs", d.toMillis() / 1000.0)).orElse("-");
    }

    private static String time(Optional<Instant> instant) {
        return instant.map(TIME::format).orElse("-");
    }
}
