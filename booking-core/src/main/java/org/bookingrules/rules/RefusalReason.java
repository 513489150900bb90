package org.bookingrules.rules;

/**
 * Why an action was refused: a stable code that products may store, switch on and translate.
 * Codes are never renamed or reused; new ones may be added.
 */
public enum RefusalReason {
    /**
     * No such booking for this caller: it does not exist, belongs to another tenant, or (for a
     * customer) belongs to another customer. The three look alike on purpose (no existence leak).
     */
    BOOKING_NOT_FOUND,
    /** The booking is not active (cancelled, declined, completed or no-show), so it cannot be changed this way. */
    NOT_ACTIVE,
    /** The appointment has already started; customers can no longer change it. */
    ALREADY_STARTED,
    /** The appointment has not started yet, so it cannot be marked completed or no-show. */
    NOT_STARTED,
    /** This actor may not take this action at all (for example a customer revoking a confirmation). */
    ACTION_NOT_PERMITTED,
    /** The service does not let customers cancel by themselves (R9). */
    SELF_SERVICE_CANCEL_DISABLED,
    /** The service does not let customers reschedule by themselves (R9). */
    SELF_SERVICE_RESCHEDULE_DISABLED,
    /** The booking is paid and the policy lets customers cancel only unpaid bookings (R9). */
    PAID_BOOKING,
    /** Too close to the start to cancel: the cancellation notice has passed (R9, R13). */
    CANCELLATION_NOTICE_PASSED,
    /** Too close to the start to reschedule: the reschedule notice has passed (R9). */
    RESCHEDULE_NOTICE_PASSED,
    /** The customer has used every reschedule the policy allows for this booking (R9). */
    RESCHEDULE_LIMIT_REACHED,
    /** The requested slot starts in the past (R10). */
    SLOT_IN_PAST,
    /** The requested slot starts sooner than the minimum booking notice allows (R9, R10). */
    MINIMUM_BOOKING_NOTICE,
    /** The requested slot is outside the resource's opening hours or in blocked time (R10). */
    OUTSIDE_AVAILABILITY,
    /** Another active booking of the resource overlaps the requested slot (R10, R12). */
    SLOT_UNAVAILABLE,
    /**
     * The request's idempotency key was already used for a request with other content: the client
     * reused a key it should not have. Nothing was booked.
     */
    IDEMPOTENCY_KEY_REUSED,
    /**
     * Cancellation list: no such offer for this actor (unknown, another tenant's, or another
     * customer's: alike).
     */
    OFFER_NOT_FOUND,
    /** Cancellation list: the offered slot went to someone else, or staff released it. */
    OFFER_TAKEN,
    /** Cancellation list: the offer's deadline passed, or it was declined. */
    OFFER_EXPIRED,
    /** Cancellation list: the service's list is off. */
    WAITLIST_OFF,
    /** Cancellation list: the customer already waits for this service and resource in an overlapping window. */
    ALREADY_WAITING,
    /** Cancellation list: no such entry for this actor (unknown, another tenant's, or another customer's). */
    ENTRY_NOT_FOUND;

    /**
     * The message key of this reason in {@link org.bookingrules.i18n.Messages}.
     *
     * @return {@code "refusal." + name()}
     */
    public String messageKey() {
        return "refusal." + name();
    }
}
