package org.bookingrules.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bookingrules.model.BookingStatus.CANCELLED;
import static org.bookingrules.model.BookingStatus.COMPLETED;
import static org.bookingrules.model.BookingStatus.CONFIRMED;
import static org.bookingrules.model.BookingStatus.DECLINED;
import static org.bookingrules.model.BookingStatus.NO_SHOW;
import static org.bookingrules.model.BookingStatus.PENDING;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("BookingStatus: one table of allowed changes, activity and the FHIR mapping")
class BookingStatusTest {

    /** The table exactly as BookingStatus's javadoc documents it, written out independently. */
    private static final Map<BookingStatus, Set<BookingStatus>> DOCUMENTED = Map.of(
            PENDING, EnumSet.of(PENDING, CONFIRMED, DECLINED, CANCELLED, COMPLETED, NO_SHOW),
            CONFIRMED, EnumSet.of(PENDING, CONFIRMED, DECLINED, CANCELLED, COMPLETED, NO_SHOW),
            DECLINED, EnumSet.of(PENDING, CONFIRMED),
            CANCELLED, EnumSet.of(PENDING, CONFIRMED),
            COMPLETED, EnumSet.noneOf(BookingStatus.class),
            NO_SHOW, EnumSet.noneOf(BookingStatus.class));

    static Stream<Arguments> everyPair() {
        List<Arguments> pairs = new ArrayList<>();
        for (BookingStatus from : BookingStatus.values()) {
            for (BookingStatus to : BookingStatus.values()) {
                pairs.add(arguments(from, to, DOCUMENTED.get(from).contains(to)));
            }
        }
        return pairs.stream();
    }

    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @MethodSource("everyPair")
    @DisplayName("R3/R4 canTransitionTo answers every from -> to pair as the documented table says")
    void canTransitionTo(BookingStatus from, BookingStatus to, boolean allowed) {
        assertThat(from.canTransitionTo(to)).isEqualTo(allowed);
    }

    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @MethodSource("everyPair")
    @DisplayName("checkTransitionTo passes inside the table and throws IllegalStateException naming both ends outside it")
    void checkTransitionTo(BookingStatus from, BookingStatus to, boolean allowed) {
        if (allowed) {
            assertThatCode(() -> from.checkTransitionTo(to)).doesNotThrowAnyException();
        } else {
            assertThatThrownBy(() -> from.checkTransitionTo(to))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("illegal booking status transition " + from + " -> " + to);
        }
    }

    @ParameterizedTest
    @EnumSource(BookingStatus.class)
    @DisplayName("allowedNext is the documented row and cannot be changed by a caller")
    void allowedNext(BookingStatus from) {
        Set<BookingStatus> next = from.allowedNext();

        assertThat(next).containsExactlyInAnyOrderElementsOf(DOCUMENTED.get(from));
        assertThatThrownBy(() -> next.add(PENDING)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    @DisplayName("COMPLETED and NO_SHOW are settled history with no way out; CANCELLED cannot be cancelled again")
    void settledHistoryIsFinal() {
        assertThat(COMPLETED.allowedNext()).isEmpty();
        assertThat(NO_SHOW.allowedNext()).isEmpty();
        // Cancelling twice is not a transition: R11's idempotence is the facade's job, not the table's.
        assertThat(CANCELLED.canTransitionTo(CANCELLED)).isFalse();
    }

    @ParameterizedTest(name = "{0} active: {1}")
    @MethodSource("org.bookingrules.testing.StatusTables#activeness")
    @DisplayName("R2 only PENDING and CONFIRMED are active: they occupy the slot and show on the calendar")
    void isActive(BookingStatus status, boolean active) {
        assertThat(status.isActive()).isEqualTo(active);
    }

    static Stream<Arguments> fhirCodes() {
        Function<BookingStatus, String> appointment = BookingStatus::fhirAppointmentStatus;
        Function<BookingStatus, String> participant = BookingStatus::fhirParticipantStatus;
        return Stream.of(
                arguments(PENDING, "Appointment.status", appointment, "booked"),
                arguments(CONFIRMED, "Appointment.status", appointment, "booked"),
                arguments(DECLINED, "Appointment.status", appointment, "cancelled"),
                arguments(CANCELLED, "Appointment.status", appointment, "cancelled"),
                arguments(COMPLETED, "Appointment.status", appointment, "fulfilled"),
                arguments(NO_SHOW, "Appointment.status", appointment, "noshow"),
                // The patient's participant status tells confirmed (accepted) and declined apart from pending.
                arguments(PENDING, "participant", participant, "needs-action"),
                arguments(CONFIRMED, "participant", participant, "accepted"),
                arguments(DECLINED, "participant", participant, "declined"));
    }

    @ParameterizedTest(name = "{0} -> {1} {3}")
    @MethodSource("fhirCodes")
    @DisplayName("every status maps to the FHIR Appointment.status code of RULES.md \"Statuses\"; the patient's "
            + "participant status tells confirmed (accepted) and declined apart from pending")
    void fhirCode(BookingStatus status, String field, Function<BookingStatus, String> code, String expected) {
        assertThat(code.apply(status)).as(field).isEqualTo(expected);
    }

    @ParameterizedTest
    @EnumSource(BookingStatus.class)
    @DisplayName("every participant status is a FHIR ParticipationStatus code")
    void participantStatusIsAFhirCode(BookingStatus status) {
        assertThat(status.fhirParticipantStatus()).isIn("accepted", "declined", "tentative", "needs-action");
    }

    @Test
    @DisplayName("the six statuses of RULES.md, no more")
    void sixStatuses() {
        assertThat(BookingStatus.values())
                .containsExactly(PENDING, CONFIRMED, DECLINED, CANCELLED, COMPLETED, NO_SHOW);
    }
}
