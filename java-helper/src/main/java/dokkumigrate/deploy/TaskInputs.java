package dokkumigrate.deploy;

import dokkumigrate.platform.Platform;
import dokkumigrate.run.TaskRunner;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * What a task's container needs from Dokku besides its command: the app's config and the deploy
 * docker args. Each answer is a Dokku trigger call (a process, and on a real host a walk over every
 * plugin), so they are asked in the background, side by side and while the image is scanned,
 * instead of one after another. A failure surfaces where the answer is used, as the exception the
 * call threw.
 */
final class TaskInputs {
    private final Platform platform;
    private final TaskRunner runner;
    private final String app;
    private final String imageTag;
    private final CompletableFuture<Map<String, String>> env;
    private final CompletableFuture<List<String>> deployArgs;
    private final CompletableFuture<ProcessArgs> processArgs;

    /** The process docker args Dokku gave for an image of one source type (herokuish or dockerfile). */
    private record ProcessArgs(String herokuishUser, String sourceType, List<String> args) {
    }

    private TaskInputs(Platform platform, TaskRunner runner, String app, String imageTag, String image) {
        this.platform = platform;
        this.runner = runner;
        this.app = app;
        this.imageTag = imageTag;
        this.env = Background.start("config of " + app, () -> platform.configEnv(app));
        this.deployArgs = Background.start("deploy docker args of " + app,
                () -> platform.deployDockerArgs(app, imageTag));
        this.processArgs = Background.start("process docker args of " + app, () -> {
            String user = platform.herokuishUser(app);
            String sourceType = runner.imageSourceType(image, user);
            return new ProcessArgs(user, sourceType, platform.processDockerArgs(app, sourceType, imageTag));
        });
    }

    /** Starts asking Dokku for the inputs of the tasks that will run {@code image} of {@code app}. */
    static TaskInputs askInBackground(Platform platform, TaskRunner runner, String app, String imageTag, String image) {
        return new TaskInputs(platform, runner, app, imageTag, image);
    }

    /** The app's config, as the container's environment. */
    Map<String, String> env() {
        return Background.await(env);
    }

    /**
     * The docker args of a task running {@code image}: the deploy args, then the process args,
     * asked again only if the image's source type differs from the one they were asked for (an
     * image a predeploy task changed).
     */
    List<String> dockerArgs(String image) {
        List<String> args = new ArrayList<>(Background.await(deployArgs));
        ProcessArgs asked = Background.await(processArgs);
        String sourceType = runner.imageSourceType(image, asked.herokuishUser());
        args.addAll(sourceType.equals(asked.sourceType()) ? asked.args()
                : platform.processDockerArgs(app, sourceType, imageTag));
        return args;
    }
}
