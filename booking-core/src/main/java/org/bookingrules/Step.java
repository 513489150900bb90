package org.bookingrules;

import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import org.bookingrules.model.Booking;
import org.bookingrules.model.Resource;
import org.bookingrules.model.Transition;
import org.bookingrules.policy.BookingPolicy;
import org.bookingrules.rules.Decision;
import org.bookingrules.spi.NotificationKind;
import org.bookingrules.spi.SlotClaim;
import org.threeten.extra.Interval;

/**
 * What a command will do to a loaded booking once its rules allow it: nothing (already done), or a
 * function of the allowance (decline and cancel need its lateness and fee). A move also names its
 * target, for the target-slot rules. Immutable.
 */
record Step(Interval targetSlot, Resource targetResource, Function<Decision.Allowed, Apply> apply) {

    /** Decides what one action does to a loaded booking, before its rules are evaluated. */
    @FunctionalInterface
    interface Command {
        Step decide(Booking booking, Instant now, BookingPolicy policy);
    }

    /** The transitions to save, with their slot claim and notification kind. */
    record Apply(List<Transition> transitions, SlotClaim claim, NotificationKind kind) {
        static Apply of(Transition transition, NotificationKind kind) {
            return new Apply(List.of(transition), SlotClaim.NONE, kind);
        }
    }

    static final Step UNCHANGED = new Step(null, null, null);

    static Step change(Function<Decision.Allowed, Apply> apply) {
        return new Step(null, null, apply);
    }

    static Step move(Interval slot, Resource resource, Function<Decision.Allowed, Apply> apply) {
        return new Step(slot, resource, apply);
    }

    boolean unchanged() {
        return apply == null;
    }
}
