package org.bookingrules.waitlist;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.bookingrules.memory.InMemoryBookingRepository;
import org.bookingrules.spi.BookingRepository;
import org.bookingrules.testing.Fixture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.threeten.extra.Interval;

@DisplayName("Cancellation list through the facade, in memory")
class InMemoryWaitlistTest extends WaitlistContract {

    private InMemoryBookingRepository repository;

    @Override
    protected BookingRepository newRepository() {
        repository = new InMemoryBookingRepository();
        return repository;
    }

    @Test
    @DisplayName("Erasure: the copies of the erased customer's notices the store keeps lose the personal data")
    void erasureScrubsKeptNotices() {
        Clinic c = new Clinic(WaitlistPolicy.DEFAULT);
        c.join(Fixture.ANA, Interval.of(Fixture.NOW, Fixture.NOW.plus(Duration.ofDays(3))));
        c.bobCancels();
        assertThat(repository.notices()).extracting(n -> n.customer().email()).contains(Fixture.ANA.email());
        c.rules.eraseCustomer(Fixture.RECEPTION, Fixture.TENANT, Fixture.ANA.id());
        assertThat(repository.notices()).isNotEmpty().allSatisfy(n -> assertThat(n.customer().isErased()).isTrue());
    }
}
