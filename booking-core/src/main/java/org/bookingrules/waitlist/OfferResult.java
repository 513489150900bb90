package org.bookingrules.waitlist;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.bookingrules.waitlist.OfferRules.Ineligibility;

/**
 * What offering a slot did: the hold and the offers that went out, or why none did. Immutable.
 *
 * @param hold the hold, or null when nothing was offered
 * @param offers the offers that went out, empty when nothing was offered
 * @param notOffered why nothing was offered, or null
 */
public record OfferResult(SlotHold hold, List<SlotOffer> offers, NotOffered notOffered) {

    /** Why a slot was not offered. */
    public enum NotOffered {
        /** The service's list is off. */
        WAITLIST_OFF,
        /** Too close to the start for an offer. */
        TOO_LATE_TO_OFFER,
        /** Outside the resource's opening hours. */
        OUTSIDE_OPENING_HOURS,
        /** No entry may be offered the slot. */
        NO_ENTRY,
        /** An active booking or another hold overlaps the slot. */
        SLOT_TAKEN,
        /** Only staff offer a slot by hand. */
        NOT_PERMITTED;

        static NotOffered of(Ineligibility slotReason) {
            return switch (slotReason) {
                case WAITLIST_OFF -> WAITLIST_OFF;
                case TOO_LATE_TO_OFFER -> TOO_LATE_TO_OFFER;
                case OUTSIDE_OPENING_HOURS -> OUTSIDE_OPENING_HOURS;
                default -> throw new IllegalArgumentException("not a reason of the slot: " + slotReason);
            };
        }
    }

    /**
     * Checks that the result is either offers or a reason.
     *
     * @param hold or null
     * @param offers not null
     * @param notOffered or null
     */
    public OfferResult {
        offers = List.copyOf(offers);
        if ((hold == null) != (notOffered != null) || (hold == null) != offers.isEmpty()) {
            throw new IllegalArgumentException("either a hold with its offers or a reason");
        }
    }

    /**
     * Nothing offered.
     *
     * @param why not null
     * @return the result
     */
    public static OfferResult none(NotOffered why) {
        return new OfferResult(null, List.of(), Objects.requireNonNull(why, "why"));
    }

    /**
     * Nothing offered because of the slot.
     *
     * @param slotReason a reason of the slot
     * @return the result
     */
    public static OfferResult none(Ineligibility slotReason) {
        return none(NotOffered.of(slotReason));
    }

    /** @return true if offers went out */
    public boolean offered() {
        return hold != null;
    }

    /** @return the hold, if offers went out */
    public Optional<SlotHold> held() {
        return Optional.ofNullable(hold);
    }
}
