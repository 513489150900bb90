package org.bookingrules.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.bookingrules.testing.Fixture.ANA;
import static org.bookingrules.testing.Fixture.ANA_ACTS;
import static org.bookingrules.testing.Fixture.CONSULTATION;
import static org.bookingrules.testing.Fixture.DR_RUIZ;
import static org.bookingrules.testing.Fixture.TENANT;
import static org.bookingrules.testing.Fixture.ZONE;

import java.time.Duration;
import java.time.Instant;
import org.bookingrules.BookRequest;
import org.bookingrules.InvalidRequestException;
import org.bookingrules.Outcome;
import org.bookingrules.model.Booking;
import org.bookingrules.rules.RefusalReason;
import org.bookingrules.testing.Fixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.threeten.extra.Interval;

/**
 * A booking is kept to the microsecond, the finest SQL timestamps keep, so it reads back from any
 * store exactly as the facade returned it: nanoseconds of a request are dropped, not rounded.
 */
@DisplayName("Booking is kept to the microsecond")
class MicrosecondPrecisionTest {

    private static final Instant START_NANOS = Instant.parse("2026-03-05T10:00:00.123456789Z");
    private static final Instant END_NANOS = Instant.parse("2026-03-05T11:00:00.987654321Z");
    private static final Instant START_MICROS = Instant.parse("2026-03-05T10:00:00.123456Z");
    private static final Instant END_MICROS = Instant.parse("2026-03-05T11:00:00.987654Z");

    private Fixture f;

    @BeforeEach
    void newWorld() {
        f = new Fixture();
    }

    private static BookRequest request(Instant start, Instant end) {
        return BookRequest.of(TENANT, DR_RUIZ, CONSULTATION, ANA, start, end, ZONE);
    }

    @Test
    @DisplayName("Microsecond precision: a request whose start and end have nanoseconds gives a booking whose slot is "
            + "truncated to the microsecond, as returned and as stored")
    void slotIsTruncatedToMicros() {
        Booking booking = f.rules.book(ANA_ACTS, request(START_NANOS, END_NANOS)).orElseThrow().booking();

        assertThat(booking.slot()).isEqualTo(Interval.of(START_MICROS, END_MICROS));
        assertThat(booking.start()).isEqualTo(START_MICROS);
        assertThat(booking.end()).isEqualTo(END_MICROS);
        assertThat(booking.start().getNano() % 1000).isZero();
        assertThat(booking.end().getNano() % 1000).isZero();
        assertThat(f.repository.find(TENANT, booking.id())).contains(booking);
        assertThat(booking.reminder().dueAt()).as("the reminder is derived from the kept start")
                .satisfies(dueAt -> assertThat(dueAt.getNano() % 1000).isZero());
    }

    @Test
    @DisplayName("Microsecond precision: the booking's creation time is the clock's instant truncated to the "
            + "microsecond")
    void createdAtIsTruncatedToMicros() {
        f.clock.setInstant(Fixture.NOW.plusNanos(123_456_789));

        Booking booking = f.rules.book(ANA_ACTS, request(START_NANOS, END_NANOS)).orElseThrow().booking();

        assertThat(booking.createdAt()).isEqualTo(Fixture.NOW.plusNanos(123_456_000));
        assertThat(booking.updatedAt()).isEqualTo(Fixture.NOW.plusNanos(123_456_000));
    }

    @Test
    @DisplayName("Microsecond precision: an end 500 ns after the start, in the same microsecond, is an empty slot "
            + "and throws InvalidRequestException naming end; nothing is stored")
    void endInTheSameMicrosecondIsInvalid() {
        Instant start = Instant.parse("2026-03-05T10:00:00.123456100Z");
        Instant end = start.plusNanos(500);

        InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class,
                () -> f.rules.book(ANA_ACTS, request(start, end)));

        assertThat(e).as("an InvalidRequestException").isNotNull();
        assertThat(e.fields()).containsExactly("end");
        assertThat(e.getMessage()).contains("end");
        assertThat(f.repository.all(TENANT)).isEmpty();
        assertThat(f.notifier.delivered()).isEmpty();
    }

    @Test
    @DisplayName("Microsecond precision: an end one microsecond after the start is a valid slot of one microsecond")
    void oneMicrosecondSlotIsValid() {
        Instant start = Instant.parse("2026-03-05T10:00:00.123456900Z");
        Instant end = Instant.parse("2026-03-05T10:00:00.123457000Z");

        Booking booking = f.rules.book(ANA_ACTS, request(start, end)).orElseThrow().booking();

        assertThat(booking.slot()).isEqualTo(Interval.of(Instant.parse("2026-03-05T10:00:00.123456Z"),
                Duration.ofNanos(1000)));
    }

    @Test
    @DisplayName("Microsecond precision: a request that differs from a booked one only below the microsecond asks for "
            + "the same slot: it is SLOT_UNAVAILABLE")
    void subMicrosecondDifferenceIsTheSameSlot() {
        f.rules.book(ANA_ACTS, request(START_MICROS, END_MICROS)).orElseThrow();

        Outcome again = f.rules.book(Fixture.RECEPTION, request(START_NANOS, END_NANOS));

        assertThat(Fixture.reason(again)).isEqualTo(RefusalReason.SLOT_UNAVAILABLE);
    }

    @Test
    @DisplayName("Idempotent book: a retry whose instants differ from the first request only below the microsecond "
            + "describes the same booking: it is a repeat, Done with the first booking, not IDEMPOTENCY_KEY_REUSED")
    void idempotentRepeatIgnoresNanoseconds() {
        // given: the first request carried nanoseconds; the client retries with the booking's own (micro) instants
        Booking first = f.rules.book(ANA_ACTS, request(START_NANOS, END_NANOS).withIdempotencyKey("retry-1"))
                .orElseThrow().booking();

        // when
        Outcome retry = f.rules.book(ANA_ACTS, request(first.start(), first.end()).withIdempotencyKey("retry-1"));

        // then
        assertThat(Fixture.reason(retry)).as("refusal reason").isNull();
        assertThat(retry.orElseThrow().booking().id()).isEqualTo(first.id());
        assertThat(retry.orElseThrow().changed()).isFalse();
    }
}
