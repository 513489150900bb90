-- Booking Rules schema, version 3, MariaDB 10.6 or later: which schema files JdbcSchema.create has run.
-- One row per file it ran to the end. A migration tool taking over a database made by
-- JdbcSchema.create starts after the version JdbcSchema.appliedVersion reads from here. Migration
-- tools leave the table empty: they keep their own history.
-- Instants are DATETIME(6) holding UTC. Idempotent (IF NOT EXISTS), so running it twice is safe.

CREATE TABLE IF NOT EXISTS br_schema_version (
    version      INTEGER      NOT NULL,
    script       VARCHAR(200) NOT NULL,
    installed_on DATETIME(6)  NOT NULL,
    CONSTRAINT br_schema_version_pk PRIMARY KEY (version)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
