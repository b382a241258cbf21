-- 003_reports.sql: the first view for reporting tools (Grafana,
-- Metabase, spreadsheets).  Recorded as version 3.  Superseded: the roles
-- (004_roles.sql) and the views of schema doisoat_report
-- (007_report.sql, coverage_bhyt, coverage_bhxh, coverage_bhtn) came
-- later (rules.md R10.4).  This view stays, made again by
-- 005_partitions.sql, in schema doisoat, which doisoat_reporter cannot
-- read.

-- Coverage of each period as its latest load left it: the commune rows,
-- then the TOTAL row (order by period, is_total, commune_code).
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
