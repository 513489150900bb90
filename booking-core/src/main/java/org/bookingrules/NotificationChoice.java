package org.bookingrules;

import jakarta.validation.constraints.Size;
import org.bookingrules.internal.Texts;

/**
 * For a staff change: whom to notify, an optional personal message that goes into the
 * notifications (R14), and whether a slot the change frees is offered to the cancellation list.
 * Self-service changes ignore it: they always notify both and always offer the freed slot.
 * Immutable.
 *
 * @param customer notify the customer
 * @param resource notify the resource
 * @param personalMessage a message from the staff member, or null; at most
 *     {@value Texts#MAX_MESSAGE_LENGTH} characters
 * @param offerFreedSlot offer the slot the change frees to the cancellation list (the default), if
 *     the service's list is on
 */
public record NotificationChoice(boolean customer, boolean resource,
                                 @Size(max = Texts.MAX_MESSAGE_LENGTH) String personalMessage,
                                 boolean offerFreedSlot) {

    private static final NotificationChoice BOTH = new NotificationChoice(true, true, null);

    /**
     * A choice that offers a freed slot to the cancellation list.
     *
     * @param customer notify the customer
     * @param resource notify the resource
     * @param personalMessage a message from the staff member, or null
     */
    public NotificationChoice(boolean customer, boolean resource, String personalMessage) {
        this(customer, resource, personalMessage, true);
    }
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
        return new NotificationChoice(customer, resource, message, offerFreedSlot);
    }

    /**
     * This choice, without offering the slot the change frees to the cancellation list: staff keep
     * it for someone they choose.
     *
     * @return the new choice
     */
    public NotificationChoice withoutOfferingTheSlot() {
        return new NotificationChoice(customer, resource, personalMessage, false);
    }
}
