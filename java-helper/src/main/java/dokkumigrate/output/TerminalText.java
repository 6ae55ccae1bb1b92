package dokkumigrate.output;

/**
 * Makes text that came from a task safe to show: control characters become visible escapes
 * ({@code \e}, {@code \r}, {@code \x07}), so no output can move the cursor, clear the screen or
 * break a table's columns. Logs keep the raw bytes.
 */
public final class TerminalText {
    private TerminalText() {
    }

    public static String escape(String text) {
        if (isPlain(text)) {
            return text; // the common case, and the one a task printing gigabytes hits for every line
        }
        StringBuilder safe = new StringBuilder(text.length());
        text.codePoints().forEach(cp -> {
            if (cp == '\t') {
                safe.append("    ");
            } else if (cp == 0x1b) {
                safe.append("\\e");
            } else if (cp == '\r') {
                safe.append("\\r");
            } else if (cp == '\n') {
                safe.append("\\n");
            } else if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0)) {
                safe.append(String.format("\\x%02x", cp));
            } else if (cp == 0x2028 || cp == 0x2029 || isBidiControl(cp)) {
                safe.append(String.format("\\u%04x", cp));
            } else {
                safe.appendCodePoint(cp);
            }
        });
        return safe.toString();
    }

    /** Whether no character of the text needs an escape: printable ASCII, or Unicode beyond the C1 controls. */
    private static boolean isPlain(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || (c >= 0x7f && c < 0xa0) || c == 0x2028 || c == 0x2029 || (c >= 0x202a && c <= 0x202e)
                    || (c >= 0x2066 && c <= 0x2069) || Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /** Embeddings, overrides and isolates: each can reorder what follows it on the line. */
    private static boolean isBidiControl(int cp) {
        return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
    }
}
