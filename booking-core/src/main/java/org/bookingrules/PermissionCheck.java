package org.bookingrules;

import java.util.Optional;
import java.util.OptionalInt;
import org.bookingrules.internal.rules.Action;
import org.bookingrules.internal.rules.RuleBook;
import org.bookingrules.internal.rules.RuleContext;
import org.bookingrules.model.Actor;
import org.bookingrules.model.Booking;
import org.bookingrules.rules.Refusal;

/**
 * What an actor may do with a booking now, and until when, by the same rules the commands apply;
 * changes nothing. Immutable and thread-safe.
 */
final class PermissionCheck {

    private final Environment env;

    PermissionCheck(Environment env) {
        this.env = env;
    }

    Permissions of(Actor actor, BookingRef ref) {
        env.validator.checkNotNull("actor", actor);
        env.validator.check("ref", ref);
        Optional<Booking> found = env.visible(actor, ref);
        if (found.isEmpty()) {
            Refusal notFound = Environment.notFound();
            return new Permissions(notFound, notFound, notFound, notFound, OptionalInt.empty());
        }
        Booking booking = found.get();
        RuleContext context = RuleContext.of(booking, actor, env.now(), env.policyOf(booking));
        OptionalInt left = actor instanceof Actor.Customer
                ? OptionalInt.of(Math.max(0, context.policy().maxCustomerReschedules() - booking.customerReschedules()))
                : OptionalInt.empty();
        RuleBook book = env.ruleBook;
        return new Permissions(
                RuleBook.evaluate(book.rulesFor(Action.CANCEL, actor), context),
                RuleBook.evaluate(book.rulesFor(Action.RESCHEDULE, actor), context),
                RuleBook.evaluate(book.rulesFor(Action.CONFIRM, actor), context),
                RuleBook.evaluate(book.rulesFor(Action.DECLINE, actor), context),
                left);
    }
}
