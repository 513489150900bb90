-- Booking Rules schema, version 5, MariaDB 10.6 or later: the outbox document as JSON, and the indexes
-- of the retention job.
-- Each new outbox row holds its change's notifications as one versioned JSON document (docs/OUTBOX.md)
-- in the new column body, JSON (MariaDB's alias of LONGTEXT with a JSON_VALID check), which other systems
-- can read: a change-data-capture outbox router, a SQL query. Rows written before keep their older
-- key=value text in payload, which becomes optional; the library writes body only and reads either, so
-- nothing is converted and no row is lost. Making payload optional rebuilds br_outbox once.
-- Retention deletes delivered notifications (status SENT) by delivery time and idempotency keys by
-- creation time, a batch at a time; these indexes find a batch without reading the whole table.
-- Idempotent (IF NOT EXISTS, IF EXISTS; making an optional column optional changes nothing), so running
-- it twice is safe.

ALTER TABLE br_outbox ADD COLUMN IF NOT EXISTS body JSON;

ALTER TABLE br_outbox MODIFY COLUMN IF EXISTS payload MEDIUMTEXT NULL;

CREATE INDEX IF NOT EXISTS br_outbox_sent_ix ON br_outbox (status, delivered_at);

CREATE INDEX IF NOT EXISTS br_idempotency_key_created_ix ON br_idempotency_key (created_at);
