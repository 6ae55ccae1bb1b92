package dokkumigrate.run;

import java.io.OutputStream;
import java.util.List;

/** Runs a deployment task in a container of the deploying image. */
public interface TaskRunner {

    /**
     * Runs the task to its end, streaming everything it prints (stdout and stderr, as raw bytes)
     * into {@code output} as it comes. Never throws for a task that fails, times out or is
     * stopped: that is the outcome. Throws {@link RunnerException} when the container could not
     * be created or the engine could not be reached at all.
     *
     * <p>The outcome's {@code outputTail}/{@code outputBytes} are left empty/zero: the caller
     * captures output from the stream it passed in.
     */
    RunOutcome run(TaskRequest request, OutputStream output, RunListener listener);

    /** Stops and removes the containers of a run (found by its run-id label); returns their ids. */
    List<String> removeContainersOfRun(long runId);

    /**
     * Stops a run from another thread (a shutdown hook on SIGTERM, SIGINT or SIGHUP): its
     * containers are killed and removed, and the {@link #run} in progress returns interrupted.
     */
    default void stop(long runId) {
        removeContainersOfRun(runId);
    }

    /** The image's id ({@code sha256:...}), or empty when the image does not exist. */
    String imageId(String image);

    /**
     * How the image was built, as Dokku names it for {@code docker-args-process-deploy}:
     * {@code herokuish}, {@code pack} or {@code dockerfile}.
     */
    default String imageSourceType(String image, String herokuishUser) {
        return "dockerfile";
    }

    /** Hears about a run's progress. */
    interface RunListener {
        RunListener NONE = containerId -> { };

        /** The container exists (created, not yet started): record it so a crash can clean it up. */
        void containerCreated(String containerId);
    }

    /** The engine could not run the task at all (no container was started). */
    class RunnerException extends RuntimeException {
        public RunnerException(String message) {
            super(message);
        }

        public RunnerException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
