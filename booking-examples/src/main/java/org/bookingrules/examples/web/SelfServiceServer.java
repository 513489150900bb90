package org.bookingrules.examples.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BiFunction;
import java.util.function.Consumer;
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
import org.bookingrules.links.OfferPage;
import org.bookingrules.links.SelfService;
import org.bookingrules.model.Booking;
import org.bookingrules.model.BookingEvent;
import org.bookingrules.rules.Refusal;
import org.bookingrules.waitlist.WaitlistOutcome;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.QuietException;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.threeten.extra.Interval;

/**
 * The patient-facing self-service page on embedded Jetty (core handler API, no servlets) (R7-R11):
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
 *   <li>{@code GET /m/<token>}: the link of the messages. The token names a booking and an expiry,
 *       nothing personal (R8). A valid token is exchanged at once for a <em>pre-session</em>: a
 *       random id in an {@code HttpOnly; SameSite=Strict} cookie ({@code Path=/manage}) names a
 *       server-side record that holds the token for 30 minutes ({@link #PRE_SESSION_TTL}), and
 *       the answer is {@code 303} to {@code /manage}, so the token leaves the address bar, the
 *       history and every later URL. A token that does not open (tampered, expired, revoked)
 *       answers {@code 404} with the library's sentence, and opens nothing.</li>
 *   <li>{@code GET /manage}: the appointment and the identity form. A link followed from another
 *       site (a webmail) arrives there without the {@code Strict} cookie, which the browser keeps
 *       back on a redirect that a cross-site click started; it gets a page that moves on by itself
 *       to {@code GET /manage/continue}, a same-origin navigation that carries the cookie.</li>
 *   <li>{@code POST /manage/verify}: the identity check. On success the pre-session ends and the
 *       {@link Grant} is kept in a server-side session, named by a new random id in an
 *       {@code HttpOnly; SameSite=Strict} cookie, never in a URL; then {@code 303} to
 *       {@code /session}.</li>
 *   <li>{@code GET /offer}, {@code /offer/continue}; {@code POST /offer/accept}, {@code /offer/decline}:
 *       an offer of the cancellation list. Its link is {@code /m/<token>} too: a token that opens
 *       no appointment but opens an offer ({@link SelfService#openOffer}) is swapped the same way
 *       for a random id in an {@code HttpOnly; SameSite=Strict} cookie ({@code Path=/offer}), and the
 *       answer is {@code 303} to {@code /offer}. An offer needs no identity check (it shows no
 *       personal data): the page shows the slot and its deadline, and while the offer is open two
 *       forms, accept and no thanks, each with the visit's CSRF token; an offer no longer open
 *       shows why (accepted, declined, expired, taken) and no form. The answers are result pages:
 *       the new time, the library's refusal (say {@code OFFER_TAKEN}), or that the customer keeps
 *       their place on the list.</li>
 *   <li>{@code GET /session}; {@code POST /session/confirm}, {@code /session/decline};
 *       {@code GET|POST /session/cancel}; {@code GET|POST /session/reschedule};
 *       {@code GET /session/done} (the success page, after post-redirect-get);
 *       {@code POST /session/end}; {@code GET /} and {@code GET /style.css}.</li>
 * </ul>
 *
 * <p>Security measures:
 * <ul>
 *   <li><b>Slow clients.</b> Jetty reads requests without a thread per connection; handling runs
 *       on a bounded pool of {@value #MAX_THREADS} threads (its queue is bounded by the connection
 *       limit: one request at a time per connection). A connection silent for the idle timeout
 *       (default 10 s) is closed; a request head must be complete within the header timeout
 *       (default 5 s) of its first byte, however slowly it trickles, and a body within as long
 *       again once the page reads it ({@link HeaderDeadline}); at most
 *       {@link Builder#maxConnections(int) maxConnections} are open, and at that limit the idle
 *       timeout drops to 2 s ({@link #LIMITED_IDLE_TIMEOUT}). Bodies are read without holding
 *       a thread, at most 16 KiB.</li>
 *   <li><b>Sessions.</b> Each link keeps at most {@link Builder#sessionsPerBooking(int)
 *       sessionsPerBooking} pre-sessions and as many sessions: one more ends the oldest of the same
 *       link. Both tables are capped in all too ({@link Builder#maxSessions(int) maxSessions}), and
 *       when full the oldest entry goes; no identity check is refused for lack of room
 *       ({@link Sessions}). The library may also limit right answers per link.</li>
 *   <li><b>Cross-site requests</b>, in layers, so that no single one has to hold:
 *       {@code SameSite=Strict} cookies; a CSRF token per pre-session and per session in every
 *       form, compared in constant time; {@code Origin}, when sent, must be this page's origin
 *       ({@code null} is not), and {@code Sec-Fetch-Site}, when sent, {@code same-origin}; the body
 *       must be {@code application/x-www-form-urlencoded}, which shuts out {@code text/plain}
 *       bodies that a cross-site form sends without a preflight ({@link PostChecks}). A POST that
 *       fails the header checks answers {@code 403}, another body type {@code 415}, before its body
 *       is read or anything is done.</li>
 *   <li><b>Input.</b> A form body, query or path with malformed percent-encoding (a bad or cut-off
 *       escape, bytes that are not UTF-8), or a form with a repeated field, answers {@code 400} and
 *       nothing is done ({@link FormCodec}); nothing is silently dropped. Every dynamic value is
 *       HTML-escaped, and Unicode bidirectional controls are replaced with U+FFFD
 *       ({@link Html}).</li>
 *   <li><b>Cookies</b> carry {@code Secure} whenever the public base URL is {@code https}
 *       ({@link Builder#publicBaseUrl(String)}), or when {@link Builder#secureCookies(boolean)} says
 *       so.</li>
 *   <li><b>Headers.</b> Every response, Jetty's own error pages included, sends
 *       {@code Referrer-Policy: same-origin} ({@link #REFERRER_POLICY}), a strict
 *       {@code Content-Security-Policy} (no scripts at all, styles only from {@code /style.css},
 *       forms only to this origin, no framing), {@code X-Content-Type-Options: nosniff} and
 *       {@code Cache-Control: no-store}; no {@code Server} header. Jetty's error pages echo nothing
 *       of the request.</li>
 *   <li><b>Logs.</b> No URL and no log line of this page carries personal data or any part of a
 *       token: a request is logged by method and a fixed route name ({@code /m/*} for a link,
 *       {@code (unmatched)} for a path it does not serve, never the path itself). Jetty's own
 *       {@code DEBUG} output does print request lines, and with them a link's token: the
 *       examples' {@code simplelogger.properties} pins {@code org.eclipse.jetty} at {@code WARN};
 *       keep it at {@code INFO} or above in production, and add no request log that writes
 *       paths.</li>
 * </ul>
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
    /**
     * The Referrer-Policy of every response: {@code same-origin}. Not {@code no-referrer}: under it
     * browsers send {@code Origin: null} with every form post, and the {@code Origin} check could
     * only refuse every patient or wave through any sandboxed page. No other site gets a
     * {@code Referer}, and no URL of the page holds a token or personal data.
     */
    public static final String REFERRER_POLICY = "same-origin";
    /** Default time a connection may stay silent: 10 seconds. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(10);
    /** Default time a request head may take from its first byte: 5 seconds. */
    public static final Duration DEFAULT_REQUEST_HEADER_TIMEOUT = Duration.ofSeconds(5);
    /** Default most open connections. */
    public static final int DEFAULT_MAX_CONNECTIONS = 512;
    /** Default most sessions (and most pre-sessions) kept at once. */
    public static final int DEFAULT_MAX_SESSIONS = 10_000;
    /** Default most sessions (and most pre-sessions) of one booking's link. */
    public static final int DEFAULT_SESSIONS_PER_BOOKING = 5;
    /** How long an opened link waits for its identity check: 30 minutes. */
    public static final Duration PRE_SESSION_TTL = Duration.ofMinutes(30);
    /** Threads that handle requests (Jetty's acceptor and selector included). */
    public static final int MAX_THREADS = 32;
    /** The idle timeout while the connection limit is reached: 2 seconds. */
    public static final Duration LIMITED_IDLE_TIMEOUT = Duration.ofSeconds(2);

    /** The session cookie's name. */
    static final String SESSION_COOKIE = "br_session";
    /** The pre-session cookie's name: an opened link, before the identity check. */
    static final String PRE_SESSION_COOKIE = "br_link";
    /** Where the pre-session cookie is sent. */
    static final String MANAGE = "/manage";
    /** Where the identity form posts. */
    static final String VERIFY = "/manage/verify";
    /** The same-origin second try of {@code /manage}, for a link opened from another site. */
    static final String CONTINUE = "/manage/continue";
    /** The offer visit cookie's name: an opened offer link of the cancellation list. */
    static final String OFFER_COOKIE = "br_offer";
    /** The page of an opened offer link, and where the offer visit cookie is sent. */
    static final String OFFER = "/offer";
    /** The same-origin second try of {@code /offer}, for an offer link opened from another site. */
    static final String OFFER_CONTINUE = "/offer/continue";
    /** Where the offer's accept form posts. */
    static final String OFFER_ACCEPT = "/offer/accept";
    /** Where the offer's no-thanks form posts. */
    static final String OFFER_DECLINE = "/offer/decline";

    private static final int MIN_THREADS = 4;
    private static final int MAX_BODY_BYTES = 16 * 1024;
    private static final int MAX_HEADER_BYTES = 8 * 1024;
    private static final int FREE_SLOT_DAYS = 14;
    private static final String HTML = "text/html; charset=utf-8";
    private static final Pattern MANAGE_PATH = Pattern.compile("/m/([A-Za-z0-9_-]{1,1500}\\.[A-Za-z0-9_-]{1,200})");
    /** A {@code %} not followed by two hex digits. */
    private static final Pattern MALFORMED_ESCAPE = Pattern.compile("%(?![0-9A-Fa-f]{2})");
    private static final Set<String> ROUTES = Set.of("/", "/style.css", MANAGE, VERIFY, CONTINUE, "/session",
            "/session/confirm", "/session/decline", "/session/cancel", "/session/reschedule", "/session/done",
            "/session/end", OFFER, OFFER_CONTINUE, OFFER_ACCEPT, OFFER_DECLINE);
    private static final Set<String> METHODS = Set.of("GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH");

    private final SelfService selfService;
    private final Clock clock;
    private final String host;
    private final int port;
    private final boolean secureCookies;
    private final String publicBaseUrl;
    private final Duration idleTimeout;
    private final Duration requestHeaderTimeout;
    private final int maxConnections;
    private final Sessions sessions;
    private final byte[] css;
    private Server jetty;
    private volatile HeaderDeadline headerDeadline;
    private volatile String baseUrl;

    private SelfServiceServer(Builder b) {
        this.selfService = Objects.requireNonNull(b.selfService, "selfService");
        this.clock = b.clock;
        this.host = b.host;
        this.port = b.port;
        this.publicBaseUrl = b.publicBaseUrl;
        this.secureCookies = b.secureCookies || (b.publicBaseUrl != null && b.publicBaseUrl.startsWith("https:"));
        this.idleTimeout = b.idleTimeout;
        this.requestHeaderTimeout = b.requestHeaderTimeout;
        this.maxConnections = b.maxConnections;
        this.sessions = new Sessions(clock, b.maxSessions, b.sessionsPerBooking, PRE_SESSION_TTL);
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
        // What a product's scheduler does: offers whose deadline passed go to the next waiting patient.
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(job -> {
            Thread t = new Thread(job, "cancellation-list-rounds");
            t.setDaemon(true);
            return t;
        });
        clinic.rules().waitlist().endRoundsEvery(Duration.ofMinutes(1), scheduler);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            scheduler.shutdownNow();
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
        System.out.println("A time freed on the cancellation list, offered to a waiting patient for one hour (accept it or "
                + "say no thanks; no identity check):");
        System.out.println("  " + server.manageUrl(clinic.freeSlotForWaitingPatient(12)));
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
        if (jetty != null) {
            throw new IllegalStateException("already started");
        }
        // Jetty's own jobs share the queue, so it is not bounded here (Jetty warns against that):
        // HTTP/1.1 has one request in flight per connection, so the connection limit bounds it.
        QueuedThreadPool pool = new QueuedThreadPool(MAX_THREADS, MIN_THREADS);
        pool.setName("self-service");
        pool.setDaemon(true);
        Server server = new Server(pool);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setRequestHeaderSize(MAX_HEADER_BYTES);
        ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        connector.setIdleTimeout(idleTimeout.toMillis());
        server.addConnector(connector);
        NetworkConnectionLimit limit = new NetworkConnectionLimit(maxConnections, connector);
        limit.setEndPointIdleTimeout(LIMITED_IDLE_TIMEOUT.toMillis());
        server.addBean(limit);
        server.setErrorHandler(new ErrorPage());
        server.setHandler(new PageHandler());
        server.setStopTimeout(0);
        HeaderDeadline deadline = new HeaderDeadline(connector::getConnectedEndPoints, requestHeaderTimeout,
                System::nanoTime);
        headerDeadline = deadline;
        try {
            server.start();
        } catch (Exception e) {
            stopQuietly(server);
            headerDeadline = null;
            throw new UncheckedIOException("cannot listen on " + host + ":" + port,
                    e instanceof IOException io ? io : new IOException(e.getClass().getName(), e));
        }
        deadline.start();
        jetty = server;
        String hostPart = host.contains(":") ? "[" + host + "]" : host;
        baseUrl = "http://" + hostPart + ":" + connector.getLocalPort();
        LOG.info("self-service page listening on {}", baseUrl);
        return this;
    }

    /** Stops serving at once, closing open connections. Does nothing if not started. */
    public synchronized void stop() {
        if (jetty == null) {
            return;
        }
        headerDeadline.stop();
        stopQuietly(jetty);
        jetty = null;
        LOG.info("self-service page stopped");
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    /**
     * The base URL the server is bound to, for example {@code http://127.0.0.1:8080}, with the port
     * actually bound.
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
     * The base URL patients use: {@link Builder#publicBaseUrl(String)} when set (the page behind a
     * proxy), otherwise {@link #baseUrl()}. Its origin is the only one a POST's {@code Origin} may
     * name.
     *
     * @return the URL, without a trailing slash
     * @throws IllegalStateException if not started and no public base URL is set
     */
    public String publicBaseUrl() {
        return publicBaseUrl != null ? publicBaseUrl : baseUrl();
    }

    /**
     * The page's link for a manage token: {@code publicBaseUrl() + "/m/" + token}.
     *
     * @param manageToken a token from {@link org.bookingrules.links.ManageLinks#issueManage}, not null
     * @return the link
     * @throws IllegalStateException if not started and no public base URL is set
     */
    public String manageUrl(String manageToken) {
        return publicBaseUrl() + "/m/" + Objects.requireNonNull(manageToken, "manageToken");
    }

    /** @return the sessions, for tests in this package */
    Sessions sessions() {
        return sessions;
    }

    /** @return the header deadline, for tests in this package; null when stopped */
    HeaderDeadline headerDeadline() {
        return headerDeadline;
    }

    private static void stopQuietly(Server server) {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("self-service page did not stop cleanly: {}", e.getClass().getName());
        }
    }

    // ----------------------------------------------------------------------------------- routing

    /** Every request: the connection's header clock, the checks before any body, then the route. */
    private final class PageHandler extends Handler.Abstract {

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            Connection connection = request.getConnectionMetaData().getConnection();
            HeaderDeadline deadline = headerDeadline;
            if (deadline != null && connection != null) {
                deadline.started(connection);
                Request.addCompletionListener(request, failure -> deadline.ended(connection));
            }
            Exchange ex = new Exchange(request);
            if (MALFORMED_ESCAPE.matcher(ex.path).find()
                    || FormCodec.decodeQuery(request.getHttpURI().getQuery()).isEmpty()) {
                send(ex, response, callback, badRequest(ex));
                return true;
            }
            if (!ex.is("POST")) {
                send(ex, response, callback, answer(ex));
                return true;
            }
            HttpFields headers = request.getHeaders();
            PostChecks.Verdict verdict = PostChecks.check(ownOrigin(), headers.getValuesList(HttpHeader.ORIGIN),
                    headers.getValuesList("Sec-Fetch-Site"), headers.getValuesList(HttpHeader.CONTENT_TYPE));
            switch (verdict) {
                case CROSS_SITE -> {
                    send(ex, response, callback, page(403, Pages.notice(ex.text, "error.crossSite.title",
                            "error.crossSite.text")));
                    return true;
                }
                case UNSUPPORTED_MEDIA_TYPE -> {
                    send(ex, response, callback, page(415, Pages.notice(ex.text, "error.unsupportedType.title",
                            "error.unsupportedType.text")));
                    return true;
                }
                case PASSED -> {
                    // On to the body.
                }
            }
            if (request.getLength() > MAX_BODY_BYTES) {
                send(ex, response, callback, tooLarge(ex));
                return true;
            }
            if (deadline != null && connection != null) {
                deadline.bodyStarted(connection);
            }
            new BodyReader(request, body -> {
                if (deadline != null && connection != null) {
                    deadline.bodyEnded(connection);
                }
                Optional<Map<String, String>> form = body == null ? Optional.empty() : FormCodec.decode(body);
                if (body == null) {
                    send(ex, response, callback, tooLarge(ex));
                } else if (form.isEmpty()) {
                    send(ex, response, callback, badRequest(ex));
                } else {
                    ex.form = form.get();
                    send(ex, response, callback, answer(ex));
                }
            }, failure -> {
                if (deadline != null && connection != null) {
                    deadline.bodyEnded(connection);
                }
                LOG.debug("{} {}: body not read: {}", ex.method(), ex.route, failure.getClass().getName());
                // Quiet: Jetty logs any other failure at WARN with the request line, which may hold a token.
                callback.failed(new QuietException.Exception("request body not read", failure));
            }).run();
            return true;
        }
    }

    /** The route's answer, or an error page for what the rules and the store threw. */
    private Answer answer(Exchange ex) {
        try {
            return route(ex);
        } catch (BookingConflictException e) {
            return page(409, Pages.notice(ex.text, "error.busy.title", "error.busy.text"));
        } catch (InvalidRequestException e) {
            return badRequest(ex);
        } catch (RuntimeException e) {
            // The class only at WARN: messages of lower layers are not ours to vouch for.
            LOG.warn("{} {} failed: {}", ex.method(), ex.route, e.getClass().getName());
            LOG.debug("{} {} failed", ex.method(), ex.route, e);
            return page(500, Pages.notice(ex.text, "error.server.title", "error.server.text"));
        }
    }

    private Answer route(Exchange ex) {
        String path = ex.path;
        if (path.equals("/style.css")) {
            return ex.only("GET").orElseGet(() -> new Answer(200, "text/css; charset=utf-8", css));
        }
        if (path.equals("/")) {
            return ex.only("GET").orElseGet(() -> page(200, Pages.home(ex.text)));
        }
        Matcher manage = MANAGE_PATH.matcher(path);
        if (manage.matches()) {
            return ex.only("GET").orElseGet(() -> openLink(ex, manage.group(1)));
        }
        return switch (path) {
            case MANAGE -> ex.only("GET").orElseGet(() -> managePage(ex, true));
            case CONTINUE -> ex.only("GET").orElseGet(() -> managePage(ex, false));
            case VERIFY -> ex.only("POST").orElseGet(() -> verify(ex));
            case "/session" -> ex.only("GET").orElseGet(() -> withSession(ex, this::sessionPage));
            case "/session/confirm" -> ex.only("POST").orElseGet(() -> withPost(ex, s -> confirm(ex, s)));
            case "/session/decline" -> ex.only("POST").orElseGet(() -> withPost(ex, s -> decline(ex, s)));
            case "/session/cancel" -> ex.is("GET") ? withSession(ex, this::cancelStep)
                    : ex.only("POST").orElseGet(() -> withPost(ex, s -> cancel(ex, s)));
            case "/session/reschedule" -> ex.is("GET") ? withSession(ex, this::reschedulePage)
                    : ex.only("POST").orElseGet(() -> withPost(ex, s -> reschedule(ex, s)));
            case "/session/done" -> ex.only("GET").orElseGet(() -> withSession(ex, this::donePage));
            case "/session/end" -> ex.only("POST").orElseGet(() -> withPost(ex, s -> endSession(ex, s)));
            case OFFER -> ex.only("GET").orElseGet(() -> offerPage(ex, true));
            case OFFER_CONTINUE -> ex.only("GET").orElseGet(() -> offerPage(ex, false));
            case OFFER_ACCEPT -> ex.only("POST").orElseGet(() -> withOfferPost(ex, v -> acceptOffer(ex, v)));
            case OFFER_DECLINE -> ex.only("POST").orElseGet(() -> withOfferPost(ex, v -> declineOffer(ex, v)));
            default -> page(404, Pages.notice(ex.text, "error.notFound.title", "error.notFound.text"));
        };
    }

    // ----------------------------------------------------------------------- before the check

    /**
     * {@code GET /m/<token>}: the token goes into a server-side pre-session, and out of the URL. A
     * token that opens no appointment may be an offer link's: it goes into an offer visit the same
     * way. A token that is neither answers the appointment link's denial, as any invalid link.
     */
    private Answer openLink(Exchange ex, String token) {
        LinkResult<ManageView> opened = selfService.open(token);
        if (opened instanceof LinkResult.Denied<ManageView> denied) {
            if (denied.denial() == LinkDenial.LINK_INVALID && selfService.openOffer(token) instanceof LinkResult.Ok) {
                ex.cookie(OFFER_COOKIE).ifPresent(sessions.offerVisits()::remove);
                Sessions.OfferVisit visit = sessions.offerVisits().open(token);
                return redirect(OFFER).cookie(cookie(OFFER_COOKIE, visit.id(), OFFER, false));
            }
            return deniedPage(ex, denied);
        }
        ex.cookie(PRE_SESSION_COOKIE).ifPresent(sessions.preSessions()::remove);
        Sessions.PreSession pre = sessions.preSessions().open(token);
        return redirect(MANAGE).cookie(cookie(PRE_SESSION_COOKIE, pre.id(), MANAGE, false));
    }

    /**
     * {@code GET /manage}: the appointment of the opened link and the identity form.
     *
     * <p>A link clicked in a webmail is a navigation from another site: the browser keeps the
     * {@code SameSite=Strict} pre-session cookie it just received off the redirected request to
     * {@code /manage}. So when the cookie is missing on a request the browser does not mark
     * {@code same-origin}, the answer is a page that moves on to {@code /manage/continue} by itself
     * (a meta refresh, and a link): a navigation started by this page, which carries the cookie.
     * {@code /manage/continue} never answers that way again, so nothing loops.
     *
     * @param mayHop whether a missing cookie may get the continue page
     */
    private Answer managePage(Exchange ex, boolean mayHop) {
        Optional<Sessions.PreSession> pre = sessions.preSessions().find(ex.cookie(PRE_SESSION_COOKIE).orElse(null));
        if (pre.isEmpty() && mayHop && !"same-origin".equalsIgnoreCase(ex.fetchSite)) {
            return page(200, Pages.continueTo(ex.text, CONTINUE));
        }
        if (pre.isEmpty()) {
            return page(403, Pages.notice(ex.text, "error.session.title", "error.session.text"))
                    .cookie(cookie(PRE_SESSION_COOKIE, "", MANAGE, true));
        }
        LinkResult<ManageView> opened = selfService.open(pre.get().token());
        if (opened instanceof LinkResult.Denied<ManageView> denied) {
            sessions.preSessions().remove(pre.get().id());
            return deniedPage(ex, denied).cookie(cookie(PRE_SESSION_COOKIE, "", MANAGE, true));
        }
        return page(200, Pages.manage(ex.text, opened.orElseThrow(), VERIFY, pre.get().csrf(), null));
    }

    /** {@code POST /manage/verify}: the identity check of the opened link. */
    private Answer verify(Exchange ex) {
        Optional<Sessions.PreSession> found = sessions.preSessions().find(ex.cookie(PRE_SESSION_COOKIE).orElse(null));
        if (found.isEmpty() || !found.get().csrfMatches(ex.form.get("csrf"))) {
            return csrfRefused(ex);
        }
        Sessions.PreSession pre = found.get();
        LinkResult<Grant> checked = selfService.verifyIdentity(pre.token(), ex.form.get("email"));
        if (checked instanceof LinkResult.Denied<Grant> denied) {
            return identityDenied(ex, pre, denied);
        }
        Sessions.Session session = sessions.open(pre, checked.orElseThrow());
        // A new id after the check, never one the client brought (no session fixation).
        ex.cookie(SESSION_COOKIE).ifPresent(sessions::end);
        return redirect("/session")
                .cookie(cookie(SESSION_COOKIE, session.id(), "/", false))
                .cookie(cookie(PRE_SESSION_COOKIE, "", MANAGE, true));
    }

    /**
     * A failed identity check: a wrong answer or a lock shows the form page with the error; an
     * invalid link, and a code this page does not know (say, one the library added), the library's
     * sentence, and the pre-session ends.
     */
    private Answer identityDenied(Exchange ex, Sessions.PreSession pre, LinkResult.Denied<Grant> denied) {
        LinkDenial denial = denied.denial();
        boolean retry = denial == LinkDenial.WRONG_ANSWER || denial == LinkDenial.LOCKED;
        if (!retry) {
            sessions.preSessions().remove(pre.id());
            return deniedPage(ex, denied).cookie(cookie(PRE_SESSION_COOKIE, "", MANAGE, true));
        }
        LinkResult<ManageView> opened = selfService.open(pre.token());
        if (opened instanceof LinkResult.Denied<ManageView> gone) {
            sessions.preSessions().remove(pre.id());
            return deniedPage(ex, gone).cookie(cookie(PRE_SESSION_COOKIE, "", MANAGE, true));
        }
        int status = denial == LinkDenial.LOCKED || denied.lockedUntil() != null ? 429 : 422;
        return page(status, Pages.manage(ex.text, opened.orElseThrow(), VERIFY, pre.csrf(), denied));
    }

    // ------------------------------------------------------------------------------ offers

    /**
     * {@code GET /offer}: the offer of the opened offer link, with its forms while it is open. A
     * link clicked in a webmail arrives without the {@code Strict} cookie, as for {@code /manage}:
     * it gets a page that moves on to {@code /offer/continue} by itself, once.
     *
     * @param mayHop whether a missing cookie may get the continue page
     */
    private Answer offerPage(Exchange ex, boolean mayHop) {
        Optional<Sessions.OfferVisit> visit = sessions.offerVisits().find(ex.cookie(OFFER_COOKIE).orElse(null));
        if (visit.isEmpty() && mayHop && !"same-origin".equalsIgnoreCase(ex.fetchSite)) {
            return page(200, Pages.continueTo(ex.text, OFFER_CONTINUE, "offer.continue.title", "offer.continue.link"));
        }
        if (visit.isEmpty()) {
            return offerVisitEnded(ex);
        }
        LinkResult<OfferPage> opened = selfService.openOffer(visit.get().token());
        if (opened instanceof LinkResult.Denied<OfferPage> denied) {
            sessions.offerVisits().remove(visit.get().id());
            return deniedPage(ex, denied).cookie(cookie(OFFER_COOKIE, "", OFFER, true));
        }
        OfferPage offer = opened.orElseThrow();
        boolean deadlinePassed = !clock.instant().isBefore(offer.deadline().toInstant());
        return page(200, Pages.offer(ex.text, offer, Pages.OfferState.of(offer.status(), deadlinePassed),
                visit.get().csrf()));
    }

    /** {@code POST /offer/accept}: books the slot (or moves the booking to it), or says why not. */
    private Answer acceptOffer(Exchange ex, Sessions.OfferVisit visit) {
        LinkResult<Outcome> result = selfService.acceptOffer(visit.token());
        if (result instanceof LinkResult.Denied<Outcome> denied) {
            return offerLinkGone(ex, visit, denied);
        }
        Outcome outcome = result.orElseThrow();
        if (outcome instanceof Outcome.Refused refused) {
            return page(409, Pages.offerRefused(ex.text, refused.refusal()));
        }
        Outcome.Done done = (Outcome.Done) outcome;
        boolean moved = done.events().stream().anyMatch(BookingEvent.Rescheduled.class::isInstance);
        LOG.info("self-service offer accepted: booking={}", done.booking().id());
        return page(200, Pages.offerBooked(ex.text, done, moved));
    }

    /** {@code POST /offer/decline}: no thanks; the customer keeps their place on the list. */
    private Answer declineOffer(Exchange ex, Sessions.OfferVisit visit) {
        LinkResult<WaitlistOutcome> result = selfService.declineOffer(visit.token());
        if (result instanceof LinkResult.Denied<WaitlistOutcome> denied) {
            return offerLinkGone(ex, visit, denied);
        }
        WaitlistOutcome outcome = result.orElseThrow();
        Optional<Refusal> refusal = outcome.asRefusal();
        if (refusal.isPresent()) {
            return page(409, Pages.offerRefused(ex.text, refusal.get()));
        }
        LOG.info("self-service offer declined: entry={}", outcome.entry().id());
        return page(200, Pages.offerDeclined(ex.text));
    }

    /** A POST of an offer visit: the visit, then its CSRF token, or 403 and nothing happens. */
    private Answer withOfferPost(Exchange ex, Function<Sessions.OfferVisit, Answer> then) {
        Optional<Sessions.OfferVisit> visit = sessions.offerVisits().find(ex.cookie(OFFER_COOKIE).orElse(null));
        if (visit.isEmpty()) {
            return offerVisitEnded(ex);
        }
        return visit.get().csrfMatches(ex.form.get("csrf")) ? then.apply(visit.get()) : csrfRefused(ex);
    }

    private Answer offerVisitEnded(Exchange ex) {
        return page(403, Pages.notice(ex.text, "error.session.title", "error.offerSession.text"))
                .cookie(cookie(OFFER_COOKIE, "", OFFER, true));
    }

    private Answer offerLinkGone(Exchange ex, Sessions.OfferVisit visit, LinkResult.Denied<?> denied) {
        sessions.offerVisits().remove(visit.id());
        return deniedPage(ex, denied).cookie(cookie(OFFER_COOKIE, "", OFFER, true));
    }

    // ------------------------------------------------------------------------ after the check

    private Answer sessionPage(Exchange ex, Sessions.Session s) {
        return withView(ex, s, view -> page(200, Pages.session(ex.text, view, s.csrf())));
    }

    private Answer cancelStep(Exchange ex, Sessions.Session s) {
        return withView(ex, s, view -> view.permissions().cancel() instanceof Refusal refusal
                ? page(409, Pages.refused(ex.text, refusal, true))
                : page(200, Pages.cancelStep(ex.text, view, s.csrf())));
    }

    private Answer reschedulePage(Exchange ex, Sessions.Session s) {
        return withView(ex, s, view -> {
            if (view.permissions().reschedule() instanceof Refusal refusal) {
                return page(409, Pages.refused(ex.text, refusal, true));
            }
            ZoneId zone = view.start().getZone();
            LocalDate today = LocalDate.now(clock.withZone(zone));
            LinkResult<List<Interval>> slots = selfService.freeSlots(s.grantToken(), today,
                    today.plusDays(FREE_SLOT_DAYS - 1L));
            if (slots instanceof LinkResult.Denied<List<Interval>> denied) {
                return deniedPage(ex, denied);
            }
            return page(200, Pages.reschedule(ex.text, view, slots.orElseThrow(), s.csrf()));
        });
    }

    private Answer donePage(Exchange ex, Sessions.Session s) {
        Sessions.Result last = s.last();
        if (last == null) {
            return redirect("/session");
        }
        return page(200, Pages.done(ex.text, last.change(), last.done()));
    }

    private Answer confirm(Exchange ex, Sessions.Session s) {
        return changed(ex, s, Pages.Change.CONFIRMED, selfService.confirm(s.grantToken()));
    }

    private Answer decline(Exchange ex, Sessions.Session s) {
        String reason = reasonOf(ex);
        if (reason != null && reason.length() > Pages.MAX_REASON) {
            return reasonTooLong(ex);
        }
        return changed(ex, s, Pages.Change.DECLINED, selfService.decline(s.grantToken(), reason));
    }

    private Answer cancel(Exchange ex, Sessions.Session s) {
        String reason = reasonOf(ex);
        if (reason != null && reason.length() > Pages.MAX_REASON) {
            return reasonTooLong(ex);
        }
        return changed(ex, s, Pages.Change.CANCELLED, selfService.cancel(s.grantToken(), reason));
    }

    private Answer reschedule(Exchange ex, Sessions.Session s) {
        String slot = ex.form.get("slot");
        Instant start;
        try {
            start = Instant.parse(slot == null ? "" : slot.strip());
        } catch (DateTimeParseException e) {
            return badRequest(ex);
        }
        return changed(ex, s, Pages.Change.RESCHEDULED, selfService.reschedule(s.grantToken(), start));
    }

    private Answer endSession(Exchange ex, Sessions.Session s) {
        sessions.end(s.id());
        return page(200, Pages.notice(ex.text, "signedOut.title", "signedOut.text"))
                .cookie(cookie(SESSION_COOKIE, "", "/", true));
    }

    /** A change went through: post, redirect, get, so a reload does not post again. */
    private Answer changed(Exchange ex, Sessions.Session s, Pages.Change change, LinkResult<Outcome> result) {
        if (result instanceof LinkResult.Denied<Outcome> denied) {
            return deniedPage(ex, denied);
        }
        Outcome outcome = result.orElseThrow();
        if (outcome instanceof Outcome.Refused refused) {
            return page(409, Pages.refused(ex.text, refused.refusal(), true));
        }
        s.last(new Sessions.Result(change, (Outcome.Done) outcome));
        Booking after = ((Outcome.Done) outcome).booking();
        LOG.info("self-service {} booking={} done", change, after.id());
        return redirect("/session/done");
    }

    private Answer withView(Exchange ex, Sessions.Session s, Function<ManageView, Answer> render) {
        LinkResult<ManageView> opened = selfService.open(s.manageToken());
        if (opened instanceof LinkResult.Denied<ManageView> denied) {
            // After a cancel or decline in this session the link no longer opens: show what was done.
            Sessions.Result last = s.last();
            return last != null && !last.done().booking().isActive() ? redirect("/session/done")
                    : deniedPage(ex, denied);
        }
        return render.apply(opened.orElseThrow());
    }

    private Answer withSession(Exchange ex, BiFunction<Exchange, Sessions.Session, Answer> then) {
        Optional<Sessions.Session> session = sessions.find(ex.cookie(SESSION_COOKIE).orElse(null));
        if (session.isEmpty()) {
            return page(403, Pages.notice(ex.text, "error.session.title", "error.session.text"))
                    .cookie(cookie(SESSION_COOKIE, "", "/", true));
        }
        return then.apply(ex, session.get());
    }

    /** A POST of a session: the session, then its CSRF token, or 403 and nothing happens. */
    private Answer withPost(Exchange ex, Function<Sessions.Session, Answer> then) {
        return withSession(ex, (e, s) -> s.csrfMatches(e.form.get("csrf")) ? then.apply(s) : csrfRefused(e));
    }

    /** The optional reason of a form, stripped; null when blank. */
    private static String reasonOf(Exchange ex) {
        String reason = ex.form.get("reason");
        return reason == null || reason.isBlank() ? null : reason.strip();
    }

    // --------------------------------------------------------------------------------- answers

    /**
     * A denial's page. The codes this page knows have their status; any other (the library may add
     * codes) answers 403 with the library's own sentence for it.
     */
    private static Answer deniedPage(Exchange ex, LinkResult.Denied<?> denied) {
        int status = switch (denied.denial()) {
            case LINK_INVALID -> 404;
            case WRONG_ANSWER -> 422;
            case LOCKED -> 429;
            default -> 403;
        };
        return page(status, Pages.denied(ex.text, denied));
    }

    private static Answer csrfRefused(Exchange ex) {
        return page(403, Pages.notice(ex.text, "error.csrf.title", "error.csrf.text"));
    }

    private static Answer tooLarge(Exchange ex) {
        return page(413, Pages.notice(ex.text, "error.tooLarge.title", "error.tooLarge.text"));
    }

    private static Answer badRequest(Exchange ex) {
        return page(400, Pages.notice(ex.text, "error.badRequest.title", "error.badRequest.text"));
    }

    private static Answer reasonTooLong(Exchange ex) {
        return page(400, Pages.noticeText(ex.text, "error.badRequest.title",
                ex.text.get("error.reasonTooLong", Pages.MAX_REASON)));
    }

    private static Answer page(int status, String html) {
        return new Answer(status, HTML, html.getBytes(StandardCharsets.UTF_8));
    }

    private static Answer redirect(String path) {
        return new Answer(303, null, new byte[0]).header("Location", path);
    }

    /** The origin a POST's {@code Origin} must name. */
    private String ownOrigin() {
        return publicBaseUrl();
    }

    private String cookie(String name, String value, String path, boolean clear) {
        return name + "=" + value + "; Path=" + path + "; HttpOnly; SameSite=Strict"
                + (secureCookies ? "; Secure" : "") + (clear ? "; Max-Age=0" : "");
    }

    /** The headers every response sends, Jetty's error pages included. */
    private static void securityHeaders(HttpFields.Mutable h) {
        h.put("Referrer-Policy", REFERRER_POLICY);
        h.put("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        h.put("X-Content-Type-Options", "nosniff");
        h.put("X-Frame-Options", "DENY");
        h.put("Cache-Control", "no-store");
        h.put("Cross-Origin-Opener-Policy", "same-origin");
        h.put("Cross-Origin-Resource-Policy", "same-origin");
    }

    private static void send(Exchange ex, Response response, Callback callback, Answer answer) {
        response.setStatus(answer.status);
        HttpFields.Mutable h = response.getHeaders();
        securityHeaders(h);
        if (answer.contentType != null) {
            h.put(HttpHeader.CONTENT_TYPE, answer.contentType);
        }
        for (String[] header : answer.headers) {
            h.add(header[0], header[1]);
        }
        response.write(true, ByteBuffer.wrap(answer.body), callback);
        LOG.debug("{} {} -> {}", ex.method(), ex.route, answer.status);
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

    /**
     * Jetty's error pages (a malformed request line, headers too large, a failure in a handler):
     * the status and its reason phrase, with the security headers, and nothing of the request, so
     * no path (and no token) is echoed.
     */
    private static final class ErrorPage extends Handler.Abstract.NonBlocking {

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            int status = request.getAttribute(ErrorHandler.ERROR_STATUS) instanceof Integer s ? s
                    : response.getStatus();
            if (status < 400 || status > 599) {
                status = 500;
            }
            response.setStatus(status);
            HttpFields.Mutable h = response.getHeaders();
            securityHeaders(h);
            h.put(HttpHeader.CONTENT_TYPE, HTML);
            String reason = HttpStatus.getMessage(status);
            String body = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + status + " "
                    + Html.esc(reason) + "</title></head><body><h1>" + status + " " + Html.esc(reason)
                    + "</h1></body></html>\n";
            response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
            return true;
        }
    }

    /**
     * Reads a request body without holding a thread while the client is slow: chunks as they come,
     * at most {@value #MAX_BODY_BYTES} bytes, then {@code done} on a pool thread (null when too
     * large).
     */
    private static final class BodyReader implements Runnable {
        private final Request request;
        private final Consumer<byte[]> done;
        private final Consumer<Throwable> failed;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();

        BodyReader(Request request, Consumer<byte[]> done, Consumer<Throwable> failed) {
            this.request = request;
            this.done = done;
            this.failed = failed;
        }

        @Override
        public void run() {
            while (true) {
                Content.Chunk chunk = request.read();
                if (chunk == null) {
                    request.demand(this);
                    return;
                }
                if (Content.Chunk.isFailure(chunk)) {
                    failed.accept(chunk.getFailure());
                    return;
                }
                int size = chunk.remaining();
                if (body.size() + size > MAX_BODY_BYTES) {
                    chunk.release();
                    done.accept(null);
                    return;
                }
                byte[] bytes = new byte[size];
                chunk.get(bytes, 0, size);
                body.write(bytes, 0, size);
                boolean last = chunk.isLast();
                chunk.release();
                if (last) {
                    done.accept(body.toByteArray());
                    return;
                }
            }
        }
    }

    /** What to send: status, type, body and extra headers (the security headers are added to all). */
    private static final class Answer {
        private final int status;
        private final String contentType;
        private final byte[] body;
        private final List<String[]> headers = new ArrayList<>();

        Answer(int status, String contentType, byte[] body) {
            this.status = status;
            this.contentType = contentType;
            this.body = body;
        }

        Answer header(String name, String value) {
            headers.add(new String[] {name, value});
            return this;
        }

        Answer cookie(String value) {
            return header("Set-Cookie", value);
        }
    }

    /** One request: method, path, its fixed route name for logs, cookies, language, and the form of a POST. */
    private static final class Exchange {
        private final String method;
        private final String path;
        private final String route;
        private final PageText text;
        /** {@code Sec-Fetch-Site}, or null. */
        private final String fetchSite;
        private final Map<String, String> cookies = new HashMap<>();
        /** The decoded body of a POST that passed {@link PostChecks}; empty for other methods. */
        private Map<String, String> form = Map.of();

        Exchange(Request request) {
            this.method = request.getMethod();
            String raw = request.getHttpURI().getPath();
            this.path = raw == null ? "" : raw;
            this.route = routeName(path);
            this.text = PageText.forAcceptLanguage(request.getHeaders().get(HttpHeader.ACCEPT_LANGUAGE));
            this.fetchSite = request.getHeaders().get("Sec-Fetch-Site");
            for (HttpCookie c : Request.getCookies(request)) {
                cookies.putIfAbsent(c.getName(), c.getValue());
            }
        }

        /** The route for logs: a fixed name, never the token, never a path the page does not serve. */
        private static String routeName(String path) {
            if (MANAGE_PATH.matcher(path).matches()) {
                return "/m/*";
            }
            return ROUTES.contains(path) ? path : "(unmatched)";
        }

        /** @return the method for logs: a standard one, or {@code OTHER} */
        String method() {
            return METHODS.contains(method) ? method : "OTHER";
        }

        boolean is(String m) {
            return method.equals(m);
        }

        /** Empty when the method is the allowed one; a 405 otherwise. */
        Optional<Answer> only(String allowed) {
            if (method.equals(allowed)) {
                return Optional.empty();
            }
            return Optional.of(page(405, Pages.notice(text, "error.method.title", "error.method.text"))
                    .header("Allow", allowed));
        }

        Optional<String> cookie(String name) {
            return Optional.ofNullable(cookies.get(name));
        }
    }

    /** Builds {@link SelfServiceServer}. Not thread-safe. */
    public static final class Builder {
        private final SelfService selfService;
        private Clock clock = Clock.systemUTC();
        private String host = "127.0.0.1";
        private int port = DEFAULT_PORT;
        private boolean secureCookies;
        private String publicBaseUrl;
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private Duration requestHeaderTimeout = DEFAULT_REQUEST_HEADER_TIMEOUT;
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private int maxSessions = DEFAULT_MAX_SESSIONS;
        private int sessionsPerBooking = DEFAULT_SESSIONS_PER_BOOKING;

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
         * @throws IllegalArgumentException if not 0 to 65535
         */
        public Builder port(int v) {
            if (v < 0 || v > 65_535) {
                throw new IllegalArgumentException("port must be 0 to 65535, was " + v);
            }
            port = v;
            return this;
        }

        /**
         * @param v whether cookies carry {@code Secure} even when the public base URL is not
         *     {@code https}; default off. With an {@code https} public base URL they always do.
         * @return this
         */
        public Builder secureCookies(boolean v) {
            secureCookies = v;
            return this;
        }

        /**
         * The URL patients reach the page at, when it is not the bound address: behind a TLS
         * proxy, for example {@code https://clinic.example}. Its origin is the only one a POST's
         * {@code Origin} may name, an {@code https} URL makes every cookie {@code Secure}, and
         * {@link SelfServiceServer#manageUrl(String)} starts with it. Default: none, the bound
         * address.
         *
         * @param v an absolute {@code http} or {@code https} URL with a host, and no path, query,
         *     fragment or user info; a trailing slash is dropped; not null
         * @return this
         * @throws IllegalArgumentException if it is not such a URL
         */
        public Builder publicBaseUrl(String v) {
            Objects.requireNonNull(v, "publicBaseUrl");
            String url = v.endsWith("/") ? v.substring(0, v.length() - 1) : v;
            URI uri;
            try {
                uri = new URI(url);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("publicBaseUrl must be an absolute http(s) URL, was '" + v + "'", e);
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null
                    || uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null
                    || !(uri.getRawPath() == null || uri.getRawPath().isEmpty())) {
                throw new IllegalArgumentException("publicBaseUrl must be an absolute http(s) URL with a host and no "
                        + "path, query, fragment or user info, was '" + v + "'");
            }
            int defaultPort = scheme.equals("https") ? 443 : 80;
            String hostPart = uri.getHost().toLowerCase(Locale.ROOT);
            publicBaseUrl = scheme + "://" + hostPart
                    + (uri.getPort() < 0 || uri.getPort() == defaultPort ? "" : ":" + uri.getPort());
            return this;
        }

        /**
         * @param v how long a connection may stay silent before it is closed, 1 second to 5
         *     minutes; default {@link SelfServiceServer#DEFAULT_IDLE_TIMEOUT}
         * @return this
         * @throws IllegalArgumentException if out of range
         */
        public Builder idleTimeout(Duration v) {
            idleTimeout = between("idleTimeout", v, Duration.ofSeconds(1), Duration.ofMinutes(5));
            return this;
        }

        /**
         * @param v how long a request head may take from its first byte, however slowly it comes,
         *     and a body from when the page starts reading it; 1 second to 1 minute; default
         *     {@link SelfServiceServer#DEFAULT_REQUEST_HEADER_TIMEOUT}
         * @return this
         * @throws IllegalArgumentException if out of range
         */
        public Builder requestHeaderTimeout(Duration v) {
            requestHeaderTimeout = between("requestHeaderTimeout", v, Duration.ofSeconds(1), Duration.ofMinutes(1));
            return this;
        }

        /**
         * @param v most connections open at once, 16 to 100,000; default
         *     {@value SelfServiceServer#DEFAULT_MAX_CONNECTIONS}
         * @return this
         * @throws IllegalArgumentException if out of range
         */
        public Builder maxConnections(int v) {
            maxConnections = between("maxConnections", v, 16, 100_000);
            return this;
        }

        /**
         * @param v most sessions kept at once, and most pre-sessions, 10 to 1,000,000; when full the
         *     oldest goes; default {@value SelfServiceServer#DEFAULT_MAX_SESSIONS}
         * @return this
         * @throws IllegalArgumentException if out of range
         */
        public Builder maxSessions(int v) {
            maxSessions = between("maxSessions", v, 10, 1_000_000);
            return this;
        }

        /**
         * @param v most sessions, and most pre-sessions, of one booking's link, 1 to 100; one more
         *     ends the oldest; default {@value SelfServiceServer#DEFAULT_SESSIONS_PER_BOOKING}
         * @return this
         * @throws IllegalArgumentException if out of range
         */
        public Builder sessionsPerBooking(int v) {
            sessionsPerBooking = between("sessionsPerBooking", v, 1, 100);
            return this;
        }

        /**
         * Builds the server; {@link SelfServiceServer#start()} binds it.
         *
         * @return the server
         * @throws IllegalArgumentException if {@code sessionsPerBooking} exceeds {@code maxSessions}
         */
        public SelfServiceServer build() {
            if (sessionsPerBooking > maxSessions) {
                throw new IllegalArgumentException("sessionsPerBooking must not exceed maxSessions (" + maxSessions
                        + "), was " + sessionsPerBooking);
            }
            return new SelfServiceServer(this);
        }

        private static Duration between(String field, Duration v, Duration min, Duration max) {
            Objects.requireNonNull(v, field);
            if (v.compareTo(min) < 0 || v.compareTo(max) > 0) {
                throw new IllegalArgumentException(field + " must be " + min + " to " + max + ", was " + v);
            }
            return v;
        }

        private static int between(String field, int v, int min, int max) {
            if (v < min || v > max) {
                throw new IllegalArgumentException(field + " must be " + min + " to " + max + ", was " + v);
            }
            return v;
        }
    }
}
