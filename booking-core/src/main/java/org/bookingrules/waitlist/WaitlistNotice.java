package org.bookingrules.waitlist;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.bookingrules.i18n.Messages;
import org.bookingrules.internal.Checks;
import org.bookingrules.model.CustomerDetails;
import org.bookingrules.model.Resource;
import org.bookingrules.model.Service;
import org.threeten.extra.Interval;

/**
 * A message to a customer on the cancellation list about one offer: a slot is offered (with its
 * link and deadline), the slot went to someone else, or the offer expired. Delivered by
 * {@link org.bookingrules.spi.BookingNotifier#deliver(WaitlistNotice)}. Immutable and thread-safe.
 *
 * <p>The id is stable: one offer yields one id per kind, so a notifier called twice for it (after
 * a retry) can drop the repeat. The customer is personal data: {@link #toString()} shows ids only.
 *
 * @param id the stable id, not blank
 * @param kind what it says, not null
 * @param tenantId the tenant, not null
 * @param entryId the entry it is about, not null
 * @param offerId the offer it is about, not null
 * @param customer who it is for, not null
 * @param resource the resource of the slot, not null
 * @param service the service, not null
 * @param slot the slot, not null
 * @param zone the display zone, not null
 * @param deadline until when the offer can be accepted, not null
 * @param offerLink the link that opens the offer (OFFERED only), or null when none is issued
 * @param locale the customer's language, not null
 */
public record WaitlistNotice(String id, Kind kind, String tenantId, String entryId, String offerId,
                             CustomerDetails customer, Resource resource, Service service, Interval slot,
                             ZoneId zone, Instant deadline, String offerLink, Locale locale) {

    /** What a notice says. */
    public enum Kind {
        /** A slot is offered: accept it by the deadline through the link. */
        OFFERED,
        /** The slot offered went to someone else, or staff released it. */
        TAKEN,
        /** The offer's deadline passed unanswered. */
        EXPIRED
    }

    /**
     * Checks the fields.
     *
     * @param id not blank
     * @param kind not null
     * @param tenantId not null
     * @param entryId not null
     * @param offerId not null
     * @param customer not null
     * @param resource not null
     * @param service not null
     * @param slot not null
     * @param zone not null
     * @param deadline not null
     * @param offerLink or null
     * @param locale not null
     */
    public WaitlistNotice {
        Checks.nonNull("id, kind, tenantId, entryId, offerId, customer, resource, service, slot, zone, deadline, locale",
                id, kind, tenantId, entryId, offerId, customer, resource, service, slot, zone, deadline, locale);
    }

    /**
     * The notice of one kind about one offer.
     *
     * @param kind what it says
     * @param hold the hold offered
     * @param offer the offer
     * @param entry the entry offered to
     * @param offerLink the offer's link (OFFERED), or null
     * @return the notice, in the customer's language
     */
    public static WaitlistNotice of(Kind kind, SlotHold hold, SlotOffer offer, WaitlistEntry entry, String offerLink) {
        String name = offer.tenantId() + '\n' + offer.id() + '\n' + kind;
        String id = UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
        return new WaitlistNotice(id, kind, offer.tenantId(), entry.id(), offer.id(), entry.customer(), hold.resource(),
                hold.service(), hold.slot(), hold.zone(), offer.deadline(), kind == Kind.OFFERED ? offerLink : null,
                entry.customer().language());
    }

    /**
     * The subject line in the customer's language, for example "A slot for Consultation opened on
     * 2 Mar 2026, 10:00 with Dr. Ruiz: yours if you accept by 2 Mar 2026, 09:25".
     *
     * @return the subject
     */
    public String subject() {
        return Messages.text(locale, "waitlist." + kind, service.name(), Messages.dateTime(slot.getStart(), zone, locale),
                resource.name(), Messages.dateTime(deadline, zone, locale));
    }

    /**
     * This notice without personal data, as erasing its customer leaves a stored copy: the
     * customer's name, e-mail and phone gone.
     *
     * @return the notice without personal data
     */
    public WaitlistNotice withoutPersonalData() {
        return new WaitlistNotice(id, kind, tenantId, entryId, offerId, customer.erased(), resource, service, slot, zone,
                deadline, offerLink, locale);
    }

    /** @return the offer's link, if one was issued */
    public Optional<String> link() {
        return Optional.ofNullable(offerLink);
    }

    /** Ids and kind only; never personal data. */
    @Override
    public String toString() {
        return "WaitlistNotice[id=" + id + ", kind=" + kind + ", entry=" + entryId + ", offer=" + offerId + ", locale="
                + locale + "]";
    }
}
