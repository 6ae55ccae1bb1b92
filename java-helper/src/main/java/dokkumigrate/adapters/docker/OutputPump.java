package dokkumigrate.adapters.docker;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Optional;

/**
 * Copies a process's output into the caller's stream as it arrives, through one fixed-size
 * buffer, on its own thread. When the caller's stream fails the pump keeps draining the process
 * (so it never blocks on a full pipe) and remembers the failure for the run's outcome.
 */
final class OutputPump {

    private static final int BUFFER_SIZE = 64 * 1024;

    private final InputStream source;
    private final OutputStream sink;
    private final Thread thread;
    private volatile Exception sinkFailure;
    private volatile IOException sourceFailure;

    private OutputPump(InputStream source, OutputStream sink, String name) {
        this.source = source;
        this.sink = sink;
        this.thread = new Thread(this::copy, name);
        this.thread.setDaemon(true);
    }

    /** Starts copying {@code source} into {@code sink}; the sink is flushed after every chunk, never closed. */
    static OutputPump start(InputStream source, OutputStream sink, String name) {
        OutputPump pump = new OutputPump(source, sink, name);
        pump.thread.start();
        return pump;
    }

    /** Waits until the source ended; returns whether it did within {@code limit}. */
    boolean awaitEnd(Duration limit) throws InterruptedException {
        thread.join(Math.max(1, limit.toMillis()));
        return !thread.isAlive();
    }

    /** Why some output could not be copied, if it could not. */
    Optional<String> failure() {
        if (sinkFailure != null) {
            return Optional.of("the task's output could not be written: " + sinkFailure);
        }
        if (sourceFailure != null) {
            return Optional.of("the task's output could not be read: " + sourceFailure.getMessage());
        }
        return Optional.empty();
    }

    private void copy() {
        byte[] buffer = new byte[BUFFER_SIZE];
        try (source) {
            int count;
            while ((count = source.read(buffer)) >= 0) {
                if (sinkFailure == null) {
                    deliver(buffer, count);
                }
            }
        } catch (IOException e) {
            sourceFailure = e;
        }
    }

    private void deliver(byte[] buffer, int count) {
        try {
            sink.write(buffer, 0, count);
            sink.flush();
        } catch (IOException | RuntimeException e) {
            sinkFailure = e;
        }
    }
}
