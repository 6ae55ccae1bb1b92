package dokkumigrate.cli;

import dokkumigrate.deploy.AppRecords;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** post-delete APP: the app was destroyed; remove its ledger rows, logs and properties. */
@Command(name = "post-delete", description = "Trigger: remove an app's task history, logs and settings.")
final class PostDeleteCommand implements Callable<Integer> {
    @ParentCommand
    private MigrateHelper top;

    @Parameters(index = "0", paramLabel = "APP")
    private String app;

    @Override
    public Integer call() {
        AppNames.requireValid(app);
        Services services = top.services();
        new AppRecords(services.ledger(), services.logs(), services.properties(), services.deployCopies()).delete(app);
        return 0;
    }
}
