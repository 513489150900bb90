package org.bookingrules.internal.rules;

import org.bookingrules.rules.Decision;
import org.bookingrules.rules.RefusalReason;

/**
 * A customer may reschedule one booking at most {@code maxCustomerReschedules} times (R9); staff
 * reschedules do not count. Otherwise {@link RefusalReason#RESCHEDULE_LIMIT_REACHED}.
 */
public final class RescheduleLimitRule implements BookingRule {
    @Override
    public Decision evaluate(RuleContext context) {
        return context.requireBooking().customerReschedules() < context.policy().maxCustomerReschedules()
                ? Decision.allowed()
                : context.refuse(RefusalReason.RESCHEDULE_LIMIT_REACHED, null);
    }
}
