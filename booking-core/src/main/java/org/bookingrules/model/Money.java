package org.bookingrules.model;

import java.math.BigDecimal;
import java.util.Currency;
import java.util.Objects;

/**
 * An amount of money, for late-cancellation fees (R13). Immutable and thread-safe.
 *
 * @param amount the amount, zero or more, with no more decimals than the currency has; kept at
 *     the currency's scale (20.0 EUR becomes 20.00 EUR)
 * @param currency the currency, not null
 */
public record Money(BigDecimal amount, Currency currency) {

    /**
     * Checks the fields.
     *
     * @param amount the amount, zero or more, with no more decimals than the currency has; kept at
 *     the currency's scale (20.0 EUR becomes 20.00 EUR)
     * @param currency the currency, not null
     */
    public Money {
        Objects.requireNonNull(amount, "amount");
        Objects.requireNonNull(currency, "currency");
        if (amount.signum() < 0) {
            throw new IllegalArgumentException("amount must not be negative, was " + amount);
        }
        int digits = currency.getDefaultFractionDigits();
        if (digits >= 0) {
            if (amount.stripTrailingZeros().scale() > digits) {
                throw new IllegalArgumentException(
                        "amount has more decimals than " + currency.getCurrencyCode() + " allows: " + amount);
            }
            // One scale per currency, so 20.0 EUR equals 20.00 EUR and storage round-trips exactly.
            amount = amount.setScale(digits);
        }
    }

    /**
     * Parses an amount in a currency, for example {@code Money.of("20.00", "EUR")}.
     *
     * @param amount a decimal number
     * @param currencyCode an ISO 4217 code
     * @return the money
     * @throws IllegalArgumentException if either is not valid
     */
    public static Money of(String amount, String currencyCode) {
        Objects.requireNonNull(amount, "amount");
        Objects.requireNonNull(currencyCode, "currency");
        try {
            return new Money(new BigDecimal(amount), Currency.getInstance(currencyCode));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("amount is not a decimal number: " + amount, e);
        }
    }

    @Override
    public String toString() {
        return amount.toPlainString() + " " + currency.getCurrencyCode();
    }
}
