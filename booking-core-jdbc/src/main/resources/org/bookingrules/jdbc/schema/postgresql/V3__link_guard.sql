-- Booking Rules schema, version 3, PostgreSQL 12 or later: the guard of each booking's self-service links (R8).
-- One row per booking: the link generation (raised to revoke every link issued so far) and the failed
-- identity checks of the current window, so that a restart or a second node does not reset them.
-- The key is led by tenant_id, so a tenant-sharded PostgreSQL (Citus) can distribute the table.
-- Instants are timestamptz. Idempotent (IF NOT EXISTS), so running it twice is safe.

CREATE TABLE IF NOT EXISTS br_link_guard (
    tenant_id    VARCHAR(64) NOT NULL,
    booking_id   VARCHAR(64) NOT NULL,
    generation   BIGINT      NOT NULL,
    failures     INTEGER     NOT NULL,
    window_start TIMESTAMPTZ,
    locked_until TIMESTAMPTZ,
    CONSTRAINT br_link_guard_pk PRIMARY KEY (tenant_id, booking_id),
    CONSTRAINT br_link_guard_counts_ck CHECK (generation >= 0 AND failures >= 0)
);
