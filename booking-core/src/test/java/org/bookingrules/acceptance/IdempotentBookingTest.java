package org.bookingrules.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.bookingrules.testing.Fixture.ANA;
import static org.bookingrules.testing.Fixture.ANA_ACTS;
import static org.bookingrules.testing.Fixture.BOB;
import static org.bookingrules.testing.Fixture.BOB_ACTS;
import static org.bookingrules.testing.Fixture.CONSULTATION;
import static org.bookingrules.testing.Fixture.DR_RUIZ;
import static org.bookingrules.testing.Fixture.DR_SOTO;
import static org.bookingrules.testing.Fixture.NOW;
import static org.bookingrules.testing.Fixture.RECEPTION;
import static org.bookingrules.testing.Fixture.TENANT;
import static org.bookingrules.testing.Fixture.ZONE;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.bookingrules.BookRequest;
import org.bookingrules.ChangeRequest;
import org.bookingrules.InvalidRequestException;
import org.bookingrules.Outcome;
import org.bookingrules.model.Actor;
import org.bookingrules.model.Booking;
import org.bookingrules.model.BookingEvent;
import org.bookingrules.model.PaymentStatus;
import org.bookingrules.model.Service;
import org.bookingrules.rules.Refusal;
import org.bookingrules.rules.RefusalReason;
import org.bookingrules.spi.IdempotencyKey;
import org.bookingrules.spi.Notification;
import org.bookingrules.testing.Fixture;
import org.bookingrules.testing.Race;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Idempotent booking requests: a client that retries a request with the same idempotency key books
 * once and gets the first booking back; a key reused for another request is refused
 * ({@link RefusalReason#IDEMPOTENCY_KEY_REUSED}). Facade level, on the in-memory repository.
 */
@DisplayName("Idempotent book: a retried request books once")
class IdempotentBookingTest {

    private static final String KEY = "3f2b1c9e-7d4a-4e21-9b0c-5a6d7e8f9a0b";
    private static final Instant START = NOW.plus(Duration.ofDays(3));
    private static final Duration HOUR = Duration.ofHours(1);
    private static final int RACERS = 16;
    private static final int ROUNDS = 30;
    /** The start-gate harness of the racing repeats: a round may take 20 s. */
    private static final Race RACE = Race.of(RACERS).withTimeout(Duration.ofSeconds(20));

    private Fixture f;

    @BeforeEach
    void newWorld() {
        f = new Fixture();
    }

    /** Ana's one-hour request with Dr. Ruiz, three days ahead, with the test key. */
    private static BookRequest anasRequest() {
        return BookRequest.of(TENANT, DR_RUIZ, CONSULTATION, ANA, START, START.plus(HOUR), ZONE).withIdempotencyKey(KEY);
    }

    // ------------------------------------------------------------------ repeats

    @Test
    @DisplayName("Idempotent book: a repeat with the same key and content is Done with the first booking, "
            + "changed() false, nobody notified again, one booking only")
    void repeatReturnsTheFirstBooking() {
        // given
        Outcome.Done first = f.rules.book(ANA_ACTS, anasRequest()).orElseThrow();
        assertThat(first.changed()).isTrue();
        List<Notification> deliveredAfterFirst = f.notifier.delivered();
        assertThat(deliveredAfterFirst).as("the first request notifies customer and resource").hasSize(2);

        // when
        Outcome repeat = f.rules.book(ANA_ACTS, anasRequest());

        // then
        assertThat(repeat.isDone()).as("a repeat is not refused: %s", repeat).isTrue();
        Outcome.Done again = repeat.orElseThrow();
        assertThat(again.booking().id()).isEqualTo(first.booking().id());
        assertThat(again.booking()).isEqualTo(first.booking());
        assertThat(again.changed()).isFalse();
        assertThat(again.events()).isEmpty();
        assertThat(again.notifications()).isEmpty();
        assertThat(f.notifier.delivered()).as("no new notifications").isEqualTo(deliveredAfterFirst);
        assertThat(f.repository.all(TENANT)).containsExactly(first.booking());
        assertThat(f.repository.history(TENANT, first.booking().id())).singleElement()
                .isInstanceOf(BookingEvent.Booked.class);
        assertThat(f.repository.notifications(TENANT, first.booking().id())).hasSize(2);
    }

    @Test
    @DisplayName("Idempotent book: the key is stored with the booking it produced")
    void keyIsStoredWithTheBooking() {
        Booking booking = f.rules.book(ANA_ACTS, anasRequest()).orElseThrow().booking();

        assertThat(f.repository.findIdempotencyKey(TENANT, KEY)).get()
                .extracting(IdempotencyKey::key, IdempotencyKey::bookingId)
                .containsExactly(KEY, booking.id());
        assertThat(f.repository.findIdempotencyKey(TENANT, KEY).orElseThrow().fingerprint()).isNotBlank();
    }

    @Test
    @DisplayName("Idempotent book: a repeat after the booking changed returns it as it is now, and changes nothing")
    void repeatAfterAChangeReturnsTheBookingAsItIsNow() {
        // given: Ana booked, then confirmed
        Booking booked = f.rules.book(ANA_ACTS, anasRequest()).orElseThrow().booking();
        Booking confirmed = f.rules.confirm(ANA_ACTS, Fixture.ref(booked), ChangeRequest.none()).orElseThrow()
                .booking();
        f.notifier.clear();

        // when
        Outcome.Done again = f.rules.book(ANA_ACTS, anasRequest()).orElseThrow();

        // then
        assertThat(again.booking()).isEqualTo(confirmed);
        assertThat(again.changed()).isFalse();
        assertThat(f.notifier.delivered()).isEmpty();
        assertThat(f.repository.all(TENANT)).containsExactly(confirmed);
    }

    static Stream<Arguments> otherContent() {
        return Stream.of(
                arguments("another slot", (UnaryOperator<BookRequest>) r -> new BookRequest(r.tenantId(),
                        r.resource(), r.service(), r.customer(), r.start().plus(HOUR.multipliedBy(2)),
                        r.end().plus(HOUR.multipliedBy(2)), r.zone(), r.paymentStatus(), r.notification(),
                        r.idempotencyKey())),
                arguments("another end", (UnaryOperator<BookRequest>) r -> new BookRequest(r.tenantId(),
                        r.resource(), r.service(), r.customer(), r.start(), r.end().plus(Duration.ofMinutes(30)),
                        r.zone(), r.paymentStatus(), r.notification(), r.idempotencyKey())),
                arguments("another customer", (UnaryOperator<BookRequest>) r -> new BookRequest(r.tenantId(),
                        r.resource(), r.service(), BOB, r.start(), r.end(), r.zone(), r.paymentStatus(),
                        r.notification(), r.idempotencyKey())),
                arguments("no customer", (UnaryOperator<BookRequest>) r -> new BookRequest(r.tenantId(),
                        r.resource(), r.service(), null, r.start(), r.end(), r.zone(), r.paymentStatus(),
                        r.notification(), r.idempotencyKey())),
                arguments("another payment status",
                        (UnaryOperator<BookRequest>) r -> r.withPaymentStatus(PaymentStatus.PAID)),
                arguments("another resource", (UnaryOperator<BookRequest>) r -> new BookRequest(r.tenantId(),
                        DR_SOTO, r.service(), r.customer(), r.start(), r.end(), r.zone(), r.paymentStatus(),
                        r.notification(), r.idempotencyKey())),
                arguments("another service", (UnaryOperator<BookRequest>) r -> new BookRequest(r.tenantId(),
                        r.resource(), new Service("check-up", "Check-up"), r.customer(), r.start(), r.end(),
                        r.zone(), r.paymentStatus(), r.notification(), r.idempotencyKey())),
                arguments("another zone", (UnaryOperator<BookRequest>) r -> new BookRequest(r.tenantId(),
                        r.resource(), r.service(), r.customer(), r.start(), r.end(), ZoneId.of("Europe/London"),
                        r.paymentStatus(), r.notification(), r.idempotencyKey())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("otherContent")
    @DisplayName("Idempotent book: the same key with other content is Refused IDEMPOTENCY_KEY_REUSED and nothing "
            + "is written or sent")
    void sameKeyOtherContentIsRefused(String label, UnaryOperator<BookRequest> change) {
        // given: staff, who may book for anyone anywhere, so only the key can refuse the second request
        Booking first = f.rules.book(RECEPTION, anasRequest()).orElseThrow().booking();
        List<Notification> delivered = f.notifier.delivered();
        BookRequest other = change.apply(anasRequest());
        assertThat(other).as("the variant differs").isNotEqualTo(anasRequest());
        assertThat(other.idempotencyKey()).isEqualTo(KEY);

        // when
        Outcome outcome = f.rules.book(RECEPTION, other);

        // then
        assertThat(Fixture.reason(outcome)).isEqualTo(RefusalReason.IDEMPOTENCY_KEY_REUSED);
        assertThat(f.repository.all(TENANT)).containsExactly(first);
        assertThat(f.notifier.delivered()).isEqualTo(delivered);
        assertThat(f.repository.findIdempotencyKey(TENANT, KEY).orElseThrow().bookingId()).isEqualTo(first.id());
    }

    @Test
    @DisplayName("Idempotent book: the same key and content sent by a different actor (staff after the customer) "
            + "is Refused IDEMPOTENCY_KEY_REUSED")
    void sameKeyByAnotherActorIsRefused() {
        // given
        Booking first = f.rules.book(ANA_ACTS, anasRequest()).orElseThrow().booking();

        // when
        Outcome byStaff = f.rules.book(RECEPTION, anasRequest());
        Outcome byOtherStaff = f.rules.book(Actor.staff("staff-pedro"), anasRequest());

        // then
        assertThat(Fixture.reason(byStaff)).isEqualTo(RefusalReason.IDEMPOTENCY_KEY_REUSED);
        assertThat(Fixture.reason(byOtherStaff)).isEqualTo(RefusalReason.IDEMPOTENCY_KEY_REUSED);
        assertThat(f.repository.all(TENANT)).containsExactly(first);
    }

    @Test
    @DisplayName("Idempotent book: another customer sending Ana's key for their own booking is Refused "
            + "IDEMPOTENCY_KEY_REUSED, and Ana's booking is not handed to them")
    void anotherCustomerWithTheKeyIsRefused() {
        // given
        Booking anas = f.rules.book(ANA_ACTS, anasRequest()).orElseThrow().booking();
        BookRequest bobsOwn = BookRequest.of(TENANT, DR_RUIZ, CONSULTATION, BOB, START, START.plus(HOUR), ZONE)
                .withIdempotencyKey(KEY);

        // when
        Outcome outcome = f.rules.book(BOB_ACTS, bobsOwn);

        // then
        assertThat(outcome.isDone()).as("Bob must not get Ana's booking").isFalse();
        assertThat(Fixture.reason(outcome)).isEqualTo(RefusalReason.IDEMPOTENCY_KEY_REUSED);
        assertThat(f.repository.all(TENANT)).containsExactly(anas);
    }

    @Test
    @DisplayName("Idempotent book: the same key in another tenant is another key: it books there")
    void sameKeyInAnotherTenantBooks() {
        Booking inClinic1 = f.rules.book(ANA_ACTS, anasRequest()).orElseThrow().booking();
        BookRequest inClinic2 = BookRequest.of("clinic-2", DR_RUIZ, CONSULTATION, ANA, START, START.plus(HOUR), ZONE)
                .withIdempotencyKey(KEY);

        Outcome.Done there = f.rules.book(ANA_ACTS, inClinic2).orElseThrow();

        assertThat(there.changed()).isTrue();
        assertThat(there.booking().id()).isNotEqualTo(inClinic1.id());
        assertThat(f.repository.all("clinic-2")).containsExactly(there.booking());
        assertThat(f.repository.all(TENANT)).containsExactly(inClinic1);
    }

    @Test
    @DisplayName("Idempotent book: a key whose first request was Refused (SLOT_UNAVAILABLE) stores nothing and "
            + "can be used again later: it books")
    void keyOfARefusedRequestCanBeUsedAgain() {
        // given: Bob holds the slot, so Ana's keyed request is refused
        Booking bobs = f.rules.book(BOB_ACTS, BookRequest.of(TENANT, DR_RUIZ, CONSULTATION, BOB, START,
                START.plus(HOUR), ZONE)).orElseThrow().booking();
        assertThat(Fixture.reason(f.rules.book(ANA_ACTS, anasRequest()))).isEqualTo(RefusalReason.SLOT_UNAVAILABLE);
        assertThat(f.repository.findIdempotencyKey(TENANT, KEY)).isEmpty();

        // when: Bob cancels and Ana retries the very same request, same key
        f.rules.cancel(BOB_ACTS, Fixture.ref(bobs), ChangeRequest.none()).orElseThrow();
        Outcome retry = f.rules.book(ANA_ACTS, anasRequest());

        // then
        Outcome.Done done = retry.orElseThrow();
        assertThat(done.changed()).isTrue();
        assertThat(done.booking().customer()).contains(ANA);
        assertThat(f.repository.findIdempotencyKey(TENANT, KEY).orElseThrow().bookingId())
                .isEqualTo(done.booking().id());
    }

    @Test
    @DisplayName("Idempotent book: a key whose first request was Refused can be used later with other content: it "
            + "books, and a repeat of that returns it")
    void keyOfARefusedRequestCanBeUsedWithOtherContent() {
        // given
        f.rules.book(BOB_ACTS, BookRequest.of(TENANT, DR_RUIZ, CONSULTATION, BOB, START, START.plus(HOUR), ZONE))
                .orElseThrow();
        assertThat(Fixture.reason(f.rules.book(ANA_ACTS, anasRequest()))).isEqualTo(RefusalReason.SLOT_UNAVAILABLE);
        BookRequest later = BookRequest.of(TENANT, DR_RUIZ, CONSULTATION, ANA, START.plus(HOUR),
                START.plus(HOUR.multipliedBy(2)), ZONE).withIdempotencyKey(KEY);

        // when
        Outcome.Done booked = f.rules.book(ANA_ACTS, later).orElseThrow();
        Outcome.Done repeated = f.rules.book(ANA_ACTS, later).orElseThrow();

        // then
        assertThat(booked.changed()).isTrue();
        assertThat(repeated.changed()).isFalse();
        assertThat(repeated.booking().id()).isEqualTo(booked.booking().id());
        assertThat(f.repository.all(TENANT)).hasSize(2);
    }

    // ------------------------------------------------------------------ no key

    @Test
    @DisplayName("Idempotent book: without a key, two identical back-dated staff requests (no slot claim) make two "
            + "bookings")
    void withoutAKeyIdenticalRequestsBookTwice() {
        Instant yesterday = NOW.minus(Duration.ofDays(1));
        BookRequest backDated = BookRequest.of(TENANT, DR_RUIZ, CONSULTATION, ANA, yesterday, yesterday.plus(HOUR),
                ZONE);

        Outcome.Done first = f.rules.book(RECEPTION, backDated).orElseThrow();
        Outcome.Done second = f.rules.book(RECEPTION, backDated).orElseThrow();

        assertThat(first.changed()).isTrue();
        assertThat(second.changed()).isTrue();
        assertThat(second.booking().id()).isNotEqualTo(first.booking().id());
        assertThat(f.repository.all(TENANT)).containsExactlyInAnyOrder(first.booking(), second.booking());
    }

    @Test
    @DisplayName("Idempotent book: without a key, the same request for two resources makes two bookings")
    void withoutAKeyTwoResourcesBookTwice() {
        BookRequest withRuiz = BookRequest.of(TENANT, DR_RUIZ, CONSULTATION, ANA, START, START.plus(HOUR), ZONE);
        BookRequest withSoto = BookRequest.of(TENANT, DR_SOTO, CONSULTATION, ANA, START, START.plus(HOUR), ZONE);

        Outcome.Done first = f.rules.book(RECEPTION, withRuiz).orElseThrow();
        Outcome.Done second = f.rules.book(RECEPTION, withSoto).orElseThrow();

        assertThat(second.booking().id()).isNotEqualTo(first.booking().id());
        assertThat(f.repository.all(TENANT)).containsExactlyInAnyOrder(first.booking(), second.booking());
    }

    @Test
    @DisplayName("Idempotent book: without a key, a second identical request for a claimed slot is SLOT_UNAVAILABLE, "
            + "not a repeat")
    void withoutAKeyTheSecondIdenticalRequestIsSlotUnavailable() {
        BookRequest request = BookRequest.of(TENANT, DR_RUIZ, CONSULTATION, ANA, START, START.plus(HOUR), ZONE);

        Booking first = f.rules.book(ANA_ACTS, request).orElseThrow().booking();
        Outcome second = f.rules.book(ANA_ACTS, request);

        assertThat(Fixture.reason(second)).isEqualTo(RefusalReason.SLOT_UNAVAILABLE);
        assertThat(f.repository.all(TENANT)).containsExactly(first);
    }

    // ------------------------------------------------------------------ concurrency

    @Test
    @DisplayName("Idempotent book: sixteen threads sending the same keyed request at once get sixteen Done with one "
            + "booking id, exactly one changed, and one booking is stored, in every round")
    void concurrentRepeatsBookOnce() throws Exception {
        Fixture.inFreshWorlds(ROUNDS, (round, world) -> {
            List<Outcome> outcomes = RACE.run(i -> () -> world.rules.book(ANA_ACTS, anasRequest()));

            assertThat(outcomes).as("round %d: every racer is Done", round).allSatisfy(o -> assertThat(o.isDone())
                    .as("outcome %s", o).isTrue());
            List<Outcome.Done> done = outcomes.stream().map(Outcome::orElseThrow).toList();
            List<Booking> stored = world.repository.all(TENANT);
            assertThat(stored).as("round %d: one booking stored", round).hasSize(1);
            String id = stored.get(0).id();
            assertThat(done).as("round %d: every racer gets that booking", round)
                    .allSatisfy(d -> assertThat(d.booking().id()).isEqualTo(id));
            assertThat(done).as("round %d: exactly one racer made it", round).filteredOn(Outcome.Done::changed)
                    .hasSize(1);
            assertThat(world.notifier.delivered()).as("round %d: notified once", round).hasSize(2);
            assertThat(world.repository.history(TENANT, id)).as("round %d: one Booked event", round).hasSize(1);
        });
    }

    // ------------------------------------------------------------------ validation

    static Stream<Arguments> badKeys() {
        return Stream.of(
                arguments("empty", ""),
                arguments("129 characters", "k".repeat(BookRequest.MAX_IDEMPOTENCY_KEY_LENGTH + 1)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badKeys")
    @DisplayName("Idempotent book: a key that is empty or over 128 characters throws InvalidRequestException naming "
            + "idempotencyKey, and nothing is stored")
    void badKeyIsInvalid(String label, String key) {
        BookRequest request = anasRequest().withIdempotencyKey(key);

        InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class,
                () -> f.rules.book(ANA_ACTS, request));

        assertThat(e).as("an InvalidRequestException").isNotNull();
        assertThat(e.fields()).containsExactly("idempotencyKey");
        assertThat(e.getMessage()).as("names the field").contains("idempotencyKey");
        if (!key.isEmpty()) {
            assertThat(e.getMessage()).as("never repeats the value").doesNotContain(key);
        }
        assertThat(f.repository.all(TENANT)).isEmpty();
        assertThat(f.notifier.delivered()).isEmpty();
    }

    @Test
    @DisplayName("Idempotent book: a key of exactly 128 characters is accepted and books")
    void longestKeyIsAccepted() {
        String key = "k".repeat(BookRequest.MAX_IDEMPOTENCY_KEY_LENGTH);

        Outcome.Done done = f.rules.book(ANA_ACTS, anasRequest().withIdempotencyKey(key)).orElseThrow();

        assertThat(done.changed()).isTrue();
        assertThat(f.repository.findIdempotencyKey(TENANT, key).orElseThrow().bookingId())
                .isEqualTo(done.booking().id());
    }

    // ------------------------------------------------------------------ messages

    @Test
    @DisplayName("Idempotent book: the IDEMPOTENCY_KEY_REUSED refusal has a message in English and in Spanish")
    void refusalMessageInEnglishAndSpanish() {
        f.rules.book(ANA_ACTS, anasRequest()).orElseThrow();
        Refusal refusal = f.rules.book(ANA_ACTS, anasRequest().withPaymentStatus(PaymentStatus.PAID)).asRefusal()
                .orElseThrow();

        String english = refusal.message(Locale.ENGLISH);
        String spanish = refusal.message(Locale.forLanguageTag("es"));

        assertThat(refusal.reason()).isEqualTo(RefusalReason.IDEMPOTENCY_KEY_REUSED);
        assertThat(refusal.messageKey()).isEqualTo("refusal.IDEMPOTENCY_KEY_REUSED");
        assertThat(english).startsWith("This request key was already used for a different booking request.")
                .doesNotContain("refusal.");
        assertThat(spanish).startsWith("Esta clave de solicitud ya se usó para otra solicitud de reserva.")
                .doesNotContain("refusal.");
        assertThat(spanish).isNotEqualTo(english);
    }
}
