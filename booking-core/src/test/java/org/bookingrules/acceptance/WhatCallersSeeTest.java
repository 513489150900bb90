package org.bookingrules.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bookingrules.testing.Fixture.ANA;
import static org.bookingrules.testing.Fixture.ANA_ACTS;
import static org.bookingrules.testing.Fixture.RECEPTION;
import static org.bookingrules.testing.Fixture.TENANT;

import java.time.Duration;
import java.util.List;
import org.bookingrules.ChangeRequest;
import org.bookingrules.NotificationChoice;
import org.bookingrules.Outcome;
import org.bookingrules.Permissions;
import org.bookingrules.RescheduleRequest;
import org.bookingrules.model.Booking;
import org.bookingrules.model.BookingEvent;
import org.bookingrules.model.BookingStatus;
import org.bookingrules.model.Transition;
import org.bookingrules.spi.BookingChange;
import org.bookingrules.spi.CustomerErasure;
import org.bookingrules.spi.Notification;
import org.bookingrules.spi.NotificationKind;
import org.bookingrules.spi.RecipientRole;
import org.bookingrules.spi.SaveResult;
import org.bookingrules.spi.SlotClaim;
import org.bookingrules.testing.Fixture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What callers see of a change: a revival in place (R3), the permissions of a started booking
 * (R7), the subject and printout of a notification (R14), an outcome's printout, and what an
 * erasure leaves in the notifications kept by the in-memory store.
 */
@DisplayName("What callers see: revival in place, permissions, notification texts, erasure of kept copies")
class WhatCallersSeeTest {

    private final Fixture f = new Fixture();
    private final Booking booking = f.bookForAna(Duration.ofDays(3));

    @Test
    @DisplayName("R3 staff revive a cancelled booking on its own slot: it is pending again, a reschedule recorded")
    void reviveInPlace() {
        f.rules.cancel(RECEPTION, Fixture.ref(booking), ChangeRequest.none()).orElseThrow();

        Outcome.Done revived = f.rules.reschedule(RECEPTION, Fixture.ref(booking),
                RescheduleRequest.to(booking.start(), booking.end())).orElseThrow();

        assertThat(revived.changed()).isTrue();
        assertThat(revived.booking().status()).isEqualTo(BookingStatus.PENDING);
        assertThat(revived.events()).first().isInstanceOf(BookingEvent.Rescheduled.class);
    }

    @Test
    @DisplayName("R7 once the appointment has started its customer may no longer confirm it")
    void noConfirmingAfterTheStart() {
        assertThat(f.rules.permissions(ANA_ACTS, Fixture.ref(booking)).canConfirm()).isTrue();
        f.clock.setInstant(booking.start());

        Permissions started = f.rules.permissions(ANA_ACTS, Fixture.ref(booking));

        assertThat(started.canConfirm()).isFalse();
    }

    @Test
    @DisplayName("R14 a notification's subject is in its recipient's language and names service and time; its "
            + "printout names ids and kinds only")
    void notificationTexts() {
        Notification toAna = f.notifier.to(NotificationKind.BOOKED, RecipientRole.CUSTOMER).get(0);

        assertThat(toAna.subject()).startsWith("Tu reserva de Consultation el ");
        assertThat(toAna.toString()).isEqualTo("Notification[id=" + toAna.id() + ", kind=BOOKED, recipient=CUSTOMER, "
                + "booking=" + booking.id() + ", locale=es]").doesNotContain(ANA.email());
    }

    @Test
    @DisplayName("R14 an outcome prints the booking, event kinds and notification kinds, not what people typed")
    void outcomePrintout() {
        Outcome.Done done = f.rules.cancel(RECEPTION, Fixture.ref(booking),
                new ChangeRequest("private reason", NotificationChoice.both().withMessage("private note"))).orElseThrow();

        assertThat(done.toString()).contains("events=[CANCELLED]")
                .contains("notifications=[CANCELLED/CUSTOMER, CANCELLED/RESOURCE]")
                .doesNotContain("private");
    }

    @Test
    @DisplayName("Erasure also scrubs the notifications the in-memory store keeps, and a stale erasure is refused")
    void erasureOfKeptNotifications() {
        f.rules.cancel(RECEPTION, Fixture.ref(booking),
                new ChangeRequest(null, NotificationChoice.both().withMessage("for Ana"))).orElseThrow();

        f.rules.eraseCustomer(RECEPTION, TENANT, ANA.id());

        List<Notification> kept = f.repository.notifications(TENANT, booking.id());
        assertThat(kept).hasSize(4).allSatisfy(n -> {
            assertThat(n.booking().customer().orElseThrow().isErased()).isTrue();
            assertThat(n.message()).isEmpty();
        });
        Booking now = f.repository.find(TENANT, booking.id()).orElseThrow();
        Transition again = now.eraseCustomer(RECEPTION, Fixture.NOW);
        assertThat(f.repository.erase(new CustomerErasure(TENANT, ANA.id(), List.of(new BookingChange(
                again.booking(), now.version() - 1, SlotClaim.NONE, List.of(again.event()), List.of())))))
                .isEqualTo(SaveResult.VERSION_CONFLICT);
    }
}
