-- Booking Rules schema, version 2, MariaDB 10.6 or later: the guard of each booking's self-service links (R8).
-- One row per booking: the link generation (raised to revoke every link issued so far) and the failed
-- identity checks of the current window, so that a restart or a second node does not reset them.
-- Instants are DATETIME(6) holding UTC. Idempotent (IF NOT EXISTS), so running it twice is safe.

CREATE TABLE IF NOT EXISTS br_link_guard (
    tenant_id    VARCHAR(64) NOT NULL,
    booking_id   VARCHAR(64) NOT NULL,
    generation   BIGINT      NOT NULL,
    failures     INTEGER     NOT NULL,
    window_start DATETIME(6),
    locked_until DATETIME(6),
    CONSTRAINT br_link_guard_pk PRIMARY KEY (tenant_id, booking_id),
    CONSTRAINT br_link_guard_counts_ck CHECK (generation >= 0 AND failures >= 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
