package org.bookingrules.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bookingrules.testing.Fixture.ANA;
import static org.bookingrules.testing.Fixture.ANA_ACTS;
import static org.bookingrules.testing.Fixture.NOW;
import static org.bookingrules.testing.Fixture.TENANT;
import static org.bookingrules.testing.Fixture.ZONE;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.bookingrules.BookingRules;
import org.bookingrules.BookingRulesBuilder;
import org.bookingrules.ChangeRequest;
import org.bookingrules.Outcome;
import org.bookingrules.memory.InMemoryBookingRepository;
import org.bookingrules.model.Booking;
import org.bookingrules.model.BookingStatus;
import org.bookingrules.spi.BookingNotifier;
import org.bookingrules.spi.Notification;
import org.bookingrules.testing.Fixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.threeten.extra.MutableClock;

/**
 * Notifier faults on the facade's direct delivery (the in-memory repository, no outbox
 * relay): a notifier that throws, hangs or is slow never blocks or loses a booking change. A
 * hanging notifier is cut off after {@link BookingRulesBuilder#notificationTimeout}; the change is
 * saved and the repository keeps the notification.
 */
@DisplayName("Notifier faults: the facade's own delivery never blocks or loses a booking change")
class NotifierFaultTest {

    /** How long the hanging notifiers hang at most, so a failing test still ends. */
    private static final Duration HANG = Duration.ofSeconds(20);

    private final MutableClock clock = MutableClock.of(NOW, ZONE);
    private final InMemoryBookingRepository repository = new InMemoryBookingRepository();
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void releaseHangingNotifiers() {
        release.countDown();
    }

    /** Hangs until released or interrupted; counts the calls and the interrupts. */
    private final class HangingNotifier implements BookingNotifier {
        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger interrupted = new AtomicInteger();
        final List<String> threads = new CopyOnWriteArrayList<>();

        @Override
        public void deliver(Notification notification) {
            calls.incrementAndGet();
            threads.add(Thread.currentThread().getName());
            try {
                release.await(HANG.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                interrupted.incrementAndGet();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("delivery interrupted", e);
            }
        }
    }

    private BookingRulesBuilder rules(BookingNotifier notifier) {
        return BookingRules.builder().repository(repository).notifier(notifier).clock(clock);
    }

    private static Booking bookFor(BookingRules rules, Duration startIn) {
        return rules.book(ANA_ACTS, Fixture.request(ANA, startIn)).orElseThrow().booking();
    }

    @Test
    @DisplayName("Notifier hangs: the command's two notifications are delivered concurrently and the command "
            + "returns after one notification timeout, the change is saved, both notifications are kept in the "
            + "repository, and the hung deliveries are interrupted")
    void hangingNotifierIsCutOffAfterTheTimeout() throws Exception {
        HangingNotifier notifier = new HangingNotifier();
        BookingRules rules = rules(notifier).notificationTimeout(Duration.ofMillis(200)).build();

        long started = System.nanoTime();
        Outcome outcome = rules.book(ANA_ACTS, Fixture.request(ANA, Duration.ofDays(3)));
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        Booking booked = outcome.orElseThrow().booking();
        assertThat(took).as("one 200 ms timeout for both").isBetween(Duration.ofMillis(200), Duration.ofMillis(1_900));
        assertThat(repository.find(TENANT, booked.id())).as("the change is saved").contains(booked);
        assertThat(repository.notifications(TENANT, booked.id())).as("the repository keeps the notifications")
                .hasSize(2).containsExactlyElementsOf(outcome.orElseThrow().notifications());
        assertThat(notifier.calls).as("one attempt each: a hung attempt is not repeated").hasValue(2);
        waitFor(() -> notifier.interrupted.get() == 2);
        assertThat(notifier.threads).as("run at once, on two of the facade's delivery threads")
                .hasSize(2).doesNotHaveDuplicates()
                .allMatch(name -> name.startsWith("booking-rules-notifier-"));
    }

    @Test
    @DisplayName("Notifier hangs (negative control): with a direct executor the notifier runs on the "
            + "command's thread without a timeout, and the same hang blocks the command")
    void directExecutorHasNoTimeout() {
        BookingNotifier slow = notification -> sleep(Duration.ofMillis(700));
        BookingRules bounded = rules(slow).notificationTimeout(Duration.ofMillis(100)).build();
        BookingRules direct = rules(slow).notificationTimeout(Duration.ofMillis(100))
                .notificationExecutor(Runnable::run).build();

        Duration boundedTook = timed(() -> bookFor(bounded, Duration.ofDays(3)));
        Duration directTook = timed(() -> bookFor(direct, Duration.ofDays(4)));

        assertThat(boundedTook).isLessThan(Duration.ofMillis(650));
        assertThat(directTook).as("blocked for both deliveries").isGreaterThanOrEqualTo(Duration.ofMillis(1_400));
    }

    @Test
    @DisplayName("Notifier throws: each notification is tried three times, the command is Done and the "
            + "change saved with its notifications")
    void throwingNotifierIsRetriedThenGivenUp() {
        AtomicInteger calls = new AtomicInteger();
        BookingRules rules = rules(notification -> {
            calls.incrementAndGet();
            throw new IllegalStateException("mailbox of " + ANA.email() + " is full");
        }).build();

        Outcome outcome = rules.book(ANA_ACTS, Fixture.request(ANA, Duration.ofDays(3)));

        Booking booked = outcome.orElseThrow().booking();
        assertThat(calls).as("3 attempts for each of 2 notifications").hasValue(6);
        assertThat(repository.find(TENANT, booked.id())).contains(booked);
        assertThat(repository.notifications(TENANT, booked.id())).hasSize(2);
    }

    @Test
    @DisplayName("Notifier throws once: the second attempt delivers it, before the command returns")
    void flakyNotifierDeliversOnTheSecondAttempt() {
        AtomicInteger calls = new AtomicInteger();
        List<Notification> delivered = new CopyOnWriteArrayList<>();
        Set<String> failedOnce = ConcurrentHashMap.newKeySet();
        BookingRules rules = rules(notification -> {
            calls.incrementAndGet();
            if (failedOnce.add(notification.id())) {
                throw new IllegalStateException("try again");
            }
            delivered.add(notification);
        }).build();

        Outcome outcome = rules.book(ANA_ACTS, Fixture.request(ANA, Duration.ofDays(3)));

        assertThat(delivered).containsExactlyInAnyOrderElementsOf(outcome.orElseThrow().notifications());
        assertThat(calls).hasValue(4);
    }

    @Test
    @DisplayName("Notifier is slow: within the timeout it is waited for, so the notifications are delivered "
            + "when the command returns, as before")
    void slowNotifierWithinTheTimeoutIsWaitedFor() {
        List<Notification> delivered = new CopyOnWriteArrayList<>();
        BookingRules rules = rules(notification -> {
            sleep(Duration.ofMillis(150));
            delivered.add(notification);
        }).notificationTimeout(Duration.ofSeconds(5)).build();
        Booking booked = bookFor(rules, Duration.ofDays(3));

        Outcome cancelled = rules.cancel(ANA_ACTS, Fixture.ref(booked), ChangeRequest.because("cannot come"));

        assertThat(cancelled.orElseThrow().booking().status()).isEqualTo(BookingStatus.CANCELLED);
        assertThat(delivered).hasSize(4);
        assertThat(delivered.subList(2, 4)).as("the cancel's two, delivered before it returned")
                .containsExactlyInAnyOrderElementsOf(cancelled.orElseThrow().notifications());
    }

    @Test
    @DisplayName("Notifier hangs while other customers book: commands on other threads go on, each cut off "
            + "after its own timeout")
    void hangingNotifierDoesNotBlockOtherCommands() throws Exception {
        HangingNotifier notifier = new HangingNotifier();
        BookingRules rules = rules(notifier).notificationTimeout(Duration.ofMillis(300)).build();
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            long started = System.nanoTime();
            List<Future<Outcome>> outcomes = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                Duration startIn = Duration.ofDays(3).plusHours(2L * i);
                outcomes.add(callers.submit(() -> rules.book(ANA_ACTS, Fixture.request(ANA, startIn))));
            }
            for (Future<Outcome> outcome : outcomes) {
                assertThat(outcome.get(10, TimeUnit.SECONDS).isDone()).isTrue();
            }
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(took).as("8 commands at once, not one after another (8 x 600 ms)")
                    .isLessThan(Duration.ofMillis(3_000));
            assertThat(repository.all(TENANT)).hasSize(8);
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    @DisplayName("Notifier faults: a caller-supplied executor runs the deliveries")
    void callerSuppliedExecutorRunsTheDeliveries() {
        AtomicInteger tasks = new AtomicInteger();
        ExecutorService pool = Executors.newCachedThreadPool();
        try {
            Executor counting = task -> {
                tasks.incrementAndGet();
                pool.execute(task);
            };
            List<Notification> delivered = new CopyOnWriteArrayList<>();
            BookingRules rules = rules(delivered::add).notificationExecutor(counting).build();

            bookFor(rules, Duration.ofDays(3));

            assertThat(tasks).hasValue(2);
            assertThat(delivered).hasSize(2);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @DisplayName("Notifier faults: the notification timeout defaults to 10 s, and a bad value fails at once "
            + "naming the setting and the value")
    void notificationTimeoutSetting() {
        assertThat(BookingRules.DEFAULT_NOTIFICATION_TIMEOUT).isEqualTo(Duration.ofSeconds(10));
        assertThatThrownBy(() -> BookingRules.builder().notificationTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("notificationTimeout")
                .hasMessageContaining("PT0S");
        assertThatThrownBy(() -> BookingRules.builder().notificationTimeout(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT-1S");
        assertThatThrownBy(() -> BookingRules.builder().notificationTimeout(Duration.ofMinutes(11)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT11M");
        assertThatThrownBy(() -> BookingRules.builder().notificationTimeout(null))
                .isInstanceOf(NullPointerException.class).hasMessage("notificationTimeout");
        assertThatThrownBy(() -> BookingRules.builder().notificationExecutor(null))
                .isInstanceOf(NullPointerException.class).hasMessage("notificationExecutor");
        assertThat(BookingRules.builder().repository(repository).notificationTimeout(Duration.ofMinutes(10)).build())
                .isNotNull();
    }

    private static Duration timed(Runnable work) {
        long started = System.nanoTime();
        work.run();
        return Duration.ofNanos(System.nanoTime() - started);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void waitFor(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited 5 s for the condition").isLessThan(deadline);
            Thread.sleep(10);
        }
    }
}
