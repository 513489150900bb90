package org.bookingrules.internal.rules;

/** The actions the rules decide on. */
public enum Action {
    /** Make a new booking (R1). */
    BOOK,
    /** Confirm attendance (R4, R7). */
    CONFIRM,
    /** Revoke a confirmation, back to pending (R4). Staff only. */
    REVOKE_CONFIRMATION,
    /** Answer "I will not attend" (R7). */
    DECLINE,
    /** Cancel (R2, R9, R11, R13). */
    CANCEL,
    /** Move to another slot or resource (R3, R9, R10, R12). */
    RESCHEDULE,
    /** Record that the customer did not come. Staff only. */
    MARK_NO_SHOW,
    /** Record that the appointment took place. Staff only. */
    COMPLETE
}
