package dokkumigrate.run;

import dokkumigrate.plan.Phase;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything needed to run one task in a container of the deploying image, the way Dokku runs
 * its own deployment tasks.
 *
 * @param app           the Dokku app
 * @param phase         predeploy (committed back into the image) or release (ephemeral)
 * @param command       the task's command line, as written in the Procfile or app.json
 * @param image         the deploying image, e.g. {@code dokku/APP:latest}
 * @param runId         the ledger id of this run, put on the container as a label
 * @param env           the app's config; handed to docker through its process environment only
 * @param dockerArgs    deploy docker args (already filtered of publish/restart/resource flags)
 * @param globalRunArgs Dokku's DOKKU_GLOBAL_RUN_ARGS, split on spaces
 * @param shell         the shell that runs the script (the scheduler's {@code shell} property)
 * @param timeout       the container is killed and the run is timed out after this long
 */
public record TaskRequest(
        String app,
        Phase phase,
        String command,
        String image,
        long runId,
        Map<String, String> env,
        List<String> dockerArgs,
        List<String> globalRunArgs,
        String shell,
        Duration timeout) {

    public TaskRequest {
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(image, "image");
        env = Map.copyOf(env);
        dockerArgs = List.copyOf(dockerArgs);
        globalRunArgs = List.copyOf(globalRunArgs);
        Objects.requireNonNull(shell, "shell");
        Objects.requireNonNull(timeout, "timeout");
    }

    /** The label that marks every container of this run, so an orphan can be found and removed. */
    public static final String RUN_ID_LABEL = "com.dokku.migrate.run-id";
}
