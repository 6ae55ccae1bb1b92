package dokkumigrate.output;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Dokku's output conventions: {@code -----> } for a step, {@code =====> } for a heading, seven
 * spaces for detail, {@code  !     } on stderr for warnings and failures. Quiet mode
 * (DOKKU_QUIET_OUTPUT, --quiet) silences the chatter, never warnings or errors.
 */
public final class Console {
    private final PrintStream out;
    private final PrintStream err;
    private final boolean quiet;

    public Console(OutputStream out, OutputStream err, boolean quiet) {
        this.out = out instanceof PrintStream p ? p : new PrintStream(out, true, StandardCharsets.UTF_8);
        this.err = err instanceof PrintStream p ? p : new PrintStream(err, true, StandardCharsets.UTF_8);
        this.quiet = quiet;
    }

    public boolean quiet() {
        return quiet;
    }

    /** {@code -----> text}: a step. */
    public void step(String text) {
        chatter("-----> ", text);
    }

    /** {@code =====> text}: a heading. */
    public void heading(String text) {
        chatter("=====> ", text);
    }

    /** Seven spaces, then the text: detail under a step. */
    public void detail(String text) {
        chatter("       ", text);
    }

    /**
     * {@code  !     text} on stderr: shown even when quiet. Each line is made safe for the terminal
     * ({@link TerminalText}): a warning may quote what another process or a task printed.
     */
    public void warn(String text) {
        for (String line : text.split("\n", -1)) {
            err.println(" !     " + TerminalText.escape(line));
        }
        err.flush();
    }

    /**
     * Lines already in Dokku's format: a {@code  !     } line and the detail lines under it go to
     * stderr (shown even when quiet), anything else to stdout as chatter.
     */
    public void formatted(java.util.List<String> lines) {
        boolean underWarning = false;
        for (String line : lines) {
            if (line.startsWith(" !")) {
                underWarning = true;
            } else if (!line.startsWith("       ")) {
                underWarning = false;
            }
            if (underWarning) {
                err.println(line);
            } else if (!quiet) {
                out.println(line);
            }
        }
        out.flush();
        err.flush();
    }

    /** A plain line on stdout (tables, JSON, raw values): shown even when quiet. */
    public void plain(String text) {
        out.println(text);
        out.flush();
    }

    /** Bytes on stdout exactly as given (a task's output as it printed it): shown even when quiet. */
    public void raw(byte[] bytes, int offset, int length) {
        out.write(bytes, offset, length);
        out.flush();
    }

    /**
     * Where a running task's output lines go to be shown, or null when quiet: each line on stdout,
     * indented as Dokku indents container output and with control characters escaped.
     */
    public Consumer<String> taskLines() {
        return quiet ? null : this::taskLine;
    }

    private void taskLine(String text) {
        out.println("       " + TerminalText.escape(text));
        out.flush();
    }

    private void chatter(String prefix, String text) {
        if (quiet) {
            return;
        }
        for (String line : text.split("\n", -1)) {
            out.println(prefix + line);
        }
        out.flush();
    }
}
