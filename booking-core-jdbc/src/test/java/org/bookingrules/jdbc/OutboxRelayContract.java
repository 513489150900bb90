package org.bookingrules.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bookingrules.testing.Fixture.ANA;
import static org.bookingrules.testing.Fixture.ANA_ACTS;
import static org.bookingrules.testing.Fixture.CONSULTATION;
import static org.bookingrules.testing.Fixture.DR_RUIZ;
import static org.bookingrules.testing.Fixture.NOW;
import static org.bookingrules.testing.Fixture.RECEPTION;
import static org.bookingrules.testing.Fixture.TENANT;
import static org.bookingrules.testing.Fixture.ZONE;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.bookingrules.BookRequest;
import org.bookingrules.BookingRef;
import org.bookingrules.BookingRules;
import org.bookingrules.ChangeRequest;
import org.bookingrules.NotificationChoice;
import org.bookingrules.Outcome;
import org.bookingrules.jdbc.OutboxTestDatabases.FlakyNotifier;
import org.bookingrules.jdbc.OutboxTestDatabases.MailboxUnavailableException;
import org.bookingrules.jdbc.OutboxTestDatabases.Opened;
import org.bookingrules.jdbc.OutboxTestDatabases.OutboxRow;
import org.bookingrules.jdbc.OutboxTestDatabases.Pool;
import org.bookingrules.jdbc.OutboxTestDatabases.RecordingNotifier;
import org.bookingrules.jdbc.OutboxTestDatabases.Store;
import org.bookingrules.model.Resource;
import org.bookingrules.spi.BookingNotifier;
import org.bookingrules.spi.Notification;
import org.bookingrules.spi.NotificationKind;
import org.bookingrules.spi.RecipientRole;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.threeten.extra.MutableClock;

/**
 * The outbox relay's behaviour, run on each store by a subclass.
 * Outbox rows are made the way production makes them: by {@link BookingRules} over a
 * {@link JdbcBookingRepository}, with no notifier on the facade, so every notification waits in
 * the outbox for a relay. Customers have an e-mail, so each booking queues a CUSTOMER and a
 * RESOURCE notification.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class OutboxRelayContract {

    private static final String PENDING = "PENDING";
    private static final String SENT = "SENT";
    private static final String PARKED = "PARKED";

    private Opened db;
    private Pool pool;
    private MutableClock clock;

    /** @return the store this subclass runs on */
    abstract Store store();

    @BeforeAll
    void openStore() throws SQLException {
        // Unconfigured servers skip each test (visible, with how to enable them, in the reports);
        // a configured server that cannot be reached fails here.
        if (store().enabled()) {
            db = OutboxTestDatabases.open(store());
            pool = db.pool();
        }
    }

    @AfterAll
    void closeStore() throws SQLException {
        if (db != null) {
            db.close();
        }
    }

    @BeforeEach
    void emptyTables() throws SQLException {
        store().assumeEnabled();
        OutboxTestDatabases.deleteRows(pool);
        clock = MutableClock.of(NOW, ZoneOffset.UTC);
    }

    // ------------------------------------------------------------------------------- the tests

    @Test
    @DisplayName("A notifier that fails three times then succeeds delivers each notification once, "
            + "after backoffs of 30 s, 60 s and 120 s, with attempts and the error class recorded")
    void failsThreeTimesThenDeliversOnceAfterDoublingBackoff() throws Exception {
        Outcome.Done booked = bookForAna(facade(pool), 0);
        Set<String> queued = ids(booked.notifications());
        assertThat(queued).hasSize(2);
        FlakyNotifier notifier = new FlakyNotifier(3);
        OutboxRelay relay = OutboxRelay.builder().dataSource(pool).notifier(notifier).clock(clock).build();

        assertThat(relay.deliverDue()).as("first attempt fails").isZero();
        assertEveryRow(PENDING, 1, NOW.plusSeconds(30));

        Instant failedAt = NOW;
        Duration[] backoffs = {Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(120)};
        for (int failure = 1; failure <= 3; failure++) {
            Duration backoff = backoffs[failure - 1];
            int callsBefore = notifier.calls();
            assertThat(relay.deliverDue()).as("right after failure %d: not due", failure).isZero();
            clock.setInstant(failedAt.plus(backoff).minusMillis(1));
            assertThat(relay.deliverDue()).as("1 ms before the %s backoff ends: not due", backoff).isZero();
            assertThat(notifier.calls()).as("the notifier is not called before the backoff ends")
                    .isEqualTo(callsBefore);

            clock.setInstant(failedAt.plus(backoff));
            failedAt = clock.instant();
            int delivered = relay.deliverDue();
            assertThat(notifier.calls()).as("due again after %s", backoff).isEqualTo(callsBefore + 2);
            if (failure < 3) {
                assertThat(delivered).isZero();
                assertEveryRow(PENDING, failure + 1, failedAt.plus(backoffs[failure]));
            } else {
                assertThat(delivered).as("fourth attempt succeeds").isEqualTo(2);
            }
        }

        for (OutboxRow row : OutboxTestDatabases.outbox(pool)) {
            assertThat(row.status()).isEqualTo(SENT);
            assertThat(row.attempts()).isEqualTo(4);
            assertThat(row.deliveredAt()).isEqualTo(failedAt);
            assertThat(row.lastError()).isNull();
        }
        clock.add(Duration.ofDays(1));
        assertThat(relay.deliverDue()).as("nothing left to deliver").isZero();
        assertThat(relay.deliverDue()).isZero();
        assertThat(notifier.deliveriesById()).as("each delivered exactly once")
                .containsOnlyKeys(queued).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
        assertThat(notifier.calls()).as("4 attempts each, no more").isEqualTo(8);
    }

    @Test
    @DisplayName("The error recorded for a failed attempt is the exception class name, never its "
            + "message (which may hold personal data)")
    void recordsTheExceptionClassOnly() throws Exception {
        bookForAna(facade(pool), 0);
        OutboxRelay relay = OutboxRelay.builder().dataSource(pool).notifier(new FlakyNotifier(1)).clock(clock)
                .build();

        relay.deliverDue();

        assertThat(OutboxTestDatabases.outbox(pool)).hasSize(2).allSatisfy(row -> {
            assertThat(row.lastError()).isEqualTo(MailboxUnavailableException.class.getName());
            assertThat(row.lastError()).doesNotContain(ANA.email()).doesNotContain("mailbox");
        });
    }

    @Test
    @DisplayName("After maxAttempts (default 8) failed attempts a notification is parked and never "
            + "retried")
    void parksAfterMaxAttempts() throws Exception {
        bookForAna(facade(pool), 0);
        FlakyNotifier notifier = new FlakyNotifier(Integer.MAX_VALUE);
        OutboxRelay relay = OutboxRelay.builder().dataSource(pool).notifier(notifier).clock(clock).build();

        for (int attempt = 1; attempt <= OutboxRelay.DEFAULT_MAX_ATTEMPTS; attempt++) {
            assertThat(relay.deliverDue()).isZero();
            String expected = attempt < OutboxRelay.DEFAULT_MAX_ATTEMPTS ? PENDING : PARKED;
            final int attempts = attempt;
            assertThat(OutboxTestDatabases.outbox(pool)).hasSize(2).allSatisfy(row -> {
                assertThat(row.status()).as("after attempt %d", attempts).isEqualTo(expected);
                assertThat(row.attempts()).isEqualTo(attempts);
            });
            // The longest backoff: every pending row is due again.
            clock.add(OutboxRelay.DEFAULT_MAX_BACKOFF);
        }
        int calls = notifier.calls();
        assertThat(calls).isEqualTo(2 * OutboxRelay.DEFAULT_MAX_ATTEMPTS);

        clock.add(Duration.ofDays(30));
        for (int pass = 0; pass < 3; pass++) {
            assertThat(relay.deliverDue()).isZero();
        }
        assertThat(notifier.calls()).as("parked rows are not retried").isEqualTo(calls);
        assertThat(OutboxTestDatabases.outbox(pool)).allSatisfy(row -> {
            assertThat(row.status()).isEqualTo(PARKED);
            assertThat(row.attempts()).isEqualTo(OutboxRelay.DEFAULT_MAX_ATTEMPTS);
            assertThat(row.deliveredAt()).isNull();
            assertThat(row.lastError()).isEqualTo(MailboxUnavailableException.class.getName());
        });
    }

    @Test
    @DisplayName("The process dies after commit before any delivery; a new relay on a new data "
            + "source delivers every notification, each once")
    void newRelayDeliversWhatADeadProcessLeft() throws Exception {
        Set<String> queued = new HashSet<>();
        try (Pool dyingProcess = db.reopen()) {
            BookingRules rules = facade(dyingProcess);
            for (int i = 0; i < 3; i++) {
                queued.addAll(ids(bookForAna(rules, i).notifications()));
            }
            // The process dies here: its facade and its connections are gone, no relay ever ran.
        }
        assertThat(queued).hasSize(6);
        assertThat(OutboxTestDatabases.outbox(pool)).hasSize(6)
                .allSatisfy(row -> assertThat(row.status()).isEqualTo(PENDING));

        try (Pool restarted = db.reopen()) {
            RecordingNotifier notifier = new RecordingNotifier();
            OutboxRelay relay = OutboxRelay.builder().dataSource(restarted).notifier(notifier).clock(clock).build();

            assertThat(relay.deliverDue()).isEqualTo(6);
            assertThat(relay.deliverDue()).isZero();

            assertThat(notifier.deliveriesById()).containsOnlyKeys(queued)
                    .allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
        }
        assertThat(OutboxTestDatabases.outbox(pool)).allSatisfy(row -> {
            assertThat(row.status()).isEqualTo(SENT);
            assertThat(row.attempts()).isEqualTo(1);
            assertThat(row.deliveredAt()).isEqualTo(NOW);
        });
    }

    @Test
    @DisplayName("Two relays running together over 5,000 notifications deliver each exactly once")
    void twoRelaysDeliverEachOfFiveThousandOnce() throws Exception {
        long setupStart = System.nanoTime();
        Set<String> queued = bookMany(facade(pool), 2_500);
        long setupMillis = millisSince(setupStart);
        assertThat(queued).hasSize(5_000);

        RecordingNotifier notifier = new RecordingNotifier();
        try (Pool nodeA = db.reopen(); Pool nodeB = db.reopen()) {
            OutboxRelay relayA = OutboxRelay.builder().dataSource(nodeA).notifier(notifier).clock(clock).build();
            OutboxRelay relayB = OutboxRelay.builder().dataSource(nodeB).notifier(notifier).clock(clock).build();

            long start = System.nanoTime();
            int[] delivered = runTogether(relayA::deliverDue, relayB::deliverDue);
            long relayMillis = millisSince(start);
            System.out.printf("[outbox-relay] %s: 5000 notifications delivered by two relays in %d ms "
                            + "(relay A %d, relay B %d; queueing them through the facade took %d ms)%n",
                    store(), relayMillis, delivered[0], delivered[1], setupMillis);

            assertThat(notifier.duplicates()).as("notifications delivered twice").isEmpty();
            assertThat(notifier.deliveriesById()).hasSize(5_000).containsOnlyKeys(queued);
            assertThat(delivered[0] + delivered[1]).isEqualTo(5_000);
            assertThat(delivered[0]).as("relay A took a share").isPositive();
            assertThat(delivered[1]).as("relay B took a share").isPositive();
        }
        assertThat(OutboxTestDatabases.countWithStatus(pool, SENT)).isEqualTo(5_000);
        assertThat(OutboxTestDatabases.countWithStatus(pool, PENDING)).isZero();
    }

    @Test
    @DisplayName("Rows another relay has claimed are skipped, not waited for, and only that relay's "
            + "batch is held")
    void skipsRowsAnotherRelayHolds() throws Exception {
        Set<String> queued = bookMany(facade(pool), 3);
        RecordingNotifier notifier = new RecordingNotifier();
        OutboxRelay relay = OutboxRelay.builder().dataSource(pool).notifier(notifier).clock(clock).build();
        Set<String> held = new HashSet<>();
        try (Connection other = pool.getConnection()) {
            // Another relay, mid-pass: it has claimed a batch of two and not committed yet.
            other.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            other.setAutoCommit(false);
            Sql sql = JdbcDialect.detect(other).sql();
            try (PreparedStatement claim = other.prepareStatement(sql.claimOutbox())) {
                sql.bindInstant(claim, 1, NOW);
                claim.setInt(2, 2);
                try (ResultSet rows = claim.executeQuery()) {
                    while (rows.next()) {
                        held.add(rows.getString("notification_id"));
                    }
                }
            }
            assertThat(held).hasSize(2);

            assertThat(relay.deliverDue()).as("the four rows nobody holds").isEqualTo(4);
            assertThat(notifier.deliveriesById().keySet()).doesNotContainAnyElementsOf(held);
            other.rollback();
        }
        assertThat(relay.deliverDue()).as("released by the other relay").isEqualTo(2);
        assertThat(notifier.deliveriesById()).containsOnlyKeys(queued)
                .allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
    }

    @Test
    @DisplayName("Negative control: two relays that read due rows without locking them deliver "
            + "some notifications twice in the same harness")
    void naiveRelaysDeliverTwice() throws Exception {
        Set<String> queued = bookMany(facade(pool), 200);
        RecordingNotifier notifier = new RecordingNotifier();

        runTogether(() -> naivePass(pool, notifier), () -> naivePass(pool, notifier));

        assertThat(notifier.deliveriesById()).containsOnlyKeys(queued);
        assertThat(notifier.duplicates()).as("the harness sees duplicates when rows are not locked").isNotEmpty();
    }

    @Test
    @DisplayName("The delivered notification equals what the facade queued: id, kind, recipient, "
            + "booking snapshot, personal message, manage link and locale")
    void deliveredNotificationEqualsQueued() throws Exception {
        BookingRules rules = BookingRules.builder()
                .repository(JdbcBookingRepository.create(pool))
                .clock(clock)
                .manageLinks(b -> Optional.of("https://clinic.example/manage/" + b.id() + "?t=x%3D1&y=\u00e9"))
                .build();
        Instant start = NOW.plus(Duration.ofDays(2));
        BookRequest request = BookRequest.of(TENANT, DR_RUIZ, CONSULTATION, ANA, start, start.plus(Duration.ofHours(1)),
                ZONE).notifying(NotificationChoice.both()
                .withMessage("Traiga su informe: p\u00e1g. 2 = ok\n#1 \u00a1Gracias, se\u00f1ora P\u00e9rez!"));
        Outcome.Done booked = rules.book(RECEPTION, request).orElseThrow();
        clock.add(Duration.ofMinutes(5));
        Outcome.Done cancelled = rules.cancel(RECEPTION, BookingRef.of(TENANT, booked.booking().id()),
                ChangeRequest.because("doctor ill").notifying(NotificationChoice.both()
                        .withMessage("Lo sentimos: \\ llame al +34 910 000 000 \u2014 gracias"))).orElseThrow();
        List<Notification> queued = new ArrayList<>(booked.notifications());
        queued.addAll(cancelled.notifications());
        assertThat(queued).hasSize(4).allSatisfy(n -> assertThat(n.personalMessage()).isNotBlank());
        assertThat(queued).filteredOn(n -> n.recipient() == RecipientRole.CUSTOMER)
                .allSatisfy(n -> assertThat(n.manageLink()).isNotNull());
        assertThat(queued).extracting(Notification::kind)
                .containsExactlyInAnyOrder(NotificationKind.BOOKED, NotificationKind.BOOKED,
                        NotificationKind.CANCELLED, NotificationKind.CANCELLED);

        RecordingNotifier notifier = new RecordingNotifier();
        OutboxRelay relay = OutboxRelay.builder().dataSource(pool).notifier(notifier).clock(clock).build();
        assertThat(relay.deliverDue()).isEqualTo(4);

        Map<String, Notification> deliveredById = notifier.delivered().stream()
                .collect(Collectors.toMap(Notification::id, Function.identity()));
        assertThat(deliveredById).containsOnlyKeys(ids(queued));
        for (Notification expected : queued) {
            Notification actual = deliveredById.get(expected.id());
            assertThat(actual.kind()).isEqualTo(expected.kind());
            assertThat(actual.recipient()).isEqualTo(expected.recipient());
            assertThat(actual.booking()).as("booking snapshot of %s", expected).isEqualTo(expected.booking());
            assertThat(actual.personalMessage()).isEqualTo(expected.personalMessage());
            assertThat(actual.manageLink()).isEqualTo(expected.manageLink());
            assertThat(actual.locale()).isEqualTo(expected.locale());
            assertThat(actual).isEqualTo(expected);
        }
    }

    @Test
    @DisplayName("A payload that cannot be decoded is parked at once and does not hold back the rest of the batch")
    void undecodablePayloadIsParked() throws Exception {
        Set<String> queued = ids(bookForAna(facade(pool), 0).notifications());
        insertRawOutboxRow("broken-1", "not a notification");
        RecordingNotifier notifier = new RecordingNotifier();
        OutboxRelay relay = OutboxRelay.builder().dataSource(pool).notifier(notifier).clock(clock).build();

        assertThat(relay.deliverDue()).isEqualTo(2);
        clock.add(Duration.ofDays(1));
        assertThat(relay.deliverDue()).isZero();

        assertThat(notifier.deliveriesById()).containsOnlyKeys(queued);
        assertThat(OutboxTestDatabases.outbox(pool)).filteredOn(row -> row.notificationId().equals("broken-1"))
                .singleElement().satisfies(row -> {
                    assertThat(row.status()).isEqualTo(PARKED);
                    assertThat(row.attempts()).isEqualTo(1);
                    assertThat(row.lastError()).isNotBlank();
                });
    }

    @Test
    @DisplayName("runEvery drains the outbox on the caller's executor until cancelled")
    void runEveryDeliversOnTheCallersExecutor() throws Exception {
        Set<String> queued = bookMany(facade(pool), 3);
        RecordingNotifier notifier = new RecordingNotifier();
        OutboxRelay relay = OutboxRelay.builder().dataSource(pool).notifier(notifier).clock(clock).batchSize(2)
                .build();
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
        try {
            ScheduledFuture<?> task = relay.runEvery(Duration.ofMillis(20), executor);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (notifier.deliveriesById().size() < queued.size() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            task.cancel(false);
            assertThat(executor.isShutdown()).as("the relay leaves the executor to its owner").isFalse();
        } finally {
            executor.shutdownNow();
            assertThat(executor.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(notifier.deliveriesById()).containsOnlyKeys(queued)
                .allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
    }

    // ---------------------------------------------------------------------------------- helpers

    private BookingRules facade(DataSource ds) {
        // No notifier: every notification stays in the outbox for a relay.
        return BookingRules.builder().repository(JdbcBookingRepository.create(ds)).clock(clock).build();
    }

    /** Ana books herself a one-hour slot, {@code i} hours after a start two days from now. */
    private Outcome.Done bookForAna(BookingRules rules, int i) {
        Resource resource = new Resource("room-" + (i % 10), "Room " + (i % 10), "room" + (i % 10) + "@example.org");
        Instant start = NOW.plus(Duration.ofDays(2)).plus(Duration.ofHours(i / 10));
        BookRequest request = BookRequest.of(TENANT, resource, CONSULTATION, ANA, start,
                start.plus(Duration.ofHours(1)), ZONE);
        return rules.book(ANA_ACTS, request).orElseThrow();
    }

    /** Books {@code count} bookings; returns the ids of the notifications they queued. */
    private Set<String> bookMany(BookingRules rules, int count) {
        Set<String> queued = new HashSet<>();
        for (int i = 0; i < count; i++) {
            queued.addAll(ids(bookForAna(rules, i).notifications()));
        }
        return queued;
    }

    private static Set<String> ids(List<Notification> notifications) {
        return notifications.stream().map(Notification::id).collect(Collectors.toSet());
    }

    private void assertEveryRow(String status, int attempts, Instant nextAttemptAt) throws SQLException {
        assertThat(OutboxTestDatabases.outbox(pool)).hasSize(2).allSatisfy(row -> {
            assertThat(row.status()).isEqualTo(status);
            assertThat(row.attempts()).isEqualTo(attempts);
            assertThat(row.nextAttemptAt()).isEqualTo(nextAttemptAt);
            assertThat(row.lastError()).isEqualTo(MailboxUnavailableException.class.getName());
            assertThat(row.deliveredAt()).isNull();
        });
    }

    /**
     * Runs two relay passes side by side, in rounds: both threads start each round together (the
     * most contended case), and they stop when no row is pending.
     *
     * @return how many each delivered
     */
    private int[] runTogether(IntSupplier passA, IntSupplier passB) throws Exception {
        AtomicBoolean drained = new AtomicBoolean();
        CyclicBarrier round = new CyclicBarrier(2, () -> {
            try {
                drained.set(OutboxTestDatabases.countWithStatus(pool, PENDING) == 0);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (IntSupplier pass : List.of(passA, passB)) {
                Callable<Integer> loop = () -> {
                    int delivered = 0;
                    for (int rounds = 0; rounds < 10_000; rounds++) {
                        round.await(2, TimeUnit.MINUTES);
                        if (drained.get()) {
                            return delivered;
                        }
                        delivered += pass.getAsInt();
                    }
                    throw new IllegalStateException("outbox never drained");
                };
                results.add(threads.submit(loop));
            }
            return new int[] {results.get(0).get(10, TimeUnit.MINUTES), results.get(1).get(10, TimeUnit.MINUTES)};
        } finally {
            threads.shutdownNow();
        }
    }

    /** A relay pass that reads due rows without locking them: what the real relay must not be. */
    private static int naivePass(DataSource ds, BookingNotifier notifier) {
        try (Connection c = ds.getConnection()) {
            List<String[]> rows = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT tenant_id, notification_id, payload FROM br_outbox "
                    + "WHERE status = 'PENDING' ORDER BY next_attempt_at, notification_id LIMIT 100");
                 ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    rows.add(new String[] {r.getString(1), r.getString(2), r.getString(3)});
                }
            }
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE br_outbox SET status = 'SENT' WHERE tenant_id = ? AND notification_id = ?")) {
                for (String[] row : rows) {
                    notifier.deliver(Codec.notification(row[2]));
                    s.setString(1, row[0]);
                    s.setString(2, row[1]);
                    s.executeUpdate();
                }
            }
            return rows.size();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private void insertRawOutboxRow(String notificationId, String payload) throws SQLException {
        try (Connection c = pool.getConnection()) {
            Sql sql = JdbcDialect.detect(c).sql();
            try (PreparedStatement s = c.prepareStatement(sql.insertOutbox)) {
                s.setString(1, TENANT);
                s.setString(2, notificationId);
                s.setString(3, "booking-x");
                s.setString(4, NotificationKind.BOOKED.name());
                s.setString(5, RecipientRole.CUSTOMER.name());
                s.setString(6, payload);
                sql.bindInstant(s, 7, NOW);
                sql.bindInstant(s, 8, NOW);
                s.executeUpdate();
            }
        }
    }

    private static long millisSince(long nanoStart) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanoStart);
    }
}
