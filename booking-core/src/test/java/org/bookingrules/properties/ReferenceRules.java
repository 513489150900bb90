package org.bookingrules.properties;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Objects;
import org.bookingrules.Outcome;
import org.bookingrules.model.Actor;
import org.bookingrules.model.Booking;
import org.bookingrules.model.BookingStatus;
import org.bookingrules.model.CustomerDetails;
import org.bookingrules.model.PaymentStatus;
import org.bookingrules.rules.RefusalReason;
import org.threeten.extra.Interval;

/**
 * A reference model of the rules, written out plainly from RULES.md and independent of the
 * library's rule classes, for the states and policy settings {@link LifecyclePropertiesTest}
 * generates: cancellation and reschedule notice, the reschedule count, unpaid-only cancellation,
 * the late-fee switch, staff not bound by the customer policy (R12), and the status table. Other
 * settings keep their defaults there (self-service on, no minimum booking notice, always open, no
 * idempotency keys), so the model leaves them out.
 *
 * <p>Each command has one decision function, returning what the facade must answer: a change, an
 * unchanged repeat (R11), or a refusal with its reason. Where several refusals apply, the model
 * answers the first in one fixed order: who may see and do it (R8, R12), a repeat that changes
 * nothing, the booking's status, whether it has started (R7), the customer policy (R9, R13), then
 * the requested slot and the calendar (R10). Immutable.
 *
 * @param cancellationNotice R9: customers cancel until start minus this
 * @param rescheduleNotice R9: customers reschedule until start minus this
 * @param maxCustomerReschedules R9: how many times a customer may move one booking
 * @param unpaidOnly R9: customers cancel only unpaid bookings
 * @param lateFee R13: a late customer cancellation is allowed with a fee rather than refused
 */
record ReferenceRules(Duration cancellationNotice, Duration rescheduleNotice, int maxCustomerReschedules,
                      boolean unpaidOnly, boolean lateFee) {

    /** What the facade answered, or must answer. */
    enum Verdict { CHANGED, UNCHANGED, REFUSED }

    /**
     * One decision.
     *
     * @param verdict changed, unchanged or refused
     * @param reason the refusal's reason, null unless refused
     */
    record Expected(Verdict verdict, RefusalReason reason) {

        static final Expected CHANGED = new Expected(Verdict.CHANGED, null);
        static final Expected UNCHANGED = new Expected(Verdict.UNCHANGED, null);

        static Expected refused(RefusalReason reason) {
            return new Expected(Verdict.REFUSED, Objects.requireNonNull(reason, "reason"));
        }

        /** What the facade actually answered, in the model's terms. */
        static Expected of(Outcome outcome) {
            if (outcome instanceof Outcome.Done done) {
                return done.changed() ? CHANGED : UNCHANGED;
            }
            return refused(outcome.asRefusal().orElseThrow().reason());
        }

        @Override
        public String toString() {
            return verdict == Verdict.REFUSED ? "refused " + reason : verdict.toString().toLowerCase();
        }
    }

    /** The model of the policy the property generated. */
    static ReferenceRules of(LifecyclePropertiesTest.PolicySpec spec) {
        Duration notice = Duration.ofHours(spec.noticeHours());
        return new ReferenceRules(notice, notice, spec.maxReschedules(), spec.unpaidOnly(), spec.lateFee());
    }

    // ------------------------------------------------------------------------------------ commands

    /** R1, R8, R10, R12: a new booking of {@code resourceId} for {@code customer} over {@code slot}. */
    Expected book(Actor actor, CustomerDetails customer, String resourceId, Interval slot, Instant now,
                  Collection<Booking> stored) {
        if (actor instanceof Actor.Customer who) {
            // R8: customers book for themselves only.
            if (customer == null || !customer.id().equals(who.customerId())) {
                return Expected.refused(RefusalReason.ACTION_NOT_PERMITTED);
            }
            // R10: in the future (the minimum booking notice is zero here).
            if (!slot.getStart().isAfter(now)) {
                return Expected.refused(RefusalReason.SLOT_IN_PAST);
            }
        }
        return calendarAllows(null, resourceId, slot, now, stored) ? Expected.CHANGED
                : Expected.refused(RefusalReason.SLOT_UNAVAILABLE);
    }

    /** R4, R7: confirm attendance. */
    Expected confirm(Actor actor, Booking booking, Instant now) {
        return answer(BookingStatus.CONFIRMED, actor, booking, now);
    }

    /** R4: staff revoke a confirmation; customers may not. */
    Expected revoke(Actor actor, Booking booking, Instant now) {
        if (isCustomer(actor)) {
            return Expected.refused(RefusalReason.ACTION_NOT_PERMITTED);
        }
        if (booking.status() == BookingStatus.PENDING) {
            return Expected.UNCHANGED;
        }
        return isActive(booking) ? Expected.CHANGED : Expected.refused(RefusalReason.NOT_ACTIVE);
    }

    /** R7, R13: decline, allowed inside the notice (marked late there). */
    Expected decline(Actor actor, Booking booking, Instant now) {
        return answer(BookingStatus.DECLINED, actor, booking, now);
    }

    /**
     * R2, R7: the customer's answer to a booking (confirm or decline): a repeat changes nothing, only
     * an active booking takes it, and customers answer only before the start.
     */
    private Expected answer(BookingStatus to, Actor actor, Booking booking, Instant now) {
        if (booking.status() == to) {
            return Expected.UNCHANGED;
        }
        if (!isActive(booking)) {
            return Expected.refused(RefusalReason.NOT_ACTIVE);
        }
        if (isCustomer(actor) && !now.isBefore(booking.start())) {
            return Expected.refused(RefusalReason.ALREADY_STARTED);
        }
        return Expected.CHANGED;
    }

    /** R2, R9, R11, R12, R13: cancel. */
    Expected cancel(Actor actor, Booking booking, Instant now) {
        if (booking.status() == BookingStatus.CANCELLED) {
            return Expected.UNCHANGED;
        }
        if (!isActive(booking)) {
            return Expected.refused(RefusalReason.NOT_ACTIVE);
        }
        if (!isCustomer(actor)) {
            return Expected.CHANGED;
        }
        if (!now.isBefore(booking.start())) {
            return Expected.refused(RefusalReason.ALREADY_STARTED);
        }
        if (unpaidOnly && booking.paymentStatus() == PaymentStatus.PAID) {
            return Expected.refused(RefusalReason.PAID_BOOKING);
        }
        Instant deadline = booking.start().minus(cancellationNotice);
        if (now.isAfter(deadline) && !lateFee) {
            return Expected.refused(RefusalReason.CANCELLATION_NOTICE_PASSED);
        }
        return Expected.CHANGED;
    }

    /**
     * R3, R9, R10, R12: move to {@code slot} of {@code resourceId} (the booking's own resource when
     * null).
     */
    Expected reschedule(Actor actor, Booking booking, Interval slot, String resourceId, Instant now,
                        Collection<Booking> stored) {
        String target = resourceId == null ? booking.resource().id() : resourceId;
        if (isActive(booking) && booking.slot().equals(slot) && booking.resource().id().equals(target)) {
            return Expected.UNCHANGED;
        }
        if (isCustomer(actor)) {
            if (!isActive(booking)) {
                return Expected.refused(RefusalReason.NOT_ACTIVE);
            }
            if (!now.isBefore(booking.start())) {
                return Expected.refused(RefusalReason.ALREADY_STARTED);
            }
            if (now.isAfter(booking.start().minus(rescheduleNotice))) {
                return Expected.refused(RefusalReason.RESCHEDULE_NOTICE_PASSED);
            }
            if (booking.customerReschedules() >= maxCustomerReschedules) {
                return Expected.refused(RefusalReason.RESCHEDULE_LIMIT_REACHED);
            }
            if (!target.equals(booking.resource().id())) {
                return Expected.refused(RefusalReason.ACTION_NOT_PERMITTED);
            }
            if (!slot.getStart().isAfter(now)) {
                return Expected.refused(RefusalReason.SLOT_IN_PAST);
            }
        } else if (booking.status() == BookingStatus.COMPLETED || booking.status() == BookingStatus.NO_SHOW) {
            // R3: staff revive cancelled and declined bookings; a past appointment's outcome stays.
            return Expected.refused(RefusalReason.NOT_ACTIVE);
        }
        return calendarAllows(booking.id(), target, slot, now, stored) ? Expected.CHANGED
                : Expected.refused(RefusalReason.SLOT_UNAVAILABLE);
    }

    // ------------------------------------------------------------------------------------ facts

    /**
     * R8: a customer sees only their own bookings; anything else looks unknown.
     *
     * @return whether this actor may see the booking (null: no such booking)
     */
    static boolean visible(Actor actor, Booking booking) {
        if (booking == null) {
            return false;
        }
        if (!(actor instanceof Actor.Customer who)) {
            return true;
        }
        return booking.customer().map(CustomerDetails::id).filter(who.customerId()::equals).isPresent();
    }

    /**
     * R10, R12: no other active booking of the resource overlaps the slot, unless the slot has
     * wholly passed (back-dating a record needs no free slot).
     */
    private static boolean calendarAllows(String self, String resourceId, Interval slot, Instant now,
                                          Collection<Booking> stored) {
        if (!slot.getEnd().isAfter(now)) {
            return true;
        }
        for (Booking other : stored) {
            boolean overlaps = other.start().isBefore(slot.getEnd()) && slot.getStart().isBefore(other.end());
            if (!other.id().equals(self) && isActive(other) && other.resource().id().equals(resourceId) && overlaps) {
                return false;
            }
        }
        return true;
    }

    private static boolean isActive(Booking booking) {
        return booking.status() == BookingStatus.PENDING || booking.status() == BookingStatus.CONFIRMED;
    }

    private static boolean isCustomer(Actor actor) {
        return actor instanceof Actor.Customer;
    }

    /** This model with another reschedule limit, for negative controls. */
    ReferenceRules withMaxCustomerReschedules(int max) {
        return new ReferenceRules(cancellationNotice, rescheduleNotice, max, unpaidOnly, lateFee);
    }

    /** This model refusing every late customer cancellation, for negative controls. */
    ReferenceRules withoutLateFee() {
        return new ReferenceRules(cancellationNotice, rescheduleNotice, maxCustomerReschedules, unpaidOnly, false);
    }
}
