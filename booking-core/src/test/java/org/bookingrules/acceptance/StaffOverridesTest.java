package org.bookingrules.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bookingrules.testing.Fixture.ANA;
import static org.bookingrules.testing.Fixture.ANA_ACTS;
import static org.bookingrules.testing.Fixture.BOB;
import static org.bookingrules.testing.Fixture.BOB_ACTS;
import static org.bookingrules.testing.Fixture.DR_RUIZ;
import static org.bookingrules.testing.Fixture.DR_SOTO;
import static org.bookingrules.testing.Fixture.NOW;
import static org.bookingrules.testing.Fixture.RECEPTION;
import static org.bookingrules.testing.Fixture.ZONE;
import static org.bookingrules.testing.Fixture.ref;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.stream.Stream;
import org.bookingrules.BookRequest;
import org.bookingrules.ChangeRequest;
import org.bookingrules.NotificationChoice;
import org.bookingrules.Outcome;
import org.bookingrules.RescheduleRequest;
import org.bookingrules.model.Actor;
import org.bookingrules.model.Booking;
import org.bookingrules.model.BookingEvent;
import org.bookingrules.model.BookingStatus;
import org.bookingrules.policy.BookingPolicy;
import org.bookingrules.rules.Refusal;
import org.bookingrules.rules.RefusalReason;
import org.bookingrules.spi.Availability;
import org.bookingrules.spi.Notification;
import org.bookingrules.spi.NotificationKind;
import org.bookingrules.spi.RecipientRole;
import org.bookingrules.testing.Fixture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Staff are not bound by the customer policy (R12) but
 * cannot break the calendar (R10), and choose whom to notify (R14).
 */
class StaffOverridesTest {

    private static final BookingPolicy TWELVE_HOURS_NOTICE = BookingPolicy.builder()
            .cancellationNotice(Duration.ofHours(12))
            .build();
    private static final BookingPolicy MINIMUM_NOTICE_48_HOURS = BookingPolicy.builder()
            .minimumBookingNotice(Duration.ofHours(48))
            .build();
    private static final Instant IN_FOUR_DAYS = NOW.plus(Duration.ofDays(4));
    private static final String SORRY = "We are sorry, Dr. Ruiz is ill today.";

    /** Opening hours 08:00 to 20:00, Madrid time; closed at night. */
    private static final Availability DAYTIME_ONLY = (tenantId, resourceId, slot) -> {
        LocalTime from = slot.getStart().atZone(ZONE).toLocalTime();
        LocalTime to = slot.getEnd().atZone(ZONE).toLocalTime();
        return !from.isBefore(LocalTime.of(8, 0)) && !to.isAfter(LocalTime.of(20, 0)) && from.isBefore(to);
    };

    /** A fresh world for each test: JUnit makes a new instance of this class per test. */
    private final Fixture f = new Fixture();

    // ------------------------------------------------------------------ point 6: staff cancel, R14 choices

    static Stream<Arguments> lateCancelNotifyingOneSide() {
        return Stream.of(
                arguments("R12 R14 staff cancel a booking inside the 12 h notice, notifying the customer only with a "
                        + "message: done, one CANCELLED to CUSTOMER",
                        NotificationChoice.customerOnly(), RecipientRole.CUSTOMER, RecipientRole.RESOURCE),
                arguments("R12 R14 staff cancel a booking inside the 12 h notice, notifying the resource only: done, "
                        + "one CANCELLED to RESOURCE, none to CUSTOMER",
                        NotificationChoice.resourceOnly(), RecipientRole.RESOURCE, RecipientRole.CUSTOMER));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lateCancelNotifyingOneSide")
    @DisplayName("R12 R14 staff cancel a booking inside the 12 h notice, notifying one side with a message: done, "
            + "one CANCELLED to that side, none to the other")
    void staff_cancel_late_booking_notifying_one_side(String sentence, NotificationChoice choice,
                                                       RecipientRole notified, RecipientRole silent) {
        // given: a booking 10 h away that the customer may no longer cancel
        Fixture configured = new Fixture(TWELVE_HOURS_NOTICE);
        Booking late = configured.bookForAna(Duration.ofHours(10));
        assertThat(Fixture.reason(configured.rules.cancel(ANA_ACTS, ref(late), ChangeRequest.none())))
                .isEqualTo(RefusalReason.CANCELLATION_NOTICE_PASSED);
        configured.notifier.clear();

        // when
        Outcome outcome = configured.rules.cancel(RECEPTION, ref(late),
                ChangeRequest.none().notifying(choice.withMessage(SORRY)));

        // then
        Outcome.Done done = outcome.orElseThrow();
        assertThat(done.booking().status()).isEqualTo(BookingStatus.CANCELLED);
        assertThat(configured.notifier.delivered()).hasSize(1);
        Notification sent = configured.notifier.to(NotificationKind.CANCELLED, notified).get(0);
        assertThat(sent.message()).contains(SORRY);
        assertThat(configured.notifier.to(NotificationKind.CANCELLED, silent)).isEmpty();
        assertThat(done.notifications()).containsExactly(sent);
        assertThat(done.unreachable()).isEmpty();
        BookingEvent.Cancelled event = (BookingEvent.Cancelled) done.events().get(0);
        assertThat(event.personalMessage()).isEqualTo(SORRY);
        assertThat(event.actor()).isEqualTo(RECEPTION);
        assertThat(event.late()).isFalse();
        assertThat(configured.rules.history(RECEPTION, ref(late))).last().isEqualTo(event);
    }

    @Test
    @DisplayName("R12 R14 staff cancel a booking inside the 12 h notice, notifying nobody: done, no notification")
    void staff_cancel_late_booking_notifying_nobody() {
        // given
        Fixture configured = new Fixture(TWELVE_HOURS_NOTICE);
        Booking late = configured.bookForAna(Duration.ofHours(10));
        configured.notifier.clear();

        // when
        Outcome outcome = configured.rules.cancel(RECEPTION, ref(late),
                ChangeRequest.none().notifying(NotificationChoice.nobody()));

        // then
        Outcome.Done done = outcome.orElseThrow();
        assertThat(done.booking().status()).isEqualTo(BookingStatus.CANCELLED);
        assertThat(done.notifications()).isEmpty();
        assertThat(done.unreachable()).isEmpty();
        assertThat(configured.notifier.delivered()).isEmpty();
    }

    // ------------------------------------------------------------------ point 9: slots

    @Test
    @DisplayName("R12 staff reschedule into the past over a slot occupied by another active booking: done (back-dating)")
    void staff_may_backdate_over_an_occupied_slot() {
        // given: Ana's booking took place two hours ago and is still active; Bob's is in the future
        Booking past = f.bookForAna(Duration.ofDays(2));
        Booking bobs = bookForBob(f, NOW.plus(Duration.ofDays(5)));
        f.clock.setInstant(past.start().plus(Duration.ofHours(2)));

        // when
        Outcome outcome = f.rules.reschedule(RECEPTION, ref(bobs), RescheduleRequest.to(past.start(), past.end()));

        // then
        Booking moved = outcome.orElseThrow().booking();
        assertThat(moved.slot()).isEqualTo(past.slot());
        assertThat(moved.isActive()).isTrue();
        assertThat(f.stored(past).isActive()).isTrue();
    }

    @Test
    @DisplayName("R10 R12 staff reschedule into the future over a slot occupied by another active booking: refused SLOT_UNAVAILABLE")
    void staff_may_not_double_book_the_future() {
        // given
        Booking anas = f.bookForAna(Duration.ofDays(2));
        Booking bobs = bookForBob(f, NOW.plus(Duration.ofDays(5)));

        // when: overlap by half an hour
        Instant start = anas.start().plus(Duration.ofMinutes(30));
        Outcome outcome = moveForAnHour(f, RECEPTION, bobs, start);

        // then
        assertThat(CustomerPolicyTest.refusalOf(outcome).reason()).isEqualTo(RefusalReason.SLOT_UNAVAILABLE);
        assertThat(f.stored(bobs).slot()).isEqualTo(bobs.slot());
    }

    @Test
    @DisplayName("R10 customer reschedule into the past: refused SLOT_IN_PAST")
    void customer_may_not_move_into_the_past() {
        // given
        Booking booking = f.bookForAna(Duration.ofDays(3));

        // when
        Instant yesterday = NOW.minus(Duration.ofDays(1));
        Outcome outcome = moveForAnHour(f, ANA_ACTS, booking, yesterday);

        // then
        Refusal refusal = CustomerPolicyTest.refusalOf(outcome);
        assertThat(refusal.reason()).isEqualTo(RefusalReason.SLOT_IN_PAST);
        assertThat(refusal.contact()).isEqualTo(DR_RUIZ.contact());
        assertThat(f.stored(booking).slot()).isEqualTo(booking.slot());
    }

    @Test
    @DisplayName("R12 customer reschedule to another resource: refused ACTION_NOT_PERMITTED")
    void customer_may_not_move_to_another_resource() {
        // given
        Booking booking = f.bookForAna(Duration.ofDays(3));

        // when
        Outcome outcome = moveToDrSoto(ANA_ACTS, booking);

        // then
        Refusal refusal = CustomerPolicyTest.refusalOf(outcome);
        assertThat(refusal.reason()).isEqualTo(RefusalReason.ACTION_NOT_PERMITTED);
        Booking stored = f.stored(booking);
        assertThat(stored.resource()).isEqualTo(DR_RUIZ);
        assertThat(stored.slot()).isEqualTo(booking.slot());
    }

    @Test
    @DisplayName("R12 staff reschedule to another resource: done, the booking is with the new resource")
    void staff_may_move_to_another_resource() {
        // given
        Booking booking = f.bookForAna(Duration.ofDays(3));

        // when
        Outcome outcome = moveToDrSoto(RECEPTION, booking);

        // then
        Booking moved = outcome.orElseThrow().booking();
        assertThat(moved.resource()).isEqualTo(DR_SOTO);
        assertThat(moved.start()).isEqualTo(IN_FOUR_DAYS);
        assertThat(moved.customerReschedules()).isZero();
        BookingEvent.Rescheduled event = (BookingEvent.Rescheduled) outcome.orElseThrow().events().get(0);
        assertThat(event.oldResourceId()).isEqualTo(DR_RUIZ.id());
        assertThat(event.newResourceId()).isEqualTo(DR_SOTO.id());
        assertThat(f.repository.calendar(Fixture.TENANT, DR_SOTO.id(), moved.slot())).containsExactly(moved);
        assertThat(f.repository.calendar(Fixture.TENANT, DR_RUIZ.id(), booking.slot())).isEmpty();
    }

    static Stream<Arguments> checkedReschedules() {
        // Friday 6 March 2026 at a Madrid time: the booking below is on Thursday 5 March 10:00 Madrid.
        Instant friday22 = ZonedDateTime.of(LocalDate.of(2026, 3, 6), LocalTime.of(22, 0), ZONE).toInstant();
        Instant friday11 = ZonedDateTime.of(LocalDate.of(2026, 3, 6), LocalTime.of(11, 0), ZONE).toInstant();
        Instant in24Hours = NOW.plus(Duration.ofHours(24));
        BookingPolicy defaults = BookingPolicy.ofDefaults();
        return Stream.of(
                arguments("R10 customer reschedule to 22:00, outside the opening hours 08:00-20:00: refused "
                                + "OUTSIDE_AVAILABILITY", defaults, DAYTIME_ONLY, ANA_ACTS, friday22,
                        RefusalReason.OUTSIDE_AVAILABILITY),
                arguments("R10 customer reschedule to 11:00 the next day, inside the opening hours 08:00-20:00: done "
                        + "(negative control)", defaults, DAYTIME_ONLY, ANA_ACTS, friday11, null),
                arguments("R9 R10 minimum booking notice 48 h, customer reschedules to 24 h from now: refused "
                                + "MINIMUM_BOOKING_NOTICE", MINIMUM_NOTICE_48_HOURS, Availability.ALWAYS_OPEN, ANA_ACTS,
                        in24Hours, RefusalReason.MINIMUM_BOOKING_NOTICE),
                arguments("R12 minimum booking notice 48 h, staff reschedule to 24 h from now: done",
                        MINIMUM_NOTICE_48_HOURS, Availability.ALWAYS_OPEN, RECEPTION, in24Hours, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("checkedReschedules")
    @DisplayName("R9 R10 R12 a customer reschedule is checked against the opening hours and the minimum booking "
            + "notice; staff are not bound by the notice")
    void reschedule_is_checked_against_hours_and_notice(String sentence, BookingPolicy policy,
                                                         Availability availability, Actor actor, Instant start,
                                                         RefusalReason expected) {
        // given: Thursday 5 March 2026 10:00 Madrid, inside the opening hours
        Fixture configured = new Fixture(policy, availability);
        Booking booking = configured.bookForAna(Duration.ofDays(3));

        // when
        Outcome outcome = moveForAnHour(configured, actor, booking, start);

        // then
        assertThat(Fixture.reason(outcome)).isEqualTo(expected);
        assertThat(configured.stored(booking).start()).isEqualTo(expected == null ? start : booking.start());
    }

    static Stream<Arguments> minimumNoticeForBookings() {
        return Stream.of(
                arguments("R9 R10 minimum booking notice 48 h, customer books 24 h from now: refused "
                        + "MINIMUM_BOOKING_NOTICE", ANA_ACTS, RefusalReason.MINIMUM_BOOKING_NOTICE),
                arguments("R12 minimum booking notice 48 h, staff book 24 h from now: done", RECEPTION, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("minimumNoticeForBookings")
    @DisplayName("R9 R10 R12 minimum booking notice 48 h binds customers booking, not staff")
    void booking_and_minimum_booking_notice(String sentence, Actor actor, RefusalReason expected) {
        // given
        Fixture configured = new Fixture(MINIMUM_NOTICE_48_HOURS);

        // when
        Outcome outcome = configured.rules.book(actor, Fixture.request(ANA, Duration.ofHours(24)));

        // then
        assertThat(Fixture.reason(outcome)).isEqualTo(expected);
        if (expected == null) {
            assertThat(outcome.orElseThrow().booking().start()).isEqualTo(NOW.plus(Duration.ofHours(24)));
        } else {
            assertThat(configured.repository.all(Fixture.TENANT)).isEmpty();
        }
    }

    // ------------------------------------------------------------------ helpers

    private static Outcome moveForAnHour(Fixture f, Actor actor, Booking booking, Instant start) {
        return f.rules.reschedule(actor, ref(booking), RescheduleRequest.to(start, start.plus(Duration.ofHours(1))));
    }

    /** Moves a booking to Dr. Soto, one hour {@link #IN_FOUR_DAYS}. */
    private Outcome moveToDrSoto(Actor actor, Booking booking) {
        return f.rules.reschedule(actor, ref(booking),
                RescheduleRequest.to(IN_FOUR_DAYS, IN_FOUR_DAYS.plus(Duration.ofHours(1))).withResource(DR_SOTO));
    }

    private static Booking bookForBob(Fixture f, Instant start) {
        return f.rules.book(BOB_ACTS, BookRequest.of(Fixture.TENANT, DR_RUIZ, Fixture.CONSULTATION,
                BOB, start, start.plus(Duration.ofHours(1)), ZONE)).orElseThrow().booking();
    }
}
