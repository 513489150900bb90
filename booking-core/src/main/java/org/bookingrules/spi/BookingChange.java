package org.bookingrules.spi;

import java.util.List;
import java.util.Objects;
import org.bookingrules.model.Booking;
import org.bookingrules.model.BookingEvent;

/**
 * One atomic write: the booking's new state, the events to append to its history and the
 * notifications to queue, all or nothing. Immutable.
 *
 * @param booking the booking after the change, not null
 * @param expectedVersion the stored version the change was decided on; 0 for a new booking
 * @param slotClaim whether the write claims the slot, not null
 * @param events the events to append, in order, not empty
 * @param notifications the notifications to queue, possibly empty
 * @param idempotency the client's idempotency key to store with a new booking, or null
 */
public record BookingChange(Booking booking, long expectedVersion, SlotClaim slotClaim,
                            List<BookingEvent> events, List<Notification> notifications,
                            IdempotencyKey idempotency) {

    /**
     * Checks the fields and copies the lists.
     *
     * @param booking the booking after the change, not null
     * @param expectedVersion the stored version the change was decided on; 0 for a new booking
     * @param slotClaim whether the write claims the slot, not null
     * @param events the events to append, in order, not empty
     * @param notifications the notifications to queue, possibly empty
     * @param idempotency the client's idempotency key to store with a new booking, or null
     */
    public BookingChange {
        Objects.requireNonNull(booking, "booking");
        Objects.requireNonNull(slotClaim, "slotClaim");
        events = List.copyOf(events);
        notifications = List.copyOf(notifications);
        if (events.isEmpty()) {
            throw new IllegalArgumentException("a change records at least one event");
        }
        if (expectedVersion < 0 || booking.version() <= expectedVersion) {
            throw new IllegalArgumentException("booking.version must be above expectedVersion");
        }
        if (idempotency != null && (expectedVersion != 0 || !idempotency.bookingId().equals(booking.id()))) {
            throw new IllegalArgumentException("an idempotency key goes with the new booking it produced only");
        }
    }

    /**
     * A change with no idempotency key.
     *
     * @param booking the booking after the change, not null
     * @param expectedVersion the stored version the change was decided on; 0 for a new booking
     * @param slotClaim whether the write claims the slot, not null
     * @param events the events to append, in order, not empty
     * @param notifications the notifications to queue, possibly empty
     */
    public BookingChange(Booking booking, long expectedVersion, SlotClaim slotClaim, List<BookingEvent> events,
                         List<Notification> notifications) {
        this(booking, expectedVersion, slotClaim, events, notifications, null);
    }

    /** @return whether this change creates the booking */
    public boolean isInsert() {
        return expectedVersion == 0;
    }
}
