package org.bookingrules.internal.rules;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Objects;
import org.bookingrules.internal.Checks;
import org.bookingrules.model.Actor;
import org.bookingrules.model.Booking;
import org.bookingrules.model.Resource;
import org.bookingrules.policy.BookingPolicy;
import org.threeten.extra.Interval;
import org.bookingrules.rules.Refusal;
import org.bookingrules.rules.RefusalReason;

/**
 * The facts a rule decides on. Immutable.
 *
 * @param tenantId the tenant, not null
 * @param booking the booking acted on, or null when booking a new one
 * @param actor who acts, not null
 * @param now the instant of the decision, not null
 * @param policy the policy that applies, not null
 * @param targetSlot the slot asked for (book, reschedule), or null for other actions
 * @param targetResource the resource asked for (book, reschedule), or null for other actions
 * @param zone the booking's display zone, not null
 */
public record RuleContext(String tenantId, Booking booking, Actor actor, Instant now, BookingPolicy policy,
                          Interval targetSlot, Resource targetResource, ZoneId zone) {

    /**
     * Checks the fields.
     *
     * @param tenantId the tenant, not null
     * @param booking the booking acted on, or null when booking a new one
     * @param actor who acts, not null
     * @param now the instant of the decision, not null
     * @param policy the policy that applies, not null
     * @param targetSlot the slot asked for (book, reschedule), or null for other actions
     * @param targetResource the resource asked for (book, reschedule), or null for other actions
     * @param zone the booking's display zone, not null
     */
    public RuleContext {
        Checks.nonNull("tenantId, actor, now, policy, zone", tenantId, actor, now, policy, zone);
        if ((targetSlot == null) != (targetResource == null)) {
            throw new IllegalArgumentException("targetSlot and targetResource go together");
        }
    }

    /**
     * The facts of an action on an existing booking with no target slot.
     *
     * @param booking not null
     * @param actor not null
     * @param now not null
     * @param policy not null
     * @return the context
     */
    public static RuleContext of(Booking booking, Actor actor, Instant now, BookingPolicy policy) {
        return new RuleContext(booking.tenantId(), booking, actor, now, policy, null, null, booking.zone());
    }

    /**
     * This context with a target slot and resource (for reschedule).
     *
     * @param slot not null
     * @param resource not null
     * @return the new context
     */
    public RuleContext withTarget(Interval slot, Resource resource) {
        return new RuleContext(tenantId, booking, actor, now, policy,
                Objects.requireNonNull(slot, "slot"), Objects.requireNonNull(resource, "resource"), zone);
    }

    /**
     * A refusal with the contact of the booking's resource (or the target resource when booking).
     *
     * @param reason not null
     * @param allowedUntil the deadline that passed, or null
     * @return the refusal
     */
    public Refusal refuse(RefusalReason reason, Instant allowedUntil) {
        Resource contactOf = booking != null ? booking.resource() : targetResource;
        return new Refusal(reason, allowedUntil, contactOf == null ? null : contactOf.contact(), zone);
    }

    /**
     * The booking, for rules that need one.
     *
     * @return the booking
     * @throws IllegalStateException if there is none (the rule was put in the wrong list)
     */
    public Booking requireBooking() {
        if (booking == null) {
            throw new IllegalStateException("this rule needs an existing booking");
        }
        return booking;
    }

    /**
     * The target slot, for rules that need one.
     *
     * @return the slot
     * @throws IllegalStateException if there is none (the rule was put in the wrong list)
     */
    public Interval requireTargetSlot() {
        if (targetSlot == null) {
            throw new IllegalStateException("this rule needs a target slot");
        }
        return targetSlot;
    }
}
