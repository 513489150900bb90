-- Booking Rules schema, version 7, MariaDB 10.6 or later: bookings whose appointment is a row of an existing table (an
-- EHR's), described by an AppointmentTable. Such a booking keeps its row in br_booking as well, for what
-- the EHR has no column for (its id and code, version, payment, reschedules, reminder, who confirmed);
-- appointment_key names the EHR's row, and the EHR's row is read for the status, slot, practitioner and
-- patient. customer_erased records that the customer's personal data was erased for this booking: the
-- library then stops reading it from the EHR. Bookings of the library's own keep appointment_key NULL.
-- Idempotent (IF NOT EXISTS), so running it twice is safe.

ALTER TABLE br_booking ADD COLUMN IF NOT EXISTS appointment_key VARCHAR(64);

ALTER TABLE br_booking ADD COLUMN IF NOT EXISTS customer_erased BOOLEAN NOT NULL DEFAULT FALSE;

-- One booking per appointment in a tenant; NULLs (the library's own bookings) never clash.
CREATE UNIQUE INDEX IF NOT EXISTS br_booking_appointment_uq ON br_booking (tenant_id, appointment_key);

-- The EHR's rows of a calendar are matched to their bookings by key alone.
CREATE INDEX IF NOT EXISTS br_booking_appointment_ix ON br_booking (appointment_key);
