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
import org.bookingrules.BookingRef;
import org.bookingrules.BookingRules;
import org.bookingrules.ChangeRequest;
import org.bookingrules.Outcome;
import org.bookingrules.links.Grant;
import org.bookingrules.links.IdentityCheck;
import org.bookingrules.links.LinkResult;
import org.bookingrules.links.ManageLinks;
import org.bookingrules.links.ManageView;
import org.bookingrules.links.SelfService;
import org.bookingrules.model.Actor;
import org.bookingrules.model.Booking;
import org.bookingrules.model.BookingEvent;
import org.bookingrules.policy.BookingPolicy;
import org.bookingrules.rules.Refusal;
import org.bookingrules.spi.Notification;
import org.bookingrules.spi.RecipientRole;
import org.h2.jdbcx.JdbcDataSource;
import org.threeten.extra.MutableClock;

/**
 * The EHR integration, end to end, on embedded H2: a clinic whose appointments live in its EHR's own
 * tables lets a patient cancel through Booking Rules' self-service rules, and the EHR's tables and
 * codes stay as they were, apart from the status of the cancelled appointment.
 *
 * <p>Run it with:
 * <pre>
 * mvn -B -q -pl booking-examples -am test-compile exec:java -Dexec.mainClass=org.bookingrules.examples.ehr.EhrExample
 * </pre>
 *
 * <p>What it does: the EHR creates its schema ({@code ehr/ehr-schema.sql}) and its rows
 * ({@code ehr/ehr-sample-data.sql}) as it always has; Booking Rules adds its side tables
 * ({@link EhrBookingRepository#createSideTables}); the appointments table is printed with the EHR's
 * status codes, and each appointment as Booking Rules sees it, with its HL7 FHIR
 * {@code Appointment.status}. Then, on a simulated clock, a patient opens her manage link, proves who
 * she is with the e-mail on her EHR record (R8) and cancels (R9, R11): her row becomes {@code CX}.
 * Another patient's cancel, too close to the appointment, is refused with the deadline and the
 * practitioner's contact, and his row is not touched. The table is printed again.
 *
 * <p>All people and addresses are fictional. Not thread-safe: one run per instance.
 */
public final class EhrExample {

    /** The EHR's DDL, as its vendor ships it. */
    static final String EHR_SCHEMA_SCRIPT = "ehr/ehr-schema.sql";
    /** Rows the EHR wrote itself, long before Booking Rules came. */
    static final String EHR_SAMPLE_DATA_SCRIPT = "ehr/ehr-sample-data.sql";
    /** The clinic, as a Booking Rules tenant. */
    static final String TENANT = "clinica-sol";
    /** The clinic's zone. */
    static final ZoneId ZONE = ZoneId.of("Europe/Madrid");
    /** When the example happens: Monday 2 March 2026, 09:00 in Madrid. */
    static final Instant START = Instant.parse("2026-03-02T08:00:00Z");
    /** Dr. Ruiz's contact, for refusals (R9). */
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

    private final DataSource dataSource;
    private final MutableClock clock = MutableClock.of(START, ZONE);
    private final EhrBookingRepository repository;
    private final ManageLinks links;
    private final BookingRules rules;
    private final SelfService selfService;
    private final List<Notification> delivered = new CopyOnWriteArrayList<>();

    /**
     * The example over an EHR database that has its tables and rows already.
     *
     * @param dataSource the EHR's database
     */
    EhrExample(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        EhrBookingRepository.createSideTables(dataSource);
        Map<String, String> serviceNames = Map.of("CONSULT", "Consultation", "CHECKUP", "Check-up");
        Map<String, String> contacts = Map.of("dr-ruiz", RUIZ_CONTACT);
        this.repository = EhrBookingRepository.builder(dataSource)
                .homeTenant(TENANT)
                .zone(ZONE)
                .defaultLanguage(Locale.forLanguageTag("es"))
                .practitionerContact(contacts::get)
                .serviceName(code -> serviceNames.getOrDefault(code, code))
                .build();
        this.links = ManageLinks.builder()
                .signingKey("ehr-demo", DEMO_KEY)
                .clock(clock)
                .baseUrl("https://clinica-sol.example/manage#")
                .build();
        this.rules = BookingRules.builder()
                .repository(repository)
                .notifier(delivered::add)
                .policy(BookingPolicy.builder().cancellationNotice(Duration.ofHours(24)).build())
                .clock(clock)
                .manageLinks(links)
                .build();
        this.selfService = SelfService.builder()
                .rules(rules)
                .repository(repository)
                .links(links)
                .identityCheck(IdentityCheck.email())
                .build();
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
        SqlScript.run(dataSource, EHR_SCHEMA_SCRIPT);
        SqlScript.run(dataSource, EHR_SAMPLE_DATA_SCRIPT);
    }

    static void shutdown(DataSource dataSource) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("SHUTDOWN");
        } catch (SQLException e) {
            throw new IllegalStateException("could not close the example database: SQLState " + e.getSQLState(), e);
        }
    }

    EhrBookingRepository repository() {
        return repository;
    }

    BookingRules rules() {
        return rules;
    }

    SelfService selfService() {
        return selfService;
    }

    ManageLinks links() {
        return links;
    }

    MutableClock clock() {
        return clock;
    }

    List<Notification> delivered() {
        return List.copyOf(delivered);
    }

    // ------------------------------------------------------------------------------------ story

    void run(PrintStream out) {
        out.println("Booking Rules on an EHR's own tables: Clínica Sol, embedded H2");
        out.println("The EHR created and filled its tables (patients, appointments) itself. Booking Rules added");
        out.println("only its side tables (br_ehr_*) and writes only status_code and version of a row it changes.");
        out.println("Clock: " + LOCAL.format(START.atZone(ZONE)) + " (" + ZONE + "), simulated.");
        List<Map<String, Object>> before = appointmentRows(dataSource);
        printTable(out, "The EHR's appointments table, BEFORE", before, null);
        printAsBookings(out, "What Booking Rules sees: each appointment as a booking, with its FHIR status");

        header(out, "Lucía cancels Thursday's consultation from her manage link (R8, R9, R11)");
        Booking lucia = repository.find(TENANT, LUCIA_APPOINTMENT).orElseThrow();
        String link = links.linkFor(lucia).orElseThrow();
        String token = link.substring(link.indexOf('#') + 1);
        line(out, "The clinic's message to " + LUCIA + " carries her link: " + shorten(link));
        ManageView view = selfService.open(token).orElseThrow();
        line(out, "She opens it: " + view.serviceName() + " with " + view.resourceName() + ", "
                + LOCAL.format(view.start()) + ", " + view.status() + "; cancel allowed until "
                + view.permissions().cancelUntil().map(this::local).orElse("-"));
        LinkResult<Grant> grant = selfService.verifyIdentity(token, LUCIA_EMAIL);
        line(out, "Identity check (R8): she types the e-mail on her EHR record -> "
                + (grant.toOptional().isPresent() ? "passed" : "failed"));
        Outcome cancelled = selfService.cancel(grant.orElseThrow().token(), "Tengo fiebre").orElseThrow();
        Outcome.Done done = cancelled.orElseThrow();
        line(out, "-> Cancellation successful / Cancelación exitosa: " + done.booking().status() + ", code "
                + done.booking().confirmationCode() + ", notified: " + done.notifications().stream()
                .map(n -> n.recipient().name()).toList());
        printDelivered(out);

        header(out, "Tom tries to cancel today's 18:00 consultation in the patient portal: too late (R9)");
        Outcome refused = rules.cancel(Actor.customer(TOM), BookingRef.of(TENANT, TOM_APPOINTMENT),
                ChangeRequest.because("Cannot make it"));
        Refusal refusal = refused.asRefusal().orElseThrow();
        line(out, "-> Refused: " + refusal.reason() + " (deadline " + Optional.ofNullable(refusal.allowedUntil()).map(this::local).orElse("-")
                + ", contact " + Objects.requireNonNullElse(refusal.contact(), "-") + ")");
        line(out, "   en: " + refusal.message(Locale.ENGLISH));
        line(out, "   es: " + refusal.message(Locale.forLanguageTag("es")));
        line(out, "   His row in the EHR is not touched.");

        List<Map<String, Object>> after = appointmentRows(dataSource);
        printTable(out, "The EHR's appointments table, AFTER (* = changed by Booking Rules)", after, before);
        printAsBookings(out, "And as bookings, with their FHIR status, AFTER");
        printSideTables(out);
    }

    private void printAsBookings(PrintStream out, String title) {
        header(out, title);
        out.printf("  %-8s %-8s %-10s %-3s %-24s %-12s %s%n", "booking", "code", "status", "EHR",
                "FHIR Appointment.status", "participant", "patient");
        for (Map<String, Object> row : appointmentRows(dataSource)) {
            String id = row.get("APPT_ID").toString();
            Booking b = repository.find(TENANT, id).orElseThrow();
            out.printf("  %-8s %-8s %-10s %-3s %-24s %-12s %s%n", b.id(), b.confirmationCode(), b.status(),
                    EhrStatusCode.of(b.status()).code(), b.status().fhirAppointmentStatus(),
                    b.status().fhirParticipantStatus(), b.customer().map(c -> c.id()).orElse("-"));
        }
    }

    private void printDelivered(PrintStream out) {
        for (Notification n : delivered) {
            String to = n.recipient() == RecipientRole.CUSTOMER
                    ? n.booking().customer().map(c -> c.email() != null ? c.email() : c.phone()).orElse("-")
                    : n.booking().resource().name();
            line(out, "   mail " + n.kind() + " -> " + n.recipient() + " " + to + " [" + n.locale().toLanguageTag()
                    + "]: " + n.subject());
        }
        delivered.clear();
    }

    private void printSideTables(PrintStream out) {
        header(out, "Booking Rules' own side tables (the EHR's tables have no column for these)");
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            for (String table : List.of("br_ehr_booking", "br_ehr_event", "br_ehr_notification")) {
                try (ResultSet r = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
                    r.next();
                    out.printf("  %-20s %d row(s)%n", table, r.getLong(1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the side tables: SQLState " + e.getSQLState(), e);
        }
        for (BookingEvent event : repository.history(TENANT, LUCIA_APPOINTMENT)) {
            out.printf("  history of booking %s: %s %s by %s:%s, %s -> %s%s%n", LUCIA_APPOINTMENT, local(event.at()),
                    event.kind(), EhrCodec.actorKind(event.actor()).toLowerCase(Locale.ROOT), event.actor().id(),
                    event.from(), event.to(),
                    event instanceof BookingEvent.Cancelled c && c.reason() != null ? ", reason \"" + c.reason() + "\""
                            : "");
        }
    }

    private static void printTable(PrintStream out, String title, List<Map<String, Object>> rows,
                                   List<Map<String, Object>> before) {
        header(out, title);
        out.printf("  %-8s %-10s %-9s %-9s %-17s %-6s %-8s %s%n", "appt_id", "patient_id", "practit.", "service",
                "starts_at (local)", "status", "version", "notes");
        for (Map<String, Object> row : rows) {
            Map<String, Object> old = before == null ? null : before.stream()
                    .filter(b -> b.get("APPT_ID").equals(row.get("APPT_ID"))).findFirst().orElse(null);
            boolean changed = old != null && !old.equals(row);
            OffsetDateTime starts = (OffsetDateTime) row.get("STARTS_AT");
            out.println(String.format(Locale.ROOT, "%s %-8s %-10s %-9s %-9s %-17s %-6s %-8s %s", changed ? "*" : " ",
                    row.get("APPT_ID"), row.get("PATIENT_ID"), row.get("PRACTITIONER_ID"), row.get("SERVICE_CODE"),
                    LOCAL.format(starts.atZoneSameInstant(ZONE)), row.get("STATUS_CODE"), row.get("VERSION"),
                    row.get("NOTES") == null ? "" : row.get("NOTES")).stripTrailing());
            if (changed) {
                List<String> diffs = new ArrayList<>();
                for (String column : row.keySet()) {
                    if (!Objects.equals(old.get(column), row.get(column))) {
                        diffs.add(column.toLowerCase(Locale.ROOT) + " " + old.get(column) + " -> " + row.get(column));
                    }
                }
                out.println("    changed: " + String.join(", ", diffs) + "; every other column as it was");
            }
        }
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
