package org.bookingrules.examples.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.bookingrules.links.Grant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.threeten.extra.MutableClock;

/** The caps of the page's server-side state: per link, and in all, both evicting, never refusing. */
@DisplayName("Sessions")
class SessionsTest {

    private static final Instant NOW = Instant.parse("2026-03-02T09:00:00Z");

    private final MutableClock clock = MutableClock.of(NOW, ZoneOffset.UTC);

    @Test
    @DisplayName("10,000 sessions of one link keep the newest five; another link's session is untouched")
    void perLinkCapEvictsTheOldestOfThatLink() {
        Sessions sessions = new Sessions(clock, 10_000, 5, Duration.ofMinutes(30));
        Sessions.Session other = sessions.open(sessions.openPreSession("other.link"), grant());
        List<Sessions.Session> flood = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            flood.add(sessions.open(sessions.openPreSession("flood.link"), grant()));
        }

        assertThat(sessions.sessionsOf("flood.link")).isEqualTo(5);
        assertThat(sessions.preSessionsOf("flood.link")).isZero();
        assertThat(sessions.sessionCount()).isEqualTo(6);
        assertThat(flood.subList(flood.size() - 5, flood.size())).allSatisfy(s ->
                assertThat(sessions.find(s.id())).contains(s));
        assertThat(sessions.find(flood.get(0).id())).isEmpty();
        assertThat(sessions.find(other.id())).contains(other);
    }

    @Test
    @DisplayName("Pre-sessions are capped per link the same way")
    void preSessionsAreCappedPerLink() {
        Sessions sessions = new Sessions(clock, 10_000, 5, Duration.ofMinutes(30));
        Sessions.PreSession other = sessions.openPreSession("other.link");
        for (int i = 0; i < 1_000; i++) {
            sessions.openPreSession("flood.link");
        }
        assertThat(sessions.preSessionsOf("flood.link")).isEqualTo(5);
        assertThat(sessions.findPreSession(other.id())).contains(other);
    }

    @Test
    @DisplayName("When the table is full the oldest session of all goes; a new one is never refused")
    void fullTableEvictsTheOldestAndRefusesNoOne() {
        Sessions sessions = new Sessions(clock, 10, 5, Duration.ofMinutes(30));
        List<Sessions.Session> opened = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            opened.add(sessions.open(sessions.openPreSession("link-" + i), grant()));
            clock.add(Duration.ofSeconds(1));
        }
        assertThat(sessions.sessionCount()).isEqualTo(10);
        assertThat(sessions.find(opened.get(0).id())).isEmpty();
        assertThat(sessions.find(opened.get(1).id())).isEmpty();
        assertThat(opened.subList(2, 12)).allSatisfy(s -> assertThat(sessions.find(s.id())).contains(s));
    }

    @Test
    @DisplayName("Expired sessions and pre-sessions are dropped; a session is named by a new id, not the "
            + "pre-session's")
    void expiry() {
        Sessions sessions = new Sessions(clock, 100, 5, Duration.ofMinutes(30));
        Sessions.PreSession pre = sessions.openPreSession("a.link");
        Sessions.Session session = sessions.open(pre, grant());
        assertThat(session.id()).isNotEqualTo(pre.id());
        assertThat(session.csrf()).isNotEqualTo(pre.csrf());
        assertThat(sessions.findPreSession(pre.id())).isEmpty();
        Sessions.PreSession waiting = sessions.openPreSession("a.link");

        clock.add(Duration.ofMinutes(16));
        assertThat(sessions.find(session.id())).as("the grant expired").isEmpty();
        assertThat(sessions.findPreSession(waiting.id())).isPresent();
        clock.add(Duration.ofMinutes(15));
        assertThat(sessions.findPreSession(waiting.id())).isEmpty();
        assertThat(sessions.find(null)).isEmpty();
        assertThat(sessions.find("not-an-id")).isEmpty();
    }

    @Test
    @DisplayName("Offer visits are capped per offer link, end after the pre-session time, and are apart from "
            + "pre-sessions: an offer visit's id opens no pre-session")
    void offerVisits() {
        Sessions sessions = new Sessions(clock, 10_000, 5, Duration.ofMinutes(30));
        Sessions.OfferVisit other = sessions.openOfferVisit("other.offer");
        for (int i = 0; i < 1_000; i++) {
            sessions.openOfferVisit("flood.offer");
        }
        assertThat(sessions.offerVisitsOf("flood.offer")).isEqualTo(5);
        assertThat(sessions.offerVisitCount()).isEqualTo(6);
        assertThat(sessions.findOfferVisit(other.id())).contains(other);
        assertThat(sessions.findPreSession(other.id())).isEmpty();
        assertThat(other.csrfMatches(other.csrf())).isTrue();
        assertThat(other.csrfMatches(other.id())).isFalse();
        assertThat(other.csrfMatches(null)).isFalse();

        clock.add(Duration.ofMinutes(31));
        assertThat(sessions.findOfferVisit(other.id())).isEmpty();
    }

    private Grant grant() {
        return new Grant("grant.token", clock.instant().plus(Duration.ofMinutes(15)));
    }
}
