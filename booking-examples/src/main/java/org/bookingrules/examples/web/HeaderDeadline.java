package org.bookingrules.examples.web;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bound on how long a request's head, and then its body, may take to arrive, which an idle
 * timeout alone does not give: a client that sends one byte every few seconds resets the idle
 * timer forever (a slow "slowloris"). Once a connection that is not handling a request receives its
 * first byte, the rest of the request head must follow within the deadline; once the page starts
 * reading a body, the whole body must follow within the deadline too. Otherwise the connection is
 * closed.
 *
 * <p>Built on Jetty's public API only: a sweep every {@link #SWEEP_MILLIS} ms over the connector's
 * open connections compares each one's byte count with the count when its last request ended
 * (the handler reports {@link #started}, {@link #ended}, {@link #bodyStarted} and
 * {@link #bodyEnded}). So a connection is closed between {@code deadline} and
 * {@code deadline + 2 * SWEEP_MILLIS} after the first byte of an unfinished head, or after the
 * body's reading began. Connections idle with no byte pending are left to the idle timeout.
 *
 * <p>Thread-safe. {@link #start()} once, {@link #stop()} once.
 */
final class HeaderDeadline {

    private static final Logger LOG = LoggerFactory.getLogger(HeaderDeadline.class);

    /** How often open connections are looked at. */
    static final long SWEEP_MILLIS = 250;

    /** What the sweep keeps of one connection. */
    private static final class Watch {
        /** Requests in progress; more than one only with pipelining. */
        private int busy;
        /** Bytes received when the last request ended (or 0 for a new connection). */
        private long bytesAtRest;
        /** When bytes of an unfinished head were first seen, in nanos, or -1. */
        private long pendingSince = -1;
        /** When the page began reading a body, in nanos, or -1. */
        private long bodySince = -1;

        synchronized boolean idle() {
            return busy == 0;
        }
    }

    private final Supplier<Collection<EndPoint>> endPoints;
    private final long deadlineNanos;
    private final LongSupplier nanoTime;
    private final Map<Connection, Watch> watches = new ConcurrentHashMap<>();
    private final AtomicLong closed = new AtomicLong();
    private ScheduledExecutorService sweeper;

    /**
     * @param endPoints the connector's open end points, read at every sweep
     * @param deadline how long a request head may take from its first byte
     * @param nanoTime the monotonic clock ({@link System#nanoTime} outside tests)
     */
    HeaderDeadline(Supplier<Collection<EndPoint>> endPoints, Duration deadline, LongSupplier nanoTime) {
        this.endPoints = endPoints;
        this.deadlineNanos = deadline.toNanos();
        this.nanoTime = nanoTime;
    }

    /** Starts sweeping. */
    synchronized void start() {
        sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "self-service-header-deadline");
            t.setDaemon(true);
            return t;
        });
        sweeper.scheduleWithFixedDelay(this::sweepSafely, SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Stops sweeping. */
    synchronized void stop() {
        if (sweeper != null) {
            sweeper.shutdownNow();
            sweeper = null;
        }
        watches.clear();
    }

    /**
     * A request's head arrived on a connection and its handling starts.
     *
     * @param connection the connection, not null
     */
    void started(Connection connection) {
        Watch w = watches.computeIfAbsent(connection, c -> new Watch());
        synchronized (w) {
            w.busy++;
            w.pendingSince = -1;
        }
    }

    /**
     * A request's handling ended: from now on, new bytes are the next request's head.
     *
     * @param connection the connection, not null
     */
    void ended(Connection connection) {
        Watch w = watches.computeIfAbsent(connection, c -> new Watch());
        synchronized (w) {
            w.busy = Math.max(0, w.busy - 1);
            w.bytesAtRest = connection.getBytesIn();
            w.pendingSince = -1;
            w.bodySince = -1;
        }
    }

    /**
     * The page begins reading a request's body.
     *
     * @param connection the connection, not null
     */
    void bodyStarted(Connection connection) {
        Watch w = watches.computeIfAbsent(connection, c -> new Watch());
        synchronized (w) {
            w.bodySince = nanoTime.getAsLong();
        }
    }

    /**
     * The body was read (or given up).
     *
     * @param connection the connection, not null
     */
    void bodyEnded(Connection connection) {
        Watch w = watches.computeIfAbsent(connection, c -> new Watch());
        synchronized (w) {
            w.bodySince = -1;
        }
    }

    /** @return how many connections the deadline closed so far */
    long closedCount() {
        return closed.get();
    }

    private void sweepSafely() {
        try {
            sweep();
        } catch (RuntimeException e) {
            // The next sweep tries again; a sweeper that died would leave the bound unenforced.
            LOG.warn("header deadline sweep failed: {}", e.getClass().getName());
        }
    }

    /** One pass over the open connections. */
    void sweep() {
        long now = nanoTime.getAsLong();
        Set<Connection> open = endPoints.get().stream()
                .map(EndPoint::getConnection)
                .filter(c -> c != null)
                .collect(Collectors.toSet());
        // A watch of a request still being handled stays: its connection may be newer than the list.
        watches.entrySet().removeIf(e -> !open.contains(e.getKey()) && e.getValue().idle());
        for (Connection connection : open) {
            Watch w = watches.computeIfAbsent(connection, c -> new Watch());
            boolean overdue;
            String what;
            synchronized (w) {
                if (w.bodySince >= 0) {
                    what = "body";
                    overdue = now - w.bodySince >= deadlineNanos;
                } else if (w.busy > 0 || connection.getBytesIn() <= w.bytesAtRest) {
                    w.pendingSince = -1;
                    continue;
                } else {
                    if (w.pendingSince < 0) {
                        w.pendingSince = now;
                    }
                    what = "head";
                    overdue = now - w.pendingSince >= deadlineNanos;
                }
            }
            if (overdue) {
                closed.incrementAndGet();
                watches.remove(connection);
                // Nothing of the request is logged: its head may hold a link's token.
                LOG.debug("request {} not complete within {} ms: connection closed", what, deadlineNanos / 1_000_000);
                connection.getEndPoint().close();
            }
        }
    }
}
