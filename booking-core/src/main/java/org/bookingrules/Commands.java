package org.bookingrules;

import java.util.ArrayList;
import java.util.List;
import org.bookingrules.Step.Apply;
import org.bookingrules.Step.Command;
import org.bookingrules.internal.rules.AutoConfirmationRule;
import org.bookingrules.internal.rules.ReminderRule;
import org.bookingrules.internal.rules.SlotClaimRule;
import org.bookingrules.model.Actor;
import org.bookingrules.model.BookingStatus;
import org.bookingrules.model.ReminderState;
import org.bookingrules.model.Resource;
import org.bookingrules.model.Transition;
import org.bookingrules.policy.BookingPolicy;
import org.bookingrules.policy.PolicyResolver;
import org.bookingrules.spi.NotificationKind;
import org.threeten.extra.Interval;

/**
 * What each command does to a booking its rules allowed: the table of contents of the
 * transitions. Repeating a command on a booking already in its target state changes nothing
 * (R11). Stateless.
 */
final class Commands {

    private Commands() {
    }

    static Command confirm(Actor actor) {
        return (booking, now, policy) -> booking.status() == BookingStatus.CONFIRMED ? Step.UNCHANGED
                : Step.change(allowed -> Apply.of(booking.confirm(actor, now), NotificationKind.CONFIRMED));
    }

    static Command revokeConfirmation(Actor actor, ChangeRequest change) {
        return (booking, now, policy) -> {
            if (booking.status() == BookingStatus.PENDING) {
                return Step.UNCHANGED;
            }
            // R5: unconfirmed again, so it gets the slot's one reminder unless it had it already.
            ReminderState reminder = booking.reminder().dueAt() != null ? booking.reminder()
                    : ReminderRule.armedFor(booking.slot(), booking.customer().orElse(null), policy);
            return Step.change(allowed -> Apply.of(booking.revokeConfirmation(actor, now, change.reason(), reminder),
                    NotificationKind.CONFIRMATION_REVOKED));
        };
    }

    static Command decline(Actor actor, ChangeRequest change) {
        return (booking, now, policy) -> booking.status() == BookingStatus.DECLINED ? Step.UNCHANGED
                : Step.change(allowed -> Apply.of(booking.decline(actor, now, change.reason(), allowed.late()),
                        NotificationKind.DECLINED));
    }

    static Command cancel(Actor actor, ChangeRequest change) {
        return (booking, now, policy) -> booking.status() == BookingStatus.CANCELLED ? Step.UNCHANGED
                : Step.change(allowed -> Apply.of(booking.cancel(actor, now, change.reason(),
                        NotificationPlanner.personalMessage(actor, change.notification()), allowed.late(),
                        allowed.lateFee()), NotificationKind.CANCELLED));
    }

    /**
     * R3, R6, R12: a move resets the confirmation and arms a new reminder under the target's
     * policy, unless the new start is within its reminder lead, where the system confirms it.
     */
    static Command reschedule(Actor actor, RescheduleRequest request, Interval newSlot, PolicyResolver policies) {
        return (booking, now, policy) -> {
            Resource target = request.resource() != null ? request.resource() : booking.resource();
            if (booking.isActive() && booking.slot().equals(newSlot) && booking.resource().equals(target)) {
                return Step.UNCHANGED;
            }
            return Step.move(newSlot, target, allowed -> {
                BookingPolicy targetPolicy = policies.policyFor(booking.tenantId(), target.id(),
                        booking.service().id());
                List<Transition> steps = new ArrayList<>();
                steps.add(booking.reschedule(actor, now, newSlot, target,
                        ReminderRule.armedFor(newSlot, booking.customer().orElse(null), targetPolicy),
                        request.change().reason()));
                AutoConfirmationRule.confirmIfDue(steps, now, targetPolicy);
                return new Apply(steps, SlotClaimRule.claimFor(newSlot, now), NotificationKind.RESCHEDULED);
            });
        };
    }

    static Command markNoShow(Actor actor, ChangeRequest change) {
        return (booking, now, policy) -> booking.status() == BookingStatus.NO_SHOW ? Step.UNCHANGED
                : Step.change(allowed -> Apply.of(booking.markNoShow(actor, now, change.reason()),
                        NotificationKind.NO_SHOW));
    }

    static Command complete(Actor actor) {
        return (booking, now, policy) -> booking.status() == BookingStatus.COMPLETED ? Step.UNCHANGED
                : Step.change(allowed -> Apply.of(booking.complete(actor, now), NotificationKind.COMPLETED));
    }
}
