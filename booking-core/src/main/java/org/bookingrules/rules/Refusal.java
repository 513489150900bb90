package org.bookingrules.rules;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Objects;
import org.bookingrules.i18n.Messages;

/**
 * An expected "no", as a value: why ({@link RefusalReason}), until when the action was possible
 * (when there was such a moment), and whom to contact instead (R9). Immutable and thread-safe.
 *
 * @param reason the stable reason code, not null
 * @param allowedUntil the instant until which the action was allowed, or null when there was none
 * @param contact the resource's contact to turn to, or null when none is stored
 * @param zone the booking's zone, used to show {@code allowedUntil} in messages, not null
 */
public record Refusal(RefusalReason reason, Instant allowedUntil, String contact, ZoneId zone)
        implements Decision {

    /**
     * Checks the fields.
     *
     * @param reason the stable reason code, not null
     * @param allowedUntil the instant until which the action was allowed, or null when there was none
     * @param contact the resource's contact to turn to, or null when none is stored
     * @param zone the booking's zone, used to show {@code allowedUntil} in messages, not null
     */
    public Refusal {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(zone, "zone");
    }

    /** @return the message key of the reason, for products that localize themselves */
    public String messageKey() {
        return reason.messageKey();
    }

    /**
     * The refusal as a sentence for the customer, in their language: the reason, the deadline in
     * the booking's zone and the contact, when known.
     *
     * @param locale the language, not null; languages without a bundle get English
     * @return the message
     */
    public String message(Locale locale) {
        StringBuilder text = new StringBuilder(Messages.text(locale, messageKey()));
        if (allowedUntil != null) {
            text.append(' ').append(Messages.text(locale, "refusal.allowedUntil",
                    Messages.dateTime(allowedUntil, zone, locale)));
        }
        if (contact != null) {
            text.append(' ').append(Messages.text(locale, "refusal.contact", contact));
        }
        return text.toString();
    }

    @Override
    public boolean isAllowed() {
        return false;
    }
}
