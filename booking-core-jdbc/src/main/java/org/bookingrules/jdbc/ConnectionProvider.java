package org.bookingrules.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Where {@link JdbcBookingRepository} gets its connections when it must join the caller's
 * transaction: the provider hands out the connection of the transaction in progress (for example
 * the one bound to the current thread by the application's transaction manager), and the
 * repository neither commits, rolls back nor closes it; it works inside a savepoint, so a refused
 * write leaves the caller's transaction as it was. Implementations must be thread-safe.
 */
public interface ConnectionProvider {

    /**
     * The connection of the caller's current transaction (auto-commit off).
     *
     * @return the connection, never null
     * @throws SQLException if none can be had
     */
    Connection acquire() throws SQLException;

    /**
     * Gives the connection back after one repository call. The default does nothing, since the
     * caller owns it.
     *
     * @param connection the connection from {@link #acquire()}
     * @throws SQLException if releasing fails
     */
    default void release(Connection connection) throws SQLException {
    }
}
