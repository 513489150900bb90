package org.bookingrules.waitlist;

import java.time.ZoneId;
import java.util.Objects;
import org.bookingrules.internal.Ids;
import org.bookingrules.model.CustomerDetails;
import org.bookingrules.model.Service;
import org.threeten.extra.Interval;

/**
 * A request to join a service's cancellation list. Immutable.
 *
 * @param tenantId the tenant, not blank
 * @param customer who waits, not null
 * @param service the service, not null
 * @param resourceId the resource wanted, or null for any resource of the service
 * @param window the acceptable times, bounded and not empty; for a booking to move earlier it may
 *     be null, meaning from now until that booking's start
 * @param bookingId the customer's booking to move to an earlier slot, or null to book anew
 * @param zone the zone refusals show their times in, not null
 */
public record JoinRequest(String tenantId, CustomerDetails customer, Service service, String resourceId,
                          Interval window, String bookingId, ZoneId zone) {

    /**
     * Checks the fields.
     *
     * @param tenantId not blank
     * @param customer not null
     * @param service not null
     * @param resourceId or null
     * @param window bounded and not empty, or null with a booking to move
     * @param bookingId or null
     * @param zone not null
     */
    public JoinRequest {
        Ids.require(tenantId, "tenantId");
        Objects.requireNonNull(customer, "customer");
        Objects.requireNonNull(service, "service");
        if (resourceId != null) {
            Ids.require(resourceId, "resourceId");
        }
        if (bookingId != null) {
            Ids.require(bookingId, "bookingId");
        }
        if (window == null && bookingId == null) {
            throw new IllegalArgumentException("window must be given unless a booking is to be moved earlier");
        }
        if (window != null && (window.isUnboundedStart() || window.isUnboundedEnd() || window.isEmpty())) {
            throw new IllegalArgumentException("window must be bounded and not empty");
        }
        Objects.requireNonNull(zone, "zone");
    }

    /**
     * Waiting for any resource of a service, inside a window.
     *
     * @param tenantId the tenant
     * @param customer who waits
     * @param service the service
     * @param window the acceptable times
     * @param zone the display zone
     * @return the request
     */
    public static JoinRequest anyResource(String tenantId, CustomerDetails customer, Service service, Interval window,
                                          ZoneId zone) {
        return new JoinRequest(tenantId, customer, service, null, window, null, zone);
    }

    /**
     * Waiting for anything earlier than the customer's booking, with its resource or any.
     *
     * @param tenantId the tenant
     * @param customer whose booking it is
     * @param service the booking's service
     * @param bookingId the booking
     * @param zone the display zone
     * @return the request, its window from now to the booking's start
     */
    public static JoinRequest earlierThan(String tenantId, CustomerDetails customer, Service service, String bookingId,
                                          ZoneId zone) {
        return new JoinRequest(tenantId, customer, service, null, null, bookingId, zone);
    }

    /**
     * This request for one resource only.
     *
     * @param resource the resource's id
     * @return the new request
     */
    public JoinRequest withResource(String resource) {
        return new JoinRequest(tenantId, customer, service, resource, window, bookingId, zone);
    }
}
