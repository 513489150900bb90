-- Booking Rules schema, version 6, MariaDB 10.6 or later: the escalating lockout of self-service links (R8).
-- The guard row of a booking's links now keeps the instants of the recent identity checks, so the caps
-- roll over a day and 30 days: failure_times holds the wrong answers of the last 30 days and grant_times
-- the right answers of the last hour (and the latest one), each as epoch microseconds separated by
-- commas, oldest first, at most 100 of each. lock_count counts the locks since the escalation last
-- started again; needs_new_link is set when the 30-day cap is reached and only staff or a new link
-- generation open the link. failures and window_start stay, kept in step (the count and the oldest of
-- failure_times), so a row written before reads as that many wrong answers at window_start.
-- Idempotent (IF NOT EXISTS), so running it twice is safe.

ALTER TABLE br_link_guard ADD COLUMN IF NOT EXISTS failure_times VARCHAR(2100) NOT NULL DEFAULT '';

ALTER TABLE br_link_guard ADD COLUMN IF NOT EXISTS grant_times VARCHAR(2100) NOT NULL DEFAULT '';

ALTER TABLE br_link_guard ADD COLUMN IF NOT EXISTS lock_count INTEGER NOT NULL DEFAULT 0;

ALTER TABLE br_link_guard ADD COLUMN IF NOT EXISTS needs_new_link BOOLEAN NOT NULL DEFAULT FALSE;
