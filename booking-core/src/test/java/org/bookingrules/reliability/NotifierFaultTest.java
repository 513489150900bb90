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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
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
import org.bookingrules.testing.Race;
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

    /**
     * Hangs until released or interrupted; counts the calls, the interrupts and the calls that
     * returned, and signals each call.
     */
    private final class HangingNotifier implements BookingNotifier {
        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger interrupted = new AtomicInteger();
        final List<String> threads = new CopyOnWriteArrayList<>();
        final List<String> notificationIds = new CopyOnWriteArrayList<>();
        final Semaphore entered = new Semaphore(0);
        final AtomicInteger returned = new AtomicInteger();

        @Override
        public void deliver(Notification notification) {
            calls.incrementAndGet();
            threads.add(Thread.currentThread().getName());
            notificationIds.add(notification.id());
            entered.release();
            try {
                release.await(HANG.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                interrupted.incrementAndGet();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("delivery interrupted", e);
            }
            returned.incrementAndGet();
        }
    }

    private BookingRulesBuilder rules(BookingNotifier notifier) {
        return BookingRules.builder().repository(repository).notifier(notifier).clock(clock);
    }

    private static Booking bookFor(BookingRules rules, Duration startIn) {
        return rules.book(ANA_ACTS, Fixture.request(ANA, startIn)).orElseThrow().booking();
    }

    /**
     * Runs each task on a thread of its own and returns only once the notifier has been entered on
     * it: both deliveries of a command are in flight before the facade starts waiting, however
     * loaded the machine, so nothing below depends on how fast threads start.
     */
    private static Executor startedBeforeReturning(HangingNotifier notifier) {
        AtomicInteger threads = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, "delivery-" + threads.incrementAndGet());
            thread.setDaemon(true);
            thread.start();
            try {
                if (!notifier.entered.tryAcquire(HANG.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new IllegalStateException("the notifier was not called within " + HANG);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        };
    }

    @Test
    @DisplayName("Notifier hangs: with both notifications in flight at once, the command returns after the "
            + "notification timeout while the notifier still hangs, the change is saved, both notifications are "
            + "kept in the repository, and the hung deliveries are interrupted and not tried again")
    void hangingNotifierIsCutOffAfterTheTimeout() throws Exception {
        HangingNotifier notifier = new HangingNotifier();
        Duration timeout = Duration.ofMillis(200);
        BookingRules rules = rules(notifier).notificationTimeout(timeout)
                .notificationExecutor(startedBeforeReturning(notifier)).build();

        long started = System.nanoTime();
        Outcome outcome = rules.book(ANA_ACTS, Fixture.request(ANA, Duration.ofDays(3)));
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        Booking booked = outcome.orElseThrow().booking();
        assertThat(notifier.returned).as("returned while the notifier still hangs: cut off, not waited for")
                .hasValue(0);
        assertThat(took).as("waited for the deliveries up to the timeout").isGreaterThanOrEqualTo(timeout);
        assertThat(repository.find(TENANT, booked.id())).as("the change is saved").contains(booked);
        assertThat(repository.notifications(TENANT, booked.id())).as("the repository keeps the notifications")
                .hasSize(2).containsExactlyElementsOf(outcome.orElseThrow().notifications());
        assertThat(notifier.threads).as("both in flight at once, each on a thread of its own")
                .hasSize(2).doesNotHaveDuplicates();
        waitFor(() -> notifier.interrupted.get() == 2);
        assertThat(notifier.notificationIds).as("one attempt each: a hung attempt is not repeated")
                .containsExactlyInAnyOrderElementsOf(outcome.orElseThrow().notifications().stream()
                        .map(Notification::id).toList());
    }

    /** Delivers once every expected delivery is in flight at the same time; until then it waits. */
    private static final class Rendezvous implements BookingNotifier {
        final CountDownLatch inFlight;
        final List<Notification> delivered = new CopyOnWriteArrayList<>();
        final List<String> threads = new CopyOnWriteArrayList<>();

        Rendezvous(int deliveries) {
            this.inFlight = new CountDownLatch(deliveries);
        }

        @Override
        public void deliver(Notification notification) {
            threads.add(Thread.currentThread().getName());
            inFlight.countDown();
            try {
                if (!inFlight.await(HANG.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new IllegalStateException("the other deliveries never came");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("delivery interrupted", e);
            }
            delivered.add(notification);
        }
    }

    @Test
    @DisplayName("Notifier delivers only when both of a command's notifications are in flight at once: the "
            + "facade's own pool delivers them concurrently, on two of its delivery threads")
    void ownPoolDeliversTheNotificationsOfACommandConcurrently() {
        Rendezvous notifier = new Rendezvous(2);
        BookingRules rules = rules(notifier).build();

        Outcome outcome = rules.book(ANA_ACTS, Fixture.request(ANA, Duration.ofDays(3)));

        assertThat(notifier.delivered).containsExactlyInAnyOrderElementsOf(outcome.orElseThrow().notifications());
        assertThat(notifier.threads).hasSize(2).doesNotHaveDuplicates()
                .allMatch(name -> name.startsWith("booking-rules-notifier-"));
    }

    @Test
    @DisplayName("Notifier delivers only when the notifications of 8 commands on 8 threads are all in flight at "
            + "once: one command's deliveries never hold up the commands of other threads")
    void deliveriesOfConcurrentCommandsRunAtOnce() throws Exception {
        int commands = 8;
        Rendezvous notifier = new Rendezvous(2 * commands);
        // Long enough that only a delivery that can never finish (not a slow machine) is cut off.
        BookingRules rules = rules(notifier).notificationAttempts(1).notificationTimeout(HANG.multipliedBy(2)).build();
        ExecutorService callers = Executors.newFixedThreadPool(commands);
        try {
            List<Future<Outcome>> outcomes = new ArrayList<>();
            for (int i = 0; i < commands; i++) {
                Duration startIn = Duration.ofDays(3).plusHours(2L * i);
                outcomes.add(callers.submit(() -> rules.book(ANA_ACTS, Fixture.request(ANA, startIn))));
            }
            for (Future<Outcome> outcome : outcomes) {
                assertThat(outcome.get(HANG.toMillis() * 3, TimeUnit.MILLISECONDS).isDone()).isTrue();
            }
        } finally {
            callers.shutdownNow();
        }

        assertThat(notifier.delivered).as("all 16 delivered, so all were in flight together").hasSize(2 * commands);
        assertThat(repository.all(TENANT)).hasSize(commands);
    }

    @Test
    @DisplayName("Notifier delivers only when both are in flight (negative control): on one delivery thread the "
            + "notifications go one after the other, the first waits in vain and is cut off at the timeout")
    void oneDeliveryThreadCannotDeliverBothAtOnce() {
        Rendezvous notifier = new Rendezvous(2);
        ExecutorService oneThread = Executors.newSingleThreadExecutor();
        try {
            BookingRules rules = rules(notifier).notificationTimeout(Duration.ofMillis(200))
                    .notificationExecutor(oneThread).build();

            Outcome outcome = rules.book(ANA_ACTS, Fixture.request(ANA, Duration.ofDays(3)));

            assertThat(outcome.isDone()).isTrue();
            assertThat(notifier.delivered).as("the first is interrupted; the second may start once it is gone")
                    .hasSizeLessThan(2)
                    .doesNotContain(outcome.orElseThrow().notifications().get(0));
        } finally {
            oneThread.shutdownNow();
        }
    }

    @Test
    @DisplayName("Notifier hangs (negative control): with a direct executor the notifier runs on the "
            + "command's thread without a timeout, so the command waits for it however long it takes; the "
            + "facade's own pool returns at the timeout while the same notifier still hangs")
    void directExecutorHasNoTimeout() {
        Duration timeout = Duration.ofMillis(100);
        Duration slow = timeout.multipliedBy(3);
        List<String> threads = new CopyOnWriteArrayList<>();
        List<Notification> delivered = new CopyOnWriteArrayList<>();
        BookingRules direct = rules(notification -> {
            threads.add(Thread.currentThread().getName());
            sleep(slow);
            delivered.add(notification);
        }).notificationTimeout(timeout).notificationExecutor(Runnable::run).build();
        HangingNotifier hanging = new HangingNotifier();
        BookingRules bounded = rules(hanging).notificationTimeout(timeout).build();

        Duration directTook = timed(() -> bookFor(direct, Duration.ofDays(4)));
        Booking boundedBooking = bookFor(bounded, Duration.ofDays(3));

        assertThat(delivered).as("both delivered, each three timeouts late").hasSize(2);
        assertThat(threads).as("on the command's own thread").containsOnly(Thread.currentThread().getName());
        assertThat(directTook).as("blocked for both deliveries").isGreaterThanOrEqualTo(slow.multipliedBy(2));
        assertThat(hanging.returned).as("the own pool returned while its notifier still hangs").hasValue(0);
        assertThat(repository.notifications(TENANT, boundedBooking.id())).hasSize(2);
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

        // That they run at once, not one after another, deliveriesOfConcurrentCommandsRunAtOnce shows
        // without a stopwatch.
        List<Outcome> outcomes = Race.of(8)
                .run(i -> () -> rules.book(ANA_ACTS, Fixture.request(ANA, Duration.ofDays(3).plusHours(2L * i))));

        assertThat(outcomes).allSatisfy(outcome -> assertThat(outcome.isDone()).isTrue());
        assertThat(repository.all(TENANT)).hasSize(8);
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

    /** Waits for something another thread does; the bound only ends a failing test. */
    private static void waitFor(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + HANG.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited %s for the condition", HANG).isLessThan(deadline);
            Thread.sleep(10);
        }
    }
}
