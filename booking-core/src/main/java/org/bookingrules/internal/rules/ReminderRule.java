package org.bookingrules.internal.rules;

import java.time.Instant;
import java.util.Objects;
import org.bookingrules.model.Booking;
import org.bookingrules.model.BookingStatus;
import org.bookingrules.model.CustomerDetails;
import org.bookingrules.model.ReminderState;
import org.bookingrules.policy.BookingPolicy;
import org.threeten.extra.Interval;

/**
 * R5: one reminder per slot, for an unconfirmed booking whose customer can be reached, due the
 * reminder lead before the start. Stateless.
 */
public final class ReminderRule {

    private ReminderRule() {
    }

    /**
     * The reminder a booking of this slot starts with.
     *
     * @param slot the booking's slot, not null
     * @param customer the customer, or null
     * @param policy the policy that applies, not null
     * @return armed for the start minus the lead if the customer can be reached, else none
     */
    public static ReminderState armedFor(Interval slot, CustomerDetails customer, BookingPolicy policy) {
        return customer != null && customer.isReachable()
                ? ReminderState.armedFor(slot.getStart().minus(policy.reminderLead()))
                : ReminderState.none();
    }

    /**
     * Whether the booking's reminder is to be sent now: pending, armed and unsent, due, and the
     * appointment not yet started. The store's list of due reminders is only a candidate list:
     * a booking can change between that read and the send.
     *
     * @param booking not null
     * @param now not null
     * @return whether to send it
     */
    public static boolean isDue(Booking booking, Instant now) {
        Objects.requireNonNull(now, "now");
        return booking.status() == BookingStatus.PENDING && booking.reminder().isArmed()
                && !booking.reminder().dueAt().isAfter(now) && now.isBefore(booking.start());
    }
}
