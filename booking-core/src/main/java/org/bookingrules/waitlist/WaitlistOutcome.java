package org.bookingrules.waitlist;

import java.util.Objects;
import java.util.Optional;
import org.bookingrules.rules.Refusal;

/**
 * What a cancellation-list command did: the entry as it is now, or why it was refused.
 * Immutable.
 *
 * @param entry the entry after the command, or null when refused
 * @param refusal why it was refused, or null when done
 */
public record WaitlistOutcome(WaitlistEntry entry, Refusal refusal) {

    /**
     * Checks that exactly one of the two is set.
     *
     * @param entry or null
     * @param refusal or null
     */
    public WaitlistOutcome {
        if ((entry == null) == (refusal == null)) {
            throw new IllegalArgumentException("exactly one of entry and refusal");
        }
    }

    /**
     * A command that was done.
     *
     * @param entry the entry after it, not null
     * @return the outcome
     */
    public static WaitlistOutcome done(WaitlistEntry entry) {
        return new WaitlistOutcome(Objects.requireNonNull(entry, "entry"), null);
    }

    /**
     * A command that was refused.
     *
     * @param refusal why, not null
     * @return the outcome
     */
    public static WaitlistOutcome refused(Refusal refusal) {
        return new WaitlistOutcome(null, Objects.requireNonNull(refusal, "refusal"));
    }

    /** @return true if the command was done */
    public boolean isDone() {
        return entry != null;
    }

    /** @return why it was refused, if it was */
    public Optional<Refusal> asRefusal() {
        return Optional.ofNullable(refusal);
    }
}
