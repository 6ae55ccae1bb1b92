package dokkumigrate.run;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a command line into words the way a POSIX shell would, without expanding anything:
 * single quotes, double quotes (where a backslash escapes only {@code $ ` " \} and newline) and
 * backslash escapes. This is the behaviour of go-shellquote's {@code Split}, which Dokku uses to
 * turn a task into the arguments of an image's ENTRYPOINT.
 */
public final class ShellWords {

    private static final String SEPARATORS = " \t\n";
    private static final String ESCAPABLE_IN_DOUBLE_QUOTES = "$`\"\\\n";

    private ShellWords() {
    }

    /** The words of {@code line}; throws {@link UnbalancedQuotingException} for an unfinished quote or escape. */
    public static List<String> split(String line) {
        List<String> words = new ArrayList<>();
        int position = 0;
        while (position < line.length()) {
            char c = line.charAt(position);
            if (SEPARATORS.indexOf(c) >= 0) {
                position++;
            } else if (isEscapedNewline(line, position)) {
                position += 2;
            } else {
                StringBuilder word = new StringBuilder();
                position = readWord(line, position, word);
                words.add(word.toString());
            }
        }
        return words;
    }

    /** Reads one word starting at {@code start}; returns the position just after it. */
    private static int readWord(String line, int start, StringBuilder word) {
        int position = start;
        while (position < line.length()) {
            char c = line.charAt(position);
            if (SEPARATORS.indexOf(c) >= 0) {
                return position;
            } else if (c == '\'') {
                position = readSingleQuoted(line, position + 1, word);
            } else if (c == '"') {
                position = readDoubleQuoted(line, position + 1, word);
            } else if (c == '\\') {
                if (position + 1 == line.length()) {
                    throw new UnbalancedQuotingException("unterminated backslash escape");
                }
                position = appendEscaped(line, position, word);
            } else {
                word.append(c);
                position++;
            }
        }
        return position;
    }

    private static int readSingleQuoted(String line, int start, StringBuilder word) {
        int end = line.indexOf('\'', start);
        if (end < 0) {
            throw new UnbalancedQuotingException("unterminated single quote");
        }
        word.append(line, start, end);
        return end + 1;
    }

    private static int readDoubleQuoted(String line, int start, StringBuilder word) {
        int position = start;
        while (position < line.length()) {
            char c = line.charAt(position);
            if (c == '"') {
                return position + 1;
            }
            if (c == '\\' && position + 1 < line.length()
                    && ESCAPABLE_IN_DOUBLE_QUOTES.indexOf(line.charAt(position + 1)) >= 0) {
                position = appendEscaped(line, position, word);
            } else {
                word.append(c);
                position++;
            }
        }
        throw new UnbalancedQuotingException("unterminated double quote");
    }

    private static boolean isEscapedNewline(String line, int position) {
        return line.charAt(position) == '\\'
                && position + 1 < line.length()
                && line.charAt(position + 1) == '\n';
    }

    /** The line ends inside a quote or right after a backslash. */
    public static final class UnbalancedQuotingException extends IllegalArgumentException {
        public UnbalancedQuotingException(String message) {
            super(message);
        }
    }

    /** Appends the character the backslash at {@code backslash} escapes (an escaped newline is a line continuation, and vanishes). */
    private static int appendEscaped(String line, int backslash, StringBuilder word) {
        char escaped = line.charAt(backslash + 1);
        if (escaped != '\n') {
            word.append(escaped);
        }
        return backslash + 2;
    }
}
