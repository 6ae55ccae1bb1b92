package dokkumigrate.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dokkumigrate.plan.ProcfileDocument.Entry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ProcfileDocumentTest {

    private static ExtractionException parseError(String text) {
        return assertThrows(ExtractionException.class, () -> ProcfileDocument.parse(text));
    }

    private static void assertError(String text, int line, String reason) {
        ExtractionException e = parseError(text);
        assertEquals(line, e.line(), "line of: " + e.getMessage());
        assertEquals(reason, e.reason());
        assertEquals("Procfile", e.fileLabel());
        assertEquals("Procfile line " + line + ": " + reason, e.getMessage());
    }

    static String resource(String name) throws IOException {
        try (InputStream in = ProcfileDocumentTest.class.getResourceAsStream("/plan/" + name)) {
            if (in == null) {
                throw new IOException("missing test resource /plan/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Nested
    class Entries {
        @Test
        void readsEntriesInFileOrderWithTheirLineNumbers() {
            ProcfileDocument procfile = ProcfileDocument.parse("web: bundle exec puma\n\nrelease: bundle exec rake db:migrate\nworker: sidekiq\n");

            assertEquals(List.of(
                    new Entry("web", "bundle exec puma", 1),
                    new Entry("release", "bundle exec rake db:migrate", 3),
                    new Entry("worker", "sidekiq", 4)), procfile.entries());
            assertFalse(procfile.isEmpty());
        }

        @Test
        void keepsEveryColonAfterTheFirstInTheCommand() {
            ProcfileDocument procfile = ProcfileDocument.parse(
                    "release: bundle exec rake db:migrate db:seed\nweb: sh -c 'echo a:b::c'\n");

            assertEquals(Optional.of("bundle exec rake db:migrate db:seed"), procfile.command("release"));
            assertEquals(Optional.of("sh -c 'echo a:b::c'"), procfile.command("web"));
        }

        @Test
        void acceptsSpacesAroundTheColonAsProcfileUtilSinceV019Does() {
            ProcfileDocument procfile = ProcfileDocument.parse("release : rake db:migrate\nweb\t:\tpuma\n");

            assertEquals(Optional.of("rake db:migrate"), procfile.command("release"));
            assertEquals(Optional.of("puma"), procfile.command("web"));
        }

        @Test
        void acceptsUppercaseUnderscoreAndDashInNamesAndMatchesThemExactly() {
            ProcfileDocument procfile = ProcfileDocument.parse("Web_1: a\nweb-2: b\nRelease: c\n");

            assertEquals(Optional.of("a"), procfile.command("Web_1"));
            assertEquals(Optional.of("b"), procfile.command("web-2"));
            assertEquals(Optional.empty(), procfile.command("release"), "names are case-sensitive");
            assertEquals(Optional.of("c"), procfile.command("Release"));
        }

        @Test
        void reportsNothingForAnUnknownProcessType() {
            ProcfileDocument procfile = ProcfileDocument.parse("web: a\n");

            assertEquals(Optional.empty(), procfile.command("release"));
            assertEquals(Optional.empty(), procfile.entry("release"));
        }

        @Test
        void acceptsANameOfExactly63Characters() {
            String name = "n".repeat(63);

            assertEquals(Optional.of("run"), ProcfileDocument.parse(name + ": run").command(name));
        }

        @Test
        void keepsUnicodeCommandsIntact() {
            ProcfileDocument procfile = ProcfileDocument.parse("release: echo 'héllo 漢字 🚀' > /tmp/ü\n");

            assertEquals(Optional.of("echo 'héllo 漢字 🚀' > /tmp/ü"), procfile.command("release"));
        }

        @Test
        void entriesCannotBeModified() {
            List<Entry> entries = ProcfileDocument.parse("web: a").entries();

            assertThrows(UnsupportedOperationException.class, () -> entries.add(new Entry("x", "y", 2)));
        }

        @Test
        void keepsTheTextAsGiven() {
            String text = "# c\r\nweb: a  # comment\r\n\r\n";

            assertEquals(text, ProcfileDocument.parse(text).text());
        }

        @Test
        void readsARealisticProcfileFixture() throws IOException {
            ProcfileDocument procfile = ProcfileDocument.parse(resource("rails.Procfile"));

            assertEquals(List.of("web", "worker", "release", "clock"),
                    procfile.entries().stream().map(Entry::name).toList());
            assertEquals(Optional.of("bundle exec rails db:migrate"), procfile.command("release"));
            assertEquals(Optional.of("bundle exec sidekiq -C config/sidekiq.yml"), procfile.command("worker"));
            assertEquals(Optional.of("bundle exec clockwork clock.rb"), procfile.command("clock"));
            assertEquals(9, procfile.entry("release").orElseThrow().lineNumber());
        }
    }

    @Nested
    class CommentsAndBlankLines {
        @Test
        void skipsHashAndSlashCommentLinesAndBlankLinesButCountsThem() {
            ProcfileDocument procfile = ProcfileDocument.parse(
                    "# a comment\n// another\n   # indented\n\n  \t \nrelease: migrate\n");

            assertEquals(List.of(new Entry("release", "migrate", 6)), procfile.entries());
        }

        @Test
        void aCommentedOutReleaseIsNotAnEntry() {
            ProcfileDocument procfile = ProcfileDocument.parse("web: a\n# release: rake db:migrate\n//release: x\n");

            assertEquals(Optional.empty(), procfile.command("release"));
        }

        @ParameterizedTest(name = "[{index}] {0} -> {1}")
        @CsvSource(delimiter = '|', value = {
            "web: echo a # trailing comment | echo a",
            "web: echo a // trailing comment | echo a",
            "web: a # b # c | a # b",
            "web: a // b // c | a // b",
            "web: a // b # c | a // b",
            "web: a # b // c | a",
            "web: echo a#b | echo a#b",
            "web: echo http://example.com | echo http://example.com",
            "web: echo a # | echo a #",
            "web: echo a // | echo a //",
            "web: curl http://x // fetch | curl http://x",
        })
        void stripsATrailingCommentByProcfileUtilsGreedyRule(String line, String command) {
            assertEquals(Optional.of(command), ProcfileDocument.parse(line).command("web"));
        }

        @Test
        void aTabBeforeTheHashAlsoStartsAComment() {
            assertEquals(Optional.of("echo a"), ProcfileDocument.parse("web: echo a\t#b").command("web"));
        }

        @Test
        void aFileWithOnlyCommentsAndBlankLinesIsEmptyNotAnError() {
            ProcfileDocument procfile = ProcfileDocument.parse("# nothing here\n\n// really\n");

            assertTrue(procfile.isEmpty());
            assertEquals(List.of(), procfile.entries());
        }

        @Test
        void anEmptyTextIsEmpty() {
            assertTrue(ProcfileDocument.parse("").isEmpty());
        }
    }

    @Nested
    class LineEndingsAndWhitespace {
        @Test
        void readsCrlfFilesWithoutCarriageReturnsInCommands() {
            ProcfileDocument procfile = ProcfileDocument.parse("web: puma\r\n# c\r\nrelease: rake db:migrate\r\n");

            assertEquals(List.of(new Entry("web", "puma", 1), new Entry("release", "rake db:migrate", 3)),
                    procfile.entries());
        }

        @Test
        void readsALastLineWithoutTerminator() {
            assertEquals(Optional.of("migrate"), ProcfileDocument.parse("web: a\nrelease: migrate").command("release"));
        }

        @Test
        void aLoneCarriageReturnDoesNotEndALine() {
            ProcfileDocument procfile = ProcfileDocument.parse("web: a\rworker: b\n");

            assertEquals(List.of(new Entry("web", "a\rworker: b", 1)), procfile.entries());
        }

        @Test
        void trimsWhatGoTrimsIncludingNoBreakSpaces() {
            ProcfileDocument procfile = ProcfileDocument.parse("\u00A0\u2003web: a\u00A0\u0085\u000B\n");

            assertEquals(Optional.of("a"), procfile.command("web"));
        }

        @Test
        void keepsControlCharactersThatGoDoesNotTrim() {
            // Java's strip() would remove U+001C; Go's TrimSpace keeps it, so Dokku would run it
            assertEquals(Optional.of("a\u001C"), ProcfileDocument.parse("web: a\u001C\n").command("web"));
        }
    }

    @Nested
    class Errors {
        @ParameterizedTest
        @ValueSource(strings = {"web", "web:", "web:   ", "we b: x", "rel.ease: x", "<<<<<<< HEAD", ": x", "web = x"})
        void rejectsALineThatIsNotAnEntry(String line) {
            assertError("# header\n\nok: fine\n" + line + "\nother: x\n", 4, "invalid line in procfile");
        }

        @Test
        void rejectsAProcessNameOver63Characters() {
            assertError("web: a\n" + "n".repeat(64) + ": run\n", 2, "process name over 63 characters");
        }

        @Test
        void rejectsADuplicatedProcessNameOnItsSecondLine() {
            assertError("release: a\nweb: b\n\nrelease: c\n", 4, "process names must be unique");
        }

        @Test
        void checksUniquenessBeforeTheCommandAsProcfileUtilDoes() {
            assertError("web: a\nweb: # only a comment\n", 2, "process names must be unique");
        }

        @ParameterizedTest
        @ValueSource(strings = {"web: # nothing", "web:#x", "web: // nothing", "web://x", "web:   #   spaced"})
        void rejectsACommentInPlaceOfACommand(String line) {
            assertError("ok: a\n" + line, 2, "comment specified in place of command");
        }

        @ParameterizedTest
        @ValueSource(strings = {"web:\u000B #x", "web:\u00A0 #x", "web:\u00A0 //x"})
        void rejectsACommandThatIsEmptyOnceItsCommentIsGone(String line) {
            // RE2's \s does not match a vertical tab or no-break space, so the command starts with it,
            // and Go's TrimSpace then leaves nothing
            assertError(line + "\n", 1, "no command specified");
        }

        @Test
        void countsLinesInCrlfFiles() {
            assertError("web: a\r\n\r\nbroken\r\n", 3, "invalid line in procfile");
        }

        @Test
        void reportsTheFirstErrorOnly() {
            assertError("bad one\nweb: a\nweb: b\n", 1, "invalid line in procfile");
        }

        @Test
        void rejectsALineTooLongForProcfileUtilsScanner() {
            String longLine = "web: " + "x".repeat(ProcfileDocument.MAX_LINE_BYTES - 5 + 1);
            ExtractionException e = parseError("release: a\n" + longLine + "\n");

            assertEquals(2, e.line());
            assertTrue(e.reason().contains("longer than 65535 bytes"), e.reason());
        }

        @Test
        void measuresLineLengthInUtf8Bytes() {
            String fits = "web: " + "x".repeat(ProcfileDocument.MAX_LINE_BYTES - 5);
            String tooLongInBytes = "web: " + "é".repeat((ProcfileDocument.MAX_LINE_BYTES - 5) / 2 + 1);

            assertEquals(ProcfileDocument.MAX_LINE_BYTES, fits.length());
            assertEquals(1, ProcfileDocument.parse(fits).entries().size(), "65535 bytes still fit");
            assertTrue(tooLongInBytes.length() < ProcfileDocument.MAX_LINE_BYTES);
            assertEquals(1, parseError(tooLongInBytes).line());
        }
    }

    @Nested
    class Without {
        @Test
        void removesExactlyTheLineOfTheEntry() {
            String text = "# processes\nweb: puma   # the web\n\nrelease: rake db:migrate # migrate\nworker: sidekiq\n";

            ProcfileDocument without = ProcfileDocument.parse(text).without("release");

            assertEquals("# processes\nweb: puma   # the web\n\nworker: sidekiq\n", without.text());
            assertEquals(List.of(new Entry("web", "puma", 2), new Entry("worker", "sidekiq", 4)), without.entries());
        }

        @Test
        void removesTheFirstLine() {
            assertEquals("web: a\n", ProcfileDocument.parse("release: m\nweb: a\n").without("release").text());
        }

        @Test
        void removesALastLineThatHasNoTerminator() {
            assertEquals("web: a\n", ProcfileDocument.parse("web: a\nrelease: m").without("release").text());
        }

        @Test
        void keepsCrlfEndingsOfEveryOtherLine() {
            String text = "web: a\r\n# note\r\nrelease: m\r\nworker: b\r\n";

            assertEquals("web: a\r\n# note\r\nworker: b\r\n", ProcfileDocument.parse(text).without("release").text());
        }

        @Test
        void keepsIndentationAndWhitespaceOfOtherLines() {
            String text = "  web:    a  \n\t\nrelease : m\n   \n";

            assertEquals("  web:    a  \n\t\n   \n", ProcfileDocument.parse(text).without("release").text());
        }

        @Test
        void leavesAnEmptyDocumentWhenTheEntryWasTheOnlyOne() {
            ProcfileDocument without = ProcfileDocument.parse("# only a release\nrelease: rake db:migrate\n").without("release");

            assertTrue(without.isEmpty());
            assertEquals("# only a release\n", without.text());
        }

        @Test
        void returnsTheSameDocumentWhenThereIsNoSuchEntry() {
            ProcfileDocument procfile = ProcfileDocument.parse("web: a\n# release: m\n");

            assertSame(procfile, procfile.without("release"));
        }

        @Test
        void doesNotTouchACommentedOutEntryOfTheSameName() {
            String text = "# release: old\nrelease: new\n";

            assertEquals("# release: old\n", ProcfileDocument.parse(text).without("release").text());
        }

        @Test
        void keepsUnicodeElsewhere() {
            String text = "web: echo 漢字\nrelease: echo 🚀\n# ü\n";

            assertEquals("web: echo 漢字\n# ü\n", ProcfileDocument.parse(text).without("release").text());
        }

        @Test
        void removesTheReleaseLineFromTheFixture() throws IOException {
            String text = resource("rails.Procfile");
            String without = ProcfileDocument.parse(text).without("release").text();

            assertEquals(text.replace("release: bundle exec rails db:migrate # runs once per deploy\n", ""), without);
            assertEquals(text.length() - "release: bundle exec rails db:migrate # runs once per deploy\n".length(),
                    without.length());
        }
    }

    @Nested
    class Lenient {
        @Test
        void skipsTheLinesParseRejectsAndKeepsTheRestWithTheSameRules() {
            String text = "web: puma # server\nnot an entry\nweb: duplicate\nworker:\nrelease\u000b: x\n"
                    + "clock :  \tbin/clock // every minute\n";

            assertThrows(ExtractionException.class, () -> ProcfileDocument.parse(text));
            ProcfileDocument lenient = ProcfileDocument.parseLenient(text);

            // a vertical tab is not a space to procfile-util (RE2), in either mode: "release\u000b" is no entry
            assertEquals(List.of(new Entry("web", "puma", 1), new Entry("clock", "bin/clock", 6)), lenient.entries());
        }
    }
}
