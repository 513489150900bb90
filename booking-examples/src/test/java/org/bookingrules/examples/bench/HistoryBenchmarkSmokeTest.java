package org.bookingrules.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.bookingrules.examples.bench.HistoryBenchmark.Plan;
import org.bookingrules.examples.bench.HistoryBenchmark.Point;
import org.bookingrules.examples.bench.HistoryBenchmark.Report;
import org.bookingrules.examples.bench.HistoryBenchmark.Settings;
import org.bookingrules.examples.bench.LoadHarness.Operation;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A tiny run of the history benchmark on H2 so it keeps working: a few hundred history rows against an
 * empty table, every operation must succeed, the counts must match what was run, every round's rows are
 * deleted after it, and the plans name the active-bookings index. No timing is asserted: the figures belong in
 * BENCHMARKS.md, from a real run.
 */
@DisplayName("The history benchmark runs on H2: history loaded, every operation done, plans on the active index "
        + "(smoke)")
class HistoryBenchmarkSmokeTest {

    private static final int HISTORY = 300;

    @Test
    @DisplayName("0 and 300 rows of history against an empty table, 1 and 2 threads: all done, counts match, "
            + "plans on the active index, every round's rows deleted")
    void smallRunCompletes() throws Exception {
        Settings settings = new Settings(List.of(0L, (long) HISTORY), List.of(1, 2), 20, 2, 1, false);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (BenchDatabase empty = BenchDatabase.h2(4); BenchDatabase loaded = BenchDatabase.h2(4);
             PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
            Report report = HistoryBenchmark.run(empty, loaded, settings, out);

            assertThat(report.failures()).as("failures; printed:%n%s", printed).isZero();
            assertThat(report.points()).extracting(Point::history).containsExactly(0L, 0L, (long) HISTORY,
                    (long) HISTORY);
            assertThat(report.points()).extracting(Point::threads).containsExactly(1, 2, 1, 2);
            for (Point p : report.points()) {
                for (Operation op : Operation.values()) {
                    assertThat(p.empty().get(op).ops()).as("%s %s", p, op).isEqualTo(2 * 20);
                    assertThat(p.loaded().get(op).ops()).as("%s %s", p, op).isEqualTo(2 * 20);
                    assertThat(p.loaded().get(op).roundThroughputs()).hasSize(2);
                    assertThat(p.ratio(op)).isPositive();
                    assertThat(p.medianRoundRatio(op)).isPositive();
                }
            }
            assertThat(report.plans()).hasSize(4).allSatisfy(plan -> {
                assertThat(plan.index()).as("%s", plan).isEqualTo("br_booking_active_ix");
                assertThat(plan.rowsExamined()).as("%s", plan).isLessThan(10);
            });
            assertThat(report.plans()).extracting(Plan::statement).containsExactly("overlap check", "calendar",
                    "overlap check", "calendar");
            assertThat(loaded.count("SELECT COUNT(*) FROM br_booking")).as("the history, and no round's rows")
                    .isEqualTo(HISTORY);
            assertThat(empty.count("SELECT COUNT(*) FROM br_booking")).isZero();
            assertThat(loaded.count("SELECT COUNT(*) FROM br_outbox") + empty.count("SELECT COUNT(*) FROM br_outbox"))
                    .isZero();
            assertThat(HistoryBenchmark.markdown(List.of(report))).contains("| H2 | 300 | 2 |");
            assertThat(HistoryBenchmark.planTable(List.of(report))).contains("| H2 | 300 | overlap check | "
                    + "`br_booking_active_ix` |");
        }
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("history: 300 rows");
    }

    @Test
    @DisplayName("the history rows are completed or cancelled, in the past, spread over the workload's resources")
    void historyRows() throws Exception {
        try (BenchDatabase db = BenchDatabase.h2(2)) {
            java.time.Instant now = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.HOURS);
            HistoryBenchmark.loadHistory(db, now, 0, HISTORY);
            HistoryBenchmark.loadHistory(db, now, HISTORY, HISTORY + 10);

            assertThat(db.count("SELECT COUNT(*) FROM br_booking")).isEqualTo(HISTORY + 10);
            assertThat(db.count("SELECT COUNT(DISTINCT resource_id) FROM br_booking")).isEqualTo(Workload.RESOURCES);
            assertThat(db.count("SELECT COUNT(*) FROM br_booking WHERE status NOT IN ('COMPLETED', 'CANCELLED')"))
                    .isZero();
            assertThat(db.count("SELECT COUNT(*) FROM br_booking WHERE status = 'CANCELLED'")).isEqualTo(62);
            assertThat(db.count("SELECT COUNT(*) FROM br_booking WHERE slot_end > CURRENT_TIMESTAMP")).isZero();
            assertThat(db.count("SELECT COUNT(*) FROM br_booking WHERE active_resource_id IS NOT NULL")).isZero();
            assertThat(db.count("SELECT COUNT(*) FROM br_booking WHERE resource_id = 'dr-05' AND id = 'past-5'"))
                    .isEqualTo(1);
        }
    }
}
