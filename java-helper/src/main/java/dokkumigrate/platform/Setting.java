package dokkumigrate.platform;

import dokkumigrate.notify.NotifyOn;
import dokkumigrate.notify.NotifySettings;
import dokkumigrate.notify.WebhookUrl;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/** The plugin's properties, settable per app or globally with {@code migrate:set}. */
public enum Setting {
    ENABLED("enabled", "true", "true or false: false hands the app's tasks back to Dokku's own runner",
            v -> v.equals("true") || v.equals("false")),
    TIMEOUT("timeout", "3600", "seconds a task may run before its container is killed (1 or more)",
            Setting::isPositiveInteger),
    LOCK_GROUP("lock-group", "", "apps sharing a lock group (e.g. one database) never run tasks at once",
            v -> Pattern.matches("[a-z0-9][a-z0-9._-]{0,62}", v)),
    LOCK_BY("lock-by", "DATABASE_URL", "config keys holding the app's database URL (the first one set counts), "
            + "or none: without a lock-group, apps whose URLs name one database share a lock",
            v -> v.equals("none") || Pattern.matches("[A-Za-z_][A-Za-z0-9_]{0,127}(,[A-Za-z_][A-Za-z0-9_]{0,127}){0,15}", v)
                    && !List.of(v.split(",")).contains("none")),
    SCALED_MIGRATIONS("scaled-migrations", "warn", "warn, fail or ignore: what to do when a process that runs "
            + "more than once migrates at boot", v -> List.of("warn", "fail", "ignore").contains(v)),
    // the helper holds this many bytes in memory while a task runs: bounded so that it always can
    OUTPUT_LIMIT("output-limit", "1048576", "bytes of each run's output kept in the ledger, 1 to 67108864 "
            + "(the log file keeps all)", Setting::isOutputLimit),
    KEEP_RUNS("keep-runs", "1000", "task runs kept per app; older runs and their logs are removed",
            Setting::isPositiveInteger),
    // a secret: it often holds a token, so reports and messages show only its scheme and host
    NOTIFY_URL("notify-url", "", "the http(s) URL a JSON notice of each finished task run is POSTed to",
            v -> WebhookUrl.problem(v).isEmpty()),
    NOTIFY_ON("notify-on", "failure", "failure, always or never: which task runs are notified (failure: failed, "
            + "timed_out, interrupted)", v -> NotifyOn.parse(v).isPresent()),
    NOTIFY_LINES("notify-lines", "20", "lines of a task's output sent with its notice, 0 to "
            + NotifySettings.MAX_LINES, NotifySettings::isLines),
    // global only: every app of a host shares one ledger; it holds no password (LedgerUrl refuses one)
    LEDGER_URL("ledger-url", "", "a postgresql://USER@HOST:PORT/DATABASE URL of the ledger and locks shared by "
            + "several Dokku hosts (global only; empty: this host's SQLite ledger)", v -> LedgerUrl.problem(v).isEmpty());

    private final String key;
    private final String defaultValue;
    private final String description;
    private final Predicate<String> validator;

    Setting(String key, String defaultValue, String description, Predicate<String> validator) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.description = description;
        this.validator = validator;
    }

    public String key() {
        return key;
    }

    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    /** The values {@link #accepts} takes, in words, for error messages and help. */
    public String acceptedValues() {
        return switch (this) {
            case ENABLED -> "true or false";
            case TIMEOUT -> "a whole number of seconds from 1 to 2147483647";
            case LOCK_GROUP -> "a name of up to 63 lowercase letters, digits, '.', '_' and '-', "
                    + "starting with a letter or digit";
            case LOCK_BY -> "none, or up to 16 config keys separated by commas (letters, digits and '_')";
            case SCALED_MIGRATIONS -> "warn, fail or ignore";
            case OUTPUT_LIMIT -> "a whole number of bytes from 1 to 67108864";
            case KEEP_RUNS -> "a whole number of runs from 1 to 2147483647";
            case NOTIFY_URL -> WebhookUrl.ALLOWED;
            case NOTIFY_ON -> NotifyOn.ALLOWED;
            case NOTIFY_LINES -> "a whole number of lines from 0 to " + NotifySettings.MAX_LINES;
            case LEDGER_URL -> LedgerUrl.ALLOWED;
        };
    }

    /** Whether the setting has only a global value: {@code migrate:set APP} refuses it, apps have no row of it. */
    public boolean globalOnly() {
        return this == LEDGER_URL;
    }

    /**
     * What is wrong with a value that must not be quoted back (it may hold a token or a password),
     * in words; empty when the value is valid or the setting's values can be quoted.
     */
    public Optional<String> unquotedProblem(String value) {
        return switch (this) {
            case NOTIFY_URL -> WebhookUrl.problem(value);
            case LEDGER_URL -> LedgerUrl.problem(value);
            default -> Optional.empty();
        };
    }

    /** Whether values of this setting are secrets, never printed whole. */
    public boolean secret() {
        return this == NOTIFY_URL;
    }

    /**
     * A stored value as reports and messages show it: as it is, except a secret's, of which only
     * what is safe to show remains (the URL's scheme and host).
     */
    public String shown(String value) {
        if (!secret() || value.isEmpty()) {
            return value;
        }
        return WebhookUrl.parse(value).map(WebhookUrl::shown).orElse("(set, not a valid URL)");
    }

    public boolean accepts(String value) {
        return validator.test(value);
    }

    public static Optional<Setting> byKey(String key) {
        return Arrays.stream(values()).filter(s -> s.key.equals(key)).findFirst();
    }

    public static String validKeys() {
        return String.join(", ", Arrays.stream(values()).map(Setting::key).toList());
    }

    private static boolean isOutputLimit(String value) {
        return isPositiveInteger(value) && Long.parseLong(value) <= 64L * 1024 * 1024;
    }

    private static boolean isPositiveInteger(String value) {
        if (!value.matches("[0-9]{1,10}")) {
            return false;
        }
        long parsed = Long.parseLong(value);
        return parsed >= 1 && parsed <= Integer.MAX_VALUE;
    }
}
