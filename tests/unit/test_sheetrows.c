/*
 * test_sheetrows.c: sheets past the row limit (lists.h, tonghop.h) go on
 * in parts, tried with a small limit (lists_test_sheet_rows) on the small
 * fixture: the lists of a run on fixtures/small (tests/e2e/golden/small/
 * *.csv) read back into the outputs with the same reference tables, once
 * or six times over (the uninsured 25 times; each copy's names marked, so
 * every row is told apart), and written with workbooks_write.  Checked here:
 * the hook's bounds, the parts' names, every part within the limit (read back
 * with xlsxin.h), nothing changed below the limit, the summary's request sheet
 * past it an error that leaves no workbook behind.
 *
 * SHEETROWS_KEEP=DIR keeps the workbooks for tests/xlsx/check.sh, which
 * reads them with openpyxl (tests/xlsx/sheetrows.py): DIR/x1 (the fixture,
 * default limit: its dump is golden/small/lists.txt), DIR/x6 (six
 * copies, default limit), DIR/x6-30 (six copies, 30 rows), DIR/x1-20
 * (the filing units' workbooks only, 20 rows).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "csvin.h"
#include "lists.h"
#include "money.h"
#include "output.h"
#include "pipeline.h"
#include "rec.h"
#include "tonghop.h"
#include "xlsxin.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define GOLDEN "tests/e2e/golden/small/"

struct fix {
	struct ref ref;
	struct batch b;
	struct outputs o;
	char dir[256];
	int keep; /* SHEETROWS_KEEP: leave dir */
};

/* Reading one list's CSV into the outputs. */
struct reader {
	struct outputs *o;
	enum list l;
	int copy; /* 0: as is; else the names marked " <copy + 1>" */
	int commune, name, reason; /* columns, -1 if none */
	unsigned long n;
};

static int col_index(const struct csvin_row *row, const char *name)
{
	int i;

	for (i = 0; i < row->nfields; i++)
		if (!strcmp(row->fields[i], name))
			return i;
	return -1;
}

static int on_header(void *ctx, const struct csvin_row *row,
		     struct etl_err *err)
{
	struct reader *r = ctx;
	char h[2048] = "";
	int i;

	for (i = 0; i < row->nfields; i++)
		snprintf(h + strlen(h), sizeof(h) - strlen(h), "%s%s",
			 i ? "," : "", row->fields[i]);
	if (strcmp(h, list_header(r->l)))
		return etl_errf(err, "%s: not the list's header", h);
	r->commune = col_index(row, "commune_code");
	r->name = col_index(row, "full_name");
	r->reason = col_index(row, "reason");
	return 0;
}

static void on_row(void *ctx, const struct csvin_row *row)
{
	struct reader *r = ctx;
	const char *c[LIST_MAX_COLS];
	char name[256];
	int i;

	for (i = 0; i < row->nfields && i < LIST_MAX_COLS; i++)
		c[i] = row->fields[i];
	if (r->copy && r->name >= 0) {
		snprintf(name, sizeof(name), "%s %d", c[r->name], r->copy + 1);
		c[r->name] = name;
	}
	out_add(r->o, r->l, r->commune >= 0 ? c[r->commune] : "",
		(uint64_t)r->copy << 32 | ++r->n,
		r->reason >= 0 ? reason_parse(c[r->reason]) : R_NONE, c);
}

static void on_reject(void *ctx, unsigned long line, const char *reason,
		      const char *detail, const char *raw, size_t raw_len)
{
	(void)ctx;
	(void)raw;
	(void)raw_len;
	fail_msg("line %lu rejected: %s (%s)", line, reason, detail);
}

/* Add the rows of GOLDEN/<list>.csv to o (copy: see struct reader). */
static void read_list(struct outputs *o, enum list l, int copy)
{
	struct reader r = { o, l, copy, -1, -1, -1, 0 };
	struct csvin_cb cb = { on_header, on_row, on_reject, &r };
	struct csvin_stats st;
	struct etl_err err = { "" };
	char path[256];

	snprintf(path, sizeof(path), GOLDEN "%s", list_file(l));
	if (csvin_read(path, NULL, &cb, &st, &err) < 0)
		fail_msg("%s: %s", path, err.msg);
}

/*
 * The small fixture's lists (copies times; coverage once; the uninsured
 * 25 times when copies > 1) and reference
 * tables as `doisoat run --period 2024 --today 2024-06-30` has them;
 * f->dir: SHEETROWS_KEEP/name, else a new temporary folder.
 */
static void setup_fix(struct fix *f, int copies, const char *name)
{
	static const enum list lists[] = { L_INCREASE, L_DECREASE, L_CHANGE,
					   L_RENEW, L_REVIEW };
	struct run_opts ro;
	struct etl_err err = { "" };
	struct date start = date_make(2024, 1, 1),
		    today = date_make(2024, 6, 30);
	const char *keep = getenv("SHEETROWS_KEEP");
	size_t i;
	int c;

	lists_test_sheet_rows(0); /* a failed test left it set */
	memset(&ro, 0, sizeof(ro));
	ro.period = 2024;
	ro.today = today;
	ro.areas = "fixtures/small/areas.csv";
	ro.targets = "fixtures/small/targets.csv";
	ro.units = "fixtures/small/units.csv";
	ref_init(&f->ref);
	if (pipeline_ref(&f->ref, &ro, &err) < 0)
		fail_msg("%s", err.msg);
	batch_init(&f->b, &f->ref, 2024, &start, &today);
	outputs_init(&f->o);
	for (c = 0; c < copies; c++)
		for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
			read_list(&f->o, lists[i], c);
	/* more uninsured, so that their section too goes on in parts */
	for (c = 0; c < (copies > 1 ? 25 : 1); c++)
		read_list(&f->o, L_UNINSURED, c);
	read_list(&f->o, L_COVERAGE, 0);
	f->keep = keep && keep[0];
	if (f->keep) {
		snprintf(f->dir, sizeof(f->dir), "%s/%s", keep, name);
		mkdir(keep, 0700);
		assert_int_equal(mkdir(f->dir, 0700), 0);
	} else {
		snprintf(f->dir, sizeof(f->dir), "/tmp/test_sheetrows.XXXXXX");
		assert_non_null(mkdtemp(f->dir));
	}
}

static void rm_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[512];

	if (!d)
		return;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
			unlink(p);
		}
	closedir(d);
	rmdir(dir);
}

static void teardown_fix(struct fix *f)
{
	lists_test_sheet_rows(0);
	outputs_release(&f->o);
	batch_release(&f->b);
	ref_release(&f->ref);
	if (!f->keep)
		rm_dir(f->dir);
}

/* The sheets of a workbook: "name:rows" each, joined by '|'. */
struct sheets {
	char s[8192];
	unsigned long most; /* the most rows of a sheet */
};

static int any_header(void *ctx, const struct csvin_row *row,
		      struct etl_err *err)
{
	(void)ctx;
	(void)row;
	(void)err;
	return 0;
}

static void no_row(void *ctx, const struct csvin_row *row)
{
	(void)ctx;
	(void)row;
}

static void no_reject(void *ctx, unsigned long line, const char *reason,
		      const char *detail, const char *raw, size_t raw_len)
{
	(void)ctx;
	(void)line;
	(void)reason;
	(void)detail;
	(void)raw;
	(void)raw_len;
}

static void sheet_end(void *ctx, const struct xlsxin_sheet *sh)
{
	struct sheets *s = ctx;
	size_t len = strlen(s->s);

	snprintf(s->s + len, sizeof(s->s) - len, "%s%s:%lu", len ? "|" : "",
		 sh->name, sh->lines);
	if (sh->lines > s->most)
		s->most = sh->lines;
}

static void sheets_of(const char *dir, const char *file, struct sheets *s)
{
	struct csvin_cb cb = { any_header, no_row, no_reject, s };
	struct xlsxin_opts opts = { 0 };
	struct xlsxin_stats st;
	struct etl_err err = { "" };
	char path[512];

	memset(s, 0, sizeof(*s));
	opts.on_sheet_end = sheet_end;
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (xlsxin_read(path, &opts, &cb, &st, &err) < 0)
		fail_msg("%s: %s", path, err.msg);
}

/* Do the workbooks of two folders hold the same bytes? */
static int same_books(const char *a, const char *b)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd),
		 "n=0; for f in %s/*.xlsx; do n=$((n+1)); cmp -s \"$f\" "
		 "\"%s/${f##*/}\" || exit 1; done; "
		 "[ $n = $(ls %s | grep -c '\\.xlsx$') ]",
		 a, b, b);
	return system(cmd) == 0;
}

/* A sheet name of 31 characters, 42 bytes. */
#define LONG "29266 Thị trấn Càng Long Mới Áo"

/* The hook's bounds; the parts' names. */
static void hook_and_names(void **state)
{
	char out[128];

	(void)state;
	assert_int_equal(lists_sheet_rows(), LISTS_SHEET_ROWS);
	lists_test_sheet_rows(30);
	assert_int_equal(lists_sheet_rows(), 30);
	lists_test_sheet_rows(5);
	assert_int_equal(lists_sheet_rows(), LISTS_MIN_SHEET_ROWS);
	lists_test_sheet_rows(LISTS_SHEET_ROWS + 1);
	assert_int_equal(lists_sheet_rows(), LISTS_SHEET_ROWS);
	lists_test_sheet_rows(30);
	lists_test_sheet_rows(0);
	assert_int_equal(lists_sheet_rows(), LISTS_SHEET_ROWS);

	lists_part_name("D03-TS HN", 1, out, sizeof(out));
	assert_string_equal(out, "D03-TS HN");
	lists_part_name("D03-TS HN", 2, out, sizeof(out));
	assert_string_equal(out, "D03-TS HN (2)");
	lists_part_name("Điều chỉnh", 10, out, sizeof(out));
	assert_string_equal(out, "Điều chỉnh (10)");
	/* 31 characters: cut to 27 for " (2)", to 26 for " (12)"; a space
	   before the suffix dropped; whole characters, never bytes */
	lists_part_name(LONG, 1, out, sizeof(out));
	assert_string_equal(out, LONG);
	lists_part_name(LONG, 2, out, sizeof(out));
	assert_string_equal(out, "29266 Thị trấn Càng Long Mớ (2)");
	lists_part_name(LONG, 12, out, sizeof(out));
	assert_string_equal(out, "29266 Thị trấn Càng Long M (12)");
	lists_part_name(LONG, 100, out, sizeof(out));
	assert_string_equal(out, "29266 Thị trấn Càng Long (100)");
}

/*
 * Six copies of the fixture at 30 rows: the long sheets go on in parts,
 * each within the limit, named "<name> (k)" after the first.
 */
static void parts_within_the_limit(void **state)
{
	struct fix f;
	struct etl_err err = { "" };
	struct sheets s;

	(void)state;
	setup_fix(&f, 6, "x6-30");
	lists_test_sheet_rows(30);
	assert_int_equal(workbooks_write(&f.o, &f.b, f.dir, &err), 0);
	sheets_of(f.dir, "29266.xlsx", &s);
	assert_true(s.most <= 30);
	assert_non_null(strstr(s.s, "|D03-TS TE:"));
	assert_non_null(strstr(s.s, "|D03-TS TE (2):"));
	assert_non_null(strstr(s.s, "|D03-TS TE (3):"));
	assert_non_null(strstr(s.s, "|Điều chỉnh (2):"));
	assert_null(strstr(s.s, "|Điều chỉnh (3):"));
	sheets_of(f.dir, "TV0101.xlsx", &s);
	assert_true(s.most <= 30);
	assert_non_null(strstr(s.s, "D02-LT (2):"));
	sheets_of(f.dir, TONGHOP_FILE, &s);
	assert_true(s.most <= 30);
	assert_non_null(strstr(s.s, "|29266 Thị trấn Càng Long (3):"));
	assert_non_null(strstr(s.s, "|29266 Thị trấn Càng Long (6):"));
	assert_non_null(strstr(s.s, "|29269 Xã Mỹ Cẩm (2):"));
	teardown_fix(&f);
}

/* The same lists at the default limit (kept for the openpyxl check). */
static void six_copies_at_the_default(void **state)
{
	struct fix f;
	struct etl_err err = { "" };
	struct sheets s;

	(void)state;
	setup_fix(&f, 6, "x6");
	assert_int_equal(workbooks_write(&f.o, &f.b, f.dir, &err), 0);
	sheets_of(f.dir, "29266.xlsx", &s);
	assert_null(strstr(s.s, "(2)"));
	teardown_fix(&f);
}

/*
 * The fixture once: every sheet has room at 30 rows (the longest, the
 * request to buy, has 30), so the workbooks are those of the default
 * limit, byte for byte.
 */
static void nothing_changes_below_the_limit(void **state)
{
	struct fix f;
	struct etl_err err = { "" };
	char dir2[64] = "/tmp/test_sheetrows.XXXXXX";

	(void)state;
	setup_fix(&f, 1, "x1");
	assert_int_equal(workbooks_write(&f.o, &f.b, f.dir, &err), 0);
	assert_non_null(mkdtemp(dir2));
	lists_test_sheet_rows(30);
	assert_int_equal(workbooks_write(&f.o, &f.b, dir2, &err), 0);
	assert_true(same_books(f.dir, dir2));
	rm_dir(dir2);
	teardown_fix(&f);
}

/*
 * At 20 rows, the fewest, the filing units' workbooks are written (every
 * part within 20 rows); the summary's request to buy (30 rows, not
 * continued) fails the summary with a message naming it, and leaves no
 * file behind.
 */
static void the_fewest_rows(void **state)
{
	struct fix f;
	struct etl_err err = { "" };
	struct lists_plan *t;
	struct sheets s;
	DIR *d;
	struct dirent *e;
	int books = 0;

	(void)state;
	setup_fix(&f, 1, "x1-20");
	lists_test_sheet_rows(20);
	assert_int_equal(lists_write(&f.o, &f.b, f.dir, &err), 0);
	t = lists_plan_new(&f.o, &f.b);
	assert_int_equal(tonghop_write(&f.o, &f.b, t, f.dir, &err), -1);
	lists_plan_free(t);
	assert_non_null(strstr(err.msg, "'Đề nghị mua thẻ'"));
	assert_non_null(strstr(err.msg, TONGHOP_FILE));
	d = opendir(f.dir);
	assert_non_null(d);
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		assert_string_not_equal(e->d_name, TONGHOP_FILE);
		assert_true(e->d_name[0] != '.'); /* no temporary file left */
		sheets_of(f.dir, e->d_name, &s);
		assert_true(s.most <= 20);
		books++;
	}
	closedir(d);
	assert_int_equal(books, 5);
	sheets_of(f.dir, "29266.xlsx", &s);
	assert_non_null(strstr(s.s, "|D03-TS TE (2):"));
	teardown_fix(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hook_and_names),
		cmocka_unit_test(parts_within_the_limit),
		cmocka_unit_test(six_copies_at_the_default),
		cmocka_unit_test(nothing_changes_below_the_limit),
		cmocka_unit_test(the_fewest_rows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
