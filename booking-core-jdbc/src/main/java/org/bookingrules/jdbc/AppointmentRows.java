package org.bookingrules.jdbc;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.bookingrules.ConfirmationCodes;
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
import org.bookingrules.spi.SaveResult;
import org.bookingrules.spi.SlotClaim;
import org.threeten.extra.Interval;

/**
 * The rows of the bookings of a {@link JdbcBookingRepository} over an {@link AppointmentTable}: each
 * booking is the EHR's appointment row merged with its {@code br_booking} row (its "mirror", for
 * what the EHR has no column for), or, for an appointment the library never changed, the EHR's row
 * alone. Called inside the repository's connections and transactions, under its resource lock;
 * holds no state but the table. Thread-safe.
 */
final class AppointmentRows {

    /** The version of a booking read from an appointment the library never changed. */
    static final long UNADOPTED_VERSION = 1;
    private static final Pattern PLAIN_KEY = Pattern.compile("[A-Z0-9]{2,14}");
    private static final String PLAIN_CODE = "E0";
    private static final String HASHED_CODE = "E1";
    private static final Service DEFAULT_SERVICE = new Service(AppointmentTable.DEFAULT_SERVICE_ID, "Appointment");
    private static final int KEYS_PER_QUERY = 200;
    /** How many more reminder candidates than asked are read, for those the EHR changed since. */
    private static final int REMINDER_CANDIDATES_FACTOR = 4;

    private final AppointmentTable table;
    private final StatusCodes codes;
    private final JdbcBookingRepository repository;

    AppointmentRows(AppointmentTable table, JdbcBookingRepository repository) {
        this.table = table;
        this.codes = table.statusCodes();
        this.repository = repository;
    }

    /** One row of the EHR's table, as read. */
    record Appointment(String key, String practitionerId, String practitionerName, String practitionerContact,
                       String serviceId,
                       String serviceName, String statusCode, Interval slot, Object rowVersion, Instant createdAt,
                       CustomerDetails patient, boolean languageKnown) {
    }

    /** A booking's br_booking row. */
    record Mirror(Booking booking, String key, boolean customerErased) {
    }

    // ---------------------------------------------------------------------------------- reads

    Optional<Booking> find(Connection c, String tenantId, String bookingId) throws SQLException {
        Optional<Mirror> mirror = mirror(c, sql().findMirror, tenantId, bookingId);
        if (mirror.isPresent()) {
            return merged(c, mirror.get());
        }
        if (!table.tenant().equals(tenantId)) {
            return Optional.empty();
        }
        return unadopted(c, bookingId);
    }

    Optional<Booking> findByCode(Connection c, String tenantId, String code) throws SQLException {
        Optional<Mirror> mirror = mirror(c, sql().findMirrorByCode, tenantId, code);
        if (mirror.isPresent()) {
            return merged(c, mirror.get());
        }
        if (!table.tenant().equals(tenantId) || !code.startsWith(PLAIN_CODE)) {
            return Optional.empty();
        }
        return unadopted(c, code.substring(PLAIN_CODE.length()))
                .filter(booking -> booking.confirmationCode().equals(code));
    }

    /** The booking of an appointment, by its key: adopted or not, in whichever tenant it is. */
    Optional<Booking> findByKey(Connection c, String key) throws SQLException {
        return byKey(c, key, true);
    }

    /** The booking of an appointment by its key; one the library adopted only if asked for. */
    private Optional<Booking> byKey(Connection c, String key, boolean adoptedToo) throws SQLException {
        if (!JdbcBookingRepository.storable(key) || !table.isKey(key)) {
            return Optional.empty();
        }
        Optional<Appointment> row = appointment(c, key);
        if (row.isEmpty()) {
            return Optional.empty();
        }
        Mirror mirror = mirrorsOf(c, List.of(key)).get(key);
        if (mirror == null) {
            return Optional.of(unadopted(row.get()));
        }
        return adoptedToo ? Optional.of(merge(mirror, row.get())) : Optional.empty();
    }

    List<Booking> calendar(Connection c, String tenantId, String resourceId, Interval interval) throws SQLException {
        List<Booking> bookings = new ArrayList<>();
        for (Booking booking : bookings(c, practitionerAppointments(c, resourceId, interval), tenantId)) {
            if (booking.isActive() && booking.resource().id().equals(resourceId) && overlaps(booking.slot(), interval)) {
                bookings.add(booking);
            }
        }
        return sorted(bookings);
    }

    List<Booking> customerBookings(Connection c, String tenantId, String customerId) throws SQLException {
        List<Appointment> rows = appointments(c, table.selectByPatient(), name -> customerId);
        List<Booking> bookings = new ArrayList<>();
        for (Booking booking : bookings(c, rows, tenantId)) {
            if (booking.customer().map(CustomerDetails::id).filter(customerId::equals).isPresent()) {
                bookings.add(booking);
            }
        }
        return sorted(bookings);
    }

    /**
     * The due reminders of the bookings over appointments: the candidates of br_booking, each decided
     * again on its EHR row (the EHR may have moved, confirmed or cancelled it since). Reads more
     * candidates than asked, so that some the EHR changed do not crowd the due ones out.
     */
    List<Booking> dueReminders(Connection c, Instant now, int limit) throws SQLException {
        List<Mirror> candidates;
        try (PreparedStatement s = c.prepareStatement(sql().dueMirrorReminders)) {
            sql().bindInstant(s, 1, now);
            sql().bindInstant(s, 2, now);
            s.setInt(3, (int) Math.min(Integer.MAX_VALUE, (long) limit * REMINDER_CANDIDATES_FACTOR));
            candidates = mirrors(s);
        }
        List<Booking> due = new ArrayList<>();
        for (Mirror candidate : candidates) {
            if (due.size() == limit) {
                break;
            }
            Optional<Booking> booking = merged(c, candidate);
            if (booking.isPresent() && isDue(booking.get(), now)) {
                due.add(booking.get());
            }
        }
        return List.copyOf(due);
    }

    private static boolean isDue(Booking b, Instant now) {
        ReminderState reminder = b.reminder();
        return b.status() == BookingStatus.PENDING && reminder.isArmed() && !reminder.isSent()
                && !reminder.dueAt().isAfter(now) && now.isBefore(b.start());
    }

    // ---------------------------------------------------------------------------------- writes

    /** Inserts the appointment and its booking's row, after the overlap check when the change claims the slot. */
    SaveResult insert(Connection c, BookingChange change) throws SQLException {
        Booking b = change.booking();
        if (claims(change) && overlapsOthers(c, b, null)) {
            return SaveResult.SLOT_TAKEN;
        }
        CustomerDetails customer = b.customer().orElse(null);
        if (customer != null && table.insertPatient() != null) {
            NamedSql patient = table.insertPatient();
            try (PreparedStatement s = c.prepareStatement(patient.jdbc())) {
                bind(s, patient, name -> patientValue(name, customer));
                s.executeUpdate();
            }
        }
        NamedSql insert = table.insert();
        String key;
        String generated = table.generatedKey();
        try (PreparedStatement s = generated == null ? c.prepareStatement(insert.jdbc())
                : c.prepareStatement(insert.jdbc(), new String[] {generated})) {
            String given = keyOf(b);
            AppointmentTimes.LocalSlot local = localSlot(b);
            bind(s, insert, name -> writeValue(name, b, local, given, null));
            s.executeUpdate();
            if (generated == null) {
                key = given;
            } else {
                try (ResultSet keys = s.getGeneratedKeys()) {
                    if (!keys.next()) {
                        throw new IllegalStateException("insert: the database returned no generated key for column "
                                + generated);
                    }
                    key = keys.getString(1);
                }
            }
        }
        insertMirror(c, b, key, false);
        return SaveResult.SAVED;
    }

    /**
     * The key a new appointment is given when the insert names it: the booking's id in the table's
     * tenant, else a UUID derived from tenant and id (ids are unique per tenant only, keys in the table).
     */
    private String keyOf(Booking b) {
        if (b.tenantId().equals(table.tenant())) {
            return b.id();
        }
        return UUID.nameUUIDFromBytes((b.tenantId() + '\u0000' + b.id()).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /**
     * Writes a booking's change: the EHR's row (only when its status, slot or practitioner change)
     * and the booking's row, each checked for a change made meanwhile, by the EHR or another
     * writer: then VERSION_CONFLICT, and the command is decided again.
     */
    SaveResult update(Connection c, BookingChange change) throws SQLException {
        Booking after = change.booking();
        Mirror mirror = mirror(c, sql().findMirror, after.tenantId(), after.id()).orElse(null);
        String key;
        if (mirror == null) {
            if (!table.tenant().equals(after.tenantId()) || change.expectedVersion() != UNADOPTED_VERSION) {
                return SaveResult.VERSION_CONFLICT;
            }
            key = after.id();
        } else {
            if (mirror.booking().version() != change.expectedVersion()) {
                return SaveResult.VERSION_CONFLICT;
            }
            key = mirror.key();
        }
        Optional<Appointment> row = appointment(c, key);
        if (row.isEmpty() || (mirror == null && !mirrorsOf(c, List.of(key)).isEmpty())) {
            // Deleted by the EHR, or adopted by another writer since it was read: decided again.
            return SaveResult.VERSION_CONFLICT;
        }
        Appointment appointment = row.get();
        Booking current = mirror == null ? unadopted(appointment) : merge(mirror, appointment);
        if (!decidedOn(change, current)) {
            return SaveResult.VERSION_CONFLICT;
        }
        if (claims(change) && overlapsOthers(c, after, key)) {
            return SaveResult.SLOT_TAKEN;
        }
        boolean moved = !after.slot().equals(current.slot()) || !after.resource().id().equals(current.resource().id());
        if (moved || after.status() != current.status()) {
            NamedSql update = table.update();
            try (PreparedStatement s = c.prepareStatement(update.jdbc())) {
                AppointmentTimes.LocalSlot local = localSlot(after);
                bind(s, update, name -> writeValue(name, after, local, key, appointment));
                if (s.executeUpdate() == 0) {
                    return SaveResult.VERSION_CONFLICT;
                }
            }
        }
        boolean erased = (mirror != null && mirror.customerErased())
                || change.events().stream().anyMatch(BookingEvent.CustomerErased.class::isInstance);
        if (mirror == null) {
            insertMirror(c, after, key, erased);
            return SaveResult.SAVED;
        }
        return updateMirror(c, change, erased) == 0 ? SaveResult.VERSION_CONFLICT : SaveResult.SAVED;
    }

    /**
     * Whether the EHR's row still holds what the change was decided on: the status before its first
     * event, the slot and practitioner before its move (if it moves), the same patient. The EHR may
     * have changed other columns of its own; those are not ours to judge.
     */
    private static boolean decidedOn(BookingChange change, Booking current) {
        Booking after = change.booking();
        BookingStatus statusBefore = change.events().get(0).from();
        Interval slotBefore = after.slot();
        String resourceBefore = after.resource().id();
        for (BookingEvent event : change.events()) {
            if (event instanceof BookingEvent.Rescheduled moved) {
                slotBefore = moved.oldSlot();
                resourceBefore = moved.oldResourceId();
                break;
            }
        }
        return current.status() == statusBefore && current.slot().equals(slotBefore)
                && current.resource().id().equals(resourceBefore)
                && Objects.equals(customerId(current), customerId(after));
    }

    private static String customerId(Booking booking) {
        return booking.customer().map(CustomerDetails::id).orElse(null);
    }

    private static boolean claims(BookingChange change) {
        return change.slotClaim() == SlotClaim.EXCLUSIVE && change.booking().isActive();
    }

    /**
     * Whether another active appointment of the booking's practitioner, in the booking's tenant,
     * overlaps its slot: read from the EHR's table, so the EHR's own appointments count.
     */
    private boolean overlapsOthers(Connection c, Booking booking, String ownKey) throws SQLException {
        List<Appointment> others = new ArrayList<>();
        for (Appointment a : practitionerAppointments(c, booking.resource().id(), booking.slot())) {
            if (!a.key().equals(ownKey) && a.practitionerId().equals(booking.resource().id())
                    && overlaps(a.slot(), booking.slot())) {
                others.add(a);
            }
        }
        if (others.isEmpty()) {
            return false;
        }
        Map<String, Mirror> mirrors = mirrorsOf(c, others.stream().map(Appointment::key).toList());
        for (Appointment other : others) {
            Mirror mirror = mirrors.get(other.key());
            String tenant = mirror == null ? table.tenant() : mirror.booking().tenantId();
            BookingStatus status = codes.status(other.statusCode(), mirror == null ? null : mirror.booking().status());
            if (tenant.equals(booking.tenantId()) && status.isActive()) {
                return true;
            }
        }
        return false;
    }

    private void insertMirror(Connection c, Booking b, String key, boolean erased) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql().insertMirror)) {
            s.setString(1, b.tenantId());
            s.setString(2, b.id());
            s.setString(3, b.confirmationCode());
            int next = repository.bindBookingBody(s, 4, withoutPersonalData(b));
            sql().bindInstant(s, next, b.createdAt());
            sql().bindInstant(s, next + 1, b.updatedAt());
            s.setString(next + 2, key);
            s.setBoolean(next + 3, erased);
            s.executeUpdate();
        }
    }

    private int updateMirror(Connection c, BookingChange change, boolean erased) throws SQLException {
        Booking b = change.booking();
        try (PreparedStatement s = c.prepareStatement(sql().updateMirror)) {
            int next = repository.bindBookingBody(s, 1, withoutPersonalData(b));
            sql().bindInstant(s, next, b.updatedAt());
            s.setBoolean(next + 1, erased);
            s.setString(next + 2, b.tenantId());
            s.setString(next + 3, b.id());
            s.setLong(next + 4, change.expectedVersion());
            return s.executeUpdate();
        }
    }

    /** The patient's personal data stays the EHR's: br_booking keeps the customer's id and language only. */
    private static Booking withoutPersonalData(Booking b) {
        return b.customer().isEmpty() ? b : b.toBuilder().customer(b.customer().get().erased()).build();
    }

    // ------------------------------------------------------------------------------ merging

    /** A booking's mirror merged with its EHR row, or empty if the EHR deleted the row. */
    private Optional<Booking> merged(Connection c, Mirror mirror) throws SQLException {
        if (mirror.key() == null) {
            // A booking of the library's own tables: not one this repository serves.
            return Optional.empty();
        }
        return appointment(c, mirror.key()).map(a -> merge(mirror, a));
    }

    private Optional<Booking> unadopted(Connection c, String key) throws SQLException {
        return byKey(c, key, false);
    }

    /** The EHR's row wins for status, slot, practitioner and patient; the mirror keeps the rest. */
    Booking merge(Mirror mirror, Appointment a) {
        Booking base = mirror.booking();
        BookingStatus status = codes.status(a.statusCode(), base.status());
        boolean samePractitioner = a.practitionerId().equals(base.resource().id());
        boolean moved = !samePractitioner || !a.slot().equals(base.slot());
        Resource resource = new Resource(a.practitionerId(),
                a.practitionerName() != null ? a.practitionerName()
                        : samePractitioner ? base.resource().name() : a.practitionerId(),
                a.practitionerContact() != null ? a.practitionerContact()
                        : samePractitioner ? base.resource().contact() : null);
        Service service = a.serviceId() == null || a.serviceId().equals(base.service().id()) ? base.service()
                : new Service(a.serviceId(), a.serviceName() == null ? a.serviceId() : a.serviceName());
        CustomerDetails customer = a.patient();
        if (mirror.customerErased() && customer != null
                && base.customer().map(CustomerDetails::id).filter(customer.id()::equals).isPresent()) {
            customer = base.customer().get();
        } else if (customer != null && !a.languageKnown()
                && base.customer().map(CustomerDetails::id).filter(customer.id()::equals).isPresent()) {
            customer = new CustomerDetails(customer.id(), customer.name(), customer.email(), customer.phone(),
                    base.customer().get().language());
        }
        Actor confirmedBy = status != BookingStatus.CONFIRMED ? null
                : base.status() == BookingStatus.CONFIRMED ? base.confirmedBy().orElseThrow()
                : Actor.staff(AppointmentTable.EHR_STAFF_ID);
        return base.toBuilder()
                .resource(resource)
                .service(service)
                .customer(customer)
                .slot(a.slot())
                .status(status)
                .confirmedBy(confirmedBy)
                .reminder(moved ? ReminderState.none() : base.reminder())
                .build();
    }

    /** An appointment the library never changed, as a booking of the table's tenant. */
    Booking unadopted(Appointment a) {
        BookingStatus status = codes.status(a.statusCode());
        Instant created = a.createdAt() != null ? a.createdAt() : a.slot().getStart();
        return Booking.builder()
                .tenantId(table.tenant())
                .id(a.key())
                .confirmationCode(codeOf(a.key()))
                .resource(new Resource(a.practitionerId(),
                        a.practitionerName() == null ? a.practitionerId() : a.practitionerName(),
                        a.practitionerContact()))
                .service(a.serviceId() == null ? DEFAULT_SERVICE
                        : new Service(a.serviceId(), a.serviceName() == null ? a.serviceId() : a.serviceName()))
                .customer(a.patient())
                .slot(a.slot())
                .zone(table.zone())
                .status(status)
                .paymentStatus(PaymentStatus.UNPAID)
                .customerReschedules(0)
                .confirmedBy(status == BookingStatus.CONFIRMED ? Actor.staff(AppointmentTable.EHR_STAFF_ID) : null)
                .reminder(ReminderState.none())
                .version(UNADOPTED_VERSION)
                .createdAt(created)
                .updatedAt(created)
                .build();
    }

    /**
     * The confirmation code of an appointment the EHR made: {@code E0} and the key when it is 2 to 14
     * characters A-Z, 0-9 (random codes never hold a 0, so none clashes), else {@code E1} and 14
     * characters of the key's SHA-256 in the codes' alphabet.
     */
    static String codeOf(String key) {
        if (PLAIN_KEY.matcher(key).matches()) {
            return PLAIN_CODE + key;
        }
        byte[] hash;
        try {
            hash = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
        StringBuilder code = new StringBuilder(HASHED_CODE);
        for (int i = 0; i < 14; i++) {
            code.append(ConfirmationCodes.ALPHABET.charAt((hash[i] & 0xff) % ConfirmationCodes.ALPHABET.length()));
        }
        return code.toString();
    }

    // ------------------------------------------------------------------------------ reading rows

    private List<Booking> bookings(Connection c, List<Appointment> rows, String tenantId) throws SQLException {
        if (rows.isEmpty()) {
            return List.of();
        }
        Map<String, Mirror> mirrors = mirrorsOf(c, rows.stream().map(Appointment::key).toList());
        List<Booking> bookings = new ArrayList<>(rows.size());
        for (Appointment a : rows) {
            Mirror mirror = mirrors.get(a.key());
            if (mirror == null ? table.tenant().equals(tenantId) : mirror.booking().tenantId().equals(tenantId)) {
                bookings.add(mirror == null ? unadopted(a) : merge(mirror, a));
            }
        }
        return bookings;
    }

    private List<Appointment> practitionerAppointments(Connection c, String practitionerId, Interval interval)
            throws SQLException {
        LocalDate fromDate = interval.getStart().atZone(table.zone()).toLocalDate().minusDays(1);
        LocalDate toDate = interval.getEnd().atZone(table.zone()).toLocalDate();
        List<Appointment> rows = appointments(c, table.selectByPractitioner(), name -> switch (name) {
            case "practitioner" -> practitionerId;
            case "from" -> interval.getStart();
            case "to" -> interval.getEnd();
            case "from_date" -> fromDate;
            case "to_date" -> toDate;
            default -> throw new IllegalStateException(name);
        });
        List<Appointment> overlapping = new ArrayList<>(rows.size());
        for (Appointment a : rows) {
            if (overlaps(a.slot(), interval)) {
                overlapping.add(a);
            }
        }
        return overlapping;
    }

    private Optional<Appointment> appointment(Connection c, String key) throws SQLException {
        List<Appointment> rows = appointments(c, table.selectByKey(), name -> key);
        return rows.stream().filter(a -> a.key().equals(key)).findFirst();
    }

    private List<Appointment> appointments(Connection c, NamedSql select, Function<String, Object> values)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement(select.jdbc())) {
            bind(s, select, values);
            try (ResultSet rows = s.executeQuery()) {
                Set<String> labels = AppointmentTable.labels(rows);
                table.requireColumns(select.name(), labels);
                List<Appointment> result = new ArrayList<>();
                while (rows.next()) {
                    result.add(appointment(rows, labels));
                }
                return result;
            }
        }
    }

    private Appointment appointment(ResultSet r, Set<String> labels) throws SQLException {
        String patientId = text(r, labels, "patient_id");
        CustomerDetails patient = null;
        String language = null;
        if (patientId != null) {
            String name = text(r, labels, "patient_name");
            if (name == null) {
                String first = text(r, labels, "first_name");
                String last = text(r, labels, "last_name");
                name = first == null ? last : last == null ? first : first + " " + last;
            }
            language = text(r, labels, "language");
            patient = new CustomerDetails(patientId, name, text(r, labels, "email"), text(r, labels, "phone"),
                    language == null ? table.defaultLanguage() : Locale.forLanguageTag(language));
        }
        return new Appointment(required(r, "appointment_key"), required(r, "practitioner_id"),
                text(r, labels, "practitioner_name"), text(r, labels, "practitioner_contact"),
                text(r, labels, "service_id"), text(r, labels, "service_name"),
                r.getString("status_code"), table.times().read(r, sql(), table.zone()),
                labels.contains("row_version") ? r.getObject("row_version") : null,
                labels.contains("created_at") ? sql().readInstant(r, "created_at") : null, patient, language != null);
    }

    /** A column every row must have a value in; trailing spaces (CHAR columns pad them) removed. */
    private static String required(ResultSet r, String label) throws SQLException {
        String value = r.getString(label);
        if (value == null) {
            throw new BookingStorageException("an appointment row has no " + label, null);
        }
        return value.stripTrailing();
    }

    private static String text(ResultSet r, Set<String> labels, String label) throws SQLException {
        if (!labels.contains(label)) {
            return null;
        }
        String value = r.getString(label);
        return value == null || value.isBlank() ? null : value.strip();
    }

    private Optional<Mirror> mirror(Connection c, String query, String tenantId, String key) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(query)) {
            s.setString(1, tenantId);
            s.setString(2, key);
            List<Mirror> found = mirrors(s);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
        }
    }

    /** The mirrors of some appointments, by key. */
    private Map<String, Mirror> mirrorsOf(Connection c, List<String> keys) throws SQLException {
        Map<String, Mirror> byKey = new HashMap<>();
        for (int from = 0; from < keys.size(); from += KEYS_PER_QUERY) {
            List<String> chunk = keys.subList(from, Math.min(keys.size(), from + KEYS_PER_QUERY));
            try (PreparedStatement s = c.prepareStatement(sql().findMirrorsByKeys(chunk.size()))) {
                for (int i = 0; i < chunk.size(); i++) {
                    s.setString(i + 1, chunk.get(i));
                }
                for (Mirror mirror : mirrors(s)) {
                    byKey.put(mirror.key(), mirror);
                }
            }
        }
        return byKey;
    }

    private List<Mirror> mirrors(PreparedStatement s) throws SQLException {
        List<Mirror> result = new ArrayList<>();
        try (ResultSet rows = s.executeQuery()) {
            while (rows.next()) {
                result.add(new Mirror(repository.booking(rows), rows.getString("appointment_key"),
                        rows.getBoolean("customer_erased")));
            }
        }
        return result;
    }

    // ------------------------------------------------------------------------------ parameters

    /** The slot as local columns hold it (checked to read back the same), or null for timestamp columns. */
    private AppointmentTimes.LocalSlot localSlot(Booking b) {
        return table.times().isLocal() ? table.times().local(b.slot(), table.zone()) : null;
    }

    private Object writeValue(String name, Booking b, AppointmentTimes.LocalSlot local, String key, Appointment read) {
        return switch (name) {
            case "key" -> key;
            case "patient" -> customerId(b);
            case "practitioner" -> b.resource().id();
            case "practitioner_name" -> b.resource().name();
            case "service" -> b.service().id();
            case "service_name" -> b.service().name();
            case "status" -> codes.code(b.status());
            case "start" -> b.start();
            case "end" -> b.end();
            case "start_date" -> local.date();
            case "start_time" -> local.start();
            case "end_time" -> local.end();
            case "now" -> b.updatedAt();
            case "row_version" -> {
                if (read == null || read.rowVersion() == null) {
                    throw new IllegalStateException("update: uses :row_version, but the rows of selectByKey have no "
                            + "row_version column");
                }
                yield read.rowVersion();
            }
            default -> throw new IllegalStateException(name);
        };
    }

    private static Object patientValue(String name, CustomerDetails customer) {
        String fullName = customer.name();
        int space = fullName == null ? -1 : fullName.indexOf(' ');
        return switch (name) {
            case "patient" -> customer.id();
            case "name" -> fullName;
            case "first_name" -> space < 0 ? fullName : fullName.substring(0, space);
            case "last_name" -> space < 0 ? null : fullName.substring(space + 1);
            case "email" -> customer.email();
            case "phone" -> customer.phone();
            case "language" -> customer.language().toLanguageTag();
            default -> throw new IllegalStateException(name);
        };
    }

    /** Binds a statement's named parameters, each by its type. */
    private void bind(PreparedStatement s, NamedSql statement, Function<String, Object> values) throws SQLException {
        List<String> names = statement.parameters();
        for (int i = 0; i < names.size(); i++) {
            int index = i + 1;
            Object value = values.apply(names.get(i));
            if (value instanceof Instant instant) {
                sql().bindInstant(s, index, instant, table.zone());
            } else if (value instanceof LocalDate || value instanceof LocalTime) {
                s.setObject(index, value);
            } else if (value instanceof String text) {
                s.setString(index, text);
            } else if (value == null) {
                s.setNull(index, Types.VARCHAR);
            } else {
                s.setObject(index, value);
            }
        }
    }

    // ------------------------------------------------------------------------------ helpers

    private Sql sql() {
        return repository.sql();
    }

    private static boolean overlaps(Interval a, Interval b) {
        return a.getStart().isBefore(b.getEnd()) && b.getStart().isBefore(a.getEnd());
    }

    private static List<Booking> sorted(List<Booking> bookings) {
        bookings.sort(Comparator.comparing(Booking::start).thenComparing(Booking::id));
        return List.copyOf(bookings);
    }
}
