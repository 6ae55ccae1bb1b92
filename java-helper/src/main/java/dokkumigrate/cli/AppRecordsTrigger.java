package dokkumigrate.cli;

import dokkumigrate.deploy.AppRecords;
import java.util.concurrent.Callable;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** The triggers Dokku fires with an old and a new app name, which carry the app's records across. */
abstract class AppRecordsTrigger implements Callable<Integer> {
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
        carry(new AppRecords(services.ledger(), services.logs(), services.properties(), services.deployCopies()), oldApp,
                newApp);
        return 0;
    }

    abstract void carry(AppRecords records, String oldApp, String newApp);
}
