package org.bookingrules.internal.rules;

import org.bookingrules.rules.Decision;
import org.bookingrules.rules.RefusalReason;

/**
 * Only staff may move a booking to another resource (R12); a customer's reschedule keeps the
 * resource, otherwise {@link RefusalReason#ACTION_NOT_PERMITTED}.
 */
public final class SameResourceRule implements BookingRule {
    @Override
    public Decision evaluate(RuleContext context) {
        context.requireTargetSlot();
        return context.targetResource().id().equals(context.requireBooking().resource().id())
                ? Decision.allowed()
                : context.refuse(RefusalReason.ACTION_NOT_PERMITTED, null);
    }
}
