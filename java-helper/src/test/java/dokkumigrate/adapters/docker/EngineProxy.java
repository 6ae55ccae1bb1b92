package dokkumigrate.adapters.docker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A UNIX socket in front of the real Docker engine that passes every byte through and keeps what
 * clients sent, so a test sees the requests (and which client made them); it can also play an
 * engine that dies ({@link #kill}: every connection closed, the socket gone) or hangs
 * ({@link #freeze}: nothing more is passed on, and new connections are refused).
 */
final class EngineProxy implements AutoCloseable {

    private final Path socket;
    private final Path engine;
    private final ServerSocketChannel server;
    private final List<SocketChannel> open = new CopyOnWriteArrayList<>();
    private final List<ByteArrayOutputStream> sent = new CopyOnWriteArrayList<>();
    private volatile boolean frozen;

    private EngineProxy(Path socket, Path engine) throws IOException {
        this.socket = socket;
        this.engine = engine;
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Thread acceptor = new Thread(this::accept, "engine-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A proxy listening on {@code socket} for the engine the tests use (DOCKER_HOST, or the default socket). */
    static EngineProxy start(Path socket) throws IOException {
        String host = System.getenv("DOCKER_HOST");
        Path engine = host != null && host.startsWith("unix://") ? Path.of(host.substring("unix://".length()))
                : DockerAccess.DEFAULT_SOCKET;
        return new EngineProxy(socket, engine);
    }

    /** {@code DOCKER_HOST} for a client of this proxy. */
    String dockerHost() {
        return "unix://" + socket;
    }

    /** Everything clients sent, one string per connection, in the order they connected. */
    List<String> requests() {
        return sent.stream().map(bytes -> bytes.toString(StandardCharsets.ISO_8859_1)).toList();
    }

    /** Plays an engine killed: every connection is closed and nothing listens on the socket any more. */
    void kill() {
        close();
    }

    /** Plays a hung engine: open connections get nothing more, new ones are refused. */
    void freeze() throws IOException {
        frozen = true;
        server.close();
        Files.deleteIfExists(socket);
    }

    private void accept() {
        try {
            while (true) {
                SocketChannel client = server.accept();
                SocketChannel upstream = SocketChannel.open(StandardProtocolFamily.UNIX);
                upstream.connect(UnixDomainSocketAddress.of(engine));
                open.add(client);
                open.add(upstream);
                ByteArrayOutputStream record = new ByteArrayOutputStream();
                sent.add(record);
                pump(client, upstream, record);
                pump(upstream, client, null);
            }
        } catch (IOException closed) {
            // the proxy was closed
        }
    }

    private void pump(SocketChannel from, SocketChannel to, ByteArrayOutputStream record) {
        Thread thread = new Thread(() -> {
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            try {
                while (from.read(buffer) >= 0) {
                    buffer.flip();
                    if (record != null) {
                        synchronized (record) {
                            record.write(buffer.array(), 0, buffer.limit());
                        }
                    }
                    while (!frozen && buffer.hasRemaining()) {
                        to.write(buffer);
                    }
                    buffer.clear();
                }
                if (!frozen) {
                    to.shutdownOutput();
                }
            } catch (IOException closed) {
                // one side went away: the other is closed with the proxy
            }
        }, "engine-proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() {
        try {
            server.close();
            Files.deleteIfExists(socket);
        } catch (IOException ignored) {
            // already closed
        }
        for (SocketChannel channel : open) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }
}
