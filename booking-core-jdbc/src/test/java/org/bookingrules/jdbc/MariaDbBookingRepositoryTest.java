package org.bookingrules.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import org.bookingrules.jdbc.TestDatabases.Store;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The repository contract on MariaDB, with a non-UTC session time zone
 * (STYLE 11). Runs when {@code BOOKING_TEST_MARIADB_URL} is set (see {@link TestDatabases}),
 * skipped otherwise, and fails when it is set and the server cannot be reached, or unset in CI.
 */
@DisplayName("JdbcBookingRepository on MariaDB keeps the repository contract")
class MariaDbBookingRepositoryTest extends CommonJdbcRepositoryContract {

    MariaDbBookingRepositoryTest() {
        super(Store.MARIADB);
    }

    @Test
    @DisplayName("STYLE 11 the session time zone is not UTC, and instants are still stored as UTC wall time")
    void sessionZoneIsNotUtcAndStorageIsUtc() {
        assertThat(database().text("SELECT @@session.time_zone")).isIn(TestDatabases.SESSION_ZONE,
                TestDatabases.MARIADB_FALLBACK_OFFSET);
        var booking = insert(spec(TENANT_A, RUIZ, slot("2026-03-10T10:00:00.000001Z", "2026-03-10T11:00:00Z")));

        assertThat(database().text("SELECT CAST(slot_start AS CHAR) FROM br_booking WHERE id = '" + booking.id() + "'"))
                .isEqualTo("2026-03-10 10:00:00.000001");
    }
}
