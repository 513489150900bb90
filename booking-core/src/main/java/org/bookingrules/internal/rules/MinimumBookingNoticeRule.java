package org.bookingrules.internal.rules;

import java.time.Instant;
import org.bookingrules.rules.Decision;
import org.bookingrules.rules.RefusalReason;

/**
 * A customer books or moves a booking only to a slot starting at least the minimum booking notice
 * from now (R9, R10); otherwise {@link RefusalReason#MINIMUM_BOOKING_NOTICE}.
 */
public final class MinimumBookingNoticeRule implements BookingRule {
    @Override
    public Decision evaluate(RuleContext context) {
        Instant earliest = context.now().plus(context.policy().minimumBookingNotice());
        return context.requireTargetSlot().getStart().isBefore(earliest)
                ? context.refuse(RefusalReason.MINIMUM_BOOKING_NOTICE, null)
                : Decision.allowed();
    }
}
