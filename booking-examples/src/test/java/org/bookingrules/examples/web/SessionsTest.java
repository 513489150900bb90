package org.bookingrules.examples.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.bookingrules.links.Grant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
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
        Sessions.Session other = sessions.open(sessions.preSessions().open("other.link"), grant());
        List<Sessions.Session> flood = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            flood.add(sessions.open(sessions.preSessions().open("flood.link"), grant()));
        }

        assertThat(sessions.sessionsOf("flood.link")).isEqualTo(5);
        assertThat(sessions.preSessions().countOf("flood.link")).isZero();
        assertThat(sessions.sessionCount()).isEqualTo(6);
        assertThat(flood.subList(flood.size() - 5, flood.size())).allSatisfy(s ->
                assertThat(sessions.find(s.id())).contains(s));
        assertThat(sessions.find(flood.get(0).id())).isEmpty();
        assertThat(sessions.find(other.id())).contains(other);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("visitTables")
    @DisplayName("Pre-sessions and offer visits are capped per link the same way; another link's are untouched")
    void visitsAreCappedPerLink(Function<Sessions, Sessions.Visits<?>> table) {
        assertCappedPerLink(table.apply(new Sessions(clock, 10_000, 5, Duration.ofMinutes(30))));
    }

    @Test
    @DisplayName("When the table is full the oldest session of all goes; a new one is never refused")
    void fullTableEvictsTheOldestAndRefusesNoOne() {
        Sessions sessions = new Sessions(clock, 10, 5, Duration.ofMinutes(30));
        List<Sessions.Session> opened = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            opened.add(sessions.open(sessions.preSessions().open("link-" + i), grant()));
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
        Sessions.PreSession pre = sessions.preSessions().open("a.link");
        Sessions.Session session = sessions.open(pre, grant());
        assertThat(session.id()).isNotEqualTo(pre.id());
        assertThat(session.csrf()).isNotEqualTo(pre.csrf());
        assertThat(sessions.preSessions().find(pre.id())).isEmpty();
        Sessions.PreSession waiting = sessions.preSessions().open("a.link");

        clock.add(Duration.ofMinutes(16));
        assertThat(sessions.find(session.id())).as("the grant expired").isEmpty();
        assertThat(sessions.preSessions().find(waiting.id())).isPresent();
        clock.add(Duration.ofMinutes(15));
        assertThat(sessions.preSessions().find(waiting.id())).isEmpty();
        assertThat(sessions.find(null)).isEmpty();
        assertThat(sessions.find("not-an-id")).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("visitTables")
    @DisplayName("Pre-sessions and offer visits end after the pre-session time and are apart from each other and "
            + "from sessions: a visit's id opens nothing in another table")
    void visitsEndAndStayApart(Function<Sessions, Sessions.Visits<?>> table) {
        Sessions sessions = new Sessions(clock, 10_000, 5, Duration.ofMinutes(30));
        assertEndsInItsOwnTable(sessions, table.apply(sessions));
    }

    static Stream<Arguments> visitTables() {
        return Stream.of(
                Arguments.of(Named.of("pre-sessions", (Function<Sessions, Sessions.Visits<?>>) Sessions::preSessions)),
                Arguments.of(Named.of("offer visits", (Function<Sessions, Sessions.Visits<?>>) Sessions::offerVisits)));
    }

    /** 1,000 visits of one link keep the newest five; the visit of another link stays. */
    private static <T extends Sessions.LinkVisit> void assertCappedPerLink(Sessions.Visits<T> visits) {
        T other = visits.open("other.link");
        List<T> flood = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            flood.add(visits.open("flood.link"));
        }
        assertThat(visits.countOf("flood.link")).isEqualTo(5);
        assertThat(visits.size()).isEqualTo(6);
        assertThat(visits.find(flood.get(0).id())).isEmpty();
        assertThat(visits.find(flood.get(flood.size() - 1).id())).contains(flood.get(flood.size() - 1));
        assertThat(visits.find(other.id())).contains(other);
    }

    /** A visit opens only in its own table, checks its own CSRF token, and ends just after 30 minutes. */
    private <T extends Sessions.LinkVisit> void assertEndsInItsOwnTable(Sessions sessions, Sessions.Visits<T> visits) {
        T visit = visits.open("a.link");
        assertThat(visits.find(visit.id())).contains(visit);
        assertThat(Stream.of(sessions.preSessions(), sessions.offerVisits()).filter(other -> other != visits))
                .singleElement().satisfies(other -> assertThat(other.find(visit.id())).isEmpty());
        assertThat(sessions.find(visit.id())).isEmpty();
        assertThat(visit.csrfMatches(visit.csrf())).isTrue();
        assertThat(visit.csrfMatches(visit.id())).isFalse();
        assertThat(visit.csrfMatches(null)).isFalse();

        clock.add(Duration.ofMinutes(30));
        assertThat(visits.find(visit.id())).as("at its end").contains(visit);
        clock.add(Duration.ofMinutes(1));
        assertThat(visits.find(visit.id())).isEmpty();
    }

    private Grant grant() {
        return new Grant("grant.token", clock.instant().plus(Duration.ofMinutes(15)));
    }
}
