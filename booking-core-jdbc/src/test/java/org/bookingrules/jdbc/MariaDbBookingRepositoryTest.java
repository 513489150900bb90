package org.bookingrules.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import org.bookingrules.jdbc.TestDatabases.Database;
import org.bookingrules.spi.BookingRepository;
import org.bookingrules.spi.BookingRepositoryContract;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The repository contract on MariaDB, with a non-UTC session time zone
 * (STYLE 11). Runs when {@code BOOKING_TEST_MARIADB_URL} is set (see {@link TestDatabases}),
 * skipped otherwise, and fails when it is set and the server cannot be reached, or unset in CI.
 */
@DisplayName("JdbcBookingRepository on MariaDB keeps the repository contract")
class MariaDbBookingRepositoryTest extends BookingRepositoryContract {

    @RegisterExtension
    static final TestDatabases DATABASES = new TestDatabases();

    private Database database;

    @Override
    protected BookingRepository newRepository() {
        // Asked before every test, not once in @BeforeAll: an unset variable then shows in the Surefire
        // report as each test skipped with the message, not as a class with zero tests.
        database = DATABASES.mariadb();
        database.clean();
        return JdbcBookingRepository.create(database.dataSource());
    }

    @Test
    @DisplayName("the dialect is detected as MariaDB from the database's metadata")
    void dialectIsDetected() {
        assertThat(((JdbcBookingRepository) repository()).dialect()).isEqualTo(JdbcDialect.MARIADB);
    }

    @Test
    @DisplayName("STYLE 11 the session time zone is not UTC, and instants are still stored as UTC wall time")
    void sessionZoneIsNotUtcAndStorageIsUtc() {
        assertThat(database.text("SELECT @@session.time_zone")).isIn(TestDatabases.SESSION_ZONE,
                TestDatabases.MARIADB_FALLBACK_OFFSET);
        var booking = insert(spec(TENANT_A, RUIZ, slot("2026-03-10T10:00:00.000001Z", "2026-03-10T11:00:00Z")));

        assertThat(database.text("SELECT CAST(slot_start AS CHAR) FROM br_booking WHERE id = '" + booking.id() + "'"))
                .isEqualTo("2026-03-10 10:00:00.000001");
    }
}
