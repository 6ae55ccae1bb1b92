package dokkumigrate.adapters.postgres;

import dokkumigrate.platform.LedgerUrl;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * Run in a child JVM by {@link PostgresConnectorTest}, so that a test can set its environment
 * ({@code PGPASSFILE}) and home directory: {@code URL} connects and prints
 * "connected USER DATABASE", or "refused MESSAGE".
 */
public final class PostgresConnectProbe {
    private PostgresConnectProbe() {
    }

    public static void main(String[] args) throws Exception {
        PostgresConnector connector = new PostgresConnector(LedgerUrl.parse(args[0]).orElseThrow());
        try (Connection connection = connector.open(); Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("SELECT current_user, current_database()")) {
            row.next();
            System.out.println("connected " + row.getString(1) + " " + row.getString(2));
        } catch (PostgresUnavailableException e) {
            System.out.println("refused " + e.getMessage());
        }
    }
}
