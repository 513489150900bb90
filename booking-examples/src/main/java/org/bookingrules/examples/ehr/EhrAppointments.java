package org.bookingrules.examples.ehr;

import java.time.ZoneId;
import java.util.Locale;
import org.bookingrules.jdbc.AppointmentTable;
import org.bookingrules.jdbc.AppointmentTimes;
import org.bookingrules.jdbc.StatusCodes;
import org.bookingrules.model.BookingStatus;

/**
 * Integrator-written: the EHR's {@code appointments} and {@code patients} tables
 * ({@code ehr/ehr-schema.sql}, unchanged) described for
 * {@link org.bookingrules.jdbc.JdbcBookingRepository#create(javax.sql.DataSource, AppointmentTable)}.
 * The statements are plain SQL over the EHR's columns, aliased to the labels the kit reads; the
 * EHR has no services or practitioners table, so their display names and the practitioners'
 * contacts are written into the select. H2 syntax.
 */
final class EhrAppointments {

    /** The EHR's status codes: one per status, written and read back as they are. */
    static final StatusCodes STATUS_CODES = StatusCodes.builder()
            .code("SC", BookingStatus.PENDING)
            .code("CF", BookingStatus.CONFIRMED)
            .code("CX", BookingStatus.CANCELLED)
            .code("NS", BookingStatus.NO_SHOW)
            .code("DN", BookingStatus.COMPLETED)
            .code("DC", BookingStatus.DECLINED)
            .build();

    /** appt_id is a BIGINT identity; keys arrive as text. */
    private static final String KEY = "CAST(:key AS BIGINT)";

    private static final String SELECT = """
            SELECT a.appt_id AS appointment_key, a.practitioner_id, a.practitioner_name,
                   CASE a.practitioner_id WHEN 'dr-ruiz' THEN '+34 910 000 000' END AS practitioner_contact,
                   a.service_code AS service_id,
                   CASE a.service_code WHEN 'CONSULT' THEN 'Consultation' WHEN 'CHECKUP' THEN 'Check-up'
                   END AS service_name,
                   a.starts_at AS start_at, a.ends_at AS end_at, a.status_code, a.version AS row_version,
                   a.booked_at AS created_at, a.patient_id, p.full_name AS patient_name, p.email, p.phone,
                   p.lang AS language
            FROM appointments a LEFT JOIN patients p ON p.patient_id = a.patient_id
            """;

    private EhrAppointments() {
    }

    /**
     * The table, for a clinic.
     *
     * @param tenant the tenant the EHR's own appointments belong to
     * @param zone the clinic's zone
     * @return the table
     */
    static AppointmentTable table(String tenant, ZoneId zone) {
        return AppointmentTable.builder()
                .tenant(tenant)
                .zone(zone)
                .defaultLanguage(Locale.forLanguageTag("es"))
                .times(AppointmentTimes.timestamps())
                .statusCodes(STATUS_CODES)
                .keyPattern("[1-9][0-9]{0,17}")
                .selectByKey(SELECT + "WHERE a.appt_id = " + KEY)
                .selectByPractitioner(SELECT + "WHERE a.practitioner_id = :practitioner "
                        + "AND a.starts_at < :to AND a.ends_at > :from")
                .selectByPatient(SELECT + "WHERE a.patient_id = :patient")
                .insert("""
                        INSERT INTO appointments (patient_id, practitioner_id, practitioner_name, service_code,
                                                  starts_at, ends_at, status_code, version, booked_at)
                        VALUES (:patient, :practitioner, :practitioner_name, :service, :start, :end, :status, 1, :now)
                        """)
                .generatedKey("appt_id")
                // The EHR's optimistic lock: every writer raises version; a row changed since it was read
                // updates nothing, and the change is decided again on the EHR's new state.
                .update("""
                        UPDATE appointments SET practitioner_id = :practitioner,
                               practitioner_name = :practitioner_name, starts_at = :start, ends_at = :end,
                               status_code = :status, version = version + 1
                        WHERE appt_id = %s AND version = :row_version
                        """.formatted(KEY))
                // A patient the EHR does not know is registered; a known one's record is never overwritten.
                .insertPatient("""
                        INSERT INTO patients (patient_id, full_name, email, phone, lang)
                        SELECT :patient, :name, :email, :phone, :language FROM (VALUES (0)) one
                        WHERE NOT EXISTS (SELECT 1 FROM patients WHERE patient_id = :patient)
                        """)
                .selectDateOfBirth("SELECT birth_date FROM patients WHERE patient_id = :patient")
                .build();
    }
}
