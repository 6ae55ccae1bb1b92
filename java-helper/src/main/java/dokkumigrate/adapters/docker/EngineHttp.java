package dokkumigrate.adapters.docker;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * HTTP/1.1 over the Docker engine's UNIX socket: one connection per request, so a request never
 * waits behind another and a stream (attach, wait) owns its connection. Only what the engine's
 * API needs: a JSON body out; a body back by Content-Length, chunked, or up to the end of the
 * connection; and the hijacked connection of attach.
 */
final class EngineHttp {

    private static final int MAX_HEADER_BYTES = 64 * 1024;
    private static final int BUFFER_SIZE = 64 * 1024;

    /** Closes connections whose request outlived its timeout; one daemon thread, started on first use. */
    private static final class Watchdog {
        static final ScheduledExecutorService TIMER = timer();

        private static ScheduledExecutorService timer() {
            ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, task -> {
                Thread thread = new Thread(task, "docker-api-timeouts");
                thread.setDaemon(true);
                return thread;
            });
            timer.setRemoveOnCancelPolicy(true);
            return timer;
        }
    }

    private final Path socket;

    EngineHttp(Path socket) {
        this.socket = Objects.requireNonNull(socket, "socket");
    }

    /** The engine's address as the docker client names it: {@code unix:///var/run/docker.sock}. */
    String address() {
        return "unix://" + socket;
    }

    /**
     * Sends a request and reads the whole response.
     *
     * @param body    a JSON body, or null for none
     * @param timeout how long the whole exchange may take
     * @throws Unreachable   when the socket does not accept the connection
     * @throws TimedOut      when the engine did not answer in time
     * @throws IOException   when the connection broke
     */
    Response call(String method, String target, byte[] body, Duration timeout) throws IOException {
        Exchange exchange = open(method, target, body, false, timeout);
        try (exchange) {
            exchange.readHead();
            byte[] content = method.equals("HEAD") ? new byte[0] : exchange.body().readAllBytes();
            return new Response(exchange.status(), exchange.headers(), content);
        } catch (IOException e) {
            throw exchange.expired ? new TimedOut(timeout, e) : e;
        } finally {
            exchange.alarm.cancel(false);
        }
    }

    /**
     * Sends a request whose response the caller reads as it arrives (a stream); the engine must
     * answer with the response's head within {@code timeout}, the body may take as long as it takes.
     *
     * @param upgrade ask for the connection to be hijacked ({@code Upgrade: tcp}), as attach does
     */
    Exchange stream(String method, String target, byte[] body, boolean upgrade, Duration timeout) throws IOException {
        Exchange exchange = open(method, target, body, upgrade, timeout);
        try {
            exchange.readHead();
            exchange.alarm.cancel(false);
            if (exchange.expired) {
                throw new IOException("closed at its timeout");
            }
            return exchange;
        } catch (IOException e) {
            exchange.close();
            throw exchange.expired ? new TimedOut(timeout, e) : e;
        } catch (RuntimeException e) {
            exchange.close();
            throw e;
        } finally {
            exchange.alarm.cancel(false);
        }
    }

    /** Connects and sends the request, all within {@code timeout} (the alarm, which the caller cancels). */
    private Exchange open(String method, String target, byte[] body, boolean upgrade, Duration timeout)
            throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        Exchange exchange = new Exchange(channel);
        exchange.alarm = Watchdog.TIMER.schedule(exchange::expire, timeout.toMillis(), TimeUnit.MILLISECONDS);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
        } catch (ClosedByInterruptException e) {
            exchange.alarm.cancel(false);
            throw e;
        } catch (IOException e) {
            exchange.alarm.cancel(false);
            exchange.close();
            throw exchange.expired ? new TimedOut(timeout, e) : new Unreachable(address(), e);
        }
        try {
            exchange.send(method, target, body, upgrade);
            return exchange;
        } catch (IOException e) {
            exchange.alarm.cancel(false);
            exchange.close();
            throw exchange.expired ? new TimedOut(timeout, e) : e;
        } catch (RuntimeException e) {
            exchange.alarm.cancel(false);
            exchange.close();
            throw e;
        }
    }

    /** A response read whole. */
    record Response(int status, Map<String, String> headers, byte[] body) {
        boolean ok() {
            return status >= 200 && status < 300;
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** One request on its own connection; closing it closes the connection (and ends a stream). */
    static final class Exchange implements Closeable {
        private final SocketChannel channel;
        private final InputStream in;
        private int status;
        private Map<String, String> headers = Map.of();
        private String method = "";
        private volatile boolean expired;
        /** Closes the connection if the exchange (or a stream's head) outlives its timeout. */
        private ScheduledFuture<?> alarm;

        private Exchange(SocketChannel channel) {
            this.channel = channel;
            this.in = new BufferedInputStream(Channels.newInputStream(channel), BUFFER_SIZE);
        }

        int status() {
            return status;
        }

        boolean ok() {
            return status >= 200 && status < 300 || status == 101;
        }

        Map<String, String> headers() {
            return headers;
        }

        private void expire() {
            expired = true;
            close();
        }

        private void send(String method, String target, byte[] body, boolean upgrade) throws IOException {
            this.method = method;
            StringBuilder head = new StringBuilder(256)
                    .append(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                    .append("Host: docker\r\n")
                    .append("User-Agent: dokku-migrate\r\n");
            if (upgrade) {
                head.append("Connection: Upgrade\r\nUpgrade: tcp\r\n");
            } else {
                head.append("Connection: close\r\n");
            }
            if (body != null) {
                head.append("Content-Type: application/json\r\n");
            }
            if (body != null || method.equals("POST") || method.equals("PUT")) {
                head.append("Content-Length: ").append(body == null ? 0 : body.length).append("\r\n");
            }
            head.append("\r\n");
            write(ByteBuffer.wrap(head.toString().getBytes(StandardCharsets.UTF_8)));
            if (body != null) {
                write(ByteBuffer.wrap(body));
            }
        }

        private void write(ByteBuffer buffer) throws IOException {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }

        private void readHead() throws IOException {
            String statusLine = line();
            String[] parts = statusLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || !parts[1].matches("[0-9]{3}")) {
                throw new IOException("the Docker engine answered with no HTTP status line: " + abbreviate(statusLine));
            }
            status = Integer.parseInt(parts[1]);
            Map<String, String> read = new HashMap<>();
            String line;
            while (!(line = line()).isEmpty()) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    read.put(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
                }
            }
            headers = Map.copyOf(read);
        }

        /**
         * The response body as it arrives: decoded from chunks, bounded by Content-Length, or (a
         * hijacked connection, or no length) everything up to the end of the connection.
         */
        InputStream body() {
            if (method.equals("HEAD") || status == 204 || status == 304) {
                return InputStream.nullInputStream();
            }
            if (status == 101) {
                return in;
            }
            if (headers.getOrDefault("transfer-encoding", "").toLowerCase(Locale.ROOT).contains("chunked")) {
                return new ChunkedBody(in);
            }
            String length = headers.get("content-length");
            if (length != null && length.matches("[0-9]{1,18}")) {
                return new BoundedBody(in, Long.parseLong(length));
            }
            return in;
        }

        private String line() throws IOException {
            return readLine(in);
        }

        @Override
        public void close() {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing a socket that is already broken: nothing is left to release
            }
        }
    }

    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (line.size() >= MAX_HEADER_BYTES) {
                throw new IOException("the Docker engine sent a header line longer than " + MAX_HEADER_BYTES + " bytes");
            }
            line.write(b);
        }
        if (b < 0 && line.size() == 0) {
            throw new IOException("the Docker engine closed the connection before it answered");
        }
        String text = line.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }

    private static String abbreviate(String text) {
        return text.length() > 80 ? text.substring(0, 80) + "..." : text;
    }

    /** A body of a known length. */
    private static final class BoundedBody extends BulkInputStream {
        private final InputStream in;
        private long remaining;

        BoundedBody(InputStream in, long length) {
            this.in = in;
            this.remaining = length;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (remaining == 0) {
                return -1;
            }
            int count = in.read(buffer, offset, (int) Math.min(length, remaining));
            if (count < 0) {
                throw new IOException("the Docker engine's answer ended " + remaining + " bytes short");
            }
            remaining -= count;
            return count;
        }
    }

    /** A body in HTTP/1.1 chunks. */
    private static final class ChunkedBody extends BulkInputStream {
        private final InputStream in;
        private long remaining;
        private boolean ended;

        ChunkedBody(InputStream in) {
            this.in = in;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (ended) {
                return -1;
            }
            if (remaining == 0) {
                String size = readLine(in);
                int extension = size.indexOf(';');
                size = (extension >= 0 ? size.substring(0, extension) : size).strip();
                if (!size.matches("[0-9a-fA-F]{1,15}")) {
                    throw new IOException("the Docker engine sent a malformed chunk size: " + abbreviate(size));
                }
                remaining = Long.parseLong(size, 16);
                if (remaining == 0) {
                    while (!readLine(in).isEmpty()) {
                        // trailers: none that matter
                    }
                    ended = true;
                    return -1;
                }
            }
            int count = in.read(buffer, offset, (int) Math.min(length, remaining));
            if (count < 0) {
                throw new IOException("the Docker engine's answer ended inside a chunk");
            }
            remaining -= count;
            if (remaining == 0) {
                readLine(in); // the CRLF after the chunk's data
            }
            return count;
        }
    }

    /** The socket did not accept a connection: no engine listens there, or it may not be used. */
    static final class Unreachable extends IOException {
        Unreachable(String address, IOException cause) {
            super(describe(address, cause), cause);
        }

        private static String describe(String address, IOException cause) {
            String reason = String.valueOf(cause.getMessage());
            if (reason.toLowerCase(Locale.ROOT).contains("permission denied")) {
                return "permission denied while trying to connect to the Docker daemon socket at " + address;
            }
            return "Cannot connect to the Docker daemon at " + address + ". Is the docker daemon running?";
        }
    }

    /** The engine did not answer within the request's timeout. */
    static final class TimedOut extends IOException {
        final Duration timeout;

        TimedOut(Duration timeout, IOException cause) {
            super("the Docker engine did not answer within " + DockerTaskRunner.describe(timeout), cause);
            this.timeout = timeout;
        }
    }
}
