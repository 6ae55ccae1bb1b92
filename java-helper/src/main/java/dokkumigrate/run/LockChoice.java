package dokkumigrate.run;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which lock an app's tasks run under, and why: its lock group's when it has one; else the lock
 * of the database its config names (the first set of the {@code lock-by} keys, {@code DATABASE_URL}
 * by default), so that apps sharing a database never migrate at once; else its own. A database
 * lock's key is a hash of the database's host, port and name: credentials play no part, and the
 * address itself is never part of the key, the reason or the notice.
 *
 * @param key    the lock's key ({@code group.NAME}, {@code db.HASH} or {@code app.APP})
 * @param basis  why this lock
 * @param reason the reason in words, for {@code migrate:report}
 * @param notice what the operator should know (a URL that could not be read), if anything
 */
public record LockChoice(String key, Basis basis, String reason, Optional<String> notice) {

    /** What a lock is shared by. */
    public enum Basis {
        GROUP, DATABASE, APP;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The {@code lock-by} value that turns the database lock off. */
    public static final String NONE = "none";

    private static final Pattern URL = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*)://(.*)", Pattern.DOTALL);
    private static final Pattern HOST_PORT = Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9._-]+)(?::([0-9]{1,5}))?");
    private static final Map<String, Integer> DEFAULT_PORTS = Map.ofEntries(
            Map.entry("postgres", 5432), Map.entry("postgresql", 5432), Map.entry("postgis", 5432),
            Map.entry("mysql", 3306), Map.entry("mysql2", 3306), Map.entry("mariadb", 3306),
            Map.entry("mongodb", 27017), Map.entry("redis", 6379), Map.entry("rediss", 6379),
            Map.entry("sqlserver", 1433), Map.entry("mssql", 1433), Map.entry("clickhouse", 9000));

    /**
     * @param lockGroup the app's {@code lock-group}, empty when none
     * @param lockBy    the config keys of {@code lock-by}, in order, or just {@link #NONE}
     * @param config    the app's config (read only for the {@code lock-by} keys)
     */
    public static LockChoice of(String app, String lockGroup, List<String> lockBy, Map<String, String> config) {
        if (!lockGroup.isEmpty()) {
            return new LockChoice("group." + lockGroup, Basis.GROUP, "lock-group " + lockGroup, Optional.empty());
        }
        if (lockBy.isEmpty() || lockBy.equals(List.of(NONE))) {
            return own(app, "no lock-group, and lock-by is none", Optional.empty());
        }
        for (String key : lockBy) {
            String value = config.get(key);
            if (value == null || value.isBlank()) {
                continue;
            }
            Optional<String> database = databaseAddress(value);
            if (database.isEmpty()) {
                return own(app, key + " is not a database URL the plugin can read", Optional.of("The " + key
                        + " of " + app + " is not a URL of the form scheme://[user[:password]@]host[:port]/name, so "
                        + app + " runs its tasks under its own lock, not its database's. Set a lock-group (dokku "
                        + "migrate:set " + app + " lock-group NAME) to share a lock with the apps of its database, or "
                        + "lock-by none to keep its own lock without this notice."));
            }
            String hash = sha256(database.get()).substring(0, 16);
            return new LockChoice("db." + hash, Basis.DATABASE, "database in " + key + " (db." + hash + ")",
                    Optional.empty());
        }
        return own(app, "no lock-group, and no database in " + String.join(", ", lockBy), Optional.empty());
    }

    private static LockChoice own(String app, String why, Optional<String> notice) {
        return new LockChoice("app." + app, Basis.APP, why, notice);
    }

    /**
     * {@code host:port/name} of a database URL (host lowercased, the scheme's usual port when none
     * is given), without its scheme, credentials or parameters; empty when it is not such a URL.
     */
    static Optional<String> databaseAddress(String value) {
        Matcher url = URL.matcher(value.strip());
        if (!url.matches()) {
            return Optional.empty();
        }
        String scheme = url.group(1).toLowerCase(Locale.ROOT);
        String rest = url.group(2);
        // credentials end at the last '@' (a password may hold an unescaped '@', '/' or '?')
        int at = rest.lastIndexOf('@');
        String afterCredentials = at < 0 ? rest : rest.substring(at + 1);
        int pathStart = indexOfAny(afterCredentials, "/?#");
        String hostPort = pathStart < 0 ? afterCredentials : afterCredentials.substring(0, pathStart);
        Matcher hp = HOST_PORT.matcher(hostPort);
        if (!hp.matches()) {
            return Optional.empty();
        }
        String name = "";
        if (pathStart >= 0 && afterCredentials.charAt(pathStart) == '/') {
            String path = afterCredentials.substring(pathStart + 1);
            int end = indexOfAny(path, "?#");
            name = end < 0 ? path : path.substring(0, end);
        }
        String port = hp.group(2) != null ? Integer.toString(Integer.parseInt(hp.group(2)))
                : DEFAULT_PORTS.containsKey(scheme) ? DEFAULT_PORTS.get(scheme).toString() : "";
        return Optional.of(hp.group(1).toLowerCase(Locale.ROOT) + ":" + port + "/" + name);
    }

    private static int indexOfAny(String text, String chars) {
        for (int i = 0; i < text.length(); i++) {
            if (chars.indexOf(text.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
