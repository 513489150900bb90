package org.bookingrules;

import jakarta.validation.constraints.Size;
import org.bookingrules.internal.Texts;

/**
 * For a staff change: whom to notify and an optional personal message that goes into the
 * notifications (R14). Self-service changes ignore it and always notify both. Immutable.
 *
 * @param customer notify the customer
 * @param resource notify the resource
 * @param personalMessage a message from the staff member, or null; at most
 *     {@value Texts#MAX_MESSAGE_LENGTH} characters
 */
public record NotificationChoice(boolean customer, boolean resource,
                                 @Size(max = Texts.MAX_MESSAGE_LENGTH) String personalMessage) {

    private static final NotificationChoice BOTH = new NotificationChoice(true, true, null);
    private static final NotificationChoice NOBODY = new NotificationChoice(false, false, null);

    /** @return notify the customer and the resource (the default) */
    public static NotificationChoice both() {
        return BOTH;
    }

    /** @return notify nobody */
    public static NotificationChoice nobody() {
        return NOBODY;
    }

    /** @return notify the customer only */
    public static NotificationChoice customerOnly() {
        return new NotificationChoice(true, false, null);
    }

    /** @return notify the resource only */
    public static NotificationChoice resourceOnly() {
        return new NotificationChoice(false, true, null);
    }

    /**
     * This choice with a personal message.
     *
     * @param message the message, may be null
     * @return the new choice
     */
    public NotificationChoice withMessage(String message) {
        return new NotificationChoice(customer, resource, message);
    }
}
