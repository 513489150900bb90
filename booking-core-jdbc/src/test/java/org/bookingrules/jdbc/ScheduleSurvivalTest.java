package org.bookingrules.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bookingrules.testing.Fixture.ANA;
import static org.bookingrules.testing.Fixture.CONSULTATION;
import static org.bookingrules.testing.Fixture.DR_RUIZ;
import static org.bookingrules.testing.Fixture.NOW;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.bookingrules.BookRequest;
import org.bookingrules.BookingRules;
import org.bookingrules.model.Actor;
import org.bookingrules.model.Booking;
import org.bookingrules.spi.Notification;
import org.bookingrules.spi.NotificationKind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.threeten.extra.MutableClock;

/**
 * The two schedules a product runs, the outbox relay's and the reminder sweep's, outlive passes
 * that fail because their connections were killed, and deliver once the database answers again.
 */
@DisplayName("Relay and reminder schedules survive killed connections")
class ScheduleSurvivalTest extends SharedStoreTest {

    private static final String TENANT = "clinic-schedules";
    private static final int KILLED_PASSES = 3;

    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);

    @AfterEach
    void stop() throws InterruptedException {
        scheduler.shutdownNow();
        scheduler.awaitTermination(10, TimeUnit.SECONDS);
    }

    @Test
    @DisplayName("R5 R14 after 3 passes each on killed connections, the relay delivers the booking's "
            + "notifications and the sweep sends its reminder; both schedules still run; a naive fixed-delay "
            + "schedule of deliverDue dies at its first failure (control)")
    void schedulesSurviveKilledConnections() throws Exception {
        DataSource pool = emptyDb().dataSource();
        MutableClock clock = MutableClock.of(NOW, ZoneOffset.UTC);
        KillingDataSource forRules = new KillingDataSource(pool);
        KillingDataSource forRelay = new KillingDataSource(pool);
        BookingRules rules = BookingRules.builder().repository(JdbcBookingRepository.create(forRules))
                .clock(clock).build();
        List<Notification> delivered = new CopyOnWriteArrayList<>();
        OutboxRelay relay = OutboxRelay.builder().dataSource(forRelay).notifier(delivered::add).clock(clock).build();
        Instant start = NOW.plus(Duration.ofHours(8));
        Booking booking = rules.book(Actor.customer(ANA.id()), BookRequest.of(TENANT, DR_RUIZ, CONSULTATION, ANA,
                start, start.plus(Duration.ofMinutes(30)), ZoneId.of("Europe/Madrid"))).orElseThrow().booking();
        clock.add(Duration.ofHours(3)); // the reminder, due 6 h before the start, is now due

        forRules.killNext(KILLED_PASSES);
        forRelay.killNext(KILLED_PASSES);
        ScheduledFuture<?> relaying = relay.runEvery(Duration.ofMillis(20), scheduler);
        ScheduledFuture<?> reminding = rules.sendRemindersEvery(Duration.ofMillis(20), scheduler);

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (kinds(delivered).size() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(forRules.killed).as("sweeps that failed on a killed connection").hasValue(KILLED_PASSES);
        assertThat(forRelay.killed).as("relay passes that failed on a killed connection").hasValue(KILLED_PASSES);
        assertThat(kinds(delivered)).as("booked (customer and resource), then the reminder")
                .containsExactlyInAnyOrder(NotificationKind.BOOKED, NotificationKind.BOOKED, NotificationKind.REMINDER);
        assertThat(delivered).allMatch(n -> n.booking().id().equals(booking.id()));
        assertThat(relaying.isDone()).as("the relay's schedule still runs").isFalse();
        assertThat(reminding.isDone()).as("the sweep's schedule still runs").isFalse();

        // The control's relay has a data source of its own, so the one killed connection is surely its own (the
        // schedules above keep running and would otherwise take it now and then).
        KillingDataSource forNaive = new KillingDataSource(pool);
        OutboxRelay naiveRelay = OutboxRelay.builder().dataSource(forNaive).notifier(delivered::add).clock(clock)
                .build();
        forNaive.killNext(1);
        ScheduledFuture<?> naive = scheduler.scheduleWithFixedDelay(naiveRelay::deliverDue, 0, 20,
                TimeUnit.MILLISECONDS);
        try {
            naive.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException expected) {
            assertThat(expected).hasCauseInstanceOf(BookingStorageException.class);
        }
        assertThat(naive.isDone()).as("control: the naive schedule ended for good").isTrue();
        assertThat(forNaive.killed).as("control: on its one killed connection").hasValue(1);
    }

    private static List<NotificationKind> kinds(List<Notification> delivered) {
        return delivered.stream().map(Notification::kind).toList();
    }

    /**
     * A data source whose next connections are dead, as after the server ended their sessions:
     * every call on them fails with SQLState 08006 until they are closed (which gives the real
     * connection back, healthy).
     */
    private static final class KillingDataSource extends ForwardingDataSource {
        final AtomicInteger killed = new AtomicInteger();
        private final AtomicInteger toKill = new AtomicInteger();

        KillingDataSource(DataSource delegate) {
            super(delegate);
        }

        void killNext(int connections) {
            killed.set(0);
            toKill.set(connections);
        }

        @Override
        public Connection getConnection() throws SQLException {
            Connection real = delegate().getConnection();
            if (toKill.getAndUpdate(n -> Math.max(0, n - 1)) <= 0) {
                return real;
            }
            killed.incrementAndGet();
            return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                    new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                        switch (method.getName()) {
                            case "close":
                                real.close();
                                return null;
                            case "isClosed":
                                return false;
                            case "getAutoCommit":
                                return true;
                            case "toString":
                                return "killed connection";
                            case "hashCode":
                                return System.identityHashCode(proxy);
                            case "equals":
                                return proxy == args[0];
                            default:
                                throw new SQLException("connection killed by the test", "08006");
                        }
                    });
        }
    }
}
