package org.bookingrules.jdbc.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.bookingrules.jdbc.reliability.Clinic.ANA;
import static org.bookingrules.jdbc.reliability.Clinic.ANA_ACTS;
import static org.bookingrules.jdbc.reliability.Clinic.DR_RUIZ;
import static org.bookingrules.jdbc.reliability.Clinic.DR_SOTO;
import static org.bookingrules.jdbc.reliability.Clinic.NOW;
import static org.bookingrules.jdbc.reliability.Clinic.PERSONAL_DATA;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.bookingrules.BookingRules;
import org.bookingrules.ChangeRequest;
import org.bookingrules.Outcome;
import org.bookingrules.RescheduleRequest;
import org.bookingrules.jdbc.JdbcBookingRepository;
import org.bookingrules.jdbc.OutboxRelay;
import org.bookingrules.jdbc.SharedStoreTest;
import org.bookingrules.jdbc.TestDatabases.Database;
import org.bookingrules.model.Booking;
import org.bookingrules.spi.BookingNotifier;
import org.bookingrules.spi.Notification;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.threeten.extra.MutableClock;

/**
 * Notifier faults with the transactional outbox: the notifier behind an
 * {@link OutboxRelay} throws, hangs, or is slow, on each store. Booking changes are never blocked
 * or lost: their notifications wait in {@code br_outbox} and are delivered later, or parked with
 * the error's class recorded; a hanging notifier is cut off after the relay's delivery timeout.
 */
@DisplayName("Notifier faults with the outbox: a notifier that throws, hangs or is slow blocks and loses "
        + "nothing")
class OutboxNotifierFaultTest extends SharedStoreTest {

    private static final Instant START = NOW.plus(Duration.ofDays(3));
    private static final String TIMEOUT = "java.util.concurrent.TimeoutException";

    /** Released after each test, so a hanging notifier never outlives it. */
    private final CountDownLatch release = new CountDownLatch(1);
    /** The notifier behind the test's relays. */
    private final Switchable notifier = new Switchable();
    private final MutableClock clock = MutableClock.of(NOW, ZoneOffset.UTC);
    /** Every outcome of the test's commands, for the consistency check. */
    private final Ledger ledger = new Ledger();
    /** The store's database, its tables emptied before each test. */
    private Database db;
    /** The facade, without a notifier: the outbox delivers, as the README recommends with JDBC. */
    private BookingRules rules;

    @BeforeEach
    void emptyTables() {
        db = emptyDb();
        rules = BookingRules.builder().repository(JdbcBookingRepository.create(db.dataSource())).clock(clock).build();
    }

    @AfterEach
    void releaseHangingNotifiers() {
        release.countDown();
    }

    /** One outbox row as the tests look at it. */
    record Row(String notificationId, String status, int attempts, String lastError) {
    }

    /** What the notifiers throw: its message carries the customer's e-mail, which must go nowhere. */
    static final class MailboxFullException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MailboxFullException(String message) {
            super(message);
        }
    }

    /** A notifier whose behaviour the test switches; counts calls and interrupts. Thread-safe. */
    private final class Switchable implements BookingNotifier {
        final AtomicReference<String> mode = new AtomicReference<>("deliver");
        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger interrupted = new AtomicInteger();
        final Map<String, AtomicInteger> delivered = new ConcurrentHashMap<>();
        final CountDownLatch entered = new CountDownLatch(1);

        @Override
        public void deliver(Notification n) {
            calls.incrementAndGet();
            entered.countDown();
            switch (mode.get()) {
                case "throw" -> throw new MailboxFullException("mailbox of " + ANA.email() + " is full");
                case "hang" -> {
                    try {
                        // Hangs "for ever": until the test ends, or the relay interrupts it.
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        interrupted.incrementAndGet();
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted", e);
                    }
                }
                default -> {
                    // deliver
                }
            }
            delivered.computeIfAbsent(n.id(), id -> new AtomicInteger()).incrementAndGet();
        }
    }

    /** Records a command's outcome in the ledger; what it did. */
    private Outcome.Done record(Outcome outcome) {
        ledger.record(outcome);
        return outcome.orElseThrow();
    }

    private OutboxRelay.Builder relay(BookingNotifier to) {
        return OutboxRelay.builder().dataSource(db.dataSource()).notifier(to).clock(clock)
                .initialBackoff(Duration.ofSeconds(10)).maxBackoff(Duration.ofMinutes(1));
    }

    @Test
    @DisplayName("Notifier throws: each notification is retried after its backoff and finally PARKED with "
            + "last_error the exception's class (no personal data), while booking commands go on")
    void throwingNotifierRetriesThenParks() {
        notifier.mode.set("throw");
        OutboxRelay relay = relay(notifier).maxAttempts(3).build();
        Booking booked = record(rules.book(ANA_ACTS, Clinic.request(ANA, DR_RUIZ, START))).booking();

        assertThat(relay.deliverDue()).isZero();
        assertThat(rows()).extracting(Row::status, Row::attempts, Row::lastError).containsOnly(
                tuple("PENDING", 1, MailboxFullException.class.getName()));
        Booking other = record(rules.book(ANA_ACTS, Clinic.request(ANA, DR_SOTO, START.plus(Duration.ofDays(1)))))
                .booking();
        assertThat(relay.deliverDue()).as("the new booking's notifications are tried at once").isZero();
        assertThat(notifier.calls).as("2 + 2 tries; the first two are waiting for their backoff").hasValue(4);

        clock.add(Duration.ofSeconds(10));
        relay.deliverDue();
        clock.add(Duration.ofSeconds(20));
        relay.deliverDue();
        clock.add(Duration.ofSeconds(40));
        relay.deliverDue();
        clock.add(Duration.ofMinutes(5));
        relay.deliverDue();

        assertThat(rows()).as("parked after 3 failed attempts").hasSize(4)
                .allSatisfy(r -> {
                    assertThat(r.status()).isEqualTo("PARKED");
                    assertThat(r.attempts()).isEqualTo(3);
                    assertThat(r.lastError()).isEqualTo(MailboxFullException.class.getName());
                });
        assertThat(rows()).extracting(Row::lastError).allSatisfy(e -> assertThat(PERSONAL_DATA)
                .noneMatch(e::contains));
        assertThat(notifier.calls).as("3 attempts each, then never again").hasValue(12);
        assertThat(rules.cancel(ANA_ACTS, Clinic.ref(booked), ChangeRequest.none()).isDone()).isTrue();
        assertThat(rules.reschedule(ANA_ACTS, Clinic.ref(other), RescheduleRequest.to(START.plus(Duration.ofDays(2)),
                START.plus(Duration.ofDays(2)).plusSeconds(3600))).isDone()).isTrue();
    }

    @Test
    @DisplayName("Notifier hangs: the relay cuts the call off after its delivery timeout, interrupts it, "
            + "records TimeoutException and backs off, ends the pass so the other claimed row waits untouched, and "
            + "delivers everything once the notifier recovers")
    void hangingNotifierIsCutOffByTheDeliveryTimeout() throws Exception {
        notifier.mode.set("hang");
        OutboxRelay relay = relay(notifier).deliveryTimeout(Duration.ofMillis(300)).build();
        Booking booked = record(rules.book(ANA_ACTS, Clinic.request(ANA, DR_RUIZ, START))).booking();

        long started = System.nanoTime();
        int delivered = relay.deliverDue();
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(delivered).isZero();
        assertThat(took).as("bounded by the 300 ms timeout, not the 30 s hang").isBetween(Duration.ofMillis(300),
                Duration.ofSeconds(3));
        assertThat(notifier.calls).as("the pass ended after the first timeout").hasValue(1);
        waitFor(() -> notifier.interrupted.get() == 1, "the hung call was interrupted");
        List<Row> rows = rows();
        assertThat(rows).filteredOn(r -> r.attempts() == 1).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo("PENDING");
            assertThat(r.lastError()).isEqualTo(TIMEOUT);
        });
        assertThat(rows).filteredOn(r -> r.attempts() == 0).as("left due for the next pass, untouched")
                .singleElement().satisfies(r -> assertThat(r.lastError()).isNull());

        notifier.mode.set("hang");
        assertThat(relay.deliverDue()).as("the untouched row is tried next, and hangs too").isZero();
        assertThat(notifier.calls).hasValue(2);
        notifier.mode.set("deliver");
        clock.add(Duration.ofSeconds(10));
        assertThat(relay.deliverDue()).as("after the backoff both are delivered").isEqualTo(2);

        assertThat(rows()).extracting(Row::status).containsOnly("SENT");
        assertThat(notifier.delivered.keySet()).containsExactlyInAnyOrderElementsOf(
                ledger.entries().values().stream().flatMap(e -> e.notificationIds().stream()).toList());
        ConsistencyCheck.run(db.dataSource(), ledger).assertConsistent();
        assertThat(booked.version()).isEqualTo(1);
    }

    @Test
    @DisplayName("Notifier is slow: while the relay is stuck in the notifier inside its pass, book, "
            + "reschedule and cancel on other threads complete at once, and their notifications are delivered "
            + "afterwards")
    void slowNotifierDoesNotBlockBookingCommands() throws Exception {
        Booking first = record(rules.book(ANA_ACTS, Clinic.request(ANA, DR_RUIZ, START))).booking();
        notifier.mode.set("hang");
        OutboxRelay relay = relay(notifier).deliveryTimeout(Duration.ofSeconds(20)).build();
        ExecutorService relayThread = Executors.newSingleThreadExecutor();
        try {
            Future<Integer> pass = relayThread.submit(relay::deliverDue);
            assertThat(notifier.entered.await(10, TimeUnit.SECONDS)).as("the relay is in the notifier").isTrue();

            Map<String, Duration> took = new LinkedHashMap<>();
            Booking second = timed(took, "book", () -> record(rules.book(ANA_ACTS,
                    Clinic.request(ANA, DR_SOTO, START.plus(Duration.ofDays(1)))))).booking();
            Instant later = START.plus(Duration.ofDays(2));
            timed(took, "reschedule", () -> record(rules.reschedule(ANA_ACTS, Clinic.ref(second),
                    RescheduleRequest.to(later, later.plus(Duration.ofHours(1))))));
            timed(took, "cancel", () -> record(rules.cancel(ANA_ACTS, Clinic.ref(first),
                    ChangeRequest.because("cannot come"))));
            System.out.printf("[slow notifier %s] while the relay was stuck: %s%n", store, took);

            assertThat(pass.isDone()).as("the relay is still stuck").isFalse();
            assertThat(took.values()).as("no command waited for the relay").allSatisfy(d ->
                    assertThat(d).isLessThan(Duration.ofSeconds(2)));
            assertThat(rows()).as("the new changes' notifications are queued").hasSize(8);

            notifier.mode.set("deliver");
            release.countDown();
            assertThat(pass.get(30, TimeUnit.SECONDS)).isEqualTo(2);
            while (relay.deliverDue() > 0) {
                // drain
            }
            assertThat(rows()).extracting(Row::status).containsOnly("SENT");
            assertThat(notifier.delivered).hasSize(8);
            ConsistencyCheck.run(db.dataSource(), ledger).assertConsistent();
        } finally {
            relayThread.shutdownNow();
        }
    }

    @Test
    @DisplayName("Notifier hangs, given to the facade with JDBC: build() refuses it, naming the notifier and the "
            + "repository (the outbox's relay is the only way out); given to the relay instead, the command never "
            + "waits for it, its notifications wait in the outbox, and a healthy relay delivers them later")
    void hangingNotifierOnTheFacadeIsRefusedAndTheOutboxKeepsTheNotifications() {
        notifier.mode.set("hang");
        JdbcBookingRepository repository = JdbcBookingRepository.create(db.dataSource());

        assertThatThrownBy(() -> BookingRules.builder().repository(repository).notifier(notifier)
                .notificationTimeout(Duration.ofMillis(200)).clock(clock).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("notifier")
                .hasMessageContaining("JdbcBookingRepository");

        OutboxRelay stuck = relay(notifier).deliveryTimeout(Duration.ofMillis(200)).build();
        long started = System.nanoTime();
        Outcome.Done done = record(rules.book(ANA_ACTS, Clinic.request(ANA, DR_RUIZ, START)));
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(took).as("the command never waits for a notifier").isLessThan(Duration.ofSeconds(3));
        assertThat(stuck.deliverDue()).as("the hanging notifier is cut off").isZero();
        assertThat(notifier.delivered).isEmpty();

        Switchable healthy = new Switchable();
        clock.add(Duration.ofMinutes(5));
        int delivered = 0;
        for (int pass; (pass = relay(healthy).build().deliverDue()) > 0; ) {
            delivered += pass;
        }
        assertThat(delivered).isEqualTo(2);
        assertThat(healthy.delivered.keySet()).containsExactlyInAnyOrderElementsOf(
                done.notifications().stream().map(Notification::id).collect(Collectors.toSet()));
        assertThat(rows()).extracting(Row::status).containsOnly("SENT");
        ConsistencyCheck.run(db.dataSource(), ledger).assertConsistent();
    }

    @Test
    @DisplayName("Notifier faults: the relay's delivery timeout defaults to 30 s, and a bad value fails at "
            + "once naming the setting and the value")
    void deliveryTimeoutSetting() {
        Supplier<OutboxRelay.Builder> valid = () -> OutboxRelay.builder().dataSource(db.dataSource())
                .notifier(BookingNotifier.NONE);

        assertThat(OutboxRelay.DEFAULT_DELIVERY_TIMEOUT).isEqualTo(Duration.ofSeconds(30));
        assertThatThrownBy(() -> valid.get().deliveryTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("deliveryTimeout")
                .hasMessageContaining("PT0S");
        assertThatThrownBy(() -> valid.get().deliveryTimeout(Duration.ofHours(2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT2H");
        assertThatThrownBy(() -> valid.get().deliveryTimeout(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("deliveryTimeout");
        assertThatThrownBy(() -> valid.get().deliveryExecutor(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("deliveryExecutor");
        assertThat(valid.get().deliveryTimeout(Duration.ofHours(1)).build().toBuilder().build()).isNotNull();
    }

    @Test
    @DisplayName("Notifier faults: a caller-supplied executor runs the relay's deliveries, and one that "
            + "refuses them counts as a failed attempt")
    void callerSuppliedDeliveryExecutor() {
        record(rules.book(ANA_ACTS, Clinic.request(ANA, DR_RUIZ, START)));
        AtomicInteger tasks = new AtomicInteger();
        ExecutorService pool = Executors.newCachedThreadPool();
        try {
            OutboxRelay refusing = relay(notifier).deliveryExecutor(task -> {
                throw new RejectedExecutionException("full");
            }).build();
            assertThat(refusing.deliverDue()).isZero();
            assertThat(rows()).extracting(Row::lastError)
                    .containsOnly("java.util.concurrent.RejectedExecutionException");

            clock.add(Duration.ofSeconds(10));
            OutboxRelay counting = relay(notifier).deliveryExecutor(task -> {
                tasks.incrementAndGet();
                pool.execute(task);
            }).build();
            assertThat(counting.toBuilder().build().deliverDue()).isEqualTo(2);
            assertThat(tasks).as("the copy kept the caller's executor").hasValue(2);
            assertThat(notifier.calls).hasValue(2);
        } finally {
            pool.shutdownNow();
        }
    }

    // ------------------------------------------------------------------------------- helpers

    private List<Row> rows() {
        try (Connection c = db.dataSource().getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT notification_id, status, attempts, last_error FROM br_outbox ORDER BY notification_id");
             ResultSet r = s.executeQuery()) {
            List<Row> rows = new ArrayList<>();
            while (r.next()) {
                rows.add(new Row(r.getString(1), r.getString(2), r.getInt(3), r.getString(4)));
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException("reading the outbox failed: SQLState " + e.getSQLState(), e);
        }
    }

    private static <T> T timed(Map<String, Duration> took, String what, Supplier<T> work) {
        long started = System.nanoTime();
        T result = work.get();
        took.put(what, Duration.ofNanos(System.nanoTime() - started));
        return result;
    }

    private static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited 5 s: %s", what).isLessThan(deadline);
            Thread.sleep(10);
        }
    }
}
