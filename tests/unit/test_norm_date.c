/*
 * test_norm_date.c: table tests of dates (etl/norm_date.c, norm.h, spec
 * §3): every way a date is written, the date arithmetic (days in a month,
 * adding days, comparing, ISO text), and hostile cells through them.
 */
#include "test_norm.h"

#include "norm.h"

static void dates(void **state)
{
	static const struct {
		const char *in;
		int rc, y, m, d, prec;
		unsigned flags;
	} cases[] = {
		{ "12/05/1990", NORM_OK, 1990, 5, 12, DATE_DAY, 0 },
		{ "1/5/1990", NORM_OK, 1990, 5, 1, DATE_DAY, 0 },
		{ "12-05-1990", NORM_OK, 1990, 5, 12, DATE_DAY, 0 },
		{ "12.05.1990", NORM_OK, 1990, 5, 12, DATE_DAY, 0 },
		{ "1990-05-12", NORM_OK, 1990, 5, 12, DATE_DAY, 0 },
		{ "1990/5/2", NORM_OK, 1990, 5, 2, DATE_DAY, 0 },
		{ "05/1990", NORM_OK, 1990, 5, 0, DATE_MONTH, 0 },
		{ "5/1990", NORM_OK, 1990, 5, 0, DATE_MONTH, 0 },
		{ "05.1990", NORM_OK, 1990, 5, 0, DATE_MONTH, 0 },
		{ "1990-05", NORM_OK, 1990, 5, 0, DATE_MONTH, 0 },
		{ "1990", NORM_OK, 1990, 0, 0, DATE_YEAR, 0 },
		{ "00/00/1955", NORM_OK, 1955, 0, 0, DATE_YEAR, 0 },
		{ "0/0/1955", NORM_OK, 1955, 0, 0, DATE_YEAR, 0 },
		{ "00/05/1955", NORM_OK, 1955, 5, 0, DATE_MONTH, 0 },
		{ "00/1955", NORM_OK, 1955, 0, 0, DATE_YEAR, 0 },
		{ "19550000", NORM_OK, 1955, 0, 0, DATE_YEAR, 0 },
		{ "19550500", NORM_OK, 1955, 5, 0, DATE_MONTH, 0 },
		{ "19550512", NORM_OK, 1955, 5, 12, DATE_DAY, 0 },
		{ "12051955", NORM_OK, 1955, 5, 12, DATE_DAY, 0 },
		{ "1850", NORM_OK, 1850, 0, 0, DATE_YEAR, 0 },
		{ "1990.0", NORM_OK, 1990, 0, 0, DATE_YEAR, 0 },
		/* Excel serials, 1900 system with the Lotus leap bug */
		{ "43831", NORM_OK, 2020, 1, 1, DATE_DAY, NF_DATE_SERIAL },
		{ "44927", NORM_OK, 2023, 1, 1, DATE_DAY, NF_DATE_SERIAL },
		{ "32874", NORM_OK, 1990, 1, 1, DATE_DAY, NF_DATE_SERIAL },
		{ "10000", NORM_OK, 1927, 5, 18, DATE_DAY, NF_DATE_SERIAL },
		{ "99999", NORM_OK, 2173, 10, 13, DATE_DAY, NF_DATE_SERIAL },
		{ "2500", NORM_OK, 1906, 11, 4, DATE_DAY, NF_DATE_SERIAL },
		{ "61", NORM_OK, 1900, 3, 1, DATE_DAY, NF_DATE_SERIAL },
		{ "59", NORM_OK, 1900, 2, 28, DATE_DAY, NF_DATE_SERIAL },
		{ "1", NORM_OK, 1900, 1, 1, DATE_DAY, NF_DATE_SERIAL },
		{ "60", NORM_BAD, 0, 0, 0, DATE_NONE, 0 },
		{ "0", NORM_BAD, 0, 0, 0, DATE_NONE, 0 },
		{ "43831.5", NORM_OK, 2020, 1, 1, DATE_DAY, NF_DATE_SERIAL },
		{ "43831,0", NORM_OK, 2020, 1, 1, DATE_DAY, NF_DATE_SERIAL },
		/* surroundings */
		{ "  12/05/1990 ", NORM_OK, 1990, 5, 12, DATE_DAY, 0 },
		{ "'12/05/1990", NORM_OK, 1990, 5, 12, DATE_DAY, 0 },
		{ "\xc2\xa0"
		  "12/05/1990",
		  NORM_OK, 1990, 5, 12, DATE_DAY, 0 },
		{ "12/05/1990 00:00:00", NORM_OK, 1990, 5, 12, DATE_DAY, 0 },
		{ "12/05/1990 0:00", NORM_OK, 1990, 5, 12, DATE_DAY, 0 },
		{ "1990-05-12T08:30:00", NORM_OK, 1990, 5, 12, DATE_DAY, 0 },
		{ "1990-05-12 00:00:00.000", NORM_OK, 1990, 5, 12, DATE_DAY,
		  0 },
		{ "5/12/1990 12:00:00 AM", NORM_OK, 1990, 12, 5, DATE_DAY, 0 },
		{ "12/05/1990 abc", NORM_BAD, 0, 0, 0, DATE_NONE, 0 },
		{ "12/05/1990 25", NORM_BAD, 0, 0, 0, DATE_NONE, 0 },
		{ "12/05/1990 1:2", NORM_BAD, 0, 0, 0, DATE_NONE, 0 },
		{ "00:00:00", NORM_BAD, 0, 0, 0, DATE_NONE, 0 },
		/* never mm/dd; days must exist */
		{ "12/31/2020", NORM_BAD, 0, 0, 0, DATE_NONE, 0 },
		{ "31/02/2020", NORM_BAD, 0, 0, 0, DATE_NONE, 0 },
		{ "29/02/2020", NORM_OK, 2020, 2, 29, DATE_DAY, 0 },
		{ "29/02/2019", NORM_BAD, 0, 0, 0, DATE_NONE, 0 },
		{ "29/02/2000", NORM_OK, 2000, 2, 29, DATE_DAY, 0 },
		{ "29/02/1900", NORM_BAD, 0, 0, 0, DATE_NONE, 0 },
		{ "31/04/2020", NORM_BAD, 0, 0, 0, DATE_NONE, 0 },
		{ "31/12/2020", NORM_OK, 2020, 12, 31, DATE_DAY, 0 },
		{ "00/13/2020", NORM_BAD, 0, 0, 0, DATE_NONE, 0 },
		{ "05/00/1990", NORM_BAD, 0, 0, 0, DATE_NONE, 0 },
		{ "13/1990", NORM_BAD, 0, 0, 0, DATE_NONE, 0 },
		{ "19901305", NORM_BAD, 0, 0, 0, DATE_NONE, 0 },
		{ "19900230", NORM_BAD, 0, 0, 0, DATE_NONE, 0 },
		{ "19550012", NORM_BAD, 0, 0, 0, DATE_NONE, 0 },
		{ "00/00/0000", NORM_BAD, 0, 0, 0, DATE_NONE, 0 },
		/* a year alone only in 1800-2199, the years its ISO text
		 * "yyyy" reads back as (fuzz: norm/crash-date-year-*) */
		{ "00/0954", NORM_BAD, 0, 0, 0, DATE_NONE, 0 },
		{ "00/00/2500", NORM_BAD, 0, 0, 0, DATE_NONE, 0 },
		{ "00/00/1799", NORM_BAD, 0, 0, 0, DATE_NONE, 0 },
		{ "2200-00", NORM_BAD, 0, 0, 0, DATE_NONE, 0 },
		{ "0954-00-00", NORM_BAD, 0, 0, 0, DATE_NONE, 0 },
		{ "00/00/1800", NORM_OK, 1800, 0, 0, DATE_YEAR, 0 },
		{ "2199-00", NORM_OK, 2199, 0, 0, DATE_YEAR, 0 },
		{ "05/0954", NORM_OK, 954, 5, 0, DATE_MONTH, 0 },
		{ "01/01/2500", NORM_OK, 2500, 1, 1, DATE_DAY, 0 },
		/* not dates */
		{ "12/05/90", NORM_BAD, 0, 0, 0, DATE_NONE, 0 },
		{ "12/05-1990", NORM_BAD, 0, 0, 0, DATE_NONE, 0 },
		{ "12/05/1990/", NORM_BAD, 0, 0, 0, DATE_NONE, 0 },
		{ "12//1990", NORM_BAD, 0, 0, 0, DATE_NONE, 0 },
		{ "1990.05", NORM_BAD, 0, 0, 0, DATE_NONE, 0 },
		{ "12,05,1990", NORM_BAD, 0, 0, 0, DATE_NONE, 0 },
		{ "123456", NORM_BAD, 0, 0, 0, DATE_NONE, 0 },
		{ "1234567890", NORM_BAD, 0, 0, 0, DATE_NONE, 0 },
		{ "-5", NORM_BAD, 0, 0, 0, DATE_NONE, 0 },
		{ "abc", NORM_BAD, 0, 0, 0, DATE_NONE, 0 },
		{ "12 May 1990", NORM_BAD, 0, 0, 0, DATE_NONE, 0 },
		{ "", NORM_EMPTY, 0, 0, 0, DATE_NONE, 0 },
		{ "   ", NORM_EMPTY, 0, 0, 0, DATE_NONE, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < N(cases); i++) {
		size_t len = strlen(cases[i].in);
		char *in = exact(cases[i].in, len);
		struct date d;
		unsigned flags = 0;
		int rc;

		memset(&d, 0x55, sizeof(d));
		rc = norm_date(in, len, &d, &flags);
		free(in);
		if (rc != cases[i].rc || d.year != cases[i].y ||
		    d.month != cases[i].m || d.day != cases[i].d ||
		    d.prec != cases[i].prec || flags != cases[i].flags)
			fail_msg("date case %zu '%s': got %d %d-%d-%d/%d %#x",
				 i, cases[i].in, rc, d.year, d.month, d.day,
				 d.prec, flags);
		/* what is read, written as ISO, reads back the same */
		if (rc == NORM_OK) {
			struct date again;
			char iso[11];

			date_format(&d, iso);
			flags = 0;
			if (norm_date(iso, strlen(iso), &again, &flags) !=
				    NORM_OK ||
			    flags || date_cmp(&d, &again) ||
			    d.prec != again.prec)
				fail_msg("date case %zu '%s': '%s' reads back "
					 "as %d-%d-%d/%d",
					 i, cases[i].in, iso, again.year,
					 again.month, again.day, again.prec);
		}
	}
}

static void date_helpers(void **state)
{
	static const struct {
		int y, m, days;
	} months[] = {
		{ 2020, 2, 29 },  { 2019, 2, 28 }, { 1900, 2, 28 },
		{ 2000, 2, 29 },  { 2021, 1, 31 }, { 2021, 4, 30 },
		{ 2021, 12, 31 }, { 2021, 0, 0 },  { 2021, 13, 0 },
	};
	static const struct {
		struct date from;
		int days;
		struct date want;
	} adds[] = {
		{ { 2024, 1, 1, DATE_DAY }, -1, { 2023, 12, 31, DATE_DAY } },
		{ { 2020, 2, 28, DATE_DAY }, 1, { 2020, 2, 29, DATE_DAY } },
		{ { 2019, 2, 28, DATE_DAY }, 1, { 2019, 3, 1, DATE_DAY } },
		{ { 2020, 12, 31, DATE_DAY }, 1, { 2021, 1, 1, DATE_DAY } },
		{ { 2020, 3, 1, DATE_DAY }, -1, { 2020, 2, 29, DATE_DAY } },
		{ { 2000, 1, 1, DATE_DAY }, 36525, { 2100, 1, 1, DATE_DAY } },
		{ { 2024, 1, 1, DATE_DAY },
		  -100000,
		  { 1750, 3, 18, DATE_DAY } },
		{ { 1970, 1, 1, DATE_DAY }, -1, { 1969, 12, 31, DATE_DAY } },
		{ { 1990, 5, 12, DATE_DAY }, 0, { 1990, 5, 12, DATE_DAY } },
		{ { 9999, 12, 31, DATE_DAY }, 1, { 9999, 12, 31, DATE_DAY } },
		{ { 1, 1, 1, DATE_DAY }, -1, { 1, 1, 1, DATE_DAY } },
		{ { 2020, 1, 1, DATE_DAY },
		  2147483647,
		  { 9999, 12, 31, DATE_DAY } },
		{ { 1990, 5, 0, DATE_MONTH }, 1, { 1990, 5, 0, DATE_MONTH } },
		{ { 1990, 0, 0, DATE_YEAR }, -1, { 1990, 0, 0, DATE_YEAR } },
	};
	static const struct {
		struct date a, b;
		int coarse, full;
	} cmps[] = {
		{ { 1990, 0, 0, DATE_YEAR }, { 1990, 5, 12, DATE_DAY }, 0, -1 },
		{ { 1990, 5, 0, DATE_MONTH },
		  { 1990, 5, 12, DATE_DAY },
		  0,
		  -1 },
		{ { 1990, 5, 0, DATE_MONTH },
		  { 1990, 6, 1, DATE_DAY },
		  -1,
		  -1 },
		{ { 1991, 0, 0, DATE_YEAR }, { 1990, 12, 31, DATE_DAY }, 1, 1 },
		{ { 1990, 5, 12, DATE_DAY },
		  { 1990, 5, 13, DATE_DAY },
		  -1,
		  -1 },
		{ { 1990, 5, 12, DATE_DAY }, { 1990, 5, 12, DATE_DAY }, 0, 0 },
		{ { 2000, 1, 1, DATE_DAY }, { 1999, 0, 0, DATE_YEAR }, 1, 1 },
		{ { 0, 0, 0, DATE_NONE }, { 0, 0, 0, DATE_NONE }, 0, 0 },
		{ { 0, 0, 0, DATE_NONE }, { 1990, 0, 0, DATE_YEAR }, -1, -1 },
	};
	static const struct {
		struct date d;
		const char *text;
	} fmts[] = {
		{ { 1990, 5, 12, DATE_DAY }, "1990-05-12" },
		{ { 1990, 5, 0, DATE_MONTH }, "1990-05" },
		{ { 1990, 0, 0, DATE_YEAR }, "1990" },
		{ { 0, 0, 0, DATE_NONE }, "" },
		{ { 905, 1, 2, DATE_DAY }, "0905-01-02" },
	};
	struct date d;
	char text[11];
	size_t i;

	(void)state;
	for (i = 0; i < N(months); i++)
		assert_int_equal(days_in_month(months[i].y, months[i].m),
				 months[i].days);
	for (i = 0; i < N(adds); i++) {
		d = date_add_days(adds[i].from, adds[i].days);
		if (d.year != adds[i].want.year ||
		    d.month != adds[i].want.month ||
		    d.day != adds[i].want.day || d.prec != adds[i].want.prec)
			fail_msg("add case %zu: got %d-%d-%d/%d", i, d.year,
				 d.month, d.day, d.prec);
	}
	for (i = 0; i < N(cmps); i++) {
		int c = date_cmp_coarse(&cmps[i].a, &cmps[i].b);
		int r = date_cmp_coarse(&cmps[i].b, &cmps[i].a);
		int f = date_cmp(&cmps[i].a, &cmps[i].b);

		if ((c > 0) - (c < 0) != cmps[i].coarse ||
		    (r > 0) - (r < 0) != -cmps[i].coarse ||
		    (f > 0) - (f < 0) != cmps[i].full)
			fail_msg("cmp case %zu: coarse %d/%d full %d", i, c, r,
				 f);
	}
	for (i = 0; i < N(fmts); i++) {
		memset(text, 'x', sizeof(text));
		date_format(&fmts[i].d, text);
		assert_string_equal(text, fmts[i].text);
	}
	d = date_make(2024, 2, 29);
	assert_int_equal(d.year, 2024);
	assert_int_equal(d.month, 2);
	assert_int_equal(d.day, 29);
	assert_int_equal(d.prec, DATE_DAY);
	/* a parsed date prints back as ISO */
	assert_int_equal(norm_date("7/3/2001", 8, &d, &(unsigned){ 0 }),
			 NORM_OK);
	date_format(&d, text);
	assert_string_equal(text, "2001-03-07");
}

/* Hostile cells (test_norm.h): the date prints back in its buffer. */
static void dates_hostile_input(void **state)
{
	uint64_t x = HOSTILE_SEED;
	size_t round, n;

	(void)state;
	for (round = 0; round < HOSTILE_ROUNDS; round++) {
		char *in = hostile_cell(round, &x, &n), small[13];
		struct date d;
		unsigned flags = 0;

		norm_date(in, n, &d, &flags);
		date_format(&d, small);
		assert_true(strlen(small) <= 10);
		free(in);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dates),
		cmocka_unit_test(date_helpers),
		cmocka_unit_test(dates_hostile_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
