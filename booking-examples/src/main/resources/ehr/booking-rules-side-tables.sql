-- Booking Rules' own side tables next to the EHR's (H2). They hold what a booking needs and the EHR has no
-- column for. They never reference the EHR's tables by a constraint (so the EHR stays free to do as it does)
-- and nothing here alters an EHR table. Idempotent (IF NOT EXISTS): running it twice is safe.

-- One row per appointment that went through Booking Rules: created by it, or changed by it once
-- ("adopted"). An appointment without a row here is one the EHR made: it belongs to the adapter's home
-- tenant, its booking id is its appt_id, its confirmation code is E0 + appt_id.
CREATE TABLE IF NOT EXISTS br_ehr_booking (
    appt_id              BIGINT       NOT NULL,
    tenant_id            VARCHAR(64)  NOT NULL,
    booking_id           VARCHAR(64)  NOT NULL,
    confirmation_code    VARCHAR(16)  NOT NULL,
    zone_id              VARCHAR(64)  NOT NULL,
    service_name         VARCHAR(200) NOT NULL,
    resource_contact     VARCHAR(200),
    payment_status       VARCHAR(12)  NOT NULL,
    customer_reschedules INTEGER      NOT NULL,
    confirmed_by_kind    VARCHAR(10),
    confirmed_by_id      VARCHAR(64),
    reminder_due_at      TIMESTAMP(6) WITH TIME ZONE,
    reminder_sent_at     TIMESTAMP(6) WITH TIME ZONE,
    -- appointments.version as Booking Rules last wrote it: if the EHR changed the row since, the two differ.
    ehr_version          BIGINT       NOT NULL,
    updated_at           TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    CONSTRAINT br_ehr_booking_pk PRIMARY KEY (appt_id),
    CONSTRAINT br_ehr_booking_id_uq UNIQUE (tenant_id, booking_id),
    CONSTRAINT br_ehr_booking_code_uq UNIQUE (tenant_id, confirmation_code)
);

-- The reminder sweep reads armed, unsent reminders by due time.
CREATE INDEX IF NOT EXISTS br_ehr_booking_reminder_ix ON br_ehr_booking (reminder_sent_at, reminder_due_at);

-- Each booking's history (R15), append-only. seq is the booking version the event produced.
CREATE TABLE IF NOT EXISTS br_ehr_event (
    tenant_id   VARCHAR(64) NOT NULL,
    booking_id  VARCHAR(64) NOT NULL,
    seq         BIGINT      NOT NULL,
    kind        VARCHAR(32) NOT NULL,
    actor_kind  VARCHAR(10) NOT NULL,
    actor_id    VARCHAR(64) NOT NULL,
    at          TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    from_status VARCHAR(12),
    to_status   VARCHAR(12) NOT NULL,
    details     VARCHAR(100000) NOT NULL,
    CONSTRAINT br_ehr_event_pk PRIMARY KEY (tenant_id, booking_id, seq)
);

-- The notifications each change handed over (R14), kept as a record next to the history.
CREATE TABLE IF NOT EXISTS br_ehr_notification (
    tenant_id        VARCHAR(64)  NOT NULL,
    notification_id  VARCHAR(36)  NOT NULL,
    booking_id       VARCHAR(64)  NOT NULL,
    kind             VARCHAR(32)  NOT NULL,
    recipient        VARCHAR(10)  NOT NULL,
    locale           VARCHAR(35)  NOT NULL,
    personal_message VARCHAR(2000),
    manage_link      VARCHAR(2000),
    created_at       TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    CONSTRAINT br_ehr_notification_pk PRIMARY KEY (tenant_id, notification_id)
);

CREATE TABLE IF NOT EXISTS br_ehr_idempotency_key (
    tenant_id   VARCHAR(64)  NOT NULL,
    idem_key    VARCHAR(128) NOT NULL,
    fingerprint VARCHAR(64)  NOT NULL,
    booking_id  VARCHAR(64)  NOT NULL,
    created_at  TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    CONSTRAINT br_ehr_idempotency_key_pk PRIMARY KEY (tenant_id, idem_key)
);

-- One row per practitioner, locked (SELECT ... FOR UPDATE) by every write that takes a slot, so two writers
-- never both take one: the overlap check and the write happen under it, in one transaction.
CREATE TABLE IF NOT EXISTS br_ehr_practitioner_lock (
    practitioner_id VARCHAR(64) NOT NULL,
    CONSTRAINT br_ehr_practitioner_lock_pk PRIMARY KEY (practitioner_id)
);
