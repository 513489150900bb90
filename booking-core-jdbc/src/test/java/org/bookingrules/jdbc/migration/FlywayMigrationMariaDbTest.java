package org.bookingrules.jdbc.migration;

import org.bookingrules.jdbc.JdbcDialect;
import org.junit.jupiter.api.DisplayName;

/**
 * The library's schema under Flyway beside an application's own migrations, on MariaDB. Runs when
 * {@code BOOKING_TEST_MARIADB_URL} is set, skipped otherwise, failed when unset in CI
 * (see {@code TestDatabases}).
 */
@DisplayName("Flyway runs the library's schema beside the application's migrations on MariaDB")
class FlywayMigrationMariaDbTest extends FlywayMigrationContract {

    @Override
    JdbcDialect dialect() {
        return JdbcDialect.MARIADB;
    }
}
