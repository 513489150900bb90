package org.bookingrules.jdbc;

import org.bookingrules.jdbc.TestDatabases.Store;
import org.junit.jupiter.api.DisplayName;

/**
 * The link guard store contract on PostgreSQL. Runs when
 * {@code BOOKING_TEST_POSTGRES_URL} is set (see {@link TestDatabases}), skipped with a message
 * otherwise, and fails when it is set and the server cannot be reached, or unset in CI.
 */
@DisplayName("JdbcLinkGuardStore on PostgreSQL keeps the link guard store contract")
class PostgresLinkGuardStoreTest extends JdbcLinkGuardStoreContract {

    PostgresLinkGuardStoreTest() {
        super(Store.POSTGRESQL);
    }
}
