package org.bookingrules.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import org.slf4j.Logger;

/**
 * Gives back a connection that a background job ({@link OutboxRelay}, {@link Retention}) took from
 * its pool for a short transaction of its own. Stateless; thread-safe.
 */
final class OwnTransactions {

    private OwnTransactions() {
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
