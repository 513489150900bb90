-- Sample rows, written by the EHR itself (its front desk and its own booking screen), not by Booking Rules.
-- All people are fictional. Times are Europe/Madrid (UTC+01:00 in March 2026).

INSERT INTO patients (patient_id, full_name, email, phone, lang, birth_date) VALUES
    ('P-10042', 'Lucía Fernández', 'lucia.fernandez@example.org', '+34 600 111 222', 'es', DATE '1985-04-12'),
    ('P-10077', 'Tom Baker', 'tom.baker@example.com', '+44 20 7946 0000', 'en', DATE '1979-11-30'),
    ('P-10093', 'Marta Gil', NULL, '+34 600 333 444', 'es', DATE '1992-07-01');

INSERT INTO appointments (appt_id, patient_id, practitioner_id, practitioner_name, service_code, starts_at, ends_at,
                          status_code, version, booked_at, notes) VALUES
    (1001, 'P-10042', 'dr-ruiz', 'Dr. Ruiz', 'CONSULT', TIMESTAMP WITH TIME ZONE '2026-03-05 10:00:00+01:00',
     TIMESTAMP WITH TIME ZONE '2026-03-05 10:30:00+01:00', 'SC', 1, TIMESTAMP WITH TIME ZONE '2026-02-20 12:14:00+01:00',
     'Bring previous X-rays'),
    (1002, 'P-10077', 'dr-ruiz', 'Dr. Ruiz', 'CONSULT', TIMESTAMP WITH TIME ZONE '2026-03-02 18:00:00+01:00',
     TIMESTAMP WITH TIME ZONE '2026-03-02 18:30:00+01:00', 'CF', 3, TIMESTAMP WITH TIME ZONE '2026-02-23 09:40:00+01:00',
     NULL),
    (1003, 'P-10093', 'dr-soto', 'Dra. Soto', 'CHECKUP', TIMESTAMP WITH TIME ZONE '2026-02-27 09:00:00+01:00',
     TIMESTAMP WITH TIME ZONE '2026-02-27 09:20:00+01:00', 'DN', 2, TIMESTAMP WITH TIME ZONE '2026-02-10 16:05:00+01:00',
     'Routine'),
    (1004, 'P-10042', 'dr-soto', 'Dra. Soto', 'CHECKUP', TIMESTAMP WITH TIME ZONE '2026-02-25 17:00:00+01:00',
     TIMESTAMP WITH TIME ZONE '2026-02-25 17:20:00+01:00', 'NS', 2, TIMESTAMP WITH TIME ZONE '2026-02-11 10:30:00+01:00',
     NULL),
    (1005, 'P-10093', 'dr-ruiz', 'Dr. Ruiz', 'CONSULT', TIMESTAMP WITH TIME ZONE '2026-03-04 12:00:00+01:00',
     TIMESTAMP WITH TIME ZONE '2026-03-04 12:30:00+01:00', 'CX', 2, TIMESTAMP WITH TIME ZONE '2026-02-18 08:55:00+01:00',
     'Patient phoned'),
    (1006, 'P-10077', 'dr-soto', 'Dra. Soto', 'CHECKUP', TIMESTAMP WITH TIME ZONE '2026-03-03 08:00:00+01:00',
     TIMESTAMP WITH TIME ZONE '2026-03-03 08:20:00+01:00', 'DC', 2, TIMESTAMP WITH TIME ZONE '2026-02-24 11:00:00+01:00',
     NULL);
