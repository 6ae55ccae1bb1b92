package dokkumigrate.adapters.process;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The one way this helper starts another program: argv only (never a shell), an explicit
 * environment overlay, stdin closed unless given, and both output streams drained.
 */
public final class ProcessRunner {

    /** The result of a finished command. */
    public record Result(int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }

        public String stdoutTrimmed() {
            return stdout.strip();
        }
    }

    private final Map<String, String> baseEnvironment;

    public ProcessRunner() {
        this(Map.of());
    }

    /** @param baseEnvironment variables added to every child's environment */
    public ProcessRunner(Map<String, String> baseEnvironment) {
        this.baseEnvironment = Map.copyOf(baseEnvironment);
    }

    /** The value of an environment variable as a child started by this runner sees it, or null when unset. */
    public String environmentValue(String name) {
        return baseEnvironment.containsKey(name) ? baseEnvironment.get(name) : System.getenv(name);
    }

    /** Runs a command to completion and captures its output. */
    public Result run(List<String> argv) {
        return run(argv, Map.of(), null, null);
    }

    /**
     * Runs a command to completion and captures its output.
     *
     * @param extraEnv variables added to the child's environment (never to its argv)
     * @param stdin    bytes written to the child's stdin, or null for an empty stdin
     * @param timeout  the child is killed after this long, or null to wait indefinitely
     */
    public Result run(List<String> argv, Map<String, String> extraEnv, byte[] stdin, Duration timeout) {
        Process process = start(argv, extraEnv);
        try {
            // both streams are drained on their own threads, so the timeout also bounds a child
            // that hangs without closing its stdout
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Thread outPump = pump(process.getInputStream(), out, argv.get(0) + "-stdout");
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread errPump = pump(process.getErrorStream(), err, argv.get(0) + "-stderr");
            writeStdin(process, stdin);
            boolean finished = timeout == null
                    ? waitFor(process)
                    : process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                process.destroyForcibly();
                process.waitFor();
            }
            outPump.join();
            errPump.join();
            return new Result(finished ? process.exitValue() : 124,
                    out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("reading output of " + argv.get(0), e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + argv.get(0), e);
        }
    }

    /** Starts a command whose streams the caller reads itself; stdin is closed. */
    public Process start(List<String> argv, Map<String, String> extraEnv) {
        ProcessBuilder builder = new ProcessBuilder(argv);
        builder.environment().putAll(baseEnvironment);
        builder.environment().putAll(extraEnv);
        try {
            Process process = builder.start();
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + argv.get(0) + ": " + e.getMessage(), e);
        }
    }

    /**
     * Starts a command whose stderr is merged into its stdout, so the caller reads one stream in
     * the order the child wrote it; the child's stdin is closed.
     */
    public Process startMerged(List<String> argv, Map<String, String> extraEnv) {
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
        builder.environment().putAll(baseEnvironment);
        builder.environment().putAll(extraEnv);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + argv.get(0) + ": " + e.getMessage(), e);
        }
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            process.destroyForcibly();
            throw new UncheckedIOException("cannot close the stdin of " + argv.get(0), e);
        }
        return process;
    }

    /** Copies a stream to a sink on a daemon thread; the sink is not closed. */
    public static Thread pump(InputStream source, OutputStream sink, String name) {
        Thread thread = new Thread(() -> {
            try (source) {
                source.transferTo(sink);
            } catch (IOException ignored) {
                // the child closed its end; whatever arrived has been copied
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void writeStdin(Process process, byte[] stdin) throws IOException {
        try (OutputStream in = process.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin);
            }
        } catch (IOException e) {
            if (stdin != null && stdin.length > 0) {
                throw e;
            }
        }
    }

    private static boolean waitFor(Process process) throws InterruptedException {
        process.waitFor();
        return true;
    }
}
