package org.bookingrules.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bookingrules.testing.Fixture.ANA;
import static org.bookingrules.testing.Fixture.ANA_ACTS;
import static org.bookingrules.testing.Fixture.CONSULTATION;
import static org.bookingrules.testing.Fixture.DR_RUIZ;
import static org.bookingrules.testing.Fixture.NOW;
import static org.bookingrules.testing.Fixture.ZONE;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bookingrules.BookRequest;
import org.bookingrules.BookingRef;
import org.bookingrules.BookingRules;
import org.bookingrules.ChangeRequest;
import org.bookingrules.Outcome;
import org.bookingrules.RescheduleRequest;
import org.bookingrules.model.Actor;
import org.bookingrules.model.Booking;
import org.bookingrules.model.BookingEvent;
import org.bookingrules.model.BookingStatus;
import org.bookingrules.model.CustomerDetails;
import org.bookingrules.rules.RefusalReason;
import org.bookingrules.spi.Notification;
import org.bookingrules.testing.Race;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.threeten.extra.Interval;
import org.threeten.extra.MutableClock;

/**
 * The facade end to end on each store: a booking's whole life through {@link BookingRules} over
 * {@link JdbcBookingRepository}, its notifications delivered by the {@link OutboxRelay}, and the
 * idempotent {@code book}.
 */
@DisplayName("BookingRules end to end on H2, PostgreSQL and MariaDB")
class JdbcFacadeSmokeTest extends SharedStoreTest {

    private static final String TENANT = "clinic-smoke";
    private static final CustomerDetails BOB = new CustomerDetails("cust-bob", "Bob Smith", "bob@example.org", null,
            Locale.ENGLISH);
    private static final Actor.Customer BOB_ACTS = Actor.customer(BOB.id());
    private static final int RACERS = 16;
    /**
     * Rounds of the retry storm. Enough to catch H2's stale result reuse (about one round in six was
     * refused before {@code Sql.read} worked around it).
     */
    private static final int STORMS = 100;

    @Test
    @DisplayName("R1/R4/R3/R2/R15 book, confirm, reschedule and cancel through the facade: each change stored with its "
            + "history event and outbox rows, the freed slot bookable again")
    void lifecycle() {
        MutableClock clock = MutableClock.of(NOW, ZONE);
        // The repository keeps an outbox: the facade gets no notifier, the relay delivers.
        TestFacade facade = TestFacade.over(db(), clock);
        BookingRules rules = facade.rules();
        Instant start = NOW.plus(Duration.ofDays(3));
        List<Outcome.Done> steps = new ArrayList<>();

        steps.add(rules.book(ANA_ACTS, request(ANA, start)).orElseThrow());
        BookingRef ref = BookingRef.of(TENANT, steps.get(0).booking().id());
        clock.add(Duration.ofMinutes(10));
        steps.add(rules.confirm(ANA_ACTS, ref).orElseThrow());
        clock.add(Duration.ofMinutes(10));
        Interval later = Interval.of(start.plus(Duration.ofDays(1)), Duration.ofMinutes(45));
        steps.add(rules.reschedule(ANA_ACTS, ref, RescheduleRequest.to(later.getStart(), later.getEnd()))
                .orElseThrow());
        clock.add(Duration.ofMinutes(10));
        steps.add(rules.cancel(ANA_ACTS, ref, ChangeRequest.because("cannot come")).orElseThrow());

        assertThat(steps).extracting(d -> d.booking().status()).containsExactly(BookingStatus.PENDING,
                BookingStatus.CONFIRMED, BookingStatus.PENDING, BookingStatus.CANCELLED);
        assertThat(steps).extracting(d -> d.booking().version()).containsExactly(1L, 2L, 3L, 4L);
        Booking last = steps.get(3).booking();
        assertThat(last.slot()).isEqualTo(later);
        assertThat(last.customerReschedules()).isEqualTo(1);
        assertThat(rules.find(ANA_ACTS, ref)).contains(last);
        List<BookingEvent> history = rules.history(ANA_ACTS, ref);
        assertThat(history).extracting(BookingEvent::kind)
                .containsExactly("BOOKED", "CONFIRMED", "RESCHEDULED", "CANCELLED");
        assertThat(history).containsExactlyElementsOf(steps.stream().flatMap(d -> d.events().stream()).toList());
        List<Notification> made = steps.stream().flatMap(d -> d.notifications().stream()).toList();
        assertThat(made).as("R14 customer and resource told of each change").hasSize(8);
        assertThat(db().count("SELECT COUNT(*) FROM br_outbox WHERE tenant_id = ? AND booking_id = ?", TENANT,
                last.id())).as("the notifications are in the outbox, written with the changes").isEqualTo(8);
        assertThat(facade.notifier().delivered()).as("R14 nothing leaves before the relay runs").isEmpty();
        assertThat(facade.drain()).as("R14 the relay delivers each once").isEqualTo(8);
        assertThat(facade.notifier().delivered()).as("R14 what the relay delivered is what the changes made")
                .containsExactlyInAnyOrderElementsOf(made);
        assertThat(facade.repository().calendar(TENANT, DR_RUIZ.id(), later)).as("R2 cancelled frees the slot")
                .isEmpty();
        Outcome.Done bob = rules.book(BOB_ACTS, request(BOB, later.getStart())).orElseThrow();
        assertThat(facade.repository().calendar(TENANT, DR_RUIZ.id(), later)).containsExactly(bob.booking());
        assertThat(facade.repository().customerBookings(TENANT, ANA.id())).as("R2 kept, not deleted")
                .containsExactly(last);
    }

    @Test
    @DisplayName("idempotent book: a repeat with the same key returns the same booking unchanged and notifies nobody, "
            + "the same key with other content is Refused IDEMPOTENCY_KEY_REUSED")
    void idempotentBook() {
        TestFacade facade = TestFacade.over(db(), MutableClock.of(NOW, ZONE));
        BookingRules rules = facade.rules();
        Instant start = NOW.plus(Duration.ofDays(3));
        BookRequest keyed = request(ANA, start).withIdempotencyKey("ana-req-0001");

        Outcome.Done first = rules.book(ANA_ACTS, keyed).orElseThrow();
        Outcome.Done repeat = rules.book(ANA_ACTS, keyed).orElseThrow();
        Outcome reused = rules.book(ANA_ACTS, request(ANA, start.plus(Duration.ofHours(2)))
                .withIdempotencyKey("ana-req-0001"));

        assertThat(first.changed()).isTrue();
        assertThat(repeat.booking().id()).isEqualTo(first.booking().id());
        assertThat(repeat.booking()).isEqualTo(first.booking());
        assertThat(repeat.changed()).isFalse();
        assertThat(reused.asRefusal().orElseThrow().reason()).isEqualTo(RefusalReason.IDEMPOTENCY_KEY_REUSED);
        assertThat(db().count("SELECT COUNT(*) FROM br_booking WHERE tenant_id = ?", TENANT)).isEqualTo(1);
        assertThat(repeat.notifications()).as("a repeat notifies nobody").isEmpty();
        assertThat(facade.drain()).as("only the first booking's two notifications are delivered").isEqualTo(2);
        assertThat(facade.notifier().delivered()).containsExactlyInAnyOrderElementsOf(first.notifications());
    }

    @Test
    @DisplayName("idempotent book: 16 threads sending one keyed request at once, 100 times over, book once each time "
            + "and all 16 get that booking back, none refused")
    void idempotentRetryStorm() throws Exception {
        JdbcBookingRepository repository = db().emptyRepository();
        BookingRules rules = BookingRules.builder().repository(repository).clock(MutableClock.of(NOW, ZONE)).build();

        for (int round = 0; round < STORMS; round++) {
            BookRequest raced = request(BOB, NOW.plus(Duration.ofDays(3)).plus(Duration.ofHours(round)))
                    .withIdempotencyKey("bob-retry-storm-" + round);
            List<Outcome> outcomes = Race.run(RACERS, i -> () -> rules.book(BOB_ACTS, raced));

            assertThat(outcomes).as("round %d: every retry answered with the booking, none refused", round)
                    .allSatisfy(o -> assertThat(o.isDone()).isTrue());
            List<Outcome.Done> done = outcomes.stream().map(Outcome::orElseThrow).toList();
            assertThat(done).extracting(d -> d.booking().id()).as("round %d: one booking id for all 16", round)
                    .containsOnly(done.get(0).booking().id());
            assertThat(done).filteredOn(Outcome.Done::changed).as("round %d: exactly one of them made it", round)
                    .hasSize(1);
            assertThat(db().count("SELECT COUNT(*) FROM br_idempotency_key WHERE tenant_id = ? AND idem_key = ?",
                    TENANT, "bob-retry-storm-" + round)).isEqualTo(1);
        }
        assertThat(db().count("SELECT COUNT(*) FROM br_booking WHERE tenant_id = ?", TENANT))
                .as("one booking per keyed request").isEqualTo(STORMS);
    }

    private static BookRequest request(CustomerDetails customer, Instant start) {
        return BookRequest.of(TENANT, DR_RUIZ, CONSULTATION, customer, start, start.plus(Duration.ofMinutes(45)), ZONE);
    }
}
