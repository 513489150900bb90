package org.bookingrules.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.Currency;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("Money: the late-cancellation fee (R13)")
class MoneyTest {

    @Test
    @DisplayName("R13 Money.of parses the amount exactly and prints it with its currency code")
    void parses() {
        Money fee = Money.of("20.00", "EUR");

        assertThat(fee.amount()).isEqualTo(new BigDecimal("20.00"));
        assertThat(fee.currency()).isEqualTo(Currency.getInstance("EUR"));
        assertThat(fee.toString()).isEqualTo("20.00 EUR");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "0,       EUR",
        "0.00,    EUR",
        "1.5,     EUR",
        "1.50,    EUR",
        "1.500,   EUR",
        "1500,    JPY",
        "1500.0,  JPY",
        "0.12345, XAU"
    })
    @DisplayName("R13 zero (only marks late) and amounts within the currency's decimals are accepted")
    void accepts(String amount, String currency) {
        Money money = Money.of(amount, currency);

        assertThat(money.amount()).isEqualByComparingTo(amount);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "1.001,  EUR",
        "0.005,  EUR",
        "1500.5, JPY"
    })
    @DisplayName("an amount with more decimals than the currency has is rejected, naming the currency")
    void rejectsExtraDecimals(String amount, String currency) {
        assertThatThrownBy(() -> Money.of(amount, currency))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("amount has more decimals than " + currency + " allows: " + amount);
    }

    @Test
    @DisplayName("a negative amount is rejected, naming the field and the value")
    void rejectsNegative() {
        assertThatThrownBy(() -> Money.of("-0.01", "EUR"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("amount must not be negative, was -0.01");
    }

    @Test
    @DisplayName("text that is not a number, or an unknown currency, is an IllegalArgumentException")
    void rejectsGarbage() {
        assertThatThrownBy(() -> Money.of("twenty", "EUR"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("amount is not a decimal number: twenty");
        assertThatThrownBy(() -> Money.of("20.00", "EURO"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("amount and currency are required")
    void rejectsNulls() {
        assertThatThrownBy(() -> Money.of(null, "EUR")).isInstanceOf(NullPointerException.class).hasMessage("amount");
        assertThatThrownBy(() -> Money.of("1", null)).isInstanceOf(NullPointerException.class).hasMessage("currency");
        assertThatThrownBy(() -> new Money(BigDecimal.ONE, null))
                .isInstanceOf(NullPointerException.class).hasMessage("currency");
    }

    @Test
    @DisplayName("equal amounts written the same way in the same currency are equal; another currency is not")
    void equality() {
        assertThat(Money.of("20.00", "EUR")).isEqualTo(new Money(new BigDecimal("20.00"), Currency.getInstance("EUR")))
                .hasSameHashCodeAs(Money.of("20.00", "EUR"))
                .isNotEqualTo(Money.of("20.00", "USD"));
    }
}
