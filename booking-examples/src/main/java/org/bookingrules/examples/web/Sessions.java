package org.bookingrules.examples.web;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bookingrules.Outcome;
import org.bookingrules.links.Grant;

/**
 * Server-side state of the page: the sessions that hold a {@link Grant} after the identity check,
 * and the CSRF tokens. Thread-safe.
 *
 * <p>Before the identity check there is no server state: the identity form's CSRF token is an HMAC
 * of a random pre-session cookie under a key only this process knows (a signed double-submit
 * token). After it, each session has its own random CSRF token. Every comparison uses
 * {@link MessageDigest#isEqual}. A session ends when its grant expires.
 */
final class Sessions {

    /** Random ids and tokens: 32 bytes, base64url, 43 characters. */
    private static final Pattern RANDOM_ID = Pattern.compile("[A-Za-z0-9_-]{43}");
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final String HMAC = "HmacSHA256";

    /** A customer's session after a passed identity check. The grant never leaves the server. */
    static final class Session {
        private final String id;
        private final String csrf;
        private final String manageToken;
        private final Grant grant;
        private volatile Result last;

        private Session(String id, String csrf, String manageToken, Grant grant) {
            this.id = id;
            this.csrf = csrf;
            this.manageToken = manageToken;
            this.grant = grant;
        }

        /** @return the cookie value */
        String id() {
            return id;
        }

        /** @return the CSRF token every form of this session carries */
        String csrf() {
            return csrf;
        }

        /** @return the manage token the session was opened with, to show the appointment */
        String manageToken() {
            return manageToken;
        }

        /** @return the grant's token, for the actions */
        String grantToken() {
            return grant.token();
        }

        /** @return the last change done, for its success page (post, redirect, get), or null */
        Result last() {
            return last;
        }

        void last(Result result) {
            last = result;
        }

        /**
         * @param given the token a form carried, may be null
         * @return whether it is this session's token
         */
        boolean csrfMatches(String given) {
            return given != null && MessageDigest.isEqual(csrf.getBytes(StandardCharsets.US_ASCII),
                    given.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** A change done in a session, for its success page. */
    record Result(Pages.Change change, Outcome.Done done) {
    }

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final SecretKeySpec formKey;
    private final Clock clock;
    private final int maxSessions;

    /**
     * @param clock the clock that ends sessions with their grants
     * @param maxSessions most sessions kept at once
     */
    Sessions(Clock clock, int maxSessions) {
        this.clock = clock;
        this.maxSessions = maxSessions;
        byte[] key = new byte[32];
        random.nextBytes(key);
        this.formKey = new SecretKeySpec(key, HMAC);
    }

    /** @return a fresh random id or token */
    String randomId() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return B64.encodeToString(bytes);
    }

    /**
     * @param value a cookie value, may be null
     * @return whether it has the form of an id this class makes
     */
    static boolean isRandomId(String value) {
        return value != null && RANDOM_ID.matcher(value).matches();
    }

    /**
     * The identity form's CSRF token for a pre-session cookie.
     *
     * @param preSessionId the cookie's value
     * @return the token
     */
    String formToken(String preSessionId) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(formKey);
            return B64.encodeToString(mac.doFinal(("identity-form\n" + preSessionId).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is required of every Java platform", e);
        }
    }

    /**
     * @param preSessionId the pre-session cookie, may be null
     * @param given the token the form carried, may be null
     * @return whether the token belongs to that cookie
     */
    boolean formTokenMatches(String preSessionId, String given) {
        if (!isRandomId(preSessionId) || given == null) {
            return false;
        }
        return MessageDigest.isEqual(formToken(preSessionId).getBytes(StandardCharsets.US_ASCII),
                given.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Opens a session for a passed identity check, with a new id (never one the client chose).
     *
     * @param manageToken the link's token
     * @param grant the grant
     * @return the session, or empty when the server holds too many
     */
    Optional<Session> open(String manageToken, Grant grant) {
        Instant now = clock.instant();
        sessions.values().removeIf(s -> expired(s, now));
        if (sessions.size() >= maxSessions) {
            return Optional.empty();
        }
        Session session = new Session(randomId(), randomId(), manageToken, grant);
        sessions.put(session.id(), session);
        return Optional.of(session);
    }

    /**
     * @param id the session cookie, may be null
     * @return the live session, or empty (unknown, malformed or expired; an expired one is dropped)
     */
    Optional<Session> find(String id) {
        if (!isRandomId(id)) {
            return Optional.empty();
        }
        Session session = sessions.get(id);
        if (session == null) {
            return Optional.empty();
        }
        if (expired(session, clock.instant())) {
            sessions.remove(id, session);
            return Optional.empty();
        }
        return Optional.of(session);
    }

    /**
     * Ends a session.
     *
     * @param id the session cookie, may be null
     */
    void end(String id) {
        if (id != null) {
            sessions.remove(id);
        }
    }

    private static boolean expired(Session session, Instant now) {
        return now.isAfter(session.grant.expiresAt());
    }
}
