package dokkumigrate.adapters.dokku;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dokkumigrate.adapters.process.ProcessRunner;
import dokkumigrate.platform.AppImage;
import dokkumigrate.platform.Platform;
import dokkumigrate.run.ShellWords;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Dokku reached through {@code plugn trigger}, its env and its data layout. */
public final class PlugnPlatform implements Platform {
    /** Flags Dokku drops from deploy docker args before it creates a task container. */
    private static final Set<String> TASK_FILTERED_FLAGS = Set.of("--cpus", "--gpus", "--memory",
            "--memory-reservation", "--memory-swap", "--publish", "--publish-all", "--restart", "-p", "-P");

    private final DokkuEnvironment environment;
    private final ProcessRunner processes;
    private final PropertyFileStore properties;
    /** config-export per app: one call per invocation, however many parts of a deploy need the config. */
    private final Map<String, Map<String, String>> configs = new ConcurrentHashMap<>();

    public PlugnPlatform(DokkuEnvironment environment, ProcessRunner processes, PropertyFileStore properties) {
        this.environment = environment;
        this.processes = processes;
        this.properties = properties;
    }

    @Override
    public boolean appExists(String app) {
        return Files.isDirectory(environment.dokkuRoot().resolve(app));
    }

    @Override
    public AppImage appImage(String app, String imageTag) {
        return new AppImage(appImageRepo(app) + ":" + (imageTag.isEmpty() ? "latest" : imageTag));
    }

    @Override
    public AppImage deployedImage(String app) {
        return deployedImage(app, trigger("deployed-app-repository", app), trigger("deployed-app-image-repo", app),
                trigger("deployed-app-image-tag", app));
    }

    /** get_deploying_app_image_name from the three triggers' answers (each may be empty). */
    static AppImage deployedImage(String app, String repository, String repo, String tag) {
        return new AppImage(repository.strip() + (repo.isBlank() ? appImageRepo(app) : repo.strip()) + ":"
                + (tag.isBlank() ? "latest" : tag.strip()));
    }

    /** common's {@code get_app_image_repo}: where Dokku's builders put an app's images. */
    private static String appImageRepo(String app) {
        return "dokku/" + app;
    }

    @Override
    public Map<String, String> configEnv(String app) {
        return configs.computeIfAbsent(app, this::exportConfig);
    }

    private Map<String, String> exportConfig(String app) {
        String output = trigger("config-export", app, "false", "true", "json");
        if (output.isBlank()) {
            return Map.of();
        }
        try {
            // Jackson is loaded here, on first use, not by commands that never read the config
            return Collections.unmodifiableMap(new ObjectMapper().readValue(output,
                    new TypeReference<LinkedHashMap<String, String>>() { }));
        } catch (IOException e) {
            throw new PlatformException("config-export for " + app + " did not print a JSON object of strings: "
                    + e.getMessage());
        }
    }

    @Override
    public List<String> deployDockerArgs(String app, String imageTag) {
        return withoutFilteredFlags(ShellWords.split(trigger("docker-args-deploy", app, imageTag)));
    }

    @Override
    public List<String> processDockerArgs(String app, String imageSourceType, String imageTag) {
        return withoutFilteredFlags(ShellWords.split(trigger("docker-args-process-deploy", app, imageSourceType, imageTag)));
    }

    static List<String> withoutFilteredFlags(List<String> args) {
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (TASK_FILTERED_FLAGS.contains(arg)) {
                i++;
                continue;
            }
            int equals = arg.indexOf('=');
            if (equals > 0 && TASK_FILTERED_FLAGS.contains(arg.substring(0, equals))) {
                continue;
            }
            kept.add(arg);
        }
        return kept;
    }

    @Override
    public List<String> globalRunArgs() {
        return environment.globalRunArgs();
    }

    @Override
    public String appShell(String app) {
        return properties.read("scheduler", Optional.of(app), "shell")
                .or(() -> properties.read("scheduler", Optional.empty(), "shell"))
                .orElse("/bin/bash");
    }

    @Override
    public String herokuishUser(String app) {
        String user = trigger("config-get", app, "DOKKU_APP_USER").strip();
        return user.isEmpty() ? "herokuishuser" : user;
    }

    @Override
    public Optional<String> nativeReleaseCommand(String app) {
        ProcessRunner.Result result = call("procfile-get-command", app, "release", "5000");
        if (!result.ok() && result.stderr().contains("No matching process entry found")) {
            // Dokku's procfile-util fails for a process type the Procfile lacks (ps/functions.go
            // getProcfileCommand); app-json's getReleaseCommand ignores that error: no release task
            return Optional.empty();
        }
        String command = checked("procfile-get-command", result).strip();
        return command.isEmpty() ? Optional.empty() : Optional.of(command);
    }

    @Override
    public Map<String, Integer> currentScale(String app) {
        Map<String, Integer> scale = new LinkedHashMap<>();
        for (String line : trigger("ps-current-scale", app).split("\n")) {
            int equals = line.indexOf('=');
            if (equals > 0 && line.substring(equals + 1).strip().matches("[0-9]+")) {
                scale.put(line.substring(0, equals).strip(), Integer.parseInt(line.substring(equals + 1).strip()));
            }
        }
        return scale;
    }

    @Override
    public void postContainerCreate(String containerId, String app, String phase) {
        trigger("post-container-create", "app", containerId, app, phase);
    }

    @Override
    public TriggerResult postMigrateTask(String app, String phase, String state, long runId) {
        ProcessRunner.Result result = call("post-migrate-task", app, phase, state, Long.toString(runId));
        return new TriggerResult(result.exitCode(), result.stdout() + result.stderr());
    }

    @Override
    public List<String> apps() {
        java.nio.file.Path root = environment.dokkuRoot();
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (java.util.stream.Stream<java.nio.file.Path> entries = Files.list(root)) {
            return entries.filter(Files::isDirectory)
                    .map(path -> path.getFileName().toString())
                    .filter(name -> !name.startsWith(".") && !Character.isUpperCase(name.charAt(0)))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot list the apps in " + root, e);
        }
    }

    @Override
    public Optional<String> permanentProcfile(String app) {
        return readData("ps", app, "Procfile");
    }

    @Override
    public Optional<String> permanentAppJson(String app) {
        return readData("app-json", app, "app.json");
    }

    private Optional<String> readData(String plugin, String app, String file) {
        java.nio.file.Path path = environment.libRoot().resolve("data").resolve(plugin).resolve(app).resolve(file);
        try {
            return Optional.of(Files.readString(path, java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.nio.file.NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + path, e);
        }
    }

    private String trigger(String name, String... args) {
        return checked(name, call(name, args));
    }

    private ProcessRunner.Result call(String name, String... args) {
        List<String> argv = new ArrayList<>(List.of("plugn", "trigger", name));
        argv.addAll(List.of(args));
        try {
            return processes.run(argv, Map.of(), new byte[0], null);
        } catch (java.io.UncheckedIOException e) {
            throw new PlatformException("Dokku's " + name + " trigger could not be called (" + e.getMessage()
                    + "); run this through dokku, on the Dokku host");
        }
    }

    private static String checked(String name, ProcessRunner.Result result) {
        if (!result.ok()) {
            throw new PlatformException("Dokku's " + name + " trigger failed (exit " + result.exitCode() + ")"
                    + (result.stderr().isBlank() ? "" : ": " + result.stderr().strip()));
        }
        return result.stdout();
    }

    /** Dokku did not answer as expected. */
    public static final class PlatformException extends RuntimeException {
        public PlatformException(String message) {
            super(message);
        }
    }
}
