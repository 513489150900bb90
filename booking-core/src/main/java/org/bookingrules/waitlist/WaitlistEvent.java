package org.bookingrules.waitlist;

import java.time.Instant;
import org.bookingrules.internal.Checks;
import org.bookingrules.model.Actor;
import org.threeten.extra.Interval;

/**
 * Something that happened to a cancellation-list entry: its history, oldest first, tells the whole
 * story (joined, offered which slot until when, declined or let expire, booked, left). Immutable.
 *
 * @param kind what happened, not null
 * @param actor who did it (the system for offers and expiries), not null
 * @param at when, not null
 * @param offerId the offer concerned, or null for JOINED, LEFT and EXPIRED
 * @param slot the offered slot, or null where no offer is concerned
 * @param bookingId the booking made or moved (BOOKED), or null
 */
public record WaitlistEvent(Kind kind, Actor actor, Instant at, String offerId, Interval slot, String bookingId) {

    /** What happened to an entry. */
    public enum Kind {
        /** The customer joined the list. */
        JOINED,
        /** A held slot was offered to the entry. */
        OFFERED,
        /** The offer was declined. */
        DECLINED,
        /** The offer's deadline passed unanswered. */
        OFFER_EXPIRED,
        /** The slot went to another entry, or staff released it, while the offer was open. */
        OFFER_WITHDRAWN,
        /** The offer was accepted: a booking was made or moved. */
        BOOKED,
        /** The entry was taken off the list. */
        LEFT,
        /** The entry's window passed. */
        EXPIRED,
        /** Staff erased the customer's personal data; the entry left the list. */
        ERASED
    }

    /**
     * Checks the fields.
     *
     * @param kind not null
     * @param actor not null
     * @param at not null
     * @param offerId or null
     * @param slot or null
     * @param bookingId or null
     */
    public WaitlistEvent {
        Checks.nonNull("kind, actor, at", kind, actor, at);
    }
}
