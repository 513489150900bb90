package org.bookingrules.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import javax.sql.DataSource;
import org.slf4j.Logger;

/**
 * The short transactions of a background job ({@link OutboxRelay}, {@link Retention}): each on a
 * connection of its own from the pool, at READ COMMITTED, run again a few times on a deadlock or
 * serialization failure (which the databases expect their clients to retry), the connection always
 * given back. Stateless; thread-safe.
 */
final class OwnTransactions {

    /** Attempts of one transaction: the first and up to four more on a deadlock or serialization failure. */
    static final int MAX_ATTEMPTS = 5;

    private OwnTransactions() {
    }

    /** Which statements a connection's database needs. */
    @FunctionalInterface
    interface Dialects {
        Sql of(Connection c) throws SQLException;
    }

    /** A job's work inside its transaction; committed when it returns. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection c, Sql sql) throws SQLException;
    }

    /**
     * Runs the work in a transaction of its own and commits it; on a deadlock or serialization
     * failure undoes it and runs it again on a fresh connection, after a short random pause, up to
     * {@value #MAX_ATTEMPTS} attempts in all.
     *
     * @param fault what any other failure, or the last retryable one, is thrown as
     * @return what the work returned
     */
    static <T> T run(DataSource dataSource, Dialects dialects, Logger log, String job, Work<T> work,
                     Function<SQLException, RuntimeException> fault) {
        for (int attempt = 1; ; attempt++) {
            Connection c = null;
            boolean committed = false;
            Sql sql = null;
            try {
                c = dataSource.getConnection();
                sql = dialects.of(c);
                c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
                c.setAutoCommit(false);
                T result = work.run(c, sql);
                c.commit();
                committed = true;
                return result;
            } catch (SQLException e) {
                if (sql == null || !sql.isRetryable(e) || attempt >= MAX_ATTEMPTS) {
                    throw fault.apply(e);
                }
                log.debug("{}: {} (SQLState {}), running the transaction again", job, e.getClass().getSimpleName(),
                        e.getSQLState());
                release(c, false, log, job);
                c = null;
                LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(1_000_000L, 5_000_000L) * attempt);
            } finally {
                if (c != null) {
                    release(c, committed, log, job);
                }
            }
        }
    }

    /**
     * Undoes what was not committed, hands the pool the connection in its usual state (auto-commit
     * on) and closes it. Each step runs even when the one before failed, so a dead connection still
     * goes back to the pool; failures are logged at debug level with their SQLState only.
     *
     * @param c the connection, not null
     * @param committed whether the job's transaction was committed
     * @param log the job's logger
     * @param job the job's name in the log lines ("outbox", "retention")
     */
    static void release(Connection c, boolean committed, Logger log, String job) {
        try {
            if (!committed && !c.getAutoCommit()) {
                c.rollback();
            }
        } catch (SQLException e) {
            log.debug("{} rollback failed: SQLState {}", job, e.getSQLState());
        }
        try {
            if (!c.getAutoCommit()) {
                // Hand the pool a connection in its usual state; the work was committed or undone.
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            log.debug("{} connection reset failed: SQLState {}", job, e.getSQLState());
        }
        try {
            c.close();
        } catch (SQLException e) {
            log.debug("closing the {} connection failed: SQLState {}", job, e.getSQLState());
        }
    }
}
