package dokkumigrate.cli;

import dokkumigrate.platform.AppImage;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * post-release-builder BUILDER_TYPE APP IMAGE: fires once per release, after the image is built and
 * labelled and before any container starts; after app-json's own (which would run a release task it
 * found) and before registry's (which calls pre-deploy, then tags and pushes the image).
 */
@Command(name = "post-release-builder",
        description = "Trigger: run this release's predeploy and release tasks once; a failure aborts the deploy.")
final class PostReleaseBuilderCommand implements Callable<Integer> {
    @ParentCommand
    private MigrateHelper top;

    @Parameters(index = "0", paramLabel = "BUILDER_TYPE", description = "dockerfile, herokuish, pack, ...")
    private String builderType;

    @Parameters(index = "1", paramLabel = "APP", description = "The app being released.")
    private String app;

    @Parameters(index = "2", paramLabel = "IMAGE", description = "The image being released (dokku/APP:TAG).")
    private String image;

    @Override
    public Integer call() {
        AppNames.requireValid(app);
        if (image == null || image.isBlank()) {
            throw new UsageError("migrate post-release-builder: IMAGE is empty");
        }
        return ReleaseTrigger.run(top.services(), app, new AppImage(image));
    }
}
