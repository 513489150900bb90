package org.bookingrules.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.function.Function;
import javax.sql.DataSource;

/** Plain-JDBC checks the tests make on a database, beside the library's own statements. */
public final class TestQueries {

    private TestQueries() {
    }

    /**
     * Runs a query that returns one number.
     *
     * @param dataSource where, not null
     * @param sql the query, with {@code ?} for the string arguments
     * @param args the arguments
     * @return the number
     * @throws IllegalStateException if the query fails or returns no row
     */
    public static long count(DataSource dataSource, String sql, String... args) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setString(i + 1, args[i]);
            }
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    throw new IllegalStateException("no row from " + sql);
                }
                return r.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("query failed: " + sql + ": SQLState " + e.getSQLState(), e);
        }
    }

    /** Binds the parameters of one statement; the dialect's statements are at hand for its instants. */
    @FunctionalInterface
    interface Binding {
        void bind(PreparedStatement statement, Sql sql) throws SQLException;
    }

    /**
     * Runs one insert or update on a connection of its own, in the dialect of the data source: to
     * write rows as they are stored, bypassing the adapter.
     *
     * @param dataSource where, not null
     * @param statement the statement, chosen from the dialect's statements or fixed
     * @param binding binds its parameters
     * @throws SQLException if it fails
     */
    static void write(DataSource dataSource, Function<Sql, String> statement, Binding binding) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            Sql sql = JdbcDialect.detect(c).sql();
            try (PreparedStatement s = c.prepareStatement(statement.apply(sql))) {
                binding.bind(s, sql);
                s.executeUpdate();
            }
        }
    }
}
