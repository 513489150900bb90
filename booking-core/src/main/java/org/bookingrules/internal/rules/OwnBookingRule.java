package org.bookingrules.internal.rules;

import org.bookingrules.model.Actor;
import org.bookingrules.model.CustomerDetails;
import org.bookingrules.rules.Decision;
import org.bookingrules.rules.Refusal;
import org.bookingrules.rules.RefusalReason;

/**
 * A customer acts only on their own booking. Someone else's booking looks exactly like a
 * booking that does not exist: {@link RefusalReason#BOOKING_NOT_FOUND} (no existence leak).
 */
public final class OwnBookingRule implements BookingRule {
    @Override
    public Decision evaluate(RuleContext context) {
        if (!(context.actor() instanceof Actor.Customer customer)) {
            return Decision.allowed();
        }
        boolean own = context.requireBooking().customer()
                .map(CustomerDetails::id)
                .filter(customer.customerId()::equals)
                .isPresent();
        return own ? Decision.allowed() : new Refusal(RefusalReason.BOOKING_NOT_FOUND, null, null, context.zone());
    }
}
