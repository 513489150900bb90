package org.bookingrules.links;

import java.time.Instant;
import java.util.Optional;

/**
 * The guard of one booking's manage links: the link generation (raised to revoke every link
 * issued so far) and the failed identity checks. Immutable.
 *
 * @param generation the current link generation, 0 or more; links of another generation are void
 * @param failures failed identity checks in the current window, 0 or more
 * @param windowStart when the current window of failures began, or null if none
 * @param lockedUntil until when the link is locked, or null if it never was since the last reset
 */
public record GuardState(long generation, int failures, Instant windowStart, Instant lockedUntil) {

    /** The state of a booking no link has touched yet. */
    public static final GuardState INITIAL = new GuardState(0, 0, null, null);

    /**
     * Checks the fields.
     *
     * @param generation the current link generation, 0 or more
     * @param failures failed identity checks in the current window, 0 or more
     * @param windowStart when the current window of failures began, or null if none
     * @param lockedUntil until when the link is locked, or null
     */
    public GuardState {
        if (generation < 0 || failures < 0) {
            throw new IllegalArgumentException("generation and failures must not be negative");
        }
    }

    /**
     * Whether the link is locked at an instant.
     *
     * @param now the instant, not null
     * @return true if locked
     */
    public boolean isLockedAt(Instant now) {
        return lockedUntil != null && now.isBefore(lockedUntil);
    }

    /** @return until when the link is locked, if it was locked */
    public Optional<Instant> lockEnd() {
        return Optional.ofNullable(lockedUntil);
    }

    /**
     * The state after one more failed check at {@code at}, under a policy: a lapsed lock or window
     * starts a new count; reaching {@code maxFailures} locks the link. While locked, nothing changes
     * (a locked link's lock is not extended by further tries). Stores use this so every store
     * counts the same way.
     *
     * @param at when the check failed, not null
     * @param policy the lockout policy, not null
     * @return the next state
     */
    public GuardState afterFailure(Instant at, LockoutPolicy policy) {
        if (isLockedAt(at)) {
            return this;
        }
        boolean fresh = lockedUntil != null || windowStart == null || !at.isBefore(windowStart.plus(policy.window()));
        int count = fresh ? 1 : failures + 1;
        Instant start = fresh ? at : windowStart;
        Instant lock = count >= policy.maxFailures() ? at.plus(policy.lockFor()) : null;
        return new GuardState(generation, count, start, lock);
    }

    /**
     * The state after a passed check: failures forgotten, generation kept.
     *
     * @return the next state
     */
    public GuardState afterSuccess() {
        return new GuardState(generation, 0, null, null);
    }

    /**
     * The state after revoking every link issued so far.
     *
     * @return the next state, with the generation raised by one
     */
    public GuardState revoked() {
        return new GuardState(generation + 1, failures, windowStart, lockedUntil);
    }
}
