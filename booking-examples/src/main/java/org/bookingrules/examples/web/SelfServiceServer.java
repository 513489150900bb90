package org.bookingrules.examples.web;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bookingrules.BookingConflictException;
import org.bookingrules.InvalidRequestException;
import org.bookingrules.Outcome;
import org.bookingrules.links.Grant;
import org.bookingrules.links.LinkDenial;
import org.bookingrules.links.LinkResult;
import org.bookingrules.links.ManageView;
import org.bookingrules.links.SelfService;
import org.bookingrules.model.Booking;
import org.bookingrules.rules.Refusal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.threeten.extra.Interval;

/**
 * The patient-facing self-service page on the JDK's built-in HTTP server, no framework (R7-R11):
 * open a manage link, prove who you are with the e-mail on the booking, see the appointment and its
 * deadlines, then confirm, decline, cancel (with a confirmation step and an optional reason) or
 * pick a free slot to reschedule, and get a clear success page in the browser's language
 * ({@code Accept-Language}: Spanish or English).
 *
 * <p>Start the demo clinic on embedded H2 and this page with one command (port 8080, or add
 * {@code -Dexec.args=8081}); it prints the patient's links:
 * <pre>
 * mvn -B -q -pl booking-examples -am test-compile exec:java -Dexec.mainClass=org.bookingrules.examples.web.SelfServiceServer
 * </pre>
 *
 * <p>Paths:
 * <ul>
 *   <li>{@code GET /m/<token>}: the appointment and the identity form. The token names a booking
 *       and an expiry, nothing personal (R8).</li>
 *   <li>{@code POST /m/<token>/verify}: the identity check. On success the {@link Grant} is kept in
 *       a server-side session, named by a random id in an {@code HttpOnly; SameSite=Strict} cookie,
 *       never in a URL; then {@code 303} to {@code /session}.</li>
 *   <li>{@code GET /session}; {@code POST /session/confirm}, {@code /session/decline};
 *       {@code GET|POST /session/cancel}; {@code GET|POST /session/reschedule};
 *       {@code GET /session/done} (the success page, after post-redirect-get);
 *       {@code POST /session/end}.</li>
 * </ul>
 *
 * <p>Security: every POST carries a CSRF token, compared in constant time; without it, or with a
 * wrong one, the answer is {@code 403} and nothing changes. Every response sends
 * {@code Referrer-Policy: no-referrer}, a strict {@code Content-Security-Policy} (no scripts at
 * all, styles only from {@code /style.css}, forms only to this origin, no framing),
 * {@code X-Content-Type-Options: nosniff} and {@code Cache-Control: no-store}. Every dynamic value is
 * HTML-escaped. No URL and no log line carries personal data; logs name the route, never the token.
 * Behind TLS, turn on {@link Builder#secureCookies(boolean)}.
 *
 * <p>Thread-safe. {@link #start()} once, {@link #stop()} (or {@link #close()}) once.
 */
public final class SelfServiceServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SelfServiceServer.class);

    /** Default port of {@link #main}. */
    public static final int DEFAULT_PORT = 8080;
    /** The Content-Security-Policy of every response. */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'self'; "
            + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    /** The session cookie's name. */
    static final String SESSION_COOKIE = "br_session";
    /** The pre-session cookie the identity form's CSRF token is tied to. */
    static final String FORM_COOKIE = "br_form";

    private static final int MAX_BODY_BYTES = 16 * 1024;
    private static final int MAX_SESSIONS = 10_000;
    private static final int FREE_SLOT_DAYS = 14;
    private static final String HTML = "text/html; charset=utf-8";
    private static final Pattern MANAGE_PATH = Pattern.compile("/m/([A-Za-z0-9_-]{1,1500}\\.[A-Za-z0-9_-]{1,200})(/verify)?");

    private final SelfService selfService;
    private final Clock clock;
    private final String host;
    private final int port;
    private final boolean secureCookies;
    private final Sessions sessions;
    private final byte[] css;
    private HttpServer server;
    private ExecutorService executor;
    private volatile String baseUrl;

    private SelfServiceServer(Builder b) {
        this.selfService = Objects.requireNonNull(b.selfService, "selfService");
        this.clock = b.clock;
        this.host = b.host;
        this.port = b.port;
        this.secureCookies = b.secureCookies;
        this.sessions = new Sessions(clock, MAX_SESSIONS);
        this.css = resource("/web/style.css");
    }

    /**
     * A builder for a page over a self-service.
     *
     * @param selfService the self-service every action goes through, not null
     * @return the builder
     */
    public static Builder builder(SelfService selfService) {
        return new Builder(Objects.requireNonNull(selfService, "selfService"));
    }

    /**
     * Starts the demo: the clinic on embedded H2, this page on {@code 127.0.0.1}, and the patient's
     * links printed to the console. Stop it with Ctrl+C.
     *
     * @param args optional: the port (default {@value #DEFAULT_PORT})
     * @throws InterruptedException if interrupted while serving
     */
    public static void main(String[] args) throws InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0].strip()) : DEFAULT_PORT;
        Clock clock = Clock.systemUTC();
        DemoClinic clinic = DemoClinic.open(clock, "http://127.0.0.1:" + port + "/m/");
        SelfServiceServer server = SelfServiceServer.builder(clinic.selfService()).clock(clock).port(port).build();
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop();
            clinic.close();
        }, "self-service-shutdown"));
        // Console instructions for the person running the demo; the patient is fictional.
        System.out.println();
        System.out.println("Booking Rules self-service page: " + server.baseUrl());
        System.out.println("Patient (fictional): " + DemoClinic.PATIENT.name() + ", e-mail to type: "
                + DemoClinic.PATIENT.email());
        System.out.println();
        System.out.println("Appointment in three days (confirm, decline, reschedule or cancel):");
        System.out.println("  " + server.manageUrl(clinic.manageToken(clinic.upcomingId())));
        System.out.println("Appointment within 24 hours (an online cancel is refused; declining is late):");
        System.out.println("  " + server.manageUrl(clinic.manageToken(clinic.soonId())));
        System.out.println();
        System.out.println("Press Ctrl+C to stop.");
        Thread.currentThread().join();
    }

    /**
     * Binds the port and starts serving.
     *
     * @return this
     * @throws UncheckedIOException if the port cannot be bound
     * @throws IllegalStateException if already started
     */
    public synchronized SelfServiceServer start() {
        if (server != null) {
            throw new IllegalStateException("already started");
        }
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + host + ":" + port, e);
        }
        AtomicInteger threads = new AtomicInteger();
        executor = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "self-service-http-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        String hostPart = host.contains(":") ? "[" + host + "]" : host;
        baseUrl = "http://" + hostPart + ":" + server.getAddress().getPort();
        LOG.info("self-service page listening on {}", baseUrl);
        return this;
    }

    /** Stops serving at once, closing open connections. Does nothing if not started. */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        server.stop(0);
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server = null;
        LOG.info("self-service page stopped");
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    /**
     * The base URL, for example {@code http://127.0.0.1:8080}, with the port actually bound.
     *
     * @return the URL, without a trailing slash
     * @throws IllegalStateException if not started
     */
    public String baseUrl() {
        String url = baseUrl;
        if (url == null) {
            throw new IllegalStateException("not started");
        }
        return url;
    }

    /**
     * The page's link for a manage token: {@code baseUrl() + "/m/" + token}.
     *
     * @param manageToken a token from {@link org.bookingrules.links.ManageLinks#issueManage}, not null
     * @return the link
     */
    public String manageUrl(String manageToken) {
        return baseUrl() + "/m/" + Objects.requireNonNull(manageToken, "manageToken");
    }

    // ----------------------------------------------------------------------------------- routing

    private void handle(HttpExchange exchange) {
        String route = "?";
        try {
            Request request = new Request(exchange);
            route = request.route();
            Response response;
            try {
                response = route(request);
            } catch (BookingConflictException e) {
                response = page(409, Pages.notice(request.text, "error.busy.title", "error.busy.text"));
            } catch (InvalidRequestException e) {
                response = page(400, Pages.notice(request.text, "error.badRequest.title", "error.badRequest.text"));
            } catch (RuntimeException e) {
                // The class only at WARN: messages of lower layers are not ours to vouch for.
                LOG.warn("{} {} failed: {}", request.method, route, e.getClass().getName());
                LOG.debug("{} {} failed", request.method, route, e);
                response = page(500, Pages.notice(request.text, "error.server.title", "error.server.text"));
            }
            write(exchange, response);
            LOG.debug("{} {} -> {}", request.method, route, response.status);
        } catch (IOException | RuntimeException e) {
            LOG.debug("{}: could not answer: {}", route, e.getClass().getName());
        } finally {
            exchange.close();
        }
    }

    private Response route(Request req) {
        String path = req.path;
        if (path.equals("/style.css")) {
            return req.only("GET").orElseGet(() -> new Response(200, "text/css; charset=utf-8", css));
        }
        if (path.equals("/")) {
            return req.only("GET").orElseGet(() -> page(200, Pages.home(req.text)));
        }
        Matcher manage = MANAGE_PATH.matcher(path);
        if (manage.matches()) {
            String token = manage.group(1);
            return manage.group(2) == null
                    ? req.only("GET").orElseGet(() -> managePage(req, token))
                    : req.only("POST").orElseGet(() -> verify(req, token));
        }
        return switch (path) {
            case "/session" -> req.only("GET").orElseGet(() -> withSession(req, this::sessionPage));
            case "/session/confirm" -> req.only("POST").orElseGet(() -> withPost(req, s -> confirm(req, s)));
            case "/session/decline" -> req.only("POST").orElseGet(() -> withPost(req, s -> decline(req, s)));
            case "/session/cancel" -> req.is("GET") ? withSession(req, this::cancelStep)
                    : req.only("POST").orElseGet(() -> withPost(req, s -> cancel(req, s)));
            case "/session/reschedule" -> req.is("GET") ? withSession(req, this::reschedulePage)
                    : req.only("POST").orElseGet(() -> withPost(req, s -> reschedule(req, s)));
            case "/session/done" -> req.only("GET").orElseGet(() -> withSession(req, this::donePage));
            case "/session/end" -> req.only("POST").orElseGet(() -> withPost(req, s -> endSession(req, s)));
            default -> page(404, Pages.notice(req.text, "error.notFound.title", "error.notFound.text"));
        };
    }

    // ----------------------------------------------------------------------- before the check

    private Response managePage(Request req, String token) {
        LinkResult<ManageView> opened = selfService.open(token);
        if (opened instanceof LinkResult.Denied<ManageView> denied) {
            return deniedPage(req, denied);
        }
        ManageView view = opened.orElseThrow();
        String formId = req.cookie(FORM_COOKIE).filter(Sessions::isRandomId).orElseGet(sessions::randomId);
        return page(200, Pages.manage(req.text, view, "/m/" + token + "/verify", sessions.formToken(formId), null))
                .cookie(cookie(FORM_COOKIE, formId, "/m/", false));
    }

    private Response verify(Request req, String token) {
        Optional<Map<String, String>> form = req.form();
        if (form.isEmpty()) {
            return tooLarge(req);
        }
        String formId = req.cookie(FORM_COOKIE).orElse(null);
        if (!sessions.formTokenMatches(formId, form.get().get("csrf"))) {
            return csrfRefused(req);
        }
        LinkResult<Grant> checked = selfService.verifyIdentity(token, form.get().get("email"));
        if (checked instanceof LinkResult.Denied<Grant> denied) {
            if (denied.denial() == LinkDenial.LINK_INVALID) {
                return deniedPage(req, denied);
            }
            LinkResult<ManageView> opened = selfService.open(token);
            if (opened instanceof LinkResult.Denied<ManageView> gone) {
                return deniedPage(req, gone);
            }
            int status = denied.denial() == LinkDenial.LOCKED || denied.lockedUntil() != null ? 429 : 422;
            return page(status, Pages.manage(req.text, opened.orElseThrow(), "/m/" + token + "/verify",
                    sessions.formToken(formId), denied));
        }
        Optional<Sessions.Session> session = sessions.open(token, checked.orElseThrow());
        if (session.isEmpty()) {
            return page(503, Pages.notice(req.text, "error.server.title", "error.server.text"));
        }
        // A new id after the check, never one the client brought (no session fixation).
        req.cookie(SESSION_COOKIE).ifPresent(sessions::end);
        return redirect("/session")
                .cookie(cookie(SESSION_COOKIE, session.get().id(), "/", false))
                .cookie(cookie(FORM_COOKIE, "", "/m/", true));
    }

    // ------------------------------------------------------------------------ after the check

    private Response sessionPage(Request req, Sessions.Session s) {
        return withView(req, s, view -> page(200, Pages.session(req.text, view, s.csrf())));
    }

    private Response cancelStep(Request req, Sessions.Session s) {
        return withView(req, s, view -> view.permissions().cancel() instanceof Refusal refusal
                ? page(409, Pages.refused(req.text, refusal, true))
                : page(200, Pages.cancelStep(req.text, view, s.csrf())));
    }

    private Response reschedulePage(Request req, Sessions.Session s) {
        return withView(req, s, view -> {
            if (view.permissions().reschedule() instanceof Refusal refusal) {
                return page(409, Pages.refused(req.text, refusal, true));
            }
            ZoneId zone = view.start().getZone();
            LocalDate today = LocalDate.now(clock.withZone(zone));
            LinkResult<List<Interval>> slots = selfService.freeSlots(s.grantToken(), today,
                    today.plusDays(FREE_SLOT_DAYS - 1L));
            if (slots instanceof LinkResult.Denied<List<Interval>> denied) {
                return deniedPage(req, denied);
            }
            return page(200, Pages.reschedule(req.text, view, slots.orElseThrow(), s.csrf()));
        });
    }

    private Response donePage(Request req, Sessions.Session s) {
        Sessions.Result last = s.last();
        if (last == null) {
            return redirect("/session");
        }
        return page(200, Pages.done(req.text, last.change(), last.done()));
    }

    private Response confirm(Request req, Sessions.Session s) {
        return changed(req, s, Pages.Change.CONFIRMED, selfService.confirm(s.grantToken()));
    }

    private Response decline(Request req, Sessions.Session s) {
        String reason = reasonOf(req);
        if (reason != null && reason.length() > Pages.MAX_REASON) {
            return reasonTooLong(req);
        }
        return changed(req, s, Pages.Change.DECLINED, selfService.decline(s.grantToken(), reason));
    }

    private Response cancel(Request req, Sessions.Session s) {
        String reason = reasonOf(req);
        if (reason != null && reason.length() > Pages.MAX_REASON) {
            return reasonTooLong(req);
        }
        return changed(req, s, Pages.Change.CANCELLED, selfService.cancel(s.grantToken(), reason));
    }

    private Response reschedule(Request req, Sessions.Session s) {
        String slot = req.formOrEmpty().get("slot");
        Instant start;
        try {
            start = Instant.parse(slot == null ? "" : slot.strip());
        } catch (DateTimeParseException e) {
            return page(400, Pages.notice(req.text, "error.badRequest.title", "error.badRequest.text"));
        }
        return changed(req, s, Pages.Change.RESCHEDULED, selfService.reschedule(s.grantToken(), start));
    }

    private Response endSession(Request req, Sessions.Session s) {
        sessions.end(s.id());
        return page(200, Pages.notice(req.text, "signedOut.title", "signedOut.text"))
                .cookie(cookie(SESSION_COOKIE, "", "/", true));
    }

    /** A change went through: post, redirect, get, so a reload does not post again. */
    private Response changed(Request req, Sessions.Session s, Pages.Change change, LinkResult<Outcome> result) {
        if (result instanceof LinkResult.Denied<Outcome> denied) {
            return deniedPage(req, denied);
        }
        Outcome outcome = result.orElseThrow();
        if (outcome instanceof Outcome.Refused refused) {
            return page(409, Pages.refused(req.text, refused.refusal(), true));
        }
        s.last(new Sessions.Result(change, (Outcome.Done) outcome));
        Booking after = ((Outcome.Done) outcome).booking();
        LOG.info("self-service {} booking={} done", change, after.id());
        return redirect("/session/done");
    }

    private Response withView(Request req, Sessions.Session s, Function<ManageView, Response> render) {
        LinkResult<ManageView> opened = selfService.open(s.manageToken());
        if (opened instanceof LinkResult.Denied<ManageView> denied) {
            // After a cancel or decline in this session the link no longer opens: show what was done.
            Sessions.Result last = s.last();
            return last != null && !last.done().booking().isActive() ? redirect("/session/done")
                    : deniedPage(req, denied);
        }
        return render.apply(opened.orElseThrow());
    }

    private Response withSession(Request req, BiFunction<Request, Sessions.Session, Response> then) {
        Optional<Sessions.Session> session = sessions.find(req.cookie(SESSION_COOKIE).orElse(null));
        if (session.isEmpty()) {
            return page(403, Pages.notice(req.text, "error.session.title", "error.session.text"))
                    .cookie(cookie(SESSION_COOKIE, "", "/", true));
        }
        return then.apply(req, session.get());
    }

    /** A POST of a session: the session, then its CSRF token, or 403 and nothing happens. */
    private Response withPost(Request req, Function<Sessions.Session, Response> then) {
        return withSession(req, (r, s) -> {
            Optional<Map<String, String>> form = r.form();
            if (form.isEmpty()) {
                return tooLarge(r);
            }
            if (!s.csrfMatches(form.get().get("csrf"))) {
                return csrfRefused(r);
            }
            return then.apply(s);
        });
    }

    /** The optional reason of a form, stripped; null when blank. */
    private static String reasonOf(Request req) {
        String reason = req.formOrEmpty().get("reason");
        return reason == null || reason.isBlank() ? null : reason.strip();
    }

    // --------------------------------------------------------------------------------- answers

    private Response deniedPage(Request req, LinkResult.Denied<?> denied) {
        int status = switch (denied.denial()) {
            case LINK_INVALID -> 404;
            case WRONG_ANSWER -> 422;
            case LOCKED -> 429;
        };
        return page(status, Pages.denied(req.text, denied));
    }

    private static Response csrfRefused(Request req) {
        return page(403, Pages.notice(req.text, "error.csrf.title", "error.csrf.text"));
    }

    private static Response tooLarge(Request req) {
        return page(413, Pages.notice(req.text, "error.tooLarge.title", "error.tooLarge.text"));
    }

    private static Response reasonTooLong(Request req) {
        return page(400, Pages.noticeText(req.text, "error.badRequest.title",
                req.text.get("error.reasonTooLong", Pages.MAX_REASON)));
    }

    private static Response page(int status, String html) {
        return new Response(status, HTML, html.getBytes(StandardCharsets.UTF_8));
    }

    private static Response redirect(String path) {
        return new Response(303, null, new byte[0]).header("Location", path);
    }

    private String cookie(String name, String value, String path, boolean clear) {
        return name + "=" + value + "; Path=" + path + "; HttpOnly; SameSite=Strict"
                + (secureCookies ? "; Secure" : "") + (clear ? "; Max-Age=0" : "");
    }

    private static void write(HttpExchange exchange, Response response) throws IOException {
        Headers h = exchange.getResponseHeaders();
        h.set("Referrer-Policy", "no-referrer");
        h.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        h.set("X-Content-Type-Options", "nosniff");
        h.set("X-Frame-Options", "DENY");
        h.set("Cache-Control", "no-store");
        h.set("Cross-Origin-Opener-Policy", "same-origin");
        h.set("Cross-Origin-Resource-Policy", "same-origin");
        if (response.contentType != null) {
            h.set("Content-Type", response.contentType);
        }
        for (String[] header : response.headers) {
            h.add(header[0], header[1]);
        }
        if (response.body.length == 0) {
            exchange.sendResponseHeaders(response.status, -1);
            return;
        }
        exchange.sendResponseHeaders(response.status, response.body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(response.body);
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = SelfServiceServer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What to send: status, type, body and extra headers (the security headers are added to all). */
    private static final class Response {
        private final int status;
        private final String contentType;
        private final byte[] body;
        private final List<String[]> headers = new ArrayList<>();

        Response(int status, String contentType, byte[] body) {
            this.status = status;
            this.contentType = contentType;
            this.body = body;
        }

        Response header(String name, String value) {
            headers.add(new String[] {name, value});
            return this;
        }

        Response cookie(String value) {
            return header("Set-Cookie", value);
        }
    }

    /** One request: method, path, cookies, language, and the form of a POST read once. */
    private static final class Request {
        private final HttpExchange exchange;
        private final String method;
        private final String path;
        private final PageText text;
        private final Map<String, String> cookies;
        private Optional<Map<String, String>> form;

        Request(HttpExchange exchange) {
            this.exchange = exchange;
            this.method = exchange.getRequestMethod();
            String raw = exchange.getRequestURI().getRawPath();
            this.path = raw == null ? "" : raw;
            this.text = PageText.forAcceptLanguage(exchange.getRequestHeaders().getFirst("Accept-Language"));
            this.cookies = parseCookies(exchange.getRequestHeaders().get("Cookie"));
        }

        /** The path with the token masked, for logs. */
        String route() {
            return MANAGE_PATH.matcher(path).matches() ? (path.endsWith("/verify") ? "/m/*/verify" : "/m/*")
                    : path.length() > 64 ? path.substring(0, 64) + "..." : path;
        }

        boolean is(String m) {
            return method.equals(m);
        }

        /** Empty when the method is the allowed one; a 405 otherwise. */
        Optional<Response> only(String allowed) {
            if (method.equals(allowed)) {
                return Optional.empty();
            }
            return Optional.of(page(405, Pages.notice(text, "error.method.title", "error.method.text"))
                    .header("Allow", allowed));
        }

        Optional<String> cookie(String name) {
            return Optional.ofNullable(cookies.get(name));
        }

        /** The url-encoded form, or empty when the body is too large. Malformed pairs are skipped. */
        Optional<Map<String, String>> form() {
            if (form == null) {
                form = readForm();
            }
            return form;
        }

        Map<String, String> formOrEmpty() {
            return form().orElse(Map.of());
        }

        private Optional<Map<String, String>> readForm() {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                byte[] buffer = new byte[4096];
                int n;
                while ((n = in.read(buffer)) > 0) {
                    out.write(buffer, 0, n);
                    if (out.size() > MAX_BODY_BYTES) {
                        return Optional.empty();
                    }
                }
                body = out.toByteArray();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Map<String, String> fields = new HashMap<>();
            for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
                int eq = pair.indexOf('=');
                if (pair.isEmpty() || eq == 0) {
                    continue;
                }
                try {
                    String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                    String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                    fields.putIfAbsent(name, value);
                } catch (IllegalArgumentException e) {
                    // A malformed escape: skip the pair; a missing CSRF token then refuses the post.
                    continue;
                }
            }
            return Optional.of(fields);
        }

        private static Map<String, String> parseCookies(List<String> headers) {
            Map<String, String> cookies = new HashMap<>();
            if (headers == null) {
                return cookies;
            }
            for (String header : headers) {
                for (String part : header.split(";")) {
                    int eq = part.indexOf('=');
                    if (eq > 0) {
                        cookies.putIfAbsent(part.substring(0, eq).strip(), part.substring(eq + 1).strip());
                    }
                }
            }
            return cookies;
        }
    }

    /** Builds {@link SelfServiceServer}. Not thread-safe. */
    public static final class Builder {
        private final SelfService selfService;
        private Clock clock = Clock.systemUTC();
        private String host = "127.0.0.1";
        private int port = DEFAULT_PORT;
        private boolean secureCookies;

        private Builder(SelfService selfService) {
            this.selfService = selfService;
        }

        /**
         * @param v the clock that ends sessions with their grants and picks "today" for free
         *     slots; use the self-service's clock; default {@link Clock#systemUTC()}
         * @return this
         */
        public Builder clock(Clock v) {
            clock = Objects.requireNonNull(v, "clock");
            return this;
        }

        /**
         * @param v the address to listen on, not null; default {@code 127.0.0.1}
         * @return this
         */
        public Builder host(String v) {
            host = Objects.requireNonNull(v, "host");
            return this;
        }

        /**
         * @param v the port, 0 for any free one (tests); default {@value SelfServiceServer#DEFAULT_PORT}
         * @return this
         */
        public Builder port(int v) {
            if (v < 0 || v > 65_535) {
                throw new IllegalArgumentException("port must be 0 to 65535, was " + v);
            }
            port = v;
            return this;
        }

        /**
         * @param v whether cookies carry {@code Secure}: turn on behind TLS; default off (plain
         *     HTTP on the loopback)
         * @return this
         */
        public Builder secureCookies(boolean v) {
            secureCookies = v;
            return this;
        }

        /**
         * Builds the server; {@link SelfServiceServer#start()} binds it.
         *
         * @return the server
         */
        public SelfServiceServer build() {
            return new SelfServiceServer(this);
        }
    }
}
