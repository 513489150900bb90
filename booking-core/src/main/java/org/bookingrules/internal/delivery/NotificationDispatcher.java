package org.bookingrules.internal.delivery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.bookingrules.spi.BookingNotifier;
import org.bookingrules.spi.Notification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Not API. The one place where notifications are handed to a {@link BookingNotifier}: on an
 * executor, a bounded number of attempts each, all the notifications of one call concurrently and
 * within one timeout. The facade uses it for repositories without an outbox, the outbox relay for
 * its rows. Immutable and thread-safe.
 *
 * <p>A call never throws for a failed or late delivery; it reports what became of each
 * notification. An {@link Error} thrown by the notifier is rethrown, as if the notifier had been
 * called on the caller's thread. Logs carry notification ids, kinds, booking ids and exception
 * class names, never an exception's message (it could quote personal data).
 */
public final class NotificationDispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(NotificationDispatcher.class);
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final BookingNotifier notifier;
    private final Executor executor;
    /** {@link #executor} when it is the dispatcher's own pool, whose queue it may clean; otherwise null. */
    private final ThreadPoolExecutor ownPool;
    private final int attempts;
    private final Duration timeout;
    /** What becomes of an undelivered notification, for the log line; for example "kept in the outbox". */
    private final String afterwards;

    /** What became of one notification. */
    public enum Result {
        /** The notifier returned. */
        DELIVERED,
        /** Every attempt threw, or the executor refused the task. */
        FAILED,
        /** An attempt was still running when the time was up; it was cancelled. */
        TIMED_OUT,
        /** The time was up before any attempt started; the notifier was not called. */
        NOT_STARTED,
        /** The waiting thread was interrupted; the delivery was cancelled. */
        INTERRUPTED
    }

    /**
     * What became of one notification.
     *
     * @param notification the notification, not null
     * @param result what became of it, not null
     * @param failure the last failure (the notifier's exception, the executor's rejection or a
     *     {@link TimeoutException}), or null when delivered, never started or interrupted
     */
    public record Delivery(Notification notification, Result result, Throwable failure) {
        /**
         * Checks the fields.
         *
         * @param notification not null
         * @param result not null
         * @param failure or null
         */
        public Delivery {
            Objects.requireNonNull(notification, "notification");
            Objects.requireNonNull(result, "result");
        }
    }

    private NotificationDispatcher(BookingNotifier notifier, Executor executor, ThreadPoolExecutor ownPool,
                                   int attempts, Duration timeout, String afterwards) {
        this.afterwards = Objects.requireNonNull(afterwards, "afterwards");
        this.notifier = Objects.requireNonNull(notifier, "notifier");
        this.executor = executor;
        this.ownPool = ownPool;
        this.attempts = attempts;
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be 1 or more, was " + attempts);
        }
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
    }

    /**
     * A dispatcher on the caller's executor, which the caller keeps owning.
     *
     * @param notifier who delivers, not null
     * @param executor where the notifier runs, not null
     * @param attempts attempts per notification, 1 or more
     * @param timeout the longest wait of one call, all its notifications and attempts, positive
     * @param afterwards what becomes of an undelivered notification, for the log, not null
     * @return the dispatcher
     */
    public static NotificationDispatcher on(BookingNotifier notifier, Executor executor, int attempts,
                                            Duration timeout, String afterwards) {
        return new NotificationDispatcher(notifier, Objects.requireNonNull(executor, "executor"), null, attempts,
                timeout, afterwards);
    }

    /**
     * A dispatcher with a pool of its own: at most {@code threads} daemon threads, started when
     * needed and ended after 30 seconds idle, so a dispatcher that is dropped needs no shutdown.
     *
     * @param notifier who delivers, not null
     * @param threadName the threads' name prefix, not null
     * @param threads the most threads, 1 or more
     * @param attempts attempts per notification, 1 or more
     * @param timeout the longest wait of one call, all its notifications and attempts, positive
     * @param afterwards what becomes of an undelivered notification, for the log, not null
     * @return the dispatcher
     */
    public static NotificationDispatcher withOwnPool(BookingNotifier notifier, String threadName, int threads,
                                                     int attempts, Duration timeout, String afterwards) {
        Objects.requireNonNull(threadName, "threadName");
        ThreadFactory factory = task -> {
            Thread t = new Thread(task, threadName + "-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), factory);
        pool.allowCoreThreadTimeOut(true);
        return new NotificationDispatcher(notifier, pool, pool, attempts, timeout, afterwards);
    }

    /**
     * Delivers the notifications concurrently and waits for all of them, at most the timeout in
     * all. Deliveries still running when it is up are cancelled (their threads interrupted);
     * those that never started are taken out of the queue. If the calling thread is interrupted
     * while waiting, every unfinished delivery is cancelled and the interrupt flag is set again.
     *
     * @param notifications the notifications, not null, possibly empty
     * @return what became of each, in the given order
     */
    public List<Delivery> deliverAll(List<Notification> notifications) {
        if (notifications.isEmpty()) {
            return List.of();
        }
        long deadline = System.nanoTime() + saturatedNanos(timeout);
        List<Attempts> running = new ArrayList<>(notifications.size());
        for (Notification notification : notifications) {
            Attempts task = new Attempts(notification);
            running.add(task);
            try {
                executor.execute(task.future);
            } catch (RejectedExecutionException e) {
                task.rejected = e;
            }
        }
        List<Delivery> results = new ArrayList<>(running.size());
        boolean interrupted = false;
        Error error = null;
        for (Attempts task : running) {
            Delivery delivery;
            if (task.rejected != null) {
                delivery = new Delivery(task.notification, Result.FAILED, task.rejected);
            } else if (interrupted) {
                delivery = cancel(task, Result.INTERRUPTED, null);
            } else {
                try {
                    task.future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    delivery = task.failure == null
                            ? new Delivery(task.notification, Result.DELIVERED, null)
                            : new Delivery(task.notification, Result.FAILED, task.failure);
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause() == null ? e : e.getCause();
                    if (cause instanceof Error thrown && error == null) {
                        error = thrown;
                    }
                    delivery = new Delivery(task.notification, Result.FAILED, cause);
                } catch (TimeoutException e) {
                    delivery = cancel(task, Result.TIMED_OUT, e);
                } catch (CancellationException e) {
                    delivery = new Delivery(task.notification, Result.NOT_STARTED, null);
                } catch (InterruptedException e) {
                    interrupted = true;
                    delivery = cancel(task, Result.INTERRUPTED, null);
                }
            }
            log(delivery);
            results.add(delivery);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (error != null) {
            throw error;
        }
        return List.copyOf(results);
    }

    /** Cancels an unfinished delivery: one that never started is reported as such. */
    private Delivery cancel(Attempts task, Result ifStarted, Throwable failure) {
        task.future.cancel(true);
        if (ownPool != null) {
            ownPool.remove(task.future);
        }
        if (!task.started) {
            return new Delivery(task.notification, Result.NOT_STARTED, null);
        }
        return new Delivery(task.notification, ifStarted, failure);
    }

    private void log(Delivery delivery) {
        Notification n = delivery.notification();
        switch (delivery.result()) {
            case DELIVERED -> LOG.trace("notification {} ({}, booking={}) delivered", n.id(), n.kind(),
                    n.booking().id());
            case NOT_STARTED, INTERRUPTED -> LOG.debug("notification {} ({}, booking={}) not delivered: {}", n.id(),
                    n.kind(), n.booking().id(), delivery.result());
            // FAILED and TIMED_OUT: each always carries its failure.
            default -> LOG.warn("notification {} ({}, booking={}) not delivered: {} after {} attempt(s), {}; {}",
                    n.id(), n.kind(), n.booking().id(), delivery.result(), attempts,
                    delivery.failure().getClass().getName(), afterwards);
        }
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /** The attempts of one notification, run as one task so they share its thread. */
    private final class Attempts {
        final Notification notification;
        final FutureTask<Void> future;
        volatile boolean started;
        volatile Throwable failure;
        RejectedExecutionException rejected;

        Attempts(Notification notification) {
            this.notification = notification;
            this.future = new FutureTask<>(this::run, null);
        }

        private void run() {
            started = true;
            for (int attempt = 1; attempt <= attempts; attempt++) {
                try {
                    notifier.deliver(notification);
                    failure = null;
                    return;
                } catch (RuntimeException e) {
                    failure = e;
                    LOG.debug("notification {} ({}) attempt {} of {} failed: {}", notification.id(),
                            notification.kind(), attempt, attempts, e.getClass().getName());
                }
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
            }
        }
    }
}
