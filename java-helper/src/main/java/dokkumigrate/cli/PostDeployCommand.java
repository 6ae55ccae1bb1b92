package dokkumigrate.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * post-deploy APP INTERNAL_PORT INTERNAL_IP IMAGE_TAG: fires after containers started, also on
 * restart, scale and config changes. Never fails: a failure here would leave old and new
 * containers running side by side, so problems are warnings.
 */
@Command(name = "post-deploy", description = "Trigger: record that the deploy rolled out (never fails the deploy).")
final class PostDeployCommand implements Callable<Integer> {
    @ParentCommand
    private MigrateHelper top;

    @Parameters(index = "0", paramLabel = "APP")
    private String app;

    @Parameters(index = "1", paramLabel = "INTERNAL_PORT", defaultValue = "", description = "Empty on current Dokku.")
    private String internalPort;

    @Parameters(index = "2", paramLabel = "INTERNAL_IP", defaultValue = "", description = "Empty on current Dokku.")
    private String internalIp;

    @Parameters(index = "3", paramLabel = "IMAGE_TAG", defaultValue = "")
    private String imageTag;

    @Override
    public Integer call() {
        try {
            AppNames.requireValid(app);
            Services services = top.services();
            if (!services.properties().settingsOf(app).enabled()) {
                return 0;
            }
            new dokkumigrate.deploy.Rollout(services.ledger(), services.console(), services.helper(),
                    services.deployCopies(), services.standingFiles())
                    .rolledOut(app, services.environment().deployKey(), imageTag, services.environment().buildSource());
        } catch (RuntimeException e) {
            top.console(false).warn("migrate: could not record the rollout of " + app + ": " + e.getMessage());
            top.console(false).warn("The deploy itself is unaffected; check the ledger with: dokku migrate:doctor " + app);
        }
        return 0;
    }
}
