package dokkumigrate.adapters.docker;

import dokkumigrate.adapters.process.ProcessRunner;
import dokkumigrate.adapters.process.ProcessRunner.Result;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/** The docker commands the task runner uses, each started through the project's {@link ProcessRunner}. */
final class DockerCli {

    /** How long a short docker command (inspect, create, kill, rm, ls) may take. */
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
    /** How long committing a predeploy container into its image may take. */
    static final Duration COMMIT_TIMEOUT = Duration.ofMinutes(30);
    /** The exit code {@link ProcessRunner#run} reports for a command it killed at its timeout. */
    private static final int KILLED_AT_TIMEOUT = 124;

    private final ProcessRunner processes;
    private final String dockerBin;
    private final ImageInspections inspections;

    DockerCli(ProcessRunner processes, String dockerBin, ImageInspections inspections) {
        this.processes = Objects.requireNonNull(processes, "processes");
        this.dockerBin = Objects.requireNonNull(dockerBin, "dockerBin");
        this.inspections = Objects.requireNonNull(inspections, "inspections");
    }

    /** {@code docker image inspect IMAGE}: one JSON array (remembered when the inspections are). */
    Result inspectImage(String image) {
        return inspections.inspect(image);
    }

    /** {@code docker container create ARGS}; {@code env} goes into the client's environment only. */
    Result create(List<String> args, Map<String, String> env) {
        return processes.run(argv(List.of("container", "create"), args), env, null, COMMAND_TIMEOUT);
    }

    /** Starts {@code docker container start --attach ID}: the container's stdout and stderr, merged, live. */
    Process startAttached(String containerId) {
        return processes.startMerged(argv(List.of("container", "start", "--attach", containerId)), Map.of());
    }

    /** Starts {@code docker container wait ID}, which ends when the container has stopped. */
    Process startWait(String containerId) {
        return processes.startMerged(argv(List.of("container", "wait", containerId)), Map.of());
    }

    /** {@code docker container inspect --format {{json .State}} ID}. */
    Result state(String containerId) {
        return run("container", "inspect", "--format", "{{json .State}}", containerId);
    }

    Result kill(String containerId) {
        return run("container", "kill", containerId);
    }

    /** Kills (when running) and removes containers. */
    Result remove(List<String> containerIds) {
        return processes.run(argv(List.of("container", "rm", "--force"), containerIds), Map.of(), null, COMMAND_TIMEOUT);
    }

    /** Containers (running or not) that carry {@code label} ({@code KEY=VALUE}), one full id per line. */
    Result containersLabelled(String label) {
        return run("container", "ls", "--all", "--quiet", "--no-trunc", "--filter", "label=" + label);
    }

    /** {@code docker container commit --change C... ID IMAGE}; what was known of IMAGE is forgotten. */
    Result commit(List<String> changes, String containerId, String image) {
        List<String> args = new ArrayList<>(List.of("container", "commit"));
        changes.forEach(change -> args.addAll(List.of("--change", change)));
        args.addAll(List.of(containerId, image));
        try {
            return processes.run(argv(args), Map.of(), null, COMMIT_TIMEOUT);
        } finally {
            inspections.forget(image);
        }
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
