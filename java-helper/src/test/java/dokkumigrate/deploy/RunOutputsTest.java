package dokkumigrate.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Where the last N lines start, in memory and in a file read backwards a chunk at a time. */
class RunOutputsTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "'';                 1; ''",
            "'\\n';              1; '\\n'",
            "'a';                1; 'a'",
            "'a\\nb\\nc\\n';     1; 'c\\n'",
            "'a\\nb\\nc\\n';     2; 'b\\nc\\n'",
            "'a\\nb\\nc\\n';     9; 'a\\nb\\nc\\n'",
            "'a\\nb\\nc';        1; 'c'",
            "'a\\n\\n\\nb\\n';   3; '\\n\\nb\\n'",
    })
    void theLastLinesAreTheSameFromMemoryAndFromAFile(String escaped, long lines, String expected) throws Exception {
        String text = escaped.replace("\\n", "\n");
        String tail = expected.replace("\\n", "\n");
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);

        assertEquals(tail, new String(bytes, RunOutputs.startOfLastLines(bytes, lines), bytes.length
                - RunOutputs.startOfLastLines(bytes, lines), StandardCharsets.UTF_8));
        assertEquals(tail, fileTail(bytes, lines));
    }

    @Test
    void linesAcrossChunkBoundariesAreCounted() throws Exception {
        StringBuilder text = new StringBuilder();
        String longLine = "x".repeat(100_000);
        text.append("first\n").append(longLine).append('\n').append("short\n").append(longLine).append('\n');
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);

        assertEquals(longLine + "\n", fileTail(bytes, 1));
        assertEquals("short\n" + longLine + "\n", fileTail(bytes, 2));
        assertEquals(text.toString(), fileTail(bytes, 4));
    }

    private String fileTail(byte[] bytes, long lines) throws Exception {
        Path file = dir.resolve("out-" + System.nanoTime() + ".log");
        Files.write(file, bytes);
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            int start = (int) RunOutputs.startOfLastLines(in, lines);
            return new String(bytes, start, bytes.length - start, StandardCharsets.UTF_8);
        }
    }
}
