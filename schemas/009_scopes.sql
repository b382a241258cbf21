-- 009_scopes.sql: runs keyed by what they cover (rules.md R10.1).
-- Recorded as version 9.
--
-- A run's results belong to its period and its scope: the set of communes
-- it is responsible for (its --scope file, else the communes of its
-- registry rows; summary.json "scope", or the communes of coverage.csv
-- for a folder written before it said so).  One database then holds a
-- whole province fed by several runs (one per office, former district or
-- commune group) side by side:
--
--   - doisoat.scopes: one row per distinct set of communes (communes, the
--     sorted codes, is its key), with an optional unit code and name for
--     humans (`doisoat load --unit CODE[=NAME]`: given once, kept);
--   - doisoat.period_scopes: which scopes a period holds, and the run
--     whose results each shows;
--   - doisoat.runs.scope_id: the ledger records each load's scope;
--   - every result table gets scope_id, and each period partition (005)
--     is itself partitioned by scope: doisoat.<table>_<period>_s<scope_id>.
--
-- A load swaps in only the sub-partitions of its own period and scope
-- (load_swap: detach and drop the old one, attach the staging table),
-- under the load lock, in its one transaction: other scopes of the period
-- are not touched, and a killed load leaves the previous state.  Loading
-- the identical scope again replaces it.  A scope that overlaps another
-- scope of the period without being identical to it is refused (by
-- load_begin, before any COPY, and again by load_swap), the message
-- naming both scopes, the period and the communes in common (codes and
-- counts only); `doisoat load --replace` drops the overlapping scopes of
-- that period instead (when the offices are re-cut).
--
-- The migration keeps what is loaded: each period loaded so far gets the
-- scope of its coverage rows (their communes, TOTAL aside), its latest
-- loaded run is recorded as that scope's run, and its partitions move
-- under the new per-period partitions unchanged.  coverage's unique key
-- becomes (period, scope_id, commune_code): each scope has its own TOTAL
-- row.
--
-- The reporting views gain scope_id, unit_code and unit_name at the end;
-- the new views coverage_<scheme>_province add the scopes of each period
-- up (the province's totals; sum them, never coverage_<scheme>_total
-- with them), and doisoat_report.scopes lists the scopes of each period.

CREATE TABLE IF NOT EXISTS doisoat.scopes (
	scope_id serial PRIMARY KEY,
	communes text[] NOT NULL UNIQUE,
	unit_code text,
	unit_name text,
	created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS doisoat.period_scopes (
	period int NOT NULL,
	scope_id int NOT NULL REFERENCES doisoat.scopes,
	run_id bigint NOT NULL REFERENCES doisoat.runs,
	PRIMARY KEY (period, scope_id)
);

ALTER TABLE doisoat.runs ADD COLUMN IF NOT EXISTS scope_id int
	REFERENCES doisoat.scopes;

-- A scope for messages and views: its unit, else its first and last
-- commune, and its size.  No quotes (doisoat cuts a server message at
-- its first quoted value).
CREATE OR REPLACE FUNCTION doisoat.scope_label(p_scope int) RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
	SELECT 'scope ' || s.scope_id || ' (' ||
	       coalesce('unit ' || s.unit_code ||
			coalesce(' ' || s.unit_name, '') || ', ', '') ||
	       CASE cardinality(s.communes)
		    WHEN 0 THEN 'no communes'
		    WHEN 1 THEN 'commune ' || s.communes[1]
		    ELSE cardinality(s.communes) || ' communes ' ||
			 s.communes[1] || ' to ' ||
			 s.communes[cardinality(s.communes)] END || ')'
	FROM doisoat.scopes s WHERE s.scope_id = p_scope
$$;

-- The existing rows: a scope per period loaded, then the partitions.
DROP VIEW IF EXISTS doisoat.coverage_report;
DROP INDEX IF EXISTS doisoat.coverage_period_idx;
DO $$
DECLARE
	t text;
	p int;
	s int;
	r bigint;
	c text[];
	per text;
BEGIN
	IF EXISTS (SELECT 1 FROM information_schema.columns
		   WHERE table_schema = 'doisoat' AND table_name = 'coverage'
		     AND column_name = 'scope_id') THEN
		RETURN;
	END IF;
	FOREACH t IN ARRAY doisoat.result_tables() LOOP
		EXECUTE format('ALTER TABLE doisoat.%I ADD COLUMN scope_id int',
			       t);
	END LOOP;
	FOR p IN
		SELECT DISTINCT substring(i.relname FROM '_([0-9]+)$')::int
		FROM pg_inherits h
		JOIN pg_class i ON i.oid = h.inhrelid
		WHERE h.inhparent::regclass::text = ANY (
			SELECT 'doisoat.' || x
			FROM unnest(doisoat.result_tables()) x)
		  AND i.relname ~ '_[0-9]+$'
		ORDER BY 1
	LOOP
		c := ARRAY(SELECT DISTINCT commune_code FROM doisoat.coverage
			   WHERE period = p AND commune_code <> 'TOTAL'
			   ORDER BY 1);
		INSERT INTO doisoat.scopes (communes) VALUES (c)
		ON CONFLICT (communes) DO NOTHING;
		SELECT scope_id INTO s FROM doisoat.scopes
		WHERE communes = c;
		SELECT max(run_id) INTO r FROM doisoat.runs
		WHERE period = p AND status = 'loaded';
		IF r IS NOT NULL THEN
			INSERT INTO doisoat.period_scopes VALUES (p, s, r);
			UPDATE doisoat.runs SET scope_id = s WHERE run_id = r;
		END IF;
		FOREACH t IN ARRAY doisoat.result_tables() LOOP
			per := t || '_' || p;
			IF to_regclass(format('doisoat.%I', per)) IS NULL THEN
				CONTINUE;
			END IF;
			EXECUTE format('UPDATE doisoat.%I SET scope_id = %s',
				       per, s);
			EXECUTE format('ALTER TABLE doisoat.%I DETACH PARTITION '
				       'doisoat.%I', t, per);
			EXECUTE format('ALTER TABLE doisoat.%I RENAME TO %I',
				       per, per || '_s' || s);
			EXECUTE format('CREATE TABLE doisoat.%I PARTITION OF '
				       'doisoat.%I FOR VALUES IN (%s) '
				       'PARTITION BY LIST (scope_id)',
				       per, t, p);
			EXECUTE format('ALTER TABLE doisoat.%I ATTACH PARTITION '
				       'doisoat.%I FOR VALUES IN (%s)',
				       per, per || '_s' || s, s);
		END LOOP;
	END LOOP;
END
$$;
CREATE UNIQUE INDEX IF NOT EXISTS coverage_scope_idx
	ON doisoat.coverage (period, scope_id, commune_code);

-- The overlapping scope of a period, for the message: NULL when none.
CREATE OR REPLACE FUNCTION doisoat.scope_overlap(p_period int,
						 p_scope int) RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
	SELECT format('%s overlaps %s of period %s (loaded by run %s), '
		      'communes in common: %s', doisoat.scope_label(p_scope),
		      doisoat.scope_label(o.scope_id), p_period, ps.run_id,
		      (SELECT count(*) FROM unnest(o.communes) x
		       WHERE x = ANY (m.communes)))
	FROM doisoat.period_scopes ps
	JOIN doisoat.scopes o ON o.scope_id = ps.scope_id
	JOIN doisoat.scopes m ON m.scope_id = p_scope
	WHERE ps.period = p_period AND ps.scope_id <> p_scope
	  AND o.communes && m.communes
	ORDER BY ps.scope_id
	LIMIT 1
$$;

DROP FUNCTION IF EXISTS doisoat.load_begin(bigint);
DROP FUNCTION IF EXISTS doisoat.load_swap(bigint);

-- Step 2 of a load (006_load.sql), now with its scope: p_coverage, the
-- communes of coverage.csv, is the scope when summary.json has none;
-- p_unit_code and p_unit_name name the scope (NULL: keep its name).
-- Returns the scope's label (for the log) and, when it overlaps another
-- scope of the period, the overlap: then, unless p_replace, it creates
-- no staging table, and the loader refuses the load.
CREATE OR REPLACE FUNCTION doisoat.load_begin(p_run bigint,
					      p_coverage text[],
					      p_unit_code text,
					      p_unit_name text,
					      p_replace boolean,
					      OUT scope text,
					      OUT overlap text)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	p int;
	sm jsonb;
	c text[];
	sid int;
	t text;
	s text;
BEGIN
	SELECT period, summary INTO p, sm FROM doisoat.runs
	WHERE run_id = p_run AND status = 'loading';
	IF NOT FOUND THEN
		RAISE EXCEPTION 'run % is not a load in progress', p_run;
	END IF;
	IF jsonb_typeof(sm->'scope'->'communes') = 'array' THEN
		c := ARRAY(SELECT DISTINCT x FROM
			   jsonb_array_elements_text(sm->'scope'->'communes') x
			   ORDER BY 1);
	ELSE
		c := ARRAY(SELECT DISTINCT x FROM unnest(p_coverage) x
			   WHERE x <> 'TOTAL' ORDER BY 1);
	END IF;
	INSERT INTO doisoat.scopes (communes) VALUES (c)
	ON CONFLICT (communes) DO NOTHING;
	SELECT scope_id INTO sid FROM doisoat.scopes WHERE communes = c;
	IF p_unit_code IS NOT NULL THEN
		UPDATE doisoat.scopes SET unit_code = p_unit_code,
			unit_name = p_unit_name
		WHERE scope_id = sid;
	END IF;
	UPDATE doisoat.runs SET scope_id = sid WHERE run_id = p_run;
	scope := doisoat.scope_label(sid);
	overlap := doisoat.scope_overlap(p, sid);
	IF overlap IS NOT NULL AND NOT p_replace THEN
		RETURN; -- the loader says so and rolls back
	END IF;
	FOREACH t IN ARRAY doisoat.result_tables() LOOP
		s := format('doisoat_stage.%I', t || '_r' || p_run);
		EXECUTE format('CREATE TABLE %s (LIKE doisoat.%I INCLUDING '
			       'DEFAULTS INCLUDING CONSTRAINTS)', s, t);
		EXECUTE format('ALTER TABLE %s ALTER period SET DEFAULT %s, '
			       'ALTER run_id SET DEFAULT %s, '
			       'ALTER scope_id SET DEFAULT %s, '
			       'ALTER scope_id SET NOT NULL, ADD CONSTRAINT '
			       'staged_period CHECK (period = %s), '
			       'ADD CONSTRAINT staged_scope '
			       'CHECK (scope_id = %s)',
			       s, p, p_run, sid, p, sid);
		EXECUTE format('GRANT SELECT, INSERT ON %s TO doisoat_loader',
			       s);
	END LOOP;
END
$$;

-- Step 5 of a load: swap in the run's period and scope only.  With
-- p_replace, first drop every scope of the period that overlaps it.
CREATE OR REPLACE FUNCTION doisoat.load_swap(p_run bigint,
					     p_replace boolean) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET lock_timeout = '5min' AS $$
DECLARE
	p int;
	sid int;
	o int;
	ov text;
	t text;
	per text;
	part text;
BEGIN
	SELECT period, scope_id INTO p, sid FROM doisoat.runs
	WHERE run_id = p_run AND status = 'loading';
	IF NOT FOUND OR sid IS NULL THEN
		RAISE EXCEPTION 'run % is not a load in progress', p_run;
	END IF;
	ov := doisoat.scope_overlap(p, sid);
	IF ov IS NOT NULL AND NOT p_replace THEN
		RAISE EXCEPTION 'scopes overlap: %', ov;
	END IF;
	FOR o IN
		SELECT ps.scope_id FROM doisoat.period_scopes ps
		JOIN doisoat.scopes x ON x.scope_id = ps.scope_id
		WHERE ps.period = p AND ps.scope_id <> sid
		  AND x.communes && (SELECT communes FROM doisoat.scopes
				     WHERE scope_id = sid)
	LOOP
		RAISE WARNING 'replacing %: dropped from period %',
			doisoat.scope_label(o), p;
		FOREACH t IN ARRAY doisoat.result_tables() LOOP
			part := t || '_' || p || '_s' || o;
			IF to_regclass(format('doisoat.%I', part)) IS NOT NULL
			THEN
				EXECUTE format('ALTER TABLE doisoat.%I DETACH '
					       'PARTITION doisoat.%I',
					       t || '_' || p, part);
				EXECUTE format('DROP TABLE doisoat.%I', part);
			END IF;
		END LOOP;
		DELETE FROM doisoat.period_scopes
		WHERE period = p AND scope_id = o;
	END LOOP;
	FOREACH t IN ARRAY doisoat.result_tables() LOOP
		per := t || '_' || p;
		part := per || '_s' || sid;
		IF to_regclass(format('doisoat.%I', per)) IS NULL THEN
			EXECUTE format('CREATE TABLE doisoat.%I PARTITION OF '
				       'doisoat.%I FOR VALUES IN (%s) '
				       'PARTITION BY LIST (scope_id)',
				       per, t, p);
		END IF;
		IF to_regclass(format('doisoat.%I', part)) IS NOT NULL THEN
			EXECUTE format('ALTER TABLE doisoat.%I DETACH '
				       'PARTITION doisoat.%I', per, part);
			EXECUTE format('DROP TABLE doisoat.%I', part);
		END IF;
		EXECUTE format('REVOKE ALL ON doisoat_stage.%I FROM '
			       'doisoat_loader', t || '_r' || p_run);
		EXECUTE format('ALTER TABLE doisoat_stage.%I SET SCHEMA '
			       'doisoat', t || '_r' || p_run);
		EXECUTE format('ALTER TABLE doisoat.%I RENAME TO %I',
			       t || '_r' || p_run, part);
		EXECUTE format('ALTER TABLE doisoat.%I ATTACH PARTITION '
			       'doisoat.%I FOR VALUES IN (%s)', per, part, sid);
	END LOOP;
	INSERT INTO doisoat.period_scopes VALUES (p, sid, p_run)
	ON CONFLICT (period, scope_id) DO UPDATE SET run_id = EXCLUDED.run_id;
	UPDATE doisoat.runs SET status = 'loaded',
		finished_at = clock_timestamp()
	WHERE run_id = p_run;
END
$$;

-- The reporting views.  The result tables hold, per period, each scope as
-- its latest load left it.

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
       c.bhtn_remaining,
       c.scope_id
FROM doisoat.coverage c
JOIN doisoat.runs r ON r.run_id = c.run_id;

CREATE OR REPLACE VIEW doisoat_report.runs AS
SELECT r.run_id,
       r.period,
       r.period_start,
       r.status,
       r.status = 'loaded' AND EXISTS (
	       SELECT 1 FROM doisoat.period_scopes ps
	       WHERE ps.run_id = r.run_id) AS is_current,
       r.started_at,
       r.finished_at,
       round(extract(epoch FROM r.finished_at - r.started_at), 3)
	       AS load_seconds,
       (r.summary->'timings'->>'read')::numeric AS read_seconds,
       (r.summary->'timings'->>'identity')::numeric AS identity_seconds,
       (r.summary->'timings'->>'classify')::numeric AS classify_seconds,
       (r.summary->'timings'->>'write')::numeric AS write_seconds,
       (r.summary->'timings'->>'total')::numeric AS pipeline_seconds,
       (r.summary->>'exit_code')::int AS pipeline_exit_code,
       r.version AS doisoat_version,
       r.host,
       (SELECT count(*) FROM doisoat.run_inputs i
	WHERE i.run_id = r.run_id)::int AS input_files,
       (SELECT count(*) FROM doisoat.run_inputs i
	WHERE i.run_id = r.run_id AND i.same_as_run IS NOT NULL)::int
	       AS unchanged_input_files,
       (SELECT sum(i.rows_read) FROM doisoat.run_inputs i
	WHERE i.run_id = r.run_id)::bigint AS rows_read,
       (SELECT sum(i.rejected) FROM doisoat.run_inputs i
	WHERE i.run_id = r.run_id)::bigint AS rows_rejected,
       (r.summary->>'people')::bigint AS people,
       (r.summary->'outputs'->>'increase.csv')::bigint AS increase,
       (r.summary->'outputs'->>'decrease.csv')::bigint AS decrease,
       (r.summary->'outputs'->>'change.csv')::bigint AS change,
       (r.summary->'outputs'->>'renew.csv')::bigint AS renew,
       (r.summary->'outputs'->>'uninsured.csv')::bigint AS uninsured,
       (r.summary->'outputs'->>'review.csv')::bigint AS review,
       (r.summary->'outputs'->>'rejects.csv')::bigint AS rejects,
       r.error,
       r.scope_id,
       s.unit_code,
       s.unit_name,
       cardinality(s.communes) AS scope_communes
FROM doisoat.runs r
LEFT JOIN doisoat.scopes s ON s.scope_id = r.scope_id;

CREATE OR REPLACE VIEW doisoat_report.coverage_bhyt AS
SELECT c.period,
       r.period_start,
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
       c.scope_id,
       s.unit_code,
       s.unit_name
FROM doisoat.coverage c
JOIN doisoat.runs r ON r.run_id = c.run_id
LEFT JOIN doisoat.scopes s ON s.scope_id = c.scope_id;

CREATE OR REPLACE VIEW doisoat_report.coverage_bhyt_communes AS
SELECT c.period,
       r.period_start,
       c.run_id,
       r.finished_at AS loaded_at,
       c.commune_code,
       c.commune_name,
       c.population,
       c.insured,
       c.coverage_pct,
       c.target_pct,
       c.pct_of_target,
       c.remaining,
       c.scope_id,
       s.unit_code,
       s.unit_name
FROM doisoat.coverage c
JOIN doisoat.runs r ON r.run_id = c.run_id
LEFT JOIN doisoat.scopes s ON s.scope_id = c.scope_id
WHERE c.commune_code <> 'TOTAL';

CREATE OR REPLACE VIEW doisoat_report.coverage_bhyt_total AS
SELECT c.period,
       r.period_start,
       c.run_id,
       r.finished_at AS loaded_at,
       c.population,
       c.insured,
       c.coverage_pct,
       c.target_pct,
       c.pct_of_target,
       c.remaining,
       c.scope_id,
       s.unit_code,
       s.unit_name
FROM doisoat.coverage c
JOIN doisoat.runs r ON r.run_id = c.run_id
LEFT JOIN doisoat.scopes s ON s.scope_id = c.scope_id
WHERE c.commune_code = 'TOTAL';

CREATE OR REPLACE VIEW doisoat_report.coverage_bhxh AS
SELECT c.period,
       r.period_start,
       c.run_id,
       r.finished_at AS loaded_at,
       c.commune_code = 'TOTAL' AS is_total,
       c.commune_code,
       c.commune_name,
       c.labour_force,
       c.bhxh_compulsory,
       c.bhxh_voluntary,
       c.bhxh_pct,
       c.bhxh_target_pct,
       c.bhxh_voluntary_pct,
       c.bhxh_voluntary_target_pct,
       c.bhxh_remaining,
       c.bhxh_voluntary_remaining,
       c.scope_id,
       s.unit_code,
       s.unit_name
FROM doisoat.coverage c
JOIN doisoat.runs r ON r.run_id = c.run_id
LEFT JOIN doisoat.scopes s ON s.scope_id = c.scope_id;

CREATE OR REPLACE VIEW doisoat_report.coverage_bhxh_communes AS
SELECT c.period,
       r.period_start,
       c.run_id,
       r.finished_at AS loaded_at,
       c.commune_code,
       c.commune_name,
       c.labour_force,
       c.bhxh_compulsory,
       c.bhxh_voluntary,
       c.bhxh_pct,
       c.bhxh_target_pct,
       c.bhxh_voluntary_pct,
       c.bhxh_voluntary_target_pct,
       c.bhxh_remaining,
       c.bhxh_voluntary_remaining,
       c.scope_id,
       s.unit_code,
       s.unit_name
FROM doisoat.coverage c
JOIN doisoat.runs r ON r.run_id = c.run_id
LEFT JOIN doisoat.scopes s ON s.scope_id = c.scope_id
WHERE c.commune_code <> 'TOTAL';

CREATE OR REPLACE VIEW doisoat_report.coverage_bhxh_total AS
SELECT c.period,
       r.period_start,
       c.run_id,
       r.finished_at AS loaded_at,
       c.labour_force,
       c.bhxh_compulsory,
       c.bhxh_voluntary,
       c.bhxh_pct,
       c.bhxh_target_pct,
       c.bhxh_voluntary_pct,
       c.bhxh_voluntary_target_pct,
       c.bhxh_remaining,
       c.bhxh_voluntary_remaining,
       c.scope_id,
       s.unit_code,
       s.unit_name
FROM doisoat.coverage c
JOIN doisoat.runs r ON r.run_id = c.run_id
LEFT JOIN doisoat.scopes s ON s.scope_id = c.scope_id
WHERE c.commune_code = 'TOTAL';

CREATE OR REPLACE VIEW doisoat_report.coverage_bhtn AS
SELECT c.period,
       r.period_start,
       c.run_id,
       r.finished_at AS loaded_at,
       c.commune_code = 'TOTAL' AS is_total,
       c.commune_code,
       c.commune_name,
       c.labour_force,
       c.bhtn,
       c.bhtn_pct,
       c.bhtn_target_pct,
       c.bhtn_remaining,
       c.scope_id,
       s.unit_code,
       s.unit_name
FROM doisoat.coverage c
JOIN doisoat.runs r ON r.run_id = c.run_id
LEFT JOIN doisoat.scopes s ON s.scope_id = c.scope_id;

CREATE OR REPLACE VIEW doisoat_report.coverage_bhtn_communes AS
SELECT c.period,
       r.period_start,
       c.run_id,
       r.finished_at AS loaded_at,
       c.commune_code,
       c.commune_name,
       c.labour_force,
       c.bhtn,
       c.bhtn_pct,
       c.bhtn_target_pct,
       c.bhtn_remaining,
       c.scope_id,
       s.unit_code,
       s.unit_name
FROM doisoat.coverage c
JOIN doisoat.runs r ON r.run_id = c.run_id
LEFT JOIN doisoat.scopes s ON s.scope_id = c.scope_id
WHERE c.commune_code <> 'TOTAL';

CREATE OR REPLACE VIEW doisoat_report.coverage_bhtn_total AS
SELECT c.period,
       r.period_start,
       c.run_id,
       r.finished_at AS loaded_at,
       c.labour_force,
       c.bhtn,
       c.bhtn_pct,
       c.bhtn_target_pct,
       c.bhtn_remaining,
       c.scope_id,
       s.unit_code,
       s.unit_name
FROM doisoat.coverage c
JOIN doisoat.runs r ON r.run_id = c.run_id
LEFT JOIN doisoat.scopes s ON s.scope_id = c.scope_id
WHERE c.commune_code = 'TOTAL';

-- The province: every scope of a period added up, from their total rows
-- (the counts summed; the targets weighted by population or labour force
-- as a run weighs its communes'; percentages and remaining computed from
-- those totals).
CREATE OR REPLACE VIEW doisoat_report.coverage_bhyt_province AS
WITH t AS (
	SELECT c.period,
	       min(r.period_start) AS period_start,
	       count(*)::int AS scopes,
	       sum(cardinality(s.communes))::int AS communes,
	       max(r.finished_at) AS loaded_at,
	       sum(c.population)::int AS population,
	       sum(c.insured)::int AS insured,
	       round(sum(c.target_pct * c.population)
			     FILTER (WHERE c.target_pct IS NOT NULL) /
		     nullif(sum(c.population)
			    FILTER (WHERE c.target_pct IS NOT NULL), 0), 2)
		       AS target_pct
	FROM doisoat.coverage c
	JOIN doisoat.runs r ON r.run_id = c.run_id
	JOIN doisoat.scopes s ON s.scope_id = c.scope_id
	WHERE c.commune_code = 'TOTAL'
	GROUP BY c.period
)
SELECT period,
       period_start,
       scopes,
       communes,
       loaded_at,
       population,
       insured,
       round(100.0 * insured / nullif(population, 0), 2) AS coverage_pct,
       target_pct,
       round(10000.0 * insured / nullif(population * target_pct, 0), 2)
	       AS pct_of_target,
       (round(target_pct * population / 100) - insured)::int AS remaining
FROM t;

CREATE OR REPLACE VIEW doisoat_report.coverage_bhxh_province AS
WITH t AS (
	SELECT c.period,
	       min(r.period_start) AS period_start,
	       count(*)::int AS scopes,
	       sum(cardinality(s.communes))::int AS communes,
	       max(r.finished_at) AS loaded_at,
	       sum(c.labour_force)::int AS labour_force,
	       sum(c.bhxh_compulsory)::int AS bhxh_compulsory,
	       sum(c.bhxh_voluntary)::int AS bhxh_voluntary,
	       round(sum(c.bhxh_target_pct * c.labour_force)
			     FILTER (WHERE c.bhxh_target_pct IS NOT NULL) /
		     nullif(sum(c.labour_force)
			    FILTER (WHERE c.bhxh_target_pct IS NOT NULL), 0),
		     2) AS bhxh_target_pct,
	       round(sum(c.bhxh_voluntary_target_pct * c.labour_force)
			     FILTER (WHERE c.bhxh_voluntary_target_pct
				     IS NOT NULL) /
		     nullif(sum(c.labour_force)
			    FILTER (WHERE c.bhxh_voluntary_target_pct
				    IS NOT NULL), 0), 2)
		       AS bhxh_voluntary_target_pct
	FROM doisoat.coverage c
	JOIN doisoat.runs r ON r.run_id = c.run_id
	JOIN doisoat.scopes s ON s.scope_id = c.scope_id
	WHERE c.commune_code = 'TOTAL'
	GROUP BY c.period
)
SELECT period,
       period_start,
       scopes,
       communes,
       loaded_at,
       labour_force,
       bhxh_compulsory,
       bhxh_voluntary,
       round(100.0 * (bhxh_compulsory + bhxh_voluntary) /
	     nullif(labour_force, 0), 2) AS bhxh_pct,
       bhxh_target_pct,
       round(100.0 * bhxh_voluntary / nullif(labour_force, 0), 2)
	       AS bhxh_voluntary_pct,
       bhxh_voluntary_target_pct,
       (round((bhxh_target_pct - coalesce(bhxh_voluntary_target_pct, 0)) *
	      labour_force / 100) - bhxh_compulsory)::int AS bhxh_remaining,
       (round(bhxh_voluntary_target_pct * labour_force / 100) -
	bhxh_voluntary)::int AS bhxh_voluntary_remaining
FROM t;

CREATE OR REPLACE VIEW doisoat_report.coverage_bhtn_province AS
WITH t AS (
	SELECT c.period,
	       min(r.period_start) AS period_start,
	       count(*)::int AS scopes,
	       sum(cardinality(s.communes))::int AS communes,
	       max(r.finished_at) AS loaded_at,
	       sum(c.labour_force)::int AS labour_force,
	       sum(c.bhtn)::int AS bhtn,
	       round(sum(c.bhtn_target_pct * c.labour_force)
			     FILTER (WHERE c.bhtn_target_pct IS NOT NULL) /
		     nullif(sum(c.labour_force)
			    FILTER (WHERE c.bhtn_target_pct IS NOT NULL), 0),
		     2) AS bhtn_target_pct
	FROM doisoat.coverage c
	JOIN doisoat.runs r ON r.run_id = c.run_id
	JOIN doisoat.scopes s ON s.scope_id = c.scope_id
	WHERE c.commune_code = 'TOTAL'
	GROUP BY c.period
)
SELECT period,
       period_start,
       scopes,
       communes,
       loaded_at,
       labour_force,
       bhtn,
       round(100.0 * bhtn / nullif(labour_force, 0), 2) AS bhtn_pct,
       bhtn_target_pct,
       (round(bhtn_target_pct * labour_force / 100) - bhtn)::int
	       AS bhtn_remaining
FROM t;

-- The scopes each period holds, and the load each shows.
CREATE OR REPLACE VIEW doisoat_report.scopes AS
SELECT ps.period,
       r.period_start,
       ps.scope_id,
       s.unit_code,
       s.unit_name,
       cardinality(s.communes) AS communes,
       array_to_string(s.communes, ',') AS commune_codes,
       ps.run_id,
       r.finished_at AS loaded_at
FROM doisoat.period_scopes ps
JOIN doisoat.scopes s ON s.scope_id = ps.scope_id
JOIN doisoat.runs r ON r.run_id = ps.run_id;

-- The descriptions of what is new (docs/operations.md).

COMMENT ON COLUMN doisoat_report.coverage_bhyt.scope_id IS
	'The scope of the run that wrote the row: the set of communes it '
	'covers (doisoat_report.scopes).';
COMMENT ON COLUMN doisoat_report.coverage_bhyt.unit_code IS
	'The code of the unit the scope is named by (load --unit), or '
	'NULL.';
COMMENT ON COLUMN doisoat_report.coverage_bhyt.unit_name IS
	'The name of that unit, or NULL.';
COMMENT ON COLUMN doisoat_report.coverage_bhyt_communes.scope_id IS
	'The scope of the run that wrote the row: the set of communes it '
	'covers (doisoat_report.scopes).';
COMMENT ON COLUMN doisoat_report.coverage_bhyt_communes.unit_code IS
	'The code of the unit the scope is named by (load --unit), or '
	'NULL.';
COMMENT ON COLUMN doisoat_report.coverage_bhyt_communes.unit_name IS
	'The name of that unit, or NULL.';
COMMENT ON COLUMN doisoat_report.coverage_bhyt_total.scope_id IS
	'The scope of the run that wrote the row: the set of communes it '
	'covers (doisoat_report.scopes).';
COMMENT ON COLUMN doisoat_report.coverage_bhyt_total.unit_code IS
	'The code of the unit the scope is named by (load --unit), or '
	'NULL.';
COMMENT ON COLUMN doisoat_report.coverage_bhyt_total.unit_name IS
	'The name of that unit, or NULL.';
COMMENT ON COLUMN doisoat_report.coverage_bhxh.scope_id IS
	'The scope of the run that wrote the row: the set of communes it '
	'covers (doisoat_report.scopes).';
COMMENT ON COLUMN doisoat_report.coverage_bhxh.unit_code IS
	'The code of the unit the scope is named by (load --unit), or '
	'NULL.';
COMMENT ON COLUMN doisoat_report.coverage_bhxh.unit_name IS
	'The name of that unit, or NULL.';
COMMENT ON COLUMN doisoat_report.coverage_bhxh_communes.scope_id IS
	'The scope of the run that wrote the row: the set of communes it '
	'covers (doisoat_report.scopes).';
COMMENT ON COLUMN doisoat_report.coverage_bhxh_communes.unit_code IS
	'The code of the unit the scope is named by (load --unit), or '
	'NULL.';
COMMENT ON COLUMN doisoat_report.coverage_bhxh_communes.unit_name IS
	'The name of that unit, or NULL.';
COMMENT ON COLUMN doisoat_report.coverage_bhxh_total.scope_id IS
	'The scope of the run that wrote the row: the set of communes it '
	'covers (doisoat_report.scopes).';
COMMENT ON COLUMN doisoat_report.coverage_bhxh_total.unit_code IS
	'The code of the unit the scope is named by (load --unit), or '
	'NULL.';
COMMENT ON COLUMN doisoat_report.coverage_bhxh_total.unit_name IS
	'The name of that unit, or NULL.';
COMMENT ON COLUMN doisoat_report.coverage_bhtn.scope_id IS
	'The scope of the run that wrote the row: the set of communes it '
	'covers (doisoat_report.scopes).';
COMMENT ON COLUMN doisoat_report.coverage_bhtn.unit_code IS
	'The code of the unit the scope is named by (load --unit), or '
	'NULL.';
COMMENT ON COLUMN doisoat_report.coverage_bhtn.unit_name IS
	'The name of that unit, or NULL.';
COMMENT ON COLUMN doisoat_report.coverage_bhtn_communes.scope_id IS
	'The scope of the run that wrote the row: the set of communes it '
	'covers (doisoat_report.scopes).';
COMMENT ON COLUMN doisoat_report.coverage_bhtn_communes.unit_code IS
	'The code of the unit the scope is named by (load --unit), or '
	'NULL.';
COMMENT ON COLUMN doisoat_report.coverage_bhtn_communes.unit_name IS
	'The name of that unit, or NULL.';
COMMENT ON COLUMN doisoat_report.coverage_bhtn_total.scope_id IS
	'The scope of the run that wrote the row: the set of communes it '
	'covers (doisoat_report.scopes).';
COMMENT ON COLUMN doisoat_report.coverage_bhtn_total.unit_code IS
	'The code of the unit the scope is named by (load --unit), or '
	'NULL.';
COMMENT ON COLUMN doisoat_report.coverage_bhtn_total.unit_name IS
	'The name of that unit, or NULL.';
COMMENT ON VIEW doisoat_report.coverage_bhyt_total IS
	'BHYT (health insurance) coverage of each scope, one row per period and scope (the '
	'TOTAL row of its coverage.csv); coverage_bhyt_province adds the '
	'scopes of a period up.';
COMMENT ON VIEW doisoat_report.coverage_bhxh_total IS
	'BHXH (social insurance) coverage of each scope, one row per period and scope (the '
	'TOTAL row of its coverage.csv); coverage_bhxh_province adds the '
	'scopes of a period up.';
COMMENT ON VIEW doisoat_report.coverage_bhtn_total IS
	'BHTN (unemployment insurance) coverage of each scope, one row per period and scope (the '
	'TOTAL row of its coverage.csv); coverage_bhtn_province adds the '
	'scopes of a period up.';
COMMENT ON COLUMN doisoat_report.runs.is_current IS
	'true for the load whose results its period and scope show (the '
	'latest loaded run of that scope, unless a --replace dropped it).';
COMMENT ON COLUMN doisoat_report.runs.scope_id IS
	'The scope of the run: the set of communes it covers '
	'(doisoat_report.scopes); NULL for a failed load, and for loads '
	'replaced before schema version 9.';
COMMENT ON COLUMN doisoat_report.runs.unit_code IS
	'The code of the unit the scope is named by (load --unit), or NULL.';
COMMENT ON COLUMN doisoat_report.runs.unit_name IS
	'The name of that unit, or NULL.';
COMMENT ON COLUMN doisoat_report.runs.scope_communes IS
	'Number of communes in the scope.';

COMMENT ON VIEW doisoat_report.scopes IS
	'The scopes each period holds (one per run whose results it shows: '
	'an office, a former district, a group of communes), with the load '
	'each shows. Scopes of one period never share a commune.';
COMMENT ON COLUMN doisoat_report.scopes.period IS
	'The reporting year (--period).';
COMMENT ON COLUMN doisoat_report.scopes.period_start IS
	'The reference date of the run the scope shows.';
COMMENT ON COLUMN doisoat_report.scopes.scope_id IS
	'The scope, numbered when first loaded.';
COMMENT ON COLUMN doisoat_report.scopes.unit_code IS
	'The code of the unit the scope is named by (load --unit), or NULL.';
COMMENT ON COLUMN doisoat_report.scopes.unit_name IS
	'The name of that unit, or NULL.';
COMMENT ON COLUMN doisoat_report.scopes.communes IS
	'Number of communes in the scope.';
COMMENT ON COLUMN doisoat_report.scopes.commune_codes IS
	'The commune codes of the scope, sorted, comma-separated (its key).';
COMMENT ON COLUMN doisoat_report.scopes.run_id IS
	'The load whose results the scope shows.';
COMMENT ON COLUMN doisoat_report.scopes.loaded_at IS
	'When that load committed.';

COMMENT ON VIEW doisoat_report.coverage_bhyt_province IS
	'BHYT (health insurance) coverage of the whole province as '
	'loaded: one row per period, every scope of the period added up '
	'(never sum it with coverage_bhyt_total, which holds the same '
	'people per scope).';
COMMENT ON COLUMN doisoat_report.coverage_bhyt_province.period IS
	'The reporting year (--period).';
COMMENT ON COLUMN doisoat_report.coverage_bhyt_province.period_start IS
	'The earliest reference date of the scopes'' runs.';
COMMENT ON COLUMN doisoat_report.coverage_bhyt_province.scopes IS
	'Number of scopes loaded for the period.';
COMMENT ON COLUMN doisoat_report.coverage_bhyt_province.communes IS
	'Number of communes they cover.';
COMMENT ON COLUMN doisoat_report.coverage_bhyt_province.loaded_at IS
	'When the latest of their loads committed.';
COMMENT ON COLUMN doisoat_report.coverage_bhyt_province.population IS
	'People of the registry alive and living in the province''s '
	'loaded communes (the sum of the scopes).';
COMMENT ON COLUMN doisoat_report.coverage_bhyt_province.insured IS
	'Of them, those who hold a BHYT card in the period (the sum of '
	'the scopes).';
COMMENT ON COLUMN doisoat_report.coverage_bhyt_province.coverage_pct IS
	'BHYT coverage in percent, 100 * insured / population, two '
	'decimals.';
COMMENT ON COLUMN doisoat_report.coverage_bhyt_province.target_pct IS
	'The BHYT target in percent: the scopes'' targets weighted by '
	'population; NULL when none has one.';
COMMENT ON COLUMN doisoat_report.coverage_bhyt_province.pct_of_target IS
	'coverage_pct as a percentage of target_pct.';
COMMENT ON COLUMN doisoat_report.coverage_bhyt_province.remaining IS
	'People still to enrol to meet target_pct, computed from the '
	'totals; negative when passed.';
COMMENT ON VIEW doisoat_report.coverage_bhxh_province IS
	'BHXH (social insurance, compulsory and voluntary) coverage of '
	'the whole province as loaded: one row per period, every scope '
	'of the period added up (never sum it with coverage_bhxh_total, '
	'which holds the same people per scope).';
COMMENT ON COLUMN doisoat_report.coverage_bhxh_province.period IS
	'The reporting year (--period).';
COMMENT ON COLUMN doisoat_report.coverage_bhxh_province.period_start IS
	'The earliest reference date of the scopes'' runs.';
COMMENT ON COLUMN doisoat_report.coverage_bhxh_province.scopes IS
	'Number of scopes loaded for the period.';
COMMENT ON COLUMN doisoat_report.coverage_bhxh_province.communes IS
	'Number of communes they cover.';
COMMENT ON COLUMN doisoat_report.coverage_bhxh_province.loaded_at IS
	'When the latest of their loads committed.';
COMMENT ON COLUMN doisoat_report.coverage_bhxh_province.labour_force IS
	'The labour force, the sum of the scopes''.';
COMMENT ON COLUMN doisoat_report.coverage_bhxh_province.bhxh_compulsory IS
	'People with compulsory BHXH (the sum of the scopes).';
COMMENT ON COLUMN doisoat_report.coverage_bhxh_province.bhxh_voluntary IS
	'People with voluntary BHXH (the sum of the scopes).';
COMMENT ON COLUMN doisoat_report.coverage_bhxh_province.bhxh_pct IS
	'BHXH coverage (compulsory and voluntary) in percent of '
	'labour_force.';
COMMENT ON COLUMN doisoat_report.coverage_bhxh_province.bhxh_target_pct IS
	'The BHXH target in percent: the scopes'' targets weighted by '
	'labour force, or NULL.';
COMMENT ON COLUMN doisoat_report.coverage_bhxh_province.bhxh_voluntary_pct IS
	'Voluntary BHXH in percent of labour_force.';
COMMENT ON COLUMN doisoat_report.coverage_bhxh_province.bhxh_voluntary_target_pct IS
	'The voluntary BHXH target in percent, weighted by labour '
	'force, or NULL.';
COMMENT ON COLUMN doisoat_report.coverage_bhxh_province.bhxh_remaining IS
	'Compulsory BHXH still to enrol, against the compulsory part of '
	'the target, from the totals; negative when passed.';
COMMENT ON COLUMN doisoat_report.coverage_bhxh_province.bhxh_voluntary_remaining IS
	'Voluntary BHXH still to enrol, from the totals; negative when '
	'passed.';
COMMENT ON VIEW doisoat_report.coverage_bhtn_province IS
	'BHTN (unemployment insurance) coverage of the whole province '
	'as loaded: one row per period, every scope of the period added '
	'up (never sum it with coverage_bhtn_total, which holds the '
	'same people per scope).';
COMMENT ON COLUMN doisoat_report.coverage_bhtn_province.period IS
	'The reporting year (--period).';
COMMENT ON COLUMN doisoat_report.coverage_bhtn_province.period_start IS
	'The earliest reference date of the scopes'' runs.';
COMMENT ON COLUMN doisoat_report.coverage_bhtn_province.scopes IS
	'Number of scopes loaded for the period.';
COMMENT ON COLUMN doisoat_report.coverage_bhtn_province.communes IS
	'Number of communes they cover.';
COMMENT ON COLUMN doisoat_report.coverage_bhtn_province.loaded_at IS
	'When the latest of their loads committed.';
COMMENT ON COLUMN doisoat_report.coverage_bhtn_province.labour_force IS
	'The labour force, the sum of the scopes''.';
COMMENT ON COLUMN doisoat_report.coverage_bhtn_province.bhtn IS
	'People with BHTN (the sum of the scopes).';
COMMENT ON COLUMN doisoat_report.coverage_bhtn_province.bhtn_pct IS
	'BHTN coverage in percent of labour_force.';
COMMENT ON COLUMN doisoat_report.coverage_bhtn_province.bhtn_target_pct IS
	'The BHTN target in percent, weighted by labour force, or NULL.';
COMMENT ON COLUMN doisoat_report.coverage_bhtn_province.bhtn_remaining IS
	'People still to enrol in BHTN to meet bhtn_target_pct, from '
	'the totals; negative when passed.';

SELECT doisoat.set_privileges();
-- The loader checks coverage.csv against its run's scope.
GRANT SELECT ON doisoat.scopes, doisoat.period_scopes TO doisoat_loader;
