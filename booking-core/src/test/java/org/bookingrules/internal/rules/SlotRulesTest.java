package org.bookingrules.internal.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bookingrules.internal.rules.RuleFacts.CONTACT;
import static org.bookingrules.internal.rules.RuleFacts.TENANT;
import static org.bookingrules.internal.rules.RuleFacts.ZONE;
import static org.bookingrules.internal.rules.RuleFacts.pending;
import static org.bookingrules.internal.rules.RuleFacts.refusal;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.bookingrules.model.Actor;
import org.bookingrules.model.Resource;
import org.bookingrules.policy.BookingPolicy;
import org.bookingrules.spi.Availability;
import org.bookingrules.testing.Fixture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.threeten.extra.Interval;
import org.bookingrules.rules.Decision;
import org.bookingrules.rules.Refusal;
import org.bookingrules.rules.RefusalReason;

@DisplayName("Slot rules alone: future slot, minimum booking notice, same resource, availability (R9, R10, R12)")
class SlotRulesTest {

    private static final Instant NOW = Instant.parse("2026-03-02T09:00:00Z");
    private static final BookingPolicy POLICY = BookingPolicy.ofDefaults();
    private static final BookingPolicy TWO_HOURS_MINIMUM = BookingPolicy.builder()
            .minimumBookingNotice(Duration.ofHours(2))
            .build();
    private static final Availability CLOSED = (tenantId, resourceId, slot) -> false;

    private static Interval hourFrom(Instant start) {
        return Interval.of(start, start.plus(Duration.ofHours(1)));
    }

    /** Moving the existing booking to a new slot with its own resource. */
    private static RuleContext reschedule(Actor actor, BookingPolicy policy, Interval target, Resource resource) {
        return RuleContext.of(pending(), actor, NOW, policy).withTarget(target, resource);
    }

    /** Booking a new slot: no booking yet, the contact comes from the target resource. */
    private static RuleContext book(Actor actor, BookingPolicy policy, Interval target, Resource resource) {
        return new RuleContext(TENANT, null, actor, NOW, policy, target, resource, ZONE);
    }

    static Stream<Arguments> futureSlot() {
        return Stream.of(
                arguments("starts one second after now", NOW.plusSeconds(1), Decision.allowed()),
                arguments("starts exactly now", NOW, refusal(RefusalReason.SLOT_IN_PAST, null)),
                arguments("started one second ago", NOW.minusSeconds(1), refusal(RefusalReason.SLOT_IN_PAST, null)),
                arguments("started yesterday", NOW.minus(Duration.ofDays(1)),
                        refusal(RefusalReason.SLOT_IN_PAST, null)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("futureSlot")
    @DisplayName("R10 FutureSlotRule: a customer moves a booking only to a slot that starts after now")
    void futureSlotOnReschedule(String when, Instant start, Decision expected) {
        Decision decision = new FutureSlotRule()
                .evaluate(reschedule(Fixture.ANA_ACTS, POLICY, hourFrom(start), Fixture.DR_RUIZ));

        assertThat(decision).isEqualTo(expected);
    }

    @Test
    @DisplayName("R10 FutureSlotRule: booking a past slot is refused with the target resource's contact")
    void futureSlotOnBooking() {
        Decision decision = new FutureSlotRule()
                .evaluate(book(Fixture.ANA_ACTS, POLICY, hourFrom(NOW), Fixture.DR_SOTO));

        assertThat(decision)
                .isEqualTo(new Refusal(RefusalReason.SLOT_IN_PAST, null, "recepcion@example.org", ZONE));
    }

    static Stream<Arguments> minimumNotice() {
        Instant earliest = NOW.plus(Duration.ofHours(2));
        return Stream.of(
                arguments("one second before now + notice", earliest.minusSeconds(1),
                        refusal(RefusalReason.MINIMUM_BOOKING_NOTICE, null)),
                arguments("exactly at now + notice", earliest, Decision.allowed()),
                arguments("one second after now + notice", earliest.plusSeconds(1), Decision.allowed()),
                arguments("in the past", NOW.minusSeconds(1), refusal(RefusalReason.MINIMUM_BOOKING_NOTICE, null)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("minimumNotice")
    @DisplayName("R9/R10 MinimumBookingNoticeRule: a slot may start no sooner than now + minimum notice, that "
            + "instant included")
    void minimumBookingNotice(String when, Instant start, Decision expected) {
        Decision decision = new MinimumBookingNoticeRule()
                .evaluate(reschedule(Fixture.ANA_ACTS, TWO_HOURS_MINIMUM, hourFrom(start), Fixture.DR_RUIZ));

        assertThat(decision).isEqualTo(expected);
    }

    @Test
    @DisplayName("R9 MinimumBookingNoticeRule: the default notice (zero) accepts a slot starting right now; "
            + "FutureSlotRule is what refuses it")
    void zeroMinimumNotice() {
        Interval startingNow = hourFrom(NOW);

        assertThat(new MinimumBookingNoticeRule().evaluate(book(Fixture.ANA_ACTS, POLICY, startingNow, Fixture.DR_RUIZ)))
                .isEqualTo(Decision.allowed());
        assertThat(new MinimumBookingNoticeRule()
                .evaluate(book(Fixture.ANA_ACTS, POLICY, hourFrom(NOW.minusNanos(1)), Fixture.DR_RUIZ)))
                .isEqualTo(refusal(RefusalReason.MINIMUM_BOOKING_NOTICE, null));
    }

    @Test
    @DisplayName("R12 SameResourceRule: a customer's reschedule keeps the resource")
    void sameResourceAllowsTheSameResource() {
        Interval later = hourFrom(NOW.plus(Duration.ofDays(2)));

        assertThat(new SameResourceRule().evaluate(reschedule(Fixture.ANA_ACTS, POLICY, later, Fixture.DR_RUIZ)))
                .isEqualTo(Decision.allowed());
    }

    @Test
    @DisplayName("R12 SameResourceRule: the resource is compared by id, not by its display details")
    void sameResourceComparesIds() {
        Interval later = hourFrom(NOW.plus(Duration.ofDays(2)));
        Resource renamed = new Resource("dr-ruiz", "Dra. Ruiz", null);

        assertThat(new SameResourceRule().evaluate(reschedule(Fixture.ANA_ACTS, POLICY, later, renamed)))
                .isEqualTo(Decision.allowed());
    }

    @Test
    @DisplayName("R12 SameResourceRule: only staff move a booking to another resource; a customer gets "
            + "ACTION_NOT_PERMITTED with the current resource's contact")
    void sameResourceRefusesAnotherResource() {
        Interval later = hourFrom(NOW.plus(Duration.ofDays(2)));

        assertThat(new SameResourceRule().evaluate(reschedule(Fixture.ANA_ACTS, POLICY, later, Fixture.DR_SOTO)))
                .isEqualTo(new Refusal(RefusalReason.ACTION_NOT_PERMITTED, null, CONTACT, ZONE));
    }

    @Test
    @DisplayName("SameResourceRule needs a target: without one it is in the wrong list, a bug that throws")
    void sameResourceNeedsATarget() {
        RuleContext noTarget = RuleContext.of(pending(), Fixture.ANA_ACTS, NOW, POLICY);

        assertThatThrownBy(() -> new SameResourceRule().evaluate(noTarget)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new FutureSlotRule().evaluate(noTarget)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new MinimumBookingNoticeRule().evaluate(noTarget))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new AvailabilityRule(Availability.ALWAYS_OPEN).evaluate(noTarget))
                .isInstanceOf(IllegalStateException.class);
    }

    private record Asked(String tenantId, String resourceId, Interval slot) {
    }

    @Test
    @DisplayName("R10 AvailabilityRule: asks the product's opening hours about the tenant, the target resource and "
            + "the whole target slot")
    void availabilityAsksAboutTheTarget() {
        List<Asked> asked = new ArrayList<>();
        Availability recording = (tenantId, resourceId, slot) -> asked.add(new Asked(tenantId, resourceId, slot));
        Interval target = hourFrom(NOW.plus(Duration.ofDays(1)));

        Decision decision = new AvailabilityRule(recording)
                .evaluate(reschedule(Fixture.RECEPTION, POLICY, target, Fixture.DR_SOTO));

        assertThat(decision).isEqualTo(Decision.allowed());
        assertThat(asked).containsExactly(new Asked(TENANT, "dr-soto", target));
    }

    @Test
    @DisplayName("R10 AvailabilityRule: a future slot outside opening hours is OUTSIDE_AVAILABILITY, for customers "
            + "and staff alike (R12: staff cannot break the calendar)")
    void availabilityRefusesClosedFutureSlots() {
        Interval tomorrow = hourFrom(NOW.plus(Duration.ofDays(1)));

        assertThat(new AvailabilityRule(CLOSED).evaluate(reschedule(Fixture.ANA_ACTS, POLICY, tomorrow, Fixture.DR_RUIZ)))
                .isEqualTo(refusal(RefusalReason.OUTSIDE_AVAILABILITY, null));
        assertThat(new AvailabilityRule(CLOSED).evaluate(reschedule(Fixture.RECEPTION, POLICY, tomorrow, Fixture.DR_RUIZ)))
                .isEqualTo(refusal(RefusalReason.OUTSIDE_AVAILABILITY, null));
        assertThat(new AvailabilityRule(CLOSED).evaluate(book(Fixture.RECEPTION, POLICY, tomorrow, Fixture.DR_SOTO)))
                .isEqualTo(new Refusal(RefusalReason.OUTSIDE_AVAILABILITY, null, "recepcion@example.org", ZONE));
    }

    static Stream<Arguments> availabilityBoundary() {
        Duration hour = Duration.ofHours(1);
        return Stream.of(
                arguments("starts one second after now", NOW.plusSeconds(1),
                        refusal(RefusalReason.OUTSIDE_AVAILABILITY, null)),
                arguments("starts exactly now", NOW, refusal(RefusalReason.OUTSIDE_AVAILABILITY, null)),
                arguments("under way, ends one second after now", NOW.minus(hour).plusSeconds(1),
                        refusal(RefusalReason.OUTSIDE_AVAILABILITY, null)),
                arguments("ended exactly now", NOW.minus(hour), Decision.allowed()),
                arguments("ended one second ago", NOW.minus(hour).minusSeconds(1), Decision.allowed()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("availabilityBoundary")
    @DisplayName("R10/R12 AvailabilityRule: a slot that has not ended is checked; only a slot wholly in the past is "
            + "not, so staff may back-date a record into closed hours")
    void availabilityIgnoresEndedSlots(String when, Instant start, Decision expected) {
        Decision decision = new AvailabilityRule(CLOSED)
                .evaluate(reschedule(Fixture.RECEPTION, POLICY, hourFrom(start), Fixture.DR_RUIZ));

        assertThat(decision).isEqualTo(expected);
    }

    @Test
    @DisplayName("AvailabilityRule needs an availability")
    void availabilityIsRequired() {
        assertThatThrownBy(() -> new AvailabilityRule(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("availability");
    }

    @Test
    @DisplayName("a context's target slot and target resource go together")
    void targetSlotAndResourceGoTogether() {
        assertThatThrownBy(() -> new RuleContext(TENANT, null, Fixture.ANA_ACTS, NOW, POLICY,
                hourFrom(NOW), null, ZONE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("targetSlot and targetResource go together");
    }
}
