package org.bookingrules.waitlist;

import org.bookingrules.memory.InMemoryBookingRepository;
import org.bookingrules.spi.BookingRepository;
import org.junit.jupiter.api.DisplayName;

@DisplayName("Cancellation list through the facade, in memory")
class InMemoryWaitlistTest extends WaitlistContract {

    @Override
    protected BookingRepository newRepository() {
        return new InMemoryBookingRepository();
    }
}
