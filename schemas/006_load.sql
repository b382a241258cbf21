-- 006_load.sql: the two steps of a load that need the owner's rights,
-- as SECURITY DEFINER functions the loader may call (rules.md R10.1,
-- B2).  Recorded as version 6.  A load (etl/cmd/load.c) does, in one
-- transaction holding the run lock:
--
--   1. INSERT its doisoat.runs row (status 'loading') and run_inputs rows;
--   2. SELECT doisoat.load_begin(run_id): one empty staging table per
--      result table, doisoat_stage.<table>_r<run_id>, shaped like it, with
--      period and run_id defaulting to the run's and CHECK (period = P);
--   3. COPY every list of the output folder into its staging table;
--   4. the accounting checks of rules.md R9 against summary.json (the run
--      fails, and nothing is committed, if one does not hold);
--   5. SELECT doisoat.load_swap(run_id): for every result table, detach
--      and drop the period's partition, attach the staging table in its
--      place (the CHECK spares a scan; the indexes are built here), and
--      mark the run 'loaded';
--   6. COMMIT.
--
-- Until COMMIT nobody sees any of it; a load killed at any point leaves
-- the previous complete state.  Swapping takes an ACCESS EXCLUSIVE lock
-- on each result table for the rest of the transaction (a moment), and
-- waits at most lock_timeout for reporting queries to finish.

CREATE OR REPLACE FUNCTION doisoat.result_tables() RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$
	SELECT ARRAY['increase', 'decrease', 'change', 'renew', 'uninsured',
		     'review', 'rejects', 'coverage']
$$;

CREATE OR REPLACE FUNCTION doisoat.load_begin(p_run bigint) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	p int;
	t text;
	s text;
BEGIN
	SELECT period INTO p FROM doisoat.runs
	WHERE run_id = p_run AND status = 'loading';
	IF NOT FOUND THEN
		RAISE EXCEPTION 'run % is not a load in progress', p_run;
	END IF;
	FOREACH t IN ARRAY doisoat.result_tables() LOOP
		s := format('doisoat_stage.%I', t || '_r' || p_run);
		EXECUTE format('CREATE TABLE %s (LIKE doisoat.%I INCLUDING '
			       'DEFAULTS INCLUDING CONSTRAINTS)', s, t);
		EXECUTE format('ALTER TABLE %s ALTER period SET DEFAULT %s, '
			       'ALTER run_id SET DEFAULT %s, ADD CONSTRAINT '
			       'staged_period CHECK (period = %s)',
			       s, p, p_run, p);
		EXECUTE format('GRANT SELECT, INSERT ON %s TO doisoat_loader',
			       s);
	END LOOP;
END
$$;

CREATE OR REPLACE FUNCTION doisoat.load_swap(p_run bigint) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET lock_timeout = '5min' AS $$
DECLARE
	p int;
	t text;
	part text;
BEGIN
	SELECT period INTO p FROM doisoat.runs
	WHERE run_id = p_run AND status = 'loading';
	IF NOT FOUND THEN
		RAISE EXCEPTION 'run % is not a load in progress', p_run;
	END IF;
	FOREACH t IN ARRAY doisoat.result_tables() LOOP
		part := t || '_' || p;
		IF to_regclass(format('doisoat.%I', part)) IS NOT NULL THEN
			EXECUTE format('ALTER TABLE doisoat.%I DETACH '
				       'PARTITION doisoat.%I', t, part);
			EXECUTE format('DROP TABLE doisoat.%I', part);
		END IF;
		EXECUTE format('REVOKE ALL ON doisoat_stage.%I FROM '
			       'doisoat_loader', t || '_r' || p_run);
		EXECUTE format('ALTER TABLE doisoat_stage.%I SET SCHEMA '
			       'doisoat', t || '_r' || p_run);
		EXECUTE format('ALTER TABLE doisoat.%I RENAME TO %I',
			       t || '_r' || p_run, part);
		EXECUTE format('ALTER TABLE doisoat.%I ATTACH PARTITION '
			       'doisoat.%I FOR VALUES IN (%s)', t, part, p);
	END LOOP;
	UPDATE doisoat.runs SET status = 'loaded',
		finished_at = clock_timestamp()
	WHERE run_id = p_run;
END
$$;
