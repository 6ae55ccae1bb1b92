package dokkumigrate.adapters.sqlite;

import dokkumigrate.adapters.jdbc.JdbcLedger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The ledger in one SQLite file ({@link SqliteDatabase}), its records kept by the shared
 * {@link JdbcLedger} and this backend's {@link SqliteStatements}. Every write is one short {@code BEGIN IMMEDIATE} transaction, so concurrent helper
 * processes serialise on SQLite's own lock.
 */
public final class SqliteLedger extends JdbcLedger {
    public static final Duration DEFAULT_BUSY_TIMEOUT = Duration.ofSeconds(10);

    private final SqliteDatabase db;

    private SqliteLedger(SqliteDatabase db) {
        super(db, SqliteStatements.QUERIES, new SqliteStatements());
        this.db = db;
    }

    /**
     * Opens the ledger, creating it (mode 0640) when the file does not exist and applying any
     * pending schema migrations. An existing file that is not a SQLite database is refused,
     * never overwritten.
     */
    public static SqliteLedger open(Path path, Duration busyTimeout) {
        return new SqliteLedger(SqliteDatabase.open(path, busyTimeout));
    }

    public Path path() {
        return db.path();
    }

    /** The schema version the file is at. */
    public int schemaVersion() {
        return db.schemaVersion();
    }

    @Override
    public String integrityCheck() {
        return db.integrityCheck();
    }

    /** SQLite's plan for one of the ledger's statements: for the tests that check they use indexes. */
    List<String> explainQueryPlan(String sql, Object... params) {
        return db.explainQueryPlan(sql, params);
    }

    @Override
    public void close() {
        db.close();
    }
}
