/*
 * test_lists.c: the lists people file (etl/lists.h) written from small
 * lists built by hand: which filing unit gets a workbook (employer,
 * school, commune, the BHXH office, "unit unknown", the unit that filed
 * a decreased card, an agent of the units file), the files' names and
 * mode, a unit key that would take the summary's name (tonghop.h) or a
 * hidden one, byte-identical output on a second run, and lists_is_name.
 * The
 * cells are read back by tests/xlsx/check.py (make test-xlsx).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "lists.h"
#include "tonghop.h"
#include "output.h"
#include "rec.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct fix {
	struct ref ref;
	struct batch b;
	struct outputs o;
	char dir[64];
};

/* increase.csv columns: unit_code, household_code, wage, months last */
static void inc(struct outputs *o, const char *pid, const char *commune,
		const char *group, const char *unit, uint64_t key)
{
	const char *c[16] = { pid,
			      "",
			      "NGUYỄN VĂN AN",
			      "1990-03-12",
			      "M",
			      commune,
			      group,
			      "4",
			      "",
			      "2024-01-01",
			      "NEW",
			      "roster",
			      unit,
			      "H0001",
			      "",
			      "" };

	out_add(o, L_INCREASE, commune, key, R_NEW, c);
}

/* decrease.csv columns: the card's unit_code after hospital_code */
static void dec(struct outputs *o, const char *pid, const char *commune,
		const char *group, const char *unit, uint64_t key)
{
	const char *c[13] = { pid,
			      "",
			      "HN2840012345678",
			      "LÊ VĂN C",
			      "1950",
			      "M",
			      commune,
			      group,
			      "2023-12-31",
			      "NOT_ON_ROSTER",
			      "84101",
			      unit,
			      "" };

	out_add(o, L_DECREASE, commune, key, R_NOT_ON_ROSTER, c);
}

/* A group change TE -> HN in commune 29266. */
static void chg(struct outputs *o, uint64_t key)
{
	const char *c[22] = { "084317000222",
			      "",
			      "TE1848400000002",
			      "LÝ THỊ CON",
			      "2017-06-01",
			      "F",
			      "29266",
			      "TE",
			      "HN",
			      "2",
			      "",
			      "GROUP_CHANGED",
			      "84101",
			      "",
			      "",
			      "H0002",
			      "",
			      "",
			      "",
			      "",
			      "",
			      "" };

	out_add(o, L_CHANGE, "29266", key, R_GROUP_CHANGED, c);
}

static void setup_fix(struct fix *f)
{
	struct etl_err err;
	struct date start = date_make(2024, 1, 1),
		    today = date_make(2024, 6, 30);
	FILE *u;
	char units[96];

	ref_init(&f->ref);
	assert_int_equal(ref_load_groups(&f->ref, NULL, &err), 0);
	assert_int_equal(ref_load_communes(&f->ref, NULL, &err), 0);
	snprintf(f->dir, sizeof(f->dir), "/tmp/test_lists.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(units, sizeof(units), "%s/units.txt", f->dir);
	u = fopen(units, "w");
	assert_non_null(u);
	fputs("unit_code,unit_name,kind\nAG1,Đại lý thu 1,agent\n", u);
	fclose(u);
	assert_int_equal(ref_load_units(&f->ref, units, &err), 0);
	unlink(units);
	batch_init(&f->b, &f->ref, 2024, &start, &today);
	outputs_init(&f->o);
	inc(&f->o, "001090000001", "29266", "DN", "TV0101", 1); /* employer */
	inc(&f->o, "001090000002", "29266", "HS", "TH01", 2); /* school */
	inc(&f->o, "001090000003", "29269", "HS", "", 3); /* commune */
	inc(&f->o, "001090000004", "29269", "HT", "", 4); /* BHXH fund */
	inc(&f->o, "001090000005", "29266", "DN", "", 5); /* no employer */
	inc(&f->o, "001090000006", "29272", "GD", "AG1", 6); /* agent */
	inc(&f->o, "001090000007", "29272", "GD", "X9", 7); /* not an agent */
	dec(&f->o, "001090000008", "29266", "HN", "CARDU", 8); /* card's */
	dec(&f->o, "001090000009", "", "HN", "", 9); /* no commune */
	chg(&f->o, 10);
	assert_int_equal(out_write_all(&f->o, f->dir, &err), 0);
}

static void rm_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[512];

	if (!d)
		return;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.') {
			snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
			unlink(p);
		}
	closedir(d);
	rmdir(dir);
}

static void teardown_fix(struct fix *f)
{
	outputs_release(&f->o);
	batch_release(&f->b);
	ref_release(&f->ref);
	rm_dir(f->dir);
}

/* The workbooks of dir (its *.xlsx: lists/<name>), sorted, joined. */
static void workbooks(const char *dir, char *out, size_t n)
{
	struct dirent **v;
	int k, i;

	out[0] = '\0';
	k = scandir(dir, &v, NULL, alphasort);
	assert_true(k >= 0);
	for (i = 0; i < k; i++) {
		char full[300];

		snprintf(full, sizeof(full), LISTS_DIR "/%s", v[i]->d_name);
		if (lists_is_name(full)) {
			size_t len = strlen(out);

			snprintf(out + len, n - len, "%s%s", len ? " " : "",
				 v[i]->d_name);
		}
		free(v[i]);
	}
	free(v);
}

/* One workbook per filing unit, named for it, and none for anyone else. */
static void one_workbook_per_unit(void **state)
{
	struct fix f;
	struct etl_err err = { "" };
	char got[1024], p[256];
	struct stat st;

	(void)state;
	setup_fix(&f);
	assert_int_equal(lists_write(&f.o, &f.b, f.dir, &err), 0);
	workbooks(f.dir, got, sizeof(got));
	assert_string_equal(got, "29266.xlsx 29269.xlsx 29272.xlsx AG1.xlsx "
				 "CARDU.xlsx TH01.xlsx TV0101.xlsx bhxh.xlsx "
				 "chua-ro-don-vi.xlsx");
	snprintf(p, sizeof(p), "%s/TV0101.xlsx", f.dir);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	teardown_fix(&f);
}

/* The same lists give the same bytes. */
static void byte_identical(void **state)
{
	struct fix f;
	struct etl_err err = { "" };
	char dir2[64] = "/tmp/test_lists.XXXXXX", cmd[512];

	(void)state;
	setup_fix(&f);
	assert_non_null(mkdtemp(dir2));
	assert_int_equal(lists_write(&f.o, &f.b, f.dir, &err), 0);
	assert_int_equal(lists_write(&f.o, &f.b, dir2, &err), 0);
	snprintf(cmd, sizeof(cmd),
		 "for f in %s/*.xlsx; do cmp -s \"$f\" "
		 "\"%s/${f##*/}\" || exit 1; done",
		 f.dir, dir2);
	assert_int_equal(system(cmd), 0);
	rm_dir(dir2);
	teardown_fix(&f);
}

/* A folder that cannot be written is an error naming it, no crash. */
static void unwritable_folder(void **state)
{
	struct fix f;
	struct etl_err err = { "" };

	(void)state;
	setup_fix(&f);
	assert_int_equal(lists_write(&f.o, &f.b, "/nonexistent/lists", &err),
			 -1);
	assert_non_null(strstr(err.msg, "/nonexistent/lists"));
	teardown_fix(&f);
}

/*
 * A unit key that would name its workbook as the summary (tong-hop, in
 * any case) gets a leading '_', and so does a hidden one: the summary is
 * never replaced, no workbook hidden.
 */
static void unit_never_takes_the_summary_s_name(void **state)
{
	struct fix f;
	struct etl_err err = { "" };
	char got[1024], p[256];
	struct stat st;

	(void)state;
	setup_fix(&f);
	outputs_release(&f.o);
	outputs_init(&f.o);
	inc(&f.o, "001090000001", "29266", "DN", "tong-hop", 1);
	inc(&f.o, "001090000002", "29266", "DN", "Tong-Hop", 2);
	inc(&f.o, "001090000003", "29266", "DN", ".x", 3);
	assert_int_equal(out_write_all(&f.o, f.dir, &err), 0);
	assert_int_equal(workbooks_write(&f.o, &f.b, f.dir, &err), 0);
	workbooks(f.dir, got, sizeof(got));
	assert_string_equal(got, "_Tong-Hop.xlsx _tong-hop.xlsx _x.xlsx "
				 "tong-hop.xlsx");
	snprintf(p, sizeof(p), "%s/" TONGHOP_FILE, f.dir);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	teardown_fix(&f);
}

static void names(void **state)
{
	(void)state;
	assert_true(lists_is_name("lists/29266.xlsx"));
	assert_true(lists_is_name("lists/chua-ro-don-vi.xlsx"));
	assert_true(lists_is_name("lists/" TONGHOP_FILE));
	assert_false(lists_is_name("lists/.xlsx"));
	assert_false(lists_is_name("lists/.x.xlsx"));
	assert_false(lists_is_name("lists/29266.csv"));
	assert_false(lists_is_name("lists/a/1.xlsx"));
	assert_false(lists_is_name("lists-29266.xlsx"));
	assert_false(lists_is_name("29266.xlsx"));
	assert_false(lists_is_name("d02lt.xlsx"));
	assert_false(lists_is_name("x/lists/1.xlsx"));
	assert_false(lists_is_name("increase.csv"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_workbook_per_unit),
		cmocka_unit_test(byte_identical),
		cmocka_unit_test(unwritable_folder),
		cmocka_unit_test(unit_never_takes_the_summary_s_name),
		cmocka_unit_test(names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
