package org.bookingrules.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The labels of the load benchmark's call profile, which BENCHMARKS.md quotes: a statement is named by
 * its verb and table, and PostgreSQL's one statement for a change's events and outbox rows by both
 * tables it inserts into.
 */
@DisplayName("The call profile names each statement by its verb and table")
class CallCounterTest {

    @Test
    @DisplayName("plain statements: verb, table and what the SELECT checks")
    void plainStatements() {
        assertThat(CallCounter.label("SELECT resource_id FROM br_resource_lock WHERE tenant_id = ? FOR UPDATE"))
                .isEqualTo("sql SELECT br_resource_lock FOR UPDATE");
        assertThat(CallCounter.label("INSERT INTO br_outbox (tenant_id) VALUES (?)")).isEqualTo("sql INSERT br_outbox");
        assertThat(CallCounter.label("UPDATE br_booking SET status = ? WHERE id = ?")).isEqualTo("sql UPDATE br_booking");
    }

    @Test
    @DisplayName("a WITH that inserts into two tables is named by both, as one statement")
    void dataModifyingWith() {
        assertThat(CallCounter.label("WITH appended_events AS (INSERT INTO br_booking_event (a) VALUES (?)) "
                + "INSERT INTO br_outbox (a) SELECT d.a FROM (SELECT ? AS a) d"))
                .isEqualTo("sql INSERT br_booking_event + INSERT br_outbox (one WITH statement)");
    }
}
