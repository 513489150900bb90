package org.bookingrules.examples.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.bookingrules.BookRequest;
import org.bookingrules.BookingRef;
import org.bookingrules.BookingRules;
import org.bookingrules.ChangeRequest;
import org.bookingrules.Outcome;
import org.bookingrules.jdbc.JdbcBookingRepository;
import org.bookingrules.model.Actor;
import org.bookingrules.model.CustomerDetails;

/**
 * What a book and a cancel cost in CPU, beside the load benchmark's throughput: its two sides (the
 * library through {@link BookingRules} on a {@link JdbcBookingRepository}, and {@link RawBookings}) on
 * one thread, with, around each phase, the CPU time of that thread and the bytes it allocated
 * ({@link com.sun.management.ThreadMXBean}) and, on PostgreSQL, the CPU time of the server processes
 * serving the benchmark's connections (from {@code /proc}, so the server must run on this machine;
 * found by the connections' {@code ApplicationName}). On PostgreSQL the thread's CPU is the client's
 * work alone (the library or the hand-written code, and the driver); on H2 in memory it also holds the
 * database's work, which both sides share. Phases alternate in ABBA order as in {@link LoadHarness};
 * each figure is the median over the measured rounds, the least disturbed by the machine's other load.
 * The allocations are collected by the garbage collector on other threads, which this CPU time does
 * not count.
 *
 * <pre>
 * mvn -B -q -pl booking-examples -am test-compile exec:java \
 *     -Dexec.mainClass=org.bookingrules.examples.bench.ClientCostBenchmark \
 *     -Dexec.args="--db=postgres,h2 --ops=500 --rounds=20 --warmup=10"
 * </pre>
 *
 * Arguments (all optional): {@code --db} (postgres, h2; default both), {@code --ops} operations per phase
 * (default 500), {@code --rounds} measured rounds per side (default 20), {@code --warmup} rounds per side
 * first, not counted (default 10), {@code --postgres-url} (as {@link LoadBenchmark}). PostgreSQL runs in
 * its own schema, {@code br_bench_cpu}, dropped and created afresh. Not thread-safe; a main only.
 */
public final class ClientCostBenchmark {

    private static final String REASON = "cannot come";
    private static final String APPLICATION = "br_bench_cpu";
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    /** Clock ticks per second of {@code /proc/PID/stat}: 100 on Linux. */
    private static final double TICKS_PER_SECOND = 100;

    private static final int LIBRARY = 0;
    private static final int RAW = 1;
    private static final int BOOK = 0;
    private static final int CANCEL = 1;
    /** What is measured per phase: client CPU, wall time, bytes allocated, server CPU, WAL bytes written. */
    private static final int CPU = 0;
    private static final int WALL = 1;
    private static final int BYTES = 2;
    private static final int SERVER = 3;
    private static final int WAL = 4;
    private static final int MEASURES = 5;

    private ClientCostBenchmark() {
    }

    /**
     * Runs the measurement.
     *
     * @param args see the class comment
     * @throws Exception if a database cannot be reached or an operation fails
     */
    public static void main(String[] args) throws Exception {
        BenchArgs a = BenchArgs.parse(args, Set.of("db", "ops", "rounds", "warmup", "postgres-url"));
        List<BenchDatabase.Kind> kinds = a.list("db", "postgres,h2").stream().map(BenchDatabase.Kind::parse).toList();
        int ops = a.integer("ops", 500);
        int rounds = a.integer("rounds", 20);
        int warmup = a.integer("warmup", 10);
        String url = BenchDatabase.postgresUrl(a.text("postgres-url", null));
        System.out.println("# CPU per operation, one thread; " + String.join(" ", args));
        System.out.println("| database | operation | client CPU µs/op, library / raw | library − raw "
                + "| server CPU µs/op, library / raw | wall µs/op, library / raw | allocated KB/op, library / raw "
                + "| WAL bytes/op, library / raw |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|---:|");
        for (BenchDatabase.Kind kind : kinds) {
            try (BenchDatabase db = kind == BenchDatabase.Kind.POSTGRESQL
                    ? BenchDatabase.postgres(url + (url.contains("?") ? "&" : "?") + "ApplicationName=" + APPLICATION,
                            4, BenchDatabase.NAMESPACE + "_cpu")
                    : BenchDatabase.open(kind, url, 4)) {
                measure(db, url, ops, rounds, warmup);
            }
        }
    }

    private static void measure(BenchDatabase db, String url, int ops, int rounds, int warmup) throws SQLException {
        boolean server = db.kind() == BenchDatabase.Kind.POSTGRESQL;
        // The server processes are looked up on a connection of their own, outside the pool.
        try (Connection monitor = server ? BenchDatabase.pgDataSource(url).getConnection() : null) {
            measure(db, monitor, ops, rounds, warmup);
        }
    }

    private static void measure(BenchDatabase db, Connection monitor, int ops, int rounds, int warmup)
            throws SQLException {
        Workload workload = new Workload(Instant.now());
        RawBookings.createLockRows(db, Workload.TENANT, workload.resources());
        BookingRules rules = BookingRules.builder().repository(JdbcBookingRepository.create(db.dataSource())).build();
        RawBookings raw = new RawBookings(db.dataSource());
        boolean server = monitor != null;
        // [side][operation][measure][round], per operation.
        double[][][][] figures = new double[2][2][MEASURES][rounds];
        for (int i = -warmup; i < rounds; i++) {
            for (int side : (i & 1) == 0 ? new int[] {LIBRARY, RAW} : new int[] {RAW, LIBRARY}) {
                List<String[]> booked = new ArrayList<>(ops);
                double[] start = sample(monitor);
                for (int k = 0; k < ops; k++) {
                    long slot = workload.nextSlot();
                    CustomerDetails customer = workload.customer(slot);
                    booked.add(new String[] {book(side, rules, raw, workload, slot, customer), customer.id()});
                }
                double[] booking = sample(monitor);
                for (String[] b : booked) {
                    cancel(side, rules, raw, b[0], b[1]);
                }
                double[] end = sample(monitor);
                if (i >= 0) {
                    for (int m = 0; m < MEASURES; m++) {
                        figures[side][BOOK][m][i] = (booking[m] - start[m]) / ops;
                        figures[side][CANCEL][m][i] = (end[m] - booking[m]) / ops;
                    }
                }
            }
            if (server && (i & 1) == 1) {
                for (String table : List.of("br_booking", "br_booking_event", "br_outbox", "br_resource_lock")) {
                    db.execute("VACUUM ANALYZE " + table);
                }
            }
        }
        String[] operations = {"book", "cancel"};
        for (int op = BOOK; op <= CANCEL; op++) {
            double[][] lib = figures[LIBRARY][op];
            double[][] hand = figures[RAW][op];
            System.out.printf(Locale.ROOT, "| %s | %s | %.1f / %.1f | %.1f | %s | %.0f / %.0f | %.1f / %.1f | %s |%n",
                    db.kind().label(), operations[op], median(lib[CPU]) / 1e3, median(hand[CPU]) / 1e3,
                    (median(lib[CPU]) - median(hand[CPU])) / 1e3,
                    server ? String.format(Locale.ROOT, "%.1f / %.1f", median(lib[SERVER]) / 1e3,
                            median(hand[SERVER]) / 1e3) : "(in the client)",
                    median(lib[WALL]) / 1e3, median(hand[WALL]) / 1e3, median(lib[BYTES]) / 1024,
                    median(hand[BYTES]) / 1024, server ? String.format(Locale.ROOT, "%.0f / %.0f", median(lib[WAL]),
                            median(hand[WAL])) : "(in memory)");
        }
    }

    /**
     * Now: this thread's CPU ns, wall ns, bytes allocated, the server processes' CPU ns and the server's
     * write-ahead log position in bytes (both 0 without a server).
     */
    private static double[] sample(Connection monitor) {
        double serverNanos = monitor != null ? serverCpuNanos(monitor) : 0;
        double wal = monitor != null ? walPosition(monitor) : 0;
        long thread = Thread.currentThread().getId();
        return new double[] {THREADS.getCurrentThreadCpuTime(), System.nanoTime(),
                THREADS.getThreadAllocatedBytes(thread), serverNanos, wal};
    }

    /**
     * How many bytes of write-ahead log the server has written since its start: what each commit must
     * flush to disk before it returns, so a side that writes more waits longer at a commit.
     */
    private static double walPosition(Connection monitor) {
        try (PreparedStatement s = monitor.prepareStatement("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')");
             ResultSet r = s.executeQuery()) {
            r.next();
            return r.getDouble(1);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the server's log position", e);
        }
    }

    /** The CPU time (user and system) of the PostgreSQL processes serving this benchmark's connections. */
    private static double serverCpuNanos(Connection monitor) {
        List<Long> pids = new ArrayList<>();
        try (PreparedStatement s = monitor.prepareStatement(
                "SELECT pid FROM pg_stat_activity WHERE application_name = ?")) {
            s.setString(1, APPLICATION);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    pids.add(r.getLong(1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot list the server processes", e);
        }
        long ticks = 0;
        for (long pid : pids) {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
                // Fields after the command name, which is in parentheses: state is field 3, utime 14, stime 15.
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            } catch (IOException | RuntimeException e) {
                throw new IllegalStateException("cannot read the CPU time of server process " + pid
                        + " (is PostgreSQL on this machine?)", e);
            }
        }
        return ticks / TICKS_PER_SECOND * 1e9;
    }

    private static String book(int side, BookingRules rules, RawBookings raw, Workload workload, long slot,
                               CustomerDetails customer) throws SQLException {
        if (side == LIBRARY) {
            Outcome outcome = rules.book(Actor.customer(customer.id()), BookRequest.of(Workload.TENANT,
                    workload.resource(slot), Workload.SERVICE, customer, workload.start(slot), workload.end(slot),
                    Workload.ZONE));
            if (outcome instanceof Outcome.Done done) {
                return done.booking().id();
            }
            throw new IllegalStateException("library book refused: " + outcome);
        }
        String id = raw.book(Workload.TENANT, workload.resource(slot), customer, workload.start(slot),
                workload.end(slot), Workload.ZONE.getId());
        if (id == null) {
            throw new IllegalStateException("raw book found its slot taken");
        }
        return id;
    }

    private static void cancel(int side, BookingRules rules, RawBookings raw, String bookingId, String customerId)
            throws SQLException {
        if (side == LIBRARY) {
            Outcome outcome = rules.cancel(Actor.customer(customerId), BookingRef.of(Workload.TENANT, bookingId),
                    ChangeRequest.because(REASON));
            if (!(outcome instanceof Outcome.Done done && done.changed())) {
                throw new IllegalStateException("library cancel not done: " + outcome);
            }
        } else if (!raw.cancel(Workload.TENANT, bookingId, REASON)) {
            throw new IllegalStateException("raw cancel did not cancel " + bookingId);
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
