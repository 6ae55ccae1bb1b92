package dokkumigrate.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ShellWordsTest {

    @Test
    void splitsOnRunsOfBlanks() {
        assertEquals(List.of("rake", "db:migrate", "VERBOSE=1"), ShellWords.split("  rake \t db:migrate\nVERBOSE=1  "));
    }

    @Test
    void emptyOrBlankLineHasNoWords() {
        assertEquals(List.of(), ShellWords.split(""));
        assertEquals(List.of(), ShellWords.split(" \t\n"));
    }

    @Test
    void singleQuotesKeepEverythingLiterally() {
        assertEquals(List.of("echo", "a \"b\" $HOME \\n"), ShellWords.split("echo 'a \"b\" $HOME \\n'"));
    }

    @Test
    void doubleQuotesEscapeOnlyShellSpecials() {
        assertEquals(List.of("say", "a \"quoted\" $x `y` \\ and \\d"),
                ShellWords.split("say \"a \\\"quoted\\\" \\$x \\`y\\` \\\\ and \\d\""));
    }

    @Test
    void quotesJoinWithTheWordAroundThem() {
        assertEquals(List.of("foobarbaz", "don't"), ShellWords.split("foo\"bar\"baz don\\'t"));
        assertEquals(List.of("it's here"), ShellWords.split("'it'\\''s here'"));
    }

    @Test
    void emptyQuotesAreAnEmptyWord() {
        assertEquals(List.of("one", "", "two"), ShellWords.split("one '' two"));
        assertEquals(List.of("one", "", "two"), ShellWords.split("one \"\" two"));
    }

    @Test
    void backslashEscapesTheNextCharacterOutsideQuotes() {
        assertEquals(List.of("a b", "system?"), ShellWords.split("a\\ b system\\?"));
    }

    @Test
    void escapedNewlineContinuesTheLine() {
        assertEquals(List.of("text", "witha", "newline"), ShellWords.split("text with\\\na newline"));
        assertEquals(List.of("escaped", "newline"), ShellWords.split("escaped \\\n newline"));
        assertEquals(List.of("quoted", "joined"), ShellWords.split("quoted \"join\\\ned\""));
    }

    @Test
    void newlineInsideQuotesIsKept() {
        assertEquals(List.of("with\na"), ShellWords.split("\"with\na\""));
    }

    @Test
    void unfinishedQuotingIsRejected() {
        assertEquals("unterminated single quote",
                assertThrows(ShellWords.UnbalancedQuotingException.class, () -> ShellWords.split("don't worry")).getMessage());
        assertEquals("unterminated single quote",
                assertThrows(ShellWords.UnbalancedQuotingException.class, () -> ShellWords.split("'test'\\''ing")).getMessage());
        assertEquals("unterminated double quote",
                assertThrows(ShellWords.UnbalancedQuotingException.class, () -> ShellWords.split("\"foo'bar")).getMessage());
        assertEquals("unterminated backslash escape",
                assertThrows(ShellWords.UnbalancedQuotingException.class, () -> ShellWords.split("foo\\")).getMessage());
    }
}
