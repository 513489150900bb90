package org.bookingrules.waitlist;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Optional;
import org.bookingrules.model.Booking;
import org.threeten.extra.Interval;

/**
 * Which entries may be offered a freed slot, in which order, and until when. Pure functions of
 * their arguments: no clock, no I/O. Stateless and thread-safe.
 *
 * <p><b>The slot</b> is offered only if its service's policy is on, it is inside the resource's
 * opening hours, and an offer of at least {@link WaitlistPolicy#SHORTEST_OFFER} still fits before
 * {@code start - minimumLead}. <b>An entry</b> is eligible if it is of the slot's tenant and
 * service, waiting, its window not yet passed and enclosing the slot, of the slot's resource or of
 * any, its customer reachable and not the one whose booking freed the slot, not offered this hold
 * before, and, for an entry that moves a booking, that booking still active, the customer's, and
 * later than the slot. <b>The order</b> is the order of joining, earliest first, then the entry's
 * id. <b>The deadline</b> of an offer is {@code now + offerWindow}, or {@code start - minimumLead}
 * if that comes first.
 */
public final class OfferRules {

    /** Why an entry or a slot is not offered. */
    public enum Ineligibility {
        /** The service's cancellation list is off. */
        WAITLIST_OFF,
        /** Too close to the start: no offer of {@link WaitlistPolicy#SHORTEST_OFFER} fits before the lead. */
        TOO_LATE_TO_OFFER,
        /** The slot is outside the resource's opening hours. */
        OUTSIDE_OPENING_HOURS,
        /** The entry is of another tenant. */
        OTHER_TENANT,
        /** The entry is not waiting (an offer is open, or it is booked, left or expired). */
        NOT_WAITING,
        /** The entry's window has passed. */
        ENTRY_EXPIRED,
        /** The entry asks for another service. */
        OTHER_SERVICE,
        /** The entry asks for another resource. */
        OTHER_RESOURCE,
        /** The slot is not wholly inside the entry's window. */
        OUTSIDE_WINDOW,
        /** The slot freed is the customer's own. */
        OWN_SLOT,
        /** The customer cannot be told: no e-mail or phone (or their data was erased). */
        UNREACHABLE,
        /** The booking to move is gone, no longer active, or not the customer's. */
        BOOKING_NOT_ACTIVE,
        /** The slot is not earlier than the booking to move. */
        NOT_EARLIER,
        /** This hold was offered to the entry before. */
        ALREADY_OFFERED
    }

    /** Earliest joined first, then by id. */
    public static final Comparator<WaitlistEntry> ORDER =
            Comparator.comparing(WaitlistEntry::joinedAt).thenComparing(WaitlistEntry::id);

    private OfferRules() {
    }

    /**
     * Until when an offer of a slot made now lasts, if the slot may be offered at all.
     *
     * @param policy the service's policy, not null
     * @param now the instant of the offer, not null
     * @param slot the slot, not null
     * @return the deadline, or empty if the policy is off or no offer of
     *     {@link WaitlistPolicy#SHORTEST_OFFER} fits before {@code start - minimumLead}
     */
    public static Optional<Instant> deadline(WaitlistPolicy policy, Instant now, Interval slot) {
        if (!policy.enabled()) {
            return Optional.empty();
        }
        Instant cutOff = slot.getStart().minus(policy.minimumLead());
        if (Duration.between(now, cutOff).compareTo(WaitlistPolicy.SHORTEST_OFFER) < 0) {
            return Optional.empty();
        }
        Instant full = now.plus(policy.offerWindow());
        return Optional.of(full.isBefore(cutOff) ? full : cutOff);
    }

    /**
     * Why a slot is not offered, if it is not.
     *
     * @param policy the service's policy, not null
     * @param now the instant, not null
     * @param slot the slot, not null
     * @param open whether the slot is inside the resource's opening hours
     * @return the reason, or empty if the slot may be offered
     */
    public static Optional<Ineligibility> slotIneligibility(WaitlistPolicy policy, Instant now, Interval slot,
                                                          boolean open) {
        if (!policy.enabled()) {
            return Optional.of(Ineligibility.WAITLIST_OFF);
        }
        if (deadline(policy, now, slot).isEmpty()) {
            return Optional.of(Ineligibility.TOO_LATE_TO_OFFER);
        }
        return open ? Optional.empty() : Optional.of(Ineligibility.OUTSIDE_OPENING_HOURS);
    }

    /**
     * Why an entry is not offered a slot, if it is not.
     *
     * @param entry the entry, not null
     * @param slot the freed slot, not null
     * @param now the instant, not null
     * @param toMove the entry's booking to move as stored now, or null if none is found or the
     *     entry books anew
     * @param offeredBefore whether this hold was offered to the entry before
     * @return the reason, or empty if the entry may be offered the slot
     */
    public static Optional<Ineligibility> entryIneligibility(WaitlistEntry entry, FreedSlot slot, Instant now,
                                                           Booking toMove, boolean offeredBefore) {
        Interval s = slot.slot();
        Ineligibility reason = null;
        if (!entry.tenantId().equals(slot.tenantId())) {
            reason = Ineligibility.OTHER_TENANT;
        } else if (entry.status() != EntryStatus.WAITING) {
            reason = Ineligibility.NOT_WAITING;
        } else if (!entry.window().getEnd().isAfter(now)) {
            reason = Ineligibility.ENTRY_EXPIRED;
        } else if (!entry.service().id().equals(slot.service().id())) {
            reason = Ineligibility.OTHER_SERVICE;
        } else if (entry.resourceId() != null && !entry.resourceId().equals(slot.resource().id())) {
            reason = Ineligibility.OTHER_RESOURCE;
        } else if (!entry.window().encloses(s)) {
            reason = Ineligibility.OUTSIDE_WINDOW;
        } else if (entry.customer().id().equals(slot.freedByCustomer())) {
            reason = Ineligibility.OWN_SLOT;
        } else if (!entry.customer().isReachable()) {
            reason = Ineligibility.UNREACHABLE;
        } else if (entry.bookingId() != null) {
            reason = moveIneligibility(entry, s, toMove);
        }
        if (reason == null && offeredBefore) {
            reason = Ineligibility.ALREADY_OFFERED;
        }
        return Optional.ofNullable(reason);
    }

    private static Ineligibility moveIneligibility(WaitlistEntry entry, Interval slot, Booking toMove) {
        if (toMove == null || !toMove.isActive() || !toMove.id().equals(entry.bookingId())
                || toMove.customer().filter(c -> c.id().equals(entry.customer().id())).isEmpty()) {
            return Ineligibility.BOOKING_NOT_ACTIVE;
        }
        return slot.getStart().isBefore(toMove.start()) ? null : Ineligibility.NOT_EARLIER;
    }
}
