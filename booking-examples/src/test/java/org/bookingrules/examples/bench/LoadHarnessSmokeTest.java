package org.bookingrules.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import org.bookingrules.examples.bench.LoadHarness.Operation;
import org.bookingrules.examples.bench.LoadHarness.Profile;
import org.bookingrules.examples.bench.LoadHarness.Result;
import org.bookingrules.examples.bench.LoadHarness.Settings;
import org.bookingrules.examples.bench.LoadHarness.Side;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A tiny run of the load benchmark on H2 so it keeps working: it must complete, every
 * operation must succeed, and the counts and the rows written must match what was run. No timing is
 * asserted: the figures belong in BENCHMARKS.md, from a real run.
 */
@DisplayName("The load benchmark runs on H2 and every operation it counts was done (smoke)")
class LoadHarnessSmokeTest {

    @ParameterizedTest(name = "{0} thread(s)")
    @ValueSource(ints = {1, 2})
    @DisplayName("library and hand-written book and cancel, alternated: all succeed, counts and rows match")
    void smallRunCompletesWithRightCounts(int threads) throws Exception {
        Settings settings = new Settings(threads, 40, 2, 1);
        try (BenchDatabase db = BenchDatabase.h2(8)) {
            Result result = new LoadHarness(db).run(settings);

            assertThat(result.failures()).as("failures, first: %s", result.firstFailure()).isZero();
            long measuredPerSide = (long) settings.opsPerThread() * threads * settings.rounds();
            for (Side side : Side.values()) {
                for (Operation op : Operation.values()) {
                    assertThat(result.of(side, op).ops()).as("%s %s", side, op).isEqualTo(measuredPerSide);
                    assertThat(result.of(side, op).latency().getTotalCount()).isEqualTo(measuredPerSide);
                    assertThat(result.of(side, op).nanos()).isPositive();
                }
            }
            long allBookings = 2L * settings.opsPerThread() * threads * (settings.rounds() + settings.warmupRounds());
            assertThat(result.bookingsWritten()).isEqualTo(allBookings);
            assertThat(db.count("SELECT COUNT(*) FROM br_booking")).isEqualTo(allBookings);
            assertThat(db.count("SELECT COUNT(*) FROM br_booking WHERE status = 'CANCELLED'")).isEqualTo(allBookings);
            assertThat(db.count("SELECT COUNT(*) FROM br_booking_event")).isEqualTo(2 * allBookings);
            assertThat(db.count("SELECT COUNT(*) FROM br_outbox")).isEqualTo(4 * allBookings);
            assertThat(LoadBenchmark.markdown(List.of(result))).contains("| H2 | " + threads + " | book |");
        }
    }

    @Test
    @DisplayName("connections come from HikariCP, as they are while nothing is counted, through the counter while it is set")
    void connectionsComeFromHikariAndAreCountedOnlyWhenAsked() throws Exception {
        try (BenchDatabase db = BenchDatabase.h2(2)) {
            assertThat(db.dataSource().isWrapperFor(HikariDataSource.class)).isTrue();
            try (Connection c = db.dataSource().getConnection()) {
                assertThat(c.getClass().getName()).startsWith("com.zaxxer.hikari.");
            }

            CallCounter calls = new CallCounter();
            db.countCalls(calls);
            try (Connection c = db.dataSource().getConnection();
                 PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM br_booking");
                 ResultSet r = s.executeQuery()) {
                assertThat(c.getClass().getName()).doesNotStartWith("com.zaxxer.hikari.");
                assertThat(r.next()).isTrue();
            }
            db.countCalls(null);
            try (Connection c = db.dataSource().getConnection();
                 PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM br_booking")) {
                s.executeQuery().close();
                assertThat(c.getClass().getName()).startsWith("com.zaxxer.hikari.");
            }

            assertThat(calls.snapshot()).isEqualTo(Map.of("sql SELECT br_booking", 1L));
        }
    }

    @Test
    @DisplayName("the database-call profile counts every side's statements and commits")
    void profileCountsCalls() throws Exception {
        try (BenchDatabase db = BenchDatabase.h2(4)) {
            List<Profile> profiles = new LoadHarness(db).profile(5);

            assertThat(profiles).hasSize(4);
            for (Profile p : profiles) {
                assertThat(p.calls()).as("%s %s", p.side(), p.operation()).containsEntry("commit", 5L);
                assertThat(p.callsPerOp()).isGreaterThanOrEqualTo(4);
            }
            assertThat(db.count("SELECT COUNT(*) FROM br_booking WHERE status = 'CANCELLED'")).isEqualTo(10);
        }
    }
}
