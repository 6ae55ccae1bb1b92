package dokkumigrate.url;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;

/**
 * The checks every URL-valued setting ({@code notify-url}, {@code ledger-url}) makes first: its
 * length, no space or control character, URL syntax and an allowed scheme. A refusal says what is
 * wrong in words that never quote the value, since a URL may hold a token or a password.
 */
public final class UrlSyntax {
    private UrlSyntax() {
    }

    /** A value refused by {@link #read}; its message says why, without quoting the value. */
    public static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String problem) {
            super(problem);
        }
    }

    /**
     * The URL {@code text} names, when it is at most {@code maxLength} characters, holds no space or
     * control character, parses, and has one of {@code schemes} (lower case; compared ignoring case).
     *
     * @param wrongScheme what the refusal says when the scheme is missing or not allowed
     */
    public static URI read(String text, int maxLength, Set<String> schemes, String wrongScheme) throws Refused {
        if (text.length() > maxLength) {
            throw new Refused("it is longer than " + maxLength + " characters");
        }
        if (text.codePoints().anyMatch(cp -> cp <= 0x20 || cp == 0x7f)) {
            throw new Refused("it holds a space or a control character (percent-encode them)");
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new Refused("it is not a URL (" + e.getReason() + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!schemes.contains(scheme)) {
            throw new Refused(wrongScheme);
        }
        return uri;
    }
}
