-- Booking Rules schema, version 3, H2 2.x: which schema files JdbcSchema.create has run.
-- One row per file it ran to the end. A migration tool taking over a database made by
-- JdbcSchema.create starts after the version JdbcSchema.appliedVersion reads from here. Migration
-- tools leave the table empty: they keep their own history.
-- Instants are TIMESTAMP WITH TIME ZONE. Idempotent (IF NOT EXISTS), so running it twice is safe.

CREATE TABLE IF NOT EXISTS br_schema_version (
    version      INTEGER      NOT NULL,
    script       VARCHAR(200) NOT NULL,
    installed_on TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    CONSTRAINT br_schema_version_pk PRIMARY KEY (version)
);
