package org.bookingrules.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bookingrules.testing.Fixture.ANA;
import static org.bookingrules.testing.Fixture.RECEPTION;
import static org.bookingrules.testing.Fixture.TENANT;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.bookingrules.model.Booking;
import org.bookingrules.model.BookingEvent;
import org.bookingrules.model.Transition;
import org.bookingrules.testing.Fixture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The records a repository is handed ({@link BookingChange}, {@link CustomerErasure}) check
 * themselves, so a store never has to: a change records events and moves the version forward, an
 * idempotency key goes only with the new booking it produced, and an erasure only updates the
 * customer's own bookings, erased, without notifications (R15, and erasure).
 */
@DisplayName("Change records: a repository is never handed an inconsistent change")
class ChangeRecordsTest {

    private final Fixture f = new Fixture();
    private final Booking booked = f.bookForAna(Duration.ofDays(3));
    private final List<BookingEvent> bookedEvents = f.repository.history(TENANT, booked.id());
    private final Transition erasure = booked.eraseCustomer(RECEPTION, Fixture.NOW);
    private final BookingChange erased = new BookingChange(erasure.booking(), 1, SlotClaim.NONE,
            List.of(erasure.event()), List.of());

    private static void refused(Supplier<CustomerErasure> erasure) {
        assertThatThrownBy(erasure::get).as("an erasure of something else").isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("each change");
    }

    private IdempotencyKey keyOf(String bookingId) {
        return new IdempotencyKey("k", "fingerprint", bookingId);
    }

    @Test
    @DisplayName("R15 a change records at least one event, and its booking's version is above the expected one")
    void eventsAndVersions() {
        assertThat(new BookingChange(booked, 0, SlotClaim.EXCLUSIVE, bookedEvents, List.of()).isInsert()).isTrue();
        assertThat(erased.isInsert()).isFalse();
        assertThatThrownBy(() -> new BookingChange(booked, 0, SlotClaim.EXCLUSIVE, List.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("event");
        assertThatThrownBy(() -> new BookingChange(booked, -1, SlotClaim.EXCLUSIVE, bookedEvents, List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expectedVersion");
        assertThatThrownBy(() -> new BookingChange(booked, booked.version(), SlotClaim.NONE, bookedEvents, List.of()))
                .as("the version must move").isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("R1 an idempotency key goes with the insert of the booking it produced, and with nothing else")
    void idempotencyKeyOnlyWithItsInsert() {
        assertThat(new BookingChange(booked, 0, SlotClaim.EXCLUSIVE, bookedEvents, List.of(), keyOf(booked.id()))
                .idempotency()).isEqualTo(keyOf(booked.id()));
        assertThatThrownBy(() -> new BookingChange(booked, 0, SlotClaim.EXCLUSIVE, bookedEvents, List.of(),
                keyOf("another-booking"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("idempotency");
        assertThatThrownBy(() -> new BookingChange(erasure.booking(), 1, SlotClaim.NONE, List.of(erasure.event()),
                List.of(), keyOf(booked.id()))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("idempotency");
    }

    @Test
    @DisplayName("Erasure updates at least one booking, each the customer's own in this tenant, erased, with no "
            + "notifications")
    void erasureChangesOnlyTheCustomersErasedBookings() {
        assertThat(new CustomerErasure(TENANT, ANA.id(), List.of(erased)).changes()).containsExactly(erased);
        BookingChange notErased = new BookingChange(booked, 0, SlotClaim.EXCLUSIVE, bookedEvents, List.of());
        Notification notice = new Notification("n-1", NotificationKind.CANCELLED, RecipientRole.RESOURCE,
                erasure.booking(), null, null, Locale.ENGLISH);
        BookingChange notifying = new BookingChange(erasure.booking(), 1, SlotClaim.NONE, List.of(erasure.event()),
                List.of(notice));
        BookingChange inserted = new BookingChange(erasure.booking(), 0, SlotClaim.NONE, List.of(erasure.event()),
                List.of());

        assertThatThrownBy(() -> new CustomerErasure(TENANT, ANA.id(), List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        refused(() -> new CustomerErasure("clinic-2", ANA.id(), List.of(erased)));
        refused(() -> new CustomerErasure(TENANT, "cust-bob", List.of(erased)));
        refused(() -> new CustomerErasure(TENANT, ANA.id(), List.of(erased, notErased)));
        refused(() -> new CustomerErasure(TENANT, ANA.id(), List.of(notifying)));
        refused(() -> new CustomerErasure(TENANT, ANA.id(), List.of(inserted)));
    }
}
