package org.bookingrules;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.bookingrules.internal.Texts;

/**
 * The optional details of a change: a reason, kept in the history (R2, R15), and, for staff,
 * whom to notify with what message (R14). Immutable.
 *
 * @param reason why, or null; at most {@value Texts#MAX_REASON_LENGTH} characters
 * @param notification whom to notify (staff changes only), not null
 */
public record ChangeRequest(@Size(max = Texts.MAX_REASON_LENGTH) String reason,
                            @NotNull @Valid NotificationChoice notification) {

    private static final ChangeRequest NONE = new ChangeRequest(null, NotificationChoice.both());

    /** @return no reason, notify both */
    public static ChangeRequest none() {
        return NONE;
    }

    /**
     * A change with a reason, notifying both.
     *
     * @param reason may be null
     * @return the request
     */
    public static ChangeRequest because(String reason) {
        return new ChangeRequest(reason, NotificationChoice.both());
    }

    /**
     * This request with a notification choice.
     *
     * @param choice whom to notify and with what message
     * @return the new request
     */
    public ChangeRequest notifying(NotificationChoice choice) {
        return new ChangeRequest(reason, choice);
    }
}
