package org.bookingrules.internal.rules;

import org.bookingrules.rules.Decision;
import org.bookingrules.rules.RefusalReason;

/**
 * Customers act on a booking only before it starts (R7); allowed until the start, otherwise
 * {@link RefusalReason#ALREADY_STARTED}.
 */
public final class NotStartedRule implements BookingRule {
    @Override
    public Decision evaluate(RuleContext context) {
        var start = context.requireBooking().start();
        return context.now().isBefore(start)
                ? Decision.allowedUntil(start)
                : context.refuse(RefusalReason.ALREADY_STARTED, start);
    }
}
