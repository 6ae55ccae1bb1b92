package dokkumigrate.scan;

import java.util.Objects;

/** One process type of a Procfile, with the line it is declared on. */
public record ProcfileEntry(String processType, String command, int line) {
    public ProcfileEntry {
        Objects.requireNonNull(processType, "processType");
        Objects.requireNonNull(command, "command");
        if (line < 1) {
            throw new IllegalArgumentException("line numbers start at 1, got " + line);
        }
    }
}
