package org.bookingrules.internal.rules;

import java.util.Objects;
import org.bookingrules.spi.Availability;
import org.bookingrules.rules.Decision;
import org.bookingrules.rules.RefusalReason;

/**
 * A future slot must be inside the resource's opening hours as the embedding product defines them
 * (R10); otherwise {@link RefusalReason#OUTSIDE_AVAILABILITY}. A slot wholly in the past (it has
 * ended) is not checked: only staff get that far, and they may back-date a record (R12). A slot
 * under way is checked like a future one. Overlap with other
 * bookings is decided atomically by the repository, not here.
 */
public final class AvailabilityRule implements BookingRule {

    private final Availability availability;

    /**
     * @param availability the product's opening hours, not null
     */
    public AvailabilityRule(Availability availability) {
        this.availability = Objects.requireNonNull(availability, "availability");
    }

    @Override
    public Decision evaluate(RuleContext context) {
        var slot = context.requireTargetSlot();
        if (!slot.getEnd().isAfter(context.now())) {
            return Decision.allowed();
        }
        return availability.isOpen(context.tenantId(), context.targetResource().id(), slot)
                ? Decision.allowed()
                : context.refuse(RefusalReason.OUTSIDE_AVAILABILITY, null);
    }
}
