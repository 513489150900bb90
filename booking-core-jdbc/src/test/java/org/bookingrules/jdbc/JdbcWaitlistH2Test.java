package org.bookingrules.jdbc;

import org.bookingrules.jdbc.TestDatabases.Store;
import org.junit.jupiter.api.DisplayName;

/** The cancellation-list contract on H2, the embedded default; always runs. */
@DisplayName("JdbcBookingRepository on H2 keeps the cancellation list")
class JdbcWaitlistH2Test extends JdbcWaitlistTest {

    JdbcWaitlistH2Test() {
        super(Store.H2);
    }
}
