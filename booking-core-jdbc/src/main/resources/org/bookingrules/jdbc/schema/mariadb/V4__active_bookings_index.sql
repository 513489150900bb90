-- Booking Rules schema, version 4, MariaDB 10.6 or later: the index of active bookings.
-- The overlap check of every slot-claiming write, and the calendar (and so the free slots), read only
-- a resource's active bookings (PENDING, CONFIRMED). Through br_booking_calendar_ix they also read
-- every completed, cancelled, declined and no-show booking of the resource that starts before the slot
-- ends: its whole past, so their cost grew with the history. MariaDB has no partial index; with status
-- right after the resource, the statements' status IN list becomes one index range per active status,
-- and the completed and cancelled bookings lie outside both. slot_end, and the primary key InnoDB adds
-- to every index, let the overlap check answer from the index alone. Idempotent (IF NOT EXISTS), so
-- running it twice is safe.

CREATE INDEX IF NOT EXISTS br_booking_active_ix ON br_booking (tenant_id, resource_id, status, slot_start, slot_end);
