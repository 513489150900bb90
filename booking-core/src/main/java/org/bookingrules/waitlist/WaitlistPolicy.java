package org.bookingrules.waitlist;

import java.time.Duration;
import java.util.Objects;
import org.bookingrules.internal.settings.Settings;

/**
 * How a service's freed slots are offered to its cancellation list. Immutable.
 *
 * <p>A freed slot is offered only while it starts at least {@code minimumLead} from now. Each
 * offer lasts {@code offerWindow}, but never past {@code start - minimumLead}, so an offer of a
 * slot that is close is shorter and, when it ends unaccepted, the next entry or a direct booking
 * still has time; with less than {@link #SHORTEST_OFFER} left before that cut-off the slot is not
 * offered at all. {@code offersAtOnce} entries are offered a slot together; the first to accept
 * gets it.
 *
 * @param enabled whether freed slots of the service are offered at all
 * @param minimumLead how long before its start a slot stops being offered, zero to 30 days
 * @param offerWindow the longest an offer stays open, {@link #SHORTEST_OFFER} to 7 days
 * @param offersAtOnce how many entries are offered one slot together, 1 to {@link #MAX_OFFERS_AT_ONCE}
 */
public record WaitlistPolicy(boolean enabled, Duration minimumLead, Duration offerWindow, int offersAtOnce) {

    /** The shortest offer the library sends: 5 minutes. */
    public static final Duration SHORTEST_OFFER = Duration.ofMinutes(5);
    /** The most entries offered one slot together: 20. */
    public static final int MAX_OFFERS_AT_ONCE = 20;
    /** The longest minimum lead: 30 days. */
    public static final Duration MAX_MINIMUM_LEAD = Duration.ofDays(30);
    /** The longest offer window: 7 days. */
    public static final Duration MAX_OFFER_WINDOW = Duration.ofDays(7);

    /**
     * On, with the defaults: slots starting at least 2 hours ahead are offered, one entry at a time,
     * for at most an hour each.
     */
    public static final WaitlistPolicy DEFAULT = new WaitlistPolicy(true, Duration.ofHours(2), Duration.ofHours(1), 1);

    /** Off: freed slots are not offered. The default of every service until the product says otherwise. */
    public static final WaitlistPolicy OFF = new WaitlistPolicy(false, Duration.ofHours(2), Duration.ofHours(1), 1);

    /**
     * Checks the fields; the message names the first one out of range.
     *
     * @param enabled whether freed slots of the service are offered at all
     * @param minimumLead how long before its start a slot stops being offered
     * @param offerWindow the longest an offer stays open
     * @param offersAtOnce how many entries are offered one slot together
     */
    public WaitlistPolicy {
        Objects.requireNonNull(minimumLead, "minimumLead");
        if (minimumLead.isNegative() || minimumLead.compareTo(MAX_MINIMUM_LEAD) > 0) {
            throw new IllegalArgumentException("minimumLead must be zero to " + MAX_MINIMUM_LEAD + ", was " + minimumLead);
        }
        Settings.positiveAtMost("offerWindow", offerWindow, MAX_OFFER_WINDOW);
        if (offerWindow.compareTo(SHORTEST_OFFER) < 0) {
            throw new IllegalArgumentException("offerWindow must be at least " + SHORTEST_OFFER + ", was " + offerWindow);
        }
        if (offersAtOnce < 1 || offersAtOnce > MAX_OFFERS_AT_ONCE) {
            throw new IllegalArgumentException("offersAtOnce must be 1 to " + MAX_OFFERS_AT_ONCE + ", was " + offersAtOnce);
        }
    }

    /**
     * This policy with another minimum lead.
     *
     * @param lead the lead
     * @return the new policy
     */
    public WaitlistPolicy withMinimumLead(Duration lead) {
        return new WaitlistPolicy(enabled, lead, offerWindow, offersAtOnce);
    }

    /**
     * This policy with another offer window.
     *
     * @param window the window
     * @return the new policy
     */
    public WaitlistPolicy withOfferWindow(Duration window) {
        return new WaitlistPolicy(enabled, minimumLead, window, offersAtOnce);
    }

    /**
     * This policy offering a slot to several entries together.
     *
     * @param count how many
     * @return the new policy
     */
    public WaitlistPolicy withOffersAtOnce(int count) {
        return new WaitlistPolicy(enabled, minimumLead, offerWindow, count);
    }
}
