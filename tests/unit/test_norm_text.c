/*
 * test_norm_text.c: table tests of the worded fields and header folding
 * (etl/norm_text.c, norm.h, rules.md R3): sex, levels, percentages, statuses,
 * schemes, header folding, flag names, and hostile cells through them.
 */
#include "test_norm.h"

#include "norm.h"

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

static void levels(void **state)
{
	static const struct {
		const char *in;
		int rc, out;
	} cases[] = {
		{ "1", NORM_OK, 1 },
		{ "5", NORM_OK, 5 },
		{ " 4 ", NORM_OK, 4 },
		{ "4.0", NORM_OK, 4 },
		{ "4,00", NORM_OK, 4 },
		{ "Mức 4", NORM_OK, 4 },
		{ "muc 2", NORM_OK, 2 },
		{ "0", NORM_BAD, 0 },
		{ "6", NORM_BAD, 0 },
		{ "4.5", NORM_BAD, 0 },
		{ "4.", NORM_BAD, 0 },
		{ "44", NORM_BAD, 0 },
		{ "abc", NORM_BAD, 0 },
		{ "Mức", NORM_BAD, 0 },
		{ "Mức 6", NORM_BAD, 0 },
		{ "", NORM_EMPTY, 0 },
		/* "muc_" and a 4-byte letter: not cut back to "muc" */
		{ "Mức \xf0\xa0\x80\x80 4", NORM_BAD, 0 },
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
		"NAME_REPAIRED",      "COMMUNE_TRANSLATED", "GROUP_NAMED",
		"WAGE_UNREADABLE",    "MONTHS_UNREADABLE",
	};
	unsigned i;

	(void)state;
	for (i = 0; i < NF_COUNT; i++)
		assert_string_equal(nf_name(i), want[i]);
	assert_int_equal(NF_MONTHS_UNREADABLE, 1u << (NF_COUNT - 1));
	assert_string_equal(nf_name(NF_COUNT), "UNKNOWN");
}

static void wages(void **state)
{
	static const struct {
		const char *in;
		int rc;
		uint32_t out;
	} cases[] = {
		{ "5.000.000", NORM_OK, 5000000 },
		{ "5,000,000", NORM_OK, 5000000 },
		{ "5000000", NORM_OK, 5000000 },
		{ "5 000 000", NORM_OK, 5000000 },
		{ "5\xc2\xa0"
		  "000\xc2\xa0"
		  "000",
		  NORM_OK, 5000000 },
		{ " 5.000.000 ", NORM_OK, 5000000 },
		{ "'5.000.000", NORM_OK, 5000000 },
		{ "5.000.000đ", NORM_OK, 5000000 },
		{ "5.000.000 đồng", NORM_OK, 5000000 },
		{ "5,000,000 VNĐ", NORM_OK, 5000000 },
		{ "4680000 VND", NORM_OK, 4680000 },
		{ "46.800.000", NORM_OK, 46800000 },
		{ "12.500", NORM_OK, 12500 },
		{ "1.000", NORM_OK, 1000 },
		/* xlsx numbers: a fraction is rounded half up */
		{ "5000000.5", NORM_OK, 5000001 },
		{ "5000000.49", NORM_OK, 5000000 },
		{ "5000000,5", NORM_OK, 5000001 },
		{ "5000000.0", NORM_OK, 5000000 },
		{ "4000000000", NORM_OK, 4000000000u },
		{ "", NORM_EMPTY, 0 },
		{ "  ", NORM_EMPTY, 0 },
		/* a coefficient, zero, too much, words, mixed separators */
		{ "2,34", NORM_BAD, 0 },
		{ "0", NORM_BAD, 0 },
		{ "999", NORM_BAD, 0 },
		{ "4000000001", NORM_BAD, 0 },
		{ "99999999999999999999999", NORM_BAD, 0 },
		{ "năm triệu", NORM_BAD, 0 },
		{ "5tr", NORM_BAD, 0 },
		{ "-5000000", NORM_BAD, 0 },
		{ "5E+06", NORM_BAD, 0 },
		{ "5.000,000", NORM_BAD, 0 },
		{ "5.000.000,50", NORM_BAD, 0 },
		{ "5.00.000", NORM_BAD, 0 },
		{ "50.0000.000", NORM_BAD, 0 },
		{ "5..000", NORM_BAD, 0 },
		{ "5.000.", NORM_BAD, 0 },
		{ ".5000", NORM_BAD, 0 },
		{ "đ", NORM_BAD, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < N(cases); i++) {
		size_t len = strlen(cases[i].in);
		char *in = exact(cases[i].in, len);
		uint32_t out = 7;
		int rc = norm_wage(in, len, &out);

		free(in);
		if (rc != cases[i].rc || out != cases[i].out)
			fail_msg("wage case %zu '%s': got %d %u", i,
				 cases[i].in, rc, out);
	}
}

static void months(void **state)
{
	static const struct {
		const char *in;
		int rc, out;
	} cases[] = {
		{ "6", NORM_OK, 6 },
		{ "06", NORM_OK, 6 },
		{ "1", NORM_OK, 1 },
		{ "12", NORM_OK, 12 },
		{ " 3 ", NORM_OK, 3 },
		{ "6 tháng", NORM_OK, 6 },
		{ "6 THANG", NORM_OK, 6 },
		{ "6.0", NORM_OK, 6 },
		{ "12,00", NORM_OK, 12 },
		{ "", NORM_EMPTY, 0 },
		{ "0", NORM_BAD, 0 },
		{ "13", NORM_BAD, 0 },
		{ "100000000000", NORM_BAD, 0 },
		{ "6.5", NORM_BAD, 0 },
		{ "6.", NORM_BAD, 0 },
		{ "-6", NORM_BAD, 0 },
		{ "sáu", NORM_BAD, 0 },
		{ "6 năm", NORM_BAD, 0 },
		{ "tháng", NORM_BAD, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < N(cases); i++) {
		size_t len = strlen(cases[i].in);
		char *in = exact(cases[i].in, len);
		int out = 7, rc = norm_months(in, len, &out);

		free(in);
		if (rc != cases[i].rc || out != cases[i].out)
			fail_msg("months case %zu '%s': got %d %d", i,
				 cases[i].in, rc, out);
	}
}

/* Hostile cells (test_norm.h): the folded header stays in its buffer. */
static void text_hostile_input(void **state)
{
	uint64_t x = HOSTILE_SEED;
	size_t round, n;

	(void)state;
	for (round = 0; round < HOSTILE_ROUNDS; round++) {
		char *in = hostile_cell(round, &x, &n), buf[64];
		unsigned u;
		uint32_t w;
		double pct;
		char sex;
		int v;

		norm_sex(in, n, (int)(round & 1), &sex);
		norm_level(in, n, &v);
		norm_pct(in, n, &pct);
		norm_status(in, n, &v);
		norm_schemes(in, n, &u);
		norm_wage(in, n, &w);
		norm_months(in, n, &v);
		fold_header(in, n, buf, sizeof(buf));
		assert_true(strlen(buf) < sizeof(buf));
		free(in);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sexes),
		cmocka_unit_test(levels),
		cmocka_unit_test(percentages),
		cmocka_unit_test(statuses),
		cmocka_unit_test(schemes),
		cmocka_unit_test(wages),
		cmocka_unit_test(months),
		cmocka_unit_test(header_folding),
		cmocka_unit_test(flag_names),
		cmocka_unit_test(text_hostile_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
