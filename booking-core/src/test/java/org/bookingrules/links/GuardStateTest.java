package org.bookingrules.links;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The pure transitions of {@link GuardState} (R8), boundaries table-driven (STYLE 12). */
@DisplayName("GuardState transitions (R8)")
class GuardStateTest {

    /** Five failures in 15 minutes lock for 15 minutes. */
    private static final LockoutPolicy POLICY = LockoutPolicy.DEFAULT;
    /** When the window of failures began. */
    private static final Instant T = Instant.parse("2026-03-03T10:00:00Z");
    private static final Instant WINDOW_END = T.plus(POLICY.window());
    /** The end of the lock in the locked fixture. */
    private static final Instant LOCK_END = T.plus(Duration.ofMinutes(20));
    private static final GuardState LOCKED = new GuardState(0, 5, T, LOCK_END);

    private static GuardState counting(int failures) {
        return new GuardState(0, failures, T, null);
    }

    private static GuardState fresh(Instant at) {
        return new GuardState(0, 1, at, null);
    }

    static Stream<Arguments> failures() {
        return Stream.of(
                arguments("the first failure starts the window", GuardState.INITIAL, T, fresh(T)),
                arguments("one second before the window ends, it counts on", counting(2),
                        WINDOW_END.minusSeconds(1), counting(3)),
                arguments("exactly at the window end, a fresh count starts", counting(2), WINDOW_END,
                        fresh(WINDOW_END)),
                arguments("one second after the window end, a fresh count starts", counting(2),
                        WINDOW_END.plusSeconds(1), fresh(WINDOW_END.plusSeconds(1))),
                arguments("the fourth failure does not lock", counting(3), T.plusSeconds(60), counting(4)),
                arguments("the fifth, one second before the window end, locks for 15 minutes from it", counting(4),
                        WINDOW_END.minusSeconds(1),
                        new GuardState(0, 5, T, WINDOW_END.minusSeconds(1).plus(POLICY.lockFor()))),
                arguments("a fifth exactly at the window end does not lock: it is the first of a new count",
                        counting(4), WINDOW_END, fresh(WINDOW_END)),
                arguments("locked, one second before the lock ends: nothing changes, the lock is not extended",
                        LOCKED, LOCK_END.minusSeconds(1), LOCKED),
                arguments("locked, one microsecond before the lock ends: nothing changes", LOCKED,
                        LOCK_END.minusNanos(1000), LOCKED),
                arguments("exactly at the lock end: a fresh count starts and the lock is cleared", LOCKED, LOCK_END,
                        fresh(LOCK_END)),
                arguments("one second after the lock end: a fresh count starts", LOCKED, LOCK_END.plusSeconds(1),
                        fresh(LOCK_END.plusSeconds(1))),
                arguments("the generation is kept", new GuardState(3, 1, T, null), T.plusSeconds(1),
                        new GuardState(3, 2, T, null)));
    }

    @ParameterizedTest(name = "R8 {0}")
    @MethodSource("failures")
    @DisplayName("R8 afterFailure under the default policy (5 in 15 minutes lock for 15 minutes)")
    void afterFailure(String scenario, GuardState before, Instant at, GuardState expected) {
        assertThat(before.afterFailure(at, POLICY)).isEqualTo(expected);
    }

    static Stream<Arguments> lockedAt() {
        return Stream.of(
                arguments("one second before the lock end", LOCK_END.minusSeconds(1), true),
                arguments("exactly at the lock end", LOCK_END, false),
                arguments("one second after the lock end", LOCK_END.plusSeconds(1), false));
    }

    @ParameterizedTest(name = "R8 locked {0}: {2}")
    @MethodSource("lockedAt")
    @DisplayName("R8 isLockedAt: the lock end is exclusive")
    void isLockedAt(String scenario, Instant now, boolean locked) {
        assertThat(LOCKED.isLockedAt(now)).isEqualTo(locked);
    }

    @Test
    @DisplayName("R8 a state that was never locked is not locked at any time, and has no lock end")
    void neverLocked() {
        assertThat(counting(4).isLockedAt(T)).isFalse();
        assertThat(GuardState.INITIAL.lockEnd()).isEmpty();
        assertThat(LOCKED.lockEnd()).contains(LOCK_END);
    }

    @Test
    @DisplayName("R8 with maxFailures 1 the first failure locks at once")
    void aPolicyOfOneLocksAtOnce() {
        LockoutPolicy one = new LockoutPolicy(1, Duration.ofMinutes(5), Duration.ofHours(1));

        assertThat(GuardState.INITIAL.afterFailure(T, one)).isEqualTo(new GuardState(0, 1, T, T.plusSeconds(3600)));
    }

    @Test
    @DisplayName("R8 a passed check forgets failures, window and lock, and keeps the generation")
    void afterSuccess() {
        assertThat(new GuardState(2, 5, T, LOCK_END).afterSuccess()).isEqualTo(new GuardState(2, 0, null, null));
    }

    @Test
    @DisplayName("R8 revoking raises the generation by one and keeps everything else")
    void revoked() {
        assertThat(new GuardState(2, 4, T, LOCK_END).revoked()).isEqualTo(new GuardState(3, 4, T, LOCK_END));
        assertThat(GuardState.INITIAL.revoked().revoked().generation()).isEqualTo(2);
    }

    @Test
    @DisplayName("a negative generation or failure count is a bug and throws")
    void negativeCountsThrow() {
        assertThatThrownBy(() -> new GuardState(-1, 0, null, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new GuardState(0, -1, null, null)).isInstanceOf(IllegalArgumentException.class);
    }
}
