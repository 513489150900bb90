-- Legacy shape B: text keys, the date and the start and end times in separate local DATE and TIME columns (the
-- clinic's zone comes from configuration), one-letter codes with a 'N' (none) default, the patient in another
-- table keyed by a text code with first and last names, the practitioner as a text code, no version column. One
-- file for the three databases: LegacyClinics puts in each database's words for ${table_options}.
DROP TABLE IF EXISTS visit;
DROP TABLE IF EXISTS pat;
CREATE TABLE pat (
    pat_code VARCHAR(64) NOT NULL PRIMARY KEY,
    first_nm VARCHAR(80),
    last_nm  VARCHAR(120),
    e_mail   VARCHAR(254),
    tel      VARCHAR(40),
    birth    DATE
)${table_options};
CREATE TABLE visit (
    visit_no    VARCHAR(64) NOT NULL PRIMARY KEY,
    pat_code    VARCHAR(64),
    doctor_code VARCHAR(64) NOT NULL,
    visit_date  DATE        NOT NULL,
    time_from   TIME(6)     NOT NULL,
    time_to     TIME(6)     NOT NULL,
    st          CHAR(1)     DEFAULT 'N' NOT NULL,
    room        VARCHAR(10),
    CONSTRAINT visit_pat_fk FOREIGN KEY (pat_code) REFERENCES pat (pat_code)
)${table_options};
CREATE INDEX visit_doctor_ix ON visit (doctor_code, visit_date);
CREATE INDEX visit_pat_ix ON visit (pat_code);
