package dokkumigrate.platform;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What the helper asks of Dokku itself, through its core triggers and its environment. */
public interface Platform {

    /** Whether the app exists ({@code $DOKKU_ROOT/APP}). */
    boolean appExists(String app);

    /**
     * The image a release trigger given only a tag works on, as common's {@code get_app_image_name}
     * names it: {@code dokku/APP:TAG} ({@code latest} for an empty tag).
     */
    AppImage appImage(String app, String imageTag);

    /**
     * The image of the app's deployed release, as common's {@code get_deploying_app_image_name}
     * resolves it: {@code deployed-app-repository}, then {@code deployed-app-image-repo} (else
     * {@code dokku/APP}), then {@code deployed-app-image-tag} (else {@code latest}); a registry's
     * push-on-release and custom image repo change all three.
     */
    AppImage deployedImage(String app);

    /** The app's config (secrets included): never to be put on a command line or in the ledger. */
    Map<String, String> configEnv(String app);

    /**
     * The docker args Dokku gives a deployment task container from {@code docker-args-deploy},
     * split shell-style, without the publish, restart and resource flags Dokku filters out. A task
     * container gets these followed by {@link #processDockerArgs}.
     */
    List<String> deployDockerArgs(String app, String imageTag);

    /** As {@link #deployDockerArgs}, from {@code docker-args-process-deploy} for the image's source type. */
    List<String> processDockerArgs(String app, String imageSourceType, String imageTag);

    /** Dokku's {@code DOKKU_GLOBAL_RUN_ARGS}, split on spaces. */
    List<String> globalRunArgs();

    /** The shell tasks run in: the scheduler's {@code shell} property, default /bin/bash. */
    String appShell(String app);

    /** The user herokuish images run as (config {@code DOKKU_APP_USER}, default herokuishuser). */
    String herokuishUser(String app);

    /** What Dokku's own runner would find as the release command ({@code procfile-get-command}). */
    Optional<String> nativeReleaseCommand(String app);

    /** The app's process types and their scale ({@code ps-current-scale}). */
    Map<String, Integer> currentScale(String app);

    /** Tells the other plugins that a task container exists ({@code post-container-create}). */
    void postContainerCreate(String containerId, String app, String phase);

    /**
     * Tells the other plugins that a task run ended and is recorded: {@code plugn trigger
     * post-migrate-task APP PHASE STATE RUN_ID}. Returns what they printed and the exit code, which
     * the caller shows and otherwise ignores.
     */
    TriggerResult postMigrateTask(String app, String phase, String state, long runId);

    /** What a trigger's plugins printed (stdout, then stderr) and how it exited. */
    record TriggerResult(int exitCode, String output) { }

    /**
     * Dokku's apps as its own commands list them: the directories of {@code $DOKKU_ROOT}, less
     * hidden ones and those starting with an uppercase letter; sorted.
     */
    List<String> apps();

    /**
     * The app's permanent Procfile ({@code data/ps/APP/Procfile}), the one Dokku's own runner
     * reads when a release happens without a build (config change, start of a stopped app).
     */
    Optional<String> permanentProcfile(String app);

    /** The app's permanent app.json ({@code data/app-json/APP/app.json}), read as Dokku's own runner reads it. */
    Optional<String> permanentAppJson(String app);
}
