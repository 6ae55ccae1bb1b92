package dokkumigrate.adapters.docker;

import dokkumigrate.adapters.process.ProcessRunner.Result;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The Docker operations the task runner and the image scan use, answered the way the docker
 * client answers them: an exit code (0 for success, 124 when the engine did not answer in time),
 * what it prints, and the engine's error on stderr ({@code Error response from daemon: ...}).
 * Streams (attach, wait, an archive read) come as a {@link Process}, so the code that streams,
 * waits with a deadline and gives up on a stuck call treats the client and the engine's API alike.
 */
interface DockerEngine {

    /** How long a short call (inspect, create, kill, rm, ls) may take. */
    Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
    /** How long committing a predeploy container into its image may take. */
    Duration COMMIT_TIMEOUT = Duration.ofMinutes(30);

    /** {@code docker image inspect IMAGE}: the image's JSON (an object, or an array of one). */
    Result inspectImage(String image);

    /** {@code docker container create ARGS}: the id on stdout; {@code env} is the client's environment only. */
    Result create(List<String> args, Map<String, String> env);

    /** {@code docker container start --attach ID}: the container's stdout and stderr, merged, live. */
    Process startAttached(String containerId);

    /** {@code docker container wait ID}, which ends when the container has stopped. */
    Process startWait(String containerId);

    /** {@code docker container inspect --format {{json .State}} ID}. */
    Result state(String containerId);

    Result kill(String containerId);

    /** {@code docker container rm --force ID...}: kills (when running) and removes containers. */
    Result remove(List<String> containerIds);

    /** Containers (running or not) that carry {@code label} ({@code KEY=VALUE}), one full id per line. */
    Result containersLabelled(String label);

    /** {@code docker container commit --change C... ID IMAGE}. */
    Result commit(List<String> changes, String containerId, String image);

    /**
     * {@code docker cp --follow-link ID:PATH -}: a tar stream of the file on stdout; a missing file
     * says {@code No such container:path} or {@code Could not find the file} on stderr.
     */
    Process copyFrom(String containerId, String path);
}
