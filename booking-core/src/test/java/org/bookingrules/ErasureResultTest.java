package org.bookingrules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bookingrules.testing.Fixture.ANA;
import static org.bookingrules.testing.Fixture.ANA_ACTS;
import static org.bookingrules.testing.Fixture.RECEPTION;
import static org.bookingrules.testing.Fixture.TENANT;

import java.time.Duration;
import org.bookingrules.model.Booking;
import org.bookingrules.rules.RefusalReason;
import org.bookingrules.testing.Fixture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What {@link BookingRules#eraseCustomer} answers: a customer asking is refused with a reason code,
 * staff get the erased bookings, and the result prints booking ids only, never the personal data it
 * was about (it may end up in a log).
 */
@DisplayName("Erasure result: the refusal as a value, ids only in toString")
class ErasureResultTest {

    private final Fixture f = new Fixture();

    @Test
    @DisplayName("Erasure asked by the customer is refused with ACTION_NOT_PERMITTED; staff's is not refused")
    void refusalAsAValue() {
        Booking booking = f.bookForAna(Duration.ofDays(3));

        ErasureResult refused = f.rules.eraseCustomer(ANA_ACTS, TENANT, ANA.id());
        ErasureResult erased = f.rules.eraseCustomer(RECEPTION, TENANT, ANA.id());

        assertThat(refused.status()).isEqualTo(ErasureResult.Status.REFUSED);
        assertThat(refused.asRefusal()).hasValueSatisfying(
                r -> assertThat(r.reason()).isEqualTo(RefusalReason.ACTION_NOT_PERMITTED));
        assertThat(erased.asRefusal()).isEmpty();
        assertThat(erased.erased()).extracting(Booking::id).containsExactly(booking.id());
    }

    @Test
    @DisplayName("Erasure result prints its status and the erased booking ids, and no name, e-mail or phone")
    void toStringShowsIdsOnly() {
        Booking booking = f.bookForAna(Duration.ofDays(3));

        String printed = f.rules.eraseCustomer(RECEPTION, TENANT, ANA.id()).toString();

        assertThat(printed).isEqualTo("ErasureResult[ERASED, erased=[" + booking.id() + "]]");
        assertThat(printed).doesNotContain(ANA.name()).doesNotContain(ANA.email());
    }
}
