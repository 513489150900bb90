package org.bookingrules.examples.bench;

import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import org.bookingrules.jdbc.JdbcBookingRepository;
import org.bookingrules.jdbc.JdbcSchema;
import org.bookingrules.model.Booking;
import org.postgresql.PGConnection;

/**
 * The reminder sweep at scale on PostgreSQL: bulk-loads {@code --rows} bookings (default 1,000,000) into
 * {@code br_booking} of the schema {@value BenchDatabase#NAMESPACE} with {@code COPY}, runs
 * {@code ANALYZE}, then times the due-reminder query over several runs (the median counts) and prints
 * its plan ({@code EXPLAIN (ANALYZE, BUFFERS)}, with the parameters bound as the repository binds them,
 * and the generic plan a prepared statement may switch to).
 *
 * <p>The data: {@code --resources} resources (default 2,000) with one booking every ~13 hours each, from
 * 180 days ago to 90 days ahead, so two thirds are history. Past bookings are mostly completed (70%),
 * cancelled (15%), no-show, declined, some left confirmed (4%) or pending (1%); their reminders were
 * sent, except for 5% of those left pending (a missed reminder stays in the reminder index for good).
 * Future bookings are pending (60%), confirmed (30%), cancelled or declined; 95% have a reachable
 * customer and so a reminder due 6 hours before the start. Every pending booking that starts within the
 * next 6 hours is due and unsent: the backlog of a sweeper that stopped for 6 hours, a worst case (a
 * sweeper running every minute leaves about a minute's worth).
 *
 * <pre>
 * mvn -B -q -pl booking-examples -am test-compile exec:java \
 *     -Dexec.mainClass=org.bookingrules.examples.bench.ReminderSweepBenchmark -Dexec.args="--rows=1000000"
 * </pre>
 *
 * Arguments (optional): {@code --rows}, {@code --resources}, {@code --runs} (default 21), {@code --limit}
 * (default 1000, the facade's batch), {@code --postgres-url}.
 */
public final class ReminderSweepBenchmark {

    private static final String COLUMNS = "tenant_id, id, confirmation_code, resource_id, resource_name, "
            + "resource_contact, service_id, service_name, customer_id, customer_name, customer_email, "
            + "customer_phone, customer_language, slot_start, slot_end, zone_id, status, payment_status, "
            + "customer_reschedules, confirmed_by_kind, confirmed_by_id, reminder_due_at, reminder_sent_at, "
            + "version, created_at, updated_at";

    /** The text of {@code Sql.dueReminders} on PostgreSQL, for the plan and the driver-only timing. */
    static final String DUE_QUERY = "SELECT " + COLUMNS + " FROM br_booking "
            + "WHERE status = 'PENDING' AND reminder_sent_at IS NULL AND reminder_due_at <= ? AND slot_start > ? "
            + "ORDER BY reminder_due_at LIMIT ?";

    private static final Duration REMINDER_LEAD = Duration.ofHours(6);
    private static final int CHUNK = 50_000;

    private ReminderSweepBenchmark() {
    }

    /**
     * Runs the benchmark.
     *
     * @param args see the class comment
     * @throws Exception if PostgreSQL cannot be reached or a statement fails
     */
    public static void main(String[] args) throws Exception {
        BenchArgs a = BenchArgs.parse(args, Set.of("rows", "resources", "runs", "limit", "postgres-url"));
        int rows = a.integer("rows", 1_000_000);
        int resources = a.integer("resources", 2_000);
        int runs = a.integer("runs", 21);
        int limit = a.integer("limit", 1000);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        try (BenchDatabase db = BenchDatabase.postgres(a.text("postgres-url", null), 4)) {
            System.out.println("# " + db.serverVersion() + "; " + rows + " bookings, " + resources + " resources; now "
                    + now);
            long t0 = System.nanoTime();
            load(db, rows, resources, now);
            long t1 = System.nanoTime();
            db.execute("ANALYZE br_booking");
            long t2 = System.nanoTime();
            System.out.printf(Locale.ROOT, "loaded %d rows with COPY and rebuilt the indexes in %.1f s, ANALYZE %.1f s%n",
                    db.count("SELECT COUNT(*) FROM br_booking"), (t1 - t0) / 1e9, (t2 - t1) / 1e9);
            printSpread(db, now);
            measure(db, now, runs, limit);
            explain(db, now, limit);
            overlapCheck(db, now, runs);
        }
    }

    /**
     * The bookings' half of {@code Sql.slotTaken} on PostgreSQL, as a query of its own: the overlap check
     * a new booking makes.
     */
    static final String OVERLAP_QUERY = "SELECT 1 FROM br_booking WHERE tenant_id = ? AND resource_id = ? "
            + "AND status IN ('PENDING', 'CONFIRMED') AND slot_start < ? AND slot_end > ? LIMIT 1";

    /**
     * Not the sweep, but found while profiling the load benchmark: the overlap check of a new booking on one
     * resource, at this table size, with the schema's indexes and then with an extra index on
     * {@code (tenant_id, resource_id, slot_end)} (created here in {@value BenchDatabase#NAMESPACE} only,
     * then dropped). The calendar index bounds {@code slot_start < end} only, so the check reads every
     * booking of the resource that starts before the new end: its whole history.
     */
    private static void overlapCheck(BenchDatabase db, Instant now, int runs) throws SQLException {
        Instant start = now.truncatedTo(ChronoUnit.HOURS).plus(Duration.ofDays(14)).plus(Duration.ofMinutes(50));
        Instant end = start.plus(Duration.ofMinutes(5));
        String tenant = "clinic-7";
        String resource = "dr-7";
        System.out.printf(Locale.ROOT, "%noverlap check of a new booking on %s (%d bookings of it stored), %s to %s:%n",
                resource, db.count("SELECT COUNT(*) FROM br_booking WHERE tenant_id = '" + tenant
                        + "' AND resource_id = '" + resource + "'"), start, end);
        overlapRuns(db, tenant, resource, start, end, runs, "schema indexes");
        db.execute("CREATE INDEX br_bench_slot_end_ix ON br_booking (tenant_id, resource_id, slot_end)");
        db.execute("ANALYZE br_booking");
        try {
            overlapRuns(db, tenant, resource, start, end, runs, "plus (tenant_id, resource_id, slot_end)");
        } finally {
            db.execute("DROP INDEX br_bench_slot_end_ix");
        }
    }

    private static void overlapRuns(BenchDatabase db, String tenant, String resource, Instant start, Instant end,
                                    int runs, String label) throws SQLException {
        try (Connection c = db.dataSource().getConnection()) {
            List<String> plan = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("EXPLAIN (ANALYZE, BUFFERS) " + OVERLAP_QUERY)) {
                bindOverlap(s, tenant, resource, start, end);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        plan.add(r.getString(1));
                    }
                }
            }
            long[] nanos = new long[runs];
            try (PreparedStatement s = c.prepareStatement(OVERLAP_QUERY)) {
                for (int i = -5; i < runs; i++) {
                    bindOverlap(s, tenant, resource, start, end);
                    long t0 = System.nanoTime();
                    try (ResultSet r = s.executeQuery()) {
                        r.next();
                    }
                    if (i >= 0) {
                        nanos[i] = System.nanoTime() - t0;
                    }
                }
            }
            System.out.printf(Locale.ROOT, "  %s: median %.3f ms over %d runs (min %.3f); plan:%n", label, median(nanos),
                    runs, min(nanos));
            plan.forEach(line -> System.out.println("      " + line));
        }
    }

    private static void bindOverlap(PreparedStatement s, String tenant, String resource, Instant start, Instant end)
            throws SQLException {
        s.setString(1, tenant);
        s.setString(2, resource);
        s.setObject(3, end.atOffset(ZoneOffset.UTC));
        s.setObject(4, start.atOffset(ZoneOffset.UTC));
    }

    /** COPY into the table without its secondary indexes, then the schema files put them back. */
    private static void load(BenchDatabase db, int rows, int resources, Instant now) throws SQLException, IOException {
        db.execute("ALTER TABLE br_booking DROP CONSTRAINT IF EXISTS br_booking_no_overlap");
        for (String index : List.of("br_booking_calendar_ix", "br_booking_customer_ix", "br_booking_reminder_ix")) {
            db.execute("DROP INDEX IF EXISTS " + index);
        }
        SplittableRandom random = new SplittableRandom(20260302L);
        Instant windowStart = now.truncatedTo(ChronoUnit.HOURS).minus(Duration.ofDays(180));
        long windowHours = Duration.ofDays(270).toHours();
        int perResource = (rows + resources - 1) / resources;
        try (Connection c = db.dataSource().getConnection()) {
            var copy = c.unwrap(PGConnection.class).getCopyAPI();
            String sql = "COPY br_booking (" + COLUMNS + ", claims_slot) FROM STDIN WITH (FORMAT csv)";
            StringBuilder chunk = new StringBuilder(CHUNK * 480);
            for (int i = 0; i < rows; i++) {
                int resource = i % resources;
                long k = i / resources;
                // Distinct whole hours per resource, ~13 hours apart: 45-minute slots never overlap.
                Instant start = windowStart.plus(Duration.ofHours(k * windowHours / perResource + resource % 7));
                row(chunk, i, resource, start, now, random);
                if (chunk.length() > (CHUNK - 1) * 480 || i == rows - 1) {
                    copy.copyIn(sql, new StringReader(chunk.toString()));
                    chunk.setLength(0);
                }
            }
        }
        // Recreates the three indexes and the exclusion constraint exactly as the schema files define them.
        JdbcSchema.create(db.dataSource());
    }

    private static void row(StringBuilder out, int i, int resource, Instant start, Instant now, SplittableRandom random) {
        Instant end = start.plus(Workload.SLOT);
        boolean past = start.isBefore(now);
        double u = random.nextDouble();
        String status;
        if (past) {
            status = u < 0.70 ? "COMPLETED" : u < 0.85 ? "CANCELLED" : u < 0.90 ? "NO_SHOW" : u < 0.95 ? "DECLINED"
                    : u < 0.99 ? "CONFIRMED" : "PENDING";
        } else {
            status = u < 0.60 ? "PENDING" : u < 0.90 ? "CONFIRMED" : u < 0.98 ? "CANCELLED" : "DECLINED";
        }
        boolean reachable = random.nextDouble() < 0.95;
        Instant due = reachable ? start.minus(REMINDER_LEAD) : null;
        Instant sent = null;
        if (due != null && !due.isAfter(now)) {
            if (past) {
                // History: the reminder went out, except for some bookings left pending (a missed one).
                sent = status.equals("PENDING") && random.nextDouble() < 0.05 ? null : due.plusSeconds(30);
            } else if (!status.equals("PENDING")) {
                sent = due.plusSeconds(30);
            }
            // Future and pending with the reminder due: the backlog, unsent.
        }
        Instant created = start.minus(Duration.ofMinutes(60 + random.nextInt(60 * 24 * 30)));
        int version = switch (status) {
            case "PENDING" -> sent == null ? 1 : 2;
            case "CONFIRMED" -> sent == null ? 2 : 3;
            default -> sent == null ? 2 : 3;
        };
        String customer = "cust-" + (i * 7919L % 200_000);
        String confirmedKind = status.equals("CONFIRMED") ? (u < 0.75 ? "CUSTOMER" : "STAFF") : null;
        String confirmedId = confirmedKind == null ? null : confirmedKind.equals("CUSTOMER") ? customer : "staff-1";
        out.append("clinic-").append(resource % 50).append(',')
                .append(new java.util.UUID(random.nextLong(), random.nextLong())).append(',')
                .append(code(i)).append(',')
                .append("dr-").append(resource).append(',')
                .append("Doctor ").append(resource).append(',')
                .append("+34 910 ").append(100_000 + resource).append(',')
                .append("consultation,Consultation,")
                .append(customer).append(',')
                .append("Customer ").append(customer.substring(5)).append(',')
                .append(reachable ? customer + "@example.org" : "").append(',')
                .append("+34 600 ").append(customer.substring(5)).append(',')
                .append("es,")
                .append(start).append(',').append(end).append(',')
                .append("Europe/Madrid,").append(status).append(",UNPAID,0,")
                .append(confirmedKind == null ? "" : confirmedKind).append(',')
                .append(confirmedId == null ? "" : confirmedId).append(',')
                .append(due == null ? "" : due.toString()).append(',')
                .append(sent == null ? "" : sent.toString()).append(',')
                .append(version).append(',')
                .append(created).append(',')
                .append(sent != null ? sent : created).append(',')
                .append("true\n");
    }

    /** A unique 8-character code per row (unique per tenant is all the schema asks). */
    private static String code(int i) {
        String alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
        char[] c = new char[8];
        long v = i * 2_654_435_761L % 852_891_037_441L;
        for (int k = 7; k >= 0; k--) {
            c[k] = alphabet.charAt((int) (v % alphabet.length()));
            v /= alphabet.length();
        }
        return new String(c);
    }

    private static void printSpread(BenchDatabase db, Instant now) {
        String at = "TIMESTAMPTZ '" + now.atOffset(ZoneOffset.UTC) + "'";
        System.out.printf(Locale.ROOT, "spread: %d past, %d future; %d pending; %d in the reminder index "
                        + "(pending, unsent); %d of them due now, %d due and still to start (the sweep's answer), "
                        + "%d due but started (missed)%n",
                db.count("SELECT COUNT(*) FROM br_booking WHERE slot_start < " + at),
                db.count("SELECT COUNT(*) FROM br_booking WHERE slot_start >= " + at),
                db.count("SELECT COUNT(*) FROM br_booking WHERE status = 'PENDING'"),
                db.count("SELECT COUNT(*) FROM br_booking WHERE status = 'PENDING' AND reminder_sent_at IS NULL"),
                db.count("SELECT COUNT(*) FROM br_booking WHERE status = 'PENDING' AND reminder_sent_at IS NULL "
                        + "AND reminder_due_at <= " + at),
                db.count("SELECT COUNT(*) FROM br_booking WHERE status = 'PENDING' AND reminder_sent_at IS NULL "
                        + "AND reminder_due_at <= " + at + " AND slot_start > " + at),
                db.count("SELECT COUNT(*) FROM br_booking WHERE status = 'PENDING' AND reminder_sent_at IS NULL "
                        + "AND reminder_due_at <= " + at + " AND slot_start <= " + at));
    }

    /** The repository's call (query, rows, mapping to bookings) and the driver alone, each over several runs. */
    private static void measure(BenchDatabase db, Instant now, int runs, int limit) throws SQLException {
        JdbcBookingRepository repository = JdbcBookingRepository.create(db.dataSource());
        long[] library = new long[runs];
        long[] driver = new long[runs];
        int found = 0;
        int fetched = 0;
        for (int warm = 0; warm < 30; warm++) {
            repository.dueReminders(now, limit);
            fetched = driverOnly(db, now, limit);
        }
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            List<Booking> due = repository.dueReminders(now, limit);
            long t1 = System.nanoTime();
            fetched = driverOnly(db, now, limit);
            long t2 = System.nanoTime();
            library[i] = t1 - t0;
            driver[i] = t2 - t1;
            found = due.size();
        }
        System.out.printf(Locale.ROOT, "due query, %d runs: JdbcBookingRepository.dueReminders(now, %d) -> %d bookings: "
                        + "median %.2f ms (min %.2f, max %.2f); the same SQL through the driver, rows read but not "
                        + "mapped (%d rows): median %.2f ms (min %.2f, max %.2f)%n", runs, limit, found,
                median(library), min(library), max(library), fetched, median(driver), min(driver), max(driver));
    }

    private static int driverOnly(BenchDatabase db, Instant now, int limit) throws SQLException {
        try (Connection c = db.dataSource().getConnection(); PreparedStatement s = c.prepareStatement(DUE_QUERY)) {
            s.setObject(1, now.atOffset(ZoneOffset.UTC));
            s.setObject(2, now.atOffset(ZoneOffset.UTC));
            s.setInt(3, limit);
            int n = 0;
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    n++;
                }
            }
            return n;
        }
    }

    private static void explain(BenchDatabase db, Instant now, int limit) throws SQLException {
        List<String> plan = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection()) {
            try (PreparedStatement s = c.prepareStatement("EXPLAIN (ANALYZE, BUFFERS) " + DUE_QUERY)) {
                s.setObject(1, now.atOffset(ZoneOffset.UTC));
                s.setObject(2, now.atOffset(ZoneOffset.UTC));
                s.setInt(3, limit);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        plan.add(r.getString(1));
                    }
                }
            }
            System.out.println("\nEXPLAIN (ANALYZE, BUFFERS), parameters bound (the custom plan):");
            plan.forEach(line -> System.out.println("    " + line));
            check(plan);
            List<String> generic = new ArrayList<>();
            String at = "'" + now.atOffset(ZoneOffset.UTC) + "'";
            try (Statement s = c.createStatement()) {
                s.execute("PREPARE br_bench_due (timestamptz, timestamptz, integer) AS "
                        + DUE_QUERY.replaceFirst("\\?", "\\$1").replaceFirst("\\?", "\\$2").replaceFirst("\\?", "\\$3"));
                s.execute("SET plan_cache_mode = force_generic_plan");
                try (ResultSet r = s.executeQuery("EXPLAIN (ANALYZE, BUFFERS) EXECUTE br_bench_due (" + at + ", " + at
                        + ", " + limit + ")")) {
                    while (r.next()) {
                        generic.add(r.getString(1));
                    }
                }
                s.execute("RESET plan_cache_mode");
                s.execute("DEALLOCATE br_bench_due");
            }
            System.out.println("\nEXPLAIN (ANALYZE, BUFFERS) EXECUTE, plan_cache_mode = force_generic_plan:");
            generic.forEach(line -> System.out.println("    " + line));
            check(generic);
        }
    }

    private static void check(List<String> plan) {
        boolean index = plan.stream().anyMatch(l -> l.contains("Index Scan using br_booking_reminder_ix"));
        boolean seq = plan.stream().anyMatch(l -> l.contains("Seq Scan"));
        System.out.println(index && !seq ? "plan: index scan on br_booking_reminder_ix"
                : "PLAN CHECK FAILED: expected an index scan on br_booking_reminder_ix and no sequential scan");
    }

    private static double median(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return (n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0) / 1e6;
    }

    private static double min(long[] nanos) {
        return Arrays.stream(nanos).min().orElse(0) / 1e6;
    }

    private static double max(long[] nanos) {
        return Arrays.stream(nanos).max().orElse(0) / 1e6;
    }
}
