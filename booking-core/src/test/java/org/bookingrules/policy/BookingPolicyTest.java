package org.bookingrules.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.bookingrules.model.Money;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("BookingPolicy: immutable settings of one service with a validating builder (R5, R6, R9, R13)")
class BookingPolicyTest {

    private static final Money FEE = Money.of("20.00", "EUR");

    @Test
    @DisplayName("R5/R6/R9/R13 the defaults are the DEFAULT_* constants")
    void defaultsAreTheConstants() {
        BookingPolicy defaults = BookingPolicy.ofDefaults();

        assertThat(defaults.reminderLead()).isEqualTo(BookingPolicy.DEFAULT_REMINDER_LEAD);
        assertThat(defaults.autoConfirmInReminderWindow()).isEqualTo(BookingPolicy.DEFAULT_AUTO_CONFIRM_IN_REMINDER_WINDOW);
        assertThat(defaults.cancellationNotice()).isEqualTo(BookingPolicy.DEFAULT_CANCELLATION_NOTICE);
        assertThat(defaults.rescheduleNotice()).isEqualTo(BookingPolicy.DEFAULT_RESCHEDULE_NOTICE);
        assertThat(defaults.maxCustomerReschedules()).isEqualTo(BookingPolicy.DEFAULT_MAX_CUSTOMER_RESCHEDULES);
        assertThat(defaults.unpaidOnlyCancellation()).isEqualTo(BookingPolicy.DEFAULT_UNPAID_ONLY_CANCELLATION);
        assertThat(defaults.customerCancelEnabled()).isEqualTo(BookingPolicy.DEFAULT_CUSTOMER_CANCEL_ENABLED);
        assertThat(defaults.customerRescheduleEnabled()).isEqualTo(BookingPolicy.DEFAULT_CUSTOMER_RESCHEDULE_ENABLED);
        assertThat(defaults.lateCancellation()).isEqualTo(BookingPolicy.DEFAULT_LATE_CANCELLATION);
        assertThat(defaults.minimumBookingNotice()).isEqualTo(BookingPolicy.DEFAULT_MINIMUM_BOOKING_NOTICE);
        assertThat(BookingPolicy.builder().build()).isEqualTo(defaults);
    }

    @Test
    @DisplayName("R5/R13 the documented default values: 6 h reminder [002], auto-confirm on, 24 h notices, 2 reschedules, "
            + "unpaid only, self-service on, late cancels refused, no minimum notice")
    void documentedDefaultValues() {
        assertThat(BookingPolicy.DEFAULT_REMINDER_LEAD).isEqualTo(Duration.ofHours(6));
        assertThat(BookingPolicy.DEFAULT_AUTO_CONFIRM_IN_REMINDER_WINDOW).isTrue();
        assertThat(BookingPolicy.DEFAULT_CANCELLATION_NOTICE).isEqualTo(Duration.ofHours(24));
        assertThat(BookingPolicy.DEFAULT_RESCHEDULE_NOTICE).isEqualTo(Duration.ofHours(24));
        assertThat(BookingPolicy.DEFAULT_MAX_CUSTOMER_RESCHEDULES).isEqualTo(2);
        assertThat(BookingPolicy.DEFAULT_UNPAID_ONLY_CANCELLATION).isTrue();
        assertThat(BookingPolicy.DEFAULT_CUSTOMER_CANCEL_ENABLED).isTrue();
        assertThat(BookingPolicy.DEFAULT_CUSTOMER_RESCHEDULE_ENABLED).isTrue();
        assertThat(BookingPolicy.DEFAULT_LATE_CANCELLATION.handling()).isEqualTo(LateCancellation.Handling.REFUSE);
        assertThat(BookingPolicy.DEFAULT_LATE_CANCELLATION.lateFee()).isEmpty();
        assertThat(BookingPolicy.DEFAULT_MINIMUM_BOOKING_NOTICE).isEqualTo(Duration.ZERO);
    }

    static Stream<Arguments> badValues() {
        Duration tooLong = BookingPolicy.MAX_DURATION.plusSeconds(1);
        return Stream.of(
                bad("reminderLead", Duration.ZERO, b -> b.reminderLead(Duration.ZERO)),
                bad("reminderLead", Duration.ofSeconds(-1), b -> b.reminderLead(Duration.ofSeconds(-1))),
                bad("reminderLead", tooLong, b -> b.reminderLead(tooLong)),
                bad("cancellationNotice", Duration.ofHours(-24), b -> b.cancellationNotice(Duration.ofHours(-24))),
                bad("cancellationNotice", tooLong, b -> b.cancellationNotice(tooLong)),
                bad("rescheduleNotice", Duration.ofNanos(-1), b -> b.rescheduleNotice(Duration.ofNanos(-1))),
                bad("rescheduleNotice", tooLong, b -> b.rescheduleNotice(tooLong)),
                bad("minimumBookingNotice", Duration.ofMinutes(-5), b -> b.minimumBookingNotice(Duration.ofMinutes(-5))),
                bad("minimumBookingNotice", tooLong, b -> b.minimumBookingNotice(tooLong)),
                bad("maxCustomerReschedules", -1, b -> b.maxCustomerReschedules(-1)),
                bad("maxCustomerReschedules", BookingPolicy.MAX_RESCHEDULES_LIMIT + 1,
                        b -> b.maxCustomerReschedules(BookingPolicy.MAX_RESCHEDULES_LIMIT + 1)));
    }

    private static Arguments bad(String field, Object value, Consumer<BookingPolicy.Builder> set) {
        return arguments(field, value, set);
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("badValues")
    @DisplayName("each setter rejects a bad value at once with IllegalArgumentException naming the field and the value")
    void setterRejectsBadValue(String field, Object value, Consumer<BookingPolicy.Builder> set) {
        BookingPolicy.Builder builder = BookingPolicy.builder();

        assertThatThrownBy(() -> set.accept(builder))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(field + " must be")
                .hasMessageEndingWith(", was " + value);
    }

    static Stream<Arguments> nullValues() {
        return Stream.of(
                arguments("reminderLead", (Consumer<BookingPolicy.Builder>) b -> b.reminderLead(null)),
                arguments("cancellationNotice", (Consumer<BookingPolicy.Builder>) b -> b.cancellationNotice(null)),
                arguments("rescheduleNotice", (Consumer<BookingPolicy.Builder>) b -> b.rescheduleNotice(null)),
                arguments("minimumBookingNotice", (Consumer<BookingPolicy.Builder>) b -> b.minimumBookingNotice(null)),
                arguments("lateCancellation", (Consumer<BookingPolicy.Builder>) b -> b.lateCancellation(null)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nullValues")
    @DisplayName("a missing value is rejected at once, naming the field")
    void setterRejectsNull(String field, Consumer<BookingPolicy.Builder> set) {
        assertThatThrownBy(() -> set.accept(BookingPolicy.builder()))
                .isInstanceOf(NullPointerException.class)
                .hasMessage(field);
    }

    @Test
    @DisplayName("R9 the edges of each range are accepted: zero notices, the longest duration, 0 and the largest limit")
    void edgesAreAccepted() {
        assertThatCode(() -> BookingPolicy.builder()
                .reminderLead(Duration.ofNanos(1))
                .reminderLead(BookingPolicy.MAX_DURATION)
                .cancellationNotice(Duration.ZERO)
                .cancellationNotice(BookingPolicy.MAX_DURATION)
                .rescheduleNotice(Duration.ZERO)
                .rescheduleNotice(BookingPolicy.MAX_DURATION)
                .minimumBookingNotice(Duration.ZERO)
                .minimumBookingNotice(BookingPolicy.MAX_DURATION)
                .maxCustomerReschedules(0)
                .maxCustomerReschedules(BookingPolicy.MAX_RESCHEDULES_LIMIT)
                .build()).doesNotThrowAnyException();
        assertThat(BookingPolicy.MAX_DURATION).isEqualTo(Duration.ofDays(366));
        assertThat(BookingPolicy.MAX_RESCHEDULES_LIMIT).isEqualTo(1000);
    }

    @Test
    @DisplayName("a rejected value leaves the builder as it was")
    void rejectedValueIsNotKept() {
        BookingPolicy.Builder builder = BookingPolicy.builder().cancellationNotice(Duration.ofHours(48));

        assertThatThrownBy(() -> builder.cancellationNotice(Duration.ofHours(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(builder.build().cancellationNotice()).isEqualTo(Duration.ofHours(48));
    }

    private static BookingPolicy everythingChanged() {
        return BookingPolicy.builder()
                .reminderLead(Duration.ofHours(24))
                .autoConfirmInReminderWindow(false)
                .cancellationNotice(Duration.ofHours(48))
                .rescheduleNotice(Duration.ofHours(12))
                .maxCustomerReschedules(5)
                .unpaidOnlyCancellation(false)
                .customerCancelEnabled(false)
                .customerRescheduleEnabled(false)
                .lateCancellation(LateCancellation.allowWithFee(FEE))
                .minimumBookingNotice(Duration.ofHours(3))
                .build();
    }

    @Test
    @DisplayName("every setting is kept as set")
    void settingsAreKept() {
        BookingPolicy policy = everythingChanged();

        assertThat(policy.reminderLead()).isEqualTo(Duration.ofHours(24));
        assertThat(policy.autoConfirmInReminderWindow()).isFalse();
        assertThat(policy.cancellationNotice()).isEqualTo(Duration.ofHours(48));
        assertThat(policy.rescheduleNotice()).isEqualTo(Duration.ofHours(12));
        assertThat(policy.maxCustomerReschedules()).isEqualTo(5);
        assertThat(policy.unpaidOnlyCancellation()).isFalse();
        assertThat(policy.customerCancelEnabled()).isFalse();
        assertThat(policy.customerRescheduleEnabled()).isFalse();
        assertThat(policy.lateCancellation()).isEqualTo(LateCancellation.allowWithFee(FEE));
        assertThat(policy.minimumBookingNotice()).isEqualTo(Duration.ofHours(3));
    }

    @Test
    @DisplayName("toBuilder().build() round-trips every setting")
    void toBuilderRoundTrip() {
        BookingPolicy policy = everythingChanged();

        BookingPolicy copy = policy.toBuilder().build();

        assertThat(copy).isEqualTo(policy).hasSameHashCodeAs(policy).hasToString(policy.toString());
        assertThat(BookingPolicy.ofDefaults().toBuilder().build()).isEqualTo(BookingPolicy.ofDefaults());
    }

    @Test
    @DisplayName("toBuilder starts a new policy: changing it leaves the original as it was")
    void toBuilderDoesNotChangeTheOriginal() {
        BookingPolicy original = BookingPolicy.ofDefaults();

        BookingPolicy changed = original.toBuilder().cancellationNotice(Duration.ofHours(48)).build();

        assertThat(original.cancellationNotice()).isEqualTo(Duration.ofHours(24));
        assertThat(changed.cancellationNotice()).isEqualTo(Duration.ofHours(48));
    }

    static Stream<Arguments> oneSettingDifferent() {
        return Stream.of(
                diff("reminderLead", b -> b.reminderLead(Duration.ofHours(7))),
                diff("autoConfirmInReminderWindow", b -> b.autoConfirmInReminderWindow(false)),
                diff("cancellationNotice", b -> b.cancellationNotice(Duration.ofHours(25))),
                diff("rescheduleNotice", b -> b.rescheduleNotice(Duration.ofHours(25))),
                diff("maxCustomerReschedules", b -> b.maxCustomerReschedules(3)),
                diff("unpaidOnlyCancellation", b -> b.unpaidOnlyCancellation(false)),
                diff("customerCancelEnabled", b -> b.customerCancelEnabled(false)),
                diff("customerRescheduleEnabled", b -> b.customerRescheduleEnabled(false)),
                diff("lateCancellation", b -> b.lateCancellation(LateCancellation.allowWithFee(FEE))),
                diff("minimumBookingNotice", b -> b.minimumBookingNotice(Duration.ofMinutes(30))));
    }

    private static Arguments diff(String field, UnaryOperator<BookingPolicy.Builder> change) {
        return arguments(field, change);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("oneSettingDifferent")
    @DisplayName("two policies that differ in one setting are not equal")
    void equalsSeesEverySetting(String field, UnaryOperator<BookingPolicy.Builder> change) {
        BookingPolicy changed = change.apply(BookingPolicy.builder()).build();

        assertThat(changed).isNotEqualTo(BookingPolicy.ofDefaults());
        assertThat(changed.toString()).isNotEqualTo(BookingPolicy.ofDefaults().toString());
    }

    @Test
    @DisplayName("equal policies have equal hash codes")
    void equalsAndHashCode() {
        BookingPolicy a = BookingPolicy.builder().cancellationNotice(Duration.ofHours(48)).build();
        BookingPolicy b = BookingPolicy.builder().cancellationNotice(Duration.ofMinutes(48 * 60)).build();

        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).isNotEqualTo(null).isNotEqualTo("policy");
    }

    @Test
    @DisplayName("R13 a late-cancellation handling has a fee exactly when it allows late cancels")
    void lateCancellationFeeGoesWithAllow() {
        assertThat(LateCancellation.refuse()).isEqualTo(new LateCancellation(LateCancellation.Handling.REFUSE, null));
        assertThat(LateCancellation.allowWithFee(FEE).lateFee()).contains(FEE);
        assertThat(LateCancellation.allowWithFee(Money.of("0", "EUR")).handling())
                .isEqualTo(LateCancellation.Handling.ALLOW_WITH_FEE);
        assertThatThrownBy(() -> new LateCancellation(LateCancellation.Handling.REFUSE, FEE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("lateCancellation.fee");
        assertThatThrownBy(() -> new LateCancellation(LateCancellation.Handling.ALLOW_WITH_FEE, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("lateCancellation.fee");
        assertThatThrownBy(() -> LateCancellation.allowWithFee(null))
                .isInstanceOf(NullPointerException.class).hasMessage("lateCancellation.fee");
        assertThatThrownBy(() -> new LateCancellation(null, null))
                .isInstanceOf(NullPointerException.class).hasMessage("lateCancellation.handling");
    }
}
