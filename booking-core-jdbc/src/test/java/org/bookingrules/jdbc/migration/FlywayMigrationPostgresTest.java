package org.bookingrules.jdbc.migration;

import org.bookingrules.jdbc.JdbcDialect;
import org.junit.jupiter.api.DisplayName;

/**
 * The library's schema under Flyway beside an application's own migrations, on PostgreSQL. Runs when
 * {@code BOOKING_TEST_POSTGRES_URL} is set, skipped otherwise, failed when unset in CI
 * (see {@code TestDatabases}).
 */
@DisplayName("Flyway runs the library's schema beside the application's migrations on PostgreSQL")
class FlywayMigrationPostgresTest extends FlywayMigrationContract {

    @Override
    JdbcDialect dialect() {
        return JdbcDialect.POSTGRESQL;
    }
}
