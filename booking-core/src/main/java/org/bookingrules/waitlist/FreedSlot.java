package org.bookingrules.waitlist;

import java.time.ZoneId;
import java.util.Objects;
import org.bookingrules.internal.Checks;
import org.bookingrules.internal.Ids;
import org.bookingrules.model.Booking;
import org.bookingrules.model.Resource;
import org.bookingrules.model.Service;
import org.threeten.extra.Interval;

/**
 * A slot that became free, to be offered to a service's cancellation list. Immutable.
 *
 * @param tenantId the tenant, not blank
 * @param resource the resource, not null
 * @param service the service to offer it for, not null
 * @param slot the slot, end exclusive, not null
 * @param zone the display zone, not null
 * @param freedBy the booking whose change freed it, or null when staff offer a slot by hand
 * @param freedByCustomer that booking's customer, who is not offered their own slot back, or null
 */
public record FreedSlot(String tenantId, Resource resource, Service service, Interval slot, ZoneId zone,
                        String freedBy, String freedByCustomer) {

    /**
     * Checks the fields.
     *
     * @param tenantId the tenant, not blank
     * @param resource the resource, not null
     * @param service the service, not null
     * @param slot the slot, not null
     * @param zone the display zone, not null
     * @param freedBy the freeing booking, or null
     * @param freedByCustomer its customer, or null
     */
    public FreedSlot {
        Ids.require(tenantId, "tenantId");
        Checks.nonNull("resource, service, slot", resource, service, slot);
        if (slot.isEmpty() || slot.isUnboundedStart() || slot.isUnboundedEnd()) {
            throw new IllegalArgumentException("slot must be bounded and not empty");
        }
        Objects.requireNonNull(zone, "zone");
    }

    /**
     * The slot a booking held before a change freed it.
     *
     * @param before the booking as it was, not null
     * @return the freed slot
     */
    public static FreedSlot of(Booking before) {
        return new FreedSlot(before.tenantId(), before.resource(), before.service(), before.slot(), before.zone(),
                before.id(), before.customer().map(c -> c.id()).orElse(null));
    }

    /**
     * A slot staff offer by hand.
     *
     * @param tenantId the tenant
     * @param resource the resource
     * @param service the service
     * @param slot the slot
     * @param zone the display zone
     * @return the freed slot
     */
    public static FreedSlot byHand(String tenantId, Resource resource, Service service, Interval slot, ZoneId zone) {
        return new FreedSlot(tenantId, resource, service, slot, zone, null, null);
    }
}
