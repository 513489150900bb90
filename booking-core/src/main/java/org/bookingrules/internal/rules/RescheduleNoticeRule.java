package org.bookingrules.internal.rules;

import java.time.Instant;
import org.bookingrules.rules.Decision;
import org.bookingrules.rules.RefusalReason;

/**
 * A customer may reschedule until {@code start - rescheduleNotice} (R9), deadline included;
 * after it, {@link RefusalReason#RESCHEDULE_NOTICE_PASSED} with the deadline.
 */
public final class RescheduleNoticeRule implements BookingRule {
    @Override
    public Decision evaluate(RuleContext context) {
        Instant deadline = context.requireBooking().start().minus(context.policy().rescheduleNotice());
        return context.now().isAfter(deadline)
                ? context.refuse(RefusalReason.RESCHEDULE_NOTICE_PASSED, deadline)
                : Decision.allowedUntil(deadline);
    }
}
