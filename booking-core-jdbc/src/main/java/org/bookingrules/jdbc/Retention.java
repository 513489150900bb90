package org.bookingrules.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import javax.sql.DataSource;
import org.bookingrules.internal.schedule.Schedules;
import org.bookingrules.internal.settings.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the rows the JDBC adapter no longer needs, in small batches, so that a database that
 * keeps every booking forever does not also keep every notification and request key forever.
 * Bookings and their history ({@code br_booking}, {@code br_booking_event}) are never touched.
 * Immutable and thread-safe; build one with {@link #builder()}, call {@link #runOnce()} or
 * schedule it with {@link #runEvery(Duration, ScheduledExecutorService)}.
 *
 * <p><b>What it deletes.</b>
 * <ul>
 *   <li><b>Delivered notifications</b>: rows of {@code br_outbox} with status {@code SENT} whose
 *       {@code delivered_at} is older than {@link Builder#deliveredOutboxAge(Duration)} (default 30
 *       days). {@code PENDING} and {@code PARKED} rows are never deleted, however old: they are
 *       work still to do, or to look at.</li>
 *   <li><b>Idempotency keys</b>: rows of {@code br_idempotency_key} stored longer ago than
 *       {@link Builder#idempotencyKeyAge(Duration)} (default 24 hours). Keep it at least the
 *       facade's {@code BookingRulesBuilder.idempotencyKeyTtl}: a key deleted sooner no longer
 *       answers a repeat, which then books again.</li>
 *   <li><b>Link guards of finished bookings</b>: a row of {@code br_link_guard} holds the
 *       generation that revokes a booking's self-service links, so deleting it (generation back to
 *       0) must not bring a revoked link back to life. It is deleted only when its booking's row
 *       exists in {@code br_booking}, the booking is no longer active (neither {@code PENDING}
 *       nor {@code CONFIRMED}), both its slot's end and its last change ({@code updated_at}) are
 *       older than {@link Builder#linkGuardAge(Duration)} (default 30 days), and no lockout is
 *       running on it. A manage link expires at the booking's end plus its validity (7 days by
 *       default, {@code ManageLinks.DEFAULT_VALIDITY_AFTER_END}) and a grant at most 24 hours after
 *       it was issued, so with the age above both, every link that row could revoke has expired.
 *       Keep the age above your links' validity plus the grant validity, and above any expiry you
 *       give {@code ManageLinks.issue} yourself, or that of a link sent before the booking moved
 *       to an earlier slot. A guard row whose booking is not in {@code br_booking} is kept: the
 *       guard store may serve bookings kept elsewhere. Should a staff member revive a finished
 *       booking while its row is being deleted, the links sent then fail as revoked (never the
 *       other way round).</li>
 * </ul>
 *
 * <p><b>How.</b> {@link #runOnce()} computes its cut-offs once, from the clock, then deletes kind
 * after kind in batches of at most {@link Builder#batchSize(int) batchSize} rows. Each batch is one
 * short transaction (READ COMMITTED): it selects the keys of deletable rows with
 * {@code SELECT ... FOR UPDATE SKIP LOCKED} (PostgreSQL, MariaDB 10.6+ and H2 all support it),
 * deletes those rows by primary key and commits. Rows another transaction holds are skipped, not
 * waited for: the retention job never waits on a relay pass, a booking or another node's
 * retention, so several nodes may run it at once (each deletes what the others did not take).
 * Only the rows being deleted are locked (on PostgreSQL the link guard query locks no booking row;
 * MariaDB and H2 read the booking rows of the subquery without locking them). A batch that meets
 * a deadlock or serialization failure is run again a few times.
 *
 * <p>Each delete finds old rows through an index the schema ships: {@code br_outbox_sent_ix}
 * (delivered rows by {@code delivered_at}) and {@code br_idempotency_key_created_ix}.
 *
 * <p>Logs carry counts only. The dialect is detected from the first connection's metadata and
 * logged once.
 */
public final class Retention {

    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);

    /** Default age after which a delivered notification is deleted: 30 days. */
    public static final Duration DEFAULT_DELIVERED_OUTBOX_AGE = Duration.ofDays(30);
    /** Default age after which an idempotency key is deleted: 24 hours. */
    public static final Duration DEFAULT_IDEMPOTENCY_KEY_AGE = Duration.ofHours(24);
    /** Default age of a finished booking (its slot's end and last change) after which its link guard is deleted: 30 days. */
    public static final Duration DEFAULT_LINK_GUARD_AGE = Duration.ofDays(30);
    /** Longest allowed age of any kind: 3650 days. */
    public static final Duration MAX_AGE = Duration.ofDays(3650);
    /** Default number of rows deleted per batch (one transaction): 500. */
    public static final int DEFAULT_BATCH_SIZE = 500;
    /** Largest allowed batch size: 10000. */
    public static final int MAX_BATCH_SIZE = 10_000;


    /** The settings the job was built with, as the builder checked them. */
    private record Config(DataSource dataSource, Clock clock, Duration deliveredOutboxAge,
                          Duration idempotencyKeyAge, Duration linkGuardAge, int batchSize) {
    }

    private final Config config;

    /** Detected on the first connection; a race detects it twice, harmlessly, with the same result. */
    private volatile JdbcDialect dialect;

    private Retention(Config config) {
        this.config = config;
    }

    /**
     * A builder. {@link Builder#dataSource} is required; every other setting has a default.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding this job's settings, to derive another job from it.
     *
     * @return a new builder with every setting of this job
     */
    public Builder toBuilder() {
        return new Builder()
                .dataSource(config.dataSource())
                .clock(config.clock())
                .deliveredOutboxAge(config.deliveredOutboxAge())
                .idempotencyKeyAge(config.idempotencyKeyAge())
                .linkGuardAge(config.linkGuardAge())
                .batchSize(config.batchSize());
    }

    /**
     * One run: deletes every row that is deletable at the clock's instant, batch after batch,
     * each batch in its own transaction; rows other transactions hold are left for a later run.
     * If the calling thread is interrupted, the run stops after the batch in progress and returns
     * what it deleted so far, with the thread's interrupt flag still set.
     *
     * @return how many rows of each kind it deleted
     * @throws BookingStorageException if the database fails; the batches committed before stay
     *     deleted
     * @throws IllegalArgumentException if the database is not supported
     */
    public Deleted runOnce() {
        Instant now = config.clock().instant().truncatedTo(ChronoUnit.MICROS);
        int sent = drain(Kind.SENT_NOTIFICATION, now);
        int keys = drain(Kind.IDEMPOTENCY_KEY, now);
        int guards = drain(Kind.LINK_GUARD, now);
        Deleted deleted = new Deleted(sent, keys, guards);
        if (deleted.total() > 0) {
            LOG.info("retention: deleted {} delivered notifications, {} idempotency keys, {} link guards", sent, keys,
                    guards);
        } else {
            LOG.debug("retention: nothing to delete");
        }
        return deleted;
    }

    /**
     * Runs {@link #runOnce()} on the caller's executor every {@code period} (the delay counts from
     * the end of one run to the start of the next, so runs never overlap). A failing run is logged
     * (exception class name only) and the schedule goes on. The caller owns the executor: cancel
     * the returned future, or shut the executor down, to stop.
     *
     * @param period the delay between runs, positive, not null
     * @param executor where to run, not null; not shut down by the job
     * @return the scheduled task, for cancelling
     * @throws IllegalArgumentException if the period is not positive
     * @throws java.util.concurrent.RejectedExecutionException if the executor refuses the task
     */
    public ScheduledFuture<?> runEvery(Duration period, ScheduledExecutorService executor) {
        return Schedules.everyQuietly(this::runOnce, period, executor, LOG, "retention run");
    }

    /**
     * How many rows one {@link #runOnce()} deleted, per kind. Immutable.
     *
     * @param sentNotifications delivered outbox rows, 0 or more
     * @param idempotencyKeys idempotency keys, 0 or more
     * @param linkGuards link guard rows, 0 or more
     */
    public record Deleted(int sentNotifications, int idempotencyKeys, int linkGuards) {

        /**
         * Checks the counts.
         *
         * @param sentNotifications delivered outbox rows, 0 or more
         * @param idempotencyKeys idempotency keys, 0 or more
         * @param linkGuards link guard rows, 0 or more
         * @throws IllegalArgumentException if a count is negative
         */
        public Deleted {
            if (sentNotifications < 0 || idempotencyKeys < 0 || linkGuards < 0) {
                throw new IllegalArgumentException("counts must not be negative, were " + sentNotifications + ", "
                        + idempotencyKeys + ", " + linkGuards);
            }
        }

        /** @return the rows deleted, all kinds together */
        public int total() {
            return sentNotifications + idempotencyKeys + linkGuards;
        }
    }

    // -------------------------------------------------------------------------------- internals

    /** What a batch deletes. */
    private enum Kind {
        SENT_NOTIFICATION, IDEMPOTENCY_KEY, LINK_GUARD
    }

    /** One committed batch: how many keys it selected (and locked), how many rows it deleted. */
    private record Batch(int selected, int deleted) {
    }

    /** Deletes batches of one kind until a batch finds fewer rows than the batch size. */
    private int drain(Kind kind, Instant now) {
        int deleted = 0;
        while (!Thread.currentThread().isInterrupted()) {
            Batch batch = batch(kind, now);
            deleted += batch.deleted();
            if (batch.selected() < config.batchSize()) {
                break;
            }
        }
        return deleted;
    }

    private Batch batch(Kind kind, Instant now) {
        String job = "retention (" + kind + ")";
        return OwnTransactions.run(config.dataSource(), c -> dialectOf(c).sql(), LOG, job, (c, sql) -> {
            List<String[]> keys = select(c, sql, kind, now);
            return new Batch(keys.size(), keys.isEmpty() ? 0 : delete(c, sql, kind, keys));
        }, e -> JdbcBookingRepository.fault(job, e));
    }

    private JdbcDialect dialectOf(Connection c) throws SQLException {
        JdbcDialect known = dialect;
        if (known == null) {
            known = JdbcDialect.detect(c);
            dialect = known;
            LOG.info("retention on {}", known);
        }
        return known;
    }

    /** The keys of up to a batch of deletable rows, locked for this transaction. */
    private List<String[]> select(Connection c, Sql sql, Kind kind, Instant now) throws SQLException {
        String query;
        switch (kind) {
            case SENT_NOTIFICATION -> query = sql.retentionSentOutbox();
            case IDEMPOTENCY_KEY -> query = sql.retentionIdempotencyKeys();
            default -> query = sql.retentionLinkGuards();
        }
        List<String[]> keys = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(query)) {
            int next = 1;
            switch (kind) {
                case SENT_NOTIFICATION -> sql.bindInstant(s, next++, now.minus(config.deliveredOutboxAge()));
                case IDEMPOTENCY_KEY -> sql.bindInstant(s, next++, now.minus(config.idempotencyKeyAge()));
                default -> {
                    Instant before = now.minus(config.linkGuardAge());
                    sql.bindInstant(s, next++, now);
                    sql.bindInstant(s, next++, before);
                    sql.bindInstant(s, next++, before);
                }
            }
            s.setInt(next, config.batchSize());
            try (ResultSet rows = s.executeQuery()) {
                while (rows.next()) {
                    keys.add(new String[] {rows.getString(1), rows.getString(2)});
                }
            }
        }
        return keys;
    }

    /** Deletes the locked rows by primary key. */
    private static int delete(Connection c, Sql sql, Kind kind, List<String[]> keys) throws SQLException {
        String statement = switch (kind) {
            case SENT_NOTIFICATION -> sql.retentionDeleteOutbox;
            case IDEMPOTENCY_KEY -> sql.retentionDeleteIdempotencyKey;
            case LINK_GUARD -> sql.retentionDeleteLinkGuard;
        };
        try (PreparedStatement s = c.prepareStatement(statement)) {
            for (String[] key : keys) {
                s.setString(1, key[0]);
                s.setString(2, key[1]);
                s.addBatch();
            }
            int deleted = 0;
            for (int count : s.executeBatch()) {
                // A driver that sends the batch in bulk may not report per row; the row was locked, so it went.
                deleted += count == Statement.SUCCESS_NO_INFO ? 1 : Math.max(count, 0);
            }
            return deleted;
        }
    }

    /**
     * Builds a {@link Retention} job. A bad value fails at once, naming the setting and the value.
     * Not thread-safe; the built job is.
     */
    public static final class Builder {
        private DataSource dataSource;
        private Clock clock = Clock.systemUTC();
        private Duration deliveredOutboxAge = DEFAULT_DELIVERED_OUTBOX_AGE;
        private Duration idempotencyKeyAge = DEFAULT_IDEMPOTENCY_KEY_AGE;
        private Duration linkGuardAge = DEFAULT_LINK_GUARD_AGE;
        private int batchSize = DEFAULT_BATCH_SIZE;

        private Builder() {
        }

        /**
         * Where the tables are (required). The job runs its own short transactions on it.
         *
         * @param v the data source, not null; the schema must exist ({@link JdbcSchema})
         * @return this builder
         */
        public Builder dataSource(DataSource v) {
            dataSource = Objects.requireNonNull(v, "dataSource");
            return this;
        }

        /**
         * The clock the ages are counted back from. Default {@link Clock#systemUTC()}.
         *
         * @param v the clock, not null
         * @return this builder
         */
        public Builder clock(Clock v) {
            clock = Objects.requireNonNull(v, "clock");
            return this;
        }

        /**
         * How long a delivered notification is kept after its delivery. Default 30 days.
         *
         * @param v positive, at most {@link Retention#MAX_AGE}, not null
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder deliveredOutboxAge(Duration v) {
            deliveredOutboxAge = age("deliveredOutboxAge", v);
            return this;
        }

        /**
         * How long an idempotency key is kept after it was stored. Default 24 hours. Keep it at
         * least the facade's idempotency key time to live, or repeats book again sooner.
         *
         * @param v positive, at most {@link Retention#MAX_AGE}, not null
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder idempotencyKeyAge(Duration v) {
            idempotencyKeyAge = age("idempotencyKeyAge", v);
            return this;
        }

        /**
         * How long after a finished booking's slot ended, and after its last change, its link
         * guard is kept. Default 30 days. Keep it above the longest life of a link to the booking
         * (its manage link's validity after the end plus the grant validity, by default 7 days and
         * 15 minutes).
         *
         * @param v positive, at most {@link Retention#MAX_AGE}, not null
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder linkGuardAge(Duration v) {
            linkGuardAge = age("linkGuardAge", v);
            return this;
        }

        /**
         * How many rows one batch (one transaction) deletes at most. Default
         * {@value Retention#DEFAULT_BATCH_SIZE}.
         *
         * @param v from 1 to {@value Retention#MAX_BATCH_SIZE}
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
         * Builds the job. It does not connect yet; the first {@link Retention#runOnce()} does.
         *
         * @return the job
         * @throws NullPointerException if the data source is missing
         */
        public Retention build() {
            Objects.requireNonNull(dataSource, "dataSource");
            return new Retention(new Config(dataSource, clock, deliveredOutboxAge, idempotencyKeyAge, linkGuardAge,
                    batchSize));
        }

        private static Duration age(String name, Duration v) {
            return Settings.positiveAtMost(name, v, MAX_AGE);
        }
    }
}
