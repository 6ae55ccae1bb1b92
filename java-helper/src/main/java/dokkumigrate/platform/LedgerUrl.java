package dokkumigrate.platform;

import dokkumigrate.url.UrlSyntax;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code ledger-url}: where a PostgreSQL ledger shared by several Dokku hosts lives, as
 * {@code postgresql://USER@HOST[:PORT]/DATABASE[?sslmode=MODE]} (libpq's URI form; {@code postgres://}
 * is read the same). It never holds a password: the PostgreSQL driver reads that from the dokku
 * user's {@code ~/.pgpass} or the file {@code PGPASSFILE} names, so it never appears in a setting,
 * a command line or an output. {@link #problem} describes a bad value without quoting it, since a
 * refused value may hold a password.
 */
public record LedgerUrl(String user, String host, int port, String database, Optional<String> sslMode) {
    public static final int DEFAULT_PORT = 5432;
    /** libpq's sslmode values. */
    public static final Set<String> SSL_MODES = Set.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");
    /** Longer values are refused: no database URL needs one, and a pasted document is a mistake. */
    public static final int MAX_LENGTH = 1024;

    /** What {@code migrate:set} accepts, in words. */
    public static final String ALLOWED = "a URL such as postgresql://dokku@db.internal:5432/migrate?sslmode=require "
            + "(user, host, optional port, database, optional sslmode)";

    /** Where the password goes instead of the URL, in words. */
    public static final String PASSWORD_ADVICE = "put the password in the dokku user's ~/.pgpass (mode 0600), or in "
            + "the file that PGPASSFILE names, as a line HOST:PORT:DATABASE:USER:PASSWORD";

    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,62})?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,62})?)*\\.?");
    private static final Pattern IPV6_LITERAL = Pattern.compile("\\[[0-9A-Fa-f:.]+\\]");

    public LedgerUrl {
        if (user.isEmpty() || host.isEmpty() || database.isEmpty() || port < 1 || port > 65535) {
            throw new IllegalArgumentException("a ledger URL needs a user, a host, a port and a database");
        }
    }

    /** The URL a valid value names; empty when {@link #problem} finds something wrong. */
    public static Optional<LedgerUrl> parse(String text) {
        return problem(text).isPresent() ? Optional.empty() : Optional.of(read(text));
    }

    /**
     * What is wrong with a value, in words that never quote it (it may hold a password); empty when
     * it is a valid ledger URL.
     */
    public static Optional<String> problem(String text) {
        URI uri;
        try {
            uri = UrlSyntax.read(text, MAX_LENGTH, Set.of("postgresql", "postgres"),
                    "its scheme must be postgresql:// (only a PostgreSQL database can hold a shared ledger)");
        } catch (UrlSyntax.Refused e) {
            return Optional.of(e.getMessage());
        }
        if (uri.isOpaque()) {
            return Optional.of("it is not a URL of the form postgresql://USER@HOST:PORT/DATABASE");
        }
        // read from the raw authority: java.net.URI gives no user info when the host does not parse
        String authority = uri.getRawAuthority() == null ? "" : uri.getRawAuthority();
        int at = authority.lastIndexOf('@');
        String userInfo = at < 0 ? "" : authority.substring(0, at);
        if (userInfo.contains(":")) {
            return Optional.of("it holds a password, which must never be in a setting: " + PASSWORD_ADVICE);
        }
        if (userInfo.isEmpty()) {
            return Optional.of("it names no user: write it before the host, as postgresql://USER@HOST:PORT/DATABASE");
        }
        if (authority.contains(",")) {
            return Optional.of("it names several hosts; give one (the ledger is one database)");
        }
        if (uri.getHost() == null) {
            return Optional.of("it names no host, or a host name with characters a host name cannot hold, "
                    + "or a port that is not a number");
        }
        if (!HOST_NAME.matcher(uri.getHost()).matches() && !IPV6_LITERAL.matcher(uri.getHost()).matches()) {
            return Optional.of("its host is not a host name or an IP address");
        }
        if (uri.getPort() == 0 || uri.getPort() > 65535) {
            return Optional.of("its port must be between 1 and 65535");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        if (path.length() <= 1) {
            return Optional.of("it names no database: end it with /DATABASE");
        }
        if (path.indexOf('/', 1) >= 0) {
            return Optional.of("its path must be one database name, without further slashes");
        }
        if (uri.getRawFragment() != null) {
            return Optional.of("it has a #fragment, which a database URL cannot use");
        }
        return queryProblem(uri.getRawQuery());
    }

    private static Optional<String> queryProblem(String query) {
        if (query == null) {
            return Optional.empty();
        }
        for (String parameter : query.split("&", -1)) {
            int equals = parameter.indexOf('=');
            String name = decode(equals < 0 ? parameter : parameter.substring(0, equals));
            String value = equals < 0 ? "" : decode(parameter.substring(equals + 1));
            if (name.equals("password")) {
                return Optional.of("it holds a password, which must never be in a setting: " + PASSWORD_ADVICE);
            }
            if (!name.equals("sslmode")) {
                return Optional.of("it has a query parameter other than sslmode; the only one allowed is sslmode="
                        + String.join("|", sorted(SSL_MODES)));
            }
            if (!SSL_MODES.contains(value)) {
                return Optional.of("its sslmode must be one of " + String.join(", ", sorted(SSL_MODES)));
            }
        }
        return Optional.empty();
    }

    /** A value {@link #problem} accepted. */
    private static LedgerUrl read(String text) {
        URI uri = URI.create(text);
        String sslMode = null;
        if (uri.getRawQuery() != null) {
            for (String parameter : uri.getRawQuery().split("&", -1)) {
                sslMode = decode(parameter.substring(parameter.indexOf('=') + 1));
            }
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        return new LedgerUrl(decode(uri.getRawUserInfo()), host.endsWith(".") ? host.substring(0, host.length() - 1) : host,
                uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort(), decode(uri.getRawPath().substring(1)),
                Optional.ofNullable(sslMode));
    }

    /** Where the ledger lives, as messages name it: {@code db.internal:5432/migrate}. */
    public String server() {
        return host + ":" + port + "/" + database;
    }

    /** The line of a password file that serves this URL, with PASSWORD where the password goes. */
    public String pgpassLine() {
        return escapePgpass(host.startsWith("[") ? host.substring(1, host.length() - 1) : host) + ":" + port + ":"
                + escapePgpass(database) + ":" + escapePgpass(user) + ":PASSWORD";
    }

    /** The URL in its one written form: what {@code migrate:set} saves and {@code migrate:report} shows. */
    @Override
    public String toString() {
        return "postgresql://" + encode(user) + "@" + host + ":" + port + "/" + encode(database)
                + sslMode.map(mode -> "?sslmode=" + mode).orElse("");
    }

    private static String escapePgpass(String field) {
        return field.replace("\\", "\\\\").replace(":", "\\:");
    }

    /** Percent-decoding as libpq does it: %XX only, '+' stays a plus; bytes as UTF-8. */
    private static String decode(String raw) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%' && i + 2 < raw.length() && hex(raw.charAt(i + 1)) >= 0 && hex(raw.charAt(i + 2)) >= 0) {
                out.write(hex(raw.charAt(i + 1)) * 16 + hex(raw.charAt(i + 2)));
                i += 2;
            } else {
                int end = Character.isHighSurrogate(c) && i + 1 < raw.length() ? i + 2 : i + 1;
                out.writeBytes(raw.substring(i, end).getBytes(StandardCharsets.UTF_8));
                i = end - 1;
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }

    /** Percent-encodes all but the characters a URL's user or path may hold as they are. */
    private static String encode(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0) {
                out.append(c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    private static java.util.List<String> sorted(Set<String> values) {
        return values.stream().sorted().toList();
    }
}
