package org.bookingrules.examples.bench;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.bookingrules.BookingRules;
import org.bookingrules.jdbc.JdbcBookingRepository;
import org.bookingrules.model.Actor;
import org.bookingrules.model.CustomerDetails;
import org.bookingrules.model.Resource;
import org.bookingrules.model.Service;
import org.bookingrules.waitlist.FreedSlot;
import org.bookingrules.waitlist.JoinRequest;
import org.bookingrules.waitlist.OfferResult;
import org.bookingrules.waitlist.WaitlistPolicy;
import org.threeten.extra.Interval;

/**
 * How long a freed slot takes to reach its first offer when the tenant's cancellation list is
 * long: the time of {@code waitlist().offerSlot} (the candidates query, the eligibility of each
 * candidate read, and the write of the hold, the offer, the entry and its notice in one
 * transaction), with a small list and with a long one, side by side in one run, and the plan of the
 * candidates query on the long list.
 *
 * <p>The list: {@code --entries} customers waiting for the one service over the next two weeks, a
 * quarter of them for one resource of 16 and the rest for any, each joined through
 * {@code waitlist().join}. Each measured offer frees a different slot (one per resource and hour) and
 * goes to the earliest-joined eligible entry; staff then release the hold (not measured), so the entry
 * waits again and the list keeps its length.
 *
 * <pre>
 * mvn -B -q -pl booking-examples -am test-compile exec:java \
 *     -Dexec.mainClass=org.bookingrules.examples.bench.WaitlistBenchmark \
 *     -Dexec.args="--db=postgres,h2,mariadb --entries=100,10000 --offers=200"
 * </pre>
 *
 * Arguments (all optional): {@code --db} (postgres, h2, mariadb; default postgres,h2), {@code --entries}
 * list sizes (default 100,10000), {@code --offers} measured offers per size (default 200, after 20 not
 * measured), {@code --postgres-url}, {@code --mariadb-url}. Not thread-safe; a main only.
 */
public final class WaitlistBenchmark {

    private static final String TENANT = "bench-clinic";
    private static final Service SERVICE = new Service("consultation", "Consultation");
    private static final ZoneId ZONE = ZoneId.of("Europe/Madrid");
    private static final int RESOURCES = 16;
    private static final int WARMUP = 20;
    private static final Actor.Staff STAFF = Actor.staff("bench-staff");

    /** One list size on one database: the offers' times and the candidates query's plan. */
    public record Result(String database, int entries, double medianMillis, double p90Millis, int offered,
                         List<String> plan) {
    }

    private WaitlistBenchmark() {
    }

    /**
     * Runs the benchmark.
     *
     * @param args see the class comment
     * @throws Exception if a database cannot be reached or an offer fails
     */
    public static void main(String[] args) throws Exception {
        BenchArgs a = BenchArgs.parse(args, Set.of("db", "entries", "offers", "postgres-url", "mariadb-url"));
        List<BenchDatabase.Kind> kinds = a.list("db", "postgres,h2").stream().map(BenchDatabase.Kind::parse).toList();
        List<Integer> sizes = a.list("entries", "100,10000").stream().map(s -> Integer.parseInt(s.replace("_", "")))
                .toList();
        int offers = a.integer("offers", 200);
        System.out.println("# " + Runtime.getRuntime().availableProcessors() + " processors; Java "
                + System.getProperty("java.version") + "; " + String.join(" ", args));
        List<Result> results = new ArrayList<>();
        for (BenchDatabase.Kind kind : kinds) {
            for (int size : sizes) {
                try (BenchDatabase db = switch (kind) {
                    case POSTGRESQL -> BenchDatabase.postgres(a.text("postgres-url", null), 4);
                    case MARIADB -> BenchDatabase.mariadb(a.text("mariadb-url", null), 4);
                    case H2 -> BenchDatabase.h2(4);
                }) {
                    results.add(run(db, size, offers, System.out));
                }
            }
        }
        System.out.println();
        System.out.println(markdown(results));
    }

    /**
     * One list size on one database.
     *
     * @param db an empty database with the schema
     * @param entries how many customers wait
     * @param offers how many offers are measured
     * @param out where progress goes
     * @return the figures and the plan
     * @throws SQLException if the plan cannot be read
     */
    public static Result run(BenchDatabase db, int entries, int offers, PrintStream out) throws SQLException {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        BookingRules rules = BookingRules.builder().repository(JdbcBookingRepository.create(db.dataSource()))
                .waitlist(WaitlistPolicy.DEFAULT).build();
        Interval twoWeeks = Interval.of(now, now.plus(Duration.ofDays(14)));
        long loadStart = System.nanoTime();
        for (int i = 0; i < entries; i++) {
            CustomerDetails customer = new CustomerDetails("bench-customer-" + i, "Customer " + i,
                    "customer" + i + "@example.org", null, Locale.ENGLISH);
            JoinRequest join = JoinRequest.anyResource(TENANT, customer, SERVICE, twoWeeks, ZONE);
            if (i % 4 == 0) {
                join = join.withResource(resource(i / 4).id());
            }
            if (!rules.waitlist().join(STAFF, join).isDone()) {
                throw new IllegalStateException("join " + i + " refused");
            }
        }
        out.printf("[waitlist] %s: %d entries joined in %d ms%n", db.kind().label(), entries,
                (System.nanoTime() - loadStart) / 1_000_000);
        // What autovacuum or a maintenance job would have done by now on a list that grew to this size.
        db.execute(db.kind() == BenchDatabase.Kind.MARIADB ? "ANALYZE TABLE br_waitlist_entry" : "ANALYZE");
        Instant firstSlot = now.plus(Duration.ofDays(2)).truncatedTo(ChronoUnit.HOURS);
        double[] millis = new double[offers];
        int offered = 0;
        for (int i = 0; i < WARMUP + offers; i++) {
            Instant start = firstSlot.plus(Duration.ofHours(i / RESOURCES));
            FreedSlot slot = FreedSlot.byHand(TENANT, resource(i % RESOURCES), SERVICE,
                    Interval.of(start, start.plus(Duration.ofMinutes(45))), ZONE);
            long t0 = System.nanoTime();
            OfferResult result = rules.waitlist().offerSlot(STAFF, slot);
            long elapsed = System.nanoTime() - t0;
            if (!result.offered()) {
                throw new IllegalStateException("slot " + i + " not offered: " + result.notOffered());
            }
            // Not measured: staff release the hold, so its entry waits again and the list keeps its length.
            rules.waitlist().release(STAFF, TENANT, result.hold().id());
            if (i >= WARMUP) {
                millis[i - WARMUP] = elapsed / 1_000_000.0;
                offered++;
            }
        }
        Arrays.sort(millis);
        List<String> plan = plan(db, firstSlot);
        Result r = new Result(db.kind().label(), entries, millis[millis.length / 2],
                millis[(int) Math.floor(millis.length * 0.9)], offered, plan);
        out.printf("[waitlist] %s, %d entries: first offer median %.2f ms, p90 %.2f ms%n", r.database(), entries,
                r.medianMillis(), r.p90Millis());
        return r;
    }

    /**
     * The plan of the candidates query for a freed slot: the repository's statement (with the index
     * hint and order it has on H2 and MariaDB) for its first page of 8 candidates, its parameters
     * bound as the repository binds them.
     */
    private static List<String> plan(BenchDatabase db, Instant start) throws SQLException {
        boolean h2 = db.kind() == BenchDatabase.Kind.H2;
        String hint = switch (db.kind()) {
            case H2 -> " USE INDEX (br_waitlist_entry_candidates_ix)";
            case MARIADB -> " FORCE INDEX (br_waitlist_entry_candidates_ix)";
            case POSTGRESQL -> "";
        };
        String query = "SELECT id FROM br_waitlist_entry" + hint
                + " WHERE tenant_id = ? AND service_id = ? AND status = 'WAITING' "
                + "AND (resource_id IS NULL OR resource_id = ?) AND window_start <= ? AND window_end >= ? "
                + "ORDER BY " + (h2 ? "tenant_id, service_id, status, " : "") + "joined_at, id LIMIT 8";
        String explain = db.kind() == BenchDatabase.Kind.POSTGRESQL ? "EXPLAIN (ANALYZE, COSTS OFF) " : "EXPLAIN ";
        List<String> lines = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement s = c.prepareStatement(explain + query)) {
            s.setString(1, TENANT);
            s.setString(2, SERVICE.id());
            s.setString(3, resource(0).id());
            db.bindInstant(s, 4, start);
            db.bindInstant(s, 5, start.plus(Duration.ofMinutes(45)));
            try (ResultSet r = s.executeQuery()) {
                int columns = r.getMetaData().getColumnCount();
                while (r.next()) {
                    StringBuilder line = new StringBuilder();
                    for (int i = 1; i <= columns; i++) {
                        line.append(i > 1 ? " | " : "").append(r.getString(i));
                    }
                    lines.add(line.toString());
                }
            }
        }
        return lines;
    }


    private static Resource resource(int i) {
        return new Resource("bench-dr-" + i, "Dr. Bench " + i, null);
    }

    /**
     * The figures as a markdown table, then each plan.
     *
     * @param results the results
     * @return the text
     */
    public static String markdown(List<Result> results) {
        StringBuilder out = new StringBuilder("| database | waiting entries | offers measured | first offer, median ms "
                + "| p90 ms |\n|---|---:|---:|---:|---:|\n");
        for (Result r : results) {
            out.append(String.format(Locale.ROOT, "| %s | %,d | %d | %.2f | %.2f |%n", r.database(), r.entries(),
                    r.offered(), r.medianMillis(), r.p90Millis()));
        }
        for (Result r : results) {
            out.append(String.format(Locale.ROOT, "%nPlan of the candidates query, %s, %,d entries:%n%n```%n%s%n```%n",
                    r.database(), r.entries(), String.join("\n", r.plan())));
        }
        return out.toString();
    }
}
