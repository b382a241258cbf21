-- 002_reference.sql: the shipped reference tables, as the binary that
-- loads a run knows them (etl/data/groups.csv and etl/data/communes.csv,
-- compiled in).  `doisoat load` replaces their contents on every load, in
-- the load's transaction, so they always match the run just loaded
-- (005_partitions.sql adds run_id, the run that last refreshed them).
-- Recorded in doisoat.schema_migrations as version 2.

-- Group codes (mã đối tượng): one row per code and validity interval
-- (a code whose benefit level changed on a date has two rows).  valid_from
-- or valid_to NULL: open.
CREATE TABLE IF NOT EXISTS doisoat.groups (
	code text NOT NULL,
	rank int NOT NULL,
	funding_class int,
	level text,
	valid_from date,
	valid_to date,
	residence_based boolean NOT NULL,
	area_based boolean NOT NULL,
	name_vi text
);
CREATE UNIQUE INDEX IF NOT EXISTS groups_code_idx
	ON doisoat.groups (code, coalesce(valid_from, '-infinity'::date));

-- Commune codes and names (mã xã): the 3-tier list valid until 2025-06-30
-- and the 2-tier list valid from 2025-07-01 reuse codes, so a code may
-- have one row per interval.
CREATE TABLE IF NOT EXISTS doisoat.communes (
	code text NOT NULL,
	name text NOT NULL,
	valid_from date,
	valid_to date
);
CREATE UNIQUE INDEX IF NOT EXISTS communes_code_idx
	ON doisoat.communes (code, coalesce(valid_from, '-infinity'::date));
