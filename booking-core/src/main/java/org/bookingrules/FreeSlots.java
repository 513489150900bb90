package org.bookingrules;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bookingrules.internal.rules.Action;
import org.bookingrules.internal.rules.RuleBook;
import org.bookingrules.internal.rules.RuleContext;
import org.bookingrules.model.Actor;
import org.bookingrules.model.Booking;
import org.threeten.extra.Interval;

/**
 * The slots an actor could move a booking to: the grid of the range, minus what the calendar holds,
 * kept where the reschedule's own target rules (R10) allow. Immutable and thread-safe.
 */
final class FreeSlots {

    private final Environment env;

    FreeSlots(Environment env) {
        this.env = env;
    }

    List<Interval> find(Actor actor, BookingRef ref, Interval range, Duration step) {
        env.validator.checkNotNull("actor", actor);
        env.validator.check("ref", ref);
        env.validator.checkNotNull("range", range);
        env.validator.checkNotNull("step", step);
        // An unbounded side reads as Instant.MIN or MAX, which these refuse.
        env.validator.checkInstant("range", range.getStart());
        env.validator.checkInstant("range", range.getEnd());
        if (range.toDuration().compareTo(BookingRules.MAX_FREE_SLOT_RANGE) > 0) {
            throw new InvalidRequestException(List.of("range"),
                    "range: must be at most " + BookingRules.MAX_FREE_SLOT_RANGE);
        }
        if (step.compareTo(BookingRules.MIN_FREE_SLOT_STEP) < 0) {
            throw new InvalidRequestException(List.of("step"),
                    "step: must be at least " + BookingRules.MIN_FREE_SLOT_STEP);
        }
        Optional<Booking> found = env.visible(actor, ref);
        if (found.isEmpty()) {
            return List.of();
        }
        Booking booking = found.get();
        RuleContext context = RuleContext.of(booking, actor, env.now(), env.policyOf(booking));
        if (!env.ruleBook.mayAct(Action.RESCHEDULE, actor)
                || !RuleBook.evaluate(env.ruleBook.rulesFor(Action.RESCHEDULE, actor), context).isAllowed()) {
            return List.of();
        }
        Duration length = booking.slot().toDuration();
        List<Booking> taken = env.repository.calendar(booking.tenantId(), booking.resource().id(), range).stream()
                .filter(other -> !other.id().equals(booking.id()))
                .toList();
        List<Interval> free = new ArrayList<>();
        for (Instant start = range.getStart(); !start.plus(length).isAfter(range.getEnd()); start = start.plus(step)) {
            Interval candidate = Interval.of(start, length);
            if (candidate.equals(booking.slot()) || taken.stream().anyMatch(b -> b.slot().overlaps(candidate))) {
                continue;
            }
            if (RuleBook.evaluate(env.ruleBook.rescheduleTarget(actor), context.withTarget(candidate,
                    booking.resource())).isAllowed()) {
                free.add(candidate);
            }
        }
        return List.copyOf(free);
    }
}
