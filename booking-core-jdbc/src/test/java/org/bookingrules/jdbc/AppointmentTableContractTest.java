package org.bookingrules.jdbc;

import org.bookingrules.jdbc.TestDatabases.Database;
import org.bookingrules.jdbc.TestDatabases.Store;
import org.bookingrules.spi.BookingRepository;
import org.bookingrules.spi.BookingRepositoryContract;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole repository contract, race cases included, on a {@link JdbcBookingRepository} over each
 * of the two {@link LegacyClinics} appointment schemas, on H2, PostgreSQL and MariaDB: every booking
 * the contract makes is a row of the legacy table (its customers rows of the legacy patients), the
 * rest the library's {@code br_} rows. The tables' own tenant is one the contract never uses, so
 * every booking here is one the library made; the EHR's own rows are covered by
 * {@code AppointmentTableTest}.
 */
@DisplayName("JdbcBookingRepository over an existing appointment table keeps the repository contract")
class AppointmentTableContractTest {

    @RegisterExtension
    static final TestDatabases DATABASES = new TestDatabases();

    /** The tenant of the legacy tables' own appointments: not one the contract uses. */
    static final String HOME = "ehr-home";

    /** The contract over one schema on one database. */
    abstract static class Over extends BookingRepositoryContract {
        private final Store store;
        private final LegacyClinics clinic;

        Over(Store store, LegacyClinics clinic) {
            this.store = store;
            this.clinic = clinic;
        }

        @Override
        protected BookingRepository newRepository() {
            Database db = DATABASES.get(store);
            clinic.create(db);
            return JdbcBookingRepository.create(db.dataSource(), clinic.table(db.dialect(), HOME));
        }
    }

    @Nested
    @DisplayName("clinic A (timestamps, numeric keys, a version column) on H2")
    class ClinicAOnH2 extends Over {
        ClinicAOnH2() {
            super(Store.H2, LegacyClinics.CLINIC_A);
        }
    }

    @Nested
    @DisplayName("clinic B (local date and times, text keys, no version column) on H2")
    class ClinicBOnH2 extends Over {
        ClinicBOnH2() {
            super(Store.H2, LegacyClinics.CLINIC_B);
        }
    }

    @Nested
    @DisplayName("clinic A on PostgreSQL")
    class ClinicAOnPostgres extends Over {
        ClinicAOnPostgres() {
            super(Store.POSTGRESQL, LegacyClinics.CLINIC_A);
        }
    }

    @Nested
    @DisplayName("clinic B on PostgreSQL")
    class ClinicBOnPostgres extends Over {
        ClinicBOnPostgres() {
            super(Store.POSTGRESQL, LegacyClinics.CLINIC_B);
        }
    }

    @Nested
    @DisplayName("clinic A on MariaDB")
    class ClinicAOnMariaDb extends Over {
        ClinicAOnMariaDb() {
            super(Store.MARIADB, LegacyClinics.CLINIC_A);
        }
    }

    @Nested
    @DisplayName("clinic B on MariaDB")
    class ClinicBOnMariaDb extends Over {
        ClinicBOnMariaDb() {
            super(Store.MARIADB, LegacyClinics.CLINIC_B);
        }
    }
}
