package dokkumigrate.plan;

import java.util.Objects;

/** One deployment task: a command to run once per deploy in a given phase. */
public record Task(Phase phase, String command) {
    public Task {
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(command, "command");
        if (command.isBlank()) {
            throw new IllegalArgumentException("a " + phase.label() + " task needs a command");
        }
    }

    public Phase.Source source() {
        return phase.source();
    }
}
