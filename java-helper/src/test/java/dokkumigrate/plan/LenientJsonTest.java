package dokkumigrate.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LenientJsonTest {
    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "'  ,' | 2",
        "'// c\n,' | 5",
        "'/* a */ /* b */,' | 15",
        "'/* // */x' | 8",
        "'// only' | 7",
        "'/* open' | 7",
        "'' | 0",
    })
    void findsTheNextCharacterOutsideWhitespaceAndComments(String text, int expected) {
        assertEquals(expected, LenientJson.nextSignificant(text, 0));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "'// tail' | 0",
        "'\n  // tail' | 3",
        "'// ok\n// tail' | 6",
        "'// ok\n' | -1",
        "'/* // inside a block */' | -1",
        "'/* a */ // b' | 8",
        "'   ' | -1",
    })
    void findsALineCommentWithoutLineBreakAtTheEnd(String text, int expected) {
        assertEquals(expected, LenientJson.lineCommentWithoutLineBreak(text, 0));
    }
}
