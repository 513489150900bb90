package org.bookingrules.links;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * The guard of one booking's manage links: the link generation (raised to revoke every link
 * issued so far), the recent identity checks and the lock they led to. Immutable. Every transition
 * is a pure function of the state, an instant and a {@link LockoutPolicy}, so every store counts
 * the same way. Instants are kept to the microsecond, as the databases keep them.
 *
 * @param generation the current link generation, 0 or more; links of another generation are void
 * @param failureTimes the wrong answers of the last 30 days, oldest first, at most
 *     {@link LockoutPolicy#MAX_COUNT}
 * @param grantTimes the right answers of the last hour, oldest first, and always the latest one
 *     (it ends the count toward a short lock), at most {@link LockoutPolicy#MAX_COUNT}
 * @param locks locks since the escalation last started again (a right answer, staff, a new
 *     generation), 0 or more
 * @param lockedUntil when the latest lock ends (kept after it has, as the start of a new count), or
 *     null if there was none since staff last unlocked
 * @param needsNewLink whether the 30-day cap was reached: locked until staff unlock it or links of
 *     a new generation are issued
 */
public record GuardState(long generation, List<Instant> failureTimes, List<Instant> grantTimes, int locks,
                         Instant lockedUntil, boolean needsNewLink) {

    /** The state of a booking no link has touched yet. */
    public static final GuardState INITIAL = new GuardState(0, List.of(), List.of(), 0, null, false);

    /**
     * Checks and copies the fields; instants are truncated to microseconds.
     *
     * @param generation the current link generation, 0 or more
     * @param failureTimes wrong answers, oldest first, not null, at most 100
     * @param grantTimes right answers, oldest first, not null, at most 100
     * @param locks locks since the escalation started again, 0 or more
     * @param lockedUntil when the latest lock ends, or null
     * @param needsNewLink whether only staff or a new generation opens the link
     */
    public GuardState {
        if (generation < 0 || locks < 0) {
            throw new IllegalArgumentException("generation and locks must not be negative, were " + generation
                    + " and " + locks);
        }
        failureTimes = micros(failureTimes, "failureTimes");
        grantTimes = micros(grantTimes, "grantTimes");
        lockedUntil = lockedUntil == null ? null : lockedUntil.truncatedTo(ChronoUnit.MICROS);
    }

    /**
     * Whether the link refuses every answer at an instant.
     *
     * @param now the instant, not null
     * @return true if locked for a while or until staff act
     */
    public boolean isLockedAt(Instant now) {
        return needsNewLink || lockedUntil != null && now.isBefore(lockedUntil);
    }

    /**
     * @return when the link opens again by itself, if it is or was locked for a while; empty if it
     *     never was, or when it waits for staff ({@link #needsNewLink()})
     */
    public Optional<Instant> lockEnd() {
        return needsNewLink ? Optional.empty() : Optional.ofNullable(lockedUntil);
    }

    /**
     * Wrong answers counted toward the short lock at {@code at}: those less than the policy's
     * window before it that came after the latest lock ended and after the latest right answer.
     *
     * @param at the instant, not null
     * @param policy the policy, not null
     * @return the count, 0 or more
     */
    public int failuresInWindow(Instant at, LockoutPolicy policy) {
        Instant from = at.minus(policy.window()).plusNanos(1000);
        if (lockedUntil != null && lockedUntil.isAfter(from) && !lockedUntil.isAfter(at)) {
            // A lock that has ended: what came before it was paid for.
            from = lockedUntil;
        }
        if (!grantTimes.isEmpty() && !grantTimes.get(grantTimes.size() - 1).isBefore(from)) {
            // Strictly after the right answer: a wrong answer at the same microsecond came before it.
            from = grantTimes.get(grantTimes.size() - 1).plusNanos(1000);
        }
        return countFrom(failureTimes, from, at);
    }

    /**
     * Wrong answers in the period before {@code at}, {@code at} included.
     *
     * @param at the instant, not null
     * @param period how far back, not null
     * @return the count, 0 or more
     */
    public int failuresWithin(Instant at, Duration period) {
        return countFrom(failureTimes, at.minus(period).plusNanos(1000), at);
    }

    /**
     * The state after a wrong answer at {@code at}. While locked nothing changes (a locked link is
     * not extended by further tries, and they are not counted: they were never checked). Otherwise
     * the answer is counted, and the first of these that holds applies: the 30-day cap reached
     * needs staff; the daily cap reached locks until the oldest wrong answer of the day is a day
     * old (at least as long as an escalated lock); {@code maxFailures} in the window lock for the
     * escalated length ({@link LockoutPolicy#lockLength}).
     *
     * @param at when the answer was checked, not null
     * @param policy the lockout policy, not null
     * @return the next state
     */
    public GuardState afterFailure(Instant at, LockoutPolicy policy) {
        return unlessLocked(at, policy, this::failureAt);
    }

    private GuardState failureAt(Instant now, LockoutPolicy policy) {
        List<Instant> failures = since(failureTimes, now.minus(LockoutPolicy.THIRTY_DAYS).plusNanos(1000), now);
        failures.add(now);
        // Thirty quiet days start the escalation again, as a right answer does.
        int earlierLocks = failures.size() == 1 ? 0 : locks;
        GuardState counted = new GuardState(generation, keepNewest(failures, LockoutPolicy.MAX_COUNT), grantTimes,
                earlierLocks, lockedUntil, false);
        if (counted.failureTimes.size() >= policy.maxFailuresPer30Days()) {
            return new GuardState(generation, counted.failureTimes, grantTimes, earlierLocks + 1, lockedUntil, true);
        }
        Instant escalated = now.plus(policy.lockLength(earlierLocks));
        List<Instant> today = since(counted.failureTimes, now.minus(LockoutPolicy.DAY).plusNanos(1000), now);
        if (today.size() >= policy.maxFailuresPerDay()) {
            Instant dayFrees = today.get(today.size() - policy.maxFailuresPerDay()).plus(LockoutPolicy.DAY);
            Instant until = dayFrees.isAfter(escalated) ? dayFrees : escalated;
            return new GuardState(generation, counted.failureTimes, grantTimes, earlierLocks + 1, until, false);
        }
        if (counted.failuresInWindow(now, policy) >= policy.maxFailures()) {
            return new GuardState(generation, counted.failureTimes, grantTimes, earlierLocks + 1, escalated, false);
        }
        return counted;
    }

    /**
     * Whether a right answer at {@code at} would be throttled: the policy's right answers of the
     * last hour are used up.
     *
     * @param at the instant, not null
     * @param policy the policy, not null
     * @return true if the answer must not get a grant
     */
    public boolean grantsUsedUpAt(Instant at, LockoutPolicy policy) {
        return countFrom(grantTimes, at.minus(LockoutPolicy.HOUR).plusNanos(1000), at) >= policy.maxGrantsPerHour();
    }

    /**
     * The state after a right answer at {@code at}. While locked nothing changes. When the right
     * answers of the last hour are used up ({@link #grantsUsedUpAt}), the link is locked until the
     * oldest of them is an hour old and no grant may be given. Otherwise the answer is recorded and
     * the escalation starts again; wrong answers stay counted toward the daily and 30-day caps.
     *
     * @param at when the answer was checked, not null
     * @param policy the lockout policy, not null
     * @return the next state
     */
    public GuardState afterSuccess(Instant at, LockoutPolicy policy) {
        return unlessLocked(at, policy, this::successAt);
    }

    private GuardState successAt(Instant now, LockoutPolicy policy) {
        List<Instant> lastHour = since(grantTimes, now.minus(LockoutPolicy.HOUR).plusNanos(1000), now);
        if (lastHour.size() >= policy.maxGrantsPerHour()) {
            Instant frees = lastHour.get(lastHour.size() - policy.maxGrantsPerHour()).plus(LockoutPolicy.HOUR);
            return new GuardState(generation, failureTimes, grantTimes, locks, frees, false);
        }
        lastHour.add(now);
        return new GuardState(generation, failureTimes, keepNewest(lastHour, LockoutPolicy.MAX_COUNT), 0,
                lockedUntil, false);
    }

    /**
     * This state while locked at {@code at} (an answer to a locked link is never checked, so it
     * changes nothing), otherwise the state {@code next} gives for {@code at} at the microsecond the
     * state stores.
     */
    private GuardState unlessLocked(Instant at, LockoutPolicy policy,
                                    BiFunction<Instant, LockoutPolicy, GuardState> next) {
        Objects.requireNonNull(policy, "policy");
        return isLockedAt(at) ? this : next.apply(at.truncatedTo(ChronoUnit.MICROS), policy);
    }

    /**
     * The state after staff unlocked the link: no wrong answer counts any more, no lock, the
     * escalation starts again; generation and right answers kept.
     *
     * @return the next state
     */
    public GuardState unlocked() {
        return new GuardState(generation, List.of(), grantTimes, 0, null, false);
    }

    /**
     * The state after revoking every link issued so far: the generation raised by one, and the
     * links of the new generation start unlocked with nothing counted.
     *
     * @return the next state
     */
    public GuardState revoked() {
        return new GuardState(generation + 1, List.of(), List.of(), 0, null, false);
    }

    private static int countFrom(List<Instant> times, Instant from, Instant to) {
        int n = 0;
        for (Instant t : times) {
            if (!t.isBefore(from) && !t.isAfter(to)) {
                n++;
            }
        }
        return n;
    }

    /** The instants from {@code from} to {@code to}, both included, as a new mutable list. */
    private static List<Instant> since(List<Instant> times, Instant from, Instant to) {
        List<Instant> kept = new ArrayList<>(times.size() + 1);
        for (Instant t : times) {
            if (!t.isBefore(from) && !t.isAfter(to)) {
                kept.add(t);
            }
        }
        return kept;
    }

    private static List<Instant> keepNewest(List<Instant> times, int most) {
        return times.subList(Math.max(0, times.size() - most), times.size());
    }

    private static List<Instant> micros(List<Instant> times, String field) {
        Objects.requireNonNull(times, field);
        if (times.size() > LockoutPolicy.MAX_COUNT) {
            throw new IllegalArgumentException(field + " must hold at most " + LockoutPolicy.MAX_COUNT
                    + " instants, held " + times.size());
        }
        List<Instant> copy = new ArrayList<>(times.size());
        Instant previous = null;
        for (Instant t : times) {
            Instant m = Objects.requireNonNull(t, field + " element").truncatedTo(ChronoUnit.MICROS);
            if (previous != null && m.isBefore(previous)) {
                throw new IllegalArgumentException(field + " must be oldest first");
            }
            copy.add(m);
            previous = m;
        }
        return List.copyOf(copy);
    }
}
