package dokkumigrate.adapters.sqlite;

import static dokkumigrate.adapters.jdbc.Jdbc.execute;

import dokkumigrate.adapters.jdbc.Jdbc;
import dokkumigrate.adapters.jdbc.LedgerRows;
import dokkumigrate.ledger.EventRecords.Event;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/** The {@code events} table: what happened to an app outside a deploy's task runs. */
final class EventRows {
    static final String OF_APP = "SELECT id, app, kind, detail, at FROM events WHERE app = ? ORDER BY id DESC LIMIT ?";

    private EventRows() {
    }

    static void insert(Connection c, String app, String kind, String detail, Instant at) throws SQLException {
        execute(c, "INSERT INTO events (app, kind, detail, at) VALUES (?, ?, ?, ?)", app, kind, detail, at.toEpochMilli());
    }

    static List<Event> ofApp(Connection c, String app, int limit) throws SQLException {
        return Jdbc.rows(c, OF_APP, LedgerRows::event, app, limit);
    }
}
