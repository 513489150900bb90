package org.bookingrules.jdbc;

import org.bookingrules.jdbc.TestDatabases.Store;
import org.junit.jupiter.api.DisplayName;

@DisplayName("Outbox relay on PostgreSQL (BOOKING_TEST_POSTGRES_URL)")
class OutboxRelayPostgresTest extends OutboxRelayContract {

    @Override
    Store store() {
        return Store.POSTGRESQL;
    }
}
