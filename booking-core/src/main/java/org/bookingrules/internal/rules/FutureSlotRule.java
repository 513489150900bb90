package org.bookingrules.internal.rules;

import org.bookingrules.rules.Decision;
import org.bookingrules.rules.RefusalReason;

/**
 * A customer books or moves a booking only to a slot that starts in the future (R10); otherwise
 * {@link RefusalReason#SLOT_IN_PAST}.
 */
public final class FutureSlotRule implements BookingRule {
    @Override
    public Decision evaluate(RuleContext context) {
        return context.requireTargetSlot().getStart().isAfter(context.now())
                ? Decision.allowed()
                : context.refuse(RefusalReason.SLOT_IN_PAST, null);
    }
}
