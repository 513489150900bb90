package org.bookingrules.spi;

/** Who a notification is for (R14). */
public enum RecipientRole {
    /** The booking's customer, at the contact stored on the booking. */
    CUSTOMER,
    /** The booked resource (the professional, or whoever manages the room). */
    RESOURCE
}
