package org.bookingrules.internal.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bookingrules.internal.rules.RuleFacts.START;
import static org.bookingrules.internal.rules.RuleFacts.allowedOr;
import static org.bookingrules.internal.rules.RuleFacts.at;
import static org.bookingrules.internal.rules.RuleFacts.context;
import static org.bookingrules.internal.rules.RuleFacts.customerAt;
import static org.bookingrules.internal.rules.RuleFacts.customerContext;
import static org.bookingrules.internal.rules.RuleFacts.inStatus;
import static org.bookingrules.internal.rules.RuleFacts.pending;
import static org.bookingrules.internal.rules.RuleFacts.refusal;
import static org.bookingrules.internal.rules.RuleFacts.timeline;

import java.time.Instant;
import java.util.stream.Stream;
import org.bookingrules.model.BookingStatus;
import org.bookingrules.model.Resource;
import org.bookingrules.policy.BookingPolicy;
import org.bookingrules.testing.Fixture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.bookingrules.rules.Decision;
import org.bookingrules.rules.Refusal;
import org.bookingrules.rules.RefusalReason;

@DisplayName("Booking state rules alone: active, revivable, not started, started (R2, R3, R7)")
class BookingStateRulesTest implements DecisionTable {

    private static final BookingPolicy POLICY = BookingPolicy.ofDefaults();
    private static final Instant BEFORE = START.minusSeconds(3600);

    @ParameterizedTest(name = "{0} -> allowed: {1}")
    @MethodSource("org.bookingrules.testing.StatusTables#activeness")
    @DisplayName("R2 ActiveBookingRule: only PENDING and CONFIRMED bookings can be changed; any other status is "
            + "NOT_ACTIVE with no deadline and the resource's contact")
    void activeBookingRule(BookingStatus status, boolean allowed) {
        Decision decision = new ActiveBookingRule().evaluate(customerContext(inStatus(status), BEFORE, POLICY));

        assertThat(decision).isEqualTo(allowedOr(allowed, RefusalReason.NOT_ACTIVE));
    }

    @ParameterizedTest(name = "{0} -> allowed: {1}")
    @CsvSource({
        "PENDING,   true",
        "CONFIRMED, true",
        "DECLINED,  true",
        "CANCELLED, true",
        "COMPLETED, false",
        "NO_SHOW,   false"
    })
    @DisplayName("R3 RevivableBookingRule: staff may reschedule active, cancelled and declined bookings; completed "
            + "and no-show ones are settled history (NOT_ACTIVE)")
    void revivableBookingRule(BookingStatus status, boolean allowed) {
        Decision decision = new RevivableBookingRule()
                .evaluate(context(inStatus(status), Fixture.RECEPTION, BEFORE, POLICY));

        assertThat(decision).isEqualTo(allowedOr(allowed, RefusalReason.NOT_ACTIVE));
    }

    @Override
    public Stream<RuleFacts.Case> cases() {
        return Stream.concat(
                timeline("R7 NotStartedRule: customers act only before the start; the start itself is too late and "
                                + "the refusal names the start as the deadline", new NotStartedRule(), customerAt(POLICY),
                        at("one second before the start", START.minusSeconds(1), Decision.allowedUntil(START)),
                        at("exactly at the start", START, refusal(RefusalReason.ALREADY_STARTED, START)),
                        at("one second after the start", START.plusSeconds(1),
                                refusal(RefusalReason.ALREADY_STARTED, START)),
                        at("one nanosecond before the start", START.minusNanos(1), Decision.allowedUntil(START))),
                timeline("StartedRule: completion and no-show are recorded from the start on, never before "
                                + "(NOT_STARTED)", new StartedRule(), now -> context(pending(), Fixture.RECEPTION, now, POLICY),
                        at("one second before the start", START.minusSeconds(1),
                                refusal(RefusalReason.NOT_STARTED, null)),
                        at("exactly at the start", START, Decision.allowed()),
                        at("one second after the start", START.plusSeconds(1), Decision.allowed())));
    }

    @Test
    @DisplayName("R9 a refusal about a booking whose resource has no contact carries no contact")
    void refusalWithoutAStoredContact() {
        var noContact = RuleFacts.booking().resource(Resource.of("dr-ruiz", "Dr. Ruiz"))
                .status(BookingStatus.CANCELLED).build();

        Decision decision = new ActiveBookingRule().evaluate(customerContext(noContact, BEFORE, POLICY));

        assertThat(decision).isEqualTo(new Refusal(RefusalReason.NOT_ACTIVE, null, null, RuleFacts.ZONE));
    }
}
