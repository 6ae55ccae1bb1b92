package dokkumigrate.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * pre-deploy APP IMAGE_TAG: deprecated, but still called by registry's post-release-builder once
 * per release, after the image is built and before any container starts.
 */
@Command(name = "pre-deploy",
        description = "Trigger: run this deploy's predeploy and release tasks once; a failure aborts the deploy.")
final class PreDeployCommand implements Callable<Integer> {
    @ParentCommand
    private MigrateHelper top;

    @Parameters(index = "0", paramLabel = "APP", description = "The app being deployed.")
    private String app;

    @Parameters(index = "1", paramLabel = "IMAGE_TAG", defaultValue = "latest",
            description = "The tag of the deploying image (dokku/APP:IMAGE_TAG).")
    private String imageTag;

    @Override
    public Integer call() {
        AppNames.requireValid(app);
        Services services = top.services();
        // the image registry's post-release-builder was given, named as get_app_image_name does
        return ReleaseTrigger.run(services, app, services.platform().appImage(app, imageTag));
    }
}
