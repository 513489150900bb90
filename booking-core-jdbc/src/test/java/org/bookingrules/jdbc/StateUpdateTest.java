package org.bookingrules.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bookingrules.testing.Fixture.ANA;
import static org.bookingrules.testing.Fixture.ANA_ACTS;
import static org.bookingrules.testing.Fixture.CONSULTATION;
import static org.bookingrules.testing.Fixture.DR_RUIZ;
import static org.bookingrules.testing.Fixture.NOW;
import static org.bookingrules.testing.Fixture.RECEPTION;
import static org.bookingrules.testing.Fixture.ZONE;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import javax.sql.DataSource;
import org.bookingrules.BookRequest;
import org.bookingrules.BookingRef;
import org.bookingrules.BookingRules;
import org.bookingrules.ChangeRequest;
import org.bookingrules.RescheduleRequest;
import org.bookingrules.jdbc.TestDatabases.Database;
import org.bookingrules.jdbc.TestDatabases.EachStore;
import org.bookingrules.jdbc.TestDatabases.Store;
import org.bookingrules.model.Booking;
import org.bookingrules.model.BookingStatus;
import org.bookingrules.model.ReminderState;
import org.bookingrules.model.Transition;
import org.bookingrules.spi.BookingChange;
import org.bookingrules.spi.SaveResult;
import org.bookingrules.spi.SlotClaim;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.threeten.extra.Interval;

/**
 * A change that keeps a booking's resource, service, customer, slot and zone, decided on the version
 * the repository itself last read, writes the state columns alone ({@link Sql#updateBookingState});
 * any other change, or one decided on a booking the repository did not read at that version, writes
 * every column ({@link Sql#updateBooking}). Either way the row reads back as the change says. The
 * statements are seen through a data source that records what is prepared: the tests that expect the
 * full update show the recording sees it.
 */
@DisplayName("An update writes the state columns alone when nothing else changed, and every column otherwise")
class StateUpdateTest {

    @RegisterExtension
    static final TestDatabases DATABASES = new TestDatabases();

    private static final String TENANT = "clinic-state";
    private static final Instant START = NOW.plus(Duration.ofDays(4));
    private static final Instant END = START.plus(Duration.ofMinutes(30));

    @EachStore
    @DisplayName("a cancel after the facade's read writes the state columns alone; the row reads back whole and "
            + "still claims its slot as before")
    void cancelWritesTheStateAlone(Store store) throws SQLException {
        Recorded db = recorded(store);
        Booking booked = book(db);
        boolean claimedBefore = claimsSlot(db.database, booked);
        db.prepared.clear();

        Booking cancelled = db.rules.cancel(ANA_ACTS, BookingRef.of(TENANT, booked.id()),
                ChangeRequest.because("cannot come")).orElseThrow().booking();

        Sql sql = store.dialect().sql();
        assertThat(db.prepared).contains(sql.updateBookingState).doesNotContain(sql.updateBooking);
        Booking stored = db.repository.find(TENANT, booked.id()).orElseThrow();
        assertThat(stored).isEqualTo(cancelled);
        assertThat(stored.status()).isEqualTo(BookingStatus.CANCELLED);
        assertThat(stored.version()).isEqualTo(2);
        assertThat(JdbcBookingRepository.sameTerms(booked, stored)).isTrue();
        assertThat(db.repository.history(TENANT, booked.id())).hasSize(2);
        assertThat(claimsSlot(db.database, booked)).as("claims_slot").isEqualTo(claimedBefore);
    }

    @EachStore
    @DisplayName("a reschedule writes every column: the row holds the new slot and the old one is free")
    void rescheduleWritesEveryColumn(Store store) throws SQLException {
        Recorded db = recorded(store);
        Booking booked = book(db);
        db.prepared.clear();
        Instant newStart = START.plus(Duration.ofHours(3));

        Booking moved = db.rules.reschedule(RECEPTION, BookingRef.of(TENANT, booked.id()),
                RescheduleRequest.to(newStart, newStart.plus(Duration.ofMinutes(30)))).orElseThrow().booking();

        Sql sql = store.dialect().sql();
        assertThat(db.prepared).as("the recording sees the full update").contains(sql.updateBooking)
                .doesNotContain(sql.updateBookingState);
        assertThat(db.repository.find(TENANT, booked.id())).contains(moved);
        assertThat(moved.start()).isEqualTo(newStart);
        assertThat(db.repository.calendar(TENANT, DR_RUIZ.id(), booked.slot())).isEmpty();
        assertThat(db.repository.calendar(TENANT, DR_RUIZ.id(), moved.slot())).containsExactly(moved);
    }

    @EachStore
    @DisplayName("a change decided on an older version than the one read is refused, whichever statement it "
            + "would use, and the other node's change stays")
    void aChangeOnAnOlderVersionIsRefused(Store store) {
        Recorded db = recorded(store);
        Booking read = db.repository.find(TENANT, book(db).id()).orElseThrow();
        Booking confirmed = confirmOnOtherNode(db, read);

        Transition cancel = read.cancel(ANA_ACTS, NOW.plus(Duration.ofMinutes(2)), "cannot come", null, false, null);

        assertThat(db.repository.update(change(read, cancel))).isEqualTo(SaveResult.VERSION_CONFLICT);
        assertThat(db.repository.find(TENANT, read.id())).contains(confirmed);
    }

    @EachStore
    @DisplayName("after another node's change, the cancel is decided on a fresh read and writes the state columns "
            + "alone")
    void aFreshReadIsUsed(Store store) {
        Recorded db = recorded(store);
        Booking booked = book(db);
        confirmOnOtherNode(db, booked);
        db.prepared.clear();

        Booking cancelled = db.rules.cancel(ANA_ACTS, BookingRef.of(TENANT, booked.id()),
                ChangeRequest.because("cannot come")).orElseThrow().booking();

        assertThat(cancelled.version()).isEqualTo(3);
        assertThat(db.repository.find(TENANT, booked.id())).contains(cancelled);
        assertThat(db.prepared).contains(store.dialect().sql().updateBookingState);
    }

    @EachStore
    @DisplayName("in the caller's transaction (joined mode) a cancel writes every column: a read there may see the "
            + "caller's uncommitted write")
    void joinedModeWritesEveryColumn(Store store) throws SQLException {
        Recorded db = recorded(store);
        try (Connection callers = db.source.getConnection()) {
            callers.setAutoCommit(false);
            JdbcBookingRepository joined = JdbcBookingRepository.joining(() -> callers, store.dialect());
            BookingRules rules = BookingRules.builder().repository(joined).clock(Clock.fixed(NOW, ZoneOffset.UTC))
                    .build();
            Booking booked = rules.book(ANA_ACTS, BookRequest.of(TENANT, DR_RUIZ, CONSULTATION, ANA, START, END,
                    ZONE)).orElseThrow().booking();
            callers.commit();
            db.prepared.clear();

            rules.cancel(ANA_ACTS, BookingRef.of(TENANT, booked.id()), ChangeRequest.because("cannot come"))
                    .orElseThrow();
            callers.commit();
            callers.setAutoCommit(true);

            Sql sql = store.dialect().sql();
            assertThat(db.prepared).contains(sql.updateBooking).doesNotContain(sql.updateBookingState);
            assertThat(db.repository.find(TENANT, booked.id()).orElseThrow().status())
                    .isEqualTo(BookingStatus.CANCELLED);
        }
    }

    @Test
    @DisplayName("the terms compared: a cancel, a confirmation and a reminder keep them; a reschedule and an "
            + "erasure change them")
    void sameTerms() {
        Booking booked = Booking.book(Booking.builder().tenantId(TENANT).id("b-1").confirmationCode("CODE2345")
                .resource(DR_RUIZ).service(CONSULTATION).customer(ANA).slot(Interval.of(START, END)).zone(ZONE)
                .reminder(ReminderState.armedFor(START.minus(Duration.ofHours(6)))), ANA_ACTS, NOW).booking();

        assertThat(JdbcBookingRepository.sameTerms(booked,
                booked.cancel(ANA_ACTS, NOW.plusSeconds(60), "x", null, false, null).booking())).isTrue();
        assertThat(JdbcBookingRepository.sameTerms(booked, booked.confirm(RECEPTION, NOW.plusSeconds(60)).booking()))
                .isTrue();
        assertThat(JdbcBookingRepository.sameTerms(booked, booked.markReminderSent(NOW.plusSeconds(60)).booking()))
                .isTrue();
        assertThat(JdbcBookingRepository.sameTerms(booked, booked.reschedule(RECEPTION, NOW.plusSeconds(60),
                Interval.of(START.plusSeconds(3600), END.plusSeconds(3600)), DR_RUIZ, ReminderState.none(), "moved")
                .booking())).isFalse();
        assertThat(JdbcBookingRepository.sameTerms(booked, booked.eraseCustomer(RECEPTION, NOW.plusSeconds(60))
                .booking())).isFalse();
    }

    // ------------------------------------------------------------------------------- support

    /** Ana's booking, through the facade, at {@link #START}. */
    private static Booking book(Recorded db) {
        return db.rules.book(ANA_ACTS, BookRequest.of(TENANT, DR_RUIZ, CONSULTATION, ANA, START, END, ZONE))
                .orElseThrow().booking();
    }

    /**
     * Confirms the booking, decided on {@code decidedOn}, through a second repository over the same
     * database, as another node would.
     *
     * @return the confirmed booking
     */
    private static Booking confirmOnOtherNode(Recorded db, Booking decidedOn) {
        Transition confirm = decidedOn.confirm(RECEPTION, NOW.plus(Duration.ofMinutes(1)));
        assertThat(JdbcBookingRepository.create(db.database.dataSource()).update(change(decidedOn, confirm)))
                .isEqualTo(SaveResult.SAVED);
        return confirm.booking();
    }

    private static BookingChange change(Booking decidedOn, Transition transition) {
        return new BookingChange(transition.booking(), decidedOn.version(), SlotClaim.NONE,
                List.of(transition.event()), List.of());
    }

    /** A repository over a data source that records each statement prepared, and a facade over it. */
    private record Recorded(Database database, JdbcBookingRepository repository, BookingRules rules,
                            RecordingDataSource source, List<String> prepared) {
    }

    private static Recorded recorded(Store store) {
        Database database = DATABASES.get(store);
        RecordingDataSource recording = new RecordingDataSource(database.dataSource());
        JdbcBookingRepository repository = database.emptyRepository(recording);
        BookingRules rules = BookingRules.builder().repository(repository).clock(Clock.fixed(NOW, ZoneOffset.UTC))
                .build();
        return new Recorded(database, repository, rules, recording, recording.prepared());
    }

    private static boolean claimsSlot(Database database, Booking booking) throws SQLException {
        DataSource ds = database.dataSource();
        try (Connection c = ds.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT claims_slot FROM br_booking WHERE tenant_id = ? "
                     + "AND id = ?")) {
            s.setString(1, booking.tenantId());
            s.setString(2, booking.id());
            try (ResultSet r = s.executeQuery()) {
                assertThat(r.next()).isTrue();
                return r.getBoolean(1);
            }
        }
    }
}
