package org.bookingrules.model;

/** Whether a booking has been paid, as far as the embedding product told us (R9 "unpaid only"). */
public enum PaymentStatus {
    /** Nothing paid. A customer may cancel it (subject to the other rules). */
    UNPAID,
    /** Paid in full or in part. Under the default policy only staff may cancel it (R9). */
    PAID
}
