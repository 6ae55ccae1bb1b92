package dokkumigrate.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ConsoleTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void stepsHeadingsAndDetailsUseDokkusPrefixes() {
        Console console = new Console(out, err, false);

        console.step("Running release task");
        console.heading("Start of web release task output");
        console.detail("release task succeeded\nin 1.2s");

        assertEquals("-----> Running release task\n=====> Start of web release task output\n"
                + "       release task succeeded\n       in 1.2s\n", text(out));
        assertEquals("", text(err));
    }

    @Test
    void warningsGoToStderrWithTheBangPrefixOnEveryLine() {
        Console console = new Console(out, err, false);

        console.warn("Execution of release task failed\nexit 1");

        assertEquals(" !     Execution of release task failed\n !     exit 1\n", text(err));
        assertEquals("", text(out));
    }

    @Test
    void aWarningQuotingAnotherProcessCannotDriveTheTerminal() {
        Console console = new Console(out, err, false);

        // e.g. the command line of a process that holds the ledger's lock
        console.warn("locked by pid 42 (evil \u001b[2J\u202e)\nthen try again");

        assertEquals(" !     locked by pid 42 (evil \\e[2J\\u202e)\n !     then try again\n", text(err));
    }

    @Test
    void quietSilencesTheChatterButNotWarningsOrPlainOutput() {
        Console console = new Console(out, err, true);

        console.step("step");
        console.heading("heading");
        console.detail("detail");
        console.plain("{\"app\":\"web\"}");
        console.warn("still shown");

        assertEquals("{\"app\":\"web\"}\n", text(out));
        assertEquals(" !     still shown\n", text(err));
        assertNull(console.taskLines());
    }

    @Test
    void taskOutputGoesToStdoutIndentedAndEscapedUnlessQuiet() {
        Console console = new Console(out, err, false);

        assertNotNull(console.taskLines());
        console.taskLines().accept("from the task");
        console.taskLines().accept("\u001b[2Jcleared");
        assertEquals("       from the task\n       \\e[2Jcleared\n", text(out));
        assertEquals("", text(err));
    }

    private static String text(ByteArrayOutputStream stream) {
        return stream.toString(StandardCharsets.UTF_8);
    }
}
