package org.bookingrules.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Locale;
import org.bookingrules.BookRequest;
import org.bookingrules.BookingRef;
import org.bookingrules.BookingRules;
import org.bookingrules.BookingRulesBuilder;
import org.bookingrules.Outcome;
import org.bookingrules.memory.InMemoryBookingRepository;
import org.bookingrules.model.Actor;
import org.bookingrules.model.Booking;
import org.bookingrules.model.CustomerDetails;
import org.bookingrules.model.Resource;
import org.bookingrules.model.Service;
import org.bookingrules.policy.BookingPolicy;
import org.bookingrules.spi.Availability;
import org.bookingrules.spi.BookingNotifier;
import org.bookingrules.spi.BookingRepository;
import org.threeten.extra.MutableClock;

/**
 * A ready-made world for tests: an in-memory repository, a recording notifier, a mutable clock at
 * {@link #NOW}, and {@link BookingRules} over them with a given policy. Not thread-safe to build;
 * the facade is.
 */
public final class Fixture {

    /** The tenant of every fixture booking. */
    public static final String TENANT = "clinic-1";
    /** Monday 2 March 2026, 09:00 UTC. */
    public static final Instant NOW = Instant.parse("2026-03-02T09:00:00Z");
    /** The display zone of fixture bookings. */
    public static final ZoneId ZONE = ZoneId.of("Europe/Madrid");
    /** The professional, with a contact. */
    public static final Resource DR_RUIZ = new Resource("dr-ruiz", "Dr. Ruiz", "+34 910 000 000");
    /** Another professional. */
    public static final Resource DR_SOTO = new Resource("dr-soto", "Dr. Soto", "recepcion@example.org");
    /** The service. */
    public static final Service CONSULTATION = new Service("consultation", "Consultation");
    /** A customer with an e-mail, Spanish-speaking. */
    public static final CustomerDetails ANA = new CustomerDetails("cust-ana", "Ana Pérez", "ana@example.org",
            null, Locale.forLanguageTag("es"));
    /** A customer with a phone, English-speaking. */
    public static final CustomerDetails BOB = new CustomerDetails("cust-bob", "Bob Smith", null, "+44 20 0000 0000",
            Locale.ENGLISH);
    /** Ana acting. */
    public static final Actor.Customer ANA_ACTS = Actor.customer(ANA.id());
    /** Bob acting. */
    public static final Actor.Customer BOB_ACTS = Actor.customer(BOB.id());
    /** A staff member acting. */
    public static final Actor.Staff RECEPTION = Actor.staff("staff-maria");

    public final MutableClock clock = MutableClock.of(NOW, ZONE);
    public final InMemoryBookingRepository repository = new InMemoryBookingRepository();
    public final RecordingNotifier notifier = new RecordingNotifier();
    public final BookingRules rules;

    /** A fixture with the default policy and always-open availability. */
    public Fixture() {
        this(BookingPolicy.ofDefaults());
    }

    /**
     * @param policy the policy of every booking
     */
    public Fixture(BookingPolicy policy) {
        this(policy, Availability.ALWAYS_OPEN);
    }

    /**
     * @param policy the policy of every booking
     * @param availability the opening hours
     */
    public Fixture(BookingPolicy policy, Availability availability) {
        rules = rulesOver(repository, notifier, policy, availability, clock).build();
    }

    /**
     * A facade builder over a fixture's parts, for fixtures that add more to it.
     *
     * @param repository the repository
     * @param notifier the notifier
     * @param policy the policy of every booking
     * @param availability the opening hours
     * @param clock the clock
     * @return the builder, not yet built
     */
    public static BookingRulesBuilder rulesOver(BookingRepository repository, BookingNotifier notifier,
                                                BookingPolicy policy, Availability availability, Clock clock) {
        return BookingRules.builder()
                .repository(repository)
                .notifier(notifier)
                .policy(policy)
                .availability(availability)
                .clock(clock);
    }

    /**
     * A one-hour booking request with Dr. Ruiz starting {@code startIn} from now.
     *
     * @param customer the customer, may be null
     * @param startIn how far from now it starts
     * @return the request
     */
    public static BookRequest request(CustomerDetails customer, Duration startIn) {
        return requestAt(customer, NOW.plus(startIn));
    }

    /**
     * A one-hour booking request with Dr. Ruiz starting at {@code start}.
     *
     * @param customer the customer, may be null
     * @param start when it starts
     * @return the request
     */
    public static BookRequest requestAt(CustomerDetails customer, Instant start) {
        return BookRequest.of(TENANT, DR_RUIZ, CONSULTATION, customer, start, start.plus(Duration.ofHours(1)), ZONE);
    }

    /**
     * Books for Ana, by Ana, starting {@code startIn} from the clock's now; fails if refused.
     *
     * @param startIn how far from the clock's now it starts
     * @return the booking
     */
    public Booking bookForAna(Duration startIn) {
        return rules.book(ANA_ACTS, requestAt(ANA, clock.instant().plus(startIn))).orElseThrow().booking();
    }

    /**
     * The booking as the repository holds it now; fails if it holds none.
     *
     * @param booking the booking, as returned earlier
     * @return its stored state
     */
    public Booking stored(Booking booking) {
        return repository.find(booking.tenantId(), booking.id()).orElseThrow();
    }

    /**
     * @param booking the booking
     * @return its reference
     */
    public static BookingRef ref(Booking booking) {
        return BookingRef.of(booking.tenantId(), booking.id());
    }

    /** One round of a repeated test, given its number and a world of its own. */
    @FunctionalInterface
    public interface Round {
        /**
         * Runs the round.
         *
         * @param round the round's number, from 0
         * @param world a fresh fixture with the default policy
         * @throws Exception whatever the round throws, failing the test
         */
        void run(int round, Fixture world) throws Exception;
    }

    /**
     * Runs a round {@code rounds} times, each in a fresh world, so no round sees another's bookings.
     *
     * @param rounds how many rounds, 0 or more
     * @param round the round
     * @throws Exception the first round's failure
     */
    public static void inFreshWorlds(int rounds, Round round) throws Exception {
        for (int i = 0; i < rounds; i++) {
            round.run(i, new Fixture());
        }
    }

    /**
     * The refusal reason of an outcome, or null if done.
     *
     * @param outcome the outcome
     * @return the reason, or null
     */
    public static Object reason(Outcome outcome) {
        return outcome.asRefusal().map(r -> r.reason()).orElse(null);
    }
}
