/*
 * test_stream.c: a roster's wage and months (rules.md R3.17) as rows
 * keep them, and the row stream of the stage commands (stream.h): they
 * travel in it, and a stream written before them still reads.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "copytext.h"
#include "stream.h"
#include "testkit.h"

struct fx {
	struct ref ref;
	struct batch b;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct date start = date_make(2024, 1, 1),
		    today = date_make(2024, 6, 30);
	struct etl_err err;

	ref_init(&f->ref);
	assert_int_equal(ref_load_groups(&f->ref, NULL, &err), 0);
	batch_init(&f->b, &f->ref, 2024, &start, &today);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	batch_release(&f->b);
	ref_release(&f->ref);
	free(f);
	return 0;
}

/* Normalise one row of kind with a wage and months cell (NULL: absent). */
static enum reason row(struct batch *b, enum kind kind, const char *wage,
		       const char *months, struct rec *r)
{
	const char *raw[F_NFIELDS] = { 0 }, *detail;

	raw[F_PERSON_ID] = "084089000029";
	raw[F_NAME] = "Tô Văn Quang";
	raw[F_DOB] = "1989-09-19";
	raw[F_SEX] = "Nam";
	raw[F_COMMUNE] = "29266";
	raw[F_GROUP] = kind == KIND_REGISTRY ? NULL : "DN";
	raw[F_WAGE] = wage;
	raw[F_MONTHS] = months;
	return rec_normalise(b, kind, raw, 0, r, &detail);
}

static void roster_keeps_wage_and_months(void **state)
{
	static const struct {
		enum kind kind;
		const char *wage, *months;
		uint32_t want_wage;
		unsigned want_months, want_flags;
	} cases[] = {
		{ KIND_ROSTER, "5.000.000", "6", 5000000, 6, 0 },
		{ KIND_ROSTER, "5,000,000", "12 tháng", 5000000, 12, 0 },
		{ KIND_ROSTER, "5000000", NULL, 5000000, 0, 0 },
		{ KIND_ROSTER, NULL, NULL, 0, 0, 0 },
		{ KIND_ROSTER, "", "", 0, 0, 0 },
		/* unreadable: unknown and flagged, the row kept */
		{ KIND_ROSTER, "năm triệu", "6", 0, 6, NF_WAGE_UNREADABLE },
		{ KIND_ROSTER, "5.000.000", "13", 5000000, 0,
		  NF_MONTHS_UNREADABLE },
		{ KIND_ROSTER, "2,34", "0", 0, 0,
		  NF_WAGE_UNREADABLE | NF_MONTHS_UNREADABLE },
		/* other kinds keep neither, and flag nothing */
		{ KIND_REGISTRY, "5.000.000", "6", 0, 0, 0 },
		{ KIND_PRIOR, "năm triệu", "13", 0, 0, 0 },
	};
	struct fx *f = *state;
	struct rec r;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(row(&f->b, cases[i].kind, cases[i].wage,
				     cases[i].months, &r),
				 R_NONE);
		if (r.wage != cases[i].want_wage ||
		    r.months != cases[i].want_months ||
		    (r.flags & (NF_WAGE_UNREADABLE | NF_MONTHS_UNREADABLE)) !=
			    cases[i].want_flags)
			fail_msg("case %zu: wage %u months %u flags %#x", i,
				 (unsigned)r.wage, (unsigned)r.months,
				 (unsigned)r.flags);
	}
	assert_int_equal(sizeof(struct rec), 128);
}

/* The rows stream_read gives back from text (a stream of lines). */
static size_t read_text(struct batch *b, const char *text)
{
	FILE *f = tmpfile();
	struct etl_err err;
	size_t n0 = b->nrecs;

	assert_non_null(f);
	fputs(text, f);
	rewind(f);
	if (stream_read(b, f, "test", &err) != 0)
		fail_msg("%s", err.msg);
	fclose(f);
	return b->nrecs - n0;
}

static void stream_carries_wage_and_months(void **state)
{
	struct fx *f = *state;
	struct strbuf sb;
	struct rec r;
	FILE *out = tmpfile();
	char text[4096];
	size_t n;

	testkit_sources(&f->b);
	assert_int_equal(row(&f->b, KIND_ROSTER, "5.000.000", "6", &r), R_NONE);
	r.src = 2;
	r.line = 7;
	sb_init(&sb, 0);
	stream_write_rec(&sb, out, &f->b, &r);
	sb_release(&sb);
	rewind(out);
	n = fread(text, 1, sizeof(text) - 1, out);
	fclose(out);
	text[n] = '\0';
	assert_int_equal(read_text(&f->b, text), 1);
	assert_int_equal(f->b.recs[f->b.nrecs - 1].wage, 5000000);
	assert_int_equal(f->b.recs[f->b.nrecs - 1].months, 6);
	assert_int_equal(f->b.recs[f->b.nrecs - 1].line, 7);
}

/*
 * A line of a stream written before the wage and months fields: kind,
 * source, line, the 20 fields before them, sex_checkbox, flags, key,
 * state, reason, raw.
 */
static void old_stream_reads(void **state)
{
	static const char old[] =
		"roster\troster\t9\t084089000029\t\\N\t\\N\t\\N\tTô Văn "
		"Quang\t1989-09-19\tM\t29266\tDN\t\\N\t\\N\t\\N\t\\N\t\\N\t"
		"\\N\t\\N\t\\N\t\\N\tTV0101\tBHYT\t0\t\\N\t\\N\t\\N\t\\N\t"
		"\\N\n";
	struct fx *f = *state;
	const struct rec *r;

	testkit_sources(&f->b);
	assert_int_equal(read_text(&f->b, old), 1);
	r = &f->b.recs[f->b.nrecs - 1];
	assert_int_equal(r->line, 9);
	assert_int_equal(r->wage, 0);
	assert_int_equal(r->months, 0);
	assert_string_equal(r->unit, "TV0101");
	assert_int_equal(r->schemes, SCHEME_BHYT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(roster_keeps_wage_and_months,
						setup, teardown),
		cmocka_unit_test_setup_teardown(stream_carries_wage_and_months,
						setup, teardown),
		cmocka_unit_test_setup_teardown(old_stream_reads, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
