package org.bookingrules.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.stream.Stream;
import org.bookingrules.model.BookingStatus;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link StatusCodes}, without a database: the builder refuses a mapping that cannot be used
 * (a status with no code to be written with, a code mapped twice, an unknown FHIR code, a
 * {@code writes} of an unmapped code, a code too long), naming what is wrong; several codes read as
 * one status and each status is written with one code; trailing spaces and SQL NULL are normalised;
 * a code the library wrote for another status of its own reads as that status; and every code has
 * the FHIR {@code Appointment.status} given with it or its status's.
 */
@DisplayName("StatusCodes: an EHR's status codes, both ways, and their FHIR Appointment.status")
class StatusCodesTest {

    /** The example of StatusCodes' description: a clinic with one-letter codes and no declined code. */
    private static final StatusCodes CLINIC = LegacyClinics.clinicBCodes();

    /** Every status with a code of its own, for the builder's failures. */
    private static StatusCodes.Builder oneEach() {
        return StatusCodes.builder()
                .code("SC", BookingStatus.PENDING)
                .code("CF", BookingStatus.CONFIRMED)
                .code("DC", BookingStatus.DECLINED)
                .code("CX", BookingStatus.CANCELLED)
                .code("DN", BookingStatus.COMPLETED)
                .code("NS", BookingStatus.NO_SHOW);
    }

    // ------------------------------------------------------------------------------- the builder

    @Test
    @DisplayName("a mapping without a code for some statuses is refused, naming each of them")
    void missingStatusesAreNamed() {
        StatusCodes.Builder partial = StatusCodes.builder()
                .code("S", BookingStatus.PENDING)
                .code("C", BookingStatus.CONFIRMED)
                .code("X", BookingStatus.CANCELLED);

        assertThatThrownBy(partial::build).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("statusCodes: no code for [DECLINED, COMPLETED, NO_SHOW]")
                .hasMessageContaining("writes(status, code)");
    }

    @Test
    @DisplayName("an empty mapping is refused naming all six statuses")
    void emptyMappingNamesEveryStatus() {
        assertThatThrownBy(() -> StatusCodes.builder().build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[PENDING, CONFIRMED, DECLINED, CANCELLED, COMPLETED, NO_SHOW]");
    }

    @Test
    @DisplayName("a code mapped twice is refused, also when it differs only by trailing spaces")
    void duplicateCodeIsRefused() {
        assertThatThrownBy(() -> oneEach().code("CX", BookingStatus.DECLINED))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("code 'CX' is mapped twice");
        assertThatThrownBy(() -> oneEach().code("CX  ", BookingStatus.CANCELLED))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("code 'CX' is mapped twice");
        assertThatThrownBy(() -> oneEach().code("CF", BookingStatus.CONFIRMED, "arrived"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("code 'CF' is mapped twice");
    }

    @Test
    @DisplayName("an unknown FHIR Appointment.status is refused, naming it, for a code and for other codes")
    void unknownFhirCodeIsRefused() {
        assertThatThrownBy(() -> oneEach().code("AR", BookingStatus.CONFIRMED, "arrive"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("fhirStatus: 'arrive' is not a FHIR Appointment.status");
        assertThatThrownBy(() -> oneEach().code("AR", BookingStatus.CONFIRMED, "Arrived"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'Arrived'");
        assertThatThrownBy(() -> oneEach().otherCodes(BookingStatus.PENDING, "unknown"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'unknown'");
    }

    @Test
    @DisplayName("a FHIR code refused leaves the code unmapped: the builder is not half changed")
    void refusedFhirCodeMapsNothing() {
        StatusCodes.Builder builder = oneEach();
        assertThatThrownBy(() -> builder.code("AR", BookingStatus.CONFIRMED, "arrive"))
                .isInstanceOf(IllegalArgumentException.class);

        assertThat(builder.build().codes()).doesNotContain("AR");
    }

    @Test
    @DisplayName("writes(status, code) with a code not mapped is refused, naming the code")
    void writesOfAnUnmappedCodeIsRefused() {
        assertThatThrownBy(() -> oneEach().writes(BookingStatus.DECLINED, "ZZ "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("writes: code 'ZZ' is not mapped");
    }

    @Test
    @DisplayName("a code longer than MAX_CODE_LENGTH is refused; one of exactly that length is kept")
    void codeLength() {
        String longest = "L".repeat(StatusCodes.MAX_CODE_LENGTH);

        assertThat(oneEach().code(longest, BookingStatus.PENDING).build().status(longest))
                .isEqualTo(BookingStatus.PENDING);
        assertThatThrownBy(() -> oneEach().code(longest + "L", BookingStatus.PENDING))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("code: at most " + StatusCodes.MAX_CODE_LENGTH + " characters");
    }

    // ------------------------------------------------------------------------------- reading

    static Stream<Arguments> codesOfTheClinic() {
        return Stream.of(
                arguments("S", BookingStatus.PENDING, "booked"),
                arguments("N", BookingStatus.PENDING, "proposed"),
                arguments("C", BookingStatus.CONFIRMED, "booked"),
                arguments("A", BookingStatus.CONFIRMED, "arrived"),
                arguments("X", BookingStatus.CANCELLED, "cancelled"),
                arguments("Y", BookingStatus.CANCELLED, "cancelled"),
                arguments("O", BookingStatus.COMPLETED, "fulfilled"),
                arguments("M", BookingStatus.NO_SHOW, "noshow"));
    }

    @ParameterizedTest(name = "''{0}'' reads as {1}, FHIR {2}")
    @MethodSource("codesOfTheClinic")
    @DisplayName("each code reads as its status, and has the FHIR code given with it or its status's")
    void eachCodeReadsAsDocumented(String code, BookingStatus status, String fhir) {
        assertThat(CLINIC.status(code)).isEqualTo(status);
        assertThat(CLINIC.fhirStatus(code)).isEqualTo(fhir);
        assertThat(StatusCodes.FHIR_APPOINTMENT_STATUSES).contains(fhir);
    }

    @Test
    @DisplayName("several codes read as one status; each status is written with its first code, or the one "
            + "writes(...) gave")
    void manyToOne() {
        assertThat(CLINIC.codesOf(BookingStatus.CANCELLED)).containsExactly("X", "Y");
        assertThat(CLINIC.codesOf(BookingStatus.PENDING)).containsExactly("S", "N");
        assertThat(CLINIC.codesOf(BookingStatus.DECLINED)).as("DECLINED has no code of its own").isEmpty();
        assertThat(CLINIC.codes()).containsExactly("S", "N", "C", "A", "X", "Y", "O", "M");
    }

    @ParameterizedTest(name = "{0} is written as ''{1}''")
    @MethodSource("writtenCodes")
    @DisplayName("each status is written with one code")
    void writtenCodes(BookingStatus status, String code) {
        assertThat(CLINIC.code(status)).isEqualTo(code);
    }

    static Stream<Arguments> writtenCodes() {
        return Stream.of(
                arguments(BookingStatus.PENDING, "S"),
                arguments(BookingStatus.CONFIRMED, "C"),
                arguments(BookingStatus.DECLINED, "X"),
                arguments(BookingStatus.CANCELLED, "X"),
                arguments(BookingStatus.COMPLETED, "O"),
                arguments(BookingStatus.NO_SHOW, "M"));
    }

    @Test
    @DisplayName("writes(status, code) may also change which of a status's own codes it is written with")
    void writesOverridesTheFirstCode() {
        StatusCodes codes = oneEach().code("PP", BookingStatus.PENDING).writes(BookingStatus.PENDING, "PP").build();

        assertThat(codes.code(BookingStatus.PENDING)).isEqualTo("PP");
        assertThat(codes.codesOf(BookingStatus.PENDING)).containsExactly("SC", "PP");
    }

    @Test
    @DisplayName("a code the library wrote for a status of its own reads as that status while the row keeps it; "
            + "another code of the same status reads as the code says")
    void codeWrittenForAnotherStatusKeepsOurs() {
        assertThat(CLINIC.status("X", BookingStatus.DECLINED)).as("declined, written as X").isEqualTo(
                BookingStatus.DECLINED);
        assertThat(CLINIC.status("X ", BookingStatus.DECLINED)).as("padded").isEqualTo(BookingStatus.DECLINED);
        assertThat(CLINIC.status("Y", BookingStatus.DECLINED)).as("the EHR set Y itself").isEqualTo(
                BookingStatus.CANCELLED);
        assertThat(CLINIC.status("X", null)).as("nothing written by the library").isEqualTo(BookingStatus.CANCELLED);
        assertThat(CLINIC.status("C", BookingStatus.DECLINED)).isEqualTo(BookingStatus.CONFIRMED);
    }

    @Test
    @DisplayName("trailing spaces of CHAR(n) columns are ignored; leading ones are not")
    void trailingSpacesAreIgnored() {
        assertThat(CLINIC.status("C   ")).isEqualTo(BookingStatus.CONFIRMED);
        assertThat(CLINIC.fhirStatus("A ")).isEqualTo("arrived");
        assertThatThrownBy(() -> CLINIC.status(" C")).isInstanceOf(BookingStorageException.class)
                .hasMessageContaining("' C'");
    }

    @Test
    @DisplayName("SQL NULL reads as the empty code: unmapped it fails, mapped it reads like any other")
    void nullIsTheEmptyCode() {
        assertThatThrownBy(() -> CLINIC.status(null)).isInstanceOf(BookingStorageException.class)
                .hasMessageStartingWith("status code '' of the appointment table is not mapped");

        StatusCodes withNull = oneEach().code("", BookingStatus.PENDING, "proposed").build();
        assertThat(withNull.status(null)).isEqualTo(BookingStatus.PENDING);
        assertThat(withNull.status("  ")).isEqualTo(BookingStatus.PENDING);
        assertThat(withNull.fhirStatus(null)).isEqualTo("proposed");
    }

    @Test
    @DisplayName("a code not mapped fails, naming the code and the codes mapped, for status and fhirStatus")
    void unmappedCodeFails() {
        assertThatThrownBy(() -> CLINIC.status("Q")).isInstanceOf(BookingStorageException.class)
                .hasMessageContaining("'Q'").hasMessageContaining("[S, N, C, A, X, Y, O, M]");
        assertThatThrownBy(() -> CLINIC.fhirStatus("Q")).isInstanceOf(BookingStorageException.class)
                .hasMessageContaining("'Q'");
    }

    @Test
    @DisplayName("otherCodes(status, fhir) reads every code not mapped as that status, with that FHIR code; the "
            + "mapped ones keep theirs, and other codes are never written")
    void otherCodes() {
        StatusCodes codes = oneEach().code("AR", BookingStatus.CONFIRMED, "arrived")
                .otherCodes(BookingStatus.CONFIRMED, "checked-in").build();

        assertThat(codes.status("ZZ")).isEqualTo(BookingStatus.CONFIRMED);
        assertThat(codes.status(null)).isEqualTo(BookingStatus.CONFIRMED);
        assertThat(codes.fhirStatus("ZZ")).isEqualTo("checked-in");
        assertThat(codes.fhirStatus("AR")).isEqualTo("arrived");
        assertThat(codes.fhirStatus("CF")).isEqualTo("booked");
        assertThat(codes.fhirStatus("CX")).isEqualTo("cancelled");
        assertThat(codes.code(BookingStatus.CONFIRMED)).isEqualTo("CF");
        assertThat(codes.codes()).doesNotContain("ZZ");
    }

    @Test
    @DisplayName("otherCodes(status, null) gives other codes the FHIR code of their status")
    void otherCodesWithoutFhir() {
        StatusCodes codes = oneEach().otherCodes(BookingStatus.CANCELLED, null).build();

        assertThat(codes.status("??")).isEqualTo(BookingStatus.CANCELLED);
        assertThat(codes.fhirStatus("??")).isEqualTo("cancelled");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(BookingStatus.class)
    @DisplayName("a code with no FHIR code of its own has its status's")
    void fhirOfTheStatus(BookingStatus status) {
        StatusCodes codes = oneEach().build();

        assertThat(codes.fhirStatus(codes.code(status))).isEqualTo(status.fhirAppointmentStatus());
    }
}
