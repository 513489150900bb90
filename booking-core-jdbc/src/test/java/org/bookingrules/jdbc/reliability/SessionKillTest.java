package org.bookingrules.jdbc.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.bookingrules.jdbc.reliability.Clinic.ANA;
import static org.bookingrules.jdbc.reliability.Clinic.ANA_ACTS;
import static org.bookingrules.jdbc.reliability.Clinic.DR_RUIZ;
import static org.bookingrules.jdbc.reliability.Clinic.NOW;
import static org.bookingrules.jdbc.reliability.Clinic.PERSONAL_DATA;
import static org.bookingrules.jdbc.reliability.Clinic.RESOURCES;
import static org.bookingrules.jdbc.reliability.Clinic.ZONE;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.bookingrules.BookingRules;
import org.bookingrules.ChangeRequest;
import org.bookingrules.Outcome;
import org.bookingrules.RescheduleRequest;
import org.bookingrules.jdbc.BookingStorageException;
import org.bookingrules.jdbc.JdbcBookingRepository;
import org.bookingrules.jdbc.TestDatabases;
import org.bookingrules.jdbc.TestDatabases.Database;
import org.bookingrules.jdbc.TestDatabases.Store;
import org.bookingrules.jdbc.reliability.ConnectionFaultTest.Command;
import org.bookingrules.jdbc.reliability.FaultInjector.Step;
import org.bookingrules.model.Actor;
import org.bookingrules.model.Booking;
import org.bookingrules.model.CustomerDetails;
import org.bookingrules.testing.Race;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.threeten.extra.MutableClock;

/**
 * The database session killed mid-run: an operator (or a failover) ends the server
 * session a command is using, with PostgreSQL's {@code pg_terminate_backend} or MariaDB's
 * {@code KILL CONNECTION}, from another connection, while the command is paused inside its
 * transaction; and sessions are killed over and over while eight threads run commands. Afterwards
 * booking, history and outbox agree, the caller got a clear exception, and commands succeed again.
 */
@DisplayName("Fault injection: the database session is killed mid-run on PostgreSQL and MariaDB")
class SessionKillTest {

    @RegisterExtension
    static final TestDatabases DATABASES = new TestDatabases();

    private static final Instant START = NOW.plus(Duration.ofDays(3));

    static Stream<Arguments> killPoints() {
        return ConnectionFaultTest.everyCommandAt(List.of(Store.POSTGRESQL, Store.MARIADB),
                List.of(Step.AFTER_BOOKING_WRITE, Step.AT_OUTBOX_INSERT, Step.AT_COMMIT));
    }

    @ParameterizedTest(name = "on {0}: {1}, session killed {2}")
    @MethodSource("killPoints")
    @DisplayName("Fault injection: the session killed from another connection while the command waits "
            + "inside its transaction gives the caller a clear storage exception, stores none of the change, leaves "
            + "booking, history and outbox agreeing, and the same command then succeeds")
    void sessionKilledInsideTransaction(Store store, Command command, Step step) {
        Database db = DATABASES.get(store);
        Faulted f = Faulted.over(db);
        Ledger ledger = new Ledger();
        Booking before = ConnectionFaultTest.target(f, ledger, command);
        List<Long> rowsBefore = ConnectionFaultTest.rowCounts(db);
        Sessions sessions = new Sessions(db);
        AtomicBoolean killed = new AtomicBoolean();
        f.faults().pauseAt(step, physical -> {
            try (Statement s = physical.createStatement(); ResultSet r = s.executeQuery(sessions.sessionIdQuery())) {
                r.next();
                killed.set(sessions.kill(r.getLong(1)));
            }
        });

        Throwable thrown = catchThrowable(() -> ConnectionFaultTest.run(f.rules(), command, before));

        assertThat(f.faults().fired()).as("the command reached %s", step).isEqualTo(1);
        assertThat(killed).as("its session was killed").isTrue();
        assertThat(thrown).as("the caller is told, naming the SQLState; the driver's exceptions had %s",
                        ConnectionFaultTest.states(thrown)).isInstanceOf(BookingStorageException.class)
                .hasMessageMatching(command.operation + " failed: SQLState [0-9A-Z]{5}, error -?[0-9]+");
        assertThat(PERSONAL_DATA).as("no personal data in the message").noneMatch(thrown.getMessage()::contains);
        ConsistencyCheck.run(db.dataSource(), ledger).assertConsistent();
        assertThat(ConnectionFaultTest.rowCounts(db)).as("none of the change is stored").isEqualTo(rowsBefore);

        Outcome retried = ConnectionFaultTest.run(f.rules(), command, before);

        assertThat(retried.isDone()).as("the retry succeeds: %s", retried).isTrue();
        ledger.record(retried);
        ConsistencyCheck.run(db.dataSource(), ledger).assertConsistent();
    }

    @ParameterizedTest(name = "on {0}")
    @EnumSource(value = Store.class, names = {"POSTGRESQL", "MARIADB"})
    @DisplayName("Fault injection: sessions killed every 150 ms while 8 threads book, reschedule and cancel for 3 s: "
            + "callers get storage exceptions only, no change is half stored, every change has its history and "
            + "both notifications, nothing overlaps, and commands succeed once the killing stops")
    void sessionsKilledWhileCommandsRun(Store store) throws Exception {
        Database db = DATABASES.get(store);
        db.clean();
        // A pool of its own, so that only its sessions are killed: one connection per thread and
        // as many spare, for those the killer ends while HikariCP has not yet noticed.
        Sessions sessions = new Sessions(db);
        try (HikariDataSource pool = sessions.killablePool(16)) {
            BookingRules rules = BookingRules.builder().repository(JdbcBookingRepository.create(pool))
                    .clock(MutableClock.of(NOW, ZONE)).build();
            Ledger ledger = new Ledger();
            Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong kills = new AtomicLong();
            Thread killer = new Thread(() -> {
                while (!stop.get()) {
                    kills.addAndGet(sessions.killAll(pool));
                    sleep(150);
                }
            }, "session-killer");
            killer.start();
            List<Throwable> unexpected = Race.of(8).withTimeout(Duration.ofMinutes(10))
                    .run(i -> () -> traffic(rules, ledger, counts, stop, i));
            stop.set(true);
            killer.join();
            // Every connection the killer may have ended while idle is retired now, so the commands
            // below get fresh sessions without waiting on HikariCP's idle validation window.
            pool.getHikariPoolMXBean().softEvictConnections();
            new TreeMap<>(counts).forEach((k, v) -> System.out.printf("[kill %s] %-40s %6d%n", store, k, v.get()));
            System.out.printf("[kill %s] sessions killed: %d%n", store, kills.get());

            assertThat(unexpected).as("only storage exceptions").containsOnlyNulls();
            assertThat(kills.get()).as("sessions were killed").isPositive();
            assertThat(counts.getOrDefault("storage exception", new AtomicInteger()).get())
                    .as("commands hit the kills").isPositive();
            ConsistencyCheck.Report report = ConsistencyCheck.runAtLeast(db.dataSource(), ledger, 2).assertConsistent();
            System.out.printf("[kill %s] consistency: %s%n", store, report);

            Instant free = NOW.plus(Duration.ofDays(30));
            Outcome after = rules.book(ANA_ACTS, Clinic.request(ANA, DR_RUIZ, free));
            assertThat(after.isDone()).as("a command succeeds once the killing stops").isTrue();
            Outcome cancelled = rules.cancel(ANA_ACTS, Clinic.ref(after.orElseThrow().booking()),
                    ChangeRequest.none());
            assertThat(cancelled.isDone()).isTrue();
        }
    }

    /** One thread's commands until stopped; returns the first unexpected failure, or null. */
    private static Throwable traffic(BookingRules rules, Ledger ledger, Map<String, AtomicInteger> counts,
                                     AtomicBoolean stop, int thread) {
        Random random = new Random(thread);
        CustomerDetails customer = Clinic.customer(100 + thread, true);
        Actor.Customer acts = Actor.customer(customer.id());
        List<Booking> mine = new ArrayList<>();
        long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (!stop.get() && System.nanoTime() < end) {
            String kind = mine.isEmpty() || random.nextInt(3) == 0 ? "book"
                    : random.nextBoolean() ? "reschedule" : "cancel";
            try {
                Outcome outcome;
                if ("book".equals(kind)) {
                    Instant start = START.plus(Duration.ofMinutes(30L * random.nextInt(48)));
                    outcome = rules.book(acts, Clinic.request(customer, RESOURCES.get(random.nextInt(3)), start));
                } else {
                    Booking b = mine.get(random.nextInt(mine.size()));
                    if ("cancel".equals(kind)) {
                        outcome = rules.cancel(acts, Clinic.ref(b), ChangeRequest.none());
                    } else {
                        Instant start = START.plus(Duration.ofMinutes(30L * random.nextInt(48)));
                        outcome = rules.reschedule(acts, Clinic.ref(b), RescheduleRequest.to(start,
                                start.plus(Duration.ofHours(1))));
                    }
                }
                ledger.record(outcome);
                if (outcome instanceof Outcome.Done done && "book".equals(kind)) {
                    mine.add(done.booking());
                }
                String result = outcome.asRefusal().map(r -> "refused " + r.reason()).orElse("done");
                counts.computeIfAbsent(kind + " " + result, k -> new AtomicInteger()).incrementAndGet();
            } catch (BookingStorageException e) {
                counts.computeIfAbsent("storage exception", k -> new AtomicInteger()).incrementAndGet();
                counts.computeIfAbsent("storage exception " + state(e), k -> new AtomicInteger()).incrementAndGet();
            } catch (RuntimeException e) {
                return e;
            }
        }
        return null;
    }

    private static String state(BookingStorageException e) {
        String m = e.getMessage();
        int at = m.indexOf("SQLState ");
        return at < 0 ? "?" : m.substring(at + 9, Math.min(m.length(), at + 14));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
