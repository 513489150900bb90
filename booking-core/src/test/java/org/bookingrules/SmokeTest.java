package org.bookingrules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.bookingrules.model.BookingStatus;
import org.bookingrules.rules.RefusalReason;
import org.bookingrules.testing.Fixture;
import org.junit.jupiter.api.Test;

class SmokeTest {

    @Test
    void books_cancels_and_validates() {
        Fixture f = new Fixture();
        var booking = f.bookForAna(Duration.ofDays(3));
        assertThat(booking.status()).isEqualTo(BookingStatus.PENDING);
        var outcome = f.rules.cancel(Fixture.ANA_ACTS, Fixture.ref(booking), ChangeRequest.none());
        assertThat(outcome.isDone()).isTrue();
        assertThat(f.rules.history(Fixture.RECEPTION, Fixture.ref(booking))).hasSize(2);
        assertThat(f.notifier.delivered()).hasSize(4);
        assertThatThrownBy(() -> f.rules.cancel(Fixture.ANA_ACTS, Fixture.ref(booking),
                ChangeRequest.because("x".repeat(10_000))))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("reason");
        var late = f.bookForAna(Duration.ofHours(10));
        var refused = f.rules.cancel(Fixture.ANA_ACTS, Fixture.ref(late), ChangeRequest.none());
        assertThat(Fixture.reason(refused)).isEqualTo(RefusalReason.CANCELLATION_NOTICE_PASSED);
        System.out.println(refused.asRefusal().get().message(java.util.Locale.forLanguageTag("es")));
        System.out.println(f.notifier.delivered().get(0).subject());
    }
}
