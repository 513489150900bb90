package org.bookingrules.internal.rules;

import org.bookingrules.rules.Decision;
import org.bookingrules.rules.RefusalReason;

/**
 * Always {@link RefusalReason#ACTION_NOT_PERMITTED}: the rule list of an action an actor may not
 * take at all (a customer revoking a confirmation, the system cancelling).
 */
public final class NotPermittedRule implements BookingRule {
    @Override
    public Decision evaluate(RuleContext context) {
        return context.refuse(RefusalReason.ACTION_NOT_PERMITTED, null);
    }
}
