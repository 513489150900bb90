package org.bookingrules;

import java.util.Objects;
import org.bookingrules.rules.Refusal;

/**
 * Thrown by {@link Outcome#orElseThrow()} for callers who prefer exceptions to values. The
 * message carries the reason code only, never personal data.
 */
public final class RefusedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Refusal refusal;

    /**
     * @param refusal the refusal, not null
     */
    public RefusedException(Refusal refusal) {
        super("refused: " + Objects.requireNonNull(refusal, "refusal").reason());
        this.refusal = refusal;
    }

    /** @return the refusal */
    public Refusal refusal() {
        return refusal;
    }
}
