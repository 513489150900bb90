package org.bookingrules.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bookingrules.testing.Fixture.ANA_ACTS;
import static org.bookingrules.testing.Fixture.BOB;
import static org.bookingrules.testing.Fixture.BOB_ACTS;
import static org.bookingrules.testing.Fixture.CONSULTATION;
import static org.bookingrules.testing.Fixture.DR_RUIZ;
import static org.bookingrules.testing.Fixture.NOW;
import static org.bookingrules.testing.Fixture.RECEPTION;
import static org.bookingrules.testing.Fixture.TENANT;
import static org.bookingrules.testing.Fixture.ZONE;
import static org.bookingrules.testing.Fixture.ref;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.bookingrules.BookRequest;
import org.bookingrules.ChangeRequest;
import org.bookingrules.Outcome;
import org.bookingrules.RescheduleRequest;
import org.bookingrules.model.Actor;
import org.bookingrules.model.Booking;
import org.bookingrules.model.BookingEvent;
import org.bookingrules.model.BookingStatus;
import org.bookingrules.rules.RefusalReason;
import org.bookingrules.testing.Fixture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.threeten.extra.Interval;

/** Acceptance tests for R3 (staff revive) and R4 (staff confirm and revoke). */
class ReviveAndConfirmationTest {

    private static final Duration ONE_HOUR = Duration.ofHours(1);

    /** A fresh world for each test: JUnit makes a new instance of this class per test. */
    private final Fixture f = new Fixture();

    private static RescheduleRequest oneHourAt(Instant start) {
        return RescheduleRequest.to(start, start.plus(ONE_HOUR));
    }

    private static List<Booking> calendarAround(Fixture f, Interval slot) {
        return f.repository.calendar(TENANT, DR_RUIZ.id(), slot);
    }

    private static Booking cancelledBooking(Fixture f) {
        Booking booking = f.bookForAna(Duration.ofDays(3));
        f.rules.cancel(ANA_ACTS, ref(booking), ChangeRequest.none()).orElseThrow();
        return f.repository.find(TENANT, booking.id()).orElseThrow();
    }

    // ------------------------------------------------------------------------------------- R3

    @Test
    @DisplayName("R3 staff reschedule a CANCELLED booking: PENDING again and back on the calendar")
    void r3_staff_revive_a_cancelled_booking() {
        Booking cancelled = cancelledBooking(f);
        assertThat(cancelled.status()).isEqualTo(BookingStatus.CANCELLED);
        Instant newStart = NOW.plus(Duration.ofDays(4));

        Outcome.Done done = f.rules.reschedule(RECEPTION, ref(cancelled), oneHourAt(newStart)).orElseThrow();

        assertThat(done.booking().status()).isEqualTo(BookingStatus.PENDING);
        assertThat(done.booking().isActive()).isTrue();
        assertThat(done.events()).hasSize(1);
        assertThat(done.events().get(0)).isInstanceOfSatisfying(BookingEvent.Rescheduled.class, e -> {
            assertThat(e.actor()).isEqualTo(RECEPTION);
            assertThat(e.from()).isEqualTo(BookingStatus.CANCELLED);
            assertThat(e.to()).isEqualTo(BookingStatus.PENDING);
            assertThat(e.oldSlot()).isEqualTo(cancelled.slot());
            assertThat(e.newSlot()).isEqualTo(Interval.of(newStart, newStart.plus(ONE_HOUR)));
        });
        assertThat(calendarAround(f, done.booking().slot())).extracting(Booking::id)
                .containsExactly(cancelled.id());
        assertThat(f.rules.history(RECEPTION, ref(cancelled))).extracting(BookingEvent::kind)
                .containsExactly("BOOKED", "CANCELLED", "RESCHEDULED");
    }

    @Test
    @DisplayName("R3 staff reschedule a CANCELLED booking back to its own slot: revived, not treated as 'nothing to change'")
    void r3_staff_revive_into_the_same_slot() {
        Booking cancelled = cancelledBooking(f);
        assertThat(calendarAround(f, cancelled.slot())).isEmpty();

        Outcome.Done done = f.rules.reschedule(RECEPTION, ref(cancelled), oneHourAt(cancelled.start())).orElseThrow();

        assertThat(done.changed()).isTrue();
        assertThat(done.booking().status()).isEqualTo(BookingStatus.PENDING);
        assertThat(calendarAround(f, cancelled.slot())).extracting(Booking::id).containsExactly(cancelled.id());
    }

    static Stream<Arguments> declinedRevivals() {
        return Stream.of(
                arguments("R3 staff reschedule a DECLINED booking into the reminder window: CONFIRMED by System (R6) "
                                + "and back on the calendar", Duration.ofHours(3), BookingStatus.CONFIRMED, Actor.SYSTEM,
                        List.of("RESCHEDULED", "AUTO_CONFIRMED")),
                arguments("R3 staff reschedule a DECLINED booking 4 days ahead: PENDING and back on the calendar",
                        Duration.ofDays(4), BookingStatus.PENDING, null, List.of("RESCHEDULED")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("declinedRevivals")
    @DisplayName("R3 R6 staff reschedule a DECLINED booking: back on the calendar, confirmed by System inside the "
            + "reminder window")
    void r3_staff_revive_a_declined_booking(String sentence, Duration startIn, BookingStatus status,
                                            Actor confirmedBy, List<String> kinds) {
        Booking booking = f.bookForAna(Duration.ofDays(3));
        f.rules.decline(ANA_ACTS, ref(booking), ChangeRequest.none()).orElseThrow();

        Outcome.Done done = f.rules.reschedule(RECEPTION, ref(booking), oneHourAt(NOW.plus(startIn))).orElseThrow();

        assertThat(done.booking().status()).isEqualTo(status);
        assertThat(done.booking().confirmedBy()).isEqualTo(Optional.ofNullable(confirmedBy));
        assertThat(done.events()).extracting(BookingEvent::kind).containsExactlyElementsOf(kinds);
        assertThat(done.events().get(0).from()).isEqualTo(BookingStatus.DECLINED);
        assertThat(done.events().get(kinds.size() - 1).to()).isEqualTo(status);
        assertThat(calendarAround(f, done.booking().slot())).extracting(Booking::id).containsExactly(booking.id());
    }

    @Test
    @DisplayName("R3 staff cannot revive a CANCELLED booking onto a slot another active booking took: SLOT_UNAVAILABLE")
    void r3_staff_revive_cannot_double_book() {
        Booking cancelled = cancelledBooking(f);
        Booking bobs = f.rules.book(BOB_ACTS, BookRequest.of(TENANT, DR_RUIZ, CONSULTATION, BOB,
                cancelled.start(), cancelled.end(), ZONE)).orElseThrow().booking();

        Outcome outcome = f.rules.reschedule(RECEPTION, ref(cancelled), oneHourAt(cancelled.start()));

        assertThat(Fixture.reason(outcome)).isEqualTo(RefusalReason.SLOT_UNAVAILABLE);
        assertThat(f.repository.find(TENANT, cancelled.id()).orElseThrow().status())
                .isEqualTo(BookingStatus.CANCELLED);
        assertThat(calendarAround(f, cancelled.slot())).extracting(Booking::id).containsExactly(bobs.id());
    }

    @Test
    @DisplayName("R3 a customer cannot revive their cancelled booking by rescheduling it: NOT_ACTIVE, nothing changes")
    void r3_customer_cannot_revive() {
        Booking cancelled = cancelledBooking(f);
        f.notifier.clear();

        Outcome outcome = f.rules.reschedule(ANA_ACTS, ref(cancelled), oneHourAt(NOW.plus(Duration.ofDays(4))));

        assertThat(outcome).isInstanceOf(Outcome.Refused.class);
        assertThat(Fixture.reason(outcome)).isEqualTo(RefusalReason.NOT_ACTIVE);
        Booking stored = f.repository.find(TENANT, cancelled.id()).orElseThrow();
        assertThat(stored.status()).isEqualTo(BookingStatus.CANCELLED);
        assertThat(stored.version()).isEqualTo(cancelled.version());
        assertThat(f.rules.history(RECEPTION, ref(cancelled))).extracting(BookingEvent::kind)
                .containsExactly("BOOKED", "CANCELLED");
        assertThat(f.notifier.delivered()).isEmpty();
    }

    // ------------------------------------------------------------------------------------- R4

    @Test
    @DisplayName("R4 staff confirm and revoke five times each, alternating: ten history events, PENDING at the end")
    void r4_staff_confirm_and_revoke_any_number_of_times() {
        Booking booking = f.bookForAna(Duration.ofDays(3));

        for (int i = 0; i < 5; i++) {
            f.clock.add(Duration.ofMinutes(1));
            Outcome.Done confirmed = f.rules.confirm(RECEPTION, ref(booking), ChangeRequest.none()).orElseThrow();
            assertThat(confirmed.booking().status()).as("after confirm #%d", i + 1).isEqualTo(BookingStatus.CONFIRMED);
            assertThat(confirmed.booking().confirmedBy()).contains(RECEPTION);
            f.clock.add(Duration.ofMinutes(1));
            Outcome.Done revoked = f.rules.revokeConfirmation(RECEPTION, ref(booking), ChangeRequest.because("call back"))
                    .orElseThrow();
            assertThat(revoked.booking().status()).as("after revoke #%d", i + 1).isEqualTo(BookingStatus.PENDING);
        }

        List<BookingEvent> history = f.rules.history(RECEPTION, ref(booking));
        assertThat(history).hasSize(11);
        assertThat(history.get(0)).isInstanceOf(BookingEvent.Booked.class);
        List<BookingEvent> changes = history.subList(1, 11);
        for (int i = 0; i < 10; i++) {
            Instant at = NOW.plus(Duration.ofMinutes(i + 1));
            BookingEvent expected = i % 2 == 0
                    ? new BookingEvent.Confirmed(RECEPTION, at, BookingStatus.PENDING, BookingStatus.CONFIRMED)
                    : new BookingEvent.ConfirmationRevoked(RECEPTION, at, BookingStatus.CONFIRMED,
                            BookingStatus.PENDING, "call back");
            assertThat(changes.get(i)).as("change #%d", i + 1).isEqualTo(expected);
        }
        Booking stored = f.repository.find(TENANT, booking.id()).orElseThrow();
        assertThat(stored.status()).isEqualTo(BookingStatus.PENDING);
        assertThat(stored.confirmedBy()).isEmpty();
        assertThat(stored.version()).isEqualTo(11);
    }

    @Test
    @DisplayName("R4 staff revoke a confirmation made by the System (R6): PENDING")
    void r4_staff_revoke_an_auto_confirmation() {
        Booking booking = f.bookForAna(Duration.ofHours(3));
        assertThat(booking.confirmedBy()).contains(Actor.SYSTEM);

        Outcome.Done done = f.rules.revokeConfirmation(RECEPTION, ref(booking), ChangeRequest.none()).orElseThrow();

        assertThat(done.booking().status()).isEqualTo(BookingStatus.PENDING);
        assertThat(done.events()).containsExactly(new BookingEvent.ConfirmationRevoked(RECEPTION, NOW,
                BookingStatus.CONFIRMED, BookingStatus.PENDING, null));
    }

    @Test
    @DisplayName("R4 a customer cannot revoke a confirmation: ACTION_NOT_PERMITTED, still CONFIRMED")
    void r4_customer_cannot_revoke() {
        Booking booking = f.bookForAna(Duration.ofDays(3));
        f.rules.confirm(RECEPTION, ref(booking), ChangeRequest.none()).orElseThrow();

        Outcome outcome = f.rules.revokeConfirmation(ANA_ACTS, ref(booking), ChangeRequest.none());

        assertThat(outcome).isInstanceOf(Outcome.Refused.class);
        assertThat(Fixture.reason(outcome)).isEqualTo(RefusalReason.ACTION_NOT_PERMITTED);
        Booking stored = f.repository.find(TENANT, booking.id()).orElseThrow();
        assertThat(stored.status()).isEqualTo(BookingStatus.CONFIRMED);
        assertThat(f.rules.history(RECEPTION, ref(booking))).extracting(BookingEvent::kind)
                .containsExactly("BOOKED", "CONFIRMED");
    }
}
