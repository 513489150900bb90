package org.bookingrules.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bookingrules.testing.Fixture.ANA_ACTS;
import static org.bookingrules.testing.Fixture.BOB;
import static org.bookingrules.testing.Fixture.BOB_ACTS;
import static org.bookingrules.testing.Fixture.CONSULTATION;
import static org.bookingrules.testing.Fixture.DR_RUIZ;
import static org.bookingrules.testing.Fixture.RECEPTION;
import static org.bookingrules.testing.Fixture.TENANT;
import static org.bookingrules.testing.Fixture.ZONE;
import static org.bookingrules.testing.Fixture.ref;

import java.time.Duration;
import java.time.Instant;
import org.bookingrules.BookRequest;
import org.bookingrules.ChangeRequest;
import org.bookingrules.Outcome;
import org.bookingrules.model.Booking;
import org.bookingrules.model.BookingEvent;
import org.bookingrules.model.BookingStatus;
import org.bookingrules.policy.BookingPolicy;
import org.bookingrules.rules.Refusal;
import org.bookingrules.rules.RefusalReason;
import org.bookingrules.spi.NotificationKind;
import org.bookingrules.spi.RecipientRole;
import org.bookingrules.testing.Fixture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Acceptance tests for R7 (decline from the reminder) and R13 (late declines). */
class DeclineTest {

    private static final Duration CANCELLATION_NOTICE = Duration.ofHours(24);

    /** A fresh world for each test: JUnit makes a new instance of this class per test. */
    private final Fixture f = new Fixture(notice24Hours());

    private static BookingPolicy notice24Hours() {
        return BookingPolicy.builder().cancellationNotice(CANCELLATION_NOTICE).build();
    }

    @Test
    @DisplayName("R7 customer declines 5 h before start, after the reminder, with 24 h notice: done, DECLINED, marked late")
    void r7_late_decline_is_done_and_marked_late() {
        Booking booking = f.bookForAna(Duration.ofDays(3));
        f.clock.setInstant(booking.start().minus(Duration.ofHours(6)));
        assertThat(f.rules.sendDueReminders()).hasSize(1);
        Instant declinedAt = booking.start().minus(Duration.ofHours(5));
        f.clock.setInstant(declinedAt);

        Outcome outcome = f.rules.decline(ANA_ACTS, ref(booking), ChangeRequest.because("sick"));

        assertThat(outcome).isInstanceOf(Outcome.Done.class);
        Outcome.Done done = outcome.orElseThrow();
        assertThat(done.booking().status()).isEqualTo(BookingStatus.DECLINED);
        assertThat(done.booking().confirmedBy()).isEmpty();
        assertThat(done.events()).containsExactly(new BookingEvent.Declined(ANA_ACTS, declinedAt,
                BookingStatus.PENDING, BookingStatus.DECLINED, "sick", true));
        assertThat(f.rules.history(RECEPTION, ref(booking))).extracting(BookingEvent::kind)
                .containsExactly("BOOKED", "REMINDER_SENT", "DECLINED");
    }

    @Test
    @DisplayName("R7 a late decline frees the slot: off the calendar and another customer can book the same slot")
    void r7_late_decline_frees_the_slot() {
        Booking booking = f.bookForAna(Duration.ofDays(3));
        f.clock.setInstant(booking.start().minus(Duration.ofHours(5)));

        f.rules.decline(ANA_ACTS, ref(booking), ChangeRequest.none()).orElseThrow();

        assertThat(f.repository.calendar(TENANT, DR_RUIZ.id(), booking.slot())).isEmpty();
        Outcome bobBooks = f.rules.book(BOB_ACTS, BookRequest.of(TENANT, DR_RUIZ, CONSULTATION, BOB,
                booking.start(), booking.end(), ZONE));
        assertThat(bobBooks.isDone()).as("Bob books the freed slot: %s", bobBooks).isTrue();
        Booking bobs = bobBooks.orElseThrow().booking();
        assertThat(f.repository.calendar(TENANT, DR_RUIZ.id(), booking.slot()))
                .extracting(Booking::id).containsExactly(bobs.id());
    }

    @Test
    @DisplayName("R7 a decline informs the resource and acknowledges the customer, one DECLINED notification each")
    void r7_decline_notifies_resource_and_customer() {
        Booking booking = f.bookForAna(Duration.ofDays(3));
        f.clock.setInstant(booking.start().minus(Duration.ofHours(5)));
        f.notifier.clear();

        Outcome.Done done = f.rules.decline(ANA_ACTS, ref(booking), ChangeRequest.none()).orElseThrow();

        assertThat(f.notifier.to(NotificationKind.DECLINED, RecipientRole.RESOURCE)).hasSize(1);
        assertThat(f.notifier.to(NotificationKind.DECLINED, RecipientRole.CUSTOMER)).hasSize(1);
        assertThat(f.notifier.delivered()).hasSize(2);
        assertThat(done.notifications()).extracting(n -> n.recipient())
                .containsExactlyInAnyOrder(RecipientRole.RESOURCE, RecipientRole.CUSTOMER);
        assertThat(done.unreachable()).isEmpty();
    }

    @Test
    @DisplayName("R13 a decline 3 days before start, outside the 24 h notice, is not late")
    void r13_early_decline_is_not_late() {
        Booking booking = f.bookForAna(Duration.ofDays(4));
        Instant declinedAt = booking.start().minus(Duration.ofDays(3));
        f.clock.setInstant(declinedAt);

        Outcome.Done done = f.rules.decline(ANA_ACTS, ref(booking), ChangeRequest.none()).orElseThrow();

        assertThat(done.booking().status()).isEqualTo(BookingStatus.DECLINED);
        assertThat(done.events()).containsExactly(new BookingEvent.Declined(ANA_ACTS, declinedAt,
                BookingStatus.PENDING, BookingStatus.DECLINED, null, false));
    }

    @Test
    @DisplayName("R13 a decline at exactly start-24h is still in time, one second later it is late")
    void r13_decline_lateness_boundary() {
        Booking onTime = f.bookForAna(Duration.ofDays(3));
        Booking late = f.rules.book(ANA_ACTS, BookRequest.of(TENANT, Fixture.DR_SOTO, CONSULTATION, Fixture.ANA,
                onTime.start(), onTime.end(), ZONE)).orElseThrow().booking();
        Instant deadline = onTime.start().minus(CANCELLATION_NOTICE);

        f.clock.setInstant(deadline);
        BookingEvent atDeadline = f.rules.decline(ANA_ACTS, ref(onTime), ChangeRequest.none()).orElseThrow()
                .events().get(0);
        f.clock.setInstant(deadline.plusSeconds(1));
        BookingEvent afterDeadline = f.rules.decline(ANA_ACTS, ref(late), ChangeRequest.none()).orElseThrow()
                .events().get(0);

        assertThat(((BookingEvent.Declined) atDeadline).late()).isFalse();
        assertThat(((BookingEvent.Declined) afterDeadline).late()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "R7 a customer decline after the start is refused ALREADY_STARTED and changes nothing | PT10M",
        "R7 a customer decline at exactly the start is refused ALREADY_STARTED and changes nothing | PT0S"
    })
    @DisplayName("R7 a customer decline from the start on is refused ALREADY_STARTED and changes nothing")
    void r7_decline_from_the_start_on_is_refused(String sentence, Duration afterStart) {
        Booking booking = f.bookForAna(Duration.ofDays(3));
        f.clock.setInstant(booking.start().plus(afterStart));
        f.notifier.clear();

        Outcome outcome = f.rules.decline(ANA_ACTS, ref(booking), ChangeRequest.none());

        assertThat(outcome).isInstanceOf(Outcome.Refused.class);
        Refusal refusal = outcome.asRefusal().orElseThrow();
        assertThat(refusal.reason()).isEqualTo(RefusalReason.ALREADY_STARTED);
        assertThat(refusal.allowedUntil()).isEqualTo(booking.start());
        assertThat(refusal.contact()).isEqualTo(DR_RUIZ.contact());
        assertThat(f.stored(booking).status()).isEqualTo(BookingStatus.PENDING);
        assertThat(f.rules.history(RECEPTION, ref(booking))).extracting(BookingEvent::kind).containsExactly("BOOKED");
        assertThat(f.notifier.delivered()).isEmpty();
    }
}
