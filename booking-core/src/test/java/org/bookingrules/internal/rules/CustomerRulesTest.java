package org.bookingrules.internal.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bookingrules.internal.rules.RuleFacts.CONTACT;
import static org.bookingrules.internal.rules.RuleFacts.RESOURCE;
import static org.bookingrules.internal.rules.RuleFacts.SLOT;
import static org.bookingrules.internal.rules.RuleFacts.START;
import static org.bookingrules.internal.rules.RuleFacts.TENANT;
import static org.bookingrules.internal.rules.RuleFacts.ZONE;
import static org.bookingrules.internal.rules.RuleFacts.allowedOr;
import static org.bookingrules.internal.rules.RuleFacts.booking;
import static org.bookingrules.internal.rules.RuleFacts.context;
import static org.bookingrules.internal.rules.RuleFacts.customerContext;
import static org.bookingrules.internal.rules.RuleFacts.pending;
import static org.bookingrules.internal.rules.RuleFacts.refusal;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.time.Instant;
import java.util.stream.Stream;
import org.bookingrules.model.Actor;
import org.bookingrules.model.Booking;
import org.bookingrules.model.CustomerDetails;
import org.bookingrules.model.PaymentStatus;
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

@DisplayName("Customer rules alone: not permitted, own booking, own customer, self-service switches, "
        + "unpaid only, reschedule limit (R8, R9, R12)")
class CustomerRulesTest {

    private static final BookingPolicy POLICY = BookingPolicy.ofDefaults();
    private static final Instant NOW = START.minusSeconds(7 * 24 * 3600);

    static Stream<Arguments> everyActor() {
        return Stream.of(arguments(Fixture.ANA_ACTS), arguments(Fixture.RECEPTION), arguments(Actor.SYSTEM));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyActor")
    @DisplayName("NotPermittedRule: refuses every actor with ACTION_NOT_PERMITTED, no deadline, the booking's contact")
    void notPermittedRefusesEveryone(Actor actor) {
        Decision decision = new NotPermittedRule().evaluate(context(pending(), actor, NOW, POLICY));

        assertThat(decision).isEqualTo(refusal(RefusalReason.ACTION_NOT_PERMITTED, null));
    }

    @Test
    @DisplayName("NotPermittedRule: with no booking yet (booking a slot) the contact is the target resource's")
    void notPermittedOnANewBookingNamesTheTargetResourcesContact() {
        RuleContext newBooking = new RuleContext(TENANT, null, Actor.SYSTEM, NOW, POLICY, SLOT, Fixture.DR_SOTO, ZONE);

        assertThat(new NotPermittedRule().evaluate(newBooking))
                .isEqualTo(new Refusal(RefusalReason.ACTION_NOT_PERMITTED, null, "recepcion@example.org", ZONE));
    }

    @Test
    @DisplayName("R8 OwnBookingRule: a customer acts on their own booking")
    void ownBookingAllowsTheBookingsCustomer() {
        assertThat(new OwnBookingRule().evaluate(customerContext(pending(), NOW, POLICY)))
                .isEqualTo(Decision.allowed());
    }

    @Test
    @DisplayName("R8 OwnBookingRule: another customer's booking looks like no booking at all: BOOKING_NOT_FOUND "
            + "with no deadline and no contact, so nothing leaks that it exists")
    void ownBookingHidesSomeoneElsesBooking() {
        Decision decision = new OwnBookingRule().evaluate(context(pending(), Fixture.BOB_ACTS, NOW, POLICY));

        assertThat(decision).isEqualTo(new Refusal(RefusalReason.BOOKING_NOT_FOUND, null, null, ZONE));
    }

    @Test
    @DisplayName("R8 OwnBookingRule: a booking made by staff with no customer stored belongs to no customer")
    void ownBookingHidesBookingsWithoutACustomer() {
        Booking noCustomer = booking().customer(null).build();

        Decision decision = new OwnBookingRule().evaluate(customerContext(noCustomer, NOW, POLICY));

        assertThat(decision).isEqualTo(new Refusal(RefusalReason.BOOKING_NOT_FOUND, null, null, ZONE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("staffAndSystem")
    @DisplayName("R12 OwnBookingRule: staff and the system see every booking of the tenant")
    void ownBookingDoesNotBindStaffOrSystem(Actor actor) {
        Booking noCustomer = booking().customer(null).build();

        assertThat(new OwnBookingRule().evaluate(context(noCustomer, actor, NOW, POLICY)))
                .isEqualTo(Decision.allowed());
    }

    static Stream<Arguments> staffAndSystem() {
        return Stream.of(arguments(Fixture.RECEPTION), arguments(Actor.SYSTEM));
    }

    private static RuleContext newBookingBy(Actor actor) {
        return new RuleContext(TENANT, null, actor, NOW, POLICY, SLOT, RESOURCE, ZONE);
    }

    @Test
    @DisplayName("R1 OwnCustomerRule: a customer books for themselves")
    void ownCustomerAllowsBookingForOneself() {
        assertThat(new OwnCustomerRule(Fixture.ANA).evaluate(newBookingBy(Fixture.ANA_ACTS)))
                .isEqualTo(Decision.allowed());
    }

    @Test
    @DisplayName("R1 OwnCustomerRule: a customer may not book for another customer (ACTION_NOT_PERMITTED, the "
            + "target resource's contact)")
    void ownCustomerRefusesBookingForSomeoneElse() {
        assertThat(new OwnCustomerRule(Fixture.BOB).evaluate(newBookingBy(Fixture.ANA_ACTS)))
                .isEqualTo(new Refusal(RefusalReason.ACTION_NOT_PERMITTED, null, CONTACT, ZONE));
    }

    @Test
    @DisplayName("R1 OwnCustomerRule: a customer may not book with no customer stored")
    void ownCustomerRefusesACustomerBookingForNobody() {
        assertThat(new OwnCustomerRule(null).evaluate(newBookingBy(Fixture.ANA_ACTS)))
                .isEqualTo(new Refusal(RefusalReason.ACTION_NOT_PERMITTED, null, CONTACT, ZONE));
    }

    @Test
    @DisplayName("R1 OwnCustomerRule: the customer id decides, not the other details")
    void ownCustomerComparesIds() {
        CustomerDetails anaWithOtherDetails = new CustomerDetails(Fixture.ANA.id(), "A. Pérez", null, "+34 600 000 000",
                java.util.Locale.ENGLISH);

        assertThat(new OwnCustomerRule(anaWithOtherDetails).evaluate(newBookingBy(Fixture.ANA_ACTS)))
                .isEqualTo(Decision.allowed());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("staffAndSystem")
    @DisplayName("R12/R14 OwnCustomerRule: staff may book for anyone or for nobody (no customer stored)")
    void ownCustomerDoesNotBindStaff(Actor actor) {
        assertThat(new OwnCustomerRule(null).evaluate(newBookingBy(actor))).isEqualTo(Decision.allowed());
        assertThat(new OwnCustomerRule(Fixture.BOB).evaluate(newBookingBy(actor))).isEqualTo(Decision.allowed());
    }

    @ParameterizedTest(name = "cancel enabled {0}, reschedule enabled {1}")
    @CsvSource(nullValues = "-", value = {
        "true,  true,  -,                            -",
        "false, true,  SELF_SERVICE_CANCEL_DISABLED, -",
        "true,  false, -,                            SELF_SERVICE_RESCHEDULE_DISABLED",
        "false, false, SELF_SERVICE_CANCEL_DISABLED, SELF_SERVICE_RESCHEDULE_DISABLED"
    })
    @DisplayName("R9 SelfServiceEnabledRule: each switch guards only its own action")
    void selfServiceSwitches(boolean cancelEnabled, boolean rescheduleEnabled,
                             RefusalReason cancelRefusal, RefusalReason rescheduleRefusal) {
        BookingPolicy policy = BookingPolicy.builder()
                .customerCancelEnabled(cancelEnabled)
                .customerRescheduleEnabled(rescheduleEnabled)
                .build();
        RuleContext context = customerContext(pending(), NOW, policy);

        assertThat(SelfServiceEnabledRule.cancel().evaluate(context))
                .isEqualTo(allowedOr(cancelRefusal == null, cancelRefusal));
        assertThat(SelfServiceEnabledRule.reschedule().evaluate(context))
                .isEqualTo(allowedOr(rescheduleRefusal == null, rescheduleRefusal));
    }

    @ParameterizedTest(name = "payment {0}, unpaid only {1} -> allowed: {2}")
    @CsvSource({
        "UNPAID, true,  true",
        "UNPAID, false, true",
        "PAID,   true,  false",
        "PAID,   false, true"
    })
    @DisplayName("R9 UnpaidOnlyCancellationRule: under an unpaid-only policy a paid booking needs the professional "
            + "(PAID_BOOKING with the contact); without the policy payment does not matter")
    void unpaidOnlyCancellation(PaymentStatus payment, boolean unpaidOnly, boolean allowed) {
        BookingPolicy policy = BookingPolicy.builder().unpaidOnlyCancellation(unpaidOnly).build();
        Booking booking = booking().paymentStatus(payment).build();

        Decision decision = new UnpaidOnlyCancellationRule().evaluate(customerContext(booking, NOW, policy));

        assertThat(decision).isEqualTo(allowedOr(allowed, RefusalReason.PAID_BOOKING));
    }

    @ParameterizedTest(name = "max {0}, done {1} -> allowed: {2}")
    @CsvSource({
        "2, 0, true",
        "2, 1, true",
        "2, 2, false",
        "2, 3, false",
        "0, 0, false",
        "1, 0, true",
        "1, 1, false"
    })
    @DisplayName("R9 RescheduleLimitRule: a customer may reschedule while their count is below the maximum; at the "
            + "maximum it is RESCHEDULE_LIMIT_REACHED with no deadline")
    void rescheduleLimit(int max, int done, boolean allowed) {
        BookingPolicy policy = BookingPolicy.builder().maxCustomerReschedules(max).build();
        Booking booking = booking().customerReschedules(done).build();

        Decision decision = new RescheduleLimitRule().evaluate(customerContext(booking, NOW, policy));

        assertThat(decision).isEqualTo(allowedOr(allowed, RefusalReason.RESCHEDULE_LIMIT_REACHED));
    }

    @Test
    @DisplayName("R9 a refusal names the contact of the booking's own resource")
    void refusalNamesTheBookingsResource() {
        Booking withSoto = booking().resource(Fixture.DR_SOTO).paymentStatus(PaymentStatus.PAID).build();

        assertThat(new UnpaidOnlyCancellationRule().evaluate(customerContext(withSoto, NOW, POLICY)))
                .isEqualTo(new Refusal(RefusalReason.PAID_BOOKING, null, "recepcion@example.org", ZONE));
    }

    @Test
    @DisplayName("R9 a refusal carries the booking's display zone, so the deadline is shown in local time")
    void refusalCarriesTheBookingsZone() {
        var tokyo = java.time.ZoneId.of("Asia/Tokyo");
        Booking inTokyo = booking().zone(tokyo).paymentStatus(PaymentStatus.PAID).build();

        assertThat(new UnpaidOnlyCancellationRule().evaluate(customerContext(inTokyo, NOW, POLICY)))
                .isEqualTo(new Refusal(RefusalReason.PAID_BOOKING, null, CONTACT, tokyo));
    }

    @Test
    @DisplayName("a resource with no contact gives refusals with no contact")
    void noContactStored() {
        Booking booking = booking().resource(Resource.of("dr-ruiz", "Dr. Ruiz")).customerReschedules(2).build();

        assertThat(new RescheduleLimitRule().evaluate(customerContext(booking, NOW, POLICY)))
                .isEqualTo(new Refusal(RefusalReason.RESCHEDULE_LIMIT_REACHED, null, null, ZONE));
    }
}
