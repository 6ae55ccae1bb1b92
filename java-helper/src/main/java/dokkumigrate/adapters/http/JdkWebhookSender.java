package dokkumigrate.adapters.http;

import dokkumigrate.notify.WebhookSender;
import dokkumigrate.notify.WebhookUrl;
import java.io.ByteArrayOutputStream;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * POSTs a notice with the JDK's HTTP client: HTTP/1.1, no redirect followed (a redirect could
 * take the notice somewhere the operator did not choose), and one bound on the whole exchange,
 * headers and body, so an endpoint that answers slowly or never costs at most the timeout.
 * Messages name the endpoint by {@link WebhookUrl#shown()} only.
 */
public final class JdkWebhookSender implements WebhookSender {
    /** Only the start of an answer is kept, for messages: Slack answers "ok" or "invalid_payload". */
    static final int MAX_BODY = 512;
    private static final String USER_AGENT = "dokku-migrate";

    private HttpClient client;

    @Override
    public Answer post(WebhookUrl url, byte[] json, Duration timeout) throws NoAnswer {
        HttpRequest request = HttpRequest.newBuilder(url.uri())
                .timeout(timeout)
                .header("Content-Type", "application/json; charset=utf-8")
                .header("User-Agent", USER_AGENT)
                .POST(HttpRequest.BodyPublishers.ofByteArray(json))
                .build();
        BoundedBody body = new BoundedBody();
        CompletableFuture<HttpResponse<Void>> exchange = client(timeout)
                .sendAsync(request, HttpResponse.BodyHandlers.ofByteArrayConsumer(body::accept));
        try {
            HttpResponse<Void> response = exchange.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return new Answer(response.statusCode(), body.text());
        } catch (TimeoutException e) {
            exchange.cancel(true);
            throw new NoAnswer(noAnswerWithin(timeout));
        } catch (InterruptedException e) {
            exchange.cancel(true);
            Thread.currentThread().interrupt();
            throw new NoAnswer("interrupted while waiting for " + url.shown());
        } catch (ExecutionException e) {
            throw new NoAnswer(describe(e.getCause(), url, timeout));
        }
    }

    private synchronized HttpClient client(Duration timeout) {
        if (client == null) {
            client = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .connectTimeout(timeout)
                    .build();
        }
        return client;
    }

    private static String describe(Throwable cause, WebhookUrl url, Duration timeout) {
        if (cause instanceof HttpTimeoutException) {
            return noAnswerWithin(timeout);
        }
        if (cause instanceof ConnectException) {
            return "could not connect to " + url.shown() + " (" + redacted(cause.getMessage(), url, "connection refused")
                    + ")";
        }
        return cause.getClass().getSimpleName() + ": " + redacted(cause.getMessage(), url, "no detail");
    }

    private static String noAnswerWithin(Duration timeout) {
        return String.format("no answer within %.1fs", timeout.toMillis() / 1000.0);
    }

    /** An exception's message with the URL (should one ever appear in it) cut down to its scheme and host. */
    static String redacted(String message, WebhookUrl url, String fallback) {
        if (message == null || message.isBlank()) {
            return fallback;
        }
        String full = url.uri().toString();
        String shown = message.replace(full, url.shown());
        String path = url.uri().getRawPath();
        String query = url.uri().getRawQuery();
        if (path != null && path.length() > 1) {
            shown = shown.replace(path, "/…");
        }
        if (query != null && !query.isEmpty()) {
            shown = shown.replace(query, "…");
        }
        return shown;
    }

    /** Keeps the first {@link #MAX_BODY} bytes of the answer and drops the rest as it arrives. */
    private static final class BoundedBody {
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();

        synchronized void accept(java.util.Optional<byte[]> chunk) {
            chunk.ifPresent(bytes -> kept.write(bytes, 0, Math.min(bytes.length, MAX_BODY - kept.size())));
        }

        synchronized String text() {
            return new String(kept.toByteArray(), StandardCharsets.UTF_8);
        }
    }
}
