package org.bookingrules;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.bookingrules.internal.Ids;

/**
 * Names one booking of one tenant. Immutable. Checked by the facade, which rejects a blank or
 * over-long id with an {@link InvalidRequestException} naming the field.
 *
 * @param tenantId the tenant
 * @param bookingId the booking
 */
public record BookingRef(@NotBlank @Size(max = Ids.MAX_LENGTH) String tenantId,
                         @NotBlank @Size(max = Ids.MAX_LENGTH) String bookingId) {

    /**
     * A reference.
     *
     * @param tenantId the tenant
     * @param bookingId the booking
     * @return the reference
     */
    public static BookingRef of(String tenantId, String bookingId) {
        return new BookingRef(tenantId, bookingId);
    }
}
