package dokkumigrate.notify;

import dokkumigrate.url.UrlSyntax;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code notify-url}: an http or https URL with a host. It often holds a token (Slack's
 * incoming webhooks do), so it is a secret: only {@link #shown()} (scheme and host) is ever
 * printed, and {@link #problem} describes a bad value without quoting it.
 */
public record WebhookUrl(URI uri) {
    /** Longer URLs are refused: no webhook needs one, and a pasted document is a mistake. */
    public static final int MAX_LENGTH = 2048;
    private static final Pattern IPV4_LOOPBACK = Pattern.compile("127(\\.[0-9]{1,3}){3}");

    /** What {@code migrate:set} accepts, in words. */
    public static final String ALLOWED = "an http:// or https:// URL with a host, such as "
            + "https://hooks.slack.com/services/T000/B000/XXXX";

    /** The URL a valid value names; empty when {@link #problem} finds something wrong. */
    public static Optional<WebhookUrl> parse(String text) {
        return problem(text).isPresent() ? Optional.empty() : Optional.of(new WebhookUrl(URI.create(text)));
    }

    /** What is wrong with a value, in words that never quote it; empty when it is a valid URL. */
    public static Optional<String> problem(String text) {
        URI uri;
        try {
            uri = UrlSyntax.read(text, MAX_LENGTH, Set.of("http", "https"), "its scheme must be http or https");
        } catch (UrlSyntax.Refused e) {
            return Optional.of(e.getMessage());
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            return Optional.of("it names no host (or a host name with characters a URL cannot hold)");
        }
        if (uri.getRawUserInfo() != null) {
            return Optional.of("it holds a user name or password before the host, which is not sent; "
                    + "put the token in the path or the query instead");
        }
        return Optional.empty();
    }

    /** The scheme and host, the only part of the URL ever printed: {@code https://hooks.slack.com}. */
    public String shown() {
        return uri.getScheme().toLowerCase(Locale.ROOT) + "://" + uri.getHost().toLowerCase(Locale.ROOT);
    }

    public boolean encrypted() {
        return uri.getScheme().equalsIgnoreCase("https");
    }

    /** Whether the host is this machine by name or address (no name is looked up). */
    public boolean loopback() {
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        return host.equals("localhost") || host.endsWith(".localhost") || IPV4_LOOPBACK.matcher(host).matches()
                || host.equals("[::1]") || host.equals("[0:0:0:0:0:0:0:1]");
    }

    /** A warning for {@code migrate:set}: a plain http URL to another machine sends the token in clear. */
    public Optional<String> warning() {
        if (encrypted() || loopback()) {
            return Optional.empty();
        }
        return Optional.of("notify-url uses http:// to " + shown() + ", which is not this machine: the URL (and "
                + "any token in it) and every notice cross the network unencrypted. Use https:// if the "
                + "endpoint offers it.");
    }

    /** Never the whole URL: a record's string form could end up in a message. */
    @Override
    public String toString() {
        return shown();
    }
}
