package org.bookingrules;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.bookingrules.model.Actor;
import org.bookingrules.model.Booking;
import org.bookingrules.model.BookingEvent;
import org.bookingrules.model.CustomerDetails;
import org.bookingrules.model.Transition;
import org.bookingrules.spi.BookingChange;
import org.bookingrules.spi.IdempotencyKey;
import org.bookingrules.spi.ManageLinkIssuer;
import org.bookingrules.spi.Notification;
import org.bookingrules.spi.NotificationKind;
import org.bookingrules.spi.RecipientRole;
import org.bookingrules.spi.SlotClaim;

/**
 * Turns a command's transitions into the change to store: its events, and the notifications R14
 * asks for (self-service tells customer and resource, staff choose, the system tells the
 * customer), each in its recipient's language, the customer's with a manage link. Immutable and
 * thread-safe.
 */
final class NotificationPlanner {

    /** The transitions of one command, whom to tell, and with what message. */
    record Plan(List<Transition> transitions, SlotClaim claim, NotificationKind kind,
                Set<RecipientRole> recipients, String personalMessage) {
    }

    /** A change ready to save, and the recipients that could not be reached. */
    record Prepared(BookingChange change, Set<RecipientRole> unreachable) {
    }

    private final ManageLinkIssuer links;
    private final Locale defaultLocale;

    NotificationPlanner(ManageLinkIssuer links, Locale defaultLocale) {
        this.links = links;
        this.defaultLocale = defaultLocale;
    }

    Plan plan(List<Transition> transitions, SlotClaim claim, NotificationKind kind, Actor actor,
              NotificationChoice choice) {
        return new Plan(transitions, claim, kind, recipients(actor, choice), personalMessage(actor, choice));
    }

    Prepared prepare(Plan plan, long expectedVersion, IdempotencyKey idempotency) {
        Booking after = plan.transitions().get(plan.transitions().size() - 1).booking();
        List<BookingEvent> events = plan.transitions().stream().map(Transition::event).toList();
        List<Notification> notifications = new ArrayList<>();
        Set<RecipientRole> unreachable = EnumSet.noneOf(RecipientRole.class);
        for (RecipientRole role : plan.recipients()) {
            String id = Notification.stableId(after, plan.kind(), role);
            if (role == RecipientRole.RESOURCE) {
                notifications.add(new Notification(id, plan.kind(), role, after, plan.personalMessage(), null,
                        defaultLocale));
                continue;
            }
            Optional<CustomerDetails> customer = after.customer().filter(CustomerDetails::isReachable);
            if (customer.isEmpty()) {
                unreachable.add(RecipientRole.CUSTOMER);
                continue;
            }
            notifications.add(new Notification(id, plan.kind(), role, after, plan.personalMessage(),
                    links.linkFor(after).orElse(null), customer.get().language()));
        }
        return new Prepared(
                new BookingChange(after, expectedVersion, plan.claim(), events, notifications, idempotency),
                unreachable);
    }

    /** R14: self-service notifies both; staff choose. */
    private static Set<RecipientRole> recipients(Actor actor, NotificationChoice choice) {
        if (actor instanceof Actor.Staff) {
            Set<RecipientRole> roles = EnumSet.noneOf(RecipientRole.class);
            if (choice.customer()) {
                roles.add(RecipientRole.CUSTOMER);
            }
            if (choice.resource()) {
                roles.add(RecipientRole.RESOURCE);
            }
            return roles;
        }
        return EnumSet.allOf(RecipientRole.class);
    }

    /** Only staff add a personal message. */
    static String personalMessage(Actor actor, NotificationChoice choice) {
        return actor instanceof Actor.Staff ? choice.personalMessage() : null;
    }
}
