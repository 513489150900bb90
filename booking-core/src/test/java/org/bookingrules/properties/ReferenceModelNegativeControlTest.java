package org.bookingrules.properties;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.function.Function;
import org.bookingrules.properties.LifecyclePropertiesTest.PolicySpec;
import org.bookingrules.properties.LifecyclePropertiesTest.Run;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Negative controls of the lifecycle property (STYLE 13): the random sequences of
 * {@link LifecyclePropertiesTest} with a rule that refuses too often. Its invariants alone let such a
 * rule pass (nothing forbidden ever happens, only less than is allowed); compared with the
 * {@link ReferenceRules}, every decision of which is checked, the same sequences fail. A fixed seed
 * keeps the controls repeatable.
 */
@DisplayName("Lifecycle properties: negative controls of the reference model")
class ReferenceModelNegativeControlTest {

    private static final long SEED = 20_260_302L;

    /** The facade's policy with one customer reschedule fewer: a rule that refuses one reschedule too early. */
    private static PolicySpec oneRescheduleFewer(PolicySpec spec) {
        return new PolicySpec(spec.noticeHours(), Math.max(0, spec.maxReschedules() - 1), spec.unpaidOnly(),
                spec.lateFee(), spec.reminderLeadHours());
    }

    /** Plays the property's sequences with the run each generated policy makes. */
    private static void play(Function<PolicySpec, Run> runs) {
        qt().withFixedSeed(SEED).withExamples(LifecyclePropertiesTest.SEQUENCES).withShrinkCycles(0)
                .forAll(LifecyclePropertiesTest.policies(),
                        lists().of(LifecyclePropertiesTest.steps()).ofSizeBetween(1, LifecyclePropertiesTest.MAX_STEPS))
                .checkAssert((spec, steps) -> runs.apply(spec).play(steps));
    }

    @Test
    @DisplayName("R9 control: a facade that allows one customer reschedule fewer than its policy keeps every "
            + "invariant, so the invariants alone cannot catch a rule that refuses too often")
    void invariantsAlonePassARuleThatRefusesTooOften() {
        assertThatCode(() -> play(spec -> new Run(oneRescheduleFewer(spec), null))).doesNotThrowAnyException();
    }

    @Test
    @DisplayName("R9 negative control: the same facade fails against the reference model of the real policy, "
            + "on a reschedule it refused with RESCHEDULE_LIMIT_REACHED")
    void theReferenceModelCatchesARuleThatRefusesTooOften() {
        assertThatThrownBy(() -> play(spec -> new Run(oneRescheduleFewer(spec), ReferenceRules.of(spec))))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("the reference model's decision")
                .hasMessageContaining("RESCHEDULE_LIMIT_REACHED");
    }

    @Test
    @DisplayName("R9 negative control: a reference model told one reschedule fewer than the facade's policy "
            + "fails the property")
    void aModelWithOneRescheduleFewerFails() {
        assertThatThrownBy(() -> play(spec -> new Run(spec,
                ReferenceRules.of(spec).withMaxCustomerReschedules(spec.maxReschedules() - 1))))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("the reference model's decision")
                .hasMessageContaining("RESCHEDULE_LIMIT_REACHED");
    }

    @Test
    @DisplayName("R9 R13 negative control: a reference model that forgets the late fee, refusing every late "
            + "customer cancellation, fails the property")
    void aModelWithoutTheLateFeeFails() {
        assertThatThrownBy(() -> play(spec -> new Run(spec, ReferenceRules.of(spec).withoutLateFee())))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("the reference model's decision")
                .hasMessageContaining("CANCELLATION_NOTICE_PASSED");
    }
}
