package org.bookingrules.waitlist;

import java.time.Instant;
import java.time.ZoneId;
import org.bookingrules.internal.Checks;
import org.bookingrules.internal.Ids;
import org.bookingrules.model.Resource;
import org.bookingrules.model.Service;
import org.threeten.extra.Interval;

/**
 * A freed slot kept for the entries it is offered to. While it is {@link HoldStatus#OPEN OPEN}
 * and {@link #until()} is ahead, no booking can take the slot: a repository refuses it as it
 * refuses an overlapping booking, under the same lock. At {@code until} the hold stops counting,
 * whether or not the offer job has run yet. Immutable and thread-safe.
 *
 * @param tenantId the tenant, not blank
 * @param id the hold's id, not blank
 * @param resource the resource of the slot, not null
 * @param service the service the slot is offered for, not null
 * @param slot the slot, end exclusive, not null
 * @param zone the display zone of the slot, not null
 * @param freedBy the booking whose change freed the slot, or null when staff offered it by hand
 * @param status where the hold stands, not null
 * @param until the deadline of the latest round of offers, when the hold ends unless taken, not null
 * @param round how many rounds of offers went out, 1 or more
 * @param createdAt when the first offers went out, not null
 * @param version 1 when created, one more on each change
 */
public record SlotHold(String tenantId, String id, Resource resource, Service service, Interval slot, ZoneId zone,
                       String freedBy, HoldStatus status, Instant until, int round, Instant createdAt, long version) {

    /**
     * Checks the fields.
     *
     * @param tenantId the tenant, not blank
     * @param id the hold's id, not blank
     * @param resource the resource, not null
     * @param service the service, not null
     * @param slot the slot, not null
     * @param zone the display zone, not null
     * @param freedBy the freeing booking, or null
     * @param status where the hold stands, not null
     * @param until the deadline of the latest round, not null
     * @param round 1 or more
     * @param createdAt when the first offers went out, not null
     * @param version 1 or more
     */
    public SlotHold {
        Ids.require(tenantId, "tenantId");
        Ids.require(id, "id");
        Checks.nonNull("resource, service, slot, zone", resource, service, slot, zone);
        if (freedBy != null) {
            Ids.require(freedBy, "freedBy");
        }
        Checks.nonNull("status, until, createdAt", status, until, createdAt);
        if (round < 1) {
            throw new IllegalArgumentException("round must be 1 or more, was " + round);
        }
        if (version < 1) {
            throw new IllegalArgumentException("version must be 1 or more, was " + version);
        }
    }

    /**
     * Whether the hold keeps bookings off its slot at an instant: open and not yet at its end.
     *
     * @param now the instant
     * @return true if held at {@code now}
     */
    public boolean holdsAt(Instant now) {
        return status == HoldStatus.OPEN && now.isBefore(until);
    }

    /**
     * This hold one version on, unchanged otherwise: every change to a hold's offers moves its
     * version, so changes to one hold are decided one after the other.
     *
     * @return the hold, one version on
     */
    public SlotHold touched() {
        return withStatus(status);
    }

    /**
     * This hold one version on, in another status.
     *
     * @param next the status
     * @return the changed hold
     */
    public SlotHold withStatus(HoldStatus next) {
        return new SlotHold(tenantId, id, resource, service, slot, zone, freedBy, next, until, round, createdAt,
                version + 1);
    }

    /**
     * This hold one version on, with another round of offers ending at {@code deadline}.
     *
     * @param deadline the new round's deadline
     * @return the changed hold
     */
    public SlotHold nextRound(Instant deadline) {
        return new SlotHold(tenantId, id, resource, service, slot, zone, freedBy, HoldStatus.OPEN, deadline, round + 1,
                createdAt, version + 1);
    }
}
