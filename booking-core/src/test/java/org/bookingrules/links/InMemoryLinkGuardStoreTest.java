package org.bookingrules.links;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("InMemoryLinkGuardStore keeps the link guard store contract")
class InMemoryLinkGuardStoreTest extends LinkGuardStoreContract {

    @Override
    protected LinkGuardStore newStore() {
        return new InMemoryLinkGuardStore();
    }

    @Test
    @DisplayName("STYLE 13 negative control: a read-then-write store loses updates in the same race harness")
    void aReadThenWriteStoreLosesUpdates() throws Exception {
        ReadThenWriteStore naive = new ReadThenWriteStore(THREADS);

        race(THREADS, CALLS_PER_THREAD,
                thread -> naive.update(TENANT_A, BOOKING_1, GuardState::revoked));

        // Every round, all threads read the same state before any writes: 50 applied, not 400.
        assertThat(naive.state(TENANT_A, BOOKING_1).generation()).isEqualTo(CALLS_PER_THREAD)
                .isLessThan(THREADS * CALLS_PER_THREAD);
    }

    /**
     * Reads, waits until every racing thread has read, then writes: the check-then-act a store must
     * not do, made to interleave every time so the control is deterministic.
     */
    private static final class ReadThenWriteStore implements LinkGuardStore {
        private final InMemoryLinkGuardStore states = new InMemoryLinkGuardStore();
        private final CyclicBarrier allHaveRead;

        ReadThenWriteStore(int threads) {
            this.allHaveRead = new CyclicBarrier(threads);
        }

        @Override
        public GuardState state(String tenantId, String bookingId) {
            return states.state(tenantId, bookingId);
        }

        @Override
        public GuardState update(String tenantId, String bookingId, UnaryOperator<GuardState> change) {
            GuardState next = change.apply(states.state(tenantId, bookingId));
            try {
                allHaveRead.await(RACE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } catch (BrokenBarrierException | TimeoutException e) {
                throw new IllegalStateException(e);
            }
            return states.update(tenantId, bookingId, ignored -> next);
        }
    }
}
