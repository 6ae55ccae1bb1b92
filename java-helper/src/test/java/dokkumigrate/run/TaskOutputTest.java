package dokkumigrate.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dokkumigrate.output.Console;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TaskOutputTest {
    private static final int MAX_LINE = 16 * 1024;
    private static final String INDENT = "       ";

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private final ByteArrayOutputStream screen = new ByteArrayOutputStream();
    /** The terminal as a deploy shows task output. */
    private final Consumer<String> terminal = new Console(screen, OutputStream.nullOutputStream(), false).taskLines();

    // ---- the tail kept for the ledger ----

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 7, 64, 1000, 4096})
    void theTailIsExactlyTheLastBytesWrittenWhateverTheWriteSizes(int limit) throws IOException {
        Random random = new Random(limit);
        TaskOutput output = new TaskOutput(null, null, limit);
        ByteArrayOutputStream everything = new ByteArrayOutputStream();
        for (int i = 0; i < 400; i++) {
            byte[] chunk = new byte[random.nextInt(3 * limit + 2)];
            random.nextBytes(chunk);
            int offset = chunk.length == 0 ? 0 : random.nextInt(chunk.length);
            int length = chunk.length - offset == 0 ? 0 : random.nextInt(chunk.length - offset + 1);
            output.write(chunk, offset, length);
            everything.write(chunk, offset, length);

            byte[] all = everything.toByteArray();
            assertArrayEquals(Arrays.copyOfRange(all, Math.max(0, all.length - limit), all.length), output.tail(),
                    "after write " + i);
            assertEquals(all.length, output.totalBytes());
        }
    }

    @Test
    void theTailOfSingleByteWritesWrapsAround() throws IOException {
        TaskOutput output = new TaskOutput(null, null, 5);
        for (char c : "abcdefghijkl".toCharArray()) {
            output.write(c);
        }

        assertArrayEquals("hijkl".getBytes(StandardCharsets.US_ASCII), output.tail());
        assertEquals(12, output.totalBytes());
    }

    @Test
    void aWriteLongerThanTheTailKeepsItsEnd() throws IOException {
        TaskOutput output = new TaskOutput(null, null, 4);
        output.write("ab".getBytes(StandardCharsets.US_ASCII));
        output.write("0123456789".getBytes(StandardCharsets.US_ASCII));
        output.write("x".getBytes(StandardCharsets.US_ASCII));

        assertArrayEquals("789x".getBytes(StandardCharsets.US_ASCII), output.tail());
        assertEquals(13, output.totalBytes());
    }

    @Test
    void aShortOutputIsKeptWhole() throws IOException {
        TaskOutput output = new TaskOutput(null, null, 1024);
        output.write("hello\n".getBytes(StandardCharsets.US_ASCII));

        assertArrayEquals("hello\n".getBytes(StandardCharsets.US_ASCII), output.tail());
    }

    @Test
    void aZeroLimitKeepsNoTailButCountsEverything() throws IOException {
        TaskOutput output = new TaskOutput(null, null, 0);
        output.write(new byte[100]);

        assertArrayEquals(new byte[0], output.tail());
        assertEquals(100, output.totalBytes());
    }

    // ---- the log file ----

    @Test
    void theLogReceivesEveryByteUnchanged() throws IOException {
        Random random = new Random(1);
        byte[] raw = new byte[100_000];
        random.nextBytes(raw);
        TaskOutput output = new TaskOutput(log, terminal, 1000);

        for (int offset = 0; offset < raw.length; ) {
            int length = Math.min(raw.length - offset, 1 + random.nextInt(5000));
            output.write(raw, offset, length);
            offset += length;
        }
        output.finish();

        assertArrayEquals(raw, log.toByteArray());
        assertEquals(raw.length, output.totalBytes());
        assertArrayEquals(Arrays.copyOfRange(raw, raw.length - 1000, raw.length), output.tail());
    }

    // ---- the terminal ----

    @Test
    void eachLineIsIndentedAsDokkuIndentsContainerOutput() throws IOException {
        TaskOutput output = new TaskOutput(log, terminal, 100);
        write(output, "Migrating users\n== done ==\n\nlast\n");

        assertEquals(List.of(INDENT + "Migrating users", INDENT + "== done ==", INDENT, INDENT + "last"), lines());
    }

    @Test
    void controlCharactersAreShownEscaped() throws IOException {
        TaskOutput output = new TaskOutput(log, terminal, 100);
        write(output, "\u001b[31mred\u001b[0m\u0007 50%\r100%\n");

        assertEquals(List.of(INDENT + "\\e[31mred\\e[0m\\x07 50%\\r100%"), lines());
        assertArrayEquals("\u001b[31mred\u001b[0m\u0007 50%\r100%\n".getBytes(StandardCharsets.UTF_8), log.toByteArray());
    }

    @Test
    void theCarriageReturnOfACrlfLineEndIsDropped() throws IOException {
        TaskOutput output = new TaskOutput(log, terminal, 100);
        write(output, "windows\r\nline\r\n");

        assertEquals(List.of(INDENT + "windows", INDENT + "line"), lines());
    }

    @Test
    void linesArriveWhateverTheWriteBoundaries() throws IOException {
        TaskOutput output = new TaskOutput(log, terminal, 100);
        byte[] text = "caf\u00e9 \u20ac1\nsecond line\n".getBytes(StandardCharsets.UTF_8);
        for (byte b : text) {
            output.write(b);
        }

        assertEquals(List.of(INDENT + "caf\u00e9 \u20ac1", INDENT + "second line"), lines());
    }

    @Test
    void aLongLineWithoutNewlineIsShownInPiecesOfTheMaximumLength() throws IOException {
        TaskOutput output = new TaskOutput(log, terminal, 100);
        write(output, "x".repeat(2 * MAX_LINE + 5));

        List<String> before = lines();
        assertEquals(List.of(INDENT + "x".repeat(MAX_LINE), INDENT + "x".repeat(MAX_LINE)), before);

        output.finish();

        assertEquals(List.of(INDENT + "x".repeat(MAX_LINE), INDENT + "x".repeat(MAX_LINE), INDENT + "xxxxx"), lines());
    }

    @Test
    void aLongLineIsNeverSplitInsideACharacter() throws IOException {
        String euros = "\u20ac".repeat(MAX_LINE / 3 + 10);
        TaskOutput output = new TaskOutput(log, terminal, 100);
        write(output, euros + "\n");

        List<String> shown = lines();
        assertEquals(2, shown.size());
        String joined = String.join("", shown.stream().map(line -> line.substring(INDENT.length())).toList());
        assertEquals(euros, joined);
        assertFalse(joined.contains("\ufffd"));
    }

    @Test
    void finishShowsTheLastLineThatHadNoNewline() throws IOException {
        TaskOutput output = new TaskOutput(log, terminal, 100);
        write(output, "first\nno newline at the end");
        assertEquals(List.of(INDENT + "first"), lines());

        output.finish();

        assertEquals(List.of(INDENT + "first", INDENT + "no newline at the end"), lines());
    }

    @Test
    void finishAfterACompleteLineShowsNothingMore() throws IOException {
        TaskOutput output = new TaskOutput(log, terminal, 100);
        write(output, "done\n");

        output.finish();

        assertEquals(List.of(INDENT + "done"), lines());
    }

    @Test
    void quietOutputPrintsNothingYetKeepsLogAndTail() throws IOException {
        TaskOutput output = new TaskOutput(log, null, 4);
        write(output, "one\ntwo\nthree");
        output.finish();

        assertEquals(0, screen.size());
        assertEquals("one\ntwo\nthree", log.toString(StandardCharsets.UTF_8));
        assertEquals("hree", new String(output.tail(), StandardCharsets.UTF_8));
        assertEquals(13, output.totalBytes());
    }

    @Test
    void withoutALogTheTerminalAndTailStillWork() throws IOException {
        TaskOutput output = new TaskOutput(null, terminal, 3);
        write(output, "abc\ndef\n");
        output.finish();

        assertEquals(List.of(INDENT + "abc", INDENT + "def"), lines());
        assertEquals("ef\n", new String(output.tail(), StandardCharsets.UTF_8));
    }

    @Test
    void invalidUtf8IsShownAsReplacementCharacters() throws IOException {
        TaskOutput output = new TaskOutput(log, terminal, 100);
        output.write(new byte[] {'o', 'k', (byte) 0xff, (byte) 0xc3, '\n'});

        assertEquals(List.of(INDENT + "ok\ufffd\ufffd"), lines());
        assertArrayEquals(new byte[] {'o', 'k', (byte) 0xff, (byte) 0xc3, '\n'}, log.toByteArray());
    }

    private static void write(TaskOutput output, String text) throws IOException {
        output.write(text.getBytes(StandardCharsets.UTF_8));
    }

    private List<String> lines() {
        String text = screen.toString(StandardCharsets.UTF_8);
        if (text.isEmpty()) {
            return List.of();
        }
        assertEquals('\n', text.charAt(text.length() - 1), "the terminal got a partial line");
        return Arrays.asList(text.substring(0, text.length() - 1).split("\n", -1));
    }

    // ---- the line listener (the applied-migration recogniser) ----

    @Test
    void theListenerHearsEveryCompleteLineWithoutItsLineEndEvenWhenQuiet() throws IOException {
        List<String> heard = new java.util.ArrayList<>();
        TaskOutput output = new TaskOutput(null, null, 16,
                (bytes, offset, length) -> heard.add(new String(bytes, offset, length, StandardCharsets.UTF_8)));

        output.write("one\r\ntw".getBytes(StandardCharsets.UTF_8));
        output.write("o\n\nlast".getBytes(StandardCharsets.UTF_8));
        output.finish();

        assertEquals(List.of("one", "two", "", "last"), heard);
    }

    @Test
    void aLineTooLongToShowWholeIsNotHandedToTheListener() throws IOException {
        List<Integer> heard = new java.util.ArrayList<>();
        TaskOutput output = new TaskOutput(null, terminal, 16, (bytes, offset, length) -> heard.add(length));

        output.write(("x".repeat(MAX_LINE + 10) + "\nshort\n").getBytes(StandardCharsets.UTF_8));

        assertEquals(List.of(5), heard);
        assertEquals(3, screen.toString(StandardCharsets.UTF_8).split("\n").length, "the long line is still shown");
    }
}
