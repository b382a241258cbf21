/*
 * test_hdrpick.c: finding the header row and telling the rows under it
 * apart (etl/hdrpick.c, rules.md R2.10): title rows above, a two-row
 * header, a sub-header under a header found alone, a numbering row, the
 * form's totals line and signature block.  Each case is a small table of
 * CSV-like rows, "|" between cells.
 */
#include "hdrpick.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define MAXC 12

/* Split "a|b|c" into cells (pointers into buf). */
static int cells_of(const char *row, char *buf, const char **cells,
		    size_t *lens)
{
	int n = 0;
	char *p = buf, *bar;

	strcpy(buf, row);
	for (;;) {
		bar = strchr(p, '|');
		cells[n] = p;
		lens[n] = bar ? (size_t)(bar - p) : strlen(p);
		n++;
		if (!bar || n == MAXC)
			break;
		*bar = '\0';
		p = bar + 1;
	}
	return n;
}

/*
 * Offer rows until the header is found, then classify the rest: returns
 * a letter per row after the header: D data, N numbering, S sub-header,
 * F footer ("" if no header).
 */
static void classify(const char *const *rows, char *out, struct hdrpick *h)
{
	char buf[512];
	const char *cells[MAXC];
	size_t lens[MAXC];
	int i, n, found = 0;
	static const char letter[] = { 'D', 'N', 'S', 'F' };

	*out = '\0';
	hdrpick_init(h, KIND_ROSTER, 0);
	for (i = 0; rows[i]; i++) {
		n = cells_of(rows[i], buf, cells, lens);
		if (!found) {
			found = hdrpick_try(h, n, cells, lens,
					    (unsigned long)i + 1);
			continue;
		}
		*out++ = letter[hdrpick_row(h, n, cells, lens,
					    (unsigned long)i + 1)];
		*out = '\0';
	}
}

#define HEAD "STT|Họ và tên|Số CCCD|Ngày sinh|Mã đối tượng"
#define ROW1 "1|Nguyễn Văn An|084080000001|15/03/1980|HN"
#define ROW2 "2|Trần Thị Bình|084175000002|02/07/1975|HN"

struct rcase {
	const char *name;
	const char *rows[12];
	const char *want;
};

static const struct rcase cases[] = {
	{ "plain rows", { HEAD, ROW1, ROW2, NULL }, "DD" },
	{ "numbering right under the header",
	  { HEAD, "(1)|(2)|(3)|(4)|(5)", ROW1, NULL },
	  "ND" },
	{ "a numbering row further down is data",
	  { HEAD, ROW1, "(1)|(2)|(3)|(4)|(5)", NULL },
	  "DD" },
	{ "totals line and signature block",
	  { HEAD, ROW1, ROW2, "|Tổng cộng: 2 người||||",
	    "|||Càng Long, ngày 28 tháng 6 năm 2024|",
	    "|Người lập biểu||Thủ trưởng đơn vị|", "|Nguyễn Thị Lập||||",
	    NULL },
	  "DDFFFF" },
	{ "a signature in the birth-date column is no birth date",
	  { HEAD, ROW1, "|Cộng||||", "|||Thủ trưởng đơn vị|", NULL },
	  "DFF" },
	{ "after the footer, a row with an ID is data",
	  { HEAD, ROW1, "|Tổng cộng||||", "|Lê Văn Sau|084080000009||HN",
	    NULL },
	  "DFD" },
	{ "after the footer, a row with a birth date is data",
	  { HEAD, ROW1, "|Tổng cộng||||", "|Lê Văn Sau||01/01/1980|HN", NULL },
	  "DFD" },
	{ "a totals line with an ID-like number is data",
	  { HEAD, ROW1, "|Tổng cộng|123456789012||", NULL },
	  "DD" },
	{ "a name that starts like a footer word but has a birth date",
	  { HEAD, ROW1, "3|Công Văn Tằng|084080000003|01/01/1980|HN", NULL },
	  "DD" },
	{ "a person row without a footer line before it is data",
	  { HEAD, ROW1, "|Nguyễn Thị Lập||||", NULL },
	  "DD" },
};

static void rows_under_the_header(void **state)
{
	struct hdrpick h;
	char got[16];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		classify(cases[i].rows, got, &h);
		if (strcmp(got, cases[i].want))
			fail_msg("%s: got %s, want %s", cases[i].name, got,
				 cases[i].want);
		hdrpick_release(&h);
	}
}

/*
 * A header that matches alone (it has Mã số BHXH) with the ID columns
 * under a merged "Giấy tờ tùy thân": the row under it is a sub-header,
 * joined: person_id and cmnd are mapped, the header is two rows ending
 * on the sub-header's line, and a numbering row may follow it.
 */
static void subheader_is_joined(void **state)
{
	static const char *const rows[] = {
		"STT|Họ và tên|Giấy tờ tùy thân||Mã số BHXH|Ngày sinh|Mã "
		"đối tượng",
		"||Số CCCD/ĐDCN|Số CMND||||", "(1)|(2)|(3)|(4)|(5)|(6)|(7)",
		"1|Nguyễn Văn An|084080000001||8400000001|15/03/1980|HN", NULL
	};
	struct hdrpick h;
	char got[16];

	(void)state;
	classify(rows, got, &h);
	assert_string_equal(got, "SND");
	assert_int_equal(h.map.col[F_PERSON_ID], 2);
	assert_int_equal(h.map.col[F_CMND], 3);
	assert_int_equal(h.map.col[F_BHXH], 4);
	assert_int_equal(h.rows, 2);
	assert_int_equal(h.line, 2);
	assert_string_equal(hdrpick_text(&h, 2), "Số CCCD/ĐDCN");
	hdrpick_release(&h);
}

/* A row under a header that is not all headers is data, not joined. */
static void data_is_no_subheader(void **state)
{
	static const char *const rows[] = {
		"STT|Họ và tên|Giấy tờ tùy thân||Mã số BHXH|Ngày sinh|Mã "
		"đối tượng",
		"||Số CCCD|Nguyễn Văn An||||", NULL
	};
	struct hdrpick h;
	char got[16];

	(void)state;
	classify(rows, got, &h);
	assert_string_equal(got, "D");
	assert_int_equal(h.map.col[F_PERSON_ID], -1);
	assert_int_equal(h.rows, 1);
	hdrpick_release(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rows_under_the_header),
		cmocka_unit_test(subheader_is_joined),
		cmocka_unit_test(data_is_no_subheader),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
