-- Booking Rules schema, version 1, MariaDB 10.6 or later (InnoDB, utf8mb4).
-- Binary, no-pad collation: "a" and "a " are different ids, as they are in Java.
-- Every key is led by tenant_id, so a tenant-sharded PostgreSQL (Citus) can distribute the tables.
-- Instants are DATETIME(6) holding UTC; the library converts, whatever the session time zone. Statements are idempotent (IF NOT EXISTS), so running it twice is safe.

CREATE TABLE IF NOT EXISTS br_booking (
    tenant_id            VARCHAR(64)  NOT NULL,
    id                   VARCHAR(64)  NOT NULL,
    confirmation_code    VARCHAR(16)  NOT NULL,
    resource_id          VARCHAR(64)  NOT NULL,
    resource_name        VARCHAR(200) NOT NULL,
    resource_contact     VARCHAR(200),
    service_id           VARCHAR(64)  NOT NULL,
    service_name         VARCHAR(200) NOT NULL,
    customer_id          VARCHAR(64),
    customer_name        VARCHAR(200),
    customer_email       VARCHAR(254),
    customer_phone       VARCHAR(40),
    customer_language    VARCHAR(35),
    slot_start           DATETIME(6)  NOT NULL,
    slot_end             DATETIME(6)  NOT NULL,
    zone_id              VARCHAR(64)  NOT NULL,
    status               VARCHAR(12)  NOT NULL,
    payment_status       VARCHAR(12)  NOT NULL,
    customer_reschedules INTEGER      NOT NULL,
    confirmed_by_kind    VARCHAR(10),
    confirmed_by_id      VARCHAR(64),
    reminder_due_at      DATETIME(6),
    reminder_sent_at     DATETIME(6),
    claims_slot          BOOLEAN      NOT NULL,
    version              BIGINT       NOT NULL,
    created_at           DATETIME(6)  NOT NULL,
    updated_at           DATETIME(6)  NOT NULL,
    CONSTRAINT br_booking_pk PRIMARY KEY (tenant_id, id),
    CONSTRAINT br_booking_code_uq UNIQUE (tenant_id, confirmation_code),
    CONSTRAINT br_booking_slot_ck CHECK (slot_start < slot_end)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

CREATE INDEX IF NOT EXISTS br_booking_calendar_ix ON br_booking (tenant_id, resource_id, slot_start);
CREATE INDEX IF NOT EXISTS br_booking_customer_ix ON br_booking (tenant_id, customer_id);
-- The reminder sweep reads only pending, unsent reminders, by due time.
CREATE INDEX IF NOT EXISTS br_booking_reminder_ix ON br_booking (status, reminder_sent_at, reminder_due_at);

CREATE TABLE IF NOT EXISTS br_booking_event (
    tenant_id   VARCHAR(64) NOT NULL,
    booking_id  VARCHAR(64) NOT NULL,
    seq         BIGINT      NOT NULL,
    kind        VARCHAR(32) NOT NULL,
    actor_kind  VARCHAR(10) NOT NULL,
    actor_id    VARCHAR(64) NOT NULL,
    at          DATETIME(6) NOT NULL,
    from_status VARCHAR(12),
    to_status   VARCHAR(12) NOT NULL,
    details     MEDIUMTEXT      NOT NULL,
    CONSTRAINT br_booking_event_pk PRIMARY KEY (tenant_id, booking_id, seq)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

CREATE TABLE IF NOT EXISTS br_outbox (
    tenant_id       VARCHAR(64)  NOT NULL,
    notification_id VARCHAR(36)  NOT NULL,
    booking_id      VARCHAR(64)  NOT NULL,
    kind            VARCHAR(32)  NOT NULL,
    recipient       VARCHAR(10)  NOT NULL,
    payload         MEDIUMTEXT       NOT NULL,
    status          VARCHAR(10)  NOT NULL,
    attempts        INTEGER      NOT NULL,
    next_attempt_at DATETIME(6)  NOT NULL,
    last_error      VARCHAR(500),
    created_at      DATETIME(6)  NOT NULL,
    delivered_at    DATETIME(6),
    CONSTRAINT br_outbox_pk PRIMARY KEY (tenant_id, notification_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

CREATE INDEX IF NOT EXISTS br_outbox_due_ix ON br_outbox (status, next_attempt_at);

CREATE TABLE IF NOT EXISTS br_resource_lock (
    tenant_id   VARCHAR(64) NOT NULL,
    resource_id VARCHAR(64) NOT NULL,
    CONSTRAINT br_resource_lock_pk PRIMARY KEY (tenant_id, resource_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

CREATE TABLE IF NOT EXISTS br_idempotency_key (
    tenant_id   VARCHAR(64)  NOT NULL,
    idem_key    VARCHAR(128) NOT NULL,
    fingerprint VARCHAR(64)  NOT NULL,
    booking_id  VARCHAR(64)  NOT NULL,
    created_at  DATETIME(6)  NOT NULL,
    CONSTRAINT br_idempotency_key_pk PRIMARY KEY (tenant_id, idem_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
