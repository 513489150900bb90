-- Booking Rules schema, version 4, H2 2.x: the index of active bookings.
-- The overlap check of every slot-claiming write, and the calendar (and so the free slots), read only
-- a resource's active bookings (PENDING, CONFIRMED). Through br_booking_calendar_ix they also read
-- every completed, cancelled, declined and no-show booking of the resource that starts before the slot
-- ends: its whole past, so their cost grew with the history. H2 has no partial index, and does not
-- narrow an index scan by a status IN list: the generated column active_resource_id is the resource id
-- of an active booking and NULL otherwise, H2 keeps it up to date on every insert and update, and its
-- index leads the statements straight to the active bookings. Never written by the library.
-- Idempotent (IF NOT EXISTS), so running it twice is safe.

ALTER TABLE br_booking ADD COLUMN IF NOT EXISTS active_resource_id VARCHAR(64)
    GENERATED ALWAYS AS (CASE WHEN status IN ('PENDING', 'CONFIRMED') THEN resource_id END);

CREATE INDEX IF NOT EXISTS br_booking_active_ix ON br_booking (tenant_id, active_resource_id, slot_start, slot_end);
