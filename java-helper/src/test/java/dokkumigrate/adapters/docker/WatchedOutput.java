package dokkumigrate.adapters.docker;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A running task's output as a test watches it: every byte kept, and the arrival of the first one
 * an event the test waits for (the task has started) before it stops, kills or freezes something.
 */
final class WatchedOutput extends OutputStream {
    private final CountDownLatch started = new CountDownLatch(1);
    private final ByteArrayOutputStream seen = new ByteArrayOutputStream();

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) {
        seen.write(bytes, offset, length);
        started.countDown();
    }

    /** Whether the task printed something within {@code seconds}. */
    boolean started(long seconds) throws InterruptedException {
        return started.await(seconds, TimeUnit.SECONDS);
    }

    /** What the task printed so far, as UTF-8. */
    synchronized String text() {
        return seen.toString(StandardCharsets.UTF_8);
    }
}
