package dokkumigrate.adapters.sqlite;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/** SQLite ledgers as an older helper left them: the schema's first migrations only, for upgrade and copy tests. */
public final class OldLedgers {
    private OldLedgers() {
    }

    /** The schema version this helper's ledgers are at. */
    public static int latestVersion() {
        return Schema.MIGRATIONS.size();
    }

    /** Creates a ledger file at schema {@code version}, then runs {@code statements} in it. */
    public static void create(Path file, int version, String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            for (String migration : Schema.MIGRATIONS.subList(0, version)) {
                for (String statement : migration.split(";\\s*\\n")) {
                    if (!statement.isBlank()) {
                        s.executeUpdate(statement);
                    }
                }
            }
            s.executeUpdate("PRAGMA user_version = " + version);
            for (String statement : statements) {
                s.executeUpdate(statement);
            }
        }
    }
}
