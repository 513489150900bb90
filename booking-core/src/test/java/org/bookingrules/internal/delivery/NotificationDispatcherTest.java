package org.bookingrules.internal.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.bookingrules.internal.delivery.NotificationDispatcher.Delivery;
import org.bookingrules.internal.delivery.NotificationDispatcher.Result;
import org.bookingrules.model.Booking;
import org.bookingrules.spi.BookingNotifier;
import org.bookingrules.spi.Notification;
import org.bookingrules.spi.NotificationKind;
import org.bookingrules.spi.RecipientRole;
import org.bookingrules.testing.Fixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * R14 the one place notifications are handed to a notifier, as the facade and the outbox relay
 * rely on it: what became of each notification, in order; an {@link Error} from the notifier
 * reaches the caller; an interrupted caller cancels and keeps its interrupt. Threads are started
 * by the test's own executors, so nothing depends on how fast a machine is.
 */
@DisplayName("R14 notification dispatcher: what became of each notification")
class NotificationDispatcherTest {

    private static final Duration LONG = Duration.ofSeconds(20);

    private final Booking booking = new Fixture().bookForAna(Duration.ofDays(3));
    private final Notification first = notification("n-1");
    private final Notification second = notification("n-2");
    private final CountDownLatch release = new CountDownLatch(1);
    private final Semaphore entered = new Semaphore(0);

    @AfterEach
    void releaseHangs() {
        release.countDown();
    }

    private Notification notification(String id) {
        return new Notification(id, NotificationKind.BOOKED, RecipientRole.RESOURCE, booking, null, null,
                Locale.ENGLISH);
    }

    /** Hangs on the first notification until released or interrupted; delivers the others at once. */
    private final BookingNotifier hangsOnFirst = notification -> {
        entered.release();
        if (notification.id().equals("n-1")) {
            try {
                release.await(LONG.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    };

    /** Runs the first task on a thread of its own once the notifier is entered there; never runs the others. */
    private Executor firstOnly() {
        AtomicInteger tasks = new AtomicInteger();
        return task -> {
            if (tasks.incrementAndGet() == 1) {
                Thread thread = new Thread(task, "delivery-1");
                thread.setDaemon(true);
                thread.start();
                entered.acquireUninterruptibly();
            }
        };
    }

    @Test
    @DisplayName("R14 delivered and failed are told apart, in the given order; a failure keeps the last exception "
            + "after every attempt")
    void deliveredAndFailed() {
        AtomicInteger calls = new AtomicInteger();
        IllegalStateException full = new IllegalStateException("mailbox full");
        NotificationDispatcher dispatcher = NotificationDispatcher.on(n -> {
            calls.incrementAndGet();
            if (n.id().equals("n-2")) {
                throw full;
            }
        }, Runnable::run, 3, LONG, "kept");

        List<Delivery> results = dispatcher.deliverAll(List.of(first, second));

        assertThat(results).extracting(Delivery::notification).containsExactly(first, second);
        assertThat(results).extracting(Delivery::result).containsExactly(Result.DELIVERED, Result.FAILED);
        assertThat(results.get(0).failure()).isNull();
        assertThat(results.get(1).failure()).isSameAs(full);
        assertThat(calls).hasValue(1 + 3);
        assertThat(dispatcher.deliverAll(List.of())).isEmpty();
    }

    @Test
    @DisplayName("R14 at the timeout a delivery that started is TIMED_OUT and one that never started is NOT_STARTED")
    void timedOutAndNotStarted() {
        NotificationDispatcher dispatcher = NotificationDispatcher.on(hangsOnFirst, firstOnly(), 1,
                Duration.ofMillis(100), "kept");

        List<Delivery> results = dispatcher.deliverAll(List.of(first, second));

        assertThat(results).extracting(Delivery::result).containsExactly(Result.TIMED_OUT, Result.NOT_STARTED);
        assertThat(results.get(1).failure()).isNull();
    }

    @Test
    @DisplayName("R14 an Error thrown by the notifier reaches the caller, as if called on its own thread")
    void errorsReachTheCaller() {
        AssertionError broken = new AssertionError("notifier bug");
        NotificationDispatcher dispatcher = NotificationDispatcher.on(n -> {
            throw broken;
        }, Runnable::run, 3, LONG, "kept");

        assertThatThrownBy(() -> dispatcher.deliverAll(List.of(first))).isSameAs(broken);
    }

    @Test
    @DisplayName("R14 an interrupted caller cancels what is unfinished and keeps its interrupt flag")
    void interruptedCaller() {
        NotificationDispatcher dispatcher = NotificationDispatcher.on(hangsOnFirst, firstOnly(), 1, LONG, "kept");

        Thread.currentThread().interrupt();
        List<Delivery> results = dispatcher.deliverAll(List.of(first, second));
        boolean stillInterrupted = Thread.interrupted();

        assertThat(stillInterrupted).as("the interrupt flag, set again").isTrue();
        assertThat(results).extracting(Delivery::result).containsExactly(Result.INTERRUPTED, Result.NOT_STARTED);
    }

    @Test
    @DisplayName("R14 a timeout too long to count in nanoseconds waits as long as it takes")
    void hugeTimeout() {
        NotificationDispatcher dispatcher = NotificationDispatcher.on(n -> sleep(50), task -> {
            Thread thread = new Thread(task);
            thread.setDaemon(true);
            thread.start();
        }, 1, Duration.ofSeconds(Long.MAX_VALUE), "kept");

        assertThat(dispatcher.deliverAll(List.of(first))).extracting(Delivery::result)
                .containsExactly(Result.DELIVERED);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
