package org.bookingrules.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.bookingrules.Permissions;
import org.bookingrules.links.TokenCheck;
import org.bookingrules.rules.Decision;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Runs the JMH benchmark bodies once without JMH (smoke), so a change that breaks their setup
 * or makes them measure a refusal instead of the happy path shows up in the test suite.
 */
@DisplayName("The decision benchmarks measure what they say (smoke)")
class DecisionBenchmarksSmokeTest {

    private final DecisionBenchmarks bench = new DecisionBenchmarks();

    @BeforeEach
    void setUp() {
        bench.setUp();
    }

    @Test
    @DisplayName("policyDecision: the customer's cancel rules allow the cancel, until 24 hours before the start")
    void policyDecisionAllows() {
        Decision decision = bench.policyDecision();

        assertThat(decision.isAllowed()).isTrue();
        assertThat(((Decision.Allowed) decision).until())
                .isEqualTo(DecisionBenchmarks.NOW.plus(java.time.Duration.ofDays(2)));
    }

    @Test
    @DisplayName("permissions: the customer may cancel, reschedule, confirm and decline")
    void permissionsAllowEverything() {
        Permissions permissions = bench.permissions();

        assertThat(permissions.canCancel()).isTrue();
        assertThat(permissions.canReschedule()).isTrue();
        assertThat(permissions.canConfirm()).isTrue();
        assertThat(permissions.canDecline()).isTrue();
    }

    @Test
    @DisplayName("verifyToken: a valid manage token verifies")
    void tokenVerifies() {
        assertThat(bench.verifyToken()).isInstanceOf(TokenCheck.Valid.class);
    }

    @Test
    @DisplayName("MemoryBenchmark.measure runs on a small load")
    void memoryMeasureRuns() {
        assertThat(MemoryBenchmark.measure(2_000, 10, true)).isFinite();
    }
}
