package dokkumigrate.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A second JVM on the test classpath, so a test can face a real other process. */
public final class ChildJvm implements AutoCloseable {
    private final Process process;
    private final BufferedReader stdout;

    private ChildJvm(Process process) {
        this.process = process;
        this.stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    public static ChildJvm start(Class<?> main, String... args) throws IOException {
        return start(List.of(), Map.of(), main, args);
    }

    /**
     * With JVM options before the class name, and changes to the inherited environment (a null value
     * removes the variable).
     */
    public static ChildJvm start(List<String> jvmOptions, Map<String, String> environment, Class<?> main,
            String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path")));
        command.addAll(jvmOptions);
        command.add(main.getName());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        environment.forEach((name, value) -> {
            if (value == null) {
                builder.environment().remove(name);
            } else {
                builder.environment().put(name, value);
            }
        });
        return new ChildJvm(builder.start());
    }

    /** Waits until the child prints {@code expected} on a line of its own. */
    public ChildJvm awaitLine(String expected, Duration timeout) throws Exception {
        CompletableFuture<Void> seen = CompletableFuture.runAsync(() -> {
            try {
                for (String line = stdout.readLine(); line != null; line = stdout.readLine()) {
                    if (line.equals(expected)) {
                        return;
                    }
                }
                throw new IllegalStateException("the child JVM exited before printing '" + expected + "'");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        seen.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** The next line the child prints. */
    public String nextLine(Duration timeout) throws Exception {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return stdout.readLine();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public long pid() {
        return process.pid();
    }

    /** SIGKILL: the child gets no chance to clean up, as when the kernel's OOM killer strikes. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        kill();
    }
}
