package org.bookingrules.waitlist;

/** Where a cancellation-list entry stands. */
public enum EntryStatus {
    /** Waiting for a slot: may be offered one. */
    WAITING,
    /** An offer is open: not offered another slot until it ends. */
    OFFERED,
    /** The customer accepted an offer: a booking was made or moved. Final. */
    BOOKED,
    /** The customer (or staff for them) took the entry off the list. Final. */
    LEFT,
    /** The entry's window of acceptable times has passed. Final. */
    EXPIRED;

    /**
     * Whether nothing more can happen to an entry in this status.
     *
     * @return true for BOOKED, LEFT and EXPIRED
     */
    public boolean isFinal() {
        return this == BOOKED || this == LEFT || this == EXPIRED;
    }
}
