package org.bookingrules.spi;

import org.threeten.extra.Interval;

/**
 * Port: the embedding product's opening hours and blocked time (R10). The rules ask it before
 * booking or moving a booking to a future slot; overlap with other bookings is the repository's
 * job, not this port's. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface Availability {

    /** Every slot is open (the default). */
    Availability ALWAYS_OPEN = (tenantId, resourceId, slot) -> true;

    /**
     * Whether the resource works during the whole slot.
     *
     * @param tenantId the tenant, not null
     * @param resourceId the resource, not null
     * @param slot the slot, not null, end exclusive
     * @return true if the slot is inside the resource's opening hours and not blocked
     */
    boolean isOpen(String tenantId, String resourceId, Interval slot);
}
