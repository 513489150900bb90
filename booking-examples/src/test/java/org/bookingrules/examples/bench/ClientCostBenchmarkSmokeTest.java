package org.bookingrules.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Runs the CPU-cost benchmark on H2 for a few operations (smoke): both sides book and cancel without
 * failing and it prints one row per operation. No figure is asserted.
 */
@DisplayName("The CPU-cost benchmark runs both sides on H2 (smoke)")
class ClientCostBenchmarkSmokeTest {

    @Test
    void runsOnH2() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            ClientCostBenchmark.main(new String[] {"--db=h2", "--ops=20", "--rounds=2", "--warmup=1"});
        } finally {
            System.setOut(original);
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains("| H2 | book | ").contains("| H2 | cancel | ");
    }
}
