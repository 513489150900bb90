package org.bookingrules.jdbc;

import org.bookingrules.jdbc.TestDatabases.Store;
import org.junit.jupiter.api.DisplayName;

/** The cancellation-list contract on MariaDB; runs when BOOKING_TEST_MARIADB_URL is set. */
@DisplayName("JdbcBookingRepository on MariaDB keeps the cancellation list")
class JdbcWaitlistMariaDbTest extends JdbcWaitlistTest {

    JdbcWaitlistMariaDbTest() {
        super(Store.MARIADB);
    }
}
