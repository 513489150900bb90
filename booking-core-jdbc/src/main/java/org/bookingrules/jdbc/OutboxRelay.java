package org.bookingrules.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.bookingrules.internal.delivery.NotificationDispatcher;
import org.bookingrules.internal.delivery.NotificationDispatcher.Delivery;
import org.bookingrules.internal.schedule.Schedules;
import org.bookingrules.internal.settings.Settings;
import org.bookingrules.spi.BookingNotifier;
import org.bookingrules.spi.Notification;
import org.bookingrules.waitlist.WaitlistNotice;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the notifications that {@link JdbcBookingRepository} wrote into the outbox table
 * ({@code br_outbox}) in the same transaction as the booking change: the other half of the
 * transactional outbox. Immutable and thread-safe; build one with {@link #builder()}.
 *
 * <p>Each {@link #deliverDue()} is one pass in one transaction (READ COMMITTED): it claims up to
 * {@link Builder#batchSize(int) batchSize} due rows with {@code SELECT ... FOR UPDATE SKIP LOCKED},
 * so relays on several nodes share the work and never take the same row; it hands each
 * notification to the {@link BookingNotifier}; it marks the row {@code SENT} when the notifier
 * returns, or, when the notifier throws a {@link RuntimeException}, counts the attempt and schedules
 * the next one after a backoff that doubles per failed attempt ({@link Builder#initialBackoff},
 * capped at {@link Builder#maxBackoff}); after {@link Builder#maxAttempts} failed attempts the row
 * is {@code PARKED} and never retried automatically. Then it commits.
 *
 * <p><b>A notifier that hangs is cut off.</b> Calls go through the same dispatcher as the facade's
 * own deliveries (executor, timeout, logging). Each call of the notifier runs on a delivery thread,
 * not on the thread running the pass, and the pass waits for it at most
 * {@link Builder#deliveryTimeout(Duration) deliveryTimeout} (default 30 seconds). A call that
 * takes longer is cancelled (its thread is interrupted), counted as a failed attempt with
 * {@code java.util.concurrent.TimeoutException} as its error, and backed off like any other
 * failure. The pass then ends early, so that one stuck notifier never keeps the pass's
 * transaction (and its claimed rows) open for more than about one timeout: the claimed rows it did
 * not reach yet stay due, untouched, for the next pass. The delivery threads come from a small
 * pool the relay owns (at most {@value #OWN_DELIVERY_THREADS} daemon threads, which end after
 * 30 seconds idle; a notifier that ignores interrupts keeps its thread until it returns), or from
 * the executor given to {@link Builder#deliveryExecutor(Executor)}. The notifier therefore runs on
 * another thread than {@link #deliverDue()}'s caller: it must not depend on thread-local state of
 * the caller.
 *
 * <p>Delivery is at least once: if the process dies, or the commit fails, after the notifier
 * accepted a notification but before the pass committed, that notification is delivered again by
 * a later pass. A notifier call that was cut off by the timeout may still complete afterwards,
 * and the notification is delivered again when it is retried. Every notification carries a stable
 * {@link Notification#id()} so the notifier can drop the repeat.
 *
 * <p>Each row holds its change's versioned JSON document ({@code body}, described in
 * {@code docs/OUTBOX.md}); a row written by a release before that format holds the older key=value
 * {@code payload} instead and is delivered all the same. A row the relay cannot read (a document of
 * another format version, or one that lists no notification with the row's id) is parked at once.
 *
 * <p>A row of a cancellation-list notice ({@code kind} {@code WAITLIST_*}, a notice document; see
 * {@code docs/OUTBOX.md}) goes to {@link BookingNotifier#deliver(org.bookingrules.waitlist.WaitlistNotice)}
 * with the same attempts, backoff and parking. A notifier that does not deliver notices
 * ({@link BookingNotifier#deliversNotices()} false) is not called for them: each attempt counts as
 * failed ({@code java.lang.UnsupportedOperationException}) until the row is parked, so no notice is
 * lost while the notifier is replaced.
 *
 * <p>The relay records the failure's exception class name only, in {@code last_error} and in the
 * log, never the exception's message, which could quote personal data. Logs carry notification
 * ids, kinds and attempt counts.
 *
 * <p>The dialect is detected from the first connection's metadata and logged once.
 */
public final class OutboxRelay {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);

    /** Default number of rows claimed per pass: 100. */
    public static final int DEFAULT_BATCH_SIZE = 100;
    /** Largest allowed batch size: 10000. */
    public static final int MAX_BATCH_SIZE = 10_000;
    /** Default number of failed attempts after which a notification is parked: 8. */
    public static final int DEFAULT_MAX_ATTEMPTS = 8;
    /** Default wait after the first failed attempt: 30 seconds. */
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofSeconds(30);
    /** Default longest wait between attempts: 1 hour. */
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofHours(1);
    /** Longest allowed backoff: 365 days. */
    public static final Duration LIMIT_BACKOFF = Duration.ofDays(365);
    /** Default longest wait for one notifier call: 30 seconds. */
    public static final Duration DEFAULT_DELIVERY_TIMEOUT = Duration.ofSeconds(30);
    /** Longest allowed delivery timeout: 1 hour. */
    public static final Duration LIMIT_DELIVERY_TIMEOUT = Duration.ofHours(1);
    /** Most threads of the delivery pool a relay owns when no executor is given: 4. */
    public static final int OWN_DELIVERY_THREADS = 4;

    private static final String AFTERWARDS = "the outbox keeps it for a later attempt, or parks it";
    private static final String PENDING = "PENDING";
    private static final String PARKED = "PARKED";
    private static final int LAST_ERROR_LENGTH = 500;
    private static final int MAX_PASSES_PER_RUN = 1000;

    /**
     * The settings the relay was built with, as the builder checked them; the delivery executor is
     * the caller's, or null when the relay uses its own pool.
     */
    private record Config(DataSource dataSource, BookingNotifier notifier, Clock clock, int batchSize,
                          int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration deliveryTimeout,
                          Executor deliveryExecutor) {
    }

    private final Config config;
    /** Calls the notifier: on the caller's executor or the relay's own pool, one attempt per pass. */
    private final NotificationDispatcher dispatcher;
    /** Whether the notifier delivers cancellation-list notices; asked once, it looks at the class. */
    private final boolean deliversNotices;

    /** Detected on the first connection; a race detects it twice, harmlessly, with the same result. */
    private volatile JdbcDialect dialect;

    private OutboxRelay(Config config) {
        this.config = config;
        this.deliversNotices = config.notifier().deliversNotices();
        // One attempt per pass: a failed row is retried by a later pass, after its backoff.
        this.dispatcher = config.deliveryExecutor() != null
                ? NotificationDispatcher.on(config.notifier(), config.deliveryExecutor(), 1, config.deliveryTimeout(),
                        AFTERWARDS)
                : NotificationDispatcher.withOwnPool(config.notifier(), "outbox-relay-delivery", OWN_DELIVERY_THREADS,
                        1, config.deliveryTimeout(), AFTERWARDS);
    }

    /**
     * A builder. {@link Builder#dataSource} and {@link Builder#notifier} are required; every other
     * setting has a default.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding this relay's settings, to derive another relay from it.
     *
     * @return a new builder with every setting of this relay
     */
    public Builder toBuilder() {
        Builder b = new Builder()
                .dataSource(config.dataSource())
                .notifier(config.notifier())
                .clock(config.clock())
                .batchSize(config.batchSize())
                .maxAttempts(config.maxAttempts())
                .initialBackoff(config.initialBackoff())
                .maxBackoff(config.maxBackoff())
                .deliveryTimeout(config.deliveryTimeout());
        // A relay built from the copy gets a pool of its own unless the caller gave an executor.
        return config.deliveryExecutor() == null ? b : b.deliveryExecutor(config.deliveryExecutor());
    }

    /**
     * One pass: claims up to the batch size of due notifications, delivers them, records each
     * result and commits, all in one transaction. Rows other relays hold are skipped. A pass that
     * delivered a full batch may have left more due rows; call it again until it returns 0 to
     * drain the outbox. A notifier call that outlasts the {@link Builder#deliveryTimeout(Duration)
     * delivery timeout} is cancelled and recorded as a failed attempt, and the pass ends there: the
     * claimed rows after it stay due for the next pass. If the calling thread is interrupted while
     * it waits for the notifier, the call is cancelled, the pass records what it finished and ends,
     * and the thread's interrupt flag is set again.
     *
     * <p>A pass that meets a deadlock or serialization failure (other relays, retention and bookings
     * write the same tables) is undone and run again a few times, as the databases expect of their
     * clients; notifications the notifier accepted in the undone pass are delivered again (at least
     * once, as after any failure).
     *
     * @return the number of notifications delivered (marked {@code SENT}) in this pass; failed and
     *     parked ones are not counted
     * @throws BookingStorageException if the database fails; the pass is rolled back and its
     *     notifications stay due (those the notifier already accepted are delivered again later)
     * @throws IllegalArgumentException if the database is not supported
     */
    public int deliverDue() {
        return OwnTransactions.run(config.dataSource(), c -> dialectOf(c).sql(), LOG, "outbox", this::pass,
                e -> new BookingStorageException("outbox relay pass failed: SQLState " + e.getSQLState()
                        + ", error " + e.getErrorCode(), e));
    }

    /** One pass in its transaction: claim due rows, deliver them, mark each; committed by the caller. */
    private int pass(Connection c, Sql sql) throws SQLException {
        List<Claimed> claimed = claim(c, sql);
        if (claimed.isEmpty()) {
            return 0;
        }
        int delivered = 0;
        int failed = 0;
        try (PreparedStatement sent = c.prepareStatement(sql.outboxDelivered);
             PreparedStatement retry = c.prepareStatement(sql.outboxFailed)) {
            for (Claimed row : claimed) {
                Result result = deliver(sql, row, sent, retry);
                if (result == Result.DELIVERED) {
                    delivered++;
                    continue;
                }
                if (result == Result.FAILED || result == Result.TIMED_OUT) {
                    failed++;
                }
                if (result != Result.FAILED) {
                    // Timed out or interrupted: the rest waits for the next pass, so this
                    // transaction is not held open for one timeout per claimed row.
                    LOG.debug("outbox pass ended early ({}); {} claimed notifications left due", result,
                            claimed.size() - delivered - failed);
                    break;
                }
            }
            if (delivered > 0) {
                sent.executeBatch();
            }
            if (failed > 0) {
                retry.executeBatch();
            }
        }
        LOG.debug("outbox pass: claimed {}, delivered {}, failed {}", claimed.size(), delivered, failed);
        return delivered;
    }

    /**
     * Runs {@link #deliverDue()} on the caller's executor, draining what is due every
     * {@code period} (the delay counts from the end of one run to the start of the next, so runs
     * never overlap). A failing run is logged (exception class name only) and the schedule goes
     * on. The caller owns the executor: cancel the returned future, or shut the executor down, to
     * stop.
     *
     * @param period the delay between runs, positive, not null
     * @param executor where to run, not null; not shut down by the relay
     * @return the scheduled task, for cancelling
     * @throws IllegalArgumentException if the period is not positive
     * @throws java.util.concurrent.RejectedExecutionException if the executor refuses the task
     */
    public ScheduledFuture<?> runEvery(Duration period, ScheduledExecutorService executor) {
        return Schedules.everyQuietly(this::drain, period, executor, LOG, "outbox relay run");
    }

    /** One scheduled run: passes again while full batches come back, bounded so a run ends. */
    private void drain() {
        for (int pass = 1; pass <= MAX_PASSES_PER_RUN; pass++) {
            if (deliverDue() < config.batchSize()) {
                return;
            }
        }
    }

    // -------------------------------------------------------------------------------- internals

    /**
     * One claimed outbox row: its change's JSON document ({@code body}), or, for a row written before
     * that format, the old payload ({@code body} null).
     */
    private record Claimed(String tenantId, String notificationId, String kind, String body, String payload,
                           int attempts) {

        /** Whether the row holds a cancellation-list notice (its own document) rather than a notification. */
        boolean isNotice() {
            return OutboxDocument.isNoticeKind(kind);
        }

        /** The row's cancellation-list notice. */
        WaitlistNotice notice() {
            if (body == null) {
                throw new IllegalStateException("outbox row of a notice has no document");
            }
            return OutboxDocument.readNotice(body);
        }

        /** The row's notification, from whichever format it has. */
        Notification notification() {
            if (body != null) {
                return OutboxDocument.read(body, notificationId);
            }
            if (payload == null) {
                throw new IllegalStateException("outbox row has neither a document nor a payload");
            }
            return Codec.notification(payload);
        }
    }

    /** What became of one claimed row in a pass. */
    private enum Result {
        /** The notifier returned; the row is marked sent. */
        DELIVERED,
        /** The notifier threw, or the payload is unreadable; the failure is recorded. */
        FAILED,
        /** The notifier outlasted the delivery timeout; the failure is recorded. */
        TIMED_OUT,
        /** The pass's thread was interrupted while waiting; nothing is recorded for the row. */
        INTERRUPTED,
        /** The timeout passed while the call waited for a delivery thread; nothing is recorded. */
        NOT_STARTED
    }

    private JdbcDialect dialectOf(Connection c) throws SQLException {
        JdbcDialect known = dialect;
        if (known == null) {
            known = JdbcDialect.detect(c);
            dialect = known;
            LOG.info("outbox relay on {}", known);
        }
        return known;
    }

    private List<Claimed> claim(Connection c, Sql sql) throws SQLException {
        List<Claimed> claimed = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(sql.claimOutbox())) {
            sql.bindInstant(s, 1, now());
            s.setInt(2, config.batchSize());
            try (ResultSet rows = s.executeQuery()) {
                while (rows.next()) {
                    claimed.add(new Claimed(rows.getString("tenant_id"), rows.getString("notification_id"),
                            rows.getString("kind"), rows.getString("body"), rows.getString("payload"),
                            rows.getInt("attempts")));
                }
            }
        }
        return claimed;
    }

    /**
     * Delivers one claimed row, a notification or a cancellation-list notice, and queues its status
     * update. Both get the same attempts, backoff and parking. A notifier that does not deliver
     * notices ({@link BookingNotifier#deliversNotices()} false) is not called for a notice: each
     * attempt fails with {@link UnsupportedOperationException}, so the notice is retried, then
     * parked, never lost.
     *
     * @return what became of the row
     */
    private Result deliver(Sql sql, Claimed row, PreparedStatement sent, PreparedStatement retry)
            throws SQLException {
        Message message;
        try {
            message = row.isNotice() ? notice(row.notice()) : notification(row.notification());
        } catch (RuntimeException e) {
            // A payload this version cannot read will not become readable by waiting: park it at once.
            LOG.warn("outbox {} {} (tenant {}) cannot be decoded: {}; parked",
                    row.isNotice() ? "notice" : "notification", row.notificationId(), row.tenantId(),
                    e.getClass().getName());
            queueFailure(sql, retry, row, PARKED, row.attempts() + 1, now(), e);
            return Result.FAILED;
        }
        Delivery delivery = message.delivery().get();
        switch (delivery.result()) {
            case DELIVERED, FAILED, TIMED_OUT:
                break;
            case INTERRUPTED:
                LOG.warn("{}: relay interrupted while delivering; left due", message.name());
                return Result.INTERRUPTED;
            default:
                // The time was up before the notifier was called: not an attempt; the row stays due.
                return Result.NOT_STARTED;
        }
        Throwable failure = delivery.failure();
        if (failure != null) {
            int attempts = row.attempts() + 1;
            Instant now = now();
            if (attempts >= config.maxAttempts()) {
                LOG.warn("{} failed attempt {} of {}: {}; parked, not retried", message.name(), attempts,
                        config.maxAttempts(), failure.getClass().getName());
                queueFailure(sql, retry, row, PARKED, attempts, now, failure);
            } else {
                Duration wait = backoff(attempts);
                LOG.debug("{} failed attempt {} of {}: {}; next attempt in {}", message.name(), attempts,
                        config.maxAttempts(), failure.getClass().getName(), wait);
                queueFailure(sql, retry, row, PENDING, attempts, now.plus(wait), failure);
            }
            return failure instanceof TimeoutException ? Result.TIMED_OUT : Result.FAILED;
        }
        sql.bindInstant(sent, 1, now());
        sent.setString(2, row.tenantId());
        sent.setString(3, row.notificationId());
        sent.addBatch();
        LOG.debug("{} delivered after {} failed attempts", message.name(), row.attempts());
        return Result.DELIVERED;
    }

    /**
     * A decoded row: how the log names it, and the one notifier call that delivers it.
     *
     * @param name for the log: what it is, its id, its kind and what it is about
     * @param delivery calls the notifier once and tells what became of the call
     */
    private record Message(String name, Supplier<Delivery> delivery) {
    }

    private Message notification(Notification notification) {
        return new Message("notification " + notification.id() + " (" + notification.kind() + ", booking="
                + notification.booking().id() + ")", () -> dispatcher.deliverAll(List.of(notification)).get(0));
    }

    private Message notice(WaitlistNotice notice) {
        String name = "notice " + notice.id() + " (" + notice.kind() + ", offer=" + notice.offerId() + ")";
        if (!deliversNotices) {
            return new Message(name, () -> new Delivery(null, NotificationDispatcher.Result.FAILED,
                    new UnsupportedOperationException("the notifier does not deliver cancellation-list notices")));
        }
        return new Message(name, () -> {
            NotificationDispatcher.Result result = dispatcher.deliverNotices(List.of(notice)).get(0);
            Throwable failure = switch (result) {
                case FAILED -> new NoticeDeliveryFailed();
                case TIMED_OUT -> new TimeoutException();
                default -> null;
            };
            return new Delivery(null, result, failure);
        });
    }

    /**
     * The recorded failure of a notice the notifier threw on: the dispatcher reports the result and
     * logs the notifier's exception class; {@code last_error} names this class. No stack trace.
     */
    private static final class NoticeDeliveryFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NoticeDeliveryFailed() {
            super("the notifier threw; its exception class is in the log", null, false, false);
        }
    }

    private static void queueFailure(Sql sql, PreparedStatement retry, Claimed row, String status, int attempts,
                                     Instant next, Throwable failure) throws SQLException {
        String error = failure.getClass().getName();
        retry.setString(1, status);
        retry.setInt(2, attempts);
        sql.bindInstant(retry, 3, next);
        retry.setString(4, error.length() > LAST_ERROR_LENGTH ? error.substring(0, LAST_ERROR_LENGTH) : error);
        retry.setString(5, row.tenantId());
        retry.setString(6, row.notificationId());
        retry.addBatch();
    }

    /**
     * The wait after the given number of failed attempts: the initial backoff, doubled for each
     * failed attempt after the first, capped at the maximum.
     */
    Duration backoff(int failedAttempts) {
        Duration wait = config.initialBackoff();
        for (int i = 1; i < failedAttempts; i++) {
            if (wait.compareTo(config.maxBackoff()) >= 0) {
                break;
            }
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(config.maxBackoff()) > 0 ? config.maxBackoff() : wait;
    }

    /** The clock's instant to the microsecond, what every supported database keeps. */
    private Instant now() {
        return config.clock().instant().truncatedTo(ChronoUnit.MICROS);
    }

    /**
     * Builds an {@link OutboxRelay}. A bad value fails at once, naming the setting and the value.
     * Not thread-safe; the built relay is.
     */
    public static final class Builder {
        private DataSource dataSource;
        private BookingNotifier notifier;
        private Clock clock = Clock.systemUTC();
        private int batchSize = DEFAULT_BATCH_SIZE;
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
        private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
        private Duration deliveryTimeout = DEFAULT_DELIVERY_TIMEOUT;
        private Executor deliveryExecutor;

        private Builder() {
        }

        /**
         * Where the outbox table is (required). The relay runs its own short transactions on it.
         *
         * @param v the data source, not null; the schema must exist ({@link JdbcSchema})
         * @return this builder
         */
        public Builder dataSource(DataSource v) {
            dataSource = Objects.requireNonNull(v, "dataSource");
            return this;
        }

        /**
         * Who delivers the notifications (required).
         *
         * @param v the notifier, not null; thread-safe if several relays share it
         * @return this builder
         */
        public Builder notifier(BookingNotifier v) {
            notifier = Objects.requireNonNull(v, "notifier");
            return this;
        }

        /**
         * The clock that says which rows are due and when to try again. Default
         * {@link Clock#systemUTC()}.
         *
         * @param v the clock, not null
         * @return this builder
         */
        public Builder clock(Clock v) {
            clock = Objects.requireNonNull(v, "clock");
            return this;
        }

        /**
         * How many rows one pass claims at most. Default {@value OutboxRelay#DEFAULT_BATCH_SIZE}.
         *
         * @param v from 1 to {@value OutboxRelay#MAX_BATCH_SIZE}
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder batchSize(int v) {
            if (v < 1 || v > MAX_BATCH_SIZE) {
                throw new IllegalArgumentException("batchSize must be 1.." + MAX_BATCH_SIZE + ", was " + v);
            }
            batchSize = v;
            return this;
        }

        /**
         * After how many failed attempts a notification is parked ({@code PARKED}) and no longer
         * retried automatically. Default {@value OutboxRelay#DEFAULT_MAX_ATTEMPTS}.
         *
         * @param v 1 or more
         * @return this builder
         * @throws IllegalArgumentException if below 1
         */
        public Builder maxAttempts(int v) {
            if (v < 1) {
                throw new IllegalArgumentException("maxAttempts must be 1 or more, was " + v);
            }
            maxAttempts = v;
            return this;
        }

        /**
         * The wait after the first failed attempt; it doubles after each further failure, up to
         * {@link #maxBackoff(Duration)}. Default 30 seconds.
         *
         * @param v positive, at most {@link OutboxRelay#LIMIT_BACKOFF}, not null
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder initialBackoff(Duration v) {
            initialBackoff = positive("initialBackoff", v);
            return this;
        }

        /**
         * The longest wait between two attempts. Default 1 hour. Must not be shorter than the
         * initial backoff (checked by {@link #build()}).
         *
         * @param v positive, at most {@link OutboxRelay#LIMIT_BACKOFF}, not null
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder maxBackoff(Duration v) {
            maxBackoff = positive("maxBackoff", v);
            return this;
        }

        /**
         * How long one notifier call may take. A call still running after it is cancelled (its
         * thread interrupted), recorded as a failed attempt with the error
         * {@code java.util.concurrent.TimeoutException}, and retried after the backoff; the pass
         * that hit it ends there. Default 30 seconds. Time spent waiting for a free delivery
         * thread counts; a call whose time ran out before it started is not an attempt: its row
         * stays due, untouched, and the pass ends there.
         *
         * @param v positive, at most {@link OutboxRelay#LIMIT_DELIVERY_TIMEOUT}, not null
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder deliveryTimeout(Duration v) {
            deliveryTimeout = Settings.positiveAtMost("deliveryTimeout", v, LIMIT_DELIVERY_TIMEOUT);
            return this;
        }

        /**
         * Where the notifier runs. Default: a pool the relay owns, of at most
         * {@value OutboxRelay#OWN_DELIVERY_THREADS} daemon threads that end when idle. The caller
         * keeps ownership of an executor given here (the relay never shuts it down). It must run
         * each task on another thread than the one that submits it, or the delivery timeout cannot
         * cut off a hanging notifier; a task it rejects counts as a failed attempt
         * ({@code RejectedExecutionException}).
         *
         * @param v the executor, not null
         * @return this builder
         */
        public Builder deliveryExecutor(Executor v) {
            deliveryExecutor = Objects.requireNonNull(v, "deliveryExecutor");
            return this;
        }

        /**
         * Builds the relay. It does not connect yet; the first {@link OutboxRelay#deliverDue()}
         * does.
         *
         * @return the relay
         * @throws NullPointerException if the data source or the notifier is missing
         * @throws IllegalArgumentException if maxBackoff is shorter than initialBackoff
         */
        public OutboxRelay build() {
            Objects.requireNonNull(dataSource, "dataSource");
            Objects.requireNonNull(notifier, "notifier");
            if (maxBackoff.compareTo(initialBackoff) < 0) {
                throw new IllegalArgumentException("maxBackoff must not be shorter than initialBackoff ("
                        + initialBackoff + "), was " + maxBackoff);
            }
            return new OutboxRelay(new Config(dataSource, notifier, clock, batchSize, maxAttempts, initialBackoff,
                    maxBackoff, deliveryTimeout, deliveryExecutor));
        }

        private static Duration positive(String name, Duration v) {
            return Settings.positiveAtMost(name, v, LIMIT_BACKOFF);
        }
    }
}
