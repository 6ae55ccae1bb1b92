package dokkumigrate.ledger;

/**
 * The shared ledger (the ledger-url's PostgreSQL server) could not be reached, refused the log-in,
 * was lost, or failed while post-extract took a deploy's tasks over: the message names the server
 * and what to check. Nothing falls back to the local
 * SQLite ledger, since a fallback would let two hosts run the same task. The helper exits with
 * {@link #EXIT_CODE}, which the post-extract trigger file tells apart from a helper that could not
 * run at all (then Dokku's own runner would take the tasks): the deploy stops.
 */
public class LedgerUnreachable extends Ledger.LedgerException {
    /** sysexits' EX_UNAVAILABLE; {@code MIGRATE_EXIT_LEDGER_UNREACHABLE} in internal-functions. */
    public static final int EXIT_CODE = 69;

    public LedgerUnreachable(String message, Throwable cause) {
        super(message, cause);
    }
}
