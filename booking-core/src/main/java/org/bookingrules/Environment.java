package org.bookingrules;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;
import org.bookingrules.internal.rules.OwnBookingRule;
import org.bookingrules.internal.rules.RuleBook;
import org.bookingrules.internal.rules.RuleContext;
import org.bookingrules.model.Actor;
import org.bookingrules.model.Booking;
import org.bookingrules.model.CustomerDetails;
import org.bookingrules.policy.BookingPolicy;
import org.bookingrules.policy.PolicyResolver;
import org.bookingrules.rules.Refusal;
import org.bookingrules.rules.RefusalReason;
import org.bookingrules.spi.BookingRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.threeten.extra.Interval;

/**
 * What every part of the facade reads: the repository, the clock, the policies, the rule book and
 * the request checks; and how a booking is looked up for an actor. Immutable and thread-safe.
 */
final class Environment {

    private static final Logger LOG = LoggerFactory.getLogger(BookingRules.class);
    private static final OwnBookingRule VISIBILITY = new OwnBookingRule();

    final BookingRepository repository;
    final PolicyResolver policies;
    final RuleBook ruleBook;
    final RequestValidator validator = new RequestValidator();
    private final Clock clock;

    Environment(BookingRepository repository, PolicyResolver policies, RuleBook ruleBook, Clock clock) {
        this.repository = repository;
        this.policies = policies;
        this.ruleBook = ruleBook;
        this.clock = clock;
    }

    /**
     * The clock's instant to the microsecond: what SQL databases keep, so a booking reads back from
     * any store exactly as it was written.
     */
    Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    BookingPolicy policyOf(Booking booking) {
        return policies.policyFor(booking.tenantId(), booking.resource().id(), booking.service().id());
    }

    /** The booking, if this actor may see it: unknown, other tenant's and other customer's look alike. */
    Optional<Booking> visible(Actor actor, BookingRef ref) {
        return repository.find(ref.tenantId(), ref.bookingId())
                .filter(b -> VISIBILITY.evaluate(RuleContext.of(b, actor, Instant.EPOCH, BookingPolicy.ofDefaults()))
                        .isAllowed());
    }

    /** A requested slot to the microsecond, like {@link #now()}, checked to end after it starts. */
    Interval slotOf(Instant start, Instant end) {
        Instant from = start.truncatedTo(ChronoUnit.MICROS);
        Instant to = end.truncatedTo(ChronoUnit.MICROS);
        validator.checkSlot(from, to);
        return Interval.of(from, to);
    }

    static Refusal notFound() {
        return new Refusal(RefusalReason.BOOKING_NOT_FOUND, null, null, ZoneOffset.UTC);
    }

    static Outcome refused(Object action, String bookingId, Actor actor, Refusal refusal) {
        return refused(action, bookingId, actor, refusal, Locale.ENGLISH);
    }

    /** A refusal whose message is in the customer's language. */
    static Outcome refused(Object action, String bookingId, Actor actor, Refusal refusal, Locale language) {
        LOG.debug("{} booking={} actor={} refused: {}", action, bookingId == null ? "(new)" : bookingId,
                describe(actor), refusal.reason());
        return new Outcome.Refused(refusal, language);
    }

    /** The customer's language, or English when there is no customer. */
    static Locale languageOf(CustomerDetails customer) {
        return customer == null ? Locale.ENGLISH : customer.language();
    }

    static String describe(Actor actor) {
        return actor.getClass().getSimpleName().toLowerCase(Locale.ROOT) + ":" + actor.id();
    }
}
