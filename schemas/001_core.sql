-- 001_core.sql: the run ledger and one result table per output CSV of a run
-- (docs/rules.md R7, R8).  Applied by `doisoat db migrate` and at the
-- start of every `doisoat load`, inside the load's transaction; recorded in
-- doisoat.schema_migrations as version 1.  Plain SQL only (no psql
-- meta-commands, no BEGIN/COMMIT), and idempotent.
--
-- Conventions: IDs and codes are text (leading zeros matter: '00001',
-- '079190000001'); counts are integers; every result row carries the
-- period it reconciles and the run that loaded it.  A load replaces all
-- rows of its period in every result table, so each period holds exactly
-- one run's results, while doisoat.runs keeps every load.
--
-- Later migrations reshape the result tables made here (schemas/current.sql
-- shows the outcome): 005_partitions.sql partitions them by period, drops
-- their foreign keys to doisoat.runs and the indexes at the end of this
-- file (all but coverage's unique key), and adds pseudonym to the person
-- lists and raw to rejects.
--
-- dob is text, not date: the pipeline keeps a birth date at the precision
-- the sources give it, so dob may be 'yyyy-mm-dd', 'yyyy-mm' or 'yyyy'
-- (a birth known only by year, common for older people); a date column
-- would have to invent a day.  The ISO forms still sort and compare as
-- text.  Effective dates (effective_from, effective_to) are full dates.
--
-- benefit_level is text: it is a code (the third character of a card
-- code, 1-5, best to worst 5, 1, 2, 3, 4), not a quantity.
--
-- The rejects table is made here without the raw column of rejects.csv:
-- raw input lines carry personal data.  005_partitions.sql adds
-- rejects.raw, which stays NULL unless the load is told --keep-raw.

CREATE SCHEMA IF NOT EXISTS doisoat;

CREATE TABLE IF NOT EXISTS doisoat.schema_migrations (
	version int PRIMARY KEY,
	applied_at timestamptz NOT NULL DEFAULT now()
);

-- One row per load.  summary is the run's summary.json as written.
CREATE TABLE IF NOT EXISTS doisoat.runs (
	run_id bigserial PRIMARY KEY,
	period int NOT NULL,
	started_at timestamptz NOT NULL DEFAULT now(),
	finished_at timestamptz,
	status text NOT NULL,
	version text,
	summary jsonb NOT NULL
);
CREATE INDEX IF NOT EXISTS runs_period_idx ON doisoat.runs (period, run_id);

-- The input files of a run, from summary.json "inputs" (ord: their order
-- there, 1-based).
CREATE TABLE IF NOT EXISTS doisoat.run_inputs (
	run_id bigint NOT NULL REFERENCES doisoat.runs ON DELETE CASCADE,
	ord int NOT NULL,
	source text,
	kind text,
	bytes bigint,
	xxh3 text,
	rows_read bigint,
	accepted bigint,
	rejected bigint,
	PRIMARY KEY (run_id, ord)
);

-- increase.csv: new cards.
CREATE TABLE IF NOT EXISTS doisoat.increase (
	period int NOT NULL,
	run_id bigint NOT NULL REFERENCES doisoat.runs,
	person_id text NOT NULL,
	bhxh_code text,
	full_name text,
	dob text,
	sex text,
	commune_code text,
	group_code text,
	benefit_level text,
	hospital_code text,
	effective_from date,
	reason text,
	source text
);

-- decrease.csv: cards to end.  Never without a reason (rules.md R9).
CREATE TABLE IF NOT EXISTS doisoat.decrease (
	period int NOT NULL,
	run_id bigint NOT NULL REFERENCES doisoat.runs,
	person_id text,
	bhxh_code text,
	card_code text,
	full_name text,
	dob text,
	sex text,
	commune_code text,
	group_code text,
	effective_to date,
	reason text NOT NULL,
	CHECK (person_id IS NOT NULL OR bhxh_code IS NOT NULL)
);

-- change.csv: changed cards.
CREATE TABLE IF NOT EXISTS doisoat.change (
	period int NOT NULL,
	run_id bigint NOT NULL REFERENCES doisoat.runs,
	person_id text,
	bhxh_code text,
	card_code text,
	full_name text,
	dob text,
	sex text,
	commune_code text,
	old_group_code text,
	group_code text,
	benefit_level text,
	changed_fields text,
	reason text,
	CHECK (person_id IS NOT NULL OR bhxh_code IS NOT NULL)
);

-- renew.csv: renewed cards.
CREATE TABLE IF NOT EXISTS doisoat.renew (
	period int NOT NULL,
	run_id bigint NOT NULL REFERENCES doisoat.runs,
	person_id text,
	bhxh_code text,
	card_code text,
	full_name text,
	dob text,
	sex text,
	commune_code text,
	group_code text,
	benefit_level text,
	CHECK (person_id IS NOT NULL OR bhxh_code IS NOT NULL)
);

-- uninsured.csv: registry people without a card (outreach lists).
CREATE TABLE IF NOT EXISTS doisoat.uninsured (
	period int NOT NULL,
	run_id bigint NOT NULL REFERENCES doisoat.runs,
	person_id text NOT NULL,
	full_name text,
	dob text,
	sex text,
	commune_code text,
	household_code text
);

-- review.csv: rows or people needing a human.  line is empty (NULL) for a
-- person-level review.
CREATE TABLE IF NOT EXISTS doisoat.review (
	period int NOT NULL,
	run_id bigint NOT NULL REFERENCES doisoat.runs,
	source text,
	line bigint,
	person_id text,
	bhxh_code text,
	reason text,
	detail text
);

-- rejects.csv, without its raw column until 005 (see above).
CREATE TABLE IF NOT EXISTS doisoat.rejects (
	period int NOT NULL,
	run_id bigint NOT NULL REFERENCES doisoat.runs,
	source text,
	line bigint,
	reason text
);

-- coverage.csv: one row per commune in scope, then commune_code 'TOTAL'.
-- Percentages are numbers (93.08 means 93.08 %).  The BHXH and BHTN
-- columns are NULL when the run had no schemes or labour force (§7).
CREATE TABLE IF NOT EXISTS doisoat.coverage (
	period int NOT NULL,
	run_id bigint NOT NULL REFERENCES doisoat.runs,
	commune_code text NOT NULL,
	commune_name text,
	population int,
	insured int,
	coverage_pct numeric,
	target_pct numeric,
	pct_of_target numeric,
	remaining int,
	labour_force int,
	bhxh_compulsory int,
	bhxh_voluntary int,
	bhxh_pct numeric,
	bhxh_target_pct numeric,
	bhxh_voluntary_pct numeric,
	bhxh_voluntary_target_pct numeric,
	bhxh_remaining int,
	bhxh_voluntary_remaining int,
	bhtn int,
	bhtn_pct numeric,
	bhtn_target_pct numeric,
	bhtn_remaining int
);

-- Dropped with the unpartitioned tables by 005_partitions.sql, which
-- makes only coverage_period_idx again.
CREATE INDEX IF NOT EXISTS increase_period_idx
	ON doisoat.increase (period, commune_code);
CREATE INDEX IF NOT EXISTS decrease_period_idx
	ON doisoat.decrease (period, commune_code);
CREATE INDEX IF NOT EXISTS change_period_idx
	ON doisoat.change (period, commune_code);
CREATE INDEX IF NOT EXISTS renew_period_idx
	ON doisoat.renew (period, commune_code);
CREATE INDEX IF NOT EXISTS uninsured_period_idx
	ON doisoat.uninsured (period, commune_code);
CREATE INDEX IF NOT EXISTS review_period_idx ON doisoat.review (period);
CREATE INDEX IF NOT EXISTS rejects_period_idx ON doisoat.rejects (period);
CREATE UNIQUE INDEX IF NOT EXISTS coverage_period_idx
	ON doisoat.coverage (period, commune_code);
