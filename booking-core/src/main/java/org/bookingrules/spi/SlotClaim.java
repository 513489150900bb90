package org.bookingrules.spi;

/** Whether a save claims the booking's slot on its resource's calendar. */
public enum SlotClaim {
    /**
     * The booking must not overlap any other active booking of its resource. The repository checks
     * this atomically with the write and answers {@link SaveResult#SLOT_TAKEN} if it does.
     */
    EXCLUSIVE,
    /**
     * No overlap check: the change does not move the booking onto a free slot (confirm, cancel,
     * ...) or staff are back-dating a record into the past (R12).
     */
    NONE
}
