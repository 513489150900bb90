package org.bookingrules.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.bookingrules.testing.Fixture.ANA;
import static org.bookingrules.testing.Fixture.ANA_ACTS;
import static org.bookingrules.testing.Fixture.RECEPTION;
import static org.bookingrules.testing.Fixture.TENANT;

import java.time.Duration;
import java.time.Instant;
import org.bookingrules.BookRequest;
import org.bookingrules.BookingRef;
import org.bookingrules.ChangeRequest;
import org.bookingrules.InvalidRequestException;
import org.bookingrules.NotificationChoice;
import org.bookingrules.RescheduleRequest;
import org.bookingrules.model.Actor;
import org.bookingrules.model.Booking;
import org.bookingrules.model.BookingEvent;
import org.bookingrules.model.BookingStatus;
import org.bookingrules.testing.Fixture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Control characters (NUL, bell, escape, DEL...) corrupt logs and some databases refuse them: in an
 * id anywhere, or in a free text other than as tab, line feed or carriage return, they fail at
 * the facade naming the field, before anything is looked up or written. Lengths are exact.
 */
@DisplayName("Bad input: control characters named by field; text lengths exact")
class ControlCharactersTest {

    private final Fixture f = new Fixture();
    private final Booking booking = f.bookForAna(Duration.ofDays(3));
    private final Instant later = booking.start().plus(Duration.ofDays(1));

    private void rejects(Runnable command, String field) {
        InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class, command::run);
        assertThat(e).as("refused at the facade").isNotNull();
        assertThat(e.fields()).containsExactly(field);
        assertThat(f.repository.all(TENANT)).containsExactly(f.repository.find(TENANT, booking.id()).orElseThrow());
        assertThat(f.repository.history(TENANT, booking.id())).hasSize(1);
    }

    @ParameterizedTest(name = "R1 R8 ids with U+{0} inside are refused naming the field")
    @ValueSource(strings = {"0000", "0007", "001b", "007f"})
    void idsWithAControlCharacterInside(String hex) {
        String c = String.valueOf((char) Integer.parseInt(hex, 16));
        rejects(() -> f.rules.cancel(RECEPTION, BookingRef.of("clinic" + c + "1", booking.id())), "tenantId");
        rejects(() -> f.rules.cancel(RECEPTION, BookingRef.of(TENANT, "b" + c + "1")), "bookingId");
        BookRequest good = Fixture.request(ANA, Duration.ofDays(5));
        rejects(() -> f.rules.book(ANA_ACTS, BookRequest.of("clinic" + c + "1", good.resource(), good.service(), ANA,
                good.start(), good.end(), good.zone())), "tenantId");
    }

    @Test
    @DisplayName("R1 R2 R14 free texts with NUL are refused naming the field: key, reason, personal message")
    void freeTextsWithNul() {
        BookRequest book = Fixture.request(ANA, Duration.ofDays(5));
        NotificationChoice nul = NotificationChoice.both().withMessage("see\u0000you");
        rejects(() -> f.rules.book(ANA_ACTS, book.withIdempotencyKey("key\u0000")), "idempotencyKey");
        rejects(() -> f.rules.book(RECEPTION, book.notifying(nul)), "notification.personalMessage");
        rejects(() -> f.rules.cancel(RECEPTION, Fixture.ref(booking), ChangeRequest.because("ill\u0000")), "reason");
        rejects(() -> f.rules.cancel(RECEPTION, Fixture.ref(booking), new ChangeRequest(null, nul)),
                "notification.personalMessage");
        rejects(() -> f.rules.reschedule(RECEPTION, Fixture.ref(booking), RescheduleRequest.to(later,
                later.plus(Duration.ofHours(1))).with(ChangeRequest.because("ill\u0000"))), "change.reason");
        rejects(() -> f.rules.reschedule(RECEPTION, Fixture.ref(booking), RescheduleRequest.to(later,
                later.plus(Duration.ofHours(1))).with(new ChangeRequest(null, nul))),
                "change.notification.personalMessage");
    }

    @Test
    @DisplayName("R2 R15 tab, line feed and carriage return are kept in a reason")
    void lineBreaksAndTabsAreText() {
        String reason = "ill\tsince\nmonday\r\nsorry";

        Booking cancelled = f.rules.cancel(RECEPTION, Fixture.ref(booking), ChangeRequest.because(reason))
                .orElseThrow().booking();

        assertThat(f.repository.history(TENANT, cancelled.id())).last()
                .isInstanceOfSatisfying(BookingEvent.Cancelled.class, c -> assertThat(c.reason()).isEqualTo(reason));
    }

    @Test
    @DisplayName("R15 a reason of exactly 500 characters is recorded, 501 are refused naming reason")
    void reasonLengthIsExact() {
        Actor staff = RECEPTION;
        Instant at = Fixture.NOW;
        assertThat(new BookingEvent.Declined(staff, at, BookingStatus.PENDING, BookingStatus.DECLINED,
                "x".repeat(500), false).reason()).hasSize(500);
        assertThatThrownBy(() -> new BookingEvent.Declined(staff, at, BookingStatus.PENDING, BookingStatus.DECLINED,
                "x".repeat(501), false)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reason");
        assertThatThrownBy(() -> new BookingEvent.Declined(staff, at, BookingStatus.PENDING, BookingStatus.DECLINED,
                "a\u0007b", false)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reason");
        assertThat(new BookingEvent.Declined(staff, at, BookingStatus.PENDING, BookingStatus.DECLINED,
                "a\tb\nc\rd", false).reason()).isEqualTo("a\tb\nc\rd");
    }

    @Test
    @DisplayName("Bad input: several bad fields are all named, in field order")
    void severalFieldsInOrder() {
        BookRequest good = Fixture.request(ANA, Duration.ofDays(5));
        BookRequest bad = new BookRequest(" ", null, null, ANA, good.start(), good.end(), null, null,
                good.notification(), "");

        InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class, () -> f.rules.book(ANA_ACTS, bad));

        assertThat(e.fields()).containsExactly("idempotencyKey", "paymentStatus", "resource", "service", "tenantId",
                "zone");
    }
}
