package org.bookingrules.internal.rules;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bookingrules.model.Booking;
import org.bookingrules.model.Transition;
import org.bookingrules.policy.BookingPolicy;

/**
 * R6: a booking that starts within the reminder lead (booked or moved there) is confirmed by the
 * system at once, since its reminder could never be answered in time. Stateless.
 */
public final class AutoConfirmationRule {

    private AutoConfirmationRule() {
    }

    /**
     * Adds the system's confirmation to the steps of a command when the last step leaves the
     * booking starting within the reminder lead and the policy asks for it.
     *
     * @param steps the command's transitions so far, not empty; appended to
     * @param now the instant of the command, not null
     * @param policy the policy that applies, not null
     */
    public static void confirmIfDue(List<Transition> steps, Instant now, BookingPolicy policy) {
        Booking last = steps.get(steps.size() - 1).booking();
        Duration untilStart = Duration.between(now, last.start());
        if (policy.autoConfirmInReminderWindow() && untilStart.compareTo(policy.reminderLead()) <= 0) {
            steps.add(last.autoConfirm(now, policy.reminderLead()));
        }
    }
}
