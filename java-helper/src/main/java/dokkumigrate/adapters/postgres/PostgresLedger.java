package dokkumigrate.adapters.postgres;

import dokkumigrate.adapters.jdbc.JdbcLedger;
import dokkumigrate.platform.LedgerUrl;

/**
 * The ledger in a PostgreSQL database that several Dokku hosts share ({@link PostgresDatabase}), its
 * records kept by the shared {@link JdbcLedger} and this backend's {@link PostgresStatements}. Every write is one short transaction; a
 * claim locks its deploy's row first, so two hosts claiming the same task get one run. Open it with
 * {@link PostgresBackend#open}, which gives the task locks on the same server with it.
 */
public final class PostgresLedger extends JdbcLedger {
    private final PostgresDatabase db;

    private PostgresLedger(PostgresDatabase db) {
        super(db, PostgresStatements.QUERIES, new PostgresStatements());
        this.db = db;
    }

    /**
     * Connects to the server and creates or migrates the schema.
     *
     * @throws PostgresUnavailableException when the server cannot be reached or refuses the log-in
     * @throws LedgerException when the schema cannot be created or migrated
     */
    public static PostgresLedger open(PostgresConnector connector) {
        return new PostgresLedger(PostgresDatabase.open(connector));
    }

    /** The server and database this ledger is kept in. */
    public LedgerUrl url() {
        return db.url();
    }

    /** The database itself, for {@link HistoryCopy}. */
    PostgresDatabase database() {
        return db;
    }

    /** The schema version the database is at. */
    public int schemaVersion() {
        return db.schemaVersion();
    }

    @Override
    public String integrityCheck() {
        return db.integrityCheck();
    }

    @Override
    public void close() {
        db.close();
    }
}
