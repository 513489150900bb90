package org.bookingrules.links;

/**
 * Why a self-service link did not get the holder in. Stable codes, with English and Spanish
 * messages under {@code link.<CODE>}.
 */
public enum LinkDenial {
    /**
     * The link is not valid: unknown, tampered, expired, revoked, of another tenant, or for a
     * booking that is no longer active. All look alike on purpose (no existence leak).
     */
    LINK_INVALID,
    /** The identity answer was wrong. */
    WRONG_ANSWER,
    /**
     * Too many attempts: the link is locked for a while (until the denial's {@code lockedUntil}).
     * Also the answer when right answers come faster than the policy allows.
     */
    LOCKED,
    /**
     * Too many wrong answers over 30 days: the link stays locked until staff unlock it or send a
     * new link ({@link LockoutPolicy}). The customer should contact the business.
     */
    NEEDS_NEW_LINK;

    /** @return the message key, {@code "link." + name()} */
    public String messageKey() {
        return "link." + name();
    }
}
