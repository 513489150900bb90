package org.bookingrules.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;
import org.bookingrules.links.GuardState;
import org.bookingrules.links.LinkGuardStore;
import org.bookingrules.links.LockoutPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link LinkGuardStore} on H2, PostgreSQL and MariaDB, over plain JDBC: each booking's link
 * generation, recent identity checks and lock are a row of {@code br_link_guard}, so they survive a
 * restart and count across every node that shares the database (R8). Thread-safe.
 *
 * <p>Every {@link #update update} is one short transaction of its own (READ COMMITTED): the booking's
 * row is locked with {@code SELECT ... FOR UPDATE}, the change is applied to what was read, and the
 * result is written back before the commit, so two nodes recording a failure at once both count. A
 * transaction that meets a deadlock or serialization failure is run again a few times, calling the
 * change again; that is why the change must be pure. A booking without a row reads as
 * {@link GuardState#INITIAL}.
 *
 * <p>The table comes from the schema files ({@code V2__link_guard.sql} and
 * {@code V6__link_lockout.sql} on H2 and MariaDB, {@code V3__link_guard.sql} and
 * {@code V7__link_lockout.sql} on PostgreSQL), which {@link JdbcSchema#create(DataSource)} runs. The
 * dialect is detected from the database's metadata at creation, and logged once.
 */
public final class JdbcLinkGuardStore implements LinkGuardStore {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcLinkGuardStore.class);
    private static final int MAX_TRANSACTION_ATTEMPTS = 5;

    private final DataSource dataSource;
    private final JdbcDialect dialect;
    private final Sql sql;

    private JdbcLinkGuardStore(DataSource dataSource) {
        this.dataSource = dataSource;
        try (Connection c = dataSource.getConnection()) {
            this.dialect = JdbcDialect.detect(c);
        } catch (SQLException e) {
            throw fault("detect dialect", e);
        }
        this.sql = dialect.sql();
        LOG.info("link guard store on {}", dialect);
    }

    /**
     * A store that runs its own transactions on connections from a pool.
     *
     * @param dataSource the pool, not null; the schema must exist ({@link JdbcSchema})
     * @return the store
     * @throws BookingStorageException if the database cannot be reached
     * @throws IllegalArgumentException if the database is not supported
     */
    public static JdbcLinkGuardStore create(DataSource dataSource) {
        return new JdbcLinkGuardStore(Objects.requireNonNull(dataSource, "dataSource"));
    }

    /** @return the detected dialect */
    public JdbcDialect dialect() {
        return dialect;
    }

    /**
     * {@inheritDoc}
     *
     * @throws BookingStorageException if the database fails (the message names the operation and
     *     the SQLState)
     */
    @Override
    public GuardState state(String tenantId, String bookingId) {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(bookingId, "bookingId");
        if (!JdbcBookingRepository.storable(tenantId, bookingId)) {
            return GuardState.INITIAL;
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement(sql.findLinkGuard)) {
            s.setString(1, tenantId);
            s.setString(2, bookingId);
            try (ResultSet rows = s.executeQuery()) {
                return rows.next() ? guardState(rows) : GuardState.INITIAL;
            }
        } catch (SQLException e) {
            throw fault("link guard state", e);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>The change runs while the booking's row is locked; it may run more than once when the
     * transaction is retried, and only its last result is stored. If it throws or returns null,
     * nothing is stored.
     *
     * @throws NullPointerException if the change is null or returns null
     * @throws BookingStorageException if the database fails (the message names the operation and
     *     the SQLState)
     */
    @Override
    public GuardState update(String tenantId, String bookingId, UnaryOperator<GuardState> change) {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(bookingId, "bookingId");
        Objects.requireNonNull(change, "change");
        for (int attempt = 1; ; attempt++) {
            Connection c = null;
            boolean committed = false;
            try {
                c = dataSource.getConnection();
                // Created in its own auto-commit statement before the transaction: on MariaDB two
                // transactions that both insert-ignore the same new row and then lock it deadlock.
                c.setAutoCommit(true);
                ensureRow(c, tenantId, bookingId);
                c.setAutoCommit(false);
                c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
                GuardState current = lockRow(c, tenantId, bookingId);
                GuardState next = Objects.requireNonNull(change.apply(current), "change result");
                if (!next.equals(current)) {
                    write(c, tenantId, bookingId, next);
                }
                c.commit();
                committed = true;
                return next;
            } catch (SQLException e) {
                rollback(c);
                c = giveBack(c);
                if (sql.isRetryable(e) && attempt < MAX_TRANSACTION_ATTEMPTS) {
                    LOG.debug("link guard update: {} (SQLState {}), running the transaction again",
                            e.getClass().getSimpleName(), e.getSQLState());
                    LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(1_000_000L, 5_000_000L) * attempt);
                    continue;
                }
                throw fault("link guard update", e);
            } finally {
                if (!committed) {
                    rollback(c);
                }
                giveBack(c);
            }
        }
    }

    private void ensureRow(Connection c, String tenantId, String bookingId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql.ensureLinkGuard())) {
            s.setString(1, tenantId);
            s.setString(2, bookingId);
            s.executeUpdate();
        } catch (SQLException e) {
            if (!sql.isUniqueViolation(e)) {
                throw e;
            }
            // Another node created the row between our check and insert: it exists, which is all we need.
        }
    }

    private GuardState lockRow(Connection c, String tenantId, String bookingId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql.lockLinkGuard)) {
            s.setString(1, tenantId);
            s.setString(2, bookingId);
            try (ResultSet rows = s.executeQuery()) {
                if (!rows.next()) {
                    // Only if someone deleted the row after ensureRow committed it.
                    throw new IllegalStateException("link guard row missing right after it was ensured");
                }
                return guardState(rows);
            }
        }
    }

    private void write(Connection c, String tenantId, String bookingId, GuardState state) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql.updateLinkGuard)) {
            List<Instant> failures = state.failureTimes();
            s.setLong(1, state.generation());
            // Kept in step for a node still on the earlier schema: the count and the oldest wrong answer.
            s.setInt(2, failures.size());
            sql.bindInstant(s, 3, failures.isEmpty() ? null : failures.get(0));
            sql.bindInstant(s, 4, state.lockedUntil());
            s.setString(5, encode(failures));
            s.setString(6, encode(state.grantTimes()));
            s.setInt(7, state.locks());
            s.setBoolean(8, state.needsNewLink());
            s.setString(9, tenantId);
            s.setString(10, bookingId);
            if (s.executeUpdate() != 1) {
                throw new IllegalStateException("link guard row vanished while locked");
            }
        }
    }

    private GuardState guardState(ResultSet rows) throws SQLException {
        List<Instant> failures = decode(rows.getString("failure_times"), "failure_times");
        Instant windowStart = sql.readInstant(rows, "window_start");
        int legacyCount = Math.min(rows.getInt("failures"), LockoutPolicy.MAX_COUNT);
        if (failures.isEmpty() && legacyCount > 0 && windowStart != null) {
            // A row last written before the instants were kept: that many wrong answers at the
            // window's start, so an upgrade does not give anyone a fresh count.
            failures = Collections.nCopies(legacyCount, windowStart);
        }
        return new GuardState(rows.getLong("generation"), failures, decode(rows.getString("grant_times"), "grant_times"),
                rows.getInt("lock_count"), sql.readInstant(rows, "locked_until"), rows.getBoolean("needs_new_link"));
    }

    /** Instants as epoch microseconds separated by commas, in order; empty for none. */
    static String encode(List<Instant> times) {
        StringBuilder text = new StringBuilder(times.size() * 17);
        for (Instant t : times) {
            if (text.length() > 0) {
                text.append(',');
            }
            text.append(Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000));
        }
        return text.toString();
    }

    /** The instants {@link #encode} wrote; a malformed column fails naming it. */
    static List<Instant> decode(String text, String column) {
        if (text == null || text.isEmpty()) {
            return List.of();
        }
        String[] parts = text.split(",", -1);
        List<Instant> times = new ArrayList<>(parts.length);
        try {
            for (String part : parts) {
                long micros = Long.parseLong(part);
                times.add(Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L));
            }
        } catch (NumberFormatException e) {
            throw new BookingStorageException("link guard row: " + column + " is not a list of epoch microseconds", e);
        }
        return times;
    }

    private static void rollback(Connection c) {
        if (c == null) {
            return;
        }
        try {
            if (!c.getAutoCommit()) {
                c.rollback();
            }
        } catch (SQLException e) {
            LOG.debug("rollback failed: SQLState {}", e.getSQLState());
        }
    }

    /** Gives a connection back to the pool, once; returns null so a caller can mark it given back. */
    private static Connection giveBack(Connection c) {
        if (c != null) {
            try {
                if (!c.getAutoCommit()) {
                    // Hand the pool a connection in its usual state; the work was committed or undone.
                    c.setAutoCommit(true);
                }
            } catch (SQLException e) {
                LOG.debug("resetting auto-commit failed: SQLState {}", e.getSQLState());
            }
            // Closed even when the reset failed: a dead connection must still go back to the pool,
            // or every connection failure would take one out of it for good.
            try {
                c.close();
            } catch (SQLException e) {
                LOG.debug("closing a connection failed: SQLState {}", e.getSQLState());
            }
        }
        return null;
    }

    private static BookingStorageException fault(String operation, SQLException e) {
        return JdbcBookingRepository.fault(operation, e);
    }
}
