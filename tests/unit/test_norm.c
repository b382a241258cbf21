/*
 * test_norm.c: table tests of the field normalisers (norm.h, spec §3):
 * identifiers, card codes, dates and their helpers, names and name keys,
 * sex, codes, levels, percentages, statuses, schemes, header folding.
 * Every input is passed as an exact-size heap copy with no NUL after it,
 * so a read past n shows up under SANITIZE=address.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "norm.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* A copy of s[0..n) in a buffer of exactly n bytes (no NUL). */
static char *exact(const char *s, size_t n)
{
	char *p = malloc(n ? n : 1);

	assert_non_null(p);
	memcpy(p, s, n);
	return p;
}

/* --- identifiers --- */

struct id_case {
	const char *in;
	int rc;
	const char *out;
	unsigned flags;
};

typedef int id_fn(const char *, size_t, char[13], unsigned *);

static void run_id(const char *what, id_fn *fn, const struct id_case *c,
		   size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		size_t len = strlen(c[i].in);
		char *in = exact(c[i].in, len), out[13];
		unsigned flags = 0;
		int rc;

		memset(out, 'x', sizeof(out));
		rc = fn(in, len, out, &flags);
		free(in);
		if (rc != c[i].rc || strcmp(out, c[i].out) ||
		    flags != c[i].flags)
			fail_msg("%s case %zu '%s': got %d '%s' %#x, want %d "
				 "'%s' %#x",
				 what, i, c[i].in, rc, out, flags, c[i].rc,
				 c[i].out, c[i].flags);
	}
}

static void person_ids(void **state)
{
	static const struct id_case cases[] = {
		{ "084090001234", NORM_OK, "084090001234", 0 },
		{ "001 089 012 345", NORM_OK, "001089012345", 0 },
		{ "001.089.012.345", NORM_OK, "001089012345", 0 },
		{ "001-089-012-345", NORM_OK, "001089012345", 0 },
		{ "084,090,001,234", NORM_OK, "084090001234", 0 },
		{ "'084090001234", NORM_OK, "084090001234", 0 },
		{ "\xe2\x80\x98"
		  "084090001234",
		  NORM_OK, "084090001234", 0 },
		{ "  084090001234\t", NORM_OK, "084090001234", 0 },
		{ "\xc2\xa0"
		  "084090001234\xc2\xa0",
		  NORM_OK, "084090001234", 0 },
		{ "084\xc2\xa0"
		  "090\xc2\xa0"
		  "001234",
		  NORM_OK, "084090001234", 0 },
		{ "084\t090 001\t234", NORM_OK, "084090001234", 0 },
		{ "084\xe2\x80\x93"
		  "090\xe2\x80\x93"
		  "001234",
		  NORM_OK, "084090001234", 0 }, /* en dashes */
		/* full width ０８４０９０００１２３４ */
		{ "\xef\xbc\x90\xef\xbc\x98\xef\xbc\x94\xef\xbc\x90\xef\xbc\x99"
		  "\xef\xbc\x90\xef\xbc\x90\xef\xbc\x90\xef\xbc\x91\xef\xbc\x92"
		  "\xef\xbc\x93\xef\xbc\x94",
		  NORM_OK, "084090001234", 0 },
		/* Arabic-Indic ٠٨٤٠٩٠٠٠١٢٣٤ */
		{ "\xd9\xa0\xd9\xa8\xd9\xa4\xd9\xa0\xd9\xa9\xd9\xa0\xd9\xa0"
		  "\xd9\xa0\xd9\xa1\xd9\xa2\xd9\xa3\xd9\xa4",
		  NORM_OK, "084090001234", 0 },
		/* extended Arabic-Indic ۰۸۴ ۰۹۰ ۰۰۱ ۲۳۴ */
		{ "\xdb\xb0\xdb\xb8\xdb\xb4 \xdb\xb0\xdb\xb9\xdb\xb0 "
		  "\xdb\xb0\xdb\xb0\xdb\xb1 \xdb\xb2\xdb\xb3\xdb\xb4",
		  NORM_OK, "084090001234", 0 },
		/* Excel dropped the leading zero */
		{ "84090001234", NORM_OK, "084090001234", NF_ID_ZERO_RESTORED },
		{ "84.090.001.234", NORM_OK, "084090001234",
		  NF_ID_ZERO_RESTORED },
		{ "84190000001.0", NORM_OK, "084190000001",
		  NF_ID_ZERO_RESTORED },
		{ "084090001234.0", NORM_OK, "084090001234", 0 },
		{ "99090001234", NORM_BAD, "", NF_ID_MALFORMED }, /* 099 */
		/* scientific notation: digits lost */
		{ "1.23457E+11", NORM_BAD, "", NF_ID_SCIENTIFIC },
		{ "8.4E+11", NORM_BAD, "", NF_ID_SCIENTIFIC },
		{ "8,4E+11", NORM_BAD, "", NF_ID_SCIENTIFIC },
		{ "8.40901e11", NORM_BAD, "", NF_ID_SCIENTIFIC },
		{ "E+11", NORM_BAD, "", NF_ID_MALFORMED },
		/* an old ID card in the ID column */
		{ "123456789", NORM_IS_CMND, "123456789", 0 },
		{ "123 456 789", NORM_IS_CMND, "123456789", 0 },
		{ "12345678", NORM_IS_CMND, "012345678",
		  NF_CMND_ZERO_RESTORED },
		/* structure */
		{ "003090001234", NORM_BAD, "", NF_ID_MALFORMED },
		{ "099090001234", NORM_BAD, "", NF_ID_MALFORMED },
		{ "000090001234", NORM_BAD, "", NF_ID_MALFORMED },
		{ "096090001234", NORM_OK, "096090001234", 0 }, /* Cà Mau */
		{ "840090001234", NORM_OK, "840090001234", 0 }, /* USA */
		{ "392190001234", NORM_OK, "392190001234", 0 }, /* Japan */
		{ "116290001234", NORM_OK, "116290001234", 0 }, /* Cambodia */
		{ "101090001234", NORM_BAD, "", NF_ID_MALFORMED },
		{ "999090001234", NORM_BAD, "", NF_ID_MALFORMED },
		{ "08409000123A", NORM_BAD, "", NF_ID_MALFORMED },
		{ "0840900O1234", NORM_BAD, "", NF_ID_MALFORMED },
		{ "0840900012345", NORM_BAD, "", NF_ID_MALFORMED },
		{ "1234567", NORM_BAD, "", NF_ID_MALFORMED },
		{ "1234567890", NORM_BAD, "", NF_ID_MALFORMED },
		{ "084090001234/1", NORM_BAD, "", NF_ID_MALFORMED },
		{ "C1234567", NORM_BAD, "", NF_ID_MALFORMED }, /* passport */
		{ "084090\xff"
		  "001234",
		  NORM_BAD, "", NF_ID_MALFORMED },
		/* blank */
		{ "", NORM_EMPTY, "", 0 },
		{ "   ", NORM_EMPTY, "", 0 },
		{ "\xc2\xa0", NORM_EMPTY, "", 0 },
		{ "-", NORM_EMPTY, "", 0 },
		{ "'", NORM_EMPTY, "", 0 },
	};

	(void)state;
	run_id("person_id", norm_person_id, cases, N(cases));
}

static void cmnd_numbers(void **state)
{
	static const struct id_case cases[] = {
		{ "123456789", NORM_OK, "123456789", 0 },
		{ "'023456789", NORM_OK, "023456789", 0 },
		{ "123 456 789", NORM_OK, "123456789", 0 },
		{ "123.456.789", NORM_OK, "123456789", 0 },
		{ "23456789", NORM_OK, "023456789", NF_CMND_ZERO_RESTORED },
		{ "001089012345", NORM_OK, "001089012345", 0 },
		{ "1234567", NORM_BAD, "", NF_CMND_MALFORMED },
		{ "1234567890", NORM_BAD, "", NF_CMND_MALFORMED },
		{ "12345678901", NORM_BAD, "", NF_CMND_MALFORMED },
		{ "123456789ABC", NORM_BAD, "", NF_CMND_MALFORMED },
		{ "1.23457E+11", NORM_BAD, "", NF_ID_SCIENTIFIC },
		{ "", NORM_EMPTY, "", 0 },
		{ " ", NORM_EMPTY, "", 0 },
	};

	(void)state;
	run_id("cmnd", norm_cmnd, cases, N(cases));
}

static void bhxh_codes(void **state)
{
	static const struct id_case cases[] = {
		{ "7912345678", NORM_OK, "7912345678", 0 },
		{ "79 1234 5678", NORM_OK, "7912345678", 0 },
		{ "'0112345678", NORM_OK, "0112345678", 0 },
		{ "112345678", NORM_OK, "0112345678", NF_BHXH_ZERO_RESTORED },
		{ "112345678.0", NORM_OK, "0112345678", NF_BHXH_ZERO_RESTORED },
		/* a personal ID in the BHXH column (since 2025-08-01) */
		{ "084090001234", NORM_IS_PID, "084090001234", 0 },
		{ "84090001234", NORM_IS_PID, "084090001234",
		  NF_ID_ZERO_RESTORED },
		{ "003090001234", NORM_BAD, "", NF_ID_MALFORMED },
		{ "99999999999", NORM_BAD, "", NF_BHXH_MALFORMED },
		{ "12345678", NORM_BAD, "", NF_BHXH_MALFORMED },
		{ "79123456AB", NORM_BAD, "", NF_BHXH_MALFORMED },
		{ "7.91235E+09", NORM_BAD, "", NF_ID_SCIENTIFIC },
		{ "", NORM_EMPTY, "", 0 },
	};

	(void)state;
	run_id("bhxh", norm_bhxh, cases, N(cases));
}

static void card_codes(void **state)
{
	static const struct {
		const char *in;
		int rc;
		const char *code, *group;
		int level;
		const char *province, *bhxh;
		unsigned flags;
	} cases[] = {
		{ "HN4797912345678", NORM_OK, "HN4797912345678", "HN", 4, "79",
		  "7912345678", 0 },
		{ "hn4-79-7912345678", NORM_OK, "HN4797912345678", "HN", 4,
		  "79", "7912345678", 0 },
		{ " HN 4 79 79 1234 5678 ", NORM_OK, "HN4797912345678", "HN", 4,
		  "79", "7912345678", 0 },
		{ "TE1.84.8412345678", NORM_OK, "TE1848412345678", "TE", 1,
		  "84", "8412345678", 0 },
		{ "CN3\xc2\xa0"
		  "01\xc2\xa0"
		  "0112345678",
		  NORM_OK, "CN3010112345678", "CN", 3, "01", "0112345678", 0 },
		{ "7912345678", NORM_OK, "7912345678", "", 0, "", "7912345678",
		  0 },
		{ "112345678", NORM_OK, "0112345678", "", 0, "", "0112345678",
		  NF_BHXH_ZERO_RESTORED },
		{ "HN6797912345678", NORM_BAD, "", "", 0, "", "",
		  NF_CARD_MALFORMED },
		{ "HN0797912345678", NORM_BAD, "", "", 0, "", "",
		  NF_CARD_MALFORMED },
		{ "H14797912345678", NORM_BAD, "", "", 0, "", "",
		  NF_CARD_MALFORMED },
		{ "HN479791234567", NORM_BAD, "", "", 0, "", "",
		  NF_CARD_MALFORMED },
		{ "HN47979123456789", NORM_BAD, "", "", 0, "", "",
		  NF_CARD_MALFORMED },
		{ "HN47979123456A8", NORM_BAD, "", "", 0, "", "",
		  NF_CARD_MALFORMED },
		{ "HN4#797912345678", NORM_BAD, "", "", 0, "", "",
		  NF_CARD_MALFORMED },
		{ "791234567X", NORM_BAD, "", "", 0, "", "",
		  NF_CARD_MALFORMED },
		{ "", NORM_EMPTY, "", "", 0, "", "", 0 },
		{ " - ", NORM_EMPTY, "", "", 0, "", "", 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < N(cases); i++) {
		size_t len = strlen(cases[i].in);
		char *in = exact(cases[i].in, len);
		struct card c;
		unsigned flags = 0;
		int rc;

		memset(&c, 'x', sizeof(c));
		rc = norm_card(in, len, &c, &flags);
		free(in);
		if (rc != cases[i].rc || strcmp(c.code, cases[i].code) ||
		    strcmp(c.group, cases[i].group) ||
		    c.level != cases[i].level ||
		    strcmp(c.province, cases[i].province) ||
		    strcmp(c.bhxh, cases[i].bhxh) || flags != cases[i].flags)
			fail_msg("card case %zu '%s': got %d '%s' '%s' %d '%s' "
				 "'%s' %#x",
				 i, cases[i].in, rc, c.code, c.group, c.level,
				 c.province, c.bhxh, flags);
	}
}

static void id_structure(void **state)
{
	static const struct {
		const char *id;
		int valid, year;
		char sex;
	} cases[] = {
		{ "084090001234", 1, 1990, 'M' },
		{ "084318000111", 1, 2018, 'F' },
		{ "001189000001", 1, 1989, 'F' },
		{ "079205000001", 1, 2005, 'M' },
		{ "001400000001", 1, 2100, 'M' },
		{ "001599000001", 1, 2199, 'F' },
		{ "001650000001", 1, 2250, 'M' },
		{ "001701000001", 1, 2201, 'F' },
		{ "001800000001", 1, 2300, 'M' },
		{ "001999000001", 1, 2399, 'F' },
		{ "840090001234", 1, 1990, 'M' },
		{ "005090001234", 0, 1990, 'M' },
		{ "097090001234", 0, 1990, 'M' },
		{ "100090001234", 1, 1990, 'M' }, /* Bulgaria */
		{ "894090001234", 1, 1990, 'M' }, /* Zambia */
		{ "895090001234", 0, 1990, 'M' },
		{ "08409000123X", 0, 1990, 'M' },
	};
	size_t i;
	int year;
	char sex;

	(void)state;
	for (i = 0; i < N(cases); i++) {
		assert_int_equal(id_valid(cases[i].id), cases[i].valid);
		id_birth(cases[i].id, &year, &sex);
		if (year != cases[i].year || sex != cases[i].sex)
			fail_msg("case %zu %s: %d %c", i, cases[i].id, year,
				 sex);
	}
	id_birth("084X90001234", &year, &sex);
	assert_int_equal(year, 0);
	assert_int_equal(sex, 0);
}

/* --- dates --- */

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

/* --- names --- */

static void names(void **state)
{
	static const struct {
		const char *in;
		size_t len; /* 0: strlen */
		int rc;
		const char *out;
		int repaired;
	} cases[] = {
		{ "Nguyễn Văn An", 0, NORM_OK, "NGUYỄN VĂN AN", 0 },
		{ "NGUYỄN VĂN AN", 0, NORM_OK, "NGUYỄN VĂN AN", 0 },
		{ "  nguyen   van  an  ", 0, NORM_OK, "NGUYEN VAN AN", 0 },
		{ "Trần\tVăn\r\nBình", 0, NORM_OK, "TRẦN VĂN BÌNH", 0 },
		{ "đặng thị đào", 0, NORM_OK, "ĐẶNG THỊ ĐÀO", 0 },
		{ "ư ơ ă â ê ô", 0, NORM_OK, "Ư Ơ Ă Â Ê Ô", 0 },
		{ "hoà thuỷ", 0, NORM_OK, "HOÀ THUỶ", 0 },
		{ "Y-Moan Êban", 0, NORM_OK, "Y-MOAN ÊBAN", 0 },
		/* NBSP and other spaces are spaces */
		{ "Nguyễn\xc2\xa0Văn\xc2\xa0"
		  "An\xc2\xa0",
		  0, NORM_OK, "NGUYỄN VĂN AN", 0 },
		{ "Lê\xe3\x80\x80Thị\xe2\x80\x83Hoa", 0, NORM_OK, "LÊ THỊ HOA",
		  0 },
		/* NFD (macOS, web forms) */
		{ "Nguye\xcc\x82\xcc\x83n Va\xcc\x86n A\xcc\x81nh", 0, NORM_OK,
		  "NGUYỄN VĂN ÁNH", 1 },
		{ "Ho\xcc\xa3\xcc\x82 To\xcc\x9b\xcc\x80", 0, NORM_OK, "HỘ TỜ",
		  1 },
		{ "tho\xcc\x9b\xcc\xa3", 0, NORM_OK, "THỢ", 1 },
		/* a tone mark before a shape mark: canonical order fixes it */
		{ "Ho\xcc\x82\xcc\xa3", 0, NORM_OK, "HỘ", 1 },
		/* invisible characters */
		{ "Ngu\xe2\x80\x8byễn", 0, NORM_OK, "NGUYỄN", 1 },
		{ "\xef\xbb\xbfLê Thị", 0, NORM_OK, "LÊ THỊ", 1 },
		{ "Lê\xc2\xad"
		  "Thị",
		  0, NORM_OK, "LÊTHỊ", 1 },
		{ "Lê\xe2\x80\x8d \xe2\x80\x8cThị", 0, NORM_OK, "LÊ THỊ", 1 },
		{ "Lê\x00Văn", 8, NORM_OK, "LÊVĂN", 1 },
		{ "L\x7f\x01"
		  "ê",
		  0, NORM_OK, "LÊ", 1 },
		/* nothing left, or not UTF-8 */
		{ "", 0, NORM_EMPTY, "", 0 },
		{ "   ", 0, NORM_EMPTY, "", 0 },
		{ "\xc2\xa0\xe2\x80\x8b", 0, NORM_EMPTY, "", 0 },
		{ "Ng\xff"
		  "uyen",
		  0, NORM_BAD, "", 0 },
		{ "Nguy\xc3", 0, NORM_BAD, "", 0 },
		{ "\xed\xa0\x80", 0, NORM_BAD, "", 0 }, /* a surrogate */
	};
	size_t i;

	(void)state;
	for (i = 0; i < N(cases); i++) {
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].in);
		size_t sizes[2] = { 4 * len + 1, 8 * len + 16 }, k;

		for (k = 0; k < 2; k++) {
			char *in = exact(cases[i].in, len);
			char *out = malloc(sizes[k]);
			unsigned flags = NF_DATE_SERIAL; /* never cleared */
			int rc;

			assert_non_null(out);
			rc = norm_name(in, len, out, sizes[k], &flags);
			if (rc != cases[i].rc || strcmp(out, cases[i].out) ||
			    flags != (NF_DATE_SERIAL |
				      (cases[i].repaired ? NF_NAME_REPAIRED
							 : 0u)))
				fail_msg("name case %zu '%s': got %d '%s' %#x",
					 i, cases[i].in, rc, out, flags);
			free(in);
			free(out);
		}
	}
}

static void name_buffer_too_small(void **state)
{
	char out[16];
	unsigned flags = 0;
	size_t sz;

	(void)state;
	for (sz = 1; sz <= 14; sz++) {
		memset(out, 'x', sizeof(out));
		assert_int_equal(norm_name("Nguyễn Văn", strlen("Nguyễn Văn"),
					   out, sz, &flags),
				 sz >= 14 ? NORM_OK : NORM_BAD);
		assert_true(memchr(out, '\0', sz) != NULL);
	}
	/* the NFC path checks the size too */
	assert_int_equal(norm_name("Ho\xcc\xa3", 4, out, 3, &flags), NORM_BAD);
	assert_int_equal(norm_name("Ho\xcc\xa3", 4, out, 5, &flags), NORM_OK);
	assert_string_equal(out, "HỌ");
	assert_int_equal(norm_name("a", 1, out, 0, &flags), NORM_BAD);
}

/* Every Vietnamese vowel, upper and lower case. */
static const char vowels_upper[] = "AÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬEÈÉẺẼẸÊỀẾỂỄỆIÌÍỈĨỊ"
				   "OÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢUÙÚỦŨỤƯỪỨỬỮỰYỲÝỶỸỴĐ";
static const char vowels_lower[] = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩị"
				   "oòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ";

static void names_every_letter(void **state)
{
	char out[512], nfd_out[512], key[512];
	utf8proc_uint8_t *nfd;
	unsigned flags = 0;

	(void)state;
	/* upper-casing by utf8proc agrees with the Vietnamese letters */
	assert_int_equal(norm_name(vowels_lower, strlen(vowels_lower), out,
				   sizeof(out), &flags),
			 NORM_OK);
	assert_string_equal(out, vowels_upper);
	assert_int_equal(flags, 0);
	/* their NFD forms compose back */
	nfd = utf8proc_NFD((const utf8proc_uint8_t *)vowels_lower);
	assert_non_null(nfd);
	assert_int_equal(norm_name((const char *)nfd, strlen((char *)nfd),
				   nfd_out, sizeof(nfd_out), &flags),
			 NORM_OK);
	free(nfd);
	assert_string_equal(nfd_out, vowels_upper);
	assert_int_equal(flags, NF_NAME_REPAIRED);
	/* too long for a syllable: copied as it is */
	name_key(vowels_upper, key, sizeof(key));
	assert_string_equal(key, vowels_upper);
	name_key_ascii(vowels_upper, key, sizeof(key));
	assert_string_equal(key, "AAAAAAAAAAAAAAAAAAEEEEEEEEEEEEIIIIII"
				 "OOOOOOOOOOOOOOOOOOUUUUUUUUUUUUYYYYYYD");
	name_key_ascii(vowels_lower, key, sizeof(key));
	assert_string_equal(key, "AAAAAAAAAAAAAAAAAAEEEEEEEEEEEEIIIIII"
				 "OOOOOOOOOOOOOOOOOOUUUUUUUUUUUUYYYYYYD");
	fold_header(vowels_upper, strlen(vowels_upper), key, sizeof(key));
	assert_string_equal(key, "aaaaaaaaaaaaaaaaaaeeeeeeeeeeeeiiiiii"
				 "oooooooooooooooooouuuuuuuuuuuuyyyyyyd");
}

/* The match key of a raw name (norm_name then name_key). */
static void key_of(const char *raw, char *key, size_t keysz)
{
	char name[256];
	unsigned flags = 0;

	assert_int_equal(
		norm_name(raw, strlen(raw), name, sizeof(name), &flags),
		NORM_OK);
	name_key(name, key, keysz);
}

static void name_keys(void **state)
{
	static const struct {
		const char *a, *b;
		int same;
	} pairs[] = {
		{ "HOÀ", "HÒA", 1 },
		{ "HOÁ", "HÓA", 1 },
		{ "HOẢ", "HỎA", 1 },
		{ "HOÃ", "HÕA", 1 },
		{ "HOẠ", "HỌA", 1 },
		{ "THUỶ", "THỦY", 1 },
		{ "THUÝ", "THÚY", 1 },
		{ "THUỴ", "THỤY", 1 },
		{ "KHOẺ", "KHỎE", 1 },
		{ "KHOÉ", "KHÓE", 1 },
		{ "TUỲ", "TÙY", 1 },
		{ "UỶ", "ỦY", 1 },
		{ "NGOÀI", "NGÒAI", 1 },
		{ "XOÁY", "XÓAY", 1 },
		{ "HUỲNH", "HÙYNH", 1 },
		{ "HOÀNG", "HÒANG", 1 },
		{ "QUÝ", "QÚY", 1 },
		{ "GIÀ", "GÌA", 1 },
		{ "NGUYỄN", "NGŨYÊN", 1 },
		{ "NGUYỄN", "NGUỸÊN", 1 },
		{ "NGƯỜI", "NGỪƠI", 1 },
		{ "THUỶ TIÊN", "THỦY TIÊN", 1 },
		{ "Nguyễn Văn Hoà", "NGUYỄN VĂN HÒA", 1 },
		{ "Khánh Hoà", "khánh hòa", 1 },
		{ "Lê Thị Thuỷ", "Lê Thị Thủy", 1 },
		{ "HOÀNG", "HOANG", 0 },
		{ "HOÀ", "HOÁ", 0 },
		{ "HOÀ", "HOA", 0 },
		{ "THUỶ", "THUÝ", 0 },
		{ "LAN", "LÂN", 0 },
		{ "THỦY", "THỤY", 0 },
		{ "TUẤN", "TUÂN", 0 },
		{ "ĐÀO", "DÀO", 0 },
	};
	static const struct {
		const char *name, *key;
	} keys[] = {
		/* the canonical placement is kept */
		{ "NGUYỄN", "NGUYỄN" },
		{ "QUỲNH", "QUỲNH" },
		{ "QUÝ", "QUÝ" },
		{ "QUỐC", "QUỐC" },
		{ "GIANG", "GIANG" },
		{ "GIẢI", "GIẢI" },
		{ "GIỮ", "GIỮ" },
		{ "GÌN", "GÌN" },
		{ "HOÀNG", "HOÀNG" },
		{ "TRƯỜNG", "TRƯỜNG" },
		{ "NGƯỜI", "NGƯỜI" },
		{ "RƯỢU", "RƯỢU" },
		{ "HUẾ", "HUẾ" },
		{ "KHUYẾN", "KHUYẾN" },
		{ "HIẾU", "HIẾU" },
		{ "TÀI", "TÀI" },
		{ "MÙA", "MÙA" },
		{ "MÍA", "MÍA" },
		{ "CỨU", "CỨU" },
		{ "THỪA", "THỪA" },
		{ "QUẢY", "QUẢY" },
		{ "NGOẸO", "NGOẸO" },
		{ "KHUỶU", "KHUỶU" },
		/* the other style is moved */
		{ "HÒA", "HOÀ" },
		{ "THỦY", "THUỶ" },
		{ "KHỎE", "KHOẺ" },
		{ "TÙY", "TUỲ" },
		{ "NGÒAI", "NGOÀI" },
		{ "QÚY", "QUÝ" },
		{ "GÌA", "GIÀ" },
		{ "NGUYỄN VĂN HÒA", "NGUYỄN VĂN HOÀ" },
		{ "hòa", "hoà" },
		/* not Vietnamese syllables: left alone */
		{ "JOHN SMITH", "JOHN SMITH" },
		{ "ÁNNA", "ÁNNA" },
		{ "HÒÀ", "HÒÀ" },
		{ "Y-MOAN ÊBAN", "Y-MOAN ÊBAN" },
		{ "NGUYỄN VĂN A2", "NGUYỄN VĂN A2" },
		{ "", "" },
	};
	char ka[256], kb[256];
	size_t i;

	(void)state;
	for (i = 0; i < N(pairs); i++) {
		key_of(pairs[i].a, ka, sizeof(ka));
		key_of(pairs[i].b, kb, sizeof(kb));
		if ((strcmp(ka, kb) == 0) != pairs[i].same)
			fail_msg("pair %zu '%s' '%s': keys '%s' '%s'", i,
				 pairs[i].a, pairs[i].b, ka, kb);
	}
	for (i = 0; i < N(keys); i++) {
		name_key(keys[i].name, ka, sizeof(ka));
		name_key(ka, kb, sizeof(kb));
		if (strcmp(ka, keys[i].key) || strcmp(kb, ka))
			fail_msg("key %zu '%s': got '%s', again '%s'", i,
				 keys[i].name, ka, kb);
	}
	/* a short buffer cuts at a character boundary */
	name_key("HÒA", ka, 4);
	assert_string_equal(ka, "HO");
	name_key("HÒA", ka, 1);
	assert_string_equal(ka, "");
}

/*
 * Every placement of one tone on a syllable gives one key, and different
 * tones give different keys: the tone is written as a combining mark
 * after each vowel in turn, and norm_name composes it.
 */
static void name_key_every_placement(void **state)
{
	static const char *const syllables[] = {
		"HOA",	  "THUY",  "KHOE",   "TUY",   "NGUYÊN", "QUYNH",
		"GIANG",  "NGƯƠI", "TRƯƠNG", "HOANG", "NGOAI",	"KHUYU",
		"QUY",	  "GIA",   "HUÊ",    "TAI",   "MUA",	"CƯU",
		"KHUYÊN", "HIÊU",  "QUAY",   "TOAN",  "GIƯƠNG", "THUÂN",
	};
	static const char *const tones[] = { "\xcc\x80", "\xcc\x81", "\xcc\x89",
					     "\xcc\x83", "\xcc\xa3" };
	size_t s, t;

	(void)state;
	for (s = 0; s < N(syllables); s++) {
		char keys[5][64];

		for (t = 0; t < N(tones); t++) {
			const char *p = syllables[s];
			int v, nv = 0;

			for (v = 0;; v++) {
				char raw[64], key[64];
				size_t len = 0, i = 0, pos = 0;
				int placed = 0;

				while (p[i]) {
					utf8proc_int32_t cp;
					utf8proc_ssize_t l = utf8proc_iterate(
						(const utf8proc_uint8_t *)p + i,
						-1, &cp);

					memcpy(raw + len, p + i, (size_t)l);
					len += (size_t)l;
					i += (size_t)l;
					if ((cp < 0x80 &&
					     strchr("AEIOUY", (int)cp)) ||
					    cp == 0x01AF || cp == 0x01A0 ||
					    cp == 0x00CA || cp == 0x00C2 ||
					    cp == 0x00D4 || cp == 0x0102) {
						if (pos++ == (size_t)v) {
							memcpy(raw + len,
							       tones[t], 2);
							len += 2;
							placed = 1;
						}
					}
				}
				raw[len] = '\0';
				if (!placed)
					break;
				nv++;
				key_of(raw, key, sizeof(key));
				if (!v)
					strcpy(keys[t], key);
				else if (strcmp(key, keys[t]))
					fail_msg("%s tone %zu on vowel %d: "
						 "'%s' != '%s'",
						 syllables[s], t, v, key,
						 keys[t]);
			}
			assert_true(nv >= 1);
		}
		for (t = 1; t < N(tones); t++)
			assert_string_not_equal(keys[t], keys[t - 1]);
	}
}

static void ascii_keys(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "NGUYỄN VĂN ĐẠT", "NGUYEN VAN DAT" },
		{ "Trần Thị Ánh", "TRAN THI ANH" },
		{ "ĐỖ THỊ HỒNG", "DO THI HONG" },
		{ "đ", "D" },
		{ "NGUYEN VAN A", "NGUYEN VAN A" },
		{ "JOSÉ MUÑOZ", "JOSE MUNOZ" },
		{ "HO\xcc\xa3", "HO" }, /* a stray combining mark */
		{ "", "" },
	};
	char out[64];
	size_t i;

	(void)state;
	for (i = 0; i < N(cases); i++) {
		name_key_ascii(cases[i].in, out, sizeof(out));
		if (strcmp(out, cases[i].out))
			fail_msg("ascii case %zu '%s': got '%s'", i,
				 cases[i].in, out);
	}
	name_key_ascii("NGUYỄN", out, 4);
	assert_string_equal(out, "NGU");
}

/* --- small fields --- */

static void sexes(void **state)
{
	static const struct {
		const char *in;
		int checkbox, rc;
		char out;
	} cases[] = {
		{ "Nam", 0, NORM_OK, 'M' },
		{ "NAM", 0, NORM_OK, 'M' },
		{ " nam ", 0, NORM_OK, 'M' },
		{ "Nữ", 0, NORM_OK, 'F' },
		{ "NỮ", 0, NORM_OK, 'F' },
		{ "nu", 0, NORM_OK, 'F' },
		{ "Nu\xcc\x9b\xcc\x83", 0, NORM_OK, 'F' }, /* NFD */
		{ "M", 0, NORM_OK, 'M' },
		{ "f", 0, NORM_OK, 'F' },
		{ "1", 0, NORM_OK, 'M' },
		{ "0", 0, NORM_OK, 'F' },
		{ "2", 0, NORM_OK, 'F' },
		{ "Male", 0, NORM_OK, 'M' },
		{ "FEMALE", 0, NORM_OK, 'F' },
		{ "", 0, NORM_EMPTY, 0 },
		{ "  ", 0, NORM_EMPTY, 0 },
		{ "x", 0, NORM_BAD, 0 },
		{ "3", 0, NORM_BAD, 0 },
		{ "Khác", 0, NORM_BAD, 0 },
		{ "Nam Nữ", 0, NORM_BAD, 0 },
		/* a "Nữ" checkbox column */
		{ "x", 1, NORM_OK, 'F' },
		{ "X", 1, NORM_OK, 'F' },
		{ "1", 1, NORM_OK, 'F' },
		{ "\xe2\x9c\x93", 1, NORM_OK, 'F' }, /* ✓ */
		{ "", 1, NORM_OK, 'M' },
		{ "  ", 1, NORM_OK, 'M' },
		{ "0", 1, NORM_OK, 'M' },
		{ "Nữ", 1, NORM_OK, 'F' },
		{ "Nam", 1, NORM_OK, 'M' },
		{ "?", 1, NORM_BAD, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < N(cases); i++) {
		size_t len = strlen(cases[i].in);
		char *in = exact(cases[i].in, len), out = 'z';
		int rc = norm_sex(in, len, cases[i].checkbox, &out);

		free(in);
		if (rc != cases[i].rc || (rc == NORM_OK && out != cases[i].out))
			fail_msg("sex case %zu '%s' (%d): got %d '%c'", i,
				 cases[i].in, cases[i].checkbox, rc, out);
	}
}

static void codes(void **state)
{
	static const struct {
		const char *in;
		size_t outsz;
		int rc;
		const char *out;
	} cases[] = {
		{ "29266", 64, NORM_OK, "29266" },
		{ "29266 - Thị trấn Càng Long", 64, NORM_OK, "29266" },
		{ "29266-Thị trấn Càng Long", 64, NORM_OK, "29266" },
		{ "29266 \xe2\x80\x93 Thị trấn", 64, NORM_OK, "29266" },
		{ "29266 Thị trấn Càng Long", 64, NORM_OK, "29266" },
		{ "29266: Thi tran Cang Long", 64, NORM_OK, "29266" },
		{ "HN - Hộ nghèo", 64, NORM_OK, "HN" },
		{ " hn ", 64, NORM_OK, "HN" },
		{ "00001", 64, NORM_OK, "00001" },
		{ "'00001", 64, NORM_OK, "00001" },
		{ "01", 64, NORM_OK, "01" },
		{ "29266.0", 64, NORM_OK, "29266" },
		{ "79-001", 64, NORM_OK, "79-001" },
		{ "DN-ABC", 64, NORM_OK, "DN-ABC" },
		{ "kcb 79 001", 64, NORM_OK, "KCB 79 001" },
		{ "hộ1", 64, NORM_OK, "HỘ1" },
		{ "1234567", 8, NORM_OK, "1234567" },
		{ "12345678", 8, NORM_BAD, "1234567" },
		{ "Hộ nghèo", 8, NORM_BAD, "HỘ NG" },
		{ "", 64, NORM_EMPTY, "" },
		{ "  ", 64, NORM_EMPTY, "" },
		{ "ab\x01", 64, NORM_BAD, "" },
		{ "ab\xff", 64, NORM_BAD, "" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < N(cases); i++) {
		size_t len = strlen(cases[i].in);
		char *in = exact(cases[i].in, len), out[64];
		int rc;

		memset(out, 'x', sizeof(out));
		rc = norm_code(in, len, out, cases[i].outsz);
		free(in);
		if (rc != cases[i].rc || strcmp(out, cases[i].out))
			fail_msg("code case %zu '%s': got %d '%s'", i,
				 cases[i].in, rc, out);
	}
}

static void levels(void **state)
{
	static const struct {
		const char *in;
		int rc, out;
	} cases[] = {
		{ "1", NORM_OK, 1 },	  { "5", NORM_OK, 5 },
		{ " 4 ", NORM_OK, 4 },	  { "4.0", NORM_OK, 4 },
		{ "4,00", NORM_OK, 4 },	  { "Mức 4", NORM_OK, 4 },
		{ "muc 2", NORM_OK, 2 },  { "0", NORM_BAD, 0 },
		{ "6", NORM_BAD, 0 },	  { "4.5", NORM_BAD, 0 },
		{ "4.", NORM_BAD, 0 },	  { "44", NORM_BAD, 0 },
		{ "abc", NORM_BAD, 0 },	  { "Mức", NORM_BAD, 0 },
		{ "Mức 6", NORM_BAD, 0 }, { "", NORM_EMPTY, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < N(cases); i++) {
		size_t len = strlen(cases[i].in);
		char *in = exact(cases[i].in, len);
		int out = -1, rc = norm_level(in, len, &out);

		free(in);
		if (rc != cases[i].rc || out != cases[i].out)
			fail_msg("level case %zu '%s': got %d %d", i,
				 cases[i].in, rc, out);
	}
}

static void percentages(void **state)
{
	static const struct {
		const char *in;
		int rc;
		double out;
	} cases[] = {
		{ "95", NORM_OK, 95 },
		{ "95%", NORM_OK, 95 },
		{ "95 %", NORM_OK, 95 },
		{ "95,00%", NORM_OK, 95 },
		{ "0.95", NORM_OK, 95 },
		{ "0,95", NORM_OK, 95 },
		{ "95.5", NORM_OK, 95.5 },
		{ "0.955", NORM_OK, 95.5 },
		{ "0.07", NORM_OK, 7 },
		{ "1", NORM_OK, 1 },
		{ "1.0", NORM_OK, 100 },
		{ "0", NORM_OK, 0 },
		{ "100%", NORM_OK, 100 },
		{ "0.5%", NORM_OK, 0.5 },
		{ " 80 ", NORM_OK, 80 },
		{ "101", NORM_BAD, 0 },
		{ "-5", NORM_BAD, 0 },
		{ "abc", NORM_BAD, 0 },
		{ "9.5.1", NORM_BAD, 0 },
		{ "%", NORM_BAD, 0 },
		{ "95%%", NORM_BAD, 0 },
		{ "", NORM_EMPTY, 0 },
		{ "1234567890123456", NORM_BAD, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < N(cases); i++) {
		size_t len = strlen(cases[i].in);
		char *in = exact(cases[i].in, len);
		double out = -1;
		int rc = norm_pct(in, len, &out);

		free(in);
		if (rc != cases[i].rc || out != cases[i].out)
			fail_msg("pct case %zu '%s': got %d %g", i, cases[i].in,
				 rc, out);
	}
}

static void statuses(void **state)
{
	static const struct {
		const char *in;
		int rc, out;
	} cases[] = {
		{ "Còn sống", NORM_OK, STATUS_ALIVE },
		{ "CON SONG", NORM_OK, STATUS_ALIVE },
		{ "", NORM_OK, STATUS_ALIVE },
		{ "  ", NORM_OK, STATUS_ALIVE },
		{ "alive", NORM_OK, STATUS_ALIVE },
		{ "Đã chết", NORM_OK, STATUS_DEAD },
		{ "ĐÃ CHẾT", NORM_OK, STATUS_DEAD },
		{ "Chết", NORM_OK, STATUS_DEAD },
		{ "da chet", NORM_OK, STATUS_DEAD },
		{ "Dead", NORM_OK, STATUS_DEAD },
		{ "Mất tích", NORM_OK, STATUS_MISSING },
		{ "mat tich", NORM_OK, STATUS_MISSING },
		{ "missing", NORM_OK, STATUS_MISSING },
		{ "Chuyển đi", NORM_OK, STATUS_MOVED },
		{ "Đã chuyển khẩu", NORM_OK, STATUS_MOVED },
		{ "moved", NORM_OK, STATUS_MOVED },
		{ "Không rõ", NORM_BAD, STATUS_ALIVE },
		{ "x", NORM_BAD, STATUS_ALIVE },
	};
	size_t i;

	(void)state;
	for (i = 0; i < N(cases); i++) {
		size_t len = strlen(cases[i].in);
		char *in = exact(cases[i].in, len);
		int out = -1, rc = norm_status(in, len, &out);

		free(in);
		if (rc != cases[i].rc || out != cases[i].out)
			fail_msg("status case %zu '%s': got %d %d", i,
				 cases[i].in, rc, out);
	}
}

static void schemes(void **state)
{
	static const struct {
		const char *in;
		int rc;
		unsigned out;
	} cases[] = {
		{ "", NORM_EMPTY, SCHEME_BHYT },
		{ " , ", NORM_EMPTY, SCHEME_BHYT },
		{ "BHYT", NORM_OK, SCHEME_BHYT },
		{ "Bảo hiểm y tế", NORM_OK, SCHEME_BHYT },
		{ "BHXH bắt buộc", NORM_OK, SCHEME_BHXH },
		{ "bhxh bat buoc", NORM_OK, SCHEME_BHXH },
		{ "BHXH", NORM_OK, SCHEME_BHXH },
		{ "BHXH BB, BHYT", NORM_OK, SCHEME_BHXH | SCHEME_BHYT },
		{ "BHXH tự nguyện", NORM_OK, SCHEME_BHXH_TN },
		{ "BHXH TN; BHTN", NORM_OK, SCHEME_BHXH_TN | SCHEME_BHTN },
		{ "Bắt buộc + BHTN + BHYT", NORM_OK,
		  SCHEME_BHXH | SCHEME_BHTN | SCHEME_BHYT },
		{ "tu nguyen/bhyt", NORM_OK, SCHEME_BHXH_TN | SCHEME_BHYT },
		{ "BHYT,BHYT", NORM_OK, SCHEME_BHYT },
		{ "XYZ", NORM_BAD, 0 },
		{ "BHYT, XYZ", NORM_BAD, 0 },
		{ "BHYT và BHTN", NORM_BAD, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < N(cases); i++) {
		size_t len = strlen(cases[i].in);
		char *in = exact(cases[i].in, len);
		unsigned out = 99;
		int rc = norm_schemes(in, len, &out);

		free(in);
		if (rc != cases[i].rc || out != cases[i].out)
			fail_msg("schemes case %zu '%s': got %d %#x", i,
				 cases[i].in, rc, out);
	}
}

static void header_folding(void **state)
{
	static const struct {
		const char *in;
		size_t len; /* 0: strlen */
		size_t outsz;
		const char *out;
	} cases[] = {
		{ "Họ và tên", 0, 64, "ho_va_ten" },
		{ "HO VA TEN", 0, 64, "ho_va_ten" },
		{ "ho_va_ten", 0, 64, "ho_va_ten" },
		{ "  Họ   và  tên ", 0, 64, "ho_va_ten" },
		{ "Số CMND/CCCD", 0, 64, "so_cmnd_cccd" },
		{ "Mã số BHXH", 0, 64, "ma_so_bhxh" },
		{ "Đối tượng", 0, 64, "doi_tuong" },
		{ "Nữ", 0, 64, "nu" },
		{ "Thời điểm đủ 5 năm liên tục", 0, 64,
		  "thoi_diem_du_5_nam_lien_tuc" },
		{ "Ho\xcc\xa3 va\xcc\x80 te\xcc\x82n", 0, 64, "ho_va_ten" },
		{ "\xef\xbb\xbfHọ tên", 0, 64, "ho_ten" },
		{ "Họ\xc2\xa0tên", 0, 64, "ho_ten" },
		{ "__a__b__", 0, 64, "a_b" },
		{ "(Giá trị từ ngày)", 0, 64, "gia_tri_tu_ngay" },
		{ "a\xff"
		  "b",
		  0, 64, "a_b" },
		{ "a\0b", 3, 64, "a_b" },
		{ "", 0, 64, "" },
		{ "---", 0, 64, "" },
		{ "Họ và tên", 0, 5, "ho_v" },
		{ "Họ và tên", 0, 1, "" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < N(cases); i++) {
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].in);
		char *in = exact(cases[i].in, len), out[64];

		memset(out, 'x', sizeof(out));
		fold_header(in, len, out, cases[i].outsz);
		free(in);
		if (strcmp(out, cases[i].out))
			fail_msg("fold case %zu '%s': got '%s'", i, cases[i].in,
				 out);
	}
}

static void flag_names(void **state)
{
	static const char *const want[NF_COUNT] = {
		"ID_ZERO_RESTORED",   "ID_SCIENTIFIC",	    "ID_MALFORMED",
		"CMND_ZERO_RESTORED", "BHXH_ZERO_RESTORED", "BHXH_MALFORMED",
		"CMND_MALFORMED",     "CARD_MALFORMED",	    "DATE_SERIAL",
		"NAME_REPAIRED",
	};
	unsigned i;

	(void)state;
	for (i = 0; i < NF_COUNT; i++)
		assert_string_equal(nf_name(i), want[i]);
	assert_int_equal(NF_NAME_REPAIRED, 1u << (NF_COUNT - 1));
	assert_string_equal(nf_name(NF_COUNT), "UNKNOWN");
}

/*
 * Hostile cells: big, random bytes, NULs, broken UTF-8, through every
 * normaliser, each from an exact-size buffer.  Outputs must stay
 * NUL-terminated inside their buffers.
 */
static void hostile_input(void **state)
{
	static const char *const seeds[] = {
		"084090001234",
		"Nguyễn Văn Hoà",
		"12/05/1990",
		"HN4797912345678",
		"\xff\xfe\xfd",
		"\xe1\xbb",
		"\xcc\x81\xcc\x81\xcc\x81",
		"1.2E+11",
		"29266 - Thị trấn",
		"00/00/1990 00:00:00",
	};
	uint64_t x = 0x9e3779b97f4a7c15ull;
	size_t round;

	(void)state;
	for (round = 0; round < 3000; round++) {
		size_t n = round < 2000 ? round % 64 : 1 + round * 37 % 70000;
		char *in = malloc(n ? n : 1), *out, small[13], buf[64];
		size_t i, outsz = 8 * n + 16;
		struct card c;
		struct date d;
		unsigned flags = 0, u;
		double pct;
		char sex;
		int v;

		assert_non_null(in);
		for (i = 0; i < n; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			if (round % 3 == 0)
				in[i] = (char)x; /* any byte */
			else if (round % 3 == 1)
				in[i] = seeds[(x >> 8) % N(seeds)]
					     [0]; /* plausible starts */
			else
				in[i] = "0123456789 .-'E+/"[x % 17];
		}
		if (round % 10 == 0 && n) /* a seed, cut anywhere */
			memcpy(in, seeds[round / 10 % N(seeds)],
			       n < strlen(seeds[round / 10 % N(seeds)])
				       ? n
				       : strlen(seeds[round / 10 % N(seeds)]));
		out = malloc(outsz);
		assert_non_null(out);
		norm_person_id(in, n, small, &flags);
		assert_true(strlen(small) <= 12);
		norm_cmnd(in, n, small, &flags);
		assert_true(strlen(small) <= 12);
		norm_bhxh(in, n, small, &flags);
		assert_true(strlen(small) <= 12);
		norm_card(in, n, &c, &flags);
		assert_true(strlen(c.code) <= 15);
		norm_date(in, n, &d, &flags);
		date_format(&d, small);
		assert_true(strlen(small) <= 10);
		if (norm_name(in, n, out, outsz, &flags) == NORM_OK) {
			char *key = malloc(outsz);

			assert_non_null(key);
			assert_true(strlen(out) < outsz);
			name_key(out, key, outsz);
			assert_true(strlen(key) < outsz);
			name_key_ascii(out, key, outsz);
			assert_true(strlen(key) < outsz);
			name_key(out, key, 7);
			assert_true(strlen(key) < 7);
			free(key);
		}
		norm_name(in, n, buf, sizeof(buf), &flags);
		assert_true(strlen(buf) < sizeof(buf));
		norm_sex(in, n, (int)(round & 1), &sex);
		norm_code(in, n, buf, 8);
		assert_true(strlen(buf) < 8);
		norm_level(in, n, &v);
		norm_pct(in, n, &pct);
		norm_status(in, n, &v);
		norm_schemes(in, n, &u);
		fold_header(in, n, buf, sizeof(buf));
		assert_true(strlen(buf) < sizeof(buf));
		free(out);
		free(in);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(person_ids),
		cmocka_unit_test(cmnd_numbers),
		cmocka_unit_test(bhxh_codes),
		cmocka_unit_test(card_codes),
		cmocka_unit_test(id_structure),
		cmocka_unit_test(dates),
		cmocka_unit_test(date_helpers),
		cmocka_unit_test(names),
		cmocka_unit_test(name_buffer_too_small),
		cmocka_unit_test(names_every_letter),
		cmocka_unit_test(name_keys),
		cmocka_unit_test(name_key_every_placement),
		cmocka_unit_test(ascii_keys),
		cmocka_unit_test(sexes),
		cmocka_unit_test(codes),
		cmocka_unit_test(levels),
		cmocka_unit_test(percentages),
		cmocka_unit_test(statuses),
		cmocka_unit_test(schemes),
		cmocka_unit_test(header_folding),
		cmocka_unit_test(flag_names),
		cmocka_unit_test(hostile_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
