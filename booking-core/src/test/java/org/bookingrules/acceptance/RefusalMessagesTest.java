package org.bookingrules.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bookingrules.testing.Fixture.ANA;
import static org.bookingrules.testing.Fixture.ANA_ACTS;
import static org.bookingrules.testing.Fixture.DR_RUIZ;
import static org.bookingrules.testing.Fixture.ref;

import java.time.Duration;
import java.util.Locale;
import org.bookingrules.ChangeRequest;
import org.bookingrules.model.Booking;
import org.bookingrules.model.PaymentStatus;
import org.bookingrules.policy.BookingPolicy;
import org.bookingrules.rules.Refusal;
import org.bookingrules.rules.RefusalReason;
import org.bookingrules.testing.Fixture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Refusals explain themselves in the customer's language, with whom to contact (R9). */
class RefusalMessagesTest {

    private static final Locale SPANISH = Locale.forLanguageTag("es");
    private static final String CONTACT = "+34 910 000 000";

    @Test
    @DisplayName("R9 late cancel refusal: the English and Spanish messages differ, the Spanish one is Spanish, both name the contact")
    void english_and_spanish_messages() {
        // given
        Refusal refusal = lateCancelRefusal();

        // when
        String english = refusal.message(Locale.ENGLISH);
        String spanish = refusal.message(SPANISH);

        // then
        assertThat(english).isNotEqualTo(spanish);
        assertThat(english).startsWith("It is too late to cancel this booking online.")
                .contains("It was possible until")
                .contains("Please contact " + CONTACT)
                .doesNotContain("demasiado tarde");
        assertThat(spanish).startsWith("Ya es demasiado tarde para anular esta reserva en línea.")
                .contains("demasiado tarde")
                .contains("Era posible hasta el")
                .contains("contacte a " + CONTACT)
                .doesNotContain("too late");
    }

    @Test
    @DisplayName("R9 paid booking refusal: a language with no bundle (German) gets the English message")
    void language_without_bundle_gets_english_without_deadline() {
        // given
        Refusal refusal = paidBookingRefusal();

        // when
        String german = refusal.message(Locale.GERMAN);

        // then
        assertThat(german).isEqualTo(refusal.message(Locale.ENGLISH))
                .isEqualTo("This booking is already paid, so it cannot be cancelled online. Please contact "
                        + CONTACT + ".");
        assertThat(refusal.message(SPANISH))
                .isEqualTo("Esta reserva ya está pagada, por lo que no se puede anular en línea. Por favor, contacte a "
                        + CONTACT + ".");
    }

    @ParameterizedTest(name = "R9 late cancel refusal with a deadline: language \"{0}\" (no bundle) gets the English message, date included")
    @ValueSource(strings = {"de", "fr"})
    @DisplayName("R9 late cancel refusal with a deadline: a language with no bundle gets the English message, date included")
    void language_without_bundle_gets_english_with_deadline(String languageTag) {
        // given
        Refusal refusal = lateCancelRefusal();

        // when
        String message = refusal.message(Locale.forLanguageTag(languageTag));

        // then: English text, and the deadline written the English way too, not "02.03.2026" or "2 mars 2026"
        assertThat(message).startsWith("It is too late to cancel this booking online.")
                .contains("Please contact " + CONTACT);
        assertThat(message).isEqualTo(refusal.message(Locale.ENGLISH));
    }

    private static Refusal lateCancelRefusal() {
        Fixture f = new Fixture(BookingPolicy.builder().cancellationNotice(Duration.ofHours(12)).build());
        Booking booking = f.bookForAna(Duration.ofHours(10));
        Refusal refusal = CustomerPolicyTest.refusalOf(f.rules.cancel(ANA_ACTS, ref(booking), ChangeRequest.none()));
        assertThat(refusal.reason()).isEqualTo(RefusalReason.CANCELLATION_NOTICE_PASSED);
        assertThat(refusal.contact()).isEqualTo(DR_RUIZ.contact()).isEqualTo(CONTACT);
        return refusal;
    }

    private static Refusal paidBookingRefusal() {
        Fixture f = new Fixture();
        Booking paid = f.rules.book(ANA_ACTS, Fixture.request(ANA, Duration.ofDays(3))
                .withPaymentStatus(PaymentStatus.PAID)).orElseThrow().booking();
        Refusal refusal = CustomerPolicyTest.refusalOf(f.rules.cancel(ANA_ACTS, ref(paid), ChangeRequest.none()));
        assertThat(refusal.reason()).isEqualTo(RefusalReason.PAID_BOOKING);
        return refusal;
    }
}
