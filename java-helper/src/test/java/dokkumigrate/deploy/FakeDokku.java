package dokkumigrate.deploy;

import dokkumigrate.platform.AppImage;
import dokkumigrate.platform.Platform;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A stand-in for Dokku's core triggers, answering as Dokku would for one app's image. */
class FakeDokku implements Platform {
    final Map<String, String> config = new LinkedHashMap<>();
    final List<String> extraDockerArgs = new ArrayList<>();
    final List<String> createdContainers = new ArrayList<>();
    final Map<String, Integer> scale = new LinkedHashMap<>();
    /** The post-migrate-task calls, as "APP PHASE STATE RUN_ID". */
    final List<String> postMigrateTasks = new ArrayList<>();
    /** What the post-migrate-task trigger's plugins answer. */
    TriggerResult postMigrateTaskAnswer = new TriggerResult(0, "");
    Optional<String> nativeRelease = Optional.empty();
    private final String image;

    FakeDokku(String image) {
        this.image = image;
    }

    @Override
    public boolean appExists(String app) {
        return true;
    }

    @Override
    public AppImage appImage(String app, String imageTag) {
        return new AppImage(image);
    }

    @Override
    public AppImage deployedImage(String app) {
        return new AppImage(image);
    }

    @Override
    public Map<String, String> configEnv(String app) {
        return Map.copyOf(config);
    }

    @Override
    public List<String> deployDockerArgs(String app, String imageTag) {
        List<String> args = new ArrayList<>(extraDockerArgs);
        config.keySet().forEach(key -> args.add("--env=" + key));
        return args;
    }

    @Override
    public List<String> processDockerArgs(String app, String imageSourceType, String imageTag) {
        return List.of();
    }

    @Override
    public List<String> globalRunArgs() {
        return List.of("--label=org.label-schema.vendor=dokku", "--label=dokku");
    }

    @Override
    public String appShell(String app) {
        return "/bin/sh";
    }

    @Override
    public String herokuishUser(String app) {
        return "herokuishuser";
    }

    @Override
    public Optional<String> nativeReleaseCommand(String app) {
        return nativeRelease;
    }

    @Override
    public Map<String, Integer> currentScale(String app) {
        return Map.copyOf(scale);
    }

    @Override
    public synchronized void postContainerCreate(String containerId, String app, String phase) {
        createdContainers.add(containerId);
    }

    @Override
    public synchronized TriggerResult postMigrateTask(String app, String phase, String state, long runId) {
        postMigrateTasks.add(app + " " + phase + " " + state + " " + runId);
        return postMigrateTaskAnswer;
    }

    /** No app directory is listed: the use cases tested with this stand-in never list the apps. */
    @Override
    public List<String> apps() {
        return List.of();
    }

    /** As for an app that has not released yet: Dokku has no permanent Procfile for it. */
    @Override
    public Optional<String> permanentProcfile(String app) {
        return Optional.empty();
    }

    /** As for an app that has not released yet: Dokku has no permanent app.json for it. */
    @Override
    public Optional<String> permanentAppJson(String app) {
        return Optional.empty();
    }
}
