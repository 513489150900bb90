package org.bookingrules.examples.bench;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import javax.sql.DataSource;
import org.bookingrules.model.CustomerDetails;
import org.bookingrules.model.Resource;

/**
 * The baseline of the load benchmark: {@code book} and {@code cancel} written by hand with plain JDBC,
 * as an application without the library would, writing the same rows into the same tables as
 * {@code JdbcBookingRepository} does (the booking with all its columns, one history event, two outbox
 * rows: the customer's and the resource's notification, each with a snapshot of the booking).
 *
 * <ul>
 *   <li><b>book</b>, one transaction: lock the resource's row ({@code SELECT ... FOR UPDATE}), check for an
 *       overlapping active booking (through the active-bookings index, as the library does), insert the
 *       booking, its event and its two outbox rows, commit;</li>
 *   <li><b>cancel</b>: read the booking (its status and version decide whether it may be cancelled), then
 *       one transaction: the version-checked update, the event, the two outbox rows, commit.</li>
 * </ul>
 * Transactions run at the database's default isolation (READ COMMITTED on PostgreSQL and H2). The lock
 * rows are created once, up front ({@link #createLockRows}), as an application would when it creates
 * a resource. No rules, no validation, no retries: the least a correct hand-written version does.
 * Thread-safe.
 */
public final class RawBookings {

    private static final String COLUMNS = "tenant_id, id, confirmation_code, resource_id, resource_name, "
            + "resource_contact, service_id, service_name, customer_id, customer_name, customer_email, "
            + "customer_phone, customer_language, slot_start, slot_end, zone_id, status, payment_status, "
            + "customer_reschedules, confirmed_by_kind, confirmed_by_id, reminder_due_at, reminder_sent_at, "
            + "version, created_at, updated_at";

    private static final String LOCK = "SELECT resource_id FROM br_resource_lock WHERE tenant_id = ? AND resource_id = ? "
            + "FOR UPDATE";
    /**
     * {@code %s}: the resource's active bookings as the database's active-bookings index
     * ({@code br_booking_active_ix}) finds them ({@link #overlap(Connection)}), so the check reads the agenda, not
     * the resource's past.
     */
    private static final String OVERLAP = "SELECT 1 FROM br_booking WHERE tenant_id = ? AND %s "
            + "AND slot_start < ? AND slot_end > ? LIMIT 1";
    private static final String INSERT_BOOKING = "INSERT INTO br_booking (" + COLUMNS + ", claims_slot) VALUES "
            + "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'PENDING', 'UNPAID', 0, NULL, NULL, ?, NULL, 1, ?, ?, TRUE)";
    private static final String INSERT_EVENT = "INSERT INTO br_booking_event "
            + "(tenant_id, booking_id, seq, kind, actor_kind, actor_id, at, from_status, to_status, details) "
            + "VALUES (?, ?, ?, ?, 'CUSTOMER', ?, ?, ?, ?, ?)";
    /** {@code %s}: how the database takes a JSON text for the body column ({@link #insertOutbox}). */
    private static final String INSERT_OUTBOX = "INSERT INTO br_outbox (tenant_id, notification_id, booking_id, kind, "
            + "recipient, body, status, attempts, next_attempt_at, created_at) "
            + "VALUES (?, ?, ?, ?, ?, %s, 'PENDING', 0, ?, ?)";
    private static final String SELECT_BOOKING = "SELECT " + COLUMNS + " FROM br_booking WHERE tenant_id = ? AND id = ?";
    private static final String CANCEL = "UPDATE br_booking SET status = 'CANCELLED', confirmed_by_kind = NULL, "
            + "confirmed_by_id = NULL, version = ?, updated_at = ? WHERE tenant_id = ? AND id = ? AND version = ?";

    private static final String CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    /** Six hours before the start, as the library's default reminder lead. */
    private static final long REMINDER_LEAD_HOURS = 6;

    private final DataSource dataSource;
    private final SecureRandom random = new SecureRandom();
    /** The outbox insert for this database, made on first use; a race makes it twice, alike. */
    private volatile String insertOutbox;
    /** The overlap check for this database, made on first use, like {@link #insertOutbox}. */
    private volatile String overlap;

    /**
     * @param dataSource the pool, not null
     */
    public RawBookings(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * Creates the lock rows of the resources (once, before the run).
     *
     * @param database the database
     * @param tenantId the tenant
     * @param resources the resources
     * @throws SQLException from the driver
     */
    public static void createLockRows(BenchDatabase database, String tenantId, Iterable<Resource> resources)
            throws SQLException {
        String sql = switch (database.kind()) {
            case H2 -> "MERGE INTO br_resource_lock (tenant_id, resource_id) KEY (tenant_id, resource_id) "
                    + "VALUES (?, ?)";
            case POSTGRESQL -> "INSERT INTO br_resource_lock (tenant_id, resource_id) VALUES (?, ?) "
                    + "ON CONFLICT DO NOTHING";
            case MARIADB -> "INSERT INTO br_resource_lock (tenant_id, resource_id) VALUES (?, ?) "
                    + "ON DUPLICATE KEY UPDATE resource_id = resource_id";
        };
        try (Connection c = database.dataSource().getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (Resource r : resources) {
                s.setString(1, tenantId);
                s.setString(2, r.id());
                s.executeUpdate();
            }
        }
    }

    /**
     * Books a slot for a customer, as the customer.
     *
     * @param tenantId the tenant
     * @param resource the resource
     * @param customer the customer
     * @param start the slot's start
     * @param end the slot's end
     * @param zoneId the display zone
     * @return the new booking's id, or null if the slot was taken
     * @throws SQLException from the driver
     */
    public String book(String tenantId, Resource resource, CustomerDetails customer, Instant start, Instant end,
                       String zoneId) throws SQLException {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        String id = UUID.randomUUID().toString();
        String code = code();
        Instant reminderDue = start.minus(REMINDER_LEAD_HOURS, ChronoUnit.HOURS);
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement s = c.prepareStatement(LOCK)) {
                    s.setString(1, tenantId);
                    s.setString(2, resource.id());
                    try (ResultSet r = s.executeQuery()) {
                        if (!r.next()) {
                            throw new IllegalStateException("no lock row for " + resource.id());
                        }
                    }
                }
                try (PreparedStatement s = c.prepareStatement(overlap(c))) {
                    s.setString(1, tenantId);
                    s.setString(2, resource.id());
                    instant(s, 3, end);
                    instant(s, 4, start);
                    try (ResultSet r = s.executeQuery()) {
                        if (r.next()) {
                            c.rollback();
                            return null;
                        }
                    }
                }
                try (PreparedStatement s = c.prepareStatement(INSERT_BOOKING)) {
                    s.setString(1, tenantId);
                    s.setString(2, id);
                    s.setString(3, code);
                    s.setString(4, resource.id());
                    s.setString(5, resource.name());
                    s.setString(6, resource.contact());
                    s.setString(7, Workload.SERVICE.id());
                    s.setString(8, Workload.SERVICE.name());
                    s.setString(9, customer.id());
                    s.setString(10, customer.name());
                    s.setString(11, customer.email());
                    s.setString(12, customer.phone());
                    s.setString(13, customer.language().toLanguageTag());
                    instant(s, 14, start);
                    instant(s, 15, end);
                    s.setString(16, zoneId);
                    instant(s, 17, reminderDue);
                    instant(s, 18, now);
                    instant(s, 19, now);
                    s.executeUpdate();
                }
                String details = "resourceId=" + resource.id() + "\nslot.end=" + end + "\nslot.start=" + start;
                event(c, tenantId, id, 1, "BOOKED", customer.id(), now, null, "PENDING", details);
                String snapshot = snapshot(tenantId, id, code, resource, customer, start, end, zoneId, "PENDING",
                        reminderDue, 1, now, now);
                outbox(c, tenantId, id, "BOOKED", customer.language().toLanguageTag(), snapshot, now);
                c.commit();
                return id;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    /**
     * Cancels a booking, as its customer.
     *
     * @param tenantId the tenant
     * @param bookingId the booking
     * @param reason the customer's reason
     * @return true if cancelled; false if it was not found, not active, or changed meanwhile
     * @throws SQLException from the driver
     */
    public boolean cancel(String tenantId, String bookingId, String reason) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            Loaded b;
            try (PreparedStatement s = c.prepareStatement(SELECT_BOOKING)) {
                s.setString(1, tenantId);
                s.setString(2, bookingId);
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next()) {
                        return false;
                    }
                    b = Loaded.of(r);
                }
            }
            if (!b.status.equals("PENDING") && !b.status.equals("CONFIRMED")) {
                return false;
            }
            Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
            long version = b.version + 1;
            c.setAutoCommit(false);
            try {
                try (PreparedStatement s = c.prepareStatement(CANCEL)) {
                    s.setLong(1, version);
                    instant(s, 2, now);
                    s.setString(3, tenantId);
                    s.setString(4, bookingId);
                    s.setLong(5, b.version);
                    if (s.executeUpdate() == 0) {
                        c.rollback();
                        return false;
                    }
                }
                event(c, tenantId, bookingId, version, "CANCELLED", b.customer.id(), now, b.status, "CANCELLED",
                        "late=false\nreason=" + reason);
                String snapshot = snapshot(tenantId, bookingId, b.code, b.resource, b.customer, b.start, b.end, b.zoneId,
                        "CANCELLED", b.reminderDue, version, b.createdAt, now);
                outbox(c, tenantId, bookingId, "CANCELLED", b.customer.language().toLanguageTag(), snapshot, now);
                c.commit();
                return true;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    private static void event(Connection c, String tenantId, String bookingId, long seq, String kind, String actorId,
                              Instant at, String from, String to, String details) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(INSERT_EVENT)) {
            s.setString(1, tenantId);
            s.setString(2, bookingId);
            s.setLong(3, seq);
            s.setString(4, kind);
            s.setString(5, actorId);
            instant(s, 6, at);
            s.setString(7, from);
            s.setString(8, to);
            s.setString(9, details);
            s.executeUpdate();
        }
    }

    /**
     * The customer's and the resource's notification, in one batch: both rows hold the change's one
     * JSON document (the library's format, docs/OUTBOX.md), built once by hand.
     */
    private void outbox(Connection c, String tenantId, String bookingId, String kind, String customerLanguage,
                        String snapshot, Instant now) throws SQLException {
        String[] recipients = {"CUSTOMER", "RESOURCE"};
        String[] ids = {UUID.randomUUID().toString(), UUID.randomUUID().toString()};
        StringBuilder doc = new StringBuilder(snapshot.length() + 300)
                .append("{\"format\":1,\"kind\":\"").append(kind).append("\",\"personalMessage\":null,\"booking\":")
                .append(snapshot).append(",\"notifications\":[");
        for (int i = 0; i < recipients.length; i++) {
            doc.append(i == 0 ? "{\"id\":\"" : ",{\"id\":\"").append(ids[i]).append("\",\"recipient\":\"")
                    .append(recipients[i]).append("\",\"locale\":\"").append(i == 0 ? customerLanguage : "en")
                    .append("\",\"manageLink\":null}");
        }
        String document = doc.append("]}").toString();
        try (PreparedStatement s = c.prepareStatement(insertOutbox(c))) {
            for (int i = 0; i < recipients.length; i++) {
                s.setString(1, tenantId);
                s.setString(2, ids[i]);
                s.setString(3, bookingId);
                s.setString(4, kind);
                s.setString(5, recipients[i]);
                s.setString(6, document);
                instant(s, 7, now);
                instant(s, 8, now);
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    private String insertOutbox(Connection c) throws SQLException {
        String sql = insertOutbox;
        if (sql == null) {
            String product = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
            String marker = product.contains("postgres") ? "CAST(? AS jsonb)" : product.contains("h2") ? "? FORMAT JSON"
                    : "?";
            sql = INSERT_OUTBOX.replace("%s", marker);
            insertOutbox = sql;
        }
        return sql;
    }

    /**
     * The overlap check as this database's schema lets it read only the resource's active bookings:
     * on PostgreSQL and MariaDB by resource and status (a partial index; an index led by resource and
     * status), on H2 by the generated column {@code active_resource_id}, which is the resource of an
     * active booking and NULL otherwise (H2 has no partial index). The status list on H2 would read
     * the resource's whole history through the calendar index instead, growing with every booking.
     */
    private String overlap(Connection c) throws SQLException {
        String sql = overlap;
        if (sql == null) {
            boolean h2 = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("h2");
            sql = OVERLAP.replace("%s", h2 ? "active_resource_id = ?"
                    : "resource_id = ? AND status IN ('PENDING', 'CONFIRMED')");
            overlap = sql;
        }
        return sql;
    }

    /** The booking as the notification's recipient needs it: the "booking" object of the outbox document. */
    private static String snapshot(String tenantId, String id, String code, Resource resource, CustomerDetails customer,
                                   Instant start, Instant end, String zoneId, String status, Instant reminderDue,
                                   long version, Instant createdAt, Instant updatedAt) {
        StringBuilder b = new StringBuilder(900);
        b.append("{\"tenantId\":");
        string(b, tenantId).append(",\"id\":");
        string(b, id).append(",\"confirmationCode\":");
        string(b, code).append(",\"resource\":{\"id\":");
        string(b, resource.id()).append(",\"name\":");
        string(b, resource.name()).append(",\"contact\":");
        string(b, resource.contact()).append("},\"service\":{\"id\":");
        string(b, Workload.SERVICE.id()).append(",\"name\":");
        string(b, Workload.SERVICE.name()).append("},\"customer\":{\"id\":");
        string(b, customer.id()).append(",\"name\":");
        string(b, customer.name()).append(",\"email\":");
        string(b, customer.email()).append(",\"phone\":");
        string(b, customer.phone()).append(",\"language\":");
        string(b, customer.language().toLanguageTag()).append("},\"slot\":{\"start\":\"").append(start)
                .append("\",\"end\":\"").append(end).append("\"},\"zone\":");
        string(b, zoneId).append(",\"status\":\"").append(status)
                .append("\",\"paymentStatus\":\"UNPAID\",\"customerReschedules\":0,\"confirmedBy\":null,")
                .append("\"reminder\":{\"dueAt\":\"").append(reminderDue).append("\",\"sentAt\":null},\"version\":")
                .append(version).append(",\"createdAt\":\"").append(createdAt).append("\",\"updatedAt\":\"")
                .append(updatedAt).append("\"}");
        return b.toString();
    }

    /** A JSON string, or null: quotes, backslashes and control characters escaped. */
    private static StringBuilder string(StringBuilder b, String value) {
        if (value == null) {
            return b.append("null");
        }
        b.append('"');
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (ch == '"' || ch == '\\') {
                b.append('\\').append(ch);
            } else if (ch < 0x20) {
                b.append(String.format(Locale.ROOT, "\\u%04x", (int) ch));
            } else {
                b.append(ch);
            }
        }
        return b.append('"');
    }

    private String code() {
        char[] code = new char[8];
        for (int i = 0; i < code.length; i++) {
            code[i] = CODE_ALPHABET.charAt(random.nextInt(CODE_ALPHABET.length()));
        }
        return new String(code);
    }

    private static void instant(PreparedStatement s, int index, Instant instant) throws SQLException {
        if (instant == null) {
            s.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            s.setObject(index, instant.atOffset(ZoneOffset.UTC));
        }
    }

    private static Instant instant(ResultSet r, String column) throws SQLException {
        OffsetDateTime value = r.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    /** The columns of a loaded booking that a cancel and its notifications need. */
    private record Loaded(String code, Resource resource, CustomerDetails customer, Instant start, Instant end,
                          String zoneId, String status, Instant reminderDue, long version, Instant createdAt) {
        static Loaded of(ResultSet r) throws SQLException {
            return new Loaded(r.getString("confirmation_code"),
                    new Resource(r.getString("resource_id"), r.getString("resource_name"), r.getString("resource_contact")),
                    new CustomerDetails(r.getString("customer_id"), r.getString("customer_name"),
                            r.getString("customer_email"), r.getString("customer_phone"),
                            java.util.Locale.forLanguageTag(r.getString("customer_language"))),
                    instant(r, "slot_start"), instant(r, "slot_end"), r.getString("zone_id"), r.getString("status"),
                    instant(r, "reminder_due_at"), r.getLong("version"), instant(r, "created_at"));
        }
    }
}
