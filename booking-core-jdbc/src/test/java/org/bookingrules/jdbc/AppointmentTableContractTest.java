package org.bookingrules.jdbc;

import org.bookingrules.jdbc.TestDatabases.Database;
import org.bookingrules.jdbc.TestDatabases.Store;
import org.bookingrules.spi.BookingRepository;
import org.bookingrules.spi.BookingRepositoryContract;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The whole repository contract, race cases included, on a {@link JdbcBookingRepository} over each
 * of the two {@link LegacyClinics} appointment schemas, on H2, PostgreSQL and MariaDB: every booking
 * the contract makes is a row of the legacy table (its customers rows of the legacy patients), the
 * rest the library's {@code br_} rows. The tables' own tenant is one the contract never uses, so
 * every booking here is one the library made; the EHR's own rows are covered by
 * {@link AppointmentTableTest}.
 */
@ParameterizedClass(name = "{1} on {0}")
@MethodSource("org.bookingrules.jdbc.LegacyClinics#onEveryStore")
@DisplayName("JdbcBookingRepository over an existing appointment table keeps the repository contract")
class AppointmentTableContractTest extends BookingRepositoryContract {

    @RegisterExtension
    static final TestDatabases DATABASES = new TestDatabases();

    /** The tenant of the legacy tables' own appointments: not one the contract uses. */
    static final String HOME = "ehr-home";

    @Parameter(0)
    Store store;

    @Parameter(1)
    LegacyClinics clinic;

    @Override
    protected BookingRepository newRepository() {
        Database db = DATABASES.get(store);
        clinic.create(db);
        return JdbcBookingRepository.create(db.dataSource(), clinic.table(db.dialect(), HOME));
    }
}
