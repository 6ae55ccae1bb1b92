package dokkumigrate.deploy;

import dokkumigrate.ledger.Ledger;
import dokkumigrate.output.Console;
import dokkumigrate.platform.LedgerUrl;
import dokkumigrate.platform.Setting;
import dokkumigrate.platform.SettingsStore;
import java.util.Optional;

/**
 * {@code migrate:set --global ledger-url URL}: points this host at a PostgreSQL ledger shared with
 * other hosts. The URL is saved last, once the server answered, the schema is in place and this
 * host's SQLite history is copied into it; any failure saves nothing, so the host keeps the ledger
 * it had. An empty value goes back to this host's SQLite ledger (the shared one keeps what it has).
 */
public final class SharedLedgerSwitch {
    private final SettingsStore store;
    private final Preparation preparation;
    private final Console console;

    /** Readies a shared ledger for this host. */
    @FunctionalInterface
    public interface Preparation {
        /**
         * Connects, creates or migrates the schema and copies this host's history into it (safely
         * again: what an earlier copy wrote is not copied twice); says what it copied.
         *
         * @throws Ledger.LedgerException when the server cannot be reached, refuses the log-in, or
         *                                the schema or the copy cannot be written
         */
        String prepare(LedgerUrl url);
    }

    public SharedLedgerSwitch(SettingsStore store, Preparation preparation, Console console) {
        this.store = store;
        this.preparation = preparation;
        this.console = console;
    }

    /**
     * @param value a value {@link SettingsUpdate#validate} accepted for ledger-url: a URL, or empty
     * @throws Refused when the shared ledger cannot be readied; nothing was saved then
     */
    public void apply(String value) {
        Optional<String> before = store.stored(Optional.empty(), Setting.LEDGER_URL).filter(v -> !v.isEmpty());
        if (value.isEmpty()) {
            store.store(Optional.empty(), Setting.LEDGER_URL, "");
            console.heading("Unsetting ledger-url");
            console.detail("This host records its deploys in its own SQLite ledger again"
                    + before.map(url -> "; " + url + " keeps what it recorded").orElse(""));
            return;
        }
        LedgerUrl url = LedgerUrl.parse(value).orElseThrow(() -> new Refused("Invalid value for ledger-url"));
        console.step("Connecting to PostgreSQL at " + url.host() + ":" + url.port() + ", database " + url.database()
                + ", as " + url.user());
        String copied;
        try {
            copied = preparation.prepare(url);
        } catch (Ledger.LedgerException e) {
            throw new Refused(e.getMessage() + " Nothing was saved: this host still uses "
                    + before.orElse("its own SQLite ledger") + ".");
        }
        console.detail("Schema in place; this host's history: " + copied);
        store.store(Optional.empty(), Setting.LEDGER_URL, url.toString());
        console.heading("Setting ledger-url to " + url);
        console.detail("Set the same ledger-url on every host that deploys the same apps; the password comes "
                + "from the dokku user's ~/.pgpass (line " + url.pgpassLine() + ")");
    }
}
