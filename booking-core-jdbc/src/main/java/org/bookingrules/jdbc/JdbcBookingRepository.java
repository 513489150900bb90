package org.bookingrules.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import javax.sql.DataSource;
import org.bookingrules.model.Actor;
import org.bookingrules.model.Booking;
import org.bookingrules.model.BookingEvent;
import org.bookingrules.model.BookingStatus;
import org.bookingrules.model.CustomerDetails;
import org.bookingrules.model.PaymentStatus;
import org.bookingrules.model.ReminderState;
import org.bookingrules.model.Resource;
import org.bookingrules.model.Service;
import org.bookingrules.spi.BookingChange;
import org.bookingrules.spi.BookingRepository;
import org.bookingrules.spi.CustomerErasure;
import org.bookingrules.spi.IdempotencyKey;
import org.bookingrules.spi.Notification;
import org.bookingrules.spi.OutboxBookingRepository;
import org.bookingrules.spi.RecipientRole;
import org.bookingrules.spi.SaveResult;
import org.bookingrules.spi.SlotClaim;
import org.bookingrules.waitlist.EntryChange;
import org.bookingrules.waitlist.EntryStatus;
import org.bookingrules.waitlist.HoldStatus;
import org.bookingrules.waitlist.OfferStatus;
import org.bookingrules.waitlist.SlotHold;
import org.bookingrules.waitlist.SlotOffer;
import org.bookingrules.waitlist.WaitlistChange;
import org.bookingrules.waitlist.WaitlistEntry;
import org.bookingrules.waitlist.WaitlistEvent;
import org.bookingrules.waitlist.WaitlistNotice;
import org.bookingrules.waitlist.WaitlistStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.threeten.extra.Interval;

/**
 * The {@link BookingRepository} on H2, PostgreSQL and MariaDB, over plain JDBC. Thread-safe.
 *
 * <p>Every write is one transaction: the booking row, its history events and its notifications
 * (the transactional outbox, delivered by {@link OutboxRelay}) commit together or not at all. The
 * notifications of one change are written as one versioned JSON document (see
 * {@code docs/OUTBOX.md}), encoded once and stored in each of the change's outbox rows.
 * A write that claims its slot first locks the resource's row in {@code br_resource_lock}
 * ({@code SELECT ... FOR UPDATE}), then checks for an overlapping active booking, then writes, so
 * two writers can never both take one slot; on PostgreSQL an exclusion constraint stands behind it
 * (see {@link JdbcSchema}). Updates are checked against the version the command decided on.
 *
 * <p>Two ways to get connections:
 * <ul>
 *   <li>{@link #create(DataSource)}: the repository runs its own short transactions (READ COMMITTED)
 *       and retries one a few times on a deadlock or serialization failure. It reads the isolation
 *       level of the pool's connections once, at creation, and sets READ COMMITTED on each transaction
 *       only when that level is another (MariaDB's default, REPEATABLE READ, for example): setting it
 *       costs a round trip per transaction on PostgreSQL's driver. So the pool must hand connections out
 *       at one level, resetting one that a borrower changed, as pools do;</li>
 *   <li>{@link #joining(ConnectionProvider)}: it works inside the caller's transaction, under a
 *       savepoint, and never commits, rolls back or closes the caller's connection (see
 *       {@link ConnectionProvider} for what the provider must do). A write needs a transaction in
 *       progress: on a connection with auto-commit on it is refused with an
 *       {@link IllegalStateException} before anything is written, since the savepoint, the lock on
 *       the resource and the all-or-nothing of the booking, its history and its outbox rows all need
 *       one. A read runs on the connection as it is, auto-commit on or off: it writes nothing, and
 *       inside a transaction it sees that transaction's own writes.</li>
 * </ul>
 * With {@link #create(DataSource)} the dialect is detected from the database's metadata at
 * creation. In joined mode the repository holds no connection until its first call:
 * {@link #joining(ConnectionProvider, JdbcDialect)} is told the dialect, and
 * {@link #joining(ConnectionProvider)} detects it on the connection its first call acquires. The
 * dialect is logged once (once per racing call when several first calls race).
 *
 * <p>A write costs the round trips of its statements and no more: the lock row of a resource is
 * created (in its own statement) only the first time this repository meets the resource, and a taken
 * id or confirmation code is found by the table's unique constraints rather than looked up first;
 * the violation rolls the transaction back and is then told apart by a lookup. On PostgreSQL a
 * change's events and its outbox rows go in one statement (an INSERT inside the outbox INSERT's
 * WITH), on H2 and MariaDB in two; on PostgreSQL and H2 the outbox rows of a change take its
 * document as one bound value, which the database reads once.
 *
 * <p><b>The cancellation list.</b> Over its own tables the repository keeps the list too
 * ({@link WaitlistStore}: {@code br_waitlist_entry}, {@code br_waitlist_event}, {@code br_slot_hold},
 * {@code br_slot_offer}). A slot-claiming write of a booking is refused as {@link SaveResult#SLOT_TAKEN}
 * when an open hold of the resource overlaps the slot at the booking's {@code updatedAt}, checked under
 * the resource's lock after the overlapping bookings. A {@link WaitlistChange} is one transaction on
 * the same write path, under the lock of its hold's resource; its notices become outbox rows that
 * {@link OutboxRelay} delivers. Over an {@link AppointmentTable} it keeps no list
 * ({@link #keepsWaitlist()} is false and the list's methods throw {@link UnsupportedOperationException}).
 */
public final class JdbcBookingRepository implements OutboxBookingRepository, WaitlistStore {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcBookingRepository.class);
    private static final int MAX_TRANSACTION_ATTEMPTS = 5;
    /** Most lock rows remembered; past it the memory starts over (a miss costs one statement). */
    private static final int MAX_KNOWN_LOCK_ROWS = 100_000;
    /**
     * Most bookings remembered as read, waiting for their update; past it the memory starts over (a
     * miss costs the full update). A read is taken by the update that follows it within milliseconds.
     */
    private static final int MAX_LAST_READ = 4_096;

    private final DataSource dataSource;
    private final ConnectionProvider joined;
    /**
     * The statements of the dialect: set before {@link #dialect}, so a thread that reads the dialect
     * as known also sees them. Null only in joined mode before the first call has detected it.
     */
    private volatile Sql sql;
    /**
     * Known from creation, except in joined mode without a given dialect: then detected on the first
     * call's connection. Two first calls racing both detect it, harmlessly, with the same result.
     */
    private volatile JdbcDialect dialect;
    /** Whether the pool's connections come at another level than READ COMMITTED (own transactions only). */
    private final boolean setIsolation;
    /**
     * Resources whose lock row this repository has seen exist. The library never deletes a lock row; if
     * one goes missing all the same (deleted by hand), the lock finds no row and the write creates it
     * again and starts over.
     */
    private final Set<LockKey> knownLockRows = ConcurrentHashMap.newKeySet();
    /** The bookings' rows over an existing appointment table, or null for the library's own tables. */
    private final AppointmentRows appointments;
    /**
     * Each booking as {@link #find} last read it, by tenant and id, until an update takes it: an update
     * decided on that very version that keeps what {@link #sameTerms} compares writes the state columns
     * alone ({@link Sql#updateBookingState}). The update's version check makes that safe: the row it
     * changes is still at the version read, and every write of the library raises the version. Own
     * transactions only: there a read sees committed rows, so one version number is one state; in joined
     * mode a read may see the caller's uncommitted write, which a rollback takes back. A booking not here
     * (another node read it, joined mode, or the memory started over) is written in full, as always.
     */
    private final Map<BookingKey, Booking> lastRead = new ConcurrentHashMap<>();

    /** A booking's key in {@link #lastRead}. */
    private record BookingKey(String tenantId, String bookingId) {
    }

    private record LockKey(String tenantId, String resourceId) {
        static LockKey of(Booking booking) {
            return new LockKey(booking.tenantId(), booking.resource().id());
        }
    }

    /** Tells a refused write's uniqueness violation apart, after the rollback. */
    @FunctionalInterface
    private interface DuplicateKeys {
        SaveResult classify(SQLException violation);
    }

    /** Own transactions: detects the dialect and the pool's isolation level on one connection, then closes it. */
    private JdbcBookingRepository(DataSource dataSource, AppointmentTable table) {
        this.dataSource = dataSource;
        this.joined = null;
        this.appointments = table == null ? null : new AppointmentRows(table, this);
        JdbcDialect detected;
        try (Connection connection = dataSource.getConnection()) {
            detected = JdbcDialect.detect(connection);
            this.setIsolation = connection.getTransactionIsolation() != Connection.TRANSACTION_READ_COMMITTED;
        } catch (SQLException e) {
            throw fault("detect dialect", e);
        }
        known(detected);
        LOG.info("booking repository on {} (own transactions{}{})", detected,
                setIsolation ? ", READ COMMITTED set per transaction" : "", table == null ? "" : ", " + table);
    }

    /** Joined transactions: takes no connection; the dialect is given, or null to detect on the first call. */
    private JdbcBookingRepository(ConnectionProvider joined, JdbcDialect dialect, AppointmentTable table) {
        this.dataSource = null;
        this.joined = joined;
        this.setIsolation = false;
        this.appointments = table == null ? null : new AppointmentRows(table, this);
        if (dialect != null) {
            known(dialect);
            LOG.info("booking repository on {} (joined transactions)", dialect);
        }
    }

    /** Records the dialect: its statements first, then the dialect itself (see {@link #sql}). */
    private void known(JdbcDialect detected) {
        this.sql = detected.sql();
        this.dialect = detected;
    }

    /**
     * A repository that runs its own transactions on connections from a pool.
     *
     * @param dataSource the pool, not null; the schema must exist ({@link JdbcSchema})
     * @return the repository
     * @throws BookingStorageException if the database cannot be reached
     * @throws IllegalArgumentException if the database is not supported
     */
    public static JdbcBookingRepository create(DataSource dataSource) {
        return new JdbcBookingRepository(Objects.requireNonNull(dataSource, "dataSource"), null);
    }

    /**
     * A repository whose bookings are the appointments of an existing table (an EHR's), running its
     * own transactions on connections from a pool, as {@link #create(DataSource)}. The appointment
     * rows are read and written with the table's statements; everything else lives in the
     * library's {@code br_} tables, which must exist in the same database ({@link JdbcSchema}), so
     * that the EHR's row and the library's rows change in one transaction. See
     * {@link AppointmentTable} for what is kept where and how the EHR's own changes are met.
     *
     * <p>Such a repository serves the bookings over the table only: a booking of the library's own
     * tables in the same database is not found through it.
     *
     * @param dataSource the pool of the database holding both, not null
     * @param table the appointment table, not null
     * @return the repository
     * @throws BookingStorageException if the database cannot be reached
     * @throws IllegalArgumentException if the database is not supported
     */
    public static JdbcBookingRepository create(DataSource dataSource, AppointmentTable table) {
        return new JdbcBookingRepository(Objects.requireNonNull(dataSource, "dataSource"),
                Objects.requireNonNull(table, "table"));
    }

    /**
     * A repository that works inside the caller's transactions, and detects the database on the
     * connection of its first call. It calls nothing of the provider here: creating it holds no
     * connection, so it may be created at start-up, outside any transaction, with a provider
     * whose {@link ConnectionProvider#acquire() acquire} takes a connection from a pool. The
     * first call (of any method, {@link #dialect()} included) reads the database's metadata on
     * the connection it acquires anyway, and releases it as every call does; a call that finds
     * the database unsupported throws {@link IllegalArgumentException}.
     *
     * <p>Every write needs a transaction in progress on the provider's connection (auto-commit
     * off); see {@link ConnectionProvider} for the whole contract.
     *
     * @param provider hands out the connection of the current transaction, not null
     * @return the repository
     * @see #joining(ConnectionProvider, JdbcDialect)
     */
    public static JdbcBookingRepository joining(ConnectionProvider provider) {
        return new JdbcBookingRepository(Objects.requireNonNull(provider, "provider"), null, null);
    }

    /**
     * A repository that works inside the caller's transactions, on a database of the given
     * dialect. Neither here nor later does it read the database's metadata: creating it calls
     * nothing of the provider. The dialect must be the database's: with another one, statements
     * fail as {@link BookingStorageException}s.
     *
     * <p>Every write needs a transaction in progress on the provider's connection (auto-commit
     * off); see {@link ConnectionProvider} for the whole contract.
     *
     * @param provider hands out the connection of the current transaction, not null
     * @param dialect the database's dialect, not null
     * @return the repository
     */
    public static JdbcBookingRepository joining(ConnectionProvider provider, JdbcDialect dialect) {
        return new JdbcBookingRepository(Objects.requireNonNull(provider, "provider"),
                Objects.requireNonNull(dialect, "dialect"), null);
    }

    /**
     * A repository over an existing appointment table, as {@link #create(DataSource, AppointmentTable)},
     * working inside the caller's transactions, as {@link #joining(ConnectionProvider, JdbcDialect)}.
     *
     * @param provider hands out the connection of the current transaction, not null
     * @param dialect the database's dialect, not null
     * @param table the appointment table, not null
     * @return the repository
     */
    public static JdbcBookingRepository joining(ConnectionProvider provider, JdbcDialect dialect,
                                                AppointmentTable table) {
        return new JdbcBookingRepository(Objects.requireNonNull(provider, "provider"),
                Objects.requireNonNull(dialect, "dialect"), Objects.requireNonNull(table, "table"));
    }

    /**
     * The database's dialect. In joined mode without a given dialect, a repository that has not
     * been called yet detects it now, on a connection from its {@link ConnectionProvider} (acquired
     * and released like any call's).
     *
     * @return the dialect
     * @throws BookingStorageException if it must be detected and the database cannot be reached
     * @throws IllegalArgumentException if it must be detected and the database is not supported
     */
    public JdbcDialect dialect() {
        JdbcDialect known = dialect;
        if (known != null) {
            return known;
        }
        return read("detect dialect", c -> dialect);
    }

    // ----------------------------------------------------------------------------------- reads

    @Override
    public Optional<Booking> find(String tenantId, String bookingId) {
        if (!storable(tenantId, bookingId)) {
            return Optional.empty();
        }
        if (appointments != null) {
            return read("find", c -> appointments.find(c, tenantId, bookingId));
        }
        Optional<Booking> found = read("find", c -> first(query(c, sql.findBooking, tenantId, bookingId,
                this::booking)));
        found.filter(b -> joined == null).ifPresent(b -> {
            if (lastRead.size() >= MAX_LAST_READ) {
                lastRead.clear();
            }
            lastRead.put(new BookingKey(b.tenantId(), b.id()), b);
        });
        return found;
    }

    /**
     * The booking of one appointment of the {@link AppointmentTable} this repository is over, by the
     * appointment's key as the EHR knows it: for an EHR screen that shows an appointment's
     * confirmation code or hands out its manage link. An appointment the EHR made itself is a
     * booking whose id is its key; one the library made has an id of its own, found here.
     *
     * @param appointmentKey the key, as text; not null
     * @return the booking, or empty if the table has no such appointment
     * @throws IllegalStateException if this repository is not over an appointment table
     * @throws BookingStorageException if the database cannot be reached
     */
    public Optional<Booking> findByAppointmentKey(String appointmentKey) {
        Objects.requireNonNull(appointmentKey, "appointmentKey");
        if (appointments == null) {
            throw new IllegalStateException("findByAppointmentKey: this repository keeps bookings in its own tables, "
                    + "not over an AppointmentTable");
        }
        return read("findByAppointmentKey", c -> appointments.findByKey(c, appointmentKey));
    }

    @Override
    public Optional<Booking> findByConfirmationCode(String tenantId, String confirmationCode) {
        if (!storable(tenantId, confirmationCode)) {
            return Optional.empty();
        }
        if (appointments != null) {
            return read("findByConfirmationCode", c -> appointments.findByCode(c, tenantId, confirmationCode));
        }
        return read("findByConfirmationCode",
                c -> first(query(c, sql.findBookingByCode, tenantId, confirmationCode, this::booking)));
    }

    @Override
    public Optional<IdempotencyKey> findIdempotencyKey(String tenantId, String key) {
        if (!storable(tenantId, key)) {
            return Optional.empty();
        }
        return read("findIdempotencyKey", c -> first(query(c, sql.findIdempotencyKey, tenantId, key,
                r -> new IdempotencyKey(r.getString(1), r.getString(2), r.getString(3),
                        sql.readInstant(r, "created_at"), null))));
    }

    @Override
    public List<Booking> calendar(String tenantId, String resourceId, Interval interval) {
        if (!storable(tenantId, resourceId)) {
            return List.of();
        }
        if (appointments != null) {
            return read("calendar", c -> appointments.calendar(c, tenantId, resourceId, interval));
        }
        return read("calendar", c -> query(c, sql.calendar, overlapping(tenantId, resourceId, interval),
                this::booking));
    }

    @Override
    public List<Booking> customerBookings(String tenantId, String customerId) {
        if (!storable(tenantId, customerId)) {
            return List.of();
        }
        if (appointments != null) {
            return read("customerBookings", c -> appointments.customerBookings(c, tenantId, customerId));
        }
        return read("customerBookings", c -> query(c, sql.customerBookings, tenantId, customerId, this::booking));
    }

    @Override
    public List<BookingEvent> history(String tenantId, String bookingId) {
        if (!storable(tenantId, bookingId)) {
            return List.of();
        }
        return read("history", c -> query(c, sql.history, tenantId, bookingId, this::bookingEvent));
    }

    @Override
    public List<Booking> dueReminders(Instant now, int limit) {
        requireLimit(limit);
        if (appointments != null) {
            return read("dueReminders", c -> appointments.dueReminders(c, now, limit));
        }
        return read("dueReminders", c -> query(c, sql.dueReminders, s -> {
            sql.bindInstant(s, 1, now);
            sql.bindInstant(s, 2, now);
            s.setInt(3, limit);
        }, this::booking));
    }

    // ---------------------------------------------------------------------------------- writes

    @Override
    public SaveResult insert(BookingChange change) {
        Objects.requireNonNull(change, "change");
        if (!change.isInsert()) {
            throw new IllegalArgumentException("insert needs a new booking (expectedVersion 0)");
        }
        return write("insert", change, c -> insertWork(c, change, null));
    }

    /**
     * The work of an insert, in the write path's transaction, under the resource's lock when it claims
     * the slot.
     *
     * @param takenHold the hold the booking takes, which is not in its way, or null
     */
    private SaveResult insertWork(Connection c, BookingChange change, String takenHold) throws SQLException {
        Booking booking = change.booking();
        // A taken id or code is not looked up here: the primary key and the code's unique constraint
        // refuse it at the insert below, and write() rolls back and tells which (classifyDuplicate).
        // Two lookups fewer on every booking; a clash is rare (random ids, 8.5e11 codes).
        IdempotencyKey idempotency = change.idempotency();
        if (idempotency != null && keyTaken(c, booking.tenantId(), idempotency)) {
            return SaveResult.IDEMPOTENCY_KEY_TAKEN;
        }
        if (appointments != null) {
            SaveResult inserted = appointments.insert(c, change);
            if (inserted != SaveResult.SAVED) {
                return refusedInsert(c, booking, inserted);
            }
        } else if (claims(change) && slotTaken(c, booking, false, takenHold)) {
            return refusedInsert(c, booking, SaveResult.SLOT_TAKEN);
        } else {
            insertBooking(c, booking, change.slotClaim() == SlotClaim.EXCLUSIVE);
        }
        if (idempotency != null) {
            try (PreparedStatement s = c.prepareStatement(sql.insertIdempotencyKey)) {
                s.setString(1, booking.tenantId());
                s.setString(2, idempotency.key());
                s.setString(3, idempotency.fingerprint());
                s.setString(4, booking.id());
                sql.bindInstant(s, 5, idempotency.asStored(booking.createdAt()).createdAt());
                s.executeUpdate();
            }
        }
        appendEventsAndNotifications(c, change);
        return SaveResult.SAVED;
    }

    @Override
    public SaveResult update(BookingChange change) {
        Objects.requireNonNull(change, "change");
        if (change.isInsert()) {
            throw new IllegalArgumentException("update needs an expected version above 0");
        }
        Booking read = lastRead.remove(new BookingKey(change.booking().tenantId(), change.booking().id()));
        Booking stored = read != null && read.version() == change.expectedVersion() ? read : null;
        return write("update", change, c -> updateWork(c, change, null, stored));
    }

    /**
     * The work of an update, in the write path's transaction, under the resource's lock when it claims
     * the slot.
     *
     * @param takenHold the hold the booking takes, which is not in its way, or null
     * @param stored the booking as stored at the change's expected version, if known, else null
     */
    private SaveResult updateWork(Connection c, BookingChange change, String takenHold, Booking stored)
            throws SQLException {
        Booking booking = change.booking();
        if (appointments != null) {
            SaveResult updated = appointments.update(c, change);
            if (updated != SaveResult.SAVED) {
                return updated;
            }
        } else if (claims(change) && slotTaken(c, booking, true, takenHold)) {
            return SaveResult.SLOT_TAKEN;
        } else if (updateBooking(c, change, stored) == 0) {
            return SaveResult.VERSION_CONFLICT;
        }
        appendEventsAndNotifications(c, change);
        return SaveResult.SAVED;
    }

    /**
     * {@inheritDoc}
     *
     * <p>One transaction: each booking updated with its version checked and its erasure event
     * appended; every earlier event's details rewritten without free texts; every outbox row of
     * those bookings rewritten without personal data, except undelivered ones to the customer,
     * which are deleted. The outbox rows are locked first, so a relay pass that holds one is
     * waited for and none is delivered with the old payload after the erasure commits.
     */
    @Override
    public SaveResult erase(CustomerErasure erasure) {
        Objects.requireNonNull(erasure, "erasure");
        return write("erase", erasure.changes().get(0), c -> {
            for (BookingChange change : erasure.changes()) {
                Booking b = change.booking();
                boolean saved = appointments != null ? appointments.update(c, change) == SaveResult.SAVED
                        : updateBooking(c, change, null) == 1;
                if (!saved) {
                    return SaveResult.VERSION_CONFLICT;
                }
                eraseHistory(c, b);
                eraseOutbox(c, b);
                appendEventsAndNotifications(c, change);
            }
            return SaveResult.SAVED;
        });
    }

    private void eraseHistory(Connection c, Booking b) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(sql.eventsForErasure);
             PreparedStatement update = c.prepareStatement(sql.eraseEventDetails)) {
            select.setString(1, b.tenantId());
            select.setString(2, b.id());
            boolean changed = false;
            try (ResultSet r = select.executeQuery()) {
                while (r.next()) {
                    String details = r.getString("details");
                    String scrubbed = Codec.eventDetails(bookingEvent(r).withoutFreeText());
                    if (!scrubbed.equals(details)) {
                        update.setString(1, scrubbed);
                        update.setString(2, b.tenantId());
                        update.setString(3, b.id());
                        update.setLong(4, r.getLong("seq"));
                        update.addBatch();
                        changed = true;
                    }
                }
            }
            if (changed) {
                update.executeBatch();
            }
        }
    }

    private void eraseOutbox(Connection c, Booking b) throws SQLException {
        ErasedRows erased = eraseOutboxRows(c, b.tenantId(), b.id(), (r, id) -> {
            if (RecipientRole.CUSTOMER.name().equals(r.getString("recipient"))
                    && !"SENT".equals(r.getString("status"))) {
                return null;
            }
            String body = r.getString("body");
            if (body != null) {
                // Its own notification only: the document no longer lists the rows dropped here.
                return new Rewritten(OutboxDocument.write(List.of(OutboxDocument.read(body, id).withoutPersonalData())),
                        null);
            }
            // A row from before the JSON format keeps its format.
            return new Rewritten(null, Codec.notification(Codec.notification(r.getString("payload"))
                    .withoutPersonalData()));
        });
        if (erased.dropped() > 0) {
            LOG.debug("erase booking={}: {} undelivered notifications to the customer dropped", b.id(),
                    erased.dropped());
        }
    }

    /** An outbox row rewritten without personal data: its document, or for a row from before it, its old payload. */
    private record Rewritten(String body, String payload) {
    }

    /** What becomes of one outbox row of an erased customer. */
    @FunctionalInterface
    private interface OutboxErasure {
        /** The row rewritten, or null to drop it. */
        Rewritten of(ResultSet row, String notificationId) throws SQLException;
    }

    /** How many outbox rows an erasure dropped and rewrote. */
    private record ErasedRows(int dropped, int rewritten) {
    }

    /**
     * Takes personal data out of the outbox rows of one {@code booking_id} (a booking's id, or an
     * entry's for its notices), locked meanwhile: each row dropped or rewritten as {@code erasure} says.
     */
    private ErasedRows eraseOutboxRows(Connection c, String tenantId, String bookingId, OutboxErasure erasure)
            throws SQLException {
        try (PreparedStatement select = c.prepareStatement(sql.outboxForErasure);
             PreparedStatement rewrite = c.prepareStatement(sql.eraseOutboxPayload);
             PreparedStatement drop = c.prepareStatement(sql.dropOutboxRow)) {
            select.setString(1, tenantId);
            select.setString(2, bookingId);
            int dropped = 0;
            int rewritten = 0;
            try (ResultSet r = select.executeQuery()) {
                while (r.next()) {
                    String id = r.getString("notification_id");
                    Rewritten row = erasure.of(r, id);
                    PreparedStatement s = row == null ? drop : rewrite;
                    if (row == null) {
                        drop.setString(1, tenantId);
                        drop.setString(2, id);
                        dropped++;
                    } else {
                        setText(rewrite, 1, row.body());
                        setText(rewrite, 2, row.payload());
                        rewrite.setString(3, tenantId);
                        rewrite.setString(4, id);
                        rewritten++;
                    }
                    s.addBatch();
                }
            }
            if (rewritten > 0) {
                rewrite.executeBatch();
            }
            if (dropped > 0) {
                drop.executeBatch();
            }
            return new ErasedRows(dropped, rewritten);
        }
    }

    /** A text parameter, or SQL NULL. */
    private static void setText(PreparedStatement s, int index, String value) throws SQLException {
        if (value == null) {
            s.setNull(index, Types.VARCHAR);
        } else {
            s.setString(index, value);
        }
    }

    // ------------------------------------------------------------------------------- waitlist

    /**
     * {@inheritDoc}
     *
     * @return true over the library's own tables; false over an {@link AppointmentTable}, whose
     *     bookings live in a table the library does not own
     */
    @Override
    public boolean keepsWaitlist() {
        return appointments == null;
    }

    /** Refuses the list's methods over an appointment table, naming what to use instead. */
    private void requireOwnTables(String operation) {
        if (appointments != null) {
            throw new UnsupportedOperationException(operation + ": a JdbcBookingRepository over an AppointmentTable "
                    + "keeps no cancellation list (keepsWaitlist() is false); the list needs the library's own "
                    + "booking tables (JdbcBookingRepository.create(dataSource))");
        }
    }

    @Override
    public Optional<WaitlistEntry> findEntry(String tenantId, String entryId) {
        return first(tableRows("findEntry", s -> s.findEntry, tenantId, entryId, this::entry));
    }

    @Override
    public List<WaitlistEntry> customerEntries(String tenantId, String customerId) {
        return tableRows("customerEntries", s -> s.customerEntries, tenantId, customerId, this::entry);
    }

    @Override
    public List<WaitlistEntry> waitingFor(String tenantId, String serviceId, String resourceId, Interval slot,
                                          int limit) {
        requireOwnTables("waitingFor");
        if (limit < 1 || limit > MAX_CANDIDATES) {
            throw new IllegalArgumentException("limit must be 1 to " + MAX_CANDIDATES + ", was " + limit);
        }
        if (!storable(tenantId, serviceId, resourceId)) {
            return List.of();
        }
        return read("waitingFor", c -> query(c, sql.waitingFor, s -> {
            s.setString(1, tenantId);
            s.setString(2, serviceId);
            s.setString(3, resourceId);
            sql.bindInstant(s, 4, slot.getStart());
            sql.bindInstant(s, 5, slot.getEnd());
            s.setInt(6, limit);
        }, this::entry));
    }

    @Override
    public List<WaitlistEvent> entryHistory(String tenantId, String entryId) {
        return tableRows("entryHistory", s -> s.entryHistory, tenantId, entryId, this::entryEvent);
    }

    @Override
    public Optional<SlotHold> findHold(String tenantId, String holdId) {
        return first(tableRows("findHold", s -> s.findHold, tenantId, holdId, this::hold));
    }

    @Override
    public List<SlotHold> holds(String tenantId, String resourceId, Interval interval) {
        requireOwnTables("holds");
        if (!storable(tenantId, resourceId)) {
            return List.of();
        }
        return read("holds", c -> query(c, sql.holdsOfResource, overlapping(tenantId, resourceId, interval),
                this::hold));
    }

    @Override
    public Optional<SlotOffer> findOffer(String tenantId, String offerId) {
        return first(tableRows("findOffer", s -> s.findOffer, tenantId, offerId, this::offer));
    }

    @Override
    public List<SlotOffer> offers(String tenantId, String holdId) {
        return tableRows("offers", s -> s.offersOfHold, tenantId, holdId, this::offer);
    }

    @Override
    public List<SlotHold> endedRounds(Instant now, int limit) {
        return passedRows("endedRounds", s -> s.endedRounds, now, limit, this::hold);
    }

    @Override
    public List<WaitlistEntry> passedEntries(Instant now, int limit) {
        return passedRows("passedEntries", s -> s.passedEntries, now, limit, this::entry);
    }

    /**
     * {@inheritDoc}
     *
     * <p>One transaction on the write path of bookings, under the lock of the hold's resource when the
     * change has a hold. In order: the hold and each entry, version-checked ({@code UPDATE ... WHERE
     * version = ?}, or an insert for a new one, whose taken key is a {@link SaveResult#VERSION_CONFLICT});
     * the slot, when the change claims it (an active booking or another hold open at
     * {@link WaitlistChange#at()}); the booking, written as {@link #insert} or {@link #update} write it
     * (its overlap check ignores the hold it takes); the offers, by id; each entry's events; and each
     * notice as an outbox row ({@code docs/OUTBOX.md}). Anything but SAVED undoes it all.
     *
     * @throws UnsupportedOperationException over an {@link AppointmentTable}
     */
    @Override
    public SaveResult save(WaitlistChange change) {
        Objects.requireNonNull(change, "change");
        requireOwnTables("save");
        SlotHold hold = change.hold();
        LockKey lock = hold == null ? null : new LockKey(hold.tenantId(), hold.resource().id());
        String about = hold != null ? "hold=" + hold.id()
                : change.entries().isEmpty() ? "waitlist change" : "entry=" + change.entries().get(0).entry().id();
        return transaction("save", lock, about, c -> saveWork(c, change), violation -> classifyDuplicate(change,
                violation));
    }

    private SaveResult saveWork(Connection c, WaitlistChange change) throws SQLException {
        SlotHold hold = change.hold();
        if (hold != null && !writeHold(c, hold, change.holdExpectedVersion())) {
            return SaveResult.VERSION_CONFLICT;
        }
        for (EntryChange e : change.entries()) {
            if (!writeEntry(c, e.entry(), e.expectedVersion())) {
                return SaveResult.VERSION_CONFLICT;
            }
        }
        if (change.claimsSlot() && slotTaken(c, hold.tenantId(), hold.resource().id(), hold.slot(), null, change.at(),
                hold.id())) {
            return SaveResult.SLOT_TAKEN;
        }
        BookingChange booking = change.booking();
        if (booking != null) {
            SaveResult written = booking.isInsert() ? insertWork(c, booking, hold.id())
                    : updateWork(c, booking, hold.id(), null);
            if (written != SaveResult.SAVED) {
                return written;
            }
        }
        for (SlotOffer offer : change.offers()) {
            writeOffer(c, offer);
        }
        for (EntryChange e : change.entries()) {
            appendEntryEvents(c, e);
            if (e.entry().customer().isErased()) {
                eraseNotices(c, e.entry());
            }
        }
        appendNotices(c, change);
        return SaveResult.SAVED;
    }

    /**
     * The outbox rows of an entry whose customer was erased: undelivered notices dropped, delivered
     * ones rewritten without personal data. Its rows are named by the entry's id.
     */
    private void eraseNotices(Connection c, WaitlistEntry entry) throws SQLException {
        ErasedRows erased = eraseOutboxRows(c, entry.tenantId(), entry.id(),
                (r, id) -> "SENT".equals(r.getString("status"))
                        ? new Rewritten(OutboxDocument.writeNotice(OutboxDocument.readNotice(r.getString("body"))
                                .withoutPersonalData()), null)
                        : null);
        LOG.debug("erase entry={}: {} undelivered notices dropped, {} rewritten", entry.id(), erased.dropped(),
                erased.rewritten());
    }

    /** Writes a hold if the stored one is at the expected version (0: none stored); false if it is not. */
    private boolean writeHold(Connection c, SlotHold h, long expectedVersion) throws SQLException {
        return writeVersioned(c, sql.insertHold, sql.updateHold, h.tenantId(), h.id(), expectedVersion,
                (s, first) -> bindHoldBody(s, first, h));
    }

    /** Binds a hold's columns from resource_id to version, in {@link Sql#HOLD_COLUMNS} order. */
    private int bindHoldBody(PreparedStatement s, int first, SlotHold h) throws SQLException {
        int i = first;
        s.setString(i++, h.resource().id());
        s.setString(i++, h.resource().name());
        s.setString(i++, h.resource().contact());
        s.setString(i++, h.service().id());
        s.setString(i++, h.service().name());
        sql.bindInstant(s, i++, h.slot().getStart());
        sql.bindInstant(s, i++, h.slot().getEnd());
        s.setString(i++, h.zone().getId());
        s.setString(i++, h.freedBy());
        s.setString(i++, h.status().name());
        sql.bindInstant(s, i++, h.until());
        s.setInt(i++, h.round());
        sql.bindInstant(s, i++, h.createdAt());
        s.setLong(i++, h.version());
        return i;
    }

    /** Writes an entry if the stored one is at the expected version (0: none stored); false if it is not. */
    private boolean writeEntry(Connection c, WaitlistEntry e, long expectedVersion) throws SQLException {
        return writeVersioned(c, sql.insertEntry, sql.updateEntry, e.tenantId(), e.id(), expectedVersion,
                (s, first) -> bindEntryBody(s, first, e));
    }

    /** Binds the columns of a row after its tenant and id, from the given index; returns the next index. */
    @FunctionalInterface
    private interface RowColumns {
        int bind(PreparedStatement s, int first) throws SQLException;
    }

    /**
     * Writes a row of the list if the stored one is at the expected version (0: none stored); false if
     * it is not. The update's parameters are the columns, then tenant, id and the expected version.
     */
    private static boolean writeVersioned(Connection c, String insert, String update, String tenantId, String id,
                                          long expectedVersion, RowColumns columns) throws SQLException {
        if (expectedVersion == 0) {
            // A taken id fails on the primary key: classifyDuplicate answers VERSION_CONFLICT.
            insertRow(c, insert, tenantId, id, columns);
            return true;
        }
        try (PreparedStatement s = c.prepareStatement(update)) {
            int next = columns.bind(s, 1);
            s.setString(next, tenantId);
            s.setString(next + 1, id);
            s.setLong(next + 2, expectedVersion);
            return s.executeUpdate() == 1;
        }
    }

    /** Inserts a row of the list: tenant, id, then the other columns. */
    private static void insertRow(Connection c, String insert, String tenantId, String id, RowColumns columns)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement(insert)) {
            s.setString(1, tenantId);
            s.setString(2, id);
            columns.bind(s, 3);
            s.executeUpdate();
        }
    }

    /** Binds an entry's columns from customer_id to version, in {@link Sql#ENTRY_COLUMNS} order. */
    private int bindEntryBody(PreparedStatement s, int first, WaitlistEntry e) throws SQLException {
        int i = first;
        CustomerDetails customer = e.customer();
        s.setString(i++, customer.id());
        s.setString(i++, customer.name());
        s.setString(i++, customer.email());
        s.setString(i++, customer.phone());
        s.setString(i++, customer.language().toLanguageTag());
        s.setString(i++, e.service().id());
        s.setString(i++, e.service().name());
        s.setString(i++, e.resourceId());
        sql.bindInstant(s, i++, e.window().getStart());
        sql.bindInstant(s, i++, e.window().getEnd());
        s.setString(i++, e.bookingId());
        s.setString(i++, e.status().name());
        sql.bindInstant(s, i++, e.joinedAt());
        s.setLong(i++, e.version());
        return i;
    }

    /** Stores an offer by its id: changed in place, or new. */
    private void writeOffer(Connection c, SlotOffer o) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql.updateOffer)) {
            int next = bindOfferBody(s, 1, o);
            s.setString(next, o.tenantId());
            s.setString(next + 1, o.id());
            if (s.executeUpdate() == 1) {
                return;
            }
        }
        // New: the hold's version check under the resource's lock keeps a second writer of it out.
        insertRow(c, sql.insertOffer, o.tenantId(), o.id(), (s, first) -> bindOfferBody(s, first, o));
    }

    /** Binds an offer's columns from hold_id to ended_at, in {@link Sql#OFFER_COLUMNS} order. */
    private int bindOfferBody(PreparedStatement s, int first, SlotOffer o) throws SQLException {
        int i = first;
        s.setString(i++, o.holdId());
        s.setString(i++, o.entryId());
        s.setInt(i++, o.round());
        s.setString(i++, o.status().name());
        sql.bindInstant(s, i++, o.offeredAt());
        sql.bindInstant(s, i++, o.deadline());
        sql.bindInstant(s, i++, o.endedAt());
        return i;
    }

    /** Appends an entry's events after its last one; the entry's row, written above, is locked meanwhile. */
    private void appendEntryEvents(Connection c, EntryChange change) throws SQLException {
        WaitlistEntry entry = change.entry();
        long seq = 0;
        if (change.expectedVersion() > 0) {
            try (PreparedStatement s = c.prepareStatement(sql.lastEntryEvent)) {
                s.setString(1, entry.tenantId());
                s.setString(2, entry.id());
                try (ResultSet r = s.executeQuery()) {
                    seq = r.next() ? r.getLong(1) : 0;
                }
            }
        }
        try (PreparedStatement s = c.prepareStatement(sql.insertEntryEvent)) {
            for (WaitlistEvent event : change.events()) {
                s.setString(1, entry.tenantId());
                s.setString(2, entry.id());
                s.setLong(3, ++seq);
                s.setString(4, event.kind().name());
                s.setString(5, Codec.actorKind(event.actor()));
                s.setString(6, event.actor().id());
                sql.bindInstant(s, 7, event.at());
                s.setString(8, event.offerId());
                sql.bindInstant(s, 9, event.slot() == null ? null : event.slot().getStart());
                sql.bindInstant(s, 10, event.slot() == null ? null : event.slot().getEnd());
                s.setString(11, event.bookingId());
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    /**
     * Each notice as an outbox row of its own: {@code booking_id} holds the entry's id, {@code kind}
     * {@code WAITLIST_<kind>}, the recipient the customer, the body the notice's document; due at the
     * change's instant.
     */
    private void appendNotices(Connection c, WaitlistChange change) throws SQLException {
        if (change.notices().isEmpty()) {
            return;
        }
        try (PreparedStatement s = c.prepareStatement(sql.insertOutbox)) {
            for (WaitlistNotice n : change.notices()) {
                s.setString(1, n.tenantId());
                s.setString(2, n.id());
                s.setString(3, n.entryId());
                s.setString(4, OutboxDocument.noticeKind(n));
                s.setString(5, RecipientRole.CUSTOMER.name());
                s.setString(6, OutboxDocument.writeNotice(n));
                sql.bindInstant(s, 7, change.at());
                sql.bindInstant(s, 8, change.at());
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    /**
     * Which unique key a refused waitlist change hit, looked up after the rollback: a new hold's or a
     * new entry's id already stored is a {@link SaveResult#VERSION_CONFLICT}; otherwise the booking's,
     * told apart as for {@link #insert}.
     */
    private SaveResult classifyDuplicate(WaitlistChange change, SQLException violation) {
        SlotHold hold = change.hold();
        if (hold != null && change.holdExpectedVersion() == 0 && findHold(hold.tenantId(), hold.id()).isPresent()) {
            return SaveResult.VERSION_CONFLICT;
        }
        for (EntryChange e : change.entries()) {
            if (e.expectedVersion() == 0 && findEntry(e.entry().tenantId(), e.entry().id()).isPresent()) {
                return SaveResult.VERSION_CONFLICT;
            }
        }
        if (change.booking() != null && change.booking().isInsert()) {
            return classifyDuplicate(change.booking(), violation);
        }
        // A new offer or a notice written by a concurrent change of the same hold: decided again on fresh state.
        throw fault("save", violation);
    }

    private WaitlistEntry entry(ResultSet r) throws SQLException {
        return new WaitlistEntry(r.getString("tenant_id"), r.getString("id"),
                new CustomerDetails(r.getString("customer_id"), r.getString("customer_name"),
                        r.getString("customer_email"), r.getString("customer_phone"),
                        Codec.language(r.getString("customer_language"))),
                new Service(r.getString("service_id"), r.getString("service_name")),
                r.getString("resource_id"),
                Interval.of(sql.readInstant(r, "window_start"), sql.readInstant(r, "window_end")),
                r.getString("booking_id"), EntryStatus.valueOf(r.getString("status")),
                sql.readInstant(r, "joined_at"), r.getLong("version"));
    }

    private WaitlistEvent entryEvent(ResultSet r) throws SQLException {
        Instant start = sql.readInstant(r, "slot_start");
        Instant end = sql.readInstant(r, "slot_end");
        return new WaitlistEvent(WaitlistEvent.Kind.valueOf(r.getString("kind")),
                Codec.actor(r.getString("actor_kind"), r.getString("actor_id")),
                sql.readInstant(r, "at"), r.getString("offer_id"),
                start == null ? null : Interval.of(start, end), r.getString("booking_id"));
    }

    private SlotHold hold(ResultSet r) throws SQLException {
        return new SlotHold(r.getString("tenant_id"), r.getString("id"),
                new Resource(r.getString("resource_id"), r.getString("resource_name"),
                        r.getString("resource_contact")),
                new Service(r.getString("service_id"), r.getString("service_name")),
                Interval.of(sql.readInstant(r, "slot_start"), sql.readInstant(r, "slot_end")),
                Codec.zone(r.getString("zone_id")), r.getString("freed_by"),
                HoldStatus.valueOf(r.getString("status")), sql.readInstant(r, "until_at"), r.getInt("round"),
                sql.readInstant(r, "created_at"), r.getLong("version"));
    }

    private SlotOffer offer(ResultSet r) throws SQLException {
        return new SlotOffer(r.getString("tenant_id"), r.getString("id"), r.getString("hold_id"),
                r.getString("entry_id"), r.getInt("round"), OfferStatus.valueOf(r.getString("status")),
                sql.readInstant(r, "offered_at"), sql.readInstant(r, "deadline"), sql.readInstant(r, "ended_at"));
    }

    private static boolean claims(BookingChange change) {
        return change.slotClaim() == SlotClaim.EXCLUSIVE && change.booking().isActive();
    }

    /** The write path of a booking: lock the resource if the change claims a slot, run the work, commit or undo. */
    private SaveResult write(String operation, BookingChange change, SqlWork<SaveResult> work) {
        Booking booking = change.booking();
        return transaction(operation, claims(change) ? LockKey.of(booking) : null, "booking=" + booking.id(), work,
                violation -> {
                    if (appointments != null && !change.isInsert()) {
                        // An appointment adopted by two writers at once: the loser decides again.
                        return SaveResult.VERSION_CONFLICT;
                    }
                    // A taken id, code or key, stored before or by a concurrent insert.
                    return classifyDuplicate(change, violation);
                });
    }

    /**
     * The write path: lock the resource's row if there is one to lock, run the work, commit if it
     * answered SAVED, undo otherwise; run it again on a deadlock or serialization failure (own
     * transactions).
     *
     * @param lockKey the resource to lock, or null for a write that claims no slot
     * @param about what is written, for the log: ids only
     * @param duplicates what a uniqueness violation means, told apart after the rollback
     */
    private SaveResult transaction(String operation, LockKey lockKey, String about, SqlWork<SaveResult> work,
                                   DuplicateKeys duplicates) {
        boolean locks = lockKey != null;
        for (int attempt = 1; ; attempt++) {
            Connection c = null;
            Savepoint savepoint = null;
            boolean committed = false;
            try {
                c = open();
                if (locks && joined == null && !knownLockRows.contains(lockKey)) {
                    // Created in its own auto-commit statement: on MariaDB two transactions that both
                    // insert-ignore the same new row and then lock it would deadlock.
                    c.setAutoCommit(true);
                    ensureLockRow(c, lockKey);
                }
                if (joined == null) {
                    c.setAutoCommit(false);
                    if (setIsolation) {
                        c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
                    }
                } else {
                    requireTransaction(c, operation);
                    savepoint = c.setSavepoint();
                }
                if (locks) {
                    if (joined != null && !knownLockRows.contains(lockKey)) {
                        ensureLockRow(c, lockKey);
                    }
                    if (!lockResource(c, lockKey)) {
                        // Remembered, but gone since (deleted by hand): create it again, then lock.
                        knownLockRows.remove(lockKey);
                        if (joined == null) {
                            if (attempt >= MAX_TRANSACTION_ATTEMPTS) {
                                throw new IllegalStateException("lock row missing for resource "
                                        + lockKey.resourceId());
                            }
                            // In its own statement again (see above): undone and given back in finally.
                            continue;
                        }
                        ensureLockRow(c, lockKey);
                        if (!lockResource(c, lockKey)) {
                            throw new IllegalStateException("lock row missing for resource " + lockKey.resourceId());
                        }
                    }
                    remember(lockKey);
                }
                SaveResult result = work.run(c);
                if (result == SaveResult.SAVED) {
                    if (joined == null) {
                        c.commit();
                    } else {
                        c.releaseSavepoint(savepoint);
                    }
                    committed = true;
                }
                return result;
            } catch (SQLException e) {
                undo(c, savepoint);
                c = done(c);
                Sql sql = this.sql;
                if (sql == null) {
                    // Joined mode, first call, and the provider failed before the dialect was known.
                    throw fault(operation, e);
                }
                if (sql.isOverlapViolation(e)) {
                    LOG.warn("{}: the database's overlap constraint refused a slot the lock check allowed", about);
                    return SaveResult.SLOT_TAKEN;
                }
                if (sql.isUniqueViolation(e)) {
                    return duplicates.classify(e);
                }
                if (joined == null && sql.isRetryable(e) && attempt < MAX_TRANSACTION_ATTEMPTS) {
                    LOG.debug("{} {}: {} (SQLState {}), running the transaction again", operation, about,
                            e.getClass().getSimpleName(), e.getSQLState());
                    LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(1_000_000L, 5_000_000L) * attempt);
                    continue;
                }
                throw fault(operation, e);
            } finally {
                if (!committed) {
                    undo(c, savepoint);
                }
                done(c);
            }
        }
    }

    /**
     * Which unique key a refused insert hit, looked up after the rollback: the booking's id (a caller's
     * bug, thrown), else the idempotency key, else the confirmation code. Only inserts get here: an
     * update writes no unique value but the outbox's stable notification ids, which a version check
     * keeps apart.
     */
    private SaveResult classifyDuplicate(BookingChange change, SQLException violation) {
        Booking booking = change.booking();
        if (!change.isInsert()) {
            throw fault("update", violation);
        }
        if (read("classify", c -> exists(c, sql.idExists, booking.tenantId(), booking.id()))) {
            throw idAlreadyUsed(booking);
        }
        IdempotencyKey idempotency = change.idempotency();
        // An expired key is not taken: the rolled-back insert had deleted it, and a retry may again.
        if (idempotency != null && findIdempotencyKey(booking.tenantId(), idempotency.key())
                .filter(stored -> !idempotency.replaces(stored)).isPresent()) {
            return SaveResult.IDEMPOTENCY_KEY_TAKEN;
        }
        if (read("classify", c -> exists(c, sql.codeExists, booking.tenantId(), booking.confirmationCode()))) {
            return SaveResult.CODE_TAKEN;
        }
        // None of ours is taken: a unique value written with the booking (an outbox row's id) clashed.
        throw fault("insert", violation);
    }

    /**
     * A new booking's refusal, unless the slot is taken by a stored booking with the new one's very id:
     * the slot check does not except the new id, so that refusal is the caller's bug, thrown as the
     * insert itself would have thrown it. Looked up only when refused.
     */
    private SaveResult refusedInsert(Connection c, Booking booking, SaveResult refusal) throws SQLException {
        if (refusal == SaveResult.SLOT_TAKEN && exists(c, sql.idExists, booking.tenantId(), booking.id())) {
            throw idAlreadyUsed(booking);
        }
        return refusal;
    }

    private static IllegalArgumentException idAlreadyUsed(Booking booking) {
        return new IllegalArgumentException("booking id already used in tenant: " + booking.id());
    }

    private void remember(LockKey key) {
        if (knownLockRows.size() >= MAX_KNOWN_LOCK_ROWS) {
            knownLockRows.clear();
        }
        knownLockRows.add(key);
    }

    private void ensureLockRow(Connection c, LockKey key) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql.ensureResourceLock())) {
            s.setString(1, key.tenantId());
            s.setString(2, key.resourceId());
            s.executeUpdate();
        }
    }

    /** Locks the resource's row for this transaction; false if there is no such row. */
    private boolean lockResource(Connection c, LockKey key) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql.lockResource)) {
            s.setString(1, key.tenantId());
            s.setString(2, key.resourceId());
            try (ResultSet rows = s.executeQuery()) {
                return rows.next();
            }
        }
    }

    /**
     * Whether the booking's slot is taken at its {@code updatedAt} (the instant of the change): by
     * another active booking of its resource, or by an open hold other than {@code takenHold}.
     *
     * @param stored whether the booking is stored (a change to it), so its own row is not in its way;
     *     false for a new booking
     */
    private boolean slotTaken(Connection c, Booking booking, boolean stored, String takenHold) throws SQLException {
        return slotTaken(c, booking.tenantId(), booking.resource().id(), booking.slot(), stored ? booking.id() : null,
                booking.updatedAt(), takenHold);
    }

    /**
     * {@link Sql#slotTaken}, or {@link Sql#slotTakenForChange} when a stored booking is excepted: one
     * statement for the bookings and the holds in the slot's way.
     *
     * @param exceptBooking the stored booking whose own row is not in the way, or null for none
     * @param exceptHold the hold that is not in the way, or null for none
     */
    private boolean slotTaken(Connection c, String tenantId, String resourceId, Interval slot, String exceptBooking,
                              Instant at, String exceptHold) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(exceptBooking == null ? sql.slotTaken : sql.slotTakenForChange)) {
            int i = 1;
            s.setString(i++, tenantId);
            s.setString(i++, resourceId);
            if (exceptBooking != null) {
                s.setString(i++, exceptBooking);
            }
            sql.bindInstant(s, i++, slot.getEnd());
            sql.bindInstant(s, i++, slot.getStart());
            s.setString(i++, tenantId);
            s.setString(i++, resourceId);
            sql.bindInstant(s, i++, slot.getEnd());
            sql.bindInstant(s, i++, slot.getStart());
            sql.bindInstant(s, i++, at);
            // Never NULL: "id <> NULL" would match no hold at all. No stored id is empty.
            s.setString(i, exceptHold == null ? "" : exceptHold);
            try (ResultSet rows = s.executeQuery()) {
                return rows.next();
            }
        }
    }

    /**
     * Whether the new booking's key is taken: stored and not expired. An expired key is deleted
     * here, in the insert's transaction, so that the insert replaces it: undone with the rest unless
     * the insert is saved. A concurrent insert replacing the same key waits on the row's lock, then
     * deletes nothing and finds the winner's key, which is not expired: taken.
     */
    private boolean keyTaken(Connection c, String tenantId, IdempotencyKey key) throws SQLException {
        Optional<Instant> storedAt = keyCreatedAt(c, tenantId, key.key());
        if (storedAt.isEmpty()) {
            return false;
        }
        if (!key.replaces(new IdempotencyKey(key.key(), key.fingerprint(), key.bookingId(), storedAt.get(), null))) {
            return true;
        }
        try (PreparedStatement s = c.prepareStatement(sql.deleteExpiredIdempotencyKey)) {
            s.setString(1, tenantId);
            s.setString(2, key.key());
            sql.bindInstant(s, 3, key.expiredUpTo());
            if (s.executeUpdate() == 1) {
                return false;
            }
        }
        // Replaced or deleted by someone else meanwhile: taken if a key is there now.
        return keyCreatedAt(c, tenantId, key.key()).isPresent();
    }

    /** When the key was stored, or empty if it is not. */
    private Optional<Instant> keyCreatedAt(Connection c, String tenantId, String key) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql.findIdempotencyKey)) {
            s.setString(1, tenantId);
            s.setString(2, key);
            try (ResultSet rows = s.executeQuery()) {
                return rows.next() ? Optional.of(sql.readInstant(rows, "created_at")) : Optional.empty();
            }
        }
    }

    private static boolean exists(Connection c, String query, String tenantId, String value) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(query)) {
            s.setString(1, tenantId);
            s.setString(2, value);
            try (ResultSet rows = s.executeQuery()) {
                return rows.next();
            }
        }
    }

    private void insertBooking(Connection c, Booking b, boolean claimsSlot) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql.insertBooking)) {
            s.setString(1, b.tenantId());
            s.setString(2, b.id());
            s.setString(3, b.confirmationCode());
            int next = bindBookingBody(s, 4, b);
            sql.bindInstant(s, next, b.createdAt());
            sql.bindInstant(s, next + 1, b.updatedAt());
            s.setBoolean(next + 2, claimsSlot);
            s.executeUpdate();
        }
    }

    /**
     * Writes the booking's new state, version-checked: its state columns alone when {@code stored}
     * shows the change keeps the rest, else every column.
     *
     * @param stored the booking as stored at the change's expected version, or null if not known
     * @return the rows updated: 1, or 0 if the version has moved on
     */
    private int updateBooking(Connection c, BookingChange change, Booking stored) throws SQLException {
        Booking b = change.booking();
        if (stored != null && sameTerms(stored, b)) {
            try (PreparedStatement s = c.prepareStatement(sql.updateBookingState)) {
                s.setBoolean(1, change.slotClaim() == SlotClaim.EXCLUSIVE);
                s.setString(2, b.status().name());
                s.setString(3, b.paymentStatus().name());
                s.setInt(4, b.customerReschedules());
                Actor confirmedBy = b.confirmedBy().orElse(null);
                s.setString(5, confirmedBy == null ? null : Codec.actorKind(confirmedBy));
                s.setString(6, confirmedBy == null ? null : confirmedBy.id());
                sql.bindInstant(s, 7, b.reminder().dueAt());
                sql.bindInstant(s, 8, b.reminder().sentAt());
                s.setLong(9, b.version());
                sql.bindInstant(s, 10, b.updatedAt());
                s.setString(11, b.tenantId());
                s.setString(12, b.id());
                s.setLong(13, change.expectedVersion());
                return s.executeUpdate();
            }
        }
        try (PreparedStatement s = c.prepareStatement(sql.updateBooking)) {
            s.setBoolean(1, change.slotClaim() == SlotClaim.EXCLUSIVE);
            s.setString(2, b.resource().id());
            sql.bindInstant(s, 3, b.start());
            sql.bindInstant(s, 4, b.end());
            int next = bindBookingBody(s, 5, b);
            sql.bindInstant(s, next, b.updatedAt());
            s.setString(next + 1, b.tenantId());
            s.setString(next + 2, b.id());
            s.setLong(next + 3, change.expectedVersion());
            return s.executeUpdate();
        }
    }

    /**
     * Whether a change leaves every column but the state columns of {@link Sql#updateBookingState} as
     * stored: the same booking, resource, service, customer, slot and zone.
     */
    static boolean sameTerms(Booking stored, Booking changed) {
        return stored.tenantId().equals(changed.tenantId()) && stored.id().equals(changed.id())
                && stored.confirmationCode().equals(changed.confirmationCode())
                && stored.resource().equals(changed.resource()) && stored.service().equals(changed.service())
                && stored.customer().equals(changed.customer()) && stored.slot().equals(changed.slot())
                && stored.zone().equals(changed.zone()) && stored.createdAt().equals(changed.createdAt());
    }

    /**
     * Binds the columns from resource_id to version, in {@link Sql#BOOKING_COLUMNS} order.
     *
     * @return the next parameter index
     */
    int bindBookingBody(PreparedStatement s, int first, Booking b) throws SQLException {
        int i = first;
        s.setString(i++, b.resource().id());
        s.setString(i++, b.resource().name());
        s.setString(i++, b.resource().contact());
        s.setString(i++, b.service().id());
        s.setString(i++, b.service().name());
        CustomerDetails customer = b.customer().orElse(null);
        s.setString(i++, customer == null ? null : customer.id());
        s.setString(i++, customer == null ? null : customer.name());
        s.setString(i++, customer == null ? null : customer.email());
        s.setString(i++, customer == null ? null : customer.phone());
        s.setString(i++, customer == null ? null : customer.language().toLanguageTag());
        sql.bindInstant(s, i++, b.start());
        sql.bindInstant(s, i++, b.end());
        s.setString(i++, b.zone().getId());
        s.setString(i++, b.status().name());
        s.setString(i++, b.paymentStatus().name());
        s.setInt(i++, b.customerReschedules());
        Actor confirmedBy = b.confirmedBy().orElse(null);
        s.setString(i++, confirmedBy == null ? null : Codec.actorKind(confirmedBy));
        s.setString(i++, confirmedBy == null ? null : confirmedBy.id());
        sql.bindInstant(s, i++, b.reminder().dueAt());
        sql.bindInstant(s, i++, b.reminder().sentAt());
        s.setLong(i++, b.version());
        return i;
    }

    /**
     * Appends a change's events to the history and stores its notifications in the outbox, one
     * document for all the change's recipients, encoded once (docs/OUTBOX.md). On PostgreSQL in one
     * statement ({@link Sql#appendChange}); elsewhere the events, then the outbox rows. Where the
     * dialect can ({@link Sql#insertChangeOutbox}), the document is bound once for all its rows.
     */
    private void appendEventsAndNotifications(Connection c, BookingChange change) throws SQLException {
        Booking b = change.booking();
        List<BookingEvent> events = change.events();
        // Each event raised the version by one: its sequence number is the version it produced.
        long firstSeq = b.version() - events.size() + 1;
        List<List<Notification>> changes = OutboxDocument.byChange(change.notifications());
        String together = changes.size() > 1 ? null : sql.appendChange(events.size(), change.notifications().size());
        if (together == null) {
            insertEvents(c, b, events, firstSeq);
            insertOutboxRows(c, b, changes);
            return;
        }
        try (PreparedStatement s = c.prepareStatement(together)) {
            int next = 1;
            for (int i = 0; i < events.size(); i++) {
                next = bindEvent(s, next, b, events.get(i), firstSeq + i);
            }
            if (!changes.isEmpty()) {
                bindChangeOutbox(s, next, b, changes.get(0));
            }
            s.executeUpdate();
        }
    }

    /** The events in one statement of {@link Sql#insertEvent}: a batch when there are several. */
    private void insertEvents(Connection c, Booking b, List<BookingEvent> events, long firstSeq) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql.insertEvent)) {
            for (int i = 0; i < events.size(); i++) {
                bindEvent(s, 1, b, events.get(i), firstSeq + i);
                if (events.size() == 1) {
                    // Most changes raise one event: a plain execution, without the driver's batch
                    // bookkeeping.
                    s.executeUpdate();
                } else {
                    s.addBatch();
                }
            }
            if (events.size() > 1) {
                s.executeBatch();
            }
        }
    }

    /**
     * The outbox rows of each change's document: one statement per document where the dialect binds it
     * once ({@link Sql#insertChangeOutbox}), else one batch of {@link Sql#insertOutbox}, each row
     * binding its document.
     */
    private void insertOutboxRows(Connection c, Booking b, List<List<Notification>> changes) throws SQLException {
        if (changes.isEmpty()) {
            return;
        }
        if (sql.valuesTakeColumnNames()) {
            for (List<Notification> sameChange : changes) {
                try (PreparedStatement s = c.prepareStatement(sql.insertChangeOutbox(sameChange.size()))) {
                    bindChangeOutbox(s, 1, b, sameChange);
                    s.executeUpdate();
                }
            }
            return;
        }
        try (PreparedStatement s = c.prepareStatement(sql.insertOutbox)) {
            for (List<Notification> sameChange : changes) {
                String document = OutboxDocument.write(sameChange);
                for (Notification n : sameChange) {
                    s.setString(1, b.tenantId());
                    s.setString(2, n.id());
                    s.setString(3, b.id());
                    s.setString(4, n.kind().name());
                    s.setString(5, n.recipient().name());
                    s.setString(6, document);
                    sql.bindInstant(s, 7, b.updatedAt());
                    sql.bindInstant(s, 8, b.updatedAt());
                    s.addBatch();
                }
            }
            s.executeBatch();
        }
    }

    /** Binds one event's ten values of {@link Sql#insertEvent} from {@code first}; returns the next index. */
    private int bindEvent(PreparedStatement s, int first, Booking b, BookingEvent event, long seq)
            throws SQLException {
        int i = first;
        s.setString(i++, b.tenantId());
        s.setString(i++, b.id());
        s.setLong(i++, seq);
        s.setString(i++, event.kind());
        s.setString(i++, Codec.actorKind(event.actor()));
        s.setString(i++, event.actor().id());
        sql.bindInstant(s, i++, event.at());
        s.setString(i++, event.from() == null ? null : event.from().name());
        s.setString(i++, event.to().name());
        s.setString(i++, Codec.eventDetails(event));
        return i;
    }

    /**
     * Binds the values of {@link Sql#insertChangeOutbox} from {@code first}: the change's document,
     * encoded once, then each notification's row.
     */
    private void bindChangeOutbox(PreparedStatement s, int first, Booking b, List<Notification> sameChange)
            throws SQLException {
        int i = first;
        s.setString(i++, OutboxDocument.write(sameChange));
        for (Notification n : sameChange) {
            s.setString(i++, b.tenantId());
            s.setString(i++, n.id());
            s.setString(i++, b.id());
            s.setString(i++, n.kind().name());
            s.setString(i++, n.recipient().name());
            sql.bindInstant(s, i++, b.updatedAt());
            sql.bindInstant(s, i++, b.updatedAt());
        }
    }

    // ---------------------------------------------------------------------------------- mapping

    /** Sets the parameters of a statement before it runs. */
    @FunctionalInterface
    private interface Parameters {
        void bind(PreparedStatement s) throws SQLException;
    }

    /** Reads the current row of a result set into a value. */
    @FunctionalInterface
    private interface RowReader<T> {
        T read(ResultSet r) throws SQLException;
    }

    /** Runs a query and reads every row it returns, in order. */
    private static <T> List<T> query(Connection c, String query, Parameters parameters, RowReader<T> reader)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement(query)) {
            parameters.bind(s);
            List<T> result = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    result.add(reader.read(r));
                }
            }
            return List.copyOf(result);
        }
    }

    /** Runs a query whose parameters are a tenant and one key of that tenant's rows. */
    private static <T> List<T> query(Connection c, String query, String tenantId, String key, RowReader<T> reader)
            throws SQLException {
        return query(c, query, s -> {
            s.setString(1, tenantId);
            s.setString(2, key);
        }, reader);
    }

    /** The parameters of the rows of one resource of a tenant that overlap an interval. */
    private Parameters overlapping(String tenantId, String resourceId, Interval interval) {
        return s -> {
            s.setString(1, tenantId);
            s.setString(2, resourceId);
            sql.bindInstant(s, 3, interval.getEnd());
            sql.bindInstant(s, 4, interval.getStart());
        };
    }


    private static void requireLimit(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be 1 or more, was " + limit);
        }
    }

    /**
     * The rows of a tenant that one key names in a table of the cancellation list, as {@code reader}
     * reads them; none when no row can have the tenant or key. {@code statement} picks the query from
     * the dialect's statements, known once a connection is open.
     */
    private <T> List<T> tableRows(String operation, Function<Sql, String> statement, String tenantId, String key,
                                  RowReader<T> reader) {
        requireOwnTables(operation);
        if (!storable(tenantId, key)) {
            return List.of();
        }
        return read(operation, c -> query(c, statement.apply(sql), tenantId, key, reader));
    }

    /**
     * The first {@code limit} rows of every tenant in a table of the cancellation list whose time had
     * passed at {@code now}, as {@code reader} reads them; {@code statement} picks the query, whose
     * parameters are (now, limit).
     */
    private <T> List<T> passedRows(String operation, Function<Sql, String> statement, Instant now, int limit,
                                   RowReader<T> reader) {
        requireOwnTables(operation);
        Objects.requireNonNull(now, "now");
        requireLimit(limit);
        return read(operation, c -> query(c, statement.apply(sql), s -> {
            sql.bindInstant(s, 1, now);
            s.setInt(2, limit);
        }, reader));
    }

    private static <T> Optional<T> first(List<T> found) {
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    private BookingEvent bookingEvent(ResultSet r) throws SQLException {
        String from = r.getString("from_status");
        return Codec.event(r.getString("kind"), Codec.actor(r.getString("actor_kind"), r.getString("actor_id")),
                sql.readInstant(r, "at"), from == null ? null : BookingStatus.valueOf(from),
                BookingStatus.valueOf(r.getString("to_status")), r.getString("details"));
    }

    /** The statements of the dialect (known once the first call or the creation detected it). */
    Sql sql() {
        return sql;
    }

    Booking booking(ResultSet r) throws SQLException {
        String customerId = r.getString("customer_id");
        CustomerDetails customer = customerId == null ? null : new CustomerDetails(customerId,
                r.getString("customer_name"), r.getString("customer_email"), r.getString("customer_phone"),
                Codec.language(r.getString("customer_language")));
        String confirmedByKind = r.getString("confirmed_by_kind");
        return Booking.builder()
                .tenantId(r.getString("tenant_id"))
                .id(r.getString("id"))
                .confirmationCode(r.getString("confirmation_code"))
                .resource(new Resource(r.getString("resource_id"), r.getString("resource_name"),
                        r.getString("resource_contact")))
                .service(new Service(r.getString("service_id"), r.getString("service_name")))
                .customer(customer)
                .slot(Interval.of(sql.readInstant(r, "slot_start"), sql.readInstant(r, "slot_end")))
                .zone(Codec.zone(r.getString("zone_id")))
                .status(BookingStatus.valueOf(r.getString("status")))
                .paymentStatus(PaymentStatus.valueOf(r.getString("payment_status")))
                .customerReschedules(r.getInt("customer_reschedules"))
                .confirmedBy(confirmedByKind == null ? null : Codec.actor(confirmedByKind, r.getString("confirmed_by_id")))
                .reminder(new ReminderState(sql.readInstant(r, "reminder_due_at"), sql.readInstant(r, "reminder_sent_at")))
                .version(r.getLong("version"))
                .createdAt(sql.readInstant(r, "created_at"))
                .updatedAt(sql.readInstant(r, "updated_at"))
                .build();
    }

    // ------------------------------------------------------------------------------ connections

    @FunctionalInterface
    private interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }

    private <T> T read(String operation, SqlWork<T> work) {
        Connection c = null;
        try {
            c = open();
            return work.run(c);
        } catch (SQLException e) {
            throw fault(operation, e);
        } finally {
            done(c);
        }
    }

    /**
     * A connection for one call: from the pool, or the caller's from the provider. In joined mode
     * the first call also detects the dialect on it. A connection returned is given back by
     * {@link #done}; one this method fails after acquiring is given back here.
     */
    private Connection open() throws SQLException {
        if (joined == null) {
            return dataSource.getConnection();
        }
        Connection c = joined.acquire();
        if (c == null) {
            throw new IllegalStateException("ConnectionProvider.acquire() returned null: it must return the "
                    + "connection of the caller's transaction");
        }
        if (dialect != null) {
            return c;
        }
        try {
            JdbcDialect detected = JdbcDialect.detect(c);
            known(detected);
            LOG.info("booking repository on {} (joined transactions, detected on the first call)", detected);
            return c;
        } catch (SQLException | RuntimeException e) {
            done(c);
            throw e;
        }
    }

    /**
     * Refuses a joined write on a connection with auto-commit on, before anything is written: each
     * statement would commit on its own, so the savepoint, the resource's lock and the
     * all-or-nothing of booking, history and outbox would all be lost (PostgreSQL's driver refuses
     * the savepoint with SQLState 25P01, saying nothing of why; a driver that accepted it would
     * commit each statement on its own). A local check on the drivers supported: no round trip.
     */
    private static void requireTransaction(Connection c, String operation) throws SQLException {
        if (c.getAutoCommit()) {
            throw new IllegalStateException(operation + " refused: JdbcBookingRepository in joined mode joins "
                    + "the caller's transaction and needs a transaction in progress, but the connection from the "
                    + "ConnectionProvider has auto-commit on; start a transaction (setAutoCommit(false), or "
                    + "@Transactional / TransactionTemplate with Spring) before calling. Nothing was written.");
        }
    }

    private void close(Connection c) throws SQLException {
        if (joined != null) {
            joined.release(c);
        } else {
            c.close();
        }
    }

    /** Gives a connection back, once; returns null so a caller can mark it given back. */
    private Connection done(Connection c) {
        if (c == null) {
            return null;
        }
        try {
            if (joined == null && !c.getAutoCommit()) {
                // Hand the pool a connection in its usual state; the work was committed or undone.
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            // A dead connection refuses even this; it must still go back to the pool below.
            LOG.debug("resetting a connection failed: SQLState {}", e.getSQLState());
        }
        try {
            close(c);
        } catch (SQLException e) {
            LOG.debug("closing a connection failed: SQLState {}", e.getSQLState());
        }
        return null;
    }

    private void undo(Connection c, Savepoint savepoint) {
        if (c == null) {
            return;
        }
        try {
            if (joined == null) {
                if (!c.getAutoCommit()) {
                    c.rollback();
                }
            } else if (savepoint != null) {
                c.rollback(savepoint);
            }
        } catch (SQLException e) {
            LOG.debug("rollback failed: SQLState {}", e.getSQLState());
        }
    }

    /**
     * Whether keys can name a stored row at all. No stored id holds a NUL ({@code Ids.require}),
     * and PostgreSQL refuses one in a parameter with an error: such a key simply finds nothing.
     */
    static boolean storable(String... keys) {
        for (String key : keys) {
            if (key != null && key.indexOf('\u0000') >= 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * A storage fault naming the operation and the first SQLState in the cause chain (MariaDB wraps
     * a lost connection in batch exceptions that have none). The driver's own message is withheld:
     * it can quote row values, which hold personal data; its class, state, code and stack stay.
     */
    static BookingStorageException fault(String operation, SQLException e) {
        SQLException stated = e;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                stated = sql;
                break;
            }
        }
        SQLException withheld = new SQLException(e.getClass().getName() + " (driver message withheld: it may quote row values)",
                stated.getSQLState(), stated.getErrorCode());
        withheld.setStackTrace(e.getStackTrace());
        return new BookingStorageException(operation + " failed: SQLState " + stated.getSQLState()
                + ", error " + stated.getErrorCode(), withheld);
    }
}
