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
import org.bookingrules.waitlist.WaitlistNotice;
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
     * @param notification the notification; null only inside the dispatcher, for a notice
     * @param result what became of it, not null
     * @param failure the last failure (the notifier's exception, the executor's rejection or a
     *     {@link TimeoutException}), or null when delivered, never started or interrupted
     */
    public record Delivery(Notification notification, Result result, Throwable failure) {
        /**
         * Checks the fields.
         *
         * @param notification or null, for a notice
         * @param result not null
         * @param failure or null
         */
        public Delivery {
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
        List<Attempts> tasks = new ArrayList<>(notifications.size());
        for (Notification n : notifications) {
            tasks.add(new Attempts(n, n.id(), n.kind().name(), "booking=" + n.booking().id(), () -> notifier.deliver(n)));
        }
        return runAll(tasks);
    }

    /**
     * Delivers cancellation-list notices as {@link #deliverAll} delivers notifications: concurrently,
     * each with its attempts, all within the timeout.
     *
     * @param notices the notices, not null, possibly empty
     * @return what became of each, in the given order
     */
    public List<Result> deliverNotices(List<WaitlistNotice> notices) {
        List<Attempts> tasks = new ArrayList<>(notices.size());
        for (WaitlistNotice n : notices) {
            tasks.add(new Attempts(null, n.id(), n.kind().name(), "offer=" + n.offerId(), () -> notifier.deliver(n)));
        }
        return runAll(tasks).stream().map(Delivery::result).toList();
    }

    private List<Delivery> runAll(List<Attempts> running) {
        if (running.isEmpty()) {
            return List.of();
        }
        long deadline = System.nanoTime() + saturatedNanos(timeout);
        for (Attempts task : running) {
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
                delivery = task.ended(Result.FAILED, task.rejected);
            } else if (interrupted) {
                delivery = cancel(task, Result.INTERRUPTED, null);
            } else {
                try {
                    task.future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    delivery = task.failure == null ? task.ended(Result.DELIVERED, null)
                            : task.ended(Result.FAILED, task.failure);
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause() == null ? e : e.getCause();
                    if (cause instanceof Error thrown && error == null) {
                        error = thrown;
                    }
                    delivery = task.ended(Result.FAILED, cause);
                } catch (TimeoutException e) {
                    delivery = cancel(task, Result.TIMED_OUT, e);
                } catch (CancellationException e) {
                    delivery = task.ended(Result.NOT_STARTED, null);
                } catch (InterruptedException e) {
                    interrupted = true;
                    delivery = cancel(task, Result.INTERRUPTED, null);
                }
            }
            log(task, delivery);
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
            return task.ended(Result.NOT_STARTED, null);
        }
        return task.ended(ifStarted, failure);
    }

    private void log(Attempts task, Delivery delivery) {
        switch (delivery.result()) {
            case DELIVERED -> LOG.trace("notification {} ({}, {}) delivered", task.id, task.kind, task.about);
            case NOT_STARTED, INTERRUPTED -> LOG.debug("notification {} ({}, {}) not delivered: {}", task.id,
                    task.kind, task.about, delivery.result());
            // FAILED and TIMED_OUT: each always carries its failure.
            default -> LOG.warn("notification {} ({}, {}) not delivered: {} after {} attempt(s), {}; {}",
                    task.id, task.kind, task.about, delivery.result(), attempts,
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

    /** The attempts of one notification (or notice), run as one task so they share its thread. */
    private final class Attempts {
        /** The notification, or null for a notice (whose delivery is reported by its result only). */
        final Notification notification;
        final String id;
        final String kind;
        /** What it is about, for the log: a booking or an offer id. */
        final String about;
        final Runnable send;
        final FutureTask<Void> future;
        volatile boolean started;
        volatile Throwable failure;
        RejectedExecutionException rejected;

        Attempts(Notification notification, String id, String kind, String about, Runnable send) {
            this.notification = notification;
            this.id = id;
            this.kind = kind;
            this.about = about;
            this.send = send;
            this.future = new FutureTask<>(this::run, null);
        }

        Delivery ended(Result result, Throwable cause) {
            return new Delivery(notification, result, cause);
        }

        private void run() {
            started = true;
            for (int attempt = 1; attempt <= attempts; attempt++) {
                try {
                    send.run();
                    failure = null;
                    return;
                } catch (RuntimeException e) {
                    failure = e;
                    LOG.debug("notification {} ({}) attempt {} of {} failed: {}", id, kind, attempt, attempts,
                            e.getClass().getName());
                }
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
            }
        }
    }
}
