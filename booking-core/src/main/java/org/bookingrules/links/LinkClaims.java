package org.bookingrules.links;

import java.time.Instant;
import org.bookingrules.internal.Checks;

/**
 * What a valid token says. Ids only: a token never carries personal data. Immutable.
 *
 * @param keyId the id of the key that signed it
 * @param purpose what it is for
 * @param tenantId the booking's tenant
 * @param bookingId the booking
 * @param generation the link generation it was issued in (links of an older one are revoked)
 * @param expiresAt the last instant it is valid
 */
public record LinkClaims(String keyId, LinkPurpose purpose, String tenantId, String bookingId, long generation,
                         Instant expiresAt) {

    /**
     * Checks the fields.
     *
     * @param keyId the id of the key that signed it
     * @param purpose what it is for
     * @param tenantId the booking's tenant
     * @param bookingId the booking
     * @param generation the link generation it was issued in
     * @param expiresAt the last instant it is valid
     */
    public LinkClaims {
        Checks.nonNull("keyId, purpose, tenantId, bookingId, expiresAt",
                keyId, purpose, tenantId, bookingId, expiresAt);
    }
}
