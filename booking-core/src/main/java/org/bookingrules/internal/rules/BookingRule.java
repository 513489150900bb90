package org.bookingrules.internal.rules;

import org.bookingrules.rules.Decision;

/**
 * One rule: takes the facts, returns a {@link Decision}. Implementations are small, pure (no I/O
 * other than an injected read-only port, no clock, no mutation) and thread-safe.
 */
@FunctionalInterface
public interface BookingRule {

    /**
     * Decides.
     *
     * @param context the facts, not null
     * @return the decision, never null
     */
    Decision evaluate(RuleContext context);
}
