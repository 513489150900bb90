package org.bookingrules.examples.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bookingrules.examples.web.PageClient.Page;
import org.bookingrules.links.LinkResult;
import org.bookingrules.links.OfferPage;
import org.bookingrules.model.Actor;
import org.bookingrules.model.Booking;
import org.bookingrules.waitlist.EntryStatus;
import org.bookingrules.waitlist.OfferStatus;
import org.bookingrules.waitlist.WaitlistEntry;
import org.bookingrules.waitlist.WaitlistNotice;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.threeten.extra.Interval;

/**
 * The offer page of the cancellation list over plain HTTP: an offer link ({@code /m/<token>}) is
 * swapped for an offer visit at once like a manage link, the offer shows in the browser's language
 * with its deadline and two forms, and accepting books the freed slot; a second acceptance is
 * refused OFFER_TAKEN, a late one OFFER_EXPIRED, no thanks keeps the customer's place; a POST
 * without the CSRF token or from another site changes nothing; a bad token gets the invalid-link
 * page every bad link gets. Nothing personal, and no token, in any page, URL or log line.
 */
@DisplayName("Offer page of the cancellation list over HTTP")
class OfferPageHttpTest extends RunningPage {

    /** The freed slot: three days ahead (Thursday 5 March 2026) at 12:00 in Madrid. */
    private static final int HOUR = 12;
    private static final ZonedDateTime SLOT = NOW.atZone(DemoClinic.ZONE).toLocalDate().plusDays(3).atTime(HOUR, 0)
            .atZone(DemoClinic.ZONE);

    /** The offer link the waiting patient was sent for the freed slot. */
    private String token;

    @BeforeEach
    void freeTheSlot() {
        token = clinic.freeSlotForWaitingPatient(HOUR);
    }

    @Test
    @DisplayName("Opening an offer link swaps the token for a cookie and answers 303 to /offer; the page shows the slot, "
            + "its deadline and the two forms; accepting books the slot for the waiting patient")
    void openAndAccept() {

        Page offer = openOffer(client, token);
        assertThat(offer.status()).isEqualTo(200);
        assertThat(text(offer))
                .contains("<title>A time has opened up for you · Demo Clinic</title>")
                .contains("A 12:00 PM slot opened with Dr. Marta Ruiz on Thursday, March 5, 2026; it is yours if "
                        + "you accept by Mar 2, 2026")
                .contains("Thursday, March 5, 2026, 12:00 PM – 12:30 PM")
                .contains("id=\"offer-accept\"", "id=\"offer-decline\"");
        assertThat(offer.linkedUrls()).contains(SelfServiceServer.OFFER_ACCEPT, SelfServiceServer.OFFER_DECLINE);
        assertNothingPersonal(offer, token);
        assertThat(waitingPatientsBookings()).isEmpty();

        Page booked = client.post(SelfServiceServer.OFFER_ACCEPT, Map.of("csrf", offer.csrf()));

        assertThat(booked.status()).isEqualTo(200);
        assertThat(text(booked)).contains("The time is yours", "Your appointment is booked.",
                "<dd id=\"booked-when\">Thursday, March 5, 2026, 12:00 PM – 12:30 PM</dd>");
        assertNothingPersonal(booked, token);
        assertThat(waitingPatientsBookings()).singleElement().satisfies(b -> {
            assertThat(b.start()).isEqualTo(SLOT.toInstant());
            assertThat(b.isActive()).isTrue();
        });
        assertThat(booked.body()).as("no confirmation code: an offer link needs no identity check")
                .doesNotContain(waitingPatientsBookings().get(0).confirmationCode());

        Page after = client.get(SelfServiceServer.OFFER);
        assertThat(after.status()).isEqualTo(200);
        assertThat(after.body()).contains("This offer is no longer open",
                "You have accepted this time: it is booked for you.").doesNotContain("<form");
    }

    @Test
    @DisplayName("The offer in Spanish for a Spanish-speaking browser, and the result too")
    void spanish() {
        PageClient spanish = new PageClient(server.baseUrl(), "es-ES,es;q=0.9,en;q=0.5");

        Page offer = spanish.follow(spanish.get(server.manageUrl(token)));

        assertThat(offer.body()).contains("<html lang=\"es\">", "Se ha liberado una hora para usted",
                "Se liberó una hora a las 12:00 con Dr. Marta Ruiz el jueves, 5 de marzo de 2026; es suya si la acepta "
                        + "hasta el ", "Sí, reservar esta hora", "No, gracias");
        Page booked = spanish.post(SelfServiceServer.OFFER_ACCEPT, Map.of("csrf", offer.csrf()));
        assertThat(booked.status()).isEqualTo(200);
        assertThat(booked.body()).contains("La hora es suya", "Su cita está reservada.");
    }

    @Test
    @DisplayName("A second acceptance of the same offer (another tab, another device) is refused OFFER_TAKEN with the "
            + "library's sentence; the slot stays booked once")
    void secondAcceptanceIsTaken() {
        Page first = openOffer(client, token);
        PageClient otherTab = english();
        Page second = openOffer(otherTab, token);
        assertThat(client.post(SelfServiceServer.OFFER_ACCEPT, Map.of("csrf", first.csrf())).status()).isEqualTo(200);

        Page again = otherTab.post(SelfServiceServer.OFFER_ACCEPT, Map.of("csrf", second.csrf()));

        assertThat(again.status()).isEqualTo(409);
        assertThat(again.body()).contains("This time cannot be booked", "data-reason=\"OFFER_TAKEN\"",
                "Sorry, this slot has just been taken by someone else.", "You keep your place on the list.");
        assertThat(waitingPatientsBookings()).hasSize(1);
        PageClient spanish = new PageClient(server.baseUrl(), "es");
        Page spanishVisit = openOffer(spanish, token);
        assertThat(spanishVisit.body()).contains("Usted aceptó esta hora").doesNotContain("<form");
    }

    @Test
    @DisplayName("An acceptance after the deadline is refused OFFER_EXPIRED; the link still opens and says the offer "
            + "expired, with no form")
    void lateAcceptanceIsExpired() {
        clock.add(Duration.ofMinutes(59));
        Page offer = openOffer(client, token);
        assertThat(offer.body()).contains("id=\"offer-accept\"");
        PageClient spanish = new PageClient(server.baseUrl(), "es");
        Page spanishOffer = openOffer(spanish, token);
        clock.add(Duration.ofMinutes(1));

        Page late = client.post(SelfServiceServer.OFFER_ACCEPT, Map.of("csrf", offer.csrf()));

        assertThat(late.status()).isEqualTo(409);
        assertThat(late.body()).contains("data-reason=\"OFFER_EXPIRED\"", "This offer has expired.");
        assertThat(waitingPatientsBookings()).isEmpty();
        Page reopened = openOffer(english(), token);
        assertThat(reopened.status()).isEqualTo(200);
        assertThat(reopened.body()).contains("The time to accept this offer has passed.").doesNotContain("<form");
        Page spanishLate = spanish.post(SelfServiceServer.OFFER_DECLINE, Map.of("csrf", spanishOffer.csrf()));
        assertThat(spanishLate.status()).isEqualTo(409);
        assertThat(spanishLate.body()).as("a late no thanks, in Spanish").contains("Esta oferta ya venció.",
                "Conserva su lugar en la lista.");
    }

    @Test
    @DisplayName("No thanks keeps the patient's place on the list; the offer then shows as declined")
    void declineKeepsThePlace() {
        Page offer = openOffer(client, token);

        Page declined = client.post(SelfServiceServer.OFFER_DECLINE, Map.of("csrf", offer.csrf()));

        assertThat(declined.status()).isEqualTo(200);
        assertThat(declined.body()).contains("Answer received", "you keep your place on the list");
        assertThat(waitingEntries()).singleElement().satisfies(e -> assertThat(e.status()).isEqualTo(EntryStatus.WAITING));
        assertThat(offerStatus(token)).isEqualTo(OfferStatus.DECLINED);
        assertThat(waitingPatientsBookings()).isEmpty();
        assertThat(client.get(SelfServiceServer.OFFER).body()).contains("You said no thanks to this time.")
                .doesNotContain("<form");
    }

    @Test
    @DisplayName("A POST without the CSRF token, with a wrong one, from another site (Origin, Sec-Fetch-Site), as "
            + "text/plain or without the visit cookie is refused (403, 415) and changes nothing; with the token it works")
    void forgedPostsChangeNothing() {
        Page offer = openOffer(client, token);
        assertThat(waitingEntries()).singleElement().satisfies(e -> assertThat(e.status()).isEqualTo(EntryStatus.OFFERED));
        int noticesBefore = clinic.notices(WaitlistNotice.Kind.OFFERED).size();

        List<Page> refused = new ArrayList<>();
        for (String path : List.of(SelfServiceServer.OFFER_ACCEPT, SelfServiceServer.OFFER_DECLINE)) {
            refused.add(client.post(path, Map.of()));
            refused.add(client.post(path, Map.of("csrf", "x")));
            refused.add(client.post(path, Map.of("csrf", offer.csrf()), Map.of("Origin", "https://evil.example")));
            refused.add(client.post(path, Map.of("csrf", offer.csrf()), Map.of("Origin", "null")));
            refused.add(client.post(path, Map.of("csrf", offer.csrf()), Map.of("Sec-Fetch-Site", "cross-site")));
            refused.add(new PageClient(server.baseUrl(), "en").post(path, Map.of("csrf", offer.csrf())));
        }
        assertThat(refused).allSatisfy(p -> assertThat(p.status()).as(p.uri().getPath()).isEqualTo(403));
        assertThat(refused.get(0).body()).contains("This form has expired");
        assertThat(refused.get(2).body()).contains("This form came from another site");
        Page plain = client.postRaw(SelfServiceServer.OFFER_ACCEPT, "text/plain", "csrf=" + offer.csrf(), Map.of());
        assertThat(plain.status()).isEqualTo(415);

        assertThat(offerStatus(token)).isEqualTo(OfferStatus.OPEN);
        assertThat(waitingPatientsBookings()).isEmpty();
        assertThat(waitingEntries()).singleElement().satisfies(e -> assertThat(e.status()).isEqualTo(EntryStatus.OFFERED));
        assertThat(clinic.notices(WaitlistNotice.Kind.OFFERED)).hasSize(noticesBefore);

        // Negative control: the same POST with the token and this page's origin books, so the refusals were the checks.
        Page accepted = client.post(SelfServiceServer.OFFER_ACCEPT, Map.of("csrf", offer.csrf()),
                Map.of("Origin", server.baseUrl(), "Sec-Fetch-Site", "same-origin"));
        assertThat(accepted.status()).isEqualTo(200);
        assertThat(waitingPatientsBookings()).hasSize(1);
    }

    @Test
    @DisplayName("A bad token (tampered offer token, an offer token of another key, garbage) gets the same invalid-link "
            + "page as today, and no cookie; a manage link still opens /manage")
    void badTokensGetTheInvalidLinkPage() {
        Page today = client.get("/m/bm90LWEtdG9rZW4.c2lnbmF0dXJl");
        assertThat(today.status()).isEqualTo(404);
        assertThat(today.body()).contains("This link is not valid");
        char last = token.charAt(token.length() - 1);
        String tampered = token.substring(0, token.length() - 1) + (last == 'A' ? 'B' : 'A');
        DemoClinic otherClinic = DemoClinic.open(clock, "");
        String otherKeys;
        try {
            otherKeys = otherClinic.freeSlotForWaitingPatient(HOUR);
        } finally {
            otherClinic.close();
        }

        for (String bad : List.of(tampered, otherKeys)) {
            Page answer = client.get(server.manageUrl(bad));
            assertThat(answer.status()).isEqualTo(404);
            assertThat(answer.body()).isEqualTo(today.body());
            assertThat(answer.headers().allValues("Set-Cookie")).isEmpty();
        }
        assertThat(client.cookies()).doesNotContainKey(SelfServiceServer.OFFER_COOKIE);
        assertThat(client.get(SelfServiceServer.OFFER).body()).as("no visit: the step on").contains("Continue to the offer");
        assertThat(client.get(SelfServiceServer.OFFER_CONTINUE).status()).isEqualTo(403);
        assertThat(client.open(link(upcoming)).formAction()).isEqualTo(SelfServiceServer.VERIFY);
    }

    @Test
    @DisplayName("An offer link clicked on another site arrives without the Strict cookie: a same-origin step to "
            + "/offer/continue, which carries it; without any cookie that step answers 403, never a loop")
    void offerFromAnotherSite() {
        client.get(server.manageUrl(token));

        Page step = crossSiteStep(english(), SelfServiceServer.OFFER, SelfServiceServer.OFFER_CONTINUE);

        assertThat(step.body()).contains("Continue to the offer");
        assertThat(client.get(SelfServiceServer.OFFER_CONTINUE).body()).as("with the cookie").contains("id=\"offer-accept\"");
    }

    @Test
    @DisplayName("Logs of the offer routes name fixed routes and ids only: no token, no patient's name or e-mail")
    void logsCarryNoTokenNorPersonalData() throws InterruptedException {
        List<String> lines;
        try (LogCapture capture = LogCapture.start()) {
            Page offer = openOffer(client, token);
            client.post(SelfServiceServer.OFFER_ACCEPT, Map.of("csrf", offer.csrf()));
            clinic.notifications();
            // The page logs a response after writing it: wait for the last one (bounded).
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (capture.lines().stream().noneMatch(l -> l.contains("POST /offer/accept ->"))
                    && System.nanoTime() < until) {
                TimeUnit.MILLISECONDS.sleep(20);
            }
            // Jetty's own DEBUG output prints request lines: the examples pin Jetty at WARN (README).
            lines = capture.lines().stream().filter(l -> !l.startsWith("DEBUG org.eclipse.jetty")
                    && !l.startsWith("TRACE org.eclipse.jetty")).toList();
        }
        String page = "DEBUG " + SelfServiceServer.class.getName() + " - ";
        assertThat(lines).anyMatch(l -> l.startsWith(page + "GET /m/* -> 303"))
                .anyMatch(l -> l.startsWith(page + "GET /offer -> 200"))
                .anyMatch(l -> l.startsWith(page + "POST /offer/accept -> 200"))
                .anyMatch(l -> l.contains("self-service offer accepted: booking="));
        for (String secret : secrets(token)) {
            assertThat(lines).noneMatch(l -> l.toLowerCase(Locale.ROOT).contains(secret.toLowerCase(Locale.ROOT)));
        }
    }

    @Test
    @DisplayName("Names and texts on the offer page are escaped, and bidirectional controls shown as U+FFFD")
    void namesAreEscaped() {
        ZonedDateTime start = SLOT;
        OfferPage hostile = new OfferPage("<script>alert(1)</script>", "Dr. \u202Eziur\u202C & \"Co\"", start,
                start.plusMinutes(30), NOW.plus(Duration.ofHours(1)).atZone(ZoneId.of("Europe/Madrid")),
                OfferStatus.OPEN, true);

        String html = Pages.offer(PageText.forAcceptLanguage("en"), hostile, Pages.OfferState.OPEN, "csrf-token");

        assertThat(html).doesNotContain("<script>").doesNotContain("\u202E").doesNotContain("\u202C")
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;", "Dr. \uFFFDziur\uFFFD &amp; &quot;Co&quot;",
                        "Accepting moves your current appointment to this time.");
    }

    // ----------------------------------------------------------------------------------- helpers

    private List<Booking> waitingPatientsBookings() {
        Interval day = Interval.of(SLOT.toLocalDate().atStartOfDay(DemoClinic.ZONE).toInstant(),
                SLOT.toLocalDate().plusDays(1).atStartOfDay(DemoClinic.ZONE).toInstant());
        return clinic.repository().calendar(DemoClinic.TENANT, DemoClinic.DOCTOR.id(), day).stream()
                .filter(b -> b.customer().map(c -> c.id().equals(DemoClinic.WAITING_PATIENT.id())).orElse(false))
                .filter(Booking::isActive)
                .toList();
    }

    private List<WaitlistEntry> waitingEntries() {
        return clinic.rules().waitlist().entriesOf(Actor.staff("front-desk"), DemoClinic.TENANT,
                DemoClinic.WAITING_PATIENT.id());
    }

    private OfferStatus offerStatus(String token) {
        return ((LinkResult.Ok<OfferPage>) clinic.selfService().openOffer(token)).value().status();
    }

    private static List<String> secrets(String token) {
        return List.of(payload(token), token.substring(token.indexOf('.') + 1), DemoClinic.PATIENT.name(),
                DemoClinic.PATIENT.email(), DemoClinic.WAITING_PATIENT.name(), DemoClinic.WAITING_PATIENT.email());
    }

    /** No token in any URL, cookie or body, and neither patient's name or e-mail on the page. */
    private static void assertNothingPersonal(Page page, String token) {
        List<String> emitted = new ArrayList<>(page.linkedUrls());
        emitted.add(page.body());
        emitted.addAll(page.headers().allValues("Set-Cookie"));
        page.location().ifPresent(emitted::add);
        for (String secret : secrets(token)) {
            assertThat(emitted).noneMatch(e -> e.contains(secret));
        }
        assertThat(page.body()).doesNotContain("@example.org");
    }

    /** Opens an offer link as a browser does: GET it, expect 303 to /offer with the visit's cookie, follow. */
    private Page openOffer(PageClient browser, String token) {
        Page opened = openSwappingToken(browser, token, SelfServiceServer.OFFER, SelfServiceServer.OFFER_COOKIE);
        return browser.follow(opened);
    }

    /** The body with narrow no-break spaces (newer JDKs put them before AM and PM) as plain spaces. */
    private static String text(Page page) {
        return page.body().replace('\u202f', ' ');
    }
}
