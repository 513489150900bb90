package org.bookingrules.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Named.named;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.bookingrules.BookRequest;
import org.bookingrules.BookingRef;
import org.bookingrules.BookingRules;
import org.bookingrules.Outcome;
import org.bookingrules.jdbc.TestDatabases.Database;
import org.bookingrules.jdbc.TestDatabases.EachStore;
import org.bookingrules.jdbc.LegacyClinics.EachStoreAndClinic;
import org.bookingrules.jdbc.TestDatabases.Store;
import org.bookingrules.model.Actor;
import org.bookingrules.model.Booking;
import org.bookingrules.model.BookingEvent;
import org.bookingrules.model.BookingStatus;
import org.bookingrules.model.CustomerDetails;
import org.bookingrules.model.Resource;
import org.bookingrules.model.Service;
import org.bookingrules.model.Transition;
import org.bookingrules.rules.Refusal;
import org.bookingrules.rules.RefusalReason;
import org.bookingrules.spi.BookingChange;
import org.bookingrules.spi.SaveResult;
import org.bookingrules.spi.SlotClaim;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.threeten.extra.Interval;

/**
 * A {@link JdbcBookingRepository} over an existing appointment table, met as an EHR leaves it: on
 * both {@link LegacyClinics} schemas on H2, PostgreSQL and MariaDB, with rows the EHR writes
 * itself with plain JDBC. Proves that every status code maps both ways as documented (DECLINED
 * written with a cancel code and still read as declined); that local times across both clock
 * changes read as the documented instants; that appointments the EHR made are bookings of the
 * table's tenant, found by key and {@code E0} code, on the calendar, blocking the library's
 * bookings (R10), and adopted by the library's first change; that a row the EHR changed since the
 * library read it is decided again, not overwritten, with the documented exception of a table
 * without a version column when the EHR writes between the library's read and its update (shown
 * as the risk it is); and that the EHR's own booking screen double-books against the library
 * unless it takes the library's lock ({@link #EHR_LOCK}), which then prevents it.
 *
 * <p>The interleavings are made certain, not likely: an {@link Interleaved} data source runs the
 * EHR's write on a connection of its own at the exact point of the library's transaction.
 */
@DisplayName("JdbcBookingRepository over an EHR's appointment table, with the EHR writing beside it")
class AppointmentTableTest {

    @RegisterExtension
    static final TestDatabases DATABASES = new TestDatabases();

    /**
     * The lock an EHR's own booking screen takes, in its transaction, before it checks its table for
     * an overlap and inserts: the row of the practitioner in the library's lock table (made first,
     * if missing, as the library does). The README documents exactly this statement.
     */
    static final String EHR_LOCK = "SELECT resource_id FROM br_resource_lock WHERE tenant_id = ? AND resource_id = ? "
            + "FOR UPDATE";

    private static final String HOME = "ehr-home";
    private static final String OTHER = "other-clinic";
    private static final ZoneId ZONE = LegacyClinics.ZONE;
    private static final Instant NOW = Instant.parse("2026-03-02T09:00:00Z");
    /** Midnight UTC of the day of most slots: an ordinary day in Madrid (UTC+1). */
    private static final Instant DAY = Instant.parse("2026-03-10T00:00:00Z");
    private static final Resource RUIZ = new Resource("dr-ruiz", "Dr. Ruiz", null);
    private static final Service CONSULTATION = new Service("consultation", "Consultation");
    private static final CustomerDetails PATIENT = new CustomerDetails("pat-100", "Test Patient", null, null,
            Locale.ENGLISH);
    private static final Actor.Staff DESK = Actor.staff("desk-1");
    private static final AtomicInteger KEYS = new AtomicInteger();

    private static Interval hours(int from, int to) {
        return Interval.of(DAY.plus(Duration.ofHours(from)), DAY.plus(Duration.ofHours(to)));
    }

    private static Interval between(String start, String end) {
        return Interval.of(Instant.parse(start), Instant.parse(end));
    }

    // ------------------------------------------------------------------------------- status codes

    /** How each code of a clinic reads, and its FHIR code, as LegacyClinics documents the mappings. */
    private static Map<String, Object[]> readCodes(LegacyClinics clinic) {
        return clinic == LegacyClinics.CLINIC_A
                ? Map.of("SC", new Object[] {BookingStatus.PENDING, "booked"},
                        "CF", new Object[] {BookingStatus.CONFIRMED, "booked"},
                        "CX", new Object[] {BookingStatus.CANCELLED, "cancelled"},
                        "DC", new Object[] {BookingStatus.DECLINED, "cancelled"},
                        "NS", new Object[] {BookingStatus.NO_SHOW, "noshow"},
                        "DN", new Object[] {BookingStatus.COMPLETED, "fulfilled"})
                : Map.of("S", new Object[] {BookingStatus.PENDING, "booked"},
                        "N", new Object[] {BookingStatus.PENDING, "proposed"},
                        "C", new Object[] {BookingStatus.CONFIRMED, "booked"},
                        "A", new Object[] {BookingStatus.CONFIRMED, "arrived"},
                        "X", new Object[] {BookingStatus.CANCELLED, "cancelled"},
                        "Y", new Object[] {BookingStatus.CANCELLED, "cancelled"},
                        "O", new Object[] {BookingStatus.COMPLETED, "fulfilled"},
                        "M", new Object[] {BookingStatus.NO_SHOW, "noshow"});
    }

    /** The code each status is written with. */
    private static Map<BookingStatus, String> writtenCodes(LegacyClinics clinic) {
        return clinic == LegacyClinics.CLINIC_A
                ? Map.of(BookingStatus.PENDING, "SC", BookingStatus.CONFIRMED, "CF", BookingStatus.DECLINED, "DC",
                        BookingStatus.CANCELLED, "CX", BookingStatus.COMPLETED, "DN", BookingStatus.NO_SHOW, "NS")
                : Map.of(BookingStatus.PENDING, "S", BookingStatus.CONFIRMED, "C", BookingStatus.DECLINED, "X",
                        BookingStatus.CANCELLED, "X", BookingStatus.COMPLETED, "O", BookingStatus.NO_SHOW, "M");
    }

    @EachStoreAndClinic
    @DisplayName("every status code of the EHR, set by the EHR itself, reads as its documented status and FHIR "
            + "Appointment.status")
    void everyCodeTheEhrWritesReadsAsDocumented(Store store, LegacyClinics clinic) {
        World w = new World(store, clinic);
        Map<String, Object[]> expected = readCodes(clinic);
        assertThat(w.table.statusCodes().codes()).as("the mapping has the documented codes, no more")
                .containsExactlyInAnyOrderElementsOf(expected.keySet());

        int hour = 0;
        for (Map.Entry<String, Object[]> code : expected.entrySet()) {
            // given an appointment the EHR made with the code
            String key = w.ehrInsert(RUIZ.id(), hours(hour, hour + 1), code.getKey(), null);
            hour++;

            // when it is read through the repository
            Booking booking = w.repository.find(HOME, key).orElseThrow();

            // then
            assertThat(booking.status()).as("code '%s'", code.getKey()).isEqualTo(code.getValue()[0]);
            assertThat(w.table.fhirStatus(w.rawCode(key))).as("FHIR of code '%s' as stored", code.getKey())
                    .isEqualTo(code.getValue()[1]);
            assertThat(booking.confirmedBy()).as("a confirmed one counts as confirmed by the EHR")
                    .isEqualTo(booking.status() == BookingStatus.CONFIRMED
                            ? Optional.of(Actor.staff(AppointmentTable.EHR_STAFF_ID))
                            : Optional.empty());
        }
    }

    @EachStoreAndClinic
    @DisplayName("each status the library writes lands in the EHR's row as its documented code, and reads back as "
            + "that status")
    void everyStatusTheLibraryWritesLandsAsItsCode(Store store, LegacyClinics clinic) {
        World w = new World(store, clinic);
        Map<BookingStatus, String> expected = writtenCodes(clinic);

        for (BookingStatus status : BookingStatus.values()) {
            // given a booking the library made
            Booking booked = w.insert(hours(status.ordinal(), status.ordinal() + 1));
            // when the library moves it to the status
            Booking changed = status == BookingStatus.PENDING ? booked : w.update(booked, to(booked, status));

            // then the EHR's row holds the status's code, and the booking reads as the status
            String key = w.keyOf(booked.id());
            assertThat(w.rawCode(key)).as("%s written", status).isEqualTo(expected.get(status));
            assertThat(w.repository.find(HOME, booked.id())).as("%s read back", status).contains(changed);
            assertThat(w.table.fhirStatus(w.rawCode(key))).isEqualTo(status.fhirAppointmentStatus());
        }
    }

    @EachStore
    @DisplayName("clinic B has no declined code: DECLINED is written as 'X' and still reads as DECLINED while the row "
            + "keeps 'X'; when the EHR itself sets 'Y' it reads as CANCELLED")
    void declinedWrittenWithACancelCode(Store store) {
        World w = new World(store, LegacyClinics.CLINIC_B);
        Booking booked = w.insert(hours(10, 11));
        Booking declined = w.update(booked, to(booked, BookingStatus.DECLINED));
        String key = w.keyOf(booked.id());

        assertThat(w.rawCode(key)).isEqualTo("X");
        assertThat(w.repository.find(HOME, booked.id())).contains(declined);
        assertThat(w.table.fhirStatus("X")).isEqualTo("cancelled");

        // when the EHR's front desk sets its clinic cancel code
        w.ehrSetStatus(key, "Y");

        // then
        Booking read = w.repository.find(HOME, booked.id()).orElseThrow();
        assertThat(read.status()).isEqualTo(BookingStatus.CANCELLED);
        assertThat(read.version()).as("a change of the EHR's is not one of the library's").isEqualTo(
                declined.version());

        // and back to 'X', set by the EHR: the code the library wrote, so again the library's status
        w.ehrSetStatus(key, "X");
        assertThat(w.repository.find(HOME, booked.id()).orElseThrow().status()).isEqualTo(BookingStatus.DECLINED);
    }

    /** The transition of a pending booking to a status, by staff or the customer. */
    private static Transition to(Booking b, BookingStatus status) {
        Instant at = NOW.plusSeconds(60);
        return switch (status) {
            case PENDING -> throw new IllegalArgumentException("already pending");
            case CONFIRMED -> b.confirm(DESK, at);
            case DECLINED -> b.decline(Actor.customer(PATIENT.id()), at, null, false);
            case CANCELLED -> b.cancel(DESK, at, null, null, false, null);
            case COMPLETED -> b.complete(DESK, at);
            case NO_SHOW -> b.markNoShow(DESK, at, null);
        };
    }

    // ------------------------------------------------------------------------------- local times

    @EachStore
    @DisplayName("clinic B's local dates and times across the spring-forward gap and the fall-back hour read as the "
            + "documented instants, through find and calendar")
    void localTimesAcrossTheClockChanges(Store store) {
        World w = new World(store, LegacyClinics.CLINIC_B);
        LocalDate spring = LocalDate.of(2026, 3, 29);
        LocalDate autumn = LocalDate.of(2026, 10, 25);
        record Row(LocalDate date, String start, String end, Interval expected) {
        }
        List<Row> rows = List.of(
                // 02:30 does not exist: read as 03:30 summer time; 03:30 is then no later, so the wall clock hour
                new Row(spring, "02:30", "03:30", between("2026-03-29T01:30:00Z", "2026-03-29T02:30:00Z")),
                new Row(spring, "02:15", "03:15", between("2026-03-29T01:15:00Z", "2026-03-29T02:15:00Z")),
                new Row(spring, "01:30", "02:30", between("2026-03-29T00:30:00Z", "2026-03-29T01:30:00Z")),
                new Row(spring, "03:00", "04:00", between("2026-03-29T01:00:00Z", "2026-03-29T02:00:00Z")),
                // 02:30 happens twice: read as the earlier, summer time
                new Row(autumn, "02:30", "03:00", between("2026-10-25T00:30:00Z", "2026-10-25T02:00:00Z")),
                new Row(autumn, "01:30", "02:30", between("2026-10-24T23:30:00Z", "2026-10-25T00:30:00Z")),
                new Row(autumn, "02:00", "02:30", between("2026-10-25T00:00:00Z", "2026-10-25T00:30:00Z")),
                // an end before the start: the next day
                new Row(spring.minusDays(1), "23:30", "00:30", between("2026-03-28T22:30:00Z", "2026-03-28T23:30:00Z")));
        for (Row row : rows) {
            String key = w.ehrInsertLocal("dr-night", row.date(), LocalTime.parse(row.start()),
                    LocalTime.parse(row.end()), "S");

            assertThat(w.repository.find(HOME, key).orElseThrow().slot())
                    .as("%s %s-%s", row.date(), row.start(), row.end()).isEqualTo(row.expected());
        }

        List<Interval> springDay = w.repository.calendar(HOME, "dr-night",
                between("2026-03-28T12:00:00Z", "2026-03-29T12:00:00Z")).stream().map(Booking::slot).toList();
        assertThat(springDay).containsExactly(rows.get(7).expected(), rows.get(2).expected(), rows.get(3).expected(),
                rows.get(1).expected(), rows.get(0).expected());
        List<Interval> autumnDay = w.repository.calendar(HOME, "dr-night",
                between("2026-10-24T12:00:00Z", "2026-10-25T12:00:00Z")).stream().map(Booking::slot).toList();
        assertThat(autumnDay).containsExactly(rows.get(5).expected(), rows.get(6).expected(), rows.get(4).expected());
        assertThat(w.repository.calendar(HOME, "dr-night", between("2026-10-25T00:45:00Z", "2026-10-25T01:15:00Z")))
                .as("the second pass of the repeated hour: only the appointment spanning it").singleElement()
                .extracting(Booking::slot).isEqualTo(rows.get(4).expected());
    }

    @EachStore
    @DisplayName("clinic B: the library writes a slot across the spring-forward gap as its local times and reads it "
            + "back; a slot starting in the second pass of the repeated hour is refused naming the slot, nothing "
            + "written")
    void libraryWritesLocalTimes(Store store) {
        World w = new World(store, LegacyClinics.CLINIC_B);

        Booking across = w.insert(between("2026-03-29T00:30:00Z", "2026-03-29T01:30:00Z"));
        assertThat(w.repository.find(HOME, across.id())).contains(across);
        assertThat(w.db.texts("SELECT visit_date FROM visit WHERE visit_no = ?", across.id()))
                .singleElement().asString().startsWith("2026-03-29");
        assertThat(w.localTimes(across.id())).containsExactly(LocalTime.of(1, 30), LocalTime.of(3, 30));

        Interval secondPass = between("2026-10-25T01:30:00Z", "2026-10-25T02:30:00Z");
        Booking.Builder spec = w.spec(secondPass);
        assertThatThrownBy(() -> w.repository.insert(w.insertOf(spec))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("slot: ").hasMessageContaining(secondPass.toString());
        assertThat(w.db.count("SELECT COUNT(*) FROM visit")).as("nothing of it written").isEqualTo(1);
        assertThat(w.db.count("SELECT COUNT(*) FROM br_booking")).isEqualTo(1);
    }

    // ------------------------------------------------------------------- appointments the EHR made

    @EachStoreAndClinic
    @DisplayName("R10 an appointment the EHR made itself is a booking of the table's tenant: found by its key and "
            + "by E0 + key, on the practitioner's calendar, in no other tenant, blocking an overlapping booking; the "
            + "library's first change adopts it")
    void appointmentsTheEhrMade(Store store, LegacyClinics clinic) {
        World w = new World(store, clinic);
        // given an appointment the EHR made, with no row of the library's
        String key = w.ehrInsert(RUIZ.id(), hours(10, 11), clinic == LegacyClinics.CLINIC_A ? "SC" : "S", null);
        String code = "E0" + key;
        assertThat(w.db.count("SELECT COUNT(*) FROM br_booking")).isZero();

        // then it is a booking of the table's tenant
        Booking found = w.repository.find(HOME, key).orElseThrow();
        assertThat(found.id()).isEqualTo(key);
        assertThat(found.tenantId()).isEqualTo(HOME);
        assertThat(found.confirmationCode()).isEqualTo(code);
        assertThat(found.resource().id()).isEqualTo(RUIZ.id());
        assertThat(found.slot()).isEqualTo(hours(10, 11));
        assertThat(found.status()).isEqualTo(BookingStatus.PENDING);
        assertThat(found.zone()).isEqualTo(ZONE);
        assertThat(found.version()).isEqualTo(AppointmentRows.UNADOPTED_VERSION);
        assertThat(w.repository.findByConfirmationCode(HOME, code)).contains(found);
        assertThat(w.repository.findByAppointmentKey(key)).contains(found);
        assertThat(w.repository.calendar(HOME, RUIZ.id(), hours(0, 24))).containsExactly(found);
        assertThat(w.repository.history(HOME, key)).as("no history until the library changes it").isEmpty();

        // and of no other tenant
        assertThat(w.repository.find(OTHER, key)).isEmpty();
        assertThat(w.repository.findByConfirmationCode(OTHER, code)).isEmpty();
        assertThat(w.repository.calendar(OTHER, RUIZ.id(), hours(0, 24))).isEmpty();

        // R10: it blocks an overlapping booking of the library's
        Outcome overlapping = w.rules.book(Actor.customer(PATIENT.id()), BookRequest.of(HOME, RUIZ, CONSULTATION,
                PATIENT, hours(10, 11).getStart().plus(Duration.ofMinutes(30)),
                hours(10, 11).getEnd().plus(Duration.ofMinutes(30)), ZONE));
        assertThat(overlapping.asRefusal()).map(Refusal::reason).contains(RefusalReason.SLOT_UNAVAILABLE);
        assertThat(w.db.count("SELECT COUNT(*) FROM br_booking")).isZero();

        // when the library first changes it
        Outcome confirmed = w.rules.confirm(DESK, BookingRef.of(HOME, key));

        // then it is adopted: a row of the library's under the same id, and its history starts
        assertThat(confirmed.isDone()).as("%s", confirmed).isTrue();
        assertThat(w.db.count("SELECT COUNT(*) FROM br_booking WHERE tenant_id = ? AND id = ?", HOME, key))
                .isEqualTo(1);
        assertThat(w.repository.history(HOME, key)).singleElement().isInstanceOf(BookingEvent.Confirmed.class);
        assertThat(w.rawCode(key)).isEqualTo(writtenCodes(clinic).get(BookingStatus.CONFIRMED));
        Booking adopted = w.repository.find(HOME, key).orElseThrow();
        assertThat(adopted.status()).isEqualTo(BookingStatus.CONFIRMED);
        assertThat(adopted.confirmedBy()).contains(DESK);
        assertThat(adopted.version()).isEqualTo(AppointmentRows.UNADOPTED_VERSION + 1);
        assertThat(w.repository.findByConfirmationCode(HOME, code)).contains(adopted);
        assertThat(w.repository.findByAppointmentKey(key)).contains(adopted);
        assertThat(w.repository.findByAppointmentKey(key + "0")).as("no such appointment").isEmpty();
    }

    @EachStoreAndClinic
    @DisplayName("an appointment the library booked is found by the key the EHR gave it, under the booking's own id; "
            + "a repository over the library's own tables has no appointment keys")
    void bookingsAreFoundByTheirAppointmentKey(Store store, LegacyClinics clinic) throws SQLException {
        World w = new World(store, clinic);
        Booking booked = w.rules.book(Actor.customer(PATIENT.id()), BookRequest.of(HOME, RUIZ, CONSULTATION, PATIENT,
                hours(10, 11).getStart(), hours(10, 11).getEnd(), ZONE)).orElseThrow().booking();
        String key;
        try (Connection c = w.db.dataSource().getConnection();
             PreparedStatement s = c.prepareStatement("SELECT appointment_key FROM br_booking WHERE id = ?")) {
            s.setString(1, booked.id());
            try (ResultSet row = s.executeQuery()) {
                assertThat(row.next()).as("the booking's row").isTrue();
                key = row.getString(1);
            }
        }

        assertThat(w.repository.findByAppointmentKey(key)).contains(booked);
        assertThatThrownBy(() -> JdbcBookingRepository.create(w.db.dataSource()).findByAppointmentKey(key))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("AppointmentTable");
    }

    @EachStoreAndClinic
    @DisplayName("joined to the caller's transaction: a booking's EHR row and the library's rows commit with the "
            + "caller, and a rollback leaves neither")
    void joinsTheCallersTransaction(Store store, LegacyClinics clinic) throws SQLException {
        World w = new World(store, clinic);
        try (Connection callers = w.db.dataSource().getConnection()) {
            callers.setAutoCommit(false);
            BookingRules joined = BookingRules.builder()
                    .repository(JdbcBookingRepository.joining(() -> callers, w.db.dialect(), w.table))
                    .clock(Clock.fixed(NOW, ZoneOffset.UTC))
                    .build();
            BookRequest request = BookRequest.of(HOME, RUIZ, CONSULTATION, PATIENT, hours(10, 11).getStart(),
                    hours(10, 11).getEnd(), ZONE);

            Booking undone = joined.book(Actor.customer(PATIENT.id()), request).orElseThrow().booking();
            callers.rollback();
            assertThat(w.repository.find(HOME, undone.id())).as("rolled back with the caller").isEmpty();
            assertThat(w.db.count("SELECT COUNT(*) FROM br_booking")).isZero();
            assertThat(w.repository.calendar(HOME, RUIZ.id(), hours(0, 24))).as("no EHR row either").isEmpty();

            Booking kept = joined.book(Actor.customer(PATIENT.id()), request).orElseThrow().booking();
            callers.commit();
            assertThat(w.repository.find(HOME, kept.id())).contains(kept);
            assertThat(w.repository.calendar(HOME, RUIZ.id(), hours(0, 24))).containsExactly(kept);
            assertThat(w.repository.history(HOME, kept.id())).singleElement().isInstanceOf(BookingEvent.Booked.class);
            assertThat(callers.isClosed()).as("the caller's connection is the caller's").isFalse();
        }
    }

    // ------------------------------------------------------- the EHR changing a row under the library

    /** Where in the library's confirmation the EHR's front desk cancels the booking. */
    enum EhrCancel {
        /** As the library's write transaction begins, before it reads the row. */
        AS_THE_WRITE_BEGINS,
        /** Between the library's read of the row and its UPDATE. */
        BEFORE_THE_UPDATE;

        Interleaved.Hook hook(World w, Runnable cancel) {
            return this == AS_THE_WRITE_BEGINS ? Interleaved.atTransactionStart(cancel)
                    : Interleaved.beforePrepare(w.table.update().jdbc()::equals, cancel);
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT).replace('_', ' ');
        }
    }

    static Stream<Arguments> ehrCancels() {
        return onEveryStoreWith((Object[]) EhrCancel.values());
    }

    @ParameterizedTest(name = "{1} on {0}, the EHR cancelling {2}")
    @MethodSource("ehrCancels")
    @DisplayName("the EHR cancels a booking the facade read while the library confirms it: as the library's write "
            + "begins, the confirmation is decided again on the cancelled booking (Refused NOT_ACTIVE) and the EHR's "
            + "cancellation is kept; between the library's read of the row and its UPDATE, clinic A's :row_version "
            + "catches it the same way, while clinic B (no version column) shows the documented risk: the library's "
            + "confirmation overwrites it")
    void ehrCancelWhileTheLibraryConfirms(Store store, LegacyClinics clinic, EhrCancel at) {
        World w = new World(store, clinic);
        Booking booked = w.book(hours(10, 11));
        String key = w.keyOf(booked.id());
        String cancel = writtenCodes(clinic).get(BookingStatus.CANCELLED);
        w.interleaved.arm(at.hook(w, () -> w.ehrSetStatus(key, cancel)));

        Outcome outcome = w.rules.confirm(DESK, BookingRef.of(HOME, booked.id()));

        assertThat(w.interleaved.fired()).as("the EHR's write happened").isTrue();
        if (at == EhrCancel.BEFORE_THE_UPDATE && !w.isA()) {
            // This is the behaviour AppointmentTable documents, not a wish: without a row_version nothing
            // tells the UPDATE that the row changed after the library read it.
            assertThat(outcome.isDone()).as("%s", outcome).isTrue();
            assertThat(w.rawCode(key)).as("the EHR's 'X' is lost").isEqualTo("C");
            assertThat(w.repository.find(HOME, booked.id()).orElseThrow().status())
                    .isEqualTo(BookingStatus.CONFIRMED);
            return;
        }
        assertThat(outcome.asRefusal()).as("%s", outcome).map(Refusal::reason).contains(RefusalReason.NOT_ACTIVE);
        assertThat(w.rawCode(key)).as("the EHR's cancellation is kept").isEqualTo(cancel);
        assertThat(w.repository.find(HOME, booked.id()).orElseThrow().status()).isEqualTo(BookingStatus.CANCELLED);
        assertThat(w.repository.history(HOME, booked.id())).singleElement().isInstanceOf(BookingEvent.Booked.class);
        if (w.isA()) {
            assertThat(w.db.count("SELECT version FROM appointments WHERE appt_id = " + Long.parseLong(key)))
                    .as("raised once, by the EHR").isEqualTo(2);
        }
    }

    @EachStoreAndClinic
    @DisplayName("a change decided on a booking the EHR changed since is stale: repository.update answers "
            + "VERSION_CONFLICT and writes nothing")
    void staleChangeConflicts(Store store, LegacyClinics clinic) {
        World w = new World(store, clinic);
        Booking read = w.repository.find(HOME, w.book(hours(10, 11)).id()).orElseThrow();
        String key = w.keyOf(read.id());
        String cancel = writtenCodes(clinic).get(BookingStatus.CANCELLED);

        w.ehrSetStatus(key, cancel);
        Transition confirm = read.confirm(DESK, NOW.plusSeconds(60));
        SaveResult result = w.repository.update(new BookingChange(confirm.booking(), read.version(), SlotClaim.NONE,
                List.of(confirm.event()), List.of()));

        assertThat(result).isEqualTo(SaveResult.VERSION_CONFLICT);
        assertThat(w.rawCode(key)).isEqualTo(cancel);
        assertThat(w.repository.history(HOME, read.id())).hasSize(1);
    }

    // ------------------------------------------------------------ the EHR's own booking screen

    static Stream<Arguments> withAndWithoutTheLock() {
        return onEveryStoreWith(named("without the library's lock (negative control)", false),
                named("taking EHR_LOCK", true));
    }

    @ParameterizedTest(name = "{1} on {0}, the EHR's screen {2}")
    @MethodSource("withAndWithoutTheLock")
    @DisplayName("R10 the EHR's own booking screen books the slot between the library's overlap check and its insert: "
            + "negative control, without the library's lock it double-books the practitioner; taking the lock "
            + "(EHR_LOCK) before its check, it finds the library's booking and inserts nothing")
    void ehrScreenAtTheLibrarysInsert(Store store, LegacyClinics clinic, boolean takesLock) throws Exception {
        World w = new World(store, clinic);
        Interval slot = hours(10, 11);
        CompletableFuture<Boolean> ehr = w.ehrBooksBeforeTheLibraryInserts(slot, takesLock);

        Outcome outcome = w.rules.book(Actor.customer(PATIENT.id()), w.request(slot));

        assertThat(w.interleaved.fired()).isTrue();
        assertThat(outcome.isDone()).as("%s", outcome).isTrue();
        // A guard against a hang only, not a timing assertion.
        boolean ehrBooked = ehr.get(60, TimeUnit.SECONDS);
        List<Booking> calendar = w.repository.calendar(HOME, RUIZ.id(), slot);
        if (takesLock) {
            assertThat(ehrBooked).as("the EHR booked too").isFalse();
            assertThat(calendar).singleElement().extracting(Booking::id)
                    .isEqualTo(outcome.orElseThrow().booking().id());
        } else {
            assertThat(ehrBooked).as("the EHR saw no overlap, as the library had not inserted yet").isTrue();
            assertThat(calendar).as("two active bookings of one practitioner at one time").hasSize(2);
        }
    }

    /** Every clinic on every store, with each of the values as a third argument. */
    private static Stream<Arguments> onEveryStoreWith(Object... values) {
        return LegacyClinics.onEveryStore().flatMap(storeAndClinic -> Stream.of(values)
                .map(value -> arguments(storeAndClinic.get()[0], storeAndClinic.get()[1], value)));
    }

    // ------------------------------------------------------------------------------- the world

    /** One clinic's schema on one store, fresh, with a repository and a facade over an {@link Interleaved} pool. */
    private static final class World {
        final Database db;
        final LegacyClinics clinic;
        final AppointmentTable table;
        final Interleaved interleaved;
        final JdbcBookingRepository repository;
        final BookingRules rules;
        private final Sql sql;
        private int sequence;

        World(Store store, LegacyClinics clinic) {
            this.db = DATABASES.get(store);
            this.clinic = clinic;
            clinic.create(db);
            this.table = clinic.table(db.dialect(), HOME);
            this.sql = db.dialect().sql();
            this.interleaved = new Interleaved(db.dataSource());
            this.repository = JdbcBookingRepository.create(interleaved, table);
            this.rules = BookingRules.builder().repository(repository).clock(Clock.fixed(NOW, ZoneOffset.UTC))
                    .build();
        }

        boolean isA() {
            return clinic == LegacyClinics.CLINIC_A;
        }

        Booking.Builder spec(Interval slot) {
            sequence++;
            return Booking.builder().tenantId(HOME).id("bk-" + sequence)
                    .confirmationCode(String.format(Locale.ROOT, "BK%04d", sequence)).resource(RUIZ)
                    .service(CONSULTATION).customer(PATIENT).slot(slot).zone(ZONE);
        }

        BookingChange insertOf(Booking.Builder spec) {
            Transition booked = Booking.book(spec, Actor.customer(PATIENT.id()), NOW);
            return new BookingChange(booked.booking(), 0, SlotClaim.EXCLUSIVE, List.of(booked.event()), List.of());
        }

        /** A booking the library makes through the repository. */
        Booking insert(Interval slot) {
            BookingChange change = insertOf(spec(slot));
            assertThat(repository.insert(change)).isEqualTo(SaveResult.SAVED);
            return change.booking();
        }

        Booking update(Booking before, Transition step) {
            BookingChange change = new BookingChange(step.booking(), before.version(), SlotClaim.NONE,
                    List.of(step.event()), List.of());
            assertThat(repository.update(change)).isEqualTo(SaveResult.SAVED);
            return change.booking();
        }

        BookRequest request(Interval slot) {
            return BookRequest.of(HOME, RUIZ, CONSULTATION, PATIENT, slot.getStart(), slot.getEnd(), ZONE);
        }

        /** A booking the library makes through the facade. */
        Booking book(Interval slot) {
            return rules.book(Actor.customer(PATIENT.id()), request(slot)).orElseThrow().booking();
        }

        /** The key of the EHR's row of a booking the library made. */
        String keyOf(String bookingId) {
            return db.texts("SELECT appointment_key FROM br_booking WHERE tenant_id = ? AND id = ?", HOME, bookingId)
                    .stream().findFirst().orElseThrow();
        }

        /** The status code in the EHR's row, as stored (padding and all). */
        String rawCode(String key) {
            return query(isA() ? "SELECT status_code FROM appointments WHERE appt_id = ?"
                    : "SELECT st FROM visit WHERE visit_no = ?", key);
        }

        List<LocalTime> localTimes(String key) {
            try (Connection c = db.dataSource().getConnection();
                 PreparedStatement s = c.prepareStatement("SELECT time_from, time_to FROM visit WHERE visit_no = ?")) {
                s.setString(1, key);
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    return List.of(r.getObject(1, LocalTime.class), r.getObject(2, LocalTime.class));
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        private String query(String select, String key) {
            try (Connection c = db.dataSource().getConnection(); PreparedStatement s = c.prepareStatement(select)) {
                bindKey(s, 1, key);
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next()) {
                        throw new IllegalStateException("no row " + key);
                    }
                    String code = r.getString(1);
                    return code == null ? null : code.stripTrailing();
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        private void bindKey(PreparedStatement s, int index, String key) throws SQLException {
            if (isA()) {
                s.setLong(index, Long.parseLong(key));
            } else {
                s.setString(index, key);
            }
        }

        /** The EHR's front desk sets a status code, raising the version where the table has one. */
        void ehrSetStatus(String key, String code) {
            try (Connection c = db.dataSource().getConnection();
                 PreparedStatement s = c.prepareStatement(isA()
                         ? "UPDATE appointments SET status_code = ?, version = version + 1 WHERE appt_id = ?"
                         : "UPDATE visit SET st = ? WHERE visit_no = ?")) {
                s.setString(1, code);
                bindKey(s, 2, key);
                assertThat(s.executeUpdate()).as("the EHR's update of %s", key).isEqualTo(1);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        /** An appointment the EHR makes itself, with a key of its own. */
        String ehrInsert(String practitioner, Interval slot, String code, String patient) {
            try (Connection c = db.dataSource().getConnection()) {
                return ehrInsert(c, practitioner, slot, code, patient);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        String ehrInsert(Connection c, String practitioner, Interval slot, String code, String patient)
                throws SQLException {
            String key = isA() ? String.valueOf(900_000 + KEYS.incrementAndGet()) : "V" + KEYS.incrementAndGet();
            if (isA()) {
                try (PreparedStatement s = c.prepareStatement("INSERT INTO appointments (appt_id, patient_id, "
                        + "practitioner_id, practitioner_name, service_code, starts_at, ends_at, status_code, version, "
                        + "booked_at) VALUES (?, ?, ?, ?, 'checkup', ?, ?, ?, 1, ?)")) {
                    s.setLong(1, Long.parseLong(key));
                    s.setString(2, patient);
                    s.setString(3, practitioner);
                    s.setString(4, "Practitioner " + practitioner);
                    sql.bindInstant(s, 5, slot.getStart());
                    sql.bindInstant(s, 6, slot.getEnd());
                    s.setString(7, code);
                    sql.bindInstant(s, 8, NOW);
                    s.executeUpdate();
                }
                return key;
            }
            ZonedDateTime start = slot.getStart().atZone(ZONE);
            insertVisit(c, key, practitioner, start.toLocalDate(), start.toLocalTime(),
                    slot.getEnd().atZone(ZONE).toLocalTime(), code);
            return key;
        }

        /** Clinic B: an appointment the EHR makes with the local values as given. */
        String ehrInsertLocal(String practitioner, LocalDate date, LocalTime start, LocalTime end, String code) {
            String key = "V" + KEYS.incrementAndGet();
            try (Connection c = db.dataSource().getConnection()) {
                insertVisit(c, key, practitioner, date, start, end, code);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            return key;
        }

        private static void insertVisit(Connection c, String key, String practitioner, LocalDate date, LocalTime start,
                                        LocalTime end, String code) throws SQLException {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO visit (visit_no, doctor_code, visit_date, "
                    + "time_from, time_to, st) VALUES (?, ?, ?, ?, ?, ?)")) {
                s.setString(1, key);
                s.setString(2, practitioner);
                s.setObject(3, date);
                s.setObject(4, start);
                s.setObject(5, end);
                s.setString(6, code);
                s.executeUpdate();
            }
        }

        /**
         * Arms the pool so that the EHR's own booking screen ({@link #ehrBooks}) books the slot just
         * before the library prepares its insert. Taking the lock, the screen waits for the library's
         * transaction, which the library's thread runs: so it books on a thread of its own; without
         * it, it books there and then.
         *
         * @return whether the EHR booked, once it has tried
         */
        CompletableFuture<Boolean> ehrBooksBeforeTheLibraryInserts(Interval slot, boolean takeLock) {
            CompletableFuture<Boolean> booked = new CompletableFuture<>();
            interleaved.arm(Interleaved.beforePrepare(table.insert().jdbc()::equals, () -> {
                if (takeLock) {
                    CompletableFuture.supplyAsync(() -> ehrBooks(slot, true)).whenComplete((done, failure) -> {
                        if (failure != null) {
                            booked.completeExceptionally(failure);
                        } else {
                            booked.complete(done);
                        }
                    });
                } else {
                    booked.complete(ehrBooks(slot, false));
                }
            }));
            return booked;
        }

        /**
         * The EHR's own booking screen for {@link #RUIZ} at a slot, in one transaction: with
         * {@code takeLock}, the library's lock row first (made if missing, as the library does, then
         * {@link #EHR_LOCK}); then a check of its own table for an active appointment overlapping the
         * slot; then the insert, if none.
         *
         * @return whether it booked
         */
        boolean ehrBooks(Interval slot, boolean takeLock) {
            try (Connection c = db.dataSource().getConnection()) {
                if (takeLock) {
                    try (PreparedStatement ensure = c.prepareStatement(sql.ensureResourceLock())) {
                        ensure.setString(1, HOME);
                        ensure.setString(2, RUIZ.id());
                        ensure.executeUpdate();
                    }
                }
                c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
                c.setAutoCommit(false);
                try {
                    if (takeLock) {
                        try (PreparedStatement lock = c.prepareStatement(EHR_LOCK)) {
                            lock.setString(1, HOME);
                            lock.setString(2, RUIZ.id());
                            try (ResultSet r = lock.executeQuery()) {
                                assertThat(r.next()).as("the lock row").isTrue();
                            }
                        }
                    }
                    boolean taken = ehrOverlaps(c, slot);
                    if (!taken) {
                        ehrInsert(c, RUIZ.id(), slot, isA() ? "SC" : "S", null);
                    }
                    c.commit();
                    return !taken;
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                } finally {
                    c.setAutoCommit(true);
                }
            } catch (SQLException e) {
                throw new IllegalStateException("the EHR's booking failed: SQLState " + e.getSQLState(), e);
            }
        }

        private boolean ehrOverlaps(Connection c, Interval slot) throws SQLException {
            if (isA()) {
                try (PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM appointments WHERE practitioner_id "
                        + "= ? AND status_code IN ('SC', 'CF') AND starts_at < ? AND ends_at > ?")) {
                    s.setString(1, RUIZ.id());
                    sql.bindInstant(s, 2, slot.getEnd());
                    sql.bindInstant(s, 3, slot.getStart());
                    return count(s) > 0;
                }
            }
            // Same-day slots only, as the EHR's screen books them.
            ZonedDateTime start = slot.getStart().atZone(ZONE);
            try (PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM visit WHERE doctor_code = ? "
                    + "AND st IN ('S', 'N', 'C', 'A') AND visit_date = ? AND time_from < ? AND time_to > ?")) {
                s.setString(1, RUIZ.id());
                s.setObject(2, start.toLocalDate());
                s.setObject(3, slot.getEnd().atZone(ZONE).toLocalTime());
                s.setObject(4, start.toLocalTime());
                return count(s) > 0;
            }
        }

        private static long count(PreparedStatement s) throws SQLException {
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    // ------------------------------------------------------------------------------- interleaving

    /**
     * A pool whose connections let a test act at an exact point of the library's transaction: as it
     * begins ({@code setAutoCommit(false)}), or just before a statement is prepared, where the hook
     * may also change the statement's text. Hooks run on the library's thread; a hook that must wait
     * for the library's locks hands its work to another thread. Thread-safe.
     */
    static final class Interleaved extends ForwardingDataSource {

        /** What to do at the points of a transaction. Runs on the thread of the connection's user. */
        interface Hook {
            /** Before a transaction begins on a connection. */
            default void beforeTransaction() {
            }

            /**
             * Before a statement is prepared.
             *
             * @param sql the statement's text
             * @return the text to prepare instead (the same, usually)
             */
            default String beforePrepare(String sql) {
                return sql;
            }

            /** @return whether the hook has done its work */
            default boolean fired() {
                return false;
            }
        }

        private static final Hook NONE = new Hook() {
        };

        private volatile Hook hook = NONE;

        Interleaved(DataSource delegate) {
            super(delegate);
        }

        /** Sets what happens from now on. */
        void arm(Hook newHook) {
            this.hook = Objects.requireNonNull(newHook, "hook");
        }

        /** @return whether the hook has done its work */
        boolean fired() {
            return hook.fired();
        }

        /** Runs {@code work} once, as the first transaction from now on begins. */
        static Hook atTransactionStart(Runnable work) {
            AtomicBoolean done = new AtomicBoolean();
            return new Hook() {
                @Override
                public void beforeTransaction() {
                    if (done.compareAndSet(false, true)) {
                        work.run();
                    }
                }

                @Override
                public boolean fired() {
                    return done.get();
                }
            };
        }

        /** Runs {@code work} once, before the first statement from now on that {@code statement} matches is prepared. */
        static Hook beforePrepare(Predicate<String> statement, Runnable work) {
            AtomicBoolean done = new AtomicBoolean();
            return new Hook() {
                @Override
                public String beforePrepare(String sql) {
                    if (statement.test(sql) && done.compareAndSet(false, true)) {
                        work.run();
                    }
                    return sql;
                }

                @Override
                public boolean fired() {
                    return done.get();
                }
            };
        }

        @Override
        public Connection getConnection() throws SQLException {
            Connection real = delegate().getConnection();
            return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                    new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                        switch (method.getName()) {
                            case "equals":
                                return proxy == args[0];
                            case "hashCode":
                                return System.identityHashCode(proxy);
                            case "setAutoCommit":
                                if (Boolean.FALSE.equals(args[0])) {
                                    hook.beforeTransaction();
                                }
                                break;
                            case "prepareStatement":
                                if (args[0] instanceof String text) {
                                    args = args.clone();
                                    args[0] = hook.beforePrepare(text);
                                }
                                break;
                            default:
                                break;
                        }
                        try {
                            return method.invoke(real, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }
    }
}
