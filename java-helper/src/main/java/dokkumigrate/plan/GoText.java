package dokkumigrate.plan;

import java.nio.charset.StandardCharsets;

/**
 * The few Go string rules Dokku's tools apply, so that text is read here as they read it:
 * Go's {@code strings.TrimSpace} trims a different set of characters than {@link String#strip()}.
 */
final class GoText {
    private GoText() {
    }

    /** Go's {@code unicode.IsSpace}: Unicode White_Space, which unlike Java includes U+0085 and no-break spaces. */
    static boolean isSpace(int codePoint) {
        switch (codePoint) {
            case '\t', '\n', 0x0B, '\f', '\r', ' ', 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
                return true;
            default:
                return codePoint >= 0x2000 && codePoint <= 0x200A;
        }
    }

    /** Go's {@code strings.TrimSpace}. */
    static String trimSpace(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && isSpace(text.codePointAt(start))) {
            start += Character.charCount(text.codePointAt(start));
        }
        while (end > start && isSpace(text.codePointBefore(end))) {
            end -= Character.charCount(text.codePointBefore(end));
        }
        return text.substring(start, end);
    }

    /** Length in bytes once written as UTF-8, as Go's {@code len} counts it. */
    static int utf8Length(CharSequence text) {
        return text.toString().getBytes(StandardCharsets.UTF_8).length;
    }
}
