-- 004_roles.sql: the three group roles and the schemas they divide
-- (rules.md R10.4).  Recorded as version 4.
--
--   doisoat_owner     NOLOGIN; owns every schema, table, view and function
--                     of doisoat.  `doisoat db migrate` runs as a superuser
--                     or as a member of this role (with CREATEROLE the
--                     first time, to create the roles).
--   doisoat_loader    NOLOGIN; what a nightly `doisoat load` needs: the
--                     run ledger, the reference tables, its own staging
--                     tables, the load functions.  Give the login role of
--                     the nightly job this role: GRANT doisoat_loader TO
--                     etl_nightly.
--   doisoat_reporter  NOLOGIN; reads the views of doisoat_report and
--                     nothing else (no personal IDs, no birth dates).
--                     GRANT doisoat_reporter TO metabase;
--
-- Roles belong to the whole cluster: they are created only when absent,
-- so several databases (or an administrator who made them first) share
-- them.  Schemas:
--   doisoat          base tables (owner and loader only)
--   doisoat_stage    staging tables of the load in progress (never
--                    committed: a load moves them into doisoat)
--   doisoat_report   the reporting views (docs/operations.md)
--
-- doisoat.set_privileges() gives every object of the three schemas to
-- doisoat_owner and (re)grants what the loader and the reporter may do.
-- This file only defines it: 007_report.sql ends by calling it, for
-- every object made up to then (pending files are applied in order, in
-- one transaction); a later migration that creates objects must end by
-- calling it too.

DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles
		       WHERE rolname = 'doisoat_owner') THEN
		CREATE ROLE doisoat_owner NOLOGIN;
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_roles
		       WHERE rolname = 'doisoat_loader') THEN
		CREATE ROLE doisoat_loader NOLOGIN;
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_roles
		       WHERE rolname = 'doisoat_reporter') THEN
		CREATE ROLE doisoat_reporter NOLOGIN;
	END IF;
END
$$;

CREATE SCHEMA IF NOT EXISTS doisoat_stage;
CREATE SCHEMA IF NOT EXISTS doisoat_report;

CREATE OR REPLACE FUNCTION doisoat.set_privileges() RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
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
REVOKE ALL ON FUNCTION doisoat.set_privileges() FROM PUBLIC;
