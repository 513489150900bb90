-- An application's own first migration, beside the library's schema (tests of the Flyway set-up).
-- Its version 1 is the same number as the library's V1__booking_tables.sql: the two are kept apart by
-- running them with two Flyway instances and two history tables.
CREATE TABLE app_patient (
    id         VARCHAR(64)  NOT NULL PRIMARY KEY,
    full_name  VARCHAR(200) NOT NULL
);

CREATE TABLE app_invoice (
    id         VARCHAR(64)  NOT NULL PRIMARY KEY,
    patient_id VARCHAR(64)  NOT NULL REFERENCES app_patient (id),
    booking_id VARCHAR(64),
    amount     DECIMAL(10, 2) NOT NULL
);

INSERT INTO app_patient (id, full_name) VALUES ('p-1', 'Ana Pérez');
