package org.bookingrules.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * Every SQL statement of the adapter, per dialect, in one place. Values are always bound as
 * parameters, never concatenated. The statements common to all three dialects are written once
 * here; the subclasses hold what differs (insert-if-absent of the lock row, how an instant is bound
 * and read, which SQLStates mean what). Immutable.
 */
abstract class Sql {

    static final Sql H2 = new H2Sql();
    static final Sql POSTGRESQL = new PostgresSql();
    static final Sql MARIADB = new MariaDbSql();

    static final String BOOKING_COLUMNS = "tenant_id, id, confirmation_code, resource_id, resource_name, "
            + "resource_contact, service_id, service_name, customer_id, customer_name, customer_email, "
            + "customer_phone, customer_language, slot_start, slot_end, zone_id, status, payment_status, "
            + "customer_reschedules, confirmed_by_kind, confirmed_by_id, reminder_due_at, reminder_sent_at, "
            + "version, created_at, updated_at";

    final String findBooking = read("SELECT " + BOOKING_COLUMNS + " FROM br_booking WHERE tenant_id = ? AND id = ?");

    final String findBookingByCode = read("SELECT " + BOOKING_COLUMNS
            + " FROM br_booking WHERE tenant_id = ? AND confirmation_code = ?");

    /** After a uniqueness violation on insert: is the code taken? (Not asked before an insert.) */
    final String codeExists = read("SELECT 1 FROM br_booking WHERE tenant_id = ? AND confirmation_code = ?");

    /** After a uniqueness violation on insert: is the id taken? (Not asked before an insert.) */
    final String idExists = read("SELECT 1 FROM br_booking WHERE tenant_id = ? AND id = ?");

    final String insertBooking = "INSERT INTO br_booking (" + BOOKING_COLUMNS + ", claims_slot) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    /**
     * Version-checked update. {@code claims_slot} comes first because MariaDB evaluates SET
     * assignments left to right against the already-updated columns: it must see the old slot.
     * It stays claimed while the slot and resource stay, and is claimed anew by a claiming write.
     */
    final String updateBooking = "UPDATE br_booking SET "
            + "claims_slot = CASE WHEN ? THEN TRUE "
            + "WHEN resource_id = ? AND slot_start = ? AND slot_end = ? THEN claims_slot ELSE FALSE END, "
            + "resource_id = ?, resource_name = ?, resource_contact = ?, service_id = ?, service_name = ?, "
            + "customer_id = ?, customer_name = ?, customer_email = ?, customer_phone = ?, customer_language = ?, "
            + "slot_start = ?, slot_end = ?, zone_id = ?, status = ?, payment_status = ?, customer_reschedules = ?, "
            + "confirmed_by_kind = ?, confirmed_by_id = ?, reminder_due_at = ?, reminder_sent_at = ?, "
            + "version = ?, updated_at = ? "
            + "WHERE tenant_id = ? AND id = ? AND version = ?";

    /**
     * Version-checked update of a booking's state columns alone, for a change that keeps the
     * booking's resource, service, customer, slot and zone as stored (a cancel, a confirmation, a
     * payment, a reminder sent): 13 values where {@link #updateBooking} binds 29, which on PostgreSQL
     * is about 15 µs of a cancel. The slot stays, so it stays claimed as it was, or is claimed by a
     * claiming write: parameters (claims, status, payment_status, customer_reschedules,
     * confirmed_by_kind, confirmed_by_id, reminder_due_at, reminder_sent_at, version, updated_at,
     * tenant_id, id, expected version).
     */
    final String updateBookingState = "UPDATE br_booking SET claims_slot = (claims_slot OR ?), status = ?, "
            + "payment_status = ?, customer_reschedules = ?, confirmed_by_kind = ?, confirmed_by_id = ?, "
            + "reminder_due_at = ?, reminder_sent_at = ?, version = ?, updated_at = ? "
            + "WHERE tenant_id = ? AND id = ? AND version = ?";

    /**
     * Whether a new booking or a hold finds [start, end) taken, in one round trip: an active booking
     * of the resource overlaps it, or another hold keeps bookings off it at an instant (open, not yet
     * at its end, overlapping). Parameters: (tenant_id, resource_id, end, start) of the bookings, then
     * (tenant_id, resource_id, end, start, at, except hold id) of the holds; the except id is '' for
     * none (never NULL: {@code id <> NULL} would match no row at all). The bookings' half reads the
     * resource's active bookings only, through {@code br_booking_active_ix}, never its past (see
     * {@link #activeBookingsOfResource()}), and answers from the index alone; the holds' half reads
     * {@code br_slot_hold_resource_ix}, the resource's open holds. Two EXISTS in one SELECT, not a
     * UNION: H2 keeps a prepared SELECT in its session's statement cache but parses a UNION again on
     * every execution (about 15 µs each).
     */
    final String slotTaken = slotTaken(false);

    /**
     * {@link #slotTaken} for a change to a stored booking, whose own row is not in its way: the
     * bookings' half takes the booking's id after resource_id ({@code id <> ?}), so its parameters
     * are (tenant_id, resource_id, booking id, end, start). A statement of its own because the id is
     * not in the index: excluding it reads each candidate's row as well, which a new booking, not yet
     * stored, has no need of (on H2 that tripled the check's time).
     */
    final String slotTakenForChange = slotTaken(true);

    final String lockResource = "SELECT resource_id FROM br_resource_lock WHERE tenant_id = ? AND resource_id = ? "
            + "FOR UPDATE";

    /** The resource's active bookings overlapping [start, end), like the bookings' half of {@link #slotTaken}. */
    final String calendar = read("SELECT " + BOOKING_COLUMNS
            + " FROM br_booking WHERE tenant_id = ? AND " + activeBookingsOfResource()
            + " AND slot_start < ? AND slot_end > ? ORDER BY slot_start, id");

    final String customerBookings = read("SELECT " + BOOKING_COLUMNS
            + " FROM br_booking WHERE tenant_id = ? AND customer_id = ? ORDER BY slot_start, id");

    /** Matches the reminder index: pending, unsent, due, not started. */
    final String dueReminders = read("SELECT " + BOOKING_COLUMNS + " FROM br_booking "
            + "WHERE status = 'PENDING' AND reminder_sent_at IS NULL AND reminder_due_at <= ? AND slot_start > ? "
            + "ORDER BY reminder_due_at LIMIT ?");

    // Bookings over an existing appointment table (AppointmentTable): their br_booking row, with the key.

    static final String MIRROR_COLUMNS = BOOKING_COLUMNS + ", appointment_key, customer_erased";

    final String findMirror = read("SELECT " + MIRROR_COLUMNS + " FROM br_booking WHERE tenant_id = ? AND id = ?");

    final String findMirrorByCode = read("SELECT " + MIRROR_COLUMNS
            + " FROM br_booking WHERE tenant_id = ? AND confirmation_code = ?");

    /**
     * The bookings of some appointments, by key, of every tenant: {@code keys} markers.
     *
     * @param keys how many keys, 1 or more
     * @return the statement
     */
    String findMirrorsByKeys(int keys) {
        return read("SELECT " + MIRROR_COLUMNS + " FROM br_booking WHERE appointment_key IN ("
                + "?, ".repeat(keys - 1) + "?)");
    }

    /** {@link #dueReminders} with the appointment's key: candidates, decided again on the EHR's row. */
    final String dueMirrorReminders = read("SELECT " + MIRROR_COLUMNS + " FROM br_booking "
            + "WHERE status = 'PENDING' AND reminder_sent_at IS NULL AND reminder_due_at <= ? AND slot_start > ? "
            + "ORDER BY reminder_due_at LIMIT ?");

    /** The row of a booking over an appointment: it never claims the slot in br_booking (the EHR's row holds it). */
    final String insertMirror = "INSERT INTO br_booking (" + BOOKING_COLUMNS + ", claims_slot, appointment_key, "
            + "customer_erased) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
            + "FALSE, ?, ?)";

    /** Version-checked, like {@link #updateBooking}, for a booking over an appointment. */
    final String updateMirror = "UPDATE br_booking SET "
            + "resource_id = ?, resource_name = ?, resource_contact = ?, service_id = ?, service_name = ?, "
            + "customer_id = ?, customer_name = ?, customer_email = ?, customer_phone = ?, customer_language = ?, "
            + "slot_start = ?, slot_end = ?, zone_id = ?, status = ?, payment_status = ?, customer_reschedules = ?, "
            + "confirmed_by_kind = ?, confirmed_by_id = ?, reminder_due_at = ?, reminder_sent_at = ?, "
            + "version = ?, updated_at = ?, customer_erased = ? "
            + "WHERE tenant_id = ? AND id = ? AND version = ?";

    private static final String EVENT_INSERT = "INSERT INTO br_booking_event "
            + "(tenant_id, booking_id, seq, kind, actor_kind, actor_id, at, from_status, to_status, details) VALUES ";
    private static final String EVENT_VALUES = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    final String insertEvent = EVENT_INSERT + EVENT_VALUES;

    final String history = read("SELECT kind, actor_kind, actor_id, at, from_status, to_status, details "
            + "FROM br_booking_event WHERE tenant_id = ? AND booking_id = ? ORDER BY seq");

    // Erasure of a customer's personal data: each booking's events and outbox rows, rewritten in place.

    /** A booking's events with their sequence numbers, locked for the erasure's transaction. */
    final String eventsForErasure = "SELECT seq, kind, actor_kind, actor_id, at, from_status, to_status, details "
            + "FROM br_booking_event WHERE tenant_id = ? AND booking_id = ? ORDER BY seq FOR UPDATE";

    final String eraseEventDetails = "UPDATE br_booking_event SET details = ? "
            + "WHERE tenant_id = ? AND booking_id = ? AND seq = ?";

    /**
     * A booking's outbox rows, locked for the erasure's transaction (a relay pass holding one is waited
     * for), with the document ({@code body}) or, for a row written before the JSON format, the old payload.
     */
    final String outboxForErasure = "SELECT notification_id, recipient, status, body, payload FROM br_outbox "
            + "WHERE tenant_id = ? AND booking_id = ? FOR UPDATE";

    /**
     * Rewrites a row in the format it has: parameters (body, payload, tenant_id, notification_id), one of
     * body and payload NULL.
     */
    final String eraseOutboxPayload = "UPDATE br_outbox SET body = " + json() + ", payload = ? "
            + "WHERE tenant_id = ? AND notification_id = ?";

    final String dropOutboxRow = "DELETE FROM br_outbox WHERE tenant_id = ? AND notification_id = ?";

    private static final String OUTBOX_COLUMNS = "tenant_id, notification_id, booking_id, kind, recipient, body, "
            + "status, attempts, next_attempt_at, created_at";

    /** One outbox row; parameter 6 is its change's document (docs/OUTBOX.md), the old payload stays NULL. */
    final String insertOutbox = "INSERT INTO br_outbox (" + OUTBOX_COLUMNS + ") VALUES (?, ?, ?, ?, ?, " + json()
            + ", 'PENDING', 0, ?, ?)";

    /** {@link #insertChangeOutbox} for the common counts, built once: [rows]. */
    private final String[] insertChangeOutbox = new String[5];

    /** {@link #appendChange} for the common counts, built once: [events][notifications]. */
    private final String[][] appendChange = new String[4][5];

    final String outboxDelivered = "UPDATE br_outbox SET status = 'SENT', attempts = attempts + 1, "
            + "delivered_at = ?, last_error = NULL WHERE tenant_id = ? AND notification_id = ?";

    final String outboxFailed = "UPDATE br_outbox SET status = ?, attempts = ?, next_attempt_at = ?, last_error = ? "
            + "WHERE tenant_id = ? AND notification_id = ?";

    final String outboxByBooking = "SELECT notification_id, status, attempts, payload FROM br_outbox "
            + "WHERE tenant_id = ? AND booking_id = ? ORDER BY created_at, notification_id";

    final String insertIdempotencyKey = "INSERT INTO br_idempotency_key "
            + "(tenant_id, idem_key, fingerprint, booking_id, created_at) VALUES (?, ?, ?, ?, ?)";

    final String findIdempotencyKey = read("SELECT idem_key, fingerprint, booking_id, created_at FROM br_idempotency_key "
            + "WHERE tenant_id = ? AND idem_key = ?");

    /**
     * Deletes a key that has expired (created at or before the given instant), inside the insert
     * that replaces it: the row lock it takes makes a concurrent replacement wait, then find the
     * new key. Parameters (tenant_id, idem_key, expired_up_to).
     */
    final String deleteExpiredIdempotencyKey = "DELETE FROM br_idempotency_key "
            + "WHERE tenant_id = ? AND idem_key = ? AND created_at <= ?";

    // The cancellation list (WaitlistStore): entries with their history, holds and offers.

    static final String ENTRY_COLUMNS = "tenant_id, id, customer_id, customer_name, customer_email, customer_phone, "
            + "customer_language, service_id, service_name, resource_id, window_start, window_end, booking_id, status, "
            + "joined_at, version";

    static final String HOLD_COLUMNS = "tenant_id, id, resource_id, resource_name, resource_contact, service_id, "
            + "service_name, slot_start, slot_end, zone_id, freed_by, status, until_at, round, created_at, version";

    static final String OFFER_COLUMNS = "tenant_id, id, hold_id, entry_id, round, status, offered_at, deadline, "
            + "ended_at";

    final String findEntry = read("SELECT " + ENTRY_COLUMNS + " FROM br_waitlist_entry WHERE tenant_id = ? AND id = ?");

    final String customerEntries = read("SELECT " + ENTRY_COLUMNS
            + " FROM br_waitlist_entry WHERE tenant_id = ? AND customer_id = ? ORDER BY joined_at, id");

    /**
     * The candidates of a freed slot, earliest joined first: parameters (tenant_id, service_id,
     * resource_id, slot start, slot end, limit). Reads {@code br_waitlist_entry_candidates_ix} in its
     * order, so it stops at the limit instead of sorting every waiting entry of the service
     * ({@link #candidatesIndex()}, {@link #candidatesOrder()}).
     */
    final String waitingFor = read("SELECT " + ENTRY_COLUMNS + " FROM br_waitlist_entry" + candidatesIndex()
            + " WHERE tenant_id = ? AND service_id = ? AND status = 'WAITING' AND (resource_id IS NULL OR resource_id = ?) "
            + "AND window_start <= ? AND window_end >= ? ORDER BY " + candidatesOrder() + " LIMIT ?");

    /** Waiting entries of every tenant whose window has passed: parameters (now, limit). */
    final String passedEntries = read("SELECT " + ENTRY_COLUMNS + " FROM br_waitlist_entry "
            + "WHERE status = 'WAITING' AND window_end <= ? ORDER BY window_end, tenant_id, id LIMIT ?");

    final String insertEntry = "INSERT INTO br_waitlist_entry (" + ENTRY_COLUMNS + ") "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    /** Version-checked: the columns after (tenant_id, id) in {@link #ENTRY_COLUMNS} order, then tenant, id, version. */
    final String updateEntry = "UPDATE br_waitlist_entry SET customer_id = ?, customer_name = ?, customer_email = ?, "
            + "customer_phone = ?, customer_language = ?, service_id = ?, service_name = ?, resource_id = ?, "
            + "window_start = ?, window_end = ?, booking_id = ?, status = ?, joined_at = ?, version = ? "
            + "WHERE tenant_id = ? AND id = ? AND version = ?";

    /** An entry's last event's sequence number (none: no row). */
    final String lastEntryEvent = read("SELECT seq FROM br_waitlist_event WHERE tenant_id = ? AND entry_id = ? "
            + "ORDER BY seq DESC LIMIT 1");

    final String insertEntryEvent = "INSERT INTO br_waitlist_event (tenant_id, entry_id, seq, kind, actor_kind, "
            + "actor_id, at, offer_id, slot_start, slot_end, booking_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    final String entryHistory = read("SELECT kind, actor_kind, actor_id, at, offer_id, slot_start, slot_end, booking_id "
            + "FROM br_waitlist_event WHERE tenant_id = ? AND entry_id = ? ORDER BY seq");

    final String findHold = read("SELECT " + HOLD_COLUMNS + " FROM br_slot_hold WHERE tenant_id = ? AND id = ?");

    /** A resource's holds whose slot overlaps [start, end): parameters (tenant_id, resource_id, end, start). */
    final String holdsOfResource = read("SELECT " + HOLD_COLUMNS + " FROM br_slot_hold "
            + "WHERE tenant_id = ? AND resource_id = ? AND slot_start < ? AND slot_end > ? "
            + "ORDER BY slot_start, created_at, id");

    /** Open holds of every tenant whose round has ended: parameters (now, limit). */
    final String endedRounds = read("SELECT " + HOLD_COLUMNS + " FROM br_slot_hold "
            + "WHERE status = 'OPEN' AND until_at <= ? ORDER BY until_at, tenant_id, id LIMIT ?");

    final String insertHold = "INSERT INTO br_slot_hold (" + HOLD_COLUMNS + ") "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    /** Version-checked: the columns after (tenant_id, id) in {@link #HOLD_COLUMNS} order, then tenant, id, version. */
    final String updateHold = "UPDATE br_slot_hold SET resource_id = ?, resource_name = ?, resource_contact = ?, "
            + "service_id = ?, service_name = ?, slot_start = ?, slot_end = ?, zone_id = ?, freed_by = ?, status = ?, "
            + "until_at = ?, round = ?, created_at = ?, version = ? WHERE tenant_id = ? AND id = ? AND version = ?";

    final String findOffer = read("SELECT " + OFFER_COLUMNS + " FROM br_slot_offer WHERE tenant_id = ? AND id = ?");

    final String offersOfHold = read("SELECT " + OFFER_COLUMNS + " FROM br_slot_offer WHERE tenant_id = ? AND hold_id = ? "
            + "ORDER BY offered_at, round, id");

    final String insertOffer = "INSERT INTO br_slot_offer (" + OFFER_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";

    /** The columns after (tenant_id, id) in {@link #OFFER_COLUMNS} order, then tenant, id. */
    final String updateOffer = "UPDATE br_slot_offer SET hold_id = ?, entry_id = ?, round = ?, status = ?, "
            + "offered_at = ?, deadline = ?, ended_at = ? WHERE tenant_id = ? AND id = ?";

    static final String LINK_GUARD_COLUMNS = "generation, failures, window_start, locked_until, failure_times, "
            + "grant_times, lock_count, needs_new_link";

    /** The guard state of one booking's links, read without locking. */
    final String findLinkGuard = read("SELECT " + LINK_GUARD_COLUMNS
            + " FROM br_link_guard WHERE tenant_id = ? AND booking_id = ?");

    /** The guard row of one booking's links, locked for the changing transaction. */
    final String lockLinkGuard = "SELECT " + LINK_GUARD_COLUMNS
            + " FROM br_link_guard WHERE tenant_id = ? AND booking_id = ? FOR UPDATE";

    final String updateLinkGuard = "UPDATE br_link_guard SET generation = ?, failures = ?, window_start = ?, "
            + "locked_until = ?, failure_times = ?, grant_times = ?, lock_count = ?, needs_new_link = ? "
            + "WHERE tenant_id = ? AND booking_id = ?";

    /**
     * A read statement as this dialect must run it; the statement itself, except on H2.
     * Called while the fields above are initialized, so implementations must not use any state.
     *
     * @param select a SELECT with one top-level {@code FROM}, no {@code FOR UPDATE}
     * @return the statement to run
     */
    String read(String select) {
        return select;
    }

    /**
     * The outbox rows of one change in one statement, its document bound once, so that the database
     * reads and checks the JSON once for all the change's recipients. Its parameters are the document,
     * then each row's seven values: tenant, notification id, booking id, kind, recipient,
     * next attempt, created. H2 and PostgreSQL; MariaDB has no column names for a VALUES table, and
     * writes the rows as a batch of {@link #insertOutbox}.
     *
     * @param rows the change's notifications, 1 or more
     * @return the statement, or null on MariaDB
     */
    String insertChangeOutbox(int rows) {
        if (rows < 1) {
            throw new IllegalArgumentException("an outbox statement writes at least one row");
        }
        if (!valuesTakeColumnNames()) {
            return null;
        }
        boolean common = rows < insertChangeOutbox.length;
        String cached = common ? insertChangeOutbox[rows] : null;
        if (cached != null) {
            return cached;
        }
        StringBuilder statement = new StringBuilder("INSERT INTO br_outbox (").append(OUTBOX_COLUMNS)
                .append(") SELECT r.tenant_id, r.notification_id, r.booking_id, r.kind, r.recipient, d.body, ")
                .append("'PENDING', 0, r.next_attempt_at, r.created_at FROM (SELECT ").append(json())
                .append(" AS body) d, (VALUES ");
        rows(statement, "(?, ?, ?, ?, ?, ?, ?)", rows);
        String built = statement.append(") r (tenant_id, notification_id, booking_id, kind, recipient, ")
                .append("next_attempt_at, created_at)").toString();
        if (common) {
            // A benign race: two threads build equal strings; either may stay.
            insertChangeOutbox[rows] = built;
        }
        return built;
    }

    /**
     * Whether a VALUES table in FROM takes column names ({@code (VALUES ...) r (a, b)}), for
     * {@link #insertChangeOutbox}.
     *
     * @return true but on MariaDB
     */
    boolean valuesTakeColumnNames() {
        return true;
    }

    /**
     * One statement that appends a change's events and stores the outbox rows of its one document, on
     * a database that runs an INSERT inside WITH (PostgreSQL): a round trip fewer per change. Its
     * parameters are each event's ten of {@link #insertEvent}, then those of
     * {@link #insertChangeOutbox} when there are notifications.
     *
     * @param events the change's events, 0 or more
     * @param notifications the change's notifications, 0 or more, all of one document
     * @return the statement, or null where the events and the notifications go as two statements,
     *     or when there is nothing to write
     */
    String appendChange(int events, int notifications) {
        if (!insertsInWith() || events + notifications == 0) {
            return null;
        }
        if (events == 0) {
            return insertChangeOutbox(notifications);
        }
        boolean common = events < appendChange.length && notifications < appendChange[0].length;
        String cached = common ? appendChange[events][notifications] : null;
        if (cached != null) {
            return cached;
        }
        StringBuilder statement = new StringBuilder(notifications > 0 ? "WITH appended_events AS (" : "")
                .append(EVENT_INSERT);
        rows(statement, EVENT_VALUES, events);
        if (notifications > 0) {
            statement.append(") ").append(insertChangeOutbox(notifications));
        }
        String built = statement.toString();
        if (common) {
            appendChange[events][notifications] = built;
        }
        return built;
    }

    private static void rows(StringBuilder statement, String values, int count) {
        for (int i = 0; i < count; i++) {
            statement.append(i == 0 ? "" : ", ").append(values);
        }
    }

    /**
     * Whether the database runs an INSERT as a part of WITH, so that {@link #appendChange} writes two
     * tables in one statement.
     *
     * @return false unless the dialect says so
     */
    boolean insertsInWith() {
        return false;
    }

    /**
     * The parameter marker of a JSON value bound as text ({@code setString}): what the dialect needs
     * to store it in the {@code body} column ({@code *__outbox_json.sql}) as JSON, not as a JSON
     * string holding the text. Called while the fields above are initialized, so implementations must
     * not use any state.
     *
     * @return the marker, {@code ?} where the column takes text as it is
     */
    String json() {
        return "?";
    }

    /**
     * The condition that picks one resource's active (PENDING or CONFIRMED) bookings, with one
     * parameter, the resource id, written so that the database reads them through the
     * active-bookings index of the schema file {@code *__active_bookings_index.sql}
     * ({@code br_booking_active_ix}) and not through the resource's past. On PostgreSQL that index
     * is partial, with this very status filter as its predicate; on MariaDB it leads with
     * (tenant_id, resource_id, status), so the IN list is one range per status. Called while the
     * fields above are initialized, so implementations must not use any state.
     *
     * @return the condition
     */
    String activeBookingsOfResource() {
        return "resource_id = ? AND status IN ('PENDING', 'CONFIRMED')";
    }

    /** The text of {@link #slotTaken} or, excepting a stored booking, {@link #slotTakenForChange}. */
    private String slotTaken(boolean exceptBooking) {
        return "SELECT 1 WHERE EXISTS (" + read("SELECT 1 FROM br_booking WHERE tenant_id = ? AND "
                + activeBookingsOfResource() + (exceptBooking ? " AND id <> ?" : "")
                + " AND slot_start < ? AND slot_end > ?") + ") OR EXISTS (" + read("SELECT 1 FROM br_slot_hold "
                + "WHERE tenant_id = ? AND resource_id = ? AND status = 'OPEN' AND slot_start < ? AND slot_end > ? "
                + "AND until_at > ? AND id <> ?") + ")";
    }

    /**
     * What follows the table in {@link #waitingFor} so that the database reads the candidates through
     * {@code br_waitlist_entry_candidates_ix}, in the order of joining: nothing on PostgreSQL, whose
     * planner finds it; a hint on H2 and MariaDB, whose optimizers sort instead. Called
     * while the fields above are initialized, so implementations must not use any state.
     *
     * @return the table hint, or empty
     */
    String candidatesIndex() {
        return "";
    }

    /**
     * The order of {@link #waitingFor}: the order of joining. Called while the fields above are
     * initialized, so implementations must not use any state.
     *
     * @return the ORDER BY list
     */
    String candidatesOrder() {
        return "joined_at, id";
    }

    /**
     * Creates the lock row of a resource if it is missing, without failing or waiting long when it
     * exists.
     *
     * @return the statement, with parameters (tenant_id, resource_id)
     */
    abstract String ensureResourceLock();

    /**
     * Creates the guard row of a booking's links in its initial state (generation 0, no failures)
     * if it is missing; never changes a row that exists. On H2 a concurrent creation of the same row
     * may still fail as a uniqueness violation, which the caller takes as "the row exists".
     *
     * @return the statement, with parameters (tenant_id, booking_id)
     */
    abstract String ensureLinkGuard();

    /**
     * Due outbox rows, oldest first, locked for the claiming transaction; rows another relay holds
     * are skipped, not waited for, so two relays never take the same row.
     *
     * @return the statement, with parameters (now, limit), selecting
     *     (tenant_id, notification_id, kind, body, payload, attempts)
     */
    String claimOutbox() {
        return "SELECT tenant_id, notification_id, kind, body, payload, attempts FROM br_outbox "
                + "WHERE status = 'PENDING' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ? "
                + "FOR UPDATE SKIP LOCKED";
    }

    /**
     * Binds an instant, or SQL NULL.
     *
     * @param statement the statement
     * @param index the parameter index
     * @param instant the instant, may be null
     * @throws SQLException from the driver
     */
    void bindInstant(PreparedStatement statement, int index, Instant instant) throws SQLException {
        if (instant == null) {
            statement.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            statement.setObject(index, instant.atOffset(ZoneOffset.UTC));
        }
    }

    /**
     * Binds an instant of an appointment table's row: at the offset the zone has at that instant,
     * as an EHR stores its own times where the column keeps an offset (H2); the same instant either
     * way where it does not (PostgreSQL). On MariaDB, UTC, as {@link #bindInstant}.
     *
     * @param statement the statement
     * @param index the parameter index
     * @param instant the instant, may be null
     * @param zone the clinic's zone, not null
     * @throws SQLException from the driver
     */
    void bindInstant(PreparedStatement statement, int index, Instant instant, ZoneId zone) throws SQLException {
        if (instant == null) {
            statement.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            statement.setObject(index, instant.atZone(zone).toOffsetDateTime());
        }
    }

    /**
     * Reads an instant.
     *
     * @param rows the result set on a row
     * @param column the column label
     * @return the instant, or null for SQL NULL
     * @throws SQLException from the driver
     */
    Instant readInstant(ResultSet rows, String column) throws SQLException {
        OffsetDateTime value = rows.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    /**
     * Whether a failure is a uniqueness violation (a key or unique constraint).
     *
     * @param e the failure
     * @return true if so
     */
    boolean isUniqueViolation(SQLException e) {
        return "23505".equals(e.getSQLState());
    }

    /**
     * Whether a failure is the database refusing an overlapping slot by constraint.
     *
     * @param e the failure
     * @return true if so
     */
    boolean isOverlapViolation(SQLException e) {
        return false;
    }

    /**
     * Whether a failure is a deadlock or serialization failure, after which the whole transaction
     * may be run again.
     *
     * @param e the failure
     * @return true if so
     */
    boolean isRetryable(SQLException e) {
        String state = e.getSQLState();
        return "40001".equals(state) || "40P01".equals(state);
    }

    // ------------------------------------------------------------------------- retention (Retention)
    //
    // Each batch selects the keys of up to `limit` deletable rows, locking them and skipping rows
    // another transaction holds (a relay, a booking, another node's retention), then deletes them by
    // primary key, all in one short transaction. No ORDER BY: on H2 it would lock every matching row
    // (see claimOutbox), and any deletable row will do.

    /**
     * Delivered outbox rows whose delivery is older than a cut-off, locked; PENDING and PARKED rows
     * never match.
     *
     * @return the statement, with parameters (delivered_before, limit), selecting
     *     (tenant_id, notification_id)
     */
    String retentionSentOutbox() {
        return "SELECT tenant_id, notification_id FROM br_outbox WHERE status = 'SENT' AND delivered_at < ? "
                + "LIMIT ? FOR UPDATE SKIP LOCKED";
    }

    /** Deletes one delivered outbox row; parameters (tenant_id, notification_id). */
    final String retentionDeleteOutbox = "DELETE FROM br_outbox WHERE tenant_id = ? AND notification_id = ? "
            + "AND status = 'SENT'";

    /**
     * Idempotency keys stored before a cut-off, locked.
     *
     * @return the statement, with parameters (created_before, limit), selecting (tenant_id, idem_key)
     */
    String retentionIdempotencyKeys() {
        return "SELECT tenant_id, idem_key FROM br_idempotency_key WHERE created_at < ? LIMIT ? FOR UPDATE SKIP LOCKED";
    }

    /** Deletes one idempotency key; parameters (tenant_id, idem_key). */
    final String retentionDeleteIdempotencyKey = "DELETE FROM br_idempotency_key WHERE tenant_id = ? AND idem_key = ?";

    /** The rule {@link #retentionLinkGuards()} deletes by, without the lock clause. */
    static final String RETENTION_LINK_GUARDS = "SELECT g.tenant_id, g.booking_id FROM br_link_guard g "
            + "WHERE (g.locked_until IS NULL OR g.locked_until < ?) AND EXISTS (SELECT 1 FROM br_booking b "
            + "WHERE b.tenant_id = g.tenant_id AND b.id = g.booking_id AND b.status NOT IN ('PENDING', 'CONFIRMED') "
            + "AND b.slot_end < ? AND b.updated_at < ?) LIMIT ?";

    /**
     * Link guard rows of finished bookings, locked: the booking row exists, is not active, and both
     * its slot's end and its last change are older than a cut-off; no lockout is running. Only the
     * guard rows are locked, never the booking rows.
     *
     * @return the statement, with parameters (now, ended_before, changed_before, limit), selecting
     *     (tenant_id, booking_id)
     */
    String retentionLinkGuards() {
        // MariaDB and H2 lock the rows of the outer table only; a subquery's rows are read.
        return RETENTION_LINK_GUARDS + " FOR UPDATE SKIP LOCKED";
    }

    /** Deletes one link guard row; parameters (tenant_id, booking_id). */
    final String retentionDeleteLinkGuard = "DELETE FROM br_link_guard WHERE tenant_id = ? AND booking_id = ?";

    private static final class H2Sql extends Sql {
        /**
         * Adds a non-deterministic column, so that H2 evaluates the query every time instead of
         * answering a repeat from its per-session result cache: that cache can hand back rows older
         * than another session's commit (h2database issues 3894 and 4208; seen here on 2.3.232 and
         * 2.4.240 as a stale "no idempotency key" after the key's booking was visible, so a retried
         * request was refused SLOT_UNAVAILABLE). Rows are read by column label, or by index before
         * this last column, so the extra column is ignored.
         */
        @Override
        String read(String select) {
            int from = select.indexOf(" FROM ");
            return select.substring(0, from) + ", RAND() AS br_no_result_reuse" + select.substring(from);
        }

        /**
         * H2 has no partial index and does not narrow an index scan by an IN list after the resource:
         * the generated column {@code active_resource_id} (V4) is the resource id of an active booking
         * and NULL otherwise, and its index holds the active bookings first. The status filter is in
         * the column's definition; repeating it here would only offer H2 the reminder index.
         */
        @Override
        String activeBookingsOfResource() {
            return "active_resource_id = ?";
        }

        /**
         * H2 costs the passed-entries index (status, window_end) as cheaper, reads every waiting entry
         * whose window ends after the slot, of every tenant and service, and sorts them; the candidates
         * index yields the tenant's and service's waiting entries already in order and stops at the limit.
         */
        @Override
        String candidatesIndex() {
            return " USE INDEX (br_waitlist_entry_candidates_ix)";
        }

        /**
         * The same order, named from the index's first column (the three the WHERE fixes, then the
         * order of joining): H2 sees that the index gives it only when the ORDER BY starts where the
         * index does.
         */
        @Override
        String candidatesOrder() {
            return "tenant_id, service_id, status, joined_at, id";
        }

        /** A plain marker would store the text as one JSON string; FORMAT JSON parses it (and checks it). */
        @Override
        String json() {
            return "? FORMAT JSON";
        }

        @Override
        String ensureResourceLock() {
            return "MERGE INTO br_resource_lock (tenant_id, resource_id) KEY (tenant_id, resource_id) VALUES (?, ?)";
        }

        @Override
        String ensureLinkGuard() {
            // Not MERGE ... KEY, which would reset an existing row's counts: insert only when missing.
            // The casts are unbounded: a cast to VARCHAR(64) would silently cut a longer id, which must
            // fail as too long instead.
            return "MERGE INTO br_link_guard g USING (VALUES (CAST(? AS VARCHAR), CAST(? AS VARCHAR))) "
                    + "AS k (tenant_id, booking_id) ON g.tenant_id = k.tenant_id AND g.booking_id = k.booking_id "
                    + "WHEN NOT MATCHED THEN INSERT (tenant_id, booking_id, generation, failures) "
                    + "VALUES (k.tenant_id, k.booking_id, 0, 0)";
        }

        @Override
        String claimOutbox() {
            // H2 2.3 accepts SKIP LOCKED, but with an ORDER BY it locks every matching row while it
            // scans, before sorting and cutting at the LIMIT: one relay then holds all due rows and
            // the other finds none. Without ORDER BY the scan stops at the LIMIT and skips locked
            // rows as it goes. The (status, next_attempt_at) index it scans still yields the oldest
            // rows first in practice; exactly-once does not depend on the order.
            return "SELECT tenant_id, notification_id, kind, body, payload, attempts FROM br_outbox "
                    + "WHERE status = 'PENDING' AND next_attempt_at <= ? LIMIT ? FOR UPDATE SKIP LOCKED";
        }

        @Override
        boolean isRetryable(SQLException e) {
            // H2 reports a deadlock as 40001 and a lock timeout as HYT00.
            return super.isRetryable(e) || "HYT00".equals(e.getSQLState());
        }
    }

    private static final class PostgresSql extends Sql {
        /** The driver sends a string as varchar, which PostgreSQL does not turn into jsonb by itself. */
        @Override
        String json() {
            return "CAST(? AS jsonb)";
        }

        @Override
        boolean insertsInWith() {
            return true;
        }

        @Override
        String ensureResourceLock() {
            return "INSERT INTO br_resource_lock (tenant_id, resource_id) VALUES (?, ?) ON CONFLICT DO NOTHING";
        }

        @Override
        String ensureLinkGuard() {
            return "INSERT INTO br_link_guard (tenant_id, booking_id, generation, failures) VALUES (?, ?, 0, 0) "
                    + "ON CONFLICT DO NOTHING";
        }

        @Override
        boolean isOverlapViolation(SQLException e) {
            // exclusion_violation from the btree_gist constraint of V2__overlap_guard.sql.
            return "23P01".equals(e.getSQLState());
        }

        @Override
        String retentionLinkGuards() {
            // Named, so that only the guard rows are locked, never a booking row.
            return RETENTION_LINK_GUARDS + " FOR UPDATE OF g SKIP LOCKED";
        }
    }

    private static final class MariaDbSql extends Sql {

        @Override
        boolean valuesTakeColumnNames() {
            return false;
        }

        /**
         * MariaDB's optimizer reads the tenant's rows by the primary key and sorts every one that
         * matches (a filesort that grows with the list); the candidates index yields the tenant's and
         * service's waiting entries already in order and stops at the limit. (Its ORDER BY stays the
         * order of joining alone: naming the fixed columns too makes MariaDB sort, because the
         * driver's connection collation differs from the columns'.)
         */
        @Override
        String candidatesIndex() {
            return " FORCE INDEX (br_waitlist_entry_candidates_ix)";
        }
        @Override
        String ensureResourceLock() {
            // ON DUPLICATE KEY, not INSERT IGNORE, which would also store an over-long id cut short.
            return "INSERT INTO br_resource_lock (tenant_id, resource_id) VALUES (?, ?) "
                    + "ON DUPLICATE KEY UPDATE resource_id = resource_id";
        }

        @Override
        String ensureLinkGuard() {
            // Not INSERT IGNORE: it also turns "data too long" into a warning and stores a cut id, under
            // which two long ids would share one row. The no-op update ignores only the duplicate.
            return "INSERT INTO br_link_guard (tenant_id, booking_id, generation, failures) VALUES (?, ?, 0, 0) "
                    + "ON DUPLICATE KEY UPDATE tenant_id = tenant_id";
        }

        @Override
        void bindInstant(PreparedStatement statement, int index, Instant instant) throws SQLException {
            // DATETIME(6) has no zone: store the UTC wall time, whatever the session time zone is.
            if (instant == null) {
                statement.setNull(index, Types.TIMESTAMP);
            } else {
                statement.setObject(index, LocalDateTime.ofInstant(instant, ZoneOffset.UTC));
            }
        }

        @Override
        void bindInstant(PreparedStatement statement, int index, Instant instant, ZoneId zone) throws SQLException {
            bindInstant(statement, index, instant);
        }

        @Override
        Instant readInstant(ResultSet rows, String column) throws SQLException {
            LocalDateTime value = rows.getObject(column, LocalDateTime.class);
            return value == null ? null : value.toInstant(ZoneOffset.UTC);
        }

        @Override
        boolean isUniqueViolation(SQLException e) {
            return "23000".equals(e.getSQLState()) && e.getErrorCode() == 1062;
        }

        @Override
        boolean isRetryable(SQLException e) {
            // 1213 deadlock, 1205 lock wait timeout.
            return super.isRetryable(e) || e.getErrorCode() == 1213 || e.getErrorCode() == 1205;
        }
    }
}
