package org.bookingrules.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bookingrules.testing.Fixture.ANA;
import static org.bookingrules.testing.Fixture.ANA_ACTS;
import static org.bookingrules.testing.Fixture.CONSULTATION;
import static org.bookingrules.testing.Fixture.NOW;
import static org.bookingrules.testing.Fixture.ZONE;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.bookingrules.BookRequest;
import org.bookingrules.BookingRules;
import org.bookingrules.BookingRulesBuilder;
import org.bookingrules.Outcome;
import org.bookingrules.model.Booking;
import org.bookingrules.model.Resource;
import org.bookingrules.model.Transition;
import org.bookingrules.rules.RefusalReason;
import org.bookingrules.spi.BookingChange;
import org.bookingrules.spi.IdempotencyKey;
import org.bookingrules.spi.SaveResult;
import org.bookingrules.spi.SlotClaim;
import org.bookingrules.testing.Race;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.threeten.extra.Interval;
import org.threeten.extra.MutableClock;

/**
 * Idempotency keys expire on H2, PostgreSQL and MariaDB: the stored key's creation instant round-trips
 * exactly; an insert replaces an expired key atomically (and keeps it when the insert is refused);
 * through the facade, a repeat within the time to live answers with the first booking, the key with
 * other content is refused within it, and after it the same key books anew, once, even when several
 * requests race for it. Works in a namespace of its own on each store ({@link TestDatabases}).
 */
@DisplayName("Idempotency keys expire (H2, PostgreSQL, MariaDB)")
class IdempotencyExpiryJdbcTest extends SharedStoreTest {

    private static final String TENANT = "idem-expiry";
    private static final String KEY = "idem-expiry-key-0001";
    private static final String FINGERPRINT_1 = "3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b";
    private static final String FINGERPRINT_2 = "b5bb9d8014a0f9b1d61e21e796d78dccdf1352f23cd32812f4850b878ae4944c";
    private static final Duration TTL = BookingRulesBuilder.DEFAULT_IDEMPOTENCY_KEY_TTL;
    private static final Duration HOUR = Duration.ofHours(1);
    /** Microsecond precision on purpose: what every store keeps. */
    private static final Instant T0 = NOW.plusNanos(123_456_000);
    private static final Instant START = NOW.plus(Duration.ofDays(60));
    private static final Resource ROOM = new Resource("idem-room", "Room", "room@example.org");

    private final MutableClock clock = MutableClock.of(NOW, ZoneOffset.UTC);
    private int sequence;
    /** The store's pool, its tables emptied before each test. */
    private DataSource pool;
    /** A repository over the pool. */
    private JdbcBookingRepository repository;

    @BeforeEach
    void emptyTables() {
        pool = emptyDb().dataSource();
        repository = JdbcBookingRepository.create(pool);
    }

    // ------------------------------------------------------------------ repository level

    /** A new booking's insert, made at {@code at}, hours after {@link #START}, with a key. */
    private BookingChange insert(Instant at, int hoursLater, IdempotencyKey keyOf) {
        sequence++;
        Instant start = START.plus(HOUR.multipliedBy(hoursLater));
        Booking.Builder spec = Booking.builder().tenantId(TENANT).id("idem-b-" + sequence)
                .confirmationCode(String.format("IX%06d", sequence)).resource(ROOM).service(CONSULTATION)
                .customer(ANA).slot(Interval.of(start, start.plus(HOUR))).zone(ZONE);
        Transition booked = Booking.book(spec, ANA_ACTS, at);
        Booking booking = booked.booking();
        IdempotencyKey key = keyOf == null ? null : new IdempotencyKey(keyOf.key(), keyOf.fingerprint(), booking.id(),
                keyOf.createdAt(), keyOf.expiredUpTo());
        return new BookingChange(booking, 0, SlotClaim.EXCLUSIVE, List.of(booked.event()), List.of(), key);
    }

    /** Stores the first booking, its key made at {@link #T0} with the default time to live; its insert. */
    private BookingChange insertFirst() {
        BookingChange first = insert(T0, 0, key(FINGERPRINT_1, T0, T0.minus(TTL)));
        assertThat(repository.insert(first)).isEqualTo(SaveResult.SAVED);
        return first;
    }

    /** A key made at {@code at}, replacing stored keys created at or before {@code expiredUpTo}. */
    private static IdempotencyKey key(String fingerprint, Instant at, Instant expiredUpTo) {
        return new IdempotencyKey(KEY, fingerprint, "placeholder", at, expiredUpTo);
    }

    @Test
    @DisplayName("The stored key reads back with its creation instant, exactly, and no cut-off")
    void storedKeyReadsBackWithItsCreationInstant() {
        BookingChange first = insertFirst();

        assertThat(repository.findIdempotencyKey(TENANT, KEY))
                .contains(new IdempotencyKey(KEY, FINGERPRINT_1, first.booking().id(), T0, null));
    }

    @Test
    @DisplayName("An insert whose cut-off is 1 microsecond before the stored key's creation is IDEMPOTENCY_KEY_TAKEN "
            + "and writes nothing; with the cut-off at the creation instant it replaces the key, atomically")
    void insertReplacesOnlyAnExpiredKey() {
        BookingChange first = insertFirst();
        Instant later = T0.plus(TTL);

        BookingChange tooEarly = insert(later.minusNanos(1_000), 3,
                key(FINGERPRINT_2, later.minusNanos(1_000), T0.minusNanos(1_000)));
        assertThat(repository.insert(tooEarly)).isEqualTo(SaveResult.IDEMPOTENCY_KEY_TAKEN);
        assertThat(repository.find(TENANT, tooEarly.booking().id())).isEmpty();

        BookingChange replacing = insert(later, 3, key(FINGERPRINT_2, later, T0));
        assertThat(repository.insert(replacing)).isEqualTo(SaveResult.SAVED);

        assertThat(repository.findIdempotencyKey(TENANT, KEY))
                .contains(new IdempotencyKey(KEY, FINGERPRINT_2, replacing.booking().id(), later, null));
        assertThat(repository.find(TENANT, first.booking().id())).contains(first.booking());
        assertThat(repository.find(TENANT, replacing.booking().id())).contains(replacing.booking());
    }

    @Test
    @DisplayName("An insert replacing an expired key but refused SLOT_TAKEN or CODE_TAKEN keeps the expired key "
            + "as it was (the deletion is undone with the insert)")
    void refusedReplacementKeepsTheExpiredKey() {
        BookingChange first = insertFirst();
        Instant later = T0.plus(TTL).plusSeconds(1);
        IdempotencyKey expected = new IdempotencyKey(KEY, FINGERPRINT_1, first.booking().id(), T0, null);

        BookingChange sameSlot = insert(later, 0, key(FINGERPRINT_2, later, later.minus(TTL)));
        assertThat(repository.insert(sameSlot)).isEqualTo(SaveResult.SLOT_TAKEN);
        assertThat(repository.findIdempotencyKey(TENANT, KEY)).contains(expected);

        BookingChange other = insert(later, 5, key(FINGERPRINT_2, later, later.minus(TTL)));
        Booking sameCode = other.booking().toBuilder().confirmationCode(first.booking().confirmationCode()).build();
        BookingChange codeClash = new BookingChange(sameCode, 0, SlotClaim.EXCLUSIVE, other.events(), List.of(),
                other.idempotency());
        assertThat(repository.insert(codeClash)).as("the code is what clashed, not the expired key")
                .isEqualTo(SaveResult.CODE_TAKEN);
        assertThat(repository.findIdempotencyKey(TENANT, KEY)).contains(expected);
        assertThat(repository.find(TENANT, other.booking().id())).isEmpty();
    }

    // ------------------------------------------------------------------ facade level

    private BookingRules facade() {
        return BookingRules.builder().repository(repository).clock(clock).build();
    }

    private static BookRequest request(int hoursLater) {
        Instant start = START.plus(HOUR.multipliedBy(hoursLater));
        return BookRequest.of(TENANT, ROOM, CONSULTATION, ANA, start, start.plus(HOUR), ZONE).withIdempotencyKey(KEY);
    }

    private static Object reason(Outcome outcome) {
        return outcome.asRefusal().map(r -> r.reason()).orElse(null);
    }

    @Test
    @DisplayName("Through the facade: a repeat 1 microsecond before the 24 hours end answers with the first booking "
            + "and other content is IDEMPOTENCY_KEY_REUSED; from the 24 hours on the same key books anew")
    void repeatWithinTheTtlThenANewBookingAfterIt() {
        BookingRules rules = facade();
        Booking first = rules.book(ANA_ACTS, request(0)).orElseThrow().booking();

        clock.setInstant(NOW.plus(TTL).minusNanos(1_000));
        Outcome.Done repeat = rules.book(ANA_ACTS, request(0)).orElseThrow();
        assertThat(repeat.changed()).isFalse();
        assertThat(repeat.booking()).isEqualTo(first);
        assertThat(reason(rules.book(ANA_ACTS, request(3)))).isEqualTo(RefusalReason.IDEMPOTENCY_KEY_REUSED);

        clock.setInstant(NOW.plus(TTL));
        assertThat(reason(rules.book(ANA_ACTS, request(0))))
                .as("the same request is new now: its slot is the first booking's").isEqualTo(RefusalReason.SLOT_UNAVAILABLE);
        Outcome.Done second = rules.book(ANA_ACTS, request(3)).orElseThrow();
        assertThat(second.changed()).isTrue();
        assertThat(second.booking().id()).isNotEqualTo(first.id());
        IdempotencyKey stored = repository.findIdempotencyKey(TENANT, KEY).orElseThrow();
        assertThat(stored.bookingId()).isEqualTo(second.booking().id());
        assertThat(stored.createdAt()).isEqualTo(NOW.plus(TTL));
        assertThat(TestQueries.count(pool, "SELECT COUNT(*) FROM br_booking WHERE tenant_id = ?", TENANT))
                .isEqualTo(2);
    }

    @Test
    @DisplayName("Through the facade: 12 requests racing to use one expired key store one booking; every other "
            + "request answers with it as a repeat, none fails")
    void racersReplacingOneExpiredKeyBookOnce() throws Exception {
        BookingRules rules = facade();
        Booking first = rules.book(ANA_ACTS, request(0)).orElseThrow().booking();
        clock.setInstant(NOW.plus(TTL).plusSeconds(1));
        int racers = 12;

        List<Outcome> outcomes = Race.of(racers).withTimeout(Duration.ofSeconds(60))
                .run(i -> () -> rules.book(ANA_ACTS, request(3)));

        assertThat(outcomes).allSatisfy(o -> assertThat(o.isDone()).as("racer outcome %s", o).isTrue());
        Set<String> ids = outcomes.stream().map(o -> o.orElseThrow().booking().id()).collect(Collectors.toSet());
        assertThat(ids).hasSize(1).doesNotContain(first.id());
        assertThat(outcomes.stream().map(Outcome::orElseThrow).filter(Outcome.Done::changed))
                .as("exactly one racer booked").hasSize(1);
        assertThat(TestQueries.count(pool, "SELECT COUNT(*) FROM br_booking WHERE tenant_id = ?", TENANT))
                .isEqualTo(2);
        assertThat(repository.findIdempotencyKey(TENANT, KEY).orElseThrow().bookingId())
                .isEqualTo(ids.iterator().next());
    }
}
