package org.bookingrules.links;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The pure transitions of {@link GuardState} and the ranges of {@link LockoutPolicy} (R8), boundaries table-driven (STYLE 12). */
@DisplayName("GuardState transitions and LockoutPolicy (R8)")
class GuardStateTest {

    /** Five wrong answers in 15 minutes lock for 15 minutes, doubling to a day; 10 a day, 20 in 30 days, 10 right an hour. */
    private static final LockoutPolicy POLICY = LockoutPolicy.DEFAULT;
    private static final Instant T = Instant.parse("2026-03-03T10:00:00Z");
    private static final Instant LOCK_END = T.plus(Duration.ofMinutes(20));
    private static final GuardState LOCKED = new GuardState(0, times(T, 5), List.of(), 1, LOCK_END, false);

    private static List<Instant> times(Instant at, int count) {
        return Collections.nCopies(count, at);
    }

    private static GuardState counting(int failures) {
        return new GuardState(0, times(T, failures), List.of(), 0, null, false);
    }

    static Stream<Arguments> shortWindow() {
        Instant windowEnd = T.plus(POLICY.window());
        return Stream.of(
                arguments("the first wrong answer is counted", GuardState.INITIAL, T, false, 1),
                arguments("one second before the window ends, the earlier ones still count", counting(2),
                        windowEnd.minusSeconds(1), false, 3),
                arguments("exactly a window later, the earlier ones no longer count", counting(2), windowEnd, false, 1),
                arguments("the fourth does not lock", counting(3), T.plusSeconds(60), false, 4),
                arguments("the fifth, one second before the window ends, locks", counting(4), windowEnd.minusSeconds(1),
                        true, 5),
                arguments("a fifth exactly a window later does not lock", counting(4), windowEnd, false, 1),
                arguments("exactly at the lock end, the count starts at the lock end", LOCKED, LOCK_END, false, 1));
    }

    @ParameterizedTest(name = "R8 {0}")
    @MethodSource("shortWindow")
    @DisplayName("R8 afterFailure: the short window is less than 15 minutes back; five in it lock")
    void afterFailureInTheWindow(String scenario, GuardState before, Instant at, boolean locks, int inWindow) {
        GuardState after = before.afterFailure(at, POLICY);

        assertThat(after.isLockedAt(at)).isEqualTo(locks);
        assertThat(after.failuresInWindow(at, POLICY)).isEqualTo(inWindow);
        assertThat(after.failureTimes()).endsWith(at);
        if (locks) {
            assertThat(after.lockedUntil()).isEqualTo(at.plus(POLICY.lockFor()));
        }
    }

    static Stream<Arguments> lockedAt() {
        return Stream.of(
                arguments("one microsecond before the lock end", LOCK_END.minusNanos(1000), true),
                arguments("exactly at the lock end", LOCK_END, false),
                arguments("one second after the lock end", LOCK_END.plusSeconds(1), false));
    }

    @ParameterizedTest(name = "R8 locked {0}: {2}")
    @MethodSource("lockedAt")
    @DisplayName("R8 isLockedAt: the lock end is exclusive; while locked, answers change nothing")
    void isLockedAt(String scenario, Instant now, boolean locked) {
        assertThat(LOCKED.isLockedAt(now)).isEqualTo(locked);
        if (locked) {
            assertThat(LOCKED.afterFailure(now, POLICY)).isSameAs(LOCKED);
            assertThat(LOCKED.afterSuccess(now, POLICY)).isSameAs(LOCKED);
        }
    }

    @Test
    @DisplayName("R8 lock lengths double from lockFor and stop at maxLockFor: 15 min, 30 min, 1 h, ... 16 h, then a day")
    void lockLengthsDouble() {
        List<Duration> lengths = new ArrayList<>();
        for (int earlier = 0; earlier <= 8; earlier++) {
            lengths.add(POLICY.lockLength(earlier));
        }

        assertThat(lengths).containsExactly(Duration.ofMinutes(15), Duration.ofMinutes(30), Duration.ofHours(1),
                Duration.ofHours(2), Duration.ofHours(4), Duration.ofHours(8), Duration.ofHours(16), Duration.ofDays(1),
                Duration.ofDays(1));
        assertThat(POLICY.lockLength(Integer.MAX_VALUE)).isEqualTo(Duration.ofDays(1));
    }

    @Test
    @DisplayName("R8 30 quiet days start the escalation again: the next lock is the first length")
    void quietDaysStartTheEscalationAgain() {
        GuardState escalated = new GuardState(0, times(T, 4), List.of(), 6, T.plusSeconds(1), false);
        Instant later = T.plus(LockoutPolicy.THIRTY_DAYS);

        GuardState first = escalated.afterFailure(later, POLICY);

        assertThat(first.failureTimes()).containsExactly(later);
        assertThat(first.locks()).isZero();
    }

    @Test
    @DisplayName("R8 with maxFailures 1 the first wrong answer locks at once")
    void aPolicyOfOneLocksAtOnce() {
        LockoutPolicy one = new LockoutPolicy(1, Duration.ofMinutes(5), Duration.ofHours(1));

        assertThat(GuardState.INITIAL.afterFailure(T, one))
                .isEqualTo(new GuardState(0, List.of(T), List.of(), 1, T.plusSeconds(3600), false));
    }

    @Test
    @DisplayName("R8 unlocked forgets wrong answers, lock and escalation; keeps generation and right answers")
    void unlocked() {
        GuardState needsStaff = new GuardState(2, times(T, 20), List.of(T), 4, LOCK_END, true);

        assertThat(needsStaff.unlocked()).isEqualTo(new GuardState(2, List.of(), List.of(T), 0, null, false));
    }

    @Test
    @DisplayName("R8 revoking raises the generation by one and starts the new links with nothing counted")
    void revoked() {
        GuardState needsStaff = new GuardState(2, times(T, 20), List.of(T), 4, LOCK_END, true);

        assertThat(needsStaff.revoked()).isEqualTo(new GuardState(3, List.of(), List.of(), 0, null, false));
        assertThat(GuardState.INITIAL.revoked().revoked().generation()).isEqualTo(2);
    }

    @Test
    @DisplayName("R8 instants are kept to the microsecond: nanoseconds are cut, as a database would")
    void instantsAreMicroseconds() {
        Instant nanos = Instant.parse("2026-03-03T10:00:00.123456789Z");
        GuardState state = new GuardState(0, List.of(nanos), List.of(nanos), 0, nanos, false);

        Instant micros = Instant.parse("2026-03-03T10:00:00.123456Z");
        assertThat(state).isEqualTo(new GuardState(0, List.of(micros), List.of(micros), 0, micros, false));
    }

    @Test
    @DisplayName("a negative generation or lock count, lists out of order, null or over 100 are bugs and throw, naming the field")
    void invalidStatesThrow() {
        assertThatThrownBy(() -> new GuardState(-1, List.of(), List.of(), 0, null, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("generation");
        assertThatThrownBy(() -> new GuardState(0, List.of(), List.of(), -1, null, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("locks");
        assertThatThrownBy(() -> new GuardState(0, List.of(T, T.minusSeconds(1)), List.of(), 0, null, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("failureTimes");
        assertThatThrownBy(() -> new GuardState(0, List.of(), times(T, 101), 0, null, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("grantTimes");
        assertThatThrownBy(() -> new GuardState(0, null, List.of(), 0, null, false))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("failureTimes");
    }

    static Stream<Arguments> invalidPolicies() {
        Duration m = Duration.ofMinutes(1);
        return Stream.of(
                arguments("maxFailures", (Runnable) () -> new LockoutPolicy(0, m, m, m, 10, 20, 10)),
                arguments("maxFailures", (Runnable) () -> new LockoutPolicy(101, m, m)),
                arguments("window", (Runnable) () -> new LockoutPolicy(5, Duration.ZERO, m)),
                arguments("window", (Runnable) () -> new LockoutPolicy(5, Duration.ofDays(2), m)),
                arguments("lockFor", (Runnable) () -> new LockoutPolicy(5, m, Duration.ofSeconds(-1))),
                arguments("lockFor", (Runnable) () -> new LockoutPolicy(5, m, Duration.ofDays(31))),
                arguments("maxLockFor", (Runnable) () -> new LockoutPolicy(5, m, Duration.ofHours(2), Duration.ofHours(1),
                        10, 20, 10)),
                arguments("maxLockFor", (Runnable) () -> LockoutPolicy.DEFAULT.withMaxLockFor(Duration.ofDays(31))),
                arguments("maxFailuresPerDay", (Runnable) () -> LockoutPolicy.DEFAULT.withCaps(4, 20)),
                arguments("maxFailuresPerDay", (Runnable) () -> LockoutPolicy.DEFAULT.withCaps(21, 20)),
                arguments("maxFailuresPer30Days", (Runnable) () -> LockoutPolicy.DEFAULT.withCaps(10, 101)),
                arguments("maxGrantsPerHour", (Runnable) () -> LockoutPolicy.DEFAULT.withMaxGrantsPerHour(0)));
    }

    @ParameterizedTest(name = "R8 {0} out of range is refused, naming it")
    @MethodSource("invalidPolicies")
    @DisplayName("R8 a lockout policy out of range is refused naming the field")
    void policyRangesAreChecked(String field, Runnable create) {
        assertThatThrownBy(create::run).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(field + " ");
    }

    @Test
    @DisplayName("R8 the default policy: 5 in 15 minutes lock for 15 minutes, up to a day; 10 a day; 20 in 30 days; 10 right an hour")
    void defaults() {
        assertThat(LockoutPolicy.DEFAULT).isEqualTo(new LockoutPolicy(5, Duration.ofMinutes(15), Duration.ofMinutes(15),
                Duration.ofDays(1), 10, 20, 10));
        assertThat(new LockoutPolicy(5, Duration.ofMinutes(15), Duration.ofMinutes(15))).isEqualTo(LockoutPolicy.DEFAULT);
        assertThat(new LockoutPolicy(50, Duration.ofMinutes(15), Duration.ofDays(2)))
                .as("the short form raises the caps and the longest lock to what it was given")
                .isEqualTo(new LockoutPolicy(50, Duration.ofMinutes(15), Duration.ofDays(2), Duration.ofDays(2), 50, 50, 10));
    }
}
