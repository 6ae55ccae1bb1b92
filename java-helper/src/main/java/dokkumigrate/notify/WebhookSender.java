package dokkumigrate.notify;

import java.time.Duration;

/** Sends one HTTP POST of a JSON document: the port the HTTP adapter implements. */
public interface WebhookSender {
    /**
     * What the endpoint answered.
     *
     * @param status the HTTP status code
     * @param body   the start of the response body (a few hundred bytes at most), for messages
     */
    record Answer(int status, String body) {
        public boolean delivered() {
            return status >= 200 && status < 300;
        }

        /** Whether another attempt may succeed: a timeout, too many requests, or a server error. */
        public boolean worthRetrying() {
            return status == 408 || status == 425 || status == 429 || status >= 500;
        }
    }

    /** No answer came: connection refused, reset, timed out. The message never holds the URL. */
    final class NoAnswer extends Exception {
        public NoAnswer(String message) {
            super(message, null, false, false);
        }
    }

    /** POSTs {@code json} to {@code url}, waiting at most {@code timeout} for the whole answer. */
    Answer post(WebhookUrl url, byte[] json, Duration timeout) throws NoAnswer;
}
