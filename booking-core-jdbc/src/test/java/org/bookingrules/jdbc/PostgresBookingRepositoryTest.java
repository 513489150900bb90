package org.bookingrules.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import org.bookingrules.jdbc.TestDatabases.Store;
import org.bookingrules.spi.SlotClaim;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The repository contract on PostgreSQL. Runs when
 * {@code BOOKING_TEST_POSTGRES_URL} is set (see {@link TestDatabases}), skipped otherwise, and fails
 * when it is set and the server cannot be reached, or when it is unset in CI.
 */
@DisplayName("JdbcBookingRepository on PostgreSQL keeps the repository contract")
class PostgresBookingRepositoryTest extends CommonJdbcRepositoryContract {

    PostgresBookingRepositoryTest() {
        super(Store.POSTGRESQL);
    }

    @Test
    @DisplayName("R10 second wall: the exclusion constraint is installed in the tests' own schema and refuses an "
            + "overlapping active row written past the lock (SQLState 23P01)")
    void exclusionConstraintRefusesAnOverlapThatBypassesTheLock() throws SQLException {
        assertThat(database().count("SELECT COUNT(*) FROM pg_constraint WHERE conname = 'br_booking_no_overlap' "
                + "AND conrelid = to_regclass('br_booking')")).as("constraint on br_booking in the class's own schema")
                .isEqualTo(1);
        insert(spec(TENANT_A, RUIZ, hours(10, 11)));
        var overlapping = insertOf(spec(TENANT_A, RUIZ, hours(10, 11)), SlotClaim.EXCLUSIVE).booking();

        assertThatThrownBy(() -> rawInsert(overlapping.tenantId(), overlapping.id(), overlapping.start(),
                overlapping.end(), true))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("23P01"));
        // A row that does not claim its slot (R12, staff back-dating) is exempt from the constraint.
        rawInsert(overlapping.tenantId(), overlapping.id(), overlapping.start(), overlapping.end(), false);
    }

    private void rawInsert(String tenant, String id, Instant start, Instant end, boolean claims)
            throws SQLException {
        try (Connection c = database().dataSource().getConnection();
             PreparedStatement s = c.prepareStatement("INSERT INTO br_booking (tenant_id, id, confirmation_code, "
                     + "resource_id, resource_name, service_id, service_name, slot_start, slot_end, zone_id, status, "
                     + "payment_status, customer_reschedules, claims_slot, version, created_at, updated_at) "
                     + "VALUES (?, ?, ?, ?, 'Dr. Ruiz', 'consultation', 'Consultation', ?, ?, 'UTC', 'PENDING', "
                     + "'UNPAID', 0, ?, 1, ?, ?)")) {
            s.setString(1, tenant);
            s.setString(2, id);
            s.setString(3, "RAW" + Math.abs(id.hashCode() % 100000));
            s.setString(4, RUIZ.id());
            Sql.POSTGRESQL.bindInstant(s, 5, start);
            Sql.POSTGRESQL.bindInstant(s, 6, end);
            s.setBoolean(7, claims);
            Sql.POSTGRESQL.bindInstant(s, 8, BOOKED_AT);
            Sql.POSTGRESQL.bindInstant(s, 9, BOOKED_AT);
            s.executeUpdate();
        }
    }
}
