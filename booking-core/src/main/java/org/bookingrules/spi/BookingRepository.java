package org.bookingrules.spi;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.bookingrules.model.Booking;
import org.bookingrules.model.BookingEvent;
import org.threeten.extra.Interval;

/**
 * Port: where bookings, their history and their notifications are kept. Implementations must be
 * thread-safe and must guarantee, atomically, that no two active bookings of one resource
 * overlap when a write claims its slot ({@link SlotClaim#EXCLUSIVE}). Nothing is ever deleted,
 * except an expired idempotency key, which a new booking's insert replaces ({@link #insert}).
 *
 * <p>Every lookup is scoped by tenant: a booking of another tenant is not found.
 */
public interface BookingRepository {

    /**
     * Finds a booking.
     *
     * @param tenantId not null
     * @param bookingId not null
     * @return the booking, or empty if none with that id in that tenant
     */
    Optional<Booking> find(String tenantId, String bookingId);

    /**
     * Finds a booking by the code customers quote.
     *
     * @param tenantId not null
     * @param confirmationCode not null
     * @return the booking, or empty
     */
    Optional<Booking> findByConfirmationCode(String tenantId, String confirmationCode);

    /**
     * Finds the idempotency key a client sent with a booking request, expired or not: the store
     * does not judge expiry, the facade does, by the key's {@link IdempotencyKey#createdAt()} and
     * its own time to live. A store that records when a key was stored returns that instant (the
     * booking's creation instant, exactly as given), with {@link IdempotencyKey#expiredUpTo()}
     * null; a store that returns no creation instant keeps its keys valid forever.
     *
     * @param tenantId not null
     * @param key the client's key, not null
     * @return the key with its fingerprint, booking and creation instant, or empty if the tenant
     *     never used it (or its row was deleted, by an expired-key replacement or a retention job)
     */
    Optional<IdempotencyKey> findIdempotencyKey(String tenantId, String key);

    /**
     * Stores a new booking with its first events and notifications, and its idempotency key if
     * it has one, atomically.
     *
     * @param change an insert ({@link BookingChange#isInsert()}), not null
     * @return {@link SaveResult#SAVED}, {@link SaveResult#SLOT_TAKEN},
     *     {@link SaveResult#CODE_TAKEN} or {@link SaveResult#IDEMPOTENCY_KEY_TAKEN}; nothing is
     *     written unless SAVED. When the change's idempotency key is already stored, the answer is
     *     IDEMPOTENCY_KEY_TAKEN even if the slot is taken too (a concurrent repeat of the request
     *     took it), so the facade can answer the repeat with the first booking. Except when the
     *     stored key has expired ({@link IdempotencyKey#replaces}: created at or before the new
     *     key's {@link IdempotencyKey#expiredUpTo()}): then the insert goes on as if the key were
     *     free, and if it is SAVED the new key replaces the stored one in the same atomic write
     *     (the stored key is kept otherwise). Two concurrent inserts replacing one expired key
     *     cannot both succeed: one is SAVED, the other IDEMPOTENCY_KEY_TAKEN (its request is then
     *     a repeat of the first). The key is stored with its {@link IdempotencyKey#createdAt()},
     *     or the booking's creation instant when that is null
     * @throws IllegalArgumentException if the change is not an insert or the id is taken
     */
    SaveResult insert(BookingChange change);

    /**
     * Stores a booking's new state with its events and notifications, atomically, if the stored
     * version is still {@link BookingChange#expectedVersion()}.
     *
     * @param change an update, not null
     * @return {@link SaveResult#SAVED}, {@link SaveResult#VERSION_CONFLICT} or
     *     {@link SaveResult#SLOT_TAKEN}; nothing is written unless SAVED
     */
    SaveResult update(BookingChange change);

    /**
     * The resource's calendar: its active bookings overlapping an interval, by start.
     *
     * @param tenantId not null
     * @param resourceId not null
     * @param interval not null
     * @return the bookings, possibly empty
     */
    List<Booking> calendar(String tenantId, String resourceId, Interval interval);

    /**
     * The customer's bookings, every status (cancelled ones stay, R2), by start.
     *
     * @param tenantId not null
     * @param customerId not null
     * @return the bookings, possibly empty
     */
    List<Booking> customerBookings(String tenantId, String customerId);

    /**
     * A booking's history, oldest first (R15).
     *
     * @param tenantId not null
     * @param bookingId not null
     * @return the events, empty if no such booking
     */
    List<BookingEvent> history(String tenantId, String bookingId);

    /**
     * Bookings of every tenant whose reminder is due at {@code now}: status PENDING, reminder armed
     * and unsent, {@code dueAt <= now < start}; oldest due first.
     *
     * @param now not null
     * @param limit the most to return, 1 or more
     * @return the bookings, possibly empty
     */
    List<Booking> dueReminders(Instant now, int limit);

    /**
     * Erases a customer's personal data from their bookings, atomically, as {@link CustomerErasure}
     * describes: bookings updated and their events appended, earlier events without free texts,
     * stored notifications without personal data, undelivered notifications to the customer
     * dropped. Statuses, slots, events and counts stay. A repository that cannot erase keeps this
     * default, which refuses.
     *
     * @param erasure what to erase, not null
     * @return {@link SaveResult#SAVED}, or {@link SaveResult#VERSION_CONFLICT} if any booking changed
     *     since it was read; nothing is written unless SAVED
     * @throws UnsupportedOperationException if this repository cannot erase
     */
    default SaveResult erase(CustomerErasure erasure) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot erase customer data");
    }
}
