package org.bookingrules.examples.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.LongSummaryStatistics;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bookingrules.examples.web.PageClient.Page;
import org.bookingrules.model.BookingEvent;
import org.bookingrules.model.BookingStatus;
import org.bookingrules.model.Service;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The attacks found against the self-service page, replayed on 127.0.0.1, each bounded in count
 * and time, each with a negative control where a harness could pass vacuously: slow clients
 * (half-open and drip-fed request heads, a drip-fed body), a session flood from one link,
 * cross-site posts and other body types, cookies without {@code Secure}, the token in addresses
 * and logs, malformed percent-encoding and bidirectional controls. Figures (times, counts) are
 * printed for the record. The token in the address bar of a real browser, and a link followed
 * from another site, are in {@link SelfServiceBrowserTest}.
 */
@DisplayName("Self-service page under attack")
class SelfServiceAttackTest extends RunningPage {

    private static final String EVIL = "https://evil.example";
    private static final String FORM = "application/x-www-form-urlencoded";
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]*)\"");
    private static final Duration HEADER_TIMEOUT = SelfServiceServer.DEFAULT_REQUEST_HEADER_TIMEOUT;
    private static final Duration IDLE_TIMEOUT = SelfServiceServer.DEFAULT_IDLE_TIMEOUT;

    // ------------------------------------------------------------------------------ slow clients

    @Test
    @Timeout(60)
    @DisplayName("Slowloris: 100 connections that send a partial request head and stop delay no one (pages answer "
            + "within 2 s), are held open (not refused), and are closed by the server at the header timeout")
    void halfOpenConnectionsDelayNoOneAndAreClosedAtTheHeaderTimeout() throws Exception {
        // Attack: slowloris, half-open. Each connection sends "GET / HTTP/1.1\r\nHost: x\r\n" and stops, hoping to
        // hold a worker thread forever (the JDK server's 8 threads were gone after 8 of them).
        int count = 100;
        try (Attackers attackers = new Attackers(count, "GET / HTTP/1.1\r\nHost: x\r\n")) {
            long before = System.nanoTime();
            Page home = english().get("/");
            Page form = english().open(link(upcoming));
            Duration took = Duration.ofNanos(System.nanoTime() - before);
            assertThat(home.status()).isEqualTo(200);
            assertThat(form.status()).isEqualTo(200);
            assertThat(form.body()).contains("id=\"identity-submit\"");
            assertThat(took).as("a patient's three requests under %d half-open connections", count)
                    .isLessThan(Duration.ofSeconds(2));

            // Negative control: one second in, every attacking connection is still open (a read times out
            // instead of seeing the end), so the server did not just refuse them.
            sleepUntil(attackers.lastSentAt() + Duration.ofSeconds(1).toNanos());
            for (Socket s : attackers.sockets()) {
                s.setSoTimeout(20);
                assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            }
            long deadlineClosesBefore = server.headerDeadline().closedCount();

            Closed closed = attackers.awaitClosed(HEADER_TIMEOUT.plusSeconds(5));
            System.out.printf("slowloris: %d half-open connections; a patient's 3 requests took %d ms; connections "
                    + "closed %d to %d ms after their partial head%n", count, took.toMillis(),
                    closed.first().toMillis(), closed.last().toMillis());
            assertThat(closed.first()).as("closed no sooner than the header timeout").isGreaterThanOrEqualTo(
                    HEADER_TIMEOUT.minusMillis(300));
            assertThat(closed.last()).as("closed within the header timeout and a margin, well before the idle timeout")
                    .isLessThan(HEADER_TIMEOUT.plusSeconds(2)).isLessThan(IDLE_TIMEOUT);
            assertThat(server.headerDeadline().closedCount() - deadlineClosesBefore).isEqualTo(count);
        }
    }

    @Test
    @Timeout(60)
    @DisplayName("Slowloris, drip-fed: connections that send one more header byte every 300 ms, never idle, are "
            + "closed at the header timeout, not kept forever by the idle timeout")
    void dripFedHeadsAreClosedAtTheHeaderTimeout() throws Exception {
        // Attack: slowloris, drip-fed. One header byte every 300 ms resets any idle timer, so an idle timeout alone
        // never fires; only a bound on the whole head does.
        int count = 5;
        ExecutorService drip = Executors.newSingleThreadExecutor();
        try (Attackers attackers = new Attackers(count, "GET / HTTP/1.1\r\nHost: x\r\nX-Drip: ")) {
            AtomicInteger dripped = new AtomicInteger();
            drip.submit(() -> {
                while (!Thread.currentThread().isInterrupted() && dripped.get() < 200) {
                    boolean anyOpen = false;
                    for (Socket s : attackers.sockets()) {
                        try {
                            s.getOutputStream().write('a');
                            s.getOutputStream().flush();
                            anyOpen = true;
                        } catch (IOException closed) {
                            // This one is done.
                        }
                    }
                    if (!anyOpen) {
                        break;
                    }
                    dripped.incrementAndGet();
                    Thread.sleep(300);
                }
                return null;
            });

            Closed closed = attackers.awaitClosed(HEADER_TIMEOUT.plusSeconds(5));
            drip.shutdownNow();
            System.out.printf("slowloris drip: %d connections fed a byte every 300 ms, closed %d to %d ms after "
                    + "their first byte%n", count, closed.first().toMillis(), closed.last().toMillis());
            // Negative control: bytes kept coming all along, so the idle timeout never had a chance.
            assertThat(dripped.get()).isGreaterThanOrEqualTo((int) (HEADER_TIMEOUT.toMillis() / 300) - 1);
            assertThat(closed.first()).isGreaterThanOrEqualTo(HEADER_TIMEOUT.minusMillis(300));
            assertThat(closed.last()).isLessThan(HEADER_TIMEOUT.plusSeconds(2)).isLessThan(IDLE_TIMEOUT);
        } finally {
            drip.shutdownNow();
        }
    }

    @Test
    @Timeout(30)
    @DisplayName("Slow body: a POST whose body comes one byte every 300 ms is cut off at the header timeout, and "
            + "nothing is done")
    void dripFedBodyIsClosedAtTheTimeout() throws Exception {
        // Attack: slowloris on the body. A complete head announcing 200 bytes, then one byte every 300 ms: the page
        // reads without holding a thread, but the connection would be held for a minute without a bound.
        Page session = signIn(client, upcoming);
        Snapshot before = snapshot(upcoming);
        String fields = "csrf=" + session.csrf() + "&reason=";
        try (Socket s = new Socket()) {
            s.connect(address(), 2_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /session/cancel HTTP/1.1\r\nHost: x\r\nContent-Type: " + FORM + "\r\nContent-Length: "
                    + (fields.length() + 200) + "\r\nCookie: " + SelfServiceServer.SESSION_COOKIE + "="
                    + client.cookies().get(SelfServiceServer.SESSION_COOKIE) + "\r\n\r\n" + fields)
                    .getBytes(StandardCharsets.US_ASCII));
            long sentAt = System.nanoTime();
            long closedAt = -1;
            for (int i = 0; i < 200 && closedAt < 0; i++) {
                Thread.sleep(300);
                try {
                    out.write('a');
                    out.flush();
                    s.setSoTimeout(1);
                    if (s.getInputStream().read() < 0) {
                        closedAt = System.nanoTime();
                    }
                } catch (SocketTimeoutException stillOpen) {
                    // Not answered, not closed: keep dripping.
                } catch (IOException closed) {
                    closedAt = System.nanoTime();
                }
            }
            Duration after = Duration.ofNanos(closedAt - sentAt);
            System.out.printf("slow body: closed %d ms after the head%n", after.toMillis());
            assertThat(closedAt).as("closed at all").isPositive();
            assertThat(after).isGreaterThanOrEqualTo(HEADER_TIMEOUT.minusMillis(300))
                    .isLessThan(HEADER_TIMEOUT.plusSeconds(2)).isLessThan(IDLE_TIMEOUT);
        }
        assertThat(snapshot(upcoming)).isEqualTo(before);
        // Negative control: the same cancel with its body at once goes through.
        assertThat(client.post("/session/cancel", Map.of("csrf", session.csrf())).status()).isEqualTo(303);
    }

    // ------------------------------------------------------------------------------ session flood

    @Test
    @Timeout(120)
    @DisplayName("Session flood: 10,000 right identity checks on one link keep at most its session cap; other "
            + "bookings' patients keep their sessions and still open their pages and pass their checks")
    void sessionFloodFromOneLinkLocksOutNoOneElse() throws Exception {
        // Attack: session flood. Someone with one link and its answer passes the identity check 10,000 times to
        // fill the global session table (10,000 under the JDK server), after which every patient got 503.
        int checks = 10_000;
        int cap = SelfServiceServer.DEFAULT_SESSIONS_PER_BOOKING;
        String flooded = clinic.manageToken(upcoming);
        PageClient other = english();
        Page otherSession = signIn(other, soon);

        // Two attackers at once (the machine has two cores), each on its own kept-alive connection.
        int attackers = 2;
        long started = System.nanoTime();
        List<Flood> floods = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(attackers);
        try {
            List<Future<Flood>> running = new ArrayList<>();
            for (int a = 0; a < attackers; a++) {
                running.add(pool.submit(() -> flood(flooded, checks / attackers)));
            }
            for (Future<Flood> f : running) {
                floods.add(f.get(110, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        int passed = floods.stream().mapToInt(Flood::passed).sum();
        int locked = floods.stream().mapToInt(Flood::locked).sum();
        String firstSession = floods.get(0).firstSession();
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        Sessions sessions = server.sessions();
        System.out.printf("session flood: %d checks in %d ms, %d passed, %d throttled by the library; sessions kept "
                + "for the link: %d (cap %d), pre-sessions: %d, all sessions: %d%n", checks, took.toMillis(), passed,
                locked, sessions.sessionsOf(flooded), cap, sessions.preSessions().countOf(flooded), sessions.sessionCount());

        // Negative control: the flood did get more sessions than the cap, so the cap had work to do.
        assertThat(passed).isGreaterThan(cap);
        assertThat(sessions.sessionsOf(flooded)).isEqualTo(cap);
        assertThat(sessions.preSessions().countOf(flooded)).isLessThanOrEqualTo(cap);
        assertThat(sessions.sessionCount()).isLessThanOrEqualTo(cap + 1);
        PageClient evicted = english();
        assertThat(evicted.get("/session", Map.of("Cookie", SelfServiceServer.SESSION_COOKIE + "=" + firstSession))
                .status()).as("the flood's first session, evicted by its own later ones").isEqualTo(403);

        // Everyone else: the other booking's session survived, and a new patient still gets in.
        assertThat(other.get("/session").status()).isEqualTo(200);
        assertThat(other.get("/session").body()).contains(otherSession.csrf());
        PageClient newcomer = english();
        Page newSession = signIn(newcomer, soon);
        assertThat(newSession.body()).contains("id=\"decline-submit\"");
    }

    // ------------------------------------------------------------------------------ cross-site

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Origin: https://evil.example", "Origin: null", "Sec-Fetch-Site: cross-site",
        "Sec-Fetch-Site: same-site", "Sec-Fetch-Site: none", "Origin: own, Sec-Fetch-Site: cross-site"})
    @DisplayName("CSRF: a POST from another site to every POST route, with a valid session and CSRF token, is refused "
            + "with 403 and changes nothing; the same POST from the page itself goes through")
    void crossSitePostsAreRefusedOnEveryRoute(String attack) {
        // Attack: cross-site request forgery riding a live session. The CSRF token is assumed leaked (the strongest
        // case), so only the Origin and Sec-Fetch-Site layers stand between the request and the booking.
        Map<String, String> headers = switch (attack) {
            case "Origin: https://evil.example" -> Map.of("Origin", EVIL);
            case "Origin: null" -> Map.of("Origin", "null");
            case "Sec-Fetch-Site: cross-site" -> Map.of("Sec-Fetch-Site", "cross-site");
            case "Sec-Fetch-Site: same-site" -> Map.of("Sec-Fetch-Site", "same-site");
            case "Sec-Fetch-Site: none" -> Map.of("Sec-Fetch-Site", "none");
            default -> Map.of("Origin", server.baseUrl(), "Sec-Fetch-Site", "cross-site");
        };
        PageClient victim = english();
        Page session = signIn(victim, upcoming);
        Page slots = victim.get("/session/reschedule");
        String slot = slots.optionValues().get(0);
        PageClient opener = english();
        Page identityForm = opener.open(link(upcoming));
        Snapshot before = snapshot(upcoming);

        Map<String, Map<String, String>> routes = new LinkedHashMap<>();
        routes.put("/session/confirm", Map.of("csrf", session.csrf()));
        routes.put("/session/decline", Map.of("csrf", session.csrf(), "reason", "forged"));
        routes.put("/session/cancel", Map.of("csrf", session.csrf(), "reason", "forged"));
        routes.put("/session/reschedule", Map.of("csrf", session.csrf(), "slot", slot));
        routes.put("/session/end", Map.of("csrf", session.csrf()));
        for (Map.Entry<String, Map<String, String>> route : routes.entrySet()) {
            Page refused = victim.post(route.getKey(), route.getValue(), headers);
            assertThat(refused.status()).as(route.getKey()).isEqualTo(403);
            assertThat(refused.body()).as(route.getKey()).contains("This form came from another site");
        }
        Page forgedCheck = opener.post(SelfServiceServer.VERIFY, Map.of("csrf", identityForm.csrf(), "email", EMAIL),
                headers);
        assertThat(forgedCheck.status()).isEqualTo(403);
        assertThat(opener.cookies()).doesNotContainKey(SelfServiceServer.SESSION_COOKIE);

        assertThat(snapshot(upcoming)).isEqualTo(before);
        assertThat(victim.get("/session").status()).as("the forged sign-out did not end the session").isEqualTo(200);

        // Negative control: the very same POSTs, sent by the page itself, go through.
        Map<String, String> sameOrigin = Map.of("Origin", server.baseUrl(), "Sec-Fetch-Site", "same-origin");
        assertThat(opener.post(SelfServiceServer.VERIFY, Map.of("csrf", identityForm.csrf(), "email", EMAIL),
                sameOrigin).status()).isEqualTo(303);
        Page declined = victim.post("/session/decline", Map.of("csrf", session.csrf(), "reason", "real"), sameOrigin);
        assertThat(declined.status()).isEqualTo(303);
        assertThat(clinic.booking(upcoming).status()).isEqualTo(BookingStatus.DECLINED);
    }

    @Test
    @DisplayName("CSRF: text/plain, JSON, multipart and untyped bodies are refused with 415 before anything is read; "
            + "the same fields as a form go through")
    void otherBodyTypesAreRefused() {
        // Attack: a cross-site form with enctype="text/plain" needs no preflight and can carry "csrf=...&reason=..."
        // in its body; JSON and multipart are bodies this page never sends.
        Page session = signIn(client, upcoming);
        Snapshot before = snapshot(upcoming);
        String fields = "csrf=" + session.csrf() + "&reason=forged";

        Map<String, String> bodies = new LinkedHashMap<>();
        bodies.put("text/plain", fields);
        bodies.put("text/plain; charset=utf-8", fields);
        bodies.put("application/json", "{\"csrf\":\"" + session.csrf() + "\",\"reason\":\"forged\"}");
        bodies.put("multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n"
                + session.csrf() + "\r\n--x--\r\n");
        bodies.put("application/x-www-form-urlencoded; charset=iso-8859-1", fields);
        for (Map.Entry<String, String> body : bodies.entrySet()) {
            Page refused = client.postRaw("/session/cancel", body.getKey(), body.getValue(), Map.of());
            assertThat(refused.status()).as(body.getKey()).isEqualTo(415);
        }
        assertThat(client.postRaw("/session/cancel", null, fields, Map.of()).status()).as("no type").isEqualTo(415);
        assertThat(snapshot(upcoming)).isEqualTo(before);

        // Negative control: the same fields as a url-encoded form cancel.
        assertThat(client.postRaw("/session/cancel", FORM, fields, Map.of()).status()).isEqualTo(303);
        assertThat(clinic.booking(upcoming).status()).isEqualTo(BookingStatus.CANCELLED);
    }

    @Test
    @DisplayName("Cookies: with an https public base URL every Set-Cookie is Secure, and only that origin may post; "
            + "on plain http (the control) they are not Secure")
    void httpsBaseUrlMakesEveryCookieSecure() {
        // Attack: cookies without Secure leak over any plain-http request an attacker can provoke on the network.
        try (SelfServiceServer behindTls = SelfServiceServer.builder(clinic.selfService()).clock(clock).port(0)
                .publicBaseUrl("https://clinic.example/").build().start()) {
            assertThat(behindTls.publicBaseUrl()).isEqualTo("https://clinic.example");
            assertThat(behindTls.manageUrl("t.s")).isEqualTo("https://clinic.example/m/t.s");
            PageClient secure = new PageClient(behindTls.baseUrl(), "en");
            Page form = secure.open(behindTls.baseUrl() + "/m/" + clinic.manageToken(upcoming));
            Page wrongOrigin = secure.post(SelfServiceServer.VERIFY, Map.of("csrf", form.csrf(), "email", EMAIL),
                    Map.of("Origin", behindTls.baseUrl()));
            assertThat(wrongOrigin.status()).as("the bound address is not the page's origin").isEqualTo(403);
            Page verified = secure.post(SelfServiceServer.VERIFY, Map.of("csrf", form.csrf(), "email", EMAIL),
                    Map.of("Origin", "https://clinic.example", "Sec-Fetch-Site", "same-origin"));
            assertThat(verified.status()).isEqualTo(303);
            Page session = secure.follow(verified);
            secure.post("/session/end", Map.of("csrf", session.csrf()));

            List<String> setCookies = secure.seen().stream().flatMap(p -> p.headers().allValues("Set-Cookie").stream())
                    .toList();
            assertThat(setCookies).hasSizeGreaterThanOrEqualTo(4).allSatisfy(c -> assertThat(c).contains("; Secure")
                    .contains("; HttpOnly").contains("; SameSite=Strict"));
        }

        // Negative control: on the plain-http demo the same cookies are not Secure, so the check above can fail.
        PageClient plain = english();
        signIn(plain, soon);
        assertThat(plain.seen().stream().flatMap(p -> p.headers().allValues("Set-Cookie").stream()))
                .isNotEmpty().noneMatch(c -> c.contains("Secure"));
    }

    // ------------------------------------------------------------------------------ the token

    @Test
    @Timeout(60)
    @DisplayName("Token: opening a link leaves no token in any address, page or cookie, and no log line at any "
            + "level of this page, the library or Jetty above DEBUG holds the token or personal data")
    void tokenLeavesTheAddressAndNeverReachesTheLogs() throws Exception {
        // Attack: token leakage. A token in the address bar stays in the history, in proxies' and servers' access
        // logs and in debug logs of unmatched paths; whoever reads them can open the appointment.
        String token = clinic.manageToken(upcoming);
        String payload = token.substring(0, token.indexOf('.'));
        String signature = token.substring(token.indexOf('.') + 1);
        List<String> secrets = List.of(token, payload, signature);
        server.stop();

        List<String> lines;
        try (LogCapture capture = LogCapture.start()) {
            server = SelfServiceServer.builder(clinic.selfService()).clock(clock).port(0)
                    .requestHeaderTimeout(Duration.ofSeconds(1)).build().start();
            PageClient browser = english();
            Page opened = browser.get(server.manageUrl(token));
            assertThat(opened.status()).isEqualTo(303);
            assertThat(opened.location()).hasValue("/manage");
            Page form = browser.follow(opened);
            browser.post(form.formAction(), Map.of("csrf", form.csrf(), "email", "someone.else@example.org"));
            Page session = browser.follow(browser.post(form.formAction(), Map.of("csrf", form.csrf(), "email", EMAIL)));
            browser.follow(browser.post("/session/cancel", Map.of("csrf", session.csrf(), "reason", EMAIL)));

            // Paths the page does not serve, holding the token: routes and logs must not echo them.
            for (String path : List.of("/m/" + token + "/verify", "/x/" + token, "/" + token, "/m/" + payload + ".AAAA",
                    "/?t=" + token)) {
                Page other = browser.get(path);
                assertThat(other.body()).as(path).doesNotContain(payload).doesNotContain(signature);
            }
            try (RawHttp raw = new RawHttp(server.baseUrl())) {
                RawHttp.Reply bad = raw.get("/m/" + token + "%zz");
                assertThat(bad.status()).isEqualTo(400);
                assertThat(bad.body()).doesNotContain(payload).doesNotContain(signature);
                assertThat(bad.header("Content-Security-Policy")).hasValue(SelfServiceServer.CONTENT_SECURITY_POLICY);
            }
            // A head cut off after the token, and a body cut off under a path with the token, both closed by
            // the deadline: Jetty would log a failed request at WARN with its request line.
            for (String cutOff : List.of("GET /m/" + token + " HTTP/1.1\r\nHost: x\r\n",
                    "POST /m/" + token + " HTTP/1.1\r\nHost: x\r\nContent-Type: " + FORM
                            + "\r\nContent-Length: 100\r\n\r\ncsrf=")) {
                try (Socket s = new Socket()) {
                    s.connect(address(), 2_000);
                    s.getOutputStream().write(cutOff.getBytes(StandardCharsets.US_ASCII));
                    s.setSoTimeout(5_000);
                    drain(s.getInputStream());
                }
            }

            List<String> emitted = new ArrayList<>();
            for (Page page : browser.seen()) {
                // The addresses asked for on purpose with the token in them are the attack, not the page's.
                if (!page.uri().toString().contains(payload)) {
                    emitted.add(page.uri().getPath());
                }
                page.location().ifPresent(emitted::add);
                emitted.addAll(page.linkedUrls());
                emitted.addAll(page.headers().allValues("Set-Cookie"));
                emitted.add(page.body());
            }
            assertThat(emitted).contains("/manage", "/session", "/session/done");
            for (String secret : secrets) {
                assertThat(emitted).noneMatch(e -> e.contains(secret));
            }
            // The cut-off body's failure is logged on a server thread after the connection closed:
            // wait for it (bounded), so a loaded machine cannot read the capture before it.
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (capture.lines().stream().noneMatch(l -> l.contains(": body not read"))
                    && System.nanoTime() < until) {
                TimeUnit.MILLISECONDS.sleep(20);
            }
            lines = capture.lines();
        }

        List<String> jettyDebug = lines.stream().filter(SelfServiceAttackTest::jettyBelowInfo).toList();
        List<String> checked = lines.stream().filter(l -> !jettyBelowInfo(l)).toList();
        long jettyDebugWithToken = jettyDebug.stream().filter(l -> secrets.stream().anyMatch(l::contains)).count();
        System.out.printf("logs: %d lines captured (%d of Jetty below INFO, %d of them with the token); %d checked%n",
                lines.size(), jettyDebug.size(), jettyDebugWithToken, checked.size());
        // Negative control: the capture saw DEBUG lines of this page and of Jetty, and the library's INFO lines.
        String page = "DEBUG " + SelfServiceServer.class.getName() + " - ";
        assertThat(checked).anyMatch(l -> l.startsWith(page + "GET /m/* -> 303"))
                .anyMatch(l -> l.startsWith(page + "GET (unmatched) -> 404"))
                .anyMatch(l -> l.startsWith("DEBUG org.bookingrules.examples.web.HeaderDeadline - request head"))
                .anyMatch(l -> l.startsWith("DEBUG org.bookingrules.examples.web.HeaderDeadline - request body"))
                .anyMatch(l -> l.startsWith(page + "POST /m/*: body not read"))
                .anyMatch(l -> l.startsWith("INFO org.bookingrules.links.SelfService"));
        assertThat(jettyDebug).isNotEmpty();
        for (String secret : secrets) {
            assertThat(checked).noneMatch(l -> l.contains(secret));
        }
        String name = DemoClinic.PATIENT.name().toLowerCase(Locale.ROOT);
        assertThat(lines).noneMatch(l -> l.toLowerCase(Locale.ROOT).contains(EMAIL))
                .noneMatch(l -> l.toLowerCase(Locale.ROOT).contains("someone.else@example.org"))
                .noneMatch(l -> l.toLowerCase(Locale.ROOT).contains(name));
    }

    // ------------------------------------------------------------------------------ encoding

    @ParameterizedTest(name = "reason={0}")
    @ValueSource(strings = {"%E0%A4%A", "%zz", "%", "caf%C3", "%C0%AF"})
    @DisplayName("Encoding: a decline whose reason has malformed percent-encoding is refused with 400 and not "
            + "recorded; the same decline with its reason well encoded goes through with it")
    void malformedPercentEncodingIsRefused(String reason) {
        // Attack: a malformed escape used to drop its pair silently, so a decline went through without its reason.
        Page session = signIn(client, upcoming);
        Snapshot before = snapshot(upcoming);

        Page refused = client.postRaw("/session/decline", FORM, "csrf=" + session.csrf() + "&reason=" + reason,
                Map.of());
        assertThat(refused.status()).isEqualTo(400);
        assertThat(snapshot(upcoming)).isEqualTo(before);

        // Negative control: well encoded, the reason is kept.
        Page declined = client.postRaw("/session/decline", FORM,
                "csrf=" + session.csrf() + "&reason=" + URLEncoder.encode("Fiebre, 38°C", StandardCharsets.UTF_8),
                Map.of());
        assertThat(declined.status()).isEqualTo(303);
        assertThat(clinic.booking(upcoming).status()).isEqualTo(BookingStatus.DECLINED);
        assertThat(clinic.history(upcoming)).last().isInstanceOfSatisfying(BookingEvent.Declined.class,
                event -> assertThat(event.reason()).isEqualTo("Fiebre, 38°C"));
    }

    @Test
    @DisplayName("Encoding: a malformed identity form or query is refused with 400 and is not counted as an attempt; "
            + "Jetty's own 400 for a malformed path echoes nothing and sends the security headers")
    void malformedFormsAndQueriesAreRefusedUncounted() {
        // Attack: malformed percent-encoding in the identity form and in queries, to slip past or confuse checks.
        Page form = client.open(link(upcoming));
        String cookie = SelfServiceServer.PRE_SESSION_COOKIE + "="
                + client.cookies().get(SelfServiceServer.PRE_SESSION_COOKIE);
        try (RawHttp raw = new RawHttp(server.baseUrl())) {
            for (String body : List.of("csrf=" + form.csrf() + "&email=%", "csrf=" + form.csrf() + "&email=a%zz",
                    "csrf=" + form.csrf() + "&email=" + EMAIL + "&email=x", "csrf=" + form.csrf() + "&email%E0=x")) {
                assertThat(raw.post(SelfServiceServer.VERIFY, FORM, body, "Cookie: " + cookie).status()).as(body)
                        .isEqualTo(400);
            }
            for (String target : List.of("/manage?x=%zz", "/manage?%", "/session?a=%E0%A4%A", "/?q=%C3")) {
                RawHttp.Reply reply = raw.get(target, "Cookie: " + cookie);
                assertThat(reply.status()).as(target).isEqualTo(400);
            }
            // Jetty itself refuses a malformed path and a malformed head; it answers through the page's error
            // handler, which echoes nothing of the request.
            RawHttp.Reply badPath = raw.get("/%zz/" + "x");
            assertThat(badPath.status()).isEqualTo(400);
            assertThat(badPath.body()).contains("<h1>400 ").doesNotContain("%zz");
            RawHttp.Reply jettyError = raw.get("/manage?%zz", "X(Bad): 1");
            assertThat(jettyError.status()).isEqualTo(400);
            assertThat(jettyError.body()).contains("<h1>400 ").doesNotContain("%zz").doesNotContain("manage");
            assertThat(jettyError.header("Referrer-Policy")).hasValue(SelfServiceServer.REFERRER_POLICY);
            assertThat(jettyError.header("Content-Security-Policy"))
                    .hasValue(SelfServiceServer.CONTENT_SECURITY_POLICY);
            assertThat(jettyError.header("Cache-Control")).hasValue("no-store");
            assertThat(jettyError.header("Server")).isEmpty();
        }
        // Negative control: none of those was counted, so the first wrong answer still leaves four attempts.
        Page wrong = client.post(SelfServiceServer.VERIFY, Map.of("csrf", form.csrf(), "email", "x@example.org"));
        assertThat(wrong.status()).isEqualTo(422);
        assertThat(wrong.body()).contains("Attempts left before this link is locked for a while: 4.");
    }

    @Test
    @DisplayName("Bidi: a service name with a right-to-left override (and every other bidirectional control) is "
            + "shown with U+FFFD in its place, never raw")
    void bidiControlsAreNeutralised() {
        // Attack: U+202E in a name reverses what follows on screen ("Consultation <RLO>fdp.exe" reads "exe.pdf").
        String controls = "\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069\u200E\u200F\u061C";
        Service tricky = new Service("tricky", "Consultation \u202Efdp.exe " + controls);
        String id = bookAt(tricky, 5, 12);

        Page form = english().open(link(id));

        assertThat(form.status()).isEqualTo(200);
        assertThat(form.body()).contains("Consultation \uFFFDfdp.exe " + "\uFFFD".repeat(controls.length()));
        assertThat(form.body().chars()).noneMatch(c -> Html.isBidiControl((char) c.intValue()));
        // Negative control: the name really holds the controls; the page took them out.
        assertThat(clinic.booking(id).service().name()).contains("\u202E");
    }

    @Test
    @DisplayName("Identity: the right e-mail with no-break spaces (U+00A0) around it, as a copy from an e-mail "
            + "client gives it, reaches the library as typed and passes")
    void noBreakSpacesAroundTheEmailPass() {
        // Normalising the answer is the library's job; the page must hand the text over unchanged.
        Page form = client.open(link(upcoming));

        Page verified = client.post(form.formAction(),
                Map.of("csrf", form.csrf(), "email", "\u00A0" + EMAIL + "\u00A0"));

        assertThat(verified.status()).isEqualTo(303);
        assertThat(verified.location()).hasValue("/session");
    }

    // --------------------------------------------------------------------------------- helpers

    /** What one flooding connection got. */
    record Flood(int passed, int locked, String firstSession) {
    }

    /** Right identity checks on one link, as fast as one kept-alive connection goes. */
    private Flood flood(String token, int checks) {
        int passed = 0;
        int locked = 0;
        String firstSession = null;
        String body = "email=" + URLEncoder.encode(EMAIL, StandardCharsets.UTF_8);
        try (RawHttp http = new RawHttp(server.baseUrl())) {
            String preSession = null;
            String csrf = null;
            for (int i = 0; i < checks; i++) {
                if (preSession == null) {
                    RawHttp.Reply opened = http.get("/m/" + token);
                    assertThat(opened.status()).isEqualTo(303);
                    preSession = cookieValue(opened, SelfServiceServer.PRE_SESSION_COOKIE);
                    RawHttp.Reply page = http.get(SelfServiceServer.MANAGE, "Cookie: br_link=" + preSession);
                    Matcher m = CSRF.matcher(page.body());
                    assertThat(m.find()).as("identity form, check %d", i).isTrue();
                    csrf = m.group(1);
                }
                RawHttp.Reply checked = http.post(SelfServiceServer.VERIFY, FORM, "csrf=" + csrf + "&" + body,
                        "Cookie: br_link=" + preSession);
                if (checked.status() == 303) {
                    passed++;
                    if (firstSession == null) {
                        firstSession = cookieValue(checked, SelfServiceServer.SESSION_COOKIE);
                    }
                    // A passed check ends its pre-session: the next one opens the link again.
                    preSession = null;
                } else {
                    // The library may throttle right answers too (LOCKED, with until when): the form shows again.
                    assertThat(checked.status()).as("check %d", i).isEqualTo(429);
                    locked++;
                }
            }
        }
        return new Flood(passed, locked, firstSession);
    }

    /** What must not change when an attack is refused. */
    record Snapshot(BookingStatus status, Instant start, int events) {
    }

    private Snapshot snapshot(String id) {
        return new Snapshot(clinic.booking(id).status(), clinic.booking(id).start(), clinic.history(id).size());
    }

    private InetSocketAddress address() {
        URI base = URI.create(server.baseUrl());
        return new InetSocketAddress(base.getHost(), base.getPort());
    }

    private Page signIn(PageClient client, String bookingId) {
        return signIn(client, bookingId, EMAIL);
    }

    private static String cookieValue(RawHttp.Reply reply, String name) {
        return reply.all("Set-Cookie").stream().filter(c -> c.startsWith(name + "="))
                .map(c -> c.substring(name.length() + 1, c.indexOf(';')))
                .findFirst().orElseThrow(() -> new AssertionError("no " + name + " cookie"));
    }

    private static boolean jettyBelowInfo(String line) {
        return (line.startsWith("DEBUG org.eclipse.jetty") || line.startsWith("TRACE org.eclipse.jetty"));
    }

    /**
     * Connections to the page that each sent the same start of a request and then wait; closing
     * closes them all.
     */
    private final class Attackers implements AutoCloseable {
        private final List<Socket> sockets = new ArrayList<>();
        private final long[] sentAt;

        /** Opens {@code count} connections and sends {@code partial} on each, noting when. */
        Attackers(int count, String partial) throws IOException {
            sentAt = new long[count];
            try {
                for (int i = 0; i < count; i++) {
                    Socket s = new Socket();
                    sockets.add(s);
                    s.connect(address(), 2_000);
                    s.getOutputStream().write(partial.getBytes(StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                    sentAt[i] = System.nanoTime();
                }
            } catch (IOException e) {
                close();
                throw e;
            }
        }

        List<Socket> sockets() {
            return sockets;
        }

        /** @return when the last connection sent its partial request, in {@link System#nanoTime()} */
        long lastSentAt() {
            return sentAt[sentAt.length - 1];
        }

        /**
         * Waits, in parallel, for each connection to be closed by the server (the end of the stream or
         * a reset).
         *
         * @return how long after its partial request the first and the last were closed
         */
        Closed awaitClosed(Duration patience) throws Exception {
            ExecutorService readers = Executors.newFixedThreadPool(sockets.size());
            try {
                List<Future<Long>> closedAt = new ArrayList<>();
                for (Socket s : sockets) {
                    closedAt.add(readers.submit(() -> {
                        s.setSoTimeout((int) patience.toMillis());
                        drain(s.getInputStream());
                        return System.nanoTime();
                    }));
                }
                LongSummaryStatistics after = new LongSummaryStatistics();
                for (int i = 0; i < sentAt.length; i++) {
                    after.accept(closedAt.get(i).get(patience.toMillis() + 5_000, TimeUnit.MILLISECONDS) - sentAt[i]);
                }
                return new Closed(Duration.ofNanos(after.getMin()), Duration.ofNanos(after.getMax()));
            } finally {
                readers.shutdownNow();
            }
        }

        @Override
        public void close() throws IOException {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    /** How long after their partial requests the server closed a set of connections: the first, the last. */
    record Closed(Duration first, Duration last) {
    }

    /** Reads until the server closes the connection (end of stream or reset). */
    private static void drain(InputStream in) throws IOException {
        byte[] buffer = new byte[1024];
        try {
            while (in.read(buffer) >= 0) {
                // Whatever the server says before closing is not the point.
            }
        } catch (SocketException reset) {
            // A reset is a close too.
        }
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left = nanoTime - System.nanoTime();
        if (left > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }
}
