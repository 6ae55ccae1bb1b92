package dokkumigrate.cli;

import dokkumigrate.deploy.MigrateReport;
import dokkumigrate.deploy.Unlock;
import dokkumigrate.ledger.LockHolder;
import dokkumigrate.output.Console;
import dokkumigrate.output.TerminalText;
import dokkumigrate.run.TaskRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** migrate:unlock APP [--force]: clears what a helper that died left behind. */
@Command(name = "unlock",
        customSynopsis = "dokku migrate:unlock APP [--force]",
        description = {"Clear the app's lock records when the helper that held the lock is gone: its holder record, "
                + "runs it left running (marked interrupted) and their containers.",
                "The lock itself is a kernel file lock, released when its holder ends. While a live process holds "
                + "it, unlock refuses and says who holds it; --force clears the records anyway and tells you which "
                + "process to stop."})
final class UnlockCommand extends OperatorCommand {
    @Parameters(index = "0", paramLabel = "APP", description = "The app whose lock (or lock group's lock) to clear.")
    private String app;

    @Option(names = "--force",
            description = "Clear the holder's record and mark its running runs interrupted even though it still "
                    + "holds the lock (it keeps the lock until it ends: stop it).")
    private boolean force;

    @Override
    int run(Services services) {
        AppNames.requireExisting(services.platform(), app);
        Unlock.Outcome outcome = services.unlock().unlock(app, force);
        String lockKey = outcome.lockKey();
        Console console = services.console();
        String lock = "The " + lockKey + " lock of " + app;
        switch (outcome.kind()) {
            case FREE -> {
                console.step(lock + " is free");
                outcome.holder().ifPresent(h -> console.detail("Cleared the stale holder record of "
                        + TerminalText.escape(MigrateReport.describe(h))));
                reportRuns(console, outcome);
                if (outcome.holder().isEmpty() && outcome.interrupted().isEmpty()) {
                    console.detail("Nothing was left to clear");
                }
                return 0;
            }
            case REFUSED -> {
                console.warn(lock + " is held by " + holderText(outcome) + ".");
                console.warn("It is released when that process ends. To clear its record and mark its runs "
                        + "interrupted anyway: dokku migrate:unlock " + app + " --force");
                return 1;
            }
            default -> {
                console.warn("Forcing: the " + lockKey + " lock of " + app + " is held by " + holderText(outcome) + ".");
                outcome.holder().ifPresent(h -> console.step("Cleared the holder record of pid " + h.pid()));
                reportRuns(console, outcome);
                stopAdvice(console, outcome);
                return 0;
            }
        }
    }

    /** Who holds the lock, as recorded (host names come from the ledger: escaped). */
    private static String holderText(Unlock.Outcome outcome) {
        return TerminalText.escape(describeHolder(outcome));
    }

    private static String describeHolder(Unlock.Outcome outcome) {
        if (outcome.holder().isEmpty()) {
            return "a process the ledger has no record of";
        }
        LockHolder h = outcome.holder().get();
        if (outcome.holderAlive()) {
            return MigrateReport.describe(h) + ", which is still running";
        }
        if (!outcome.holderOnThisHost()) {
            return MigrateReport.describe(h) + ", on another host (whether it still runs cannot be told from here)";
        }
        return "a process the ledger has no current record of (the last recorded holder, "
                + MigrateReport.describe(h) + ", is gone)";
    }

    private static void reportRuns(Console console, Unlock.Outcome outcome) {
        for (TaskRun run : outcome.interrupted()) {
            console.detail("Marked run #" + run.id() + " (" + run.phase().label() + " of " + run.app()
                    + ") interrupted");
        }
        if (!outcome.containers().isEmpty()) {
            console.detail("Removed " + outcome.containers().size() + " task container"
                    + (outcome.containers().size() == 1 ? "" : "s") + ": " + String.join(", ", outcome.containers()));
        }
    }

    private static void stopAdvice(Console console, Unlock.Outcome outcome) {
        console.warn("The lock itself stays held until its holder ends: a new deploy waits for it until then.");
        if (outcome.holder().isPresent() && outcome.holderAlive()) {
            console.warn("Stop the holder with:");
            console.warn("    kill " + outcome.holder().get().pid());
        } else if (outcome.holder().isPresent() && !outcome.holderOnThisHost()) {
            console.warn("Stop pid " + outcome.holder().get().pid() + " on "
                    + TerminalText.escape(outcome.holder().get().host()) + ".");
        } else {
            console.warn("Find the holder with: ps -eo pid,etime,args | grep migrate-helper");
        }
    }
}
