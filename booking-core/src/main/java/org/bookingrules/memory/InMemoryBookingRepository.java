package org.bookingrules.memory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.bookingrules.model.Booking;
import org.bookingrules.model.BookingEvent;
import org.bookingrules.model.BookingStatus;
import org.bookingrules.spi.BookingChange;
import org.bookingrules.spi.BookingRepository;
import org.bookingrules.spi.CustomerErasure;
import org.bookingrules.spi.IdempotencyKey;
import org.bookingrules.spi.Notification;
import org.bookingrules.spi.SaveResult;
import org.bookingrules.spi.SlotClaim;
import org.threeten.extra.Interval;

/**
 * The reference {@link BookingRepository}, in memory: for tests, examples and products that
 * persist elsewhere. Thread-safe with the same guarantees as the database adapters: writes are
 * atomic (booking, events and notifications together), versions are checked, and a write that
 * claims its slot never lets two active bookings of one resource overlap. Reads run in parallel;
 * writes are serialized by one lock, which is simple and fast enough for a single process.
 *
 * <p>Notifications are kept as they were queued ({@link #notifications}), so tests can see what a
 * change handed over. Nothing is ever removed, except an expired idempotency key, which the
 * insert of a new booking with the same key replaces. Idempotency keys are kept with the booking's
 * creation instant, which {@link #findIdempotencyKey} returns.
 */
public final class InMemoryBookingRepository implements BookingRepository {

    private record Key(String tenantId, String id) {
    }

    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final Map<Key, Booking> bookings = new HashMap<>();
    private final Map<Key, String> idByCode = new HashMap<>();
    private final Map<Key, List<String>> idsByResource = new HashMap<>();
    private final Map<Key, List<BookingEvent>> events = new HashMap<>();
    private final Map<Key, List<Notification>> notifications = new HashMap<>();
    private final Map<Key, IdempotencyKey> idempotencyKeys = new HashMap<>();

    /** An empty repository. */
    public InMemoryBookingRepository() {
    }

    @Override
    public Optional<Booking> find(String tenantId, String bookingId) {
        return read(() -> Optional.ofNullable(bookings.get(new Key(tenantId, bookingId))));
    }

    @Override
    public Optional<Booking> findByConfirmationCode(String tenantId, String confirmationCode) {
        return read(() -> Optional.ofNullable(idByCode.get(new Key(tenantId, confirmationCode)))
                .map(id -> bookings.get(new Key(tenantId, id))));
    }

    @Override
    public Optional<IdempotencyKey> findIdempotencyKey(String tenantId, String key) {
        return read(() -> Optional.ofNullable(idempotencyKeys.get(new Key(tenantId, key))));
    }

    @Override
    public SaveResult insert(BookingChange change) {
        Objects.requireNonNull(change, "change");
        if (!change.isInsert()) {
            throw new IllegalArgumentException("insert needs a new booking (expectedVersion 0)");
        }
        Booking booking = change.booking();
        Key key = new Key(booking.tenantId(), booking.id());
        return writing(() -> {
            if (bookings.containsKey(key)) {
                throw new IllegalArgumentException("booking id already used in tenant: " + booking.id());
            }
            if (idByCode.containsKey(new Key(booking.tenantId(), booking.confirmationCode()))) {
                return SaveResult.CODE_TAKEN;
            }
            IdempotencyKey idempotency = change.idempotency();
            IdempotencyKey storedKey = idempotency == null ? null
                    : idempotencyKeys.get(new Key(booking.tenantId(), idempotency.key()));
            if (storedKey != null && !idempotency.replaces(storedKey)) {
                return SaveResult.IDEMPOTENCY_KEY_TAKEN;
            }
            if (overlapsAnother(change)) {
                return SaveResult.SLOT_TAKEN;
            }
            if (idempotency != null) {
                // Replaces an expired key of the same name, under the same write lock as the check.
                idempotencyKeys.put(new Key(booking.tenantId(), idempotency.key()),
                        idempotency.asStored(booking.createdAt()));
            }
            idByCode.put(new Key(booking.tenantId(), booking.confirmationCode()), booking.id());
            write(key, null, change);
            return SaveResult.SAVED;
        });
    }

    @Override
    public SaveResult update(BookingChange change) {
        Objects.requireNonNull(change, "change");
        Booking booking = change.booking();
        Key key = new Key(booking.tenantId(), booking.id());
        return writing(() -> {
            Booking stored = bookings.get(key);
            if (stored == null || stored.version() != change.expectedVersion()) {
                return SaveResult.VERSION_CONFLICT;
            }
            if (overlapsAnother(change)) {
                return SaveResult.SLOT_TAKEN;
            }
            write(key, stored, change);
            return SaveResult.SAVED;
        });
    }

    @Override
    public SaveResult erase(CustomerErasure erasure) {
        Objects.requireNonNull(erasure, "erasure");
        return writing(() -> {
            for (BookingChange change : erasure.changes()) {
                Booking stored = bookings.get(new Key(change.booking().tenantId(), change.booking().id()));
                if (stored == null || stored.version() != change.expectedVersion()) {
                    return SaveResult.VERSION_CONFLICT;
                }
            }
            for (BookingChange change : erasure.changes()) {
                Booking erased = change.booking();
                Key key = new Key(erased.tenantId(), erased.id());
                bookings.put(key, erased);
                List<BookingEvent> history = events.getOrDefault(key, List.of()).stream()
                        .map(BookingEvent::withoutFreeText)
                        .collect(Collectors.toCollection(ArrayList::new));
                history.addAll(change.events());
                events.put(key, history);
                // Kept notifications were handed over already; only their copies lose the data.
                notifications.computeIfPresent(key, (k, kept) -> kept.stream()
                        .map(Notification::withoutPersonalData)
                        .collect(Collectors.toCollection(ArrayList::new)));
            }
            return SaveResult.SAVED;
        });
    }

    @Override
    public List<Booking> calendar(String tenantId, String resourceId, Interval interval) {
        return read(() -> idsByResource.getOrDefault(new Key(tenantId, resourceId), List.of()).stream()
                .map(id -> bookings.get(new Key(tenantId, id)))
                .filter(b -> b.isActive() && b.slot().overlaps(interval))
                .sorted(Comparator.comparing(Booking::start))
                .toList());
    }

    @Override
    public List<Booking> customerBookings(String tenantId, String customerId) {
        return read(() -> bookings.values().stream()
                .filter(b -> b.tenantId().equals(tenantId))
                .filter(b -> b.customer().filter(c -> c.id().equals(customerId)).isPresent())
                .sorted(Comparator.comparing(Booking::start))
                .toList());
    }

    @Override
    public List<BookingEvent> history(String tenantId, String bookingId) {
        return read(() -> List.copyOf(events.getOrDefault(new Key(tenantId, bookingId), List.of())));
    }

    @Override
    public List<Booking> dueReminders(Instant now, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be 1 or more, was " + limit);
        }
        return read(() -> bookings.values().stream()
                .filter(b -> b.status() == BookingStatus.PENDING && b.reminder().isArmed())
                .filter(b -> !b.reminder().dueAt().isAfter(now) && now.isBefore(b.start()))
                .sorted(Comparator.comparing((Booking b) -> b.reminder().dueAt()))
                .limit(limit)
                .toList());
    }

    /**
     * The notifications queued for a booking, oldest first, as written with its changes.
     *
     * @param tenantId not null
     * @param bookingId not null
     * @return the notifications, empty if none
     */
    public List<Notification> notifications(String tenantId, String bookingId) {
        return read(() -> List.copyOf(notifications.getOrDefault(new Key(tenantId, bookingId), List.of())));
    }

    /**
     * Every booking of a tenant, in no particular order (for tests and examples).
     *
     * @param tenantId not null
     * @return the bookings
     */
    public List<Booking> all(String tenantId) {
        return read(() -> bookings.values().stream().filter(b -> b.tenantId().equals(tenantId)).toList());
    }

    private boolean overlapsAnother(BookingChange change) {
        Booking booking = change.booking();
        if (change.slotClaim() != SlotClaim.EXCLUSIVE || !booking.isActive()) {
            return false;
        }
        for (String otherId : idsByResource.getOrDefault(new Key(booking.tenantId(), booking.resource().id()),
                List.of())) {
            Booking other = bookings.get(new Key(booking.tenantId(), otherId));
            if (!other.id().equals(booking.id()) && other.isActive() && other.slot().overlaps(booking.slot())) {
                return true;
            }
        }
        return false;
    }

    private void write(Key key, Booking before, BookingChange change) {
        Booking after = change.booking();
        if (before != null && !before.resource().id().equals(after.resource().id())) {
            idsByResource.get(new Key(before.tenantId(), before.resource().id())).remove(before.id());
        }
        if (before == null || !before.resource().id().equals(after.resource().id())) {
            idsByResource.computeIfAbsent(new Key(after.tenantId(), after.resource().id()), k -> new ArrayList<>())
                    .add(after.id());
        }
        bookings.put(key, after);
        events.computeIfAbsent(key, k -> new ArrayList<>()).addAll(change.events());
        notifications.computeIfAbsent(key, k -> new ArrayList<>()).addAll(change.notifications());
    }

    private <T> T writing(Supplier<T> write) {
        return holding(lock.writeLock(), write);
    }

    private <T> T read(Supplier<T> query) {
        return holding(lock.readLock(), query);
    }

    private static <T> T holding(Lock held, Supplier<T> action) {
        held.lock();
        try {
            return action.get();
        } finally {
            held.unlock();
        }
    }
}
