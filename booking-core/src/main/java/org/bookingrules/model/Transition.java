package org.bookingrules.model;

import java.util.Objects;

/**
 * The result of one status change of a {@link Booking}: the next booking and the event that says
 * what happened. Immutable.
 *
 * @param booking the booking after the change, not null
 * @param event the event to append to its history, not null
 */
public record Transition(Booking booking, BookingEvent event) {

    /**
     * Checks the fields.
     *
     * @param booking the booking after the change, not null
     * @param event the event to append to its history, not null
     */
    public Transition {
        Objects.requireNonNull(booking, "booking");
        Objects.requireNonNull(event, "event");
    }
}
