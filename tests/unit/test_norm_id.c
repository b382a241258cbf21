/*
 * test_norm_id.c: table tests of identifiers and codes (etl/norm_id.c,
 * norm.h, rules.md R3): personal IDs and their structure, CMND, BHXH codes,
 * card codes, commune and other codes, and hostile cells through them.
 */
#include "test_norm.h"

#include "norm.h"

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

/* --- other codes --- */

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
		/* every leading text marker goes (fuzz: norm/crash-code-*) */
		{ "''29266", 64, NORM_OK, "29266" },
		{ "' '\xe2\x80\x99 29266", 64, NORM_OK, "29266" },
		{ "''", 64, NORM_EMPTY, "" },
		{ "29266''", 64, NORM_OK, "29266''" },
		/* letters that upper-case to ASCII belong to the code (fuzz:
		 * norm/crash-code-dotless-i) */
		{ "0\xc4\xb1"
		  "2 -/",
		  64, NORM_OK, "0I2" },
		{ "\xc5\xbfn - Hộ nghèo", 64, NORM_OK, "SN" },
		{ "ı1 Thị trấn", 64, NORM_OK, "I1 THỊ TRẤN" },
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

/* Hostile cells (test_norm.h): outputs stay NUL-terminated and in size. */
static void ids_hostile_input(void **state)
{
	uint64_t x = HOSTILE_SEED;
	size_t round, n;

	(void)state;
	for (round = 0; round < HOSTILE_ROUNDS; round++) {
		char *in = hostile_cell(round, &x, &n), small[13], buf[64];
		struct card c;
		unsigned flags = 0;

		norm_person_id(in, n, small, &flags);
		assert_true(strlen(small) <= 12);
		norm_cmnd(in, n, small, &flags);
		assert_true(strlen(small) <= 12);
		norm_bhxh(in, n, small, &flags);
		assert_true(strlen(small) <= 12);
		norm_card(in, n, &c, &flags);
		assert_true(strlen(c.code) <= 15);
		norm_code(in, n, buf, 8);
		assert_true(strlen(buf) < 8);
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
		cmocka_unit_test(codes),
		cmocka_unit_test(ids_hostile_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
