/*
 * test_partition.c: one partition of a run and the merge's reading of it
 * (etl/partition.h, rules.md R7.13): the partition of a key is fixed
 * (the same values on every machine and version that may be merged
 * together); --partition's values; a partition keeps its rows only, and
 * coverage rows whatever their key; the lists and partition-keys.csv of
 * a partition read back give the same rows, cells that need quoting
 * (commas, quotes, line breaks, end spaces) and all, and the same
 * bytes written again; files that are not as a partition writes them are
 * refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "output.h"
#include "partition.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The partition function is part of the folder format: never changes. */
static void partition_of_is_fixed(void **state)
{
	static const struct {
		uint64_t key;
		uint32_t n, part;
	} want[] = {
		{ 0, 2, 1 },
		{ 1, 2, 0 },
		{ 79012345678ULL, 7, 3 },
		{ 79012345679ULL, 7, 5 },
		{ 0xffffffffffffffffULL, 4096, 1043 },
	};
	uint32_t seen[7] = { 0 }, k;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		assert_int_equal(out_partition_of(want[i].key, want[i].n),
				 want[i].part);
	for (k = 0; k < 7000; k++)
		seen[out_partition_of(k, 7)]++;
	for (k = 0; k < 7; k++) /* every partition gets its share */
		assert_in_range(seen[k], 850, 1150);
	assert_int_equal(out_partition_of(12345, 1), 0);
}

static void parse_values(void **state)
{
	static const char *const bad[] = { "0/0",  "3/2",  "2/2",    "junk",
					   "1/",   "/2",   "-1/2",   "1/-2",
					   "1/2x", " 1/2", "0/4097", "",
					   "1//2", "1/+2", "0x1/2" };
	uint32_t i = 9, n = 9;
	size_t k;

	(void)state;
	assert_int_equal(partition_parse("0/1", &i, &n), 0);
	assert_int_equal(i, 0);
	assert_int_equal(n, 1);
	assert_int_equal(partition_parse("6/7", &i, &n), 0);
	assert_int_equal(i, 6);
	assert_int_equal(n, 7);
	assert_int_equal(partition_parse("4095/4096", &i, &n), 0);
	for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++)
		assert_int_equal(partition_parse(bad[k], &i, &n), -1);
}

/* A renew row (12 cells) of key: cells[3] the name. */
static void renew(struct outputs *o, uint64_t key, const char *commune,
		  const char *name)
{
	const char *c[12] = { "079012345678",
			      "",
			      "HN4797912345678",
			      name,
			      "1990-03-12",
			      "F",
			      commune,
			      "HN",
			      "5",
			      "",
			      "",
			      "" };

	out_add(o, L_RENEW, commune, key, R_NONE, c);
}

/* A review row about line of source (9 cells). */
static void review(struct outputs *o, const char *source, unsigned line,
		   const char *detail)
{
	char ln[16];
	const char *c[9] = { source, ln, "", "", "NOT_IN_REGISTRY",
			     detail, "", "", "" };

	snprintf(ln, sizeof(ln), "%u", line);
	out_add(o, L_REVIEW, source, line, R_NOT_IN_REGISTRY, c);
}

static const char *const names[] = {
	"NGUYỄN VĂN AN", "a, b", "say \"hi\"", "two\nlines", "cr\r\nlf",
	" spaces ",	 "",	 "\"",	       ",",	     "x\"\"y",
};
#define NNAMES (sizeof(names) / sizeof(names[0]))

/* Rows of every kind into o: keys 1..40, two communes, notes. */
static void fill(struct outputs *o)
{
	uint64_t k;

	for (k = 1; k <= 40; k++)
		renew(o, k, k % 3 ? "29266" : "29269", names[k % NNAMES]);
	for (k = 1; k <= 12; k++)
		review(o, k % 2 ? "roster, HN" : "registry", (unsigned)k,
		       names[k % NNAMES]);
	o->cov = xcalloc(2, sizeof(*o->cov));
	o->ncov = 2;
	strcpy(o->cov[0].commune, "29266");
	o->cov[0].population = 40;
	o->cov[0].insured = 30;
	o->cov[0].bhtn = 3;
	strcpy(o->cov[1].commune, "29269");
	o->cov[1].population = 7;
}

/* The text of dir/name. */
static char *slurp_file(const char *dir, const char *name)
{
	char path[256], *buf = xmalloc(1 << 16);
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	assert_non_null(f);
	n = fread(buf, 1, (1 << 16) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void keeps_its_rows_only(void **state)
{
	struct outputs o;
	size_t i;
	int l;

	(void)state;
	outputs_init(&o);
	o.part_index = 1;
	o.part_count = 3;
	fill(&o);
	for (l = 0; l < L_COVERAGE; l++)
		for (i = 0; i < o.lists[l].n; i++)
			assert_int_equal(
				out_partition_of(o.lists[l].rows[i].key, 3), 1);
	assert_true(o.lists[L_RENEW].n > 5 && o.lists[L_RENEW].n < 30);
	assert_int_equal(o.lists[L_RENEW].by_reason[R_NONE],
			 o.lists[L_RENEW].n);
	/* coverage rows stay, whatever their key */
	for (i = 0; i < 6; i++) {
		const char *c[COV_NCOLS] = { "29266", "x" };
		int k;

		for (k = 2; k < COV_NCOLS; k++)
			c[k] = "";
		out_add(&o, L_COVERAGE, "29266", i, R_NONE, c);
	}
	assert_int_equal(o.lists[L_COVERAGE].n, 6);
	outputs_release(&o);
}

/* Partition p of 2 of fill()'s rows written into dir. */
static void write_part(const char *dir, uint32_t p)
{
	struct etl_err err = { "" };
	struct outputs o;

	outputs_init(&o);
	o.part_index = p;
	o.part_count = 2;
	fill(&o);
	o.cov[0].population = 10 + p;
	assert_int_equal(out_write_all_and(&o, dir, partition_write_keys,
					   (void *)dir, &err),
			 0);
	outputs_release(&o);
}

/* Read the partitions dirs[0..n) back and write them into out. */
static int merge_into(char dirs[][32], int n, const char *out)
{
	struct etl_err err = { "" };
	struct outputs o;
	int p, rc = 0;

	outputs_init(&o);
	for (p = 0; p < n && !rc; p++)
		rc = partition_read(dirs[p], &o, &err);
	if (!rc) {
		assert_int_equal(o.ncov, 2);
		assert_int_equal(o.cov[0].population, 21);
		assert_int_equal(o.cov[0].bhtn, 6);
		assert_int_equal(out_write_all(&o, out, &err), 0);
	}
	outputs_release(&o);
	return rc;
}

static void rm_rf(const char *dir)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* Append text to dir/name. */
static void append(const char *dir, const char *name, const char *text)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "a");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void read_back(void **state)
{
	char dirs[4][32] = { "/tmp/tp.0.XXXXXX", "/tmp/tp.1.XXXXXX",
			     "/tmp/tp.all.XXXXXX", "/tmp/tp.mrg.XXXXXX" };
	struct etl_err err = { "" };
	struct outputs all;
	char *a, *b;
	int i;

	(void)state;
	for (i = 0; i < 4; i++)
		assert_non_null(mkdtemp(dirs[i]));
	write_part(dirs[0], 0);
	write_part(dirs[1], 1);
	outputs_init(&all);
	fill(&all);
	assert_int_equal(out_write_all(&all, dirs[2], &err), 0);
	outputs_release(&all);
	assert_int_equal(merge_into(dirs, 2, dirs[3]), 0);
	for (i = 0; i < L_N; i++) {
		a = slurp_file(dirs[2], list_file((enum list)i));
		b = slurp_file(dirs[3], list_file((enum list)i));
		assert_string_equal(a, b);
		free(a);
		free(b);
	}
	a = slurp_file(dirs[2], "renew.csv"); /* cells that need quotes */
	assert_non_null(strstr(a, "\"two\nlines\""));
	assert_non_null(strstr(a, "\"say \"\"hi\"\"\""));
	free(a);
	/* a row more in a list than partition-keys.csv gives: refused */
	append(dirs[1], "renew.csv", "1,2,3,4,5,6,7,8,9,10,11,12\n");
	assert_int_equal(merge_into(dirs, 2, dirs[3]), -1);
	/* a key more in partition-keys.csv than its list has rows: refused */
	write_part(dirs[1], 1);
	append(dirs[1], PARTITION_KEYS, "renew.csv,29266,4,\n");
	assert_int_equal(merge_into(dirs, 2, dirs[3]), -1);
	/* a reason that is none, a count that is no number: refused */
	write_part(dirs[1], 1);
	append(dirs[1], PARTITION_KEYS, "review.csv,x,99,NO_SUCH\n");
	assert_int_equal(merge_into(dirs, 2, dirs[3]), -1);
	write_part(dirs[1], 1);
	append(dirs[1], PARTITION_COVERAGE, "29272,1,x,0,0,0\n");
	assert_int_equal(merge_into(dirs, 2, dirs[3]), -1);
	/* a quote left open to the end: refused */
	write_part(dirs[1], 1);
	append(dirs[1], PARTITION_COVERAGE, "\"29272,1,1,0,0,0\n");
	assert_int_equal(merge_into(dirs, 2, dirs[3]), -1);
	write_part(dirs[1], 1);
	assert_int_equal(merge_into(dirs, 2, dirs[3]), 0);
	for (i = 0; i < 4; i++)
		rm_rf(dirs[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(partition_of_is_fixed),
		cmocka_unit_test(parse_values),
		cmocka_unit_test(keeps_its_rows_only),
		cmocka_unit_test(read_back),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
