package org.bookingrules.examples.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.bookingrules.BookingRef;
import org.bookingrules.examples.web.PageClient.Page;
import org.bookingrules.links.LinkDenial;
import org.bookingrules.links.LinkResult;
import org.bookingrules.model.Actor;
import org.bookingrules.model.Booking;
import org.bookingrules.model.BookingEvent;
import org.bookingrules.model.BookingStatus;
import org.bookingrules.rules.Refusal;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The self-service page over plain HTTP ({@link java.net.http.HttpClient}, no browser): a link's
 * token swapped for a pre-session at once, the CSRF token on every POST, the security headers on
 * every response, the success page in the browser's language, the identity errors (a wrong
 * answer, a lock, a link that needs a new one), the rules' refusals, and no personal data in any
 * URL (R7-R11). The attacks are in {@link SelfServiceAttackTest}.
 */
@DisplayName("Self-service page over HTTP")
class SelfServicePageHttpTest extends RunningPage {

    private static final String SESSION = SelfServiceServer.SESSION_COOKIE;

    @Test
    @DisplayName("R8: opening a link swaps its token for a pre-session cookie and answers 303 to /manage; without "
            + "the cookie /manage answers a same-origin step on (a link from another site) or 403, never a loop")
    void openingALinkSwapsTheTokenForAPreSession() {
        String token = clinic.manageToken(upcoming);

        Page opened = openSwappingToken(client, token, SelfServiceServer.MANAGE, SelfServiceServer.PRE_SESSION_COOKIE);

        Page form = client.follow(opened);
        assertThat(form.status()).isEqualTo(200);
        assertThat(form.formAction()).isEqualTo(SelfServiceServer.VERIFY);
        assertThat(form.body()).doesNotContain(token.substring(0, 20));

        PageClient fromWebmail = english();
        Page step = crossSiteStep(fromWebmail, SelfServiceServer.MANAGE, SelfServiceServer.CONTINUE);
        assertThat(step.body()).contains("href=\"/manage/continue\"");
        assertThat(fromWebmail.get(SelfServiceServer.MANAGE, Map.of("Sec-Fetch-Site", "same-origin")).status())
                .isEqualTo(403);
        assertThat(client.get(SelfServiceServer.CONTINUE).formAction()).as("with the cookie").isEqualTo(
                SelfServiceServer.VERIFY);
    }

    @Test
    @DisplayName("R8 R11: a POST without the CSRF token is refused with 403 and changes nothing; "
            + "with the token the same cancel goes through")
    void postWithoutCsrfTokenIsRefused() {
        Page form = client.open(link(upcoming));

        Page verifyWithoutToken = client.post(form.formAction(), Map.of("email", EMAIL));

        assertThat(verifyWithoutToken.status()).isEqualTo(403);
        assertThat(verifyWithoutToken.body()).contains("This form has expired");
        assertThat(client.cookies()).doesNotContainKey(SESSION);

        Page session = signIn(client, upcoming);
        int eventsBefore = clinic.history(upcoming).size();
        for (String path : List.of("/session/cancel", "/session/confirm", "/session/decline", "/session/reschedule",
                "/session/end")) {
            Page withoutToken = client.post(path, Map.of("reason", "no token", "slot", "2026-03-03T09:00:00Z"));
            assertThat(withoutToken.status()).as(path).isEqualTo(403);
            assertThat(withoutToken.body()).as(path).contains("This form has expired");
        }
        assertThat(new PageClient(server.baseUrl(), "en").post("/session/cancel", Map.of()).status())
                .as("no session at all").isEqualTo(403);
        assertThat(clinic.booking(upcoming).status()).isEqualTo(BookingStatus.PENDING);
        assertThat(clinic.history(upcoming)).hasSize(eventsBefore);

        // Negative control: the same POST with the session's token cancels, so the 403s above were the token.
        Page withToken = client.post("/session/cancel", Map.of("csrf", session.csrf()));
        assertThat(withToken.status()).isEqualTo(303);
        assertThat(clinic.booking(upcoming).status()).isEqualTo(BookingStatus.CANCELLED);
        assertThat(clinic.history(upcoming)).last().isInstanceOf(BookingEvent.Cancelled.class);
    }

    @Test
    @DisplayName("R8: a wrong CSRF token (empty, altered, another visitor's, the pre-session one) is "
            + "refused with 403 and changes nothing")
    void wrongCsrfTokenIsRefused() {
        PageClient other = english();
        Page form = client.open(link(upcoming));
        Page otherForm = other.open(link(upcoming));

        for (String wrong : List.of("", "x", altered(form.csrf()), otherForm.csrf())) {
            Page refused = client.post(form.formAction(), Map.of("csrf", wrong, "email", EMAIL));
            assertThat(refused.status()).as("identity form token '%s'", wrong).isEqualTo(403);
        }
        assertThat(client.cookies()).doesNotContainKey(SESSION);

        Page otherSession = signIn(other, upcoming);
        Page session = signIn(client, upcoming);
        int eventsBefore = clinic.history(upcoming).size();
        for (String wrong : List.of("", altered(session.csrf()), otherSession.csrf(), form.csrf())) {
            Page refused = client.post("/session/cancel", Map.of("csrf", wrong));
            assertThat(refused.status()).as("session token '%s'", wrong).isEqualTo(403);
        }
        assertThat(clinic.booking(upcoming).status()).isEqualTo(BookingStatus.PENDING);
        assertThat(clinic.history(upcoming)).hasSize(eventsBefore);
    }

    @Test
    @DisplayName("Every response (pages, POSTs, redirects, refusals, errors, 400, 403, 404, 405, 415, the style "
            + "sheet) sends Referrer-Policy: same-origin and a strict Content-Security-Policy")
    void everyResponseSendsTheSecurityHeaders() {
        client.get("/");
        client.get("/style.css");
        client.get("/no-such-page");
        client.get("/m/bm90LWEtdG9rZW4.c2lnbmF0dXJl");
        client.send("DELETE", "/session");
        client.get("/session");
        Page form = client.open(link(upcoming));
        client.post(form.formAction(), Map.of("email", EMAIL));
        client.post(form.formAction(), Map.of("csrf", form.csrf(), "email", "someone.else@example.org"));
        Page session = signIn(client, upcoming);
        client.get("/session/reschedule");
        client.get("/session/cancel");
        client.post("/session/cancel", Map.of("csrf", "wrong"));
        client.follow(client.post("/session/cancel", Map.of("csrf", session.csrf())));
        PageClient late = english();
        Page lateSession = signIn(late, soon);
        late.post("/session/cancel", Map.of("csrf", lateSession.csrf()));
        client.postRaw("/session/cancel", "text/plain", "csrf=" + session.csrf(), Map.of());
        client.postRaw("/session/cancel", "application/x-www-form-urlencoded", "csrf=%zz", Map.of());
        client.post("/session/cancel", Map.of("csrf", session.csrf()), Map.of("Origin", "https://evil.example"));

        List<Page> seen = new ArrayList<>(client.seen());
        seen.addAll(late.seen());
        assertThat(seen.stream().map(Page::status).collect(Collectors.toSet()))
                .contains(200, 303, 400, 403, 404, 405, 409, 415, 422);
        for (Page page : seen) {
            String what = page.method() + " " + page.uri().getPath().replaceAll("/m/[^/]+", "/m/*") + " -> "
                    + page.status();
            assertThat(page.headers().firstValue("Referrer-Policy")).as(what).hasValue("same-origin");
            assertThat(page.headers().firstValue("Content-Security-Policy")).as(what).hasValueSatisfying(csp ->
                    assertThat(csp).contains("default-src 'none'", "style-src 'self'", "form-action 'self'",
                            "frame-ancestors 'none'", "base-uri 'none'").doesNotContain("unsafe"));
            assertThat(page.headers().firstValue("X-Content-Type-Options")).as(what).hasValue("nosniff");
            assertThat(page.headers().firstValue("Cache-Control")).as(what).hasValue("no-store");
        }
    }

    @ParameterizedTest(name = "Accept-Language \"{0}\" -> \"{1}\"")
    @CsvSource(delimiter = '|', value = {
        "es-ES,es;q=0.9,en;q=0.5 | Cancelación exitosa     | es | Cancellation successful",
        "es                      | Cancelación exitosa     | es | Cancellation successful",
        "en-GB,en;q=0.8          | Cancellation successful | en | Cancelación exitosa",
        "de-DE,fr;q=0.7          | Cancellation successful | en | Cancelación exitosa",
        "en;q=0.9,es;q=0.4       | Cancellation successful | en | Cancelación exitosa"})
    @DisplayName("R11: the cancel's confirmation step leads to the success page in the browser's language, and the "
            + "booking is cancelled with the reason given")
    void successPageFollowsAcceptLanguage(String acceptLanguage, String title, String lang, String otherTitle) {
        PageClient browser = new PageClient(server.baseUrl(), acceptLanguage);
        signIn(browser, upcoming);
        Page step = browser.get("/session/cancel");
        assertThat(step.status()).isEqualTo(200);

        Page posted = browser.post(step.formAction(), Map.of("csrf", step.csrf(), "reason", "Tengo fiebre <b>"));
        assertThat(posted.status()).isEqualTo(303);
        assertThat(posted.location()).hasValue("/session/done");
        Page done = browser.follow(posted);

        assertThat(done.status()).isEqualTo(200);
        assertThat(done.body()).contains("<html lang=\"" + lang + "\">", "<h1 id=\"done-title\">" + title + "</h1>")
                .doesNotContain(otherTitle)
                .contains(clinic.booking(upcoming).confirmationCode());
        Booking cancelled = clinic.booking(upcoming);
        assertThat(cancelled.status()).isEqualTo(BookingStatus.CANCELLED);
        assertThat(clinic.history(upcoming)).last().isInstanceOfSatisfying(BookingEvent.Cancelled.class, event -> {
            assertThat(event.reason()).isEqualTo("Tengo fiebre <b>");
            assertThat(event.actor()).isEqualTo(Actor.customer(DemoClinic.PATIENT.id()));
        });
    }

    @Test
    @DisplayName("R8: a wrong e-mail shows the error with the attempts left, in the browser's language, does not echo "
            + "what was typed, and opens no session")
    void wrongEmailShowsTheError() {
        Page form = client.open(link(upcoming));

        Page wrong = client.post(form.formAction(), Map.of("csrf", form.csrf(), "email", "someone.else@example.org"));

        assertThat(wrong.status()).isEqualTo(422);
        assertThat(wrong.body())
                .contains(Html.esc(new LinkResult.Denied<>(LinkDenial.WRONG_ANSWER, null, 4).message(Locale.ENGLISH)))
                .contains("role=\"alert\"", "Attempts left before this link is locked for a while: 4.")
                .doesNotContain("someone.else@example.org");
        assertThat(client.cookies()).doesNotContainKey(SESSION);
        assertThat(client.get("/session").status()).isEqualTo(403);

        PageClient spanish = new PageClient(server.baseUrl(), "es");
        Page formulario = spanish.open(link(upcoming));
        Page incorrecto = spanish.post(formulario.formAction(),
                Map.of("csrf", formulario.csrf(), "email", "otra.persona@example.org"));
        assertThat(incorrecto.body()).contains("Eso no coincide con nuestros registros. Inténtelo de nuevo.",
                "Intentos restantes antes de que este enlace se bloquee por un tiempo: 3.");
    }

    @Test
    @DisplayName("R8: after five wrong e-mails the link is locked, even for the right one, until the lock ends")
    void tooManyWrongAnswersLockTheLink() {
        Page form = client.open(link(upcoming));
        Page last = null;
        for (int i = 0; i < 5; i++) {
            last = client.post(form.formAction(), Map.of("csrf", form.csrf(), "email", "guess" + i + "@example.org"));
        }
        assertThat(last.status()).isEqualTo(429);
        assertThat(last.body()).contains("You can try again after").doesNotContain("id=\"email\"");

        Page locked = client.post(form.formAction(), Map.of("csrf", form.csrf(), "email", EMAIL));
        assertThat(locked.status()).isEqualTo(429);
        assertThat(locked.body()).contains(
                Html.esc(new LinkResult.Denied<>(LinkDenial.LOCKED, null, 0).message(Locale.ENGLISH)));
        assertThat(client.cookies()).doesNotContainKey(SESSION);

        clock.add(Duration.ofMinutes(16));
        assertThat(client.post(form.formAction(), Map.of("csrf", form.csrf(), "email", EMAIL)).status())
                .isEqualTo(303);
    }

    @Test
    @DisplayName("R8: when the library answers that the link needs a new one (too many wrong answers in 30 days), the "
            + "page shows the library's sentence with 403 and no form, and the opened link ends")
    void aLinkThatNeedsANewOneShowsTheLibrarysSentence() {
        // A booking far enough ahead that days of locks do not reach it.
        String id = bookAt(DemoClinic.CONSULTATION, 20, 11);
        Page last = null;
        for (int guess = 0; guess < 60 && (last == null || last.status() != 403); guess++) {
            Page form = client.open(link(id));
            last = client.post(form.formAction(),
                    Map.of("csrf", form.csrf(), "email", "guess" + guess + "@example.org"));
            assertThat(last.status()).as("guess %d", guess).isIn(422, 429, 403);
            if (last.status() == 429) {
                // Wait the lock out, however long it escalated.
                clock.add(Duration.ofHours(25));
            }
        }

        assertThat(last.status()).isEqualTo(403);
        assertThat(last.body()).contains(Html.esc(new LinkResult.Denied<>(LinkDenial.NEEDS_NEW_LINK, null, 0)
                .message(Locale.ENGLISH)), "Please ask us for a new link").doesNotContain("id=\"email\"");
        assertThat(client.cookies()).doesNotContainKey(SelfServiceServer.PRE_SESSION_COOKIE);
        Page again = client.open(link(id));
        Page right = client.post(again.formAction(), Map.of("csrf", again.csrf(), "email", EMAIL));
        assertThat(right.status()).as("not even the right answer opens it now").isEqualTo(403);
    }

    @Test
    @DisplayName("R9: inside the notice the page shows no cancel button, and a cancel POST is refused with the "
            + "library's message: the deadline and the professional's contact; nothing changes")
    void lateCancelIsRefusedWithDeadlineAndContact() {
        Refusal refusal = (Refusal) clinic.rules()
                .permissions(Actor.customer(DemoClinic.PATIENT.id()), BookingRef.of(DemoClinic.TENANT, soon)).cancel();
        String expected = Html.esc(refusal.message(Locale.ENGLISH));
        assertThat(expected).contains("It is too late to cancel", "It was possible until",
                "Please contact Dr. Marta Ruiz, +34 910 000 000.");

        Page session = signIn(client, soon);
        assertThat(session.body()).contains(expected).doesNotContain("id=\"cancel-start\"");
        assertThat(client.get("/session/cancel").status()).isEqualTo(409);
        Page refused = client.post("/session/cancel", Map.of("csrf", session.csrf()));

        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.body()).contains("Not possible online", expected);
        assertThat(clinic.booking(soon).isActive()).isTrue();

        Page spanish = new PageClient(server.baseUrl(), "es").open(link(soon));
        assertThat(spanish.body()).contains(Html.esc(refusal.message(Locale.forLanguageTag("es"))));
    }

    @Test
    @DisplayName("R7: a decline inside the notice is allowed, recorded as late with its reason, and acknowledged")
    void lateDeclineIsRecorded() {
        Page session = signIn(client, soon);
        assertThat(session.body()).contains("it is recorded as a late notice");

        Page done = client.follow(client.post("/session/decline", Map.of("csrf", session.csrf(), "reason", "Work")));

        assertThat(done.body()).contains("Answer received", "recorded as a late notice");
        assertThat(clinic.booking(soon).status()).isEqualTo(BookingStatus.DECLINED);
        assertThat(clinic.history(soon)).last().isInstanceOfSatisfying(BookingEvent.Declined.class, event -> {
            assertThat(event.late()).isTrue();
            assertThat(event.reason()).isEqualTo("Work");
        });
        assertThat(client.get("/session").location()).as("the session page after a decline").hasValue("/session/done");
    }

    @Test
    @DisplayName("R7 R10: confirm, then reschedule to a free slot picked from the page; the move counts as the "
            + "customer's and resets the confirmation")
    void confirmThenReschedule() {
        Page session = signIn(client, upcoming);

        Page confirmed = client.follow(client.post("/session/confirm", Map.of("csrf", session.csrf())));
        assertThat(confirmed.body()).contains("Confirmation successful");
        assertThat(clinic.booking(upcoming).status()).isEqualTo(BookingStatus.CONFIRMED);

        Page slots = client.get("/session/reschedule");
        List<String> options = slots.optionValues();
        assertThat(options).isNotEmpty().allSatisfy(option ->
                assertThat(Instant.parse(option)).isAfter(NOW).isBefore(NOW.plus(Duration.ofDays(14))));
        String chosen = options.get(options.size() - 1);
        Page moved = client.follow(client.post("/session/reschedule", Map.of("csrf", slots.csrf(), "slot", chosen)));

        assertThat(moved.body()).contains("Change of time successful");
        Booking after = clinic.booking(upcoming);
        assertThat(after.start()).isEqualTo(Instant.parse(chosen));
        assertThat(after.status()).isEqualTo(BookingStatus.PENDING);
        assertThat(after.customerReschedules()).isEqualTo(1);
    }

    @Test
    @DisplayName("R8: no URL the server emits, links to or redirects to, no cookie and no token carries the e-mail or "
            + "the patient's name; no page shows them")
    void noPersonalDataInUrls() {
        Page form = client.open(link(upcoming));
        client.post(form.formAction(), Map.of("csrf", form.csrf(), "email", "lucia.fernandez@example.com"));
        Page session = signIn(client, upcoming);
        client.get("/session/reschedule");
        Page step = client.get("/session/cancel");
        client.follow(client.post("/session/cancel", Map.of("csrf", step.csrf(), "reason", EMAIL)));
        PageClient spanish = new PageClient(server.baseUrl(), "es");
        Page otra = signIn(spanish, soon);
        spanish.follow(spanish.post("/session/decline", Map.of("csrf", otra.csrf())));
        spanish.post("/session/end", Map.of("csrf", otra.csrf()));

        List<Page> seen = new ArrayList<>(client.seen());
        seen.addAll(spanish.seen());
        List<String> emitted = new ArrayList<>();
        emitted.add(link(upcoming));
        emitted.add(link(soon));
        for (Page page : seen) {
            emitted.add(page.uri().toString());
            page.location().ifPresent(emitted::add);
            emitted.addAll(page.linkedUrls());
            emitted.addAll(page.headers().allValues("Set-Cookie"));
        }
        for (String token : List.of(clinic.manageToken(upcoming), clinic.manageToken(soon))) {
            emitted.add(new String(Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))),
                    StandardCharsets.UTF_8));
        }
        // The scan saw the pages it is meant to see, so an empty result cannot pass.
        assertThat(emitted).anyMatch(u -> u.contains("/m/")).contains("/manage", "/manage/verify", "/session",
                "/session/done", "/session/cancel", "/session/reschedule", "/style.css");
        assertThat(session.body()).contains("id=\"cancel-start\"");

        Set<String> personal = personalData();
        for (String url : emitted) {
            String lower = url.toLowerCase(Locale.ROOT);
            assertThat(personal).as(url).noneMatch(lower::contains);
        }
        for (Page page : seen) {
            String lower = page.body().toLowerCase(Locale.ROOT);
            assertThat(personal).as("body of %s %s", page.method(), page.status()).noneMatch(lower::contains);
        }
    }

    // --------------------------------------------------------------------------------- helpers

    /** Signs in with the e-mail as a person types it: upper case, with spaces around. */
    private Page signIn(PageClient client, String bookingId) {
        return signIn(client, bookingId, "  " + EMAIL.toUpperCase(Locale.ROOT) + " ");
    }

    private static String altered(String token) {
        char last = token.charAt(token.length() - 1);
        return token.substring(0, token.length() - 1) + (last == 'A' ? 'B' : 'A');
    }

    /** The patient's e-mail and name, plain, URL-encoded, and without accents, lower case. */
    private static Set<String> personalData() {
        String email = EMAIL.toLowerCase(Locale.ROOT);
        String name = DemoClinic.PATIENT.name().toLowerCase(Locale.ROOT);
        return Set.of(email, URLEncoder.encode(email, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT),
                email.substring(0, email.indexOf('@')), name,
                URLEncoder.encode(name, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT),
                "lucía", "lucia", "fernández", "fernandez", "fern%c3%a1ndez", "luc%c3%ada");
    }
}
