package dokkumigrate.scan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The parts of an image's {@code Config} that decide what a container starts: {@code Entrypoint},
 * {@code Cmd} (each empty when unset), {@code WorkingDir} ({@code /} when unset) and {@code Env}.
 */
public record ImageConfig(List<String> entrypoint, List<String> cmd, String workingDir, List<String> env) {

    /** The PATH a container gets when the image sets none (Docker's default). */
    public static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    public ImageConfig {
        entrypoint = entrypoint == null ? List.of() : List.copyOf(entrypoint);
        cmd = cmd == null ? List.of() : List.copyOf(cmd);
        workingDir = workingDir == null || workingDir.isBlank() ? "/" : workingDir;
        env = env == null ? List.of() : List.copyOf(env);
    }

    public static ImageConfig of(List<String> entrypoint, List<String> cmd, String workingDir) {
        return new ImageConfig(entrypoint, cmd, workingDir, List.of());
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
    static boolean isShellForm(List<String> instruction) {
        return instruction.size() == 3 && instruction.get(1).equals("-c")
                && List.of("/bin/sh", "sh", "/bin/bash", "bash").contains(instruction.get(0));
    }
}
