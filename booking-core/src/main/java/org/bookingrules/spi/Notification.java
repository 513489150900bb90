package org.bookingrules.spi;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.bookingrules.i18n.Messages;
import org.bookingrules.internal.Checks;
import org.bookingrules.internal.NameUuids;
import org.bookingrules.model.Booking;
import org.bookingrules.internal.Texts;

/**
 * A message to hand to the {@link BookingNotifier}: what happened, to whom, about which booking,
 * in which language (R14). Immutable and thread-safe.
 *
 * <p>The {@link #id()} is stable: the same change of the same booking always yields the same id,
 * so a notifier that is called twice for it (after a retry) can drop the repeat.
 *
 * @param id the stable id, for de-duplication, not blank
 * @param kind what happened, not null
 * @param recipient who it is for, not null
 * @param booking the booking after the change, not null
 * @param personalMessage the staff member's message (R14), or null
 * @param manageLink the customer's manage link (R8), or null when none is issued
 * @param locale the recipient's language, not null
 */
public record Notification(String id, NotificationKind kind, RecipientRole recipient, Booking booking,
                           String personalMessage, String manageLink, Locale locale) {

    /**
     * Checks the fields.
     *
     * @param id the stable id, for de-duplication, not blank
     * @param kind what happened, not null
     * @param recipient who it is for, not null
     * @param booking the booking after the change, not null
     * @param personalMessage the staff member's message (R14), or null
     * @param manageLink the customer's manage link (R8), or null when none is issued
     * @param locale the recipient's language, not null
     */
    public Notification {
        Checks.nonNull("id, kind, recipient, booking", id, kind, recipient, booking);
        personalMessage = Texts.optional(personalMessage, "personalMessage", Texts.MAX_MESSAGE_LENGTH);
        Objects.requireNonNull(locale, "locale");
    }

    /**
     * This notification without personal data, as erasing its customer leaves it: the booking
     * snapshot keeps everything but the customer's name, e-mail and phone, and the personal
     * message is dropped; id, kind, recipient, link and language stay.
     *
     * @return the notification without personal data
     */
    public Notification withoutPersonalData() {
        Booking scrubbed = booking.customer()
                .map(c -> booking.toBuilder().customer(c.erased()).build())
                .orElse(booking);
        return new Notification(id, kind, recipient, scrubbed, null, manageLink, locale);
    }

    /**
     * The stable id of the notification of one change of one booking to one recipient: a name-based
     * UUID of tenant, booking id, version after the change, kind and recipient.
     *
     * @param booking the booking after the change, not null
     * @param kind not null
     * @param recipient not null
     * @return the id
     */
    public static String stableId(Booking booking, NotificationKind kind, RecipientRole recipient) {
        String name = booking.tenantId() + '\n' + booking.id() + '\n' + booking.version() + '\n' + kind + '\n' + recipient;
        return NameUuids.of(name).toString();
    }

    /**
     * The subject line in the recipient's language, for example "Your appointment is cancelled"
     * or "Tu cita fue cancelada".
     *
     * @return the subject
     */
    public String subject() {
        return Messages.text(locale, "notification." + kind + "." + recipient,
                booking.service().name(), Messages.dateTime(booking.start(), booking.zone(), locale));
    }

    /** @return the staff member's personal message, if any */
    public Optional<String> message() {
        return Optional.ofNullable(personalMessage);
    }

    /** @return the manage link, if one was issued */
    public Optional<String> link() {
        return Optional.ofNullable(manageLink);
    }

    /** Ids and kind only; never personal data. */
    @Override
    public String toString() {
        return "Notification[id=" + id + ", kind=" + kind + ", recipient=" + recipient
                + ", booking=" + booking.id() + ", locale=" + locale + "]";
    }
}
