package org.bookingrules.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TimeZone;
import java.util.function.Function;
import javax.sql.DataSource;
import org.bookingrules.jdbc.TestDatabases.Database;
import org.bookingrules.jdbc.TestDatabases.EachStore;
import org.bookingrules.jdbc.TestDatabases.Store;
import org.bookingrules.model.Actor;
import org.bookingrules.model.Booking;
import org.bookingrules.model.BookingEvent;
import org.bookingrules.model.CustomerDetails;
import org.bookingrules.model.ReminderState;
import org.bookingrules.model.Resource;
import org.bookingrules.model.Service;
import org.bookingrules.model.Transition;
import org.bookingrules.spi.BookingChange;
import org.bookingrules.spi.SaveResult;
import org.bookingrules.spi.SlotClaim;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.threeten.extra.Interval;

/**
 * With the JVM's default zone <em>and</em> the database session's zone set
 * to America/Santiago, instants round-trip exactly, to the microsecond, including across Chile's
 * two daylight-saving changes of 2026:
 * <ul>
 *   <li>2026-04-05T03:00:00Z, clocks back from 00:00 -03:00 to 23:00 -04:00: local 23:00-23:59 of
 *       4 April happens twice;</li>
 *   <li>2026-09-06T04:00:00Z, clocks forward from 00:00 -04:00 to 01:00 -03:00: local 00:00-00:59
 *       of 6 September never happens.</li>
 * </ul>
 * An adapter that handed local date-times through the JVM or session zone would shift some of these
 * instants by an hour, put a slot's end before its start, or merge the two 23:10s.
 */
@DisplayName("Time zones: America/Santiago in the JVM and the session, across DST changes")
class TimeZoneRoundTripTest {

    @RegisterExtension
    static final TestDatabases DATABASES = new TestDatabases();

    private static final String SANTIAGO = "America/Santiago";
    private static final ZoneId SANTIAGO_ZONE = ZoneId.of(SANTIAGO);
    private static final String TENANT = "clinica-santiago";
    private static final Resource DR_ROJAS = new Resource("dr-rojas", "Dra. Rojas", "+56 2 0000 0000");
    private static final Service CONSULTA = new Service("consulta", "Consulta");
    private static final CustomerDetails CATA = new CustomerDetails("cust-cata", "Catalina Soto", "cata@example.cl",
            null, Locale.forLanguageTag("es-CL"));
    private static final Actor.Customer CATA_ACTS = Actor.customer(CATA.id());
    private static final Actor.Staff STAFF = Actor.staff("staff-ignacio");
    /** Clocks go back: 2026-04-05 00:00 -03:00 becomes 2026-04-04 23:00 -04:00. */
    private static final Instant AUTUMN = Instant.parse("2026-04-05T03:00:00Z");
    /** Clocks go forward: 2026-09-06 00:00 -04:00 becomes 01:00 -03:00. */
    private static final Instant SPRING = Instant.parse("2026-09-06T04:00:00Z");

    private TimeZone jvmZone;

    @BeforeEach
    void rememberJvmZone() {
        jvmZone = TimeZone.getDefault();
    }

    @AfterEach
    void restoreJvmZone() {
        TimeZone.setDefault(jvmZone);
    }

    @EachStore
    @DisplayName("R5/R15 slot, reminder and event instants around the 2026 Chile DST changes round-trip exactly "
            + "through find(), calendar(), history() and dueReminders() with JVM and session zone America/Santiago")
    void instantsRoundTripAcrossDstChanges(Store store) throws Exception {
        Database db = DATABASES.get(store);
        db.clean();
        assertThat(SANTIAGO_ZONE.getRules().getOffset(AUTUMN.minusNanos(1000))).hasToString("-03:00");
        assertThat(SANTIAGO_ZONE.getRules().getOffset(AUTUMN)).hasToString("-04:00");
        assertThat(SANTIAGO_ZONE.getRules().getOffset(SPRING.minusNanos(1000))).hasToString("-04:00");
        assertThat(SANTIAGO_ZONE.getRules().getOffset(SPRING)).hasToString("-03:00");

        TimeZone.setDefault(TimeZone.getTimeZone(SANTIAGO));
        // A new pool: its connections, and the drivers' view of the default zone, start after the change.
        try (HikariDataSource pool = db.newPool("after-zone-change")) {
            checkSessionZone(store, pool);
            JdbcBookingRepository repository = JdbcBookingRepository.create(pool);

            // 1. Its slot straddles the autumn change: local 23:40 -03:00 to 23:20 -04:00, the end's wall
            // time earlier than the start's. Its reminder is due in the hour that repeats, first time round.
            Written straddling = new Written(repository, spec("tz-1", "TZ000001",
                    slot("2026-04-05T02:40:00.000001Z", "2026-04-05T03:20:00.999999Z"))
                    .reminder(ReminderState.armedFor(Instant.parse("2026-04-05T02:10:00.000007Z"))),
                    Instant.parse("2026-04-04T12:00:00.000001Z"));

            // 2. Its events fall both sides of the autumn change: booked at 23:50 -03:00, confirmed at
            // 23:05 -04:00 (an earlier wall time, a later instant), cancelled at 23:10 -04:00.
            Written second = new Written(repository, spec("tz-2", "TZ000002",
                    slot("2026-04-05T03:30:00.000003Z", "2026-04-05T04:30:00.000004Z")),
                    Instant.parse("2026-04-05T02:50:00.000002Z"))
                    .then(SlotClaim.NONE, b -> b.confirm(STAFF, Instant.parse("2026-04-05T03:05:00.000005Z")))
                    .then(SlotClaim.NONE, b -> b.revokeConfirmation(STAFF,
                            Instant.parse("2026-04-05T03:10:00.000006Z"), "checking"));

            // 3. Its slot starts one microsecond after the spring gap; its reminder is due one
            // microsecond before it (local 23:59:59.999999 -04:00 of 5 September).
            Written afterGap = new Written(repository, spec("tz-3", "TZ000003",
                    slot("2026-09-06T04:00:00.000001Z", "2026-09-06T05:00:00Z"))
                    .reminder(ReminderState.armedFor(Instant.parse("2026-09-06T03:59:59.999999Z"))),
                    Instant.parse("2026-09-01T15:00:00.000008Z"));

            // 4. Booked and reminded before the spring gap, moved by staff just after it, to the slot that
            // follows afterGap's, with a new reminder due exactly at the change.
            Written moved = new Written(repository, spec("tz-4", "TZ000004",
                    slot("2026-09-06T03:20:00.000009Z", "2026-09-06T03:50:00.000010Z"))
                    .reminder(ReminderState.armedFor(Instant.parse("2026-09-05T21:20:00.000011Z"))),
                    Instant.parse("2026-09-05T20:00:00.000012Z"))
                    .then(SlotClaim.NONE, b -> b.markReminderSent(Instant.parse("2026-09-05T21:20:00.000016Z")))
                    .then(SlotClaim.EXCLUSIVE, b -> b.reschedule(STAFF, Instant.parse("2026-09-06T04:00:00.000013Z"),
                            slot("2026-09-06T05:00:00Z", "2026-09-06T05:30:00.000015Z"), DR_ROJAS,
                            ReminderState.armedFor(SPRING), "later"));

            // find(): every field, to the microsecond.
            for (Written written : List.of(straddling, second, afterGap, moved)) {
                assertThat(repository.find(TENANT, written.booking().id())).contains(written.booking());
            }
            assertThat(repository.find(TENANT, straddling.booking().id()).orElseThrow().slot().getEnd())
                    .isEqualTo("2026-04-05T03:20:00.999999Z");

            // history(): every event instant, and the events' own instants (slots, due time).
            for (Written written : List.of(straddling, second, afterGap, moved)) {
                assertThat(repository.history(TENANT, written.booking().id())).as(written.booking().id())
                        .containsExactlyElementsOf(written.history());
            }
            assertThat(straddling.history()).hasSize(1);
            assertThat(afterGap.history()).hasSize(1);
            assertThat(repository.history(TENANT, second.booking().id())).extracting(BookingEvent::at)
                    .containsExactly(Instant.parse("2026-04-05T02:50:00.000002Z"),
                            Instant.parse("2026-04-05T03:05:00.000005Z"), Instant.parse("2026-04-05T03:10:00.000006Z"));

            // calendar(): the interval boundaries sit on the changes, end-exclusive, to the microsecond.
            assertThat(repository.calendar(TENANT, DR_ROJAS.id(), Interval.of(AUTUMN, Duration.ofNanos(1000))))
                    .containsExactly(straddling.booking());
            assertThat(repository.calendar(TENANT, DR_ROJAS.id(),
                    slot("2026-04-05T03:20:00.999999Z", "2026-04-05T03:30:00.000003Z"))).isEmpty();
            assertThat(repository.calendar(TENANT, DR_ROJAS.id(),
                    slot("2026-04-05T03:20:00.999998Z", "2026-04-05T03:30:00.000004Z")))
                    .containsExactly(straddling.booking(), second.booking());
            assertThat(repository.calendar(TENANT, DR_ROJAS.id(), Interval.of(SPRING.minus(Duration.ofHours(1)),
                    Instant.parse("2026-09-06T05:00:00Z")))).containsExactly(afterGap.booking());
            assertThat(repository.calendar(TENANT, DR_ROJAS.id(), Interval.of(SPRING.minus(Duration.ofHours(1)),
                    Instant.parse("2026-09-06T05:00:00.000001Z"))))
                    .containsExactly(afterGap.booking(), moved.booking());
            assertThat(repository.calendar(TENANT, DR_ROJAS.id(),
                    slot("2026-09-06T03:20:00.000009Z", "2026-09-06T03:50:00.000010Z"))).as("old slot freed").isEmpty();

            // dueReminders(): due time and start compared to the microsecond on both sides of each change.
            assertThat(repository.dueReminders(Instant.parse("2026-04-05T02:10:00.000006Z"), 10)).isEmpty();
            assertThat(repository.dueReminders(Instant.parse("2026-04-05T02:10:00.000007Z"), 10))
                    .containsExactly(straddling.booking());
            assertThat(repository.dueReminders(Instant.parse("2026-04-05T02:40:00Z"), 10))
                    .containsExactly(straddling.booking());
            assertThat(repository.dueReminders(Instant.parse("2026-04-05T02:40:00.000001Z"), 10))
                    .as("started: no reminder").isEmpty();
            assertThat(repository.dueReminders(Instant.parse("2026-09-06T03:59:59.999998Z"), 10)).isEmpty();
            assertThat(repository.dueReminders(Instant.parse("2026-09-06T03:59:59.999999Z"), 10))
                    .containsExactly(afterGap.booking());
            assertThat(repository.dueReminders(SPRING, 10)).containsExactly(afterGap.booking(), moved.booking());
            assertThat(repository.dueReminders(SPRING.plusNanos(1000), 10)).as("afterGap has started")
                    .containsExactly(moved.booking());

            // Storage in UTC, whatever the zones: the raw column, read without the adapter.
            assertThat(utcText(store, pool, "slot_start", straddling.booking().id()))
                    .isEqualTo("2026-04-05 02:40:00.000001");
            assertThat(utcText(store, pool, "reminder_due_at", afterGap.booking().id()))
                    .isEqualTo("2026-09-06 03:59:59.999999");
        }
    }

    /** Fails unless the pool's sessions really run in Santiago time (so this test can fail for that too). */
    private static void checkSessionZone(Store store, DataSource pool) throws SQLException {
        String query = switch (store) {
            case H2 -> "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'TIME ZONE'";
            case POSTGRESQL -> "SHOW TIME ZONE";
            case MARIADB -> "SELECT @@session.time_zone";
        };
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery(query)) {
            assertThat(r.next()).isTrue();
            assertThat(r.getString(1)).as("%s session time zone", store).isIn(SANTIAGO,
                    TestDatabases.MARIADB_FALLBACK_OFFSET);
        }
        assertThat(TimeZone.getDefault().getID()).as("JVM default zone").isEqualTo(SANTIAGO);
    }

    /** A timestamp column of one booking as UTC wall time text, read with plain SQL, bypassing the adapter. */
    private static String utcText(Store store, DataSource pool, String column, String bookingId) throws SQLException {
        String expression = switch (store) {
            case H2 -> "FORMATDATETIME(" + column + ", 'yyyy-MM-dd HH:mm:ss.SSSSSS', 'en', 'UTC')";
            case POSTGRESQL -> "to_char(" + column + " AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')";
            // DATETIME(6) holds the UTC wall time itself, untouched by the session zone.
            case MARIADB -> "CAST(" + column + " AS CHAR)";
        };
        try (Connection c = pool.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT " + expression + " FROM br_booking WHERE tenant_id = ? "
                     + "AND id = ?")) {
            s.setString(1, TENANT);
            s.setString(2, bookingId);
            try (ResultSet r = s.executeQuery()) {
                assertThat(r.next()).as("row of %s", bookingId).isTrue();
                return r.getString(1);
            }
        }
    }

    private static Booking.Builder spec(String id, String code, Interval slot) {
        return Booking.builder()
                .tenantId(TENANT)
                .id(id)
                .confirmationCode(code)
                .resource(DR_ROJAS)
                .service(CONSULTA)
                .customer(CATA)
                .slot(slot)
                .zone(SANTIAGO_ZONE);
    }

    private static Interval slot(String start, String end) {
        return Interval.of(Instant.parse(start), Instant.parse(end));
    }

    /**
     * One booking as this test writes it through the repository, with the events written for it, in
     * order. Each step asserts its write was saved.
     */
    private static final class Written {
        private final JdbcBookingRepository repository;
        private final List<BookingEvent> history = new ArrayList<>();
        private Booking booking;

        /** Books the spec at an instant and inserts it. */
        Written(JdbcBookingRepository repository, Booking.Builder spec, Instant at) {
            this.repository = repository;
            Transition booked = Booking.book(spec, CATA_ACTS, at);
            save(repository.insert(new BookingChange(booked.booking(), 0, SlotClaim.EXCLUSIVE,
                    List.of(booked.event()), List.of())), booked);
        }

        /** Takes a step from the booking as it stands and updates it. */
        Written then(SlotClaim claim, Function<Booking, Transition> step) {
            Transition next = step.apply(booking);
            save(repository.update(new BookingChange(next.booking(), booking.version(), claim,
                    List.of(next.event()), List.of())), next);
            return this;
        }

        private void save(SaveResult result, Transition step) {
            assertThat(result).as("%s saved", step.event().kind()).isEqualTo(SaveResult.SAVED);
            history.add(step.event());
            booking = step.booking();
        }

        Booking booking() {
            return booking;
        }

        List<BookingEvent> history() {
            return history;
        }
    }
}
