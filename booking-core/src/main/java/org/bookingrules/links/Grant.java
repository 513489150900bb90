package org.bookingrules.links;

import java.time.Instant;
import java.util.Objects;

/**
 * What a passed identity check yields: a short-lived signed token that lets its holder act on one
 * booking as its customer. Keep it in the holder's session, never in a URL. Immutable.
 *
 * @param token the signed token (purpose {@link LinkPurpose#GRANT})
 * @param expiresAt the last instant it is valid
 */
public record Grant(String token, Instant expiresAt) {

    /**
     * Checks the fields.
     *
     * @param token the signed token
     * @param expiresAt the last instant it is valid
     */
    public Grant {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    /** The token is a secret: not shown. */
    @Override
    public String toString() {
        return "Grant[expiresAt=" + expiresAt + "]";
    }
}
