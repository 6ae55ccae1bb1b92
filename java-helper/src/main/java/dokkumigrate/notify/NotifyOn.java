package dokkumigrate.notify;

import dokkumigrate.run.RunState;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Which finished task runs are sent to the {@code notify-url}: the {@code notify-on} setting. */
public enum NotifyOn {
    /** Runs that stop a deploy: failed, timed_out, interrupted (the default). */
    FAILURE,
    /** Every run that ended, succeeded ones too. */
    ALWAYS,
    /** None: the webhook is off (the post-migrate-task trigger still fires). */
    NEVER;

    /** The values {@code migrate:set} accepts, in words. */
    public static final String ALLOWED = "failure, always or never";

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<NotifyOn> parse(String text) {
        return Arrays.stream(values()).filter(v -> v.label().equals(text)).findFirst();
    }

    /** Whether a run that ended in {@code state} is notified. */
    public boolean covers(RunState state) {
        boolean ended = state.isFinal() || state == RunState.INTERRUPTED;
        return switch (this) {
            case ALWAYS -> ended;
            case FAILURE -> state == RunState.FAILED || state == RunState.TIMED_OUT || state == RunState.INTERRUPTED;
            case NEVER -> false;
        };
    }
}
