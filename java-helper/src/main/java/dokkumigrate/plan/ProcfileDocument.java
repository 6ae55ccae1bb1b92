package dokkumigrate.plan;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Procfile read exactly as Dokku reads it: by the rules of procfile-util's parser in its default
 * (non-strict) mode, which is what {@code procfile-util check/show/list} apply to Dokku's per-deploy copy.
 *
 * <p>Unlike procfile-util, a file without any entry is not an error here: {@link #isEmpty()} lets the
 * caller decide. The original text is kept byte for byte, so {@link #without(String)} can drop one
 * entry's line and leave every other line as it was.
 */
public final class ProcfileDocument {
    static final String FILE_LABEL = "Procfile";

    /** procfile-util reads lines with Go's bufio.Scanner, which fails on a line of 64 KiB or more. */
    static final int MAX_LINE_BYTES = 64 * 1024 - 1;

    /** RE2's {@code \s}: ASCII only, and without the vertical tab that Java's {@code \s} includes. */
    private static final String GO_SPACE = "[\\t\\n\\f\\r ]";

    /** procfile-util's non-strict command line; since v0.19 the name may be followed by spaces. */
    private static final Pattern COMMAND_LINE =
            Pattern.compile("([A-Za-z0-9_-]+)" + GO_SPACE + "*:" + GO_SPACE + "*(.+)", Pattern.UNIX_LINES);
    private static final Pattern HASH_COMMENT = Pattern.compile("(.*)" + GO_SPACE + "#.+", Pattern.UNIX_LINES);
    private static final Pattern SLASH_COMMENT = Pattern.compile("(.*)" + GO_SPACE + "//.+", Pattern.UNIX_LINES);
    private static final int MAX_NAME_LENGTH = 63;

    /** One process type and its command, after procfile-util stripped a trailing comment. */
    public record Entry(String name, String command, int lineNumber) {
        public Entry {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(command, "command");
        }
    }

    /** Where an entry's line sits in the text: from its first character to just after its line terminator. */
    private record LineSpan(int start, int endWithTerminator) {
    }

    private final String text;
    private final List<Entry> entries;
    private final Map<String, LineSpan> lineOfEntry;

    private ProcfileDocument(String text, List<Entry> entries, Map<String, LineSpan> lineOfEntry) {
        this.text = text;
        this.entries = List.copyOf(entries);
        this.lineOfEntry = Map.copyOf(lineOfEntry);
    }

    /** Parses Procfile text; a file with no entries parses to an {@link #isEmpty() empty} document. */
    public static ProcfileDocument parse(String text) {
        Objects.requireNonNull(text, "text");
        List<RawLine> lines = RawLine.split(text);
        for (RawLine line : lines) {
            if (GoText.utf8Length(line.content()) > MAX_LINE_BYTES) {
                throw error(line.number(), "line is longer than " + MAX_LINE_BYTES + " bytes, which procfile-util cannot read");
            }
        }
        return read(text, lines, false);
    }

    /**
     * Reads Procfile text by the same rules, skipping each line {@link #parse} would reject (a later
     * duplicate included), for a file that Dokku has already checked or that is only looked at.
     */
    public static ProcfileDocument parseLenient(String text) {
        Objects.requireNonNull(text, "text");
        return read(text, RawLine.split(text), true);
    }

    private static ProcfileDocument read(String text, List<RawLine> lines, boolean skipInvalidLines) {
        List<Entry> entries = new ArrayList<>();
        Map<String, LineSpan> lineOfEntry = new HashMap<>();
        for (RawLine line : lines) {
            Optional<Entry> entry;
            try {
                entry = parseLine(line.content(), line.number(), lineOfEntry.keySet());
            } catch (ExtractionException invalid) {
                if (!skipInvalidLines) {
                    throw invalid;
                }
                entry = Optional.empty();
            }
            if (entry.isPresent()) {
                entries.add(entry.get());
                lineOfEntry.put(entry.get().name(), line.span());
            }
        }
        return new ProcfileDocument(text, entries, lineOfEntry);
    }

    /** A line as Go's bufio.Scanner cuts it: up to a {@code \n}, which is not part of it; a {@code \r} left at its end is trimmed later. */
    private record RawLine(int number, String content, LineSpan span) {
        static List<RawLine> split(String text) {
            List<RawLine> lines = new ArrayList<>();
            int start = 0;
            while (start < text.length()) {
                int newline = text.indexOf('\n', start);
                int end = newline < 0 ? text.length() : newline;
                int next = newline < 0 ? text.length() : newline + 1;
                lines.add(new RawLine(lines.size() + 1, text.substring(start, end), new LineSpan(start, next)));
                start = next;
            }
            return lines;
        }
    }

    /** One line by procfile-util's rules, checked in its order: nothing for a blank or comment line, an entry, or an error. */
    private static Optional<Entry> parseLine(String rawLine, int lineNumber, Set<String> namesSoFar) {
        String line = GoText.trimSpace(rawLine);
        if (line.isEmpty() || line.startsWith("#") || line.startsWith("//")) {
            return Optional.empty();
        }
        Matcher commandLine = COMMAND_LINE.matcher(line);
        if (!commandLine.matches()) {
            throw error(lineNumber, "invalid line in procfile");
        }
        String name = commandLine.group(1);
        if (name.length() > MAX_NAME_LENGTH) {
            throw error(lineNumber, "process name over " + MAX_NAME_LENGTH + " characters");
        }
        if (namesSoFar.contains(name)) {
            throw error(lineNumber, "process names must be unique");
        }
        String command = GoText.trimSpace(withoutTrailingComment(commandLine.group(2)));
        if (command.startsWith("#") || command.startsWith("//")) {
            throw error(lineNumber, "comment specified in place of command");
        }
        if (command.isEmpty()) {
            throw error(lineNumber, "no command specified");
        }
        return Optional.of(new Entry(name, command, lineNumber));
    }

    /** procfile-util's greedy rule: only the last {@code " #..."} (else {@code " //..."}) is a comment. */
    private static String withoutTrailingComment(String command) {
        Matcher hash = HASH_COMMENT.matcher(command);
        if (hash.matches()) {
            return hash.group(1);
        }
        Matcher slashes = SLASH_COMMENT.matcher(command);
        return slashes.matches() ? slashes.group(1) : command;
    }

    private static ExtractionException error(int lineNumber, String reason) {
        return new ExtractionException(FILE_LABEL, lineNumber, reason);
    }

    /** The text as given, byte for byte. */
    public String text() {
        return text;
    }

    /** The entries in file order. */
    public List<Entry> entries() {
        return entries;
    }

    /** True when the file declares no process at all (procfile-util would reject it). */
    public boolean isEmpty() {
        return entries.isEmpty();
    }

    public Optional<String> command(String processType) {
        return entry(processType).map(Entry::command);
    }

    public Optional<Entry> entry(String processType) {
        return entries.stream().filter(e -> e.name().equals(processType)).findFirst();
    }

    /**
     * This document with the line of {@code processType} removed, terminator included, and every other
     * character unchanged; this document itself when there is no such entry.
     */
    public ProcfileDocument without(String processType) {
        LineSpan line = lineOfEntry.get(processType);
        if (line == null) {
            return this;
        }
        return parse(text.substring(0, line.start()) + text.substring(line.endWithTerminator()));
    }
}
