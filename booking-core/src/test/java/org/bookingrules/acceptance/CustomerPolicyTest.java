package org.bookingrules.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bookingrules.testing.Fixture.ANA;
import static org.bookingrules.testing.Fixture.ANA_ACTS;
import static org.bookingrules.testing.Fixture.DR_RUIZ;
import static org.bookingrules.testing.Fixture.NOW;
import static org.bookingrules.testing.Fixture.ref;

import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.bookingrules.BookRequest;
import org.bookingrules.ChangeRequest;
import org.bookingrules.Outcome;
import org.bookingrules.RescheduleRequest;
import org.bookingrules.model.Booking;
import org.bookingrules.model.BookingEvent;
import org.bookingrules.model.BookingStatus;
import org.bookingrules.model.Money;
import org.bookingrules.model.PaymentStatus;
import org.bookingrules.policy.BookingPolicy;
import org.bookingrules.policy.LateCancellation;
import org.bookingrules.rules.Refusal;
import org.bookingrules.rules.RefusalReason;
import org.bookingrules.testing.Fixture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What the service's policy lets a customer do (R9, R13). */
class CustomerPolicyTest {

    private static final Duration TWELVE_HOURS = Duration.ofHours(12);
    private static final BookingPolicy TWELVE_HOURS_NOTICE = BookingPolicy.builder()
            .cancellationNotice(TWELVE_HOURS)
            .build();

    // ------------------------------------------------------------------ point 4: unpaid only

    @Test
    @DisplayName("R9 default policy (unpaid only), customer cancels a PAID booking: refused PAID_BOOKING with the resource's contact")
    void paid_booking_is_refused_with_contact_under_default_policy() {
        // given
        Fixture f = new Fixture();
        Booking paid = bookPaidForAna(f, Duration.ofDays(3));

        // when
        Outcome outcome = f.rules.cancel(ANA_ACTS, ref(paid), ChangeRequest.none());

        // then
        Refusal refusal = refusalOf(outcome);
        assertThat(refusal.reason()).isEqualTo(RefusalReason.PAID_BOOKING);
        assertThat(refusal.contact()).isEqualTo(DR_RUIZ.contact()).isEqualTo("+34 910 000 000");
        assertThat(f.stored(paid).status())
                .isEqualTo(BookingStatus.PENDING);
    }

    @Test
    @DisplayName("R9 policy with unpaidOnlyCancellation(false), customer cancels a PAID booking: done")
    void paid_booking_can_be_cancelled_when_unpaid_only_is_off() {
        // given
        Fixture f = new Fixture(BookingPolicy.builder().unpaidOnlyCancellation(false).build());
        Booking paid = bookPaidForAna(f, Duration.ofDays(3));

        // when
        Outcome outcome = f.rules.cancel(ANA_ACTS, ref(paid), ChangeRequest.none());

        // then
        assertThat(outcome).isInstanceOf(Outcome.Done.class);
        assertThat(outcome.orElseThrow().booking().status()).isEqualTo(BookingStatus.CANCELLED);
        assertThat(outcome.orElseThrow().booking().paymentStatus()).isEqualTo(PaymentStatus.PAID);
    }

    // ------------------------------------------------------------------ point 5: cancellation notice

    @Test
    @DisplayName("R9 12 h notice, customer cancels 10 h before: refused CANCELLATION_NOTICE_PASSED with the deadline start-12h")
    void cancel_inside_notice_is_refused_with_deadline() {
        // given
        Fixture f = new Fixture(TWELVE_HOURS_NOTICE);
        Booking booking = f.bookForAna(Duration.ofHours(10));

        // when
        Outcome outcome = f.rules.cancel(ANA_ACTS, ref(booking), ChangeRequest.none());

        // then
        Refusal refusal = refusalOf(outcome);
        assertThat(refusal.reason()).isEqualTo(RefusalReason.CANCELLATION_NOTICE_PASSED);
        assertThat(refusal.allowedUntil()).isEqualTo(booking.start().minus(TWELVE_HOURS))
                .isEqualTo(NOW.minus(Duration.ofHours(2)));
        assertThat(refusal.contact()).isEqualTo(DR_RUIZ.contact());
        assertThat(f.stored(booking).isActive()).isTrue();
    }

    static Stream<Arguments> aroundTheCancellationDeadline() {
        return Stream.of(
                Arguments.of("one second before the deadline", -1, true),
                Arguments.of("exactly at the deadline", 0, true),
                Arguments.of("one second after the deadline", 1, false));
    }

    @ParameterizedTest(name = "R9 12 h notice, customer cancels {0}: allowed = {2}")
    @MethodSource("aroundTheCancellationDeadline")
    @DisplayName("R9 12 h notice, boundary of the deadline start-12h: at it and before it allowed, one second after refused")
    void cancellation_deadline_boundary(String when, int secondsAfterDeadline, boolean allowed) {
        // given: a fresh world per row
        Fixture f = new Fixture(TWELVE_HOURS_NOTICE);
        Booking booking = f.bookForAna(Duration.ofDays(3));
        Instant deadline = booking.start().minus(TWELVE_HOURS);
        f.clock.setInstant(deadline.plusSeconds(secondsAfterDeadline));

        // when
        Outcome outcome = f.rules.cancel(ANA_ACTS, ref(booking), ChangeRequest.none());

        // then
        if (allowed) {
            assertThat(outcome).isInstanceOf(Outcome.Done.class);
            assertThat(outcome.orElseThrow().booking().status()).isEqualTo(BookingStatus.CANCELLED);
        } else {
            Refusal refusal = refusalOf(outcome);
            assertThat(refusal.reason()).isEqualTo(RefusalReason.CANCELLATION_NOTICE_PASSED);
            assertThat(refusal.allowedUntil()).isEqualTo(deadline);
        }
    }

    // ------------------------------------------------------------------ point 7: reschedule limit

    @Test
    @DisplayName("R9 max 2 customer reschedules: the first two are done, the third is refused RESCHEDULE_LIMIT_REACHED")
    void third_customer_reschedule_is_refused() {
        // given
        Fixture f = new Fixture(BookingPolicy.builder().maxCustomerReschedules(2).build());
        Booking booking = f.bookForAna(Duration.ofDays(10));

        // when
        Outcome first = f.rules.reschedule(ANA_ACTS, ref(booking), oneHourAt(NOW.plus(Duration.ofDays(11))));
        Outcome second = f.rules.reschedule(ANA_ACTS, ref(booking), oneHourAt(NOW.plus(Duration.ofDays(12))));
        Outcome third = f.rules.reschedule(ANA_ACTS, ref(booking), oneHourAt(NOW.plus(Duration.ofDays(13))));

        // then
        assertThat(first.orElseThrow().booking().customerReschedules()).isEqualTo(1);
        assertThat(second.orElseThrow().booking().customerReschedules()).isEqualTo(2);
        assertThat(second.orElseThrow().booking().start()).isEqualTo(NOW.plus(Duration.ofDays(12)));
        Refusal refusal = refusalOf(third);
        assertThat(refusal.reason()).isEqualTo(RefusalReason.RESCHEDULE_LIMIT_REACHED);
        assertThat(refusal.contact()).isEqualTo(DR_RUIZ.contact());
        Booking stored = f.stored(booking);
        assertThat(stored.start()).isEqualTo(NOW.plus(Duration.ofDays(12)));
        assertThat(stored.customerReschedules()).isEqualTo(2);
    }

    @Test
    @DisplayName("R9 R12 max 2 customer reschedules used up: a staff reschedule still works and does not count")
    void staff_reschedule_after_limit_works_and_does_not_count() {
        // given
        Fixture f = new Fixture(BookingPolicy.builder().maxCustomerReschedules(2).build());
        Booking booking = f.bookForAna(Duration.ofDays(10));
        f.rules.reschedule(ANA_ACTS, ref(booking), oneHourAt(NOW.plus(Duration.ofDays(11)))).orElseThrow();
        f.rules.reschedule(ANA_ACTS, ref(booking), oneHourAt(NOW.plus(Duration.ofDays(12)))).orElseThrow();
        assertThat(Fixture.reason(f.rules.reschedule(ANA_ACTS, ref(booking), oneHourAt(NOW.plus(Duration.ofDays(13))))))
                .isEqualTo(RefusalReason.RESCHEDULE_LIMIT_REACHED);

        // when
        Outcome staff = f.rules.reschedule(Fixture.RECEPTION, ref(booking), oneHourAt(NOW.plus(Duration.ofDays(14))));

        // then
        Booking moved = staff.orElseThrow().booking();
        assertThat(moved.start()).isEqualTo(NOW.plus(Duration.ofDays(14)));
        assertThat(moved.customerReschedules()).isEqualTo(2);
        assertThat(Fixture.reason(f.rules.reschedule(ANA_ACTS, ref(booking), oneHourAt(NOW.plus(Duration.ofDays(15))))))
                .isEqualTo(RefusalReason.RESCHEDULE_LIMIT_REACHED);
    }

    // ------------------------------------------------------------------ point 13: late fee

    @Test
    @DisplayName("R13 late cancellation allowed with a 20.00 EUR fee, customer cancels inside the notice: done, event late with the fee")
    void late_cancel_with_fee_is_done_and_marked_late() {
        // given
        Money fee = Money.of("20.00", "EUR");
        Fixture f = new Fixture(BookingPolicy.builder()
                .cancellationNotice(TWELVE_HOURS)
                .lateCancellation(LateCancellation.allowWithFee(fee))
                .build());
        Booking booking = f.bookForAna(Duration.ofHours(10));

        // when
        Outcome outcome = f.rules.cancel(ANA_ACTS, ref(booking), ChangeRequest.none());

        // then
        Outcome.Done done = outcome.orElseThrow();
        assertThat(done.booking().status()).isEqualTo(BookingStatus.CANCELLED);
        assertThat(done.events()).hasSize(1).first().isInstanceOf(BookingEvent.Cancelled.class);
        BookingEvent.Cancelled cancelled = (BookingEvent.Cancelled) done.events().get(0);
        assertThat(cancelled.late()).isTrue();
        assertThat(cancelled.lateFee()).isEqualTo(Money.of("20.00", "EUR"));
        assertThat(cancelled.lateFee().amount()).isEqualByComparingTo("20.00");
        assertThat(cancelled.lateFee().currency().getCurrencyCode()).isEqualTo("EUR");
        assertThat(f.rules.history(Fixture.RECEPTION, ref(booking))).last().isEqualTo(cancelled);
    }

    @Test
    @DisplayName("R13 late cancellation allowed with a fee, customer cancels outside the notice: done, event not late and with no fee")
    void timely_cancel_under_fee_policy_is_not_late() {
        // given
        Fixture f = new Fixture(BookingPolicy.builder()
                .cancellationNotice(TWELVE_HOURS)
                .lateCancellation(LateCancellation.allowWithFee(Money.of("20.00", "EUR")))
                .build());
        Booking booking = f.bookForAna(Duration.ofDays(3));

        // when
        Outcome outcome = f.rules.cancel(ANA_ACTS, ref(booking), ChangeRequest.none());

        // then
        Outcome.Done done = outcome.orElseThrow();
        assertThat(done.events()).hasSize(1).first().isInstanceOf(BookingEvent.Cancelled.class);
        BookingEvent.Cancelled cancelled = (BookingEvent.Cancelled) done.events().get(0);
        assertThat(cancelled.late()).isFalse();
        assertThat(cancelled.lateFee()).isNull();
    }

    // ------------------------------------------------------------------ helpers

    private static Booking bookPaidForAna(Fixture f, Duration startIn) {
        BookRequest request = Fixture.request(ANA, startIn).withPaymentStatus(PaymentStatus.PAID);
        Booking booking = f.rules.book(ANA_ACTS, request).orElseThrow().booking();
        assertThat(booking.paymentStatus()).isEqualTo(PaymentStatus.PAID);
        return booking;
    }

    private static RescheduleRequest oneHourAt(Instant start) {
        return RescheduleRequest.to(start, start.plus(Duration.ofHours(1)));
    }

    static Refusal refusalOf(Outcome outcome) {
        assertThat(outcome).isInstanceOf(Outcome.Refused.class);
        return ((Outcome.Refused) outcome).refusal();
    }
}
