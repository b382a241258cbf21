-- 007_report.sql: the reporting views, schema doisoat_report, the only
-- thing the role doisoat_reporter can read (Metabase, Superset, Grafana,
-- Excel through ODBC).  Recorded as version 7.
--
-- Stable contract: these names and columns stay; new columns may be added
-- at the end; a change that would break a dashboard gets a new view
-- (name_v2) next to the old one.  docs/operations.md documents every
-- column.  No view has a personal ID, a BHXH or card code, a name or a
-- birth date; the one per-person view carries a pseudonym (HMAC-SHA256
-- with a key the database never sees).  Counts are integers, percentages
-- numeric (93.08 means 93.08 %), dates date, times timestamptz.  The views
-- run with the owner's rights, so the reporter needs none on the tables;
-- they show each period as its latest load left it (the result tables
-- hold one load per period), plus the ledger of every load.

-- Runs: one row per load, committed or failed, with its timings.
CREATE OR REPLACE VIEW doisoat_report.runs AS
SELECT r.run_id,
       r.period,
       r.period_start,
       r.status,
       r.status = 'loaded' AND r.run_id = (
	       SELECT max(r2.run_id) FROM doisoat.runs r2
	       WHERE r2.period = r.period AND r2.status = 'loaded')
	       AS is_current,
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
       r.error
FROM doisoat.runs r;

-- The input files of every load.
CREATE OR REPLACE VIEW doisoat_report.run_inputs AS
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
FROM doisoat.run_inputs i
JOIN doisoat.runs r ON r.run_id = i.run_id;

-- BHYT coverage per commune, then the TOTAL row (is_total).
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
       c.remaining
FROM doisoat.coverage c
JOIN doisoat.runs r ON r.run_id = c.run_id;

-- BHXH coverage (compulsory and voluntary) against the labour force;
-- NULL where the run had no schemes or labour force.
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
       c.bhxh_voluntary_remaining
FROM doisoat.coverage c
JOIN doisoat.runs r ON r.run_id = c.run_id;

-- BHTN (unemployment insurance) coverage against the labour force.
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
       c.bhtn_remaining
FROM doisoat.coverage c
JOIN doisoat.runs r ON r.run_id = c.run_id;

-- Outcomes per commune, list, group and reason.  list: increase,
-- decrease, change, renew, uninsured; reason: the list's reason, RENEW
-- for renew, UNINSURED for uninsured.  people counts rows: one per person,
-- except decrease/DUPLICATE_CARD, which counts extra cards.
CREATE OR REPLACE VIEW doisoat_report.outcomes AS
WITH o AS (
	SELECT period, run_id, 'increase'::text AS list, commune_code,
	       group_code, reason
	FROM doisoat.increase
	UNION ALL
	SELECT period, run_id, 'decrease', commune_code, group_code, reason
	FROM doisoat.decrease
	UNION ALL
	SELECT period, run_id, 'change', commune_code, group_code, reason
	FROM doisoat.change
	UNION ALL
	SELECT period, run_id, 'renew', commune_code, group_code, 'RENEW'
	FROM doisoat.renew
	UNION ALL
	SELECT period, run_id, 'uninsured', commune_code, NULL, 'UNINSURED'
	FROM doisoat.uninsured
), n AS (
	SELECT period, run_id, list, commune_code, group_code, reason,
	       count(*)::int AS people
	FROM o
	GROUP BY period, run_id, list, commune_code, group_code, reason
)
SELECT n.period,
       r.period_start,
       n.run_id,
       n.commune_code,
       (SELECT cm.name FROM doisoat.communes cm
	WHERE cm.code = n.commune_code
	  AND r.period_start >= coalesce(cm.valid_from, '-infinity')
	  AND r.period_start <= coalesce(cm.valid_to, 'infinity')
	LIMIT 1) AS commune_name,
       n.list,
       n.group_code,
       (SELECT g.name_vi FROM doisoat.groups g
	WHERE g.code = n.group_code
	  AND r.period_start >= coalesce(g.valid_from, '-infinity')
	  AND r.period_start <= coalesce(g.valid_to, 'infinity')
	LIMIT 1) AS group_name,
       n.reason,
       n.people
FROM n
JOIN doisoat.runs r ON r.run_id = n.run_id;

-- Rows sent to review, per input file and reason (the person-level
-- reasons, POSSIBLE_MATCH and UNKEYED_CARD, count under the file of the
-- person's best card).
CREATE OR REPLACE VIEW doisoat_report.review_counts AS
SELECT v.period,
       r.period_start,
       v.run_id,
       v.source,
       v.reason,
       count(*)::int AS row_count
FROM doisoat.review v
JOIN doisoat.runs r ON r.run_id = v.run_id
GROUP BY v.period, r.period_start, v.run_id, v.source, v.reason;

-- Rejected input rows, per input file and reason.
CREATE OR REPLACE VIEW doisoat_report.reject_counts AS
SELECT j.period,
       r.period_start,
       j.run_id,
       j.source,
       j.reason,
       count(*)::int AS row_count
FROM doisoat.rejects j
JOIN doisoat.runs r ON r.run_id = j.run_id
GROUP BY j.period, r.period_start, j.run_id, j.source, j.reason;

-- One row per person outcome, keyed by pseudonym only (rows loaded
-- without a pseudonym key are left out).  effective_date: effective_from
-- of an increase, effective_to of a decrease, else NULL.
CREATE OR REPLACE VIEW doisoat_report.person_outcomes
WITH (security_barrier) AS
SELECT x.period,
       r.period_start,
       x.run_id,
       x.pseudonym,
       x.list,
       x.reason,
       x.commune_code,
       x.group_code,
       x.effective_date
FROM (
	SELECT period, run_id, pseudonym, 'increase'::text AS list, reason,
	       commune_code, group_code, effective_from AS effective_date
	FROM doisoat.increase
	UNION ALL
	SELECT period, run_id, pseudonym, 'decrease', reason, commune_code,
	       group_code, effective_to
	FROM doisoat.decrease
	UNION ALL
	SELECT period, run_id, pseudonym, 'change', reason, commune_code,
	       group_code, NULL::date
	FROM doisoat.change
	UNION ALL
	SELECT period, run_id, pseudonym, 'renew', 'RENEW', commune_code,
	       group_code, NULL::date
	FROM doisoat.renew
	UNION ALL
	SELECT period, run_id, pseudonym, 'uninsured', 'UNINSURED',
	       commune_code, NULL, NULL::date
	FROM doisoat.uninsured
) x
JOIN doisoat.runs r ON r.run_id = x.run_id
WHERE x.pseudonym IS NOT NULL;

-- Reference: communes (mã xã) with their validity, to name them.
CREATE OR REPLACE VIEW doisoat_report.communes AS
SELECT code AS commune_code, name AS commune_name, valid_from, valid_to
FROM doisoat.communes;

-- Reference: participant group codes (mã đối tượng).
CREATE OR REPLACE VIEW doisoat_report.groups AS
SELECT code AS group_code, name_vi AS group_name, level AS benefit_level,
       valid_from, valid_to, residence_based, area_based
FROM doisoat.groups;

SELECT doisoat.set_privileges();
