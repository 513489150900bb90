package org.bookingrules.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.stream.Stream;
import org.bookingrules.jdbc.AppointmentTimes.LocalSlot;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.threeten.extra.Interval;

/**
 * How {@link AppointmentTimes#localDateAndTimes()} reads a local date and times as instants
 * ({@link AppointmentTimes#slotOf}) and checks a slot before storing it ({@code local(...)}), in
 * Europe/Madrid across both clock changes of 2026: the spring-forward gap of 29 March (02:00 to
 * 03:00) and the repeated hour of 25 October (03:00 back to 02:00). Proves the rules the class
 * documents: a time in the gap reads later by the gap, a time in the repeated hour reads as its
 * earlier instant, an end at or before the start is on the next day, an appointment keeps its wall
 * clock length when the gap swallows it, and a slot that would not read back as the same instants
 * is refused, naming the slot, before anything is written.
 */
@DisplayName("AppointmentTimes: local date and times in the clinic's zone, across the clocks' changes")
class AppointmentTimesTest {

    private static final ZoneId MADRID = ZoneId.of("Europe/Madrid");
    /** Clocks jump from 02:00 to 03:00 (CET +01:00 to CEST +02:00). */
    private static final LocalDate SPRING_FORWARD = LocalDate.of(2026, 3, 29);
    /** Clocks go back from 03:00 to 02:00 (CEST +02:00 to CET +01:00). */
    private static final LocalDate FALL_BACK = LocalDate.of(2026, 10, 25);
    private static final LocalDate ORDINARY_DAY = LocalDate.of(2026, 3, 10);

    private static final AppointmentTimes LOCAL = AppointmentTimes.localDateAndTimes();

    private static Interval between(String start, String end) {
        return Interval.of(Instant.parse(start), Instant.parse(end));
    }

    static Stream<Arguments> localTimesAndTheirInstants() {
        return Stream.of(
                arguments("an ordinary day, winter time", ORDINARY_DAY, "10:00", "11:00",
                        between("2026-03-10T09:00:00Z", "2026-03-10T10:00:00Z")),
                arguments("spring forward: the hour before the gap", SPRING_FORWARD, "01:00", "02:00",
                        between("2026-03-29T00:00:00Z", "2026-03-29T01:00:00Z")),
                arguments("spring forward: a start in the gap reads later by the gap (02:30 as 03:30 summer time)",
                        SPRING_FORWARD, "02:30", "04:00", between("2026-03-29T01:30:00Z", "2026-03-29T02:00:00Z")),
                arguments("spring forward: an end in the gap reads later by the gap (02:30 as 03:30 summer time)",
                        SPRING_FORWARD, "01:30", "02:30", between("2026-03-29T00:30:00Z", "2026-03-29T01:30:00Z")),
                arguments("spring forward: 02:15-03:15 keeps its wall clock hour, as the gap would leave it empty",
                        SPRING_FORWARD, "02:15", "03:15", between("2026-03-29T01:15:00Z", "2026-03-29T02:15:00Z")),
                arguments("spring forward: 02:30-03:30 keeps its wall clock hour", SPRING_FORWARD, "02:30", "03:30",
                        between("2026-03-29T01:30:00Z", "2026-03-29T02:30:00Z")),
                arguments("spring forward: right after the gap, summer time", SPRING_FORWARD, "03:00", "04:00",
                        between("2026-03-29T01:00:00Z", "2026-03-29T02:00:00Z")),
                arguments("fall back: 02:30 in the repeated hour reads as the earlier instant (summer time)",
                        FALL_BACK, "02:30", "02:45", between("2026-10-25T00:30:00Z", "2026-10-25T00:45:00Z")),
                arguments("fall back: 02:30-03:00 spans the repeated hour's both passes", FALL_BACK, "02:30", "03:00",
                        between("2026-10-25T00:30:00Z", "2026-10-25T02:00:00Z")),
                arguments("fall back: 01:30-02:30, both before the change", FALL_BACK, "01:30", "02:30",
                        between("2026-10-24T23:30:00Z", "2026-10-25T00:30:00Z")),
                arguments("an end before the start is on the next day (past midnight)", ORDINARY_DAY, "23:30", "00:30",
                        between("2026-03-10T22:30:00Z", "2026-03-10T23:30:00Z")),
                arguments("an end equal to the start is on the next day (24 hours)", ORDINARY_DAY, "09:00", "09:00",
                        between("2026-03-10T08:00:00Z", "2026-03-11T08:00:00Z")),
                arguments("past midnight into the spring-forward day", LocalDate.of(2026, 3, 28), "23:00", "01:00",
                        between("2026-03-28T22:00:00Z", "2026-03-29T00:00:00Z")));
    }

    @ParameterizedTest(name = "{0}: {1} {2}-{3}")
    @MethodSource("localTimesAndTheirInstants")
    @DisplayName("a local date, start and end time read as the documented instants")
    void slotOfReadsTheDocumentedInstants(String label, LocalDate date, String start, String end, Interval expected) {
        // given the times as an EHR's DATE and TIME columns hold them, in the clinic's zone
        // when
        Interval slot = AppointmentTimes.slotOf(date, LocalTime.parse(start), LocalTime.parse(end), MADRID);

        // then
        assertThat(slot).isEqualTo(expected);
        assertThat(slot.toDuration()).as("an appointment is never empty").isPositive();
    }

    @Test
    @DisplayName("an appointment 02:15-03:15 on the spring-forward day lasts its wall clock hour, not zero")
    void gapKeepsTheWallClockLength() {
        Interval slot = AppointmentTimes.slotOf(SPRING_FORWARD, LocalTime.of(2, 15), LocalTime.of(3, 15), MADRID);

        assertThat(slot.toDuration()).isEqualTo(Duration.ofHours(1));
        assertThat(slot.getStart()).isEqualTo(Instant.parse("2026-03-29T01:15:00Z"));
    }

    static Stream<Arguments> slotsThatRoundTrip() {
        return Stream.of(
                arguments("an ordinary hour", between("2026-03-10T09:00:00Z", "2026-03-10T10:00:00Z"),
                        new LocalSlot(ORDINARY_DAY, LocalTime.of(10, 0), LocalTime.of(11, 0))),
                arguments("past midnight", between("2026-03-10T22:30:00Z", "2026-03-10T23:30:00Z"),
                        new LocalSlot(ORDINARY_DAY, LocalTime.of(23, 30), LocalTime.of(0, 30))),
                arguments("right after the spring-forward gap", between("2026-03-29T01:00:00Z", "2026-03-29T01:30:00Z"),
                        new LocalSlot(SPRING_FORWARD, LocalTime.of(3, 0), LocalTime.of(3, 30))),
                arguments("across the spring-forward gap", between("2026-03-29T00:30:00Z", "2026-03-29T01:30:00Z"),
                        new LocalSlot(SPRING_FORWARD, LocalTime.of(1, 30), LocalTime.of(3, 30))),
                arguments("the first pass of the repeated hour", between("2026-10-25T00:30:00Z", "2026-10-25T00:45:00Z"),
                        new LocalSlot(FALL_BACK, LocalTime.of(2, 30), LocalTime.of(2, 45))),
                arguments("from the first pass to after the change", between("2026-10-25T00:30:00Z",
                        "2026-10-25T02:00:00Z"), new LocalSlot(FALL_BACK, LocalTime.of(2, 30), LocalTime.of(3, 0))),
                arguments("microseconds", between("2026-03-10T09:00:00.000001Z", "2026-03-10T09:45:30.999999Z"),
                        new LocalSlot(ORDINARY_DAY, LocalTime.parse("10:00:00.000001"),
                                LocalTime.parse("10:45:30.999999"))),
                arguments("just under 24 hours", between("2026-03-10T09:00:00Z", "2026-03-11T08:59:00Z"),
                        new LocalSlot(ORDINARY_DAY, LocalTime.of(10, 0), LocalTime.of(9, 59))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("slotsThatRoundTrip")
    @DisplayName("a slot the rules read back as the same instants is stored as its local date and times, and reads "
            + "back equal")
    void storableSlotRoundTrips(String label, Interval slot, LocalSlot expected) {
        // when
        LocalSlot stored = LOCAL.local(slot, MADRID);

        // then
        assertThat(stored).isEqualTo(expected);
        assertThat(AppointmentTimes.slotOf(stored.date(), stored.start(), stored.end(), MADRID)).isEqualTo(slot);
    }

    static Stream<Arguments> slotsThatCannotBeStored() {
        return Stream.of(
                arguments("a start in the second pass of the repeated hour (01:30Z is 02:30 winter time)",
                        between("2026-10-25T01:30:00Z", "2026-10-25T02:30:00Z")),
                arguments("an end in the second pass of the repeated hour (01:45Z is 02:45 winter time)",
                        between("2026-10-25T00:15:00Z", "2026-10-25T01:45:00Z")),
                arguments("a start and end both in the second pass", between("2026-10-25T01:00:00Z",
                        "2026-10-25T01:30:00Z")),
                arguments("exactly 24 hours", between("2026-03-10T09:00:00Z", "2026-03-11T09:00:00Z")),
                arguments("more than 24 hours", between("2026-03-10T09:00:00Z", "2026-03-11T10:00:00Z")),
                arguments("several days", between("2026-03-10T09:00:00Z", "2026-03-13T10:00:00Z")),
                arguments("a wall clock day across the spring-forward gap (23 hours of instants)",
                        between("2026-03-28T22:00:00Z", "2026-03-29T21:00:00Z")),
                arguments("24 hours of instants across the repeated hour (23 on the wall clock)",
                        between("2026-10-24T21:00:00Z", "2026-10-25T21:00:00Z")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("slotsThatCannotBeStored")
    @DisplayName("a slot the rules would not read back as the same instants is refused with an "
            + "IllegalArgumentException naming the slot")
    void unstorableSlotIsRefused(String label, Interval slot) {
        assertThatThrownBy(() -> LOCAL.local(slot, MADRID))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("slot: ")
                .hasMessageContaining(slot.toString())
                .hasMessageContaining("Europe/Madrid");
    }

    @Test
    @DisplayName("the same instant in the first pass of the repeated hour is storable, in the second it is not: "
            + "the columns cannot tell them apart")
    void repeatedHourIsStorableOnlyInItsFirstPass() {
        Interval firstPass = between("2026-10-25T00:30:00Z", "2026-10-25T00:50:00Z");
        Interval secondPass = Interval.of(firstPass.getStart().plus(Duration.ofHours(1)), firstPass.toDuration());

        assertThat(LOCAL.local(firstPass, MADRID).start()).isEqualTo(LocalTime.of(2, 30));
        assertThatThrownBy(() -> LOCAL.local(secondPass, MADRID)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("slot");
    }

    @Test
    @DisplayName("the shapes name their columns and parameters")
    void shapesNameTheirColumns() {
        assertThat(LOCAL.isLocal()).isTrue();
        assertThat(LOCAL.columns()).containsExactly("start_date", "start_time", "end_time");
        assertThat(LOCAL.slotParameters()).containsExactly("start_date", "start_time", "end_time");
        assertThat(AppointmentTimes.timestamps().isLocal()).isFalse();
        assertThat(AppointmentTimes.timestamps().columns()).containsExactly("start_at", "end_at");
        assertThat(AppointmentTimes.timestamps().slotParameters()).containsExactly("start", "end");
    }
}
