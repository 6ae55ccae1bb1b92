package dokkumigrate.adapters.docker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP/1.1 client against a server on a UNIX socket that answers what each test scripts. */
class EngineHttpTest {

    private static final Duration LONG = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private ServerSocketChannel server;

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aChunkedBodyIsDecodedAndTheRequestCarriesItsJsonBody() throws Exception {
        CompletableFuture<String> request = serveOnce("HTTP/1.1 201 Created\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n4\r\n{\"Id\r\n9;ext=1\r\n\":\"abc\"}\n\r\n0\r\n\r\n");

        EngineHttp.Response response = http().call("POST", "/v1.41/containers/create",
                "{\"Image\":\"x\"}".getBytes(StandardCharsets.UTF_8), LONG);

        assertEquals(201, response.status());
        assertEquals("{\"Id\":\"abc\"}\n", response.text());
        String sent = request.get(10, TimeUnit.SECONDS);
        assertTrue(sent.startsWith("POST /v1.41/containers/create HTTP/1.1\r\n"), sent);
        assertTrue(sent.contains("Content-Length: 13\r\n") && sent.endsWith("\r\n\r\n{\"Image\":\"x\"}"), sent);
    }

    @Test
    void aBodyOfAKnownLengthEndsThere() throws Exception {
        serveOnce("HTTP/1.1 404 Not Found\r\nContent-Length: 30\r\n\r\n{\"message\":\"No such image: x\"}ignored");

        EngineHttp.Response response = http().call("GET", "/v1.41/images/x/json", null, LONG);

        assertEquals(404, response.status());
        assertEquals("No such image: x", EngineApi.message(response.status(), response.body()));
    }

    @Test
    void aHijackedStreamIsReadUpToTheEndOfTheConnection() throws Exception {
        byte[] frames = {1, 0, 0, 0, 0, 0, 0, 3, 'o', 'u', 't', 2, 0, 0, 0, 0, 0, 0, 4, 'e', 'r', 'r', '\n'};
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        answer.write("HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        answer.write(frames);
        serveOnce(answer.toByteArray());

        EngineHttp.Exchange exchange = http().stream("POST", "/v1.41/containers/x/attach?stream=1", null, true, LONG);
        try (InputStream merged = new MultiplexedStream(exchange.body())) {
            assertArrayEquals("outerr\n".getBytes(StandardCharsets.US_ASCII), merged.readAllBytes());
        }
    }

    @Test
    void anEngineThatDoesNotAnswerTimesOut() throws Exception {
        serveNothing();

        EngineHttp.TimedOut call = assertThrows(EngineHttp.TimedOut.class,
                () -> http().call("GET", "/v1.41/containers/x/json", null, Duration.ofMillis(300)));
        assertThrows(EngineHttp.TimedOut.class,
                () -> http().stream("POST", "/v1.41/containers/x/wait", null, false, Duration.ofMillis(300)));

        assertEquals("the Docker engine did not answer within 300ms", call.getMessage());
    }

    @Test
    void noEngineOnTheSocketIsTheClientsCannotConnect() {
        EngineHttp.Unreachable unreachable = assertThrows(EngineHttp.Unreachable.class,
                () -> new EngineHttp(dir.resolve("none.sock")).call("GET", "/_ping", null, LONG));

        assertEquals("Cannot connect to the Docker daemon at unix://" + dir.resolve("none.sock")
                + ". Is the docker daemon running?", unreachable.getMessage());
    }

    private EngineHttp http() {
        return new EngineHttp(dir.resolve("engine.sock"));
    }

    private CompletableFuture<String> serveOnce(String answer) throws IOException {
        return serveOnce(answer.getBytes(StandardCharsets.UTF_8));
    }

    /** Accepts one connection, reads the request (head and Content-Length body), answers, closes. */
    private CompletableFuture<String> serveOnce(byte[] answer) throws IOException {
        listen();
        return CompletableFuture.supplyAsync(() -> {
            try (SocketChannel client = server.accept()) {
                InputStream in = Channels.newInputStream(client);
                StringBuilder head = new StringBuilder();
                while (!head.toString().endsWith("\r\n\r\n")) {
                    head.append((char) in.read());
                }
                int length = head.toString().lines().filter(l -> l.startsWith("Content-Length: "))
                        .mapToInt(l -> Integer.parseInt(l.substring(16).strip())).findFirst().orElse(0);
                String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
                client.write(ByteBuffer.wrap(answer));
                return head + body;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    /** Accepts connections and never answers. */
    private void serveNothing() throws IOException {
        listen();
        Thread acceptor = new Thread(() -> {
            try {
                while (true) {
                    server.accept();
                }
            } catch (IOException closed) {
                // the test ended
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void listen() throws IOException {
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(dir.resolve("engine.sock")));
    }
}
