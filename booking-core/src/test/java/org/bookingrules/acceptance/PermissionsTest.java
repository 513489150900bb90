package org.bookingrules.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bookingrules.testing.Fixture.ANA_ACTS;
import static org.bookingrules.testing.Fixture.BOB_ACTS;
import static org.bookingrules.testing.Fixture.DR_RUIZ;
import static org.bookingrules.testing.Fixture.NOW;
import static org.bookingrules.testing.Fixture.RECEPTION;
import static org.bookingrules.testing.Fixture.TENANT;
import static org.bookingrules.testing.Fixture.ref;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;
import org.bookingrules.BookingRef;
import org.bookingrules.ChangeRequest;
import org.bookingrules.Outcome;
import org.bookingrules.Permissions;
import org.bookingrules.RescheduleRequest;
import org.bookingrules.model.Actor;
import org.bookingrules.model.Booking;
import org.bookingrules.model.BookingStatus;
import org.bookingrules.policy.BookingPolicy;
import org.bookingrules.rules.Decision;
import org.bookingrules.rules.Refusal;
import org.bookingrules.rules.RefusalReason;
import org.bookingrules.testing.Fixture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@code permissions} shows what an actor may do and until when,
 * and agrees with what the commands then do (R9, R12, R13).
 */
class PermissionsTest {

    private static final Duration CANCEL_NOTICE = Duration.ofHours(24);
    private static final Duration RESCHEDULE_NOTICE = Duration.ofHours(12);
    /** Different notices for cancel and reschedule, so a mix-up shows. */
    private static final BookingPolicy POLICY = BookingPolicy.builder()
            .cancellationNotice(CANCEL_NOTICE)
            .rescheduleNotice(RESCHEDULE_NOTICE)
            .maxCustomerReschedules(2)
            .build();

    /** A fresh world for each test: JUnit makes a new instance of this class per test. */
    private final Fixture f = new Fixture(POLICY);

    @Test
    @DisplayName("R9 permissions of the customer: cancel until start-24h, reschedule until start-12h, 2 reschedules left")
    void customer_permissions_show_deadlines_and_reschedules_left() {
        // given
        Booking booking = f.bookForAna(Duration.ofDays(3));

        // when
        Permissions permissions = f.rules.permissions(ANA_ACTS, ref(booking));

        // then
        assertThat(permissions.canCancel()).isTrue();
        assertThat(permissions.canReschedule()).isTrue();
        assertThat(permissions.cancelUntil()).contains(booking.start().minus(CANCEL_NOTICE));
        assertThat(permissions.rescheduleUntil()).contains(booking.start().minus(RESCHEDULE_NOTICE));
        assertThat(permissions.reschedulesLeft()).isEqualTo(OptionalInt.of(2));
    }

    @Test
    @DisplayName("R9 permissions count reschedules down: 2, then 1 after a reschedule, then 0 and refused like the command")
    void reschedules_left_count_down_and_match_the_command() {
        // given
        Booking booking = f.bookForAna(Duration.ofDays(3));
        assertThat(f.rules.permissions(ANA_ACTS, ref(booking)).reschedulesLeft()).isEqualTo(OptionalInt.of(2));

        // when: first reschedule, where permissions said allowed
        Instant firstStart = NOW.plus(Duration.ofDays(4));
        Outcome first = f.rules.reschedule(ANA_ACTS, ref(booking), oneHourAt(firstStart));

        // then
        assertThat(first).isInstanceOf(Outcome.Done.class);
        Permissions afterOne = f.rules.permissions(ANA_ACTS, ref(booking));
        assertThat(afterOne.reschedulesLeft()).isEqualTo(OptionalInt.of(1));
        assertThat(afterOne.canReschedule()).isTrue();
        assertThat(afterOne.rescheduleUntil()).contains(firstStart.minus(RESCHEDULE_NOTICE));
        assertThat(afterOne.cancelUntil()).contains(firstStart.minus(CANCEL_NOTICE));

        // when: second reschedule
        Outcome second = f.rules.reschedule(ANA_ACTS, ref(booking), oneHourAt(NOW.plus(Duration.ofDays(5))));

        // then: none left, and the refusal is the one the command gives
        assertThat(second).isInstanceOf(Outcome.Done.class);
        Permissions afterTwo = f.rules.permissions(ANA_ACTS, ref(booking));
        assertThat(afterTwo.reschedulesLeft()).isEqualTo(OptionalInt.of(0));
        assertThat(afterTwo.canReschedule()).isFalse();
        assertThat(afterTwo.rescheduleUntil()).isEmpty();
        Refusal shown = (Refusal) afterTwo.reschedule();
        assertThat(shown.reason()).isEqualTo(RefusalReason.RESCHEDULE_LIMIT_REACHED);
        Outcome third = f.rules.reschedule(ANA_ACTS, ref(booking), oneHourAt(NOW.plus(Duration.ofDays(6))));
        assertThat(CustomerPolicyTest.refusalOf(third)).isEqualTo(shown);
        assertThat(afterTwo.canCancel()).isTrue();
    }

    @Test
    @DisplayName("R9 permissions allow cancelling now: the cancel is done")
    void allowed_cancel_is_done() {
        // given
        Booking booking = f.bookForAna(Duration.ofDays(3));
        assertThat(f.rules.permissions(ANA_ACTS, ref(booking)).canCancel()).isTrue();

        // when, then
        assertCancelIsDone(ANA_ACTS, booking);
    }

    @Test
    @DisplayName("R9 at exactly the cancel deadline start-24h permissions allow cancelling and the cancel is done")
    void at_the_cancel_deadline_permission_and_command_agree() {
        // given
        Booking booking = f.bookForAna(Duration.ofDays(3));
        f.clock.setInstant(booking.start().minus(CANCEL_NOTICE));

        // when
        Permissions permissions = f.rules.permissions(ANA_ACTS, ref(booking));

        // then
        assertThat(permissions.canCancel()).isTrue();
        assertThat(permissions.cancelUntil()).contains(booking.start().minus(CANCEL_NOTICE));
        assertCancelIsDone(ANA_ACTS, booking);
    }

    @Test
    @DisplayName("R9 one second after the cancel deadline: permissions refuse CANCELLATION_NOTICE_PASSED, and so does the cancel")
    void after_the_cancel_deadline_permission_and_command_refuse_alike() {
        // given
        Booking booking = f.bookForAna(Duration.ofDays(3));
        Instant deadline = booking.start().minus(CANCEL_NOTICE);
        f.clock.setInstant(deadline.plusSeconds(1));

        // when
        Permissions permissions = f.rules.permissions(ANA_ACTS, ref(booking));
        Outcome outcome = f.rules.cancel(ANA_ACTS, ref(booking), ChangeRequest.none());

        // then
        assertThat(permissions.canCancel()).isFalse();
        assertThat(permissions.cancelUntil()).isEmpty();
        Refusal shown = (Refusal) permissions.cancel();
        assertThat(shown.reason()).isEqualTo(RefusalReason.CANCELLATION_NOTICE_PASSED);
        assertThat(shown.allowedUntil()).isEqualTo(deadline);
        assertThat(shown.contact()).isEqualTo(DR_RUIZ.contact());
        assertThat(CustomerPolicyTest.refusalOf(outcome)).isEqualTo(shown);
        // the reschedule notice is shorter, so rescheduling is still possible
        assertThat(permissions.canReschedule()).isTrue();
        assertThat(permissions.rescheduleUntil()).contains(booking.start().minus(RESCHEDULE_NOTICE));
    }

    @Test
    @DisplayName("R9 one second after the reschedule deadline: permissions refuse RESCHEDULE_NOTICE_PASSED, and so does the reschedule")
    void after_the_reschedule_deadline_permission_and_command_refuse_alike() {
        // given
        Booking booking = f.bookForAna(Duration.ofDays(3));
        Instant deadline = booking.start().minus(RESCHEDULE_NOTICE);
        f.clock.setInstant(deadline.plusSeconds(1));

        // when
        Permissions permissions = f.rules.permissions(ANA_ACTS, ref(booking));
        Outcome outcome = f.rules.reschedule(ANA_ACTS, ref(booking), oneHourAt(NOW.plus(Duration.ofDays(6))));

        // then
        assertThat(permissions.canReschedule()).isFalse();
        Refusal shown = (Refusal) permissions.reschedule();
        assertThat(shown.reason()).isEqualTo(RefusalReason.RESCHEDULE_NOTICE_PASSED);
        assertThat(shown.allowedUntil()).isEqualTo(deadline);
        assertThat(CustomerPolicyTest.refusalOf(outcome)).isEqualTo(shown);
    }

    @Test
    @DisplayName("R12 permissions of staff inside the notice: no reschedule limit shown, cancel allowed, and the cancel is done")
    void staff_permissions_ignore_notice_and_limit() {
        // given: two hours before the start, well inside both notices
        Booking booking = f.bookForAna(Duration.ofDays(3));
        f.clock.setInstant(booking.start().minus(Duration.ofHours(2)));
        assertThat(f.rules.permissions(ANA_ACTS, ref(booking)).canCancel()).isFalse();

        // when
        Permissions permissions = f.rules.permissions(RECEPTION, ref(booking));

        // then
        assertThat(permissions.reschedulesLeft()).isEqualTo(OptionalInt.empty());
        assertThat(permissions.canCancel()).isTrue();
        assertThat(permissions.canReschedule()).isTrue();
        assertThat(permissions.cancel()).isInstanceOf(Decision.Allowed.class);
        assertCancelIsDone(RECEPTION, booking);
    }

    @Test
    @DisplayName("R9 permissions of a customer on another customer's booking: everything BOOKING_NOT_FOUND")
    void another_customers_booking_looks_unknown() {
        // given
        Booking anas = f.bookForAna(Duration.ofDays(3));

        // when
        Permissions permissions = f.rules.permissions(BOB_ACTS, ref(anas));

        // then
        assertAllNotFound(permissions);
        assertThat(Fixture.reason(f.rules.cancel(BOB_ACTS, ref(anas), ChangeRequest.none())))
                .isEqualTo(RefusalReason.BOOKING_NOT_FOUND);
    }

    @Test
    @DisplayName("R9 permissions on an unknown booking id: everything BOOKING_NOT_FOUND")
    void unknown_booking_id_is_not_found() {
        // given
        f.bookForAna(Duration.ofDays(3));
        BookingRef unknown = BookingRef.of(TENANT, "no-such-booking");

        // when
        Permissions forCustomer = f.rules.permissions(ANA_ACTS, unknown);
        Permissions forStaff = f.rules.permissions(RECEPTION, unknown);

        // then
        assertAllNotFound(forCustomer);
        assertAllNotFound(forStaff);
    }

    /** The cancel that permissions allowed is done. */
    private void assertCancelIsDone(Actor actor, Booking booking) {
        Outcome outcome = f.rules.cancel(actor, ref(booking), ChangeRequest.none());
        assertThat(outcome.orElseThrow().booking().status()).isEqualTo(BookingStatus.CANCELLED);
    }

    private static void assertAllNotFound(Permissions permissions) {
        for (Decision decision : List.of(permissions.cancel(), permissions.reschedule(), permissions.confirm(),
                permissions.decline())) {
            assertThat(decision).isInstanceOf(Refusal.class);
            Refusal refusal = (Refusal) decision;
            assertThat(refusal.reason()).isEqualTo(RefusalReason.BOOKING_NOT_FOUND);
            assertThat(refusal.contact()).isNull();
            assertThat(refusal.allowedUntil()).isNull();
        }
        assertThat(permissions.canCancel()).isFalse();
        assertThat(permissions.canReschedule()).isFalse();
        assertThat(permissions.canConfirm()).isFalse();
        assertThat(permissions.canDecline()).isFalse();
        assertThat(permissions.reschedulesLeft()).isEqualTo(OptionalInt.empty());
    }

    private static RescheduleRequest oneHourAt(Instant start) {
        return RescheduleRequest.to(start, start.plus(Duration.ofHours(1)));
    }
}
