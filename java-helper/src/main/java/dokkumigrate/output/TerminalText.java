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
            if (!needsEscape(cp)) {
                safe.appendCodePoint(cp);
            } else if (cp == '\t') {
                safe.append("    ");
            } else if (cp == 0x1b) {
                safe.append("\\e");
            } else if (cp == '\r') {
                safe.append("\\r");
            } else if (cp == '\n') {
                safe.append("\\n");
            } else if (cp < 0xa0) {
                safe.append(String.format("\\x%02x", cp));
            } else {
                safe.append(String.format("\\u%04x", cp));
            }
        });
        return safe.toString();
    }

    /**
     * Whether no character of the text needs an escape. A surrogate sends the text the slow way,
     * which reads whole code points; the characters that need one are all in the BMP.
     */
    private static boolean isPlain(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (needsEscape(c) || Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /** C0 and C1 controls, DEL, the line and paragraph separators, and the bidi controls. */
    private static boolean needsEscape(int cp) {
        return cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || cp == 0x2028 || cp == 0x2029 || isBidiControl(cp);
    }

    /** Embeddings, overrides and isolates: each can reorder what follows it on the line. */
    private static boolean isBidiControl(int cp) {
        return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
    }
}
