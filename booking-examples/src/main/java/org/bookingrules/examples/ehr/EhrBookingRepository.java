package org.bookingrules.examples.ehr;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.bookingrules.jdbc.BookingStorageException;
import org.bookingrules.model.Actor;
import org.bookingrules.model.Booking;
import org.bookingrules.model.BookingEvent;
import org.bookingrules.model.BookingStatus;
import org.bookingrules.model.CustomerDetails;
import org.bookingrules.internal.Ids;
import org.bookingrules.model.PaymentStatus;
import org.bookingrules.model.ReminderState;
import org.bookingrules.model.Resource;
import org.bookingrules.model.Service;
import org.bookingrules.spi.BookingChange;
import org.bookingrules.spi.BookingRepository;
import org.bookingrules.spi.IdempotencyKey;
import org.bookingrules.spi.Notification;
import org.bookingrules.spi.SaveResult;
import org.bookingrules.spi.SlotClaim;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.threeten.extra.Interval;

/**
 * A {@link BookingRepository} over an EHR's existing tables ({@code patients}, {@code appointments};
 * see {@code ehr/ehr-schema.sql}), so a clinic gets Booking Rules' self-service rules without
 * migrating its appointments anywhere. An example adapter for H2; thread-safe.
 *
 * <p><b>What lives where.</b> The appointment itself stays the EHR's row: patient, practitioner,
 * service code, start and end, and the status, written with the EHR's own codes
 * ({@link EhrStatusCode}: {@code SC CF CX NS DN DC}). The booking's version <em>is</em> the EHR's
 * {@code version} column, so a change the EHR makes itself (its front desk confirming by phone)
 * makes a concurrent Booking Rules change lose its version check, and the facade decides again
 * on fresh state. The customer is the EHR's patient. What the EHR has no column for lives in side
 * tables of this adapter's own ({@code ehr/booking-rules-side-tables.sql}, created by
 * {@link #createSideTables}): the tenant, booking id and confirmation code, the display zone,
 * payment, reschedule count, who confirmed, the reminder state, the history events, the
 * notifications and the idempotency keys. The EHR's tables are never altered, and a change writes
 * only {@code status_code} and {@code version} of its row, plus the practitioner and times when a
 * booking moves.
 *
 * <p><b>Appointments the EHR made.</b> An appointment with no side row belongs to the
 * {@linkplain Builder#homeTenant home tenant}; its booking id is its {@code appt_id} (so booking ids
 * made of digits only are reserved for them), its confirmation code is {@code E0} followed by the
 * {@code appt_id} (random codes never contain a 0), it is unpaid, shown in the
 * {@linkplain Builder#zone clinic's zone}, and has no reminder armed and no history: the EHR sends
 * its own reminders. A confirmed one counts as confirmed by {@code Actor.staff("ehr")}
 * ({@link #EHR_STAFF_ID}), as does one the EHR confirmed after Booking Rules last wrote it. The
 * first change through Booking Rules writes its side row ("adopts" it), under the same ids.
 *
 * <p><b>Customers are patients.</b> A booking's customer id is the {@code patient_id}; name, e-mail,
 * phone and language are read from {@code patients} every time, so the identity check of a manage
 * link compares with the EHR's current e-mail. A booking for a customer the EHR does not know
 * registers them as a patient (as the EHR's own booking screen would); for a known patient the
 * EHR's record wins and is never overwritten.
 *
 * <p><b>No double booking.</b> A write that claims its slot locks the practitioner's row in
 * {@code br_ehr_practitioner_lock} ({@code SELECT ... FOR UPDATE}), checks the practitioner's active
 * appointments ({@code SC}, {@code CF}) for an overlap and writes, in one transaction. The EHR's own
 * booking screen does not take that lock; if it can book at the same moment, make it take the same
 * lock, or lock the practitioner's appointment rows instead.
 *
 * <p><b>Tenants.</b> An EHR database is one clinic: its own appointments are the home tenant's.
 * Bookings made through Booking Rules for other tenants are kept apart by the side table's
 * {@code tenant_id}, so the adapter keeps the library's tenant guarantees (a practitioner id in
 * another tenant is another practitioner).
 *
 * <p>Notifications are recorded in {@code br_ehr_notification}; delivery is the facade's notifier's
 * job ({@code BookingRules.builder().notifier(...)}), as there is no outbox relay for this schema.
 * Logs carry appointment and booking ids only.
 */
public final class EhrBookingRepository implements BookingRepository {

    /** The staff id that stands for the EHR itself, for confirmations the EHR made. */
    public static final String EHR_STAFF_ID = "ehr";
    /** Where this adapter's side tables are defined, on the classpath. */
    public static final String SIDE_TABLES_SCRIPT = "ehr/booking-rules-side-tables.sql";

    private static final Logger LOG = LoggerFactory.getLogger(EhrBookingRepository.class);
    private static final int MAX_TRANSACTION_ATTEMPTS = 5;
    private static final Pattern DIGITS = Pattern.compile("[1-9][0-9]{0,17}");
    private static final Pattern DERIVED_CODE = Pattern.compile("E0([1-9][0-9]{0,13})");
    private static final long NO_APPOINTMENT = -1;

    // ------------------------------------------------------------------------------------- SQL

    private static final String SELECT_BOOKING = "SELECT a.appt_id, a.patient_id, a.practitioner_id, "
            + "a.practitioner_name, a.service_code, a.starts_at, a.ends_at, a.status_code, a.version, a.booked_at, "
            + "p.full_name, p.email, p.phone, p.lang, "
            + "s.appt_id AS side_appt_id, s.tenant_id, s.booking_id, s.confirmation_code, s.zone_id, s.service_name, "
            + "s.resource_contact, s.payment_status, s.customer_reschedules, s.confirmed_by_kind, s.confirmed_by_id, "
            + "s.reminder_due_at, s.reminder_sent_at, s.ehr_version, s.updated_at "
            + "FROM appointments a "
            + "LEFT JOIN br_ehr_booking s ON s.appt_id = a.appt_id "
            + "LEFT JOIN patients p ON p.patient_id = a.patient_id ";
    /** The tenant of an appointment: its side row's, else the home tenant (parameters: home, tenant). */
    private static final String IN_TENANT = "COALESCE(s.tenant_id, ?) = ? ";
    private static final String ACTIVE = "a.status_code IN ('SC', 'CF') ";

    private static final String FIND_ADOPTED = SELECT_BOOKING + "WHERE s.tenant_id = ? AND s.booking_id = ?";
    private static final String FIND_ADOPTED_BY_CODE = SELECT_BOOKING
            + "WHERE s.tenant_id = ? AND s.confirmation_code = ?";
    private static final String FIND_EHR_BORN = SELECT_BOOKING + "WHERE a.appt_id = ? AND s.appt_id IS NULL";
    private static final String CALENDAR = SELECT_BOOKING + "WHERE a.practitioner_id = ? AND " + IN_TENANT
            + "AND " + ACTIVE + "AND a.starts_at < ? AND a.ends_at > ? ORDER BY a.starts_at, a.appt_id";
    private static final String CUSTOMER_BOOKINGS = SELECT_BOOKING + "WHERE a.patient_id = ? AND " + IN_TENANT
            + "ORDER BY a.starts_at, a.appt_id";
    private static final String DUE_REMINDERS = SELECT_BOOKING + "WHERE s.reminder_sent_at IS NULL "
            + "AND s.reminder_due_at <= ? AND a.status_code = 'SC' AND a.starts_at > ? "
            + "ORDER BY s.reminder_due_at, a.appt_id LIMIT ?";

    private static final String LOCATE_ADOPTED = "SELECT a.appt_id, a.practitioner_id, a.starts_at, a.ends_at "
            + "FROM br_ehr_booking s JOIN appointments a ON a.appt_id = s.appt_id "
            + "WHERE s.tenant_id = ? AND s.booking_id = ?";
    private static final String LOCATE_EHR_BORN = "SELECT a.appt_id, a.practitioner_id, a.starts_at, a.ends_at "
            + "FROM appointments a WHERE a.appt_id = ? "
            + "AND NOT EXISTS (SELECT 1 FROM br_ehr_booking s WHERE s.appt_id = a.appt_id)";
    private static final String CODE_EXISTS = "SELECT 1 FROM br_ehr_booking WHERE tenant_id = ? "
            + "AND confirmation_code = ?";
    private static final String OVERLAP_EXISTS = "SELECT a.appt_id FROM appointments a "
            + "LEFT JOIN br_ehr_booking s ON s.appt_id = a.appt_id "
            + "WHERE a.practitioner_id = ? AND " + IN_TENANT + "AND " + ACTIVE
            + "AND a.starts_at < ? AND a.ends_at > ? AND a.appt_id <> ? LIMIT 1";

    private static final String PATIENT_EXISTS = "SELECT 1 FROM patients WHERE patient_id = ?";
    private static final String INSERT_PATIENT = "INSERT INTO patients (patient_id, full_name, email, phone, lang) "
            + "VALUES (?, ?, ?, ?, ?)";
    private static final String INSERT_APPOINTMENT = "INSERT INTO appointments (patient_id, practitioner_id, "
            + "practitioner_name, service_code, starts_at, ends_at, status_code, version, booked_at) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String UPDATE_STATUS = "UPDATE appointments SET status_code = ?, version = ? "
            + "WHERE appt_id = ? AND version = ?";
    private static final String UPDATE_SLOT = "UPDATE appointments SET practitioner_id = ?, practitioner_name = ?, "
            + "starts_at = ?, ends_at = ? WHERE appt_id = ?";

    private static final String INSERT_SIDE = "INSERT INTO br_ehr_booking (appt_id, tenant_id, booking_id, "
            + "confirmation_code, zone_id, service_name, resource_contact, payment_status, customer_reschedules, "
            + "confirmed_by_kind, confirmed_by_id, reminder_due_at, reminder_sent_at, ehr_version, updated_at) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String UPDATE_SIDE = "UPDATE br_ehr_booking SET zone_id = ?, service_name = ?, "
            + "resource_contact = ?, payment_status = ?, customer_reschedules = ?, confirmed_by_kind = ?, "
            + "confirmed_by_id = ?, reminder_due_at = ?, reminder_sent_at = ?, ehr_version = ?, updated_at = ? "
            + "WHERE appt_id = ?";

    private static final String INSERT_EVENT = "INSERT INTO br_ehr_event (tenant_id, booking_id, seq, kind, "
            + "actor_kind, actor_id, at, from_status, to_status, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String HISTORY = "SELECT kind, actor_kind, actor_id, at, from_status, to_status, details "
            + "FROM br_ehr_event WHERE tenant_id = ? AND booking_id = ? ORDER BY seq";
    private static final String INSERT_NOTIFICATION = "INSERT INTO br_ehr_notification (tenant_id, notification_id, "
            + "booking_id, kind, recipient, locale, personal_message, manage_link, created_at) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_IDEMPOTENCY_KEY = "INSERT INTO br_ehr_idempotency_key (tenant_id, idem_key, "
            + "fingerprint, booking_id, created_at) VALUES (?, ?, ?, ?, ?)";
    private static final String FIND_IDEMPOTENCY_KEY = "SELECT idem_key, fingerprint, booking_id "
            + "FROM br_ehr_idempotency_key WHERE tenant_id = ? AND idem_key = ?";

    /** H2's insert-if-missing; run on its own, in auto-commit, before the transaction locks the row. */
    private static final String ENSURE_LOCK_ROW = "MERGE INTO br_ehr_practitioner_lock (practitioner_id) "
            + "KEY (practitioner_id) VALUES (?)";
    private static final String LOCK_PRACTITIONER = "SELECT practitioner_id FROM br_ehr_practitioner_lock "
            + "WHERE practitioner_id = ? FOR UPDATE";

    // ---------------------------------------------------------------------------------- state

    private final DataSource dataSource;
    private final String homeTenant;
    private final ZoneId zone;
    private final Locale defaultLanguage;
    private final Function<String, String> practitionerContact;
    private final Function<String, String> serviceName;

    private EhrBookingRepository(Builder b) {
        this.dataSource = b.dataSource;
        this.homeTenant = Ids.require(b.homeTenant, "homeTenant");
        this.zone = Objects.requireNonNull(b.zone, "zone");
        this.defaultLanguage = b.defaultLanguage;
        this.practitionerContact = b.practitionerContact;
        this.serviceName = b.serviceName;
    }

    /**
     * A builder over the EHR's database. The home tenant and the clinic's zone are required.
     *
     * @param dataSource the EHR's database, not null; its tables and this adapter's side tables
     *     ({@link #createSideTables}) must exist
     * @return a new builder
     */
    public static Builder builder(DataSource dataSource) {
        return new Builder(Objects.requireNonNull(dataSource, "dataSource"));
    }

    /**
     * Creates this adapter's side tables next to the EHR's, if missing (they are all named
     * {@code br_ehr_*}). Touches no EHR table. Safe to run again.
     *
     * @param dataSource the EHR's database, not null
     * @throws BookingStorageException if a statement fails
     */
    public static void createSideTables(DataSource dataSource) {
        SqlScript.run(Objects.requireNonNull(dataSource, "dataSource"), SIDE_TABLES_SCRIPT);
    }

    /** @return the tenant the EHR's own appointments belong to */
    public String homeTenant() {
        return homeTenant;
    }

    // ----------------------------------------------------------------------------------- reads

    @Override
    public Optional<Booking> find(String tenantId, String bookingId) {
        return read("find", c -> {
            Optional<Booking> adopted = one(c, FIND_ADOPTED, tenantId, bookingId);
            if (adopted.isPresent() || !isEhrBornId(tenantId, bookingId)) {
                return adopted;
            }
            return oneEhrBorn(c, Long.parseLong(bookingId));
        });
    }

    @Override
    public Optional<Booking> findByConfirmationCode(String tenantId, String confirmationCode) {
        return read("findByConfirmationCode", c -> {
            Optional<Booking> adopted = one(c, FIND_ADOPTED_BY_CODE, tenantId, confirmationCode);
            if (adopted.isPresent() || !homeTenant.equals(tenantId)) {
                return adopted;
            }
            Matcher derived = DERIVED_CODE.matcher(confirmationCode);
            return derived.matches() ? oneEhrBorn(c, Long.parseLong(derived.group(1))) : Optional.empty();
        });
    }

    @Override
    public Optional<IdempotencyKey> findIdempotencyKey(String tenantId, String key) {
        return read("findIdempotencyKey", c -> idempotencyKey(c, tenantId, key));
    }

    @Override
    public List<Booking> calendar(String tenantId, String resourceId, Interval interval) {
        return read("calendar", c -> {
            try (PreparedStatement s = c.prepareStatement(CALENDAR)) {
                s.setString(1, resourceId);
                s.setString(2, homeTenant);
                s.setString(3, tenantId);
                bindInstant(s, 4, interval.getEnd());
                bindInstant(s, 5, interval.getStart());
                return bookings(s);
            }
        });
    }

    @Override
    public List<Booking> customerBookings(String tenantId, String customerId) {
        return read("customerBookings", c -> {
            try (PreparedStatement s = c.prepareStatement(CUSTOMER_BOOKINGS)) {
                s.setString(1, customerId);
                s.setString(2, homeTenant);
                s.setString(3, tenantId);
                return bookings(s);
            }
        });
    }

    @Override
    public List<BookingEvent> history(String tenantId, String bookingId) {
        return read("history", c -> {
            try (PreparedStatement s = c.prepareStatement(HISTORY)) {
                s.setString(1, tenantId);
                s.setString(2, bookingId);
                List<BookingEvent> events = new ArrayList<>();
                try (ResultSet rows = s.executeQuery()) {
                    while (rows.next()) {
                        String from = rows.getString("from_status");
                        events.add(EhrCodec.event(rows.getString("kind"),
                                EhrCodec.actor(rows.getString("actor_kind"), rows.getString("actor_id")),
                                instant(rows, "at"), from == null ? null : BookingStatus.valueOf(from),
                                BookingStatus.valueOf(rows.getString("to_status")), rows.getString("details")));
                    }
                }
                return List.copyOf(events);
            }
        });
    }

    /**
     * {@inheritDoc}
     *
     * <p>Only bookings with a side row can have a reminder armed: the EHR's own appointments are
     * reminded by the EHR.
     */
    @Override
    public List<Booking> dueReminders(Instant now, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be 1 or more, was " + limit);
        }
        return read("dueReminders", c -> {
            try (PreparedStatement s = c.prepareStatement(DUE_REMINDERS)) {
                bindInstant(s, 1, now);
                bindInstant(s, 2, now);
                s.setInt(3, limit);
                return bookings(s);
            }
        });
    }

    // ---------------------------------------------------------------------------------- writes

    @Override
    public SaveResult insert(BookingChange change) {
        Objects.requireNonNull(change, "change");
        if (!change.isInsert()) {
            throw new IllegalArgumentException("insert needs a new booking (expectedVersion 0)");
        }
        Booking b = change.booking();
        if (homeTenant.equals(b.tenantId()) && DIGITS.matcher(b.id()).matches()) {
            throw new IllegalArgumentException("booking ids of digits only are the EHR's appointment ids in tenant "
                    + homeTenant + ": " + b.id());
        }
        return write("insert", change, c -> {
            if (locate(c, b.tenantId(), b.id()).isPresent()) {
                throw new IllegalArgumentException("booking id already used in tenant: " + b.id());
            }
            if (codeTaken(c, b.tenantId(), b.confirmationCode())) {
                return SaveResult.CODE_TAKEN;
            }
            IdempotencyKey idempotency = change.idempotency();
            if (idempotency != null && idempotencyKey(c, b.tenantId(), idempotency.key()).isPresent()) {
                return SaveResult.IDEMPOTENCY_KEY_TAKEN;
            }
            if (claims(change) && overlaps(c, b, NO_APPOINTMENT)) {
                return SaveResult.SLOT_TAKEN;
            }
            b.customer().ifPresent(customer -> registerPatientIfNew(c, customer));
            long apptId = insertAppointment(c, b);
            insertSide(c, apptId, b);
            if (idempotency != null) {
                try (PreparedStatement s = c.prepareStatement(INSERT_IDEMPOTENCY_KEY)) {
                    s.setString(1, b.tenantId());
                    s.setString(2, idempotency.key());
                    s.setString(3, idempotency.fingerprint());
                    s.setString(4, b.id());
                    bindInstant(s, 5, b.createdAt());
                    s.executeUpdate();
                }
            }
            appendEventsAndNotifications(c, change);
            LOG.debug("booking={} stored as EHR appointment {}", b.id(), apptId);
            return SaveResult.SAVED;
        });
    }

    @Override
    public SaveResult update(BookingChange change) {
        Objects.requireNonNull(change, "change");
        if (change.isInsert()) {
            throw new IllegalArgumentException("update needs an expected version above 0");
        }
        Booking b = change.booking();
        return write("update", change, c -> {
            Optional<Row> located = locate(c, b.tenantId(), b.id());
            if (located.isEmpty()) {
                return SaveResult.VERSION_CONFLICT;
            }
            Row row = located.get();
            if (claims(change) && overlaps(c, b, row.apptId())) {
                return SaveResult.SLOT_TAKEN;
            }
            // The EHR's own version column decides: a change the EHR made meanwhile raised it.
            try (PreparedStatement s = c.prepareStatement(UPDATE_STATUS)) {
                s.setString(1, EhrStatusCode.of(b.status()).code());
                s.setLong(2, b.version());
                s.setLong(3, row.apptId());
                s.setLong(4, change.expectedVersion());
                if (s.executeUpdate() == 0) {
                    return SaveResult.VERSION_CONFLICT;
                }
            }
            if (!row.practitionerId().equals(b.resource().id()) || !row.start().equals(b.start())
                    || !row.end().equals(b.end())) {
                try (PreparedStatement s = c.prepareStatement(UPDATE_SLOT)) {
                    s.setString(1, b.resource().id());
                    s.setString(2, b.resource().name());
                    bindInstant(s, 3, b.start());
                    bindInstant(s, 4, b.end());
                    s.setLong(5, row.apptId());
                    s.executeUpdate();
                }
            }
            if (row.adopted()) {
                updateSide(c, row.apptId(), b);
            } else {
                insertSide(c, row.apptId(), b);
                LOG.debug("EHR appointment {} adopted as booking={}", row.apptId(), b.id());
            }
            appendEventsAndNotifications(c, change);
            return SaveResult.SAVED;
        });
    }

    private static boolean claims(BookingChange change) {
        return change.slotClaim() == SlotClaim.EXCLUSIVE && change.booking().isActive();
    }

    /** Where a booking is: its appointment row, and whether it has a side row yet. */
    private record Row(long apptId, boolean adopted, String practitionerId, Instant start, Instant end) {
    }

    private Optional<Row> locate(Connection c, String tenantId, String bookingId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(LOCATE_ADOPTED)) {
            s.setString(1, tenantId);
            s.setString(2, bookingId);
            Optional<Row> row = row(s, true);
            if (row.isPresent() || !isEhrBornId(tenantId, bookingId)) {
                return row;
            }
        }
        return locateEhrBorn(c, Long.parseLong(bookingId));
    }

    private Optional<Row> locateEhrBorn(Connection c, long apptId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(LOCATE_EHR_BORN)) {
            s.setLong(1, apptId);
            return row(s, false);
        }
    }

    private Optional<Row> row(PreparedStatement s, boolean adopted) throws SQLException {
        try (ResultSet rows = s.executeQuery()) {
            return rows.next()
                    ? Optional.of(new Row(rows.getLong("appt_id"), adopted, rows.getString("practitioner_id"),
                            instant(rows, "starts_at"), instant(rows, "ends_at")))
                    : Optional.empty();
        }
    }

    private boolean isEhrBornId(String tenantId, String bookingId) {
        return homeTenant.equals(tenantId) && DIGITS.matcher(bookingId).matches();
    }

    private boolean codeTaken(Connection c, String tenantId, String code) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(CODE_EXISTS)) {
            s.setString(1, tenantId);
            s.setString(2, code);
            try (ResultSet rows = s.executeQuery()) {
                if (rows.next()) {
                    return true;
                }
            }
        }
        Matcher derived = DERIVED_CODE.matcher(code);
        return homeTenant.equals(tenantId) && derived.matches()
                && locateEhrBorn(c, Long.parseLong(derived.group(1))).isPresent();
    }

    private boolean overlaps(Connection c, Booking b, long exceptApptId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(OVERLAP_EXISTS)) {
            s.setString(1, b.resource().id());
            s.setString(2, homeTenant);
            s.setString(3, b.tenantId());
            bindInstant(s, 4, b.end());
            bindInstant(s, 5, b.start());
            s.setLong(6, exceptApptId);
            try (ResultSet rows = s.executeQuery()) {
                return rows.next();
            }
        }
    }

    private void registerPatientIfNew(Connection c, CustomerDetails customer) {
        try {
            try (PreparedStatement s = c.prepareStatement(PATIENT_EXISTS)) {
                s.setString(1, customer.id());
                try (ResultSet rows = s.executeQuery()) {
                    if (rows.next()) {
                        return;
                    }
                }
            }
            try (PreparedStatement s = c.prepareStatement(INSERT_PATIENT)) {
                s.setString(1, customer.id());
                s.setString(2, customer.name());
                s.setString(3, customer.email());
                s.setString(4, customer.phone());
                s.setString(5, customer.language().toLanguageTag());
                s.executeUpdate();
            }
        } catch (SQLException e) {
            throw new SqlFailure(e);
        }
    }

    private long insertAppointment(Connection c, Booking b) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(INSERT_APPOINTMENT, new String[] {"APPT_ID"})) {
            s.setString(1, b.customer().map(CustomerDetails::id).orElse(null));
            s.setString(2, b.resource().id());
            s.setString(3, b.resource().name());
            s.setString(4, b.service().id());
            bindInstant(s, 5, b.start());
            bindInstant(s, 6, b.end());
            s.setString(7, EhrStatusCode.of(b.status()).code());
            s.setLong(8, b.version());
            bindInstant(s, 9, b.createdAt());
            s.executeUpdate();
            try (ResultSet keys = s.getGeneratedKeys()) {
                if (!keys.next()) {
                    throw new IllegalStateException("the EHR returned no appt_id for a new appointment");
                }
                return keys.getLong(1);
            }
        }
    }

    private void insertSide(Connection c, long apptId, Booking b) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(INSERT_SIDE)) {
            s.setLong(1, apptId);
            s.setString(2, b.tenantId());
            s.setString(3, b.id());
            s.setString(4, b.confirmationCode());
            bindSideBody(s, 5, b);
            s.executeUpdate();
        }
    }

    private void updateSide(Connection c, long apptId, Booking b) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(UPDATE_SIDE)) {
            int next = bindSideBody(s, 1, b);
            s.setLong(next, apptId);
            s.executeUpdate();
        }
    }

    /** Binds zone_id to updated_at, in the column order of both side statements; returns the next index. */
    private static int bindSideBody(PreparedStatement s, int first, Booking b) throws SQLException {
        int i = first;
        s.setString(i++, b.zone().getId());
        s.setString(i++, b.service().name());
        s.setString(i++, b.resource().contact());
        s.setString(i++, b.paymentStatus().name());
        s.setInt(i++, b.customerReschedules());
        Actor confirmedBy = b.confirmedBy().orElse(null);
        s.setString(i++, confirmedBy == null ? null : EhrCodec.actorKind(confirmedBy));
        s.setString(i++, confirmedBy == null ? null : confirmedBy.id());
        bindInstant(s, i++, b.reminder().dueAt());
        bindInstant(s, i++, b.reminder().sentAt());
        s.setLong(i++, b.version());
        bindInstant(s, i++, b.updatedAt());
        return i;
    }

    private static void appendEventsAndNotifications(Connection c, BookingChange change) throws SQLException {
        Booking b = change.booking();
        try (PreparedStatement s = c.prepareStatement(INSERT_EVENT)) {
            // Each event raised the version by one: its sequence number is the version it produced.
            long seq = b.version() - change.events().size();
            for (BookingEvent event : change.events()) {
                s.setString(1, b.tenantId());
                s.setString(2, b.id());
                s.setLong(3, ++seq);
                s.setString(4, event.kind());
                s.setString(5, EhrCodec.actorKind(event.actor()));
                s.setString(6, event.actor().id());
                bindInstant(s, 7, event.at());
                s.setString(8, event.from() == null ? null : event.from().name());
                s.setString(9, event.to().name());
                s.setString(10, EhrCodec.details(event));
                s.addBatch();
            }
            s.executeBatch();
        }
        if (change.notifications().isEmpty()) {
            return;
        }
        try (PreparedStatement s = c.prepareStatement(INSERT_NOTIFICATION)) {
            for (Notification n : change.notifications()) {
                s.setString(1, b.tenantId());
                s.setString(2, n.id());
                s.setString(3, b.id());
                s.setString(4, n.kind().name());
                s.setString(5, n.recipient().name());
                s.setString(6, n.locale().toLanguageTag());
                s.setString(7, n.personalMessage());
                s.setString(8, n.manageLink());
                bindInstant(s, 9, b.updatedAt());
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    private static Optional<IdempotencyKey> idempotencyKey(Connection c, String tenantId, String key)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement(FIND_IDEMPOTENCY_KEY)) {
            s.setString(1, tenantId);
            s.setString(2, key);
            try (ResultSet rows = s.executeQuery()) {
                return rows.next()
                        ? Optional.of(new IdempotencyKey(rows.getString(1), rows.getString(2), rows.getString(3)))
                        : Optional.empty();
            }
        }
    }

    // ---------------------------------------------------------------------------------- mapping

    private Optional<Booking> one(Connection c, String query, String tenantId, String key) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(query)) {
            s.setString(1, tenantId);
            s.setString(2, key);
            List<Booking> found = bookings(s);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
        }
    }

    private Optional<Booking> oneEhrBorn(Connection c, long apptId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(FIND_EHR_BORN)) {
            s.setLong(1, apptId);
            List<Booking> found = bookings(s);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
        }
    }

    private List<Booking> bookings(PreparedStatement s) throws SQLException {
        List<Booking> result = new ArrayList<>();
        try (ResultSet rows = s.executeQuery()) {
            while (rows.next()) {
                result.add(booking(rows));
            }
        }
        return List.copyOf(result);
    }

    private Booking booking(ResultSet r) throws SQLException {
        long apptId = r.getLong("appt_id");
        boolean adopted = r.getObject("side_appt_id") != null;
        long version = r.getLong("version");
        // The side row is current unless the EHR changed the appointment after Booking Rules last wrote it.
        boolean current = adopted && r.getLong("ehr_version") == version;
        BookingStatus status = EhrStatusCode.parse(r.getString("status_code")).status();
        String practitionerId = r.getString("practitioner_id");
        String serviceCode = r.getString("service_code");
        String patientId = r.getString("patient_id");
        String lang = r.getString("lang");
        CustomerDetails customer = patientId == null ? null : new CustomerDetails(patientId,
                r.getString("full_name"), r.getString("email"), r.getString("phone"),
                lang == null ? defaultLanguage : Locale.forLanguageTag(lang));
        Actor confirmedBy = null;
        if (status == BookingStatus.CONFIRMED) {
            String kind = r.getString("confirmed_by_kind");
            confirmedBy = current && kind != null ? EhrCodec.actor(kind, r.getString("confirmed_by_id"))
                    : Actor.staff(EHR_STAFF_ID);
        }
        Instant bookedAt = instant(r, "booked_at");
        return Booking.builder()
                .tenantId(adopted ? r.getString("tenant_id") : homeTenant)
                .id(adopted ? r.getString("booking_id") : Long.toString(apptId))
                .confirmationCode(adopted ? r.getString("confirmation_code") : derivedCode(apptId))
                .resource(new Resource(practitionerId, r.getString("practitioner_name"),
                        adopted ? r.getString("resource_contact") : practitionerContact.apply(practitionerId)))
                .service(new Service(serviceCode, adopted ? r.getString("service_name") : serviceName.apply(serviceCode)))
                .customer(customer)
                .slot(Interval.of(instant(r, "starts_at"), instant(r, "ends_at")))
                .zone(adopted ? ZoneId.of(r.getString("zone_id")) : zone)
                .status(status)
                .paymentStatus(adopted ? PaymentStatus.valueOf(r.getString("payment_status")) : PaymentStatus.UNPAID)
                .customerReschedules(adopted ? r.getInt("customer_reschedules") : 0)
                .confirmedBy(confirmedBy)
                .reminder(adopted ? new ReminderState(instant(r, "reminder_due_at"), instant(r, "reminder_sent_at"))
                        : ReminderState.none())
                .version(version)
                .createdAt(bookedAt)
                .updatedAt(adopted ? instant(r, "updated_at") : bookedAt)
                .build();
    }

    /**
     * The confirmation code of an appointment the EHR made: {@code E0} and its id. The random codes
     * of the library never contain a 0, so the two never meet.
     *
     * @param apptId the EHR's appointment id
     * @return the code
     */
    static String derivedCode(long apptId) {
        return "E0" + apptId;
    }

    private static void bindInstant(PreparedStatement s, int index, Instant instant) throws SQLException {
        if (instant == null) {
            s.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            s.setObject(index, instant.atOffset(ZoneOffset.UTC));
        }
    }

    private static Instant instant(ResultSet rows, String column) throws SQLException {
        OffsetDateTime value = rows.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    // ------------------------------------------------------------------------------ connections

    @FunctionalInterface
    private interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }

    /** Carries a SQLException out of a lambda that cannot throw it. */
    private static final class SqlFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SqlFailure(SQLException cause) {
            super(cause);
        }

        SQLException sqlException() {
            return (SQLException) getCause();
        }
    }

    private <T> T read(String operation, SqlWork<T> work) {
        try (Connection c = dataSource.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw fault(operation, e);
        }
    }

    /** One write transaction: lock the practitioner if the change claims a slot, run the work, commit or undo. */
    private SaveResult write(String operation, BookingChange change, SqlWork<SaveResult> work) {
        Booking booking = change.booking();
        for (int attempt = 1; ; attempt++) {
            try (Connection c = dataSource.getConnection()) {
                if (claims(change)) {
                    c.setAutoCommit(true);
                    try (PreparedStatement s = c.prepareStatement(ENSURE_LOCK_ROW)) {
                        s.setString(1, booking.resource().id());
                        s.executeUpdate();
                    }
                }
                c.setAutoCommit(false);
                c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
                boolean committed = false;
                try {
                    if (claims(change)) {
                        try (PreparedStatement s = c.prepareStatement(LOCK_PRACTITIONER)) {
                            s.setString(1, booking.resource().id());
                            s.executeQuery().close();
                        }
                    }
                    SaveResult result = work.run(c);
                    if (result == SaveResult.SAVED) {
                        c.commit();
                        committed = true;
                    }
                    return result;
                } catch (SqlFailure e) {
                    throw e.sqlException();
                } finally {
                    if (!committed) {
                        rollbackQuietly(c);
                    }
                }
            } catch (SQLException e) {
                if ("23505".equals(e.getSQLState())) {
                    // A concurrent write took the same code, key, id or new patient first.
                    Optional<SaveResult> explained = explainDuplicate(change);
                    if (explained.isPresent()) {
                        return explained.get();
                    }
                }
                if (isRetryable(e) && attempt < MAX_TRANSACTION_ATTEMPTS) {
                    LOG.debug("{} booking={}: SQLState {}, running the transaction again", operation, booking.id(),
                            e.getSQLState());
                    continue;
                }
                throw fault(operation, e);
            }
        }
    }

    private Optional<SaveResult> explainDuplicate(BookingChange change) {
        Booking b = change.booking();
        if (!change.isInsert()) {
            return Optional.empty();
        }
        IdempotencyKey idempotency = change.idempotency();
        if (idempotency != null && findIdempotencyKey(b.tenantId(), idempotency.key()).isPresent()) {
            return Optional.of(SaveResult.IDEMPOTENCY_KEY_TAKEN);
        }
        if (findByConfirmationCode(b.tenantId(), b.confirmationCode()).isPresent()) {
            return Optional.of(SaveResult.CODE_TAKEN);
        }
        if (find(b.tenantId(), b.id()).isPresent()) {
            throw new IllegalArgumentException("booking id already used in tenant: " + b.id());
        }
        // A new patient registered concurrently by another booking: running the transaction again finds it.
        return Optional.empty();
    }

    private static boolean isRetryable(SQLException e) {
        String state = e.getSQLState();
        // 40001 deadlock, HYT00 lock timeout (H2); 23505 a concurrent registration of the same new patient.
        return "40001".equals(state) || "HYT00".equals(state) || "23505".equals(state);
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException e) {
            LOG.debug("rollback failed: SQLState {}", e.getSQLState());
        }
    }

    private static BookingStorageException fault(String operation, SQLException e) {
        return new BookingStorageException("EHR " + operation + " failed: SQLState " + e.getSQLState()
                + ", error " + e.getErrorCode(), e);
    }

    // ---------------------------------------------------------------------------------- builder

    /**
     * Builds an {@link EhrBookingRepository}. Not thread-safe; the repository is.
     */
    public static final class Builder {
        private final DataSource dataSource;
        private String homeTenant;
        private ZoneId zone;
        private Locale defaultLanguage = Locale.ENGLISH;
        private Function<String, String> practitionerContact = id -> null;
        private Function<String, String> serviceName = code -> code;

        private Builder(DataSource dataSource) {
            this.dataSource = dataSource;
        }

        /**
         * The tenant the EHR's own appointments belong to (required).
         *
         * @param v a tenant id, not blank
         * @return this
         */
        public Builder homeTenant(String v) {
            homeTenant = Ids.require(v, "homeTenant");
            return this;
        }

        /**
         * The clinic's zone, in which the EHR's own appointments are shown (required).
         *
         * @param v not null
         * @return this
         */
        public Builder zone(ZoneId v) {
            zone = Objects.requireNonNull(v, "zone");
            return this;
        }

        /**
         * The language of patients whose {@code lang} is empty. Default English.
         *
         * @param v not null
         * @return this
         */
        public Builder defaultLanguage(Locale v) {
            defaultLanguage = Objects.requireNonNull(v, "defaultLanguage");
            return this;
        }

        /**
         * Whom a patient should contact about a practitioner's appointment when self-service says
         * no (R9), for the EHR's own appointments. Default: none.
         *
         * @param v practitioner id to contact (a phone, the front desk), or null for none; not null
         * @return this
         */
        public Builder practitionerContact(Function<String, String> v) {
            practitionerContact = Objects.requireNonNull(v, "practitionerContact");
            return this;
        }

        /**
         * The display name of an EHR service code, for the EHR's own appointments. Default: the code.
         *
         * @param v service code to name, never returning null or blank; not null
         * @return this
         */
        public Builder serviceName(Function<String, String> v) {
            serviceName = Objects.requireNonNull(v, "serviceName");
            return this;
        }

        /**
         * Builds the repository. It does not connect yet.
         *
         * @return the repository
         * @throws NullPointerException if the home tenant or the zone is missing
         */
        public EhrBookingRepository build() {
            Objects.requireNonNull(homeTenant, "homeTenant");
            Objects.requireNonNull(zone, "zone");
            return new EhrBookingRepository(this);
        }
    }
}
