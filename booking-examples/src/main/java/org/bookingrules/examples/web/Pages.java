package org.bookingrules.examples.web;

import static org.bookingrules.examples.web.Html.esc;

import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.MissingResourceException;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.bookingrules.Outcome;
import org.bookingrules.Permissions;
import org.bookingrules.links.LinkResult;
import org.bookingrules.links.ManageView;
import org.bookingrules.links.OfferPage;
import org.bookingrules.model.Booking;
import org.bookingrules.model.BookingEvent;
import org.bookingrules.model.BookingStatus;
import org.bookingrules.internal.Texts;
import org.bookingrules.rules.Decision;
import org.bookingrules.rules.Refusal;
import org.bookingrules.spi.Notification;
import org.bookingrules.spi.RecipientRole;
import org.bookingrules.waitlist.OfferStatus;
import org.threeten.extra.Interval;

/**
 * The HTML of each page, as pure functions of what the page shows. No page shows or links to
 * personal data: the appointment is described by its service, professional, time and status, and
 * every URL a page shows is one of the fixed paths: no page carries a link's token, which stays on
 * the server once the link was opened. Stateless.
 */
final class Pages {

    /** A change the customer made, for its success page. */
    enum Change {
        /** Attendance confirmed (R7). */
        CONFIRMED,
        /** "I will not attend" (R7). */
        DECLINED,
        /** Cancelled (R11). */
        CANCELLED,
        /** Moved to another slot (R10). */
        RESCHEDULED
    }

    /** Longest reason accepted from a form, as the library's limit. */
    static final int MAX_REASON = Texts.MAX_REASON_LENGTH;

    private Pages() {
    }

    /** The landing page at {@code /}. */
    static String home(PageText t) {
        return simple(t, "home.title", t.get("home.text"), "");
    }

    /**
     * The page of an opened manage link: the appointment, what may be done until when, and the
     * identity form (R8).
     *
     * @param t the language
     * @param view the appointment
     * @param formAction where the form posts
     * @param csrf the form's CSRF token
     * @param denial the failed answer to report, or null
     * @return the page
     */
    static String manage(PageText t, ManageView view, String formAction, String csrf, LinkResult.Denied<?> denial) {
        StringBuilder main = new StringBuilder();
        main.append("<h1>").append(esc(t.get("manage.title"))).append("</h1>\n");
        main.append(appointment(t, view));
        main.append(deadlines(t, view));
        boolean locked = denial != null && denial.lockedUntil() != null;
        main.append("<section class=\"card\" aria-labelledby=\"identity-heading\">\n")
                .append("<h2 id=\"identity-heading\">").append(esc(t.get("identity.heading"))).append("</h2>\n");
        if (denial != null) {
            main.append("<div class=\"message error\" role=\"alert\" id=\"identity-error\">\n<p>")
                    .append(esc(denialText(t, denial))).append("</p>\n");
            if (locked) {
                main.append("<p>").append(esc(t.get("identity.lockedUntil",
                        t.dateTime(denial.lockedUntil(), view.start().getZone())))).append("</p>\n");
            } else if (denial.attempts().isPresent()) {
                main.append("<p>").append(esc(t.get("identity.attemptsLeft", denial.attempts().getAsInt())))
                        .append("</p>\n");
            }
            main.append("</div>\n");
        }
        if (!locked) {
            String invalid = denial != null ? " aria-invalid=\"true\" aria-describedby=\"identity-error\"" : "";
            main.append("<p>").append(esc(t.get("identity.intro"))).append("</p>\n")
                    .append("<form method=\"post\" action=\"").append(esc(formAction)).append("\">\n")
                    .append(csrfField(csrf))
                    .append("<label for=\"email\">").append(esc(t.get("identity.email"))).append("</label>\n")
                    .append("<input type=\"email\" id=\"email\" name=\"email\" autocomplete=\"email\" required"
                            + " maxlength=\"320\" spellcheck=\"false\"").append(invalid).append(">\n")
                    .append("<button type=\"submit\" class=\"button\" id=\"identity-submit\">")
                    .append(esc(t.get("identity.submit"))).append("</button>\n</form>\n");
        }
        main.append("</section>\n");
        return Html.page(t, denial != null ? deniedTitle(t, denial) : t.get("manage.title"),
                main.toString());
    }

    /**
     * The page after the identity check: the appointment and the actions the rules allow now.
     *
     * @param t the language
     * @param view the appointment
     * @param csrf the session's CSRF token
     * @return the page
     */
    static String session(PageText t, ManageView view, String csrf) {
        Permissions p = view.permissions();
        StringBuilder main = new StringBuilder();
        main.append("<h1>").append(esc(t.get("manage.title"))).append("</h1>\n");
        main.append(appointment(t, view));

        main.append("<section class=\"card\" aria-labelledby=\"attend-heading\">\n<h2 id=\"attend-heading\">")
                .append(esc(t.get("attend.heading"))).append("</h2>\n");
        if (view.status() == BookingStatus.CONFIRMED) {
            main.append("<p>").append(esc(t.get("attend.confirmed"))).append("</p>\n");
        } else if (p.canConfirm()) {
            main.append("<form method=\"post\" action=\"/session/confirm\" class=\"step\">\n").append(csrfField(csrf))
                    .append("<button type=\"submit\" class=\"button\" id=\"confirm-submit\">")
                    .append(esc(t.get("action.confirm"))).append("</button>\n</form>\n");
        } else {
            main.append(refusal(t, p.confirm()));
        }
        if (p.canDecline()) {
            if (p.decline() instanceof Decision.Allowed allowed && allowed.late()) {
                main.append("<p class=\"note\">").append(esc(t.get("deadline.lateDecline"))).append("</p>\n");
            }
            main.append("<form method=\"post\" action=\"/session/decline\" class=\"step\">\n").append(csrfField(csrf))
                    .append(reasonField(t, "decline-reason", "action.declineReason"))
                    .append("<button type=\"submit\" class=\"button secondary\" id=\"decline-submit\">")
                    .append(esc(t.get("action.decline"))).append("</button>\n</form>\n");
        } else {
            main.append(refusal(t, p.decline()));
        }
        main.append("</section>\n");

        main.append("<section class=\"card\" aria-labelledby=\"change-heading\">\n<h2 id=\"change-heading\">")
                .append(esc(t.get("change.heading"))).append("</h2>\n")
                .append(changeFacts(t, view));
        if (p.canReschedule() || p.canCancel()) {
            main.append("<div class=\"actions step\">\n");
            if (p.canReschedule()) {
                main.append("<a class=\"button secondary\" id=\"reschedule-start\" href=\"/session/reschedule\">")
                        .append(esc(t.get("action.reschedule"))).append("</a>\n");
            }
            if (p.canCancel()) {
                main.append("<a class=\"button danger\" id=\"cancel-start\" href=\"/session/cancel\">")
                        .append(esc(t.get("action.cancel"))).append("</a>\n");
            }
            main.append("</div>\n");
        }
        main.append("</section>\n");
        main.append(signOut(t, csrf));
        return Html.page(t, t.get("manage.title"), main.toString());
    }

    /**
     * The confirmation step of a cancel, with an optional reason (R11).
     *
     * @param t the language
     * @param view the appointment
     * @param csrf the session's CSRF token
     * @return the page
     */
    static String cancelStep(PageText t, ManageView view, String csrf) {
        StringBuilder main = new StringBuilder();
        main.append("<h1>").append(esc(t.get("cancel.title"))).append("</h1>\n");
        main.append(appointment(t, view));
        main.append("<section class=\"card\">\n<p>").append(esc(t.get("cancel.intro"))).append("</p>\n")
                .append("<form method=\"post\" action=\"/session/cancel\">\n").append(csrfField(csrf))
                .append(reasonField(t, "cancel-reason", "cancel.reason"))
                .append("<div class=\"actions\">\n<button type=\"submit\" class=\"button danger\" id=\"cancel-submit\">")
                .append(esc(t.get("cancel.submit"))).append("</button>\n")
                .append("<a class=\"button secondary\" id=\"cancel-keep\" href=\"/session\">")
                .append(esc(t.get("cancel.keep"))).append("</a>\n</div>\n</form>\n</section>\n");
        return Html.page(t, t.get("cancel.title"), main.toString());
    }

    /**
     * The reschedule step: free slots of the next days, grouped by day in the booking's zone (R10).
     *
     * @param t the language
     * @param view the appointment
     * @param slots the free slots, by start
     * @param csrf the session's CSRF token
     * @return the page
     */
    static String reschedule(PageText t, ManageView view, List<Interval> slots, String csrf) {
        ZoneId zone = view.start().getZone();
        StringBuilder main = new StringBuilder();
        main.append("<h1>").append(esc(t.get("reschedule.title"))).append("</h1>\n");
        main.append("<section class=\"card\">\n<p>")
                .append(esc(t.get("reschedule.current", t.appointment(view.start(), view.end())))).append("</p>\n");
        if (slots.isEmpty()) {
            main.append("<p class=\"refusal\">").append(esc(t.get("reschedule.none"))).append("</p>\n");
        } else {
            Map<LocalDate, List<Interval>> byDay = slots.stream().collect(Collectors.groupingBy(
                    s -> s.getStart().atZone(zone).toLocalDate(), TreeMap::new, Collectors.toList()));
            main.append("<form method=\"post\" action=\"/session/reschedule\">\n").append(csrfField(csrf))
                    .append("<label for=\"slot\">").append(esc(t.get("reschedule.slot")))
                    .append(" <span class=\"hint block\" id=\"slot-hint\">").append(esc(t.get("reschedule.slotHint")))
                    .append(' ').append(esc(t.get("field.zone", zone.getId()))).append("</span></label>\n")
                    .append("<select id=\"slot\" name=\"slot\" required aria-describedby=\"slot-hint\">\n");
            byDay.forEach((day, daySlots) -> {
                main.append("<optgroup label=\"").append(esc(t.day(day))).append("\">\n");
                for (Interval slot : daySlots) {
                    ZonedDateTime start = slot.getStart().atZone(zone);
                    ZonedDateTime end = slot.getEnd().atZone(zone);
                    main.append("<option value=\"").append(esc(slot.getStart().toString())).append("\">")
                            .append(esc(t.time(start) + " – " + t.time(end))).append("</option>\n");
                }
                main.append("</optgroup>\n");
            });
            main.append("</select>\n<button type=\"submit\" class=\"button\" id=\"reschedule-submit\">")
                    .append(esc(t.get("reschedule.submit"))).append("</button>\n</form>\n");
        }
        main.append("</section>\n").append(backLink(t));
        return Html.page(t, t.get("reschedule.title"), main.toString());
    }

    /**
     * The success page of a change (R11): what happened, the booking and its code, who was told.
     *
     * @param t the language
     * @param change what the customer did
     * @param done the outcome
     * @return the page
     */
    static String done(PageText t, Change change, Outcome.Done done) {
        Booking b = done.booking();
        String title = t.get("done." + change.name() + ".title");
        StringBuilder main = new StringBuilder();
        main.append("<div class=\"message success\" role=\"status\">\n<h1 id=\"done-title\">").append(esc(title))
                .append("</h1>\n<p>").append(esc(t.get(done.changed() ? "done." + change.name() + ".text" : "done.unchanged")))
                .append("</p>\n");
        for (BookingEvent event : done.events()) {
            if (event instanceof BookingEvent.Declined declined && declined.late()) {
                main.append("<p>").append(esc(t.get("done.late"))).append("</p>\n");
            } else if (event instanceof BookingEvent.Cancelled cancelled && cancelled.late()) {
                main.append("<p>").append(esc(t.get("done.late"))).append("</p>\n");
                if (cancelled.lateFee() != null) {
                    main.append("<p>").append(esc(t.get("done.lateFee", cancelled.lateFee().toString()))).append("</p>\n");
                }
            }
        }
        main.append("</div>\n");
        main.append("<section class=\"card\">\n<dl class=\"details\">\n")
                .append(row(t, "field.service", b.service().name()))
                .append(row(t, "field.professional", b.resource().name()))
                .append(row(t, "field.when", t.appointment(b.start().atZone(b.zone()), b.end().atZone(b.zone()))))
                .append(row(t, "field.status", t.get("status." + b.status().name())))
                .append(row(t, "field.code", b.confirmationCode()))
                .append("</dl>\n<p class=\"note\">").append(esc(t.get("field.zone", b.zone().getId()))).append("</p>\n");
        Set<RecipientRole> told = done.notifications().stream().map(Notification::recipient).collect(Collectors.toSet());
        if (told.contains(RecipientRole.CUSTOMER) && told.contains(RecipientRole.RESOURCE)) {
            main.append("<p>").append(esc(t.get("done.notified", b.resource().name()))).append("</p>\n");
        } else if (told.contains(RecipientRole.RESOURCE) && done.customerUnreachable()) {
            main.append("<p>").append(esc(t.get("done.notifiedResource", b.resource().name()))).append("</p>\n");
        }
        main.append("</section>\n");
        if (b.isActive()) {
            main.append(backLink(t));
        } else {
            main.append("<p>").append(esc(t.get("done.close"))).append("</p>\n");
        }
        return Html.page(t, title, main.toString());
    }

    /**
     * Where an offer of the cancellation list stands for its page: open to an answer, or closed
     * for one of the reasons the page explains.
     */
    enum OfferState {
        /** Open and before its deadline: the page shows the two forms. */
        OPEN,
        /** Accepted by this customer. */
        ACCEPTED,
        /** Declined by this customer. */
        DECLINED,
        /** Its deadline passed unanswered. */
        EXPIRED,
        /** The slot went to someone else, or staff released it. */
        TAKEN;

        /**
         * @param status the offer's status, not null
         * @param deadlinePassed whether the clock is past the offer's deadline
         * @return the state: an offer still marked open after its deadline is expired, even before
         *     the list's job ends its round
         */
        static OfferState of(OfferStatus status, boolean deadlinePassed) {
            return switch (status) {
                case OPEN -> deadlinePassed ? EXPIRED : OPEN;
                case ACCEPTED -> ACCEPTED;
                case DECLINED -> DECLINED;
                case EXPIRED -> EXPIRED;
                case WITHDRAWN -> TAKEN;
            };
        }
    }

    /**
     * The page of a cancellation-list offer: the slot, until when it is held for the customer, and,
     * while the offer is open, the forms to accept it or say no thanks. Offer links need no
     * identity check, so the page shows nothing personal: service, professional and times only.
     *
     * @param t the language
     * @param offer the offer
     * @param state where it stands now
     * @param csrf the forms' CSRF token
     * @return the page
     */
    static String offer(PageText t, OfferPage offer, OfferState state, String csrf) {
        String title = t.get(state == OfferState.OPEN ? "offer.title" : "offer.closed.title");
        StringBuilder main = new StringBuilder();
        main.append("<h1>").append(esc(title)).append("</h1>\n");
        boolean sameDay = offer.deadline().toLocalDate().equals(offer.start().toLocalDate());
        String until = sameDay ? t.time(offer.deadline()) : t.dateTime(offer.deadline().toInstant(), offer.start().getZone());
        main.append("<div class=\"message\"><p id=\"offer-text\">")
                .append(esc(t.get(sameDay ? "offer.intro" : "offer.introDated", t.time(offer.start()),
                        offer.resourceName(), t.day(offer.start().toLocalDate()), until)))
                .append("</p></div>\n");
        main.append(offerDetails(t, offer));
        if (state == OfferState.OPEN) {
            main.append("<section class=\"card\" aria-labelledby=\"offer-heading\">\n<h2 id=\"offer-heading\">")
                    .append(esc(t.get("offer.heading"))).append("</h2>\n");
            if (offer.movesBooking()) {
                main.append("<p class=\"note\">").append(esc(t.get("offer.moves"))).append("</p>\n");
            }
            main.append("<div class=\"actions step\">\n")
                    .append("<form method=\"post\" action=\"/offer/accept\" class=\"inline\">\n").append(csrfField(csrf))
                    .append("<button type=\"submit\" class=\"button\" id=\"offer-accept\">")
                    .append(esc(t.get("offer.accept"))).append("</button>\n</form>\n")
                    .append("<form method=\"post\" action=\"/offer/decline\" class=\"inline\">\n").append(csrfField(csrf))
                    .append("<button type=\"submit\" class=\"button secondary\" id=\"offer-decline\">")
                    .append(esc(t.get("offer.decline"))).append("</button>\n</form>\n</div>\n")
                    .append("<p class=\"note\">").append(esc(t.get("offer.declineNote"))).append("</p>\n")
                    .append("</section>\n");
        } else {
            main.append("<p class=\"refusal\" id=\"offer-closed\">")
                    .append(esc(t.get("offer.closed." + state.name()))).append("</p>\n");
        }
        return Html.page(t, title, main.toString());
    }

    /**
     * The answer to an accepted offer: the booking made (or moved) and its new time. No
     * confirmation code: whoever holds an offer link sees this page without an identity check,
     * and the code may be a booking's identity answer.
     *
     * @param t the language
     * @param done the outcome
     * @param moved whether the offer moved an existing booking
     * @return the page
     */
    static String offerBooked(PageText t, Outcome.Done done, boolean moved) {
        Booking b = done.booking();
        String title = t.get("offer.booked.title");
        StringBuilder main = new StringBuilder();
        main.append("<div class=\"message success\" role=\"status\">\n<h1 id=\"done-title\">").append(esc(title))
                .append("</h1>\n<p id=\"message\">").append(esc(t.get(moved ? "offer.moved.text" : "offer.booked.text")))
                .append("</p>\n</div>\n");
        main.append("<section class=\"card\">\n<dl class=\"details\">\n")
                .append(row(t, "field.service", b.service().name()))
                .append(row(t, "field.professional", b.resource().name()))
                .append("<dt>").append(esc(t.get("field.when"))).append("</dt><dd id=\"booked-when\">")
                .append(esc(t.appointment(b.start().atZone(b.zone()), b.end().atZone(b.zone())))).append("</dd>\n")
                .append(row(t, "field.status", t.get("status." + b.status().name())))
                .append("</dl>\n<p class=\"note\">").append(esc(t.get("field.zone", b.zone().getId()))).append("</p>\n")
                .append("</section>\n<p>").append(esc(t.get("done.close"))).append("</p>\n");
        return Html.page(t, title, main.toString());
    }

    /**
     * The answer to an offer declined: the customer keeps their place on the list.
     *
     * @param t the language
     * @return the page
     */
    static String offerDeclined(PageText t) {
        String title = t.get("offer.declined.title");
        return Html.page(t, title, "<div class=\"message success\" role=\"status\">\n<h1 id=\"done-title\">"
                + esc(title) + "</h1>\n<p id=\"message\">" + esc(t.get("offer.declined.text")) + "</p>\n</div>\n");
    }

    /**
     * An answer to an offer that the list refused (OFFER_TAKEN, OFFER_EXPIRED and the like): the
     * library's sentence in the customer's language, and that their place on the list is kept.
     *
     * @param t the language
     * @param refusal the refusal
     * @return the page
     */
    static String offerRefused(PageText t, Refusal refusal) {
        String title = t.get("offer.refused.title");
        return Html.page(t, title, "<h1>" + esc(title) + "</h1>\n<div class=\"message\"><p id=\"message\" "
                + "data-reason=\"" + esc(refusal.reason().name()) + "\">" + esc(refusal.message(t.locale()))
                + "</p>\n<p>" + esc(t.get("offer.keepsPlace")) + "</p></div>\n");
    }

    /**
     * A refused action (R9): the library's sentence with the deadline and whom to contact.
     *
     * @param t the language
     * @param refusal the refusal
     * @param back whether to link back to the session page
     * @return the page
     */
    static String refused(PageText t, Refusal refusal, boolean back) {
        return simple(t, "refused.title", refusal.message(t.locale()), back ? backLink(t) : "");
    }

    /**
     * A link that did not get the holder in (R8), with the library's sentence.
     *
     * @param t the language
     * @param denial the denial
     * @return the page
     */
    static String denied(PageText t, LinkResult.Denied<?> denial) {
        String title = deniedTitle(t, denial);
        return Html.page(t, title, "<h1>" + esc(title) + "</h1>\n<div class=\"message\"><p id=\"message\">"
                + esc(denialText(t, denial)) + "</p></div>\n");
    }

    /**
     * The title of a denial: the page's own for each code it knows, a general one for a code the
     * library added since (so a new code shows a page, not an error).
     *
     * @param t the language
     * @param denial the denial
     * @return the title
     */
    static String deniedTitle(PageText t, LinkResult.Denied<?> denial) {
        String key = "denied." + denial.denial().name() + ".title";
        return t.get(t.has(key) ? key : "denied.other.title");
    }

    /**
     * The library's sentence for a denial ({@code messageKey()} in its {@code Messages}), or the
     * page's general one if the library has no text for the code in any language.
     *
     * @param t the language
     * @param denial the denial
     * @return the text
     */
    static String denialText(PageText t, LinkResult.Denied<?> denial) {
        try {
            return denial.message(t.locale());
        } catch (MissingResourceException e) {
            return t.get("denied.other.text");
        }
    }

    /**
     * The step after a link opened from another site: a same-origin navigation onward, by itself
     * ({@code <meta http-equiv="refresh">}, which the CSP allows; no script) and by a link.
     *
     * @param t the language
     * @param next the path to go on to
     * @return the page
     */
    static String continueTo(PageText t, String next) {
        return continueTo(t, next, "continue.title", "continue.link");
    }

    /**
     * The step after a link opened from another site, with its own title and link text.
     *
     * @param t the language
     * @param next the path to go on to
     * @param titleKey the title's key
     * @param linkKey the link text's key
     * @return the page
     */
    static String continueTo(PageText t, String next, String titleKey, String linkKey) {
        String title = t.get(titleKey);
        String main = "<h1>" + esc(title) + "</h1>\n<p><a class=\"button\" id=\"continue\" href=\"" + esc(next) + "\">"
                + esc(t.get(linkKey)) + "</a></p>\n";
        return Html.page(t, title, main, "<meta http-equiv=\"refresh\" content=\"0; url=" + esc(next) + "\">\n");
    }

    /**
     * A page with a title and one paragraph, for errors and short notices.
     *
     * @param t the language
     * @param titleKey the title's key
     * @param textKey the text's key
     * @return the page
     */
    static String notice(PageText t, String titleKey, String textKey) {
        return simple(t, titleKey, t.get(textKey), "");
    }

    /**
     * A page with a title and one paragraph of given text.
     *
     * @param t the language
     * @param titleKey the title's key
     * @param text the text (escaped here)
     * @return the page
     */
    static String noticeText(PageText t, String titleKey, String text) {
        return simple(t, titleKey, text, "");
    }

    // ------------------------------------------------------------------------------------ parts

    private static String simple(PageText t, String titleKey, String text, String extraHtml) {
        String title = t.get(titleKey);
        return Html.page(t, title, "<h1>" + esc(title) + "</h1>\n<div class=\"message\"><p id=\"message\">"
                + esc(text) + "</p></div>\n" + extraHtml);
    }

    private static String appointment(PageText t, ManageView view) {
        return "<section class=\"card\" aria-label=\"" + esc(t.get("manage.title")) + "\">\n<dl class=\"details\">\n"
                + row(t, "field.service", view.serviceName())
                + row(t, "field.professional", view.resourceName())
                + row(t, "field.when", t.appointment(view.start(), view.end()))
                + "<dt>" + esc(t.get("field.status")) + "</dt><dd><span class=\"status\" id=\"status\">"
                + esc(t.get("status." + view.status().name())) + "</span></dd>\n"
                + "</dl>\n<p class=\"note\">" + esc(t.get("field.zone", view.start().getZone().getId())) + "</p>\n"
                + "</section>\n";
    }

    private static String offerDetails(PageText t, OfferPage offer) {
        return "<section class=\"card\" aria-label=\"" + esc(t.get("offer.heading")) + "\">\n<dl class=\"details\">\n"
                + row(t, "field.service", offer.serviceName())
                + row(t, "field.professional", offer.resourceName())
                + "<dt>" + esc(t.get("field.when")) + "</dt><dd id=\"offer-when\">"
                + esc(t.appointment(offer.start(), offer.end())) + "</dd>\n"
                + "</dl>\n<p class=\"note\">" + esc(t.get("field.zone", offer.start().getZone().getId())) + "</p>\n"
                + "</section>\n";
    }

    private static String deadlines(PageText t, ManageView view) {
        StringBuilder out = new StringBuilder("<section class=\"card\" aria-labelledby=\"deadline-heading\">\n")
                .append("<h2 id=\"deadline-heading\">").append(esc(t.get("deadline.heading"))).append("</h2>\n")
                .append(changeFacts(t, view));
        if (view.permissions().decline() instanceof Decision.Allowed allowed && allowed.late()) {
            out.append("<p class=\"note\">").append(esc(t.get("deadline.lateDecline"))).append("</p>\n");
        }
        return out.append("</section>\n").toString();
    }

    /** Until when cancel and reschedule are possible, or the refusals with deadline and contact (R9). */
    private static String changeFacts(PageText t, ManageView view) {
        Permissions p = view.permissions();
        ZoneId zone = view.start().getZone();
        StringBuilder out = new StringBuilder("<ul class=\"facts\" id=\"deadlines\">\n");
        if (p.cancel() instanceof Refusal refusal) {
            out.append("<li class=\"refusal\">").append(esc(refusal.message(t.locale()))).append("</li>\n");
        } else {
            out.append("<li>").append(esc(p.cancelUntil().map(until -> t.get("deadline.cancel", t.dateTime(until, zone)))
                    .orElseGet(() -> t.get("deadline.cancelOpen")))).append("</li>\n");
        }
        if (p.reschedule() instanceof Refusal refusal) {
            out.append("<li class=\"refusal\">").append(esc(refusal.message(t.locale()))).append("</li>\n");
        } else {
            out.append("<li>").append(esc(p.rescheduleUntil()
                    .map(until -> t.get("deadline.reschedule", t.dateTime(until, zone)))
                    .orElseGet(() -> t.get("deadline.rescheduleOpen")))).append("</li>\n");
            p.reschedulesLeft().ifPresent(left ->
                    out.append("<li>").append(esc(t.get("deadline.reschedulesLeft", left))).append("</li>\n"));
        }
        return out.append("</ul>\n").toString();
    }

    private static String refusal(PageText t, Decision decision) {
        return decision instanceof Refusal refusal
                ? "<p class=\"refusal\">" + esc(refusal.message(t.locale())) + "</p>\n"
                : "";
    }

    private static String row(PageText t, String labelKey, String value) {
        return "<dt>" + esc(t.get(labelKey)) + "</dt><dd>" + esc(value) + "</dd>\n";
    }

    private static String reasonField(PageText t, String id, String labelKey) {
        return "<label for=\"" + id + "\">" + esc(t.get(labelKey)) + " <span class=\"hint\">" + esc(t.get("optional"))
                + "</span></label>\n<textarea id=\"" + id + "\" name=\"reason\" maxlength=\"" + MAX_REASON
                + "\" rows=\"3\"></textarea>\n";
    }

    private static String csrfField(String csrf) {
        return "<input type=\"hidden\" name=\"csrf\" value=\"" + esc(csrf) + "\">\n";
    }

    private static String backLink(PageText t) {
        return "<p><a href=\"/session\" id=\"back\">" + esc(t.get("back")) + "</a></p>\n";
    }

    private static String signOut(PageText t, String csrf) {
        return "<form method=\"post\" action=\"/session/end\" class=\"inline\">\n" + csrfField(csrf)
                + "<button type=\"submit\" class=\"button link\" id=\"sign-out\">" + esc(t.get("action.signOut"))
                + "</button>\n</form>\n";
    }
}
