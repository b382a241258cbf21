-- 011_review_commune.sql: the commune of a review row (issue 11).
-- Recorded as version 11.
--
-- review.csv now ends with the columns a commune officer needs to act on a
-- row: full_name, dob and commune_code, of the person's registry row, else
-- of the row the review is about (rules.md R7).  The name and the birth
-- date stay in the output folder and the summary workbook: `doisoat load`
-- leaves them out (rules.md R13), so the table has no column for them.
-- The commune is loaded, so that review rows can be counted per commune;
-- rows loaded before have NULL in it.

ALTER TABLE doisoat.review
	ADD COLUMN IF NOT EXISTS commune_code text;
