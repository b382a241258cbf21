-- 008_comments.sql: descriptions of the reporting views, and coverage
-- views that cannot be summed twice.  Recorded as version 8.
--
-- COMMENT ON every view of doisoat_report and every column, with the text
-- of docs/operations.md, so that Metabase, Superset and psql's \d+ show
-- what each one means.  A new view or column gets its comment in the same
-- migration (tests/pg/run.sh fails on one without).
--
-- coverage_bhyt, coverage_bhxh and coverage_bhtn hold the commune rows and,
-- flagged by is_total, the total row of the scope: a naive SUM over them
-- counts every commune twice.  They stay as they are (the views are a
-- stable contract), and for each there are now two views that cannot be
-- misread: coverage_<scheme>_communes, the commune rows only (safe to sum),
-- and coverage_<scheme>_total, the total row only (no commune columns).
-- All three read the same rows of doisoat.coverage.

-- BHYT coverage per commune, without the total row.
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
       c.remaining
FROM doisoat.coverage c
JOIN doisoat.runs r ON r.run_id = c.run_id
WHERE c.commune_code <> 'TOTAL';

-- BHYT coverage of the whole scope: the total row only.
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
       c.remaining
FROM doisoat.coverage c
JOIN doisoat.runs r ON r.run_id = c.run_id
WHERE c.commune_code = 'TOTAL';

-- BHXH coverage per commune, without the total row.
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
       c.bhxh_voluntary_remaining
FROM doisoat.coverage c
JOIN doisoat.runs r ON r.run_id = c.run_id
WHERE c.commune_code <> 'TOTAL';

-- BHXH coverage of the whole scope: the total row only.
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
       c.bhxh_voluntary_remaining
FROM doisoat.coverage c
JOIN doisoat.runs r ON r.run_id = c.run_id
WHERE c.commune_code = 'TOTAL';

-- BHTN coverage per commune, without the total row.
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
       c.bhtn_remaining
FROM doisoat.coverage c
JOIN doisoat.runs r ON r.run_id = c.run_id
WHERE c.commune_code <> 'TOTAL';

-- BHTN coverage of the whole scope: the total row only.
CREATE OR REPLACE VIEW doisoat_report.coverage_bhtn_total AS
SELECT c.period,
       r.period_start,
       c.run_id,
       r.finished_at AS loaded_at,
       c.labour_force,
       c.bhtn,
       c.bhtn_pct,
       c.bhtn_target_pct,
       c.bhtn_remaining
FROM doisoat.coverage c
JOIN doisoat.runs r ON r.run_id = c.run_id
WHERE c.commune_code = 'TOTAL';

-- The descriptions: every view, then its columns.

COMMENT ON VIEW doisoat_report.coverage_bhyt IS
	'BHYT (health insurance) coverage, per commune of each period, then '
	'the total row of the whole scope (is_total). Do not SUM it: the '
	'total row counts every commune a second time; sum '
	'coverage_bhyt_communes, or read coverage_bhyt_total.';
COMMENT ON COLUMN doisoat_report.coverage_bhyt.period IS
	'The reporting year the run reconciles (--period).';
COMMENT ON COLUMN doisoat_report.coverage_bhyt.period_start IS
	'The run''s reference date: 1 January of period, unless --as-of '
	'gave another; the time column for Grafana and Superset.';
COMMENT ON COLUMN doisoat_report.coverage_bhyt.run_id IS
	'The load that wrote these rows (doisoat_report.runs.run_id).';
COMMENT ON COLUMN doisoat_report.coverage_bhyt.loaded_at IS
	'When that load committed.';
COMMENT ON COLUMN doisoat_report.coverage_bhyt.is_total IS
	'true on the row of the whole scope (commune_code TOTAL), false on '
	'a commune row: filter on it before summing.';
COMMENT ON COLUMN doisoat_report.coverage_bhyt.commune_code IS
	'Commune code (mã xã), five digits as text; TOTAL on the total row.';
COMMENT ON COLUMN doisoat_report.coverage_bhyt.commune_name IS
	'Commune name valid on period_start; Tổng cộng on the total row.';
COMMENT ON COLUMN doisoat_report.coverage_bhyt.population IS
	'People of the registry alive and living in the commune.';
COMMENT ON COLUMN doisoat_report.coverage_bhyt.insured IS
	'Of them, those who hold a BHYT card in the period (increase + '
	'change + renew).';
COMMENT ON COLUMN doisoat_report.coverage_bhyt.coverage_pct IS
	'BHYT coverage in percent, 100 * insured / population, two decimals '
	'(93.08 means 93.08 %).';
COMMENT ON COLUMN doisoat_report.coverage_bhyt.target_pct IS
	'The BHYT coverage target in percent (--targets), or NULL when none '
	'is given.';
COMMENT ON COLUMN doisoat_report.coverage_bhyt.pct_of_target IS
	'coverage_pct as a percentage of target_pct.';
COMMENT ON COLUMN doisoat_report.coverage_bhyt.remaining IS
	'People still to enrol to meet the target, target_pct * population '
	'- insured rounded to the person; negative when the target is '
	'passed.';

COMMENT ON VIEW doisoat_report.coverage_bhyt_communes IS
	'BHYT (health insurance) coverage, per commune of each period, '
	'without the total row: safe to SUM (its counts add up to '
	'coverage_bhyt_total).';
COMMENT ON COLUMN doisoat_report.coverage_bhyt_communes.period IS
	'The reporting year the run reconciles (--period).';
COMMENT ON COLUMN doisoat_report.coverage_bhyt_communes.period_start IS
	'The run''s reference date: 1 January of period, unless --as-of '
	'gave another; the time column for Grafana and Superset.';
COMMENT ON COLUMN doisoat_report.coverage_bhyt_communes.run_id IS
	'The load that wrote these rows (doisoat_report.runs.run_id).';
COMMENT ON COLUMN doisoat_report.coverage_bhyt_communes.loaded_at IS
	'When that load committed.';
COMMENT ON COLUMN doisoat_report.coverage_bhyt_communes.commune_code IS
	'Commune code (mã xã), five digits as text.';
COMMENT ON COLUMN doisoat_report.coverage_bhyt_communes.commune_name IS
	'Commune name valid on period_start.';
COMMENT ON COLUMN doisoat_report.coverage_bhyt_communes.population IS
	'People of the registry alive and living in the commune.';
COMMENT ON COLUMN doisoat_report.coverage_bhyt_communes.insured IS
	'Of them, those who hold a BHYT card in the period (increase + '
	'change + renew).';
COMMENT ON COLUMN doisoat_report.coverage_bhyt_communes.coverage_pct IS
	'BHYT coverage in percent, 100 * insured / population, two decimals '
	'(93.08 means 93.08 %).';
COMMENT ON COLUMN doisoat_report.coverage_bhyt_communes.target_pct IS
	'The BHYT coverage target in percent (--targets), or NULL when none '
	'is given.';
COMMENT ON COLUMN doisoat_report.coverage_bhyt_communes.pct_of_target IS
	'coverage_pct as a percentage of target_pct.';
COMMENT ON COLUMN doisoat_report.coverage_bhyt_communes.remaining IS
	'People still to enrol to meet the target, target_pct * population '
	'- insured rounded to the person; negative when the target is '
	'passed.';

COMMENT ON VIEW doisoat_report.coverage_bhyt_total IS
	'BHYT (health insurance) coverage of the whole scope, one row per '
	'period (the TOTAL row of coverage.csv). Its counts are the sums of '
	'coverage_bhyt_communes; its targets are the scope''s own (the '
	'TOTAL row of the targets file) or the communes'' targets weighted '
	'by population or labour force; percentages and remaining are '
	'computed from those, not summed.';
COMMENT ON COLUMN doisoat_report.coverage_bhyt_total.period IS
	'The reporting year the run reconciles (--period).';
COMMENT ON COLUMN doisoat_report.coverage_bhyt_total.period_start IS
	'The run''s reference date: 1 January of period, unless --as-of '
	'gave another; the time column for Grafana and Superset.';
COMMENT ON COLUMN doisoat_report.coverage_bhyt_total.run_id IS
	'The load that wrote these rows (doisoat_report.runs.run_id).';
COMMENT ON COLUMN doisoat_report.coverage_bhyt_total.loaded_at IS
	'When that load committed.';
COMMENT ON COLUMN doisoat_report.coverage_bhyt_total.population IS
	'People of the registry alive and living in the scope (the sum of '
	'the communes).';
COMMENT ON COLUMN doisoat_report.coverage_bhyt_total.insured IS
	'Of them, those who hold a BHYT card in the period (increase + '
	'change + renew).';
COMMENT ON COLUMN doisoat_report.coverage_bhyt_total.coverage_pct IS
	'BHYT coverage in percent, 100 * insured / population, two decimals '
	'(93.08 means 93.08 %).';
COMMENT ON COLUMN doisoat_report.coverage_bhyt_total.target_pct IS
	'The BHYT target of the scope in percent: the TOTAL row of the '
	'targets file, else the communes'' targets weighted by population; '
	'NULL when none.';
COMMENT ON COLUMN doisoat_report.coverage_bhyt_total.pct_of_target IS
	'coverage_pct as a percentage of target_pct.';
COMMENT ON COLUMN doisoat_report.coverage_bhyt_total.remaining IS
	'People still to enrol to meet the target, computed from the totals '
	'(it may differ by one from the sum of the communes); negative when '
	'passed.';

COMMENT ON VIEW doisoat_report.coverage_bhxh IS
	'BHXH (social insurance, compulsory and voluntary) coverage against '
	'the labour force, per commune of each period, then the total row '
	'of the whole scope (is_total). Do not SUM it: the total row counts '
	'every commune a second time; sum coverage_bhxh_communes, or read '
	'coverage_bhxh_total.';
COMMENT ON COLUMN doisoat_report.coverage_bhxh.period IS
	'The reporting year the run reconciles (--period).';
COMMENT ON COLUMN doisoat_report.coverage_bhxh.period_start IS
	'The run''s reference date: 1 January of period, unless --as-of '
	'gave another; the time column for Grafana and Superset.';
COMMENT ON COLUMN doisoat_report.coverage_bhxh.run_id IS
	'The load that wrote these rows (doisoat_report.runs.run_id).';
COMMENT ON COLUMN doisoat_report.coverage_bhxh.loaded_at IS
	'When that load committed.';
COMMENT ON COLUMN doisoat_report.coverage_bhxh.is_total IS
	'true on the row of the whole scope (commune_code TOTAL), false on '
	'a commune row: filter on it before summing.';
COMMENT ON COLUMN doisoat_report.coverage_bhxh.commune_code IS
	'Commune code (mã xã), five digits as text; TOTAL on the total row.';
COMMENT ON COLUMN doisoat_report.coverage_bhxh.commune_name IS
	'Commune name valid on period_start; Tổng cộng on the total row.';
COMMENT ON COLUMN doisoat_report.coverage_bhxh.labour_force IS
	'The labour force of the commune, from the targets file; NULL when '
	'not given.';
COMMENT ON COLUMN doisoat_report.coverage_bhxh.bhxh_compulsory IS
	'People with compulsory social insurance (BHXH bắt buộc); NULL when '
	'the run had no schemes.';
COMMENT ON COLUMN doisoat_report.coverage_bhxh.bhxh_voluntary IS
	'People with voluntary social insurance (BHXH tự nguyện); NULL when '
	'the run had no schemes.';
COMMENT ON COLUMN doisoat_report.coverage_bhxh.bhxh_pct IS
	'BHXH coverage, compulsory and voluntary, in percent of '
	'labour_force.';
COMMENT ON COLUMN doisoat_report.coverage_bhxh.bhxh_target_pct IS
	'The BHXH coverage target in percent, or NULL.';
COMMENT ON COLUMN doisoat_report.coverage_bhxh.bhxh_voluntary_pct IS
	'Voluntary BHXH coverage in percent of labour_force.';
COMMENT ON COLUMN doisoat_report.coverage_bhxh.bhxh_voluntary_target_pct IS
	'The voluntary BHXH coverage target in percent, or NULL.';
COMMENT ON COLUMN doisoat_report.coverage_bhxh.bhxh_remaining IS
	'People still to enrol in compulsory BHXH, against the compulsory '
	'part of the target (bhxh_target_pct - bhxh_voluntary_target_pct); '
	'negative when passed.';
COMMENT ON COLUMN doisoat_report.coverage_bhxh.bhxh_voluntary_remaining IS
	'People still to enrol in voluntary BHXH to meet '
	'bhxh_voluntary_target_pct; negative when passed.';

COMMENT ON VIEW doisoat_report.coverage_bhxh_communes IS
	'BHXH (social insurance, compulsory and voluntary) coverage against '
	'the labour force, per commune of each period, without the total '
	'row: safe to SUM (its counts add up to coverage_bhxh_total).';
COMMENT ON COLUMN doisoat_report.coverage_bhxh_communes.period IS
	'The reporting year the run reconciles (--period).';
COMMENT ON COLUMN doisoat_report.coverage_bhxh_communes.period_start IS
	'The run''s reference date: 1 January of period, unless --as-of '
	'gave another; the time column for Grafana and Superset.';
COMMENT ON COLUMN doisoat_report.coverage_bhxh_communes.run_id IS
	'The load that wrote these rows (doisoat_report.runs.run_id).';
COMMENT ON COLUMN doisoat_report.coverage_bhxh_communes.loaded_at IS
	'When that load committed.';
COMMENT ON COLUMN doisoat_report.coverage_bhxh_communes.commune_code IS
	'Commune code (mã xã), five digits as text.';
COMMENT ON COLUMN doisoat_report.coverage_bhxh_communes.commune_name IS
	'Commune name valid on period_start.';
COMMENT ON COLUMN doisoat_report.coverage_bhxh_communes.labour_force IS
	'The labour force of the commune, from the targets file; NULL when '
	'not given.';
COMMENT ON COLUMN doisoat_report.coverage_bhxh_communes.bhxh_compulsory IS
	'People with compulsory social insurance (BHXH bắt buộc); NULL when '
	'the run had no schemes.';
COMMENT ON COLUMN doisoat_report.coverage_bhxh_communes.bhxh_voluntary IS
	'People with voluntary social insurance (BHXH tự nguyện); NULL when '
	'the run had no schemes.';
COMMENT ON COLUMN doisoat_report.coverage_bhxh_communes.bhxh_pct IS
	'BHXH coverage, compulsory and voluntary, in percent of '
	'labour_force.';
COMMENT ON COLUMN doisoat_report.coverage_bhxh_communes.bhxh_target_pct IS
	'The BHXH coverage target in percent, or NULL.';
COMMENT ON COLUMN doisoat_report.coverage_bhxh_communes.bhxh_voluntary_pct IS
	'Voluntary BHXH coverage in percent of labour_force.';
COMMENT ON COLUMN doisoat_report.coverage_bhxh_communes.bhxh_voluntary_target_pct IS
	'The voluntary BHXH coverage target in percent, or NULL.';
COMMENT ON COLUMN doisoat_report.coverage_bhxh_communes.bhxh_remaining IS
	'People still to enrol in compulsory BHXH, against the compulsory '
	'part of the target (bhxh_target_pct - bhxh_voluntary_target_pct); '
	'negative when passed.';
COMMENT ON COLUMN doisoat_report.coverage_bhxh_communes.bhxh_voluntary_remaining IS
	'People still to enrol in voluntary BHXH to meet '
	'bhxh_voluntary_target_pct; negative when passed.';

COMMENT ON VIEW doisoat_report.coverage_bhxh_total IS
	'BHXH (social insurance, compulsory and voluntary) coverage against '
	'the labour force of the whole scope, one row per period (the TOTAL '
	'row of coverage.csv). Its counts are the sums of '
	'coverage_bhxh_communes; its targets are the scope''s own (the '
	'TOTAL row of the targets file) or the communes'' targets weighted '
	'by population or labour force; percentages and remaining are '
	'computed from those, not summed.';
COMMENT ON COLUMN doisoat_report.coverage_bhxh_total.period IS
	'The reporting year the run reconciles (--period).';
COMMENT ON COLUMN doisoat_report.coverage_bhxh_total.period_start IS
	'The run''s reference date: 1 January of period, unless --as-of '
	'gave another; the time column for Grafana and Superset.';
COMMENT ON COLUMN doisoat_report.coverage_bhxh_total.run_id IS
	'The load that wrote these rows (doisoat_report.runs.run_id).';
COMMENT ON COLUMN doisoat_report.coverage_bhxh_total.loaded_at IS
	'When that load committed.';
COMMENT ON COLUMN doisoat_report.coverage_bhxh_total.labour_force IS
	'The labour force of the scope: the TOTAL row of the targets file, '
	'else the sum of the communes; NULL when not given.';
COMMENT ON COLUMN doisoat_report.coverage_bhxh_total.bhxh_compulsory IS
	'People with compulsory social insurance (BHXH bắt buộc); NULL when '
	'the run had no schemes.';
COMMENT ON COLUMN doisoat_report.coverage_bhxh_total.bhxh_voluntary IS
	'People with voluntary social insurance (BHXH tự nguyện); NULL when '
	'the run had no schemes.';
COMMENT ON COLUMN doisoat_report.coverage_bhxh_total.bhxh_pct IS
	'BHXH coverage, compulsory and voluntary, in percent of '
	'labour_force.';
COMMENT ON COLUMN doisoat_report.coverage_bhxh_total.bhxh_target_pct IS
	'The BHXH coverage target in percent, or NULL.';
COMMENT ON COLUMN doisoat_report.coverage_bhxh_total.bhxh_voluntary_pct IS
	'Voluntary BHXH coverage in percent of labour_force.';
COMMENT ON COLUMN doisoat_report.coverage_bhxh_total.bhxh_voluntary_target_pct IS
	'The voluntary BHXH coverage target in percent, or NULL.';
COMMENT ON COLUMN doisoat_report.coverage_bhxh_total.bhxh_remaining IS
	'People still to enrol in compulsory BHXH, against the compulsory '
	'part of the target (bhxh_target_pct - bhxh_voluntary_target_pct); '
	'negative when passed.';
COMMENT ON COLUMN doisoat_report.coverage_bhxh_total.bhxh_voluntary_remaining IS
	'People still to enrol in voluntary BHXH to meet '
	'bhxh_voluntary_target_pct; negative when passed.';

COMMENT ON VIEW doisoat_report.coverage_bhtn IS
	'BHTN (unemployment insurance) coverage against the labour force, '
	'per commune of each period, then the total row of the whole scope '
	'(is_total). Do not SUM it: the total row counts every commune a '
	'second time; sum coverage_bhtn_communes, or read '
	'coverage_bhtn_total.';
COMMENT ON COLUMN doisoat_report.coverage_bhtn.period IS
	'The reporting year the run reconciles (--period).';
COMMENT ON COLUMN doisoat_report.coverage_bhtn.period_start IS
	'The run''s reference date: 1 January of period, unless --as-of '
	'gave another; the time column for Grafana and Superset.';
COMMENT ON COLUMN doisoat_report.coverage_bhtn.run_id IS
	'The load that wrote these rows (doisoat_report.runs.run_id).';
COMMENT ON COLUMN doisoat_report.coverage_bhtn.loaded_at IS
	'When that load committed.';
COMMENT ON COLUMN doisoat_report.coverage_bhtn.is_total IS
	'true on the row of the whole scope (commune_code TOTAL), false on '
	'a commune row: filter on it before summing.';
COMMENT ON COLUMN doisoat_report.coverage_bhtn.commune_code IS
	'Commune code (mã xã), five digits as text; TOTAL on the total row.';
COMMENT ON COLUMN doisoat_report.coverage_bhtn.commune_name IS
	'Commune name valid on period_start; Tổng cộng on the total row.';
COMMENT ON COLUMN doisoat_report.coverage_bhtn.labour_force IS
	'The labour force of the commune, from the targets file; NULL when '
	'not given.';
COMMENT ON COLUMN doisoat_report.coverage_bhtn.bhtn IS
	'People with unemployment insurance (BHTN); NULL when the run had '
	'no schemes.';
COMMENT ON COLUMN doisoat_report.coverage_bhtn.bhtn_pct IS
	'BHTN coverage in percent of labour_force.';
COMMENT ON COLUMN doisoat_report.coverage_bhtn.bhtn_target_pct IS
	'The BHTN coverage target in percent, or NULL.';
COMMENT ON COLUMN doisoat_report.coverage_bhtn.bhtn_remaining IS
	'People still to enrol in BHTN to meet bhtn_target_pct; negative '
	'when passed.';

COMMENT ON VIEW doisoat_report.coverage_bhtn_communes IS
	'BHTN (unemployment insurance) coverage against the labour force, '
	'per commune of each period, without the total row: safe to SUM '
	'(its counts add up to coverage_bhtn_total).';
COMMENT ON COLUMN doisoat_report.coverage_bhtn_communes.period IS
	'The reporting year the run reconciles (--period).';
COMMENT ON COLUMN doisoat_report.coverage_bhtn_communes.period_start IS
	'The run''s reference date: 1 January of period, unless --as-of '
	'gave another; the time column for Grafana and Superset.';
COMMENT ON COLUMN doisoat_report.coverage_bhtn_communes.run_id IS
	'The load that wrote these rows (doisoat_report.runs.run_id).';
COMMENT ON COLUMN doisoat_report.coverage_bhtn_communes.loaded_at IS
	'When that load committed.';
COMMENT ON COLUMN doisoat_report.coverage_bhtn_communes.commune_code IS
	'Commune code (mã xã), five digits as text.';
COMMENT ON COLUMN doisoat_report.coverage_bhtn_communes.commune_name IS
	'Commune name valid on period_start.';
COMMENT ON COLUMN doisoat_report.coverage_bhtn_communes.labour_force IS
	'The labour force of the commune, from the targets file; NULL when '
	'not given.';
COMMENT ON COLUMN doisoat_report.coverage_bhtn_communes.bhtn IS
	'People with unemployment insurance (BHTN); NULL when the run had '
	'no schemes.';
COMMENT ON COLUMN doisoat_report.coverage_bhtn_communes.bhtn_pct IS
	'BHTN coverage in percent of labour_force.';
COMMENT ON COLUMN doisoat_report.coverage_bhtn_communes.bhtn_target_pct IS
	'The BHTN coverage target in percent, or NULL.';
COMMENT ON COLUMN doisoat_report.coverage_bhtn_communes.bhtn_remaining IS
	'People still to enrol in BHTN to meet bhtn_target_pct; negative '
	'when passed.';

COMMENT ON VIEW doisoat_report.coverage_bhtn_total IS
	'BHTN (unemployment insurance) coverage against the labour force of '
	'the whole scope, one row per period (the TOTAL row of '
	'coverage.csv). Its counts are the sums of coverage_bhtn_communes; '
	'its targets are the scope''s own (the TOTAL row of the targets '
	'file) or the communes'' targets weighted by population or labour '
	'force; percentages and remaining are computed from those, not '
	'summed.';
COMMENT ON COLUMN doisoat_report.coverage_bhtn_total.period IS
	'The reporting year the run reconciles (--period).';
COMMENT ON COLUMN doisoat_report.coverage_bhtn_total.period_start IS
	'The run''s reference date: 1 January of period, unless --as-of '
	'gave another; the time column for Grafana and Superset.';
COMMENT ON COLUMN doisoat_report.coverage_bhtn_total.run_id IS
	'The load that wrote these rows (doisoat_report.runs.run_id).';
COMMENT ON COLUMN doisoat_report.coverage_bhtn_total.loaded_at IS
	'When that load committed.';
COMMENT ON COLUMN doisoat_report.coverage_bhtn_total.labour_force IS
	'The labour force of the scope: the TOTAL row of the targets file, '
	'else the sum of the communes; NULL when not given.';
COMMENT ON COLUMN doisoat_report.coverage_bhtn_total.bhtn IS
	'People with unemployment insurance (BHTN); NULL when the run had '
	'no schemes.';
COMMENT ON COLUMN doisoat_report.coverage_bhtn_total.bhtn_pct IS
	'BHTN coverage in percent of labour_force.';
COMMENT ON COLUMN doisoat_report.coverage_bhtn_total.bhtn_target_pct IS
	'The BHTN coverage target in percent, or NULL.';
COMMENT ON COLUMN doisoat_report.coverage_bhtn_total.bhtn_remaining IS
	'People still to enrol in BHTN to meet bhtn_target_pct; negative '
	'when passed.';

COMMENT ON VIEW doisoat_report.runs IS
	'One row per load, committed or failed, with its timings (the '
	'ledger).';
COMMENT ON COLUMN doisoat_report.runs.run_id IS 'The load, numbered in order.';
COMMENT ON COLUMN doisoat_report.runs.period IS
	'The reporting year the run reconciles (--period).';
COMMENT ON COLUMN doisoat_report.runs.period_start IS
	'The run''s reference date: 1 January of period, unless --as-of '
	'gave another; the time column for Grafana and Superset.';
COMMENT ON COLUMN doisoat_report.runs.status IS
	'loaded, or failed (error says why).';
COMMENT ON COLUMN doisoat_report.runs.is_current IS
	'true for the load whose results the period shows (its latest '
	'loaded run).';
COMMENT ON COLUMN doisoat_report.runs.started_at IS 'When the load started.';
COMMENT ON COLUMN doisoat_report.runs.finished_at IS
	'When it committed or failed.';
COMMENT ON COLUMN doisoat_report.runs.load_seconds IS
	'Seconds the load took (finished_at - started_at).';
COMMENT ON COLUMN doisoat_report.runs.read_seconds IS
	'Seconds the pipeline spent reading the inputs (summary.json).';
COMMENT ON COLUMN doisoat_report.runs.identity_seconds IS
	'Seconds the pipeline spent keying and merging people '
	'(summary.json).';
COMMENT ON COLUMN doisoat_report.runs.classify_seconds IS
	'Seconds the pipeline spent classifying people (summary.json).';
COMMENT ON COLUMN doisoat_report.runs.write_seconds IS
	'Seconds the pipeline spent writing the lists (summary.json).';
COMMENT ON COLUMN doisoat_report.runs.pipeline_seconds IS
	'Seconds of the whole pipeline run (summary.json).';
COMMENT ON COLUMN doisoat_report.runs.pipeline_exit_code IS
	'The exit code the pipeline run recorded in summary.json (3: more '
	'rejects than --max-rejects).';
COMMENT ON COLUMN doisoat_report.runs.doisoat_version IS
	'The doisoat version that wrote the run.';
COMMENT ON COLUMN doisoat_report.runs.host IS 'The machine that loaded it.';
COMMENT ON COLUMN doisoat_report.runs.input_files IS
	'Number of input files of the run.';
COMMENT ON COLUMN doisoat_report.runs.unchanged_input_files IS
	'Of them, files identical (XXH3 checksum and size) to a file of an '
	'earlier run.';
COMMENT ON COLUMN doisoat_report.runs.rows_read IS
	'Input rows read, all files.';
COMMENT ON COLUMN doisoat_report.runs.rows_rejected IS
	'Input rows rejected, all files.';
COMMENT ON COLUMN doisoat_report.runs.people IS 'People the run reconciled.';
COMMENT ON COLUMN doisoat_report.runs.increase IS
	'Rows of increase.csv (new cards).';
COMMENT ON COLUMN doisoat_report.runs.decrease IS
	'Rows of decrease.csv (cards to end).';
COMMENT ON COLUMN doisoat_report.runs.change IS
	'Rows of change.csv (changed cards).';
COMMENT ON COLUMN doisoat_report.runs.renew IS
	'Rows of renew.csv (cards renewed as they are).';
COMMENT ON COLUMN doisoat_report.runs.uninsured IS
	'Rows of uninsured.csv (people without a card).';
COMMENT ON COLUMN doisoat_report.runs.review IS
	'Rows of review.csv (for a human).';
COMMENT ON COLUMN doisoat_report.runs.rejects IS
	'Rows of rejects.csv (unreadable input rows).';
COMMENT ON COLUMN doisoat_report.runs.error IS
	'Why a failed load failed (NULL when loaded).';

COMMENT ON VIEW doisoat_report.run_inputs IS
	'One row per input file of a load.';
COMMENT ON COLUMN doisoat_report.run_inputs.run_id IS
	'The load (doisoat_report.runs.run_id).';
COMMENT ON COLUMN doisoat_report.run_inputs.period IS
	'The reporting year the run reconciles (--period).';
COMMENT ON COLUMN doisoat_report.run_inputs.ord IS
	'The file''s place among the run''s inputs, from 1.';
COMMENT ON COLUMN doisoat_report.run_inputs.source IS
	'The file''s label (the roster label, or the file name).';
COMMENT ON COLUMN doisoat_report.run_inputs.kind IS
	'prior (last year''s cards), registry (population registry) or '
	'roster.';
COMMENT ON COLUMN doisoat_report.run_inputs.bytes IS
	'Size of the file in bytes.';
COMMENT ON COLUMN doisoat_report.run_inputs.xxh3 IS
	'XXH3-64 checksum of the file, 16 hex digits.';
COMMENT ON COLUMN doisoat_report.run_inputs.lines IS 'Lines in the file.';
COMMENT ON COLUMN doisoat_report.run_inputs.rows_read IS 'Data rows read.';
COMMENT ON COLUMN doisoat_report.run_inputs.accepted IS 'Rows accepted.';
COMMENT ON COLUMN doisoat_report.run_inputs.rejected IS
	'Rows rejected (rejects.csv).';
COMMENT ON COLUMN doisoat_report.run_inputs.duplicates_merged IS
	'Rows merged into another row of the same person.';
COMMENT ON COLUMN doisoat_report.run_inputs.sent_to_review IS
	'Rows sent to review.csv.';
COMMENT ON COLUMN doisoat_report.run_inputs.seconds IS
	'Seconds spent reading the file.';
COMMENT ON COLUMN doisoat_report.run_inputs.unchanged_since_run IS
	'An earlier run that had the identical file (same XXH3 and size), '
	'or NULL.';

COMMENT ON VIEW doisoat_report.outcomes IS
	'Outcome counts per commune, list, group and reason, for each '
	'period.';
COMMENT ON COLUMN doisoat_report.outcomes.period IS
	'The reporting year the run reconciles (--period).';
COMMENT ON COLUMN doisoat_report.outcomes.period_start IS
	'The run''s reference date: 1 January of period, unless --as-of '
	'gave another; the time column for Grafana and Superset.';
COMMENT ON COLUMN doisoat_report.outcomes.run_id IS
	'The load that wrote these rows (doisoat_report.runs.run_id).';
COMMENT ON COLUMN doisoat_report.outcomes.commune_code IS
	'Commune code (mã xã), five digits as text.';
COMMENT ON COLUMN doisoat_report.outcomes.commune_name IS
	'Commune name valid on period_start.';
COMMENT ON COLUMN doisoat_report.outcomes.list IS
	'increase, decrease, change, renew or uninsured.';
COMMENT ON COLUMN doisoat_report.outcomes.group_code IS
	'Participant group code (mã đối tượng), NULL for uninsured.';
COMMENT ON COLUMN doisoat_report.outcomes.group_name IS
	'Name of the group valid on period_start.';
COMMENT ON COLUMN doisoat_report.outcomes.reason IS
	'The list''s reason code (docs/rules.md); RENEW for renew, '
	'UNINSURED for uninsured.';
COMMENT ON COLUMN doisoat_report.outcomes.people IS
	'Rows: one per person, except decrease/DUPLICATE_CARD, which counts '
	'extra cards.';

COMMENT ON VIEW doisoat_report.review_counts IS
	'Rows sent to review, per input file and reason, for each period.';
COMMENT ON COLUMN doisoat_report.review_counts.period IS
	'The reporting year the run reconciles (--period).';
COMMENT ON COLUMN doisoat_report.review_counts.period_start IS
	'The run''s reference date: 1 January of period, unless --as-of '
	'gave another; the time column for Grafana and Superset.';
COMMENT ON COLUMN doisoat_report.review_counts.run_id IS
	'The load that wrote these rows (doisoat_report.runs.run_id).';
COMMENT ON COLUMN doisoat_report.review_counts.source IS
	'The input file (its label); for POSSIBLE_MATCH and UNKEYED_CARD, '
	'the file of the person''s best card.';
COMMENT ON COLUMN doisoat_report.review_counts.reason IS
	'The review reason code (docs/rules.md).';
COMMENT ON COLUMN doisoat_report.review_counts.row_count IS 'Rows.';

COMMENT ON VIEW doisoat_report.reject_counts IS
	'Rejected input rows, per input file and reason, for each period.';
COMMENT ON COLUMN doisoat_report.reject_counts.period IS
	'The reporting year the run reconciles (--period).';
COMMENT ON COLUMN doisoat_report.reject_counts.period_start IS
	'The run''s reference date: 1 January of period, unless --as-of '
	'gave another; the time column for Grafana and Superset.';
COMMENT ON COLUMN doisoat_report.reject_counts.run_id IS
	'The load that wrote these rows (doisoat_report.runs.run_id).';
COMMENT ON COLUMN doisoat_report.reject_counts.source IS
	'The input file (its label).';
COMMENT ON COLUMN doisoat_report.reject_counts.reason IS
	'The reject reason code (docs/rules.md).';
COMMENT ON COLUMN doisoat_report.reject_counts.row_count IS 'Rows.';

COMMENT ON VIEW doisoat_report.person_outcomes IS
	'One row per person outcome, keyed by pseudonym only, for tools '
	'that need row level; only rows loaded with a pseudonym key.';
COMMENT ON COLUMN doisoat_report.person_outcomes.period IS
	'The reporting year the run reconciles (--period).';
COMMENT ON COLUMN doisoat_report.person_outcomes.period_start IS
	'The run''s reference date: 1 January of period, unless --as-of '
	'gave another; the time column for Grafana and Superset.';
COMMENT ON COLUMN doisoat_report.person_outcomes.run_id IS
	'The load that wrote these rows (doisoat_report.runs.run_id).';
COMMENT ON COLUMN doisoat_report.person_outcomes.pseudonym IS
	'HMAC-SHA256(key, person ID), 64 hex digits; the key never reaches '
	'the database.';
COMMENT ON COLUMN doisoat_report.person_outcomes.list IS
	'increase, decrease, change, renew or uninsured.';
COMMENT ON COLUMN doisoat_report.person_outcomes.reason IS
	'The list''s reason code; RENEW for renew, UNINSURED for uninsured.';
COMMENT ON COLUMN doisoat_report.person_outcomes.commune_code IS
	'Commune code (mã xã), five digits as text.';
COMMENT ON COLUMN doisoat_report.person_outcomes.group_code IS
	'Participant group code (mã đối tượng), NULL for uninsured.';
COMMENT ON COLUMN doisoat_report.person_outcomes.effective_date IS
	'effective_from of an increase, effective_to of a decrease, else '
	'NULL.';

COMMENT ON VIEW doisoat_report.communes IS
	'Reference: communes with their validity (the 3-tier list until '
	'2025-06-30, the 2-tier list from 2025-07-01), to name them.';
COMMENT ON COLUMN doisoat_report.communes.commune_code IS
	'Commune code (mã xã), five digits as text.';
COMMENT ON COLUMN doisoat_report.communes.commune_name IS 'Commune name.';
COMMENT ON COLUMN doisoat_report.communes.valid_from IS
	'First day the code and name are valid (NULL: always).';
COMMENT ON COLUMN doisoat_report.communes.valid_to IS
	'Last day they are valid (NULL: still).';

COMMENT ON VIEW doisoat_report.groups IS
	'Reference: participant group codes (mã đối tượng) with their '
	'benefit levels.';
COMMENT ON COLUMN doisoat_report.groups.group_code IS
	'Participant group code, two letters.';
COMMENT ON COLUMN doisoat_report.groups.group_name IS
	'Its name in Vietnamese.';
COMMENT ON COLUMN doisoat_report.groups.benefit_level IS
	'Benefit level (mức hưởng) 1-5, a code (best to worst 5, 1, 2, 3, '
	'4).';
COMMENT ON COLUMN doisoat_report.groups.valid_from IS
	'First day this level applies (NULL: always).';
COMMENT ON COLUMN doisoat_report.groups.valid_to IS
	'Last day it applies (NULL: still).';
COMMENT ON COLUMN doisoat_report.groups.residence_based IS
	'true when the group depends on where the person lives.';
COMMENT ON COLUMN doisoat_report.groups.area_based IS
	'true when the group depends on the commune being in a listed area '
	'(--areas).';

SELECT doisoat.set_privileges();
