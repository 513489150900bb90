package org.bookingrules.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.bookingrules.policy.BookingPolicy;
import org.bookingrules.policy.PolicyTable;
import org.bookingrules.testing.Fixture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Value objects that check themselves (STYLE 5): limits hold exactly, and equal values hash alike
 * while different ones, as a hash map needs, mostly do not.
 */
@DisplayName("Value limits: exact, and hashing that tells values apart")
class ValueLimitsTest {

    @Test
    @DisplayName("R1 resource and service names: 200 characters allowed, 201 refused")
    void namesUpTo200() {
        String name200 = "n".repeat(200);
        assertThat(new Resource("r", name200, null).name()).hasSize(200);
        assertThat(new Service("s", name200).name()).hasSize(200);
        assertThatThrownBy(() -> new Resource("r", name200 + "n", null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("resource.name");
        assertThatThrownBy(() -> new Service("s", name200 + "n")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("service.name");
    }

    @Test
    @DisplayName("R13 a fee has at most the currency's decimals: 15.25 EUR allowed, 15.255 EUR refused")
    void feeDecimals() {
        assertThat(Money.of("15.25", "EUR").amount()).isEqualByComparingTo("15.25");
        assertThatThrownBy(() -> Money.of("15.255", "EUR")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("EUR");
    }

    @Test
    @DisplayName("R1 bookings hash by tenant, id and version: another version hashes differently")
    void bookingHashes() {
        Fixture f = new Fixture();
        Booking booking = f.bookForAna(Duration.ofDays(3));
        Booking confirmed = booking.confirm(Fixture.RECEPTION, Fixture.NOW).booking();

        assertThat(booking).isEqualTo(booking).isNotEqualTo(confirmed).isNotEqualTo("a booking");
        assertThat(booking.toBuilder().build()).isEqualTo(booking).hasSameHashCodeAs(booking);
        assertThat(confirmed.hashCode()).isNotEqualTo(booking.hashCode());
    }

    @Test
    @DisplayName("R9 policies: equal settings hash alike, other settings differently; a notice may be zero, the "
            + "reminder lead may not")
    void policies() {
        BookingPolicy a = BookingPolicy.builder().cancellationNotice(Duration.ZERO).build();
        BookingPolicy b = BookingPolicy.builder().cancellationNotice(Duration.ZERO).build();

        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a.hashCode()).isNotEqualTo(BookingPolicy.ofDefaults().hashCode());
        assertThatThrownBy(() -> BookingPolicy.builder().reminderLead(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reminderLead")
                .hasMessageContaining("more than zero");
        assertThat(PolicyTable.builder().fallback(a).build().policyFor("t", "r", "s")).isEqualTo(a);
    }
}
