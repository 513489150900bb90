package org.bookingrules.waitlist;

import java.util.List;
import java.util.Objects;

/**
 * An entry's new state and the events that led to it, to be stored if the stored version is
 * still {@code expectedVersion} (0: a new entry). Immutable.
 *
 * @param entry the new state, not null
 * @param expectedVersion the stored version it replaces, 0 for a new entry
 * @param events what happened, oldest first, not null, not empty
 */
public record EntryChange(WaitlistEntry entry, long expectedVersion, List<WaitlistEvent> events) {

    /**
     * Checks the fields.
     *
     * @param entry not null
     * @param expectedVersion 0 or more, below the entry's version
     * @param events not empty
     */
    public EntryChange {
        Objects.requireNonNull(entry, "entry");
        if (expectedVersion < 0 || expectedVersion >= entry.version()) {
            throw new IllegalArgumentException("expectedVersion must be 0 to the entry's version - 1, was "
                    + expectedVersion);
        }
        events = List.copyOf(events);
        if (events.isEmpty()) {
            throw new IllegalArgumentException("events must not be empty");
        }
    }

    /**
     * An entry changed by one event.
     *
     * @param before the stored entry
     * @param after its new state
     * @param event what happened
     * @return the change
     */
    public static EntryChange of(WaitlistEntry before, WaitlistEntry after, WaitlistEvent event) {
        return new EntryChange(after, before == null ? 0 : before.version(), List.of(event));
    }
}
