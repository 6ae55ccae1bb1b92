package dokkumigrate.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dokkumigrate.adapters.files.RunLogFiles;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Where the last N lines start, in the ledger's copy and in a run's log file read backwards a chunk at a time. */
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

    @Test
    void aLogThatIsGoneOrNamedOutsideTheAppsLogsIsNotRead() throws Exception {
        RunLogs logs = new RunLogFiles(dir.resolve("logs"));
        try (OutputStream log = logs.create("other", "7.log")) {
            log.write("other app's output\n".getBytes(StandardCharsets.UTF_8));
        }
        ByteArrayOutputStream written = new ByteArrayOutputStream();

        assertFalse(logs.exists("app", "1.log"));
        assertFalse(logs.copyTo("app", "1.log", OptionalLong.empty(), written::write));
        assertFalse(logs.exists("app", "../other/7.log"));
        assertFalse(logs.copyTo("app", "../other/7.log", OptionalLong.empty(), written::write));
        assertEquals(0, written.size());
        assertTrue(logs.exists("other", "7.log"));
    }

    private String fileTail(byte[] bytes, long lines) throws Exception {
        RunLogs logs = new RunLogFiles(dir.resolve("logs"));
        String name = "out-" + System.nanoTime() + ".log";
        try (OutputStream log = logs.create("app", name)) {
            log.write(bytes);
        }
        ByteArrayOutputStream tail = new ByteArrayOutputStream();
        assertTrue(logs.copyTo("app", name, OptionalLong.of(lines), tail::write));
        return tail.toString(StandardCharsets.UTF_8);
    }
}
