package org.bookingrules.internal.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * A rule test given as a table of {@link RuleFacts.Case}s: each case is one test, named for the
 * rule it proves, that passes when the rule decides what the case expects.
 */
interface DecisionTable {

    /**
     * The cases of the table.
     *
     * @return the cases, each named with its rule number
     */
    Stream<RuleFacts.Case> cases();

    @TestFactory
    @DisplayName("each rule alone decides as the table says")
    default Stream<DynamicTest> decisions() {
        return cases().map(c -> dynamicTest(c.name(), () -> assertThat(c.actual()).isEqualTo(c.expected())));
    }
}
