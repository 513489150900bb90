package org.bookingrules.waitlist;

import java.util.List;
import java.util.Objects;

/**
 * A hold with its offers, for staff screens. Immutable.
 *
 * @param hold the hold, not null
 * @param offers its offers in the order they went out, not null
 */
public record HeldSlot(SlotHold hold, List<SlotOffer> offers) {

    /**
     * Checks the fields.
     *
     * @param hold not null
     * @param offers not null
     */
    public HeldSlot {
        Objects.requireNonNull(hold, "hold");
        offers = List.copyOf(offers);
    }
}
