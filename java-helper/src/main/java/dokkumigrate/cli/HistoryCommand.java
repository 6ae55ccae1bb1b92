package dokkumigrate.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dokkumigrate.deploy.MigrationHistory;
import dokkumigrate.ledger.Ledger;
import dokkumigrate.output.Console;
import dokkumigrate.output.Table;
import dokkumigrate.output.TerminalText;
import dokkumigrate.run.TaskRun;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** migrate:history APP [--migration ID]: the migrations the app's task runs applied, newest first. */
@Command(name = "history", customSynopsis = "dokku migrate:history APP [--migration ID] [--limit N] [--format json]",
        description = {"List the migrations the app's release and predeploy tasks applied, newest first, each with "
                + "the run, deploy, image and host that applied it and when (times in UTC).",
                "Migrations are recognised in the tasks' output, as each framework reports them. With --migration, "
                + "say which run applied that migration (exit 0), or that none did (exit 1)."})
final class HistoryCommand extends OperatorCommand {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    @Parameters(index = "0", paramLabel = "APP", description = "The app whose migrations to list.")
    private String app;

    @Option(names = "--migration", paramLabel = "ID",
            description = "Only this migration: its id (20240101000000, app.0001_initial), the id's leading version "
                    + "(20240101000000 for 20240101000000_init) or its name (AddUsers).")
    private String migration;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "100",
            description = "How many migrations to list (default: ${DEFAULT-VALUE}); the ledger keeps those of the "
                    + "last keep-runs runs.")
    private int limit;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "stdout",
            description = "Output format: stdout (a table) or json (the shape documented in the README).")
    private String format;

    @Override
    int run(Services services) throws JsonProcessingException {
        AppNames.requireExisting(services.platform(), app);
        OutputFormat output = OutputFormat.named(format);
        if (limit < 1) {
            throw new UsageError("--limit must be 1 or more");
        }
        if (migration != null && (migration.isBlank() || migration.length() > 200)) {
            throw new UsageError("--migration needs a migration id or name of 1 to 200 characters");
        }
        MigrationHistory.Entries entries = services.migrationHistory().of(app, Optional.ofNullable(migration),
                limit);
        Console console = services.console();
        int exit = migration != null && entries.applied().isEmpty() ? 1 : 0;
        if (output == OutputFormat.JSON) {
            OutputFormat.printJson(console, MigrationHistory.toJson(entries));
            return exit;
        }
        if (migration == null) {
            console.plain("=====> " + app + " applied migrations");
        } else {
            console.plain("=====> " + app + " migration " + TerminalText.escape(migration));
        }
        if (entries.applied().isEmpty()) {
            console.plain(migration == null
                    ? "       No applied migration recorded yet: those the next release or predeploy task reports will show here."
                    : "       No run of " + app + " that the ledger keeps applied it.");
            return exit;
        }
        if (migration != null) {
            Ledger.AppliedByRun newest = entries.applied().get(0);
            TaskRun run = newest.run();
            console.plain("       Applied by run #" + run.id() + " (" + run.phase().label() + ", " + run.state().label()
                    + ") of deploy #" + run.deployId() + ", image " + TerminalText.escape(run.image()) + ", on "
                    + TerminalText.escape(run.host()) + ", " + TIME.format(newest.applied().seenAt()));
        }
        Table table = new Table("Migration", "Name", "Framework", "Run", "Phase", "State", "Deploy", "Image", "Host", "Seen");
        for (Ledger.AppliedByRun entry : entries.applied()) {
            TaskRun run = entry.run();
            table.row(entry.applied().migration().id(),
                    entry.applied().migration().name().isEmpty() ? "-" : entry.applied().migration().name(),
                    entry.applied().migration().framework(), "#" + run.id(), run.phase().label(), run.state().label(),
                    "#" + run.deployId(), run.image(), run.host(), TIME.format(entry.applied().seenAt()));
        }
        table.lines().forEach(line -> console.plain("       " + line));
        return exit;
    }
}
