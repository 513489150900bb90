-- Legacy shape A: numeric identity keys, instants in timestamp columns, two-letter codes, a version counter every
-- writer raises, the patient's whole name in one column. One file for the three databases: LegacyClinics puts in
-- each database's words for ${identity}, ${timestamp} and ${table_options}.
DROP TABLE IF EXISTS appointments;
DROP TABLE IF EXISTS patients;
CREATE TABLE patients (
    patient_id VARCHAR(64) NOT NULL PRIMARY KEY,
    full_name  VARCHAR(200),
    email      VARCHAR(254),
    phone      VARCHAR(40),
    lang       VARCHAR(35),
    birth_date DATE
)${table_options};
CREATE TABLE appointments (
    appt_id           BIGINT ${identity} NOT NULL PRIMARY KEY,
    patient_id        VARCHAR(64),
    practitioner_id   VARCHAR(64)  NOT NULL,
    practitioner_name VARCHAR(200) NOT NULL,
    service_code      VARCHAR(64)  NOT NULL,
    starts_at         ${timestamp} NOT NULL,
    ends_at           ${timestamp} NOT NULL,
    status_code       CHAR(2)      NOT NULL,
    version           INTEGER      NOT NULL,
    booked_at         ${timestamp} NOT NULL,
    notes             VARCHAR(2000),
    CONSTRAINT appointments_patient_fk FOREIGN KEY (patient_id) REFERENCES patients (patient_id)
)${table_options};
CREATE INDEX appointments_practitioner_ix ON appointments (practitioner_id, starts_at);
CREATE INDEX appointments_patient_ix ON appointments (patient_id);
