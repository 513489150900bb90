package org.bookingrules.links;

import java.util.Objects;

/**
 * The result of checking a token: {@link Valid} with its claims, or {@link Invalid} with why. The
 * reason is for logs and tests; callers facing the public must not tell the reasons apart (every
 * invalid link looks the same).
 */
public sealed interface TokenCheck permits TokenCheck.Valid, TokenCheck.Invalid {

    /** Why a token was rejected. */
    enum Reason {
        /** Not two base64url parts, not canonical base64url, or a payload that does not parse. */
        MALFORMED,
        /** Signed by a key id that is not (or no longer) configured. */
        UNKNOWN_KEY,
        /** The signature does not match the payload. */
        BAD_SIGNATURE,
        /** Issued for another purpose. */
        WRONG_PURPOSE,
        /** Past its expiry. */
        EXPIRED,
        /** Issued in an older link generation: revoked. */
        REVOKED
    }

    /**
     * A valid token.
     *
     * @param claims what it says
     */
    record Valid(LinkClaims claims) implements TokenCheck {
        /**
         * Checks the field.
         *
         * @param claims what it says
         */
        public Valid {
            Objects.requireNonNull(claims, "claims");
        }
    }

    /**
     * A rejected token.
     *
     * @param reason why
     */
    record Invalid(Reason reason) implements TokenCheck {
        /**
         * Checks the field.
         *
         * @param reason why
         */
        public Invalid {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
