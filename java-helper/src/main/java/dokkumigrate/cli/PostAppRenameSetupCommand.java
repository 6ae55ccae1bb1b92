package dokkumigrate.cli;

import dokkumigrate.deploy.AppRecords;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** post-app-rename-setup OLD NEW: fires while the old app still exists; move its history over. */
@Command(name = "post-app-rename-setup", description = "Trigger: move an app's task history, logs and settings to its new name.")
final class PostAppRenameSetupCommand implements Callable<Integer> {
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
        new AppRecords(services.ledger(), services.logs(), services.properties(), services.deployCopies()).rename(oldApp, newApp);
        return 0;
    }
}
