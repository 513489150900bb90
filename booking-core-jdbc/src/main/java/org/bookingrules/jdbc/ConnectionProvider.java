package org.bookingrules.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Where {@link JdbcBookingRepository} gets its connections when it joins the caller's transaction
 * ({@link JdbcBookingRepository#joining(ConnectionProvider)}).
 *
 * <p><b>The contract.</b>
 * <ul>
 *   <li>{@link #acquire()} returns the connection of the caller's transaction in progress: the one
 *       the application's transaction manager bound to the current thread, for example. Every call
 *       made within one transaction must get that same connection, or the repository's writes are
 *       not part of it.</li>
 *   <li>{@link #release(Connection)} is called exactly once after every {@code acquire()} that
 *       returned a connection, when the repository's call is done with it, whether that call
 *       succeeded, was refused or failed; always on the thread that acquired it. It must give the
 *       connection back wherever {@code acquire()} took it from: nothing to do for the
 *       transaction's own connection (the transaction still owns it), but a connection that
 *       {@code acquire()} took from a pool (because no transaction was in progress) must go back to
 *       the pool here, or it leaks. The default does nothing, which suits only a provider that
 *       always hands out a connection its caller closes.</li>
 *   <li>The repository never commits, rolls back, closes or changes the auto-commit mode of the
 *       connection. It runs each write under a savepoint of its own, released on success and rolled
 *       back on a refusal or failure, so a refused write leaves the caller's transaction as it
 *       was; the caller's commit or rollback alone decides whether the booking, its history and its
 *       outbox notifications stay.</li>
 *   <li>A write needs a transaction in progress: on a connection with auto-commit on it is refused
 *       with an {@link IllegalStateException} saying so, before anything is written. A read runs on
 *       the connection as it is, auto-commit on or off.</li>
 *   <li>Creating the repository calls neither method. Unless it was given the dialect
 *       ({@link JdbcBookingRepository#joining(ConnectionProvider, JdbcDialect)}), its first call
 *       reads the database's product name on the connection that call acquired.</li>
 * </ul>
 *
 * <p><b>With Spring</b>, {@code DataSourceUtils} does both halves: it hands out the connection of
 * the transaction of {@code @Transactional} or {@code TransactionTemplate}, and, called outside a
 * transaction, takes one from the pool and closes it again on release.
 * <pre>{@code
 * ConnectionProvider provider = new ConnectionProvider() {
 *     public Connection acquire() {
 *         return DataSourceUtils.getConnection(dataSource);
 *     }
 *
 *     public void release(Connection connection) {
 *         DataSourceUtils.releaseConnection(connection, dataSource);
 *     }
 * };
 * }</pre>
 * A provider that only acquires ({@code () -> DataSourceUtils.getConnection(dataSource)}) leaks a
 * pooled connection with every call made outside a transaction.
 *
 * <p><b>Thread-safety.</b> Implementations must be thread-safe: one repository is shared by every
 * thread, and each of its calls acquires and releases on the calling thread, concurrently with
 * other threads' calls.
 */
public interface ConnectionProvider {

    /**
     * The connection of the caller's current transaction (auto-commit off for a write). Called once
     * at the start of every repository call.
     *
     * @return the connection, never null
     * @throws SQLException if none can be had; the repository's call then fails with a
     *     {@link BookingStorageException} and does not call {@link #release(Connection)}
     */
    Connection acquire() throws SQLException;

    /**
     * Gives back the connection of one repository call: called exactly once after every
     * {@link #acquire()} that returned a connection, also when the call failed. It must not commit,
     * roll back or close the connection of a transaction still in progress, and must return a
     * connection that {@code acquire()} took from a pool to that pool. The default does nothing,
     * since the caller owns the connection.
     *
     * @param connection the connection from {@link #acquire()}
     * @throws SQLException if releasing fails; the repository logs it (at debug level) and goes on
     */
    default void release(Connection connection) throws SQLException {
    }
}
