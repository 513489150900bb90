package org.bookingrules.waitlist;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.bookingrules.spi.SaveResult;
import org.threeten.extra.Interval;

/**
 * Where the cancellation list is kept: entries with their history, holds and offers. A
 * {@link org.bookingrules.spi.BookingRepository} that also implements this interface enables the
 * list; it must then refuse a booking that claims a slot overlapping a hold that is open at the
 * change's instant ({@link SaveResult#SLOT_TAKEN}), under the same lock as its overlap check, and
 * write a {@link WaitlistChange} under that lock too. Implementations must be thread-safe.
 */
public interface WaitlistStore {

    /** The most entries {@link #waitingFor} returns at once. */
    int MAX_CANDIDATES = 500;

    /**
     * Whether this store keeps a cancellation list as configured: a repository that implements
     * this interface but cannot keep one in some set-up (for example over a table it does not own)
     * says so here, and the facade's builder refuses a list that is on.
     *
     * @return true by default
     */
    default boolean keepsWaitlist() {
        return true;
    }

    /**
     * Finds an entry.
     *
     * @param tenantId not null
     * @param entryId not null
     * @return the entry, or empty
     */
    Optional<WaitlistEntry> findEntry(String tenantId, String entryId);

    /**
     * A customer's entries, every status, in the order of joining.
     *
     * @param tenantId not null
     * @param customerId not null
     * @return the entries, possibly empty
     */
    List<WaitlistEntry> customerEntries(String tenantId, String customerId);

    /**
     * Entries that may want a slot: WAITING, of the service, of the slot's resource or of any, and
     * whose window encloses the slot, in {@link OfferRules#ORDER}.
     *
     * @param tenantId not null
     * @param serviceId not null
     * @param resourceId not null
     * @param slot not null
     * @param limit the most to return, 1 to {@link #MAX_CANDIDATES}
     * @return the entries, possibly empty
     */
    List<WaitlistEntry> waitingFor(String tenantId, String serviceId, String resourceId, Interval slot, int limit);

    /**
     * An entry's history, oldest first.
     *
     * @param tenantId not null
     * @param entryId not null
     * @return the events, empty if no such entry
     */
    List<WaitlistEvent> entryHistory(String tenantId, String entryId);

    /**
     * Finds a hold.
     *
     * @param tenantId not null
     * @param holdId not null
     * @return the hold, or empty
     */
    Optional<SlotHold> findHold(String tenantId, String holdId);

    /**
     * The resource's holds, every status, whose slot overlaps an interval, by slot start.
     *
     * @param tenantId not null
     * @param resourceId not null
     * @param interval not null
     * @return the holds, possibly empty
     */
    List<SlotHold> holds(String tenantId, String resourceId, Interval interval);

    /**
     * Finds an offer.
     *
     * @param tenantId not null
     * @param offerId not null
     * @return the offer, or empty
     */
    Optional<SlotOffer> findOffer(String tenantId, String offerId);

    /**
     * A hold's offers, in the order they went out.
     *
     * @param tenantId not null
     * @param holdId not null
     * @return the offers, possibly empty
     */
    List<SlotOffer> offers(String tenantId, String holdId);

    /**
     * Open holds of every tenant whose round has ended ({@code until <= now}), oldest first: the
     * offer job's work.
     *
     * @param now not null
     * @param limit the most to return, 1 or more
     * @return the holds, possibly empty
     */
    List<SlotHold> endedRounds(Instant now, int limit);

    /**
     * WAITING entries of every tenant whose window has passed ({@code end <= now}), oldest first.
     *
     * @param now not null
     * @param limit the most to return, 1 or more
     * @return the entries, possibly empty
     */
    List<WaitlistEntry> passedEntries(Instant now, int limit);

    /**
     * Writes a change atomically, under the lock of the hold's resource when it has a hold.
     *
     * @param change not null
     * @return {@link SaveResult#SAVED}; {@link SaveResult#VERSION_CONFLICT} if the hold or an entry
     *     is not at its expected version (or a new one's id is taken); {@link SaveResult#SLOT_TAKEN}
     *     if the change {@link WaitlistChange#claimsSlot() claims} a slot that an active booking or
     *     another open hold overlaps, or if its booking does (the hold it takes aside); or what
     *     writing its booking answered. Nothing is written unless SAVED
     */
    SaveResult save(WaitlistChange change);
}
