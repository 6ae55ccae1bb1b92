package dokkumigrate.scan;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A migration (or a swallowed {@code ConcurrentMigrationError}) that runs when instances boot.
 * One finding per place and command: process types that reach the same line share it, and
 * their instances add up (web=1 and worker=1 through one entrypoint are two instances at once).
 *
 * @param processes the process types that run it, with their scale
 * @param location  where the command is written
 * @param via       how the process gets there, outermost first (image ENTRYPOINT, a script that
 *                  calls this one); empty when the command is in the process's own command line
 * @param command   the command as written
 * @param guards    the conditions it runs under (Rails' entrypoint: only for the rails server)
 * @param why       why it breaks at this scale
 */
public record BootMigrationFinding(Severity severity, MigrationMatch.Kind kind, List<ProcessCount> processes,
                                   Location location, List<Location> via, String command, String stack,
                                   List<Guard> guards, String why, Fix fix) {

    public BootMigrationFinding {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(kind, "kind");
        processes = List.copyOf(processes);
        Objects.requireNonNull(location, "location");
        via = List.copyOf(via);
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(stack, "stack");
        guards = List.copyOf(guards);
        Objects.requireNonNull(why, "why");
        Objects.requireNonNull(fix, "fix");
    }

    /** All instances that run it at boot. */
    public int instances() {
        return processes.stream().mapToInt(ProcessCount::instances).sum();
    }

    /** {@code web=2, worker=3}. */
    public String scaleSummary() {
        return processes.stream().map(ProcessCount::toString).collect(Collectors.joining(", "));
    }
}
