-- Booking Rules schema, version 6, PostgreSQL 12 or later: the outbox document as JSON, and the indexes
-- of the retention job.
-- Each new outbox row holds its change's notifications as one versioned JSON document (docs/OUTBOX.md)
-- in the new column body, jsonb, which other systems can read: a change-data-capture outbox router, a
-- SQL query. Rows written before keep their older key=value text in payload, which becomes optional; the
-- library writes body only and reads either, so nothing is converted and no row is lost.
-- Retention deletes delivered notifications (status SENT) by delivery time and idempotency keys by
-- creation time, a batch at a time; these indexes find a batch without reading the whole table (the
-- partial one holds delivered rows only). Adding the column and dropping the NOT NULL change the catalog
-- only; on large tables an administrator may build the indexes first with CREATE INDEX CONCURRENTLY
-- under the same names and definitions, and this file then finds them.
-- Idempotent (IF NOT EXISTS; dropping a NOT NULL that is gone does nothing), so running it twice is safe.

ALTER TABLE br_outbox ADD COLUMN IF NOT EXISTS body JSONB;

ALTER TABLE br_outbox ALTER COLUMN payload DROP NOT NULL;

CREATE INDEX IF NOT EXISTS br_outbox_sent_ix ON br_outbox (delivered_at) WHERE status = 'SENT';

CREATE INDEX IF NOT EXISTS br_idempotency_key_created_ix ON br_idempotency_key (created_at);
