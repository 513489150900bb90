-- Booking Rules schema, version 2, PostgreSQL: a second wall against double booking.
-- Needs the btree_gist extension (CREATE EXTENSION needs a suitably privileged role). The library
-- already prevents overlaps with a per-resource lock row; this constraint makes the database refuse
-- them too. Rows saved without a slot claim (staff back-dating a record, R12) are exempt.
CREATE EXTENSION IF NOT EXISTS btree_gist;

DO $$
BEGIN
    -- Looked up on the br_booking the search path resolves to, not by name alone: another schema of the
    -- same database may hold its own br_booking with a constraint of that name.
    IF NOT EXISTS (SELECT 1 FROM pg_constraint
                   WHERE conname = 'br_booking_no_overlap' AND conrelid = 'br_booking'::regclass) THEN
        ALTER TABLE br_booking ADD CONSTRAINT br_booking_no_overlap EXCLUDE USING gist (
            tenant_id WITH =,
            resource_id WITH =,
            tstzrange(slot_start, slot_end, '[)') WITH &&
        ) WHERE (status IN ('PENDING', 'CONFIRMED') AND claims_slot);
    END IF;
END
$$;
