package org.bookingrules.links;

import java.time.Duration;
import java.util.Objects;

/**
 * How failed identity checks lock a manage link (R8): after {@code maxFailures} failures within
 * {@code window} (counted from the first of them), the link is locked for {@code lockFor}.
 * Immutable.
 *
 * @param maxFailures failures that lock the link, 1 to 100
 * @param window how long failures are counted together, more than zero
 * @param lockFor how long the link stays locked, more than zero
 */
public record LockoutPolicy(int maxFailures, Duration window, Duration lockFor) {

    /** Default: five failures in 15 minutes lock the link for 15 minutes. */
    public static final LockoutPolicy DEFAULT = new LockoutPolicy(5, Duration.ofMinutes(15), Duration.ofMinutes(15));

    /**
     * Checks the fields.
     *
     * @param maxFailures failures that lock the link, 1 to 100
     * @param window how long failures are counted together, more than zero
     * @param lockFor how long the link stays locked, more than zero
     */
    public LockoutPolicy {
        if (maxFailures < 1 || maxFailures > 100) {
            throw new IllegalArgumentException("maxFailures must be 1 to 100, was " + maxFailures);
        }
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(lockFor, "lockFor");
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be more than zero, was " + window);
        }
        if (lockFor.isNegative() || lockFor.isZero()) {
            throw new IllegalArgumentException("lockFor must be more than zero, was " + lockFor);
        }
    }
}
