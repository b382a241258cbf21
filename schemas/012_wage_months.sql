-- 012_wage_months.sql: a new card's wage and months (issue 11).
-- Recorded as version 12.
--
-- A roster may give an employee's monthly wage (Mức lương, whole đồng:
-- the money of an employer's D02-LT list, 4.5 % of it) and the months a
-- household card is bought for (Số tháng, 1 to 12: the money of a
-- household's D03-TS list).  increase.csv carries both after its fixed
-- columns, empty when the roster does not give them; rows loaded before
-- have NULL in them.  (011 is another change's number.)

ALTER TABLE doisoat.increase
	ADD COLUMN IF NOT EXISTS wage bigint,
	ADD COLUMN IF NOT EXISTS months smallint;
