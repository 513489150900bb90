package org.bookingrules.memory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
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
import org.bookingrules.waitlist.EntryChange;
import org.bookingrules.waitlist.EntryStatus;
import org.bookingrules.waitlist.HoldStatus;
import org.bookingrules.waitlist.OfferRules;
import org.bookingrules.waitlist.SlotHold;
import org.bookingrules.waitlist.SlotOffer;
import org.bookingrules.waitlist.WaitlistChange;
import org.bookingrules.waitlist.WaitlistEntry;
import org.bookingrules.waitlist.WaitlistEvent;
import org.bookingrules.waitlist.WaitlistNotice;
import org.bookingrules.waitlist.WaitlistStore;
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
 *
 * <p>It keeps a cancellation list too ({@link WaitlistStore}): a hold that is open at a change's
 * instant keeps bookings off its slot under the same lock as the overlap check, and the notices
 * of each stored change are kept ({@link #notices}).
 */
public final class InMemoryBookingRepository implements BookingRepository, WaitlistStore {

    private record Key(String tenantId, String id) {
    }

    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final Map<Key, Booking> bookings = new HashMap<>();
    private final Map<Key, String> idByCode = new HashMap<>();
    private final Map<Key, List<String>> idsByResource = new HashMap<>();
    private final Map<Key, List<BookingEvent>> events = new HashMap<>();
    private final Map<Key, List<Notification>> notifications = new HashMap<>();
    private final Map<Key, IdempotencyKey> idempotencyKeys = new HashMap<>();
    private final Map<Key, WaitlistEntry> entries = new HashMap<>();
    private final Map<Key, List<WaitlistEvent>> entryEvents = new HashMap<>();
    private final Map<Key, SlotHold> holds = new HashMap<>();
    /** The holds of each resource, by (tenant, resource id): what a booking's overlap check reads. */
    private final Map<Key, List<SlotHold>> holdsByResource = new HashMap<>();
    private final Map<Key, SlotOffer> offers = new HashMap<>();
    private final List<WaitlistNotice> notices = new ArrayList<>();

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
        return writingUnless(() -> refusedInsert(change, null), () -> applyInsert(change));
    }

    @Override
    public SaveResult update(BookingChange change) {
        Objects.requireNonNull(change, "change");
        return writingUnless(() -> refusedUpdate(change, null), () -> applyUpdate(change));
    }

    /** Under the write lock: the refusal if there is one, else the write, SAVED. */
    private SaveResult writingUnless(Supplier<SaveResult> refusal, Runnable write) {
        return writing(() -> {
            SaveResult refused = refusal.get();
            if (refused != null) {
                return refused;
            }
            write.run();
            return SaveResult.SAVED;
        });
    }

    /** Why an insert cannot be written, or null if it can; {@code takenHold} is not in its way. */
    private SaveResult refusedInsert(BookingChange change, String takenHold) {
        Booking booking = change.booking();
        if (bookings.containsKey(new Key(booking.tenantId(), booking.id()))) {
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
        return overlapsAnother(change, takenHold) ? SaveResult.SLOT_TAKEN : null;
    }

    private void applyInsert(BookingChange change) {
        Booking booking = change.booking();
        IdempotencyKey idempotency = change.idempotency();
        if (idempotency != null) {
            // Replaces an expired key of the same name, under the same write lock as the check.
            idempotencyKeys.put(new Key(booking.tenantId(), idempotency.key()),
                    idempotency.asStored(booking.createdAt()));
        }
        idByCode.put(new Key(booking.tenantId(), booking.confirmationCode()), booking.id());
        write(new Key(booking.tenantId(), booking.id()), null, change);
    }

    /** Why an update cannot be written, or null if it can; {@code takenHold} is not in its way. */
    private SaveResult refusedUpdate(BookingChange change, String takenHold) {
        Booking stored = bookings.get(new Key(change.booking().tenantId(), change.booking().id()));
        if (stored == null || stored.version() != change.expectedVersion()) {
            return SaveResult.VERSION_CONFLICT;
        }
        return overlapsAnother(change, takenHold) ? SaveResult.SLOT_TAKEN : null;
    }

    private void applyUpdate(BookingChange change) {
        Key key = new Key(change.booking().tenantId(), change.booking().id());
        write(key, bookings.get(key), change);
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
        return select(bookings.values(), b -> b.tenantId().equals(tenantId)
                && b.customer().filter(c -> c.id().equals(customerId)).isPresent(),
                Comparator.comparing(Booking::start), Integer.MAX_VALUE);
    }

    @Override
    public List<BookingEvent> history(String tenantId, String bookingId) {
        return read(() -> List.copyOf(events.getOrDefault(new Key(tenantId, bookingId), List.of())));
    }

    @Override
    public List<Booking> dueReminders(Instant now, int limit) {
        requireLimit(limit);
        return select(bookings.values(), b -> b.status() == BookingStatus.PENDING && b.reminder().isArmed()
                && !b.reminder().dueAt().isAfter(now) && now.isBefore(b.start()),
                Comparator.comparing((Booking b) -> b.reminder().dueAt()), limit);
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

    // ------------------------------------------------------------------------------- waitlist

    @Override
    public Optional<WaitlistEntry> findEntry(String tenantId, String entryId) {
        return read(() -> Optional.ofNullable(entries.get(new Key(tenantId, entryId))));
    }

    @Override
    public List<WaitlistEntry> customerEntries(String tenantId, String customerId) {
        return select(entries.values(), e -> e.tenantId().equals(tenantId) && e.customer().id().equals(customerId),
                OfferRules.ORDER, Integer.MAX_VALUE);
    }

    @Override
    public List<WaitlistEntry> waitingFor(String tenantId, String serviceId, String resourceId, Interval slot,
                                          int limit) {
        requireLimit(limit);
        return select(entries.values(), e -> e.tenantId().equals(tenantId) && e.status() == EntryStatus.WAITING
                && e.service().id().equals(serviceId)
                && (e.resourceId() == null || e.resourceId().equals(resourceId)) && e.window().encloses(slot),
                OfferRules.ORDER, limit);
    }

    @Override
    public List<WaitlistEvent> entryHistory(String tenantId, String entryId) {
        return read(() -> List.copyOf(entryEvents.getOrDefault(new Key(tenantId, entryId), List.of())));
    }

    @Override
    public Optional<SlotHold> findHold(String tenantId, String holdId) {
        return read(() -> Optional.ofNullable(holds.get(new Key(tenantId, holdId))));
    }

    @Override
    public List<SlotHold> holds(String tenantId, String resourceId, Interval interval) {
        return select(holdsByResource.getOrDefault(new Key(tenantId, resourceId), List.of()),
                h -> h.slot().overlaps(interval),
                Comparator.comparing((SlotHold h) -> h.slot().getStart())
                        .thenComparing(SlotHold::createdAt), Integer.MAX_VALUE);
    }

    @Override
    public Optional<SlotOffer> findOffer(String tenantId, String offerId) {
        return read(() -> Optional.ofNullable(offers.get(new Key(tenantId, offerId))));
    }

    @Override
    public List<SlotOffer> offers(String tenantId, String holdId) {
        return select(offers.values(), o -> o.tenantId().equals(tenantId) && o.holdId().equals(holdId),
                Comparator.comparing(SlotOffer::offeredAt).thenComparing(SlotOffer::round)
                        .thenComparing(SlotOffer::id), Integer.MAX_VALUE);
    }

    @Override
    public List<SlotHold> endedRounds(Instant now, int limit) {
        requireLimit(limit);
        return select(holds.values(), h -> h.status() == HoldStatus.OPEN && !h.until().isAfter(now),
                Comparator.comparing(SlotHold::until), limit);
    }

    @Override
    public List<WaitlistEntry> passedEntries(Instant now, int limit) {
        requireLimit(limit);
        return select(entries.values(), e -> e.status() == EntryStatus.WAITING && !e.window().getEnd().isAfter(now),
                Comparator.comparing((WaitlistEntry e) -> e.window().getEnd()), limit);
    }

    @Override
    public SaveResult save(WaitlistChange change) {
        Objects.requireNonNull(change, "change");
        return writing(() -> {
            SlotHold hold = change.hold();
            if (hold != null && !versionMatches(holds.get(new Key(hold.tenantId(), hold.id())),
                    change.holdExpectedVersion(), SlotHold::version)) {
                return SaveResult.VERSION_CONFLICT;
            }
            for (EntryChange e : change.entries()) {
                if (!versionMatches(entries.get(new Key(e.entry().tenantId(), e.entry().id())), e.expectedVersion(),
                        WaitlistEntry::version)) {
                    return SaveResult.VERSION_CONFLICT;
                }
            }
            if (change.claimsSlot() && (overlapsBooking(hold.tenantId(), hold.resource().id(), hold.slot(), null)
                    || overlapsHold(hold.tenantId(), hold.resource().id(), hold.slot(), change.at(), hold.id()))) {
                return SaveResult.SLOT_TAKEN;
            }
            BookingChange booking = change.booking();
            if (booking != null) {
                SaveResult refused = booking.isInsert() ? refusedInsert(booking, hold.id())
                        : refusedUpdate(booking, hold.id());
                if (refused != null) {
                    return refused;
                }
                if (booking.isInsert()) {
                    applyInsert(booking);
                } else {
                    applyUpdate(booking);
                }
            }
            if (hold != null) {
                SlotHold before = holds.put(new Key(hold.tenantId(), hold.id()), hold);
                if (before != null) {
                    // From the list it is in, should a writer have given the hold another resource.
                    holdsByResource.get(new Key(before.tenantId(), before.resource().id())).remove(before);
                }
                holdsByResource.computeIfAbsent(new Key(hold.tenantId(), hold.resource().id()),
                        k -> new ArrayList<>()).add(hold);
            }
            change.offers().forEach(o -> offers.put(new Key(o.tenantId(), o.id()), o));
            for (EntryChange e : change.entries()) {
                Key key = new Key(e.entry().tenantId(), e.entry().id());
                entries.put(key, e.entry());
                entryEvents.computeIfAbsent(key, k -> new ArrayList<>()).addAll(e.events());
                if (e.entry().customer().isErased()) {
                    // Kept notices were handed over already; only their copies lose the data.
                    notices.replaceAll(n -> n.entryId().equals(e.entry().id()) && n.tenantId().equals(
                            e.entry().tenantId()) ? n.withoutPersonalData() : n);
                }
            }
            notices.addAll(change.notices());
            return SaveResult.SAVED;
        });
    }

    /**
     * The cancellation-list notices of every stored change, oldest first, as written.
     *
     * @return the notices
     */
    public List<WaitlistNotice> notices() {
        return read(() -> List.copyOf(notices));
    }

    private static <T> boolean versionMatches(T stored, long expected, ToLongFunction<T> version) {
        return expected == 0 ? stored == null : stored != null && version.applyAsLong(stored) == expected;
    }

    /** What a query reads: matching values, in order, at most {@code limit}, under the read lock. */
    private <T> List<T> select(Collection<T> values, Predicate<T> where, Comparator<T> order, int limit) {
        return read(() -> values.stream().filter(where).sorted(order).limit(limit).toList());
    }

    private static void requireLimit(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be 1 or more, was " + limit);
        }
    }

    private boolean overlapsAnother(BookingChange change, String takenHold) {
        Booking booking = change.booking();
        if (change.slotClaim() != SlotClaim.EXCLUSIVE || !booking.isActive()) {
            return false;
        }
        return overlapsBooking(booking.tenantId(), booking.resource().id(), booking.slot(), booking.id())
                || overlapsHold(booking.tenantId(), booking.resource().id(), booking.slot(), booking.updatedAt(),
                        takenHold);
    }

    private boolean overlapsBooking(String tenantId, String resourceId, Interval slot, String except) {
        for (String otherId : idsByResource.getOrDefault(new Key(tenantId, resourceId), List.of())) {
            Booking other = bookings.get(new Key(tenantId, otherId));
            if (!other.id().equals(except) && other.isActive() && other.slot().overlaps(slot)) {
                return true;
            }
        }
        return false;
    }

    private boolean overlapsHold(String tenantId, String resourceId, Interval slot, Instant at, String except) {
        for (SlotHold hold : holdsByResource.getOrDefault(new Key(tenantId, resourceId), List.of())) {
            if (!hold.id().equals(except) && hold.holdsAt(at) && hold.slot().overlaps(slot)) {
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
