package org.bookingrules.examples.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bookingrules.BookRequest;
import org.bookingrules.examples.web.PageClient.Page;
import org.bookingrules.model.Actor;
import org.bookingrules.model.Service;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.threeten.extra.MutableClock;

/**
 * What the page's tests start from: the demo clinic on a {@link MutableClock} at Monday 2 March
 * 2026, 10:00 in Madrid, its self-service page on a free port of 127.0.0.1, and the patient's
 * English-speaking browser, fresh for every test; the page is stopped after it.
 */
abstract class RunningPage {

    /** Monday 2 March 2026, 10:00 in Madrid. */
    static final Instant NOW = Instant.parse("2026-03-02T09:00:00Z");
    /** The demo patient's e-mail, the right identity answer. */
    static final String EMAIL = DemoClinic.PATIENT.email();

    MutableClock clock;
    DemoClinic clinic;
    SelfServiceServer server;
    /** The patient's browser on the page, in English, with no cookies yet. */
    PageClient client;
    /** The id of the booking three days ahead, which the patient may change online. */
    String upcoming;
    /** The id of the booking inside the cancellation notice. */
    String soon;

    @BeforeEach
    void startPage() {
        clock = MutableClock.of(NOW, DemoClinic.ZONE);
        clinic = DemoClinic.open(clock, "");
        server = SelfServiceServer.builder(clinic.selfService()).clock(clock).port(0).build().start();
        client = english();
        upcoming = clinic.upcomingId();
        soon = clinic.soonId();
    }

    @AfterEach
    void stopPage() {
        server.stop();
        clinic.close();
    }

    /** A client of the page, in an English-speaking browser. */
    PageClient english() {
        return new PageClient(server.baseUrl(), "en-US,en;q=0.9");
    }

    /** The manage link of a booking, as its e-mail carries it. */
    String link(String bookingId) {
        return server.manageUrl(clinic.manageToken(bookingId));
    }

    /**
     * Opens a link as a browser does and checks that its token was swapped for a cookie: 303 to the
     * page, and one cookie, scoped to the page's path, HttpOnly and SameSite=Strict, that carries
     * nothing of the token.
     *
     * @param browser the client that opens it
     * @param token the link's token
     * @param page the page's path, where the answer leads and the cookie is scoped to
     * @param cookie the cookie's name
     * @return the 303 answer, with the cookie kept in {@code browser}
     */
    Page openSwappingToken(PageClient browser, String token, String page, String cookie) {
        Page opened = browser.get(server.manageUrl(token));
        assertThat(opened.status()).isEqualTo(303);
        assertThat(opened.location()).hasValue(page);
        assertThat(opened.headers().allValues("Set-Cookie")).singleElement().satisfies(c -> assertThat(c)
                .startsWith(cookie + "=").doesNotContain(payload(token)).doesNotContain(token.substring(0, 20))
                .contains("; Path=" + page + "; HttpOnly; SameSite=Strict"));
        return opened;
    }

    /**
     * Asks for a link's page as a click on another site (a webmail) does, without the Strict cookie,
     * and checks the answer: a same-origin step on to {@code next}, where a client with no cookie,
     * even after the step, gets 403 and never a loop.
     *
     * @param webmail the client on the other site
     * @param page the link's page
     * @param next where the step leads
     * @return the step
     */
    Page crossSiteStep(PageClient webmail, String page, String next) {
        Page step = webmail.get(page, Map.of("Sec-Fetch-Site", "cross-site"));
        assertThat(step.status()).isEqualTo(200);
        assertThat(step.body()).contains("<meta http-equiv=\"refresh\" content=\"0; url=" + next + "\">");
        assertThat(webmail.get(next, Map.of("Sec-Fetch-Site", "same-origin")).status())
                .as("no cookie after the step either: no second step").isEqualTo(403);
        return step;
    }

    /** @return the signed part of a link's token, before the dot */
    static String payload(String token) {
        return token.substring(0, token.indexOf('.'));
    }

    /**
     * Books an appointment of the demo patient with the doctor, {@link DemoClinic#APPOINTMENT} long,
     * made by the front desk.
     *
     * @param service the service, with the name the page shows
     * @param daysAhead how many days after {@link #NOW}
     * @param hour the local hour it starts, in the clinic's zone
     * @return the booking's id
     */
    String bookAt(Service service, int daysAhead, int hour) {
        Instant start = NOW.plus(Duration.ofDays(daysAhead)).atZone(DemoClinic.ZONE).toLocalDate().atTime(hour, 0)
                .atZone(DemoClinic.ZONE).toInstant();
        return clinic.rules().book(Actor.staff("front-desk"), BookRequest.of(DemoClinic.TENANT, DemoClinic.DOCTOR,
                service, DemoClinic.PATIENT, start, start.plus(DemoClinic.APPOINTMENT), DemoClinic.ZONE))
                .orElseThrow().booking().id();
    }

    /**
     * Opens the link, passes the identity check with the e-mail given and follows the redirect to the
     * session page.
     *
     * @return the session page
     */
    Page signIn(PageClient client, String bookingId, String email) {
        Page form = client.open(link(bookingId));
        assertThat(form.status()).isEqualTo(200);
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("csrf", form.csrf());
        fields.put("email", email);
        Page verified = client.post(form.formAction(), fields);
        assertThat(verified.status()).isEqualTo(303);
        assertThat(verified.location()).hasValue("/session");
        assertThat(client.cookies()).containsKey(SelfServiceServer.SESSION_COOKIE);
        Page session = client.follow(verified);
        assertThat(session.status()).isEqualTo(200);
        return session;
    }
}
