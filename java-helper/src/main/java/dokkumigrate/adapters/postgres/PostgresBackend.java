package dokkumigrate.adapters.postgres;

import dokkumigrate.platform.LedgerUrl;

/**
 * The ledger and the task locks of a host whose {@code ledger-url} is set, both on the one PostgreSQL
 * server: what the composition root ({@code cli/Services}) opens instead of the SQLite ledger and the
 * file locks. Only this factory names the PostgreSQL classes, so a host on SQLite loads none of them.
 *
 * @param ledger the ledger, its schema created or migrated on opening; close it when done
 * @param locks  the task locks (advisory locks, one session per held lock), which name their holder
 *               to a waiting host as {@code "HOST pid PID"}
 */
public record PostgresBackend(PostgresLedger ledger, PostgresTaskLocks locks) {

    /**
     * Connects to the server {@code url} names (the password from the dokku user's password file),
     * creates or migrates the ledger's schema, and makes the task locks on the same server.
     *
     * @param host this host's name, as the locks name their holder
     * @throws PostgresUnavailableException when the server cannot be reached or refuses the log-in:
     *     the message names the server and what to check
     * @throws dokkumigrate.ledger.Ledger.LedgerException when the schema cannot be created or migrated
     */
    public static PostgresBackend open(LedgerUrl url, String host) {
        PostgresConnector connector = new PostgresConnector(url);
        PostgresLedger ledger = PostgresLedger.open(connector);
        return new PostgresBackend(ledger, new PostgresTaskLocks(connector, host + " pid " + ProcessHandle.current().pid()));
    }
}
