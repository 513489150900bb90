package org.bookingrules.internal.rules;

import org.bookingrules.rules.Decision;
import org.bookingrules.rules.RefusalReason;

/** The booking must be active (PENDING or CONFIRMED); otherwise {@link RefusalReason#NOT_ACTIVE}. */
public final class ActiveBookingRule implements BookingRule {
    @Override
    public Decision evaluate(RuleContext context) {
        return context.requireBooking().isActive()
                ? Decision.allowed()
                : context.refuse(RefusalReason.NOT_ACTIVE, null);
    }
}
