package org.bookingrules.waitlist;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.bookingrules.spi.BookingChange;

/**
 * One atomic write of the cancellation list: a hold's new state, offers, entries with their
 * events, the notices to send, and, when an offer is accepted, the booking it makes or moves.
 * A {@link WaitlistStore} writes all of it or nothing. Immutable.
 *
 * @param at when the change is made, not null: holds count against bookings until their
 *     {@link SlotHold#until()} as seen from this instant
 * @param hold the hold's new state, or null when no hold changes
 * @param holdExpectedVersion the stored version of the hold it replaces, 0 for a new hold
 * @param offers offers to store, new or changed, not null
 * @param entries entries to store, each version-checked, not null
 * @param booking the booking an acceptance makes or moves, or null
 * @param notices the notices to send once it is stored, not null
 */
public record WaitlistChange(Instant at, SlotHold hold, long holdExpectedVersion, List<SlotOffer> offers,
                             List<EntryChange> entries, BookingChange booking, List<WaitlistNotice> notices) {

    /**
     * Checks the fields.
     *
     * @param at not null
     * @param hold or null
     * @param holdExpectedVersion 0 or more, below the hold's version
     * @param offers not null
     * @param entries not null
     * @param booking or null; if set, {@code hold} is set too (the hold it takes)
     * @param notices not null
     */
    public WaitlistChange {
        Objects.requireNonNull(at, "at");
        if (hold != null && (holdExpectedVersion < 0 || holdExpectedVersion >= hold.version())) {
            throw new IllegalArgumentException("holdExpectedVersion must be 0 to the hold's version - 1, was "
                    + holdExpectedVersion);
        }
        offers = List.copyOf(offers);
        entries = List.copyOf(entries);
        notices = List.copyOf(notices);
        if (booking != null && hold == null) {
            throw new IllegalArgumentException("a booking is written with the hold it takes");
        }
    }

    /**
     * Whether the change starts a round of offers, and so claims the slot from now on: its hold is
     * OPEN and it sends open offers (a new hold, or the next round of one). Such a change is refused
     * if an active booking or another hold open at {@link #at()} overlaps the slot. A change that
     * only ends some offers of a hold whose other offers stay open claims nothing new.
     *
     * @return true if the change has an OPEN hold and open offers
     */
    public boolean claimsSlot() {
        return hold != null && hold.status() == HoldStatus.OPEN && offers.stream().anyMatch(o -> o.status().isOpen());
    }
}
