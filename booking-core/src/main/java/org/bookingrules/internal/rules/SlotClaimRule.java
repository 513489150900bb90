package org.bookingrules.internal.rules;

import java.time.Instant;
import org.bookingrules.spi.SlotClaim;
import org.threeten.extra.Interval;

/**
 * R12: nobody can double-book the future. A slot that has not wholly passed must be free (a slot
 * under way still ends in the future, so it is claimed); staff back-dating a record wholly into
 * the past need no check. Stateless.
 */
public final class SlotClaimRule {

    private SlotClaimRule() {
    }

    /**
     * Whether a write of this slot must claim it.
     *
     * @param slot the slot written, not null
     * @param now the instant of the command, not null
     * @return {@link SlotClaim#EXCLUSIVE} unless the slot ends at or before now
     */
    public static SlotClaim claimFor(Interval slot, Instant now) {
        return slot.getEnd().isAfter(now) ? SlotClaim.EXCLUSIVE : SlotClaim.NONE;
    }
}
