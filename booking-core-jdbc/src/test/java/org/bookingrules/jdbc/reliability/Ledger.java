package org.bookingrules.jdbc.reliability;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.bookingrules.Outcome;
import org.bookingrules.model.Booking;
import org.bookingrules.spi.Notification;

/**
 * What the callers were told was done: every {@link Outcome.Done} that changed a booking, with the
 * events it appended and the notifications the facade queued. {@link ConsistencyCheck} compares
 * the tables with it: a booking's stored version must equal the events the ledger counted for it,
 * its outbox rows must be exactly the notifications the ledger holds, and a booking the ledger does
 * not know must not exist (a failed {@code book} left nothing behind). Thread-safe.
 */
final class Ledger {

    /** What the ledger knows of one booking. */
    record Entry(String tenantId, String bookingId, long events, long highestVersion, Set<String> notificationIds) {
    }

    private final Map<String, Entry> entries = new HashMap<>();

    /**
     * Records an outcome; refusals and outcomes that changed nothing add nothing.
     *
     * @param outcome the outcome a command returned
     */
    void record(Outcome outcome) {
        if (outcome instanceof Outcome.Done done && done.changed()) {
            add(done.booking(), done.events().size(), done.notifications().stream().map(Notification::id)
                    .toList());
        }
    }

    /**
     * Records a change the caller was not told of, but knows is stored (the commit whose reply was
     * lost): its booking after the change, its number of events and its notification ids.
     *
     * @param after the booking after the change
     * @param events how many events the change appended
     * @param notificationIds the notifications it queued
     */
    void recordStored(Booking after, int events, Iterable<String> notificationIds) {
        add(after, events, notificationIds);
    }

    private synchronized void add(Booking after, int events, Iterable<String> ids) {
        String key = key(after.tenantId(), after.id());
        Entry old = entries.get(key);
        Set<String> notifications = old == null ? new HashSet<>() : new HashSet<>(old.notificationIds());
        for (String id : ids) {
            if (!notifications.add(id)) {
                throw new IllegalStateException("notification " + id + " recorded twice");
            }
        }
        entries.put(key, new Entry(after.tenantId(), after.id(), (old == null ? 0 : old.events()) + events,
                Math.max(old == null ? 0 : old.highestVersion(), after.version()), Set.copyOf(notifications)));
    }

    /**
     * @return every booking the ledger knows, by {@code tenant/id}
     */
    synchronized Map<String, Entry> entries() {
        return Map.copyOf(entries);
    }

    /** @return how many notifications the ledger holds */
    synchronized long notifications() {
        return entries.values().stream().mapToLong(e -> e.notificationIds().size()).sum();
    }

    static String key(String tenantId, String bookingId) {
        return tenantId + "/" + bookingId;
    }
}
