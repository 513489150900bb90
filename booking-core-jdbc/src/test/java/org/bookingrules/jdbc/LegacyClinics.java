package org.bookingrules.jdbc;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.bookingrules.jdbc.TestDatabases.Database;
import org.bookingrules.jdbc.TestDatabases.Store;
import org.bookingrules.model.BookingStatus;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Two existing appointment schemas, shaped unlike each other, as an integrator meets them, with the
 * {@link AppointmentTable} that describes each, on H2, PostgreSQL and MariaDB. The tables are created
 * in a test database's namespace beside the library's ({@code src/test/resources/legacy/}, one
 * script per schema with placeholders for what the databases spell differently).
 *
 * <ul>
 *   <li>{@link #CLINIC_A}: numeric identity keys, instants in timestamp columns, two-letter codes
 *       (one per status), a version counter every writer raises, the patient's whole name in one
 *       column, with a language.</li>
 *   <li>{@link #CLINIC_B}: text keys, the date and the start and end times in separate local
 *       {@code DATE} and {@code TIME} columns in the clinic's zone, one-letter codes (two cancel
 *       codes, "arrived", "checked out", a no-show code, an {@code N} "none" default, no declined
 *       code), the patient keyed by a text code with first and last names and no language, the
 *       practitioner as a text code, no version column.</li>
 * </ul>
 */
enum LegacyClinics {

    CLINIC_A("clinic-a", List.of("appointments", "patients")) {
        @Override
        AppointmentTable.Builder mapping(JdbcDialect dialect) {
            String key = dialect == JdbcDialect.MARIADB ? "CAST(:key AS SIGNED)" : "CAST(:key AS BIGINT)";
            String select = "SELECT a.appt_id AS appointment_key, a.practitioner_id, a.practitioner_name, "
                    + "a.service_code AS service_id, a.starts_at AS start_at, a.ends_at AS end_at, a.status_code, "
                    + "a.version AS row_version, a.booked_at AS created_at, a.patient_id, p.full_name AS patient_name, "
                    + "p.email, p.phone, p.lang AS language "
                    + "FROM appointments a LEFT JOIN patients p ON p.patient_id = a.patient_id ";
            String insertPatient = insertPatientIfAbsent(dialect, "patients", "patient_id",
                    "full_name, email, phone, lang", ":name, :email, :phone, :language");
            return AppointmentTable.builder()
                    .times(AppointmentTimes.timestamps())
                    .statusCodes(StatusCodes.builder()
                            .code("SC", BookingStatus.PENDING)
                            .code("CF", BookingStatus.CONFIRMED)
                            .code("CX", BookingStatus.CANCELLED)
                            .code("DC", BookingStatus.DECLINED)
                            .code("NS", BookingStatus.NO_SHOW)
                            .code("DN", BookingStatus.COMPLETED)
                            .build())
                    .keyPattern("[1-9][0-9]{0,17}")
                    .selectByKey(select + "WHERE a.appt_id = " + key)
                    .selectByPractitioner(select + "WHERE a.practitioner_id = :practitioner AND a.starts_at < :to "
                            + "AND a.ends_at > :from")
                    .selectByPatient(select + "WHERE a.patient_id = :patient")
                    .insert("INSERT INTO appointments (patient_id, practitioner_id, practitioner_name, service_code, "
                            + "starts_at, ends_at, status_code, version, booked_at) VALUES (:patient, :practitioner, "
                            + ":practitioner_name, :service, :start, :end, :status, 1, :now)")
                    .generatedKey("appt_id")
                    .update("UPDATE appointments SET practitioner_id = :practitioner, "
                            + "practitioner_name = :practitioner_name, starts_at = :start, ends_at = :end, "
                            + "status_code = :status, version = version + 1 "
                            + "WHERE appt_id = " + key + " AND version = :row_version")
                    .insertPatient(insertPatient)
                    .selectDateOfBirth("SELECT birth_date FROM patients WHERE patient_id = :patient");
        }
    },

    CLINIC_B("clinic-b", List.of("visit", "pat")) {
        @Override
        AppointmentTable.Builder mapping(JdbcDialect dialect) {
            String select = "SELECT v.visit_no AS appointment_key, v.doctor_code AS practitioner_id, "
                    + "v.visit_date AS start_date, v.time_from AS start_time, v.time_to AS end_time, "
                    + "v.st AS status_code, v.pat_code AS patient_id, p.first_nm AS first_name, "
                    + "p.last_nm AS last_name, p.e_mail AS email, p.tel AS phone "
                    + "FROM visit v LEFT JOIN pat p ON p.pat_code = v.pat_code ";
            String insertPatient = insertPatientIfAbsent(dialect, "pat", "pat_code", "first_nm, last_nm, e_mail, tel",
                    ":first_name, :last_name, :email, :phone");
            return AppointmentTable.builder()
                    .times(AppointmentTimes.localDateAndTimes())
                    .statusCodes(clinicBCodes())
                    .selectByKey(select + "WHERE v.visit_no = :key")
                    .selectByPractitioner(select + "WHERE v.doctor_code = :practitioner "
                            + "AND v.visit_date BETWEEN :from_date AND :to_date")
                    .selectByPatient(select + "WHERE v.pat_code = :patient")
                    .insert("INSERT INTO visit (visit_no, pat_code, doctor_code, visit_date, time_from, time_to, st) "
                            + "VALUES (:key, :patient, :practitioner, :start_date, :start_time, :end_time, :status)")
                    .update("UPDATE visit SET doctor_code = :practitioner, visit_date = :start_date, "
                            + "time_from = :start_time, time_to = :end_time, st = :status WHERE visit_no = :key")
                    .insertPatient(insertPatient)
                    .selectDateOfBirth("SELECT birth AS birth_date FROM pat WHERE pat_code = :patient");
        }
    };

    /**
     * Clinic B's status codes, the example of {@link StatusCodes}' description: one letter each, two
     * of them pending and two cancelled, and no declined code, so DECLINED is written as {@code X}.
     *
     * @return the codes
     */
    static StatusCodes clinicBCodes() {
        return StatusCodes.builder()
                .code("S", BookingStatus.PENDING)
                .code("N", BookingStatus.PENDING, "proposed")
                .code("C", BookingStatus.CONFIRMED)
                .code("A", BookingStatus.CONFIRMED, "arrived")
                .code("X", BookingStatus.CANCELLED)
                .code("Y", BookingStatus.CANCELLED)
                .code("O", BookingStatus.COMPLETED, "fulfilled")
                .code("M", BookingStatus.NO_SHOW)
                .writes(BookingStatus.DECLINED, "X")
                .build();
    }

    /**
     * A test run once for each clinic on each store, named by both: the method takes the
     * {@link Store} and the clinic, in that order.
     */
    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("org.bookingrules.jdbc.LegacyClinics#onEveryStore")
    @interface EachStoreAndClinic {
    }

    /** @return every clinic on every store, as (store, clinic) */
    static Stream<Arguments> onEveryStore() {
        return Arrays.stream(Store.values())
                .flatMap(store -> Arrays.stream(values()).map(clinic -> Arguments.of(store, clinic)));
    }

    /** The clinic's zone, for both: a zone with clock changes, so the local times meet them. */
    static final ZoneId ZONE = ZoneId.of("Europe/Madrid");

    private final String script;
    private final List<String> tables;

    LegacyClinics(String script, List<String> tables) {
        this.script = script;
        this.tables = tables;
    }

    /**
     * The insert of a patient unless the key is taken already, as each dialect spells it.
     *
     * @param table the patients table
     * @param key its key column, bound to {@code :patient}
     * @param columns the other columns
     * @param values their parameters
     */
    private static String insertPatientIfAbsent(JdbcDialect dialect, String table, String key, String columns,
                                                String values) {
        String into = table + " (" + key + ", " + columns + ")";
        String row = ":patient, " + values;
        return switch (dialect) {
            case POSTGRESQL -> "INSERT INTO " + into + " VALUES (" + row + ") ON CONFLICT (" + key + ") DO NOTHING";
            case MARIADB -> "INSERT IGNORE INTO " + into + " VALUES (" + row + ")";
            case H2 -> "INSERT INTO " + into + " SELECT " + row + " FROM (VALUES (0)) one WHERE NOT EXISTS "
                    + "(SELECT 1 FROM " + table + " WHERE " + key + " = :patient)";
        };
    }

    /** The mapping of this schema on a dialect, without tenant and zone. */
    abstract AppointmentTable.Builder mapping(JdbcDialect dialect);

    /** The mapping, for a tenant, in {@link #ZONE}. */
    AppointmentTable table(JdbcDialect dialect, String tenant) {
        return mapping(dialect).tenant(tenant).zone(ZONE).build();
    }

    /** Creates this schema's tables afresh in the database's namespace (dropping earlier ones), and cleans the library's. */
    void create(Database db) {
        db.clean();
        Map<String, String> words = wordsOf(db.dialect());
        execute(db, JdbcSchema.statements("legacy/" + script + ".sql").stream()
                .map(statement -> withWords(statement, words)).toArray(String[]::new));
    }

    /** A statement with its placeholders ({@code ${word}}) replaced. */
    private static String withWords(String statement, Map<String, String> words) {
        String text = statement;
        for (Map.Entry<String, String> word : words.entrySet()) {
            text = text.replace("${" + word.getKey() + "}", word.getValue());
        }
        return text;
    }

    /** What the scripts' placeholders stand for on a database. */
    private static Map<String, String> wordsOf(JdbcDialect dialect) {
        return switch (dialect) {
            case H2 -> Map.of("identity", "GENERATED BY DEFAULT AS IDENTITY (START WITH 5001)",
                    "timestamp", "TIMESTAMP(6) WITH TIME ZONE", "table_options", "");
            case POSTGRESQL -> Map.of("identity", "GENERATED BY DEFAULT AS IDENTITY (START WITH 5001)",
                    "timestamp", "TIMESTAMPTZ(6)", "table_options", "");
            // DATETIME holds UTC, as the library's own tables do on MariaDB.
            case MARIADB -> Map.of("identity", "AUTO_INCREMENT", "timestamp", "DATETIME(6)",
                    "table_options", " ENGINE=InnoDB AUTO_INCREMENT=5001 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
        };
    }

    /** Deletes every row of this schema's tables and the library's. */
    void clean(Database db) {
        db.clean();
        execute(db, tables.stream().map(table -> "DELETE FROM " + table).toArray(String[]::new));
    }

    private static void execute(Database db, String... statements) {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            for (String statement : statements) {
                if (!statement.isBlank()) {
                    s.execute(statement);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("legacy schema on " + db.store() + ": SQLState " + e.getSQLState(), e);
        }
    }
}
