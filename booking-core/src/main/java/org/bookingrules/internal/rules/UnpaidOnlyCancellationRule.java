package org.bookingrules.internal.rules;

import org.bookingrules.model.PaymentStatus;
import org.bookingrules.rules.Decision;
import org.bookingrules.rules.RefusalReason;

/**
 * Under an "unpaid only" policy a customer may cancel only a booking that is not paid; a paid one
 * needs the professional [000] (R9): {@link RefusalReason#PAID_BOOKING}, with the contact.
 */
public final class UnpaidOnlyCancellationRule implements BookingRule {
    @Override
    public Decision evaluate(RuleContext context) {
        boolean paid = context.requireBooking().paymentStatus() == PaymentStatus.PAID;
        return paid && context.policy().unpaidOnlyCancellation()
                ? context.refuse(RefusalReason.PAID_BOOKING, null)
                : Decision.allowed();
    }
}
