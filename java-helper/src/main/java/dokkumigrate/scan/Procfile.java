package dokkumigrate.scan;

import dokkumigrate.plan.ProcfileDocument;
import java.util.List;
import java.util.Optional;

/**
 * A Procfile's entries with their line numbers, read by the one Procfile reader
 * ({@link ProcfileDocument}, procfile-util's rules) in its lenient mode: lines that are not
 * entries are skipped rather than rejected, since Dokku has already validated the file.
 */
public record Procfile(List<ProcfileEntry> entries) {

    public static final Procfile EMPTY = new Procfile(List.of());

    public Procfile {
        entries = List.copyOf(entries);
    }

    public static Procfile parse(String text) {
        return new Procfile(ProcfileDocument.parseLenient(text).entries().stream()
                .map(entry -> new ProcfileEntry(entry.name(), entry.command(), entry.lineNumber()))
                .toList());
    }

    public Optional<ProcfileEntry> entry(String processType) {
        return entries.stream().filter(e -> e.processType().equals(processType)).findFirst();
    }
}
