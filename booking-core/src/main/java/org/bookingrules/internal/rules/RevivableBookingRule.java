package org.bookingrules.internal.rules;

import org.bookingrules.model.BookingStatus;
import org.bookingrules.rules.Decision;
import org.bookingrules.rules.RefusalReason;

/**
 * Staff may reschedule an active, cancelled or declined booking (R3), but not one that is
 * completed or a no-show: those are settled history. Otherwise {@link RefusalReason#NOT_ACTIVE}.
 */
public final class RevivableBookingRule implements BookingRule {
    @Override
    public Decision evaluate(RuleContext context) {
        return context.requireBooking().status().canTransitionTo(BookingStatus.PENDING)
                ? Decision.allowed()
                : context.refuse(RefusalReason.NOT_ACTIVE, null);
    }
}
