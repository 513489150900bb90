package org.bookingrules.links;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.UnaryOperator;

/** The in-memory {@link LinkGuardStore}: for tests and single-process products. Thread-safe. */
public final class InMemoryLinkGuardStore implements LinkGuardStore {

    private record Key(String tenantId, String bookingId) {
    }

    private final ConcurrentMap<Key, GuardState> states = new ConcurrentHashMap<>();

    /** An empty store. */
    public InMemoryLinkGuardStore() {
    }

    @Override
    public GuardState state(String tenantId, String bookingId) {
        return states.getOrDefault(new Key(tenantId, bookingId), GuardState.INITIAL);
    }

    @Override
    public GuardState update(String tenantId, String bookingId, UnaryOperator<GuardState> change) {
        Objects.requireNonNull(change, "change");
        return states.compute(new Key(tenantId, bookingId),
                (key, current) -> Objects.requireNonNull(change.apply(current == null ? GuardState.INITIAL : current),
                        "change result"));
    }
}
