package org.bookingrules.links;

/** What a signed token is for; a token of one purpose never works for another. */
public enum LinkPurpose {
    /** The manage link in a confirmation or reminder message: opens the booking, asks who you are. */
    MANAGE,
    /** The short-lived grant a passed identity check yields: lets the holder act on the booking. */
    GRANT,
    /** The link of a cancellation-list offer: names the offer, valid a week after its deadline. */
    OFFER
}
