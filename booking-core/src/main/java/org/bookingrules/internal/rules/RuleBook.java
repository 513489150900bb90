package org.bookingrules.internal.rules;

import java.util.List;
import java.util.Objects;
import org.bookingrules.model.Actor;
import org.bookingrules.model.CustomerDetails;
import org.bookingrules.spi.Availability;
import org.bookingrules.rules.Decision;
import org.bookingrules.rules.Refusal;

/**
 * Which rules apply to which action for which kind of actor, in the order they are evaluated.
 * Staff skip the customer rules by construction: their lists simply do not hold them (R12).
 * Immutable and thread-safe.
 *
 * <p>Lists about an existing booking take a context without a target; the {@code *Target} lists
 * take a context with the requested slot and resource ({@link RuleContext#withTarget}).
 */
public final class RuleBook {

    private static final List<BookingRule> NOT_PERMITTED = List.of(new NotPermittedRule());

    private final BookingRule availability;

    /**
     * @param availability the product's opening hours, not null
     */
    public RuleBook(Availability availability) {
        this.availability = new AvailabilityRule(Objects.requireNonNull(availability, "availability"));
    }

    /**
     * Evaluates rules in order: the first refusal wins; otherwise the allowances are combined
     * (earliest deadline, late if any rule says late).
     *
     * @param rules the rules, not null
     * @param context the facts, not null
     * @return the decision
     */
    public static Decision evaluate(List<BookingRule> rules, RuleContext context) {
        Decision.Allowed combined = Decision.allowed();
        for (BookingRule rule : rules) {
            Decision decision = rule.evaluate(context);
            if (decision instanceof Refusal refusal) {
                return refusal;
            }
            combined = combined.and((Decision.Allowed) decision);
        }
        return combined;
    }

    /**
     * Whether this kind of actor may take the action at all (before any rule about the booking):
     * customers may book, confirm, decline, cancel and reschedule; staff may do everything; the
     * system acts only through automatic rules, never through these commands.
     *
     * @param action not null
     * @param actor not null
     * @return true if permitted
     */
    public boolean mayAct(Action action, Actor actor) {
        if (actor instanceof Actor.Staff) {
            return true;
        }
        if (actor instanceof Actor.Customer) {
            return switch (action) {
                case BOOK, CONFIRM, DECLINE, CANCEL, RESCHEDULE -> true;
                case REVOKE_CONFIRMATION, MARK_NO_SHOW, COMPLETE -> false;
            };
        }
        return false;
    }

    /**
     * Rules on the requested slot of a new booking (R1, R9, R10).
     *
     * @param actor not null
     * @param bookedFor the new booking's customer, may be null
     * @return the rules
     */
    public List<BookingRule> bookTarget(Actor actor, CustomerDetails bookedFor) {
        if (actor instanceof Actor.Customer) {
            return List.of(new OwnCustomerRule(bookedFor), new FutureSlotRule(), new MinimumBookingNoticeRule(),
                    availability);
        }
        return mayAct(Action.BOOK, actor) ? List.of(availability) : NOT_PERMITTED;
    }

    /**
     * Rules on the booking for an action (everything except the requested slot).
     *
     * @param action not null; for {@link Action#BOOK} use {@link #bookTarget}
     * @param actor not null
     * @return the rules
     */
    public List<BookingRule> rulesFor(Action action, Actor actor) {
        if (!mayAct(action, actor)) {
            return NOT_PERMITTED;
        }
        boolean customer = actor instanceof Actor.Customer;
        return switch (action) {
            case BOOK -> throw new IllegalArgumentException("BOOK has no booking yet: use bookTarget");
            case CONFIRM -> customer
                    ? List.of(new ActiveBookingRule(), new NotStartedRule())
                    : List.of(new ActiveBookingRule());
            case REVOKE_CONFIRMATION -> List.of(new ActiveBookingRule());
            case DECLINE -> customer
                    ? List.of(new ActiveBookingRule(), new NotStartedRule(), new LateDeclineRule())
                    : List.of(new ActiveBookingRule(), new LateDeclineRule());
            case CANCEL -> customer
                    ? List.of(new ActiveBookingRule(), new NotStartedRule(), SelfServiceEnabledRule.cancel(),
                            new UnpaidOnlyCancellationRule(), new CancellationNoticeRule())
                    : List.of(new ActiveBookingRule());
            case RESCHEDULE -> customer
                    ? List.of(new ActiveBookingRule(), new NotStartedRule(), SelfServiceEnabledRule.reschedule(),
                            new RescheduleNoticeRule(), new RescheduleLimitRule())
                    : List.of(new RevivableBookingRule());
            case MARK_NO_SHOW, COMPLETE -> List.of(new ActiveBookingRule(), new StartedRule());
        };
    }

    /**
     * Rules on the requested slot and resource of a reschedule (R10, R12).
     *
     * @param actor not null
     * @return the rules
     */
    public List<BookingRule> rescheduleTarget(Actor actor) {
        if (!mayAct(Action.RESCHEDULE, actor)) {
            return NOT_PERMITTED;
        }
        if (actor instanceof Actor.Customer) {
            return List.of(new SameResourceRule(), new FutureSlotRule(), new MinimumBookingNoticeRule(), availability);
        }
        return List.of(availability);
    }
}
