package dokkumigrate.adapters.sqlite;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/**
 * Run in a child JVM by {@link SqliteLedgerTest}: opens the SQLite file given as its argument,
 * begins an exclusive transaction, prints "locked" and holds it until it is killed.
 */
public final class ExclusiveTransactionHolder {
    private ExclusiveTransactionHolder() {
    }

    public static void main(String[] args) throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + args[0]);
             Statement statement = connection.createStatement()) {
            statement.execute("BEGIN EXCLUSIVE");
            System.out.println("locked");
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
