package dokkumigrate.adapters.docker;

import dokkumigrate.adapters.process.ProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How this helper reaches Docker. Where the docker client would talk to an engine on a local
 * UNIX socket (DOCKER_HOST unset or {@code unix://PATH}, no docker context chosen), the helper
 * speaks the engine's API on that socket itself: no docker process per step. Where Dokku names
 * another docker binary (DOCKER_BIN), or the engine is elsewhere (tcp://, ssh://, a context), it
 * runs the docker client, which knows how to get there.
 */
public final class DockerAccess {

    /** Where the docker client finds the engine when DOCKER_HOST is not set. */
    public static final Path DEFAULT_SOCKET = Path.of("/var/run/docker.sock");

    private static final Pattern CURRENT_CONTEXT = Pattern.compile("\"currentContext\"\\s*:\\s*\"([^\"]*)\"");

    private final ProcessRunner processes;
    private final String dockerBin;
    private final Path socket;
    private final String clientReason;

    private DockerAccess(ProcessRunner processes, String dockerBin, Path socket, String clientReason) {
        this.processes = processes;
        this.dockerBin = dockerBin;
        this.socket = socket;
        this.clientReason = clientReason;
    }

    /**
     * @param dockerBin Dokku's DOCKER_BIN ({@link DockerTaskRunner#DEFAULT_DOCKER_BIN} when unset)
     * @param processes runs the client; its environment is the one DOCKER_HOST is read from
     */
    public static DockerAccess of(String dockerBin, ProcessRunner processes) {
        Objects.requireNonNull(dockerBin, "dockerBin");
        Objects.requireNonNull(processes, "processes");
        if (!dockerBin.equals(DockerTaskRunner.DEFAULT_DOCKER_BIN)) {
            return client(processes, dockerBin, "DOCKER_BIN=" + dockerBin);
        }
        String host = processes.environmentValue("DOCKER_HOST");
        if (host != null && !host.isEmpty()) {
            if (host.startsWith("unix:///")) {
                return new DockerAccess(processes, dockerBin, Path.of(host.substring("unix://".length())), "");
            }
            return client(processes, dockerBin, "DOCKER_HOST=" + host);
        }
        String context = processes.environmentValue("DOCKER_CONTEXT");
        if (context == null || context.isEmpty()) {
            context = configuredContext(processes);
        }
        if (!context.isEmpty() && !context.equals("default")) {
            return client(processes, dockerBin, "docker context " + context);
        }
        return new DockerAccess(processes, dockerBin, DEFAULT_SOCKET, "");
    }

    private static DockerAccess client(ProcessRunner processes, String dockerBin, String why) {
        return new DockerAccess(processes, dockerBin, null, why);
    }

    /** The context the docker client's config file chooses ({@code currentContext}), or empty. */
    private static String configuredContext(ProcessRunner processes) {
        String dir = processes.environmentValue("DOCKER_CONFIG");
        if (dir == null || dir.isEmpty()) {
            String home = processes.environmentValue("HOME");
            if (home == null || home.isEmpty()) {
                return "";
            }
            dir = Path.of(home, ".docker").toString();
        }
        Path config = Path.of(dir, "config.json");
        try {
            if (!Files.isRegularFile(config) || Files.size(config) > 1024 * 1024) {
                return "";
            }
            Matcher matcher = CURRENT_CONTEXT.matcher(Files.readString(config));
            return matcher.find() ? matcher.group(1) : "";
        } catch (IOException | RuntimeException unreadable) {
            // a config the client cannot read either: it would use the default engine
            return "";
        }
    }

    /** Whether the helper speaks the engine's API itself (no docker process per step). */
    public boolean usesEngineApi() {
        return socket != null;
    }

    /** For {@code migrate:report}: {@code engine socket /var/run/docker.sock} or {@code docker client (DOCKER_BIN=...)}. */
    public String describe() {
        return socket != null ? "engine socket " + socket : "docker client (" + clientReason + ")";
    }

    /** A new connection to Docker: one per helper run, shared by its image inspections, scan and task runs. */
    DockerEngine engine() {
        DockerCli client = new DockerCli(processes, dockerBin);
        return socket == null ? client : new EngineApi(new EngineHttp(socket), client, processes::environmentValue);
    }
}
