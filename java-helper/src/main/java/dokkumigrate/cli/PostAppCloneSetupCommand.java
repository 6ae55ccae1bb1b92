package dokkumigrate.cli;

import dokkumigrate.deploy.AppRecords;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** post-app-clone-setup OLD NEW: the clone starts with a copy of the old app's history and settings. */
@Command(name = "post-app-clone-setup", description = "Trigger: copy an app's task history, logs and settings to its clone.")
final class PostAppCloneSetupCommand implements Callable<Integer> {
    @ParentCommand
    private MigrateHelper top;

    @Parameters(index = "0", paramLabel = "OLD_APP")
    private String oldApp;

    @Parameters(index = "1", paramLabel = "NEW_APP")
    private String newApp;

    @Override
    public Integer call() {
        AppNames.requireValid(oldApp);
        AppNames.requireValid(newApp);
        Services services = top.services();
        new AppRecords(services.ledger(), services.logs(), services.properties(), services.deployCopies()).copy(oldApp, newApp);
        return 0;
    }
}
