/*
 * test_classify.c: the decision of rules.md R5, R6 (classify_decide and
 * classify_decide_pending) on persons built by hand, without identity and
 * without writing a row: which outcome, which reason, which fields changed,
 * and the TE card end date at its edges.  Period 2024 (start 2024-01-01),
 * commune 29266 in scope.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "testkit.h"
#include "classify.h"
#include "identity.h"
#include "output.h"

#include <string.h>

/* A row as cells: kind, id, bhxh, name, dob, sex, commune, group, status */
struct row {
	enum kind kind;
	const char *id, *bhxh, *name, *dob, *sex, *commune, *group, *status,
		*status_date;
};

struct fix {
	struct ref ref;
	struct batch b;
	struct rules ru;
	struct person p;
	struct decision d;
};

#define ID_A "084090001234"
#define ID_K "084318000111"
#define HERE "29266"
#define AWAY "29269" /* a commune outside the run's scope */
#define REG(id, dob, commune)                                                  \
	{                                                                      \
		KIND_REGISTRY, id, NULL, "Lê Thị Bé", dob, "Nữ", commune,      \
			NULL, NULL, NULL                                       \
	}
#define CARD(id, dob, group)                                                   \
	{                                                                      \
		KIND_PRIOR, id, "8400000001", "Lê Thị Bé", dob, "Nữ", HERE,    \
			group, NULL, NULL                                      \
	}
#define ROSTER(id, dob, group)                                                 \
	{                                                                      \
		KIND_ROSTER, id, NULL, "Lê Thị Bé", dob, NULL, HERE, group,    \
			NULL, NULL                                             \
	}

static void add_row(struct fix *f, const struct row *row, uint32_t line)
{
	const char *raw[F_NFIELDS] = { 0 }, *detail;
	struct rec r;

	raw[F_PERSON_ID] = row->id;
	raw[F_BHXH] = row->bhxh;
	raw[F_NAME] = row->name;
	raw[F_DOB] = row->dob;
	raw[F_SEX] = row->sex;
	raw[F_COMMUNE] = row->commune;
	raw[F_GROUP] = row->group;
	raw[F_STATUS] = row->status;
	raw[F_STATUS_DATE] = row->status_date;
	assert_int_equal(rec_normalise(&f->b, row->kind, raw, 0, &r, &detail),
			 R_NONE);
	r.src = (uint16_t)row->kind;
	r.line = line;
	GROW(f->b.recs, f->b.recs_cap, f->b.nrecs + 1);
	f->b.recs[f->b.nrecs++] = r;
}

/*
 * One person of the rows, keyed by the first personal ID (else by the
 * first BHXH code, as identity keys a card without an ID): the registry
 * row is its registry row, the others its members.  Then decided.
 */
static void decide(struct fix *f, const struct row *rows, size_t n)
{
	struct date start = date_make(2024, 1, 1),
		    today = date_make(2024, 6, 30);
	char scope[1][8] = { HERE };
	struct etl_err err;
	size_t i;

	memset(f, 0, sizeof(*f));
	ref_init(&f->ref);
	assert_int_equal(ref_load_groups(&f->ref, NULL, &err), 0);
	assert_int_equal(ref_load_communes(&f->ref, NULL, &err), 0);
	ref_scope_set(&f->ref, scope, 1);
	batch_init(&f->b, &f->ref, 2024, &start, &today);
	testkit_sources(&f->b);
	for (i = 0; i < n; i++)
		add_row(f, &rows[i], (uint32_t)(i + 2));
	f->b.members = xmalloc(sizeof(*f->b.members) * n);
	f->p.registry = NONE32;
	for (i = 0; i < n; i++) {
		const struct rec *r = &f->b.recs[i];

		if (!f->p.key && r->pid)
			f->p.key = r->pid;
		if (r->kind == KIND_REGISTRY)
			f->p.registry = (uint32_t)i;
		else
			f->b.members[f->p.n++] = (uint32_t)i;
	}
	for (i = 0; i < n && !f->p.key; i++)
		if (f->b.recs[i].bhxh)
			f->p.key = KEY_BHXH_TAG | f->b.recs[i].bhxh;
	f->b.nmembers = f->p.n;
	rules_init(&f->ru, &f->b);
	classify_decide(&f->ru, &f->p, &f->d);
}

static void release(struct fix *f)
{
	batch_release(&f->b);
	ref_release(&f->ref);
}

static const char *group_of(const struct fix *f, const struct rec *r)
{
	return f->ref.groups[r->group].code;
}

static void renew_or_data_corrected(void **state)
{
	const struct row same[] = {
		CARD(ID_A, "2018",
		     "HN"), /* a year-only card date is no change */
		REG(ID_A, "15/01/2018", HERE),
		ROSTER(ID_A, "15/01/2018", "HN"),
	};
	const struct row other[] = {
		{ KIND_PRIOR, ID_A, "8400000001", "Lê Thị Bé", "15/01/2019",
		  "Nam", HERE, "HN", NULL, NULL },
		REG(ID_A, "15/01/2018", HERE),
		ROSTER(ID_A, "15/01/2018", "HN"),
	};
	struct fix f;

	(void)state;
	decide(&f, same, 3);
	assert_int_equal(f.d.outcome, OUTCOME_RENEW);
	assert_int_equal(f.d.why, R_NONE);
	assert_int_equal(f.d.changed, 0);
	assert_string_equal(group_of(&f, f.d.win), "HN");
	assert_int_equal(f.d.level, 2);
	release(&f);

	decide(&f, other, 3);
	assert_int_equal(f.d.outcome, OUTCOME_CHANGE);
	assert_int_equal(f.d.why, R_DATA_CORRECTED);
	assert_int_equal(f.d.changed, CHANGED_DOB | CHANGED_SEX);
	release(&f);
}

static void aged_out_child_changes_group(void **state)
{
	const struct row rows[] = {
		CARD(ID_K, "15/01/2017", "TE"),
		REG(ID_K, "15/01/2017", HERE),
		ROSTER(ID_K, "15/01/2017", "TE"),
		ROSTER(ID_K, "15/01/2017", "HN"),
	};
	struct fix f;

	(void)state;
	decide(&f, rows, 4);
	assert_int_equal(f.d.outcome, OUTCOME_CHANGE);
	assert_int_equal(f.d.why, R_GROUP_CHANGED);
	assert_string_equal(group_of(&f, f.d.best), "TE");
	assert_string_equal(group_of(&f, f.d.win), "HN");
	/* the TE roster row's card ended on 2023-09-30 */
	assert_int_equal(f.b.recs[2].reason, R_AGED_OUT);
	assert_int_equal(f.b.recs[3].reason, R_NONE);
	assert_int_equal(f.d.neligible, 1);
	release(&f);
}

/*
 * The TE card end at its edges, the same for a roster row (eligible or
 * R_AGED_OUT) and for a card no roster row lists (rule 4: decreases as
 * R_AGED_OUT from the end date, else as R_NOT_ON_ROSTER the day before the
 * period).  The registry's date of birth decides, not the row's.
 */
static void te_card_end_at_its_edges(void **state)
{
	static const struct {
		const char *reg_dob, *row_dob;
		int aged_out;
		const char *end;
	} cases[] = {
		{ "31/12/2017", "31/12/2017", 1, "2023-12-31" },
		{ "01/01/2018", "01/01/2018", 0, NULL },
		{ "30/09/2017", "30/09/2017", 1, "2023-09-30" },
		{ "01/10/2017", "01/10/2017", 1, "2023-10-31" },
		/* month or year only: the latest day it could be */
		{ "09/2017", "09/2017", 1, "2023-09-30" },
		{ "10/2017", "10/2017", 1, "2023-10-31" },
		{ "12/2017", "12/2017", 1, "2023-12-31" },
		{ "01/2018", "01/2018", 0, NULL },
		{ "2017", "2017", 1, "2023-12-31" },
		{ "2018", "2018", 0, NULL },
		/* a month-only registry date decides over the row's day */
		{ "10/2017", "15/08/2017", 1, "2023-10-31" },
		/* the registry's birth date, not the row's */
		{ "15/01/2018", "15/01/2017", 0, NULL },
		{ "15/01/2017", "15/01/2018", 1, "2023-09-30" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct row listed[] = {
			REG(ID_K, cases[i].reg_dob, HERE),
			ROSTER(ID_K, cases[i].row_dob, "TE"),
		};
		const struct row unlisted[] = {
			CARD(ID_K, cases[i].row_dob, "TE"),
			REG(ID_K, cases[i].reg_dob, HERE),
		};
		struct fix f;
		char eff[11];

		decide(&f, listed, 2);
		if (f.b.recs[1].reason !=
		    (cases[i].aged_out ? R_AGED_OUT : R_NONE))
			fail_msg("case %zu: roster row reason %d", i,
				 f.b.recs[1].reason);
		assert_int_equal(f.d.outcome, cases[i].aged_out
						      ? OUTCOME_UNINSURED
						      : OUTCOME_INCREASE);
		release(&f);

		decide(&f, unlisted, 2);
		assert_int_equal(f.d.outcome, OUTCOME_PENDING);
		classify_decide_pending(&f.ru, &f.d, 0);
		assert_int_equal(f.d.outcome, OUTCOME_DECREASE);
		date_format(&f.d.eff, eff);
		if (f.d.why != (cases[i].aged_out ? R_AGED_OUT
						  : R_NOT_ON_ROSTER) ||
		    strcmp(eff,
			   cases[i].aged_out ? cases[i].end : "2023-12-31"))
			fail_msg("case %zu: card %s from %s", i,
				 reason_name(f.d.why), eff);
		release(&f);
	}
}

static void deceased_decreases_every_card(void **state)
{
	const struct row rows[] = {
		CARD(ID_A, "15/01/2018", "HN"),
		CARD(ID_A, "15/01/2018", "GD"),
		{ KIND_REGISTRY, ID_A, NULL, "Lê Thị Bé", "15/01/2018", "Nữ",
		  HERE, NULL, "Đã chết", "01/02/2024" },
		ROSTER(ID_A, "15/01/2018", "HN"),
	};
	struct fix f;
	char eff[11];

	(void)state;
	decide(&f, rows, 4);
	assert_int_equal(f.d.outcome, OUTCOME_DECEASED);
	assert_int_equal(f.d.why, R_DEATH);
	date_format(&f.d.eff, eff);
	assert_string_equal(eff, "2024-02-01");
	/* every card goes as deceased, none as a duplicate */
	assert_int_equal(f.d.dup_cards, 0);
	assert_int_equal(f.b.recs[3].reason, R_ROSTER_LISTS_DECEASED);
	release(&f);
}

static void new_newborn_uninsured_or_nothing(void **state)
{
	static const struct {
		const char *dob, *commune;
		int roster;
		enum outcome outcome;
		enum reason why;
	} cases[] = {
		/* born after 2023-01-01: under 12 months */
		{ "02/01/2023", HERE, 1, OUTCOME_INCREASE, R_NEWBORN },
		{ "01/01/2023", HERE, 1, OUTCOME_INCREASE, R_NEW },
		/* month or year only: the earliest day it could be */
		{ "01/2023", HERE, 1, OUTCOME_INCREASE, R_NEW },
		{ "02/2023", HERE, 1, OUTCOME_INCREASE, R_NEWBORN },
		{ "12/2022", HERE, 1, OUTCOME_INCREASE, R_NEW },
		{ "2023", HERE, 1, OUTCOME_INCREASE, R_NEW },
		{ "2024", HERE, 1, OUTCOME_INCREASE, R_NEWBORN },
		{ "01/01/2020", HERE, 0, OUTCOME_UNINSURED, R_NONE },
		{ "01/01/2020", AWAY, 0, OUTCOME_NONE, R_NONE },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct row rows[] = {
			REG(ID_K, cases[i].dob, cases[i].commune),
			ROSTER(ID_K, cases[i].dob, "TE"),
		};
		struct fix f;

		decide(&f, rows, cases[i].roster ? 2 : 1);
		if (f.d.outcome != cases[i].outcome || f.d.why != cases[i].why)
			fail_msg("case %zu: outcome %d, %s", i, f.d.outcome,
				 reason_name(f.d.why));
		release(&f);
	}
}

static void duplicate_and_unkeyed_cards(void **state)
{
	const struct row two[] = {
		CARD(ID_A, "15/01/2018", "GD"),
		CARD(ID_A, "15/01/2018", "HN"),
		REG(ID_A, "15/01/2018", HERE),
		ROSTER(ID_A, "15/01/2018", "HN"),
	};
	const struct row unkeyed[] = {
		CARD(NULL, "15/01/2018", "GD"),
		CARD(NULL, "15/01/2018", "HN"),
	};
	struct fix f;

	(void)state;
	decide(&f, two, 4);
	assert_int_equal(f.d.ncards, 2);
	assert_int_equal(f.d.dup_cards, 1);
	/* the best card is the lowest rank, wherever it comes */
	assert_ptr_equal(f.d.best, &f.b.recs[1]);
	assert_int_equal(f.d.outcome, OUTCOME_RENEW);
	release(&f);

	/* keyed by the BHXH code: a review row, no duplicates */
	decide(&f, unkeyed, 2);
	assert_true(f.p.key & KEY_BHXH_TAG);
	assert_int_equal(f.d.outcome, OUTCOME_REVIEW);
	assert_int_equal(f.d.why, R_UNKEYED_CARD);
	assert_int_equal(f.d.dup_cards, 0);
	release(&f);
}

/*
 * One card per person only for a decrease, a change or a renewal (spec
 * §4): a person left pending has no duplicate cards yet; rule 3 keeps
 * every card, rule 4 decreases the others as duplicates.
 */
static void duplicate_cards_wait_for_the_outcome(void **state)
{
	const struct row rows[] = {
		CARD(ID_A, "15/01/1990", "GD"),
		CARD(ID_A, "15/01/1990", "HN"),
		REG(ID_A, "15/01/1990", HERE),
	};
	struct fix f;

	(void)state;
	decide(&f, rows, 3);
	assert_int_equal(f.d.outcome, OUTCOME_PENDING);
	assert_int_equal(f.d.dup_cards, 0);
	classify_decide_pending(&f.ru, &f.d, 1);
	assert_int_equal(f.d.outcome, OUTCOME_REVIEW);
	assert_int_equal(f.d.dup_cards, 0);
	release(&f);

	decide(&f, rows, 3);
	classify_decide_pending(&f.ru, &f.d, 0);
	assert_int_equal(f.d.outcome, OUTCOME_DECREASE);
	assert_int_equal(f.d.why, R_NOT_ON_ROSTER);
	assert_int_equal(f.d.dup_cards, 1);
	release(&f);
}

/*
 * Rule 3 (rules.md R5, R6): a card holder whose own roster row is ineligible
 * only because the registry does not know them is in review, never decreased
 * (the extract may be incomplete); a row that would be ineligible anyway
 * (a TE row past its end date, a DK row in a commune that does not
 * qualify) leaves rule 4 its reason.
 */
static void not_in_registry_only_is_a_review(void **state)
{
	const struct row hn[] = {
		CARD(ID_A, "15/01/1990", "HN"),
		ROSTER(ID_A, "15/01/1990", "HN"),
	};
	const struct row te[] = {
		CARD(ID_K, "15/01/2017", "TE"),
		ROSTER(ID_K, "15/01/2017", "TE"),
	};
	const struct row dk[] = {
		CARD(ID_A, "15/01/1990", "DK"),
		ROSTER(ID_A, "15/01/1990", "DK"),
	};
	struct fix f;

	(void)state;
	decide(&f, hn, 2);
	assert_int_equal(f.b.recs[1].reason, R_NOT_IN_REGISTRY);
	assert_int_equal(f.d.outcome, OUTCOME_PENDING);
	assert_int_equal(f.d.own_unknown, 1);
	classify_decide_pending(&f.ru, &f.d, 0);
	assert_int_equal(f.d.outcome, OUTCOME_REVIEW);
	assert_int_equal(f.d.why, R_POSSIBLE_MATCH);
	release(&f);

	decide(&f, te, 2);
	assert_int_equal(f.b.recs[1].reason, R_NOT_IN_REGISTRY);
	assert_int_equal(f.d.own_unknown, 0);
	classify_decide_pending(&f.ru, &f.d, 0);
	assert_int_equal(f.d.outcome, OUTCOME_DECREASE);
	assert_int_equal(f.d.why, R_AGED_OUT);
	release(&f);

	decide(&f, dk, 2);
	assert_int_equal(f.b.recs[1].reason, R_NOT_IN_REGISTRY);
	assert_int_equal(f.d.own_unknown, 0);
	classify_decide_pending(&f.ru, &f.d, 0);
	assert_int_equal(f.d.outcome, OUTCOME_DECREASE);
	assert_int_equal(f.d.why, R_AREA_NOT_ELIGIBLE);
	release(&f);
}

static void possible_match_is_a_review(void **state)
{
	const struct row rows[] = {
		CARD(ID_A, "15/01/1990", "HN"),
		REG(ID_A, "15/01/1990", HERE),
	};
	struct fix f;

	(void)state;
	decide(&f, rows, 2);
	assert_int_equal(f.d.outcome, OUTCOME_PENDING);
	classify_decide_pending(&f.ru, &f.d, 1);
	assert_int_equal(f.d.outcome, OUTCOME_REVIEW);
	assert_int_equal(f.d.why, R_POSSIBLE_MATCH);
	release(&f);
}

/* ---- rule 3 and the leads of rejected roster rows (rules.md R6.4) ---- */

/* A row as its cells (NULL: column absent). */
struct cells {
	enum kind kind;
	const char *cell[F_NFIELDS];
};

#define CARD_H                                                                 \
	{                                                                      \
		KIND_PRIOR,                                                    \
		{                                                              \
			[F_PERSON_ID] = ID_A, [F_BHXH] = "8400000001",         \
			[F_NAME] = "Lê Văn Hùng", [F_DOB] = "02/02/1990",      \
			[F_SEX] = "Nam", [F_COMMUNE] = HERE, [F_GROUP] = "HN"  \
		}                                                              \
	}
#define REG_H                                                                  \
	{                                                                      \
		KIND_REGISTRY,                                                 \
		{                                                              \
			[F_PERSON_ID] = ID_A, [F_CMND] = "331234567",          \
			[F_NAME] = "Lê Văn Hùng", [F_DOB] = "02/02/1990",      \
			[F_SEX] = "Nam", [F_COMMUNE] = HERE                    \
		}                                                              \
	}

/*
 * Identity and classification of rows, the way a run reads them: a row
 * rec_normalise rejects (with reason why, or any reason when why is
 * R_NONE) is a reject that keeps its lead (rec_lead).  The decreases and
 * POSSIBLE_MATCH reviews made.
 */
static void run_rows(const struct cells *rows, size_t n, enum reason why,
		     size_t *decreases, size_t *maybe)
{
	struct date start = date_make(2024, 1, 1),
		    today = date_make(2024, 6, 30);
	char scope[1][8] = { HERE };
	struct etl_err err;
	struct ref ref;
	struct batch b;
	struct outputs o;
	size_t i;

	ref_init(&ref);
	assert_int_equal(ref_load_groups(&ref, NULL, &err), 0);
	assert_int_equal(ref_load_communes(&ref, NULL, &err), 0);
	batch_init(&b, &ref, 2024, &start, &today);
	batch_add_source(&b, &(struct input){ .path = "cards.csv",
					      .label = "cards",
					      .kind = KIND_PRIOR });
	batch_add_source(&b, &(struct input){ .path = "registry.csv",
					      .label = "registry",
					      .kind = KIND_REGISTRY });
	batch_add_source(&b, &(struct input){ .path = "roster.csv",
					      .label = "roster",
					      .kind = KIND_ROSTER });
	for (i = 0; i < n; i++) {
		const char *detail;
		struct rec r;
		struct lead l;
		enum reason rc = rec_normalise(&b, rows[i].kind, rows[i].cell,
					       0, &r, &detail);

		if (rc != R_NONE) {
			assert_int_equal(rows[i].kind, KIND_ROSTER);
			if (why != R_NONE)
				assert_int_equal(rc, why);
			batch_reject(&b, 2, i + 2, rc, "", 0);
			if (rec_lead(&b, KIND_ROSTER, rows[i].cell, &l)) {
				l.src = 2;
				l.line = (uint32_t)(i + 2);
				l.reason = (uint8_t)rc;
				batch_add_lead(&b, &l);
			}
			continue;
		}
		r.src = (uint16_t)rows[i].kind;
		r.line = (uint32_t)(i + 2);
		GROW(b.recs, b.recs_cap, b.nrecs + 1);
		b.recs[b.nrecs++] = r;
	}
	identity_run(&b);
	ref_scope_set(&ref, scope, 1);
	outputs_init(&o);
	classify_run(&b, &o);
	out_add_notes(&o, &b);
	*decreases = o.lists[L_DECREASE].n;
	*maybe = o.lists[L_REVIEW].by_reason[R_POSSIBLE_MATCH];
	outputs_release(&o);
	batch_release(&b);
	ref_release(&ref);
}

/* The card holder of CARD_H and REG_H with roster row x: kept or not. */
static void holder_with(const struct cells *x, enum reason why,
			size_t want_decreases, size_t want_maybe)
{
	const struct cells rows[] = { CARD_H, REG_H, *x };
	size_t decreases, maybe;

	run_rows(rows, 3, why, &decreases, &maybe);
	assert_int_equal(decreases, want_decreases);
	assert_int_equal(maybe, want_maybe);
}

/* Without any roster row the card holder is decreased (the control). */
static void no_roster_row_is_a_decrease(void **state)
{
	const struct cells rows[] = { CARD_H, REG_H };
	size_t decreases, maybe;

	(void)state;
	run_rows(rows, 2, R_NONE, &decreases, &maybe);
	assert_int_equal(decreases, 1);
	assert_int_equal(maybe, 0);
}

/* A rejected roster row with the card holder's ID: review, no decrease. */
static void rejected_row_with_the_id_is_a_possible_match(void **state)
{
	const struct cells group = { KIND_ROSTER,
				     { [F_PERSON_ID] = ID_A,
				       [F_NAME] = "Lê Văn Hùng",
				       [F_DOB] = "02/02/1990",
				       [F_COMMUNE] = HERE,
				       [F_GROUP] = "ZZ" } };
	const struct cells noname = { KIND_ROSTER,
				      { [F_PERSON_ID] = ID_A,
					[F_DOB] = "02/02/1990",
					[F_COMMUNE] = HERE,
					[F_GROUP] = "HN" } };
	const struct cells toolong = { KIND_ROSTER,
				       { [F_PERSON_ID] = ID_A,
					 [F_NAME] = "Lê Văn Hùng",
					 [F_DOB] = "02/02/1990",
					 [F_COMMUNE] = "2926629266292662",
					 [F_GROUP] = "HN" } };

	(void)state;
	holder_with(&group, R_UNKNOWN_GROUP, 0, 1);
	holder_with(&noname, R_EMPTY_NAME, 0, 1);
	holder_with(&toolong, R_CODE_TOO_LONG, 0, 1);
}

/* ... with the CMND of the holder's registry row (an impossible date). */
static void rejected_row_with_the_cmnd_is_a_possible_match(void **state)
{
	const struct cells x = { KIND_ROSTER,
				 { [F_CMND] = "331234567",
				   [F_NAME] = "Lê Văn Hùng",
				   [F_DOB] = "31/02/1990",
				   [F_COMMUNE] = HERE,
				   [F_GROUP] = "HN" } };

	(void)state;
	holder_with(&x, R_BAD_DATE, 0, 1);
}

/* ... with the BHXH code of the holder's card (a month-first date). */
static void rejected_row_with_the_code_is_a_possible_match(void **state)
{
	const struct cells x = { KIND_ROSTER,
				 { [F_BHXH] = "8400000001",
				   [F_NAME] = "Lê Văn Hùng",
				   [F_DOB] = "02/28/1990",
				   [F_COMMUNE] = HERE,
				   [F_GROUP] = "HN" } };

	(void)state;
	holder_with(&x, R_BAD_DATE, 0, 1);
}

/*
 * ... with no ID, the holder's name (accent-free) and birth date in the
 * holder's commune; the same in another commune is no match.
 */
static void rejected_row_with_the_name_and_dob(void **state)
{
	const struct cells here = { KIND_ROSTER,
				    { [F_NAME] = "Le Van Hung",
				      [F_DOB] = "02/02/1990",
				      [F_COMMUNE] = HERE,
				      [F_GROUP] = "ZZ" } };
	const struct cells away = { KIND_ROSTER,
				    { [F_NAME] = "Lê Văn Hùng",
				      [F_DOB] = "02/02/1990",
				      [F_COMMUNE] = AWAY,
				      [F_GROUP] = "ZZ" } };
	const struct cells nodob = { KIND_ROSTER,
				     { [F_NAME] = "Lê Văn Hùng",
				       [F_DOB] = "31/02/1990",
				       [F_COMMUNE] = HERE,
				       [F_GROUP] = "HN" } };

	(void)state;
	holder_with(&here, R_UNKNOWN_GROUP, 0, 1);
	holder_with(&away, R_UNKNOWN_GROUP, 1, 0);
	holder_with(&nodob, R_BAD_DATE, 1, 0); /* a name alone leads nowhere */
}

/*
 * ... the same with a name long enough (over 127 bytes) that rule 3 keeps
 * its accent-free key on the heap path: the whole name is compared, so a
 * row whose name differs only in its last word is no match.
 */
#define LONG_NAME                                                              \
	"Nguyễn Thị Hoàng Lan Phương Thảo Ngọc Bích Diễm Kiều Oanh Yến "      \
	"Hồng Nhung Thúy Vân Quỳnh Hương Mỹ Linh Tường Vi Bảo Châu Hạnh"
static void long_name_and_dob(void **state)
{
	const struct cells card = { KIND_PRIOR,
				    { [F_PERSON_ID] = ID_A,
				      [F_BHXH] = "8400000001",
				      [F_NAME] = LONG_NAME " Phúc",
				      [F_DOB] = "02/02/1990",
				      [F_SEX] = "Nữ",
				      [F_COMMUNE] = HERE,
				      [F_GROUP] = "HN" } };
	const struct cells reg = { KIND_REGISTRY,
				   { [F_PERSON_ID] = ID_A,
				     [F_NAME] = LONG_NAME " Phúc",
				     [F_DOB] = "02/02/1990",
				     [F_SEX] = "Nữ",
				     [F_COMMUNE] = HERE } };
	const struct cells same = { KIND_ROSTER,
				    { [F_NAME] = LONG_NAME " Phuc",
				      [F_DOB] = "02/02/1990",
				      [F_COMMUNE] = HERE,
				      [F_GROUP] = "ZZ" } };
	const struct cells other = { KIND_ROSTER,
				     { [F_NAME] = LONG_NAME " Phước",
				       [F_DOB] = "02/02/1990",
				       [F_COMMUNE] = HERE,
				       [F_GROUP] = "ZZ" } };
	const struct cells rows[][3] = { { card, reg, same },
					 { card, reg, other } };
	size_t decreases, maybe;

	(void)state;
	assert_true(strlen(LONG_NAME) > 128);
	run_rows(rows[0], 3, R_UNKNOWN_GROUP, &decreases, &maybe);
	assert_int_equal(decreases, 0);
	assert_int_equal(maybe, 1);
	run_rows(rows[1], 3, R_UNKNOWN_GROUP, &decreases, &maybe);
	assert_int_equal(decreases, 1);
	assert_int_equal(maybe, 0);
}

/*
 * A line the reader could not split: its valid 12-digit IDs and 10-digit
 * codes (not 11 digits, not a card code's 13, not an invalid ID).
 */
static size_t nleads;
static struct lead leads[4];

static void take_lead(void *ctx, const struct lead *l)
{
	(void)ctx;
	if (nleads < 4)
		leads[nleads] = *l;
	nleads++;
}

static void line_leads_are_its_ids(void **state)
{
	const char line[] = "4,Lâm Văn Tám,084079000078,\"8400000001,"
			    "12345678901,HN2848400000001,"
			    "000079000001";

	(void)state;
	nleads = 0;
	assert_int_equal(rec_line_leads(line, strlen(line), take_lead, NULL),
			 2);
	assert_int_equal(nleads, 2);
	assert_true(leads[0].pid == 84079000078ull && !leads[0].bhxh);
	assert_true(leads[1].bhxh == 8400000001ull && !leads[1].pid);
	assert_string_equal(leads[0].name, "");
	assert_int_equal(leads[0].dob.prec, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(renew_or_data_corrected),
		cmocka_unit_test(aged_out_child_changes_group),
		cmocka_unit_test(te_card_end_at_its_edges),
		cmocka_unit_test(deceased_decreases_every_card),
		cmocka_unit_test(new_newborn_uninsured_or_nothing),
		cmocka_unit_test(duplicate_and_unkeyed_cards),
		cmocka_unit_test(duplicate_cards_wait_for_the_outcome),
		cmocka_unit_test(not_in_registry_only_is_a_review),
		cmocka_unit_test(possible_match_is_a_review),
		cmocka_unit_test(no_roster_row_is_a_decrease),
		cmocka_unit_test(rejected_row_with_the_id_is_a_possible_match),
		cmocka_unit_test(
			rejected_row_with_the_cmnd_is_a_possible_match),
		cmocka_unit_test(
			rejected_row_with_the_code_is_a_possible_match),
		cmocka_unit_test(rejected_row_with_the_name_and_dob),
		cmocka_unit_test(long_name_and_dob),
		cmocka_unit_test(line_leads_are_its_ids),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
