package dokkumigrate.run;

import java.util.Objects;
import java.util.Optional;

/**
 * How a task run ended, as the runner saw it.
 *
 * @param state        final state: succeeded, failed, timed_out or interrupted
 * @param exitCode     the container's exit code; empty when it never produced one (timeout, interruption,
 *                     a container that never started)
 * @param outputTail   the last bytes of the output, at most the configured limit
 * @param outputBytes  how many bytes the task printed in all
 * @param detail       a one-line explanation for anything but success, empty otherwise
 */
public record RunOutcome(RunState state, Optional<Integer> exitCode, byte[] outputTail, long outputBytes, String detail) {
    public RunOutcome {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(exitCode, "exitCode");
        Objects.requireNonNull(outputTail, "outputTail");
        Objects.requireNonNull(detail, "detail");
    }

    /** A task the plugin did not run (Dokku's own runner did), with why. */
    public static RunOutcome skipped(String detail) {
        return new RunOutcome(RunState.SKIPPED, Optional.empty(), new byte[0], 0, detail);
    }

    public boolean outputTruncated() {
        return outputBytes > outputTail.length;
    }
}
