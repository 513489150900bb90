package org.bookingrules.waitlist;

import java.time.Instant;
import org.bookingrules.internal.Checks;
import org.bookingrules.internal.Ids;

/**
 * One entry's offer of one held slot. Immutable and thread-safe.
 *
 * @param tenantId the tenant, not blank
 * @param id the offer's id, not blank; its link names it
 * @param holdId the hold it offers, not blank
 * @param entryId the entry it is offered to, not blank
 * @param round the hold's round it went out in, 1 or more
 * @param status where it stands, not null
 * @param offeredAt when it went out, not null
 * @param deadline when it expires unanswered, after {@code offeredAt}
 * @param endedAt when it stopped being open, or null while open
 */
public record SlotOffer(String tenantId, String id, String holdId, String entryId, int round, OfferStatus status,
                        Instant offeredAt, Instant deadline, Instant endedAt) {

    /**
     * Checks the fields.
     *
     * @param tenantId the tenant, not blank
     * @param id the offer's id, not blank
     * @param holdId the hold, not blank
     * @param entryId the entry, not blank
     * @param round 1 or more
     * @param status not null
     * @param offeredAt not null
     * @param deadline after {@code offeredAt}
     * @param endedAt null exactly while open
     */
    public SlotOffer {
        Ids.require(tenantId, "tenantId");
        Ids.require(id, "id");
        Ids.require(holdId, "holdId");
        Ids.require(entryId, "entryId");
        if (round < 1) {
            throw new IllegalArgumentException("round must be 1 or more, was " + round);
        }
        Checks.nonNull("status, offeredAt, deadline", status, offeredAt, deadline);
        if (!deadline.isAfter(offeredAt)) {
            throw new IllegalArgumentException("deadline must be after offeredAt");
        }
        if ((endedAt == null) != status.isOpen()) {
            throw new IllegalArgumentException("endedAt must be set exactly when the offer is no longer open");
        }
    }

    /**
     * This offer, ended.
     *
     * @param next how it ended, not OPEN
     * @param at when
     * @return the ended offer
     */
    public SlotOffer endedAs(OfferStatus next, Instant at) {
        if (next.isOpen()) {
            throw new IllegalArgumentException("an offer ends as ACCEPTED, DECLINED, EXPIRED or WITHDRAWN");
        }
        return new SlotOffer(tenantId, id, holdId, entryId, round, next, offeredAt, deadline, at);
    }
}
