package org.bookingrules.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bookingrules.testing.Fixture.ANA;
import static org.bookingrules.testing.Fixture.ANA_ACTS;
import static org.bookingrules.testing.Fixture.CONSULTATION;
import static org.bookingrules.testing.Fixture.NOW;
import static org.bookingrules.testing.Fixture.RECEPTION;
import static org.bookingrules.testing.Fixture.ZONE;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.bookingrules.BookRequest;
import org.bookingrules.BookingRef;
import org.bookingrules.BookingRules;
import org.bookingrules.Outcome;
import org.bookingrules.jdbc.OutboxTestSupport.RecordingNotifier;
import org.bookingrules.jdbc.TestDatabases.Store;
import org.bookingrules.links.GuardState;
import org.bookingrules.model.Booking;
import org.bookingrules.model.Resource;
import org.bookingrules.spi.Notification;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.threeten.extra.MutableClock;

/**
 * The retention job on H2, PostgreSQL and MariaDB: what it deletes and keeps (delivered outbox rows,
 * idempotency keys, link guards of finished bookings), at the boundaries; that a second run deletes
 * nothing; that it deletes in batches, each its own transaction; that it runs beside a live relay
 * and bookings on several threads without deadlock, error or a lost notification; and that
 * {@code runEvery} survives a failing run. Works in a namespace of its own ({@link TestDatabases}): the
 * job deletes across tenants, so nothing else may use it meanwhile.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("Retention deletes delivered notifications, old idempotency keys and finished bookings' link guards")
class RetentionTest {

    private static final String TENANT = "retention-1";
    private static final String OTHER_TENANT = "retention-2";
    private static final Duration OUTBOX_AGE = Retention.DEFAULT_DELIVERED_OUTBOX_AGE;
    private static final Duration KEY_AGE = Retention.DEFAULT_IDEMPOTENCY_KEY_AGE;
    private static final Duration GUARD_AGE = Retention.DEFAULT_LINK_GUARD_AGE;
    private static final Duration MICRO = Duration.ofNanos(1_000);
    private static final Duration HOUR = Duration.ofHours(1);
    private static final Instant RUN_AT = NOW.plus(Duration.ofDays(90));

    @RegisterExtension
    static final TestDatabases DATABASES = new TestDatabases();

    private MutableClock clock;

    /** The store's pool with every adapter table empty; the test is skipped if the store is not configured. */
    private DataSource empty(Store store) {
        DataSource pool = DATABASES.empty(store).dataSource();
        clock = MutableClock.of(NOW, ZoneOffset.UTC);
        return pool;
    }

    private Retention.Builder retention(DataSource ds) {
        return Retention.builder().dataSource(ds).clock(clock);
    }

    // ------------------------------------------------------------------ raw rows

    private static void outboxRow(DataSource ds, String tenant, String id, String status, Instant deliveredAt)
            throws SQLException {
        TestQueries.write(ds, sql -> "INSERT INTO br_outbox (tenant_id, notification_id, booking_id, kind, "
                + "recipient, payload, status, attempts, next_attempt_at, created_at, delivered_at) "
                + "VALUES (?, ?, ?, 'BOOKED', 'CUSTOMER', '{}', ?, 1, ?, ?, ?)", (s, sql) -> {
                    s.setString(1, tenant);
                    s.setString(2, id);
                    s.setString(3, "booking-of-" + id);
                    s.setString(4, status);
                    sql.bindInstant(s, 5, NOW);
                    sql.bindInstant(s, 6, NOW);
                    sql.bindInstant(s, 7, deliveredAt);
                });
    }

    private static void keyRow(DataSource ds, String tenant, String key, Instant createdAt) throws SQLException {
        TestQueries.write(ds, sql -> sql.insertIdempotencyKey, (s, sql) -> {
            s.setString(1, tenant);
            s.setString(2, key);
            s.setString(3, "fingerprint");
            s.setString(4, "booking-of-" + key);
            sql.bindInstant(s, 5, createdAt);
        });
    }

    private static long count(DataSource ds, String table) {
        return TestQueries.count(ds, "SELECT COUNT(*) FROM " + table);
    }

    private static long has(DataSource ds, String table, String keyColumn, String key) {
        return TestQueries.count(ds, "SELECT COUNT(*) FROM " + table + " WHERE " + keyColumn + " = ?", key);
    }

    // ------------------------------------------------------------------ outbox and keys

    @ParameterizedTest(name = "{0}")
    @EnumSource(Store.class)
    @DisplayName("Delivered rows older than 30 days are deleted; delivered rows 30 days old or younger, and PENDING "
            + "and PARKED rows of any age, are kept; a second run deletes nothing")
    void deletesOnlyOldDeliveredNotifications(Store store) throws SQLException {
        DataSource pool = empty(store);
        Instant cutOff = RUN_AT.minus(OUTBOX_AGE);
        outboxRow(pool, TENANT, "sent-old", "SENT", cutOff.minus(MICRO));
        outboxRow(pool, OTHER_TENANT, "sent-older", "SENT", cutOff.minus(Duration.ofDays(400)));
        outboxRow(pool, TENANT, "sent-at-cut-off", "SENT", cutOff);
        outboxRow(pool, TENANT, "sent-recent", "SENT", RUN_AT.minus(HOUR));
        outboxRow(pool, TENANT, "pending-old", "PENDING", null);
        outboxRow(pool, TENANT, "parked-old", "PARKED", null);
        outboxRow(pool, TENANT, "parked-odd", "PARKED", cutOff.minus(Duration.ofDays(400)));
        assertThat(count(pool, "br_outbox")).as("rows exist before the run").isEqualTo(7);
        clock.setInstant(RUN_AT);

        Retention.Deleted deleted = retention(pool).build().runOnce();

        assertThat(deleted).isEqualTo(new Retention.Deleted(2, 0, 0));
        assertThat(has(pool, "br_outbox", "notification_id", "sent-old")).isZero();
        assertThat(has(pool, "br_outbox", "notification_id", "sent-older")).isZero();
        for (String kept : List.of("sent-at-cut-off", "sent-recent", "pending-old", "parked-old", "parked-odd")) {
            assertThat(has(pool, "br_outbox", "notification_id", kept)).as(kept).isEqualTo(1);
        }
        assertThat(retention(pool).build().runOnce()).as("second run").isEqualTo(new Retention.Deleted(0, 0, 0));
        assertThat(count(pool, "br_outbox")).isEqualTo(5);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Store.class)
    @DisplayName("Idempotency keys stored more than 24 hours ago are deleted, younger ones kept; a configured age "
            + "is the one applied")
    void deletesOnlyOldIdempotencyKeys(Store store) throws SQLException {
        DataSource pool = empty(store);
        Instant cutOff = RUN_AT.minus(KEY_AGE);
        keyRow(pool, TENANT, "old", cutOff.minus(MICRO));
        keyRow(pool, OTHER_TENANT, "older", cutOff.minus(Duration.ofDays(30)));
        keyRow(pool, TENANT, "at-cut-off", cutOff);
        keyRow(pool, TENANT, "young", RUN_AT.minus(Duration.ofHours(2)));
        assertThat(count(pool, "br_idempotency_key")).as("rows exist before the run").isEqualTo(4);
        clock.setInstant(RUN_AT);

        assertThat(retention(pool).build().runOnce()).isEqualTo(new Retention.Deleted(0, 2, 0));
        assertThat(has(pool, "br_idempotency_key", "idem_key", "at-cut-off")).isEqualTo(1);
        assertThat(has(pool, "br_idempotency_key", "idem_key", "young")).isEqualTo(1);
        assertThat(retention(pool).build().runOnce()).as("second run").isEqualTo(new Retention.Deleted(0, 0, 0));

        assertThat(retention(pool).idempotencyKeyAge(HOUR).build().runOnce())
                .as("an age of one hour takes the two-hour-old key too").isEqualTo(new Retention.Deleted(0, 2, 0));
        assertThat(count(pool, "br_idempotency_key")).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Store.class)
    @DisplayName("More rows than one batch are all deleted, one transaction per batch: 1234 rows in batches of 100 "
            + "take 13 commits, 345 keys 4, and the empty link guard pass 1")
    void deletesInBatchesEachItsOwnTransaction(Store store) throws SQLException {
        DataSource pool = empty(store);
        Instant old = RUN_AT.minus(Duration.ofDays(365));
        try (Connection c = pool.getConnection()) {
            Sql sql = JdbcDialect.detect(c).sql();
            c.setAutoCommit(false);
            try (PreparedStatement o = c.prepareStatement("INSERT INTO br_outbox (tenant_id, notification_id, booking_id, "
                    + "kind, recipient, payload, status, attempts, next_attempt_at, created_at, delivered_at) "
                    + "VALUES (?, ?, ?, 'BOOKED', 'CUSTOMER', '{}', 'SENT', 1, ?, ?, ?)");
                 PreparedStatement k = c.prepareStatement(sql.insertIdempotencyKey)) {
                for (int i = 0; i < 1234; i++) {
                    o.setString(1, TENANT);
                    o.setString(2, "n-" + i);
                    o.setString(3, "b-" + i);
                    sql.bindInstant(o, 4, old);
                    sql.bindInstant(o, 5, old);
                    sql.bindInstant(o, 6, old);
                    o.addBatch();
                }
                o.executeBatch();
                for (int i = 0; i < 345; i++) {
                    k.setString(1, TENANT);
                    k.setString(2, "k-" + i);
                    k.setString(3, "fingerprint");
                    k.setString(4, "b-" + i);
                    sql.bindInstant(k, 5, old);
                    k.addBatch();
                }
                k.executeBatch();
            }
            c.commit();
        }
        assertThat(count(pool, "br_outbox")).as("rows exist before the run").isEqualTo(1234);
        clock.setInstant(RUN_AT);
        AtomicInteger commits = new AtomicInteger();
        DataSource counting = Watch.wrap(pool, (method, failure) -> {
            if (failure == null && method.equals("commit")) {
                commits.incrementAndGet();
            }
        });

        Retention.Deleted deleted = retention(counting).batchSize(100).build().runOnce();

        assertThat(deleted).isEqualTo(new Retention.Deleted(1234, 345, 0));
        assertThat(commits.get()).isEqualTo(13 + 4 + 1);
        assertThat(count(pool, "br_outbox")).isZero();
        assertThat(count(pool, "br_idempotency_key")).isZero();
    }

    // ------------------------------------------------------------------ link guards

    private static Resource room(int n) {
        return new Resource("ret-room-" + n, "Room " + n, "room" + n + "@example.org");
    }

    private Booking book(BookingRules rules, int room, Instant start) {
        return rules.book(ANA_ACTS, BookRequest.of(TENANT, room(room), CONSULTATION, ANA, start, start.plus(HOUR), ZONE))
                .orElseThrow().booking();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Store.class)
    @DisplayName("A link guard is deleted once its booking is finished and both its slot's end and its last change "
            + "are more than 30 days old; active bookings, running lockouts, late changes, recent ends and guards "
            + "without a booking row are kept")
    void deletesLinkGuardsOfFinishedBookingsOnly(Store store) throws SQLException {
        DataSource pool = empty(store);
        BookingRules rules = BookingRules.builder().repository(JdbcBookingRepository.create(pool)).clock(clock).build();
        JdbcLinkGuardStore guards = JdbcLinkGuardStore.create(pool);
        Instant start = NOW.plus(Duration.ofDays(1));
        Booking cancelled = book(rules, 1, start);
        Booking active = book(rules, 2, start);
        Booking locked = book(rules, 3, start);
        Booking completedLate = book(rules, 4, start);
        Booking endsLater = book(rules, 5, start.plus(Duration.ofDays(20)));
        clock.add(HOUR);
        for (Booking b : List.of(cancelled, locked, endsLater)) {
            rules.cancel(RECEPTION, BookingRef.of(TENANT, b.id())).orElseThrow();
        }
        for (Booking b : List.of(cancelled, active, completedLate, endsLater, locked)) {
            guards.update(TENANT, b.id(), GuardState::revoked);
        }
        guards.update(TENANT, "no-such-booking", GuardState::revoked);
        Instant end = start.plus(HOUR);
        Instant lockedUntil = end.plus(Duration.ofDays(400));
        guards.update(TENANT, locked.id(), s -> new GuardState(s.generation(), Collections.nCopies(5, end), List.of(), 1,
                lockedUntil, false));
        clock.setInstant(end.plus(GUARD_AGE).minus(Duration.ofDays(1)));
        rules.complete(RECEPTION, BookingRef.of(TENANT, completedLate.id())).orElseThrow();
        assertThat(count(pool, "br_link_guard")).as("guard rows exist before the run").isEqualTo(6);

        clock.setInstant(end.plus(GUARD_AGE));
        assertThat(retention(pool).build().runOnce()).as("exactly 30 days after the end: kept")
                .isEqualTo(new Retention.Deleted(0, 0, 0));

        clock.setInstant(end.plus(GUARD_AGE).plus(MICRO));
        assertThat(retention(pool).build().runOnce()).isEqualTo(new Retention.Deleted(0, 0, 1));
        assertThat(has(pool, "br_link_guard", "booking_id", cancelled.id())).isZero();
        assertThat(guards.state(TENANT, cancelled.id())).isEqualTo(GuardState.INITIAL);
        for (String kept : List.of(active.id(), locked.id(), completedLate.id(), endsLater.id(), "no-such-booking")) {
            assertThat(has(pool, "br_link_guard", "booking_id", kept)).as(kept).isEqualTo(1);
        }
        assertThat(guards.state(TENANT, active.id()).generation()).isEqualTo(1);
        assertThat(retention(pool).build().runOnce()).as("second run").isEqualTo(new Retention.Deleted(0, 0, 0));

        clock.setInstant(end.plus(GUARD_AGE).plus(Duration.ofDays(29)).plus(MICRO));
        assertThat(retention(pool).build().runOnce()).as("the late completion, and the later end, are 30 days old now")
                .isEqualTo(new Retention.Deleted(0, 0, 2));
        assertThat(has(pool, "br_link_guard", "booking_id", completedLate.id())).isZero();
        assertThat(has(pool, "br_link_guard", "booking_id", endsLater.id())).isZero();
        for (String kept : List.of(active.id(), locked.id(), "no-such-booking")) {
            assertThat(has(pool, "br_link_guard", "booking_id", kept)).as(kept).isEqualTo(1);
        }
        assertThat(retention(pool).linkGuardAge(Duration.ofDays(365)).build().runOnce()).isEqualTo(
                new Retention.Deleted(0, 0, 0));
        assertThat(count(pool, "br_booking")).as("bookings are never deleted").isEqualTo(5);
    }

    // ------------------------------------------------------------------ live

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Store.class, names = {"POSTGRESQL", "MARIADB"})
    @DisplayName("Two retention nodes run beside two live relays and four booking threads for 3 seconds: no "
            + "deadlock, no error, every notification delivered exactly once, and the retention did delete")
    void runsBesideALiveRelayAndBookings(Store store) throws Exception {
        DataSource pool = empty(store);
        AtomicInteger lockFailures = new AtomicInteger();
        Map<String, Integer> failureStates = new ConcurrentHashMap<>();
        Sql sql = JdbcDialect.detect(pool).sql();
        DataSource watched = Watch.wrap(pool, (method, failure) -> {
            if (failure != null && sql.isRetryable(failure)) {
                lockFailures.incrementAndGet();
                failureStates.merge(failure.getSQLState() + "/" + failure.getErrorCode(), 1, Integer::sum);
            }
        });
        Clock real = Clock.systemUTC();
        BookingRules rules = BookingRules.builder().repository(JdbcBookingRepository.create(watched)).clock(real)
                .build();
        RecordingNotifier notifier = new RecordingNotifier();
        List<OutboxRelay> relays = List.of(
                OutboxRelay.builder().dataSource(watched).notifier(notifier).clock(real).batchSize(20).build(),
                OutboxRelay.builder().dataSource(watched).notifier(notifier).clock(real).batchSize(20).build());
        List<Retention> nodes = List.of(
                Retention.builder().dataSource(watched).clock(real).deliveredOutboxAge(Duration.ofMillis(1))
                        .idempotencyKeyAge(Duration.ofMillis(1)).batchSize(7).build(),
                Retention.builder().dataSource(watched).clock(real).deliveredOutboxAge(Duration.ofMillis(1))
                        .idempotencyKeyAge(Duration.ofMillis(1)).batchSize(7).build());
        Set<String> queued = ConcurrentHashMap.newKeySet();
        AtomicInteger booked = new AtomicInteger();
        AtomicInteger sentDeletedLive = new AtomicInteger();
        AtomicInteger keysDeletedLive = new AtomicInteger();
        AtomicBoolean stopBooking = new AtomicBoolean();
        AtomicBoolean stopBackground = new AtomicBoolean();
        Instant firstStart = real.instant().plus(Duration.ofDays(2)).truncatedTo(java.time.temporal.ChronoUnit.HOURS);
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> bookers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                bookers.add(threads.submit((Callable<Void>) () -> {
                    for (int i = 0; !stopBooking.get(); i++) {
                        Instant start = firstStart.plus(HOUR.multipliedBy(i));
                        BookRequest request = BookRequest.of(TENANT, room(100 + thread), CONSULTATION, ANA, start,
                                start.plus(HOUR), ZONE).withIdempotencyKey("live-" + thread + "-" + i);
                        Outcome.Done done = rules.book(ANA_ACTS, request).orElseThrow();
                        done.notifications().stream().map(Notification::id).forEach(queued::add);
                        booked.incrementAndGet();
                    }
                    return null;
                }));
            }
            List<Future<?>> background = new ArrayList<>();
            for (OutboxRelay relay : relays) {
                background.add(threads.submit((Callable<Void>) () -> {
                    while (!stopBackground.get()) {
                        if (relay.deliverDue() == 0) {
                            Thread.sleep(2);
                        }
                    }
                    return null;
                }));
            }
            for (Retention node : nodes) {
                background.add(threads.submit((Callable<Void>) () -> {
                    while (!stopBackground.get()) {
                        Retention.Deleted d = node.runOnce();
                        sentDeletedLive.addAndGet(d.sentNotifications());
                        keysDeletedLive.addAndGet(d.idempotencyKeys());
                        if (d.total() == 0) {
                            Thread.sleep(5);
                        }
                    }
                    return null;
                }));
            }
            Thread.sleep(3_000);
            stopBooking.set(true);
            for (Future<?> f : bookers) {
                f.get(60, TimeUnit.SECONDS);
            }
            stopBackground.set(true);
            for (Future<?> f : background) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            stopBooking.set(true);
            stopBackground.set(true);
            threads.shutdownNow();
            assertThat(threads.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        }
        while (relays.get(0).deliverDue() > 0) {
            // drains what the relays left due when they stopped
        }
        Thread.sleep(5);
        Retention.Deleted last = nodes.get(0).runOnce();

        assertThat(booked.get()).as("bookings were made meanwhile").isGreaterThan(20);
        assertThat(queued).hasSize(2 * booked.get());
        assertThat(notifier.deliveriesById()).as("every notification delivered, exactly once").containsOnlyKeys(queued)
                .allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
        assertThat(sentDeletedLive.get()).as("the retention deleted delivered rows while the relays ran")
                .isPositive();
        assertThat(keysDeletedLive.get()).as("and keys while bookings were made").isPositive();
        assertThat(sentDeletedLive.get() + last.sentNotifications()).as("each delivered row deleted once")
                .isEqualTo(queued.size());
        assertThat(count(pool, "br_outbox")).isZero();
        assertThat(count(pool, "br_idempotency_key")).isZero();
        assertThat(count(pool, "br_booking")).as("bookings are never deleted").isEqualTo(booked.get());
        assertThat(lockFailures.get()).as("deadlocks, serialization failures or lock timeouts: %s", failureStates)
                .isZero();
    }

    // ------------------------------------------------------------------ runEvery

    @ParameterizedTest(name = "{0}")
    @EnumSource(Store.class)
    @DisplayName("runEvery logs a failing run and goes on: after three runs that cannot connect, a later run deletes")
    void runEverySurvivesAFailingRun(Store store) throws Exception {
        DataSource pool = empty(store);
        outboxRow(pool, TENANT, "sent-old", "SENT", NOW.minus(Duration.ofDays(365)));
        AtomicInteger failures = new AtomicInteger();
        DataSource flaky = (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getConnection") && failures.get() < 3) {
                        failures.incrementAndGet();
                        throw new SQLException("simulated outage", "08001");
                    }
                    try {
                        return method.invoke(pool, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        Retention job = retention(flaky).build();
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
        try {
            ScheduledFuture<?> task = job.runEvery(Duration.ofMillis(20), executor);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (has(pool, "br_outbox", "notification_id", "sent-old") > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(failures.get()).as("the first runs failed").isEqualTo(3);
            assertThat(has(pool, "br_outbox", "notification_id", "sent-old")).as("a later run deleted").isZero();
            assertThat(task.isDone()).as("still scheduled").isFalse();
            task.cancel(false);
            assertThat(executor.isShutdown()).as("the executor stays the caller's").isFalse();
        } finally {
            executor.shutdownNow();
            assertThat(executor.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    // ------------------------------------------------------------------ builder

    @Test
    @DisplayName("Defaults: 30 days for delivered notifications, 24 hours for idempotency keys, 30 days for link "
            + "guards, batches of 500")
    void defaults() {
        assertThat(Retention.DEFAULT_DELIVERED_OUTBOX_AGE).isEqualTo(Duration.ofDays(30));
        assertThat(Retention.DEFAULT_IDEMPOTENCY_KEY_AGE).isEqualTo(Duration.ofHours(24));
        assertThat(Retention.DEFAULT_LINK_GUARD_AGE).isEqualTo(Duration.ofDays(30));
        assertThat(Retention.DEFAULT_BATCH_SIZE).isEqualTo(500);
        Retention job = Retention.builder().dataSource(new org.h2.jdbcx.JdbcDataSource()).build();
        assertThat(job.toBuilder().build()).isNotNull();
    }

    static Stream<Arguments> badSettings() {
        Duration tooLong = Retention.MAX_AGE.plusSeconds(1);
        return Stream.of(
                Arguments.of("deliveredOutboxAge", Duration.ZERO, (Runnable) () -> Retention.builder()
                        .deliveredOutboxAge(Duration.ZERO)),
                Arguments.of("deliveredOutboxAge", tooLong, (Runnable) () -> Retention.builder()
                        .deliveredOutboxAge(tooLong)),
                Arguments.of("idempotencyKeyAge", Duration.ofSeconds(-1), (Runnable) () -> Retention.builder()
                        .idempotencyKeyAge(Duration.ofSeconds(-1))),
                Arguments.of("linkGuardAge", tooLong, (Runnable) () -> Retention.builder().linkGuardAge(tooLong)),
                Arguments.of("batchSize", 0, (Runnable) () -> Retention.builder().batchSize(0)),
                Arguments.of("batchSize", 10_001, (Runnable) () -> Retention.builder().batchSize(10_001)));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("badSettings")
    @DisplayName("A bad setting fails at once, naming the setting and the value")
    void badSettingFailsNamingIt(String setting, Object value, Runnable set) {
        assertThatThrownBy(set::run).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(setting).hasMessageContaining(value.toString());
    }

    @Test
    @DisplayName("A missing data source, or a null setting, fails naming it")
    void missingSettingsFail() {
        assertThatThrownBy(() -> Retention.builder().build()).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("dataSource");
        assertThatThrownBy(() -> Retention.builder().linkGuardAge(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("linkGuardAge");
        assertThatThrownBy(() -> Retention.builder().clock(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("clock");
    }

    // ------------------------------------------------------------------ support

    /** Sees every JDBC call of the connections it hands out, and its failure if any. */
    @FunctionalInterface
    interface Watch {

        /**
         * Called after each call on a connection or statement.
         *
         * @param method the method's name
         * @param failure its SQL failure, or null if it returned
         */
        void saw(String method, SQLException failure);

        /** A data source over {@code ds} whose connections and statements report to the watch. */
        static DataSource wrap(DataSource ds, Watch watch) {
            return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(),
                    new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                        Object result = call(ds, method, args, watch);
                        return result instanceof Connection c ? watched(Connection.class, c, watch) : result;
                    });
        }

        private static Object watched(Class<?> type, Object target, Watch watch) {
            InvocationHandler handler = (proxy, method, args) -> {
                Object result = call(target, method, args, watch);
                Class<?> returns = method.getReturnType();
                if (result != null && Statement.class.isAssignableFrom(returns) && returns.isInterface()) {
                    return watched(returns, result, watch);
                }
                return result;
            };
            return Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler);
        }

        private static Object call(Object target, java.lang.reflect.Method method, Object[] args, Watch watch)
                throws Throwable {
            try {
                Object result = method.invoke(target, args);
                watch.saw(method.getName(), null);
                return result;
            } catch (InvocationTargetException e) {
                if (e.getCause() instanceof SQLException failure) {
                    watch.saw(method.getName(), failure);
                }
                throw e.getCause();
            }
        }
    }
}
