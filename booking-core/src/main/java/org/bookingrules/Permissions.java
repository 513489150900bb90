package org.bookingrules;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import org.bookingrules.internal.Checks;
import org.bookingrules.rules.Decision;

/**
 * What an actor may do with a booking now, and until when, computed by the same rules the
 * commands apply, without changing anything. Product UIs use it to show buttons and deadlines
 * ("cancel until 12 March 10:00, 1 of 2 reschedules left"). Immutable.
 *
 * @param cancel the decision on cancelling now
 * @param reschedule the decision on rescheduling now (to a valid slot)
 * @param confirm the decision on confirming now
 * @param decline the decision on declining now
 * @param reschedulesLeft customer reschedules left; empty for staff (no limit, R12)
 */
public record Permissions(Decision cancel, Decision reschedule, Decision confirm, Decision decline,
                          OptionalInt reschedulesLeft) {

    /**
     * Checks the fields.
     *
     * @param cancel the decision on cancelling now
     * @param reschedule the decision on rescheduling now (to a valid slot)
     * @param confirm the decision on confirming now
     * @param decline the decision on declining now
     * @param reschedulesLeft customer reschedules left; empty for staff (no limit, R12)
     */
    public Permissions {
        Checks.nonNull("cancel, reschedule, confirm, decline, reschedulesLeft",
                cancel, reschedule, confirm, decline, reschedulesLeft);
    }

    /** @return whether cancelling is allowed now */
    public boolean canCancel() {
        return cancel.isAllowed();
    }

    /** @return whether rescheduling is allowed now */
    public boolean canReschedule() {
        return reschedule.isAllowed();
    }

    /** @return whether confirming is allowed now */
    public boolean canConfirm() {
        return confirm.isAllowed();
    }

    /** @return whether declining is allowed now */
    public boolean canDecline() {
        return decline.isAllowed();
    }

    /** @return the cancel deadline while cancelling is allowed, if it has one */
    public Optional<Instant> cancelUntil() {
        return until(cancel);
    }

    /** @return the reschedule deadline while rescheduling is allowed, if it has one */
    public Optional<Instant> rescheduleUntil() {
        return until(reschedule);
    }

    private static Optional<Instant> until(Decision decision) {
        return decision instanceof Decision.Allowed allowed ? Optional.ofNullable(allowed.until()) : Optional.empty();
    }
}
