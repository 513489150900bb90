package org.bookingrules.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.bookingrules.links.IdentityCheck;

/**
 * An existing appointment table, described for {@link JdbcBookingRepository#create(DataSource,
 * AppointmentTable)}: the appointment stays the EHR's row in the EHR's table, read and written with
 * the integrator's own SQL, while the library keeps everything else (versions, history, outbox,
 * idempotency keys, link guards, reminders, the lock that prevents double booking) in its own
 * {@code br_} tables. Immutable and thread-safe; built with {@link #builder()}.
 *
 * <p><b>The statements.</b> Each is written by the integrator for their schema, with named
 * parameters ({@code :key}; see {@link Builder} for which each may use). The three selects return
 * one row per appointment, with these column labels (alias them: {@code a.appt_id AS
 * appointment_key}):
 * <table>
 *   <caption>Columns of an appointment row</caption>
 *   <tr><th>label</th><th></th><th>becomes</th></tr>
 *   <tr><td>{@code appointment_key}</td><td>required</td><td>the appointment's key, read as text</td></tr>
 *   <tr><td>{@code practitioner_id}</td><td>required</td><td>the booking's resource id</td></tr>
 *   <tr><td>{@code status_code}</td><td>required</td><td>the status, by the {@link StatusCodes}</td></tr>
 *   <tr><td>the times</td><td>required</td><td>the slot, by the {@link AppointmentTimes}</td></tr>
 *   <tr><td>{@code practitioner_name}</td><td>optional</td><td>the resource's name (else its id)</td></tr>
 *   <tr><td>{@code practitioner_contact}</td><td>optional</td><td>the resource's contact, named in
 *       refusals (else none, or the one a booking of the library's was made with)</td></tr>
 *   <tr><td>{@code service_id}, {@code service_name}</td><td>optional</td><td>the service (else
 *       {@value #DEFAULT_SERVICE_ID})</td></tr>
 *   <tr><td>{@code patient_id}</td><td>optional</td><td>the customer's id; NULL: no customer</td></tr>
 *   <tr><td>{@code patient_name}, or {@code first_name} and {@code last_name}</td><td>optional</td>
 *       <td>the customer's name (first and last joined by a space)</td></tr>
 *   <tr><td>{@code email}, {@code phone}, {@code language}</td><td>optional</td><td>the customer's
 *       contact and language (a BCP 47 tag; else the {@linkplain Builder#defaultLanguage default})</td></tr>
 *   <tr><td>{@code row_version}</td><td>optional</td><td>the row's version counter or last-change
 *       timestamp, handed back to the update as {@code :row_version}</td></tr>
 *   <tr><td>{@code created_at}</td><td>optional</td><td>when the EHR made it (an instant column)</td></tr>
 * </table>
 *
 * <p><b>Appointments the EHR made itself</b> belong to the {@linkplain Builder#tenant tenant} of
 * this table. Such an appointment is a booking whose id is its key, whose confirmation code is
 * {@code E0} followed by the key when the key is 1 to 14 characters of {@code A-Z} and
 * {@code 0-9} (the library's own codes never hold a 0), else {@code E1} followed by 14 characters
 * derived from the key (such a code is not found by {@code findByConfirmationCode}); unpaid, shown
 * in the clinic's {@linkplain Builder#zone zone}, with no reminder of the library's (the EHR sends
 * its own) and no history until the library first changes it. A confirmed one counts as
 * confirmed by {@code Actor.staff("ehr")} ({@link #EHR_STAFF_ID}). The first change through the
 * library "adopts" it: from then on it has a row in {@code br_booking} as well, under the same id.
 *
 * <p><b>What the EHR keeps.</b> The status, slot, practitioner and patient are always read from the
 * EHR's row, so a change made at the EHR's own front desk is seen at once. A booking whose slot or
 * practitioner the EHR changed has no reminder of the library's armed any more. The patient's
 * name, e-mail, phone and language are read from the EHR every time and never copied into the
 * library's tables (only the notifications' own snapshots hold them, as for every booking);
 * erasing a customer's data ({@code BookingRules.eraseCustomer}) removes the library's copies and
 * stops it reading the patient's name, e-mail and phone for that booking (no notification reaches
 * the patient through it any more), and leaves the EHR's patient record alone. A date-of-birth
 * identity check still asks the EHR, by the patient's id.
 *
 * <p><b>Rows the EHR deletes.</b> An appointment row the EHR deletes is no longer a booking: it is
 * not found, and the library's own records of it (its {@code br_booking} row, history and
 * notifications) stay as they were, out of reach of the commands, retention's guard clean-up and
 * erasure. Have the EHR cancel appointments rather than delete them (most do), or delete the
 * library's rows of the booking with it ({@code br_booking}, {@code br_booking_event},
 * {@code br_outbox} and {@code br_link_guard} by tenant and booking id). Likewise, a booking the EHR
 * finished itself keeps its link guard row until the library next changes it.
 *
 * <p><b>Changes the EHR makes without the library's lock.</b> A write first reads the EHR's row in
 * its transaction and compares it with the state the change was decided on: a row the EHR changed
 * since is not overwritten, the change is decided again on the new state. With a
 * {@code row_version} the update names it ({@code ... WHERE appt_id = :key AND version =
 * :row_version}), which also closes the moment between that read and the update; without one, an
 * EHR change landing in that moment is overwritten. And the EHR's own booking screen does not take
 * the library's lock: two bookings of one practitioner at one time, one made by each side at the
 * same moment, can both succeed unless the EHR takes the same lock (see the README, "Adopting on
 * an existing EHR").
 */
public final class AppointmentTable {

    /** The staff id that stands for the EHR itself, for confirmations the EHR made. */
    public static final String EHR_STAFF_ID = "ehr";
    /** The service of an appointment whose row has no {@code service_id}. */
    public static final String DEFAULT_SERVICE_ID = "appointment";

    static final Set<String> SELECT_BY_KEY = Set.of("key");
    static final Set<String> SELECT_BY_PATIENT = Set.of("patient");
    static final Set<String> PATIENT_PARAMETERS = Set.of("patient", "name", "first_name", "last_name", "email",
            "phone", "language");

    private final String tenant;
    private final ZoneId zone;
    private final AppointmentTimes times;
    private final StatusCodes statusCodes;
    private final Locale defaultLanguage;
    private final NamedSql selectByKey;
    private final NamedSql selectByPractitioner;
    private final NamedSql selectByPatient;
    private final NamedSql insert;
    private final String generatedKey;
    private final NamedSql update;
    private final NamedSql insertPatient;
    private final NamedSql selectDateOfBirth;
    private final Pattern keyPattern;

    private AppointmentTable(Builder b) {
        this.tenant = require(b.tenant, "tenant");
        this.zone = require(b.zone, "zone");
        this.times = b.times;
        this.statusCodes = require(b.statusCodes, "statusCodes");
        this.defaultLanguage = b.defaultLanguage;
        this.keyPattern = b.keyPattern;
        Set<String> slot = Set.of(times.slotParameters());
        this.selectByKey = NamedSql.parse("selectByKey", require(b.selectByKey, "selectByKey"), SELECT_BY_KEY,
                SELECT_BY_KEY);
        this.selectByPractitioner = NamedSql.parse("selectByPractitioner",
                require(b.selectByPractitioner, "selectByPractitioner"),
                union(Set.of("practitioner"), Set.of(times.intervalParameters())), Set.of("practitioner"));
        this.selectByPatient = NamedSql.parse("selectByPatient", require(b.selectByPatient, "selectByPatient"),
                SELECT_BY_PATIENT, SELECT_BY_PATIENT);
        Set<String> written = union(slot, Set.of("practitioner", "practitioner_name", "status", "now"));
        this.generatedKey = b.generatedKey;
        this.insert = NamedSql.parse("insert", require(b.insert, "insert"),
                union(written, Set.of("key", "patient", "service", "service_name")),
                union(union(slot, Set.of("practitioner", "status")), generatedKey == null ? Set.of("key") : Set.of()));
        this.update = NamedSql.parse("update", require(b.update, "update"), union(written, Set.of("key", "row_version")),
                union(slot, Set.of("key", "practitioner", "status")));
        this.insertPatient = b.insertPatient == null ? null
                : NamedSql.parse("insertPatient", b.insertPatient, PATIENT_PARAMETERS, Set.of("patient"));
        this.selectDateOfBirth = b.selectDateOfBirth == null ? null
                : NamedSql.parse("selectDateOfBirth", b.selectDateOfBirth, SELECT_BY_PATIENT, SELECT_BY_PATIENT);
    }

    /**
     * A builder.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the tenant of the appointments the EHR made itself */
    public String tenant() {
        return tenant;
    }

    /** @return the clinic's zone: bookings are shown in it, and local times are read in it */
    public ZoneId zone() {
        return zone;
    }

    /** @return how the table stores times */
    public AppointmentTimes times() {
        return times;
    }

    /** @return how the table's status codes map */
    public StatusCodes statusCodes() {
        return statusCodes;
    }

    /** @return the language of a patient whose row names none */
    public Locale defaultLanguage() {
        return defaultLanguage;
    }

    /**
     * The HL7 FHIR {@code Appointment.status} of one of the table's status codes.
     *
     * @param code the code as stored, null for SQL NULL
     * @return the FHIR code
     * @throws BookingStorageException if the code is not mapped
     * @see StatusCodes#fhirStatus(String)
     */
    public String fhirStatus(String code) {
        return statusCodes.fhirStatus(code);
    }

    /**
     * The patients' dates of birth, for {@link IdentityCheck#dateOfBirth}, read from the EHR with the
     * {@linkplain Builder#selectDateOfBirth statement given} on a connection of the data source each
     * time. Only the table's {@linkplain #tenant() tenant}'s customers are looked up (the EHR's
     * patients are its own); any other tenant's are unknown.
     *
     * @param dataSource where the EHR's tables are, not null
     * @return the lookup
     * @throws IllegalStateException if no date-of-birth statement was given
     */
    public IdentityCheck.DateOfBirthLookup dateOfBirthLookup(DataSource dataSource) {
        Objects.requireNonNull(dataSource, "dataSource");
        if (selectDateOfBirth == null) {
            throw new IllegalStateException("no selectDateOfBirth statement was given to the AppointmentTable");
        }
        return (tenantId, customerId) -> {
            if (!tenant.equals(tenantId) || !JdbcBookingRepository.storable(customerId)) {
                return Optional.empty();
            }
            try (Connection c = dataSource.getConnection();
                 PreparedStatement s = c.prepareStatement(selectDateOfBirth.jdbc())) {
                for (int i = 0; i < selectDateOfBirth.parameters().size(); i++) {
                    s.setString(i + 1, customerId);
                }
                try (ResultSet rows = s.executeQuery()) {
                    return rows.next() ? Optional.ofNullable(rows.getObject("birth_date", LocalDate.class))
                            : Optional.empty();
                }
            } catch (SQLException e) {
                throw JdbcBookingRepository.fault("dateOfBirth", e);
            }
        };
    }

    /** Whether a text can be an appointment's key, so worth looking up (an id of the library's is not). */
    boolean isKey(String text) {
        return keyPattern == null || keyPattern.matcher(text).matches();
    }

    NamedSql selectByKey() {
        return selectByKey;
    }

    NamedSql selectByPractitioner() {
        return selectByPractitioner;
    }

    NamedSql selectByPatient() {
        return selectByPatient;
    }

    NamedSql insert() {
        return insert;
    }

    String generatedKey() {
        return generatedKey;
    }

    NamedSql update() {
        return update;
    }

    NamedSql insertPatient() {
        return insertPatient;
    }

    /** The labels of a result's columns, lower case, to tell which optional columns it has. */
    static Set<String> labels(ResultSet rows) throws SQLException {
        ResultSetMetaData meta = rows.getMetaData();
        Set<String> labels = new HashSet<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            labels.add(meta.getColumnLabel(i).toLowerCase(Locale.ROOT));
        }
        return labels;
    }

    /** Checks that a statement's rows have the required columns, naming the statement and the missing ones. */
    void requireColumns(String statement, Set<String> labels) {
        Stream<String> required = Stream.concat(Stream.of("appointment_key", "practitioner_id", "status_code"),
                Stream.of(times.columns()));
        List<String> missing = required.filter(label -> !labels.contains(label)).toList();
        if (!missing.isEmpty()) {
            throw new IllegalStateException(statement + ": its rows have no column " + missing + " (alias the EHR's "
                    + "columns with these labels; see AppointmentTable)");
        }
    }

    private static <T> T require(T value, String field) {
        if (value == null) {
            throw new IllegalArgumentException(field + ": required, not given");
        }
        return value;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }

    @Override
    public String toString() {
        return "AppointmentTable[tenant=" + tenant + ", zone=" + zone + ", " + times + "]";
    }

    /**
     * Builds an {@link AppointmentTable}; not thread-safe. Each statement is parsed when
     * {@link #build()} runs: an unknown or missing parameter fails there, naming the statement.
     */
    public static final class Builder {
        private String tenant;
        private ZoneId zone;
        private AppointmentTimes times = AppointmentTimes.timestamps();
        private StatusCodes statusCodes;
        private Locale defaultLanguage = Locale.ENGLISH;
        private String selectByKey;
        private String selectByPractitioner;
        private String selectByPatient;
        private String insert;
        private String generatedKey;
        private String update;
        private String insertPatient;
        private String selectDateOfBirth;
        private Pattern keyPattern;

        private Builder() {
        }

        /**
         * What the table's keys look like, as a regular expression the whole key must match
         * ({@code "[1-9][0-9]{0,17}"} for a numeric identity column): an id or code that cannot be
         * a key is not looked up in the table (where comparing it with a numeric column could fail).
         * Unless set, every id is looked up.
         *
         * @param regex the pattern, not null
         * @return this builder
         * @throws java.util.regex.PatternSyntaxException if it is not a regular expression
         */
        public Builder keyPattern(String regex) {
            this.keyPattern = Pattern.compile(Objects.requireNonNull(regex, "keyPattern"));
            return this;
        }

        /**
         * The tenant the EHR's own appointments belong to (an EHR database is one clinic).
         *
         * @param tenantId not null
         * @return this builder
         */
        public Builder tenant(String tenantId) {
            this.tenant = Objects.requireNonNull(tenantId, "tenant");
            return this;
        }

        /**
         * The clinic's zone: the EHR's own appointments are shown in it, and
         * {@linkplain AppointmentTimes#localDateAndTimes() local times} are read and written in it.
         *
         * @param zone not null
         * @return this builder
         */
        public Builder zone(ZoneId zone) {
            this.zone = Objects.requireNonNull(zone, "zone");
            return this;
        }

        /**
         * How the table stores times; {@link AppointmentTimes#timestamps()} unless set.
         *
         * @param times not null
         * @return this builder
         */
        public Builder times(AppointmentTimes times) {
            this.times = Objects.requireNonNull(times, "times");
            return this;
        }

        /**
         * How the table's status codes map.
         *
         * @param statusCodes not null
         * @return this builder
         */
        public Builder statusCodes(StatusCodes statusCodes) {
            this.statusCodes = Objects.requireNonNull(statusCodes, "statusCodes");
            return this;
        }

        /**
         * The language of a patient whose row names none; English unless set.
         *
         * @param language not null
         * @return this builder
         */
        public Builder defaultLanguage(Locale language) {
            this.defaultLanguage = Objects.requireNonNull(language, "defaultLanguage");
            return this;
        }

        /**
         * Reads one appointment by its key. Parameter: {@code :key} (text).
         *
         * @param sql the select, not null
         * @return this builder
         */
        public Builder selectByKey(String sql) {
            this.selectByKey = sql;
            return this;
        }

        /**
         * Reads a practitioner's appointments in an interval, of every status. Parameters:
         * {@code :practitioner} (required); the interval as instants, {@code :from} and {@code :to},
         * and as the clinic's local dates that hold it, {@code :from_date} and {@code :to_date}
         * (the day before the interval's first, to catch appointments past midnight, to its last).
         * The rows may be more than the interval holds: the library keeps those overlapping it.
         *
         * @param sql the select, not null
         * @return this builder
         */
        public Builder selectByPractitioner(String sql) {
            this.selectByPractitioner = sql;
            return this;
        }

        /**
         * Reads a patient's appointments, of every status. Parameter: {@code :patient}.
         *
         * @param sql the select, not null
         * @return this builder
         */
        public Builder selectByPatient(String sql) {
            this.selectByPatient = sql;
            return this;
        }

        /**
         * Inserts an appointment. Parameters: {@code :practitioner}, {@code :status} and the slot
         * (required); {@code :practitioner_name}, {@code :patient} (NULL for a booking without a
         * customer), {@code :service}, {@code :service_name}, {@code :now}; and {@code :key}, the
         * booking's id, required unless the key is {@linkplain #generatedKey generated}.
         *
         * @param sql the insert, not null
         * @return this builder
         */
        public Builder insert(String sql) {
            this.insert = sql;
            return this;
        }

        /**
         * The column whose generated value is a new appointment's key (an identity column), read
         * through {@link java.sql.Statement#getGeneratedKeys()}; unless set, the insert must use
         * {@code :key}.
         *
         * @param column the column's name, not null
         * @return this builder
         */
        public Builder generatedKey(String column) {
            this.generatedKey = Objects.requireNonNull(column, "generatedKey");
            return this;
        }

        /**
         * Writes an appointment's status, practitioner and slot. Parameters: {@code :key},
         * {@code :practitioner}, {@code :status} and the slot (required); {@code :practitioner_name},
         * {@code :now}, and {@code :row_version}, the value of the row's {@code row_version} column
         * as read in the same transaction: an update that names it and so changes no row counts
         * as a change the EHR made meanwhile, and the booking's change is decided again.
         *
         * @param sql the update, not null
         * @return this builder
         */
        public Builder update(String sql) {
            this.update = sql;
            return this;
        }

        /**
         * Registers a patient the EHR does not know, when the library books for them: written to do
         * nothing for a known one ({@code INSERT ... SELECT ... WHERE NOT EXISTS}, or the database's
         * insert-ignore), since the EHR's record wins and is never overwritten. Parameters:
         * {@code :patient} (required), {@code :name}, {@code :first_name} (the name up to its first
         * space), {@code :last_name} (the rest), {@code :email}, {@code :phone}, {@code :language}.
         * Unless given, the library never writes patients.
         *
         * @param sql the insert, not null
         * @return this builder
         */
        public Builder insertPatient(String sql) {
            this.insertPatient = Objects.requireNonNull(sql, "insertPatient");
            return this;
        }

        /**
         * Reads a patient's date of birth, as a {@code birth_date} column, for
         * {@link AppointmentTable#dateOfBirthLookup}. Parameter: {@code :patient}.
         *
         * @param sql the select, not null
         * @return this builder
         */
        public Builder selectDateOfBirth(String sql) {
            this.selectDateOfBirth = Objects.requireNonNull(sql, "selectDateOfBirth");
            return this;
        }

        /**
         * The table.
         *
         * @return the table
         * @throws IllegalArgumentException naming the field or statement, if one is missing or wrong
         */
        public AppointmentTable build() {
            return new AppointmentTable(this);
        }
    }
}
