package org.bookingrules.spi;

import java.util.Optional;
import org.bookingrules.model.Booking;
import org.bookingrules.waitlist.SlotOffer;

/**
 * Port: issues the customer's manage link (R8) that goes into customer notifications. The
 * library's signed links plug in here; the default issues none. Must be thread-safe.
 */
@FunctionalInterface
public interface ManageLinkIssuer {

    /** Issues no links. */
    ManageLinkIssuer NONE = booking -> Optional.empty();

    /**
     * The manage link for a booking, carrying no personal data.
     *
     * @param booking the booking after the change, not null
     * @return the link, or empty
     */
    Optional<String> linkFor(Booking booking);

    /**
     * The link of a cancellation-list offer, valid until its deadline, carrying no personal data.
     * The default issues none.
     *
     * @param offer the offer, not null
     * @return the link, or empty
     */
    default Optional<String> offerLinkFor(SlotOffer offer) {
        return Optional.empty();
    }
}
