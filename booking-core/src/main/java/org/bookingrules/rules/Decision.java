package org.bookingrules.rules;

import java.time.Instant;
import org.bookingrules.model.Money;

/**
 * What a rule says about an action: {@link Allowed} (possibly until a deadline, possibly late
 * with a fee) or a {@link Refusal}. Expected refusals are values, never exceptions.
 */
public sealed interface Decision permits Decision.Allowed, Refusal {

    /**
     * An allowance with no deadline, not late.
     *
     * @return the shared plain allowance
     */
    static Allowed allowed() {
        return Allowed.PLAIN;
    }

    /**
     * An allowance until a deadline.
     *
     * @param until the deadline, not null
     * @return the allowance
     */
    static Allowed allowedUntil(Instant until) {
        return new Allowed(until, false, null);
    }

    /**
     * Whether the action may go ahead.
     *
     * @return true for {@link Allowed}
     */
    boolean isAllowed();

    /**
     * Yes. Immutable.
     *
     * @param until the deadline of the action, or null if no rule set one. A notice deadline
     *     ({@code start - notice}) is itself still in time; the start is not (customers act only
     *     before it)
     * @param late true if the action is allowed but late (R7, R13)
     * @param lateFee the fee a late cancellation carries (R13), or null
     */
    record Allowed(Instant until, boolean late, Money lateFee) implements Decision {

        static final Allowed PLAIN = new Allowed(null, false, null);

        /**
         * Checks that a fee comes only with lateness.
         *
         * @param until the deadline of the action, or null if no rule set one. A notice deadline ({@code start - notice}) is itself still in time; the start is not (customers act only before it)
         * @param late true if the action is allowed but late (R7, R13)
         * @param lateFee the fee a late cancellation carries (R13), or null
         */
        public Allowed {
            if (lateFee != null && !late) {
                throw new IllegalArgumentException("lateFee needs late = true");
            }
        }

        /**
         * Both allowances together: the earlier deadline, late if either is late, and the fee.
         *
         * @param other not null
         * @return the combined allowance
         */
        public Allowed and(Allowed other) {
            Instant deadline = until == null ? other.until
                    : other.until == null ? until
                    : (until.isBefore(other.until) ? until : other.until);
            return new Allowed(deadline, late || other.late, lateFee != null ? lateFee : other.lateFee);
        }

        @Override
        public boolean isAllowed() {
            return true;
        }
    }
}
