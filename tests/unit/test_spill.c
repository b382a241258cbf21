/*
 * test_spill.c: the out-of-core run's pieces (etl/spill.h, rules.md
 * R7.14): --memory-limit's sizes; arena_mark/arena_rewind (util.h), with
 * which pass 1 drops each row it read; pass 1 (spill_plan) on small
 * CSV inputs: rows sharing a personal ID, a CMND, a BHXH code or an
 * accent-free name with the birth year form one group, each group in
 * partition XXH3(its first row) % nparts, the sources' accounting as a
 * plain read's and no row kept; pass 2 (spill_read_part): every
 * partition holds exactly its groups' rows and leads, and the partitions
 * together every row, lead and reject of a plain read exactly once, its
 * strings whole; spill_add_counts.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "pipeline.h"
#include "spill.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xxhash.h>

/* s is a size of v bytes (v 0: refused, *bytes untouched). */
static void size_is(const char *s, unsigned long long v)
{
	unsigned long long got = 7;
	int rc = spill_parse_size(s, &got);

	if (v ? rc < 0 || got != v : rc == 0 || got != 7)
		fail_msg("'%s': %d, %llu", s, rc, got);
}

static void parse_size(void **state)
{
	static const char *const bad[] = { "",	   "0",	  "0G",	 "G",
					   "4X",   "-1",  "4G4", " 4G",
					   "4GBB", "4 G", "+4G", "0x1G",
					   "1.5G", "4G ", "4KG", "4MiB" };
	unsigned long long v;
	size_t i;

	(void)state;
	size_is("4G", 4ull << 30);
	size_is("512M", 512ull << 20);
	size_is("100k", 100ull << 10);
	size_is("1T", 1ull << 40);
	size_is("2GB", 2ull << 30);
	size_is("3g", 3ull << 30);
	size_is("123", 123);
	size_is("4B", 4);
	size_is("17179869183G", ~0ull - (1ull << 30) + 1); /* the largest G */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		size_is(bad[i], 0);
	size_is("99999999999999999999", 0); /* too big, or on overflow */
	size_is("18446744073709551615T", 0);
	size_is("17179869184G", 0);
	size_is("16777216T", 0);
	assert_int_equal(spill_parse_size(NULL, &v), -1);
}

/* Rewinding within a block, across new blocks, and to an empty arena. */
static void arena_rewinds(void **state)
{
	struct arena a;
	struct arena_mark m, m0;
	char *p, *q, *r, *big;
	size_t total, i;

	(void)state;
	arena_init(&a);
	m0 = arena_mark(&a);
	p = arena_strdup(&a, "kept");
	m = arena_mark(&a);
	total = a.total;
	q = arena_alloc(&a, 1000);
	memset(q, 'x', 1000);
	arena_rewind(&a, m);
	assert_int_equal(a.total, total);
	r = arena_alloc(&a, 1000); /* the same place again */
	assert_ptr_equal(r, q);
	arena_rewind(&a, m);
	/* a block of its own for a big allocation, then more small ones */
	big = arena_alloc(&a, 2u << 20);
	memset(big, 'y', 2u << 20);
	assert_true(a.total > total);
	for (i = 0; i < 40; i++) /* 40 * 64 KiB: a new 1 MiB block too */
		memset(arena_alloc(&a, 64u << 10), 'z', 64u << 10);
	assert_true(a.total >= total + (3u << 20));
	arena_rewind(&a, m);
	assert_int_equal(a.total, total);
	assert_ptr_equal(a.head, m.head);
	assert_string_equal(p, "kept");
	r = arena_alloc(&a, 1000);
	assert_ptr_equal(r, q);
	big = arena_alloc(&a, 3u << 20); /* allocating again works */
	memset(big, 'w', 3u << 20);
	assert_string_equal(p, "kept");
	arena_rewind(&a, m0); /* to before the first block: none left */
	assert_null(a.head);
	assert_int_equal(a.total, 0);
	assert_string_equal(arena_strdup(&a, "again"), "again");
	arena_release(&a);
}

/*
 * The inputs.  Groups (the letter after each row): P one personal ID on
 * a card, the registry, the roster and a rejected roster row's lead; C
 * a CMND (the roster row has nothing else in common); B a BHXH code (a
 * card without ID, the registry's column, a roster row); N the
 * demographic key (name key, birth date, sex, commune), and a person's
 * two roster rows (lines 12, 13) that identity may merge while rule 3
 * would see the second and not the first (another commune): the second
 * joins every registry row and card of its accent-free name and birth
 * year in its commune; one row each: h t n (same name as N, another
 * year) r z (a lead only) m (C's CMND in 12 digits: another number) a
 * (N's name without accents and its year: only rule 3 looks at it, from
 * its table) v (N's name and year in line 12's commune, not line 13's).
 * Roster line 9 is a reject without a lead.
 */
static const char prior_csv[] =
	"card_code,person_id,full_name,dob,sex,commune_code,group_code,"
	"benefit_level,hospital_code,valid_from,valid_to\n"
	"HN2848400000001,084080000001,NGUYỄN VĂN AN,15/03/1980,Nam,29266,,,"
	"84101,01/01/2023,31/12/2023\n" /* P */
	"8400000033,,QUÁCH VĂN BỬU,03/03/1977,Nam,29266,GD,4,84101,"
	"01/01/2023,31/12/2023\n" /* B */
	"CN3848400000050,084170000050,ĐỖ THỊ HOA,01/01/1970,Nữ,29269,,,"
	"84101,01/01/2023,31/12/2023\n"; /* h */
static const char registry_csv[] =
	"person_id,cmnd,bhxh_code,full_name,dob,sex,commune_code,ethnicity,"
	"household_code,status,status_date\n"
	"084080000001,,,NGUYỄN VĂN AN,15/03/1980,Nam,29266,Kinh,,,\n" /* P */
	"084175000002,331234567,,TRẦN THỊ BÌNH,02/07/1975,Nữ,29266,Kinh,,,\n"
	"084077000033,,8400000033,QUÁCH VĂN BỬU,03/03/1977,Nam,29266,,,,\n"
	"084060000004,,,Nguyễn Văn A,01/01/1960,Nam,29269,Kinh,,,\n" /* N */
	"084070000005,,,PHẠM VĂN TƯ,05/05/1970,Nam,29269,Kinh,,,\n" /* t */
	"084061000006,,,Nguyễn Văn A,01/01/1961,Nam,29269,Kinh,,,\n" /* n */
	"084060000011,,,Nguyễn Văn A,05/05/1960,Nam,29266,Kinh,,,\n"; /* v */
static const char roster_csv[] =
	"person_id,cmnd,bhxh_code,full_name,dob,sex,commune_code,group_code\n"
	"084080000001,,,Nguyễn Văn An,15/03/1980,Nam,29266,HN\n" /* P */
	",331234567,,Lý Văn Mười,02/07/1976,Nam,29266,HN\n" /* C */
	",,8400000033,Tạ Văn Bé,04/04/1944,Nam,29266,HN\n" /* B */
	",,,Nguyễn Văn A,01/01/1960,Nam,29269,HN\n" /* N */
	"084099000007,,,Vũ Văn Bảy,07/07/1999,Nam,29266,HN\n" /* r */
	"084080000001,,,Nguyễn Văn An,99/99/1980,Nam,29266,HN\n" /* P lead */
	"084088000008,,,Lò Văn Tám,08/08/1988,Nam,29266,ZZ\n" /* z lead */
	",,,Không Tên,,Nam,29266,HN\n" /* reject only */
	",000331234567,,Hà Văn Mạnh,12/12/1962,Nam,29266,HN\n" /* m */
	",,,NGUYEN VAN A,1960,Nam,29269,HN\n" /* a */
	"084060000010,,,Nguyễn Văn A,01/01/1960,Nam,29266,HN\n" /* N */
	"084060000010,,,Nguyễn Văn A,01/01/1960,Nam,29269,HN\n"; /* N */

/* The group of the row or lead at line of source src (0 cards, ...). */
static const char *const groups_of[KIND_N] = { "PBh", "PCBNtnv",
					       "PCBNrPz?maNN" };
#define NGROUPS 12 /* P C B N h t n r z m a v */
#define LARGEST 4 /* P, N */

static char group_of(unsigned src, uint32_t line)
{
	assert_true(src < KIND_N && line >= 2 &&
		    line - 2 < strlen(groups_of[src]));
	return groups_of[src][line - 2];
}

struct fix {
	char dir[64], path[3][96];
	struct run_opts o;
	struct ref ref, ref1; /* the plain read's, the passes' */
	struct date start, today;
	struct batch plain, b1; /* a plain read; pass 1 */
	struct spill_plan plan;
};

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static void load_ref(struct fix *f, struct ref *ref)
{
	struct etl_err err = { "" };

	ref_init(ref);
	if (pipeline_ref(ref, &f->o, &err) < 0)
		fail_msg("%s", err.msg);
}

/* The inputs written, read plainly, and planned with limit. */
static void setup_fix(struct fix *f, unsigned long long limit)
{
	static const char *const texts[] = { prior_csv, registry_csv,
					     roster_csv };
	static const char *const names[] = { "prior.csv", "registry.csv",
					     "roster.csv" };
	struct etl_err err = { "" };
	unsigned i, k;

	memset(f, 0, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/test_spill.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	f->o.period = 2024;
	f->o.today = date_make(2024, 6, 30);
	for (i = 0; i < KIND_N; i++) { /* given backwards, read in order */
		k = KIND_N - 1 - i;
		strcpy(f->path[k], f->dir);
		strcat(f->path[k], "/");
		strcat(f->path[k], names[k]);
		write_file(f->path[k], texts[k]);
		assert_int_equal(
			input_add(&f->o, (enum kind)k, f->path[k], NULL, &err),
			0);
	}
	load_ref(f, &f->ref);
	load_ref(f, &f->ref1);
	pipeline_dates(&f->o, &f->start, &f->today);
	batch_init(&f->plain, &f->ref, 2024, &f->start, &f->today);
	if (pipeline_read(&f->plain, &f->o, &err) < 0)
		fail_msg("%s", err.msg);
	batch_init(&f->b1, &f->ref1, 2024, &f->start, &f->today);
	if (spill_plan(&f->b1, &f->o, limit, &f->plan, &err) < 0)
		fail_msg("%s", err.msg);
}

static void teardown_fix(struct fix *f)
{
	size_t i;

	spill_plan_release(&f->plan);
	batch_release(&f->b1);
	batch_release(&f->plain);
	ref_release(&f->ref1);
	ref_release(&f->ref);
	for (i = 0; i < f->o.ninputs; i++) {
		free((void *)f->o.inputs[i].path);
		free((void *)f->o.inputs[i].label);
	}
	free(f->o.inputs);
	for (i = 0; i < 3; i++)
		unlink(f->path[i]);
	rmdir(f->dir);
}

/*
 * The partition each group must fall in: XXH3 of its first row's number
 * (the rows and leads of each source in turn, in the order of their
 * lines, as read) modulo nparts.
 */
static uint32_t want_part(const struct fix *f, char group)
{
	const struct batch *b = &f->plain;
	uint64_t n = 0;
	uint32_t line;
	size_t s, i;

	for (s = 0; s < b->nsrcs; s++)
		for (line = 2; line < 16; line++) {
			for (i = 0; i < b->nrecs; i++)
				if (b->recs[i].src == s &&
				    b->recs[i].line == line) {
					if (group_of(s, line) == group)
						goto found;
					n++;
				}
			for (i = 0; i < b->nleads; i++)
				if (b->leads[i].src == s &&
				    b->leads[i].line == line) {
					if (group_of(s, line) == group)
						goto found;
					n++;
				}
		}
	fail_msg("group %c has no row", group);
found:
	return (uint32_t)(XXH3_64bits(&n, sizeof(n)) % f->plan.nparts);
}

/* The plain read's row at (src, line), or NULL. */
static const struct rec *plain_rec(const struct fix *f, unsigned src,
				   uint32_t line)
{
	size_t i;

	for (i = 0; i < f->plain.nrecs; i++)
		if (f->plain.recs[i].src == src &&
		    f->plain.recs[i].line == line)
			return &f->plain.recs[i];
	return NULL;
}

/* Pass 1 keeps no row; its sources' accounting and scope as a plain read's. */
static void pass1_keeps_the_accounting(void **state)
{
	struct fix f;
	size_t s, i;

	(void)state;
	setup_fix(&f, 0);
	assert_int_equal(f.plain.nrecs, 19); /* the inputs read as meant */
	assert_int_equal(f.plain.nleads, 2);
	assert_int_equal(f.plain.nrejects, 3);
	assert_true(plain_rec(&f, 2, 10)->cmnd == 331234567 &&
		    plain_rec(&f, 2, 10)->cmnd_len == 12);
	assert_int_equal(plain_rec(&f, 1, 4)->bhxh, 8400000033);
	assert_int_equal(f.b1.nrecs, 0);
	assert_int_equal(f.b1.nleads, 0);
	assert_int_equal(f.b1.nrejects, 0);
	assert_int_equal(f.b1.nsrcs, f.plain.nsrcs);
	for (s = 0; s < f.plain.nsrcs; s++) {
		const struct source *a = &f.b1.srcs[s], *p = &f.plain.srcs[s];

		assert_int_equal(a->kind, p->kind);
		assert_int_equal(a->rows_read, p->rows_read);
		assert_int_equal(a->accepted, p->accepted);
		assert_int_equal(a->rejected, p->rejected);
		assert_memory_equal(a->rejected_by, p->rejected_by,
				    sizeof(a->rejected_by));
	}
	assert_int_equal(f.b1.msgs.n, f.plain.msgs.n);
	pipeline_default_scope(&f.plain); /* pass 1 set the same scope */
	assert_int_equal(f.ref1.nscope, 2);
	assert_int_equal(f.ref1.nscope, f.ref.nscope);
	for (i = 0; i < f.ref.nscope; i++)
		assert_string_equal(f.ref1.scope[i], f.ref.scope[i]);
	assert_int_equal(f.plan.rows, 19 + 2 + 3);
	assert_int_equal(f.plan.largest, LARGEST);
	assert_int_equal(f.plan.nparts, 1); /* no limit: one partition */
	assert_int_equal(f.plan.nsrcs, 3);
	teardown_fix(&f);
}

/* The partition count: what the rows need under the limit, capped. */
static void partition_count(void **state)
{
	struct fix f;

	(void)state;
	setup_fix(&f, 24 * SPILL_ROW_BYTES / 4); /* 24 rows: 4 parts */
	assert_int_equal(f.plan.nparts, 4);
	teardown_fix(&f);
	setup_fix(&f, 24 * SPILL_ROW_BYTES / 4 - 1); /* a byte less: 5 */
	assert_int_equal(f.plan.nparts, 5);
	teardown_fix(&f);
	setup_fix(&f, 24 * SPILL_ROW_BYTES); /* all fit */
	assert_int_equal(f.plan.nparts, 1);
	teardown_fix(&f);
}

/*
 * What partitions_hold_their_groups saw: seen[w][src][line], w 0 rows,
 * 1 leads, 2 rejects; part[g]: the partition group g must fall in.
 */
struct seen {
	unsigned char n[3][KIND_N][16];
	uint32_t part['z' + 1];
};

/* Row, lead or reject (w) at src and line met in partition k. */
static void met(struct seen *v, int w, unsigned src, uint32_t line, uint32_t k)
{
	assert_true(src < KIND_N && line < 16);
	if (v->n[w][src][line]++)
		fail_msg("source %u line %u in two partitions", src,
			 (unsigned)line);
	if (w < 2 && v->part[(unsigned char)group_of(src, line)] != k)
		fail_msg("source %u line %u in partition %u", src,
			 (unsigned)line, (unsigned)k);
}

/* One partition per group: each holds exactly its groups' rows. */
static void partitions_hold_their_groups(void **state)
{
	static const char groups[] = "PCBNhtnrzmav";
	struct seen v;
	struct fix f;
	struct etl_err err = { "" };
	size_t i, n = 0;
	uint32_t k;

	(void)state;
	memset(&v, 0, sizeof(v));
	setup_fix(&f, 1);
	assert_int_equal(f.plan.nparts, NGROUPS);
	for (i = 0; groups[i]; i++)
		v.part[(unsigned char)groups[i]] = want_part(&f, groups[i]);
	for (k = 0; k < f.plan.nparts; k++) {
		struct batch bp;

		batch_init(&bp, &f.ref1, 2024, &f.start, &f.today);
		if (spill_read_part(&bp, &f.o, &f.plan, k, &err) < 0)
			fail_msg("%s", err.msg);
		for (i = 0; i < bp.nrecs; i++) {
			const struct rec *r = &bp.recs[i],
					 *p = plain_rec(&f, r->src, r->line);

			met(&v, 0, r->src, r->line, k);
			/* the row whole, as a plain read gives it */
			assert_non_null(p);
			assert_string_equal(r->name, p->name);
			assert_string_equal(r->commune, p->commune);
			assert_true(r->pid == p->pid && r->cmnd == p->cmnd &&
				    r->bhxh == p->bhxh && r->group == p->group);
			assert_int_equal(date_cmp(&r->dob, &p->dob), 0);
		}
		for (i = 0; i < bp.nleads; i++)
			met(&v, 1, bp.leads[i].src, bp.leads[i].line, k);
		for (i = 0; i < bp.nrejects; i++)
			met(&v, 2, bp.rejects[i].src, bp.rejects[i].line, k);
		assert_int_equal(bp.srcs[2].rows_read,
				 f.plain.srcs[2].rows_read);
		n += bp.nrecs + bp.nleads + bp.nrejects;
		batch_release(&bp);
	}
	/* every row, lead and reject of the plain read, once, no other */
	assert_int_equal(n, f.plain.nrecs + f.plain.nleads + f.plain.nrejects);
	for (i = 0; i < f.plain.nrecs; i++)
		assert_int_equal(
			v.n[0][f.plain.recs[i].src][f.plain.recs[i].line], 1);
	for (i = 0; i < f.plain.nleads; i++)
		assert_int_equal(
			v.n[1][f.plain.leads[i].src][f.plain.leads[i].line], 1);
	for (i = 0; i < f.plain.nrejects; i++)
		assert_int_equal(
			v.n[2][f.plain.rejects[i].src][f.plain.rejects[i].line],
			1);
	teardown_fix(&f);
}

/* spill_foreign for "Nguyễn Văn A" born on d in commune, from part. */
static int foreign(const struct fix *f, uint32_t part, const struct date *d,
		   const char *commune, int in_scope)
{
	char ascii[64];

	name_key_ascii("Nguyễn Văn A", ascii, sizeof(ascii));
	return spill_foreign(&f->plan, part, ascii, d, commune, in_scope);
}

/*
 * Rule 3's table: every roster row and lead with a birth date, found by
 * accent-free name, year and commune (or none), its date at the coarser
 * precision, in another partition than the one asking.
 */
static void rule3_table(void **state)
{
	struct date d60 = date_make(1960, 1, 1), d61 = date_make(1961, 1, 1);
	struct date y60 = { 0 };
	char longname[400];
	struct fix f;
	uint32_t a, n;

	(void)state;
	y60.year = 1960;
	y60.prec = DATE_YEAR;
	setup_fix(&f, 1);
	/* roster lines 2 to 6, 10 to 13, and line 8's lead */
	assert_int_equal(f.plan.nr3, 10);
	a = want_part(&f, 'a');
	n = want_part(&f, 'N');
	assert_int_not_equal(a, n); /* else the fixture shows nothing */
	/* N's partition sees row a (1960: agrees with 01/01/1960), not its
	   own rows (line 5, 12); a's sees N's */
	assert_int_equal(foreign(&f, n, &d60, "29269", 1), 1);
	assert_int_equal(foreign(&f, a, &d60, "29269", 1), 1);
	assert_int_equal(foreign(&f, n, &y60, "29269", 1), 1);
	assert_int_equal(foreign(&f, n, &d61, "29269", 1), 0); /* the year */
	/* another commune: line 12, in N's partition */
	assert_int_equal(foreign(&f, n, &d60, "29266", 1), 0);
	assert_int_equal(foreign(&f, a, &d60, "29266", 1), 1);
	assert_int_equal(foreign(&f, a, &d60, "29270", 1), 0);
	/* a name longer than the lookup's buffer on the stack */
	memset(longname, 'A', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(spill_foreign(&f.plan, a, longname, &d60, "29269", 1),
			 0);
	teardown_fix(&f);
}

static int keep_every(void *ctx, struct batch *b, enum sink_what what)
{
	(void)ctx;
	(void)b;
	(void)what;
	return 1;
}

/*
 * Rows a sink keeps own their names: a shard behind a sink lets its
 * memo of names go (rec.h), and the kept rows read the same names and
 * keys as a plain read's, a key equal to its name still the name.
 */
static void sink_rows_own_their_names(void **state)
{
	struct etl_err err = { "" };
	struct ref ref;
	struct batch k;
	struct fix f;
	size_t i;

	(void)state;
	setup_fix(&f, 1);
	load_ref(&f, &ref);
	batch_init(&k, &ref, 2024, &f.start, &f.today);
	k.sink = keep_every;
	if (pipeline_read(&k, &f.o, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(k.nrecs, f.plain.nrecs);
	assert_int_equal(k.nleads, f.plain.nleads);
	for (i = 0; i < k.nrecs; i++) {
		const struct rec *r = &k.recs[i];

		assert_string_equal(r->name, f.plain.recs[i].name);
		assert_string_equal(r->nkey, f.plain.recs[i].nkey);
		assert_int_equal(r->nkey == r->name, !strcmp(r->nkey, r->name));
	}
	for (i = 0; i < k.nleads; i++)
		assert_string_equal(k.leads[i].name, f.plain.leads[i].name);
	batch_release(&k);
	ref_release(&ref);
	teardown_fix(&f);
}

/* after - before of every counter joins to's; nothing else changes. */
static void add_counts(void **state)
{
	struct source to[3], after[3], before[3], want[3];
	size_t s;

	(void)state;
	memset(to, 0, sizeof(to));
	for (s = 0; s < 3; s++) {
		to[s].merged = 10;
		to[s].review_by[R_POSSIBLE_MATCH] = 100;
		to[s].matched_by_demographics = 1000;
		to[s].title = to[s].footer = to[s].from_file[1] = 9;
		to[s].bytes = 99;
		to[s].seconds = 1.5;
	}
	memcpy(after, to, sizeof(to)); /* beyond the counters: not added */
	memcpy(before, to, sizeof(to));
	memcpy(want, to, sizeof(to));
	for (s = 0; s < 3; s++) {
		after[s].lines = before[s].lines = 50; /* no change: no sum */
		after[s].merged = 10 + 2 * (s + 1);
		after[s].review_by[R_POSSIBLE_MATCH] = 104;
		after[s].review_by[R_N - 1] = 6;
		after[s].noted[NOTED_SEX_VS_REGISTRY] = 1;
		after[s].repaired[NF_COUNT - 1] = 8;
		before[s].matched_by_demographics = 1;
		after[s].matched_by_demographics = 8;
	}
	for (s = 0; s < 2; s++) { /* to[2]: past nsrcs, unchanged */
		want[s].merged = 10 + 2 * (s + 1);
		want[s].review_by[R_POSSIBLE_MATCH] = 104;
		want[s].review_by[R_N - 1] = 6;
		want[s].noted[NOTED_SEX_VS_REGISTRY] = 1;
		want[s].repaired[NF_COUNT - 1] = 8;
		want[s].matched_by_demographics = 1007;
	}
	spill_add_counts(to, after, before, 2);
	for (s = 0; s < 3; s++) {
		assert_int_equal(to[s].merged, want[s].merged);
		assert_int_equal(to[s].matched_by_demographics,
				 want[s].matched_by_demographics);
		assert_memory_equal(&to[s], &want[s], sizeof(to[s]));
	}
}

/* A file that changes between the passes is refused, never half read. */
static void changed_input_is_refused(void **state)
{
	struct fix f;
	struct batch bp;
	struct etl_err err = { "" };
	FILE *fp;

	(void)state;
	setup_fix(&f, 1);
	fp = fopen(f.path[2], "a"); /* the roster gains a row */
	assert_non_null(fp);
	fputs("084099000009,,,Vũ Văn Chín,09/09/1999,Nam,29266,HN\n", fp);
	fclose(fp);
	batch_init(&bp, &f.ref1, 2024, &f.start, &f.today);
	assert_int_equal(spill_read_part(&bp, &f.o, &f.plan, 0, &err), -1);
	assert_non_null(strstr(err.msg, "changed while the run read it"));
	assert_null(strstr(err.msg, "0840")); /* names the file, not a row */
	batch_release(&bp);
	teardown_fix(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_size),
		cmocka_unit_test(arena_rewinds),
		cmocka_unit_test(pass1_keeps_the_accounting),
		cmocka_unit_test(partition_count),
		cmocka_unit_test(partitions_hold_their_groups),
		cmocka_unit_test(rule3_table),
		cmocka_unit_test(sink_rows_own_their_names),
		cmocka_unit_test(add_counts),
		cmocka_unit_test(changed_input_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
