package org.bookingrules.links;

import java.time.ZonedDateTime;
import org.bookingrules.internal.Checks;
import org.bookingrules.waitlist.OfferStatus;

/**
 * What an offer link shows before anyone answers: the slot offered, until when, and whether it
 * would move the customer's booking. No personal data. Immutable.
 *
 * @param serviceName the service, not null
 * @param resourceName the resource, not null
 * @param start the slot's start in its zone, not null
 * @param end the slot's end in its zone, not null
 * @param deadline until when the offer can be accepted, in the slot's zone, not null
 * @param status the offer's status now, not null: only an OPEN offer before its deadline can be answered
 * @param movesBooking whether accepting moves the customer's booking (an entry for anything earlier)
 */
public record OfferPage(String serviceName, String resourceName, ZonedDateTime start, ZonedDateTime end,
                        ZonedDateTime deadline, OfferStatus status, boolean movesBooking) {

    /**
     * Checks the fields.
     *
     * @param serviceName not null
     * @param resourceName not null
     * @param start not null
     * @param end not null
     * @param deadline not null
     * @param status not null
     * @param movesBooking whether accepting moves a booking
     */
    public OfferPage {
        Checks.nonNull("serviceName, resourceName, start, end, deadline, status", serviceName, resourceName, start, end,
                deadline, status);
    }
}
