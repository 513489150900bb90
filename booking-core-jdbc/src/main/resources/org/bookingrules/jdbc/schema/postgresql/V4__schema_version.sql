-- Booking Rules schema, version 4, PostgreSQL 12 or later: which schema files JdbcSchema.create has run.
-- One row per file it ran to the end (a file it had to skip, such as the overlap guard without
-- btree_gist, has none). A migration tool taking over a database made by JdbcSchema.create starts
-- after the version JdbcSchema.appliedVersion reads from here. Migration tools leave the table empty:
-- they keep their own history. Not tenant data: on a tenant-sharded PostgreSQL (Citus) it stays local.
-- Idempotent (IF NOT EXISTS), so running it twice is safe.

CREATE TABLE IF NOT EXISTS br_schema_version (
    version      INTEGER      NOT NULL,
    script       VARCHAR(200) NOT NULL,
    installed_on TIMESTAMPTZ  NOT NULL,
    CONSTRAINT br_schema_version_pk PRIMARY KEY (version)
);
