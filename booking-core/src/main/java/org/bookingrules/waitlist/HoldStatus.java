package org.bookingrules.waitlist;

/** Where a held slot stands. */
public enum HoldStatus {
    /** Held: offers are open, and no booking can take the slot until {@link SlotHold#until()}. */
    OPEN,
    /** An entry accepted: the slot is a booking now. Final. */
    TAKEN,
    /** Given back: every offer ended unaccepted and no entry was left, or staff released it. Final. */
    RELEASED
}
