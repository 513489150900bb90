package org.bookingrules.internal.rules;

import org.bookingrules.rules.Decision;
import org.bookingrules.rules.RefusalReason;

/**
 * The service's self-service switches (R9): customers may cancel, and reschedule, only where the
 * policy turns it on. Refuses with {@link RefusalReason#SELF_SERVICE_CANCEL_DISABLED} or
 * {@link RefusalReason#SELF_SERVICE_RESCHEDULE_DISABLED}.
 */
public final class SelfServiceEnabledRule implements BookingRule {

    private final boolean cancel;

    private SelfServiceEnabledRule(boolean cancel) {
        this.cancel = cancel;
    }

    /** @return the rule for customer cancellation */
    public static SelfServiceEnabledRule cancel() {
        return new SelfServiceEnabledRule(true);
    }

    /** @return the rule for customer rescheduling */
    public static SelfServiceEnabledRule reschedule() {
        return new SelfServiceEnabledRule(false);
    }

    @Override
    public Decision evaluate(RuleContext context) {
        var policy = context.policy();
        if (cancel) {
            return policy.customerCancelEnabled()
                    ? Decision.allowed() : context.refuse(RefusalReason.SELF_SERVICE_CANCEL_DISABLED, null);
        }
        return policy.customerRescheduleEnabled()
                ? Decision.allowed() : context.refuse(RefusalReason.SELF_SERVICE_RESCHEDULE_DISABLED, null);
    }
}
