package org.bookingrules.links;

import java.time.Instant;
import java.util.Optional;
import org.bookingrules.internal.Checks;

/**
 * A lock an identity check has just put on a booking's manage link, as told to a
 * {@link LinkLockListener}. Names the booking, never the customer. Immutable.
 *
 * @param tenantId the booking's tenant, not null
 * @param bookingId the booking, not null
 * @param at when the check that locked it ran, not null
 * @param lockedUntil when the link opens again by itself, or null when it waits for staff or a new
 *     link generation ({@code needsNewLink})
 * @param needsNewLink whether staff must unlock it ({@link SelfService#unlockLinks}) or issue links
 *     of a new generation ({@link SelfService#revokeLinks}) before anyone can use it
 * @param cause what locked it
 * @param wrongAnswersLast30Days wrong answers counted in the 30 days before, 0 or more
 */
public record LinkLock(String tenantId, String bookingId, Instant at, Instant lockedUntil, boolean needsNewLink,
                       Cause cause, int wrongAnswersLast30Days) {

    /** What locked a link. */
    public enum Cause {
        /** Too many wrong answers: in the short window, the day, or 30 days. */
        WRONG_ANSWERS,
        /** Too many right answers within an hour. */
        RIGHT_ANSWERS
    }

    /**
     * Checks the fields.
     *
     * @param tenantId the booking's tenant, not null
     * @param bookingId the booking, not null
     * @param at when, not null
     * @param lockedUntil when it opens, or null when it needs a new link (and only then)
     * @param needsNewLink whether staff must act
     * @param cause what locked it, not null
     * @param wrongAnswersLast30Days 0 or more
     */
    public LinkLock {
        Checks.nonNull("tenantId, bookingId, at, cause", tenantId, bookingId, at, cause);
        if (needsNewLink == (lockedUntil != null)) {
            throw new IllegalArgumentException("lockedUntil must be null exactly when the link needs a new one");
        }
        if (wrongAnswersLast30Days < 0) {
            throw new IllegalArgumentException("wrongAnswersLast30Days must not be negative, was "
                    + wrongAnswersLast30Days);
        }
    }

    /** @return when the link opens again by itself; empty when staff must act */
    public Optional<Instant> opensAt() {
        return Optional.ofNullable(lockedUntil);
    }
}
