package org.bookingrules.links;

import java.time.Instant;
import java.util.function.UnaryOperator;

/**
 * Port: where each booking's {@link GuardState} is kept, so that failed identity checks survive a
 * restart and count across nodes (R8). Implementations must be thread-safe and apply each change
 * atomically (no lost update when two nodes record a failure at once).
 * {@link InMemoryLinkGuardStore} is the reference; the JDBC module has a database one.
 */
public interface LinkGuardStore {

    /**
     * The guard state of a booking's links.
     *
     * @param tenantId not null
     * @param bookingId not null
     * @return the state, {@link GuardState#INITIAL} if none is stored
     */
    GuardState state(String tenantId, String bookingId);

    /**
     * Atomically replaces a booking's guard state by a function of it.
     *
     * @param tenantId not null
     * @param bookingId not null
     * @param change the change, not null; it may be called more than once under contention (only
     *     its last result counts), and while it runs no other change of the booking's state may
     *     run (it is called while the state is locked)
     * @return the state after the change
     */
    GuardState update(String tenantId, String bookingId, UnaryOperator<GuardState> change);

    /**
     * Records a failed identity check.
     *
     * @param tenantId not null
     * @param bookingId not null
     * @param at when, not null
     * @param policy the lockout policy, not null
     * @return the state after
     */
    default GuardState recordFailure(String tenantId, String bookingId, Instant at, LockoutPolicy policy) {
        return update(tenantId, bookingId, state -> state.afterFailure(at, policy));
    }
}
