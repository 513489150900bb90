package org.bookingrules.internal.rules;

import org.bookingrules.model.Actor;
import org.bookingrules.model.CustomerDetails;
import org.bookingrules.rules.Decision;
import org.bookingrules.rules.RefusalReason;

/**
 * A customer books only for themselves: the booking's customer must be the acting customer;
 * otherwise {@link RefusalReason#ACTION_NOT_PERMITTED}.
 */
public final class OwnCustomerRule implements BookingRule {

    private final CustomerDetails bookedFor;

    /**
     * @param bookedFor the customer of the new booking, or null if none
     */
    public OwnCustomerRule(CustomerDetails bookedFor) {
        this.bookedFor = bookedFor;
    }

    @Override
    public Decision evaluate(RuleContext context) {
        if (!(context.actor() instanceof Actor.Customer customer)) {
            return Decision.allowed();
        }
        return bookedFor != null && bookedFor.id().equals(customer.customerId())
                ? Decision.allowed()
                : context.refuse(RefusalReason.ACTION_NOT_PERMITTED, null);
    }
}
