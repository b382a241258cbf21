-- current.sql: the schema of a database after every migration in this
-- folder, as `pg_dump --schema-only` prints it less the lines that vary
-- from dump to dump (etl/sh/schema-dump.sh says which).  For reading and
-- reviewing: a commit that adds a migration changes this file too, and
-- tests/pg/run.sh fails, with the diff, when it and a freshly migrated
-- database disagree.  It is never applied (`doisoat db migrate` skips
-- it) and not edited by hand.  Make it again with
--   make && sh etl/sh/schema-dump.sh --fresh build > schemas/current.sql
-- Made by PostgreSQL 15 and pg_dump 15 (other versions print some
-- definitions differently); migrated by the role postgres, which so owns
-- doisoat.set_privileges() (doisoat_owner owns every other object).

CREATE SCHEMA doisoat;

ALTER SCHEMA doisoat OWNER TO doisoat_owner;

CREATE SCHEMA doisoat_report;

ALTER SCHEMA doisoat_report OWNER TO doisoat_owner;

CREATE SCHEMA doisoat_stage;

ALTER SCHEMA doisoat_stage OWNER TO doisoat_owner;

CREATE FUNCTION doisoat.load_begin(p_run bigint, p_coverage text[], p_unit_code text, p_unit_name text, p_replace boolean, OUT scope text, OUT overlap text) RETURNS record
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
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

ALTER FUNCTION doisoat.load_begin(p_run bigint, p_coverage text[], p_unit_code text, p_unit_name text, p_replace boolean, OUT scope text, OUT overlap text) OWNER TO doisoat_owner;

CREATE FUNCTION doisoat.load_swap(p_run bigint, p_replace boolean) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    SET lock_timeout TO '5min'
    AS $$
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

ALTER FUNCTION doisoat.load_swap(p_run bigint, p_replace boolean) OWNER TO doisoat_owner;

CREATE FUNCTION doisoat.result_tables() RETURNS text[]
    LANGUAGE sql IMMUTABLE
    AS $$
	SELECT ARRAY['increase', 'decrease', 'change', 'renew', 'uninsured',
		     'review', 'rejects', 'coverage']
$$;

ALTER FUNCTION doisoat.result_tables() OWNER TO doisoat_owner;

CREATE FUNCTION doisoat.scope_label(p_scope integer) RETURNS text
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
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

ALTER FUNCTION doisoat.scope_label(p_scope integer) OWNER TO doisoat_owner;

CREATE FUNCTION doisoat.scope_overlap(p_period integer, p_scope integer) RETURNS text
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
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

ALTER FUNCTION doisoat.scope_overlap(p_period integer, p_scope integer) OWNER TO doisoat_owner;

CREATE FUNCTION doisoat.set_privileges() RETURNS void
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
	o record;
BEGIN
	ALTER SCHEMA doisoat OWNER TO doisoat_owner;
	ALTER SCHEMA doisoat_stage OWNER TO doisoat_owner;
	ALTER SCHEMA doisoat_report OWNER TO doisoat_owner;
	FOR o IN
		SELECT c.oid::regclass AS name, c.relkind
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname IN ('doisoat', 'doisoat_stage',
				    'doisoat_report')
		  AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
		  AND c.relowner <> 'doisoat_owner'::regrole
		  -- a serial's sequence follows its table
		  AND NOT (c.relkind = 'S' AND EXISTS (
			SELECT 1 FROM pg_depend d
			WHERE d.classid = 'pg_class'::regclass
			  AND d.objid = c.oid AND d.deptype IN ('a', 'i')))
		ORDER BY c.relkind DESC -- tables (r, p) before sequences
	LOOP
		EXECUTE format('ALTER %s %s OWNER TO doisoat_owner',
			       CASE o.relkind WHEN 'v' THEN 'VIEW'
				    WHEN 'm' THEN 'MATERIALIZED VIEW'
				    WHEN 'S' THEN 'SEQUENCE'
				    ELSE 'TABLE' END, o.name);
	END LOOP;
	FOR o IN
		SELECT p.oid::regprocedure AS name
		FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
		WHERE n.nspname = 'doisoat'
		  AND p.proowner <> 'doisoat_owner'::regrole
		  AND p.proname <> 'set_privileges'
	LOOP
		EXECUTE format('ALTER FUNCTION %s OWNER TO doisoat_owner',
			       o.name);
	END LOOP;

	-- Nobody else by default (PUBLIC gets EXECUTE on new functions).
	REVOKE ALL ON SCHEMA doisoat, doisoat_stage, doisoat_report
		FROM PUBLIC;
	REVOKE ALL ON ALL TABLES IN SCHEMA doisoat, doisoat_stage,
		doisoat_report FROM PUBLIC;
	REVOKE ALL ON ALL FUNCTIONS IN SCHEMA doisoat FROM PUBLIC;

	-- The loader: the ledger, the reference tables, the load functions;
	-- its staging tables are granted by doisoat.load_begin().
	GRANT USAGE ON SCHEMA doisoat, doisoat_stage TO doisoat_loader;
	GRANT SELECT ON doisoat.schema_migrations TO doisoat_loader;
	GRANT SELECT, INSERT, UPDATE ON doisoat.runs TO doisoat_loader;
	GRANT SELECT, INSERT ON doisoat.run_inputs TO doisoat_loader;
	GRANT USAGE ON ALL SEQUENCES IN SCHEMA doisoat TO doisoat_loader;
	GRANT SELECT, INSERT, DELETE ON doisoat.groups, doisoat.communes
		TO doisoat_loader;
	FOR o IN
		SELECT p.oid::regprocedure AS name
		FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
		WHERE n.nspname = 'doisoat' AND p.proname LIKE 'load\_%'
	LOOP
		EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO '
			       'doisoat_loader', o.name);
	END LOOP;

	-- The reporter: the views of doisoat_report, nothing else.
	GRANT USAGE ON SCHEMA doisoat_report TO doisoat_reporter;
	GRANT SELECT ON ALL TABLES IN SCHEMA doisoat_report
		TO doisoat_reporter;
END
$$;

ALTER FUNCTION doisoat.set_privileges() OWNER TO postgres;

CREATE TABLE doisoat.change (
    period integer NOT NULL,
    run_id bigint NOT NULL,
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
    pseudonym text,
    scope_id integer,
    hospital_code text,
    old_unit_code text,
    unit_code text,
    household_code text,
    old_full_name text,
    old_dob text,
    old_sex text,
    old_benefit_level text,
    old_hospital_code text,
    old_commune_code text,
    CONSTRAINT change_check CHECK (((person_id IS NOT NULL) OR (bhxh_code IS NOT NULL)))
)
PARTITION BY LIST (period);

ALTER TABLE doisoat.change OWNER TO doisoat_owner;

CREATE TABLE doisoat.communes (
    code text NOT NULL,
    name text NOT NULL,
    valid_from date,
    valid_to date,
    run_id bigint DEFAULT (NULLIF(current_setting('doisoat.run_id'::text, true), ''::text))::bigint
);

ALTER TABLE doisoat.communes OWNER TO doisoat_owner;

CREATE TABLE doisoat.coverage (
    period integer NOT NULL,
    run_id bigint NOT NULL,
    commune_code text NOT NULL,
    commune_name text,
    population integer,
    insured integer,
    coverage_pct numeric,
    target_pct numeric,
    pct_of_target numeric,
    remaining integer,
    labour_force integer,
    bhxh_compulsory integer,
    bhxh_voluntary integer,
    bhxh_pct numeric,
    bhxh_target_pct numeric,
    bhxh_voluntary_pct numeric,
    bhxh_voluntary_target_pct numeric,
    bhxh_remaining integer,
    bhxh_voluntary_remaining integer,
    bhtn integer,
    bhtn_pct numeric,
    bhtn_target_pct numeric,
    bhtn_remaining integer,
    scope_id integer
)
PARTITION BY LIST (period);

ALTER TABLE doisoat.coverage OWNER TO doisoat_owner;

CREATE TABLE doisoat.runs (
    run_id bigint NOT NULL,
    period integer NOT NULL,
    started_at timestamp with time zone DEFAULT now() NOT NULL,
    finished_at timestamp with time zone,
    status text NOT NULL,
    version text,
    summary jsonb NOT NULL,
    period_start date,
    host text,
    pid integer,
    error text,
    scope_id integer
);

ALTER TABLE doisoat.runs OWNER TO doisoat_owner;

CREATE VIEW doisoat.coverage_report AS
 SELECT c.period,
    c.run_id,
    r.finished_at AS loaded_at,
    (c.commune_code = 'TOTAL'::text) AS is_total,
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
   FROM (doisoat.coverage c
     JOIN doisoat.runs r ON ((r.run_id = c.run_id)));

ALTER TABLE doisoat.coverage_report OWNER TO doisoat_owner;

CREATE TABLE doisoat.decrease (
    period integer NOT NULL,
    run_id bigint NOT NULL,
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
    pseudonym text,
    scope_id integer,
    hospital_code text,
    unit_code text,
    kept_card_code text,
    CONSTRAINT decrease_check CHECK (((person_id IS NOT NULL) OR (bhxh_code IS NOT NULL)))
)
PARTITION BY LIST (period);

ALTER TABLE doisoat.decrease OWNER TO doisoat_owner;

CREATE TABLE doisoat.groups (
    code text NOT NULL,
    rank integer NOT NULL,
    funding_class integer,
    level text,
    valid_from date,
    valid_to date,
    residence_based boolean NOT NULL,
    area_based boolean NOT NULL,
    name_vi text,
    run_id bigint DEFAULT (NULLIF(current_setting('doisoat.run_id'::text, true), ''::text))::bigint
);

ALTER TABLE doisoat.groups OWNER TO doisoat_owner;

CREATE TABLE doisoat.increase (
    period integer NOT NULL,
    run_id bigint NOT NULL,
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
    source text,
    pseudonym text,
    scope_id integer,
    unit_code text,
    household_code text,
    wage bigint,
    months smallint
)
PARTITION BY LIST (period);

ALTER TABLE doisoat.increase OWNER TO doisoat_owner;

CREATE TABLE doisoat.period_scopes (
    period integer NOT NULL,
    scope_id integer NOT NULL,
    run_id bigint NOT NULL
);

ALTER TABLE doisoat.period_scopes OWNER TO doisoat_owner;

CREATE TABLE doisoat.rejects (
    period integer NOT NULL,
    run_id bigint NOT NULL,
    source text,
    line bigint,
    reason text,
    raw text,
    scope_id integer
)
PARTITION BY LIST (period);

ALTER TABLE doisoat.rejects OWNER TO doisoat_owner;

CREATE TABLE doisoat.renew (
    period integer NOT NULL,
    run_id bigint NOT NULL,
    person_id text,
    bhxh_code text,
    card_code text,
    full_name text,
    dob text,
    sex text,
    commune_code text,
    group_code text,
    benefit_level text,
    pseudonym text,
    scope_id integer,
    hospital_code text,
    unit_code text,
    household_code text,
    CONSTRAINT renew_check CHECK (((person_id IS NOT NULL) OR (bhxh_code IS NOT NULL)))
)
PARTITION BY LIST (period);

ALTER TABLE doisoat.renew OWNER TO doisoat_owner;

CREATE TABLE doisoat.review (
    period integer NOT NULL,
    run_id bigint NOT NULL,
    source text,
    line bigint,
    person_id text,
    bhxh_code text,
    reason text,
    detail text,
    scope_id integer,
    commune_code text
)
PARTITION BY LIST (period);

ALTER TABLE doisoat.review OWNER TO doisoat_owner;

CREATE TABLE doisoat.run_inputs (
    run_id bigint NOT NULL,
    ord integer NOT NULL,
    source text,
    kind text,
    bytes bigint,
    xxh3 text,
    rows_read bigint,
    accepted bigint,
    rejected bigint,
    path text,
    lines bigint,
    duplicates_merged bigint,
    sent_to_review bigint,
    seconds numeric,
    same_as_run bigint
);

ALTER TABLE doisoat.run_inputs OWNER TO doisoat_owner;

CREATE SEQUENCE doisoat.runs_run_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER TABLE doisoat.runs_run_id_seq OWNER TO doisoat_owner;

ALTER SEQUENCE doisoat.runs_run_id_seq OWNED BY doisoat.runs.run_id;

CREATE TABLE doisoat.schema_migrations (
    version integer NOT NULL,
    applied_at timestamp with time zone DEFAULT now() NOT NULL
);

ALTER TABLE doisoat.schema_migrations OWNER TO doisoat_owner;

CREATE TABLE doisoat.scopes (
    scope_id integer NOT NULL,
    communes text[] NOT NULL,
    unit_code text,
    unit_name text,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);

ALTER TABLE doisoat.scopes OWNER TO doisoat_owner;

CREATE SEQUENCE doisoat.scopes_scope_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER TABLE doisoat.scopes_scope_id_seq OWNER TO doisoat_owner;

ALTER SEQUENCE doisoat.scopes_scope_id_seq OWNED BY doisoat.scopes.scope_id;

CREATE TABLE doisoat.uninsured (
    period integer NOT NULL,
    run_id bigint NOT NULL,
    person_id text NOT NULL,
    full_name text,
    dob text,
    sex text,
    commune_code text,
    household_code text,
    pseudonym text,
    scope_id integer
)
PARTITION BY LIST (period);

ALTER TABLE doisoat.uninsured OWNER TO doisoat_owner;

CREATE VIEW doisoat_report.communes AS
 SELECT communes.code AS commune_code,
    communes.name AS commune_name,
    communes.valid_from,
    communes.valid_to
   FROM doisoat.communes;

ALTER TABLE doisoat_report.communes OWNER TO doisoat_owner;

COMMENT ON VIEW doisoat_report.communes IS 'Reference: communes with their validity (the 3-tier list until 2025-06-30, the 2-tier list from 2025-07-01), to name them.';

COMMENT ON COLUMN doisoat_report.communes.commune_code IS 'Commune code (mã xã), five digits as text.';

COMMENT ON COLUMN doisoat_report.communes.commune_name IS 'Commune name.';

COMMENT ON COLUMN doisoat_report.communes.valid_from IS 'First day the code and name are valid (NULL: always).';

COMMENT ON COLUMN doisoat_report.communes.valid_to IS 'Last day they are valid (NULL: still).';

CREATE VIEW doisoat_report.coverage_bhtn AS
 SELECT c.period,
    r.period_start,
    c.run_id,
    r.finished_at AS loaded_at,
    (c.commune_code = 'TOTAL'::text) AS is_total,
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
   FROM ((doisoat.coverage c
     JOIN doisoat.runs r ON ((r.run_id = c.run_id)))
     LEFT JOIN doisoat.scopes s ON ((s.scope_id = c.scope_id)));

ALTER TABLE doisoat_report.coverage_bhtn OWNER TO doisoat_owner;

COMMENT ON VIEW doisoat_report.coverage_bhtn IS 'BHTN (unemployment insurance) coverage against the labour force, per commune of each period, then the total row of the whole scope (is_total). Do not SUM it: the total row counts every commune a second time; sum coverage_bhtn_communes, or read coverage_bhtn_total.';

COMMENT ON COLUMN doisoat_report.coverage_bhtn.period IS 'The reporting year the run reconciles (--period).';

COMMENT ON COLUMN doisoat_report.coverage_bhtn.period_start IS 'The run''s reference date: 1 January of period, unless --as-of gave another; the time column for Grafana and Superset.';

COMMENT ON COLUMN doisoat_report.coverage_bhtn.run_id IS 'The load that wrote these rows (doisoat_report.runs.run_id).';

COMMENT ON COLUMN doisoat_report.coverage_bhtn.loaded_at IS 'When that load committed.';

COMMENT ON COLUMN doisoat_report.coverage_bhtn.is_total IS 'true on the row of the whole scope (commune_code TOTAL), false on a commune row: filter on it before summing.';

COMMENT ON COLUMN doisoat_report.coverage_bhtn.commune_code IS 'Commune code (mã xã), five digits as text; TOTAL on the total row.';

COMMENT ON COLUMN doisoat_report.coverage_bhtn.commune_name IS 'Commune name valid on period_start; Tổng cộng on the total row.';

COMMENT ON COLUMN doisoat_report.coverage_bhtn.labour_force IS 'The labour force of the commune, from the targets file; NULL when not given.';

COMMENT ON COLUMN doisoat_report.coverage_bhtn.bhtn IS 'People with unemployment insurance (BHTN); NULL when the run had no schemes.';

COMMENT ON COLUMN doisoat_report.coverage_bhtn.bhtn_pct IS 'BHTN coverage in percent of labour_force.';

COMMENT ON COLUMN doisoat_report.coverage_bhtn.bhtn_target_pct IS 'The BHTN coverage target in percent, or NULL.';

COMMENT ON COLUMN doisoat_report.coverage_bhtn.bhtn_remaining IS 'People still to enrol in BHTN to meet bhtn_target_pct; negative when passed.';

COMMENT ON COLUMN doisoat_report.coverage_bhtn.scope_id IS 'The scope of the run that wrote the row: the set of communes it covers (doisoat_report.scopes).';

COMMENT ON COLUMN doisoat_report.coverage_bhtn.unit_code IS 'The code of the unit the scope is named by (load --unit), or NULL.';

COMMENT ON COLUMN doisoat_report.coverage_bhtn.unit_name IS 'The name of that unit, or NULL.';

CREATE VIEW doisoat_report.coverage_bhtn_communes AS
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
   FROM ((doisoat.coverage c
     JOIN doisoat.runs r ON ((r.run_id = c.run_id)))
     LEFT JOIN doisoat.scopes s ON ((s.scope_id = c.scope_id)))
  WHERE (c.commune_code <> 'TOTAL'::text);

ALTER TABLE doisoat_report.coverage_bhtn_communes OWNER TO doisoat_owner;

COMMENT ON VIEW doisoat_report.coverage_bhtn_communes IS 'BHTN (unemployment insurance) coverage against the labour force, per commune of each period, without the total row: safe to SUM (its counts add up to coverage_bhtn_total).';

COMMENT ON COLUMN doisoat_report.coverage_bhtn_communes.period IS 'The reporting year the run reconciles (--period).';

COMMENT ON COLUMN doisoat_report.coverage_bhtn_communes.period_start IS 'The run''s reference date: 1 January of period, unless --as-of gave another; the time column for Grafana and Superset.';

COMMENT ON COLUMN doisoat_report.coverage_bhtn_communes.run_id IS 'The load that wrote these rows (doisoat_report.runs.run_id).';

COMMENT ON COLUMN doisoat_report.coverage_bhtn_communes.loaded_at IS 'When that load committed.';

COMMENT ON COLUMN doisoat_report.coverage_bhtn_communes.commune_code IS 'Commune code (mã xã), five digits as text.';

COMMENT ON COLUMN doisoat_report.coverage_bhtn_communes.commune_name IS 'Commune name valid on period_start.';

COMMENT ON COLUMN doisoat_report.coverage_bhtn_communes.labour_force IS 'The labour force of the commune, from the targets file; NULL when not given.';

COMMENT ON COLUMN doisoat_report.coverage_bhtn_communes.bhtn IS 'People with unemployment insurance (BHTN); NULL when the run had no schemes.';

COMMENT ON COLUMN doisoat_report.coverage_bhtn_communes.bhtn_pct IS 'BHTN coverage in percent of labour_force.';

COMMENT ON COLUMN doisoat_report.coverage_bhtn_communes.bhtn_target_pct IS 'The BHTN coverage target in percent, or NULL.';

COMMENT ON COLUMN doisoat_report.coverage_bhtn_communes.bhtn_remaining IS 'People still to enrol in BHTN to meet bhtn_target_pct; negative when passed.';

COMMENT ON COLUMN doisoat_report.coverage_bhtn_communes.scope_id IS 'The scope of the run that wrote the row: the set of communes it covers (doisoat_report.scopes).';

COMMENT ON COLUMN doisoat_report.coverage_bhtn_communes.unit_code IS 'The code of the unit the scope is named by (load --unit), or NULL.';

COMMENT ON COLUMN doisoat_report.coverage_bhtn_communes.unit_name IS 'The name of that unit, or NULL.';

CREATE VIEW doisoat_report.coverage_bhtn_province AS
 WITH t AS (
         SELECT c.period,
            min(r.period_start) AS period_start,
            (count(*))::integer AS scopes,
            (sum(cardinality(s.communes)))::integer AS communes,
            max(r.finished_at) AS loaded_at,
            (sum(c.labour_force))::integer AS labour_force,
            (sum(c.bhtn))::integer AS bhtn,
            round((sum((c.bhtn_target_pct * (c.labour_force)::numeric)) FILTER (WHERE (c.bhtn_target_pct IS NOT NULL)) / (NULLIF(sum(c.labour_force) FILTER (WHERE (c.bhtn_target_pct IS NOT NULL)), 0))::numeric), 2) AS bhtn_target_pct
           FROM ((doisoat.coverage c
             JOIN doisoat.runs r ON ((r.run_id = c.run_id)))
             JOIN doisoat.scopes s ON ((s.scope_id = c.scope_id)))
          WHERE (c.commune_code = 'TOTAL'::text)
          GROUP BY c.period
        )
 SELECT t.period,
    t.period_start,
    t.scopes,
    t.communes,
    t.loaded_at,
    t.labour_force,
    t.bhtn,
    round(((100.0 * (t.bhtn)::numeric) / (NULLIF(t.labour_force, 0))::numeric), 2) AS bhtn_pct,
    t.bhtn_target_pct,
    ((round(((t.bhtn_target_pct * (t.labour_force)::numeric) / (100)::numeric)) - (t.bhtn)::numeric))::integer AS bhtn_remaining
   FROM t;

ALTER TABLE doisoat_report.coverage_bhtn_province OWNER TO doisoat_owner;

COMMENT ON VIEW doisoat_report.coverage_bhtn_province IS 'BHTN (unemployment insurance) coverage of the whole province as loaded: one row per period, every scope of the period added up (never sum it with coverage_bhtn_total, which holds the same people per scope).';

COMMENT ON COLUMN doisoat_report.coverage_bhtn_province.period IS 'The reporting year (--period).';

COMMENT ON COLUMN doisoat_report.coverage_bhtn_province.period_start IS 'The earliest reference date of the scopes'' runs.';

COMMENT ON COLUMN doisoat_report.coverage_bhtn_province.scopes IS 'Number of scopes loaded for the period.';

COMMENT ON COLUMN doisoat_report.coverage_bhtn_province.communes IS 'Number of communes they cover.';

COMMENT ON COLUMN doisoat_report.coverage_bhtn_province.loaded_at IS 'When the latest of their loads committed.';

COMMENT ON COLUMN doisoat_report.coverage_bhtn_province.labour_force IS 'The labour force, the sum of the scopes''.';

COMMENT ON COLUMN doisoat_report.coverage_bhtn_province.bhtn IS 'People with BHTN (the sum of the scopes).';

COMMENT ON COLUMN doisoat_report.coverage_bhtn_province.bhtn_pct IS 'BHTN coverage in percent of labour_force.';

COMMENT ON COLUMN doisoat_report.coverage_bhtn_province.bhtn_target_pct IS 'The BHTN target in percent, weighted by labour force, or NULL.';

COMMENT ON COLUMN doisoat_report.coverage_bhtn_province.bhtn_remaining IS 'People still to enrol in BHTN to meet bhtn_target_pct, from the totals; negative when passed.';

CREATE VIEW doisoat_report.coverage_bhtn_total AS
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
   FROM ((doisoat.coverage c
     JOIN doisoat.runs r ON ((r.run_id = c.run_id)))
     LEFT JOIN doisoat.scopes s ON ((s.scope_id = c.scope_id)))
  WHERE (c.commune_code = 'TOTAL'::text);

ALTER TABLE doisoat_report.coverage_bhtn_total OWNER TO doisoat_owner;

COMMENT ON VIEW doisoat_report.coverage_bhtn_total IS 'BHTN (unemployment insurance) coverage of each scope, one row per period and scope (the TOTAL row of its coverage.csv); coverage_bhtn_province adds the scopes of a period up.';

COMMENT ON COLUMN doisoat_report.coverage_bhtn_total.period IS 'The reporting year the run reconciles (--period).';

COMMENT ON COLUMN doisoat_report.coverage_bhtn_total.period_start IS 'The run''s reference date: 1 January of period, unless --as-of gave another; the time column for Grafana and Superset.';

COMMENT ON COLUMN doisoat_report.coverage_bhtn_total.run_id IS 'The load that wrote these rows (doisoat_report.runs.run_id).';

COMMENT ON COLUMN doisoat_report.coverage_bhtn_total.loaded_at IS 'When that load committed.';

COMMENT ON COLUMN doisoat_report.coverage_bhtn_total.labour_force IS 'The labour force of the scope: the TOTAL row of the targets file, else the sum of the communes; NULL when not given.';

COMMENT ON COLUMN doisoat_report.coverage_bhtn_total.bhtn IS 'People with unemployment insurance (BHTN); NULL when the run had no schemes.';

COMMENT ON COLUMN doisoat_report.coverage_bhtn_total.bhtn_pct IS 'BHTN coverage in percent of labour_force.';

COMMENT ON COLUMN doisoat_report.coverage_bhtn_total.bhtn_target_pct IS 'The BHTN coverage target in percent, or NULL.';

COMMENT ON COLUMN doisoat_report.coverage_bhtn_total.bhtn_remaining IS 'People still to enrol in BHTN to meet bhtn_target_pct; negative when passed.';

COMMENT ON COLUMN doisoat_report.coverage_bhtn_total.scope_id IS 'The scope of the run that wrote the row: the set of communes it covers (doisoat_report.scopes).';

COMMENT ON COLUMN doisoat_report.coverage_bhtn_total.unit_code IS 'The code of the unit the scope is named by (load --unit), or NULL.';

COMMENT ON COLUMN doisoat_report.coverage_bhtn_total.unit_name IS 'The name of that unit, or NULL.';

CREATE VIEW doisoat_report.coverage_bhxh AS
 SELECT c.period,
    r.period_start,
    c.run_id,
    r.finished_at AS loaded_at,
    (c.commune_code = 'TOTAL'::text) AS is_total,
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
   FROM ((doisoat.coverage c
     JOIN doisoat.runs r ON ((r.run_id = c.run_id)))
     LEFT JOIN doisoat.scopes s ON ((s.scope_id = c.scope_id)));

ALTER TABLE doisoat_report.coverage_bhxh OWNER TO doisoat_owner;

COMMENT ON VIEW doisoat_report.coverage_bhxh IS 'BHXH (social insurance, compulsory and voluntary) coverage against the labour force, per commune of each period, then the total row of the whole scope (is_total). Do not SUM it: the total row counts every commune a second time; sum coverage_bhxh_communes, or read coverage_bhxh_total.';

COMMENT ON COLUMN doisoat_report.coverage_bhxh.period IS 'The reporting year the run reconciles (--period).';

COMMENT ON COLUMN doisoat_report.coverage_bhxh.period_start IS 'The run''s reference date: 1 January of period, unless --as-of gave another; the time column for Grafana and Superset.';

COMMENT ON COLUMN doisoat_report.coverage_bhxh.run_id IS 'The load that wrote these rows (doisoat_report.runs.run_id).';

COMMENT ON COLUMN doisoat_report.coverage_bhxh.loaded_at IS 'When that load committed.';

COMMENT ON COLUMN doisoat_report.coverage_bhxh.is_total IS 'true on the row of the whole scope (commune_code TOTAL), false on a commune row: filter on it before summing.';

COMMENT ON COLUMN doisoat_report.coverage_bhxh.commune_code IS 'Commune code (mã xã), five digits as text; TOTAL on the total row.';

COMMENT ON COLUMN doisoat_report.coverage_bhxh.commune_name IS 'Commune name valid on period_start; Tổng cộng on the total row.';

COMMENT ON COLUMN doisoat_report.coverage_bhxh.labour_force IS 'The labour force of the commune, from the targets file; NULL when not given.';

COMMENT ON COLUMN doisoat_report.coverage_bhxh.bhxh_compulsory IS 'People with compulsory social insurance (BHXH bắt buộc); NULL when the run had no schemes.';

COMMENT ON COLUMN doisoat_report.coverage_bhxh.bhxh_voluntary IS 'People with voluntary social insurance (BHXH tự nguyện); NULL when the run had no schemes.';

COMMENT ON COLUMN doisoat_report.coverage_bhxh.bhxh_pct IS 'BHXH coverage, compulsory and voluntary, in percent of labour_force.';

COMMENT ON COLUMN doisoat_report.coverage_bhxh.bhxh_target_pct IS 'The BHXH coverage target in percent, or NULL.';

COMMENT ON COLUMN doisoat_report.coverage_bhxh.bhxh_voluntary_pct IS 'Voluntary BHXH coverage in percent of labour_force.';

COMMENT ON COLUMN doisoat_report.coverage_bhxh.bhxh_voluntary_target_pct IS 'The voluntary BHXH coverage target in percent, or NULL.';

COMMENT ON COLUMN doisoat_report.coverage_bhxh.bhxh_remaining IS 'People still to enrol in compulsory BHXH, against the compulsory part of the target (bhxh_target_pct - bhxh_voluntary_target_pct); negative when passed.';

COMMENT ON COLUMN doisoat_report.coverage_bhxh.bhxh_voluntary_remaining IS 'People still to enrol in voluntary BHXH to meet bhxh_voluntary_target_pct; negative when passed.';

COMMENT ON COLUMN doisoat_report.coverage_bhxh.scope_id IS 'The scope of the run that wrote the row: the set of communes it covers (doisoat_report.scopes).';

COMMENT ON COLUMN doisoat_report.coverage_bhxh.unit_code IS 'The code of the unit the scope is named by (load --unit), or NULL.';

COMMENT ON COLUMN doisoat_report.coverage_bhxh.unit_name IS 'The name of that unit, or NULL.';

CREATE VIEW doisoat_report.coverage_bhxh_communes AS
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
   FROM ((doisoat.coverage c
     JOIN doisoat.runs r ON ((r.run_id = c.run_id)))
     LEFT JOIN doisoat.scopes s ON ((s.scope_id = c.scope_id)))
  WHERE (c.commune_code <> 'TOTAL'::text);

ALTER TABLE doisoat_report.coverage_bhxh_communes OWNER TO doisoat_owner;

COMMENT ON VIEW doisoat_report.coverage_bhxh_communes IS 'BHXH (social insurance, compulsory and voluntary) coverage against the labour force, per commune of each period, without the total row: safe to SUM (its counts add up to coverage_bhxh_total).';

COMMENT ON COLUMN doisoat_report.coverage_bhxh_communes.period IS 'The reporting year the run reconciles (--period).';

COMMENT ON COLUMN doisoat_report.coverage_bhxh_communes.period_start IS 'The run''s reference date: 1 January of period, unless --as-of gave another; the time column for Grafana and Superset.';

COMMENT ON COLUMN doisoat_report.coverage_bhxh_communes.run_id IS 'The load that wrote these rows (doisoat_report.runs.run_id).';

COMMENT ON COLUMN doisoat_report.coverage_bhxh_communes.loaded_at IS 'When that load committed.';

COMMENT ON COLUMN doisoat_report.coverage_bhxh_communes.commune_code IS 'Commune code (mã xã), five digits as text.';

COMMENT ON COLUMN doisoat_report.coverage_bhxh_communes.commune_name IS 'Commune name valid on period_start.';

COMMENT ON COLUMN doisoat_report.coverage_bhxh_communes.labour_force IS 'The labour force of the commune, from the targets file; NULL when not given.';

COMMENT ON COLUMN doisoat_report.coverage_bhxh_communes.bhxh_compulsory IS 'People with compulsory social insurance (BHXH bắt buộc); NULL when the run had no schemes.';

COMMENT ON COLUMN doisoat_report.coverage_bhxh_communes.bhxh_voluntary IS 'People with voluntary social insurance (BHXH tự nguyện); NULL when the run had no schemes.';

COMMENT ON COLUMN doisoat_report.coverage_bhxh_communes.bhxh_pct IS 'BHXH coverage, compulsory and voluntary, in percent of labour_force.';

COMMENT ON COLUMN doisoat_report.coverage_bhxh_communes.bhxh_target_pct IS 'The BHXH coverage target in percent, or NULL.';

COMMENT ON COLUMN doisoat_report.coverage_bhxh_communes.bhxh_voluntary_pct IS 'Voluntary BHXH coverage in percent of labour_force.';

COMMENT ON COLUMN doisoat_report.coverage_bhxh_communes.bhxh_voluntary_target_pct IS 'The voluntary BHXH coverage target in percent, or NULL.';

COMMENT ON COLUMN doisoat_report.coverage_bhxh_communes.bhxh_remaining IS 'People still to enrol in compulsory BHXH, against the compulsory part of the target (bhxh_target_pct - bhxh_voluntary_target_pct); negative when passed.';

COMMENT ON COLUMN doisoat_report.coverage_bhxh_communes.bhxh_voluntary_remaining IS 'People still to enrol in voluntary BHXH to meet bhxh_voluntary_target_pct; negative when passed.';

COMMENT ON COLUMN doisoat_report.coverage_bhxh_communes.scope_id IS 'The scope of the run that wrote the row: the set of communes it covers (doisoat_report.scopes).';

COMMENT ON COLUMN doisoat_report.coverage_bhxh_communes.unit_code IS 'The code of the unit the scope is named by (load --unit), or NULL.';

COMMENT ON COLUMN doisoat_report.coverage_bhxh_communes.unit_name IS 'The name of that unit, or NULL.';

CREATE VIEW doisoat_report.coverage_bhxh_province AS
 WITH t AS (
         SELECT c.period,
            min(r.period_start) AS period_start,
            (count(*))::integer AS scopes,
            (sum(cardinality(s.communes)))::integer AS communes,
            max(r.finished_at) AS loaded_at,
            (sum(c.labour_force))::integer AS labour_force,
            (sum(c.bhxh_compulsory))::integer AS bhxh_compulsory,
            (sum(c.bhxh_voluntary))::integer AS bhxh_voluntary,
            round((sum((c.bhxh_target_pct * (c.labour_force)::numeric)) FILTER (WHERE (c.bhxh_target_pct IS NOT NULL)) / (NULLIF(sum(c.labour_force) FILTER (WHERE (c.bhxh_target_pct IS NOT NULL)), 0))::numeric), 2) AS bhxh_target_pct,
            round((sum((c.bhxh_voluntary_target_pct * (c.labour_force)::numeric)) FILTER (WHERE (c.bhxh_voluntary_target_pct IS NOT NULL)) / (NULLIF(sum(c.labour_force) FILTER (WHERE (c.bhxh_voluntary_target_pct IS NOT NULL)), 0))::numeric), 2) AS bhxh_voluntary_target_pct
           FROM ((doisoat.coverage c
             JOIN doisoat.runs r ON ((r.run_id = c.run_id)))
             JOIN doisoat.scopes s ON ((s.scope_id = c.scope_id)))
          WHERE (c.commune_code = 'TOTAL'::text)
          GROUP BY c.period
        )
 SELECT t.period,
    t.period_start,
    t.scopes,
    t.communes,
    t.loaded_at,
    t.labour_force,
    t.bhxh_compulsory,
    t.bhxh_voluntary,
    round(((100.0 * ((t.bhxh_compulsory + t.bhxh_voluntary))::numeric) / (NULLIF(t.labour_force, 0))::numeric), 2) AS bhxh_pct,
    t.bhxh_target_pct,
    round(((100.0 * (t.bhxh_voluntary)::numeric) / (NULLIF(t.labour_force, 0))::numeric), 2) AS bhxh_voluntary_pct,
    t.bhxh_voluntary_target_pct,
    ((round((((t.bhxh_target_pct - COALESCE(t.bhxh_voluntary_target_pct, (0)::numeric)) * (t.labour_force)::numeric) / (100)::numeric)) - (t.bhxh_compulsory)::numeric))::integer AS bhxh_remaining,
    ((round(((t.bhxh_voluntary_target_pct * (t.labour_force)::numeric) / (100)::numeric)) - (t.bhxh_voluntary)::numeric))::integer AS bhxh_voluntary_remaining
   FROM t;

ALTER TABLE doisoat_report.coverage_bhxh_province OWNER TO doisoat_owner;

COMMENT ON VIEW doisoat_report.coverage_bhxh_province IS 'BHXH (social insurance, compulsory and voluntary) coverage of the whole province as loaded: one row per period, every scope of the period added up (never sum it with coverage_bhxh_total, which holds the same people per scope).';

COMMENT ON COLUMN doisoat_report.coverage_bhxh_province.period IS 'The reporting year (--period).';

COMMENT ON COLUMN doisoat_report.coverage_bhxh_province.period_start IS 'The earliest reference date of the scopes'' runs.';

COMMENT ON COLUMN doisoat_report.coverage_bhxh_province.scopes IS 'Number of scopes loaded for the period.';

COMMENT ON COLUMN doisoat_report.coverage_bhxh_province.communes IS 'Number of communes they cover.';

COMMENT ON COLUMN doisoat_report.coverage_bhxh_province.loaded_at IS 'When the latest of their loads committed.';

COMMENT ON COLUMN doisoat_report.coverage_bhxh_province.labour_force IS 'The labour force, the sum of the scopes''.';

COMMENT ON COLUMN doisoat_report.coverage_bhxh_province.bhxh_compulsory IS 'People with compulsory BHXH (the sum of the scopes).';

COMMENT ON COLUMN doisoat_report.coverage_bhxh_province.bhxh_voluntary IS 'People with voluntary BHXH (the sum of the scopes).';

COMMENT ON COLUMN doisoat_report.coverage_bhxh_province.bhxh_pct IS 'BHXH coverage (compulsory and voluntary) in percent of labour_force.';

COMMENT ON COLUMN doisoat_report.coverage_bhxh_province.bhxh_target_pct IS 'The BHXH target in percent: the scopes'' targets weighted by labour force, or NULL.';

COMMENT ON COLUMN doisoat_report.coverage_bhxh_province.bhxh_voluntary_pct IS 'Voluntary BHXH in percent of labour_force.';

COMMENT ON COLUMN doisoat_report.coverage_bhxh_province.bhxh_voluntary_target_pct IS 'The voluntary BHXH target in percent, weighted by labour force, or NULL.';

COMMENT ON COLUMN doisoat_report.coverage_bhxh_province.bhxh_remaining IS 'Compulsory BHXH still to enrol, against the compulsory part of the target, from the totals; negative when passed.';

COMMENT ON COLUMN doisoat_report.coverage_bhxh_province.bhxh_voluntary_remaining IS 'Voluntary BHXH still to enrol, from the totals; negative when passed.';

CREATE VIEW doisoat_report.coverage_bhxh_total AS
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
   FROM ((doisoat.coverage c
     JOIN doisoat.runs r ON ((r.run_id = c.run_id)))
     LEFT JOIN doisoat.scopes s ON ((s.scope_id = c.scope_id)))
  WHERE (c.commune_code = 'TOTAL'::text);

ALTER TABLE doisoat_report.coverage_bhxh_total OWNER TO doisoat_owner;

COMMENT ON VIEW doisoat_report.coverage_bhxh_total IS 'BHXH (social insurance) coverage of each scope, one row per period and scope (the TOTAL row of its coverage.csv); coverage_bhxh_province adds the scopes of a period up.';

COMMENT ON COLUMN doisoat_report.coverage_bhxh_total.period IS 'The reporting year the run reconciles (--period).';

COMMENT ON COLUMN doisoat_report.coverage_bhxh_total.period_start IS 'The run''s reference date: 1 January of period, unless --as-of gave another; the time column for Grafana and Superset.';

COMMENT ON COLUMN doisoat_report.coverage_bhxh_total.run_id IS 'The load that wrote these rows (doisoat_report.runs.run_id).';

COMMENT ON COLUMN doisoat_report.coverage_bhxh_total.loaded_at IS 'When that load committed.';

COMMENT ON COLUMN doisoat_report.coverage_bhxh_total.labour_force IS 'The labour force of the scope: the TOTAL row of the targets file, else the sum of the communes; NULL when not given.';

COMMENT ON COLUMN doisoat_report.coverage_bhxh_total.bhxh_compulsory IS 'People with compulsory social insurance (BHXH bắt buộc); NULL when the run had no schemes.';

COMMENT ON COLUMN doisoat_report.coverage_bhxh_total.bhxh_voluntary IS 'People with voluntary social insurance (BHXH tự nguyện); NULL when the run had no schemes.';

COMMENT ON COLUMN doisoat_report.coverage_bhxh_total.bhxh_pct IS 'BHXH coverage, compulsory and voluntary, in percent of labour_force.';

COMMENT ON COLUMN doisoat_report.coverage_bhxh_total.bhxh_target_pct IS 'The BHXH coverage target in percent, or NULL.';

COMMENT ON COLUMN doisoat_report.coverage_bhxh_total.bhxh_voluntary_pct IS 'Voluntary BHXH coverage in percent of labour_force.';

COMMENT ON COLUMN doisoat_report.coverage_bhxh_total.bhxh_voluntary_target_pct IS 'The voluntary BHXH coverage target in percent, or NULL.';

COMMENT ON COLUMN doisoat_report.coverage_bhxh_total.bhxh_remaining IS 'People still to enrol in compulsory BHXH, against the compulsory part of the target (bhxh_target_pct - bhxh_voluntary_target_pct); negative when passed.';

COMMENT ON COLUMN doisoat_report.coverage_bhxh_total.bhxh_voluntary_remaining IS 'People still to enrol in voluntary BHXH to meet bhxh_voluntary_target_pct; negative when passed.';

COMMENT ON COLUMN doisoat_report.coverage_bhxh_total.scope_id IS 'The scope of the run that wrote the row: the set of communes it covers (doisoat_report.scopes).';

COMMENT ON COLUMN doisoat_report.coverage_bhxh_total.unit_code IS 'The code of the unit the scope is named by (load --unit), or NULL.';

COMMENT ON COLUMN doisoat_report.coverage_bhxh_total.unit_name IS 'The name of that unit, or NULL.';

CREATE VIEW doisoat_report.coverage_bhyt AS
 SELECT c.period,
    r.period_start,
    c.run_id,
    r.finished_at AS loaded_at,
    (c.commune_code = 'TOTAL'::text) AS is_total,
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
   FROM ((doisoat.coverage c
     JOIN doisoat.runs r ON ((r.run_id = c.run_id)))
     LEFT JOIN doisoat.scopes s ON ((s.scope_id = c.scope_id)));

ALTER TABLE doisoat_report.coverage_bhyt OWNER TO doisoat_owner;

COMMENT ON VIEW doisoat_report.coverage_bhyt IS 'BHYT (health insurance) coverage, per commune of each period, then the total row of the whole scope (is_total). Do not SUM it: the total row counts every commune a second time; sum coverage_bhyt_communes, or read coverage_bhyt_total.';

COMMENT ON COLUMN doisoat_report.coverage_bhyt.period IS 'The reporting year the run reconciles (--period).';

COMMENT ON COLUMN doisoat_report.coverage_bhyt.period_start IS 'The run''s reference date: 1 January of period, unless --as-of gave another; the time column for Grafana and Superset.';

COMMENT ON COLUMN doisoat_report.coverage_bhyt.run_id IS 'The load that wrote these rows (doisoat_report.runs.run_id).';

COMMENT ON COLUMN doisoat_report.coverage_bhyt.loaded_at IS 'When that load committed.';

COMMENT ON COLUMN doisoat_report.coverage_bhyt.is_total IS 'true on the row of the whole scope (commune_code TOTAL), false on a commune row: filter on it before summing.';

COMMENT ON COLUMN doisoat_report.coverage_bhyt.commune_code IS 'Commune code (mã xã), five digits as text; TOTAL on the total row.';

COMMENT ON COLUMN doisoat_report.coverage_bhyt.commune_name IS 'Commune name valid on period_start; Tổng cộng on the total row.';

COMMENT ON COLUMN doisoat_report.coverage_bhyt.population IS 'People of the registry alive and living in the commune.';

COMMENT ON COLUMN doisoat_report.coverage_bhyt.insured IS 'Of them, those who hold a BHYT card in the period (increase + change + renew).';

COMMENT ON COLUMN doisoat_report.coverage_bhyt.coverage_pct IS 'BHYT coverage in percent, 100 * insured / population, two decimals (93.08 means 93.08 %).';

COMMENT ON COLUMN doisoat_report.coverage_bhyt.target_pct IS 'The BHYT coverage target in percent (--targets), or NULL when none is given.';

COMMENT ON COLUMN doisoat_report.coverage_bhyt.pct_of_target IS 'coverage_pct as a percentage of target_pct.';

COMMENT ON COLUMN doisoat_report.coverage_bhyt.remaining IS 'People still to enrol to meet the target, target_pct * population - insured rounded to the person; negative when the target is passed.';

COMMENT ON COLUMN doisoat_report.coverage_bhyt.scope_id IS 'The scope of the run that wrote the row: the set of communes it covers (doisoat_report.scopes).';

COMMENT ON COLUMN doisoat_report.coverage_bhyt.unit_code IS 'The code of the unit the scope is named by (load --unit), or NULL.';

COMMENT ON COLUMN doisoat_report.coverage_bhyt.unit_name IS 'The name of that unit, or NULL.';

CREATE VIEW doisoat_report.coverage_bhyt_communes AS
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
   FROM ((doisoat.coverage c
     JOIN doisoat.runs r ON ((r.run_id = c.run_id)))
     LEFT JOIN doisoat.scopes s ON ((s.scope_id = c.scope_id)))
  WHERE (c.commune_code <> 'TOTAL'::text);

ALTER TABLE doisoat_report.coverage_bhyt_communes OWNER TO doisoat_owner;

COMMENT ON VIEW doisoat_report.coverage_bhyt_communes IS 'BHYT (health insurance) coverage, per commune of each period, without the total row: safe to SUM (its counts add up to coverage_bhyt_total).';

COMMENT ON COLUMN doisoat_report.coverage_bhyt_communes.period IS 'The reporting year the run reconciles (--period).';

COMMENT ON COLUMN doisoat_report.coverage_bhyt_communes.period_start IS 'The run''s reference date: 1 January of period, unless --as-of gave another; the time column for Grafana and Superset.';

COMMENT ON COLUMN doisoat_report.coverage_bhyt_communes.run_id IS 'The load that wrote these rows (doisoat_report.runs.run_id).';

COMMENT ON COLUMN doisoat_report.coverage_bhyt_communes.loaded_at IS 'When that load committed.';

COMMENT ON COLUMN doisoat_report.coverage_bhyt_communes.commune_code IS 'Commune code (mã xã), five digits as text.';

COMMENT ON COLUMN doisoat_report.coverage_bhyt_communes.commune_name IS 'Commune name valid on period_start.';

COMMENT ON COLUMN doisoat_report.coverage_bhyt_communes.population IS 'People of the registry alive and living in the commune.';

COMMENT ON COLUMN doisoat_report.coverage_bhyt_communes.insured IS 'Of them, those who hold a BHYT card in the period (increase + change + renew).';

COMMENT ON COLUMN doisoat_report.coverage_bhyt_communes.coverage_pct IS 'BHYT coverage in percent, 100 * insured / population, two decimals (93.08 means 93.08 %).';

COMMENT ON COLUMN doisoat_report.coverage_bhyt_communes.target_pct IS 'The BHYT coverage target in percent (--targets), or NULL when none is given.';

COMMENT ON COLUMN doisoat_report.coverage_bhyt_communes.pct_of_target IS 'coverage_pct as a percentage of target_pct.';

COMMENT ON COLUMN doisoat_report.coverage_bhyt_communes.remaining IS 'People still to enrol to meet the target, target_pct * population - insured rounded to the person; negative when the target is passed.';

COMMENT ON COLUMN doisoat_report.coverage_bhyt_communes.scope_id IS 'The scope of the run that wrote the row: the set of communes it covers (doisoat_report.scopes).';

COMMENT ON COLUMN doisoat_report.coverage_bhyt_communes.unit_code IS 'The code of the unit the scope is named by (load --unit), or NULL.';

COMMENT ON COLUMN doisoat_report.coverage_bhyt_communes.unit_name IS 'The name of that unit, or NULL.';

CREATE VIEW doisoat_report.coverage_bhyt_province AS
 WITH t AS (
         SELECT c.period,
            min(r.period_start) AS period_start,
            (count(*))::integer AS scopes,
            (sum(cardinality(s.communes)))::integer AS communes,
            max(r.finished_at) AS loaded_at,
            (sum(c.population))::integer AS population,
            (sum(c.insured))::integer AS insured,
            round((sum((c.target_pct * (c.population)::numeric)) FILTER (WHERE (c.target_pct IS NOT NULL)) / (NULLIF(sum(c.population) FILTER (WHERE (c.target_pct IS NOT NULL)), 0))::numeric), 2) AS target_pct
           FROM ((doisoat.coverage c
             JOIN doisoat.runs r ON ((r.run_id = c.run_id)))
             JOIN doisoat.scopes s ON ((s.scope_id = c.scope_id)))
          WHERE (c.commune_code = 'TOTAL'::text)
          GROUP BY c.period
        )
 SELECT t.period,
    t.period_start,
    t.scopes,
    t.communes,
    t.loaded_at,
    t.population,
    t.insured,
    round(((100.0 * (t.insured)::numeric) / (NULLIF(t.population, 0))::numeric), 2) AS coverage_pct,
    t.target_pct,
    round(((10000.0 * (t.insured)::numeric) / NULLIF(((t.population)::numeric * t.target_pct), (0)::numeric)), 2) AS pct_of_target,
    ((round(((t.target_pct * (t.population)::numeric) / (100)::numeric)) - (t.insured)::numeric))::integer AS remaining
   FROM t;

ALTER TABLE doisoat_report.coverage_bhyt_province OWNER TO doisoat_owner;

COMMENT ON VIEW doisoat_report.coverage_bhyt_province IS 'BHYT (health insurance) coverage of the whole province as loaded: one row per period, every scope of the period added up (never sum it with coverage_bhyt_total, which holds the same people per scope).';

COMMENT ON COLUMN doisoat_report.coverage_bhyt_province.period IS 'The reporting year (--period).';

COMMENT ON COLUMN doisoat_report.coverage_bhyt_province.period_start IS 'The earliest reference date of the scopes'' runs.';

COMMENT ON COLUMN doisoat_report.coverage_bhyt_province.scopes IS 'Number of scopes loaded for the period.';

COMMENT ON COLUMN doisoat_report.coverage_bhyt_province.communes IS 'Number of communes they cover.';

COMMENT ON COLUMN doisoat_report.coverage_bhyt_province.loaded_at IS 'When the latest of their loads committed.';

COMMENT ON COLUMN doisoat_report.coverage_bhyt_province.population IS 'People of the registry alive and living in the province''s loaded communes (the sum of the scopes).';

COMMENT ON COLUMN doisoat_report.coverage_bhyt_province.insured IS 'Of them, those who hold a BHYT card in the period (the sum of the scopes).';

COMMENT ON COLUMN doisoat_report.coverage_bhyt_province.coverage_pct IS 'BHYT coverage in percent, 100 * insured / population, two decimals.';

COMMENT ON COLUMN doisoat_report.coverage_bhyt_province.target_pct IS 'The BHYT target in percent: the scopes'' targets weighted by population; NULL when none has one.';

COMMENT ON COLUMN doisoat_report.coverage_bhyt_province.pct_of_target IS 'coverage_pct as a percentage of target_pct.';

COMMENT ON COLUMN doisoat_report.coverage_bhyt_province.remaining IS 'People still to enrol to meet target_pct, computed from the totals; negative when passed.';

CREATE VIEW doisoat_report.coverage_bhyt_total AS
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
   FROM ((doisoat.coverage c
     JOIN doisoat.runs r ON ((r.run_id = c.run_id)))
     LEFT JOIN doisoat.scopes s ON ((s.scope_id = c.scope_id)))
  WHERE (c.commune_code = 'TOTAL'::text);

ALTER TABLE doisoat_report.coverage_bhyt_total OWNER TO doisoat_owner;

COMMENT ON VIEW doisoat_report.coverage_bhyt_total IS 'BHYT (health insurance) coverage of each scope, one row per period and scope (the TOTAL row of its coverage.csv); coverage_bhyt_province adds the scopes of a period up.';

COMMENT ON COLUMN doisoat_report.coverage_bhyt_total.period IS 'The reporting year the run reconciles (--period).';

COMMENT ON COLUMN doisoat_report.coverage_bhyt_total.period_start IS 'The run''s reference date: 1 January of period, unless --as-of gave another; the time column for Grafana and Superset.';

COMMENT ON COLUMN doisoat_report.coverage_bhyt_total.run_id IS 'The load that wrote these rows (doisoat_report.runs.run_id).';

COMMENT ON COLUMN doisoat_report.coverage_bhyt_total.loaded_at IS 'When that load committed.';

COMMENT ON COLUMN doisoat_report.coverage_bhyt_total.population IS 'People of the registry alive and living in the scope (the sum of the communes).';

COMMENT ON COLUMN doisoat_report.coverage_bhyt_total.insured IS 'Of them, those who hold a BHYT card in the period (increase + change + renew).';

COMMENT ON COLUMN doisoat_report.coverage_bhyt_total.coverage_pct IS 'BHYT coverage in percent, 100 * insured / population, two decimals (93.08 means 93.08 %).';

COMMENT ON COLUMN doisoat_report.coverage_bhyt_total.target_pct IS 'The BHYT target of the scope in percent: the TOTAL row of the targets file, else the communes'' targets weighted by population; NULL when none.';

COMMENT ON COLUMN doisoat_report.coverage_bhyt_total.pct_of_target IS 'coverage_pct as a percentage of target_pct.';

COMMENT ON COLUMN doisoat_report.coverage_bhyt_total.remaining IS 'People still to enrol to meet the target, computed from the totals (it may differ by one from the sum of the communes); negative when passed.';

COMMENT ON COLUMN doisoat_report.coverage_bhyt_total.scope_id IS 'The scope of the run that wrote the row: the set of communes it covers (doisoat_report.scopes).';

COMMENT ON COLUMN doisoat_report.coverage_bhyt_total.unit_code IS 'The code of the unit the scope is named by (load --unit), or NULL.';

COMMENT ON COLUMN doisoat_report.coverage_bhyt_total.unit_name IS 'The name of that unit, or NULL.';

CREATE VIEW doisoat_report.groups AS
 SELECT groups.code AS group_code,
    groups.name_vi AS group_name,
    groups.level AS benefit_level,
    groups.valid_from,
    groups.valid_to,
    groups.residence_based,
    groups.area_based
   FROM doisoat.groups;

ALTER TABLE doisoat_report.groups OWNER TO doisoat_owner;

COMMENT ON VIEW doisoat_report.groups IS 'Reference: participant group codes (mã đối tượng) with their benefit levels.';

COMMENT ON COLUMN doisoat_report.groups.group_code IS 'Participant group code, two letters.';

COMMENT ON COLUMN doisoat_report.groups.group_name IS 'Its name in Vietnamese.';

COMMENT ON COLUMN doisoat_report.groups.benefit_level IS 'Benefit level (mức hưởng) 1-5, a code (best to worst 5, 1, 2, 3, 4).';

COMMENT ON COLUMN doisoat_report.groups.valid_from IS 'First day this level applies (NULL: always).';

COMMENT ON COLUMN doisoat_report.groups.valid_to IS 'Last day it applies (NULL: still).';

COMMENT ON COLUMN doisoat_report.groups.residence_based IS 'true when the group depends on where the person lives.';

COMMENT ON COLUMN doisoat_report.groups.area_based IS 'true when the group depends on the commune being in a listed area (--areas).';

CREATE VIEW doisoat_report.outcomes AS
 WITH o AS (
         SELECT increase.period,
            increase.run_id,
            'increase'::text AS list,
            increase.commune_code,
            increase.group_code,
            increase.reason
           FROM doisoat.increase
        UNION ALL
         SELECT decrease.period,
            decrease.run_id,
            'decrease'::text,
            decrease.commune_code,
            decrease.group_code,
            decrease.reason
           FROM doisoat.decrease
        UNION ALL
         SELECT change.period,
            change.run_id,
            'change'::text,
            change.commune_code,
            change.group_code,
            change.reason
           FROM doisoat.change
        UNION ALL
         SELECT renew.period,
            renew.run_id,
            'renew'::text,
            renew.commune_code,
            renew.group_code,
            'RENEW'::text
           FROM doisoat.renew
        UNION ALL
         SELECT uninsured.period,
            uninsured.run_id,
            'uninsured'::text,
            uninsured.commune_code,
            NULL::text,
            'UNINSURED'::text
           FROM doisoat.uninsured
        ), n AS (
         SELECT o.period,
            o.run_id,
            o.list,
            o.commune_code,
            o.group_code,
            o.reason,
            (count(*))::integer AS people
           FROM o
          GROUP BY o.period, o.run_id, o.list, o.commune_code, o.group_code, o.reason
        )
 SELECT n.period,
    r.period_start,
    n.run_id,
    n.commune_code,
    ( SELECT cm.name
           FROM doisoat.communes cm
          WHERE ((cm.code = n.commune_code) AND (r.period_start >= COALESCE(cm.valid_from, '-infinity'::date)) AND (r.period_start <= COALESCE(cm.valid_to, 'infinity'::date)))
         LIMIT 1) AS commune_name,
    n.list,
    n.group_code,
    ( SELECT g.name_vi
           FROM doisoat.groups g
          WHERE ((g.code = n.group_code) AND (r.period_start >= COALESCE(g.valid_from, '-infinity'::date)) AND (r.period_start <= COALESCE(g.valid_to, 'infinity'::date)))
         LIMIT 1) AS group_name,
    n.reason,
    n.people
   FROM (n
     JOIN doisoat.runs r ON ((r.run_id = n.run_id)));

ALTER TABLE doisoat_report.outcomes OWNER TO doisoat_owner;

COMMENT ON VIEW doisoat_report.outcomes IS 'Outcome counts per commune, list, group and reason, for each period.';

COMMENT ON COLUMN doisoat_report.outcomes.period IS 'The reporting year the run reconciles (--period).';

COMMENT ON COLUMN doisoat_report.outcomes.period_start IS 'The run''s reference date: 1 January of period, unless --as-of gave another; the time column for Grafana and Superset.';

COMMENT ON COLUMN doisoat_report.outcomes.run_id IS 'The load that wrote these rows (doisoat_report.runs.run_id).';

COMMENT ON COLUMN doisoat_report.outcomes.commune_code IS 'Commune code (mã xã), five digits as text.';

COMMENT ON COLUMN doisoat_report.outcomes.commune_name IS 'Commune name valid on period_start.';

COMMENT ON COLUMN doisoat_report.outcomes.list IS 'increase, decrease, change, renew or uninsured.';

COMMENT ON COLUMN doisoat_report.outcomes.group_code IS 'Participant group code (mã đối tượng), NULL for uninsured.';

COMMENT ON COLUMN doisoat_report.outcomes.group_name IS 'Name of the group valid on period_start.';

COMMENT ON COLUMN doisoat_report.outcomes.reason IS 'The list''s reason code (docs/rules.md); RENEW for renew, UNINSURED for uninsured.';

COMMENT ON COLUMN doisoat_report.outcomes.people IS 'Rows: one per person, except decrease/DUPLICATE_CARD, which counts extra cards.';

CREATE VIEW doisoat_report.person_outcomes WITH (security_barrier='true') AS
 SELECT x.period,
    r.period_start,
    x.run_id,
    x.pseudonym,
    x.list,
    x.reason,
    x.commune_code,
    x.group_code,
    x.effective_date
   FROM (( SELECT increase.period,
            increase.run_id,
            increase.pseudonym,
            'increase'::text AS list,
            increase.reason,
            increase.commune_code,
            increase.group_code,
            increase.effective_from AS effective_date
           FROM doisoat.increase
        UNION ALL
         SELECT decrease.period,
            decrease.run_id,
            decrease.pseudonym,
            'decrease'::text,
            decrease.reason,
            decrease.commune_code,
            decrease.group_code,
            decrease.effective_to
           FROM doisoat.decrease
        UNION ALL
         SELECT change.period,
            change.run_id,
            change.pseudonym,
            'change'::text,
            change.reason,
            change.commune_code,
            change.group_code,
            NULL::date AS date
           FROM doisoat.change
        UNION ALL
         SELECT renew.period,
            renew.run_id,
            renew.pseudonym,
            'renew'::text,
            'RENEW'::text,
            renew.commune_code,
            renew.group_code,
            NULL::date AS date
           FROM doisoat.renew
        UNION ALL
         SELECT uninsured.period,
            uninsured.run_id,
            uninsured.pseudonym,
            'uninsured'::text,
            'UNINSURED'::text,
            uninsured.commune_code,
            NULL::text,
            NULL::date AS date
           FROM doisoat.uninsured) x
     JOIN doisoat.runs r ON ((r.run_id = x.run_id)))
  WHERE (x.pseudonym IS NOT NULL);

ALTER TABLE doisoat_report.person_outcomes OWNER TO doisoat_owner;

COMMENT ON VIEW doisoat_report.person_outcomes IS 'One row per person outcome, keyed by pseudonym only, for tools that need row level; only rows loaded with a pseudonym key.';

COMMENT ON COLUMN doisoat_report.person_outcomes.period IS 'The reporting year the run reconciles (--period).';

COMMENT ON COLUMN doisoat_report.person_outcomes.period_start IS 'The run''s reference date: 1 January of period, unless --as-of gave another; the time column for Grafana and Superset.';

COMMENT ON COLUMN doisoat_report.person_outcomes.run_id IS 'The load that wrote these rows (doisoat_report.runs.run_id).';

COMMENT ON COLUMN doisoat_report.person_outcomes.pseudonym IS 'HMAC-SHA256(key, person ID), 64 hex digits; the key never reaches the database.';

COMMENT ON COLUMN doisoat_report.person_outcomes.list IS 'increase, decrease, change, renew or uninsured.';

COMMENT ON COLUMN doisoat_report.person_outcomes.reason IS 'The list''s reason code; RENEW for renew, UNINSURED for uninsured.';

COMMENT ON COLUMN doisoat_report.person_outcomes.commune_code IS 'Commune code (mã xã), five digits as text.';

COMMENT ON COLUMN doisoat_report.person_outcomes.group_code IS 'Participant group code (mã đối tượng), NULL for uninsured.';

COMMENT ON COLUMN doisoat_report.person_outcomes.effective_date IS 'effective_from of an increase, effective_to of a decrease, else NULL.';

CREATE VIEW doisoat_report.reject_counts AS
 SELECT j.period,
    r.period_start,
    j.run_id,
    j.source,
    j.reason,
    (count(*))::integer AS row_count
   FROM (doisoat.rejects j
     JOIN doisoat.runs r ON ((r.run_id = j.run_id)))
  GROUP BY j.period, r.period_start, j.run_id, j.source, j.reason;

ALTER TABLE doisoat_report.reject_counts OWNER TO doisoat_owner;

COMMENT ON VIEW doisoat_report.reject_counts IS 'Rejected input rows, per input file and reason, for each period.';

COMMENT ON COLUMN doisoat_report.reject_counts.period IS 'The reporting year the run reconciles (--period).';

COMMENT ON COLUMN doisoat_report.reject_counts.period_start IS 'The run''s reference date: 1 January of period, unless --as-of gave another; the time column for Grafana and Superset.';

COMMENT ON COLUMN doisoat_report.reject_counts.run_id IS 'The load that wrote these rows (doisoat_report.runs.run_id).';

COMMENT ON COLUMN doisoat_report.reject_counts.source IS 'The input file (its label).';

COMMENT ON COLUMN doisoat_report.reject_counts.reason IS 'The reject reason code (docs/rules.md).';

COMMENT ON COLUMN doisoat_report.reject_counts.row_count IS 'Rows.';

CREATE VIEW doisoat_report.review_counts AS
 SELECT v.period,
    r.period_start,
    v.run_id,
    v.source,
    v.reason,
    (count(*))::integer AS row_count
   FROM (doisoat.review v
     JOIN doisoat.runs r ON ((r.run_id = v.run_id)))
  GROUP BY v.period, r.period_start, v.run_id, v.source, v.reason;

ALTER TABLE doisoat_report.review_counts OWNER TO doisoat_owner;

COMMENT ON VIEW doisoat_report.review_counts IS 'Rows sent to review, per input file and reason, for each period.';

COMMENT ON COLUMN doisoat_report.review_counts.period IS 'The reporting year the run reconciles (--period).';

COMMENT ON COLUMN doisoat_report.review_counts.period_start IS 'The run''s reference date: 1 January of period, unless --as-of gave another; the time column for Grafana and Superset.';

COMMENT ON COLUMN doisoat_report.review_counts.run_id IS 'The load that wrote these rows (doisoat_report.runs.run_id).';

COMMENT ON COLUMN doisoat_report.review_counts.source IS 'The input file (its label); for POSSIBLE_MATCH and UNKEYED_CARD, the file of the person''s best card.';

COMMENT ON COLUMN doisoat_report.review_counts.reason IS 'The review reason code (docs/rules.md).';

COMMENT ON COLUMN doisoat_report.review_counts.row_count IS 'Rows.';

CREATE VIEW doisoat_report.run_inputs AS
 SELECT i.run_id,
    r.period,
    i.ord,
    i.source,
    i.kind,
    i.bytes,
    i.xxh3,
    i.lines,
    i.rows_read,
    i.accepted,
    i.rejected,
    i.duplicates_merged,
    i.sent_to_review,
    i.seconds,
    i.same_as_run AS unchanged_since_run
   FROM (doisoat.run_inputs i
     JOIN doisoat.runs r ON ((r.run_id = i.run_id)));

ALTER TABLE doisoat_report.run_inputs OWNER TO doisoat_owner;

COMMENT ON VIEW doisoat_report.run_inputs IS 'One row per input file of a load.';

COMMENT ON COLUMN doisoat_report.run_inputs.run_id IS 'The load (doisoat_report.runs.run_id).';

COMMENT ON COLUMN doisoat_report.run_inputs.period IS 'The reporting year the run reconciles (--period).';

COMMENT ON COLUMN doisoat_report.run_inputs.ord IS 'The file''s place among the run''s inputs, from 1.';

COMMENT ON COLUMN doisoat_report.run_inputs.source IS 'The file''s label (the roster label, or the file name).';

COMMENT ON COLUMN doisoat_report.run_inputs.kind IS 'prior (last year''s cards), registry (population registry) or roster.';

COMMENT ON COLUMN doisoat_report.run_inputs.bytes IS 'Size of the file in bytes.';

COMMENT ON COLUMN doisoat_report.run_inputs.xxh3 IS 'XXH3-64 checksum of the file, 16 hex digits.';

COMMENT ON COLUMN doisoat_report.run_inputs.lines IS 'Lines in the file.';

COMMENT ON COLUMN doisoat_report.run_inputs.rows_read IS 'Data rows read.';

COMMENT ON COLUMN doisoat_report.run_inputs.accepted IS 'Rows accepted.';

COMMENT ON COLUMN doisoat_report.run_inputs.rejected IS 'Rows rejected (rejects.csv).';

COMMENT ON COLUMN doisoat_report.run_inputs.duplicates_merged IS 'Rows merged into another row of the same person.';

COMMENT ON COLUMN doisoat_report.run_inputs.sent_to_review IS 'Rows sent to review.csv.';

COMMENT ON COLUMN doisoat_report.run_inputs.seconds IS 'Seconds spent reading the file.';

COMMENT ON COLUMN doisoat_report.run_inputs.unchanged_since_run IS 'An earlier run that had the identical file (same XXH3 and size), or NULL.';

CREATE VIEW doisoat_report.runs AS
 SELECT r.run_id,
    r.period,
    r.period_start,
    r.status,
    ((r.status = 'loaded'::text) AND (EXISTS ( SELECT 1
           FROM doisoat.period_scopes ps
          WHERE (ps.run_id = r.run_id)))) AS is_current,
    r.started_at,
    r.finished_at,
    round(EXTRACT(epoch FROM (r.finished_at - r.started_at)), 3) AS load_seconds,
    (((r.summary -> 'timings'::text) ->> 'read'::text))::numeric AS read_seconds,
    (((r.summary -> 'timings'::text) ->> 'identity'::text))::numeric AS identity_seconds,
    (((r.summary -> 'timings'::text) ->> 'classify'::text))::numeric AS classify_seconds,
    (((r.summary -> 'timings'::text) ->> 'write'::text))::numeric AS write_seconds,
    (((r.summary -> 'timings'::text) ->> 'total'::text))::numeric AS pipeline_seconds,
    ((r.summary ->> 'exit_code'::text))::integer AS pipeline_exit_code,
    r.version AS doisoat_version,
    r.host,
    (( SELECT count(*) AS count
           FROM doisoat.run_inputs i
          WHERE (i.run_id = r.run_id)))::integer AS input_files,
    (( SELECT count(*) AS count
           FROM doisoat.run_inputs i
          WHERE ((i.run_id = r.run_id) AND (i.same_as_run IS NOT NULL))))::integer AS unchanged_input_files,
    (( SELECT sum(i.rows_read) AS sum
           FROM doisoat.run_inputs i
          WHERE (i.run_id = r.run_id)))::bigint AS rows_read,
    (( SELECT sum(i.rejected) AS sum
           FROM doisoat.run_inputs i
          WHERE (i.run_id = r.run_id)))::bigint AS rows_rejected,
    ((r.summary ->> 'people'::text))::bigint AS people,
    (((r.summary -> 'outputs'::text) ->> 'increase.csv'::text))::bigint AS increase,
    (((r.summary -> 'outputs'::text) ->> 'decrease.csv'::text))::bigint AS decrease,
    (((r.summary -> 'outputs'::text) ->> 'change.csv'::text))::bigint AS change,
    (((r.summary -> 'outputs'::text) ->> 'renew.csv'::text))::bigint AS renew,
    (((r.summary -> 'outputs'::text) ->> 'uninsured.csv'::text))::bigint AS uninsured,
    (((r.summary -> 'outputs'::text) ->> 'review.csv'::text))::bigint AS review,
    (((r.summary -> 'outputs'::text) ->> 'rejects.csv'::text))::bigint AS rejects,
    r.error,
    r.scope_id,
    s.unit_code,
    s.unit_name,
    cardinality(s.communes) AS scope_communes
   FROM (doisoat.runs r
     LEFT JOIN doisoat.scopes s ON ((s.scope_id = r.scope_id)));

ALTER TABLE doisoat_report.runs OWNER TO doisoat_owner;

COMMENT ON VIEW doisoat_report.runs IS 'One row per load, committed or failed, with its timings (the ledger).';

COMMENT ON COLUMN doisoat_report.runs.run_id IS 'The load, numbered in order.';

COMMENT ON COLUMN doisoat_report.runs.period IS 'The reporting year the run reconciles (--period).';

COMMENT ON COLUMN doisoat_report.runs.period_start IS 'The run''s reference date: 1 January of period, unless --as-of gave another; the time column for Grafana and Superset.';

COMMENT ON COLUMN doisoat_report.runs.status IS 'loaded, or failed (error says why).';

COMMENT ON COLUMN doisoat_report.runs.is_current IS 'true for the load whose results its period and scope show (the latest loaded run of that scope, unless a --replace dropped it).';

COMMENT ON COLUMN doisoat_report.runs.started_at IS 'When the load started.';

COMMENT ON COLUMN doisoat_report.runs.finished_at IS 'When it committed or failed.';

COMMENT ON COLUMN doisoat_report.runs.load_seconds IS 'Seconds the load took (finished_at - started_at).';

COMMENT ON COLUMN doisoat_report.runs.read_seconds IS 'Seconds the pipeline spent reading the inputs (summary.json).';

COMMENT ON COLUMN doisoat_report.runs.identity_seconds IS 'Seconds the pipeline spent keying and merging people (summary.json).';

COMMENT ON COLUMN doisoat_report.runs.classify_seconds IS 'Seconds the pipeline spent classifying people (summary.json).';

COMMENT ON COLUMN doisoat_report.runs.write_seconds IS 'Seconds the pipeline spent writing the lists (summary.json).';

COMMENT ON COLUMN doisoat_report.runs.pipeline_seconds IS 'Seconds of the whole pipeline run (summary.json).';

COMMENT ON COLUMN doisoat_report.runs.pipeline_exit_code IS 'The exit code the pipeline run recorded in summary.json (3: more rejects than --max-rejects).';

COMMENT ON COLUMN doisoat_report.runs.doisoat_version IS 'The doisoat version that wrote the run.';

COMMENT ON COLUMN doisoat_report.runs.host IS 'The machine that loaded it.';

COMMENT ON COLUMN doisoat_report.runs.input_files IS 'Number of input files of the run.';

COMMENT ON COLUMN doisoat_report.runs.unchanged_input_files IS 'Of them, files identical (XXH3 checksum and size) to a file of an earlier run.';

COMMENT ON COLUMN doisoat_report.runs.rows_read IS 'Input rows read, all files.';

COMMENT ON COLUMN doisoat_report.runs.rows_rejected IS 'Input rows rejected, all files.';

COMMENT ON COLUMN doisoat_report.runs.people IS 'People the run reconciled.';

COMMENT ON COLUMN doisoat_report.runs.increase IS 'Rows of increase.csv (new cards).';

COMMENT ON COLUMN doisoat_report.runs.decrease IS 'Rows of decrease.csv (cards to end).';

COMMENT ON COLUMN doisoat_report.runs.change IS 'Rows of change.csv (changed cards).';

COMMENT ON COLUMN doisoat_report.runs.renew IS 'Rows of renew.csv (cards renewed as they are).';

COMMENT ON COLUMN doisoat_report.runs.uninsured IS 'Rows of uninsured.csv (people without a card).';

COMMENT ON COLUMN doisoat_report.runs.review IS 'Rows of review.csv (for a human).';

COMMENT ON COLUMN doisoat_report.runs.rejects IS 'Rows of rejects.csv (unreadable input rows).';

COMMENT ON COLUMN doisoat_report.runs.error IS 'Why a failed load failed (NULL when loaded).';

COMMENT ON COLUMN doisoat_report.runs.scope_id IS 'The scope of the run: the set of communes it covers (doisoat_report.scopes); NULL for a failed load, and for loads replaced before schema version 9.';

COMMENT ON COLUMN doisoat_report.runs.unit_code IS 'The code of the unit the scope is named by (load --unit), or NULL.';

COMMENT ON COLUMN doisoat_report.runs.unit_name IS 'The name of that unit, or NULL.';

COMMENT ON COLUMN doisoat_report.runs.scope_communes IS 'Number of communes in the scope.';

CREATE VIEW doisoat_report.scopes AS
 SELECT ps.period,
    r.period_start,
    ps.scope_id,
    s.unit_code,
    s.unit_name,
    cardinality(s.communes) AS communes,
    array_to_string(s.communes, ','::text) AS commune_codes,
    ps.run_id,
    r.finished_at AS loaded_at
   FROM ((doisoat.period_scopes ps
     JOIN doisoat.scopes s ON ((s.scope_id = ps.scope_id)))
     JOIN doisoat.runs r ON ((r.run_id = ps.run_id)));

ALTER TABLE doisoat_report.scopes OWNER TO doisoat_owner;

COMMENT ON VIEW doisoat_report.scopes IS 'The scopes each period holds (one per run whose results it shows: an office, a former district, a group of communes), with the load each shows. Scopes of one period never share a commune.';

COMMENT ON COLUMN doisoat_report.scopes.period IS 'The reporting year (--period).';

COMMENT ON COLUMN doisoat_report.scopes.period_start IS 'The reference date of the run the scope shows.';

COMMENT ON COLUMN doisoat_report.scopes.scope_id IS 'The scope, numbered when first loaded.';

COMMENT ON COLUMN doisoat_report.scopes.unit_code IS 'The code of the unit the scope is named by (load --unit), or NULL.';

COMMENT ON COLUMN doisoat_report.scopes.unit_name IS 'The name of that unit, or NULL.';

COMMENT ON COLUMN doisoat_report.scopes.communes IS 'Number of communes in the scope.';

COMMENT ON COLUMN doisoat_report.scopes.commune_codes IS 'The commune codes of the scope, sorted, comma-separated (its key).';

COMMENT ON COLUMN doisoat_report.scopes.run_id IS 'The load whose results the scope shows.';

COMMENT ON COLUMN doisoat_report.scopes.loaded_at IS 'When that load committed.';

ALTER TABLE ONLY doisoat.runs ALTER COLUMN run_id SET DEFAULT nextval('doisoat.runs_run_id_seq'::regclass);

ALTER TABLE ONLY doisoat.scopes ALTER COLUMN scope_id SET DEFAULT nextval('doisoat.scopes_scope_id_seq'::regclass);

ALTER TABLE ONLY doisoat.period_scopes
    ADD CONSTRAINT period_scopes_pkey PRIMARY KEY (period, scope_id);

ALTER TABLE ONLY doisoat.run_inputs
    ADD CONSTRAINT run_inputs_pkey PRIMARY KEY (run_id, ord);

ALTER TABLE ONLY doisoat.runs
    ADD CONSTRAINT runs_pkey PRIMARY KEY (run_id);

ALTER TABLE ONLY doisoat.schema_migrations
    ADD CONSTRAINT schema_migrations_pkey PRIMARY KEY (version);

ALTER TABLE ONLY doisoat.scopes
    ADD CONSTRAINT scopes_communes_key UNIQUE (communes);

ALTER TABLE ONLY doisoat.scopes
    ADD CONSTRAINT scopes_pkey PRIMARY KEY (scope_id);

CREATE UNIQUE INDEX communes_code_idx ON doisoat.communes USING btree (code, COALESCE(valid_from, '-infinity'::date));

CREATE UNIQUE INDEX coverage_scope_idx ON ONLY doisoat.coverage USING btree (period, scope_id, commune_code);

CREATE UNIQUE INDEX groups_code_idx ON doisoat.groups USING btree (code, COALESCE(valid_from, '-infinity'::date));

CREATE INDEX run_inputs_xxh3_idx ON doisoat.run_inputs USING btree (xxh3, bytes);

CREATE INDEX runs_period_idx ON doisoat.runs USING btree (period, run_id);

ALTER TABLE ONLY doisoat.period_scopes
    ADD CONSTRAINT period_scopes_run_id_fkey FOREIGN KEY (run_id) REFERENCES doisoat.runs(run_id);

ALTER TABLE ONLY doisoat.period_scopes
    ADD CONSTRAINT period_scopes_scope_id_fkey FOREIGN KEY (scope_id) REFERENCES doisoat.scopes(scope_id);

ALTER TABLE ONLY doisoat.run_inputs
    ADD CONSTRAINT run_inputs_run_id_fkey FOREIGN KEY (run_id) REFERENCES doisoat.runs(run_id) ON DELETE CASCADE;

ALTER TABLE ONLY doisoat.runs
    ADD CONSTRAINT runs_scope_id_fkey FOREIGN KEY (scope_id) REFERENCES doisoat.scopes(scope_id);

GRANT USAGE ON SCHEMA doisoat TO doisoat_loader;

GRANT USAGE ON SCHEMA doisoat_report TO doisoat_reporter;

GRANT USAGE ON SCHEMA doisoat_stage TO doisoat_loader;

REVOKE ALL ON FUNCTION doisoat.load_begin(p_run bigint, p_coverage text[], p_unit_code text, p_unit_name text, p_replace boolean, OUT scope text, OUT overlap text) FROM PUBLIC;
GRANT ALL ON FUNCTION doisoat.load_begin(p_run bigint, p_coverage text[], p_unit_code text, p_unit_name text, p_replace boolean, OUT scope text, OUT overlap text) TO doisoat_loader;

REVOKE ALL ON FUNCTION doisoat.load_swap(p_run bigint, p_replace boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION doisoat.load_swap(p_run bigint, p_replace boolean) TO doisoat_loader;

REVOKE ALL ON FUNCTION doisoat.result_tables() FROM PUBLIC;

REVOKE ALL ON FUNCTION doisoat.scope_label(p_scope integer) FROM PUBLIC;

REVOKE ALL ON FUNCTION doisoat.scope_overlap(p_period integer, p_scope integer) FROM PUBLIC;

REVOKE ALL ON FUNCTION doisoat.set_privileges() FROM PUBLIC;

GRANT SELECT,INSERT,DELETE ON TABLE doisoat.communes TO doisoat_loader;

GRANT SELECT,INSERT,UPDATE ON TABLE doisoat.runs TO doisoat_loader;

GRANT SELECT,INSERT,DELETE ON TABLE doisoat.groups TO doisoat_loader;

GRANT SELECT ON TABLE doisoat.period_scopes TO doisoat_loader;

GRANT SELECT,INSERT ON TABLE doisoat.run_inputs TO doisoat_loader;

GRANT USAGE ON SEQUENCE doisoat.runs_run_id_seq TO doisoat_loader;

GRANT SELECT ON TABLE doisoat.schema_migrations TO doisoat_loader;

GRANT SELECT ON TABLE doisoat.scopes TO doisoat_loader;

GRANT USAGE ON SEQUENCE doisoat.scopes_scope_id_seq TO doisoat_loader;

GRANT SELECT ON TABLE doisoat_report.communes TO doisoat_reporter;

GRANT SELECT ON TABLE doisoat_report.coverage_bhtn TO doisoat_reporter;

GRANT SELECT ON TABLE doisoat_report.coverage_bhtn_communes TO doisoat_reporter;

GRANT SELECT ON TABLE doisoat_report.coverage_bhtn_province TO doisoat_reporter;

GRANT SELECT ON TABLE doisoat_report.coverage_bhtn_total TO doisoat_reporter;

GRANT SELECT ON TABLE doisoat_report.coverage_bhxh TO doisoat_reporter;

GRANT SELECT ON TABLE doisoat_report.coverage_bhxh_communes TO doisoat_reporter;

GRANT SELECT ON TABLE doisoat_report.coverage_bhxh_province TO doisoat_reporter;

GRANT SELECT ON TABLE doisoat_report.coverage_bhxh_total TO doisoat_reporter;

GRANT SELECT ON TABLE doisoat_report.coverage_bhyt TO doisoat_reporter;

GRANT SELECT ON TABLE doisoat_report.coverage_bhyt_communes TO doisoat_reporter;

GRANT SELECT ON TABLE doisoat_report.coverage_bhyt_province TO doisoat_reporter;

GRANT SELECT ON TABLE doisoat_report.coverage_bhyt_total TO doisoat_reporter;

GRANT SELECT ON TABLE doisoat_report.groups TO doisoat_reporter;

GRANT SELECT ON TABLE doisoat_report.outcomes TO doisoat_reporter;

GRANT SELECT ON TABLE doisoat_report.person_outcomes TO doisoat_reporter;

GRANT SELECT ON TABLE doisoat_report.reject_counts TO doisoat_reporter;

GRANT SELECT ON TABLE doisoat_report.review_counts TO doisoat_reporter;

GRANT SELECT ON TABLE doisoat_report.run_inputs TO doisoat_reporter;

GRANT SELECT ON TABLE doisoat_report.runs TO doisoat_reporter;

GRANT SELECT ON TABLE doisoat_report.scopes TO doisoat_reporter;
