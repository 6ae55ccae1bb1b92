package dokkumigrate.adapters.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dokkumigrate.adapters.process.ProcessRunner;
import dokkumigrate.plan.Phase;
import dokkumigrate.run.RunOutcome;
import dokkumigrate.run.RunState;
import dokkumigrate.run.TaskRequest;
import dokkumigrate.run.TaskRunner.RunListener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An engine that dies or hangs mid-run, played by a fake docker client (a shell script), so no
 * engine is needed: the run must end with a clear outcome and never outlive its timeout.
 */
class DockerTaskRunnerEngineFailureTest {

    private static final String ENGINE_GONE =
            "echo 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?' >&2; exit 1";

    @TempDir
    Path dir;

    @Test
    void engineDyingMidRunInterruptsTheRunWithDockersReason() throws IOException {
        DockerTaskRunner runner = withFakeDocker(
                "echo 'partial output'; echo 'error during connect: unexpected EOF' >&2; exit 1");
        ByteArrayOutputStream output = new ByteArrayOutputStream();

        RunOutcome outcome = runner.run(request(Duration.ofSeconds(60)), output, RunListener.NONE);

        assertEquals(RunState.INTERRUPTED, outcome.state());
        assertTrue(outcome.detail().startsWith("lost contact with the Docker engine"), outcome.detail());
        assertTrue(outcome.detail().contains("Cannot connect to the Docker daemon"), outcome.detail());
        assertTrue(outcome.detail().contains("could not be removed"), outcome.detail());
        assertTrue(output.toString(StandardCharsets.UTF_8).contains("partial output"));
    }

    @Test
    void hungEngineDoesNotKeepTheRunPastItsTimeout() throws IOException {
        DockerTaskRunner runner = withFakeDocker("echo 'partial output'; exec sleep 600");
        long startedAt = System.nanoTime();

        RunOutcome outcome = runner.run(request(Duration.ofSeconds(1)), new ByteArrayOutputStream(), RunListener.NONE);

        assertEquals(RunState.TIMED_OUT, outcome.state());
        assertTrue(outcome.detail().startsWith("timed out after 1s; killing the container failed: Cannot connect"), outcome.detail());
        // the fake engine hangs for 600 s: ending well before that is the timeout, however loaded the machine
        assertTrue(Duration.ofNanos(System.nanoTime() - startedAt).compareTo(Duration.ofSeconds(300)) < 0);
    }

    /** A docker client that knows the image and creates the container, then behaves as {@code onStart} says. */
    private DockerTaskRunner withFakeDocker(String onStart) throws IOException {
        Path docker = dir.resolve("docker");
        Files.writeString(docker, String.join("\n",
                "#!/bin/sh",
                "case \"$1 $2\" in",
                "  'image inspect') echo '[{\"Id\":\"sha256:fake\",\"Config\":{\"Cmd\":[\"/bin/sh\"]}}]' ;;",
                "  'container create') echo 0123456789abcdef0123456789abcdef ;;",
                "  'container start') " + onStart + " ;;",
                "  *) " + ENGINE_GONE + " ;;",
                "esac",
                ""));
        Files.setPosixFilePermissions(docker, PosixFilePermissions.fromString("rwxr-xr-x"));
        return new DockerTaskRunner(docker.toString(), new ProcessRunner());
    }

    private static TaskRequest request(Duration timeout) {
        return new TaskRequest("app", Phase.RELEASE, "rake db:migrate", "dokku/app:latest", 7,
                Map.of(), List.of(), List.of(), "/bin/bash", timeout);
    }
}
