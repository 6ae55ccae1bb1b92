package dokkumigrate.adapters.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dokkumigrate.notify.WebhookDelivery;
import dokkumigrate.notify.WebhookUrl;
import dokkumigrate.testsupport.Receiver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Deliveries over the JDK's HTTP client to real servers on loopback, within the documented bounds. */
class JdkWebhookSenderTest {
    private static final byte[] JSON = "{\"text\":\"hello\"}".getBytes(StandardCharsets.UTF_8);
    /** Far above the 15 s budget, so a loaded machine cannot trip it; it only catches a delivery that hangs. */
    private static final Duration HANG = WebhookDelivery.BUDGET.plus(Duration.ofSeconds(30));

    private static WebhookUrl url(String text) {
        return WebhookUrl.parse(text).orElseThrow();
    }

    @Test
    void aNoticeIsPostedAsJsonAndA2xxAnswerIsDelivered() {
        try (Receiver receiver = Receiver.answering(200)) {
            WebhookDelivery.Result result = new WebhookDelivery(new JdkWebhookSender())
                    .send(url(receiver.url("/services/T0/B0/token")), JSON);

            assertTrue(result.delivered(), result.toString());
            assertEquals(1, result.attempts());
            assertEquals(Optional.of(200), result.lastStatus());
            assertEquals("ok", result.answerBody());
            assertEquals(1, receiver.requests().size());
            Receiver.Request request = receiver.requests().get(0);
            assertEquals("POST", request.method());
            assertEquals("/services/T0/B0/token", request.path());
            assertEquals("application/json; charset=utf-8", request.contentType());
            assertEquals("hello", request.json().get("text").asText());
        }
    }

    @Test
    void a500IsRetriedAndTheNextAnswerDeliversTheNoticeOnce() {
        try (Receiver receiver = Receiver.answering(500, 200)) {
            WebhookDelivery.Result result = new WebhookDelivery(new JdkWebhookSender()).send(url(receiver.url("/h")), JSON);

            assertTrue(result.delivered(), result.toString());
            assertEquals(2, result.attempts());
            assertEquals(Optional.of(200), result.lastStatus());
            assertEquals("HTTP 200 after 2 attempts", result.describe());
            assertEquals(2, receiver.requests().size(), "one failed attempt, one delivery, nothing after it");
        }
    }

    @Test
    void aServerErrorEveryTimeGivesUpAfterThreeAttempts() {
        try (Receiver receiver = Receiver.answering(503)) {
            WebhookDelivery.Result result = new WebhookDelivery(new JdkWebhookSender()).send(url(receiver.url("/h")), JSON);

            assertFalse(result.delivered());
            assertEquals(WebhookDelivery.MAX_ATTEMPTS, result.attempts());
            assertEquals(Optional.of(503), result.lastStatus());
            assertEquals("HTTP 503 after 3 attempts", result.describe());
            assertEquals(3, receiver.requests().size());
        }
    }

    @Test
    void aClientErrorIsFinalAndNotRetried() {
        try (Receiver receiver = Receiver.answering(404)) {
            WebhookDelivery.Result result = new WebhookDelivery(new JdkWebhookSender()).send(url(receiver.url("/h")), JSON);

            assertFalse(result.delivered());
            assertEquals(1, result.attempts());
            assertEquals("HTTP 404", result.lastError());
            assertEquals(1, receiver.requests().size());
        }
    }

    @Test
    void aRefusedConnectionIsRetriedThenReportedWithoutTheUrl() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        WebhookDelivery.Result result = new WebhookDelivery(new JdkWebhookSender())
                .send(url("http://127.0.0.1:" + port + "/hooks/s3cr3t?token=t0k3n"), JSON);

        assertFalse(result.delivered());
        assertEquals(3, result.attempts());
        assertEquals(Optional.empty(), result.lastStatus());
        assertTrue(result.lastError().startsWith("could not connect to http://127.0.0.1"), result.lastError());
        assertFalse(result.lastError().contains("s3cr3t"), result.lastError());
        assertFalse(result.lastError().contains("t0k3n"), result.lastError());
    }

    @Test
    void aServerThatNeverAnswersCostsAtMostTheBudgetAndEveryAttemptIsCounted() {
        try (Receiver receiver = Receiver.silent()) {
            WebhookDelivery delivery = new WebhookDelivery(new JdkWebhookSender());
            long start = System.nanoTime();
            WebhookDelivery.Result result = delivery.send(url(receiver.url("/h")), JSON);
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertFalse(result.delivered());
            assertTrue(result.attempts() >= 1 && result.attempts() <= WebhookDelivery.MAX_ATTEMPTS, result.toString());
            assertTrue(result.lastError().startsWith("no answer within"), result.lastError());
            assertEquals(result.attempts(), receiver.requests().size());
            assertTrue(took.compareTo(HANG) < 0, "took " + took);

            // the budget is spent: a second notice of the same deploy is recorded as not sent
            WebhookDelivery.Result spent = delivery.send(url(receiver.url("/h")), JSON);
            assertEquals(0, spent.attempts());
            assertTrue(spent.lastError().startsWith("not sent"), spent.lastError());
        }
    }

    @Test
    void anExceptionMessageNeverCarriesThePathOrQuery() {
        WebhookUrl secret = url("https://hooks.example.com/services/T0/B0/s3cr3t?k=t0k3n");

        String message = JdkWebhookSender.redacted("failed: https://hooks.example.com/services/T0/B0/s3cr3t?k=t0k3n "
                + "and /services/T0/B0/s3cr3t", secret, "none");

        assertEquals("failed: https://hooks.example.com and /…", message);
        assertEquals("none", JdkWebhookSender.redacted(null, secret, "none"));
    }
}
