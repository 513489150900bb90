package org.bookingrules.jdbc.hostile;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * One hostile-input case: a name for the report, and a check that runs the hostile call
 * in a fresh {@link HostileWorld} and asserts its expectation (throws {@link AssertionError} if not
 * met). Immutable.
 *
 * @param name what is tried and what is expected, for the report
 * @param readOnly whether the case only checks that nothing changes (it may share a world)
 * @param check the hostile call with its assertions
 */
record HostileCase(String name, boolean readOnly, Consumer<HostileWorld> check) {

    HostileCase {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(check, "check");
    }

    /** A case that may change the world: it gets a fresh one. */
    static HostileCase of(String name, Consumer<HostileWorld> check) {
        return new HostileCase(name, false, check);
    }

    /**
     * A case that asserts that nothing changes: it may share a world with the other read-only cases
     * of its store (a world is dropped as soon as a case on it fails).
     */
    static HostileCase readOnly(String name, Consumer<HostileWorld> check) {
        return new HostileCase(name, true, check);
    }

    @Override
    public String toString() {
        return name;
    }
}
