-- Booking Rules schema, version 8, H2 2.x: the cancellation list (README, "Cancellation list").
-- br_waitlist_entry holds each customer's place on a service's list (who, which service, which resource
-- or any, the window of acceptable times, the booking to move earlier if any, where it stands, when the
-- customer joined) and br_waitlist_event its history. br_slot_hold is a freed slot held while it is
-- offered: an OPEN hold whose until_at is ahead keeps bookings off the slot, checked under the resource's
-- lock like an overlapping booking. br_slot_offer is one entry's offer of one hold, with its deadline.
-- Customer columns are personal data, as in br_booking. Instants are TIMESTAMP WITH TIME ZONE.
-- Every key is led by tenant_id. Idempotent (IF NOT EXISTS), so running it twice is safe.

CREATE TABLE IF NOT EXISTS br_waitlist_entry (
    tenant_id         VARCHAR(64)  NOT NULL,
    id                VARCHAR(64)  NOT NULL,
    customer_id       VARCHAR(64)  NOT NULL,
    customer_name     VARCHAR(200),
    customer_email    VARCHAR(254),
    customer_phone    VARCHAR(40),
    customer_language VARCHAR(35)  NOT NULL,
    service_id        VARCHAR(64)  NOT NULL,
    service_name      VARCHAR(200) NOT NULL,
    resource_id       VARCHAR(64),
    window_start      TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    window_end        TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    booking_id        VARCHAR(64),
    status            VARCHAR(12)  NOT NULL,
    joined_at         TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    version           BIGINT       NOT NULL,
    CONSTRAINT br_waitlist_entry_pk PRIMARY KEY (tenant_id, id),
    CONSTRAINT br_waitlist_entry_window_ck CHECK (window_start < window_end)
);

-- The candidates of a freed slot: waiting entries of a tenant's service, in the order of joining.
CREATE INDEX IF NOT EXISTS br_waitlist_entry_candidates_ix ON br_waitlist_entry (tenant_id, service_id, status, joined_at, id);
CREATE INDEX IF NOT EXISTS br_waitlist_entry_customer_ix ON br_waitlist_entry (tenant_id, customer_id);
-- The job's waiting entries whose window has passed, of every tenant.
CREATE INDEX IF NOT EXISTS br_waitlist_entry_passed_ix ON br_waitlist_entry (status, window_end);

CREATE TABLE IF NOT EXISTS br_waitlist_event (
    tenant_id  VARCHAR(64) NOT NULL,
    entry_id   VARCHAR(64) NOT NULL,
    seq        BIGINT      NOT NULL,
    kind       VARCHAR(32) NOT NULL,
    actor_kind VARCHAR(10) NOT NULL,
    actor_id   VARCHAR(64) NOT NULL,
    at         TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    offer_id   VARCHAR(64),
    slot_start TIMESTAMP(6) WITH TIME ZONE,
    slot_end   TIMESTAMP(6) WITH TIME ZONE,
    booking_id VARCHAR(64),
    CONSTRAINT br_waitlist_event_pk PRIMARY KEY (tenant_id, entry_id, seq)
);

CREATE TABLE IF NOT EXISTS br_slot_hold (
    tenant_id        VARCHAR(64)  NOT NULL,
    id               VARCHAR(64)  NOT NULL,
    resource_id      VARCHAR(64)  NOT NULL,
    resource_name    VARCHAR(200) NOT NULL,
    resource_contact VARCHAR(200),
    service_id       VARCHAR(64)  NOT NULL,
    service_name     VARCHAR(200) NOT NULL,
    slot_start       TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    slot_end         TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    zone_id          VARCHAR(64)  NOT NULL,
    freed_by         VARCHAR(64),
    status           VARCHAR(12)  NOT NULL,
    until_at         TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    round            INTEGER      NOT NULL,
    created_at       TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    version          BIGINT       NOT NULL,
    CONSTRAINT br_slot_hold_pk PRIMARY KEY (tenant_id, id),
    CONSTRAINT br_slot_hold_slot_ck CHECK (slot_start < slot_end)
);

-- The holds of a resource: the hold check of every slot-claiming write, and the staff's list.
CREATE INDEX IF NOT EXISTS br_slot_hold_resource_ix ON br_slot_hold (tenant_id, resource_id, status, slot_start);
-- The job's open holds whose round has ended, of every tenant.
CREATE INDEX IF NOT EXISTS br_slot_hold_ended_ix ON br_slot_hold (status, until_at);

CREATE TABLE IF NOT EXISTS br_slot_offer (
    tenant_id  VARCHAR(64) NOT NULL,
    id         VARCHAR(64) NOT NULL,
    hold_id    VARCHAR(64) NOT NULL,
    entry_id   VARCHAR(64) NOT NULL,
    round      INTEGER     NOT NULL,
    status     VARCHAR(12) NOT NULL,
    offered_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    deadline   TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    ended_at   TIMESTAMP(6) WITH TIME ZONE,
    CONSTRAINT br_slot_offer_pk PRIMARY KEY (tenant_id, id)
);

CREATE INDEX IF NOT EXISTS br_slot_offer_hold_ix ON br_slot_offer (tenant_id, hold_id);
