package org.bookingrules.jdbc;

import org.bookingrules.jdbc.TestDatabases.Store;
import org.junit.jupiter.api.DisplayName;

@DisplayName("Outbox relay on MariaDB (BOOKING_TEST_MARIADB_URL)")
class OutboxRelayMariaDbTest extends OutboxRelayContract {

    @Override
    Store store() {
        return Store.MARIADB;
    }
}
