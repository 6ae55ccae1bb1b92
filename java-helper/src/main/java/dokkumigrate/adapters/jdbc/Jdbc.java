package dokkumigrate.adapters.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The JDBC plumbing both ledger backends share (the shared {@code *Table} classes and each backend's statements):
 * binding parameters, reading rows, generated ids, nullable columns. No SQL of its own.
 */
public final class Jdbc {
    private Jdbc() {
    }

    /** Work on a connection, inside a backend's query or transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T apply(Connection connection) throws SQLException;
    }

    /** A write that returns nothing. */
    @FunctionalInterface
    public interface Change {
        void apply(Connection connection) throws SQLException;
    }

    /** Reads one row into a value. */
    @FunctionalInterface
    public interface RowReader<T> {
        T read(ResultSet row) throws SQLException;
    }

    public static int execute(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            bind(s, params);
            return s.executeUpdate();
        }
    }

    public static void bind(PreparedStatement s, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            s.setObject(i + 1, params[i]);
        }
    }

    /** Runs an INSERT of one row and returns the id it was given (its {@code id} column). */
    public static long insert(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql, new String[] {"id"})) {
            bind(s, params);
            s.executeUpdate();
            return generatedId(s);
        }
    }

    public static long generatedId(Statement s) throws SQLException {
        try (ResultSet keys = s.getGeneratedKeys()) {
            if (!keys.next()) {
                throw new SQLException("the insert returned no id");
            }
            return keys.getLong(1);
        }
    }

    /** Every row the query returns, read by {@code reader}, in order. */
    public static <T> List<T> rows(Connection c, String sql, RowReader<T> reader, Object... params) throws SQLException {
        List<T> values = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(sql)) {
            bind(s, params);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    values.add(reader.read(rs));
                }
            }
        }
        return values;
    }

    /** The first row the query returns, read by {@code reader}; empty when it returns none. */
    public static <T> Optional<T> first(Connection c, String sql, RowReader<T> reader, Object... params)
            throws SQLException {
        List<T> values = rows(c, sql, reader, params);
        return values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** The first column of every row the query returns, as text. */
    public static List<String> strings(Connection c, String sql, Object... params) throws SQLException {
        return rows(c, sql, rs -> rs.getString(1), params);
    }

    /** The first column of the first row as a number, or {@code absent} when there is no row. */
    public static long number(Connection c, String sql, long absent, Object... params) throws SQLException {
        return first(c, sql, rs -> rs.getLong(1), params).orElse(absent);
    }

    public static Optional<Integer> optionalInt(ResultSet rs, int column) throws SQLException {
        int value = rs.getInt(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(value);
    }

    public static Optional<Instant> optionalInstant(ResultSet rs, int column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(value));
    }
}
