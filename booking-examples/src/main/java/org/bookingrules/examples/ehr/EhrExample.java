package org.bookingrules.examples.ehr;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.bookingrules.BookRequest;
import org.bookingrules.BookingRef;
import org.bookingrules.BookingRules;
import org.bookingrules.ChangeRequest;
import org.bookingrules.Outcome;
import org.bookingrules.RescheduleRequest;
import org.bookingrules.jdbc.AppointmentTable;
import org.bookingrules.jdbc.JdbcBookingRepository;
import org.bookingrules.links.Grant;
import org.bookingrules.links.LinkResult;
import org.bookingrules.links.ManageLinks;
import org.bookingrules.links.ManageView;
import org.bookingrules.links.SelfService;
import org.bookingrules.model.Actor;
import org.bookingrules.model.Booking;
import org.bookingrules.model.BookingEvent;
import org.bookingrules.model.Service;
import org.bookingrules.rules.Refusal;
import org.bookingrules.spi.Notification;
import org.bookingrules.spi.RecipientRole;
import org.h2.jdbcx.JdbcDataSource;
import org.threeten.extra.MutableClock;

/**
 * The EHR integration, end to end, on embedded H2: a clinic whose appointments live in its EHR's own
 * tables lets patients and staff act through Booking Rules' rules, and the EHR's tables and codes
 * stay as they were, apart from the columns of the appointments that change.
 *
 * <p>Run it with:
 * <pre>
 * mvn -B -q -pl booking-examples -am test-compile exec:java -Dexec.mainClass=org.bookingrules.examples.ehr.EhrExample
 * </pre>
 *
 * <p>What the integrator writes is two small classes: {@link EhrAppointments}, the EHR's table
 * described for the library's kit ({@link AppointmentTable}: its SQL, its status codes), and
 * {@link EhrSetup}, the wiring (the library's {@code br_} tables beside the EHR's,
 * {@link JdbcBookingRepository#create(DataSource, AppointmentTable)}, links, rules, relay). This
 * class is the demo's narration only.
 *
 * <p>What it does: the EHR creates its schema ({@code ehr/ehr-schema.sql}) and its rows
 * ({@code ehr/ehr-sample-data.sql}) as it always has; the appointments table is printed with the
 * EHR's status codes, and each appointment as Booking Rules sees it (the EHR's own appointments are
 * bookings of the clinic's tenant, id {@code appt_id}, code {@code E0}+{@code appt_id}), with its
 * HL7 FHIR {@code Appointment.status}. Then, on a simulated clock, a patient opens her manage link,
 * proves who she is with the e-mail on her EHR record (R8) and cancels (R9, R11): her row becomes
 * {@code CX}. Another patient's cancel, too close to the appointment, is refused with the deadline
 * and the practitioner's contact, and his row is not touched; the front desk moves it instead
 * (R12). The first patient books again, a new EHR row, and the front desk confirms it. The table
 * is printed again, with the bookings' histories.
 *
 * <p>All people and addresses are fictional. Not thread-safe: one run per instance.
 */
public final class EhrExample {

    /** The EHR's DDL, as its vendor ships it. */
    static final String EHR_SCHEMA_SCRIPT = "ehr/ehr-schema.sql";
    /** Rows the EHR wrote itself, long before Booking Rules came. */
    static final String EHR_SAMPLE_DATA_SCRIPT = "ehr/ehr-sample-data.sql";
    /** The clinic, as a Booking Rules tenant. */
    static final String TENANT = EhrSetup.TENANT;
    /** The clinic's zone. */
    static final ZoneId ZONE = EhrSetup.ZONE;
    /** When the example happens: Monday 2 March 2026, 09:00 in Madrid. */
    static final Instant START = Instant.parse("2026-03-02T08:00:00Z");
    /** Dr. Ruiz's contact, for refusals (R9), as {@link EhrAppointments} reads it. */
    static final String RUIZ_CONTACT = "+34 910 000 000";
    /** Lucía's consultation on Thursday, status SC in the EHR. */
    static final String LUCIA_APPOINTMENT = "1001";
    /** Lucía's id in the EHR. */
    static final String LUCIA = "P-10042";
    /** The e-mail on Lucía's EHR record, which she types to prove who she is. */
    static final String LUCIA_EMAIL = "lucia.fernandez@example.org";
    /** Tom's consultation today at 18:00, status CF in the EHR. */
    static final String TOM_APPOINTMENT = "1002";
    /** Tom's id in the EHR. */
    static final String TOM = "P-10077";

    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("EEE dd MMM HH:mm", Locale.ENGLISH);
    private static final byte[] DEMO_KEY = "ehr-example-signing-key-not-a-secret".getBytes(StandardCharsets.UTF_8);
    private static final Actor FRONT_DESK = Actor.staff("front-desk");

    private final DataSource dataSource;
    private final MutableClock clock = MutableClock.of(START, ZONE);
    private final List<Notification> delivered = new CopyOnWriteArrayList<>();
    private final EhrSetup setup;

    /**
     * The example over an EHR database that has its tables and rows already.
     *
     * @param dataSource the EHR's database
     */
    EhrExample(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.setup = new EhrSetup(dataSource, clock, delivered::add, DEMO_KEY);
    }

    /**
     * Runs the example on a fresh in-memory H2 database and prints what happens.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        // UTF-8 whatever the platform's default, so names like "Lucía" print as they are.
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        JdbcDataSource dataSource = newDatabase();
        try {
            installEhr(dataSource);
            new EhrExample(dataSource).run(out);
        } finally {
            shutdown(dataSource);
        }
        out.flush();
    }

    /** @return a new, empty in-memory H2 database that lives until {@link #shutdown} */
    static JdbcDataSource newDatabase() {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:ehr-example-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        return dataSource;
    }

    /** What the EHR did long before Booking Rules: its tables, and its rows. */
    static void installEhr(DataSource dataSource) {
        runScript(dataSource, EHR_SCHEMA_SCRIPT);
        runScript(dataSource, EHR_SAMPLE_DATA_SCRIPT);
    }

    /**
     * Runs one of the EHR's SQL scripts from the classpath, with H2's own script runner.
     *
     * @param dataSource the EHR's database
     * @param resource the script, a fixed name of this package's resources
     */
    static void runScript(DataSource dataSource, String resource) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("RUNSCRIPT FROM 'classpath:/" + resource + "' CHARSET 'UTF-8'");
        } catch (SQLException e) {
            throw new IllegalStateException("script " + resource + " failed: SQLState " + e.getSQLState(), e);
        }
    }

    static void shutdown(DataSource dataSource) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("SHUTDOWN");
        } catch (SQLException e) {
            throw new IllegalStateException("could not close the example database: SQLState " + e.getSQLState(), e);
        }
    }

    AppointmentTable table() {
        return setup.table;
    }

    JdbcBookingRepository repository() {
        return setup.repository;
    }

    BookingRules rules() {
        return setup.rules;
    }

    SelfService selfService() {
        return setup.selfService;
    }

    ManageLinks links() {
        return setup.links;
    }

    MutableClock clock() {
        return clock;
    }

    /** @return every notification delivered so far, after the relay has drained the outbox */
    List<Notification> delivered() {
        while (setup.relay.deliverDue() > 0) {
            // A product runs the relay on a schedule; the demo drains it, so what it shows is complete.
        }
        return List.copyOf(delivered);
    }

    // ------------------------------------------------------------------------------------ story

    void run(PrintStream out) {
        out.println("Booking Rules on an EHR's own tables: Clínica Sol, embedded H2");
        out.println("The EHR created and filled its tables (patients, appointments) itself. Booking Rules added");
        out.println("only its own br_* tables, and reads and writes the EHR's rows with the integrator's SQL.");
        out.println("Clock: " + LOCAL.format(START.atZone(ZONE)) + " (" + ZONE + "), simulated.");
        List<Map<String, Object>> before = appointmentRows(dataSource);
        printTable(out, "The EHR's appointments table, BEFORE", before, null);
        printAsBookings(out, "What Booking Rules sees: each appointment as a booking, with its FHIR status");

        header(out, "Lucía cancels Thursday's consultation from her manage link (R8, R9, R11)");
        Booking lucia = repository().find(TENANT, LUCIA_APPOINTMENT).orElseThrow();
        String link = links().linkFor(lucia).orElseThrow();
        String token = link.substring(link.indexOf('#') + 1);
        line(out, "The clinic's message to " + LUCIA + " carries her link: " + shorten(link));
        ManageView view = selfService().open(token).orElseThrow();
        line(out, "She opens it: " + view.serviceName() + " with " + view.resourceName() + ", "
                + LOCAL.format(view.start()) + ", " + view.status() + "; cancel allowed until "
                + view.permissions().cancelUntil().map(this::local).orElse("-"));
        LinkResult<Grant> grant = selfService().verifyIdentity(token, LUCIA_EMAIL);
        line(out, "Identity check (R8): she types the e-mail on her EHR record -> "
                + (grant.toOptional().isPresent() ? "passed" : "failed"));
        Outcome cancelled = selfService().cancel(grant.orElseThrow().token(), "Tengo fiebre").orElseThrow();
        Outcome.Done done = cancelled.orElseThrow();
        line(out, "-> Cancellation successful / Cancelación exitosa: " + done.booking().status() + ", code "
                + done.booking().confirmationCode() + ", notified: " + done.notifications().stream()
                .map(n -> n.recipient().name()).toList());
        printDelivered(out);

        header(out, "Tom tries to cancel today's 18:00 consultation in the patient portal: too late (R9)");
        BookingRef tom = BookingRef.of(TENANT, TOM_APPOINTMENT);
        Outcome refused = rules().cancel(Actor.customer(TOM), tom, ChangeRequest.because("Cannot make it"));
        Refusal refusal = refused.asRefusal().orElseThrow();
        line(out, "-> Refused: " + refusal.reason() + " (deadline "
                + Optional.ofNullable(refusal.allowedUntil()).map(this::local).orElse("-")
                + ", contact " + Objects.requireNonNullElse(refusal.contact(), "-") + ")");
        line(out, "   en: " + refusal.message(Locale.ENGLISH));
        line(out, "   es: " + refusal.message(Locale.forLanguageTag("es")));
        line(out, "   His row in the EHR is not touched.");

        clock.add(Duration.ofMinutes(20));
        header(out, "Tom phones the front desk, which moves his consultation to Wednesday (R12)");
        Booking tomsBooking = repository().find(TENANT, TOM_APPOINTMENT).orElseThrow();
        Instant wednesday = tomsBooking.start().plus(Duration.ofDays(2));
        Outcome.Done moved = rules().reschedule(FRONT_DESK, tom, RescheduleRequest.to(wednesday,
                wednesday.plus(tomsBooking.slot().toDuration())).with(ChangeRequest.because("Patient phoned")))
                .orElseThrow();
        line(out, "-> Moved to " + local(moved.booking().start()) + ": " + moved.booking().status() + ", EHR code "
                + table().statusCodes().code(moved.booking().status()));
        printDelivered(out);

        clock.add(Duration.ofMinutes(20));
        header(out, "Lucía books a new consultation in the patient portal; the front desk confirms it (R1, R10)");
        Instant friday = lucia.start().plus(Duration.ofDays(1));
        Outcome.Done booked = rules().book(Actor.customer(LUCIA), BookRequest.of(TENANT, lucia.resource(),
                new Service("CONSULT", "Consultation"), lucia.customer().orElseThrow(), friday,
                friday.plus(lucia.slot().toDuration()), ZONE)).orElseThrow();
        String newId = booked.booking().id();
        line(out, "-> Booked: " + local(friday) + ", " + booked.booking().status() + ", code "
                + booked.booking().confirmationCode() + " (a new row of the EHR's table)");
        Outcome.Done confirmed = rules().confirm(FRONT_DESK, BookingRef.of(TENANT, newId)).orElseThrow();
        line(out, "-> Confirmed by the front desk: " + confirmed.booking().status() + ", EHR code "
                + table().statusCodes().code(confirmed.booking().status()));
        printDelivered(out);

        List<Map<String, Object>> after = appointmentRows(dataSource);
        printTable(out, "The EHR's appointments table, AFTER (* = changed, + = new, by Booking Rules)", after, before);
        printAsBookings(out, "And as bookings, with their FHIR status, AFTER");
        printLibraryTables(out, List.of(LUCIA_APPOINTMENT, TOM_APPOINTMENT, newId));
    }

    private void printAsBookings(PrintStream out, String title) {
        header(out, title);
        out.printf("  %-8s %-8s %-10s %-3s %-24s %-12s %s%n", "booking", "code", "status", "EHR",
                "FHIR Appointment.status", "participant", "patient");
        for (Map<String, Object> row : appointmentRows(dataSource)) {
            String code = (String) row.get("STATUS_CODE");
            Booking b = repository().findByAppointmentKey(row.get("APPT_ID").toString()).orElseThrow();
            out.printf("  %-8s %-8s %-10s %-3s %-24s %-12s %s%n", shortId(b.id()), shortId(b.confirmationCode()),
                    b.status(), code, table().fhirStatus(code), b.status().fhirParticipantStatus(),
                    b.customer().map(c -> c.id()).orElse("-"));
        }
    }

    private void printDelivered(PrintStream out) {
        for (Notification n : delivered()) {
            String to = n.recipient() == RecipientRole.CUSTOMER
                    ? n.booking().customer().map(c -> c.email() != null ? c.email() : c.phone()).orElse("-")
                    : n.booking().resource().name();
            line(out, "   mail " + n.kind() + " -> " + n.recipient() + " " + to + " [" + n.locale().toLanguageTag()
                    + "]: " + n.subject());
        }
        delivered.clear();
    }

    private void printLibraryTables(PrintStream out, List<String> bookingIds) {
        header(out, "Booking Rules' own tables (the EHR's tables have no column for these)");
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            for (String table : List.of("br_booking", "br_booking_event", "br_outbox")) {
                try (ResultSet r = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
                    r.next();
                    out.printf("  %-20s %d row(s)%n", table, r.getLong(1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the library's tables: SQLState " + e.getSQLState(), e);
        }
        for (String id : bookingIds) {
            for (BookingEvent event : repository().history(TENANT, id)) {
                out.printf("  history of booking %s: %s %s by %s:%s, %s -> %s%s%n", shortId(id), local(event.at()),
                        event.kind(), actorKind(event.actor()), event.actor().id(),
                        Objects.requireNonNullElse(event.from(), "-"), event.to(),
                        event instanceof BookingEvent.Cancelled c && c.reason() != null
                                ? ", reason \"" + c.reason() + "\"" : "");
            }
        }
    }

    private static String actorKind(Actor actor) {
        return actor instanceof Actor.Customer ? "customer" : actor instanceof Actor.Staff ? "staff" : "system";
    }

    private static void printTable(PrintStream out, String title, List<Map<String, Object>> rows,
                                   List<Map<String, Object>> before) {
        header(out, title);
        out.printf("  %-8s %-10s %-9s %-9s %-17s %-6s %-8s %s%n", "appt_id", "patient_id", "practit.", "service",
                "starts_at (local)", "status", "version", "notes");
        for (Map<String, Object> row : rows) {
            Map<String, Object> old = before == null ? null : before.stream()
                    .filter(b -> b.get("APPT_ID").equals(row.get("APPT_ID"))).findFirst().orElse(null);
            boolean added = before != null && old == null;
            boolean changed = old != null && !old.equals(row);
            OffsetDateTime starts = (OffsetDateTime) row.get("STARTS_AT");
            out.println(String.format(Locale.ROOT, "%s %-8s %-10s %-9s %-9s %-17s %-6s %-8s %s",
                    added ? "+" : changed ? "*" : " ",
                    row.get("APPT_ID"), row.get("PATIENT_ID"), row.get("PRACTITIONER_ID"), row.get("SERVICE_CODE"),
                    LOCAL.format(starts.atZoneSameInstant(ZONE)), row.get("STATUS_CODE"), row.get("VERSION"),
                    row.get("NOTES") == null ? "" : row.get("NOTES")).stripTrailing());
            if (changed) {
                List<String> diffs = new ArrayList<>();
                for (String column : row.keySet()) {
                    if (!Objects.equals(old.get(column), row.get(column))) {
                        diffs.add(column.toLowerCase(Locale.ROOT) + " " + shown(old.get(column)) + " -> "
                                + shown(row.get(column)));
                    }
                }
                out.println("    changed: " + String.join(", ", diffs) + "; every other column as it was");
            }
        }
    }

    /** A column's value as printed: times in the clinic's zone. */
    private static String shown(Object value) {
        return value instanceof OffsetDateTime time ? LOCAL.format(time.atZoneSameInstant(ZONE)) : String.valueOf(value);
    }

    /** An id or code of the library's, shortened for the table (the EHR's own are short already). */
    private static String shortId(String id) {
        return id.length() <= 8 ? id : id.substring(0, 7) + "…";
    }

    /**
     * Every row of the EHR's appointments table, by appt_id, column name to value.
     *
     * @param dataSource the EHR's database
     * @return the rows
     */
    static List<Map<String, Object>> appointmentRows(DataSource dataSource) {
        return rows(dataSource, "SELECT * FROM appointments ORDER BY appt_id");
    }

    /**
     * Every row a query returns, column label to value, in column order.
     *
     * @param dataSource where
     * @param query a fixed SELECT
     * @return the rows
     */
    static List<Map<String, Object>> rows(DataSource dataSource, String query) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(query);
             ResultSet r = s.executeQuery()) {
            List<Map<String, Object>> rows = new ArrayList<>();
            int columns = r.getMetaData().getColumnCount();
            while (r.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= columns; i++) {
                    row.put(r.getMetaData().getColumnLabel(i), r.getObject(i));
                }
                rows.add(row);
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException("query failed: SQLState " + e.getSQLState(), e);
        }
    }

    private String local(Instant instant) {
        return LOCAL.format(instant.atZone(ZONE));
    }

    private void line(PrintStream out, String text) {
        out.println("[" + LOCAL.format(clock.instant().atZone(ZONE)) + "] " + text);
    }

    private static void header(PrintStream out, String title) {
        out.println();
        out.println("== " + title + " ==");
    }

    private static String shorten(String link) {
        return link.length() <= 72 ? link : link.substring(0, 69) + "...";
    }
}
