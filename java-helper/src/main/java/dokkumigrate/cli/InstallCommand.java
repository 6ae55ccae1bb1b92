package dokkumigrate.cli;

import dokkumigrate.adapters.sqlite.SqliteLedger;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** install: creates or migrates the ledger; run by the plugin's install and update triggers. Idempotent. */
@Command(name = "install", description = "Create the ledger, or bring its schema up to date.")
final class InstallCommand implements Callable<Integer> {
    @ParentCommand
    private MigrateHelper top;

    @Override
    public Integer call() {
        Services services = top.services();
        SqliteLedger ledger = (SqliteLedger) services.ledger();
        String integrity = ledger.integrityCheck();
        if (!integrity.equals("ok")) {
            throw new UsageError("The ledger at " + ledger.path() + " failed its integrity check: " + integrity
                    + ". Keep it for inspection and restore it from a backup.");
        }
        services.console().detail("migrate: ledger " + ledger.path() + " at schema version " + ledger.schemaVersion());
        return 0;
    }
}
