package dokkumigrate.run;

import java.util.Objects;

/**
 * How a task run ended, as the runner saw it.
 *
 * @param state        final state: succeeded, failed, timed_out or interrupted
 * @param exitCode     the container's exit code, or -1 when it never produced one
 * @param outputTail   the last bytes of the output, at most the configured limit
 * @param outputBytes  how many bytes the task printed in all
 * @param detail       a one-line explanation for anything but success, empty otherwise
 */
public record RunOutcome(RunState state, int exitCode, byte[] outputTail, long outputBytes, String detail) {
    public RunOutcome {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(outputTail, "outputTail");
        Objects.requireNonNull(detail, "detail");
    }

    public boolean outputTruncated() {
        return outputBytes > outputTail.length;
    }
}
