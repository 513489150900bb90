package org.bookingrules.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.bookingrules.testing.Fixture.RECEPTION;
import static org.bookingrules.testing.Fixture.TENANT;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bookingrules.BookingRef;
import org.bookingrules.BookingRules;
import org.bookingrules.InvalidRequestException;
import org.bookingrules.model.Booking;
import org.bookingrules.testing.Fixture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.threeten.extra.Interval;

/**
 * Bad input to the queries ({@link BookingRules#find}, {@link BookingRules#freeSlots}): a missing
 * or out-of-range argument fails at once naming it, whether or not the booking exists; the range
 * and step limits hold exactly at their boundary.
 */
@DisplayName("Bad input to the queries: the argument named, the limits exact")
class QueryInputTest {

    private static final Duration STEP = BookingRules.MIN_FREE_SLOT_STEP;

    private final Fixture f = new Fixture();
    private final Booking booking = f.bookForAna(Duration.ofDays(3));
    private final BookingRef ref = Fixture.ref(booking);
    private final BookingRef unknown = BookingRef.of(TENANT, "no-such-booking");
    private final Interval day = Interval.of(booking.start().minus(Duration.ofHours(12)), Duration.ofDays(1));

    private static void rejects(Runnable query, String field) {
        InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class, query::run);
        assertThat(e).as("a malformed query throws InvalidRequestException").isNotNull();
        assertThat(e.fields()).containsExactly(field);
        assertThat(e.getMessage()).contains(field);
    }

    @Test
    @DisplayName("R8 find with no actor names actor, for a known and an unknown booking alike")
    void findWithoutActor() {
        rejects(() -> f.rules.find(null, ref), "actor");
        rejects(() -> f.rules.find(null, unknown), "actor");
    }

    @Test
    @DisplayName("R10 free slots with no actor, ref, range or step name it, even for an unknown booking")
    void freeSlotsWithoutAnArgument() {
        for (BookingRef any : List.of(ref, unknown)) {
            rejects(() -> f.rules.freeSlots(null, any, day, STEP), "actor");
            rejects(() -> f.rules.freeSlots(RECEPTION, any, null, STEP), "range");
            rejects(() -> f.rules.freeSlots(RECEPTION, any, day, null), "step");
        }
        rejects(() -> f.rules.freeSlots(RECEPTION, null, day, STEP), "ref");
        rejects(() -> f.rules.freeSlots(RECEPTION, BookingRef.of(TENANT, " "), day, STEP), "bookingId");
    }

    @Test
    @DisplayName("R10 free slots in a range starting before 1900, ending after 9000 or unbounded name range")
    void freeSlotsOutsideTheYears() {
        Instant early = Instant.parse("1899-12-31T12:00:00Z");
        Instant late = Instant.parse("9000-01-01T12:00:00Z");
        for (BookingRef any : List.of(ref, unknown)) {
            rejects(() -> f.rules.freeSlots(RECEPTION, any, Interval.of(early, Duration.ofDays(1)), STEP), "range");
            rejects(() -> f.rules.freeSlots(RECEPTION, any, Interval.of(late.minus(Duration.ofDays(1)),
                    late.plus(Duration.ofDays(1))), STEP), "range");
            rejects(() -> f.rules.freeSlots(RECEPTION, any, Interval.startingAt(booking.start()), STEP), "range");
            rejects(() -> f.rules.freeSlots(RECEPTION, any, Interval.endingAt(booking.start()), STEP), "range");
        }
    }

    @Test
    @DisplayName("R10 free slots look at most 33 days and step at least 5 minutes: exactly at each limit is "
            + "allowed, one second past it names the argument")
    void freeSlotsLimitsAreExact() {
        Interval longest = Interval.of(booking.start().plus(Duration.ofDays(1)), BookingRules.MAX_FREE_SLOT_RANGE);

        assertThat(f.rules.freeSlots(RECEPTION, ref, longest, Duration.ofHours(12))).isNotEmpty();
        assertThat(f.rules.freeSlots(RECEPTION, ref, day, STEP)).isNotEmpty();
        rejects(() -> f.rules.freeSlots(RECEPTION, ref, longest.withEnd(longest.getEnd().plusSeconds(1)),
                Duration.ofHours(12)), "range");
        rejects(() -> f.rules.freeSlots(RECEPTION, ref, day, STEP.minusSeconds(1)), "step");
    }
}
