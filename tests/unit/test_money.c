/*
 * test_money.c: unit tests of the money of the lists (money.h, rules.md
 * R15): the shipped contributions table and its lookups by date, the
 * loaders' errors (naming file and line), the support file's percent
 * forms, household tiers, and money_person on hand-computed cases: a
 * household of six with one HN member, a near-poor person with local
 * support, increases across the base-salary change of 2024-07-01, a pupil
 * at 30 % then 50 %, an employer with and without a wage, a group paid by
 * the BHXH fund, and rounding where the shares still sum to the amount.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "money.h"
#include "pipeline.h"
#include "ref.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Write text to a new temporary file; path (a mkstemp template) names it. */
static void write_file(char *path, const char *text)
{
	int fd = mkstemp(path);
	FILE *f;

	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* Load text as a contributions table: the loader's return, err set. */
static int load_text(struct contrib *c, const struct ref *r, const char *text,
		     struct etl_err *err)
{
	char path[] = "/tmp/test_money_XXXXXX";
	int rc;

	write_file(path, text);
	rc = contrib_load(c, r, path, err);
	unlink(path);
	return rc;
}

static int load_support_text(struct contrib *c, const struct ref *r,
			     const char *text, struct etl_err *err)
{
	char path[] = "/tmp/test_money_XXXXXX";
	int rc;

	write_file(path, text);
	rc = contrib_load_support(c, r, path, err);
	unlink(path);
	return rc;
}

/* The support file of the money cases. */
static const char support_csv[] =
	"group_code,commune_code,pct,valid_from,valid_to\n"
	"CN,29266,30%,2024-01-01,\n" /* near-poor of one commune: all */
	"CN,,10,2024-01-01,\n" /* near-poor elsewhere: 10 % */
	"CN,29300,50%,2024-01-01,2024-12-31\n" /* more than is left */
	"GD,29266,20,2025-01-01,\n" /* households of one commune */
	"HN,,50,,\n"; /* class 3: the state pays all, this is unused */

/* A table whose base salary leaves fractions of a đồng. */
static const char rounding_csv[] = "kind,key,value,valid_from,valid_to,source\n"
				   "base_salary,,1234567,2020-01-01,,test\n"
				   "bhyt_rate_pct,,4.5,2020-01-01,,test\n"
				   "household_tier_pct,1,100,2020-01-01,,test\n"
				   "household_tier_pct,2,70,2020-01-01,,test\n"
				   "state_support_pct,CN,70,2020-01-01,,test\n";

struct fixture {
	struct ref ref;
	struct contrib shipped; /* with support_csv */
	struct contrib rounding; /* rounding_csv, with support_csv */
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct etl_err err = { "" };

	ref_init(&f->ref);
	contrib_init(&f->shipped);
	contrib_init(&f->rounding);
	if (ref_load_groups(&f->ref, NULL, &err) < 0 ||
	    contrib_load(&f->shipped, &f->ref, NULL, &err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		return -1;
	}
	if (load_support_text(&f->shipped, &f->ref, support_csv, &err) < 0 ||
	    load_text(&f->rounding, &f->ref, rounding_csv, &err) < 0 ||
	    load_support_text(&f->rounding, &f->ref, support_csv, &err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	contrib_release(&f->shipped);
	contrib_release(&f->rounding);
	ref_release(&f->ref);
	free(f);
	return 0;
}

/* The shipped table: every value by date, as etl/data/contributions.csv. */
static void shipped_lookups(void **state)
{
	const struct contrib *c = &((struct fixture *)*state)->shipped;
	struct date d;

	d = date_make(2018, 6, 30);
	assert_int_equal(contrib_base_salary(c, &d), -1);
	d = date_make(2018, 7, 1);
	assert_int_equal(contrib_base_salary(c, &d), 1390000);
	d = date_make(2024, 6, 30);
	assert_int_equal(contrib_base_salary(c, &d), 1800000);
	d = date_make(2024, 7, 1);
	assert_int_equal(contrib_base_salary(c, &d), 2340000);
	d = date_make(2026, 6, 30);
	assert_int_equal(contrib_base_salary(c, &d), 2340000);
	d = date_make(2026, 7, 1);
	assert_int_equal(contrib_base_salary(c, &d), 2530000);
	d = date_make(2018, 11, 30);
	assert_int_equal(contrib_rate(c, &d), -1);
	d = date_make(2024, 1, 1);
	assert_int_equal(contrib_rate(c, &d), 45000);
	d = date_make(2025, 7, 1);
	assert_int_equal(contrib_rate(c, &d), 45000);
	assert_int_equal(contrib_tier(c, 1, &d), 1000000);
	assert_int_equal(contrib_tier(c, 2, &d), 700000);
	assert_int_equal(contrib_tier(c, 3, &d), 600000);
	assert_int_equal(contrib_tier(c, 4, &d), 500000);
	assert_int_equal(contrib_tier(c, 5, &d), 400000);
	assert_int_equal(contrib_tier(c, 9, &d), 400000);
	assert_int_equal(contrib_tier(c, 0, &d), -1);
	assert_int_equal(contrib_state_support(c, "CN", &d), 700000);
	assert_int_equal(contrib_state_support(c, "GB", &d), 300000);
	assert_int_equal(contrib_state_support(c, "GD", &d), 0);
	d = date_make(2025, 6, 30);
	assert_int_equal(contrib_state_support(c, "HS", &d), 300000);
	assert_int_equal(contrib_state_support(c, "SV", &d), 300000);
	d = date_make(2025, 7, 1);
	assert_int_equal(contrib_state_support(c, "HS", &d), 500000);
	assert_int_equal(contrib_state_support(c, "SV", &d), 500000);
	/* the support file: a commune's own row, else every commune's */
	d = date_make(2024, 3, 1);
	assert_int_equal(contrib_local_support(c, "CN", "29266", &d), 300000);
	assert_int_equal(contrib_local_support(c, "CN", "29267", &d), 100000);
	assert_int_equal(contrib_local_support(c, "CN", NULL, &d), 100000);
	assert_int_equal(contrib_local_support(c, "GD", "29266", &d), 0);
	d = date_make(2023, 12, 31);
	assert_int_equal(contrib_local_support(c, "CN", "29266", &d), 0);
	d = date_make(2025, 1, 1);
	assert_int_equal(contrib_local_support(c, "GD", "29266", &d), 200000);
	assert_int_equal(contrib_local_support(c, "CN", "29300", &d), 100000);
}

struct bad_case {
	const char *text;
	const char *msg; /* what err must hold after the file name */
};

/* Each bad row stops the load, naming the file and the line. */
static void contributions_bad_rows(void **state)
{
	static const char head[] = "kind,key,value,valid_from,valid_to\n"
				   "base_salary,,1800000,2023-07-01,\n";
	static const struct bad_case cases[] = {
		{ "bhyt_rate,,4.5,2018-12-01,\n",
		  ":3: unknown kind 'bhyt_rate'" },
		{ "base_salary,,1 800 000,2030-01-01,\n",
		  ":3: value is not a whole number of dong" },
		{ "base_salary,,0,2030-01-01,\n",
		  ":3: value is not a whole number of dong" },
		{ "base_salary,X,1,2030-01-01,\n", ":3: key must be empty" },
		{ "bhyt_rate_pct,,4.5x,2018-12-01,\n",
		  ":3: value is not a percentage" },
		{ "bhyt_rate_pct,,4.56789,2018-12-01,\n",
		  ":3: value is not a percentage" },
		{ "bhyt_rate_pct,,101,2018-12-01,\n",
		  ":3: value is not a percentage" },
		{ "household_tier_pct,0,100,2018-12-01,\n",
		  ":3: key is not a tier" },
		{ "household_tier_pct,,100,2018-12-01,\n",
		  ":3: key is not a tier" },
		{ "state_support_pct,ZZ,70,2018-12-01,\n",
		  ":3: unknown group ZZ" },
		{ "bhyt_rate_pct,,4.5,,\n", ":3: valid_from is empty" },
		{ "bhyt_rate_pct,,4.5,2018-13-01,\n",
		  ":3: 'valid_from' is not a date" },
		{ "bhyt_rate_pct,,4.5,2019-01-01,2018-12-31\n",
		  ":3: valid_to is before valid_from" },
		{ "bhyt_rate_pct,,4.5,2019-01-01,\nbhyt_rate_pct,,4,2020-01-"
		  "01,\n",
		  ":4: in force on the same days as line 3" },
		{ "base_salary,,2340000,2024-07-01,\n",
		  ":3: in force on the same days as line 2" },
	};
	const struct ref *r = &((struct fixture *)*state)->ref;
	char text[512];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct contrib c;
		struct etl_err err = { "" };

		contrib_init(&c);
		snprintf(text, sizeof(text), "%s%s", head, cases[i].text);
		if (load_text(&c, r, text, &err) != -1 ||
		    !strstr(err.msg, cases[i].msg) ||
		    !strstr(err.msg, "/tmp/test_money_")) {
			fprintf(stderr, "case %zu: '%s'\n", i, err.msg);
			fail();
		}
		assert_null(c.rows);
	}
	/* a missing column names it */
	{
		struct contrib c;
		struct etl_err err = { "" };

		contrib_init(&c);
		assert_int_equal(load_text(&c, r,
					   "kind,key,value,valid_from\n"
					   "base_salary,,1,2020-01-01\n",
					   &err),
				 -1);
		assert_non_null(strstr(err.msg, "missing required column "
						"'valid_to'"));
	}
}

/* The support file: 95, 95%, 95,00% and 0.95 all mean 95 %. */
static void support_percent_forms(void **state)
{
	static const char *const forms[] = { "95",   "95%",    "\"95,00%\"",
					     "0.95", " 95 % ", "95.0" };
	const struct ref *r = &((struct fixture *)*state)->ref;
	struct date d = date_make(2024, 1, 1);
	char text[256];
	size_t i;

	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		struct contrib c;
		struct etl_err err = { "" };

		contrib_init(&c);
		snprintf(text, sizeof(text), "group_code,pct\nHS,%s\n",
			 forms[i]);
		assert_int_equal(load_support_text(&c, r, text, &err), 0);
		assert_int_equal(contrib_local_support(&c, "HS", "1", &d),
				 950000);
		contrib_release(&c);
	}
}

static void support_bad_rows(void **state)
{
	static const char head[] = "group_code,commune_code,pct,valid_from,"
				   "valid_to\n"
				   "CN,,10,2024-01-01,\n";
	static const struct bad_case cases[] = {
		{ "CN,,abc,,\n", ":3: pct is not a percentage" },
		{ "ZZ,,10,,\n", ":3: unknown group ZZ" },
		{ "CN,12345678,10,,\n", ":3: commune code longer than" },
		{ "CN,,20,2024-06-01,\n", ":3: in force on the same days as "
					  "line 2" },
		{ "CN,29266,20,2025-01-01,2024-01-01\n",
		  ":3: valid_to is before valid_from" },
	};
	const struct ref *r = &((struct fixture *)*state)->ref;
	char text[512];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct contrib c;
		struct etl_err err = { "" };

		contrib_init(&c);
		snprintf(text, sizeof(text), "%s%s", head, cases[i].text);
		if (load_support_text(&c, r, text, &err) != -1 ||
		    !strstr(err.msg, cases[i].msg)) {
			fprintf(stderr, "case %zu: '%s'\n", i, err.msg);
			fail();
		}
	}
}

/* --contributions and --support reach pipeline_ref, errors and all. */
static void pipeline_loads_money(void **state)
{
	char path[] = "/tmp/test_money_XXXXXX";
	struct run_opts o;
	struct ref r;
	struct etl_err err = { "" };
	struct date d = date_make(2024, 7, 1);

	(void)state;
	memset(&o, 0, sizeof(o));
	o.period = 2024;
	ref_init(&r);
	assert_int_equal(pipeline_ref(&r, &o, &err), 0);
	assert_non_null(r.contrib);
	assert_int_equal(contrib_base_salary(r.contrib, &d), 2340000);
	assert_int_equal(r.contrib->nsupport, 0);
	ref_release(&r);

	write_file(path, "kind,key,value,valid_from,valid_to\n"
			 "base_salary,,2000000,2024-01-01,\n");
	o.contributions = path;
	ref_init(&r);
	assert_int_equal(pipeline_ref(&r, &o, &err), 0);
	assert_int_equal(contrib_base_salary(r.contrib, &d), 2000000);
	ref_release(&r);
	unlink(path);

	o.contributions = NULL;
	strcpy(path, "/tmp/test_money_XXXXXX");
	write_file(path, "group_code,pct\nCN,30\nCN,bad\n");
	o.support = path;
	ref_init(&r);
	assert_int_equal(pipeline_ref(&r, &o, &err), -1);
	assert_non_null(strstr(err.msg, ":3: pct is not a percentage"));
	ref_release(&r);
	unlink(path);
}

/*
 * A household of six: the grandmother is on the poor list (HN) and does
 * not count; the five GD members pay 100, 70, 60, 50 and 40 % of the
 * first one's amount, oldest first, ties by person key.
 */
static void household_of_six(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *group, *key;
		int y, m, d;
		int tier; /* expected; 0: not GD */
		int64_t total; /* 2025, 12 months at 2,340,000 */
	} people[] = {
		{ "HN", "k1", 1940, 1, 1, 0, 12 * 105300 },
		{ "GD", "k6", 2010, 5, 5, 5, 12 * 42120 },
		{ "GD", "k3", 1968, 3, 3, 1, 12 * 105300 },
		{ "GD", "k5", 1995, 1, 1, 4, 12 * 52650 },
		{ "GD", "k4", 1995, 1, 1, 3, 12 * 63180 },
		{ "GD", "k2", 1970, 0, 0, 2, 12 * 73710 }, /* year only */
	};
	struct household_member m[6];
	size_t i, n = 0;
	int64_t sum = 0;

	for (i = 0; i < 6; i++) {
		if (strcmp(people[i].group, "GD"))
			continue;
		memset(&m[n], 0, sizeof(m[n]));
		m[n].dob = people[i].m ? date_make(people[i].y, people[i].m,
						   people[i].d)
				       : (struct date){ (int16_t)people[i].y, 0,
							0, DATE_YEAR };
		m[n].key = people[i].key;
		m[n].ix = (uint32_t)i;
		n++;
	}
	money_household_tiers(m, n);
	for (i = 0; i < n; i++) {
		struct money_in in = { 0 };
		struct money_out out;
		unsigned p = m[i].ix;

		assert_int_equal(m[i].tier, (int)i + 1);
		assert_int_equal(m[i].tier, people[p].tier);
		in.group = ref_group(&f->ref, "GD");
		in.commune = "29270";
		in.from = date_make(2025, 1, 1);
		in.period = 2025;
		in.tier = m[i].tier;
		assert_int_equal(money_person(&f->ref, &f->shipped, &in, &out),
				 0);
		assert_int_equal(out.how, MONEY_COMPUTED);
		assert_int_equal(out.months, 12);
		assert_int_equal(out.total.amount, people[p].total);
		assert_int_equal(out.total.participant, people[p].total);
		sum += out.total.amount;
	}
	assert_int_equal(sum, 12 * (105300 + 73710 + 63180 + 52650 + 42120));
}

/* One case of money_person and what it must give. */
struct money_case {
	const char *name;
	int rounding; /* use the rounding table */
	const char *group, *commune;
	int fy, fm, period, months, tier;
	int64_t wage;
	enum money_how how;
	int nmonths;
	int64_t first; /* the first month's amount */
	int64_t amount, state_pays, state_supports, local, participant,
		employer, worker;
};

static const struct money_case
	cases[] = {
		/* near-poor, 70 % state, 30 % local: the participant pays
		   nothing */
		{ "CN 2024, local 30 %",
		  0,
		  "CN",
		  "29266",
		  2024,
		  1,
		  2024,
		  0,
		  0,
		  0,
		  MONEY_COMPUTED,
		  12,
		  81000,
		  1117800,
		  0,
		  782460,
		  335340,
		  0,
		  0,
		  0 },
		{ "CN 2024, local 10 %",
		  0,
		  "CN",
		  "29267",
		  2024,
		  1,
		  2024,
		  0,
		  0,
		  0,
		  MONEY_COMPUTED,
		  12,
		  81000,
		  1117800,
		  0,
		  782460,
		  111780,
		  223560,
		  0,
		  0 },
		{ "CN, local 50 % of the 30 % left",
		  0,
		  "CN",
		  "29300",
		  2024,
		  1,
		  2024,
		  1,
		  0,
		  0,
		  MONEY_COMPUTED,
		  1,
		  81000,
		  81000,
		  0,
		  56700,
		  24300,
		  0,
		  0,
		  0 },
		/* increases from July 2024 (2,340,000) and March 2024 (both) */
		{ "HS from July 2024",
		  0,
		  "HS",
		  "29270",
		  2024,
		  7,
		  2024,
		  0,
		  0,
		  0,
		  MONEY_COMPUTED,
		  6,
		  105300,
		  631800,
		  0,
		  189540,
		  0,
		  442260,
		  0,
		  0 },
		{ "TE from March 2024",
		  0,
		  "TE",
		  "29270",
		  2024,
		  3,
		  2024,
		  0,
		  0,
		  0,
		  MONEY_COMPUTED,
		  10,
		  81000,
		  955800,
		  955800,
		  0,
		  0,
		  0,
		  0,
		  0 },
		{ "HN: class 3 ignores support",
		  0,
		  "HN",
		  "29266",
		  2024,
		  3,
		  2024,
		  0,
		  0,
		  0,
		  MONEY_COMPUTED,
		  10,
		  81000,
		  955800,
		  955800,
		  0,
		  0,
		  0,
		  0,
		  0 },
		/* a pupil: 30 % in 2024, 30 % then 50 % from 2025-07-01 */
		{ "HS 2024",
		  0,
		  "HS",
		  "",
		  2024,
		  1,
		  2024,
		  0,
		  0,
		  0,
		  MONEY_COMPUTED,
		  12,
		  81000,
		  1117800,
		  0,
		  335340,
		  0,
		  782460,
		  0,
		  0 },
		{ "HS 2025",
		  0,
		  "HS",
		  "",
		  2025,
		  1,
		  2025,
		  0,
		  0,
		  0,
		  MONEY_COMPUTED,
		  12,
		  105300,
		  1263600,
		  0,
		  505440,
		  0,
		  758160,
		  0,
		  0 },
		/* a household card: 12 months, into the next year */
		{ "GD from July 2024",
		  0,
		  "GD",
		  "29270",
		  2024,
		  7,
		  2024,
		  0,
		  1,
		  0,
		  MONEY_COMPUTED,
		  12,
		  105300,
		  1263600,
		  0,
		  0,
		  0,
		  1263600,
		  0,
		  0 },
		{ "GD tier 2, 6 months",
		  0,
		  "GD",
		  "29270",
		  2024,
		  1,
		  2024,
		  6,
		  2,
		  0,
		  MONEY_COMPUTED,
		  6,
		  56700,
		  340200,
		  0,
		  0,
		  0,
		  340200,
		  0,
		  0 },
		{ "GD, local 20 %",
		  0,
		  "GD",
		  "29266",
		  2025,
		  1,
		  2025,
		  0,
		  0,
		  0,
		  MONEY_COMPUTED,
		  12,
		  105300,
		  1263600,
		  0,
		  0,
		  252720,
		  1010880,
		  0,
		  0 },
		/* a month before the period counts from its January */
		{ "from before the period",
		  0,
		  "TE",
		  "",
		  2023,
		  10,
		  2024,
		  0,
		  0,
		  0,
		  MONEY_COMPUTED,
		  12,
		  81000,
		  1117800,
		  1117800,
		  0,
		  0,
		  0,
		  0,
		  0 },
		/* employers: 4.5 % of the wage, 2/3 and 1/3 */
		{ "DN with wage",
		  0,
		  "DN",
		  "",
		  2024,
		  1,
		  2024,
		  0,
		  0,
		  6000000,
		  MONEY_COMPUTED,
		  12,
		  270000,
		  3240000,
		  0,
		  0,
		  0,
		  0,
		  2160000,
		  1080000 },
		/* a wage above 20 base salaries counts as 20 of them:
		   36,000,000 to June, 46,800,000 from July 2024 */
		{ "DN, wage above the ceiling",
		  0,
		  "DN",
		  "",
		  2024,
		  1,
		  2024,
		  0,
		  0,
		  50000000,
		  MONEY_COMPUTED,
		  12,
		  1620000,
		  22356000,
		  0,
		  0,
		  0,
		  0,
		  14904000,
		  7452000 },
		{ "DN without wage", 0,	 "DN", "", 2024, 1, 2024, 0, 0, 0,
		  MONEY_NO_WAGE,     12, 0,    0,  0,	 0, 0,	  0, 0, 0 },
		{ "DN, half a dong rounds up",
		  0,
		  "DN",
		  "",
		  2024,
		  1,
		  2024,
		  1,
		  0,
		  1000100,
		  MONEY_COMPUTED,
		  1,
		  45005,
		  45005,
		  0,
		  0,
		  0,
		  0,
		  30003,
		  15002 },
		/* the BHXH fund pays: not computed */
		{ "HT",	      0,  "HT", "", 2024, 1, 2024, 0, 0, 0,
		  MONEY_FUND, 12, 0,	0,  0,	  0, 0,	   0, 0, 0 },
		/* no base salary in force: no money */
		{ "before 2018-07", 0,	"TE", "", 2018, 1, 2018, 0, 0, 0,
		  MONEY_NO_RATE,    12, 0,    0,  0,	0, 0,	 0, 0, 0 },
		/*
		 * 1,234,567 x 4.5 % = 55,555.515 -> 55,556 a month; 70 % of it
		 * 38,889.2 -> 38,889; local 10 % 5,555.6 -> 5,556; the
		 * participant the 11,111 left.  Tier 2: 38,888.86 -> 38,889.
		 */
		{ "rounding CN",
		  1,
		  "CN",
		  "29267",
		  2024,
		  1,
		  2024,
		  0,
		  0,
		  0,
		  MONEY_COMPUTED,
		  12,
		  55556,
		  666672,
		  0,
		  466668,
		  66672,
		  133332,
		  0,
		  0 },
		{ "rounding GD tier 2",
		  1,
		  "GD",
		  "29270",
		  2024,
		  1,
		  2024,
		  0,
		  2,
		  0,
		  MONEY_COMPUTED,
		  12,
		  38889,
		  466668,
		  0,
		  0,
		  0,
		  466668,
		  0,
		  0 },
	};

/* Every total is the sum of its months, every amount of its shares. */
static void check_sums(const struct money_out *out)
{
	struct money_share t = { 0 };
	int i;

	for (i = 0; i < out->months; i++) {
		const struct money_share *s = &out->m[i].s;

		assert_int_equal(s->amount, s->state_pays + s->state_supports +
						    s->local + s->participant +
						    s->employer + s->worker);
		t.amount += s->amount;
		t.state_pays += s->state_pays;
		t.state_supports += s->state_supports;
		t.local += s->local;
		t.participant += s->participant;
		t.employer += s->employer;
		t.worker += s->worker;
	}
	assert_memory_equal(&t, &out->total, sizeof(t));
}

static void money_cases(void **state)
{
	struct fixture *f = *state;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct money_case *c = &cases[i];
		struct money_in in = { 0 };
		struct money_out out;
		const struct money_share *t = &out.total;

		in.group = ref_group(&f->ref, c->group);
		in.commune = c->commune;
		in.from = date_make(c->fy, c->fm, 1);
		in.period = c->period;
		in.months = c->months;
		in.tier = c->tier;
		in.wage = c->wage;
		assert_int_not_equal(in.group, GROUP_NONE);
		assert_int_equal(
			money_person(&f->ref,
				     c->rounding ? &f->rounding : &f->shipped,
				     &in, &out),
			0);
		if (out.how != c->how || out.months != c->nmonths ||
		    (out.months && out.m[0].s.amount != c->first) ||
		    t->amount != c->amount || t->state_pays != c->state_pays ||
		    t->state_supports != c->state_supports ||
		    t->local != c->local || t->participant != c->participant ||
		    t->employer != c->employer || t->worker != c->worker) {
			fprintf(stderr,
				"%s: how %d months %d first %lld amount %lld "
				"pays %lld supports %lld local %lld "
				"participant %lld employer %lld worker %lld\n",
				c->name, (int)out.how, out.months,
				out.months ? (long long)out.m[0].s.amount : 0,
				(long long)t->amount, (long long)t->state_pays,
				(long long)t->state_supports,
				(long long)t->local, (long long)t->participant,
				(long long)t->employer, (long long)t->worker);
			fail();
		}
		check_sums(&out);
	}
}

/* Across 2024-07-01 the months differ: 81,000 then 105,300. */
static void months_across_the_change(void **state)
{
	struct fixture *f = *state;
	struct money_in in = { 0 };
	struct money_out out;
	int i;

	in.group = ref_group(&f->ref, "TE");
	in.from = date_make(2024, 3, 15); /* the day does not count */
	in.period = 2024;
	assert_int_equal(money_person(&f->ref, &f->shipped, &in, &out), 0);
	assert_int_equal(out.months, 10);
	for (i = 0; i < 10; i++) {
		assert_int_equal(out.m[i].year, 2024);
		assert_int_equal(out.m[i].month, 3 + i);
		assert_int_equal(out.m[i].base, i < 4 ? 1800000 : 2340000);
		assert_int_equal(out.m[i].rate, 45000);
		assert_int_equal(out.m[i].s.amount, i < 4 ? 81000 : 105300);
	}
	/* and a household card from July runs to June of the next year */
	in.group = ref_group(&f->ref, "GD");
	in.from = date_make(2024, 7, 1);
	assert_int_equal(money_person(&f->ref, &f->shipped, &in, &out), 0);
	assert_int_equal(out.m[11].year, 2025);
	assert_int_equal(out.m[11].month, 6);
	/* the support rates applied are kept per month */
	in.group = ref_group(&f->ref, "HS");
	in.from = date_make(2025, 6, 1);
	in.period = 2025;
	assert_int_equal(money_person(&f->ref, &f->shipped, &in, &out), 0);
	assert_int_equal(out.m[0].support, 300000);
	assert_int_equal(out.m[1].support, 500000);
}

/* Inputs money_person refuses. */
static void bad_inputs(void **state)
{
	struct fixture *f = *state;
	struct money_in in = { 0 };
	struct money_out out;

	in.group = ref_group(&f->ref, "TE");
	in.from = date_make(2024, 1, 1);
	in.period = 2024;
	in.months = MONEY_MONTHS_MAX + 1;
	assert_int_equal(money_person(&f->ref, &f->shipped, &in, &out), -1);
	assert_int_equal(out.months, 0);
	in.months = -1;
	assert_int_equal(money_person(&f->ref, &f->shipped, &in, &out), -1);
	in.months = 0;
	in.group = GROUP_NONE;
	assert_int_equal(money_person(&f->ref, &f->shipped, &in, &out), -1);
	in.group = ref_group(&f->ref, "DN");
	in.wage = -5;
	assert_int_equal(money_person(&f->ref, &f->shipped, &in, &out), -1);
	/* a card starting after the period: no month */
	in.wage = 0;
	in.group = ref_group(&f->ref, "TE");
	in.from = date_make(2025, 1, 1);
	assert_int_equal(money_person(&f->ref, &f->shipped, &in, &out), 0);
	assert_int_equal(out.months, 0);
	assert_int_equal(out.total.amount, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(shipped_lookups),
		cmocka_unit_test(contributions_bad_rows),
		cmocka_unit_test(support_percent_forms),
		cmocka_unit_test(support_bad_rows),
		cmocka_unit_test(pipeline_loads_money),
		cmocka_unit_test(household_of_six),
		cmocka_unit_test(money_cases),
		cmocka_unit_test(months_across_the_change),
		cmocka_unit_test(bad_inputs),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
