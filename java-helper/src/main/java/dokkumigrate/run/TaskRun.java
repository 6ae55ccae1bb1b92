package dokkumigrate.run;

import dokkumigrate.plan.Phase;
import dokkumigrate.plan.Task;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** One attempt at running a task of a deploy, as recorded in the ledger. */
public record TaskRun(
        long id,
        long deployId,
        String app,
        Phase phase,
        String command,
        RunState state,
        int attempt,
        Optional<Integer> exitCode,
        Optional<Instant> startedAt,
        Optional<Instant> finishedAt,
        String image,
        String imageId,
        String containerId,
        String host,
        long helperPid,
        String logFile,
        String detail) {

    public Optional<Duration> duration() {
        if (startedAt.isEmpty() || finishedAt.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(Duration.between(startedAt.get(), finishedAt.get()));
    }

    public Task task() {
        return new Task(phase, command);
    }
}
