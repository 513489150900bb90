package org.bookingrules.examples.bench;

import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.HdrHistogram.Histogram;
import org.bookingrules.BookRequest;
import org.bookingrules.BookingRef;
import org.bookingrules.BookingRules;
import org.bookingrules.ChangeRequest;
import org.bookingrules.Outcome;
import org.bookingrules.examples.bench.LoadHarness.Figures;
import org.bookingrules.examples.bench.LoadHarness.Operation;
import org.bookingrules.examples.bench.LoadHarness.Result;
import org.bookingrules.examples.bench.LoadHarness.Side;
import org.bookingrules.jdbc.JdbcBookingRepository;
import org.bookingrules.model.Actor;
import org.bookingrules.model.CustomerDetails;
import org.threeten.extra.Interval;

/**
 * Booking cost against the size of the past: the library's {@code book} and {@code cancel} (the
 * {@link LoadHarness}, library side only) on a {@code br_booking} that already holds 100,000 and then
 * 1,000,000 completed or cancelled bookings of the same 64 resources the workload books, against the same
 * operations on an empty table, at 1 and 8 threads; and at each size the plan of the library's own overlap
 * check and calendar statements (captured from the repository as it prepares them, never a copy that could
 * drift), with an agenda of {@value #AGENDA} active bookings per resource in the table. Prints every point,
 * the throughput with history as a share of the empty table's, and Markdown tables for BENCHMARKS.md.
 *
 * <p><b>Side by side.</b> Two databases of the same kind, made the same way: one stays empty, the other is
 * loaded with the history. For each history size and thread count, after a warm-up round on each, the
 * measured rounds alternate in ABBA order (empty, loaded, loaded, empty, ...), as the load benchmark
 * alternates library and raw, so a drift of the machine weighs on both alike. A round is a book phase
 * and a cancel phase of {@code --ops} operations; the harness vacuums and analyzes the tables before
 * each round on PostgreSQL. The rounds of a point keep the (cancelled) bookings they wrote, so the
 * "empty" table holds at most (warm-up + rounds) x ops of its own, as a new installation would, with
 * statistics that say so (a table the planner believes empty gets sequential scans while it fills);
 * after each point both tables go back to exactly their history. The history size 0 compares two empty
 * tables: an A/A control whose ratio shows the noise.
 *
 * <pre>
 * mvn -B -q -pl booking-examples -am test-compile exec:java \
 *     -Dexec.mainClass=org.bookingrules.examples.bench.HistoryBenchmark \
 *     -Dexec.args="--db=postgres,h2 --history=0,100000,1000000 --threads=1,8"
 * </pre>
 *
 * Arguments (all optional): {@code --db} (postgres, h2, mariadb; default postgres,h2: MariaDB's driver is
 * not a dependency of this module, see BENCHMARKS.md), {@code --history} row counts in increasing order
 * (default 0,100000,1000000), {@code --threads} (default 1,8), {@code --ops} operations per phase of a
 * round (default 800), {@code --rounds} measured rounds per side (default 8), {@code --warmup} warm-up rounds
 * per side (default 1), {@code --without-index} drop {@code br_booking_active_ix} in both databases first,
 * to measure the statements as they ran before it (PostgreSQL and MariaDB only; default false),
 * {@code --pool} (default 16), {@code --postgres-url}, {@code --mariadb-url}. On PostgreSQL the databases
 * are the schemas {@value BenchDatabase#NAMESPACE} and {@value #LOADED_NAMESPACE}; on MariaDB databases of
 * those names; on H2 two in-memory databases. The loaded one is dropped at the end.
 *
 * <p><b>The history.</b> Row {@code k} is on the workload's resource {@code k mod 64}, at the hour
 * {@code k / 64 + 1} hours before the start of the current hour, 45 minutes long; one in five cancelled,
 * the others completed, their reminders sent. Loaded set-based, 100,000 rows a statement
 * ({@code generate_series} on PostgreSQL, {@code SYSTEM_RANGE} on H2, the sequence engine's
 * {@code seq_m_to_n} on MariaDB), then the statistics refreshed ({@code VACUUM ANALYZE} on PostgreSQL, whose
 * test server runs without autovacuum; {@code ANALYZE TABLE} on the others). Not thread-safe: one run at a
 * time.
 */
public final class HistoryBenchmark {

    /** The PostgreSQL schema, or MariaDB database, of the loaded side. */
    public static final String LOADED_NAMESPACE = BenchDatabase.NAMESPACE + "_history";
    /** The prefix of the id of every history row. */
    static final String HISTORY_ID = "past-";
    /** The rows of one history insert statement. */
    private static final int CHUNK = 100_000;

    /**
     * What to run.
     *
     * @param history the history sizes, increasing, in rows
     * @param threads the thread counts
     * @param ops operations per phase of one round
     * @param rounds measured rounds per side and point
     * @param warmup warm-up rounds per side and point
     * @param withoutIndex whether to drop the active-bookings index first (the statements as before it)
     */
    public record Settings(List<Long> history, List<Integer> threads, int ops, int rounds, int warmup,
                           boolean withoutIndex) {
        /**
         * Checks the values.
         *
         * @param history the history sizes
         * @param threads the thread counts
         * @param ops operations per phase
         * @param rounds measured rounds
         * @param warmup warm-up rounds
         * @param withoutIndex drop the index first
         */
        public Settings {
            history = List.copyOf(history);
            threads = List.copyOf(threads);
            for (int i = 1; i < history.size(); i++) {
                if (history.get(i) <= history.get(i - 1)) {
                    throw new IllegalArgumentException("history sizes must increase: " + history);
                }
            }
            if (history.isEmpty() || history.get(0) < 0 || threads.isEmpty() || threads.contains(0) || ops < 1
                    || rounds < 1 || warmup < 0) {
                throw new IllegalArgumentException("bad settings: history " + history + ", threads " + threads
                        + ", ops " + ops + ", rounds " + rounds + ", warmup " + warmup);
            }
        }
    }

    /**
     * The plan of one of the library's statements at one history size.
     *
     * @param history the history rows in the table
     * @param statement which statement ({@code overlap check} or {@code calendar})
     * @param index the index the plan reads (or how it reads the table)
     * @param rowsExamined the rows it read before its filters, as the database counts them
     * @param text the plan as the database printed it
     */
    public record Plan(long history, String statement, String index, long rowsExamined, String text) {
    }

    /**
     * One measured point: the same rounds on the empty and on the loaded table.
     *
     * @param history the history rows in the loaded table
     * @param threads the thread count
     * @param empty the figures on the empty table, per operation
     * @param loaded the figures on the loaded table, per operation
     * @param failures operations that did not succeed, on both (must be 0)
     * @param firstFailure what the first failure was, or null
     */
    public record Point(long history, int threads, Map<Operation, Figures> empty, Map<Operation, Figures> loaded,
                        long failures, String firstFailure) {
        /**
         * The throughput on the loaded table as a share of the empty table's.
         *
         * @param op the operation
         * @return loaded / empty
         */
        public double ratio(Operation op) {
            return loaded.get(op).throughput() / empty.get(op).throughput();
        }

        /**
         * The median over the round pairs of loaded / empty: a check on {@link #ratio} that one disturbed
         * round cannot move much.
         *
         * @param op the operation
         * @return the median of the per-round ratios
         */
        public double medianRoundRatio(Operation op) {
            List<Double> l = loaded.get(op).roundThroughputs();
            List<Double> e = empty.get(op).roundThroughputs();
            double[] ratios = new double[Math.min(l.size(), e.size())];
            for (int i = 0; i < ratios.length; i++) {
                ratios[i] = l.get(i) / e.get(i);
            }
            Arrays.sort(ratios);
            int n = ratios.length;
            return n == 0 ? Double.NaN : n % 2 == 1 ? ratios[n / 2] : (ratios[n / 2 - 1] + ratios[n / 2]) / 2;
        }
    }

    /**
     * A database's run.
     *
     * @param database the database's name (and "without br_booking_active_ix" for such a run)
     * @param version the server's version
     * @param plans the plans, per history size
     * @param points the measured points, in the order run
     */
    public record Report(String database, String version, List<Plan> plans, List<Point> points) {
        /** @return the failed operations of all points (must be 0) */
        public long failures() {
            return points.stream().mapToLong(Point::failures).sum();
        }
    }

    private HistoryBenchmark() {
    }

    /**
     * Runs the benchmark.
     *
     * @param args see the class comment
     * @throws Exception if a database cannot be reached or a run fails
     */
    public static void main(String[] args) throws Exception {
        BenchArgs a = BenchArgs.parse(args, Set.of("db", "history", "threads", "ops", "rounds", "warmup",
                "without-index", "pool", "postgres-url", "mariadb-url"));
        List<BenchDatabase.Kind> kinds = a.list("db", "postgres,h2").stream().map(BenchDatabase.Kind::parse).toList();
        Settings settings = new Settings(
                a.list("history", "0,100000,1000000").stream().map(s -> Long.parseLong(s.replace("_", ""))).toList(),
                a.list("threads", "1,8").stream().map(Integer::parseInt).toList(),
                a.integer("ops", 800), a.integer("rounds", 8), a.integer("warmup", 1),
                Boolean.parseBoolean(a.text("without-index", "false")));
        int pool = a.integer("pool", 16);

        System.out.println("# " + Runtime.getRuntime().availableProcessors() + " processors; Java "
                + System.getProperty("java.version") + "; " + String.join(" ", args));
        List<Report> reports = new ArrayList<>();
        for (BenchDatabase.Kind kind : kinds) {
            try (BenchDatabase empty = open(kind, a, pool, BenchDatabase.NAMESPACE);
                 BenchDatabase loaded = open(kind, a, pool, LOADED_NAMESPACE)) {
                try {
                    reports.add(run(empty, loaded, settings, System.out));
                } finally {
                    dropLoaded(loaded);
                }
            }
        }
        System.out.println();
        System.out.println(markdown(reports));
        System.out.println(planTable(reports));
        long failed = reports.stream().mapToLong(Report::failures).sum();
        if (failed > 0) {
            throw new IllegalStateException(failed + " operations failed");
        }
    }

    private static BenchDatabase open(BenchDatabase.Kind kind, BenchArgs a, int pool, String namespace)
            throws SQLException {
        return switch (kind) {
            case POSTGRESQL -> BenchDatabase.postgres(a.text("postgres-url", null), pool, namespace);
            case MARIADB -> BenchDatabase.mariadb(a.text("mariadb-url", null), pool, namespace);
            case H2 -> BenchDatabase.h2(pool);
        };
    }

    /** Frees the loaded side's space on a server (an H2 database goes with its close). */
    private static void dropLoaded(BenchDatabase loaded) {
        switch (loaded.kind()) {
            case POSTGRESQL -> loaded.execute("DROP SCHEMA IF EXISTS " + LOADED_NAMESPACE + " CASCADE");
            case MARIADB -> loaded.execute("DROP DATABASE IF EXISTS " + LOADED_NAMESPACE);
            case H2 -> {
                // dropped when closed
            }
        }
    }

    /**
     * Runs every history size and thread count on two databases of one kind whose schemas are created and
     * empty: one stays empty, the other is loaded with the history.
     *
     * @param empty the database that stays empty, not null
     * @param loaded the database that is loaded, of the same kind, not null
     * @param settings what to run, not null
     * @param out where to print progress and plans, not null
     * @return the figures and plans
     * @throws SQLException if a statement of the load or the plans fails
     * @throws InterruptedException if interrupted while waiting for the threads
     */
    public static Report run(BenchDatabase empty, BenchDatabase loaded, Settings settings, PrintStream out)
            throws SQLException, InterruptedException {
        Objects.requireNonNull(empty, "empty");
        Objects.requireNonNull(loaded, "loaded");
        Objects.requireNonNull(settings, "settings");
        if (empty.kind() != loaded.kind()) {
            throw new IllegalArgumentException("two databases of one kind needed: " + empty.kind() + ", "
                    + loaded.kind());
        }
        String label = loaded.kind().label() + (settings.withoutIndex() ? " without br_booking_active_ix" : "");
        out.printf(Locale.ROOT, "%n## %s (%s): %d ops per phase, %d rounds per side (+%d warm-up) per point%n",
                label, loaded.serverVersion(), settings.ops(), settings.rounds(), settings.warmup());
        if (settings.withoutIndex()) {
            dropActiveIndex(empty);
            dropActiveIndex(loaded);
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.HOURS);
        Statements statements = capture(loaded, now);
        cleanUp(loaded, now);
        LoadHarness onEmpty = new LoadHarness(empty);
        LoadHarness onLoaded = new LoadHarness(loaded);
        List<Plan> plans = new ArrayList<>();
        List<Point> points = new ArrayList<>();
        long inTable = 0;
        for (long size : settings.history()) {
            long t0 = System.nanoTime();
            loadHistory(loaded, now, inTable, size);
            inTable = size;
            analyze(loaded);
            out.printf(Locale.ROOT, "%nhistory: %d rows (%d loaded and analyzed in %.1f s)%n",
                    loaded.count("SELECT COUNT(*) FROM br_booking"), size, (System.nanoTime() - t0) / 1e9);
            loadAgenda(loaded, now);
            analyze(loaded);
            for (Plan plan : List.of(
                    plan(loaded, statements.overlapCheck(), overlapParameters(now), size, "overlap check"),
                    plan(loaded, statements.calendar(), calendarParameters(now), size, "calendar"))) {
                plans.add(plan);
                out.printf(Locale.ROOT, "%s plan: %s, %d rows examined%n%s%n", plan.statement(), plan.index(),
                        plan.rowsExamined(), plan.text().strip());
            }
            cleanUp(loaded, now);
            for (int threads : settings.threads()) {
                Point point = measure(empty, onEmpty, loaded, onLoaded, settings, size, threads, now);
                points.add(point);
                out.printf(Locale.ROOT, "history %d, %d thread(s): book %.0f/s empty, %.0f/s loaded, ratio %.2f "
                        + "(median of rounds %.2f); cancel %.0f/s, %.0f/s, ratio %.2f (%.2f); %d failures%s%n",
                        size, threads, point.empty().get(Operation.BOOK).throughput(),
                        point.loaded().get(Operation.BOOK).throughput(), point.ratio(Operation.BOOK),
                        point.medianRoundRatio(Operation.BOOK), point.empty().get(Operation.CANCEL).throughput(),
                        point.loaded().get(Operation.CANCEL).throughput(), point.ratio(Operation.CANCEL),
                        point.medianRoundRatio(Operation.CANCEL), point.failures(),
                        point.failures() == 0 ? "" : " (first: " + point.firstFailure() + ")");
                out.printf(Locale.ROOT, "       book per round, empty  %s%n       book per round, loaded %s%n",
                        rounds(point.empty().get(Operation.BOOK)), rounds(point.loaded().get(Operation.BOOK)));
            }
        }
        return new Report(label, loaded.serverVersion(), List.copyOf(plans), List.copyOf(points));
    }

    private static String rounds(Figures f) {
        StringBuilder out = new StringBuilder();
        for (double t : f.roundThroughputs()) {
            out.append(String.format(Locale.ROOT, "%6.0f", t));
        }
        return out.toString();
    }

    /** Warm-up rounds on each side, then measured rounds in ABBA order; then the rounds' rows deleted. */
    private static Point measure(BenchDatabase empty, LoadHarness onEmpty, BenchDatabase loaded, LoadHarness onLoaded,
                                 Settings settings, long size, int threads, Instant now)
            throws SQLException, InterruptedException {
        LoadHarness.Settings round = new LoadHarness.Settings(threads, Math.max(settings.ops(), threads), 1, 0);
        long failures = 0;
        String firstFailure = null;
        for (int i = 0; i < settings.warmup(); i++) {
            for (Result r : List.of(onEmpty.run(round, EnumSet.of(Side.LIBRARY)),
                    onLoaded.run(round, EnumSet.of(Side.LIBRARY)))) {
                failures += r.failures();
                firstFailure = firstFailure != null ? firstFailure : r.firstFailure();
            }
        }
        Map<Operation, Tally> emptyTally = tallies();
        Map<Operation, Tally> loadedTally = tallies();
        for (int i = 0; i < settings.rounds(); i++) {
            // ABBA: empty, loaded, loaded, empty, ...
            boolean emptyFirst = i % 2 == 0;
            for (boolean onLoadedSide : emptyFirst ? List.of(false, true) : List.of(true, false)) {
                Result r = (onLoadedSide ? onLoaded : onEmpty).run(round, EnumSet.of(Side.LIBRARY));
                failures += r.failures();
                firstFailure = firstFailure != null ? firstFailure : r.firstFailure();
                for (Operation op : Operation.values()) {
                    (onLoadedSide ? loadedTally : emptyTally).get(op).add(r.of(Side.LIBRARY, op));
                }
            }
        }
        cleanUp(empty, now);
        cleanUp(loaded, now);
        return new Point(size, threads, figures(emptyTally), figures(loadedTally), failures, firstFailure);
    }

    /** Sums of one side and operation over the measured rounds. */
    private static final class Tally {
        long ops;
        long nanos;
        final Histogram latency = new Histogram(60_000_000_000L, 3);
        final List<Double> rounds = new ArrayList<>();

        void add(Figures f) {
            ops += f.ops();
            nanos += f.nanos();
            latency.add(f.latency());
            rounds.addAll(f.roundThroughputs());
        }
    }

    private static Map<Operation, Tally> tallies() {
        Map<Operation, Tally> t = new EnumMap<>(Operation.class);
        for (Operation op : Operation.values()) {
            t.put(op, new Tally());
        }
        return t;
    }

    private static Map<Operation, Figures> figures(Map<Operation, Tally> tallies) {
        Map<Operation, Figures> f = new EnumMap<>(Operation.class);
        tallies.forEach((op, t) -> f.put(op, new Figures(Side.LIBRARY, op, t.ops, t.nanos, t.latency,
                List.copyOf(t.rounds))));
        return f;
    }

    // ------------------------------------------------------------------------------- the history

    /**
     * Inserts the history rows {@code from} (inclusive) to {@code to} (exclusive), set-based, in
     * statements of {@value #CHUNK} rows.
     *
     * @param db the database
     * @param now the start of the current hour; every history slot ends before it
     * @param from the first row number
     * @param to the row number after the last
     * @throws SQLException if an insert fails
     */
    static void loadHistory(BenchDatabase db, Instant now, long from, long to) throws SQLException {
        try (Connection c = db.dataSource().getConnection()) {
            for (long first = from; first < to; first += CHUNK) {
                long last = Math.min(to, first + CHUNK) - 1;
                try (PreparedStatement s = c.prepareStatement(historyInsert(db.kind(), first, last))) {
                    s.setString(1, Workload.TENANT);
                    db.bindInstant(s, 2, now);
                    s.executeUpdate();
                }
            }
        }
    }

    /** Every column the library writes, but the generated and defaulted ones. */
    private static final String HISTORY_COLUMNS = "tenant_id, id, confirmation_code, resource_id, resource_name, "
            + "service_id, service_name, customer_id, customer_name, customer_email, customer_language, slot_start, "
            + "slot_end, zone_id, status, payment_status, customer_reschedules, reminder_due_at, reminder_sent_at, "
            + "claims_slot, version, created_at, updated_at";

    /**
     * The set-based insert of rows {@code first} to {@code last} for one database, with parameters
     * (tenant, start of the current hour). Row {@code g}: id {@code past-g}, code {@code H-g} (no code the
     * library makes has a hyphen), resource {@code dr-(g mod 64)}, slot {@code g / 64 + 1} hours before the
     * hour, 45 minutes long, reminder sent 6 hours before, booked a week before; one in five cancelled.
     */
    private static String historyInsert(BenchDatabase.Kind kind, long first, long last) {
        HistorySql sql = HistorySql.of(kind);
        String start = sql.start();
        String slotEnd = sql.plusMinutes(start, 45);
        String reminder = sql.plusMinutes(start, -360);
        return "INSERT INTO br_booking (" + HISTORY_COLUMNS + ") SELECT ?, "
                + sql.numbered("'" + HISTORY_ID + "'") + ", "
                + sql.numbered("'H-'") + ", "
                + sql.resource() + ", 'Doctor', 'consultation', 'Consultation', "
                + sql.numbered("'past-cust-'") + ", 'Customer', 'customer@example.org', "
                + "'es', " + start + ", " + slotEnd + ", 'Europe/Madrid', "
                + "CASE WHEN " + sql.cancelled() + " THEN 'CANCELLED' ELSE 'COMPLETED' END, 'UNPAID', 0, "
                + reminder + ", " + reminder + ", TRUE, 2, "
                + sql.plusMinutes(start, -10_080) + ", " + slotEnd
                + " FROM " + sql.rows(first, last);
    }

    /**
     * One database's pieces of the history insert.
     *
     * @param series the row numbers g from {@code %1$d} to {@code %2$d}, and the start of the hour
     *     {@code b.base} (the statement's second parameter), once
     * @param number g as text
     * @param resource {@code dr-00} to {@code dr-63}, from g
     * @param start the slot's start, from g and {@code b.base}
     * @param minutes an instant {@code %1$s} moved by {@code %2$d} minutes
     * @param concat two texts joined
     * @param cancelled true for one row in five
     */
    private record HistorySql(String series, String number, String resource, String start, String minutes,
                              String concat, String cancelled) {

        static HistorySql of(BenchDatabase.Kind kind) {
            return switch (kind) {
                case POSTGRESQL -> new HistorySql(
                        "generate_series(%1$d, %2$d) AS g CROSS JOIN (SELECT CAST(? AS timestamptz) AS base) AS b",
                        "g::text", "'dr-' || lpad((g % 64)::text, 2, '0')", "b.base - (g / 64 + 1) * INTERVAL '1 hour'",
                        "(%1$s) + (%2$d) * INTERVAL '1 minute'", "(%s || %s)", "g % 5 = 0");
                case H2 -> new HistorySql(
                        "SYSTEM_RANGE(%1$d, %2$d) CROSS JOIN (SELECT CAST(? AS TIMESTAMP WITH TIME ZONE) AS base) AS b",
                        "CAST(X AS VARCHAR)", "'dr-' || LPAD(CAST(MOD(X, 64) AS VARCHAR), 2, '0')",
                        "DATEADD(HOUR, -(X / 64 + 1), b.base)", "DATEADD(MINUTE, %2$d, %1$s)", "(%s || %s)",
                        "MOD(X, 5) = 0");
                case MARIADB -> new HistorySql(
                        "seq_%1$d_to_%2$d CROSS JOIN (SELECT CAST(? AS DATETIME(6)) AS base) AS b",
                        "CAST(seq AS CHAR)", "CONCAT('dr-', LPAD(seq MOD 64, 2, '0'))",
                        "b.base - INTERVAL (seq DIV 64 + 1) HOUR", "(%1$s) + INTERVAL (%2$d) MINUTE", "CONCAT(%s, %s)",
                        "seq MOD 5 = 0");
            };
        }

        /** The rows {@code first} to {@code last}, for the FROM clause. */
        String rows(long first, long last) {
            return String.format(Locale.ROOT, series, first, last);
        }

        /** A text followed by the row number g, for ids and codes. */
        String numbered(String prefix) {
            return String.format(Locale.ROOT, concat, prefix, number);
        }

        /** An instant moved by whole minutes. */
        String plusMinutes(String instant, int minutes) {
            return String.format(Locale.ROOT, this.minutes, instant, minutes);
        }
    }

    private static void analyze(BenchDatabase db) {
        switch (db.kind()) {
            case POSTGRESQL -> {
                for (String table : List.of("br_booking", "br_booking_event", "br_outbox", "br_resource_lock")) {
                    db.execute("VACUUM ANALYZE " + table);
                }
            }
            case MARIADB -> db.execute("ANALYZE TABLE br_booking");
            case H2 -> db.execute("ANALYZE TABLE br_booking");
        }
    }

    /** Deletes what the runs wrote: the bookings from the current hour on, their events and notifications. */
    private static void cleanUp(BenchDatabase db, Instant now) throws SQLException {
        try (Connection c = db.dataSource().getConnection()) {
            try (PreparedStatement s = c.prepareStatement(
                    "DELETE FROM br_booking WHERE tenant_id = ? AND slot_start >= ?")) {
                s.setString(1, Workload.TENANT);
                db.bindInstant(s, 2, now);
                s.executeUpdate();
            }
            try (Statement s = c.createStatement()) {
                for (String table : List.of("br_booking_event", "br_outbox", "br_idempotency_key", "br_link_guard")) {
                    s.executeUpdate("DELETE FROM " + table);
                }
            }
        }
        if (db.kind() == BenchDatabase.Kind.POSTGRESQL) {
            analyze(db);
        }
    }

    private static void dropActiveIndex(BenchDatabase db) {
        switch (db.kind()) {
            case POSTGRESQL -> db.execute("DROP INDEX br_booking_active_ix");
            case MARIADB -> db.execute("DROP INDEX br_booking_active_ix ON br_booking");
            case H2 -> throw new IllegalArgumentException("on H2 the statements read the generated column of "
                    + "br_booking_active_ix; without the index they are not what they were before it");
        }
    }


    // ------------------------------------------------------------------------------- the statements

    /**
     * The library's statements as it prepares them on this database.
     *
     * @param overlapCheck the overlap check of a slot-claiming write
     * @param calendar the calendar of a resource
     */
    record Statements(String overlapCheck, String calendar) {
    }

    /**
     * Captures the text of the overlap check and of the calendar from a repository over a data source
     * that records what is prepared: one calendar read, one booking and its cancellation, far ahead.
     */
    static Statements capture(BenchDatabase db, Instant now) throws SQLException {
        List<String> prepared = Collections.synchronizedList(new ArrayList<>());
        DataSource recording = recording(db.dataSource(), prepared);
        JdbcBookingRepository repository = JdbcBookingRepository.create(recording);
        // Ten days after the runs' slots; deleted with them by cleanUp.
        Workload workload = new Workload(now.plus(Duration.ofDays(10)));
        RawBookings.createLockRows(db, Workload.TENANT, workload.resources());
        repository.calendar(Workload.TENANT, workload.resource(0).id(), Interval.of(workload.start(0),
                workload.end(0)));
        String calendar = prepared.isEmpty() ? null : prepared.get(0);
        prepared.clear();
        BookingRules rules = BookingRules.builder().repository(repository).build();
        CustomerDetails customer = workload.customer(0);
        Outcome booked = rules.book(Actor.customer(customer.id()), BookRequest.of(Workload.TENANT, workload.resource(0),
                Workload.SERVICE, customer, workload.start(0), workload.end(0), Workload.ZONE));
        if (booked instanceof Outcome.Done done) {
            rules.cancel(Actor.customer(customer.id()), BookingRef.of(Workload.TENANT, done.booking().id()),
                    ChangeRequest.because("capture"));
        }
        String overlap = prepared.stream().filter(sql -> CallCounter.label(sql).endsWith("(overlap check)"))
                .findFirst().orElse(null);
        if (calendar == null || overlap == null || !(booked instanceof Outcome.Done)) {
            throw new IllegalStateException("could not capture the library's statements (booking: " + booked + ")");
        }
        return new Statements(overlap, calendar);
    }

    private static DataSource recording(DataSource target, List<String> prepared) {
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    Object value = invoke(target, method, args);
                    if (!(value instanceof Connection connection)) {
                        return value;
                    }
                    return Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                            (p, m, a) -> {
                                if (m.getName().equals("prepareStatement") && a != null && a[0] instanceof String sql) {
                                    prepared.add(sql);
                                }
                                return invoke(connection, m, a);
                            });
                });
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** Active bookings per resource in the agenda the plans are taken with. */
    static final int AGENDA = 5;

    /**
     * The agenda the plans are taken with: {@value #AGENDA} active bookings (pending or confirmed) per
     * resource, tomorrow, an hour apart, before every slot the workload books; deleted again by
     * {@link #cleanUp} (they start after the current hour).
     */
    private static void loadAgenda(BenchDatabase db, Instant now) throws SQLException {
        Workload workload = new Workload(now);
        try (Connection c = db.dataSource().getConnection(); PreparedStatement s = c.prepareStatement(
                "INSERT INTO br_booking (" + HISTORY_COLUMNS + ") VALUES (?, ?, ?, ?, 'Doctor', 'consultation', "
                        + "'Consultation', ?, 'Customer', 'customer@example.org', 'es', ?, ?, 'Europe/Madrid', ?, "
                        + "'UNPAID', 0, ?, NULL, TRUE, 1, ?, ?)")) {
            for (int i = 0; i < AGENDA * Workload.RESOURCES; i++) {
                Instant start = now.plus(Duration.ofDays(1)).plus(Duration.ofHours(i / Workload.RESOURCES));
                s.setString(1, Workload.TENANT);
                s.setString(2, "agenda-" + i);
                s.setString(3, "A-" + i);
                s.setString(4, workload.resources().get(i % Workload.RESOURCES).id());
                s.setString(5, "agenda-cust-" + i);
                db.bindInstant(s, 6, start);
                db.bindInstant(s, 7, start.plus(Workload.SLOT));
                s.setString(8, i % 2 == 0 ? "PENDING" : "CONFIRMED");
                db.bindInstant(s, 9, start.minus(Duration.ofHours(6)));
                db.bindInstant(s, 10, now);
                db.bindInstant(s, 11, now);
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    /**
     * The slot check of a new booking of the workload's first slot, after the agenda: (tenant, resource, end,
     * start) of the bookings, then (tenant, resource, end, start, now, no hold excepted) of the holds.
     */
    private static List<Object> overlapParameters(Instant now) {
        Workload workload = new Workload(now);
        String tenant = Workload.TENANT;
        String resource = workload.resource(0).id();
        return List.of(tenant, resource, workload.end(0), workload.start(0), tenant, resource, workload.end(0),
                workload.start(0), now, "");
    }

    /** (tenant, resource, end, start): the calendar from the current hour to the workload's first slot. */
    private static List<Object> calendarParameters(Instant now) {
        Workload workload = new Workload(now);
        return List.of(Workload.TENANT, workload.resource(0).id(), workload.end(0), now);
    }

    // ------------------------------------------------------------------------------- the plans

    private static final Pattern PG_SCAN = Pattern.compile(
            "(Index Scan|Index Only Scan|Bitmap Heap Scan|Seq Scan)(?: Backward)?(?: using (\\S+))? on br_booking\\b.*"
                    + "actual time=\\S+ rows=(\\d+) loops=(\\d+)");
    private static final Pattern PG_BITMAP_INDEX = Pattern.compile("Bitmap Index Scan on (\\S+)");
    private static final Pattern PG_REMOVED = Pattern.compile("Rows Removed by (?:Filter|Index Recheck): (\\d+)");
    private static final Pattern H2_BOOKING_INDEX =
            Pattern.compile("\"BR_BOOKING\"\\s*/\\* PUBLIC\\.([A-Za-z0-9_]+)[:. ]");
    private static final Pattern H2_SCAN_COUNT = Pattern.compile("scanCount: (\\d+)");

    /**
     * The plan of a statement with its parameters, run: on PostgreSQL {@code EXPLAIN (ANALYZE, BUFFERS)} of
     * the generic plan a prepared statement settles on; on MariaDB {@code ANALYZE}; on H2
     * {@code EXPLAIN ANALYZE}.
     */
    static Plan plan(BenchDatabase db, String statement, List<Object> parameters, long history, String what)
            throws SQLException {
        try (Connection c = db.dataSource().getConnection()) {
            return switch (db.kind()) {
                case POSTGRESQL -> postgresPlan(c, statement, parameters, history, what);
                case MARIADB -> mariaDbPlan(db, c, statement, parameters, history, what);
                case H2 -> h2Plan(db, c, statement, parameters, history, what);
            };
        }
    }

    /** The statement with its {@code ?} numbered {@code $1, $2, ...}, as PostgreSQL's PREPARE takes it. */
    private static String numberedPlaceholders(String statement) {
        StringBuilder numbered = new StringBuilder();
        int n = 0;
        for (char ch : statement.toCharArray()) {
            numbered.append(ch == '?' ? "$" + ++n : String.valueOf(ch));
        }
        return numbered.toString();
    }

    /** The parameters (texts and instants, in UTC) as quoted SQL literals, comma-separated, for EXECUTE. */
    private static String quotedLiterals(List<Object> parameters) {
        return parameters.stream()
                .map(p -> p instanceof Instant instant ? instant.atOffset(ZoneOffset.UTC).toString() : (String) p)
                .map(literal -> "'" + literal.replace("'", "''") + "'")
                .collect(Collectors.joining(", "));
    }

    private static Plan postgresPlan(Connection c, String statement, List<Object> parameters, long history,
                                     String what) throws SQLException {
        List<String> lines = new ArrayList<>();
        try (Statement s = c.createStatement()) {
            s.execute("SET plan_cache_mode = force_generic_plan");
            s.execute("PREPARE br_history_plan AS " + numberedPlaceholders(statement));
            try (ResultSet r = s.executeQuery("EXPLAIN (ANALYZE, BUFFERS) EXECUTE br_history_plan("
                    + quotedLiterals(parameters) + ")")) {
                while (r.next()) {
                    lines.add(r.getString(1));
                }
            } finally {
                s.execute("DEALLOCATE br_history_plan");
                s.execute("RESET plan_cache_mode");
            }
        }
        String index = "?";
        long rows = 0;
        for (String line : lines) {
            Matcher scan = PG_SCAN.matcher(line);
            if (scan.find()) {
                index = scan.group(2) != null ? scan.group(2) : scan.group(1);
                rows += Long.parseLong(scan.group(3)) * Long.parseLong(scan.group(4));
            }
            Matcher bitmap = PG_BITMAP_INDEX.matcher(line);
            if (bitmap.find()) {
                index = bitmap.group(1);
            }
            Matcher removed = PG_REMOVED.matcher(line);
            if (removed.find()) {
                rows += Long.parseLong(removed.group(1));
            }
        }
        return new Plan(history, what, index + " (generic plan)", rows, String.join("\n", lines));
    }

    private static Plan mariaDbPlan(BenchDatabase db, Connection c, String statement, List<Object> parameters,
                                    long history, String what) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("ANALYZE " + statement)) {
            bind(db, s, parameters);
            try (ResultSet r = s.executeQuery()) {
                ResultSetMetaData meta = r.getMetaData();
                StringBuilder text = new StringBuilder();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    text.append(i == 1 ? "" : " | ").append(meta.getColumnLabel(i));
                }
                String index = "?";
                double rows = 0;
                while (r.next()) {
                    text.append('\n');
                    for (int i = 1; i <= meta.getColumnCount(); i++) {
                        text.append(i == 1 ? "" : " | ").append(r.getString(i));
                    }
                    if ("br_booking".equals(r.getString("table"))) {
                        String key = r.getString("key");
                        index = key == null ? "no index (" + r.getString("type") + ")" : key;
                        rows += r.getDouble("r_rows");
                    }
                }
                return new Plan(history, what, index, Math.round(rows), text.toString());
            }
        }
    }

    private static Plan h2Plan(BenchDatabase db, Connection c, String statement, List<Object> parameters, long history,
                               String what) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("EXPLAIN ANALYZE " + statement)) {
            bind(db, s, parameters);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                String text = r.getString(1);
                // The scan of br_booking: the slot check also reads br_slot_hold, and H2 may print it first.
                Matcher index = H2_BOOKING_INDEX.matcher(text);
                boolean found = index.find();
                Matcher scans = H2_SCAN_COUNT.matcher(text);
                return new Plan(history, what, found ? index.group(1).toLowerCase(Locale.ROOT) : "?",
                        found && scans.find(index.end()) ? Long.parseLong(scans.group(1)) : -1, text);
            }
        }
    }

    private static void bind(BenchDatabase db, PreparedStatement s, List<Object> parameters) throws SQLException {
        for (int i = 0; i < parameters.size(); i++) {
            if (parameters.get(i) instanceof Instant instant) {
                db.bindInstant(s, i + 1, instant);
            } else {
                s.setString(i + 1, (String) parameters.get(i));
            }
        }
    }

    // ------------------------------------------------------------------------------- the tables

    /**
     * The points as a Markdown table: throughput on the empty and on the loaded table, and their ratio.
     *
     * @param reports the runs
     * @return the table
     */
    static String markdown(List<Report> reports) {
        StringBuilder out = new StringBuilder();
        out.append("| database | history rows | threads | book ops/s, empty | book ops/s, with history | book ratio "
                + "(median of rounds) | cancel ops/s, empty | cancel ops/s, with history | cancel ratio (median) "
                + "| book p50 / p99 ms, with history |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Report report : reports) {
            for (Point p : report.points()) {
                Figures book = p.loaded().get(Operation.BOOK);
                out.append(String.format(Locale.ROOT,
                        "| %s | %,d | %d | %.0f | %.0f | **%.2f** (%.2f) | %.0f | %.0f | %.2f (%.2f) | %.2f / %.2f |%n",
                        report.database(), p.history(), p.threads(), p.empty().get(Operation.BOOK).throughput(),
                        book.throughput(), p.ratio(Operation.BOOK), p.medianRoundRatio(Operation.BOOK),
                        p.empty().get(Operation.CANCEL).throughput(), p.loaded().get(Operation.CANCEL).throughput(),
                        p.ratio(Operation.CANCEL), p.medianRoundRatio(Operation.CANCEL), book.p50Millis(),
                        book.p99Millis()));
            }
        }
        return out.toString();
    }

    /**
     * The plans as a Markdown table.
     *
     * @param reports the runs
     * @return the table
     */
    static String planTable(List<Report> reports) {
        StringBuilder out = new StringBuilder();
        out.append("| database | history rows | statement | reads | rows examined |\n");
        out.append("|---|---:|---|---|---:|\n");
        for (Report report : reports) {
            for (Plan plan : report.plans()) {
                out.append(String.format(Locale.ROOT, "| %s | %,d | %s | `%s` | %d |%n", report.database(),
                        plan.history(), plan.statement(), plan.index(), plan.rowsExamined()));
            }
        }
        return out.toString();
    }
}
