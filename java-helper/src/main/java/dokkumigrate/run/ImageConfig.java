package dokkumigrate.run;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the helper knows of an image's configuration, read from one inspection: what a container
 * of it starts, its environment and labels. The task runner reads how it was built from it; the
 * boot-migration scan reads what its processes start.
 *
 * @param id         the image id ({@code sha256:...}); empty when unknown
 * @param env        {@code Config.Env}, as {@code KEY=value} entries
 * @param labels     {@code Config.Labels}
 * @param entrypoint {@code Config.Entrypoint}; empty when the image has none
 * @param cmd        {@code Config.Cmd}; empty when the image has none
 * @param workingDir {@code Config.WorkingDir}; {@code /} when unset
 */
public record ImageConfig(
        String id,
        List<String> env,
        Map<String, String> labels,
        List<String> entrypoint,
        List<String> cmd,
        String workingDir) {

    /** The label pack/CNB puts on the images it builds. */
    public static final String CNB_STACK_LABEL = "io.buildpacks.stack.id";
    /** The user herokuish images run as, unless the app's DOKKU_APP_USER says otherwise. */
    public static final String DEFAULT_HEROKUISH_USER = "herokuishuser";
    /** The PATH a container gets when the image sets none (Docker's default). */
    public static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    public ImageConfig {
        id = Objects.requireNonNullElse(id, "");
        env = env == null ? List.of() : List.copyOf(env);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        entrypoint = entrypoint == null ? List.of() : List.copyOf(entrypoint);
        cmd = cmd == null ? List.of() : List.copyOf(cmd);
        workingDir = workingDir == null || workingDir.isBlank() ? "/" : workingDir;
    }

    /** An image known only by what its containers start. */
    public static ImageConfig of(List<String> entrypoint, List<String> cmd, String workingDir) {
        return new ImageConfig("", List.of(), Map.of(), entrypoint, cmd, workingDir);
    }

    /**
     * How the image was built, decided as Dokku decides it: a CNB stack label makes it CNB;
     * {@code USER=<appUser>} in its environment makes it herokuish; anything else is a Dockerfile image.
     *
     * @param appUser the app's DOKKU_APP_USER, or {@link #DEFAULT_HEROKUISH_USER}
     */
    public ImageKind kind(String appUser) {
        if (!labels.getOrDefault(CNB_STACK_LABEL, "").isEmpty()) {
            return ImageKind.CNB;
        }
        if (env.contains("USER=" + appUser)) {
            return ImageKind.HEROKUISH;
        }
        return ImageKind.DOCKERFILE;
    }

    /** {@code Env} as a map ({@code KEY=VALUE} entries). */
    public Map<String, String> environment() {
        Map<String, String> environment = new LinkedHashMap<>();
        for (String entry : env) {
            int equals = entry.indexOf('=');
            if (equals > 0) {
                environment.put(entry.substring(0, equals), entry.substring(equals + 1));
            }
        }
        return environment;
    }

    /** The directories of the image's PATH, in order. */
    public List<String> pathDirectories() {
        String path = Objects.requireNonNullElse(environment().get("PATH"), DEFAULT_PATH);
        List<String> directories = new ArrayList<>();
        for (String directory : path.split(":")) {
            if (!directory.isBlank()) {
                directories.add(directory);
            }
        }
        return directories;
    }

    /**
     * {@code ["/bin/sh", "-c", "text"]}: the form Docker stores for a shell-form instruction
     * ({@code CMD text}); also {@code ["sh", "-c", ...]} and bash.
     */
    public static boolean isShellForm(List<String> instruction) {
        return instruction.size() == 3 && instruction.get(1).equals("-c")
                && List.of("/bin/sh", "sh", "/bin/bash", "bash").contains(instruction.get(0));
    }
}
