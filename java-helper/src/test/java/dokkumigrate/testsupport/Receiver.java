package dokkumigrate.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A webhook endpoint on loopback (the JDK's HttpServer): records every request and answers with
 * the statuses it is given, in turn (the last one repeats), or never answers at all.
 */
public final class Receiver implements AutoCloseable {
    /** One request as it arrived. */
    public record Request(String method, String path, String contentType, byte[] body) {
        public JsonNode json() {
            try {
                return new ObjectMapper().readTree(body);
            } catch (IOException e) {
                throw new AssertionError("the body is not JSON: " + new String(body, StandardCharsets.UTF_8), e);
            }
        }
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Deque<Integer> statuses = new ArrayDeque<>();
    private final CountDownLatch released = new CountDownLatch(1);
    private volatile boolean silent;

    private Receiver(int... statuses) {
        for (int status : statuses) {
            this.statuses.add(status);
        }
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread thread = new Thread(r, "receiver");
            thread.setDaemon(true);
            return thread;
        }));
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                    exchange.getRequestHeaders().getFirst("Content-Type"), body));
            if (silent) {
                try {
                    released.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                exchange.close();
                return;
            }
            int status = nextStatus();
            byte[] answer = (status < 300 ? "ok" : "no").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
    }

    /** Answers with these statuses in turn; the last one repeats. */
    public static Receiver answering(int... statuses) {
        return new Receiver(statuses);
    }

    /** Reads each request and never answers it. */
    public static Receiver silent() {
        Receiver receiver = new Receiver(200);
        receiver.silent = true;
        return receiver;
    }

    private synchronized int nextStatus() {
        return statuses.size() > 1 ? statuses.removeFirst() : statuses.getFirst();
    }

    /** A URL of this receiver, with a token in its path as real webhook URLs have. */
    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() {
        released.countDown();
        server.stop(0);
    }
}
