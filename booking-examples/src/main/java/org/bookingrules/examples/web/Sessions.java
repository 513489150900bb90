package org.bookingrules.examples.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.bookingrules.Outcome;
import org.bookingrules.links.Grant;

/**
 * Server-side state of the page, named by random cookie values: the <em>pre-sessions</em> that hold a
 * manage link's token after it was opened (so the token leaves the address bar at once), and the
 * <em>sessions</em> that hold a {@link Grant} after the identity check. Each has its own random
 * CSRF token; every comparison uses {@link MessageDigest#isEqual}. A third table holds the
 * <em>offer visits</em>: an opened offer link of the cancellation list, kept the same way as a
 * pre-session (the token out of the URL, a random id in a cookie, a CSRF token for its two forms);
 * an offer needs no identity check, so a visit never becomes a session. Thread-safe: each table
 * has its own lock.
 *
 * <p>Bounded so that no holder of one link can crowd out other patients:
 * <ul>
 *   <li>each link keeps at most {@code perLink} pre-sessions and {@code perLink} sessions: a new one
 *       ends the oldest of the same link, never a session of another link. A booking's link is one
 *       string until its time changes or its links are revoked (tokens are deterministic), so in
 *       practice this is a cap per booking;</li>
 *   <li>each table keeps at most {@code max} entries: when full, expired entries go first, then
 *       the oldest entry of all. A new check is never refused for lack of room, so filling the
 *       table takes {@code max / perLink} different links and their right answers, and still
 *       refuses no one.</li>
 * </ul>
 * A pre-session ends after {@code preSessionTtl}, when its identity check passes (it becomes a
 * session), or when its link stops working; a session ends when its grant expires or on sign-out.
 * An offer visit ends after {@code preSessionTtl} too, or when its link stops working; the same
 * caps apply to it, per offer link.
 */
final class Sessions {

    /** Random ids and tokens: 32 bytes, base64url, 43 characters. */
    private static final Pattern RANDOM_ID = Pattern.compile("[A-Za-z0-9_-]{43}");
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    /**
     * An opened link kept here instead of in the URL: a random id for its cookie, a random CSRF token
     * for its forms, the link's token, and when it ends. Immutable.
     */
    sealed interface LinkVisit permits PreSession, OfferVisit {

        /** @return the cookie value */
        String id();

        /** @return the CSRF token of the link's forms */
        String csrf();

        /** @return the link's token */
        String token();

        /** @return when the visit ends */
        Instant expiresAt();

        /**
         * @param given the token a form carried, may be null
         * @return whether it is this visit's token
         */
        default boolean csrfMatches(String given) {
            return Sessions.matches(csrf(), given);
        }
    }

    /**
     * An opened manage link before the identity check.
     *
     * @param id the cookie value
     * @param csrf the CSRF token of the identity form
     * @param token the manage link's token
     * @param expiresAt when the pre-session ends
     */
    record PreSession(String id, String csrf, String token, Instant expiresAt) implements LinkVisit {
    }

    /**
     * A customer's session after a passed identity check. The grant never leaves the server.
     *
     * @param id the cookie value
     * @param csrf the CSRF token every form of this session carries
     * @param manageToken the manage token the session was opened with, to show the appointment
     * @param grant what the identity check granted
     * @param lastChange the last change done in the session, empty until the first
     */
    record Session(String id, String csrf, String manageToken, Grant grant, AtomicReference<Result> lastChange) {

        /** @return the grant's token, for the actions */
        String grantToken() {
            return grant.token();
        }

        /** @return the last change done, for its success page (post, redirect, get), or null */
        Result last() {
            return lastChange.get();
        }

        void last(Result result) {
            lastChange.set(result);
        }

        /**
         * @param given the token a form carried, may be null
         * @return whether it is this session's token
         */
        boolean csrfMatches(String given) {
            return Sessions.matches(csrf, given);
        }
    }

    /**
     * An opened offer link of the cancellation list.
     *
     * @param id the cookie value
     * @param csrf the CSRF token of the offer's forms
     * @param token the offer link's token
     * @param expiresAt when the visit ends
     */
    record OfferVisit(String id, String csrf, String token, Instant expiresAt) implements LinkVisit {
    }

    /** A change done in a session, for its success page. */
    record Result(Pages.Change change, Outcome.Done done) {
    }

    private final Visits<PreSession> preSessions;
    private final Table<Session> sessions;
    private final Visits<OfferVisit> offerVisits;
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    private final Duration preSessionTtl;

    /**
     * @param clock the clock that ends pre-sessions and sessions
     * @param max most pre-sessions, and most sessions, kept at once
     * @param perLink most pre-sessions, and most sessions, of one link
     * @param preSessionTtl how long an opened link waits for its identity check
     */
    Sessions(Clock clock, int max, int perLink, Duration preSessionTtl) {
        this.clock = clock;
        this.preSessionTtl = preSessionTtl;
        this.preSessions = new Visits<>(max, perLink, PreSession::new);
        this.sessions = new Table<>(clock, max, perLink, Session::id, Session::manageToken,
                s -> s.grant().expiresAt());
        this.offerVisits = new Visits<>(max, perLink, OfferVisit::new);
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

    /** @return the pre-sessions: opened manage links waiting for their identity check */
    Visits<PreSession> preSessions() {
        return preSessions;
    }

    /** @return the visits of opened offer links */
    Visits<OfferVisit> offerVisits() {
        return offerVisits;
    }

    /**
     * Turns a pre-session whose identity check passed into a session, with new ids (never ones the
     * client chose), ending the oldest session of the same link beyond the cap.
     *
     * @param pre the pre-session, ended here
     * @param grant the grant
     * @return the session
     */
    Session open(PreSession pre, Grant grant) {
        preSessions.remove(pre.id());
        return sessions.put(new Session(randomId(), randomId(), pre.token(), grant, new AtomicReference<>()));
    }

    /**
     * @param id the session cookie, may be null
     * @return the live session, or empty (unknown, malformed or expired; an expired one is dropped)
     */
    Optional<Session> find(String id) {
        return sessions.find(id);
    }

    /**
     * Ends a session.
     *
     * @param id the session cookie, may be null
     */
    void end(String id) {
        sessions.remove(id);
    }

    /**
     * @param manageToken a link's token
     * @return how many sessions of that link are kept (expired ones included until dropped)
     */
    int sessionsOf(String manageToken) {
        return sessions.countOf(manageToken);
    }

    /** @return how many sessions are kept */
    int sessionCount() {
        return sessions.size();
    }

    private static boolean matches(String expected, String given) {
        return given != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                given.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Entries by id, oldest first, with a cap per link and a cap in all; full means the oldest goes.
     * An entry ends at its expiry on the clock; an expired one is dropped when met. Every method holds
     * the table's lock, so the caps hold under concurrent opens.
     */
    static class Table<T> {
        private final Clock clock;
        private final int max;
        private final int perLink;
        private final Function<T, String> idOf;
        private final Function<T, String> linkOf;
        private final Function<T, Instant> expiresAt;
        /** Insertion order: the first entry is the oldest. */
        private final LinkedHashMap<String, T> byId = new LinkedHashMap<>();
        /** The ids of each link, oldest first. */
        private final Map<String, Deque<String>> byLink = new HashMap<>();

        Table(Clock clock, int max, int perLink, Function<T, String> idOf, Function<T, String> linkOf,
                Function<T, Instant> expiresAt) {
            this.clock = clock;
            this.max = max;
            this.perLink = perLink;
            this.idOf = idOf;
            this.linkOf = linkOf;
            this.expiresAt = expiresAt;
        }

        /**
         * Adds an entry, making room first.
         *
         * @return the entry
         */
        synchronized T put(T entry) {
            Predicate<T> expired = expiredAt(clock.instant());
            // Entries live equally long, so insertion order is expiry order: drop expired ones from
            // the front, cheaply, on every put.
            Iterator<T> oldest = byId.values().iterator();
            while (oldest.hasNext()) {
                T first = oldest.next();
                if (!expired.test(first)) {
                    break;
                }
                unlinkLocked(first);
                oldest.remove();
            }
            String link = linkOf.apply(entry);
            Deque<String> ofLink = byLink.get(link);
            while (ofLink != null && ofLink.size() >= perLink) {
                removeLocked(ofLink.peekFirst());
                ofLink = byLink.get(link);
            }
            while (byId.size() >= max) {
                removeLocked(byId.keySet().iterator().next());
            }
            String id = idOf.apply(entry);
            byId.put(id, entry);
            byLink.computeIfAbsent(link, k -> new ArrayDeque<>()).addLast(id);
            return entry;
        }

        /** @param id a cookie value, may be null or malformed: then there is no such entry */
        synchronized Optional<T> find(String id) {
            T entry = isRandomId(id) ? byId.get(id) : null;
            if (entry == null) {
                return Optional.empty();
            }
            if (expiredAt(clock.instant()).test(entry)) {
                removeLocked(id);
                return Optional.empty();
            }
            return Optional.of(entry);
        }

        /**
         * Ends an entry.
         *
         * @param id a cookie value, may be null
         */
        synchronized void remove(String id) {
            if (id != null) {
                removeLocked(id);
            }
        }

        /** @return how many entries of the link are kept (expired ones included until dropped) */
        synchronized int countOf(String link) {
            Deque<String> ofLink = byLink.get(link);
            return ofLink == null ? 0 : ofLink.size();
        }

        /** @return how many entries are kept */
        synchronized int size() {
            return byId.size();
        }

        private Predicate<T> expiredAt(Instant now) {
            return entry -> now.isAfter(expiresAt.apply(entry));
        }

        private void removeLocked(String id) {
            T entry = byId.remove(id);
            if (entry != null) {
                unlinkLocked(entry);
            }
        }

        private void unlinkLocked(T entry) {
            String link = linkOf.apply(entry);
            Deque<String> ofLink = byLink.get(link);
            if (ofLink != null) {
                ofLink.remove(idOf.apply(entry));
                if (ofLink.isEmpty()) {
                    byLink.remove(link);
                }
            }
        }
    }

    /**
     * A table of opened links of one kind, each ending {@code preSessionTtl} after it opened.
     *
     * @param <T> the kind of visit
     */
    final class Visits<T extends LinkVisit> extends Table<T> {
        private final VisitFactory<T> factory;

        private Visits(int max, int perLink, VisitFactory<T> factory) {
            super(clock, max, perLink, LinkVisit::id, LinkVisit::token, LinkVisit::expiresAt);
            this.factory = factory;
        }

        /**
         * Starts a visit of a link that opened, ending the oldest of the same link beyond the cap.
         *
         * @param token the link's token, valid when this is called
         * @return the visit
         */
        T open(String token) {
            return put(factory.create(randomId(), randomId(), token, clock.instant().plus(preSessionTtl)));
        }
    }

    /** Makes a visit from its parts, as the records' constructors do. */
    @FunctionalInterface
    private interface VisitFactory<T> {
        T create(String id, String csrf, String token, Instant expiresAt);
    }
}
