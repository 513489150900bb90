package org.bookingrules.links;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.bookingrules.testing.Race;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link LinkGuardStore} must keep (R8: identity checks and the locks they lead
 * to survive restarts and count across nodes), run against each adapter (STYLE 11): subclass it, implement
 * {@link #newStore()}, and the whole suite runs on your adapter. It is shipped in booking-core's test
 * jar so that the JDBC module reuses it unchanged.
 *
 * <p>{@link #newStore()} is called before every test and must return an <em>empty</em> store.
 *
 * <p>Every instant here has microsecond precision on purpose: it is the finest that SQL timestamp
 * types keep ({@link GuardState} truncates to it), and a store must give back exactly what it was
 * given.
 */
public abstract class LinkGuardStoreContract {

    protected static final String TENANT_A = "tenant-a";
    protected static final String TENANT_B = "tenant-b";
    protected static final String BOOKING_1 = "booking-1";
    protected static final String BOOKING_2 = "booking-2";
    /** When the first failed check of a test happens; microsecond precision. */
    protected static final Instant T0 = Instant.parse("2026-03-03T10:15:30.123456Z");
    /** Five wrong answers in 15 minutes lock for 15 minutes, escalating; 10 a day; 20 in 30 days. */
    protected static final LockoutPolicy POLICY = LockoutPolicy.DEFAULT;
    /** Three wrong answers lock for 10 minutes, doubling up to an hour; caps high enough not to interfere. */
    protected static final LockoutPolicy ESCALATING = new LockoutPolicy(3, Duration.ofMinutes(15), Duration.ofMinutes(10),
            Duration.ofHours(1), 50, 100, 10);
    /** Threads of the concurrency tests. */
    protected static final int THREADS = 8;
    /** Calls per thread of the concurrency tests. */
    protected static final int CALLS_PER_THREAD = 50;
    /** Longest a concurrency test may take before it is a failure, not a hang. */
    protected static final long RACE_TIMEOUT_SECONDS = 180;

    private LinkGuardStore store;

    /**
     * A new, empty store of the adapter under test.
     *
     * @return the store
     */
    protected abstract LinkGuardStore newStore();

    @BeforeEach
    public void createStore() {
        store = newStore();
    }

    /** @return the store of the running test */
    protected final LinkGuardStore store() {
        return store;
    }

    // --- helpers ---

    /** T0 plus a number of seconds. */
    protected static Instant at(long seconds) {
        return T0.plusSeconds(seconds);
    }

    /** T0 plus a number of minutes. */
    protected static Instant minute(long minutes) {
        return T0.plus(Duration.ofMinutes(minutes));
    }

    /** A state with these wrong answers and nothing else. */
    protected static GuardState failed(long generation, Instant... failures) {
        return new GuardState(generation, List.of(failures), List.of(), 0, null, false);
    }

    /** Records wrong answers 1 second apart from {@code first}, and returns the state after the last. */
    protected GuardState failuresFrom(Instant first, int count) {
        return failuresEvery(first, Duration.ofSeconds(1), count, POLICY);
    }

    /** Records wrong answers {@code every} apart from {@code first}, and returns the state after the last. */
    protected GuardState failuresEvery(Instant first, Duration every, int count, LockoutPolicy policy) {
        GuardState state = null;
        for (int i = 0; i < count; i++) {
            state = store.recordFailure(TENANT_A, BOOKING_1, first.plus(every.multipliedBy(i)), policy);
        }
        return state;
    }

    /** A right answer at an instant. */
    protected GuardState success(Instant at, LockoutPolicy policy) {
        return store.update(TENANT_A, BOOKING_1, state -> state.afterSuccess(at, policy));
    }

    /**
     * Runs {@code callsPerThread} calls on each of {@code threads} threads, all released at once by a
     * start gate ({@link Race}); fails with the first call's failure, or on a timeout.
     *
     * @param threads how many threads
     * @param callsPerThread how many calls each makes
     * @param call the call, given the thread's index
     * @throws Exception the first failure of a call, or a timeout
     */
    protected static void race(int threads, int callsPerThread, ThreadCall call) throws Exception {
        Race.of(threads).withTimeout(Duration.ofSeconds(RACE_TIMEOUT_SECONDS)).repeat(callsPerThread, call::run);
    }

    /** One call of a racing thread. */
    @FunctionalInterface
    protected interface ThreadCall {
        /**
         * @param thread the thread's index, 0 to threads - 1
         * @throws Exception any failure, which fails the race
         */
        void run(int thread) throws Exception;
    }

    // --- reading and writing ---

    @Test
    @DisplayName("R8 a booking no link has touched reads as INITIAL: generation 0, nothing counted, no lock")
    public void unknownBookingIsInitial() {
        assertThat(store.state(TENANT_A, "never-seen")).isEqualTo(GuardState.INITIAL);
    }

    @Test
    @DisplayName("R8 update applies the change to the stored state and returns the new state")
    public void updateAppliesAndReturnsTheNewState() {
        GuardState wanted = new GuardState(3, List.of(at(0), at(1)), List.of(at(2)), 2, at(900), false);

        GuardState returned = store.update(TENANT_A, BOOKING_1, state -> wanted);

        assertThat(returned).isEqualTo(wanted);
        assertThat(store.state(TENANT_A, BOOKING_1)).isEqualTo(wanted);
    }

    @Test
    @DisplayName("R8 update hands the change the state stored now: INITIAL first, then what the last update stored")
    public void updateSeesTheStoredState() {
        AtomicReference<GuardState> seen = new AtomicReference<>();
        GuardState first = failed(1, at(0), at(1), at(2), at(3));

        store.update(TENANT_A, BOOKING_1, state -> {
            seen.set(state);
            return first;
        });
        assertThat(seen.get()).isEqualTo(GuardState.INITIAL);

        store.update(TENANT_A, BOOKING_1, state -> {
            seen.set(state);
            return state.unlocked();
        });
        assertThat(seen.get()).isEqualTo(first);
        assertThat(store.state(TENANT_A, BOOKING_1)).isEqualTo(first.unlocked());
    }

    @Test
    @DisplayName("R8 the state is read back exactly: 100 instants of each list to the microsecond, before 1970 too, extremes, nulls as nulls")
    public void stateIsReadBackExactly() {
        List<Instant> failures = new ArrayList<>();
        List<Instant> grants = new ArrayList<>();
        Instant early = Instant.parse("1969-12-31T23:59:59.999999Z");
        for (int i = 0; i < LockoutPolicy.MAX_COUNT; i++) {
            failures.add(early.plusNanos(1000L * i));
            grants.add(Instant.parse("9999-12-31T23:59:59.000001Z").minusSeconds(LockoutPolicy.MAX_COUNT - i));
        }
        GuardState precise = new GuardState(Long.MAX_VALUE - 1, failures, grants, Integer.MAX_VALUE,
                Instant.parse("2026-12-31T23:59:59.999999Z"), true);
        store.update(TENANT_A, BOOKING_1, state -> precise);
        assertThat(store.state(TENANT_A, BOOKING_1)).isEqualTo(precise);

        GuardState listsOnly = new GuardState(7, List.of(Instant.parse("2026-06-15T12:00:00.654321Z")),
                List.of(), 0, null, false);
        store.update(TENANT_A, BOOKING_1, state -> listsOnly);
        assertThat(store.state(TENANT_A, BOOKING_1)).isEqualTo(listsOnly);

        store.update(TENANT_A, BOOKING_1, GuardState::unlocked);
        assertThat(store.state(TENANT_A, BOOKING_1)).isEqualTo(new GuardState(7, List.of(), List.of(), 0, null, false));
    }

    @Test
    @DisplayName("R8 states are kept per tenant and booking: a change of one touches no other")
    public void statesAreScopedByTenantAndBooking() {
        store.recordFailure(TENANT_A, BOOKING_1, at(0), POLICY);
        store.update(TENANT_B, BOOKING_1, GuardState::revoked);

        assertThat(store.state(TENANT_A, BOOKING_1)).isEqualTo(failed(0, at(0)));
        assertThat(store.state(TENANT_A, BOOKING_2)).isEqualTo(GuardState.INITIAL);
        assertThat(store.state(TENANT_B, BOOKING_1)).isEqualTo(failed(1));
        assertThat(store.state(TENANT_B, BOOKING_2)).isEqualTo(GuardState.INITIAL);
    }

    @Test
    @DisplayName("R8 a change that throws stores nothing, and the failure reaches the caller")
    public void aChangeThatThrowsStoresNothing() {
        GuardState before = store.recordFailure(TENANT_A, BOOKING_1, at(0), POLICY);

        assertThatThrownBy(() -> store.update(TENANT_A, BOOKING_1, state -> {
            throw new IllegalStateException("refused by the change");
        })).isInstanceOf(IllegalStateException.class).hasMessage("refused by the change");

        assertThat(store.state(TENANT_A, BOOKING_1)).isEqualTo(before);
    }

    @Test
    @DisplayName("R8 a change that returns null is refused and stores nothing")
    public void aChangeThatReturnsNullIsRefused() {
        GuardState before = store.recordFailure(TENANT_A, BOOKING_1, at(0), POLICY);

        assertThatThrownBy(() -> store.update(TENANT_A, BOOKING_1, state -> null))
                .isInstanceOf(NullPointerException.class);

        assertThat(store.state(TENANT_A, BOOKING_1)).isEqualTo(before);
    }

    // --- the short lock and its escalation ---

    @Test
    @DisplayName("R8 wrong answers 1 to 4 within the window are each kept, without a lock")
    public void failuresWithinTheWindowAreCounted() {
        List<Instant> times = new ArrayList<>();
        for (int n = 1; n < POLICY.maxFailures(); n++) {
            times.add(at(n - 1));
            GuardState after = store.recordFailure(TENANT_A, BOOKING_1, at(n - 1), POLICY);

            assertThat(after).as("after failure %d", n).isEqualTo(failed(0, times.toArray(Instant[]::new)));
            assertThat(after.failuresInWindow(at(n - 1), POLICY)).isEqualTo(n);
            assertThat(store.state(TENANT_A, BOOKING_1)).as("stored after failure %d", n).isEqualTo(after);
        }
    }

    @Test
    @DisplayName("R8 the fifth wrong answer within 15 minutes locks the link for 15 minutes from it")
    public void theFifthFailureLocks() {
        failuresFrom(at(0), 4);
        Instant fifth = at(0).plus(Duration.ofMinutes(14)).plusSeconds(59).plusNanos(999_000);

        GuardState locked = store.recordFailure(TENANT_A, BOOKING_1, fifth, POLICY);

        assertThat(locked).isEqualTo(new GuardState(0, List.of(at(0), at(1), at(2), at(3), fifth), List.of(), 1,
                fifth.plus(POLICY.lockFor()), false));
        assertThat(store.state(TENANT_A, BOOKING_1)).isEqualTo(locked);
        assertThat(locked.isLockedAt(fifth.plus(POLICY.lockFor()).minusNanos(1000))).isTrue();
        assertThat(locked.isLockedAt(fifth.plus(POLICY.lockFor()))).isFalse();
    }

    @Test
    @DisplayName("R8 wrong answers while locked change nothing: the lock is not extended, nothing counted")
    public void failuresWhileLockedChangeNothing() {
        GuardState locked = failuresFrom(at(0), 5);
        Instant lockEnd = locked.lockedUntil();

        GuardState during = store.recordFailure(TENANT_A, BOOKING_1, at(60), POLICY);
        GuardState lastMicrosecond = store.recordFailure(TENANT_A, BOOKING_1, lockEnd.minusNanos(1000), POLICY);

        assertThat(during).isEqualTo(locked);
        assertThat(lastMicrosecond).isEqualTo(locked);
        assertThat(store.state(TENANT_A, BOOKING_1)).isEqualTo(locked);
        assertThat(locked.lockedUntil()).isEqualTo(at(4).plus(POLICY.lockFor()));
    }

    @Test
    @DisplayName("R8 a wrong answer 15 minutes after the others counts alone: the window is less than 15 minutes back")
    public void aFailureAfterTheWindowCountsAlone() {
        failuresFrom(at(0), 4);

        GuardState after = store.recordFailure(TENANT_A, BOOKING_1, at(3).plus(POLICY.window()), POLICY);

        assertThat(after.failuresInWindow(at(3).plus(POLICY.window()), POLICY)).isEqualTo(1);
        assertThat(after.lockedUntil()).isNull();
        assertThat(after.failureTimes()).hasSize(5);
    }

    @Test
    @DisplayName("R8 after a lock ends the short count starts again, and each lock lasts twice the one before, up to the longest")
    public void locksEscalate() {
        Instant t = at(0);
        List<Duration> lengths = new ArrayList<>();
        for (int lock = 1; lock <= 5; lock++) {
            // From the instant the lock ends, three more wrong answers one second apart lock it again.
            GuardState locked = failuresEvery(t, Duration.ofSeconds(1), ESCALATING.maxFailures(), ESCALATING);
            Instant last = t.plusSeconds(ESCALATING.maxFailures() - 1);
            assertThat(locked.isLockedAt(last)).as("lock %d", lock).isTrue();
            assertThat(locked.locks()).as("lock %d", lock).isEqualTo(lock);
            lengths.add(Duration.between(last, locked.lockedUntil()));
            t = locked.lockedUntil();
        }

        assertThat(lengths).containsExactly(Duration.ofMinutes(10), Duration.ofMinutes(20), Duration.ofMinutes(40),
                Duration.ofHours(1), Duration.ofHours(1));
    }

    @Test
    @DisplayName("R8 a right answer starts the escalation again and the short count after it; wrong answers stay counted for the caps")
    public void aRightAnswerStartsTheEscalationAgain() {
        GuardState locked = failuresEvery(at(0), Duration.ofSeconds(1), 3, ESCALATING);
        Instant open = locked.lockedUntil();

        GuardState passed = success(open, ESCALATING);

        assertThat(passed.locks()).isZero();
        assertThat(passed.grantTimes()).containsExactly(open);
        assertThat(passed.failureTimes()).containsExactly(at(0), at(1), at(2));
        assertThat(passed.failuresWithin(open, LockoutPolicy.DAY)).isEqualTo(3);
        GuardState wrongAtTheSameMicrosecond = store.recordFailure(TENANT_A, BOOKING_1, open, ESCALATING);
        assertThat(wrongAtTheSameMicrosecond.failuresInWindow(open, ESCALATING)).isZero();
        GuardState relocked = failuresEvery(open.plusSeconds(1), Duration.ofSeconds(1), 3, ESCALATING);
        assertThat(Duration.between(open.plusSeconds(3), relocked.lockedUntil())).as("first length again")
                .isEqualTo(ESCALATING.lockFor());
    }

    @Test
    @DisplayName("R8 recordFailure stores exactly what GuardState.afterFailure computes, under another policy too")
    public void recordFailureFollowsAfterFailure() {
        LockoutPolicy strict = new LockoutPolicy(2, Duration.ofMinutes(5), Duration.ofHours(1));
        GuardState expected = GuardState.INITIAL;
        Instant[] times = {at(0), at(10), at(20), at(3600 + 10), at(3600 + 10 + 300), at(3600 + 10 + 301),
            at(3 * 3600 + 12), at(3 * 3600 + 13), at(9 * 3600), at(9 * 3600 + 1)};
        for (Instant time : times) {
            expected = expected.afterFailure(time, strict);

            assertThat(store.recordFailure(TENANT_A, BOOKING_1, time, strict)).as("at %s", time).isEqualTo(expected);
            assertThat(store.state(TENANT_A, BOOKING_1)).as("stored at %s", time).isEqualTo(expected);
        }
    }

    // --- the caps ---

    @Test
    @DisplayName("R8 the tenth wrong answer in 24 hours locks until the first of them is a day old, though no short lock ran")
    public void theDailyCapLocks() {
        GuardState before = failuresEvery(at(0), Duration.ofMinutes(4), 9, POLICY);
        assertThat(before.lockedUntil()).as("four minutes apart never make five in 15 minutes").isNull();

        GuardState capped = store.recordFailure(TENANT_A, BOOKING_1, minute(36), POLICY);

        assertThat(capped.lockedUntil()).isEqualTo(at(0).plus(LockoutPolicy.DAY));
        assertThat(capped.isLockedAt(at(0).plus(LockoutPolicy.DAY).minusNanos(1000))).isTrue();
        GuardState next = store.recordFailure(TENANT_A, BOOKING_1, at(0).plus(LockoutPolicy.DAY), POLICY);
        assertThat(next.isLockedAt(at(0).plus(LockoutPolicy.DAY)))
                .as("the oldest left the day: one more answer makes ten again and locks until the second is a day old")
                .isTrue();
        assertThat(next.lockedUntil()).as("the second lock, 30 minutes, outlasts the 4 minutes until the day frees")
                .isEqualTo(at(0).plus(LockoutPolicy.DAY).plus(Duration.ofMinutes(30)));
    }

    @Test
    @DisplayName("R8 the twentieth wrong answer in 30 days needs staff or a new generation: no amount of waiting opens it")
    public void theThirtyDayCapNeedsStaff() {
        GuardState state = failuresEvery(at(0), Duration.ofHours(3), 19, POLICY);
        assertThat(state.needsNewLink()).isFalse();
        Instant twentieth = at(0).plus(Duration.ofHours(3 * 19));

        GuardState capped = store.recordFailure(TENANT_A, BOOKING_1, twentieth, POLICY);

        assertThat(capped.needsNewLink()).isTrue();
        assertThat(capped.isLockedAt(twentieth.plus(Duration.ofDays(365)))).isTrue();
        assertThat(capped.lockEnd()).isEmpty();
        assertThat(store.recordFailure(TENANT_A, BOOKING_1, twentieth.plus(Duration.ofDays(60)), POLICY))
                .isEqualTo(capped);
        assertThat(store.update(TENANT_A, BOOKING_1, state2 -> state2.afterSuccess(twentieth.plus(Duration.ofDays(60)),
                POLICY))).as("a right answer does not open it either").isEqualTo(capped);
        GuardState unlocked = store.update(TENANT_A, BOOKING_1, GuardState::unlocked);
        assertThat(unlocked.isLockedAt(twentieth)).isFalse();
        assertThat(unlocked.failureTimes()).isEmpty();
        assertThat(unlocked.generation()).isZero();
    }

    @Test
    @DisplayName("R8 the eleventh right answer in an hour is refused and locks until the first of them is an hour old")
    public void rightAnswersAreCapped() {
        for (int i = 0; i < POLICY.maxGrantsPerHour(); i++) {
            GuardState passed = success(minute(i), POLICY);
            assertThat(passed.isLockedAt(minute(i))).as("right answer %d", i + 1).isFalse();
        }

        GuardState refused = success(minute(30), POLICY);

        assertThat(refused.grantTimes()).hasSize(POLICY.maxGrantsPerHour());
        assertThat(refused.lockedUntil()).isEqualTo(minute(60));
        assertThat(refused.isLockedAt(minute(59))).isTrue();
        assertThat(store.recordFailure(TENANT_A, BOOKING_1, minute(31), POLICY)).as("wrong answers meet the lock too")
                .isEqualTo(refused);
        GuardState later = success(minute(60), POLICY);
        assertThat(later.isLockedAt(minute(60))).isFalse();
        assertThat(later.grantTimes()).hasSize(POLICY.maxGrantsPerHour()).endsWith(minute(60));
    }

    // --- staff ---

    @Test
    @DisplayName("R8 revoking raises the link generation by one each time and the new generation starts unlocked with nothing counted")
    public void revokingRaisesTheGeneration() {
        failuresFrom(at(0), 5);

        GuardState once = store.update(TENANT_A, BOOKING_1, GuardState::revoked);
        GuardState twice = store.update(TENANT_A, BOOKING_1, GuardState::revoked);

        assertThat(once).isEqualTo(failed(1));
        assertThat(twice.generation()).isEqualTo(2);
        assertThat(store.state(TENANT_A, BOOKING_1)).isEqualTo(failed(2));
        assertThat(store.state(TENANT_A, BOOKING_2).generation()).isZero();
    }

    @Test
    @DisplayName("R8 failures recorded after a revocation keep the raised generation")
    public void failuresKeepTheGeneration() {
        store.update(TENANT_A, BOOKING_1, GuardState::revoked);

        GuardState locked = failuresFrom(at(0), 5);

        assertThat(locked.generation()).isEqualTo(1);
        assertThat(store.state(TENANT_A, BOOKING_1)).isEqualTo(new GuardState(1,
                List.of(at(0), at(1), at(2), at(3), at(4)), List.of(), 1, at(4).plus(POLICY.lockFor()), false));
    }

    // --- concurrency ---

    @Test
    @DisplayName("R8 8 threads x 50 updates of one booking at once: all 400 applied, none lost")
    public void concurrentUpdatesAreNotLost() throws Exception {
        race(THREADS, CALLS_PER_THREAD, thread -> store.update(TENANT_A, BOOKING_1, GuardState::revoked));

        assertThat(store.state(TENANT_A, BOOKING_1).generation()).isEqualTo(THREADS * CALLS_PER_THREAD);
    }

    @Test
    @DisplayName("R8 8 threads x 12 recordFailure at one instant, policy of 100: all 96 kept; 8 more reach 100 and need staff")
    public void concurrentFailuresAreNotLost() throws Exception {
        // A policy counts at most 100, so 8 x 50 would stop at 100 and hide lost updates;
        // 96 stays below every cap, so every lost update shows as fewer than 96.
        LockoutPolicy hundred = new LockoutPolicy(100, Duration.ofHours(1), Duration.ofMinutes(15));

        race(THREADS, 12, thread -> store.recordFailure(TENANT_A, BOOKING_1, T0, hundred));

        assertThat(store.state(TENANT_A, BOOKING_1).failureTimes()).hasSize(96).containsOnly(T0);
        race(THREADS, 1, thread -> store.recordFailure(TENANT_A, BOOKING_1, T0, hundred));
        GuardState full = store.state(TENANT_A, BOOKING_1);
        assertThat(full.failureTimes()).hasSize(100);
        assertThat(full.needsNewLink()).isTrue();
    }

    @Test
    @DisplayName("R8 concurrent updates of different bookings do not disturb each other")
    public void concurrentUpdatesOfDifferentBookings() throws Exception {
        race(THREADS, 10, thread -> store.update(TENANT_A, "booking-t" + thread, GuardState::revoked));

        for (int thread = 0; thread < THREADS; thread++) {
            assertThat(store.state(TENANT_A, "booking-t" + thread).generation()).as("thread %d", thread)
                    .isEqualTo(10);
        }
    }
}
