package dokkumigrate.output;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TerminalTextTest {

    @Test
    void printableTextIsLeftAlone() {
        assertEquals("rake db:migrate VERBOSE=1 'quoted' \"x\" $HOME \\n",
                TerminalText.escape("rake db:migrate VERBOSE=1 'quoted' \"x\" $HOME \\n"));
    }

    @Test
    void unicodeTextIsLeftAlone() {
        assertEquals("caf\u00e9 \u65e5\u672c \ud83d\ude80 \u00a0nbsp", TerminalText.escape("caf\u00e9 \u65e5\u672c \ud83d\ude80 \u00a0nbsp"));
    }

    @Test
    void escapeCarriageReturnAndNewlineBecomeVisible() {
        assertEquals("\\e[2J\\e[31mred\\e[0m", TerminalText.escape("\u001b[2J\u001b[31mred\u001b[0m"));
        assertEquals("50%\\r100%", TerminalText.escape("50%\r100%"));
        assertEquals("one\\ntwo", TerminalText.escape("one\ntwo"));
    }

    @Test
    void otherC0ControlsAndDeleteAreShownInHex() {
        assertEquals("\\x00\\x07\\x08\\x0b\\x0c\\x1f\\x7f", TerminalText.escape("\u0000\u0007\u0008\u000b\u000c\u001f\u007f"));
    }

    @Test
    void c1ControlsAreShownInHex() {
        // U+009B is a one-character CSI on terminals that honour C1 controls
        assertEquals("\\x9b2J\\x85\\x80\\x9f", TerminalText.escape("\u009b2J\u0085\u0080\u009f"));
    }

    @Test
    void aTabBecomesFourSpaces() {
        assertEquals("a    b", TerminalText.escape("a\tb"));
    }

    @Test
    void lineSeparatorsAndBidiControlsAreShownAsCodes() {
        assertEquals("a\\u2028b\\u2029c", TerminalText.escape("a\u2028b\u2029c"));
        assertEquals("\\u202eevil\\u202d", TerminalText.escape("\u202eevil\u202d"));
        assertEquals("\\u202a\\u202b\\u202c", TerminalText.escape("\u202a\u202b\u202c"));
        assertEquals("\\u2066\\u2067\\u2068\\u2069", TerminalText.escape("\u2066\u2067\u2068\u2069"));
    }

    @Test
    void emptyTextStaysEmpty() {
        assertEquals("", TerminalText.escape(""));
    }
}
