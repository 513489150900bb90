package org.bookingrules.policy;

import java.util.Objects;
import java.util.Optional;
import org.bookingrules.model.Money;

/**
 * What happens when a customer cancels inside the cancellation notice (R13). Immutable.
 *
 * @param handling refuse, or allow with a fee
 * @param fee the fee when allowed, null when refused
 */
public record LateCancellation(Handling handling, Money fee) {

    private static final LateCancellation REFUSE = new LateCancellation(Handling.REFUSE, null);

    /** How a late customer cancellation is handled. */
    public enum Handling {
        /** The cancel is refused with {@code CANCELLATION_NOTICE_PASSED} (the default). */
        REFUSE,
        /** The cancel is done, marked late, and carries the fee the embedding product charges. */
        ALLOW_WITH_FEE
    }

    /**
     * Checks that a fee is given exactly when late cancels are allowed.
     *
     * @param handling refuse, or allow with a fee
     * @param fee the fee when allowed, null when refused
     */
    public LateCancellation {
        Objects.requireNonNull(handling, "lateCancellation.handling");
        if ((handling == Handling.ALLOW_WITH_FEE) != (fee != null)) {
            throw new IllegalArgumentException("lateCancellation.fee must be set exactly when handling is ALLOW_WITH_FEE");
        }
    }

    /**
     * Refuse late customer cancellations (the default).
     *
     * @return the handling
     */
    public static LateCancellation refuse() {
        return REFUSE;
    }

    /**
     * Allow late customer cancellations with a fee.
     *
     * @param fee the fee, not null (may be zero to only mark them late)
     * @return the handling
     */
    public static LateCancellation allowWithFee(Money fee) {
        return new LateCancellation(Handling.ALLOW_WITH_FEE, Objects.requireNonNull(fee, "lateCancellation.fee"));
    }

    /** @return the fee, if late cancels are allowed */
    public Optional<Money> lateFee() {
        return Optional.ofNullable(fee);
    }
}
