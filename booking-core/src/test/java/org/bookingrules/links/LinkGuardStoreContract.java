package org.bookingrules.links;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link LinkGuardStore} must keep (R8: failed identity checks survive restarts
 * and count across nodes), run against each adapter (STYLE 11): subclass it, implement
 * {@link #newStore()}, and the whole suite runs on your adapter. It is shipped in booking-core's test
 * jar so that the JDBC module reuses it unchanged.
 *
 * <p>{@link #newStore()} is called before every test and must return an <em>empty</em> store.
 *
 * <p>Every instant here has microsecond precision on purpose: it is the finest that SQL timestamp
 * types keep, and a store must give back exactly what it was given.
 */
public abstract class LinkGuardStoreContract {

    protected static final String TENANT_A = "tenant-a";
    protected static final String TENANT_B = "tenant-b";
    protected static final String BOOKING_1 = "booking-1";
    protected static final String BOOKING_2 = "booking-2";
    /** When the first failed check of a test happens; microsecond precision. */
    protected static final Instant T0 = Instant.parse("2026-03-03T10:15:30.123456Z");
    /** Five failures in 15 minutes lock the link for 15 minutes. */
    protected static final LockoutPolicy POLICY = LockoutPolicy.DEFAULT;
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

    /** One more failure, whatever the policy: the change the concurrency tests race with. */
    protected static GuardState oneMoreFailure(GuardState state) {
        return new GuardState(state.generation(), state.failures() + 1, state.windowStart(), state.lockedUntil());
    }

    /** Records failures 1 second apart from {@code first}, and returns the state after the last. */
    protected GuardState failuresFrom(Instant first, int count) {
        GuardState state = null;
        for (int i = 0; i < count; i++) {
            state = store.recordFailure(TENANT_A, BOOKING_1, first.plusSeconds(i), POLICY);
        }
        return state;
    }

    /**
     * Runs {@code callsPerThread} calls on each of {@code threads} threads, all released at once by a
     * start gate; fails with the first call's failure, or on a timeout.
     *
     * @param threads how many threads
     * @param callsPerThread how many calls each makes
     * @param call the call, given the thread's index
     * @throws Exception the first failure of a call, or a timeout
     */
    protected static void race(int threads, int callsPerThread, ThreadCall call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch ready = new CountDownLatch(threads);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    if (!start.await(RACE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("the start gate never opened");
                    }
                    for (int i = 0; i < callsPerThread; i++) {
                        call.run(thread);
                    }
                    return null;
                }));
            }
            if (!ready.await(RACE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new TimeoutException("not every thread reached the start gate");
            }
            start.countDown();
            for (Future<?> future : futures) {
                try {
                    future.get(RACE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof Exception cause ? cause : e;
                }
            }
        } finally {
            pool.shutdownNow();
            if (!pool.awaitTermination(RACE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("racing threads did not stop");
            }
        }
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
    @DisplayName("R8 a booking no link has touched reads as INITIAL: generation 0, no failures, no lock")
    public void unknownBookingIsInitial() {
        assertThat(store.state(TENANT_A, "never-seen")).isEqualTo(GuardState.INITIAL);
    }

    @Test
    @DisplayName("R8 update applies the change to the stored state and returns the new state")
    public void updateAppliesAndReturnsTheNewState() {
        GuardState wanted = new GuardState(3, 2, at(0), at(900));

        GuardState returned = store.update(TENANT_A, BOOKING_1, state -> wanted);

        assertThat(returned).isEqualTo(wanted);
        assertThat(store.state(TENANT_A, BOOKING_1)).isEqualTo(wanted);
    }

    @Test
    @DisplayName("R8 update hands the change the state stored now: INITIAL first, then what the last update stored")
    public void updateSeesTheStoredState() {
        AtomicReference<GuardState> seen = new AtomicReference<>();
        GuardState first = new GuardState(1, 4, at(0), null);

        store.update(TENANT_A, BOOKING_1, state -> {
            seen.set(state);
            return first;
        });
        assertThat(seen.get()).isEqualTo(GuardState.INITIAL);

        store.update(TENANT_A, BOOKING_1, state -> {
            seen.set(state);
            return state.revoked();
        });
        assertThat(seen.get()).isEqualTo(first);
        assertThat(store.state(TENANT_A, BOOKING_1)).isEqualTo(first.revoked());
    }

    @Test
    @DisplayName("R8 the state is read back exactly: instants to the microsecond, nulls as nulls")
    public void stateIsReadBackExactly() {
        GuardState precise = new GuardState(Long.MAX_VALUE - 1, Integer.MAX_VALUE,
                Instant.parse("2026-03-03T10:15:30.000001Z"), Instant.parse("2026-12-31T23:59:59.999999Z"));
        store.update(TENANT_A, BOOKING_1, state -> precise);
        assertThat(store.state(TENANT_A, BOOKING_1)).isEqualTo(precise);

        GuardState windowOnly = new GuardState(7, 1, Instant.parse("2026-06-15T12:00:00.654321Z"), null);
        store.update(TENANT_A, BOOKING_1, state -> windowOnly);
        assertThat(store.state(TENANT_A, BOOKING_1)).isEqualTo(windowOnly);

        store.update(TENANT_A, BOOKING_1, GuardState::afterSuccess);
        assertThat(store.state(TENANT_A, BOOKING_1)).isEqualTo(new GuardState(7, 0, null, null));
    }

    @Test
    @DisplayName("R8 states are kept per tenant and booking: a change of one touches no other")
    public void statesAreScopedByTenantAndBooking() {
        store.recordFailure(TENANT_A, BOOKING_1, at(0), POLICY);
        store.update(TENANT_B, BOOKING_1, GuardState::revoked);

        assertThat(store.state(TENANT_A, BOOKING_1)).isEqualTo(new GuardState(0, 1, at(0), null));
        assertThat(store.state(TENANT_A, BOOKING_2)).isEqualTo(GuardState.INITIAL);
        assertThat(store.state(TENANT_B, BOOKING_1)).isEqualTo(new GuardState(1, 0, null, null));
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

    // --- recordFailure ---

    @Test
    @DisplayName("R8 failures 1 to 4 within the window are counted from the first, without a lock")
    public void failuresWithinTheWindowAreCounted() {
        for (int n = 1; n < POLICY.maxFailures(); n++) {
            GuardState after = store.recordFailure(TENANT_A, BOOKING_1, at(n - 1), POLICY);

            assertThat(after).as("after failure %d", n).isEqualTo(new GuardState(0, n, at(0), null));
            assertThat(store.state(TENANT_A, BOOKING_1)).as("stored after failure %d", n).isEqualTo(after);
        }
    }

    @Test
    @DisplayName("R8 the fifth failure within 15 minutes locks the link for 15 minutes from that failure")
    public void theFifthFailureLocks() {
        failuresFrom(at(0), 4);
        Instant fifth = at(0).plus(Duration.ofMinutes(14)).plusSeconds(59).plusNanos(999_000);

        GuardState locked = store.recordFailure(TENANT_A, BOOKING_1, fifth, POLICY);

        assertThat(locked).isEqualTo(new GuardState(0, 5, at(0), fifth.plus(POLICY.lockFor())));
        assertThat(store.state(TENANT_A, BOOKING_1)).isEqualTo(locked);
        assertThat(store.state(TENANT_A, BOOKING_1).isLockedAt(fifth.plus(POLICY.lockFor()).minusNanos(1000)))
                .isTrue();
        assertThat(store.state(TENANT_A, BOOKING_1).isLockedAt(fifth.plus(POLICY.lockFor()))).isFalse();
    }

    @Test
    @DisplayName("R8 failures while locked change nothing: the lock is not extended, the count not raised")
    public void failuresWhileLockedChangeNothing() {
        GuardState locked = failuresFrom(at(0), 5);
        Instant lockEnd = locked.lockedUntil();

        GuardState during = store.recordFailure(TENANT_A, BOOKING_1, at(60), POLICY);
        GuardState lastMicrosecond = store.recordFailure(TENANT_A, BOOKING_1, lockEnd.minusNanos(1000), POLICY);

        assertThat(during).isEqualTo(locked);
        assertThat(lastMicrosecond).isEqualTo(locked);
        assertThat(store.state(TENANT_A, BOOKING_1)).isEqualTo(locked);
        assertThat(store.state(TENANT_A, BOOKING_1).lockedUntil()).isEqualTo(at(4).plus(POLICY.lockFor()));
    }

    @Test
    @DisplayName("R8 a failure at or after the end of the window starts a fresh count at 1")
    public void aFailureAfterTheWindowStartsAFreshCount() {
        failuresFrom(at(0), 4);
        Instant windowEnd = at(0).plus(POLICY.window());

        GuardState fresh = store.recordFailure(TENANT_A, BOOKING_1, windowEnd, POLICY);

        assertThat(fresh).isEqualTo(new GuardState(0, 1, windowEnd, null));
        assertThat(store.state(TENANT_A, BOOKING_1)).isEqualTo(fresh);
    }

    @Test
    @DisplayName("R8 a failure after the lock lapsed starts a fresh count at 1 and clears the lock")
    public void aFailureAfterTheLockLapsedStartsAFreshCount() {
        GuardState locked = failuresFrom(at(0), 5);

        GuardState fresh = store.recordFailure(TENANT_A, BOOKING_1, locked.lockedUntil(), POLICY);

        assertThat(fresh).isEqualTo(new GuardState(0, 1, locked.lockedUntil(), null));
        assertThat(store.state(TENANT_A, BOOKING_1)).isEqualTo(fresh);
        assertThat(fresh.isLockedAt(locked.lockedUntil())).isFalse();
    }

    @Test
    @DisplayName("R8 recordFailure stores exactly what GuardState.afterFailure computes, under another policy too")
    public void recordFailureFollowsAfterFailure() {
        LockoutPolicy strict = new LockoutPolicy(2, Duration.ofMinutes(5), Duration.ofHours(1));
        GuardState expected = GuardState.INITIAL;
        Instant[] times = {at(0), at(10), at(20), at(3600 + 10), at(3600 + 10 + 300), at(3600 + 10 + 301)};
        for (Instant time : times) {
            expected = expected.afterFailure(time, strict);

            assertThat(store.recordFailure(TENANT_A, BOOKING_1, time, strict)).as("at %s", time).isEqualTo(expected);
            assertThat(store.state(TENANT_A, BOOKING_1)).as("stored at %s", time).isEqualTo(expected);
        }
    }

    @Test
    @DisplayName("R8 a passed check forgets the failures and the lock, and keeps the generation")
    public void aPassedCheckForgetsTheFailures() {
        store.update(TENANT_A, BOOKING_1, GuardState::revoked);
        failuresFrom(at(0), 3);

        GuardState after = store.update(TENANT_A, BOOKING_1, GuardState::afterSuccess);

        assertThat(after).isEqualTo(new GuardState(1, 0, null, null));
        assertThat(store.state(TENANT_A, BOOKING_1)).isEqualTo(after);
    }

    // --- revoking ---

    @Test
    @DisplayName("R8 revoking raises the link generation by one each time and keeps the failures")
    public void revokingRaisesTheGeneration() {
        GuardState failed = failuresFrom(at(0), 2);

        GuardState once = store.update(TENANT_A, BOOKING_1, GuardState::revoked);
        GuardState twice = store.update(TENANT_A, BOOKING_1, GuardState::revoked);

        assertThat(once).isEqualTo(new GuardState(1, 2, failed.windowStart(), null));
        assertThat(twice.generation()).isEqualTo(2);
        assertThat(store.state(TENANT_A, BOOKING_1)).isEqualTo(new GuardState(2, 2, at(0), null));
        assertThat(store.state(TENANT_A, BOOKING_2).generation()).isZero();
    }

    @Test
    @DisplayName("R8 failures recorded after a revocation keep the raised generation")
    public void failuresKeepTheGeneration() {
        store.update(TENANT_A, BOOKING_1, GuardState::revoked);

        GuardState locked = failuresFrom(at(0), 5);

        assertThat(locked.generation()).isEqualTo(1);
        assertThat(store.state(TENANT_A, BOOKING_1))
                .isEqualTo(new GuardState(1, 5, at(0), at(4).plus(POLICY.lockFor())));
    }

    // --- concurrency ---

    @Test
    @DisplayName("R8 8 threads x 50 updates of one booking at once: all 400 counted, none lost")
    public void concurrentUpdatesAreNotLost() throws Exception {
        race(THREADS, CALLS_PER_THREAD,
                thread -> store.update(TENANT_A, BOOKING_1, LinkGuardStoreContract::oneMoreFailure));

        assertThat(store.state(TENANT_A, BOOKING_1).failures()).isEqualTo(THREADS * CALLS_PER_THREAD);
    }

    @Test
    @DisplayName("R8 8 threads x 12 recordFailure at one instant, policy of 100: all 96 counted; 8 more lock it at 100")
    public void concurrentFailuresAreNotLost() throws Exception {
        // LockoutPolicy allows at most 100 failures, so 8 x 50 would lock at 100 and hide lost updates;
        // 96 stays below the lock, so every lost update shows as a count below 96.
        LockoutPolicy hundred = new LockoutPolicy(100, Duration.ofHours(1), Duration.ofMinutes(15));

        race(THREADS, 12, thread -> store.recordFailure(TENANT_A, BOOKING_1, T0, hundred));

        assertThat(store.state(TENANT_A, BOOKING_1)).isEqualTo(new GuardState(0, 96, T0, null));
        race(THREADS, 1, thread -> store.recordFailure(TENANT_A, BOOKING_1, T0, hundred));
        assertThat(store.state(TENANT_A, BOOKING_1))
                .isEqualTo(new GuardState(0, 100, T0, T0.plus(hundred.lockFor())));
    }

    @Test
    @DisplayName("R8 concurrent updates of different bookings do not disturb each other")
    public void concurrentUpdatesOfDifferentBookings() throws Exception {
        race(THREADS, 10,
                thread -> store.update(TENANT_A, "booking-t" + thread, LinkGuardStoreContract::oneMoreFailure));

        for (int thread = 0; thread < THREADS; thread++) {
            assertThat(store.state(TENANT_A, "booking-t" + thread).failures()).as("thread %d", thread)
                    .isEqualTo(10);
        }
    }
}
