package org.bookingrules.waitlist;

import org.bookingrules.internal.Checks;

/**
 * An offer with its hold and entry, as its customer's page shows it ("A 10:00 slot opened with
 * Dr. Ruiz; yours until 09:25"). Immutable.
 *
 * @param offer the offer, not null
 * @param hold its hold, not null
 * @param entry its entry, not null
 */
public record OfferView(SlotOffer offer, SlotHold hold, WaitlistEntry entry) {

    /**
     * Checks the fields.
     *
     * @param offer not null
     * @param hold not null
     * @param entry not null
     */
    public OfferView {
        Checks.nonNull("offer, hold, entry", offer, hold, entry);
    }
}
