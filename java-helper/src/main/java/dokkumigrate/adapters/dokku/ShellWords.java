package dokkumigrate.adapters.dokku;

import java.util.ArrayList;
import java.util.List;

/** Splits text into words the way a POSIX shell would, without expansion (as go-shellquote does). */
public final class ShellWords {
    private ShellWords() {
    }

    public static List<String> split(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '\\') {
                if (i + 1 >= text.length()) {
                    throw new IllegalArgumentException("unterminated backslash escape in: " + text);
                }
                char next = text.charAt(i + 1);
                if (next != '\n') {
                    word.append(next);
                }
                inWord = true;
                i += 2;
            } else if (c == '\'') {
                int end = text.indexOf('\'', i + 1);
                if (end < 0) {
                    throw new IllegalArgumentException("unterminated single quote in: " + text);
                }
                word.append(text, i + 1, end);
                inWord = true;
                i = end + 1;
            } else if (c == '"') {
                i = readDoubleQuoted(text, i + 1, word);
                inWord = true;
            } else if (c == ' ' || c == '\t' || c == '\n') {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
                i++;
            } else {
                word.append(c);
                inWord = true;
                i++;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }

    private static int readDoubleQuoted(String text, int start, StringBuilder word) {
        int i = start;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '"') {
                return i + 1;
            }
            if (c == '\\' && i + 1 < text.length() && "$`\"\\\n".indexOf(text.charAt(i + 1)) >= 0) {
                if (text.charAt(i + 1) != '\n') {
                    word.append(text.charAt(i + 1));
                }
                i += 2;
            } else {
                word.append(c);
                i++;
            }
        }
        throw new IllegalArgumentException("unterminated double quote in: " + text);
    }
}
