-- Booking Rules schema, version 5, PostgreSQL 12 or later: the index of active bookings.
-- The overlap check of every slot-claiming write, and the calendar (and so the free slots), read only
-- a resource's active bookings (PENDING, CONFIRMED). Through br_booking_calendar_ix they also read
-- every completed, cancelled, declined and no-show booking of the resource that starts before the slot
-- ends: its whole past, so their cost grew with the history. This partial index holds the active
-- bookings only; its predicate is the statements' own status filter, so the planner uses it for
-- generic plans of prepared statements too. slot_end is a key column so that the overlap condition
-- is checked in the index. Idempotent (IF NOT EXISTS), so running it twice is safe. On a large table,
-- an administrator may build the index first with CREATE INDEX CONCURRENTLY under the same name and
-- definition; this file then finds it and does nothing.

CREATE INDEX IF NOT EXISTS br_booking_active_ix ON br_booking (tenant_id, resource_id, slot_start, slot_end)
    WHERE status IN ('PENDING', 'CONFIRMED');
