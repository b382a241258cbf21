-- 010_list_columns.sql: the columns the filed lists need (issue 11).
-- Recorded as version 10.
--
-- The workbooks people file (lists-*.xlsx, rules.md R7.10) are one per
-- filing unit: the commune, the school or the employer that sent a roster
-- row, the unit that filed a card.  The CSV lists now carry, after their
-- fixed columns, what those forms need: the unit code of the row (and, on
-- change.csv, of the old card), the household (households' tiers, §9), the
-- hospital of the card that ends or is kept, the card a duplicate's
-- decrease keeps, and, on change.csv, the card's old value of each field a
-- correction changes (empty where the field did not change).  Each is
-- added to the result tables here; rows loaded before have NULL in them.

ALTER TABLE doisoat.increase
	ADD COLUMN IF NOT EXISTS unit_code text,
	ADD COLUMN IF NOT EXISTS household_code text;

ALTER TABLE doisoat.decrease
	ADD COLUMN IF NOT EXISTS hospital_code text,
	ADD COLUMN IF NOT EXISTS unit_code text,
	ADD COLUMN IF NOT EXISTS kept_card_code text;

ALTER TABLE doisoat.change
	ADD COLUMN IF NOT EXISTS hospital_code text,
	ADD COLUMN IF NOT EXISTS old_unit_code text,
	ADD COLUMN IF NOT EXISTS unit_code text,
	ADD COLUMN IF NOT EXISTS household_code text,
	ADD COLUMN IF NOT EXISTS old_full_name text,
	ADD COLUMN IF NOT EXISTS old_dob text,
	ADD COLUMN IF NOT EXISTS old_sex text,
	ADD COLUMN IF NOT EXISTS old_benefit_level text,
	ADD COLUMN IF NOT EXISTS old_hospital_code text,
	ADD COLUMN IF NOT EXISTS old_commune_code text;

ALTER TABLE doisoat.renew
	ADD COLUMN IF NOT EXISTS hospital_code text,
	ADD COLUMN IF NOT EXISTS unit_code text,
	ADD COLUMN IF NOT EXISTS household_code text;
