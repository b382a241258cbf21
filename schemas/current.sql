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

CREATE FUNCTION doisoat.load_begin(p_run bigint) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
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

ALTER FUNCTION doisoat.load_begin(p_run bigint) OWNER TO doisoat_owner;

CREATE FUNCTION doisoat.load_swap(p_run bigint) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    SET lock_timeout TO '5min'
    AS $$
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

ALTER FUNCTION doisoat.load_swap(p_run bigint) OWNER TO doisoat_owner;

CREATE FUNCTION doisoat.result_tables() RETURNS text[]
    LANGUAGE sql IMMUTABLE
    AS $$
	SELECT ARRAY['increase', 'decrease', 'change', 'renew', 'uninsured',
		     'review', 'rejects', 'coverage']
$$;

ALTER FUNCTION doisoat.result_tables() OWNER TO doisoat_owner;

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
    bhtn_remaining integer
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
    error text
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
    c.bhtn_remaining
   FROM (doisoat.coverage c
     JOIN doisoat.runs r ON ((r.run_id = c.run_id)))
  WHERE (c.run_id = ( SELECT max(c2.run_id) AS max
           FROM doisoat.coverage c2
          WHERE (c2.period = c.period)));

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
    pseudonym text
)
PARTITION BY LIST (period);

ALTER TABLE doisoat.increase OWNER TO doisoat_owner;

CREATE TABLE doisoat.rejects (
    period integer NOT NULL,
    run_id bigint NOT NULL,
    source text,
    line bigint,
    reason text,
    raw text
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
    detail text
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

CREATE TABLE doisoat.uninsured (
    period integer NOT NULL,
    run_id bigint NOT NULL,
    person_id text NOT NULL,
    full_name text,
    dob text,
    sex text,
    commune_code text,
    household_code text,
    pseudonym text
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
    c.bhtn_remaining
   FROM (doisoat.coverage c
     JOIN doisoat.runs r ON ((r.run_id = c.run_id)));

ALTER TABLE doisoat_report.coverage_bhtn OWNER TO doisoat_owner;

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
    c.bhxh_voluntary_remaining
   FROM (doisoat.coverage c
     JOIN doisoat.runs r ON ((r.run_id = c.run_id)));

ALTER TABLE doisoat_report.coverage_bhxh OWNER TO doisoat_owner;

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
    c.remaining
   FROM (doisoat.coverage c
     JOIN doisoat.runs r ON ((r.run_id = c.run_id)));

ALTER TABLE doisoat_report.coverage_bhyt OWNER TO doisoat_owner;

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

CREATE VIEW doisoat_report.runs AS
 SELECT r.run_id,
    r.period,
    r.period_start,
    r.status,
    ((r.status = 'loaded'::text) AND (r.run_id = ( SELECT max(r2.run_id) AS max
           FROM doisoat.runs r2
          WHERE ((r2.period = r.period) AND (r2.status = 'loaded'::text))))) AS is_current,
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
    r.error
   FROM doisoat.runs r;

ALTER TABLE doisoat_report.runs OWNER TO doisoat_owner;

ALTER TABLE ONLY doisoat.runs ALTER COLUMN run_id SET DEFAULT nextval('doisoat.runs_run_id_seq'::regclass);

ALTER TABLE ONLY doisoat.run_inputs
    ADD CONSTRAINT run_inputs_pkey PRIMARY KEY (run_id, ord);

ALTER TABLE ONLY doisoat.runs
    ADD CONSTRAINT runs_pkey PRIMARY KEY (run_id);

ALTER TABLE ONLY doisoat.schema_migrations
    ADD CONSTRAINT schema_migrations_pkey PRIMARY KEY (version);

CREATE UNIQUE INDEX communes_code_idx ON doisoat.communes USING btree (code, COALESCE(valid_from, '-infinity'::date));

CREATE UNIQUE INDEX coverage_period_idx ON ONLY doisoat.coverage USING btree (period, commune_code);

CREATE UNIQUE INDEX groups_code_idx ON doisoat.groups USING btree (code, COALESCE(valid_from, '-infinity'::date));

CREATE INDEX run_inputs_xxh3_idx ON doisoat.run_inputs USING btree (xxh3, bytes);

CREATE INDEX runs_period_idx ON doisoat.runs USING btree (period, run_id);

ALTER TABLE ONLY doisoat.run_inputs
    ADD CONSTRAINT run_inputs_run_id_fkey FOREIGN KEY (run_id) REFERENCES doisoat.runs(run_id) ON DELETE CASCADE;

GRANT USAGE ON SCHEMA doisoat TO doisoat_loader;

GRANT USAGE ON SCHEMA doisoat_report TO doisoat_reporter;

GRANT USAGE ON SCHEMA doisoat_stage TO doisoat_loader;

REVOKE ALL ON FUNCTION doisoat.load_begin(p_run bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION doisoat.load_begin(p_run bigint) TO doisoat_loader;

REVOKE ALL ON FUNCTION doisoat.load_swap(p_run bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION doisoat.load_swap(p_run bigint) TO doisoat_loader;

REVOKE ALL ON FUNCTION doisoat.result_tables() FROM PUBLIC;

REVOKE ALL ON FUNCTION doisoat.set_privileges() FROM PUBLIC;

GRANT SELECT,INSERT,DELETE ON TABLE doisoat.communes TO doisoat_loader;

GRANT SELECT,INSERT,UPDATE ON TABLE doisoat.runs TO doisoat_loader;

GRANT SELECT,INSERT,DELETE ON TABLE doisoat.groups TO doisoat_loader;

GRANT SELECT,INSERT ON TABLE doisoat.run_inputs TO doisoat_loader;

GRANT USAGE ON SEQUENCE doisoat.runs_run_id_seq TO doisoat_loader;

GRANT SELECT ON TABLE doisoat.schema_migrations TO doisoat_loader;

GRANT SELECT ON TABLE doisoat_report.communes TO doisoat_reporter;

GRANT SELECT ON TABLE doisoat_report.coverage_bhtn TO doisoat_reporter;

GRANT SELECT ON TABLE doisoat_report.coverage_bhxh TO doisoat_reporter;

GRANT SELECT ON TABLE doisoat_report.coverage_bhyt TO doisoat_reporter;

GRANT SELECT ON TABLE doisoat_report.groups TO doisoat_reporter;

GRANT SELECT ON TABLE doisoat_report.outcomes TO doisoat_reporter;

GRANT SELECT ON TABLE doisoat_report.person_outcomes TO doisoat_reporter;

GRANT SELECT ON TABLE doisoat_report.reject_counts TO doisoat_reporter;

GRANT SELECT ON TABLE doisoat_report.review_counts TO doisoat_reporter;

GRANT SELECT ON TABLE doisoat_report.run_inputs TO doisoat_reporter;

GRANT SELECT ON TABLE doisoat_report.runs TO doisoat_reporter;
