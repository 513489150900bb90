package org.bookingrules.examples.ehr;

import org.bookingrules.jdbc.JdbcBookingRepository;
import org.bookingrules.jdbc.JdbcSchema;
import org.bookingrules.spi.BookingRepository;
import org.bookingrules.spi.BookingRepositoryContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;

/**
 * The whole repository contract of booking-core, race cases included, run against the kit
 * ({@link JdbcBookingRepository#create(javax.sql.DataSource, org.bookingrules.jdbc.AppointmentTable)})
 * over the EHR's tables as {@link EhrAppointments} describes them: the proof that the example's
 * mapping makes a complete {@link BookingRepository}. Every booking the contract makes goes into
 * the EHR's {@code appointments} (and its customers into {@code patients}), the rest into the
 * library's {@code br_} tables. The EHR's own tenant is one the contract never uses, so every
 * booking here is one Booking Rules made; the EHR's own rows are covered by {@link EhrExampleTest}.
 */
@DisplayName("The kit over the EHR example's tables keeps the repository contract")
class EhrBookingRepositoryTest extends BookingRepositoryContract {

    private EhrTestDatabase database;

    @Override
    protected BookingRepository newRepository() {
        database = new EhrTestDatabase();
        JdbcSchema.create(database.dataSource());
        return JdbcBookingRepository.create(database.dataSource(), EhrAppointments.table("ehr-home", EhrSetup.ZONE));
    }

    @AfterEach
    void dropDatabase() {
        database.close();
    }
}
