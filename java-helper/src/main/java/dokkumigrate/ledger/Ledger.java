package dokkumigrate.ledger;

/**
 * The record of every deploy and task run, opened once per process. All SQL lives behind it; the
 * domain speaks only of deploys, plans and runs. Use cases depend on the narrowest of the record
 * interfaces it groups that serves them. Every method is atomic on its own and throws
 * {@link LedgerException} when the ledger cannot be read or written.
 */
public interface Ledger extends DeployRecords, RunRecords, EventRecords, AppHistory, LockHolderRecords,
        NotificationRecords, AppliedMigrationRecords, TakenCopyRecords, AutoCloseable {

    /** The store's own consistency check: "ok", or the problems found. */
    String integrityCheck();

    @Override
    void close();

    /** A failure to read or write the ledger, with what to do about it. */
    class LedgerException extends RuntimeException {
        public LedgerException(String message, Throwable cause) {
            super(message, cause);
        }

        public LedgerException(String message) {
            super(message);
        }
    }
}
