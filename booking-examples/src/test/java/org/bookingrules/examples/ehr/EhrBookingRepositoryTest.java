package org.bookingrules.examples.ehr;

import java.time.ZoneId;
import org.bookingrules.spi.BookingRepository;
import org.bookingrules.spi.BookingRepositoryContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;

/**
 * The whole repository contract of booking-core, run against the adapter over the EHR's tables: the
 * proof that it is a complete {@link BookingRepository}. Every booking the contract makes goes into
 * the EHR's {@code appointments} (and its customers into {@code patients}), the rest into the
 * adapter's side tables. The home tenant is one the contract never uses, so every booking here is
 * one Booking Rules made; the EHR's own rows are covered by {@link EhrExampleTest}.
 */
@DisplayName("EhrBookingRepository keeps the repository contract on the EHR's own tables")
class EhrBookingRepositoryTest extends BookingRepositoryContract {

    private EhrTestDatabase database;

    @Override
    protected BookingRepository newRepository() {
        database = new EhrTestDatabase();
        EhrBookingRepository.createSideTables(database.dataSource());
        return EhrBookingRepository.builder(database.dataSource())
                .homeTenant("ehr-home")
                .zone(ZoneId.of("Europe/Madrid"))
                .build();
    }

    @AfterEach
    void dropDatabase() {
        database.close();
    }
}
