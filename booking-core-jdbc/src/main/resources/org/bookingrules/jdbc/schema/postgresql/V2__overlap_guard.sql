-- Booking Rules schema, version 2, PostgreSQL: a second wall against double booking.
-- Needs the btree_gist extension (CREATE EXTENSION needs a suitably privileged role). The library
-- already prevents overlaps with a per-resource lock row; this constraint makes the database refuse
-- them too. Rows saved without a slot claim (staff back-dating a record, R12) are exempt.
CREATE EXTENSION IF NOT EXISTS btree_gist;

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'br_booking_no_overlap') THEN
        ALTER TABLE br_booking ADD CONSTRAINT br_booking_no_overlap EXCLUDE USING gist (
            tenant_id WITH =,
            resource_id WITH =,
            tstzrange(slot_start, slot_end, '[)') WITH &&
        ) WHERE (status IN ('PENDING', 'CONFIRMED') AND claims_slot);
    END IF;
END
$$;
