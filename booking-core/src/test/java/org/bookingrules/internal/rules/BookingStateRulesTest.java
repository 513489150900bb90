package org.bookingrules.internal.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bookingrules.internal.rules.RuleFacts.START;
import static org.bookingrules.internal.rules.RuleFacts.context;
import static org.bookingrules.internal.rules.RuleFacts.customerContext;
import static org.bookingrules.internal.rules.RuleFacts.inStatus;
import static org.bookingrules.internal.rules.RuleFacts.pending;
import static org.bookingrules.internal.rules.RuleFacts.refusal;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.time.Instant;
import java.util.stream.Stream;
import org.bookingrules.model.BookingStatus;
import org.bookingrules.model.Resource;
import org.bookingrules.policy.BookingPolicy;
import org.bookingrules.testing.Fixture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.bookingrules.rules.Decision;
import org.bookingrules.rules.Refusal;
import org.bookingrules.rules.RefusalReason;

@DisplayName("Booking state rules alone: active, revivable, not started, started (R2, R3, R7)")
class BookingStateRulesTest {

    private static final BookingPolicy POLICY = BookingPolicy.ofDefaults();
    private static final Instant BEFORE = START.minusSeconds(3600);

    @ParameterizedTest(name = "{0} -> allowed: {1}")
    @MethodSource("org.bookingrules.testing.StatusTables#activeness")
    @DisplayName("R2 ActiveBookingRule: only PENDING and CONFIRMED bookings can be changed; any other status is "
            + "NOT_ACTIVE with no deadline and the resource's contact")
    void activeBookingRule(BookingStatus status, boolean allowed) {
        Decision decision = new ActiveBookingRule().evaluate(customerContext(inStatus(status), BEFORE, POLICY));

        assertThat(decision).isEqualTo(allowed ? Decision.allowed() : refusal(RefusalReason.NOT_ACTIVE, null));
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

        assertThat(decision).isEqualTo(allowed ? Decision.allowed() : refusal(RefusalReason.NOT_ACTIVE, null));
    }

    static Stream<Arguments> notStarted() {
        return Stream.of(
                arguments("one second before the start", START.minusSeconds(1), Decision.allowedUntil(START)),
                arguments("exactly at the start", START, refusal(RefusalReason.ALREADY_STARTED, START)),
                arguments("one second after the start", START.plusSeconds(1),
                        refusal(RefusalReason.ALREADY_STARTED, START)),
                arguments("one nanosecond before the start", START.minusNanos(1), Decision.allowedUntil(START)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notStarted")
    @DisplayName("R7 NotStartedRule: customers act only before the start; the start itself is too late and the "
            + "refusal names the start as the deadline")
    void notStartedRule(String when, Instant now, Decision expected) {
        Decision decision = new NotStartedRule().evaluate(customerContext(pending(), now, POLICY));

        assertThat(decision).isEqualTo(expected);
    }

    static Stream<Arguments> started() {
        return Stream.of(
                arguments("one second before the start", START.minusSeconds(1),
                        refusal(RefusalReason.NOT_STARTED, null)),
                arguments("exactly at the start", START, Decision.allowed()),
                arguments("one second after the start", START.plusSeconds(1), Decision.allowed()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("started")
    @DisplayName("StartedRule: completion and no-show are recorded from the start on, never before (NOT_STARTED)")
    void startedRule(String when, Instant now, Decision expected) {
        Decision decision = new StartedRule().evaluate(context(pending(), Fixture.RECEPTION, now, POLICY));

        assertThat(decision).isEqualTo(expected);
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
