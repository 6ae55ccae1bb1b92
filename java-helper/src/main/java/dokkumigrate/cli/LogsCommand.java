package dokkumigrate.cli;

import dokkumigrate.deploy.Refused;
import dokkumigrate.deploy.RunOutputs;
import dokkumigrate.output.Console;
import dokkumigrate.run.RunState;
import dokkumigrate.run.TaskRun;
import java.util.OptionalLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** migrate:logs APP [RUN_ID] [--tail N]: the output of a task run, whole, as the task printed it. */
@Command(name = "logs",
        customSynopsis = "dokku migrate:logs APP [RUN_ID] [--tail N]",
        description = {"Show the output of a task run (the app's latest run by default), whole and byte for byte, "
                + "from its log file.",
                "When the log file is gone (pruned or removed), shows the copy the ledger kept and says how much of "
                + "the output that copy lacks. Notes go to stderr; stdout carries only the output."})
final class LogsCommand extends OperatorCommand {
    @Parameters(index = "0", paramLabel = "APP", description = "The app whose run to show.")
    private String app;

    @Parameters(index = "1", paramLabel = "RUN_ID", arity = "0..1",
            description = "The run to show, as numbered in the Run column of dokku migrate:status APP "
                    + "(default: the app's latest run).")
    private String runId;

    @Option(names = "--tail", paramLabel = "N",
            description = "Show only the last N lines of the output (1 or more).")
    private Long tail;

    @Override
    int run(Services services) {
        AppNames.requireExisting(services.platform(), app);
        OptionalLong id = parseRunId(runId);
        if (tail != null && tail < 1) {
            throw new UsageError("--tail must be 1 or more, got " + tail);
        }
        RunOutputs outputs = services.runOutputs();
        TaskRun run = outputs.select(app, id);
        RunOutputs.Output output = outputs.of(run);
        Console console = services.console();
        String name = "run #" + run.id() + " (" + run.phase().label() + ", " + run.state().label() + ")";
        switch (output.source()) {
            case LOG_FILE -> {
                if (run.state() == RunState.RUNNING) {
                    console.warn("Run #" + run.id() + " of " + app + " is still running: this is its output so far.");
                }
            }
            case LEDGER -> {
                String gone = "The log file of " + name + " is gone (pruned or removed): " + logFile(services, run) + ".";
                if (output.ledgerCopyTruncated()) {
                    console.warn(gone);
                    console.warn("Only the last " + output.ledgerCopy().length + " bytes of its " + output.outputBytes()
                            + " bytes of output were kept in the ledger (output-limit); the start is lost. "
                            + "Those last bytes follow.");
                } else {
                    console.warn(gone);
                    console.warn("Showing the copy kept in the ledger, which is complete (" + output.ledgerCopy().length
                            + " bytes).");
                }
            }
            case NONE -> throw new Refused("No output of " + name + " is left: its log file (" + logFile(services, run)
                    + ") is gone, and the ledger keeps a copy only of runs that ended"
                    + (run.state() == RunState.RUNNING ? " (this one is still marked running: see dokku migrate:doctor "
                    + app + ")" : "") + ".");
        }
        boolean vanished = outputs.writeTo(output, tail == null ? OptionalLong.empty() : OptionalLong.of(tail),
                console::raw);
        if (vanished) {
            throw new Refused("The log file of " + name + " was removed while it was read (a deploy pruned old runs); "
                    + "run the command again to see what the ledger kept.");
        }
        return 0;
    }

    private static String logFile(Services services, TaskRun run) {
        return run.logFile().isEmpty() ? "none recorded" : services.logs().location(run.app(), run.logFile());
    }

    private static OptionalLong parseRunId(String text) {
        if (text == null) {
            return OptionalLong.empty();
        }
        String digits = text.startsWith("#") ? text.substring(1) : text;
        if (!digits.matches("[0-9]{1,18}") || Long.parseLong(digits) < 1) {
            throw new UsageError("Invalid run id '" + dokkumigrate.output.TerminalText.escape(text)
                    + "': use a run number from dokku migrate:status APP");
        }
        return OptionalLong.of(Long.parseLong(digits));
    }
}
