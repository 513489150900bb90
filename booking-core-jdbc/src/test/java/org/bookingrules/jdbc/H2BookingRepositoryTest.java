package org.bookingrules.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import org.bookingrules.jdbc.TestDatabases.Database;
import org.bookingrules.spi.BookingRepository;
import org.bookingrules.spi.BookingRepositoryContract;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The repository contract on H2, the embedded default. Always runs. */
@DisplayName("JdbcBookingRepository on H2 keeps the repository contract")
class H2BookingRepositoryTest extends BookingRepositoryContract {

    @RegisterExtension
    static final TestDatabases DATABASES = new TestDatabases();

    private Database database;

    @Override
    protected BookingRepository newRepository() {
        database = DATABASES.h2();
        database.clean();
        return JdbcBookingRepository.create(database.dataSource());
    }

    @Test
    @DisplayName("the dialect is detected as H2 from the database's metadata")
    void dialectIsDetected() {
        assertThat(((JdbcBookingRepository) repository()).dialect()).isEqualTo(JdbcDialect.H2);
    }
}
