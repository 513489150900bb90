package org.bookingrules.examples.bench;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;
import org.bookingrules.BookRequest;
import org.bookingrules.BookingRef;
import org.bookingrules.BookingRules;
import org.bookingrules.ChangeRequest;
import org.bookingrules.Outcome;
import org.bookingrules.jdbc.JdbcBookingRepository;
import org.bookingrules.model.Actor;
import org.bookingrules.model.CustomerDetails;

/**
 * The engine of the load benchmark: the library's {@code book} and {@code cancel} (through
 * {@link BookingRules} on a {@link JdbcBookingRepository}) and the same transactions by hand
 * ({@link RawBookings}), on one database, with a fixed number of client threads, alternated in one run.
 *
 * <p>A <em>round</em> of one side is a book phase ({@code opsPerRound} bookings, split evenly over the
 * threads, each on its own slot) followed by a cancel phase (each thread cancels, as the customer, the
 * bookings it made). A phase's time runs from the moment all threads are released until the last one
 * finishes; each operation's latency goes into an HdrHistogram. After warm-up rounds of both sides (not
 * counted), the measured rounds alternate library and raw in ABBA order (library, raw, raw, library, ...)
 * so a drift of the machine (another build, a growing table) weighs on both alike; on PostgreSQL the
 * tables are vacuumed and analyzed between round pairs, outside the timed phases. Every
 * operation must succeed: a refusal, a lost race or an exception is counted as a failure and reported.
 *
 * <p>Not thread-safe: one run at a time.
 */
public final class LoadHarness {

    /** Who runs the transactions. */
    public enum Side {
        /** The library: {@code BookingRules} and {@code JdbcBookingRepository}. */
        LIBRARY,
        /** The hand-written JDBC of {@link RawBookings}. */
        RAW
    }

    /** What is measured. */
    public enum Operation {
        /** A new booking. */
        BOOK,
        /** A customer's cancellation. */
        CANCEL
    }

    /**
     * How much to run.
     *
     * @param threads client threads, 1 or more
     * @param opsPerRound operations per phase of one round (rounded down to a multiple of threads), at least
     *     {@code threads}
     * @param rounds measured rounds per side, 1 or more
     * @param warmupRounds rounds per side run first and not counted, 0 or more
     */
    public record Settings(int threads, int opsPerRound, int rounds, int warmupRounds) {
        /**
         * Checks the values.
         *
         * @param threads client threads
         * @param opsPerRound operations per phase
         * @param rounds measured rounds per side
         * @param warmupRounds warm-up rounds per side
         */
        public Settings {
            if (threads < 1 || opsPerRound < threads || rounds < 1 || warmupRounds < 0) {
                throw new IllegalArgumentException("bad settings: threads " + threads + ", opsPerRound " + opsPerRound
                        + ", rounds " + rounds + ", warmupRounds " + warmupRounds);
            }
        }

        /** @return operations each thread runs per phase */
        public int opsPerThread() {
            return opsPerRound / threads;
        }
    }

    /**
     * The figures of one side and operation over all measured rounds.
     *
     * @param side who ran it
     * @param operation what
     * @param ops operations that succeeded
     * @param nanos the summed time of the measured phases
     * @param latency the latency of every operation, in nanoseconds
     * @param roundThroughputs the operations per second of each measured round, in order
     */
    public record Figures(Side side, Operation operation, long ops, long nanos, Histogram latency,
                          List<Double> roundThroughputs) {
        /** @return operations per second */
        public double throughput() {
            return nanos == 0 ? 0 : ops * 1e9 / nanos;
        }

        /** @return the median latency in milliseconds */
        public double p50Millis() {
            return latency.getValueAtPercentile(50) / 1e6;
        }

        /** @return the 99th percentile latency in milliseconds */
        public double p99Millis() {
            return latency.getValueAtPercentile(99) / 1e6;
        }
    }

    /**
     * The outcome of a run.
     *
     * @param database the database's name
     * @param settings what was run
     * @param figures per side and operation
     * @param failures operations that did not succeed (must be 0)
     * @param firstFailure what the first failure was, or null
     * @param bookingsWritten slots taken in the whole run, warm-up included (each booked once)
     */
    public record Result(String database, Settings settings, Map<Side, Map<Operation, Figures>> figures,
                         long failures, String firstFailure, long bookingsWritten) {
        /**
         * @param side the side
         * @param operation the operation
         * @return its figures
         */
        public Figures of(Side side, Operation operation) {
            return figures.get(side).get(operation);
        }

        /**
         * The library's throughput as a share of the hand-written one.
         *
         * @param operation the operation
         * @return library / raw
         */
        public double ratio(Operation operation) {
            return of(Side.LIBRARY, operation).throughput() / of(Side.RAW, operation).throughput();
        }

        /**
         * The median over the measured rounds of the library's throughput in a round divided by the raw
         * one in the same round pair: a check on {@link #ratio} that one disturbed round cannot move much.
         *
         * @param operation the operation
         * @return the median of the per-round ratios
         */
        public double medianRoundRatio(Operation operation) {
            List<Double> lib = of(Side.LIBRARY, operation).roundThroughputs();
            List<Double> raw = of(Side.RAW, operation).roundThroughputs();
            double[] ratios = new double[Math.min(lib.size(), raw.size())];
            for (int i = 0; i < ratios.length; i++) {
                ratios[i] = lib.get(i) / raw.get(i);
            }
            java.util.Arrays.sort(ratios);
            int n = ratios.length;
            return n == 0 ? Double.NaN : n % 2 == 1 ? ratios[n / 2] : (ratios[n / 2 - 1] + ratios[n / 2]) / 2;
        }
    }

    /**
     * What one side's operations sent to the database, on average.
     *
     * @param side who ran them
     * @param operation what
     * @param ops how many were run
     * @param calls each kind of call (statement, commit, isolation level) and how often it was made
     */
    public record Profile(Side side, Operation operation, int ops, Map<String, Long> calls) {
        /** @return database calls per operation */
        public double callsPerOp() {
            return calls.values().stream().mapToLong(Long::longValue).sum() / (double) ops;
        }
    }

    private static final String REASON = "cannot come";

    private final BenchDatabase database;
    private final BookingRules rules;
    private final RawBookings raw;
    private final AtomicLong failures = new AtomicLong();
    private final AtomicReference<String> firstFailure = new AtomicReference<>();

    /**
     * A harness over a database whose schema is created and empty.
     *
     * @param database the database, not null
     */
    public LoadHarness(BenchDatabase database) {
        this.database = Objects.requireNonNull(database, "database");
        this.rules = BookingRules.builder().repository(JdbcBookingRepository.create(database.dataSource())).build();
        this.raw = new RawBookings(database.dataSource());
    }

    /**
     * Runs warm-up and measured rounds of both sides.
     *
     * @param settings what to run, not null
     * @return the figures
     * @throws SQLException if the lock rows cannot be created
     * @throws InterruptedException if interrupted while waiting for the threads
     */
    public Result run(Settings settings) throws SQLException, InterruptedException {
        return run(settings, EnumSet.allOf(Side.class));
    }

    /**
     * Runs warm-up and measured rounds of some sides only: both (as {@link #run(Settings)}), or one, for
     * a benchmark that follows one side under changing conditions. The result holds figures of those
     * sides only, so {@link Result#ratio} needs both.
     *
     * @param settings what to run, not null
     * @param sides which sides to run, not empty
     * @return the figures
     * @throws SQLException if the lock rows cannot be created
     * @throws InterruptedException if interrupted while waiting for the threads
     */
    public Result run(Settings settings, Set<Side> sides) throws SQLException, InterruptedException {
        if (sides.isEmpty()) {
            throw new IllegalArgumentException("no side to run");
        }
        List<Side> order = List.copyOf(EnumSet.copyOf(sides));
        List<Side> reversed = new ArrayList<>(order);
        Collections.reverse(reversed);
        Workload workload = new Workload(Instant.now());
        RawBookings.createLockRows(database, Workload.TENANT, workload.resources());
        failures.set(0);
        firstFailure.set(null);
        Map<Side, Map<Operation, Tally>> tallies = new EnumMap<>(Side.class);
        for (Side side : order) {
            Map<Operation, Tally> byOp = new EnumMap<>(Operation.class);
            for (Operation op : Operation.values()) {
                byOp.put(op, new Tally());
            }
            tallies.put(side, byOp);
        }
        ExecutorService threads = Executors.newFixedThreadPool(settings.threads());
        try {
            for (int i = 0; i < settings.warmupRounds(); i++) {
                for (Side side : order) {
                    round(side, settings, workload, threads, null);
                }
                housekeeping();
            }
            for (int i = 0; i < settings.rounds(); i++) {
                if (i % 2 == 0) {
                    housekeeping();
                }
                // ABBA: library, raw, raw, library, library, raw, ...
                for (Side side : i % 2 == 0 ? order : reversed) {
                    round(side, settings, workload, threads, tallies.get(side));
                }
            }
        } finally {
            threads.shutdownNow();
        }
        Map<Side, Map<Operation, Figures>> figures = new EnumMap<>(Side.class);
        tallies.forEach((side, byOp) -> {
            Map<Operation, Figures> f = new EnumMap<>(Operation.class);
            byOp.forEach((op, t) -> f.put(op, new Figures(side, op, t.ops, t.nanos, t.latency,
                    List.copyOf(t.rounds))));
            figures.put(side, f);
        });
        return new Result(database.kind().label(), settings, figures, failures.get(), firstFailure.get(),
                workload.taken());
    }

    /**
     * Counts, on one thread, what each side's book and cancel send to the database.
     *
     * @param ops operations per side and kind, 1 or more
     * @return one profile per side and operation
     * @throws SQLException if the lock rows cannot be created
     */
    public List<Profile> profile(int ops) throws SQLException {
        Workload workload = new Workload(Instant.now().plus(java.time.Duration.ofDays(3650)));
        RawBookings.createLockRows(database, Workload.TENANT, workload.resources());
        CallCounter calls = new CallCounter();
        List<Profile> profiles = new ArrayList<>();
        for (Side side : Side.values()) {
            List<Booked> booked = new ArrayList<>();
            database.countCalls(calls);
            try {
                calls.reset();
                for (int i = 0; i < ops; i++) {
                    long slot = workload.nextSlot();
                    CustomerDetails customer = workload.customer(slot);
                    String id = book(side, workload, slot, customer);
                    if (id != null) {
                        booked.add(new Booked(id, customer.id()));
                    }
                }
                profiles.add(new Profile(side, Operation.BOOK, ops, calls.snapshot()));
                calls.reset();
                for (Booked b : booked) {
                    cancel(side, b);
                }
                profiles.add(new Profile(side, Operation.CANCEL, ops, calls.snapshot()));
            } finally {
                database.countCalls(null);
            }
        }
        return profiles;
    }

    /**
     * On PostgreSQL, {@code VACUUM ANALYZE} of the tables the rounds write, between round pairs and never
     * inside a timed phase: what autovacuum does on a production server (it is off on the test server
     * here). Without it every cancel leaves a dead row version that each later overlap check and
     * lookup wades through, and the planner has no statistics; both sides would slow down alike, but
     * the figures would say more about a never-vacuumed table than about the library.
     */
    private void housekeeping() {
        if (database.kind() == BenchDatabase.Kind.POSTGRESQL) {
            for (String table : List.of("br_booking", "br_booking_event", "br_outbox", "br_resource_lock")) {
                database.execute("VACUUM ANALYZE " + table);
            }
        }
    }

    /** One side's book phase, then its cancel phase; tallies null for a warm-up round. */
    private void round(Side side, Settings settings, Workload workload, ExecutorService threads,
                       Map<Operation, Tally> tallies) throws InterruptedException {
        int n = settings.threads();
        List<List<Booked>> booked = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            booked.add(new ArrayList<>(settings.opsPerThread()));
        }
        phase(threads, n, tallies == null ? null : tallies.get(Operation.BOOK), thread -> {
            Histogram h = newHistogram();
            for (int k = 0; k < settings.opsPerThread(); k++) {
                long slot = workload.nextSlot();
                CustomerDetails customer = workload.customer(slot);
                long t0 = System.nanoTime();
                String id = book(side, workload, slot, customer);
                long t1 = System.nanoTime();
                if (id != null) {
                    booked.get(thread).add(new Booked(id, customer.id()));
                    h.recordValue(t1 - t0);
                }
            }
            return h;
        });
        phase(threads, n, tallies == null ? null : tallies.get(Operation.CANCEL), thread -> {
            Histogram h = newHistogram();
            for (Booked b : booked.get(thread)) {
                long t0 = System.nanoTime();
                boolean cancelled = cancel(side, b);
                long t1 = System.nanoTime();
                if (cancelled) {
                    h.recordValue(t1 - t0);
                }
            }
            return h;
        });
    }

    /** A booking made in a round, and the customer who cancels it. */
    private record Booked(String id, String customerId) {
    }

    private String book(Side side, Workload workload, long slot, CustomerDetails customer) {
        try {
            if (side == Side.LIBRARY) {
                Outcome outcome = rules.book(Actor.customer(customer.id()), BookRequest.of(Workload.TENANT,
                        workload.resource(slot), Workload.SERVICE, customer, workload.start(slot), workload.end(slot),
                        Workload.ZONE));
                if (outcome instanceof Outcome.Done done) {
                    return done.booking().id();
                }
                fail("library book refused: " + outcome);
                return null;
            }
            String id = raw.book(Workload.TENANT, workload.resource(slot), customer, workload.start(slot),
                    workload.end(slot), Workload.ZONE.getId());
            if (id == null) {
                fail("raw book found its slot taken");
            }
            return id;
        } catch (SQLException | RuntimeException e) {
            fail(side + " book threw " + e);
            return null;
        }
    }

    private boolean cancel(Side side, Booked booked) {
        String bookingId = booked.id();
        try {
            if (side == Side.LIBRARY) {
                Outcome outcome = rules.cancel(Actor.customer(booked.customerId()), BookingRef.of(Workload.TENANT,
                        bookingId), ChangeRequest.because(REASON));
                if (outcome instanceof Outcome.Done done && done.changed()) {
                    return true;
                }
                fail("library cancel not done: " + outcome);
                return false;
            }
            if (raw.cancel(Workload.TENANT, bookingId, REASON)) {
                return true;
            }
            fail("raw cancel did not cancel " + bookingId);
            return false;
        } catch (SQLException | RuntimeException e) {
            fail(side + " cancel threw " + e);
            return false;
        }
    }

    private void fail(String what) {
        failures.incrementAndGet();
        firstFailure.compareAndSet(null, what);
    }

    @FunctionalInterface
    private interface ThreadWork {
        Histogram run(int thread) throws Exception;
    }

    /** Runs one phase on every thread, released together; adds its time and latencies to the tally. */
    private static void phase(ExecutorService threads, int n, Tally tally, ThreadWork work) throws InterruptedException {
        CountDownLatch ready = new CountDownLatch(n);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Histogram>> futures = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            int thread = t;
            futures.add(threads.submit(() -> {
                ready.countDown();
                go.await();
                return work.run(thread);
            }));
        }
        ready.await();
        long start = System.nanoTime();
        go.countDown();
        Histogram merged = newHistogram();
        for (Future<Histogram> f : futures) {
            try {
                merged.add(f.get());
            } catch (ExecutionException e) {
                throw new IllegalStateException("a benchmark thread failed", e.getCause());
            }
        }
        long nanos = System.nanoTime() - start;
        if (tally != null) {
            tally.ops += merged.getTotalCount();
            tally.nanos += nanos;
            tally.latency.add(merged);
            tally.rounds.add(merged.getTotalCount() * 1e9 / nanos);
        }
    }

    private static Histogram newHistogram() {
        // Up to 60 s, 3 significant digits.
        return new Histogram(60_000_000_000L, 3);
    }

    /** Sums of one side and operation. */
    private static final class Tally {
        long ops;
        long nanos;
        final Histogram latency = newHistogram();
        final List<Double> rounds = new ArrayList<>();
    }
}
