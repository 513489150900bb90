package org.bookingrules.internal.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bookingrules.internal.rules.RuleFacts.START;
import static org.bookingrules.internal.rules.RuleFacts.booking;
import static org.bookingrules.internal.rules.RuleFacts.at;
import static org.bookingrules.internal.rules.RuleFacts.context;
import static org.bookingrules.internal.rules.RuleFacts.customerAt;
import static org.bookingrules.internal.rules.RuleFacts.customerContext;
import static org.bookingrules.internal.rules.RuleFacts.pending;
import static org.bookingrules.internal.rules.RuleFacts.refusal;
import static org.bookingrules.internal.rules.RuleFacts.timeline;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.function.Function;
import java.util.stream.Stream;
import org.bookingrules.model.Booking;
import org.bookingrules.model.Money;
import org.bookingrules.policy.BookingPolicy;
import org.bookingrules.policy.LateCancellation;
import org.bookingrules.testing.Fixture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.threeten.extra.Interval;
import org.bookingrules.rules.Decision;
import org.bookingrules.rules.RefusalReason;

@DisplayName("Notice rules alone: cancellation notice, reschedule notice, late decline (R7, R9, R13)")
class NoticeRulesTest implements DecisionTable {

    // Different notices for cancel and reschedule, so a rule reading the wrong one fails.
    private static final BookingPolicy POLICY = BookingPolicy.builder()
            .cancellationNotice(Duration.ofHours(24))
            .rescheduleNotice(Duration.ofHours(48))
            .build();
    private static final Instant CANCEL_DEADLINE = Instant.parse("2026-03-09T10:00:00Z");
    private static final Instant RESCHEDULE_DEADLINE = Instant.parse("2026-03-08T10:00:00Z");
    private static final Money FEE = Money.of("20.00", "EUR");
    private static final BookingPolicy FEE_POLICY = POLICY.toBuilder()
            .lateCancellation(LateCancellation.allowWithFee(FEE))
            .build();

    @Override
    public Stream<RuleFacts.Case> cases() {
        Decision.Allowed lateDecline = new Decision.Allowed(null, true, null);
        BookingPolicy noNotice = POLICY.toBuilder().cancellationNotice(Duration.ZERO).build();
        return Stream.of(
                timeline("R9/R13 CancellationNoticeRule: a customer may cancel until start - notice, the deadline "
                                + "included; after it the default policy refuses with the deadline and the resource's "
                                + "contact", new CancellationNoticeRule(), customerAt(POLICY),
                        at("a day before the deadline", CANCEL_DEADLINE.minus(Duration.ofDays(1)),
                                Decision.allowedUntil(CANCEL_DEADLINE)),
                        at("one second before the deadline", CANCEL_DEADLINE.minusSeconds(1),
                                Decision.allowedUntil(CANCEL_DEADLINE)),
                        at("exactly at the deadline", CANCEL_DEADLINE, Decision.allowedUntil(CANCEL_DEADLINE)),
                        at("one second after the deadline", CANCEL_DEADLINE.plusSeconds(1),
                                refusal(RefusalReason.CANCELLATION_NOTICE_PASSED, CANCEL_DEADLINE)),
                        at("one nanosecond after the deadline", CANCEL_DEADLINE.plusNanos(1),
                                refusal(RefusalReason.CANCELLATION_NOTICE_PASSED, CANCEL_DEADLINE))),
                timeline("R13 CancellationNoticeRule: under an allow-with-fee policy a cancel inside the notice is "
                                + "allowed, marked late and carries the policy's fee; in time it is neither late nor "
                                + "charged", new CancellationNoticeRule(), customerAt(FEE_POLICY),
                        at("one second before the deadline", CANCEL_DEADLINE.minusSeconds(1),
                                Decision.allowedUntil(CANCEL_DEADLINE)),
                        at("exactly at the deadline", CANCEL_DEADLINE, Decision.allowedUntil(CANCEL_DEADLINE)),
                        at("one second after the deadline", CANCEL_DEADLINE.plusSeconds(1),
                                new Decision.Allowed(null, true, FEE))),
                timeline("R9 CancellationNoticeRule: a zero notice puts the deadline at the start itself",
                        new CancellationNoticeRule(), customerAt(noNotice),
                        at("exactly at the start", START, Decision.allowedUntil(START)),
                        at("one second after the start", START.plusSeconds(1),
                                refusal(RefusalReason.CANCELLATION_NOTICE_PASSED, START))),
                timeline("R9 RescheduleNoticeRule: a customer may reschedule until start - rescheduleNotice, the "
                                + "deadline included, set separately from the cancellation notice",
                        new RescheduleNoticeRule(), customerAt(POLICY),
                        at("one second before the deadline", RESCHEDULE_DEADLINE.minusSeconds(1),
                                Decision.allowedUntil(RESCHEDULE_DEADLINE)),
                        at("exactly at the deadline", RESCHEDULE_DEADLINE, Decision.allowedUntil(RESCHEDULE_DEADLINE)),
                        at("one second after the deadline", RESCHEDULE_DEADLINE.plusSeconds(1),
                                refusal(RefusalReason.RESCHEDULE_NOTICE_PASSED, RESCHEDULE_DEADLINE)),
                        // Between the two deadlines: a rule reading the cancellation notice would allow this.
                        at("after the reschedule deadline, before the cancellation deadline",
                                CANCEL_DEADLINE.minusSeconds(1),
                                refusal(RefusalReason.RESCHEDULE_NOTICE_PASSED, RESCHEDULE_DEADLINE))),
                timeline("R13 RescheduleNoticeRule: a late-fee policy for cancellations does not let late "
                                + "reschedules through", new RescheduleNoticeRule(), customerAt(FEE_POLICY),
                        at("one second after the deadline", RESCHEDULE_DEADLINE.plusSeconds(1),
                                refusal(RefusalReason.RESCHEDULE_NOTICE_PASSED, RESCHEDULE_DEADLINE))),
                timeline("R7/R13 LateDeclineRule: declining is never refused; after start - cancellationNotice it "
                                + "is marked late, with no fee and no deadline", new LateDeclineRule(), customerAt(POLICY),
                        at("one second before the cancellation deadline", CANCEL_DEADLINE.minusSeconds(1),
                                Decision.allowed()),
                        at("exactly at the cancellation deadline", CANCEL_DEADLINE, Decision.allowed()),
                        at("one second after the cancellation deadline", CANCEL_DEADLINE.plusSeconds(1), lateDecline),
                        at("one second before the start", START.minusSeconds(1), lateDecline),
                        // The rule itself never refuses; NotStartedRule is what stops customers at the start.
                        at("after the start", START.plusSeconds(1), lateDecline)),
                timeline("R7/R13 LateDeclineRule: lateness follows the cancellation notice, not the reschedule "
                                + "notice, and a late-fee policy adds no fee to a decline",
                        new LateDeclineRule(), customerAt(FEE_POLICY),
                        at("between the two deadlines", RESCHEDULE_DEADLINE.plusSeconds(1), Decision.allowed()),
                        at("one second after the cancellation deadline", CANCEL_DEADLINE.plusSeconds(1), lateDecline)),
                timeline("R12 the notice rules judge the booking, not the actor: staff never reach them because "
                                + "their lists leave them out (see RuleBookTest)", new CancellationNoticeRule(),
                        now -> context(pending(), Fixture.RECEPTION, now, POLICY),
                        at("staff one second after the deadline", CANCEL_DEADLINE.plusSeconds(1),
                                refusal(RefusalReason.CANCELLATION_NOTICE_PASSED, CANCEL_DEADLINE))))
                .flatMap(Function.identity());
    }

    @Test
    @DisplayName("R9 CancellationNoticeRule: 24 hours' notice is 24 real hours across the spring DST change, "
            + "not the same wall-clock time the day before")
    void cancellationNoticeIsMeasuredOnTheInstantTimeline() {
        // Madrid moves to summer time on Sunday 29 March 2026 at 02:00 local: 10:00 local on the 29th is
        // 08:00Z, so 24 real hours earlier is 09:00 local on the 28th, not 10:00.
        ZoneId madrid = ZoneId.of("Europe/Madrid");
        Instant start = Instant.parse("2026-03-29T08:00:00Z");
        Booking overDst = booking().slot(Interval.of(start, start.plus(Duration.ofHours(1)))).zone(madrid).build();
        Instant deadline = Instant.parse("2026-03-28T08:00:00Z");
        Instant halfPastNineLocalOnThe28th = Instant.parse("2026-03-28T08:30:00Z");

        Decision decision = new CancellationNoticeRule()
                .evaluate(customerContext(overDst, halfPastNineLocalOnThe28th, POLICY));

        assertThat(decision).isEqualTo(refusal(RefusalReason.CANCELLATION_NOTICE_PASSED, deadline));
    }

    @Test
    @DisplayName("the notice rules need a booking: put in a list without one is a bug and throws")
    void noticeRulesNeedABooking() {
        RuleContext bookingContext = new RuleContext(RuleFacts.TENANT, null, Fixture.ANA_ACTS, START, POLICY,
                RuleFacts.SLOT, RuleFacts.RESOURCE, RuleFacts.ZONE);

        assertThatThrownBy(() -> new CancellationNoticeRule().evaluate(bookingContext))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new RescheduleNoticeRule().evaluate(bookingContext))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new LateDeclineRule().evaluate(bookingContext))
                .isInstanceOf(IllegalStateException.class);
    }
}
