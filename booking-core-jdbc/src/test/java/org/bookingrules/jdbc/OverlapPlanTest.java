package org.bookingrules.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bookingrules.jdbc.TestDatabases.Database;
import org.bookingrules.jdbc.TestDatabases.EachStore;
import org.bookingrules.jdbc.TestDatabases.Store;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The overlap check of every slot-claiming write and the calendar read a resource's active bookings
 * only, through {@code br_booking_active_ix}, and not its past: on each store, with
 * {@value #HISTORY} completed, cancelled, declined and no-show bookings and {@value #ACTIVE} active
 * ones on one resource, the plan of the library's own statement ({@link Sql#slotTaken} of a new
 * booking, {@link Sql#slotTakenForChange} of a change to a stored one, {@link Sql#calendar}, as the
 * dialect's {@link Sql} writes them, with parameters) names that index
 * and examines a handful of rows. On PostgreSQL the plan checked is the generic plan a prepared
 * statement ends up with, and the custom one.
 *
 * <p>No time is measured: rows examined, as the database reports them ({@code EXPLAIN (ANALYZE)}
 * "Actual Rows" and "Rows Removed by Filter" on PostgreSQL, {@code ANALYZE FORMAT=JSON} "r_rows" on
 * MariaDB, {@code EXPLAIN ANALYZE} "scanCount" on H2), and the pages touched where the database tells
 * (shared buffers hit or read on PostgreSQL, "pages_accessed" on MariaDB). The negative control shows the
 * measure sees
 * the history when the statement cannot use the index: on PostgreSQL the index dropped inside a
 * transaction that is rolled back; on MariaDB the statement forced onto {@code br_booking_calendar_ix};
 * on H2 the statement as it was before the generated column (by resource id and status).
 *
 * <p>The tests share the stores' namespace with the other test classes: they use a tenant of their
 * own and delete its rows when done.
 */
@DisplayName("The overlap check and the calendar read active bookings only, not the resource's past")
class OverlapPlanTest {

    @RegisterExtension
    static final TestDatabases DATABASES = new TestDatabases();

    static final int HISTORY = 2000;
    static final int ACTIVE = 3;
    /**
     * Active bookings of the tenant's other resources: a table holds many, so an index by status alone
     * (MariaDB's reminder index) is no short cut to one resource's active bookings.
     */
    static final int OTHERS_ACTIVE = 300;
    /** Far below the history: the active rows, plus room for a database's own way of counting. */
    private static final int FEW = 20;
    /** Far below the history too: the pages of a few index and row lookups. */
    private static final int FEW_PAGES = 60;

    private static final String TENANT = "plan-clinic";
    private static final String RESOURCE = "plan-dr";
    private static final String OTHER_RESOURCES = "plan-other-";
    private static final Instant NOW = Instant.parse("2026-03-02T09:00:00Z");
    /** A free slot after every active booking: the check must look at every candidate and find none. */
    private static final Instant FREE_START = NOW.plus(Duration.ofDays(10));
    private static final Instant FREE_END = FREE_START.plus(Duration.ofMinutes(45));
    /** The calendar's window: from before the first history row to after the last active booking. */
    private static final Instant WINDOW_START = NOW.minus(Duration.ofDays(400));
    private static final Instant WINDOW_END = NOW.plus(Duration.ofDays(30));

    // ------------------------------------------------------------------------------- the tests

    @EachStore
    @DisplayName("the overlap check of a free slot names br_booking_active_ix and examines the active bookings only")
    void overlapCheckReadsActiveBookingsOnly(Store store) throws SQLException {
        assertActiveBookingsOnly(store, "overlap check", withHistoryLoaded(store, (db, sql) -> {
            assertThat(overlaps(db, sql.slotTaken, FREE_START, FREE_END)).as("the free slot is free").isFalse();
            assertThat(overlaps(db, sql.slotTaken, activeStart(1), activeStart(1).plus(Duration.ofMinutes(10))))
                    .as("a slot inside an active booking overlaps").isTrue();
            assertThat(overlaps(db, sql.slotTaken, historyStart(7), historyStart(7).plus(Duration.ofMinutes(10))))
                    .as("a slot inside a cancelled or completed booking does not").isFalse();
            return plans(db, sql.slotTaken, overlapParameters());
        }));
    }

    @EachStore
    @DisplayName("the overlap check of a change to a stored booking skips that booking, names br_booking_active_ix "
            + "and examines the active bookings only")
    void changeOverlapCheckReadsActiveBookingsOnly(Store store) throws SQLException {
        assertActiveBookingsOnly(store, "overlap check of a change", withHistoryLoaded(store, (db, sql) -> {
            Instant inside = activeStart(1);
            Instant insideEnd = inside.plus(Duration.ofMinutes(10));
            assertThat(overlaps(db, sql.slotTakenForChange, changeParameters("plan-active-1", inside, insideEnd)))
                    .as("a booking's own slot is not taken for a change to it").isFalse();
            assertThat(overlaps(db, sql.slotTakenForChange, changeParameters("plan-active-0", inside, insideEnd)))
                    .as("another active booking's slot is taken").isTrue();
            assertThat(overlaps(db, sql.slotTakenForChange, changeParameters("plan-active-0", FREE_START, FREE_END)))
                    .as("the free slot is free").isFalse();
            return plans(db, sql.slotTakenForChange, changeParameters("plan-active-0", FREE_START, FREE_END));
        }));
    }

    @EachStore
    @DisplayName("the calendar over 14 months names br_booking_active_ix, examines the active bookings only and "
            + "returns exactly them")
    void calendarReadsActiveBookingsOnly(Store store) throws SQLException {
        assertActiveBookingsOnly(store, "calendar", withHistoryLoaded(store, (db, sql) -> {
            assertThat(calendarIds(db, sql.calendar)).containsExactly("plan-active-0", "plan-active-1",
                    "plan-active-2");
            return plans(db, sql.calendar, calendarParameters());
        }));
    }

    @EachStore
    @DisplayName("negative control: kept from the active-bookings index, the same check examines the resource's "
            + "whole past, and the measure shows it")
    void withoutTheIndexTheHistoryIsRead(Store store) throws SQLException {
        List<Plan> plans = withHistoryLoaded(store, (db, sql) -> switch (store) {
            case POSTGRESQL -> withActiveIndexDropped(db, c -> genericPlan(c, sql.slotTaken, overlapParameters()));
            case MARIADB -> List.of(mariaDbPlan(db, sql.slotTaken.replace("FROM br_booking ",
                    "FROM br_booking FORCE INDEX (br_booking_calendar_ix) "), overlapParameters()));
            case H2 -> List.of(h2Plan(db, Sql.POSTGRESQL.slotTaken, overlapParameters()));
        });

        for (Plan plan : plans) {
            report(store, "overlap check without the index (control)", plan);
            assertThat(plan.indexes()).as("%s on %s", plan, store).doesNotContain("br_booking_active_ix");
            assertThat(plan.rowsExamined()).as("%s on %s", plan, store).isGreaterThanOrEqualTo(HISTORY);
            if (plan.pages() >= 0) {
                assertThat(plan.pages()).as("%s on %s", plan, store).isGreaterThan(FEW_PAGES);
            }
        }
    }

    // ------------------------------------------------------------------------------- the data

    /** What a test reads from the store's database while it holds the loaded bookings. */
    @FunctionalInterface
    private interface WhileLoaded {
        List<Plan> read(Database db, Sql sql) throws SQLException;
    }

    /**
     * Loads the bookings of {@link #load} on the store, reads the plans from them, and deletes them
     * whatever happens.
     */
    private static List<Plan> withHistoryLoaded(Store store, WhileLoaded reading) throws SQLException {
        Database db = DATABASES.get(store);
        load(db);
        try {
            return reading.read(db, db.dialect().sql());
        } finally {
            unload(db);
        }
    }

    private static Instant historyStart(int i) {
        return NOW.minus(Duration.ofHours(4L * (i + 1)));
    }

    private static Instant activeStart(int i) {
        return NOW.plus(Duration.ofDays(i + 1L));
    }

    /**
     * The history and the active bookings of one resource, and active bookings of other resources, in
     * batches; then fresh statistics.
     */
    private static void load(Database db) throws SQLException {
        unload(db);
        String[] past = {"COMPLETED", "CANCELLED", "COMPLETED", "NO_SHOW", "COMPLETED", "DECLINED"};
        Sql sql = db.dialect().sql();
        db.insertRows("INSERT INTO br_booking (tenant_id, id, confirmation_code, resource_id, resource_name, "
                + "service_id, service_name, slot_start, slot_end, zone_id, status, payment_status, "
                + "customer_reschedules, claims_slot, version, created_at, updated_at) VALUES (?, ?, ?, ?, 'Dr. Plan', "
                + "'consultation', 'Consultation', ?, ?, 'Europe/Madrid', ?, 'UNPAID', 0, ?, 2, ?, ?)",
                HISTORY + ACTIVE + OTHERS_ACTIVE, (s, i) -> {
                    boolean active = i >= HISTORY;
                    boolean other = i >= HISTORY + ACTIVE;
                    int k = other ? i - HISTORY - ACTIVE : active ? i - HISTORY : i;
                    Instant start = active ? activeStart(k) : historyStart(k);
                    s.setString(1, TENANT);
                    s.setString(2, (other ? "plan-other-" : active ? "plan-active-" : "plan-past-") + k);
                    s.setString(3, String.format(Locale.ROOT, "PLAN%05d", i));
                    s.setString(4, other ? OTHER_RESOURCES + k % 10 : RESOURCE);
                    sql.bindInstant(s, 5, start);
                    sql.bindInstant(s, 6, start.plus(Duration.ofMinutes(45)));
                    s.setString(7, active ? (k % 2 == 0 ? "PENDING" : "CONFIRMED") : past[k % past.length]);
                    s.setBoolean(8, true);
                    sql.bindInstant(s, 9, NOW.minus(Duration.ofDays(500)));
                    sql.bindInstant(s, 10, NOW);
                });
        db.execute(db.store() == Store.POSTGRESQL ? "ANALYZE br_booking" : "ANALYZE TABLE br_booking");
        assertThat(db.count("SELECT COUNT(*) FROM br_booking WHERE tenant_id = ? AND resource_id = ?", TENANT,
                RESOURCE)).as("loaded").isEqualTo(HISTORY + ACTIVE);
        assertThat(db.count("SELECT COUNT(*) FROM br_booking WHERE tenant_id = ? AND status IN ('PENDING', "
                + "'CONFIRMED')", TENANT)).as("loaded").isEqualTo(ACTIVE + OTHERS_ACTIVE);
    }

    private static void unload(Database db) {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement s = c.prepareStatement("DELETE FROM br_booking WHERE tenant_id = ?")) {
            s.setString(1, TENANT);
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("deleting the plan test's rows failed: SQLState " + e.getSQLState(), e);
        }
    }

    /** The parameters of {@link Sql#slotTaken}, for a new booking in the free slot. */
    private static List<Object> overlapParameters() {
        return overlapParameters(FREE_START, FREE_END);
    }

    /**
     * The parameters of {@link Sql#slotTaken} for a new booking of [start, end): the bookings' half,
     * then the holds' half (none excepted).
     */
    private static List<Object> overlapParameters(Instant start, Instant end) {
        return List.of(TENANT, RESOURCE, end, start, TENANT, RESOURCE, end, start, NOW, "");
    }

    /**
     * The parameters of {@link Sql#slotTakenForChange} for a stored booking moved to [start, end): the
     * bookings' half with the booking excepted, then the holds' half (none excepted).
     */
    private static List<Object> changeParameters(String bookingId, Instant start, Instant end) {
        return List.of(TENANT, RESOURCE, bookingId, end, start, TENANT, RESOURCE, end, start, NOW, "");
    }

    /** (tenant, resource, end, start) of {@link Sql#calendar}. */
    private static List<Object> calendarParameters() {
        return List.of(TENANT, RESOURCE, WINDOW_END, WINDOW_START);
    }

    private static boolean overlaps(Database db, String statement, Instant start, Instant end) throws SQLException {
        return overlaps(db, statement, overlapParameters(start, end));
    }

    private static boolean overlaps(Database db, String statement, List<Object> parameters) throws SQLException {
        try (Connection c = db.dataSource().getConnection(); PreparedStatement s = c.prepareStatement(statement)) {
            bind(db, s, parameters);
            try (ResultSet r = s.executeQuery()) {
                return r.next();
            }
        }
    }

    private static List<String> calendarIds(Database db, String statement) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection(); PreparedStatement s = c.prepareStatement(statement)) {
            bind(db, s, calendarParameters());
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    ids.add(r.getString("id"));
                }
            }
        }
        return ids;
    }

    private static void bind(Database db, PreparedStatement s, List<Object> parameters) throws SQLException {
        for (int i = 0; i < parameters.size(); i++) {
            Object p = parameters.get(i);
            if (p instanceof Instant instant) {
                db.dialect().sql().bindInstant(s, i + 1, instant);
            } else {
                s.setString(i + 1, (String) p);
            }
        }
    }

    // ------------------------------------------------------------------------------- the plans

    /**
     * What one plan of a statement read from {@code br_booking}.
     *
     * @param kind which plan (generic, custom, ...)
     * @param indexes the indexes it scans, lower case
     * @param rowsExamined the rows it read from them before its filters, as the database counts them
     * @param pages the pages it touched, where the database tells (PostgreSQL's shared buffers hit or
     *     read by the scans, MariaDB's pages accessed), else -1
     * @param text the plan as the database printed it, for the failure message
     */
    record Plan(String kind, List<String> indexes, long rowsExamined, long pages, String text) {
        @Override
        public String toString() {
            return kind + " plan using " + indexes + ", " + rowsExamined + " rows examined, " + pages + " pages:\n"
                    + text;
        }
    }

    private static List<Plan> plans(Database db, String statement, List<Object> parameters) throws SQLException {
        return switch (db.store()) {
            case POSTGRESQL -> {
                try (Connection c = db.dataSource().getConnection()) {
                    yield List.of(genericPlan(c, statement, parameters), customPlan(db, c, statement, parameters));
                }
            }
            case MARIADB -> List.of(mariaDbPlan(db, statement, parameters));
            case H2 -> List.of(h2Plan(db, statement, parameters));
        };
    }

    @FunctionalInterface
    private interface PlanOnConnection {
        Plan on(Connection c) throws SQLException;
    }

    /** PostgreSQL: the plan with {@code br_booking_active_ix} dropped, in a transaction rolled back after. */
    private static List<Plan> withActiveIndexDropped(Database db, PlanOnConnection plan) throws SQLException {
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try {
                try (Statement s = c.createStatement()) {
                    s.execute("DROP INDEX br_booking_active_ix");
                }
                return List.of(plan.on(c));
            } finally {
                c.rollback();
                c.setAutoCommit(true);
            }
        }
    }

    /** Each plan names the active-bookings index and examines a few rows and pages only; each is reported. */
    private static void assertActiveBookingsOnly(Store store, String what, List<Plan> plans) {
        for (Plan plan : plans) {
            report(store, what, plan);
            assertThat(plan.indexes()).as("%s on %s", plan, store).contains("br_booking_active_ix");
            assertThat(plan.rowsExamined()).as("%s on %s", plan, store).isLessThanOrEqualTo(FEW);
            assertThat(plan.pages()).as("%s on %s", plan, store).isLessThanOrEqualTo(FEW_PAGES);
        }
    }

    /**
     * PostgreSQL's generic plan of the statement, the one a prepared statement settles on once the
     * driver and the server have seen it often enough ({@code plan_cache_mode = force_generic_plan}
     * skips the first custom plans): the parameters are unknown when it is made, so only the status
     * filter written in the statement can match the partial index's predicate.
     */
    static Plan genericPlan(Connection c, String statement, List<Object> parameters) throws SQLException {
        StringBuilder numbered = new StringBuilder();
        int n = 0;
        for (char ch : statement.toCharArray()) {
            numbered.append(ch == '?' ? "$" + ++n : String.valueOf(ch));
        }
        StringBuilder arguments = new StringBuilder();
        for (Object p : parameters) {
            String literal = p instanceof Instant instant ? instant.atOffset(ZoneOffset.UTC).toString() : (String) p;
            arguments.append(arguments.length() == 0 ? "" : ", ").append('\'').append(literal.replace("'", "''"))
                    .append('\'');
        }
        try (Statement s = c.createStatement()) {
            s.execute("SET plan_cache_mode = force_generic_plan");
            s.execute("PREPARE br_plan_test AS " + numbered);
            try (ResultSet r = s.executeQuery("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) EXECUTE br_plan_test("
                    + arguments + ")")) {
                r.next();
                return postgresPlan("generic", r.getString(1));
            } finally {
                s.execute("DEALLOCATE br_plan_test");
                s.execute("RESET plan_cache_mode");
            }
        }
    }

    /** PostgreSQL's custom plan: the statement with its parameters bound, as the driver first sends it. */
    private static Plan customPlan(Database db, Connection c, String statement, List<Object> parameters)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + statement)) {
            bind(db, s, parameters);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return postgresPlan("custom", r.getString(1));
            }
        }
    }

    private static final Pattern PG_NODE_INDEX = Pattern.compile("\"Index Name\": \"([^\"]+)\"");
    private static final Pattern PG_ROWS = Pattern.compile("\"Actual Rows\": (\\d+)");
    private static final Pattern PG_REMOVED = Pattern.compile("\"Rows Removed by (?:Filter|Index Recheck)\": (\\d+)");
    private static final Pattern PG_LOOPS = Pattern.compile("\"Actual Loops\": (\\d+)");
    private static final Pattern PG_BLOCKS = Pattern.compile("\"Shared (?:Hit|Read) Blocks\": (\\d+)");

    /**
     * The indexes in PostgreSQL's JSON plan, and what its scans of {@code br_booking} examined. Each
     * node's own fields come before its children ({@code "Plans"}), so the text between one
     * {@code "Node Type"} and the next holds one node's fields. Rows examined: the rows a scan returned
     * plus those its filter (or a bitmap's recheck) removed, times its loops.
     */
    private static Plan postgresPlan(String kind, String json) {
        List<String> indexes = new ArrayList<>();
        long examined = 0;
        long blocks = 0;
        for (String node : json.split("\"Node Type\"")) {
            Matcher index = PG_NODE_INDEX.matcher(node);
            if (index.find()) {
                indexes.add(index.group(1).toLowerCase(Locale.ROOT));
            }
            if (node.contains("\"Relation Name\": \"br_booking\"")) {
                long loops = Math.max(1, sum(PG_LOOPS, node));
                examined += (sum(PG_ROWS, node) + sum(PG_REMOVED, node)) * loops;
                // A scan node's buffers include those of its children (a bitmap's index scan).
                blocks += sum(PG_BLOCKS, node.split("\"Planning\"")[0]);
            }
        }
        return new Plan(kind, indexes, examined, blocks, json);
    }

    private static final Pattern MARIADB_KEY = Pattern.compile("\"key\": \"([^\"]+)\"");
    private static final Pattern MARIADB_ROWS = Pattern.compile("\"r_rows\": ([0-9.]+)");
    private static final Pattern MARIADB_PAGES = Pattern.compile("\"pages_accessed\": (\\d+)");

    /**
     * MariaDB's plan, run: {@code ANALYZE FORMAT=JSON}. The r_rows of a table is the rows its access
     * method read (per loop; one loop here), before the WHERE is applied; it is the first r_rows after
     * the table's opening (a filesort around it has an r_rows of its own, the sorted rows).
     */
    private static Plan mariaDbPlan(Database db, String statement, List<Object> parameters) throws SQLException {
        String kind = "ANALYZE FORMAT=JSON";
        String json = explained(db, kind, statement, parameters);
        double rows = 0;
        for (String table : json.split("\"table\": \\{")) {
            Matcher m = MARIADB_ROWS.matcher(table);
            if (table.contains("\"table_name\": \"br_booking\"") && m.find()) {
                rows += Double.parseDouble(m.group(1));
            }
        }
        return new Plan(kind, names(MARIADB_KEY, json), Math.round(rows), sum(MARIADB_PAGES, json), json);
    }

    private static final Pattern H2_INDEX = Pattern.compile("/\\* PUBLIC\\.([A-Z0-9_]+)[:. ]");
    private static final Pattern H2_SCAN_COUNT = Pattern.compile("scanCount: (\\d+)");

    /** H2's {@code EXPLAIN ANALYZE}: the index in the comment after the table, and its scan count. */
    private static Plan h2Plan(Database db, String statement, List<Object> parameters) throws SQLException {
        String kind = "EXPLAIN ANALYZE";
        String text = explained(db, kind, statement, parameters);
        return new Plan(kind, names(H2_INDEX, text), sum(H2_SCAN_COUNT, text), -1, text);
    }

    /** The plan's text: the statement run behind the explaining command, the first column of the first row. */
    private static String explained(Database db, String command, String statement, List<Object> parameters)
            throws SQLException {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement s = c.prepareStatement(command + " " + statement)) {
            bind(db, s, parameters);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getString(1);
            }
        }
    }

    /** Each match's first group in the text, in lower case, in order. */
    private static List<String> names(Pattern pattern, String text) {
        List<String> names = new ArrayList<>();
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            names.add(m.group(1).toLowerCase(Locale.ROOT));
        }
        return names;
    }

    private static void report(Store store, String what, Plan plan) {
        System.out.printf(Locale.ROOT, "[OverlapPlanTest] %s, %s, %s plan: indexes %s, %d rows examined, %s pages "
                + "(%d bookings of the resource in the past, %d active)%n", store, what, plan.kind(), plan.indexes(),
                plan.rowsExamined(), plan.pages() < 0 ? "?" : String.valueOf(plan.pages()), HISTORY, ACTIVE);
    }

    private static long sum(Pattern pattern, String text) {
        long total = 0;
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            total += Long.parseLong(m.group(1));
        }
        return total;
    }
}
