package org.bookingrules.internal.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bookingrules.internal.rules.RuleFacts.START;
import static org.bookingrules.internal.rules.RuleFacts.booking;
import static org.bookingrules.internal.rules.RuleFacts.context;
import static org.bookingrules.internal.rules.RuleFacts.inStatus;
import static org.bookingrules.internal.rules.RuleFacts.pending;
import static org.bookingrules.internal.rules.RuleFacts.refusal;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.bookingrules.model.Actor;
import org.bookingrules.model.Booking;
import org.bookingrules.model.BookingStatus;
import org.bookingrules.model.Money;
import org.bookingrules.model.PaymentStatus;
import org.bookingrules.policy.BookingPolicy;
import org.bookingrules.policy.LateCancellation;
import org.bookingrules.spi.Availability;
import org.bookingrules.testing.Fixture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.threeten.extra.Interval;
import org.bookingrules.rules.Decision;
import org.bookingrules.rules.RefusalReason;

@DisplayName("RuleBook: which rules apply to which action and actor, and how a list is evaluated (R9, R12)")
class RuleBookTest {

    private static final RuleBook RULE_BOOK = new RuleBook(Availability.ALWAYS_OPEN);
    private static final BookingPolicy POLICY = BookingPolicy.ofDefaults();
    private static final Instant CANCEL_DEADLINE = START.minus(BookingPolicy.DEFAULT_CANCELLATION_NOTICE);

    /** Rules that exist only to bind customers; staff lists must never hold one (R12). */
    private static final Set<Class<? extends BookingRule>> CUSTOMER_ONLY = Set.of(
            NotStartedRule.class, SelfServiceEnabledRule.class, UnpaidOnlyCancellationRule.class,
            CancellationNoticeRule.class, RescheduleNoticeRule.class, RescheduleLimitRule.class,
            FutureSlotRule.class, MinimumBookingNoticeRule.class, SameResourceRule.class, OwnCustomerRule.class);

    private static List<Class<?>> classes(List<BookingRule> rules) {
        return rules.stream().<Class<?>>map(Object::getClass).toList();
    }

    /** Every list the rule book hands out for an actor. */
    private static List<List<BookingRule>> everyList(Actor actor) {
        List<List<BookingRule>> lists = new ArrayList<>();
        for (Action action : Action.values()) {
            if (action != Action.BOOK) {
                lists.add(RULE_BOOK.rulesFor(action, actor));
            }
        }
        lists.add(RULE_BOOK.bookTarget(actor, Fixture.ANA));
        lists.add(RULE_BOOK.bookTarget(actor, null));
        lists.add(RULE_BOOK.rescheduleTarget(actor));
        return lists;
    }

    @ParameterizedTest(name = "{0} by {1}: {2}")
    @CsvSource({
        "BOOK,                customer, true",
        "CONFIRM,             customer, true",
        "DECLINE,             customer, true",
        "CANCEL,              customer, true",
        "RESCHEDULE,          customer, true",
        "REVOKE_CONFIRMATION, customer, false",
        "MARK_NO_SHOW,        customer, false",
        "COMPLETE,            customer, false",
        "BOOK,                staff,    true",
        "CONFIRM,             staff,    true",
        "DECLINE,             staff,    true",
        "CANCEL,              staff,    true",
        "RESCHEDULE,          staff,    true",
        "REVOKE_CONFIRMATION, staff,    true",
        "MARK_NO_SHOW,        staff,    true",
        "COMPLETE,            staff,    true",
        "BOOK,                system,   false",
        "CONFIRM,             system,   false",
        "DECLINE,             system,   false",
        "CANCEL,              system,   false",
        "RESCHEDULE,          system,   false",
        "REVOKE_CONFIRMATION, system,   false",
        "MARK_NO_SHOW,        system,   false",
        "COMPLETE,            system,   false"
    })
    @DisplayName("R4/R8/R12 mayAct: customers book, confirm, decline, cancel and reschedule; staff do everything; "
            + "the system acts only through automatic rules")
    void mayAct(Action action, String actorKind, boolean expected) {
        Actor actor = switch (actorKind) {
            case "customer" -> Fixture.ANA_ACTS;
            case "staff" -> Fixture.RECEPTION;
            default -> Actor.SYSTEM;
        };

        assertThat(RULE_BOOK.mayAct(action, actor)).isEqualTo(expected);
    }

    static Stream<Arguments> customerLists() {
        return Stream.of(
                arguments(Action.CONFIRM, List.of(ActiveBookingRule.class, NotStartedRule.class)),
                arguments(Action.DECLINE, List.of(ActiveBookingRule.class, NotStartedRule.class, LateDeclineRule.class)),
                arguments(Action.CANCEL, List.of(ActiveBookingRule.class, NotStartedRule.class,
                        SelfServiceEnabledRule.class, UnpaidOnlyCancellationRule.class, CancellationNoticeRule.class)),
                arguments(Action.RESCHEDULE, List.of(ActiveBookingRule.class, NotStartedRule.class,
                        SelfServiceEnabledRule.class, RescheduleNoticeRule.class, RescheduleLimitRule.class)),
                arguments(Action.REVOKE_CONFIRMATION, List.of(NotPermittedRule.class)),
                arguments(Action.MARK_NO_SHOW, List.of(NotPermittedRule.class)),
                arguments(Action.COMPLETE, List.of(NotPermittedRule.class)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("customerLists")
    @DisplayName("R7/R9 a customer's list holds the customer policy rules, in a fixed order")
    void customerLists(Action action, List<Class<?>> expected) {
        assertThat(classes(RULE_BOOK.rulesFor(action, Fixture.ANA_ACTS))).isEqualTo(expected);
    }

    static Stream<Arguments> staffLists() {
        return Stream.of(
                arguments(Action.CONFIRM, List.of(ActiveBookingRule.class)),
                arguments(Action.REVOKE_CONFIRMATION, List.of(ActiveBookingRule.class)),
                arguments(Action.DECLINE, List.of(ActiveBookingRule.class, LateDeclineRule.class)),
                arguments(Action.CANCEL, List.of(ActiveBookingRule.class)),
                arguments(Action.RESCHEDULE, List.of(RevivableBookingRule.class)),
                arguments(Action.MARK_NO_SHOW, List.of(ActiveBookingRule.class, StartedRule.class)),
                arguments(Action.COMPLETE, List.of(ActiveBookingRule.class, StartedRule.class)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("staffLists")
    @DisplayName("R3/R4/R12 a staff member's list holds only what protects the record, never the customer policy")
    void staffLists(Action action, List<Class<?>> expected) {
        assertThat(classes(RULE_BOOK.rulesFor(action, Fixture.RECEPTION))).isEqualTo(expected);
    }

    @Test
    @DisplayName("R9/R10 a customer's target lists check their own customer, the future, the minimum notice, the "
            + "resource and the opening hours")
    void customerTargetLists() {
        assertThat(classes(RULE_BOOK.bookTarget(Fixture.ANA_ACTS, Fixture.ANA))).containsExactly(
                OwnCustomerRule.class, FutureSlotRule.class, MinimumBookingNoticeRule.class, AvailabilityRule.class);
        assertThat(classes(RULE_BOOK.rescheduleTarget(Fixture.ANA_ACTS))).containsExactly(
                SameResourceRule.class, FutureSlotRule.class, MinimumBookingNoticeRule.class, AvailabilityRule.class);
    }

    @Test
    @DisplayName("R12 a staff member's target lists check only the opening hours: staff cannot break the calendar")
    void staffTargetLists() {
        assertThat(classes(RULE_BOOK.bookTarget(Fixture.RECEPTION, null))).containsExactly(AvailabilityRule.class);
        assertThat(classes(RULE_BOOK.rescheduleTarget(Fixture.RECEPTION))).containsExactly(AvailabilityRule.class);
    }

    @Test
    @DisplayName("R12 by construction: no list handed to staff holds a customer-only rule")
    void staffListsHoldNoCustomerOnlyRule() {
        for (List<BookingRule> list : everyList(Fixture.RECEPTION)) {
            assertThat(classes(list)).doesNotContainAnyElementsOf(CUSTOMER_ONLY);
        }
    }

    @Test
    @DisplayName("R9 every customer-only rule is on some customer list, so none is dead code that binds nobody")
    void customerListsHoldEveryCustomerOnlyRule() {
        List<Class<?>> onCustomerLists = everyList(Fixture.ANA_ACTS).stream()
                .flatMap(list -> classes(list).stream())
                .toList();

        assertThat(onCustomerLists).containsAll(CUSTOMER_ONLY);
    }

    @Test
    @DisplayName("the system's every list is one NotPermittedRule")
    void systemListsRefuse() {
        for (List<BookingRule> list : everyList(Actor.SYSTEM)) {
            assertThat(classes(list)).containsExactly(NotPermittedRule.class);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("customerAndStaff")
    @DisplayName("BOOK has no booking yet, so asking for its booking rules is a bug and throws")
    void bookHasNoBookingRules(Actor actor) {
        assertThatThrownBy(() -> RULE_BOOK.rulesFor(Action.BOOK, actor))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bookTarget");
    }

    static Stream<Arguments> customerAndStaff() {
        return Stream.of(arguments(Fixture.ANA_ACTS), arguments(Fixture.RECEPTION));
    }

    @Test
    @DisplayName("the rule book needs an availability")
    void availabilityIsRequired() {
        assertThatThrownBy(() -> new RuleBook(null)).isInstanceOf(NullPointerException.class);
    }

    // --- evaluate ---

    private static BookingRule refusing(RefusalReason reason) {
        return context -> context.refuse(reason, null);
    }

    @Test
    @DisplayName("evaluate: the first refusal wins and the rules after it are not asked")
    void firstRefusalWins() {
        AtomicInteger askedAfterRefusal = new AtomicInteger();
        BookingRule counting = context -> {
            askedAfterRefusal.incrementAndGet();
            return Decision.allowed();
        };
        List<BookingRule> rules = List.of(
                context -> Decision.allowedUntil(START),
                refusing(RefusalReason.PAID_BOOKING),
                counting,
                refusing(RefusalReason.NOT_ACTIVE));

        Decision decision = RuleBook.evaluate(rules, context(pending(), Fixture.ANA_ACTS, START.minusSeconds(60), POLICY));

        assertThat(decision).isEqualTo(refusal(RefusalReason.PAID_BOOKING, null));
        assertThat(askedAfterRefusal).hasValue(0);
    }

    @Test
    @DisplayName("evaluate: allowances combine into the earliest deadline, late if any rule says late, with the fee")
    void allowancesCombine() {
        Instant later = START;
        Instant earlier = START.minus(Duration.ofHours(24));
        Money fee = Money.of("15.00", "EUR");
        List<BookingRule> rules = List.of(
                context -> Decision.allowedUntil(later),
                context -> Decision.allowed(),
                context -> new Decision.Allowed(null, true, fee),
                context -> Decision.allowedUntil(earlier),
                context -> Decision.allowedUntil(later.plusSeconds(1)));

        Decision decision = RuleBook.evaluate(rules, context(pending(), Fixture.ANA_ACTS, earlier, POLICY));

        assertThat(decision).isEqualTo(new Decision.Allowed(earlier, true, fee));
    }

    @Test
    @DisplayName("evaluate: an empty list allows plainly, with no deadline and not late")
    void emptyListAllows() {
        assertThat(RuleBook.evaluate(List.of(), context(pending(), Fixture.RECEPTION, START, POLICY)))
                .isEqualTo(new Decision.Allowed(null, false, null));
    }

    // --- the real lists, evaluated ---

    private static Decision decide(Action action, Actor actor, Booking booking, Instant now, BookingPolicy policy) {
        return RuleBook.evaluate(RULE_BOOK.rulesFor(action, actor), context(booking, actor, now, policy));
    }

    @Test
    @DisplayName("R9 a customer's cancel in time is allowed until start - notice: the notice deadline is earlier "
            + "than the start")
    void customerCancelInTime() {
        assertThat(decide(Action.CANCEL, Fixture.ANA_ACTS, pending(), CANCEL_DEADLINE, POLICY))
                .isEqualTo(Decision.allowedUntil(CANCEL_DEADLINE));
    }

    @Test
    @DisplayName("R9/R13 a customer's cancel one second late is refused with the notice deadline")
    void customerCancelLate() {
        assertThat(decide(Action.CANCEL, Fixture.ANA_ACTS, pending(), CANCEL_DEADLINE.plusSeconds(1), POLICY))
                .isEqualTo(refusal(RefusalReason.CANCELLATION_NOTICE_PASSED, CANCEL_DEADLINE));
    }

    @Test
    @DisplayName("R13 under a late-fee policy a customer's late cancel is allowed until the start, late, with the fee")
    void customerCancelLateWithFee() {
        Money fee = Money.of("25.00", "EUR");
        BookingPolicy feePolicy = POLICY.toBuilder().lateCancellation(LateCancellation.allowWithFee(fee)).build();

        assertThat(decide(Action.CANCEL, Fixture.ANA_ACTS, pending(), CANCEL_DEADLINE.plusSeconds(1), feePolicy))
                .isEqualTo(new Decision.Allowed(START, true, fee));
    }

    @Test
    @DisplayName("R7 a customer's decline inside the notice is allowed until the start and marked late")
    void customerDeclineInsideTheNotice() {
        assertThat(decide(Action.DECLINE, Fixture.ANA_ACTS, pending(), CANCEL_DEADLINE.plusSeconds(1), POLICY))
                .isEqualTo(new Decision.Allowed(START, true, null));
    }

    @Test
    @DisplayName("R7 a customer cannot decline once the appointment has started")
    void customerDeclineAfterTheStart() {
        assertThat(decide(Action.DECLINE, Fixture.ANA_ACTS, pending(), START, POLICY))
                .isEqualTo(refusal(RefusalReason.ALREADY_STARTED, START));
    }

    @Test
    @DisplayName("R12 staff cancel a paid booking inside the notice with self-service off: allowed, not late, no fee")
    void staffCancelIgnoresTheCustomerPolicy() {
        BookingPolicy strict = POLICY.toBuilder()
                .customerCancelEnabled(false)
                .lateCancellation(LateCancellation.allowWithFee(Money.of("30.00", "EUR")))
                .build();
        Booking paid = booking().paymentStatus(PaymentStatus.PAID).build();

        assertThat(decide(Action.CANCEL, Fixture.RECEPTION, paid, START.plusSeconds(1), strict))
                .isEqualTo(Decision.allowed());
        assertThat(decide(Action.CANCEL, Fixture.ANA_ACTS, paid, CANCEL_DEADLINE.minusSeconds(1), strict))
                .isEqualTo(refusal(RefusalReason.SELF_SERVICE_CANCEL_DISABLED, null));
    }

    @Test
    @DisplayName("R12 staff reschedule past the notice and beyond the customer's limit: allowed")
    void staffRescheduleIgnoresTheCustomerPolicy() {
        Booking usedUp = booking().customerReschedules(BookingPolicy.DEFAULT_MAX_CUSTOMER_RESCHEDULES).build();

        assertThat(decide(Action.RESCHEDULE, Fixture.RECEPTION, usedUp, START.minusSeconds(1), POLICY))
                .isEqualTo(Decision.allowed());
        assertThat(decide(Action.RESCHEDULE, Fixture.ANA_ACTS, usedUp, START.minus(Duration.ofDays(3)), POLICY))
                .isEqualTo(refusal(RefusalReason.RESCHEDULE_LIMIT_REACHED, null));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = BookingStatus.class, names = {"CANCELLED", "DECLINED"})
    @DisplayName("R3 staff may reschedule a cancelled or declined booking; a customer may not revive it")
    void onlyStaffRevive(BookingStatus status) {
        Instant now = START.minus(Duration.ofDays(3));

        assertThat(decide(Action.RESCHEDULE, Fixture.RECEPTION, inStatus(status), now, POLICY))
                .isEqualTo(Decision.allowed());
        assertThat(decide(Action.RESCHEDULE, Fixture.ANA_ACTS, inStatus(status), now, POLICY))
                .isEqualTo(refusal(RefusalReason.NOT_ACTIVE, null));
    }

    @Test
    @DisplayName("R2 the first rule of the list speaks first: a cancelled booking after its start is NOT_ACTIVE, "
            + "not ALREADY_STARTED")
    void ruleOrderDecidesTheReason() {
        assertThat(decide(Action.CANCEL, Fixture.ANA_ACTS, inStatus(BookingStatus.CANCELLED), START.plusSeconds(1),
                POLICY)).isEqualTo(refusal(RefusalReason.NOT_ACTIVE, null));
    }

    @Test
    @DisplayName("R9 each self-service switch reaches only its own customer list")
    void selfServiceSwitchesInTheLists() {
        BookingPolicy noReschedule = POLICY.toBuilder().customerRescheduleEnabled(false).build();
        Instant inTime = START.minus(Duration.ofDays(3));

        assertThat(decide(Action.RESCHEDULE, Fixture.ANA_ACTS, pending(), inTime, noReschedule))
                .isEqualTo(refusal(RefusalReason.SELF_SERVICE_RESCHEDULE_DISABLED, null));
        assertThat(decide(Action.CANCEL, Fixture.ANA_ACTS, pending(), inTime, noReschedule))
                .isEqualTo(Decision.allowedUntil(CANCEL_DEADLINE));
    }

    @Test
    @DisplayName("R10/R12 a staff reschedule to a closed future slot is refused; to a closed slot that has ended it is not")
    void staffTargetChecksOpeningHoursOfFutureSlotsOnly() {
        RuleBook closed = new RuleBook((tenantId, resourceId, slot) -> false);
        Instant now = START.minus(Duration.ofDays(3));
        RuleContext base = context(pending(), Fixture.RECEPTION, now, POLICY);
        Interval future = Interval.of(now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(1)).plusSeconds(3600));
        Interval past = Interval.of(now.minus(Duration.ofDays(1)), now.minus(Duration.ofDays(1)).plusSeconds(3600));

        assertThat(RuleBook.evaluate(closed.rescheduleTarget(Fixture.RECEPTION), base.withTarget(future, Fixture.DR_SOTO)))
                .isEqualTo(refusal(RefusalReason.OUTSIDE_AVAILABILITY, null));
        assertThat(RuleBook.evaluate(closed.rescheduleTarget(Fixture.RECEPTION), base.withTarget(past, Fixture.DR_SOTO)))
                .isEqualTo(Decision.allowed());
    }

    @Test
    @DisplayName("R10/R12 a customer may not move a booking to another resource, staff may")
    void onlyStaffChangeTheResource() {
        Instant now = START.minus(Duration.ofDays(3));
        Interval future = Interval.of(now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(1)).plusSeconds(3600));

        assertThat(RuleBook.evaluate(RULE_BOOK.rescheduleTarget(Fixture.ANA_ACTS),
                context(pending(), Fixture.ANA_ACTS, now, POLICY).withTarget(future, Fixture.DR_SOTO)))
                .isEqualTo(refusal(RefusalReason.ACTION_NOT_PERMITTED, null));
        assertThat(RuleBook.evaluate(RULE_BOOK.rescheduleTarget(Fixture.RECEPTION),
                context(pending(), Fixture.RECEPTION, now, POLICY).withTarget(future, Fixture.DR_SOTO)))
                .isEqualTo(Decision.allowed());
    }

    @Test
    @DisplayName("the lists are immutable, so no caller can slip a rule in or out")
    void listsAreImmutable() {
        List<BookingRule> staffCancel = RULE_BOOK.rulesFor(Action.CANCEL, Fixture.RECEPTION);

        assertThatThrownBy(() -> staffCancel.add(new CancellationNoticeRule()))
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
