package org.bookingrules.examples.ehr;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.bookingrules.BookRequest;
import org.bookingrules.BookingRef;
import org.bookingrules.ChangeRequest;
import org.bookingrules.jdbc.AppointmentTable;
import org.bookingrules.Outcome;
import org.bookingrules.links.Grant;
import org.bookingrules.links.IdentityCheck;
import org.bookingrules.links.LinkDenial;
import org.bookingrules.links.LinkResult;
import org.bookingrules.model.Actor;
import org.bookingrules.model.Booking;
import org.bookingrules.model.BookingEvent;
import org.bookingrules.model.BookingStatus;
import org.bookingrules.model.CustomerDetails;
import org.bookingrules.model.Service;
import org.bookingrules.rules.Refusal;
import org.bookingrules.rules.RefusalReason;
import org.bookingrules.spi.BookingChange;
import org.bookingrules.spi.RecipientRole;
import org.bookingrules.spi.SaveResult;
import org.bookingrules.spi.SlotClaim;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A patient cancels through Booking Rules while the EHR's own tables and codes stay as they were:
 * the EHR's DDL is unchanged, the cancelled appointment differs only in
 * {@code status_code} ({@code SC} to {@code CX}) and {@code version}, no EHR row is added or
 * removed, and a late cancel is refused and leaves its row untouched.
 */
@DisplayName("EHR example: a patient cancels through our rules; the EHR's tables and codes stay as they were")
class EhrExampleTest {

    private static final List<String> EHR_TABLES = List.of("PATIENTS", "APPOINTMENTS");

    private EhrTestDatabase database;
    private DataSource dataSource;

    @BeforeEach
    void installTheEhr() {
        database = new EhrTestDatabase();
        dataSource = database.dataSource();
        EhrExample.runScript(dataSource, EhrExample.EHR_SAMPLE_DATA_SCRIPT);
    }

    @AfterEach
    void dropTheEhr() {
        database.close();
    }

    @Test
    @DisplayName("R8 R9 R11 a patient cancels from her manage link: her row goes SC -> CX, version 1 -> 2, "
            + "every other column and every other row as it was")
    void patientCancelsThroughOurRules() {
        List<Map<String, Object>> appointmentsBefore = EhrExample.appointmentRows(dataSource);
        List<Map<String, Object>> patientsBefore = patients();
        EhrExample example = new EhrExample(dataSource);
        assertThat(EhrExample.appointmentRows(dataSource)).as("creating the library's tables writes no EHR row")
                .isEqualTo(appointmentsBefore);

        Outcome outcome = cancelAsLucia(example);

        Outcome.Done done = outcome.orElseThrow();
        assertThat(done.booking().status()).isEqualTo(BookingStatus.CANCELLED);
        assertThat(done.booking().status().fhirAppointmentStatus()).isEqualTo("cancelled");
        assertThat(done.notifications()).extracting(n -> n.recipient())
                .containsExactly(RecipientRole.CUSTOMER, RecipientRole.RESOURCE);
        List<Map<String, Object>> appointmentsAfter = EhrExample.appointmentRows(dataSource);
        assertThat(appointmentsAfter).hasSameSizeAs(appointmentsBefore);
        for (int i = 0; i < appointmentsBefore.size(); i++) {
            Map<String, Object> before = appointmentsBefore.get(i);
            Map<String, Object> after = appointmentsAfter.get(i);
            if (before.get("APPT_ID").equals(1001L)) {
                Map<String, Object> expected = new HashMap<>(before);
                expected.put("STATUS_CODE", "CX");
                expected.put("VERSION", 2);
                assertThat(after).as("appointment 1001").isEqualTo(expected);
                assertThat(before).containsEntry("STATUS_CODE", "SC").containsEntry("VERSION", 1);
            } else {
                assertThat(after).as("appointment %s", before.get("APPT_ID")).isEqualTo(before);
            }
        }
        assertThat(patients()).isEqualTo(patientsBefore);
        assertThat(example.repository().history(EhrExample.TENANT, EhrExample.LUCIA_APPOINTMENT))
                .singleElement().isInstanceOfSatisfying(BookingEvent.Cancelled.class, cancelled -> {
                    assertThat(cancelled.actor()).isEqualTo(Actor.customer(EhrExample.LUCIA));
                    assertThat(cancelled.from()).isEqualTo(BookingStatus.PENDING);
                    assertThat(cancelled.reason()).isEqualTo("Tengo fiebre");
                });
    }

    @Test
    @DisplayName("the EHR's DDL is unchanged: columns, constraints, indexes, triggers and foreign keys read the "
            + "same from INFORMATION_SCHEMA before and after the library's br_ tables and a cancel")
    void ehrSchemaIsUnchanged() {
        Map<String, List<Map<String, Object>>> before = ehrSchema();
        assertThat(before.get("columns")).hasSize(17);

        EhrExample example = new EhrExample(dataSource);
        cancelAsLucia(example).orElseThrow();
        example.rules().cancel(Actor.customer(EhrExample.TOM), BookingRef.of(EhrExample.TENANT,
                EhrExample.TOM_APPOINTMENT), ChangeRequest.none());

        assertThat(ehrSchema()).isEqualTo(before);
        List<Object> tables = EhrExample.rows(dataSource, "SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES "
                + "WHERE TABLE_SCHEMA = 'PUBLIC' ORDER BY TABLE_NAME").stream().map(row -> row.get("TABLE_NAME")).toList();
        assertThat(tables).filteredOn(t -> !t.toString().startsWith("BR_")).containsExactly("APPOINTMENTS", "PATIENTS");
        assertThat(tables).contains("BR_BOOKING", "BR_BOOKING_EVENT", "BR_OUTBOX", "BR_RESOURCE_LOCK");
    }

    @Test
    @DisplayName("R9 a late cancel is refused with the deadline and the practitioner's contact, and leaves the "
            + "EHR's row untouched")
    void lateCancelIsRefusedAndTouchesNothing() {
        EhrExample example = new EhrExample(dataSource);
        List<Map<String, Object>> before = EhrExample.appointmentRows(dataSource);

        Outcome outcome = example.rules().cancel(Actor.customer(EhrExample.TOM),
                BookingRef.of(EhrExample.TENANT, EhrExample.TOM_APPOINTMENT), ChangeRequest.because("Cannot make it"));

        Refusal refusal = outcome.asRefusal().orElseThrow();
        assertThat(refusal.reason()).isEqualTo(RefusalReason.CANCELLATION_NOTICE_PASSED);
        assertThat(refusal.allowedUntil()).isEqualTo(Instant.parse("2026-03-01T17:00:00Z"));
        assertThat(refusal.contact()).isEqualTo(EhrExample.RUIZ_CONTACT);
        assertThat(EhrExample.appointmentRows(dataSource)).isEqualTo(before);
        assertThat(count("br_booking")).isZero();
        assertThat(count("br_booking_event")).isZero();
        assertThat(count("br_outbox")).isZero();
        assertThat(example.delivered()).isEmpty();
    }

    @Test
    @DisplayName("R8 a wrong e-mail gets no grant and changes nothing; the identity check reads the EHR's record")
    void wrongEmailChangesNothing() {
        EhrExample example = new EhrExample(dataSource);
        List<Map<String, Object>> before = EhrExample.appointmentRows(dataSource);
        Booking lucia = example.repository().find(EhrExample.TENANT, EhrExample.LUCIA_APPOINTMENT).orElseThrow();
        String token = example.links().issueManage(lucia);

        LinkResult<Grant> wrong = example.selfService().verifyIdentity(token, "lucia@example.org");

        assertThat(wrong).isInstanceOfSatisfying(LinkResult.Denied.class,
                denied -> assertThat(denied.denial()).isEqualTo(LinkDenial.WRONG_ANSWER));
        assertThat(EhrExample.appointmentRows(dataSource)).isEqualTo(before);
        assertThat(example.selfService().verifyIdentity(token, " Lucia.Fernandez@Example.org ").toOptional()).isPresent();
    }

    @Test
    @DisplayName("every EHR status code maps to a booking status and back, with its FHIR Appointment.status; "
            + "the EHR's own appointments are bookings with id appt_id and code E0 + appt_id")
    void statusCodesMapBothWays() {
        EhrExample example = new EhrExample(dataSource);
        Map<String, String> expected = Map.of("SC", "PENDING/booked", "CF", "CONFIRMED/booked",
                "DN", "COMPLETED/fulfilled", "NS", "NO_SHOW/noshow", "CX", "CANCELLED/cancelled",
                "DC", "DECLINED/cancelled");

        for (Map<String, Object> row : EhrExample.appointmentRows(dataSource)) {
            String code = (String) row.get("STATUS_CODE");
            Booking booking = example.repository().find(EhrExample.TENANT, row.get("APPT_ID").toString()).orElseThrow();
            assertThat(booking.status() + "/" + example.table().fhirStatus(code))
                    .as("appointment %s", row.get("APPT_ID")).isEqualTo(expected.get(code));
            assertThat(booking.status().fhirAppointmentStatus()).isEqualTo(example.table().fhirStatus(code));
            assertThat(example.table().statusCodes().code(booking.status())).isEqualTo(code);
            assertThat(booking.id()).isEqualTo(row.get("APPT_ID").toString());
            assertThat(booking.confirmationCode()).isEqualTo("E0" + row.get("APPT_ID"));
            assertThat(booking.version()).as("never changed by the library").isEqualTo(1);
        }
        Booking tom = example.repository().find(EhrExample.TENANT, EhrExample.TOM_APPOINTMENT).orElseThrow();
        assertThat(tom.confirmedBy()).contains(Actor.staff(AppointmentTable.EHR_STAFF_ID));
        assertThat(tom.resource().contact()).isEqualTo(EhrExample.RUIZ_CONTACT);
        assertThat(tom.service().name()).isEqualTo("Consultation");
        assertThat(tom.confirmationCode()).isEqualTo("E01002");
        assertThat(example.repository().findByConfirmationCode(EhrExample.TENANT, "E01002")).contains(tom);
        assertThat(example.repository().find("another-clinic", EhrExample.TOM_APPOINTMENT)).isEmpty();
    }

    @Test
    @DisplayName("the EHR's version column decides: a change the EHR makes meanwhile makes our stale write a "
            + "VERSION_CONFLICT, and the facade decides again on the EHR's new state")
    void theEhrsOwnChangeWins() {
        EhrExample example = new EhrExample(dataSource);
        Booking seen = example.repository().find(EhrExample.TENANT, EhrExample.LUCIA_APPOINTMENT).orElseThrow();
        execute("UPDATE appointments SET status_code = 'CF', version = version + 1 WHERE appt_id = 1001");

        var stale = seen.cancel(Actor.customer(EhrExample.LUCIA), EhrExample.START, null, null, false, null);
        SaveResult result = example.repository().update(new BookingChange(stale.booking(), seen.version(),
                SlotClaim.NONE, List.of(stale.event()), List.of()));

        assertThat(result).isEqualTo(SaveResult.VERSION_CONFLICT);
        Booking now = example.repository().find(EhrExample.TENANT, EhrExample.LUCIA_APPOINTMENT).orElseThrow();
        assertThat(now.status()).isEqualTo(BookingStatus.CONFIRMED);
        assertThat(now.confirmedBy()).contains(Actor.staff(AppointmentTable.EHR_STAFF_ID));
        assertThat(now.version()).as("the library's version; the EHR's is the update's check").isEqualTo(1);

        Outcome.Done cancelled = cancelAsLucia(example).orElseThrow();
        assertThat(cancelled.events()).singleElement().satisfies(e -> assertThat(e.from()).isEqualTo(BookingStatus.CONFIRMED));
        assertThat(EhrExample.appointmentRows(dataSource).get(0))
                .containsEntry("STATUS_CODE", "CX").containsEntry("VERSION", 3);
    }

    @Test
    @DisplayName("R1 R10 a booking through our rules becomes an EHR appointment the EHR can read (SC, its own "
            + "columns), and the EHR's own appointments block their slot: no double booking")
    void bookingsAreEhrAppointments() {
        EhrExample example = new EhrExample(dataSource);
        List<Map<String, Object>> patientsBefore = patients();
        Booking lucia = example.repository().find(EhrExample.TENANT, EhrExample.LUCIA_APPOINTMENT).orElseThrow();
        Service consult = new Service("CONSULT", "Consultation");
        Instant friday = Instant.parse("2026-03-06T09:00:00Z");

        Outcome clash = example.rules().book(Actor.staff("front-desk"), BookRequest.of(EhrExample.TENANT,
                lucia.resource(), consult, null, lucia.start(), lucia.end(), EhrExample.ZONE));
        CustomerDetails tom = example.repository().find(EhrExample.TENANT, EhrExample.TOM_APPOINTMENT).orElseThrow()
                .customer().orElseThrow();
        Outcome.Done booked = example.rules().book(Actor.customer(EhrExample.TOM), BookRequest.of(EhrExample.TENANT,
                lucia.resource(), consult, tom, friday, friday.plus(Duration.ofMinutes(30)), EhrExample.ZONE))
                .orElseThrow();

        assertThat(clash.asRefusal()).hasValueSatisfying(
                r -> assertThat(r.reason()).isEqualTo(RefusalReason.SLOT_UNAVAILABLE));
        List<Map<String, Object>> rows = EhrExample.appointmentRows(dataSource);
        assertThat(rows).hasSize(7).last().satisfies(row -> {
            assertThat(row).containsEntry("PATIENT_ID", EhrExample.TOM)
                    .containsEntry("PRACTITIONER_ID", "dr-ruiz")
                    .containsEntry("PRACTITIONER_NAME", "Dr. Ruiz")
                    .containsEntry("SERVICE_CODE", "CONSULT")
                    .containsEntry("STATUS_CODE", "SC")
                    .containsEntry("VERSION", 1)
                    .containsEntry("NOTES", null);
            assertThat(((OffsetDateTime) row.get("STARTS_AT")).toInstant()).isEqualTo(friday);
        });
        assertThat(patients()).as("a known patient's EHR record is not written").isEqualTo(patientsBefore);
        assertThat(example.repository().find(EhrExample.TENANT, booked.booking().id())).contains(booked.booking());
        assertThat(example.repository().customerBookings(EhrExample.TENANT, EhrExample.TOM))
                .extracting(Booking::id).contains(EhrExample.TOM_APPOINTMENT, "1006", booked.booking().id());
    }

    @Test
    @DisplayName("the example runs with one command and prints the EHR's table before and after, with FHIR statuses")
    void exampleRuns() {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            EhrExample.main(new String[0]);
        } finally {
            System.setOut(original);
        }
        String output = captured.toString(StandardCharsets.UTF_8);

        assertThat(output)
                .contains("== The EHR's appointments table, BEFORE ==")
                .contains("changed: status_code SC -> CX, version 1 -> 2; every other column as it was")
                .contains("-> Cancellation successful / Cancelación exitosa: CANCELLED, code E01001")
                .contains("-> Refused: CANCELLATION_NOTICE_PASSED (deadline Sun 01 Mar 18:00, contact +34 910 000 000)")
                .contains("1001     E01001   CANCELLED  CX  cancelled")
                .contains("1006     E01006   DECLINED   DC  cancelled                declined")
                .contains("-> Moved to Wed 04 Mar 18:00: PENDING, EHR code SC")
                .contains("changed: starts_at Mon 02 Mar 18:00 -> Wed 04 Mar 18:00, ends_at Mon 02 Mar 18:30 -> "
                        + "Wed 04 Mar 18:30, status_code CF -> SC, version 3 -> 4; every other column as it was")
                .contains("-> Confirmed by the front desk: CONFIRMED, EHR code CF")
                .contains("+ 5001     P-10042    dr-ruiz   CONSULT   Fri 06 Mar 10:00  CF     2")
                .contains("history of booking 1001: Mon 02 Mar 09:00 CANCELLED by customer:P-10042, PENDING -> "
                        + "CANCELLED, reason \"Tengo fiebre\"")
                .contains("history of booking 1002: Mon 02 Mar 09:20 RESCHEDULED by staff:front-desk, CONFIRMED -> "
                        + "PENDING")
                .containsPattern("history of booking \\S+: Mon 02 Mar 09:40 CONFIRMED by staff:front-desk, PENDING -> "
                        + "CONFIRMED");
    }

    @Test
    @DisplayName("R8 the table reads a patient's date of birth from the EHR, for IdentityCheck.dateOfBirth, for the "
            + "clinic's tenant only")
    void dateOfBirthComesFromTheEhr() {
        EhrExample example = new EhrExample(dataSource);
        IdentityCheck.DateOfBirthLookup lookup = example.table().dateOfBirthLookup(dataSource);

        assertThat(lookup.dateOfBirth(EhrExample.TENANT, EhrExample.LUCIA)).contains(LocalDate.of(1985, 4, 12));
        assertThat(lookup.dateOfBirth(EhrExample.TENANT, "P-00000")).isEmpty();
        assertThat(lookup.dateOfBirth("another-clinic", EhrExample.LUCIA)).isEmpty();
        Booking lucia = example.repository().find(EhrExample.TENANT, EhrExample.LUCIA_APPOINTMENT).orElseThrow();
        assertThat(IdentityCheck.dateOfBirth(lookup).passes(lucia, "1985-04-12")).isTrue();
        assertThat(IdentityCheck.dateOfBirth(lookup).passes(lucia, "1985-04-13")).isFalse();
    }

    // ---------------------------------------------------------------------------------- helpers

    /** Lucía opens her manage link, proves who she is with the e-mail on her EHR record, and cancels. */
    private static Outcome cancelAsLucia(EhrExample example) {
        Booking lucia = example.repository().find(EhrExample.TENANT, EhrExample.LUCIA_APPOINTMENT).orElseThrow();
        String token = example.links().issueManage(lucia);
        assertThat(example.selfService().open(token).toOptional()).isPresent();
        Grant grant = example.selfService().verifyIdentity(token, EhrExample.LUCIA_EMAIL).orElseThrow();
        return example.selfService().cancel(grant.token(), "Tengo fiebre").orElseThrow();
    }

    private List<Map<String, Object>> patients() {
        return EhrExample.rows(dataSource, "SELECT * FROM patients ORDER BY patient_id");
    }

    /** Everything INFORMATION_SCHEMA says about the EHR's tables, and every foreign key that touches them. */
    private Map<String, List<Map<String, Object>>> ehrSchema() {
        String tables = "TABLE_SCHEMA = 'PUBLIC' AND TABLE_NAME IN ('" + String.join("', '", EHR_TABLES) + "')";
        Map<String, List<Map<String, Object>>> schema = new HashMap<>();
        schema.put("columns", EhrExample.rows(dataSource, "SELECT * FROM INFORMATION_SCHEMA.COLUMNS WHERE " + tables
                + " ORDER BY TABLE_NAME, ORDINAL_POSITION"));
        schema.put("constraints", EhrExample.rows(dataSource, "SELECT * FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS "
                + "WHERE " + tables + " ORDER BY CONSTRAINT_NAME"));
        String ehrConstraints = "(SELECT CONSTRAINT_NAME FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS WHERE " + tables + ")";
        schema.put("checks", EhrExample.rows(dataSource, "SELECT * FROM INFORMATION_SCHEMA.CHECK_CONSTRAINTS "
                + "WHERE CONSTRAINT_NAME IN " + ehrConstraints + " ORDER BY CONSTRAINT_NAME"));
        schema.put("indexes", EhrExample.rows(dataSource, "SELECT * FROM INFORMATION_SCHEMA.INDEXES WHERE " + tables
                + " ORDER BY INDEX_NAME"));
        schema.put("index columns", EhrExample.rows(dataSource, "SELECT * FROM INFORMATION_SCHEMA.INDEX_COLUMNS "
                + "WHERE " + tables + " ORDER BY INDEX_NAME, ORDINAL_POSITION"));
        schema.put("triggers", EhrExample.rows(dataSource, "SELECT * FROM INFORMATION_SCHEMA.TRIGGERS "
                + "WHERE EVENT_OBJECT_TABLE IN ('" + String.join("', '", EHR_TABLES) + "') ORDER BY TRIGGER_NAME"));
        // Foreign keys of the EHR's tables, and any other table's that references them.
        schema.put("foreign keys", EhrExample.rows(dataSource, "SELECT * FROM INFORMATION_SCHEMA.REFERENTIAL_CONSTRAINTS "
                + "WHERE CONSTRAINT_NAME IN " + ehrConstraints + " OR UNIQUE_CONSTRAINT_NAME IN " + ehrConstraints
                + " ORDER BY CONSTRAINT_NAME"));
        return schema;
    }

    private long count(String table) {
        return ((Number) EhrExample.rows(dataSource, "SELECT COUNT(*) AS N FROM " + table).get(0).get("N")).longValue();
    }

    private void execute(String sql) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
