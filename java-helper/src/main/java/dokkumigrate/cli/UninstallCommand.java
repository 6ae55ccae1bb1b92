package dokkumigrate.cli;

import dokkumigrate.deploy.HandBack;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/**
 * uninstall: run by the plugin's uninstall trigger (plugin:uninstall) before Dokku removes the
 * plugin: every app's tasks go back to Dokku's own runner. Non-zero when one could not be.
 */
@Command(name = "uninstall", description = "Hand every app's deployment tasks back to Dokku's own runner.")
final class UninstallCommand implements Callable<Integer> {
    @ParentCommand
    private MigrateHelper top;

    @Override
    public Integer call() {
        Services services = top.services();
        HandBack handBack = new HandBack(services.ledger(), services.standingFiles(), services.console(),
                services.helper());
        boolean all = true;
        for (String app : services.ledger().apps()) {
            if (services.platform().appExists(app)) {
                all &= handBack.handBack(app, "plugin:uninstall");
            }
        }
        return all ? 0 : 1;
    }
}
