package org.bookingrules.jdbc.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bookingrules.jdbc.reliability.Clinic.NOW;
import static org.bookingrules.jdbc.reliability.Clinic.RECEPTION;
import static org.bookingrules.jdbc.reliability.Clinic.RESOURCES;
import static org.bookingrules.jdbc.reliability.Clinic.TENANT;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.bookingrules.BookRequest;
import org.bookingrules.BookingConflictException;
import org.bookingrules.BookingRef;
import org.bookingrules.BookingRules;
import org.bookingrules.ChangeRequest;
import org.bookingrules.NotificationChoice;
import org.bookingrules.Outcome;
import org.bookingrules.RescheduleRequest;
import org.bookingrules.jdbc.JdbcBookingRepository;
import org.bookingrules.jdbc.OutboxRelay;
import org.bookingrules.jdbc.SharedStoreTest;
import org.bookingrules.jdbc.TestDatabases.Database;
import org.bookingrules.jdbc.TestDatabases.Store;
import org.bookingrules.model.Actor;
import org.bookingrules.model.CustomerDetails;
import org.bookingrules.model.Resource;
import org.bookingrules.spi.BookingNotifier;
import org.bookingrules.spi.Notification;
import org.bookingrules.testing.Race;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The storm: 16 threads run mixed commands (book, confirm, revoke, cancel, reschedule,
 * decline; by customers, by other customers, and by staff) through one {@link BookingRules} over
 * {@link JdbcBookingRepository}, on three resources and a grid of overlapping one-hour slots every
 * half hour, so that slots are fought over; an {@link OutboxRelay} delivers the outbox meanwhile.
 * Then: no overlapping active bookings, every booking's version is its number of history events,
 * every change reported to a caller has its events and exactly its notifications in the outbox
 * ({@link ConsistencyCheck} against the {@link Ledger} of every outcome), every notification was
 * delivered, and no command failed unexpectedly. Nothing is back-dated: every slot is in the
 * future, so every active booking claims its slot.
 *
 * <p>Duration: {@value #SECONDS_PROPERTY} seconds on PostgreSQL and MariaDB (default
 * {@value #DEFAULT_SECONDS}), {@value #H2_SECONDS_PROPERTY} on H2 (default {@value #DEFAULT_H2_SECONDS}),
 * e.g. {@code mvn test -Dbookingrules.storm.seconds=120}. The counts of commands per kind and
 * outcome are printed.
 */
@DisplayName("Storm: 16 threads of mixed commands by customers and staff, then every invariant holds")
class StormTest extends SharedStoreTest {

    /** System property: seconds the storm lasts on PostgreSQL and MariaDB. */
    static final String SECONDS_PROPERTY = "bookingrules.storm.seconds";
    /** System property: seconds the storm lasts on H2. */
    static final String H2_SECONDS_PROPERTY = "bookingrules.storm.h2.seconds";
    static final int DEFAULT_SECONDS = 30;
    static final int DEFAULT_H2_SECONDS = 5;

    private static final int THREADS = 16;
    private static final int CUSTOMERS = 24;
    /** How many of the latest bookings most commands pick from. */
    private static final int RECENT = 32;
    /** Half-hour starts per day in the grid: 09:00 to 16:30 UTC. */
    private static final int STARTS_PER_DAY = 16;
    /** Days of the grid: the day after tomorrow and the next (bookings within 6 h are auto-confirmed). */
    private static final int DAYS = 2;
    private static final List<NotificationChoice> CHOICES = List.of(NotificationChoice.both(),
            NotificationChoice.customerOnly(), NotificationChoice.resourceOnly(), NotificationChoice.nobody());

    /** A booking the storm knows, with its customer (null for a booking without one). */
    private record Known(BookingRef ref, String customerId) {
    }

    /** What the storm counts: per "kind outcome", plus unexpected failures. */
    private static final class Tally {
        final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
        final List<String> unexpected = new CopyOnWriteArrayList<>();

        void count(String kind, String outcome) {
            counts.computeIfAbsent(String.format("%-11s %s", kind, outcome), k -> new LongAdder()).increment();
        }

        long total(String outcomePrefix) {
            return counts.entrySet().stream().filter(e -> e.getKey().substring(12).startsWith(outcomePrefix))
                    .mapToLong(e -> e.getValue().sum()).sum();
        }

        long total() {
            return counts.values().stream().mapToLong(LongAdder::sum).sum();
        }
    }

    /** Records every delivery; thread-safe. */
    private static final class CountingNotifier implements BookingNotifier {
        final Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();

        @Override
        public void deliver(Notification notification) {
            deliveries.computeIfAbsent(notification.id(), id -> new AtomicInteger()).incrementAndGet();
        }
    }

    @Test
    @DisplayName("Storm: 16 threads of book, confirm, revoke, cancel, reschedule and decline by customers "
            + "and staff over overlapping slots end with no overlapping active bookings, every version equal to its "
            + "history, every change with its events and notifications (all delivered), and no unexpected exception")
    void storm() throws Exception {
        Database db = db();
        Duration length = Duration.ofSeconds(store == Store.H2 ? Integer.getInteger(H2_SECONDS_PROPERTY,
                DEFAULT_H2_SECONDS) : Integer.getInteger(SECONDS_PROPERTY, DEFAULT_SECONDS));
        // Time moves on from NOW as it does in the real world, by the storm's seconds.
        Clock clock = Clock.offset(Clock.systemUTC(), Duration.between(Instant.now(), NOW));
        JdbcBookingRepository repository = db.emptyRepository();
        BookingRules rules = BookingRules.builder().repository(repository).clock(clock).build();
        CountingNotifier notifier = new CountingNotifier();
        OutboxRelay relay = OutboxRelay.builder().dataSource(db.dataSource()).notifier(notifier).clock(clock).build();
        Ledger ledger = new Ledger();
        Tally tally = new Tally();
        List<Known> known = new CopyOnWriteArrayList<>();
        ScheduledExecutorService relayRuns = Executors.newSingleThreadScheduledExecutor();
        long started = System.nanoTime();
        try {
            ScheduledFuture<?> relaying = relay.runEvery(Duration.ofMillis(100), relayRuns);
            long deadline = System.nanoTime() + length.toNanos();
            Race.of(THREADS).withTimeout(Duration.ofMinutes(10)).run(i -> () -> {
                SplittableRandom random = new SplittableRandom(7919L * (i + 1));
                while (System.nanoTime() < deadline) {
                    step(rules, random, known, ledger, tally);
                }
                return null;
            });
            relaying.cancel(false);
        } finally {
            relayRuns.shutdown();
            assertThat(relayRuns.awaitTermination(60, TimeUnit.SECONDS)).as("the relay stopped").isTrue();
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        while (relay.deliverDue() > 0) {
            // drain what the last run left
        }

        print(store, length, took, tally);
        ConsistencyCheck.Report report = ConsistencyCheck.run(db.dataSource(), ledger);
        System.out.printf("[storm %s] consistency check: %s%n", store, report);
        report.assertConsistent();
        assertThat(tally.unexpected).as("unexpected exceptions").isEmpty();
        assertThat(tally.total("conflict")).as("BookingConflictException: a command that lost every race (5 "
                + "attempts); none expected with this mix").isZero();
        assertThat(tally.total("done")).as("the storm changed things").isGreaterThan(THREADS);
        assertThat(tally.total("refused SLOT_UNAVAILABLE")).as("slots were fought over").isPositive();
        assertThat(outboxStatuses(db)).as("every notification delivered").containsOnlyKeys("SENT");
        Set<String> queued = new HashSet<>();
        ledger.entries().values().forEach(e -> queued.addAll(e.notificationIds()));
        assertThat(notifier.deliveries.keySet()).as("delivered exactly what the changes queued").isEqualTo(queued);
        assertThat(notifier.deliveries.values()).as("each once (no failure, so no repeat)")
                .allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
    }

    /** One random command by one random actor, recorded in the ledger and the tally. */
    private static void step(BookingRules rules, SplittableRandom random, List<Known> known, Ledger ledger,
                             Tally tally) {
        int dice = random.nextInt(100);
        String kind;
        if (known.isEmpty() || dice < 30) {
            kind = "book";
        } else if (dice < 42) {
            kind = "confirm";
        } else if (dice < 50) {
            kind = "revoke";
        } else if (dice < 65) {
            kind = "cancel";
        } else if (dice < 85) {
            kind = "reschedule";
        } else {
            kind = "decline";
        }
        // Mostly the recent bookings, which are mostly still active, so that threads fight over them.
        int size = known.size();
        Known target = size == 0 ? null : random.nextInt(5) == 0 ? known.get(random.nextInt(size))
                : known.get(size - 1 - random.nextInt(Math.min(RECENT, size)));
        // Revoking is for staff (a customer's try is refused); the rest is a quarter staff.
        boolean staff = "revoke".equals(kind) ? random.nextInt(10) != 0 : random.nextInt(4) == 0;
        Actor actor;
        if (staff) {
            actor = RECEPTION;
        } else if (target == null || "book".equals(kind) || target.customerId() == null || random.nextInt(20) == 0) {
            // Someone else's booking now and then: it must look like no booking at all.
            actor = Actor.customer("cust-" + random.nextInt(CUSTOMERS));
        } else {
            actor = Actor.customer(target.customerId());
        }
        ChangeRequest change = staff ? ChangeRequest.because("desk").notifying(CHOICES.get(random.nextInt(4)))
                : ChangeRequest.none();
        try {
            Outcome outcome = switch (kind) {
                case "book" -> book(rules, random, actor, staff);
                case "confirm" -> rules.confirm(actor, target.ref(), change);
                case "revoke" -> rules.revokeConfirmation(actor, target.ref(), change);
                case "cancel" -> rules.cancel(actor, target.ref(), change);
                case "decline" -> rules.decline(actor, target.ref(), change);
                default -> {
                    Instant start = slotStart(random);
                    RescheduleRequest move = RescheduleRequest.to(start, start.plus(Duration.ofHours(1))).with(change);
                    if (staff && random.nextBoolean()) {
                        move = move.withResource(RESOURCES.get(random.nextInt(RESOURCES.size())));
                    }
                    yield rules.reschedule(actor, target.ref(), move);
                }
            };
            ledger.record(outcome);
            if (outcome instanceof Outcome.Done done) {
                tally.count(kind, done.changed() ? "done" : "done, nothing to change");
                if ("book".equals(kind)) {
                    known.add(new Known(BookingRef.of(TENANT, done.booking().id()),
                            done.booking().customer().map(CustomerDetails::id).orElse(null)));
                }
            } else {
                tally.count(kind, "refused " + outcome.asRefusal().orElseThrow().reason());
            }
        } catch (BookingConflictException e) {
            tally.count(kind, "conflict");
        } catch (RuntimeException e) {
            tally.count(kind, "ERROR " + e.getClass().getSimpleName());
            if (tally.unexpected.size() < 20) {
                tally.unexpected.add(kind + ": " + e);
            }
        }
    }

    private static Outcome book(BookingRules rules, SplittableRandom random, Actor actor, boolean staff) {
        Resource resource = RESOURCES.get(random.nextInt(RESOURCES.size()));
        Instant start = slotStart(random);
        CustomerDetails customer;
        if (staff) {
            int c = random.nextInt(CUSTOMERS + 4);
            // Staff also book with no customer stored (a walk-in): nobody to tell but the resource.
            customer = c >= CUSTOMERS ? null : Clinic.customer(c, c % 3 != 0);
        } else {
            int c = Integer.parseInt(actor.id().substring("cust-".length()));
            customer = Clinic.customer(c, c % 3 != 0);
        }
        BookRequest request = Clinic.request(customer, resource, start);
        return rules.book(actor, staff ? request.notifying(CHOICES.get(random.nextInt(4))) : request);
    }

    /**
     * A start on the grid: one-hour slots every half hour, so each overlaps its neighbours. One in
     * eight is within the next hours (auto-confirmed at once, inside every notice); the rest two and
     * three days ahead.
     */
    private static Instant slotStart(SplittableRandom random) {
        if (random.nextInt(8) == 0) {
            return NOW.plus(Duration.ofHours(2)).plus(Duration.ofMinutes(30L * random.nextInt(6)));
        }
        int day = 2 + random.nextInt(DAYS);
        return NOW.plus(Duration.ofDays(day)).plus(Duration.ofMinutes(30L * random.nextInt(STARTS_PER_DAY)));
    }

    private static void print(Store store, Duration length, Duration took, Tally tally) {
        System.out.printf("[storm %s] %d threads for %s (took %.1f s): %d commands, %.0f per second%n", store, THREADS,
                length, took.toMillis() / 1000.0, tally.total(), tally.total() * 1000.0 / Math.max(1, took.toMillis()));
        new TreeMap<>(tally.counts).forEach((k, v) -> System.out.printf("[storm %s]   %-60s %8d%n", store, k, v.sum()));
        System.out.printf("[storm %s] conflicts (BookingConflictException): %d, unexpected exceptions: %d%n", store,
                tally.total("conflict"), tally.total("ERROR"));
        tally.unexpected.forEach(u -> System.out.printf("[storm %s] unexpected: %s%n", store, u));
    }

    private static Map<String, Long> outboxStatuses(Database db) {
        Map<String, Long> statuses = new TreeMap<>();
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement s = c.prepareStatement("SELECT status, COUNT(*) FROM br_outbox GROUP BY status");
             ResultSet r = s.executeQuery()) {
            while (r.next()) {
                statuses.put(r.getString(1), r.getLong(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading the outbox failed: SQLState " + e.getSQLState(), e);
        }
        return statuses;
    }
}
