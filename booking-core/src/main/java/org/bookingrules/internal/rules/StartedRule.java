package org.bookingrules.internal.rules;

import org.bookingrules.rules.Decision;
import org.bookingrules.rules.RefusalReason;

/**
 * Completion and no-show are recorded only once the appointment has started; otherwise
 * {@link RefusalReason#NOT_STARTED}.
 */
public final class StartedRule implements BookingRule {
    @Override
    public Decision evaluate(RuleContext context) {
        return context.now().isBefore(context.requireBooking().start())
                ? context.refuse(RefusalReason.NOT_STARTED, null)
                : Decision.allowed();
    }
}
