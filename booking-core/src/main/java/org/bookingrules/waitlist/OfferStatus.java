package org.bookingrules.waitlist;

/** Where one offer of a held slot stands. */
public enum OfferStatus {
    /** Sent and not answered; its deadline is ahead. */
    OPEN,
    /** Accepted: the slot is this entry's booking. */
    ACCEPTED,
    /** Declined by the customer (or staff for them). */
    DECLINED,
    /** Its deadline passed unanswered. */
    EXPIRED,
    /** Ended without an answer because the slot went to another entry or staff released the hold. */
    WITHDRAWN;

    /**
     * Whether the offer can still be accepted.
     *
     * @return true for OPEN
     */
    public boolean isOpen() {
        return this == OPEN;
    }
}
