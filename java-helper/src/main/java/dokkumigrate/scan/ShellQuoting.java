package dokkumigrate.scan;

import java.util.List;
import java.util.regex.Pattern;

/** Writes argv back as text: a shell command line, or a Dockerfile exec-form JSON array. */
final class ShellQuoting {

    private static final Pattern SAFE_WORD = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

    private ShellQuoting() {
    }

    /** {@code ["rails", "db:migrate"]} → {@code rails db:migrate}, quoting words that need it. */
    static String join(List<String> argv) {
        StringBuilder line = new StringBuilder();
        for (String word : argv) {
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append(SAFE_WORD.matcher(word).matches() ? word : "'" + word.replace("'", "'\\''") + "'");
        }
        return line.toString();
    }

    /** {@code ["sh", "-c", "rails s"]}, as a Dockerfile writes an exec-form instruction. */
    static String jsonArray(List<String> argv) {
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < argv.size(); i++) {
            if (i > 0) {
                json.append(", ");
            }
            json.append('"');
            for (char c : argv.get(i).toCharArray()) {
                switch (c) {
                    case '"' -> json.append("\\\"");
                    case '\\' -> json.append("\\\\");
                    case '\n' -> json.append("\\n");
                    case '\t' -> json.append("\\t");
                    default -> json.append(c);
                }
            }
            json.append('"');
        }
        return json.append(']').toString();
    }
}
