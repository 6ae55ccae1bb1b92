package dokkumigrate.adapters.postgres;

import dokkumigrate.ledger.LedgerUnreachable;
import dokkumigrate.platform.LedgerUrl;

/**
 * The PostgreSQL server of the ledger-url could not be reached, refused the log-in, or was lost:
 * the message names the server and what to check. Never falls back to anything: a fallback to the
 * local SQLite ledger would let two hosts run the same task. A {@link LedgerUnreachable} (so a
 * {@link dokkumigrate.ledger.Ledger.LedgerException}, which whatever handles a ledger failure
 * handles), so that the helper exits with {@link LedgerUnreachable#EXIT_CODE} and the deploy stops.
 */
public final class PostgresUnavailableException extends LedgerUnreachable {
    private final transient LedgerUrl url;

    public PostgresUnavailableException(LedgerUrl url, String message, Throwable cause) {
        super(message, cause);
        this.url = url;
    }

    public LedgerUrl url() {
        return url;
    }
}
