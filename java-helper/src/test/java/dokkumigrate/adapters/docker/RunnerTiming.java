package dokkumigrate.adapters.docker;

import dokkumigrate.adapters.process.ProcessRunner;
import dokkumigrate.plan.Phase;
import dokkumigrate.run.RunOutcome;
import dokkumigrate.run.RunState;
import dokkumigrate.run.TaskRequest;
import dokkumigrate.run.TaskRunner.RunListener;
import dokkumigrate.testsupport.TestImages;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Times the Docker steps of a hook: {@code DockerTaskRunner.run} of a {@code true} release task,
 * through the docker client ({@code client}: DOCKER_BIN set to the client's absolute path) or the
 * engine's API ({@code api}), RUNS times in this JVM, one line of milliseconds per run. Not a test:
 * {@code docs/benchmarks.md} says how it is run (a fresh JVM per run for a hook's cold cost).
 *
 * <p>{@code java -cp CLASSPATH dokkumigrate.adapters.docker.RunnerTiming api|client RUNS}
 */
public final class RunnerTiming {

    private RunnerTiming() {
    }

    public static void main(String[] args) {
        String dockerBin = switch (args[0]) {
            case "api" -> "docker";
            case "client" -> "/usr/bin/docker";
            default -> throw new IllegalArgumentException("api or client, not " + args[0]);
        };
        int runs = Integer.parseInt(args[1]);
        String image = TestImages.busybox();
        for (int i = 0; i < runs; i++) {
            long started = System.nanoTime();
            DockerTaskRunner runner = new DockerTaskRunner(dockerBin, new ProcessRunner(), false);
            RunOutcome outcome = runner.run(new TaskRequest("bench", Phase.RELEASE, "true", image, 900_000_000L + i,
                    Map.of("SECRET", "x"), List.of("--env=SECRET", "--init"), List.of("--label=dokku"), "/bin/bash",
                    Duration.ofMinutes(1)), new ByteArrayOutputStream(), RunListener.NONE);
            long millis = (System.nanoTime() - started) / 1_000_000;
            if (outcome.state() != RunState.SUCCEEDED) {
                throw new IllegalStateException("the task did not succeed: " + outcome.detail());
            }
            System.out.println(millis);
        }
    }
}
