-- 005_partitions.sql: the result tables become partitioned by period, so
-- a load can swap a whole period in one step (rules.md R10.1): it
-- COPYs into staging tables, checks them, then detaches and drops the
-- period's old partition and attaches the staging table in its place, all
-- in its one transaction (006_load.sql).  Rows already loaded move into
-- one partition per period.  Recorded as version 5.
--
-- Also:
--   - the foreign keys from the result tables to doisoat.runs go: a key
--     would be re-checked row by row when a partition is attached; the
--     loader writes run_id itself, and the ledger row is in the same
--     transaction;
--   - pseudonym (person lists): HMAC-SHA256(secret key, person_id) as 64
--     hex digits, written by the loader when it has a key
--     (--pseudonym-key), else NULL; the only person key the reporting
--     views show;
--   - rejects.raw: the raw input line, NULL unless the load was told
--     --keep-raw (it carries personal data);
--   - the ledger learns the client's host and pid, the period's reference
--     date, an error text for failed loads, and per input file its path,
--     line counts, timing and whether an earlier run had the same file;
--   - the reference tables carry the run that last refreshed them
--     (doisoat.run_id is set by the loader for its transaction).

DROP VIEW IF EXISTS doisoat.coverage_report;

DO $$
DECLARE
	t text;
	p int;
BEGIN
	FOREACH t IN ARRAY ARRAY['increase', 'decrease', 'change', 'renew',
				 'uninsured', 'review', 'rejects',
				 'coverage']
	LOOP
		IF EXISTS (SELECT 1 FROM pg_partitioned_table
			   WHERE partrelid = format('doisoat.%I', t)::regclass)
		THEN
			CONTINUE;
		END IF;
		EXECUTE format('ALTER TABLE doisoat.%I RENAME TO %I', t,
			       t || '_unpartitioned');
		EXECUTE format('CREATE TABLE doisoat.%I (LIKE doisoat.%I '
			       'INCLUDING DEFAULTS INCLUDING CONSTRAINTS) '
			       'PARTITION BY LIST (period)',
			       t, t || '_unpartitioned');
		FOR p IN EXECUTE format('SELECT DISTINCT period FROM '
					'doisoat.%I', t || '_unpartitioned')
		LOOP
			EXECUTE format('CREATE TABLE doisoat.%I PARTITION OF '
				       'doisoat.%I FOR VALUES IN (%s)',
				       t || '_' || p, t, p);
		END LOOP;
		EXECUTE format('INSERT INTO doisoat.%I SELECT * FROM '
			       'doisoat.%I', t, t || '_unpartitioned');
		EXECUTE format('DROP TABLE doisoat.%I', t || '_unpartitioned');
	END LOOP;
END
$$;

ALTER TABLE doisoat.increase ADD COLUMN IF NOT EXISTS pseudonym text;
ALTER TABLE doisoat.decrease ADD COLUMN IF NOT EXISTS pseudonym text;
ALTER TABLE doisoat.change ADD COLUMN IF NOT EXISTS pseudonym text;
ALTER TABLE doisoat.renew ADD COLUMN IF NOT EXISTS pseudonym text;
ALTER TABLE doisoat.uninsured ADD COLUMN IF NOT EXISTS pseudonym text;
ALTER TABLE doisoat.rejects ADD COLUMN IF NOT EXISTS raw text;

-- The indexes of 001 went with the old tables and are not made again:
-- partition pruning finds a period, and the reporting views read whole
-- periods; an index on the lists would only slow every load down (it is
-- built when a partition is attached).  Coverage keeps its unique key.
CREATE UNIQUE INDEX IF NOT EXISTS coverage_period_idx
	ON doisoat.coverage (period, commune_code);

-- The ledger.  status: 'loaded' (committed with its results) or 'failed'
-- (a load that did not commit, recorded afterwards with its error; its
-- results were never visible).  error holds doisoat's message, which
-- never carries a value from a data row.
ALTER TABLE doisoat.runs
	ADD COLUMN IF NOT EXISTS period_start date,
	ADD COLUMN IF NOT EXISTS host text,
	ADD COLUMN IF NOT EXISTS pid int,
	ADD COLUMN IF NOT EXISTS error text;
UPDATE doisoat.runs SET period_start = (summary->>'period_start')::date
WHERE period_start IS NULL;

-- same_as_run: the latest earlier run that read a file with the same
-- XXH3 checksum and size (a file delivered again unchanged).
ALTER TABLE doisoat.run_inputs
	ADD COLUMN IF NOT EXISTS path text,
	ADD COLUMN IF NOT EXISTS lines bigint,
	ADD COLUMN IF NOT EXISTS duplicates_merged bigint,
	ADD COLUMN IF NOT EXISTS sent_to_review bigint,
	ADD COLUMN IF NOT EXISTS seconds numeric,
	ADD COLUMN IF NOT EXISTS same_as_run bigint;
CREATE INDEX IF NOT EXISTS run_inputs_xxh3_idx
	ON doisoat.run_inputs (xxh3, bytes);

ALTER TABLE doisoat.groups ADD COLUMN IF NOT EXISTS run_id bigint
	DEFAULT nullif(current_setting('doisoat.run_id', true), '')::bigint;
ALTER TABLE doisoat.communes ADD COLUMN IF NOT EXISTS run_id bigint
	DEFAULT nullif(current_setting('doisoat.run_id', true), '')::bigint;

-- The view of 003_reports.sql, as it was (it went with the old table).
CREATE OR REPLACE VIEW doisoat.coverage_report AS
SELECT c.period,
       c.run_id,
       r.finished_at AS loaded_at,
       c.commune_code = 'TOTAL' AS is_total,
       c.commune_code,
       c.commune_name,
       c.population,
       c.insured,
       c.coverage_pct,
       c.target_pct,
       c.pct_of_target,
       c.remaining,
       c.labour_force,
       c.bhxh_compulsory,
       c.bhxh_voluntary,
       c.bhxh_pct,
       c.bhxh_target_pct,
       c.bhxh_voluntary_pct,
       c.bhxh_voluntary_target_pct,
       c.bhxh_remaining,
       c.bhxh_voluntary_remaining,
       c.bhtn,
       c.bhtn_pct,
       c.bhtn_target_pct,
       c.bhtn_remaining
FROM doisoat.coverage c
JOIN doisoat.runs r ON r.run_id = c.run_id
WHERE c.run_id = (SELECT max(c2.run_id)
		  FROM doisoat.coverage c2
		  WHERE c2.period = c.period);
