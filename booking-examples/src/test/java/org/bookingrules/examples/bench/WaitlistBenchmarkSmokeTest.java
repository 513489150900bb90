package org.bookingrules.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A tiny run of the cancellation-list benchmark on H2 so it keeps working: every measured slot is
 * offered, each hold is released so the list keeps its length, and the candidates query's plan names
 * its index. No timing is asserted: the figures belong in BENCHMARKS.md, from a real run.
 */
@DisplayName("The cancellation-list benchmark runs on H2: every slot offered, the plan on the candidates index (smoke)")
class WaitlistBenchmarkSmokeTest {

    @Test
    @DisplayName("200 waiting entries, 10 measured offers: all offered, 30 holds released, the plan names the index")
    void smallRunCompletes() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (BenchDatabase db = BenchDatabase.h2(4);
             PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
            WaitlistBenchmark.Result r = WaitlistBenchmark.run(db, 200, 10, out);

            assertThat(r.offered()).isEqualTo(10);
            assertThat(r.medianMillis()).isPositive();
            assertThat(db.count("SELECT COUNT(*) FROM br_slot_hold WHERE status = 'RELEASED'")).as("20 warm-up + 10")
                    .isEqualTo(30);
            assertThat(db.count("SELECT COUNT(*) FROM br_slot_offer WHERE status = 'WITHDRAWN'")).isEqualTo(30);
            assertThat(db.count("SELECT COUNT(*) FROM br_waitlist_entry WHERE status = 'WAITING'"))
                    .as("every entry waits again").isEqualTo(200);
            assertThat(db.count("SELECT COUNT(*) FROM br_waitlist_entry")).isEqualTo(200);
            assertThat(String.join("\n", r.plan())).containsIgnoringCase("br_waitlist_entry_candidates_ix");
            assertThat(WaitlistBenchmark.markdown(List.of(r))).contains("| H2 | 200 | 10 |");
        }
    }
}
