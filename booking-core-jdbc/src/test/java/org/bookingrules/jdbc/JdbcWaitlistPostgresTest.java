package org.bookingrules.jdbc;

import org.bookingrules.jdbc.TestDatabases.Store;
import org.junit.jupiter.api.DisplayName;

/** The cancellation-list contract on PostgreSQL; runs when BOOKING_TEST_POSTGRES_URL is set. */
@DisplayName("JdbcBookingRepository on PostgreSQL keeps the cancellation list")
class JdbcWaitlistPostgresTest extends JdbcWaitlistTest {

    JdbcWaitlistPostgresTest() {
        super(Store.POSTGRESQL);
    }
}
