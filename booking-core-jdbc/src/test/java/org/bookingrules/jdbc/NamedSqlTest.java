package org.bookingrules.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.time.ZoneId;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.bookingrules.model.BookingStatus;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The integrator's statements of an {@link AppointmentTable}: {@link NamedSql} turns {@code :name}
 * parameters into JDBC markers (a name may repeat; quoted text and {@code ::} casts are left alone)
 * and refuses, naming the statement and the parameter, one it may not use or one it must use and
 * does not; and {@link AppointmentTable.Builder#build()} refuses a table with a field or statement
 * missing, or a statement with a parameter it may not use, before any SQL runs.
 */
@DisplayName("NamedSql and AppointmentTable.builder(): the integrator's statements are checked when built")
class NamedSqlTest {

    private static final Set<String> KEY = Set.of("key");

    @Test
    @DisplayName("each :name becomes a ? marker, and the names are listed in the order of the markers")
    void namesBecomeMarkers() {
        NamedSql sql = NamedSql.parse("update", "UPDATE visit SET st = :status, doctor_code = :practitioner "
                + "WHERE visit_no = :key", Set.of("status", "practitioner", "key"), KEY);

        assertThat(sql.name()).isEqualTo("update");
        assertThat(sql.jdbc()).isEqualTo("UPDATE visit SET st = ?, doctor_code = ? WHERE visit_no = ?");
        assertThat(sql.parameters()).containsExactly("status", "practitioner", "key");
        assertThat(sql.uses("status")).isTrue();
        assertThat(sql.uses("now")).isFalse();
    }

    @Test
    @DisplayName("a name used several times gets a marker each time")
    void repeatedNames() {
        NamedSql sql = NamedSql.parse("insertPatient", "INSERT INTO pat SELECT :patient, :first_name FROM one "
                + "WHERE NOT EXISTS (SELECT 1 FROM pat WHERE pat_code = :patient)", Set.of("patient", "first_name"),
                Set.of("patient"));

        assertThat(sql.jdbc()).isEqualTo("INSERT INTO pat SELECT ?, ? FROM one WHERE NOT EXISTS (SELECT 1 FROM pat "
                + "WHERE pat_code = ?)");
        assertThat(sql.parameters()).containsExactly("patient", "first_name", "patient");
    }

    @Test
    @DisplayName("a name ends at the first character that cannot be in one; underscores and digits can")
    void nameCharacters() {
        NamedSql sql = NamedSql.parse("s", "SELECT 1 WHERE d BETWEEN :from_date AND :to_date2)",
                Set.of("from_date", "to_date2"), Set.of());

        assertThat(sql.jdbc()).isEqualTo("SELECT 1 WHERE d BETWEEN ? AND ?)");
        assertThat(sql.parameters()).containsExactly("from_date", "to_date2");
    }

    static Stream<Arguments> leftAlone() {
        return Stream.of(
                arguments("a quoted string", "SELECT ':nope' FROM t WHERE k = :key", "SELECT ':nope' FROM t WHERE k = ?"),
                arguments("a time literal", "SELECT 1 FROM t WHERE t0 > '10:30' AND k = :key",
                        "SELECT 1 FROM t WHERE t0 > '10:30' AND k = ?"),
                arguments("a doubled quote inside a string", "SELECT 'it''s :nope' FROM t WHERE k = :key",
                        "SELECT 'it''s :nope' FROM t WHERE k = ?"),
                arguments("a quoted identifier", "SELECT \"col:nope\" FROM t WHERE k = :key",
                        "SELECT \"col:nope\" FROM t WHERE k = ?"),
                arguments("a backquoted identifier", "SELECT `col:nope` FROM t WHERE k = :key",
                        "SELECT `col:nope` FROM t WHERE k = ?"),
                arguments("a PostgreSQL cast of a parameter", "SELECT 1 FROM t WHERE k = :key::bigint",
                        "SELECT 1 FROM t WHERE k = ?::bigint"),
                arguments("a PostgreSQL cast of a literal", "SELECT '2026-03-29'::date FROM t WHERE k = :key",
                        "SELECT '2026-03-29'::date FROM t WHERE k = ?"),
                arguments("a colon before a digit or a space", "SELECT a[1:2], b : c FROM t WHERE k = :key",
                        "SELECT a[1:2], b : c FROM t WHERE k = ?"),
                arguments("a trailing colon", "SELECT 1 FROM t WHERE k = :key :", "SELECT 1 FROM t WHERE k = ? :"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("leftAlone")
    @DisplayName("colons in quotes, in :: casts, and not followed by a name are left as they are")
    void colonsLeftAlone(String label, String statement, String jdbc) {
        NamedSql sql = NamedSql.parse("selectByKey", statement, KEY, KEY);

        assertThat(sql.jdbc()).isEqualTo(jdbc);
        assertThat(sql.parameters()).containsExactly("key");
    }

    @Test
    @DisplayName("a parameter it may not use is refused, naming the statement, the parameter and those allowed")
    void unknownParameterIsNamed() {
        assertThatThrownBy(() -> NamedSql.parse("selectByKey", "SELECT 1 FROM t WHERE k = :key AND p = :patient",
                KEY, KEY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("selectByKey: unknown parameter :patient (this statement may use :key)");
    }

    @Test
    @DisplayName("parameter names are case-sensitive: :KEY is not :key")
    void namesAreCaseSensitive() {
        assertThatThrownBy(() -> NamedSql.parse("selectByKey", "SELECT 1 FROM t WHERE k = :KEY", KEY, KEY))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown parameter :KEY");
    }

    @Test
    @DisplayName("a parameter it must use and does not is refused, naming each missing one")
    void missingParametersAreNamed() {
        assertThatThrownBy(() -> NamedSql.parse("update", "UPDATE t SET st = :status",
                Set.of("status", "key", "practitioner"), new LinkedHashSet<>(List.of("key", "practitioner"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("update: must use the parameter(s) :key, :practitioner");
    }

    @Test
    @DisplayName("a required parameter only inside quotes counts as missing")
    void quotedParameterIsNotUsed() {
        assertThatThrownBy(() -> NamedSql.parse("selectByKey", "SELECT 1 FROM t WHERE k = ':key'", KEY, KEY))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must use the parameter(s) :key");
    }

    @Test
    @DisplayName("a blank statement and an unclosed quote are refused, naming the statement")
    void blankAndUnclosed() {
        assertThatThrownBy(() -> NamedSql.parse("insert", "  ", KEY, Set.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("insert: the statement is blank");
        assertThatThrownBy(() -> NamedSql.parse("insert", "SELECT 'open FROM t WHERE k = :key", KEY, Set.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("insert: a quote (') is not closed");
        assertThatThrownBy(() -> NamedSql.parse("insert", null, KEY, Set.of()))
                .isInstanceOf(NullPointerException.class).hasMessage("insert");
    }

    /** {@link AppointmentTable.Builder#build()}: every field and statement checked when built. */
    @Nested
    @DisplayName("AppointmentTable.builder()")
    class TableBuilder {

        private static final String SELECT = "SELECT v.visit_no AS appointment_key, v.doctor_code AS practitioner_id, "
                + "v.visit_date AS start_date, v.time_from AS start_time, v.time_to AS end_time, v.st AS status_code "
                + "FROM visit v ";

        private static StatusCodes codes() {
            return StatusCodes.builder().code("S", BookingStatus.PENDING).code("C", BookingStatus.CONFIRMED)
                    .code("X", BookingStatus.CANCELLED).writes(BookingStatus.DECLINED, "X")
                    .code("O", BookingStatus.COMPLETED).code("M", BookingStatus.NO_SHOW).build();
        }

        /** A complete table of local date and times, with text keys given by the library. */
        private static AppointmentTable.Builder complete() {
            return AppointmentTable.builder()
                    .tenant("clinic")
                    .zone(ZoneId.of("Europe/Madrid"))
                    .times(AppointmentTimes.localDateAndTimes())
                    .statusCodes(codes())
                    .selectByKey(SELECT + "WHERE v.visit_no = :key")
                    .selectByPractitioner(SELECT + "WHERE v.doctor_code = :practitioner "
                            + "AND v.visit_date BETWEEN :from_date AND :to_date")
                    .selectByPatient(SELECT + "WHERE v.pat_code = :patient")
                    .insert("INSERT INTO visit (visit_no, pat_code, doctor_code, visit_date, time_from, time_to, st) "
                            + "VALUES (:key, :patient, :practitioner, :start_date, :start_time, :end_time, :status)")
                    .update("UPDATE visit SET doctor_code = :practitioner, visit_date = :start_date, "
                            + "time_from = :start_time, time_to = :end_time, st = :status WHERE visit_no = :key");
        }

        @Test
        @DisplayName("a complete table builds, and says its tenant, zone and shape")
        void completeTableBuilds() {
            AppointmentTable table = complete().build();

            assertThat(table.tenant()).isEqualTo("clinic");
            assertThat(table.zone()).isEqualTo(ZoneId.of("Europe/Madrid"));
            assertThat(table.times()).isSameAs(AppointmentTimes.localDateAndTimes());
            assertThat(table.fhirStatus("S")).isEqualTo("booked");
            assertThat(table.update().jdbc()).endsWith("WHERE visit_no = ?");
            assertThat(table.toString()).contains("clinic").contains("Europe/Madrid");
        }

        static Stream<Arguments> missingFields() {
            // A fresh builder with everything but one field: the builder has no way to unset one.
            return Stream.of(
                    arguments("tenant", (UnaryOperator<AppointmentTable.Builder>) b -> b.zone(ZoneId.of("UTC"))
                            .statusCodes(codes())),
                    arguments("zone", (UnaryOperator<AppointmentTable.Builder>) b -> b.tenant("clinic")
                            .statusCodes(codes())),
                    arguments("statusCodes", (UnaryOperator<AppointmentTable.Builder>) b -> b.tenant("clinic")
                            .zone(ZoneId.of("UTC"))),
                    arguments("selectByKey", (UnaryOperator<AppointmentTable.Builder>) b -> b.tenant("clinic")
                            .zone(ZoneId.of("UTC")).statusCodes(codes())));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("missingFields")
        @DisplayName("a table without its tenant, zone, status codes or a statement is refused, naming the field")
        void missingFieldIsNamed(String field, UnaryOperator<AppointmentTable.Builder> partial) {
            assertThatThrownBy(() -> partial.apply(AppointmentTable.builder()).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(field + ": required, not given");
        }

        static Stream<Arguments> missingStatements() {
            return Stream.of(
                    arguments("selectByKey", (UnaryOperator<AppointmentTable.Builder>) b -> b.selectByKey(null)),
                    arguments("selectByPractitioner",
                            (UnaryOperator<AppointmentTable.Builder>) b -> b.selectByPractitioner(null)),
                    arguments("selectByPatient", (UnaryOperator<AppointmentTable.Builder>) b -> b.selectByPatient(null)),
                    arguments("insert", (UnaryOperator<AppointmentTable.Builder>) b -> b.insert(null)),
                    arguments("update", (UnaryOperator<AppointmentTable.Builder>) b -> b.update(null)));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("missingStatements")
        @DisplayName("a table without one of its five statements is refused, naming the statement")
        void missingStatementIsNamed(String statement, UnaryOperator<AppointmentTable.Builder> without) {
            assertThatThrownBy(() -> without.apply(complete()).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(statement + ": required, not given");
        }

        static Stream<Arguments> wrongParameters() {
            return Stream.of(
                    arguments("selectByKey may use :key only",
                            (UnaryOperator<AppointmentTable.Builder>) b -> b.selectByKey(SELECT
                                    + "WHERE v.visit_no = :key AND v.pat_code = :patient"),
                            "selectByKey: unknown parameter :patient"),
                    arguments("selectByPatient must use :patient",
                            (UnaryOperator<AppointmentTable.Builder>) b -> b.selectByPatient(SELECT
                                    + "WHERE v.pat_code = 'p1'"),
                            "selectByPatient: must use the parameter(s) :patient"),
                    arguments("selectByPractitioner must use :practitioner",
                            (UnaryOperator<AppointmentTable.Builder>) b -> b.selectByPractitioner(SELECT
                                    + "WHERE v.visit_date BETWEEN :from_date AND :to_date"),
                            "selectByPractitioner: must use the parameter(s) :practitioner"),
                    arguments("selectByPractitioner may not use :key",
                            (UnaryOperator<AppointmentTable.Builder>) b -> b.selectByPractitioner(SELECT
                                    + "WHERE v.doctor_code = :practitioner AND v.visit_no <> :key"),
                            "selectByPractitioner: unknown parameter :key"),
                    arguments("local times: the insert may not use the instants :start and :end",
                            (UnaryOperator<AppointmentTable.Builder>) b -> b.insert("INSERT INTO visit (visit_no, "
                                    + "doctor_code, visit_date, time_from, time_to, st, starts) VALUES (:key, "
                                    + ":practitioner, :start_date, :start_time, :end_time, :status, :start)"),
                            "insert: unknown parameter :start"),
                    arguments("the insert must write the slot",
                            (UnaryOperator<AppointmentTable.Builder>) b -> b.insert("INSERT INTO visit (visit_no, "
                                    + "doctor_code, visit_date, time_from, st) VALUES (:key, :practitioner, "
                                    + ":start_date, :start_time, :status)"),
                            "insert: must use the parameter(s) :end_time"),
                    arguments("the insert without :key and without generatedKey",
                            (UnaryOperator<AppointmentTable.Builder>) b -> b.insert("INSERT INTO visit (doctor_code, "
                                    + "visit_date, time_from, time_to, st) VALUES (:practitioner, :start_date, "
                                    + ":start_time, :end_time, :status)"),
                            "insert: must use the parameter(s) :key"),
                    arguments("the insert may not use :row_version",
                            (UnaryOperator<AppointmentTable.Builder>) b -> b.insert("INSERT INTO visit (visit_no, "
                                    + "doctor_code, visit_date, time_from, time_to, st, v) VALUES (:key, :practitioner, "
                                    + ":start_date, :start_time, :end_time, :status, :row_version)"),
                            "insert: unknown parameter :row_version"),
                    arguments("the update must name the row by :key",
                            (UnaryOperator<AppointmentTable.Builder>) b -> b.update("UPDATE visit SET doctor_code = "
                                    + ":practitioner, visit_date = :start_date, time_from = :start_time, time_to = "
                                    + ":end_time, st = :status"),
                            "update: must use the parameter(s) :key"),
                    arguments("the update may not use :patient",
                            (UnaryOperator<AppointmentTable.Builder>) b -> b.update("UPDATE visit SET doctor_code = "
                                    + ":practitioner, visit_date = :start_date, time_from = :start_time, time_to = "
                                    + ":end_time, st = :status, pat_code = :patient WHERE visit_no = :key"),
                            "update: unknown parameter :patient"),
                    arguments("insertPatient must use :patient",
                            (UnaryOperator<AppointmentTable.Builder>) b -> b.insertPatient("INSERT INTO pat (first_nm) "
                                    + "VALUES (:first_name)"),
                            "insertPatient: must use the parameter(s) :patient"),
                    arguments("selectDateOfBirth may use :patient only",
                            (UnaryOperator<AppointmentTable.Builder>) b -> b.selectDateOfBirth("SELECT birth AS "
                                    + "birth_date FROM pat WHERE pat_code = :patient AND e_mail = :email"),
                            "selectDateOfBirth: unknown parameter :email"));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("wrongParameters")
        @DisplayName("a statement with a parameter it may not use, or without one it must, is refused naming both")
        void wrongParameterIsNamed(String label, UnaryOperator<AppointmentTable.Builder> change, String message) {
            assertThatThrownBy(() -> change.apply(complete()).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith(message);
        }

        @Test
        @DisplayName("an insert without :key builds when the key is a generated column")
        void generatedKeyInsteadOfKey() {
            AppointmentTable.Builder generated = complete().insert("INSERT INTO visit (doctor_code, visit_date, "
                    + "time_from, time_to, st) VALUES (:practitioner, :start_date, :start_time, :end_time, :status)")
                    .generatedKey("visit_no");

            assertThatCode(generated::build).doesNotThrowAnyException();
            assertThat(generated.build().generatedKey()).isEqualTo("visit_no");
        }

        @Test
        @DisplayName("timestamps: the statements use :start and :end, and may not use the local parameters")
        void timestampsShape() {
            String select = "SELECT a.appt_id AS appointment_key, a.practitioner_id, a.starts_at AS start_at, "
                    + "a.ends_at AS end_at, a.status_code FROM appointments a ";
            AppointmentTable.Builder timestamps = AppointmentTable.builder().tenant("clinic").zone(ZoneId.of("UTC"))
                    .times(AppointmentTimes.timestamps()).statusCodes(codes())
                    .selectByKey(select + "WHERE a.appt_id = :key")
                    .selectByPractitioner(select + "WHERE a.practitioner_id = :practitioner AND a.starts_at < :to "
                            + "AND a.ends_at > :from")
                    .selectByPatient(select + "WHERE a.patient_id = :patient")
                    .insert("INSERT INTO appointments (practitioner_id, starts_at, ends_at, status_code) VALUES "
                            + "(:practitioner, :start, :end, :status)")
                    .generatedKey("appt_id")
                    .update("UPDATE appointments SET practitioner_id = :practitioner, starts_at = :start, ends_at = "
                            + ":end, status_code = :status WHERE appt_id = :key AND version = :row_version");

            assertThatCode(timestamps::build).doesNotThrowAnyException();
            assertThatThrownBy(() -> timestamps.update("UPDATE appointments SET practitioner_id = :practitioner, "
                    + "starts_at = :start, ends_at = :end, status_code = :status, d = :start_date WHERE appt_id = :key")
                    .build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("update: unknown parameter :start_date");
        }
    }
}
