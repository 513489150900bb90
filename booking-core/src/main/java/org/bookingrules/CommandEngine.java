package org.bookingrules;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.bookingrules.NotificationPlanner.Plan;
import org.bookingrules.NotificationPlanner.Prepared;
import org.bookingrules.Step.Apply;
import org.bookingrules.Step.Command;
import org.bookingrules.internal.rules.Action;
import org.bookingrules.internal.rules.AutoConfirmationRule;
import org.bookingrules.internal.rules.ReminderRule;
import org.bookingrules.internal.rules.RuleBook;
import org.bookingrules.internal.rules.RuleContext;
import org.bookingrules.internal.rules.SlotClaimRule;
import org.bookingrules.model.Actor;
import org.bookingrules.model.Booking;
import org.bookingrules.model.BookingEvent;
import org.bookingrules.model.Transition;
import org.bookingrules.policy.BookingPolicy;
import org.bookingrules.rules.Decision;
import org.bookingrules.rules.Refusal;
import org.bookingrules.rules.RefusalReason;
import org.bookingrules.spi.BookingChange;
import org.bookingrules.spi.IdempotencyKey;
import org.bookingrules.spi.NotificationKind;
import org.bookingrules.spi.SaveResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.threeten.extra.Interval;

/**
 * The one path of every command: load &rarr; decide (pure rules) &rarr; transition (pure) &rarr;
 * save with a version check &rarr; hand the notifications over. A command that loses a race runs
 * again on fresh state, a bounded number of times. Immutable and thread-safe.
 */
final class CommandEngine {

    private static final Logger LOG = LoggerFactory.getLogger(BookingRules.class);

    private final Environment env;
    private final NotificationPlanner planner;
    private final Delivery delivery;
    private final Idempotency idempotency;
    private final Supplier<String> ids;
    private final Supplier<String> codes;
    private final int maxAttempts;

    CommandEngine(Environment env, NotificationPlanner planner, Delivery delivery, Supplier<String> ids,
                  Supplier<String> codes, int maxAttempts, Duration idempotencyKeyTtl) {
        this.env = env;
        this.planner = planner;
        this.delivery = delivery;
        this.idempotency = new Idempotency(env.repository, idempotencyKeyTtl);
        this.ids = ids;
        this.codes = codes;
        this.maxAttempts = maxAttempts;
    }

    /** Told of every stored change that freed a slot: the booking before and after, and the staff's choice. */
    interface FreedSlots {
        void freed(Booking before, Booking after, Actor actor, NotificationChoice choice);
    }

    /** Set once, by the facade's constructor, before the facade is published. */
    private FreedSlots freedSlots = (before, after, actor, choice) -> { };

    void onFreedSlots(FreedSlots listener) {
        this.freedSlots = listener;
    }

    Delivery delivery() {
        return delivery;
    }

    /** R1, R6, R10, R12: a new booking, idempotent when the request carries a key. */
    Outcome book(Actor actor, BookRequest request) {
        return book(actor, request, env.repository::insert);
    }

    /**
     * {@link #book(Actor, BookRequest)}, stored by {@code save} (the repository's insert, or the
     * acceptance of an offer, which writes it with its hold).
     */
    Outcome book(Actor actor, BookRequest request, Function<BookingChange, SaveResult> save) {
        env.validator.checkNotNull("actor", actor);
        env.validator.check("request", request);
        Interval slot = env.slotOf(request.start(), request.end());
        String fingerprint = request.idempotencyKey() == null ? null
                : Idempotency.fingerprint(actor, request, slot);
        Locale language = Environment.languageOf(request.customer());
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            Instant now = env.now();
            BookingPolicy policy = env.policies.policyFor(request.tenantId(), request.resource().id(),
                    request.service().id());
            RuleContext context = new RuleContext(request.tenantId(), null, actor, now, policy, slot,
                    request.resource(), request.zone());
            if (fingerprint != null) {
                Optional<Outcome> repeat = idempotency.repeatOf(request, fingerprint, actor, context);
                if (repeat.isPresent()) {
                    return repeat.get();
                }
            }
            Decision decision = RuleBook.evaluate(env.ruleBook.bookTarget(actor, request.customer()), context);
            if (decision instanceof Refusal refusal) {
                return Environment.refused(Action.BOOK, null, actor, refusal, language);
            }
            Booking.Builder spec = Booking.builder()
                    .tenantId(request.tenantId())
                    .id(ids.get())
                    .confirmationCode(codes.get())
                    .resource(request.resource())
                    .service(request.service())
                    .customer(request.customer())
                    .slot(slot)
                    .zone(request.zone())
                    .paymentStatus(request.paymentStatus())
                    .reminder(ReminderRule.armedFor(slot, request.customer(), policy));
            List<Transition> steps = new ArrayList<>();
            steps.add(Booking.book(spec, actor, now));
            AutoConfirmationRule.confirmIfDue(steps, now, policy);
            Plan plan = planner.plan(steps, SlotClaimRule.claimFor(slot, now), NotificationKind.BOOKED, actor,
                    request.notification());
            Booking booked = steps.get(0).booking();
            IdempotencyKey key = fingerprint == null ? null
                    : idempotency.keyFor(request.idempotencyKey(), fingerprint, booked);
            Prepared prepared = planner.prepare(plan, 0, key);
            SaveResult result = save.apply(prepared.change());
            switch (result) {
                case SAVED:
                    return done(Action.BOOK, actor, prepared);
                case SLOT_TAKEN:
                    return Environment.refused(Action.BOOK, null, actor,
                            context.refuse(RefusalReason.SLOT_UNAVAILABLE, null), language);
                case CODE_TAKEN:
                    LOG.debug("book: confirmation code clash, drawing another (attempt {})", attempt);
                    continue;
                case IDEMPOTENCY_KEY_TAKEN:
                    // A concurrent repeat won; the next attempt finds its key and answers as it did.
                    LOG.debug("book: idempotency key stored concurrently (attempt {})", attempt);
                    continue;
                default:
                    throw new IllegalStateException("unexpected insert result " + result);
            }
        }
        throw new BookingConflictException("book: could not store the booking in " + maxAttempts + " attempts");
    }

    /** A command on an existing booking: the actor may act, the rules allow it, the save wins. */
    Outcome change(Action action, Actor actor, BookingRef ref, ChangeRequest change, Command command) {
        env.validator.checkNotNull("actor", actor);
        env.validator.check("ref", ref);
        env.validator.check("change", change);
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            Optional<Booking> found = env.visible(actor, ref);
            if (found.isEmpty()) {
                return Environment.refused(action, ref.bookingId(), actor, Environment.notFound());
            }
            Booking booking = found.get();
            Locale language = Environment.languageOf(booking.customer().orElse(null));
            Instant now = env.now();
            BookingPolicy policy = env.policyOf(booking);
            RuleContext context = RuleContext.of(booking, actor, now, policy);
            if (!env.ruleBook.mayAct(action, actor)) {
                return Environment.refused(action, booking.id(), actor,
                        context.refuse(RefusalReason.ACTION_NOT_PERMITTED, null), language);
            }
            Step step = command.decide(booking, now, policy);
            if (step.unchanged()) {
                LOG.debug("{} booking={} actor={}: already done, nothing changed", action, booking.id(),
                        Environment.describe(actor));
                return new Outcome.Done(booking, List.of(), List.of(), Set.of());
            }
            Decision decision = RuleBook.evaluate(env.ruleBook.rulesFor(action, actor), context);
            if (decision instanceof Refusal refusal) {
                return Environment.refused(action, booking.id(), actor, refusal, language);
            }
            if (step.targetSlot() != null) {
                Decision onTarget = RuleBook.evaluate(env.ruleBook.rescheduleTarget(actor),
                        context.withTarget(step.targetSlot(), step.targetResource()));
                if (onTarget instanceof Refusal refusal) {
                    return Environment.refused(action, booking.id(), actor, refusal, language);
                }
                decision = ((Decision.Allowed) decision).and((Decision.Allowed) onTarget);
            }
            Apply apply = step.apply().apply((Decision.Allowed) decision);
            Plan plan = planner.plan(apply.transitions(), apply.claim(), apply.kind(), actor, change.notification());
            Prepared prepared = planner.prepare(plan, booking.version(), null);
            SaveResult result = env.repository.update(prepared.change());
            switch (result) {
                case SAVED:
                    Outcome.Done done = done(action, actor, prepared);
                    if (frees(booking, prepared.change().booking())) {
                        freedSlots.freed(booking, prepared.change().booking(), actor, change.notification());
                    }
                    return done;
                case SLOT_TAKEN:
                    return Environment.refused(action, booking.id(), actor,
                            context.refuse(RefusalReason.SLOT_UNAVAILABLE, null), language);
                case VERSION_CONFLICT:
                    LOG.debug("{} booking={}: version conflict, deciding again (attempt {})",
                            action, booking.id(), attempt);
                    continue;
                default:
                    throw new IllegalStateException("unexpected update result " + result);
            }
        }
        throw new BookingConflictException(action + " booking=" + ref.bookingId()
                + ": changed concurrently on each of " + maxAttempts + " attempts");
    }

    /** Whether a change gave up a slot: the booking held it, active, and now is not active there. */
    static boolean frees(Booking before, Booking after) {
        return before.isActive() && (!after.isActive() || !after.slot().equals(before.slot())
                || !after.resource().id().equals(before.resource().id()));
    }

    /** A stored change: its notifications handed over (if the facade delivers), then its outcome. */
    Outcome.Done done(Action action, Actor actor, Prepared prepared) {
        BookingChange change = prepared.change();
        delivery.handOver(change.notifications());
        // Guarded: the arguments (the actor described, the event kinds listed) cost more than the call.
        if (action != null && LOG.isDebugEnabled()) {
            LOG.debug("{} booking={} tenant={} actor={} done: {} -> version {}", action, change.booking().id(),
                    change.booking().tenantId(), Environment.describe(actor),
                    change.events().stream().map(BookingEvent::kind).toList(), change.booking().version());
        }
        if (!prepared.unreachable().isEmpty()) {
            LOG.debug("booking={}: could not notify {}", change.booking().id(), prepared.unreachable());
        }
        return new Outcome.Done(change.booking(), change.events(), change.notifications(), prepared.unreachable());
    }
}
