package dokkumigrate.adapters.docker;

import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A streaming engine call (attach, wait, an archive read) seen as the docker client process it
 * replaces, so the code that streams, waits with a deadline and gives up on a stuck call treats
 * both alike: {@link #getInputStream} is the stream, the "process" ends when its reader reaches
 * the stream's end (exit 0) or the connection breaks (exit 1: the stream ends there with the
 * error's text, as a client started with its stderr merged into its stdout prints it), and {@link #destroy}
 * closes the connection, after which the stream just ends, as a killed client's output does.
 *
 * <p>The stream ends only as it is read: whoever waits for this process must read its stream (the
 * runner's output pump does), just as a client process blocks on a full pipe.
 */
final class EngineStream extends Process {

    private static final int DESTROYED = 137;

    private final Closeable connection;
    private final InputStream stdout;
    private final byte[] stderr;
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile int exitCode;
    private volatile boolean destroyed;
    private volatile InputStream failure;

    private EngineStream(Closeable connection, InputStream source, byte[] stderr) {
        this.connection = connection;
        this.stdout = new Tracked(source);
        this.stderr = stderr;
    }

    /** A call whose output is {@code source}, read from {@code connection}. */
    static EngineStream of(InputStream source, Closeable connection) {
        return new EngineStream(connection, source, new byte[0]);
    }

    /** A call that has already ended: {@code output} on its stdout, {@code errors} on its stderr. */
    static EngineStream ended(String output, String errors, int exitCode) {
        EngineStream stream = new EngineStream(() -> { },
                new ByteArrayInputStream(output.getBytes(StandardCharsets.UTF_8)),
                errors.getBytes(StandardCharsets.UTF_8));
        stream.end(exitCode);
        return stream;
    }

    private void end(int code) {
        if (ended.getCount() > 0) {
            exitCode = code;
            ended.countDown();
        }
    }

    @Override
    public OutputStream getOutputStream() {
        return OutputStream.nullOutputStream();
    }

    @Override
    public InputStream getInputStream() {
        return stdout;
    }

    @Override
    public InputStream getErrorStream() {
        return new ByteArrayInputStream(stderr);
    }

    @Override
    public int waitFor() throws InterruptedException {
        ended.await();
        return exitCode;
    }

    @Override
    public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
        return ended.await(timeout, unit);
    }

    @Override
    public int exitValue() {
        if (ended.getCount() > 0) {
            throw new IllegalThreadStateException("the engine call has not ended");
        }
        return exitCode;
    }

    @Override
    public boolean isAlive() {
        return ended.getCount() > 0;
    }

    /** Closes the connection: the stream ends (without an error) and so does the call. */
    @Override
    public void destroy() {
        destroyed = true;
        try {
            connection.close();
        } catch (IOException ignored) {
            // the connection is gone either way
        }
        end(DESTROYED);
    }

    @Override
    public Process destroyForcibly() {
        destroy();
        return this;
    }

    /** The source, noting its end; a broken connection ends it too, after a line saying so. */
    private final class Tracked extends BulkInputStream {
        private final InputStream source;

        Tracked(InputStream source) {
            this.source = source;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (destroyed) {
                return -1;
            }
            if (failure != null) {
                return failure.read(buffer, offset, length);
            }
            try {
                int count = source.read(buffer, offset, length);
                if (count < 0) {
                    end(0);
                }
                return count;
            } catch (IOException e) {
                if (destroyed) {
                    return -1;
                }
                failure = new ByteArrayInputStream(("lost the connection to the Docker engine: " + e.getMessage()
                        + "\n").getBytes(StandardCharsets.UTF_8));
                end(1);
                return failure.read(buffer, offset, length);
            }
        }

        @Override
        public void close() throws IOException {
            try {
                connection.close();
            } finally {
                end(destroyed ? DESTROYED : exitCode);
            }
        }
    }
}
