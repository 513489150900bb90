package org.bookingrules.jdbc.migration;

import org.bookingrules.jdbc.JdbcDialect;
import org.junit.jupiter.api.DisplayName;

/**
 * The library's schema under Flyway beside an application's own migrations, on H2 in memory. Always
 * runs.
 */
@DisplayName("Flyway runs the library's schema beside the application's migrations on H2")
class FlywayMigrationH2Test extends FlywayMigrationContract {

    @Override
    JdbcDialect dialect() {
        return JdbcDialect.H2;
    }
}
