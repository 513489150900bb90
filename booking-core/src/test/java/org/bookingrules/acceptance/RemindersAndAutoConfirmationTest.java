package org.bookingrules.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bookingrules.testing.Fixture.ANA;
import static org.bookingrules.testing.Fixture.ANA_ACTS;
import static org.bookingrules.testing.Fixture.CONSULTATION;
import static org.bookingrules.testing.Fixture.DR_RUIZ;
import static org.bookingrules.testing.Fixture.NOW;
import static org.bookingrules.testing.Fixture.RECEPTION;
import static org.bookingrules.testing.Fixture.TENANT;
import static org.bookingrules.testing.Fixture.ZONE;
import static org.bookingrules.testing.Fixture.ref;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bookingrules.BookRequest;
import org.bookingrules.ChangeRequest;
import org.bookingrules.Outcome;
import org.bookingrules.RescheduleRequest;
import org.bookingrules.model.Actor;
import org.bookingrules.model.Booking;
import org.bookingrules.model.BookingEvent;
import org.bookingrules.model.BookingStatus;
import org.bookingrules.policy.BookingPolicy;
import org.bookingrules.spi.Notification;
import org.bookingrules.spi.NotificationKind;
import org.bookingrules.spi.RecipientRole;
import org.bookingrules.testing.Fixture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.threeten.extra.Interval;

/** Acceptance tests for R5 (reminders) and R6 (auto-confirmation in the reminder window). */
class RemindersAndAutoConfirmationTest {

    private static final Duration ONE_HOUR = Duration.ofHours(1);
    private static final Duration SIX_HOURS = Duration.ofHours(6);
    private static final Duration DAY = Duration.ofHours(24);

    /** A fresh world for each test: JUnit makes a new instance of this class per test. */
    private final Fixture f = new Fixture();

    private static BookingPolicy leadOf24Hours() {
        return BookingPolicy.builder().reminderLead(DAY).build();
    }

    /** A one-hour booking request for Ana with Dr. Ruiz at an absolute start. */
    private static BookRequest anaAt(Instant start) {
        return BookRequest.of(TENANT, DR_RUIZ, CONSULTATION, ANA, start, start.plus(ONE_HOUR), ZONE);
    }

    private static RescheduleRequest oneHourAt(Instant start) {
        return RescheduleRequest.to(start, start.plus(ONE_HOUR));
    }

    /**
     * Books Ana 20 h ahead, inside the 24 h reminder window of {@link #leadOf24Hours()}, and checks
     * the booking came out confirmed (R6).
     */
    private static Booking autoConfirmedBooking(Fixture configured) {
        Booking booking = configured.rules.book(ANA_ACTS, anaAt(NOW.plus(Duration.ofHours(20)))).orElseThrow()
                .booking();
        assertThat(booking.status()).isEqualTo(BookingStatus.CONFIRMED);
        return booking;
    }

    /** Books Ana three days ahead and sends its reminder, at start - 6 h (the default lead). */
    private Booking remindedBooking() {
        Booking booking = f.bookForAna(Duration.ofDays(3));
        f.clock.setInstant(booking.start().minus(SIX_HOURS));
        assertThat(f.rules.sendDueReminders()).hasSize(1);
        return booking;
    }

    private static List<BookingEvent> history(Fixture f, Booking booking) {
        return f.rules.history(RECEPTION, ref(booking));
    }

    // ------------------------------------------------------------------------------------- R6

    @Test
    @DisplayName("R6 booked 20 h before start with a 24 h lead: confirmed by System at once, no reminder ever")
    void r6_booked_inside_the_window_is_confirmed_by_the_system_and_never_reminded() {
        Fixture configured = new Fixture(leadOf24Hours());
        Instant start = NOW.plus(Duration.ofHours(20));

        Outcome.Done done = configured.rules.book(ANA_ACTS, anaAt(start)).orElseThrow();

        Booking booking = done.booking();
        assertThat(booking.status()).isEqualTo(BookingStatus.CONFIRMED);
        assertThat(booking.confirmedBy()).contains(Actor.SYSTEM);
        assertThat(done.events()).containsExactly(
                new BookingEvent.Booked(ANA_ACTS, NOW, BookingStatus.PENDING, Interval.of(start, start.plus(ONE_HOUR)),
                        DR_RUIZ.id()),
                new BookingEvent.AutoConfirmed(NOW, BookingStatus.PENDING, BookingStatus.CONFIRMED, DAY));
        assertThat(done.events().get(1).actor()).isEqualTo(Actor.SYSTEM);

        // start-24h already lay 4 h in the past when it was booked: sweep from then up to the start.
        for (Instant at : List.of(NOW, NOW.plus(ONE_HOUR), NOW.plus(Duration.ofHours(14)),
                start.minus(SIX_HOURS), start.minusSeconds(1), start)) {
            configured.clock.setInstant(at);
            assertThat(configured.rules.sendDueReminders()).as("reminders sent at %s", at).isEmpty();
        }
        assertThat(configured.notifier.ofKind(NotificationKind.REMINDER)).isEmpty();
        assertThat(history(configured, booking)).extracting(BookingEvent::kind).containsExactly("BOOKED", "AUTO_CONFIRMED");
    }

    @ParameterizedTest(name = "R6 start {0} s after booking: {1}")
    @CsvSource({
            "86399, CONFIRMED",
            "86400, CONFIRMED",
            "86401, PENDING",
    })
    @DisplayName("R6 boundary with a 24 h lead: a start at most 24 h away is confirmed, one second more is pending")
    void r6_window_boundary(long secondsUntilStart, BookingStatus expected) {
        Fixture configured = new Fixture(leadOf24Hours());

        Booking booking = configured.rules.book(ANA_ACTS, anaAt(NOW.plusSeconds(secondsUntilStart))).orElseThrow().booking();

        assertThat(booking.status()).isEqualTo(expected);
    }

    @Test
    @DisplayName("R6 switched off in the policy: booked 20 h before start with a 24 h lead stays PENDING")
    void r6_switched_off_leaves_the_booking_pending() {
        Fixture configured = new Fixture(leadOf24Hours().toBuilder().autoConfirmInReminderWindow(false).build());

        Outcome.Done done = configured.rules.book(ANA_ACTS, anaAt(NOW.plus(Duration.ofHours(20)))).orElseThrow();

        assertThat(done.booking().status()).isEqualTo(BookingStatus.PENDING);
        assertThat(done.booking().confirmedBy()).isEmpty();
        assertThat(done.events()).extracting(BookingEvent::kind).containsExactly("BOOKED");
        assertThat(history(configured, done.booking())).extracting(BookingEvent::kind).containsExactly("BOOKED");
    }

    @Test
    @DisplayName("R6 customer reschedules a pending booking into the 24 h window: confirmed by System at once, no reminder ever")
    void r6_reschedule_into_the_window_confirms() {
        Fixture configured = new Fixture(leadOf24Hours());
        Booking booking = configured.bookForAna(Duration.ofDays(3));
        assertThat(booking.status()).isEqualTo(BookingStatus.PENDING);
        Instant newStart = NOW.plus(Duration.ofHours(20));

        Outcome.Done done = configured.rules.reschedule(ANA_ACTS, ref(booking), oneHourAt(newStart)).orElseThrow();

        assertThat(done.booking().status()).isEqualTo(BookingStatus.CONFIRMED);
        assertThat(done.booking().confirmedBy()).contains(Actor.SYSTEM);
        assertThat(done.booking().start()).isEqualTo(newStart);
        assertThat(done.events()).extracting(BookingEvent::kind).containsExactly("RESCHEDULED", "AUTO_CONFIRMED");
        assertThat(done.events().get(1))
                .isEqualTo(new BookingEvent.AutoConfirmed(NOW, BookingStatus.PENDING, BookingStatus.CONFIRMED, DAY));
        for (Instant at : List.of(NOW, NOW.plus(Duration.ofHours(10)), newStart.minusSeconds(1))) {
            configured.clock.setInstant(at);
            assertThat(configured.rules.sendDueReminders()).as("reminders sent at %s", at).isEmpty();
        }
        assertThat(configured.notifier.ofKind(NotificationKind.REMINDER)).isEmpty();
    }

    @Test
    @DisplayName("R6 staff move an auto-confirmed booking to another slot inside the window: confirmed by System again")
    void r6_reschedule_of_an_auto_confirmed_booking_within_the_window_confirms_again() {
        Fixture configured = new Fixture(leadOf24Hours());
        Booking booking = autoConfirmedBooking(configured);
        configured.clock.add(ONE_HOUR);
        Instant newStart = NOW.plus(Duration.ofHours(22));

        Outcome.Done done = configured.rules.reschedule(RECEPTION, ref(booking), oneHourAt(newStart)).orElseThrow();

        Instant at = NOW.plus(ONE_HOUR);
        assertThat(done.events()).hasSize(2);
        assertThat(done.events().get(0)).isInstanceOfSatisfying(BookingEvent.Rescheduled.class, e -> {
            assertThat(e.from()).isEqualTo(BookingStatus.CONFIRMED);
            assertThat(e.to()).isEqualTo(BookingStatus.PENDING);
            assertThat(e.actor()).isEqualTo(RECEPTION);
        });
        assertThat(done.events().get(1))
                .isEqualTo(new BookingEvent.AutoConfirmed(at, BookingStatus.PENDING, BookingStatus.CONFIRMED, DAY));
        assertThat(done.booking().status()).isEqualTo(BookingStatus.CONFIRMED);
        assertThat(done.booking().confirmedBy()).contains(Actor.SYSTEM);
        configured.clock.setInstant(newStart.minusSeconds(1));
        assertThat(configured.rules.sendDueReminders()).isEmpty();
    }

    @Test
    @DisplayName("R6 staff move an auto-confirmed booking far ahead: reset to PENDING, reminded at the new start-24h")
    void r6_reschedule_far_ahead_resets_to_pending() {
        Fixture configured = new Fixture(leadOf24Hours());
        Booking booking = autoConfirmedBooking(configured);
        Instant newStart = NOW.plus(Duration.ofDays(5));

        Outcome.Done done = configured.rules.reschedule(RECEPTION, ref(booking), oneHourAt(newStart)).orElseThrow();

        assertThat(done.booking().status()).isEqualTo(BookingStatus.PENDING);
        assertThat(done.booking().confirmedBy()).isEmpty();
        assertThat(done.events()).extracting(BookingEvent::kind).containsExactly("RESCHEDULED");
        assertThat(done.events().get(0).from()).isEqualTo(BookingStatus.CONFIRMED);
        assertThat(done.events().get(0).to()).isEqualTo(BookingStatus.PENDING);
        // Pending again, so the confirmation reminder is armed for the new slot.
        configured.clock.setInstant(newStart.minus(DAY).minusSeconds(1));
        assertThat(configured.rules.sendDueReminders()).isEmpty();
        configured.clock.setInstant(newStart.minus(DAY));
        assertThat(configured.rules.sendDueReminders()).hasSize(1);
        assertThat(configured.notifier.to(NotificationKind.REMINDER, RecipientRole.CUSTOMER)).hasSize(1);
    }

    // ------------------------------------------------------------------------------------- R5

    @Test
    @DisplayName("R5 default 6 h lead, booked 3 days ahead: PENDING, nothing one second before start-6h, exactly one reminder at start-6h")
    void r5_reminder_is_sent_exactly_at_start_minus_lead() {
        Booking booking = f.bookForAna(Duration.ofDays(3));
        assertThat(booking.status()).isEqualTo(BookingStatus.PENDING);
        Instant due = booking.start().minus(SIX_HOURS);

        f.clock.setInstant(due.minusSeconds(1));
        assertThat(f.rules.sendDueReminders()).isEmpty();
        assertThat(f.notifier.ofKind(NotificationKind.REMINDER)).isEmpty();

        f.clock.setInstant(due);
        List<Outcome.Done> sent = f.rules.sendDueReminders();

        assertThat(sent).hasSize(1);
        Outcome.Done reminded = sent.get(0);
        assertThat(reminded.booking().id()).isEqualTo(booking.id());
        assertThat(reminded.booking().status()).isEqualTo(BookingStatus.PENDING);
        assertThat(reminded.events()).containsExactly(new BookingEvent.ReminderSent(due, BookingStatus.PENDING, due));
        assertThat(reminded.events().get(0).actor()).isEqualTo(Actor.SYSTEM);
        assertThat(reminded.notifications()).singleElement().satisfies(n -> {
            assertThat(n.kind()).isEqualTo(NotificationKind.REMINDER);
            assertThat(n.recipient()).isEqualTo(RecipientRole.CUSTOMER);
        });
        List<Notification> reminders = f.notifier.ofKind(NotificationKind.REMINDER);
        assertThat(reminders).hasSize(1);
        assertThat(reminders.get(0).recipient()).isEqualTo(RecipientRole.CUSTOMER);
        assertThat(reminders.get(0).booking().id()).isEqualTo(booking.id());
        assertThat(history(f, booking)).extracting(BookingEvent::kind).containsExactly("BOOKED", "REMINDER_SENT");
    }

    @Test
    @DisplayName("R5 a reminder already sent is not sent again by later sweeps")
    void r5_reminder_is_sent_at_most_once() {
        Booking booking = remindedBooking();

        List<Outcome.Done> again = f.rules.sendDueReminders();
        f.clock.add(ONE_HOUR);
        List<Outcome.Done> later = f.rules.sendDueReminders();

        assertThat(again).isEmpty();
        assertThat(later).isEmpty();
        assertThat(f.notifier.ofKind(NotificationKind.REMINDER)).hasSize(1);
        assertThat(history(f, booking)).extracting(BookingEvent::kind).containsExactly("BOOKED", "REMINDER_SENT");
    }

    @Test
    @DisplayName("R5 after the reminder was sent, staff reschedule: a new reminder is armed and sent at the new start-6h")
    void r5_reschedule_after_the_reminder_arms_a_new_one() {
        Booking booking = remindedBooking();
        Instant newStart = booking.start().plus(Duration.ofDays(2));

        Booking moved = f.rules.reschedule(RECEPTION, ref(booking), oneHourAt(newStart)).orElseThrow().booking();

        assertThat(moved.status()).isEqualTo(BookingStatus.PENDING);
        Instant newDue = newStart.minus(SIX_HOURS);
        f.clock.setInstant(newDue.minusSeconds(1));
        assertThat(f.rules.sendDueReminders()).isEmpty();
        f.clock.setInstant(newDue);
        List<Outcome.Done> sent = f.rules.sendDueReminders();
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).events())
                .containsExactly(new BookingEvent.ReminderSent(newDue, BookingStatus.PENDING, newDue));
        assertThat(f.rules.sendDueReminders()).isEmpty();
        assertThat(f.notifier.to(NotificationKind.REMINDER, RecipientRole.CUSTOMER)).hasSize(2);
        assertThat(history(f, booking)).extracting(BookingEvent::kind)
                .containsExactly("BOOKED", "REMINDER_SENT", "RESCHEDULED", "REMINDER_SENT");
    }

    @Test
    @DisplayName("R5 customer reschedules before the reminder: nothing at the old start-6h, one reminder at the new start-6h")
    void r5_reschedule_before_the_reminder_moves_it() {
        Booking booking = f.bookForAna(Duration.ofDays(3));
        Instant newStart = booking.start().plus(Duration.ofDays(2));

        f.rules.reschedule(ANA_ACTS, ref(booking), oneHourAt(newStart)).orElseThrow();

        f.clock.setInstant(booking.start().minus(SIX_HOURS));
        assertThat(f.rules.sendDueReminders()).isEmpty();
        f.clock.setInstant(newStart.minus(SIX_HOURS));
        assertThat(f.rules.sendDueReminders()).hasSize(1);
        assertThat(f.notifier.ofKind(NotificationKind.REMINDER)).hasSize(1);
    }

    @Test
    @DisplayName("R5 a cancelled booking never gets a reminder")
    void r5_cancelled_booking_is_never_reminded() {
        Booking booking = f.bookForAna(Duration.ofDays(3));
        f.rules.cancel(ANA_ACTS, ref(booking), ChangeRequest.none()).orElseThrow();

        for (Instant at : List.of(booking.start().minus(SIX_HOURS), booking.start().minus(ONE_HOUR),
                booking.start().minusSeconds(1))) {
            f.clock.setInstant(at);
            assertThat(f.rules.sendDueReminders()).as("reminders sent at %s", at).isEmpty();
        }

        assertThat(f.notifier.ofKind(NotificationKind.REMINDER)).isEmpty();
        assertThat(f.stored(booking).status()).isEqualTo(BookingStatus.CANCELLED);
    }

    @Test
    @DisplayName("R5 a booking the customer confirmed never gets a reminder")
    void r5_confirmed_booking_is_never_reminded() {
        Booking booking = f.bookForAna(Duration.ofDays(3));
        f.rules.confirm(ANA_ACTS, ref(booking)).orElseThrow();

        for (Instant at : List.of(booking.start().minus(SIX_HOURS), booking.start().minus(ONE_HOUR),
                booking.start().minusSeconds(1))) {
            f.clock.setInstant(at);
            assertThat(f.rules.sendDueReminders()).as("reminders sent at %s", at).isEmpty();
        }

        assertThat(f.notifier.ofKind(NotificationKind.REMINDER)).isEmpty();
        assertThat(history(f, booking)).extracting(BookingEvent::kind).containsExactly("BOOKED", "CONFIRMED");
    }

    @Test
    @DisplayName("R4 R5 R6 staff revoke an automatic confirmation: unconfirmed again, so exactly one reminder goes out")
    void r5_revoked_auto_confirmation_gets_the_slot_reminder() {
        Fixture configured = new Fixture(leadOf24Hours());
        Booking booking = autoConfirmedBooking(configured);
        assertThat(booking.reminder().isArmed()).isFalse();

        configured.clock.add(ONE_HOUR);
        Booking revoked = configured.rules.revokeConfirmation(RECEPTION, ref(booking), ChangeRequest.none())
                .orElseThrow().booking();

        // start-24h is already past, so the next sweep sends it, once.
        assertThat(revoked.reminder().dueAt()).isEqualTo(booking.start().minus(DAY));
        assertThat(configured.rules.sendDueReminders()).hasSize(1);
        configured.clock.add(ONE_HOUR);
        assertThat(configured.rules.sendDueReminders()).isEmpty();
        assertThat(configured.notifier.to(NotificationKind.REMINDER, RecipientRole.CUSTOMER)).hasSize(1);
    }

    @Test
    @DisplayName("R4 R5 staff revoke a confirmation after the reminder went out: no second reminder for the same slot")
    void r5_revoked_after_the_reminder_is_not_reminded_again() {
        Booking booking = remindedBooking();
        f.rules.confirm(ANA_ACTS, ref(booking)).orElseThrow();

        f.rules.revokeConfirmation(RECEPTION, ref(booking), ChangeRequest.none()).orElseThrow();
        f.clock.add(ONE_HOUR);

        assertThat(f.rules.sendDueReminders()).isEmpty();
        assertThat(f.notifier.ofKind(NotificationKind.REMINDER)).hasSize(1);
    }
}
