package org.bookingrules.internal.rules;

import java.time.Instant;
import org.bookingrules.policy.LateCancellation;
import org.bookingrules.rules.Decision;
import org.bookingrules.rules.RefusalReason;

/**
 * A customer may cancel until {@code start - cancellationNotice} (R9). Inside the notice the
 * policy decides (R13): refused with {@link RefusalReason#CANCELLATION_NOTICE_PASSED} and the
 * deadline (the default), or allowed, marked late, with the policy's fee. The deadline itself is
 * still in time: at exactly {@code start - notice} the cancel is allowed; one second later it
 * is not.
 */
public final class CancellationNoticeRule implements BookingRule {
    @Override
    public Decision evaluate(RuleContext context) {
        Instant deadline = context.requireBooking().start().minus(context.policy().cancellationNotice());
        if (!context.now().isAfter(deadline)) {
            return Decision.allowedUntil(deadline);
        }
        LateCancellation late = context.policy().lateCancellation();
        if (late.handling() == LateCancellation.Handling.ALLOW_WITH_FEE) {
            return new Decision.Allowed(null, true, late.fee());
        }
        return context.refuse(RefusalReason.CANCELLATION_NOTICE_PASSED, deadline);
    }
}
