package org.bookingrules.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.threeten.extra.Interval;

/**
 * R15 history events that carry what a person typed (a reason): the text can be dropped for
 * erasure ({@link BookingEvent#withoutFreeText()}) keeping everything else, {@code toString} gives
 * its length and never the text (it may be logged), and every event names its actor, instant and
 * statuses or is refused.
 */
@DisplayName("R15 events with free text: dropped on erasure, never printed")
class EventTextsTest {

    private static final Actor STAFF = Actor.staff("desk-1");
    private static final Instant AT = Instant.parse("2026-03-02T09:00:00Z");
    private static final String REASON = "my diagnosis";

    static Stream<Named<Function<String, BookingEvent>>> eventsWithAReason() {
        return Stream.of(
                Named.of("ConfirmationRevoked", reason -> new BookingEvent.ConfirmationRevoked(STAFF, AT,
                        BookingStatus.CONFIRMED, BookingStatus.PENDING, reason)),
                Named.of("Declined", reason -> new BookingEvent.Declined(STAFF, AT, BookingStatus.PENDING,
                        BookingStatus.DECLINED, reason, true)),
                Named.of("MarkedNoShow", reason -> new BookingEvent.MarkedNoShow(STAFF, AT, BookingStatus.CONFIRMED,
                        BookingStatus.NO_SHOW, reason)),
                Named.of("Rescheduled", reason -> new BookingEvent.Rescheduled(STAFF, AT, BookingStatus.CONFIRMED,
                        BookingStatus.PENDING, Interval.of(AT.plus(Duration.ofDays(1)), Duration.ofMinutes(30)),
                        Interval.of(AT.plus(Duration.ofDays(2)), Duration.ofMinutes(30)), "room-1", "room-2",
                        reason)));
    }

    @ParameterizedTest(name = "R15 {0}: without free text it is the same event with no reason")
    @MethodSource("eventsWithAReason")
    void withoutFreeTextDropsOnlyTheReason(Function<String, BookingEvent> event) {
        assertThat(event.apply(REASON).withoutFreeText()).isEqualTo(event.apply(null));
    }

    @ParameterizedTest(name = "R15 {0}: toString shows kind, actor, statuses and only the length of the reason")
    @MethodSource("eventsWithAReason")
    void toStringHidesTheReason(Function<String, BookingEvent> event) {
        BookingEvent e = event.apply(REASON);

        assertThat(e.toString()).startsWith(e.kind() + "[actor=" + STAFF + ", at=" + AT + ", from=" + e.from()
                + ", to=" + e.to()).contains("reason=(" + REASON.length() + " chars)").doesNotContain(REASON);
        assertThat(event.apply(null).toString()).doesNotContain("reason");
    }

    @Test
    @DisplayName("R15 kinds are stable codes; a decline prints whether it was late")
    void kinds() {
        assertThat(eventsWithAReason().map(n -> n.getPayload().apply(null).kind()))
                .containsExactly("CONFIRMATION_REVOKED", "DECLINED", "MARKED_NO_SHOW", "RESCHEDULED");
        assertThat(new BookingEvent.Declined(STAFF, AT, BookingStatus.PENDING, BookingStatus.DECLINED, null, true))
                .hasToString("DECLINED[actor=" + STAFF + ", at=" + AT + ", from=PENDING, to=DECLINED, late=true]");
    }

    @Test
    @DisplayName("R15 an event without its actor, instant or status is refused, naming it")
    void eventsNameTheirFacts() {
        assertThatThrownBy(() -> new BookingEvent.ConfirmationRevoked(null, AT, BookingStatus.CONFIRMED,
                BookingStatus.PENDING, null)).isInstanceOf(NullPointerException.class).hasMessage("actor");
        assertThatThrownBy(() -> new BookingEvent.Declined(STAFF, null, BookingStatus.PENDING,
                BookingStatus.DECLINED, null, false)).isInstanceOf(NullPointerException.class).hasMessage("at");
        assertThatThrownBy(() -> new BookingEvent.MarkedNoShow(STAFF, AT, BookingStatus.CONFIRMED, null, null))
                .isInstanceOf(NullPointerException.class).hasMessage("to");
        assertThatThrownBy(() -> new BookingEvent.CustomerErased(null, AT, BookingStatus.CANCELLED))
                .isInstanceOf(NullPointerException.class).hasMessage("actor");
        assertThatThrownBy(() -> new BookingEvent.Rescheduled(STAFF, AT, BookingStatus.CONFIRMED, null,
                Interval.of(AT, Duration.ofMinutes(30)), Interval.of(AT.plusSeconds(3600), Duration.ofMinutes(30)),
                "room-1", "room-1", null)).isInstanceOf(NullPointerException.class).hasMessage("to");
    }

    @Test
    @DisplayName("Erasure is recorded as ERASED, leaving the status as it was")
    void customerErasedKeepsTheStatus() {
        BookingEvent erased = new BookingEvent.CustomerErased(STAFF, AT, BookingStatus.CANCELLED);

        assertThat(erased.kind()).isEqualTo("ERASED");
        assertThat(erased.from()).isEqualTo(BookingStatus.CANCELLED);
        assertThat(erased.to()).isEqualTo(BookingStatus.CANCELLED);
    }
}
