package dokkumigrate.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GoTextTest {
    @ParameterizedTest
    @ValueSource(ints = {'\t', '\n', 0x0B, '\f', '\r', ' ', 0x85, 0xA0, 0x1680, 0x2000, 0x2005, 0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000})
    void treatsUnicodeWhiteSpaceAsSpace(int codePoint) {
        assertTrue(GoText.isSpace(codePoint));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 0x1C, 0x1F, 'a', 0x200B, 0xFEFF, 0x180E, 0x1F680})
    void doesNotTreatOtherCharactersAsSpace(int codePoint) {
        assertFalse(GoText.isSpace(codePoint));
    }

    @Test
    void trimsBothEndsOnly() {
        assertEquals("a \u00A0 b", GoText.trimSpace("\u3000\u00A0 a \u00A0 b\u0085\r\n"));
        assertEquals("", GoText.trimSpace(" \t\u2003 "));
        assertEquals("\u001Ca\u001C", GoText.trimSpace(" \u001Ca\u001C "));
        assertEquals("🚀", GoText.trimSpace(" 🚀 "));
    }

    @Test
    void countsUtf8Bytes() {
        assertEquals(1 + 2 + 3 + 4, GoText.utf8Length("aé漢🚀"));
    }
}
