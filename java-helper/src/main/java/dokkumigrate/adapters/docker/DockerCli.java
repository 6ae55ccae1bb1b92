package dokkumigrate.adapters.docker;

import dokkumigrate.adapters.process.ProcessRunner;
import dokkumigrate.adapters.process.ProcessRunner.Result;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The docker commands the task runner and the image scan use, each a docker client process started
 * through the project's {@link ProcessRunner}: how Docker is reached when Dokku names another
 * docker binary (DOCKER_BIN) or the engine is not on a local socket, and for a container whose
 * options only the client reads exactly.
 */
final class DockerCli implements DockerEngine {

    /** How long a short docker command (inspect, create, kill, rm, ls) may take. */
    static final Duration COMMAND_TIMEOUT = DockerEngine.COMMAND_TIMEOUT;
    /** How long committing a predeploy container into its image may take. */
    static final Duration COMMIT_TIMEOUT = DockerEngine.COMMIT_TIMEOUT;
    /** The exit code {@link ProcessRunner#run} reports for a command it killed at its timeout. */
    private static final int KILLED_AT_TIMEOUT = 124;

    private final ProcessRunner processes;
    private final String dockerBin;

    DockerCli(ProcessRunner processes, String dockerBin) {
        this.processes = Objects.requireNonNull(processes, "processes");
        this.dockerBin = Objects.requireNonNull(dockerBin, "dockerBin");
    }

    @Override
    public Result inspectImage(String image) {
        return run("image", "inspect", image);
    }

    @Override
    public Result create(List<String> args, Map<String, String> env) {
        return processes.run(argv(List.of("container", "create"), args), env, null, COMMAND_TIMEOUT);
    }

    @Override
    public Process startAttached(String containerId) {
        return processes.startMerged(argv(List.of("container", "start", "--attach", containerId)), Map.of());
    }

    @Override
    public Process startWait(String containerId) {
        return processes.startMerged(argv(List.of("container", "wait", containerId)), Map.of());
    }

    @Override
    public Result state(String containerId) {
        return run("container", "inspect", "--format", "{{json .State}}", containerId);
    }

    @Override
    public Result kill(String containerId) {
        return run("container", "kill", containerId);
    }

    @Override
    public Result remove(List<String> containerIds) {
        return processes.run(argv(List.of("container", "rm", "--force"), containerIds), Map.of(), null, COMMAND_TIMEOUT);
    }

    @Override
    public Result containersLabelled(String label) {
        return run("container", "ls", "--all", "--quiet", "--no-trunc", "--filter", "label=" + label);
    }

    @Override
    public Result commit(List<String> changes, String containerId, String image) {
        List<String> args = new ArrayList<>(List.of("container", "commit"));
        for (String change : changes) {
            args.add("--change");
            args.add(change);
        }
        args.add(containerId);
        args.add(image);
        return processes.run(argv(args), Map.of(), null, COMMIT_TIMEOUT);
    }

    @Override
    public Process copyFrom(String containerId, String path) {
        return processes.start(argv(List.of("cp", "--follow-link", containerId + ":" + path, "-")), Map.of());
    }

    /** What went wrong with a failed command, in one line: docker's stderr, or that it did not answer. */
    static String explain(Result result, Duration timeout) {
        String stderr = result.stderr().strip().replaceAll("\\s*\\R\\s*", " ");
        if (result.exitCode() == KILLED_AT_TIMEOUT && stderr.isEmpty()) {
            return "docker did not answer within " + timeout.toSeconds() + "s";
        }
        return stderr.isEmpty() ? "docker exited with code " + result.exitCode() : stderr;
    }

    static String explain(Result result) {
        return explain(result, COMMAND_TIMEOUT);
    }

    /** Whether a failed command said that the container does not exist. */
    static boolean saysNoSuchContainer(Result result) {
        return result.stderr().toLowerCase(Locale.ROOT).contains("no such container");
    }

    /** Whether a failed removal found the container being removed already (by a stop from another thread). */
    static boolean saysRemovalInProgress(Result result) {
        return result.stderr().toLowerCase(Locale.ROOT).contains("is already in progress");
    }

    /** Whether a failed command said that the image does not exist. */
    static boolean saysNoSuchImage(Result result) {
        return result.stderr().toLowerCase(Locale.ROOT).contains("no such image");
    }

    private Result run(String... args) {
        return processes.run(argv(List.of(args)), Map.of(), null, COMMAND_TIMEOUT);
    }

    private List<String> argv(List<String> first, List<String> rest) {
        List<String> args = new ArrayList<>(first);
        args.addAll(rest);
        return argv(args);
    }

    private List<String> argv(List<String> args) {
        List<String> argv = new ArrayList<>(args.size() + 1);
        argv.add(dockerBin);
        argv.addAll(args);
        return argv;
    }
}
