/*
 * test_schemas.c: the schema migrations built into the binary (etl/sh/
 * embed.sh, the Makefile's schemas rule) are the numbered files of
 * schemas/, byte for byte, in order, versions 1, 2, 3, ... with no gap,
 * without current.sql, and reach PGLOAD_SCHEMA_VERSION.  Run from the top
 * of the checkout (make does).  tests/pg/run.sh migrates a database with
 * them and compares it with schemas/current.sql.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "pgload.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The number a file name starts with, or -1. */
static long name_version(const char *name)
{
	char *end;
	long v = strtol(name, &end, 10);

	return end == name ? -1 : v;
}

static void builtin_in_order_without_gaps(void **state)
{
	const char *name, *prev = NULL, *text;
	size_t i, n = pgload_builtin_schemas(), len;

	(void)state;
	assert_true(n >= PGLOAD_SCHEMA_VERSION);
	for (i = 0; i < n; i++) {
		name = pgload_builtin_schema(i, &text, &len);
		assert_non_null(name);
		assert_int_equal(name_version(name), (long)i + 1);
		assert_string_not_equal(name, PGLOAD_SCHEMA_DUMP);
		assert_true(len > 0);
		assert_int_equal(strlen(text), len);
		if (prev)
			assert_true(strcmp(prev, name) < 0);
		prev = name;
	}
	assert_null(pgload_builtin_schema(n, &text, &len));
}

/* Is name a migration file: starts with a digit, ends in ".sql"? */
static int is_migration(const char *name)
{
	size_t n = strlen(name);

	return name[0] >= '0' && name[0] <= '9' && n > 4 &&
	       !strcmp(name + n - 4, ".sql");
}

static void builtin_equal_the_files(void **state)
{
	static char buf[1 << 20];
	char path[512];
	const char *name, *text;
	struct dirent *d;
	size_t i, len, got, files = 0;
	DIR *dir;
	FILE *f;

	(void)state;
	for (i = 0; (name = pgload_builtin_schema(i, &text, &len)); i++) {
		snprintf(path, sizeof(path), "schemas/%s", name);
		f = fopen(path, "rb");
		if (!f)
			fail_msg("cannot open %s (run from the checkout)",
				 path);
		got = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		assert_int_equal(got, len);
		assert_memory_equal(buf, text, len);
	}
	/* and no migration file in schemas/ is left out */
	dir = opendir("schemas");
	assert_non_null(dir);
	while ((d = readdir(dir)))
		files += is_migration(d->d_name);
	closedir(dir);
	assert_int_equal(files, pgload_builtin_schemas());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(builtin_in_order_without_gaps),
		cmocka_unit_test(builtin_equal_the_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
