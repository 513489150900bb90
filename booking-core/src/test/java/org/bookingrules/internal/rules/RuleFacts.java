package org.bookingrules.internal.rules;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.function.Function;
import java.util.stream.Stream;
import org.bookingrules.model.Actor;
import org.bookingrules.model.Booking;
import org.bookingrules.model.BookingStatus;
import org.bookingrules.model.Resource;
import org.bookingrules.policy.BookingPolicy;
import org.bookingrules.testing.Fixture;
import org.threeten.extra.Interval;
import org.bookingrules.rules.Decision;
import org.bookingrules.rules.Refusal;
import org.bookingrules.rules.RefusalReason;

/**
 * Hand-built facts for testing one rule alone: a booking of Ana with Dr. Ruiz, a context around
 * it, and the refusal a rule is expected to give. Stateless.
 */
final class RuleFacts {

    static final String TENANT = Fixture.TENANT;
    static final ZoneId ZONE = Fixture.ZONE;
    static final Resource RESOURCE = Fixture.DR_RUIZ;
    static final String CONTACT = "+34 910 000 000";
    /** Tuesday 10 March 2026, 10:00 UTC: far from any daylight-saving change. */
    static final Instant START = Instant.parse("2026-03-10T10:00:00Z");
    static final Interval SLOT = Interval.of(START, START.plus(Duration.ofHours(1)));
    static final Instant BOOKED_AT = Instant.parse("2026-03-01T08:00:00Z");

    private RuleFacts() {
    }

    /** A pending, unpaid booking of Ana over {@link #SLOT}; tests change one fact at a time. */
    static Booking.Builder booking() {
        return Booking.builder()
                .tenantId(TENANT)
                .id("booking-1")
                .confirmationCode("K7Q2M9")
                .resource(RESOURCE)
                .service(Fixture.CONSULTATION)
                .customer(Fixture.ANA)
                .slot(SLOT)
                .zone(ZONE)
                .createdAt(BOOKED_AT)
                .updatedAt(BOOKED_AT);
    }

    static Booking pending() {
        return booking().build();
    }

    /** A booking in any status; the model requires confirmedBy exactly for CONFIRMED. */
    static Booking inStatus(BookingStatus status) {
        return booking()
                .status(status)
                .confirmedBy(status == BookingStatus.CONFIRMED ? Fixture.RECEPTION : null)
                .build();
    }

    static RuleContext context(Booking booking, Actor actor, Instant now, BookingPolicy policy) {
        return RuleContext.of(booking, actor, now, policy);
    }

    static RuleContext customerContext(Booking booking, Instant now, BookingPolicy policy) {
        return RuleContext.of(booking, Fixture.ANA_ACTS, now, policy);
    }

    /** The refusal every rule gives about {@link #pending()}: the resource's contact, the booking's zone. */
    static Refusal refusal(RefusalReason reason, Instant allowedUntil) {
        return new Refusal(reason, allowedUntil, CONTACT, ZONE);
    }

    /**
     * What a rule decides when it is allowed, or else the refusal with no deadline.
     *
     * @param allowed whether the rule allows
     * @param reason the reason of the refusal otherwise
     * @return the decision
     */
    static Decision allowedOr(boolean allowed, RefusalReason reason) {
        return allowed ? Decision.allowed() : refusal(reason, null);
    }

    /**
     * Ana's context on {@link #pending()} under a policy, at the instant given.
     *
     * @param policy the policy
     * @return the context at each instant
     */
    static Function<Instant, RuleContext> customerAt(BookingPolicy policy) {
        return now -> customerContext(pending(), now, policy);
    }

    /**
     * One point of a rule's timeline: at {@code now} it decides {@code expected}.
     *
     * @param when the point in words
     * @param now the instant of the decision
     * @param expected the decision
     */
    record At(String when, Instant now, Decision expected) {
    }

    static At at(String when, Instant now, Decision expected) {
        return new At(when, now, expected);
    }

    /**
     * One expected decision of a rule in one context, named for the test report.
     *
     * @param name what the case shows, with the rule it proves
     * @param rule the rule
     * @param context the facts it judges
     * @param expected its decision
     */
    record Case(String name, BookingRule rule, RuleContext context, Decision expected) {

        Decision actual() {
            return rule.evaluate(context);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * The cases of one rule along a timeline.
     *
     * @param sentence what the rule does, with its rule number
     * @param rule the rule
     * @param contextAt the context at each instant
     * @param points the instants and the decisions expected at them
     * @return one case a point, named by the sentence and the point
     */
    static Stream<Case> timeline(String sentence, BookingRule rule, Function<Instant, RuleContext> contextAt,
                                 At... points) {
        return Stream.of(points)
                .map(p -> new Case(sentence + ": " + p.when(), rule, contextAt.apply(p.now()), p.expected()));
    }
}
