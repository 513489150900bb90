package org.bookingrules.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Locale;
import java.util.stream.Stream;
import org.bookingrules.i18n.Messages;
import org.bookingrules.model.Money;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("Decision and Refusal: expected answers are values (R9, R13)")
class DecisionTest {

    private static final Instant T1 = Instant.parse("2026-03-09T10:00:00Z");
    private static final Instant T2 = Instant.parse("2026-03-10T10:00:00Z");
    private static final Money FEE = Money.of("20.00", "EUR");
    private static final ZoneId MADRID = ZoneId.of("Europe/Madrid");

    @Test
    @DisplayName("a plain allowance has no deadline, is not late and carries no fee")
    void plainAllowance() {
        Decision.Allowed allowed = Decision.allowed();

        assertThat(allowed).isEqualTo(new Decision.Allowed(null, false, null));
        assertThat(allowed.isAllowed()).isTrue();
        assertThat(Decision.allowedUntil(T1)).isEqualTo(new Decision.Allowed(T1, false, null));
    }

    @Test
    @DisplayName("R13 a fee comes only with lateness")
    void feeNeedsLate() {
        assertThatThrownBy(() -> new Decision.Allowed(T1, false, FEE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("lateFee needs late = true");
        assertThat(new Decision.Allowed(null, true, null).late()).isTrue();
    }

    static Stream<Arguments> combinations() {
        Decision.Allowed plain = Decision.allowed();
        Decision.Allowed untilT1 = Decision.allowedUntil(T1);
        Decision.Allowed untilT2 = Decision.allowedUntil(T2);
        Decision.Allowed late = new Decision.Allowed(null, true, null);
        Decision.Allowed lateWithFee = new Decision.Allowed(null, true, FEE);
        return Stream.of(
                arguments("plain and plain", plain, plain, plain),
                arguments("a deadline and none", untilT2, plain, untilT2),
                arguments("none and a deadline", plain, untilT2, untilT2),
                arguments("later and earlier", untilT2, untilT1, untilT1),
                arguments("earlier and later", untilT1, untilT2, untilT1),
                arguments("the same deadline", untilT1, untilT1, untilT1),
                arguments("late and in time", late, untilT1, new Decision.Allowed(T1, true, null)),
                arguments("in time and late", untilT1, late, new Decision.Allowed(T1, true, null)),
                arguments("in time and late with a fee", untilT2, lateWithFee, new Decision.Allowed(T2, true, FEE)),
                arguments("late with a fee and in time", lateWithFee, untilT2, new Decision.Allowed(T2, true, FEE)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("combinations")
    @DisplayName("R13 combining allowances keeps the earliest deadline, lateness from either and the fee")
    void combine(String label, Decision.Allowed first, Decision.Allowed second, Decision.Allowed expected) {
        assertThat(first.and(second)).isEqualTo(expected);
    }

    @Test
    @DisplayName("R9 a refusal has a reason code, the deadline that passed, the contact and the zone")
    void refusalCarriesItsFacts() {
        Refusal refusal = new Refusal(RefusalReason.CANCELLATION_NOTICE_PASSED, T1, "+34 910 000 000", MADRID);

        assertThat(refusal.isAllowed()).isFalse();
        assertThat(refusal.allowedUntil()).isEqualTo(T1);
        assertThat(refusal.contact()).isEqualTo("+34 910 000 000");
        assertThat(refusal.messageKey()).isEqualTo("refusal.CANCELLATION_NOTICE_PASSED");
    }

    @Test
    @DisplayName("R9 a refusal without a deadline or contact says so with empty optionals")
    void refusalWithoutDeadlineOrContact() {
        Refusal refusal = new Refusal(RefusalReason.SLOT_UNAVAILABLE, null, null, MADRID);

        assertThat(refusal.allowedUntil()).isNull();
        assertThat(refusal.contact()).isNull();
    }

    @Test
    @DisplayName("a refusal needs a reason and a zone")
    void refusalChecksItsFields() {
        assertThatThrownBy(() -> new Refusal(null, T1, null, MADRID))
                .isInstanceOf(NullPointerException.class).hasMessage("reason");
        assertThatThrownBy(() -> new Refusal(RefusalReason.NOT_ACTIVE, T1, null, null))
                .isInstanceOf(NullPointerException.class).hasMessage("zone");
    }

    @ParameterizedTest
    @EnumSource(RefusalReason.class)
    @DisplayName("every reason's message key is refusal.<NAME>, stable for products that translate themselves")
    void messageKeys(RefusalReason reason) {
        assertThat(reason.messageKey()).isEqualTo("refusal." + reason.name());
    }

    @Test
    @DisplayName("R9 the English message says why, until when in the booking's zone, and whom to contact")
    void englishMessage() {
        Refusal refusal = new Refusal(RefusalReason.CANCELLATION_NOTICE_PASSED, T1, "+34 910 000 000", MADRID);
        String when = Messages.dateTime(T1, MADRID, Locale.ENGLISH);

        assertThat(refusal.message(Locale.ENGLISH)).isEqualTo(
                "It is too late to cancel this booking online. It was possible until " + when
                        + ". Please contact +34 910 000 000.");
        // 10:00Z is 11:00 in Madrid in March: the deadline is shown in local time, not UTC.
        assertThat(when).contains("11:00").doesNotContain("10:00");
    }

    @Test
    @DisplayName("R9 the Spanish message is in Spanish, with the deadline in the booking's zone")
    void spanishMessage() {
        Locale spanish = Locale.forLanguageTag("es");
        Refusal refusal = new Refusal(RefusalReason.RESCHEDULE_NOTICE_PASSED, T1, "recepcion@example.org", MADRID);
        String when = Messages.dateTime(T1, MADRID, spanish);

        assertThat(refusal.message(spanish)).isEqualTo(
                "Ya es demasiado tarde para reagendar esta reserva en línea. Era posible hasta el " + when
                        + ". Por favor, contacte a recepcion@example.org.");
        assertThat(when).contains("11:00");
    }

    @Test
    @DisplayName("a refusal with neither deadline nor contact is the reason's sentence alone")
    void messageWithoutDeadlineOrContact() {
        Refusal refusal = new Refusal(RefusalReason.SLOT_UNAVAILABLE, null, null, MADRID);

        assertThat(refusal.message(Locale.ENGLISH)).isEqualTo("The time you chose is no longer available.");
    }
}
