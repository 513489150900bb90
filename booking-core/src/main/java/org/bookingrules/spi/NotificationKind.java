package org.bookingrules.spi;

/** What a notification tells (R14). Each has a localized subject per recipient role. */
public enum NotificationKind {
    /** A booking was made (the confirmation message). */
    BOOKED,
    /** Attendance was confirmed. */
    CONFIRMED,
    /** Staff revoked a confirmation. */
    CONFIRMATION_REVOKED,
    /** The customer declined; to the customer it is the acknowledgement. */
    DECLINED,
    /** The booking was cancelled. */
    CANCELLED,
    /** The booking moved to another slot or resource. */
    RESCHEDULED,
    /** The reminder before the appointment (R5); to the customer only. */
    REMINDER,
    /** The customer was recorded as not having come. */
    NO_SHOW,
    /** The appointment was recorded as completed. */
    COMPLETED
}
