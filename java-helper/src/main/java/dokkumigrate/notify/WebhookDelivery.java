package dokkumigrate.notify;

import java.time.Duration;
import java.util.Optional;

/**
 * Delivers notices within fixed bounds: each attempt gets at most {@link #ATTEMPT_TIMEOUT}, a
 * notice gets at most {@link #MAX_ATTEMPTS} attempts with a back-off between them, and all the
 * notices of one helper process (one deploy, or one {@code migrate:run}) share a
 * {@link #BUDGET}: once it is spent, later notices are recorded as not sent instead of waiting.
 * A timeout, a refused connection, 408, 425, 429 and 5xx are retried; any other answer is final.
 */
public final class WebhookDelivery {
    public static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(5);
    public static final int MAX_ATTEMPTS = 3;
    public static final Duration BUDGET = Duration.ofSeconds(15);
    /** The wait before the second and the third attempt. */
    static final Duration[] BACK_OFF = {Duration.ofMillis(500), Duration.ofMillis(1500)};
    /** Less time than this left is not worth another attempt. */
    private static final Duration LEAST_ATTEMPT = Duration.ofMillis(200);

    private final WebhookSender sender;
    /** When the budget ends, in {@link System#nanoTime()}; set by the first notice. */
    private long deadline = Long.MIN_VALUE;

    public WebhookDelivery(WebhookSender sender) {
        this.sender = sender;
    }

    /**
     * How a notice went.
     *
     * @param attempts   how many POSTs were made (0 when the budget was already spent)
     * @param lastStatus the HTTP status of the last answer, if one came
     * @param lastError  why the last attempt failed; empty when it was delivered
     * @param answerBody the start of the last answer's body
     */
    public record Result(int attempts, boolean delivered, Optional<Integer> lastStatus, String lastError,
                         String answerBody) {
        /** "HTTP 200", "HTTP 500 after 3 attempts", "connection refused after 3 attempts". */
        public String describe() {
            String what = delivered ? "HTTP " + lastStatus.orElseThrow() : lastError;
            return what + (attempts > 1 ? " after " + attempts + " attempts" : "");
        }
    }

    /** POSTs {@code json} to {@code url}, retrying within the bounds; never throws for a failed delivery. */
    public synchronized Result send(WebhookUrl url, byte[] json) {
        if (deadline == Long.MIN_VALUE) {
            deadline = System.nanoTime() + BUDGET.toNanos();
        }
        int attempts = 0;
        Optional<Integer> status = Optional.empty();
        String error = "not sent: the " + BUDGET.toSeconds() + "s this deploy may spend on notices was spent";
        String body = "";
        while (attempts < MAX_ATTEMPTS) {
            if (attempts > 0) {
                Duration pause = BACK_OFF[Math.min(attempts - 1, BACK_OFF.length - 1)];
                if (remaining().compareTo(pause.plus(LEAST_ATTEMPT)) < 0 || !sleep(pause)) {
                    break;
                }
            }
            Duration left = remaining();
            if (left.compareTo(LEAST_ATTEMPT) < 0) {
                break;
            }
            attempts++;
            Duration timeout = left.compareTo(ATTEMPT_TIMEOUT) < 0 ? left : ATTEMPT_TIMEOUT;
            try {
                WebhookSender.Answer answer = sender.post(url, json, timeout);
                status = Optional.of(answer.status());
                body = answer.body();
                if (answer.delivered()) {
                    return new Result(attempts, true, status, "", body);
                }
                error = "HTTP " + answer.status();
                if (!answer.worthRetrying()) {
                    break;
                }
            } catch (WebhookSender.NoAnswer e) {
                status = Optional.empty();
                body = "";
                error = e.getMessage();
            }
        }
        return new Result(attempts, false, status, error, body);
    }

    private Duration remaining() {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    private static boolean sleep(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
