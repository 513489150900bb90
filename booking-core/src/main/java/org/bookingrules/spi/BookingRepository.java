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
 * overlap when a write claims its slot ({@link SlotClaim#EXCLUSIVE}). Nothing is ever deleted.
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
     * Finds the idempotency key a client sent with a booking request.
     *
     * @param tenantId not null
     * @param key the client's key, not null
     * @return the key with its fingerprint and booking, or empty if the tenant never used it
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
     *     took it), so the facade can answer the repeat with the first booking
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
}
