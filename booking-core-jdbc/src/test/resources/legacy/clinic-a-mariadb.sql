-- Legacy shape A, MariaDB: numeric AUTO_INCREMENT keys, instants as DATETIME(6) holding UTC, two-letter codes, a
-- version counter every writer raises, the patient's whole name in one column.
DROP TABLE IF EXISTS appointments;
DROP TABLE IF EXISTS patients;
CREATE TABLE patients (
    patient_id VARCHAR(64) NOT NULL PRIMARY KEY,
    full_name  VARCHAR(200),
    email      VARCHAR(254),
    phone      VARCHAR(40),
    lang       VARCHAR(35),
    birth_date DATE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE TABLE appointments (
    appt_id           BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    patient_id        VARCHAR(64),
    practitioner_id   VARCHAR(64)  NOT NULL,
    practitioner_name VARCHAR(200) NOT NULL,
    service_code      VARCHAR(64)  NOT NULL,
    starts_at         DATETIME(6)  NOT NULL,
    ends_at           DATETIME(6)  NOT NULL,
    status_code       CHAR(2)      NOT NULL,
    version           INTEGER      NOT NULL,
    booked_at         DATETIME(6)  NOT NULL,
    notes             VARCHAR(2000),
    CONSTRAINT appointments_patient_fk FOREIGN KEY (patient_id) REFERENCES patients (patient_id),
    INDEX appointments_practitioner_ix (practitioner_id, starts_at),
    INDEX appointments_patient_ix (patient_id)
) ENGINE=InnoDB AUTO_INCREMENT=5001 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
