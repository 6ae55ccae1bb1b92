package dokkumigrate.applied;

import dokkumigrate.output.Console;
import dokkumigrate.run.TaskOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;

/**
 * A small measure (no JMH) of what the applied-migration recogniser adds to streaming a task's
 * output: the same bytes go through {@link TaskOutput} (terminal on, as in a deploy; log and
 * terminal discarded) with and without it, alternately, and the time and the bytes allocated on
 * the streaming thread are printed. Not a test: run it by hand after {@code mvn test-compile}:
 * <pre>
 * java -cp target/classes:target/test-classes dokkumigrate.applied.MigrationLinesMeasure [MIB] [bench|log|plain]
 * </pre>
 * {@code bench} streams what measure (f) of scripts/bench prints (lines of 1023 zeros);
 * {@code log} streams short log lines full of capitals, two in five holding an anchor but no
 * migration (the recogniser's worst case short of a migration on every line); {@code plain}
 * streams short lowercase log lines with no anchor.
 */
public final class MigrationLinesMeasure {
    private static final String[] LOG_LINES = {
        "2024-01-01T12:00:00.123Z INFO  [main] Started Application in 3.2 seconds (JVM running for 4.1)",
        "I, [2024-01-01T12:00:00.000000 #1]  INFO -- : Completed 200 OK in 12ms (Views: 3.1ms | ActiveRecord: 1.2ms)",
        "Running task PruneSessions with ARGS=[] on queue DEFAULT; Batch size 500; Migration lock free",
        "Applying config overrides from /app/config/production.yml: DATABASE_POOL=10, REDIS=on, DONE",
        "GET /api/v1/orders?page=2 HTTP/1.1 200 OK 1532 bytes in 4.1 ms - Mozilla/5.0 (X11; Linux x86_64)",
    };

    private static final String[] PLAIN_LINES = {
        "2024-01-01t12:00:00.123z info  [main] started application in 3.2 seconds (jvm running for 4.1)",
        "web.1 | completed 200 in 12ms (views: 3.1ms | activerecord: 1.2ms) for 10.0.0.7 at 2024-01-01 12:00:00",
    };

    private MigrationLinesMeasure() {
    }

    public static void main(String[] args) throws IOException {
        long mib = args.length > 0 ? Long.parseLong(args[0]) : 1024;
        String shape = args.length < 2 ? "bench" : args[1];
        boolean bench = shape.equals("bench");
        byte[] chunk = chunk(bench ? null : shape.equals("plain") ? PLAIN_LINES : LOG_LINES);
        long chunks = mib * 1024 * 1024 / chunk.length;
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        System.out.printf("%d MiB of %s lines, %d-byte writes%n", mib, bench ? "1023-byte (measure f)" : shape, chunk.length);
        for (int round = 1; round <= 3; round++) {
            for (boolean withParser : new boolean[] {false, true}) {
                int[] found = new int[1];
                TaskOutput output = new TaskOutput(OutputStream.nullOutputStream(),
                        new Console(OutputStream.nullOutputStream(), OutputStream.nullOutputStream(), false).taskLines(),
                        1024 * 1024,
                        withParser ? new MigrationLines(m -> found[0]++) : null);
                long allocated = threads.getCurrentThreadAllocatedBytes();
                long start = System.nanoTime();
                for (long i = 0; i < chunks; i++) {
                    output.write(chunk, 0, chunk.length);
                }
                output.finish();
                long nanos = System.nanoTime() - start;
                allocated = threads.getCurrentThreadAllocatedBytes() - allocated;
                System.out.printf("round %d %-15s %7d ms  %7.1f MiB/s  %,d bytes allocated, %d migrations%n", round,
                        withParser ? "with parser" : "without parser", nanos / 1_000_000,
                        chunks * chunk.length / 1048576.0 / (nanos / 1e9), allocated, found[0]);
            }
        }
    }

    /** 64 KiB (the pump's buffer) of whole lines. */
    private static byte[] chunk(String[] lines) {
        StringBuilder text = new StringBuilder();
        int i = 0;
        while (text.length() < 64 * 1024 - 1100) {
            text.append(lines == null ? "0".repeat(1023) : lines[i++ % lines.length]).append('\n');
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }
}
