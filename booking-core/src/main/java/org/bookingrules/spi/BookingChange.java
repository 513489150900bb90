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
 */
public record BookingChange(Booking booking, long expectedVersion, SlotClaim slotClaim,
                            List<BookingEvent> events, List<Notification> notifications) {

    /**
     * Checks the fields and copies the lists.
     *
     * @param booking the booking after the change, not null
     * @param expectedVersion the stored version the change was decided on; 0 for a new booking
     * @param slotClaim whether the write claims the slot, not null
     * @param events the events to append, in order, not empty
     * @param notifications the notifications to queue, possibly empty
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
    }

    /** @return whether this change creates the booking */
    public boolean isInsert() {
        return expectedVersion == 0;
    }
}
