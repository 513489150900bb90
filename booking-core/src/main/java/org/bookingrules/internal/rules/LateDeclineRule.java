package org.bookingrules.internal.rules;

import java.time.Instant;
import org.bookingrules.rules.Decision;

/**
 * A decline is always allowed while the booking is active and not started, even inside the
 * cancellation notice, since the reminder arrives inside it by design; a decline after
 * {@code start - cancellationNotice} is marked late (R7, R13). Never refuses.
 */
public final class LateDeclineRule implements BookingRule {
    @Override
    public Decision evaluate(RuleContext context) {
        Instant deadline = context.requireBooking().start().minus(context.policy().cancellationNotice());
        return context.now().isAfter(deadline) ? new Decision.Allowed(null, true, null) : Decision.allowed();
    }
}
