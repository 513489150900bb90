package org.bookingrules.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.bookingrules.model.Booking;
import org.bookingrules.spi.BookingChange;
import org.bookingrules.spi.BookingRepository;
import org.bookingrules.spi.BookingRepositoryContract;
import org.bookingrules.spi.NotificationKind;
import org.bookingrules.spi.RecipientRole;
import org.bookingrules.spi.SaveResult;
import org.bookingrules.spi.SlotClaim;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("InMemoryBookingRepository keeps the repository contract")
class InMemoryBookingRepositoryTest extends BookingRepositoryContract {

    @Override
    protected BookingRepository newRepository() {
        return new InMemoryBookingRepository();
    }

    private InMemoryBookingRepository memory() {
        return (InMemoryBookingRepository) repository();
    }

    @Test
    @DisplayName("R14 notifications are queued together with the change that produced them, in order")
    void notificationsAreQueuedWithTheChange() {
        BookingChange booked = insertOf(spec(TENANT_A, RUIZ, hours(10, 11)), SlotClaim.EXCLUSIVE);
        assertThat(repository().insert(booked)).isEqualTo(SaveResult.SAVED);
        Booking confirmed = update(booked.booking(), SlotClaim.NONE, booked.booking().confirm(STAFF, changedAt(1)));

        assertThat(memory().notifications(TENANT_A, booked.booking().id()))
                .extracting(n -> n.kind() + "/" + n.recipient() + "/v" + n.booking().version())
                .containsExactly("BOOKED/CUSTOMER/v1", "BOOKED/RESOURCE/v1", "CONFIRMED/RESOURCE/v2");
        assertThat(memory().notifications(TENANT_A, booked.booking().id()).get(2).booking()).isEqualTo(confirmed);
    }

    @Test
    @DisplayName("R14 a refused write queues no notification: the change is all or nothing")
    void refusedWritesQueueNothing() {
        Booking taken = insert(spec(TENANT_A, RUIZ, hours(10, 11)));
        BookingChange clash = insertOf(spec(TENANT_A, RUIZ, hours(10, 11)), SlotClaim.EXCLUSIVE);
        BookingChange stale = changeOf(taken, SlotClaim.NONE,
                taken.cancel(STAFF, changedAt(2), null, null, false, null));

        assertThat(repository().insert(clash)).isEqualTo(SaveResult.SLOT_TAKEN);
        update(taken, SlotClaim.NONE, taken.confirm(STAFF, changedAt(1)));
        assertThat(repository().update(stale)).isEqualTo(SaveResult.VERSION_CONFLICT);

        assertThat(memory().notifications(TENANT_A, clash.booking().id())).isEmpty();
        assertThat(memory().notifications(TENANT_A, taken.id()))
                .extracting(n -> n.kind())
                .containsExactly(NotificationKind.BOOKED, NotificationKind.BOOKED, NotificationKind.CONFIRMED);
        assertThat(memory().notifications(TENANT_A, taken.id()))
                .extracting(n -> n.recipient())
                .containsExactly(RecipientRole.CUSTOMER, RecipientRole.RESOURCE, RecipientRole.RESOURCE);
    }

    @Test
    @DisplayName("all(tenant) lists every booking of the tenant and no other's")
    void allListsOneTenant() {
        Booking a1 = insert(spec(TENANT_A, RUIZ, hours(10, 11)));
        Booking a2 = insert(spec(TENANT_A, SOTO, hours(10, 11)));
        insert(spec(TENANT_B, RUIZ, hours(10, 11)));

        assertThat(memory().all(TENANT_A)).containsExactlyInAnyOrder(a1, a2);
    }

    @Test
    @DisplayName("dueReminders with a limit below 1 is a bug and throws")
    void dueRemindersNeedsAPositiveLimit() {
        assertThatThrownBy(() -> repository().dueReminders(Instant.EPOCH, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("limit must be 1 or more, was 0");
    }
}
