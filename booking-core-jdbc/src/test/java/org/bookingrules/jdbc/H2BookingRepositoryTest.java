package org.bookingrules.jdbc;

import org.bookingrules.jdbc.TestDatabases.Store;
import org.junit.jupiter.api.DisplayName;

/** The repository contract on H2, the embedded default. Always runs. */
@DisplayName("JdbcBookingRepository on H2 keeps the repository contract")
class H2BookingRepositoryTest extends CommonJdbcRepositoryContract {

    H2BookingRepositoryTest() {
        super(Store.H2);
    }
}
