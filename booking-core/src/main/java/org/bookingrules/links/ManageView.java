package org.bookingrules.links;

import java.time.ZonedDateTime;
import org.bookingrules.Permissions;
import org.bookingrules.internal.Checks;
import org.bookingrules.model.BookingStatus;

/**
 * What an opened manage link shows before and after the identity check: the appointment and what
 * the customer may do, and until when. No personal data: the holder has not proved who they are
 * yet. Immutable.
 *
 * @param serviceName the service
 * @param resourceName the professional or room
 * @param start the start in the booking's zone
 * @param end the end in the booking's zone
 * @param status the status
 * @param permissions what the customer may do now and until when (R9)
 */
public record ManageView(String serviceName, String resourceName, ZonedDateTime start, ZonedDateTime end,
                         BookingStatus status, Permissions permissions) {

    /**
     * Checks the fields.
     *
     * @param serviceName the service
     * @param resourceName the professional or room
     * @param start the start in the booking's zone
     * @param end the end in the booking's zone
     * @param status the status
     * @param permissions what the customer may do
     */
    public ManageView {
        Checks.nonNull("serviceName, resourceName, start, end, status, permissions",
                serviceName, resourceName, start, end, status, permissions);
    }
}
