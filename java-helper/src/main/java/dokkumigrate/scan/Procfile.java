package dokkumigrate.scan;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Procfile's entries with their line numbers, read as Dokku's procfile-util reads one
 * (lenient mode): {@code name: command}, blank and {@code #}/{@code //} comment lines skipped,
 * a trailing {@code " #..."} or {@code " //..."} comment removed from a command. Lines that are
 * not entries are skipped rather than rejected: Dokku has already validated the file.
 */
public record Procfile(List<ProcfileEntry> entries) {

    public static final Procfile EMPTY = new Procfile(List.of());

    private static final Pattern ENTRY = Pattern.compile("^([A-Za-z0-9_-]+)\\s*:\\s*(.+)$");
    private static final Pattern TRAILING_COMMENT = Pattern.compile("^(.*)\\s#.+$");
    private static final Pattern TRAILING_SLASH_COMMENT = Pattern.compile("^(.*)\\s//.+$");

    public Procfile {
        entries = List.copyOf(entries);
    }

    public static Procfile parse(String text) {
        List<ProcfileEntry> entries = new ArrayList<>();
        String[] lines = text.split("\\R", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith("//")) {
                continue;
            }
            Matcher entry = ENTRY.matcher(line);
            if (!entry.matches()) {
                continue;
            }
            String command = withoutTrailingComment(entry.group(2)).strip();
            if (!command.isEmpty() && entries.stream().noneMatch(e -> e.processType().equals(entry.group(1)))) {
                entries.add(new ProcfileEntry(entry.group(1), command, i + 1));
            }
        }
        return new Procfile(entries);
    }

    private static String withoutTrailingComment(String command) {
        Matcher hash = TRAILING_COMMENT.matcher(command);
        if (hash.matches()) {
            return hash.group(1);
        }
        Matcher slashes = TRAILING_SLASH_COMMENT.matcher(command);
        return slashes.matches() ? slashes.group(1) : command;
    }

    public Optional<ProcfileEntry> entry(String processType) {
        return entries.stream().filter(e -> e.processType().equals(processType)).findFirst();
    }
}
