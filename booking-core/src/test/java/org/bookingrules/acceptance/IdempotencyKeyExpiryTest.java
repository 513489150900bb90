package org.bookingrules.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bookingrules.testing.Fixture.ANA;
import static org.bookingrules.testing.Fixture.ANA_ACTS;
import static org.bookingrules.testing.Fixture.CONSULTATION;
import static org.bookingrules.testing.Fixture.DR_RUIZ;
import static org.bookingrules.testing.Fixture.NOW;
import static org.bookingrules.testing.Fixture.RECEPTION;
import static org.bookingrules.testing.Fixture.TENANT;
import static org.bookingrules.testing.Fixture.ZONE;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.bookingrules.BookRequest;
import org.bookingrules.BookingRules;
import org.bookingrules.BookingRulesBuilder;
import org.bookingrules.ChangeRequest;
import org.bookingrules.Outcome;
import org.bookingrules.memory.InMemoryBookingRepository;
import org.bookingrules.model.Booking;
import org.bookingrules.rules.RefusalReason;
import org.bookingrules.spi.BookingRepository;
import org.bookingrules.spi.IdempotencyKey;
import org.bookingrules.testing.DelegatingRepository;
import org.bookingrules.testing.Fixture;
import org.bookingrules.testing.Race;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.threeten.extra.MutableClock;

/**
 * Idempotency keys expire: within the key's time to live a repeat answers with the first booking and
 * a reuse for other content is refused; from the instant the time to live has passed, the same key
 * is a new request, and the new booking's key replaces the expired one. Facade level, on the
 * in-memory repository, with a {@link MutableClock}.
 */
@DisplayName("Idempotent book: keys expire after their time to live")
class IdempotencyKeyExpiryTest {

    private static final String KEY = "9c1e2d3f-4a5b-4c6d-8e7f-0a1b2c3d4e5f";
    /** Far enough ahead that every elapsed time of these tests still books in the future. */
    private static final Instant START = NOW.plus(Duration.ofDays(60));
    private static final Duration HOUR = Duration.ofHours(1);
    private static final Duration TTL = BookingRulesBuilder.DEFAULT_IDEMPOTENCY_KEY_TTL;
    private static final Duration MICRO = Duration.ofNanos(1_000);

    private MutableClock clock;
    private InMemoryBookingRepository repository;
    private BookingRules rules;

    @BeforeEach
    void newWorld() {
        clock = MutableClock.of(NOW, ZONE);
        repository = new InMemoryBookingRepository();
        rules = facade(repository, BookingRules.builder());
    }

    private BookingRules facade(BookingRepository store, BookingRulesBuilder builder) {
        return builder.repository(store).clock(clock).build();
    }

    /** Ana's one-hour request with Dr. Ruiz, {@code hoursLater} after the test start, with the key. */
    private static BookRequest request(int hoursLater) {
        Instant start = START.plus(HOUR.multipliedBy(hoursLater));
        return BookRequest.of(TENANT, DR_RUIZ, CONSULTATION, ANA, start, start.plus(HOUR), ZONE).withIdempotencyKey(KEY);
    }

    private Booking storedKeysBooking() {
        String id = repository.findIdempotencyKey(TENANT, KEY).orElseThrow().bookingId();
        return repository.find(TENANT, id).orElseThrow();
    }

    // ------------------------------------------------------------------ the boundary

    /** Books request 0 at {@link Fixture#NOW}, then moves the clock {@code elapsed} on; the booking. */
    private Booking bookedThenLater(Duration elapsed) {
        Booking first = rules.book(ANA_ACTS, request(0)).orElseThrow().booking();
        clock.setInstant(NOW.plus(elapsed));
        return first;
    }

    static Stream<Arguments> withinTtl() {
        return Stream.of(
                arguments("right away", Duration.ZERO),
                arguments("one hour later", HOUR),
                arguments("1 microsecond before the 24 hours end", TTL.minus(MICRO)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("withinTtl")
    @DisplayName("Idempotent book: a repeat within the time to live (default 24 h) is Done with the first "
            + "booking, changed() false, one booking only")
    void repeatWithinTheTtlAnswersWithTheFirstBooking(String label, Duration elapsed) {
        Booking first = bookedThenLater(elapsed);

        Outcome.Done repeat = rules.book(ANA_ACTS, request(0)).orElseThrow();

        assertThat(repeat.changed()).isFalse();
        assertThat(repeat.booking()).isEqualTo(first);
        assertThat(repository.all(TENANT)).containsExactly(first);
    }

    static Stream<Arguments> afterTtl() {
        return Stream.of(
                arguments("exactly when the 24 hours end", TTL),
                arguments("1 second after", TTL.plusSeconds(1)),
                arguments("30 days after", Duration.ofDays(30)));
    }

    static Stream<Arguments> refusedAroundTheTtl() {
        // From the end of the time to live the same request is a new request: the first booking still
        // holds its slot, so it is refused, not answered as a repeat. Within it, other content is a reuse.
        Stream<Arguments> sameRequestAfter = afterTtl().map(a -> arguments(
                "the same request " + a.get()[0] + ": SLOT_UNAVAILABLE", a.get()[1], 0, RefusalReason.SLOT_UNAVAILABLE));
        Stream<Arguments> otherContentWithin = withinTtl().map(a -> arguments(
                "other content " + a.get()[0] + ": IDEMPOTENCY_KEY_REUSED", a.get()[1], 3,
                RefusalReason.IDEMPOTENCY_KEY_REUSED));
        return Stream.concat(sameRequestAfter, otherContentWithin);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedAroundTheTtl")
    @DisplayName("Idempotent book: from the end of the time to live the same request is a new request (Refused "
            + "SLOT_UNAVAILABLE, not answered as a repeat); within it the key with other content is Refused "
            + "IDEMPOTENCY_KEY_REUSED; either way nothing is stored and the key stays the first booking's")
    void refusedRequestsAroundTheTtlStoreNothing(String label, Duration elapsed, int hoursLater,
                                                 RefusalReason expected) {
        Booking first = bookedThenLater(elapsed);

        Outcome refused = rules.book(ANA_ACTS, request(hoursLater));

        assertThat(Fixture.reason(refused)).isEqualTo(expected);
        assertThat(repository.all(TENANT)).containsExactly(first);
        assertThat(repository.findIdempotencyKey(TENANT, KEY).orElseThrow().bookingId())
                .as("a refused request leaves the stored key as it was").isEqualTo(first.id());
    }

    // ------------------------------------------------------------------ after expiry

    @Test
    @DisplayName("Idempotent book: after the time to live the key books anew with other content; the stored key now "
            + "names the new booking, a repeat of it answers with it, and the old content is a reuse")
    void afterTheTtlTheKeyBooksAnew() {
        Booking first = bookedThenLater(TTL);

        Outcome.Done second = rules.book(ANA_ACTS, request(3)).orElseThrow();

        assertThat(second.changed()).isTrue();
        assertThat(second.booking().id()).isNotEqualTo(first.id());
        assertThat(repository.all(TENANT)).containsExactlyInAnyOrder(first, second.booking());
        IdempotencyKey stored = repository.findIdempotencyKey(TENANT, KEY).orElseThrow();
        assertThat(stored.bookingId()).isEqualTo(second.booking().id());
        assertThat(stored.createdAt()).isEqualTo(NOW.plus(TTL));

        clock.add(TTL.minus(MICRO));
        Outcome.Done repeat = rules.book(ANA_ACTS, request(3)).orElseThrow();
        assertThat(repeat.changed()).isFalse();
        assertThat(repeat.booking().id()).isEqualTo(second.booking().id());
        assertThat(Fixture.reason(rules.book(ANA_ACTS, request(0))))
                .as("the first content, within the new key's time to live").isEqualTo(RefusalReason.IDEMPOTENCY_KEY_REUSED);
    }

    @Test
    @DisplayName("Idempotent book: after the time to live the identical request books again once its slot is free "
            + "(the first booking was cancelled)")
    void afterTheTtlTheIdenticalRequestBooksAgain() {
        Booking first = rules.book(ANA_ACTS, request(0)).orElseThrow().booking();
        rules.cancel(RECEPTION, Fixture.ref(first), ChangeRequest.none()).orElseThrow();
        Outcome within = rules.book(ANA_ACTS, request(0));
        assertThat(within.orElseThrow().changed()).as("within the time to live: a repeat, even of a cancelled booking")
                .isFalse();
        clock.setInstant(NOW.plus(TTL));

        Outcome.Done again = rules.book(ANA_ACTS, request(0)).orElseThrow();

        assertThat(again.changed()).isTrue();
        assertThat(again.booking().id()).isNotEqualTo(first.id());
        assertThat(storedKeysBooking()).isEqualTo(again.booking());
        assertThat(repository.all(TENANT)).hasSize(2);
    }

    @Test
    @DisplayName("Idempotent book: a configured time to live (15 minutes) is the one applied")
    void aConfiguredTtlIsApplied() {
        rules = facade(repository, BookingRules.builder().idempotencyKeyTtl(Duration.ofMinutes(15)));
        Booking first = rules.book(ANA_ACTS, request(0)).orElseThrow().booking();

        clock.setInstant(NOW.plus(Duration.ofMinutes(15)).minus(MICRO));
        assertThat(rules.book(ANA_ACTS, request(0)).orElseThrow().booking().id()).isEqualTo(first.id());
        assertThat(Fixture.reason(rules.book(ANA_ACTS, request(3)))).isEqualTo(RefusalReason.IDEMPOTENCY_KEY_REUSED);

        clock.setInstant(NOW.plus(Duration.ofMinutes(15)));
        Outcome.Done fresh = rules.book(ANA_ACTS, request(3)).orElseThrow();
        assertThat(fresh.changed()).isTrue();
        assertThat(storedKeysBooking()).isEqualTo(fresh.booking());
    }

    @Test
    @DisplayName("Idempotent book: requests racing with one expired key store one booking: one books, every other "
            + "is answered with that booking as a repeat")
    void racersReplacingOneExpiredKeyBookOnce() throws Exception {
        Booking first = bookedThenLater(TTL);
        int racers = 16;

        List<Outcome.Done> outcomes = Race.of(racers).withTimeout(Duration.ofSeconds(20))
                .run(i -> () -> rules.book(ANA_ACTS, request(3)).orElseThrow());

        Set<String> ids = outcomes.stream().map(o -> o.booking().id()).collect(Collectors.toSet());
        assertThat(ids).hasSize(1).doesNotContain(first.id());
        assertThat(outcomes.stream().filter(Outcome.Done::changed)).as("exactly one racer booked").hasSize(1);
        assertThat(repository.all(TENANT)).hasSize(2);
        assertThat(storedKeysBooking().id()).isEqualTo(ids.iterator().next());
    }

    @Test
    @DisplayName("Idempotent book: a repository that records no creation instant keeps its keys valid forever, as "
            + "before keys expired")
    void keysOfAStoreWithoutCreationInstantsNeverExpire() {
        BookingRepository ageless = new DelegatingRepository(repository) {
            @Override
            public Optional<IdempotencyKey> findIdempotencyKey(String tenantId, String key) {
                return super.findIdempotencyKey(tenantId, key)
                        .map(k -> new IdempotencyKey(k.key(), k.fingerprint(), k.bookingId()));
            }
        };
        rules = facade(ageless, BookingRules.builder());
        Booking first = bookedThenLater(Duration.ofDays(30));

        assertThat(rules.book(ANA_ACTS, request(0)).orElseThrow().booking().id()).isEqualTo(first.id());
        assertThat(Fixture.reason(rules.book(ANA_ACTS, request(3)))).isEqualTo(RefusalReason.IDEMPOTENCY_KEY_REUSED);
    }

    // ------------------------------------------------------------------ the setting

    @Test
    @DisplayName("Idempotent book: the default time to live is 24 hours, and 3650 days is the longest accepted")
    void defaultAndLongestTtl() {
        assertThat(BookingRulesBuilder.DEFAULT_IDEMPOTENCY_KEY_TTL).isEqualTo(Duration.ofHours(24));
        assertThat(BookingRules.builder().idempotencyKeyTtl(BookingRulesBuilder.MAX_IDEMPOTENCY_KEY_TTL)).isNotNull();
        assertThat(BookingRules.builder().idempotencyKeyTtl(MICRO)).isNotNull();
    }

    static Stream<Arguments> badTtls() {
        return Stream.of(
                arguments(Duration.ZERO),
                arguments(Duration.ofSeconds(-1)),
                arguments(BookingRulesBuilder.MAX_IDEMPOTENCY_KEY_TTL.plusSeconds(1)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badTtls")
    @DisplayName("Idempotent book: a time to live that is not positive, or longer than 3650 days, fails naming the "
            + "setting and the value")
    void badTtlFailsNamingTheSetting(Duration bad) {
        assertThatThrownBy(() -> BookingRules.builder().idempotencyKeyTtl(bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("idempotencyKeyTtl")
                .hasMessageContaining(bad.toString());
        assertThatThrownBy(() -> BookingRules.builder().idempotencyKeyTtl(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("idempotencyKeyTtl");
    }
}
