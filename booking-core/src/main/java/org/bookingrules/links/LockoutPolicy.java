package org.bookingrules.links;

import java.time.Duration;
import java.util.Objects;

/**
 * How identity checks lock a manage link (R8). Immutable. Four limits work together, each counted
 * per booking and shared by every node through the {@link LinkGuardStore}:
 *
 * <ol>
 *   <li><b>Short lock, escalating.</b> {@code maxFailures} wrong answers within {@code window} lock
 *       the link for {@code lockFor}; each further lock lasts twice as long as the one before, up to
 *       {@code maxLockFor}. A right answer starts the escalation again.</li>
 *   <li><b>Daily cap.</b> At most {@code maxFailuresPerDay} wrong answers in any 24 hours: the one
 *       that reaches it locks the link until the oldest of them is 24 hours old.</li>
 *   <li><b>30-day cap.</b> The wrong answer that brings the last 30 days to
 *       {@code maxFailuresPer30Days} locks the link until staff unlock it or issue links of a new
 *       generation ({@link SelfService#unlockLinks}, {@link SelfService#revokeLinks}); no amount of
 *       waiting opens it. So whoever holds a link cannot try more than this many answers in 30
 *       days: a search over the 365 birthdays of a known year cannot finish.</li>
 *   <li><b>Correct answers.</b> At most {@code maxGrantsPerHour} right answers in any hour; past
 *       that the link is locked until the oldest of them is an hour old, so a flood of right answers
 *       cannot mint sessions without end.</li>
 * </ol>
 *
 * <p>Right answers do not erase the daily and 30-day counts: a patient who passes cannot be used
 * to reset an attacker's budget.
 *
 * @param maxFailures wrong answers within {@code window} that lock the link, 1 to 100
 * @param window how far back wrong answers count toward {@code maxFailures}, more than zero, at most
 *     a day
 * @param lockFor the first lock's length, more than zero
 * @param maxLockFor the longest escalated lock, at least {@code lockFor}, at most 30 days
 * @param maxFailuresPerDay wrong answers allowed in any 24 hours, {@code maxFailures} to
 *     {@code maxFailuresPer30Days}
 * @param maxFailuresPer30Days wrong answers in 30 days after which only staff or a new link generation
 *     opens the link, {@code maxFailuresPerDay} to 100
 * @param maxGrantsPerHour right answers allowed in any hour, 1 to 100
 */
public record LockoutPolicy(int maxFailures, Duration window, Duration lockFor, Duration maxLockFor,
                            int maxFailuresPerDay, int maxFailuresPer30Days, int maxGrantsPerHour) {

    /** The most of any count a policy allows; also the most instants a {@link GuardState} keeps. */
    public static final int MAX_COUNT = 100;
    /** The period of the daily cap. */
    public static final Duration DAY = Duration.ofHours(24);
    /** The period of the long cap. */
    public static final Duration THIRTY_DAYS = Duration.ofDays(30);
    /** The period of the cap on right answers. */
    public static final Duration HOUR = Duration.ofHours(1);

    /**
     * Default: five wrong answers in 15 minutes lock the link for 15 minutes, then 30 minutes, an
     * hour, ... up to a day; at most 10 wrong answers a day and 20 in 30 days; at most 10 right
     * answers an hour.
     */
    public static final LockoutPolicy DEFAULT = new LockoutPolicy(5, Duration.ofMinutes(15), Duration.ofMinutes(15),
            DAY, 10, 20, 10);

    /**
     * Checks the fields; the message names the first one out of range.
     *
     * @param maxFailures wrong answers within {@code window} that lock the link, 1 to 100
     * @param window how far back wrong answers count toward {@code maxFailures}
     * @param lockFor the first lock's length
     * @param maxLockFor the longest escalated lock
     * @param maxFailuresPerDay wrong answers allowed in any 24 hours
     * @param maxFailuresPer30Days wrong answers in 30 days that need staff
     * @param maxGrantsPerHour right answers allowed in any hour
     */
    public LockoutPolicy {
        between("maxFailures", maxFailures, 1, MAX_COUNT);
        positive("window", window, DAY);
        positive("lockFor", lockFor, THIRTY_DAYS);
        positive("maxLockFor", maxLockFor, THIRTY_DAYS);
        if (maxLockFor.compareTo(lockFor) < 0) {
            throw new IllegalArgumentException("maxLockFor must be at least lockFor (" + lockFor + "), was "
                    + maxLockFor);
        }
        between("maxFailuresPer30Days", maxFailuresPer30Days, 1, MAX_COUNT);
        between("maxFailuresPerDay", maxFailuresPerDay, maxFailures, maxFailuresPer30Days);
        between("maxGrantsPerHour", maxGrantsPerHour, 1, MAX_COUNT);
    }

    /**
     * The default caps with another short lock: {@code maxFailures} wrong answers within
     * {@code window} lock the link for {@code lockFor}, escalating up to a day (or {@code lockFor},
     * if longer). The daily and 30-day caps are raised to {@code maxFailures} if it is higher.
     *
     * @param maxFailures wrong answers that lock the link, 1 to 100
     * @param window how far back they count, more than zero, at most a day
     * @param lockFor the first lock's length, more than zero, at most 30 days
     */
    public LockoutPolicy(int maxFailures, Duration window, Duration lockFor) {
        this(maxFailures, window, lockFor, longer(lockFor, DEFAULT.maxLockFor),
                Math.max(maxFailures, DEFAULT.maxFailuresPerDay),
                Math.max(maxFailures, DEFAULT.maxFailuresPer30Days), DEFAULT.maxGrantsPerHour);
    }

    /**
     * @param perDay wrong answers allowed in any 24 hours
     * @param per30Days wrong answers in 30 days after which staff must unlock
     * @return this policy with other caps
     * @throws IllegalArgumentException if the caps are out of range
     */
    public LockoutPolicy withCaps(int perDay, int per30Days) {
        return new LockoutPolicy(maxFailures, window, lockFor, maxLockFor, perDay, per30Days, maxGrantsPerHour);
    }

    /**
     * @param v the longest escalated lock
     * @return this policy with another longest lock
     * @throws IllegalArgumentException if out of range
     */
    public LockoutPolicy withMaxLockFor(Duration v) {
        return new LockoutPolicy(maxFailures, window, lockFor, v, maxFailuresPerDay, maxFailuresPer30Days,
                maxGrantsPerHour);
    }

    /**
     * @param v right answers allowed in any hour
     * @return this policy with another cap on right answers
     * @throws IllegalArgumentException if out of range
     */
    public LockoutPolicy withMaxGrantsPerHour(int v) {
        return new LockoutPolicy(maxFailures, window, lockFor, maxLockFor, maxFailuresPerDay, maxFailuresPer30Days, v);
    }

    /**
     * How long the lock after {@code earlierLocks} earlier locks lasts: {@code lockFor} doubled
     * that many times, at most {@code maxLockFor}.
     *
     * @param earlierLocks locks since the escalation last started again, 0 or more
     * @return the lock's length
     */
    public Duration lockLength(int earlierLocks) {
        Duration length = lockFor;
        for (int i = 0; i < earlierLocks && length.compareTo(maxLockFor) < 0; i++) {
            length = length.multipliedBy(2);
        }
        return length.compareTo(maxLockFor) > 0 ? maxLockFor : length;
    }

    private static Duration longer(Duration a, Duration b) {
        Objects.requireNonNull(a, "lockFor");
        return a.compareTo(b) > 0 ? a : b;
    }

    private static void between(String field, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(field + " must be " + min + " to " + max + ", was " + value);
        }
    }

    private static void positive(String field, Duration value, Duration max) {
        Objects.requireNonNull(value, field);
        if (value.isNegative() || value.isZero() || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(field + " must be more than zero and at most " + max + ", was " + value);
        }
    }
}
