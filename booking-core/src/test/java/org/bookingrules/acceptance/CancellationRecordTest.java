package org.bookingrules.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.bookingrules.testing.Fixture.ANA;
import static org.bookingrules.testing.Fixture.ANA_ACTS;
import static org.bookingrules.testing.Fixture.DR_RUIZ;
import static org.bookingrules.testing.Fixture.NOW;
import static org.bookingrules.testing.Fixture.RECEPTION;
import static org.bookingrules.testing.Fixture.TENANT;
import static org.bookingrules.testing.Fixture.ref;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.bookingrules.ChangeRequest;
import org.bookingrules.NotificationChoice;
import org.bookingrules.Outcome;
import org.bookingrules.model.Actor;
import org.bookingrules.model.Booking;
import org.bookingrules.model.BookingEvent;
import org.bookingrules.model.BookingStatus;
import org.bookingrules.model.CustomerDetails;
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
 * Acceptance tests for R2 (cancelling keeps the record), R11 (cancellation result,
 * idempotent repeat), R14 (unreachable customer) and R15 (history).
 */
class CancellationRecordTest {

    private static final Duration ONE_HOUR = Duration.ofHours(1);

    /** A fresh world for each test: JUnit makes a new instance of this class per test. */
    private final Fixture f = new Fixture();

    // ------------------------------------------------------------------------------ R2 / R15

    @Test
    @DisplayName("R2 after a customer cancel with a reason the booking is still found, by the customer and in their bookings")
    void r2_cancelled_booking_is_kept() {
        Booking booking = f.bookForAna(Duration.ofDays(3));

        f.rules.cancel(ANA_ACTS, ref(booking), ChangeRequest.because("moving abroad")).orElseThrow();

        assertThat(f.rules.find(ANA_ACTS, ref(booking))).hasValueSatisfying(b -> {
            assertThat(b.id()).isEqualTo(booking.id());
            assertThat(b.status()).isEqualTo(BookingStatus.CANCELLED);
            assertThat(b.confirmationCode()).isEqualTo(booking.confirmationCode());
        });
        assertThat(f.repository.customerBookings(TENANT, ANA.id()))
                .extracting(Booking::id, Booking::status)
                .containsExactly(tuple(booking.id(), BookingStatus.CANCELLED));
        // Freed: no longer on the resource's calendar.
        assertThat(f.repository.calendar(TENANT, DR_RUIZ.id(), booking.slot())).isEmpty();
    }

    @Test
    @DisplayName("R15 after a customer cancel the history holds Booked then Cancelled, with actor, instant, from/to status and reason")
    void r15_history_records_booked_then_cancelled() {
        Booking booking = f.bookForAna(Duration.ofDays(3));
        // A distinct instant for the cancel, so the test tells booking time from cancel time.
        f.clock.add(Duration.ofHours(2));
        Instant cancelledAt = NOW.plus(Duration.ofHours(2));

        f.rules.cancel(ANA_ACTS, ref(booking), ChangeRequest.because("moving abroad")).orElseThrow();

        assertThat(f.rules.history(RECEPTION, ref(booking))).containsExactly(
                new BookingEvent.Booked(ANA_ACTS, NOW, BookingStatus.PENDING, booking.slot(), DR_RUIZ.id()),
                new BookingEvent.Cancelled(ANA_ACTS, cancelledAt, BookingStatus.PENDING, BookingStatus.CANCELLED,
                        "moving abroad", null, false, null));
        // The customer sees the same record of their own booking.
        assertThat(f.rules.history(ANA_ACTS, ref(booking))).extracting(BookingEvent::kind)
                .containsExactly("BOOKED", "CANCELLED");
    }

    @Test
    @DisplayName("R2 a staff cancel with a personal message stores the message in the Cancelled event and sends it")
    void r2_staff_cancel_keeps_the_personal_message() {
        Booking booking = f.bookForAna(Duration.ofDays(3));
        f.clock.add(ONE_HOUR);
        f.notifier.clear();
        String message = "Dr. Ruiz is ill; we will call you to find a new date.";

        Outcome.Done done = f.rules.cancel(RECEPTION, ref(booking), ChangeRequest.because("doctor ill")
                .notifying(NotificationChoice.both().withMessage(message))).orElseThrow();

        BookingEvent.Cancelled expected = new BookingEvent.Cancelled(RECEPTION, NOW.plus(ONE_HOUR),
                BookingStatus.PENDING, BookingStatus.CANCELLED, "doctor ill", message, false, null);
        assertThat(done.events()).containsExactly(expected);
        assertThat(f.rules.history(RECEPTION, ref(booking))).last().isEqualTo(expected);
        assertThat(f.notifier.to(NotificationKind.CANCELLED, RecipientRole.CUSTOMER))
                .singleElement().extracting(Notification::personalMessage).isEqualTo(message);
    }

    // ------------------------------------------------------------------------------------ R11

    static Stream<Arguments> cancelsOfAReachableCustomer() {
        return Stream.of(
                arguments("R11 a successful customer cancel returns the booking, its code and the notifications sent",
                        ANA_ACTS),
                arguments("R14 staff cancel a booking with a reachable customer, notifying both: nobody is unreachable",
                        RECEPTION));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cancelsOfAReachableCustomer")
    @DisplayName("R11 R14 a successful cancel returns the booking, its code and the notifications sent to both; "
            + "nobody is unreachable")
    void r11_cancel_result_has_what_the_customer_needs(String sentence, Actor actor) {
        Booking booking = f.bookForAna(Duration.ofDays(3));
        f.notifier.clear();

        Outcome.Done done = f.rules.cancel(actor, ref(booking), ChangeRequest.none()).orElseThrow();

        assertThat(done.changed()).isTrue();
        assertThat(done.booking().id()).isEqualTo(booking.id());
        assertThat(done.booking().confirmationCode()).isEqualTo(booking.confirmationCode());
        assertThat(done.booking().status()).isEqualTo(BookingStatus.CANCELLED);
        assertThat(done.notifications()).extracting(Notification::kind, Notification::recipient)
                .containsExactlyInAnyOrder(
                        tuple(NotificationKind.CANCELLED, RecipientRole.CUSTOMER),
                        tuple(NotificationKind.CANCELLED, RecipientRole.RESOURCE));
        assertThat(f.notifier.delivered()).containsExactlyInAnyOrderElementsOf(done.notifications());
        assertThat(done.unreachable()).isEmpty();
        assertThat(done.customerUnreachable()).isFalse();
    }

    @Test
    @DisplayName("R11 cancelling a cancelled booking again changes nothing and says so: no event, no notification, same version")
    void r11_second_cancel_is_idempotent() {
        Booking booking = f.bookForAna(Duration.ofDays(3));
        Booking cancelled = f.rules.cancel(ANA_ACTS, ref(booking), ChangeRequest.because("first")).orElseThrow()
                .booking();
        List<BookingEvent> historyBefore = f.rules.history(RECEPTION, ref(booking));
        int deliveredBefore = f.notifier.delivered().size();
        int queuedBefore = f.repository.notifications(TENANT, booking.id()).size();
        f.clock.add(ONE_HOUR);

        Outcome outcome = f.rules.cancel(ANA_ACTS, ref(booking), ChangeRequest.because("second"));

        assertThat(outcome).isInstanceOf(Outcome.Done.class);
        Outcome.Done done = outcome.orElseThrow();
        assertThat(done.changed()).isFalse();
        assertThat(done.events()).isEmpty();
        assertThat(done.notifications()).isEmpty();
        assertThat(done.booking().status()).isEqualTo(BookingStatus.CANCELLED);
        assertThat(done.booking().version()).isEqualTo(cancelled.version());
        assertThat(f.stored(booking)).isEqualTo(cancelled);
        assertThat(f.rules.history(RECEPTION, ref(booking))).isEqualTo(historyBefore);
        assertThat(f.notifier.delivered()).hasSize(deliveredBefore);
        assertThat(f.repository.notifications(TENANT, booking.id())).hasSize(queuedBefore);
    }

    @Test
    @DisplayName("R11 staff cancelling a booking the customer already cancelled changes nothing either")
    void r11_staff_second_cancel_is_idempotent() {
        Booking booking = f.bookForAna(Duration.ofDays(3));
        Booking cancelled = f.rules.cancel(ANA_ACTS, ref(booking), ChangeRequest.none()).orElseThrow().booking();
        int deliveredBefore = f.notifier.delivered().size();

        Outcome.Done done = f.rules.cancel(RECEPTION, ref(booking), ChangeRequest.none()
                .notifying(NotificationChoice.both().withMessage("sorry"))).orElseThrow();

        assertThat(done.changed()).isFalse();
        assertThat(done.booking().version()).isEqualTo(cancelled.version());
        assertThat(f.rules.history(RECEPTION, ref(booking))).hasSize(2);
        assertThat(f.notifier.delivered()).hasSize(deliveredBefore);
    }

    // ------------------------------------------------------------------------------------ R14

    @Test
    @DisplayName("R14 staff cancel a booking with no customer, notifying both: done, customer unreachable, only the resource notified")
    void r14_no_customer_is_reported_unreachable() {
        Booking booking = f.rules.book(RECEPTION, Fixture.request(null, Duration.ofDays(3))).orElseThrow().booking();
        assertThat(booking.customer()).isEmpty();
        f.notifier.clear();

        Outcome outcome = f.rules.cancel(RECEPTION, ref(booking),
                ChangeRequest.none().notifying(NotificationChoice.both()));

        assertThat(outcome).isInstanceOf(Outcome.Done.class);
        Outcome.Done done = outcome.orElseThrow();
        assertThat(done.booking().status()).isEqualTo(BookingStatus.CANCELLED);
        assertThat(done.customerUnreachable()).isTrue();
        assertThat(done.unreachable()).containsExactly(RecipientRole.CUSTOMER);
        assertThat(done.notifications()).extracting(Notification::recipient).containsExactly(RecipientRole.RESOURCE);
        assertThat(f.notifier.delivered()).singleElement().satisfies(n -> {
            assertThat(n.kind()).isEqualTo(NotificationKind.CANCELLED);
            assertThat(n.recipient()).isEqualTo(RecipientRole.RESOURCE);
        });
    }

    @Test
    @DisplayName("R14 staff cancel a booking whose customer has no e-mail and no phone: customer unreachable, resource notified")
    void r14_customer_without_contact_is_reported_unreachable() {
        CustomerDetails noContact = new CustomerDetails("cust-eve", "Eve", null, null, Locale.ENGLISH);
        Booking booking = f.rules.book(RECEPTION, Fixture.request(noContact, Duration.ofDays(3))).orElseThrow()
                .booking();
        f.notifier.clear();

        Outcome.Done done = f.rules.cancel(RECEPTION, ref(booking), ChangeRequest.none()).orElseThrow();

        assertThat(done.customerUnreachable()).isTrue();
        assertThat(f.notifier.delivered()).extracting(Notification::recipient).containsExactly(RecipientRole.RESOURCE);
    }

}
