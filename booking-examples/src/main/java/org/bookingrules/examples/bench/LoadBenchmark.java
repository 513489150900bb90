package org.bookingrules.examples.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.bookingrules.examples.bench.LoadHarness.Figures;
import org.bookingrules.examples.bench.LoadHarness.Operation;
import org.bookingrules.examples.bench.LoadHarness.Result;
import org.bookingrules.examples.bench.LoadHarness.Settings;
import org.bookingrules.examples.bench.LoadHarness.Side;

/**
 * The load benchmark's main: library against hand-written JDBC, book and cancel, on each database and
 * thread count asked for, each on a fresh schema; prints each run's figures and then one Markdown table
 * for {@code BENCHMARKS.md}.
 *
 * <pre>
 * mvn -B -q -pl booking-examples -am test-compile exec:java \
 *     -Dexec.mainClass=org.bookingrules.examples.bench.LoadBenchmark \
 *     -Dexec.args="--db=postgres,h2 --threads=1,8 --ops=2000 --rounds=10 --warmup=2"
 * </pre>
 *
 * Arguments (all optional): {@code --db} (postgres, h2; default both), {@code --threads} (default 1,8),
 * {@code --ops} operations per phase of a round (default 2000), {@code --rounds} measured rounds per side
 * (default 10), {@code --warmup} warm-up rounds per side (default 2), {@code --pool} connections
 * (default 16), {@code --profile} operations per side counted for the database-call profile, one thread,
 * before the runs (default 200; 0 skips it), {@code --postgres-url} (default {@value BenchDatabase#POSTGRES_URL_VARIABLE}, else
 * {@value BenchDatabase#DEFAULT_POSTGRES_URL}).
 */
public final class LoadBenchmark {

    private LoadBenchmark() {
    }

    /**
     * Runs the benchmark.
     *
     * @param args see the class comment
     * @throws Exception if a database cannot be reached or a run fails
     */
    public static void main(String[] args) throws Exception {
        BenchArgs a = BenchArgs.parse(args, Set.of("db", "threads", "ops", "rounds", "warmup", "pool", "postgres-url",
                "profile"));
        List<BenchDatabase.Kind> kinds = a.list("db", "postgres,h2").stream().map(BenchDatabase.Kind::parse).toList();
        List<Integer> threadCounts = a.list("threads", "1,8").stream().map(Integer::parseInt).toList();
        int ops = a.integer("ops", 2000);
        int rounds = a.integer("rounds", 10);
        int warmup = a.integer("warmup", 2);
        int pool = a.integer("pool", 16);
        String url = a.text("postgres-url", null);
        int profileOps = a.integer("profile", 200);

        System.out.println("# " + Runtime.getRuntime().availableProcessors() + " processors; Java "
                + System.getProperty("java.version") + "; " + String.join(" ", args));
        List<Result> results = new ArrayList<>();
        for (BenchDatabase.Kind kind : kinds) {
            if (profileOps > 0) {
                try (BenchDatabase db = BenchDatabase.open(kind, url, pool)) {
                    System.out.printf(Locale.ROOT, "%n## %s (%s): database calls per operation (%d of each, one thread)%n",
                            kind.label(), db.serverVersion(), profileOps);
                    for (LoadHarness.Profile p : new LoadHarness(db).profile(profileOps)) {
                        System.out.printf(Locale.ROOT, "%-6s %-7s %5.2f calls/op  %s%n", p.operation(), p.side(),
                                p.callsPerOp(), perOp(p));
                    }
                }
            }
            for (int threads : threadCounts) {
                try (BenchDatabase db = BenchDatabase.open(kind, url, pool)) {
                    Settings settings = new Settings(threads, ops, rounds, warmup);
                    System.out.printf(Locale.ROOT, "%n## %s, %d thread(s), %d ops per phase, %d rounds (+%d warm-up), "
                            + "pool %d%n", kind.label(), threads, settings.opsPerThread() * threads, rounds, warmup, pool);
                    Result result = new LoadHarness(db).run(settings);
                    print(result);
                    checkRows(db, result);
                    results.add(result);
                }
            }
        }
        System.out.println();
        System.out.println(markdown(results));
        long failed = results.stream().mapToLong(Result::failures).sum();
        if (failed > 0) {
            throw new IllegalStateException(failed + " operations failed");
        }
    }

    private static String perOp(LoadHarness.Profile p) {
        StringBuilder out = new StringBuilder();
        p.calls().forEach((what, n) -> out.append(out.length() == 0 ? "" : ", ")
                .append(String.format(Locale.ROOT, "%s %.2f", what, n / (double) p.ops())));
        return out.toString();
    }

    private static void print(Result r) {
        for (Operation op : Operation.values()) {
            for (Side side : Side.values()) {
                Figures f = r.of(side, op);
                System.out.printf(Locale.ROOT, "%-6s %-7s %8d ops %9.0f ops/s  p50 %7.3f ms  p99 %7.3f ms%n",
                        op, side, f.ops(), f.throughput(), f.p50Millis(), f.p99Millis());
            }
            System.out.printf(Locale.ROOT, "%-6s ratio library/raw %.3f (median of per-round ratios %.3f)%n", op,
                    r.ratio(op), r.medianRoundRatio(op));
            System.out.printf(Locale.ROOT, "       per round, library %s%n       per round, raw     %s%n",
                    rounds(r.of(Side.LIBRARY, op)), rounds(r.of(Side.RAW, op)));
        }
        if (r.failures() > 0) {
            System.out.println("FAILURES: " + r.failures() + ", first: " + r.firstFailure());
        }
        double shortest = shortestPhaseSeconds(r);
        if (shortest < MIN_PHASE_SECONDS) {
            System.out.printf(Locale.ROOT, "NOTE: a phase took %.2f s on average: one pause of the machine moves a "
                    + "round by much; raise --ops so each phase lasts at least %.2f s%n", shortest, MIN_PHASE_SECONDS);
        }
    }

    /** Shorter phases than this are noise: one garbage collection or scheduling hiccup weighs a whole round. */
    static final double MIN_PHASE_SECONDS = 0.25;

    /** The mean time of one measured phase of the quickest side and operation, in seconds. */
    static double shortestPhaseSeconds(Result r) {
        double shortest = Double.MAX_VALUE;
        for (Side side : Side.values()) {
            for (Operation op : Operation.values()) {
                Figures f = r.of(side, op);
                shortest = Math.min(shortest, f.nanos() / 1e9 / Math.max(1, f.roundThroughputs().size()));
            }
        }
        return shortest;
    }

    private static String rounds(Figures f) {
        StringBuilder out = new StringBuilder();
        for (double t : f.roundThroughputs()) {
            out.append(String.format(Locale.ROOT, "%6.0f", t));
        }
        return out.toString();
    }

    /** Every booking made was written with its history and outbox rows; the table grew by what was booked. */
    private static void checkRows(BenchDatabase db, Result r) {
        long bookings = db.count("SELECT COUNT(*) FROM br_booking");
        long cancelled = db.count("SELECT COUNT(*) FROM br_booking WHERE status = 'CANCELLED'");
        long events = db.count("SELECT COUNT(*) FROM br_booking_event");
        long outbox = db.count("SELECT COUNT(*) FROM br_outbox");
        System.out.printf(Locale.ROOT, "rows: %d bookings (%d cancelled), %d events, %d outbox rows%n",
                bookings, cancelled, events, outbox);
        if (bookings != r.bookingsWritten() - r.failures() || cancelled != bookings || events != 2 * bookings
                || outbox != 4 * bookings) {
            System.out.println("ROW COUNTS DO NOT MATCH the operations run (" + r.bookingsWritten() + " booked)");
        }
    }

    /**
     * The results as a Markdown table.
     *
     * @param results the runs
     * @return the table
     */
    static String markdown(List<Result> results) {
        StringBuilder out = new StringBuilder();
        out.append("| database | threads | operation | library ops/s | raw ops/s | ratio library/raw "
                + "| median round ratio | library p50 / p99 ms | raw p50 / p99 ms |\n");
        out.append("|---|---:|---|---:|---:|---:|---:|---:|---:|\n");
        for (Result r : results) {
            for (Operation op : Operation.values()) {
                Figures lib = r.of(Side.LIBRARY, op);
                Figures raw = r.of(Side.RAW, op);
                out.append(String.format(Locale.ROOT,
                        "| %s | %d | %s | %.0f | %.0f | **%.2f** | %.2f | %.2f / %.2f | %.2f / %.2f |%n",
                        r.database(), r.settings().threads(), op.name().toLowerCase(Locale.ROOT), lib.throughput(),
                        raw.throughput(), r.ratio(op), r.medianRoundRatio(op), lib.p50Millis(), lib.p99Millis(),
                        raw.p50Millis(), raw.p99Millis()));
            }
        }
        return out.toString();
    }
}
