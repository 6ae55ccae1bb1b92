package dokkumigrate.notify;

import java.util.Optional;

/**
 * The notification settings in force for an app.
 *
 * @param url   where notices go; empty when no {@code notify-url} is set
 * @param on    which runs are notified
 * @param lines how many of the last output lines a notice carries (0: none)
 */
public record NotifySettings(Optional<WebhookUrl> url, NotifyOn on, int lines) {
    /** The largest {@code notify-lines}: notices are chat messages, not logs. */
    public static final int MAX_LINES = 1000;

    /** The URL to notify of a run that ended in {@code state}, when there is one and {@code on} covers it. */
    public Optional<WebhookUrl> target(dokkumigrate.run.RunState state) {
        return on.covers(state) ? url : Optional.empty();
    }

    /** Whether {@code text} is a {@code notify-lines} value: a whole number from 0 to {@link #MAX_LINES}. */
    public static boolean isLines(String text) {
        return text.matches("[0-9]{1,4}") && Integer.parseInt(text) <= MAX_LINES;
    }
}
