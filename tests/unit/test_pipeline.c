/*
 * test_pipeline.c: identity (rules.md R4) and classification (rules.md R5, R6)
 * on small batches built in memory, one rule per test, and the CSV writer. Each
 * case states its rows as raw cells, as a roster would carry them.
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
#include "pipeline.h"
#include "reason.h"
#include "rec.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A row gives the cells it has; the cells after them are absent. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

/*
 * A row as cells: kind, id, bhxh, name, dob, sex, commune, group, status,
 * status date, card code, CMND
 */
struct row {
	enum kind kind;
	const char *id, *bhxh, *name, *dob, *sex, *commune, *group, *status,
		*status_date, *card, *cmnd;
};

struct fix {
	struct ref ref;
	struct batch b;
	struct outputs o;
};

/*
 * rules.md R9: every accepted row counts for exactly one person (its
 * registry row, or one of its members, under its key), is merged into an
 * identical row and acts on no one, or is set aside with exactly one
 * review row, of its own reason, in review.csv (and acts on no one).
 */
static void assert_every_row_accounted(const struct fix *f)
{
	const struct batch *b = &f->b;
	const struct outlist *rv = &f->o.lists[L_REVIEW];
	size_t i, k, n;
	uint32_t m;

	for (i = 0; i < b->nrecs; i++) {
		const struct rec *r = &b->recs[i];
		char line[16];
		size_t in = 0, reviews = 0, own = 0;

		for (k = 0; k < b->npeople; k++) {
			const struct person *p = &b->people[k];

			in += p->registry == i;
			for (m = 0; m < p->n; m++)
				if (b->members[p->first + m] == i) {
					in++;
					assert_true(p->key == r->key);
				}
		}
		snprintf(line, sizeof(line), "%u", (unsigned)r->line);
		for (n = 0; n < rv->n; n++)
			if (!strcmp(orow_cell(&rv->rows[n], 0),
				    b->srcs[r->src].label) &&
			    !strcmp(orow_cell(&rv->rows[n], 1), line)) {
				reviews++;
				own += !strcmp(orow_cell(&rv->rows[n], 4),
					       reason_name(r->reason));
			}
		switch (r->state) {
		case REC_OK:
			if (in != 1)
				fail_msg("line %s: counted for %zu people",
					 line, in);
			break;
		case REC_MERGED:
			if (in || reviews)
				fail_msg("line %s: merged, yet counted for %zu "
					 "people, %zu review rows",
					 line, in, reviews);
			break;
		case REC_ASIDE:
			if (in || reviews != 1 || own != 1)
				fail_msg("line %s: set aside, counted for %zu "
					 "people, %zu review rows (%zu of its "
					 "reason)",
					 line, in, reviews, own);
			break;
		default:
			fail_msg("line %s: state %d", line, (int)r->state);
		}
	}
}

/*
 * The rows run for period (the 2025 commune mapping loaded), with scope
 * the one commune given.
 */
static void build_in(struct fix *f, const struct row *rows, size_t n,
		     int period, const char *scope)
{
	struct etl_err err;
	struct date start = date_make(period, 1, 1),
		    today = date_make(period, 6, 30);
	size_t i;

	ref_init(&f->ref);
	assert_int_equal(ref_load_groups(&f->ref, NULL, &err), 0);
	assert_int_equal(ref_load_communes(&f->ref, NULL, &err), 0);
	assert_int_equal(ref_load_commune_map(&f->ref, NULL, &err), 0);
	batch_init(&f->b, &f->ref, period, &start, &today);
	testkit_sources(&f->b);
	for (i = 0; i < n; i++) {
		const char *raw[F_NFIELDS] = { 0 }, *detail;
		struct rec r;

		raw[F_PERSON_ID] = rows[i].id;
		raw[F_BHXH] = rows[i].bhxh;
		raw[F_NAME] = rows[i].name;
		raw[F_DOB] = rows[i].dob;
		raw[F_SEX] = rows[i].sex;
		raw[F_COMMUNE] = rows[i].commune;
		raw[F_GROUP] = rows[i].group;
		raw[F_STATUS] = rows[i].status;
		raw[F_STATUS_DATE] = rows[i].status_date;
		raw[F_CARD] = rows[i].card;
		raw[F_CMND] = rows[i].cmnd;
		assert_int_equal(
			rec_normalise(&f->b, rows[i].kind, raw, 0, &r, &detail),
			R_NONE);
		r.src = (uint16_t)rows[i].kind;
		r.line = (uint32_t)(i + 2);
		GROW(f->b.recs, f->b.recs_cap, f->b.nrecs + 1);
		f->b.recs[f->b.nrecs++] = r;
	}
	outputs_init(&f->o);
	identity_run(&f->b);
	{
		char codes[1][8];

		snprintf(codes[0], sizeof(codes[0]), "%s", scope);
		ref_scope_set(&f->ref, codes, 1);
	}
	classify_run(&f->b, &f->o);
	out_add_notes(&f->o, &f->b);
	assert_every_row_accounted(f);
}

static void build(struct fix *f, const struct row *rows, size_t n)
{
	build_in(f, rows, n, 2024, "29266");
}

static void release(struct fix *f)
{
	outputs_release(&f->o);
	batch_release(&f->b);
	ref_release(&f->ref);
}

/* The reason column of the only row of list l (or "-" for no reason). */
static const char *only(struct fix *f, enum list l, int reason_col)
{
	assert_int_equal(f->o.lists[l].n, 1);
	return reason_col < 0 ? "-"
			      : orow_cell(&f->o.lists[l].rows[0], reason_col);
}

/* The row of list l whose first cell (person_id) is pid, or NULL. */
static const struct orow *row_of(const struct fix *f, enum list l,
				 const char *pid)
{
	size_t i;

	for (i = 0; i < f->o.lists[l].n; i++)
		if (!strcmp(orow_cell(&f->o.lists[l].rows[i], 0), pid))
			return &f->o.lists[l].rows[i];
	return NULL;
}

/* Cell col of the review row for line (the row's line in the batch). */
static const char *review_cell(const struct fix *f, unsigned line, int col)
{
	char want[16];
	size_t i;

	snprintf(want, sizeof(want), "%u", line);
	for (i = 0; i < f->o.lists[L_REVIEW].n; i++)
		if (!strcmp(orow_cell(&f->o.lists[L_REVIEW].rows[i], 1), want))
			return orow_cell(&f->o.lists[L_REVIEW].rows[i], col);
	fail_msg("no review row for line %u", line);
	return NULL;
}

#define ID_A "084090001234" /* born 1990, male */
#define ID_K "084318000111" /* born 2018, female */
#define REG(id, name, dob, sex)                                                \
	{                                                                      \
		KIND_REGISTRY, id, NULL, name, dob, sex, "29266", NULL, NULL,  \
			NULL                                                   \
	}

static void renew_when_nothing_differs(void **state)
{
	const struct row rows[] = {
		{ KIND_PRIOR, ID_A, "8400000001", "Nguyễn Văn Hoà", "1990",
		  "Nam", "29266", "HN", NULL, NULL },
		REG(ID_A, "NGUYỄN VĂN HÒA", "12/03/1990", "Nam"),
		{ KIND_ROSTER, ID_A, NULL, "Nguyen Van Hoa", "12/03/1990", NULL,
		  "29266", "HN", NULL, NULL },
	};
	struct fix f;

	(void)state;
	build(&f, rows, 3);
	/* tone placement and a year-only card date are not corrections */
	assert_string_equal(only(&f, L_RENEW, -1), "-");
	assert_int_equal(f.o.lists[L_CHANGE].n, 0);
	assert_string_equal(orow_cell(&f.o.lists[L_RENEW].rows[0], 0), ID_A);
	assert_string_equal(orow_cell(&f.o.lists[L_RENEW].rows[0], 1),
			    "8400000001");
	release(&f);
}

static void death_decreases_every_card(void **state)
{
	const struct row rows[] = {
		{ KIND_PRIOR, ID_A, NULL, "Nguyễn Văn A", "01/01/1990", "Nam",
		  "29266", "HN", NULL, NULL },
		{ KIND_PRIOR, ID_A, NULL, "Nguyễn Văn A", "01/01/1990", "Nam",
		  "29266", "GD", NULL, NULL },
		{ KIND_REGISTRY, ID_A, NULL, "Nguyễn Văn A", "01/01/1990",
		  "Nam", "29266", NULL, "Đã chết", "01/01/2024" },
		{ KIND_ROSTER, ID_A, NULL, "Nguyễn Văn A", "01/01/1990", NULL,
		  "29266", "HN", NULL, NULL },
	};
	struct fix f;

	(void)state;
	build(&f, rows, 4);
	assert_int_equal(f.o.lists[L_DECREASE].n, 2);
	assert_string_equal(orow_cell(&f.o.lists[L_DECREASE].rows[0], 9),
			    "DEATH");
	assert_string_equal(orow_cell(&f.o.lists[L_DECREASE].rows[0], 8),
			    "2024-01-01");
	assert_string_equal(only(&f, L_REVIEW, 4), "ROSTER_LISTS_DECEASED");
	release(&f);
}

static void child_aged_out_moves_to_poor_household(void **state)
{
	const struct row rows[] = {
		{ KIND_PRIOR, ID_K, NULL, "Lê Thị Bé", "15/01/2017", "Nữ",
		  "29266", "TE", NULL, NULL },
		REG(ID_K, "Lê Thị Bé", "15/01/2017", "Nữ"),
		{ KIND_ROSTER, ID_K, NULL, "Lê Thị Bé", "15/01/2017", NULL,
		  "29266", "TE", NULL, NULL },
		{ KIND_ROSTER, ID_K, NULL, "Lê Thị Bé", "15/01/2017", NULL,
		  "29266", "HN", NULL, NULL },
	};
	struct fix f;

	(void)state;
	/* ID_K says 2018; the row says 2017 but the registry has the key */
	build(&f, rows, 4);
	assert_string_equal(only(&f, L_CHANGE, 11), "GROUP_CHANGED");
	assert_string_equal(orow_cell(&f.o.lists[L_CHANGE].rows[0], 7), "TE");
	assert_string_equal(orow_cell(&f.o.lists[L_CHANGE].rows[0], 8), "HN");
	assert_string_equal(only(&f, L_REVIEW, 4), "AGED_OUT");
	release(&f);
}

static void not_on_roster_and_possible_match(void **state)
{
	const struct row rows[] = {
		{ KIND_PRIOR, ID_A, NULL, "Trần Văn Nam", "02/02/1990", "Nam",
		  "29266", "HN", NULL, NULL },
		REG(ID_A, "Trần Văn Nam", "02/02/1990", "Nam"),
		/* a roster row with no usable ID, same name and birth date,
		   but a sex the registry does not give: not matched */
		{ KIND_ROSTER, NULL, NULL, "Trần Văn Nam", "02/02/1990", "Nữ",
		  "29266", "HN", NULL, NULL },
	};
	const struct row alone[] = {
		{ KIND_PRIOR, ID_A, NULL, "Trần Văn Nam", "02/02/1990", "Nam",
		  "29266", "HN", NULL, NULL },
		REG(ID_A, "Trần Văn Nam", "02/02/1990", "Nam"),
	};
	struct fix f;

	(void)state;
	build(&f, rows, 3);
	assert_int_equal(f.o.lists[L_DECREASE].n, 0);
	/* two review rows, in any order (files are sorted when written) */
	assert_int_equal(f.o.lists[L_REVIEW].n, 2);
	assert_int_equal(f.o.lists[L_REVIEW].by_reason[R_POSSIBLE_MATCH], 1);
	assert_int_equal(f.o.lists[L_REVIEW].by_reason[R_UNKEYED], 1);
	release(&f);
	build(&f, alone, 2);
	assert_string_equal(only(&f, L_DECREASE, 9), "NOT_ON_ROSTER");
	assert_string_equal(orow_cell(&f.o.lists[L_DECREASE].rows[0], 8),
			    "2023-12-31");
	release(&f);
}

/*
 * Rule 3 looks for roster rows by the name and commune of the best card,
 * not of the first one: the roster row below has the commune of the HN
 * card (best, read second) and was indexed only by the GD card's, so the
 * card holder was decreased as NOT_ON_ROSTER.
 */
static void possible_match_by_the_best_card(void **state)
{
	const struct row rows[] = {
		{ KIND_PRIOR, ID_A, NULL, "Trần Văn Nam", "02/02/1990", "Nam",
		  "29266", "GD", NULL, NULL },
		{ KIND_PRIOR, ID_A, NULL, "Trần Văn Nam", "02/02/1990", "Nam",
		  "29269", "HN", NULL, NULL },
		REG(ID_A, "Trần Văn Nam", "02/02/1990", "Nam"),
		{ KIND_ROSTER, NULL, NULL, "Trần Văn Nam", "02/02/1990", "Nam",
		  "29269", "HN", NULL, NULL },
	};
	struct fix f;

	(void)state;
	build(&f, rows, 4);
	/* the HN card is a review row; a person in review keeps every
	   card, the GD card too (rules.md R4) */
	assert_int_equal(f.o.lists[L_DECREASE].n, 0);
	assert_int_equal(f.o.lists[L_REVIEW].by_reason[R_POSSIBLE_MATCH], 1);
	assert_int_equal(f.o.lists[L_REVIEW].by_reason[R_UNKEYED], 1);
	release(&f);
}

/*
 * Duplicate cards go with a decrease, a change or a renewal only: a card
 * holder decreased by rule 4 loses the other card as DUPLICATE_CARD; one
 * in review by rule 3 keeps both (possible_match_by_the_best_card).
 */
static void duplicate_cards_go_with_a_decrease(void **state)
{
	const struct row rows[] = {
		{ KIND_PRIOR, ID_A, NULL, "Trần Văn Nam", "02/02/1990", "Nam",
		  "29266", "GD", NULL, NULL },
		{ KIND_PRIOR, ID_A, NULL, "Trần Văn Nam", "02/02/1990", "Nam",
		  "29266", "HN", NULL, NULL },
		REG(ID_A, "Trần Văn Nam", "02/02/1990", "Nam"),
	};
	struct fix f;

	(void)state;
	build(&f, rows, 3);
	assert_int_equal(f.o.lists[L_DECREASE].n, 2);
	assert_int_equal(f.o.lists[L_DECREASE].by_reason[R_NOT_ON_ROSTER], 1);
	assert_int_equal(f.o.lists[L_DECREASE].by_reason[R_DUPLICATE_CARD], 1);
	release(&f);
}

/*
 * Believability before duplicates (rules.md R4): another person's typo equal
 * to a real ID is set aside ID_NAME_MISMATCH and is nobody's duplicate, so
 * the real person's own row in the same file still counts (it was set
 * aside CONFLICTING_DUPLICATE with the typo, and the card went to review).
 */
static void typo_row_knocks_no_one_out(void **state)
{
	const struct row rows[] = {
		{ KIND_PRIOR, ID_A, NULL, "Võ Văn Thật", "05/05/1990", "Nam",
		  "29266", "HN", NULL, NULL },
		REG(ID_A, "Võ Văn Thật", "05/05/1990", "Nam"),
		{ KIND_ROSTER, ID_A, NULL, "Đặng Thị Khác", "07/07/1991", NULL,
		  "29266", "HN", NULL, NULL },
		{ KIND_ROSTER, ID_A, NULL, "Võ Văn Thật", "05/05/1990", NULL,
		  "29266", "HN", NULL, NULL },
	};
	struct fix f;

	(void)state;
	build(&f, rows, 4);
	assert_string_equal(only(&f, L_RENEW, -1), "-");
	assert_string_equal(only(&f, L_REVIEW, 4), "ID_NAME_MISMATCH");
	assert_string_equal(review_cell(&f, 4, 1), "4");
	assert_int_equal(f.o.lists[L_DECREASE].n, 0);
	release(&f);
}

/*
 * review.csv's trailing columns (rules.md R7): the name, birth date and
 * commune of the person's registry row where there is one (the ID names
 * someone else: the registry's person, in the registry's commune), else
 * of the row itself (no key), else empty (a row without a commune).
 */
static void review_rows_name_the_person(void **state)
{
	const struct row rows[] = {
		{ KIND_REGISTRY, ID_A, NULL, "Võ Văn Thật", "05/05/1990", "Nam",
		  "29269", NULL, "alive", NULL },
		{ KIND_ROSTER, ID_A, NULL, "Đặng Thị Khác", "07/07/1991", NULL,
		  "29266", "HN", NULL, NULL },
		{ KIND_ROSTER, NULL, NULL, "Lê Văn Không", "05/1971", NULL,
		  "29266", "HN", NULL, NULL },
		{ KIND_ROSTER, NULL, NULL, "Hà Thị Xuân", "03/03/1963", NULL,
		  NULL, "HN", NULL, NULL },
	};
	struct fix f;

	(void)state;
	build(&f, rows, 4);
	assert_int_equal(list_ncols(L_REVIEW), 9);
	assert_string_equal(list_header(L_REVIEW),
			    "source,line,person_id,bhxh_code,reason,detail,"
			    "full_name,dob,commune_code");
	assert_string_equal(review_cell(&f, 3, 4), "ID_NAME_MISMATCH");
	assert_string_equal(review_cell(&f, 3, 6), "VÕ VĂN THẬT");
	assert_string_equal(review_cell(&f, 3, 7), "1990-05-05");
	assert_string_equal(review_cell(&f, 3, 8), "29269");
	assert_string_equal(review_cell(&f, 4, 4), "UNKEYED");
	assert_string_equal(review_cell(&f, 4, 6), "LÊ VĂN KHÔNG");
	assert_string_equal(review_cell(&f, 4, 7), "1971-05");
	assert_string_equal(review_cell(&f, 4, 8), "29266");
	assert_string_equal(review_cell(&f, 5, 6), "HÀ THỊ XUÂN");
	assert_string_equal(review_cell(&f, 5, 8), "");
	release(&f);
}

/* Does s hold an English word (a review text must be all Vietnamese)? */
static int has_english(const char *s)
{
	static const char *const words[] = { "the",	 "and",	  "of",	 "is",
					     "not",	 "no",	  "row", "card",
					     "registry", "group", NULL };
	const char *const *w;
	const char *p;

	for (w = words; *w; w++)
		for (p = strstr(s, *w); p; p = strstr(p + 1, *w)) {
			size_t n = strlen(*w);

			if ((p == s || p[-1] == ' ') &&
			    (p[n] == ' ' || p[n] == '\0' || p[n] == ','))
				return 1;
		}
	return 0;
}

/* Does s hold a letter beyond ASCII (Vietnamese has them)? */
static int has_accents(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 1;
	return 0;
}

/*
 * The reason table (reason.c): every reason has a Vietnamese name; every
 * review reason, and only those, what to check; both in Vietnamese.
 */
static void review_reasons_in_vietnamese(void **state)
{
	int r, nreview = 0;

	(void)state;
	for (r = 1; r < R_N; r++) {
		const char *vi = reason_vi((enum reason)r),
			   *check = reason_check_vi((enum reason)r);

		if (!vi[0] || !has_accents(vi) || has_english(vi))
			fail_msg("%s: no Vietnamese name",
				 reason_name((enum reason)r));
		if (!reason_is_review((enum reason)r)) {
			if (check[0])
				fail_msg("%s: not a review reason",
					 reason_name((enum reason)r));
			continue;
		}
		nreview++;
		if (!check[0] || !has_accents(check) || has_english(check) ||
		    !strcmp(check, vi))
			fail_msg("%s: nothing to check in Vietnamese",
				 reason_name((enum reason)r));
	}
	assert_int_equal(nreview, R_COMMUNE_SPLIT - R_UNKEYED + 1);
	assert_true(reason_is_review(R_POSSIBLE_MATCH));
	assert_false(reason_is_review(R_NEW));
	assert_false(reason_is_review(R_DUPLICATE_ROW));
	assert_string_equal(reason_vi(R_POSSIBLE_MATCH),
			    "Có thể là người đang có thẻ nhưng dòng danh sách "
			    "không khớp");
	assert_true(has_english("group BT: the registry"));
}

/*
 * Prior cards are cards, not rows to merge (rules.md R4): two cards of one
 * person and group with different card codes are two cards (the second
 * decreases DUPLICATE_CARD; it was merged away and stayed alive unseen);
 * a card row repeated with the same card code is one card, merged even
 * when it writes the name otherwise (it was CONFLICTING_DUPLICATE, and the
 * person looked card-less).
 */
static void cards_are_cards_not_rows(void **state)
{
	const struct row two[] = {
		{ KIND_PRIOR, ID_A, NULL, "Trần Văn Nam", "02/02/1990", "Nam",
		  "29266", "HN", NULL, NULL, "HN2848400000001" },
		{ KIND_PRIOR, ID_A, NULL, "Trần Văn Nam", "02/02/1990", "Nam",
		  "29266", "HN", NULL, NULL, "HN2848400000009" },
		REG(ID_A, "Trần Văn Nam", "02/02/1990", "Nam"),
		{ KIND_ROSTER, ID_A, NULL, "Trần Văn Nam", "02/02/1990", NULL,
		  "29266", "HN", NULL, NULL },
	};
	const struct row repeated[] = {
		{ KIND_PRIOR, ID_A, NULL, "Trần Văn Nam", "02/02/1990", "Nam",
		  "29266", "HN", NULL, NULL, "HN2848400000001" },
		{ KIND_PRIOR, ID_A, NULL, "Tran Van Nam", "1990", "Nam",
		  "29266", "HN", NULL, NULL, "HN2848400000001" },
		REG(ID_A, "Trần Văn Nam", "02/02/1990", "Nam"),
		{ KIND_ROSTER, ID_A, NULL, "Trần Văn Nam", "02/02/1990", NULL,
		  "29266", "HN", NULL, NULL },
	};
	struct fix f;

	(void)state;
	build(&f, two, 4);
	assert_string_equal(only(&f, L_RENEW, -1), "-");
	assert_string_equal(orow_cell(&f.o.lists[L_RENEW].rows[0], 2),
			    "HN2848400000001");
	assert_string_equal(only(&f, L_DECREASE, 9), "DUPLICATE_CARD");
	assert_string_equal(orow_cell(&f.o.lists[L_DECREASE].rows[0], 2),
			    "HN2848400000009");
	assert_int_equal(f.b.srcs[0].merged, 0);
	release(&f);

	build(&f, repeated, 4);
	assert_string_equal(only(&f, L_RENEW, -1), "-");
	assert_int_equal(f.o.lists[L_DECREASE].n, 0);
	assert_int_equal(f.o.lists[L_REVIEW].n, 0);
	assert_int_equal(f.b.srcs[0].merged, 1);
	release(&f);
}

/*
 * Rule 3's breadth (rules.md R5, R6): a card holder is in review, not
 * decreased, when a roster row not counted for them reaches them through its
 * CMND or its BHXH code, has their accent-free name and birth date, or has
 * their name and birth date and no commune (anywhere in scope); or when their
 * own roster row is ineligible only because the registry does not know
 * them.  Each case was NOT_ON_ROSTER before.
 */
static void rule3_reaches_card_holders(void **state)
{
#define CARD_A                                                                 \
	{                                                                      \
		KIND_PRIOR, ID_A, NULL, "Lê Văn Hùng", "02/02/1990", "Nam",    \
			"29266", "HN", NULL, NULL, "HN2848400000001"           \
	}
#define REG_A                                                                  \
	{                                                                      \
		KIND_REGISTRY, ID_A, NULL, "Lê Văn Hùng", "02/02/1990", "Nam", \
			"29266", NULL, NULL, NULL, NULL, "331234567"           \
	}
#define REG_B REG("084091005678", "Phạm Văn Khác", "03/03/1991", "Nam")
	const struct row cases[][4] = {
		/* B's own row, counted for B, with A's CMND */
		{ CARD_A,
		  REG_A,
		  REG_B,
		  { KIND_ROSTER, "084091005678", NULL, "Phạm Văn Khác",
		    "03/03/1991", NULL, "29266", "DN", NULL, NULL, NULL,
		    "331234567" } },
		/* B's own row, counted for B, with A's BHXH code */
		{ CARD_A,
		  REG_A,
		  REG_B,
		  { KIND_ROSTER, "084091005678", "8400000001", "Phạm Văn Khác",
		    "03/03/1991", NULL, "29266", "DN" } },
		/* no ID, the name without accents (no demographic key) */
		{ CARD_A,
		  REG_A,
		  REG_B,
		  { KIND_ROSTER, NULL, NULL, "Le Van Hung", "02/02/1990", "Nam",
		    "29266", "HN" } },
		/* no ID, no commune */
		{ CARD_A,
		  REG_A,
		  REG_B,
		  { KIND_ROSTER, NULL, NULL, "Lê Văn Hùng", "02/1990", NULL,
		    NULL, "HN" } },
	};
	const struct row unknown[] = {
		CARD_A,
		{ KIND_ROSTER, ID_A, NULL, "Lê Văn Hùng", "02/02/1990", NULL,
		  "29266", "HN" },
	};
	size_t i;
	struct fix f;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		build(&f, cases[i], 4);
		if (f.o.lists[L_DECREASE].n ||
		    f.o.lists[L_REVIEW].by_reason[R_POSSIBLE_MATCH] != 1)
			fail_msg("case %zu: %zu decreases, no POSSIBLE_MATCH",
				 i, f.o.lists[L_DECREASE].n);
		release(&f);
	}
	/* the registry does not know A; A's own HN row is NOT_IN_REGISTRY */
	build(&f, unknown, 2);
	assert_int_equal(f.o.lists[L_DECREASE].n, 0);
	assert_int_equal(f.o.lists[L_REVIEW].by_reason[R_POSSIBLE_MATCH], 1);
	assert_int_equal(f.o.lists[L_REVIEW].by_reason[R_NOT_IN_REGISTRY], 1);
	assert_string_equal(review_cell(&f, 2, 5),
			    "the card holder's own roster row is in review: "
			    "the registry does not know this personal ID");
	release(&f);
#undef CARD_A
#undef REG_A
#undef REG_B
}

/*
 * An ambiguous BHXH code (seen with two personal IDs) is printed against
 * no one (rules.md R4.5): not on B's increase, not on A's renewal, not on
 * a review row that names an ID; the review row of the row it could not
 * place, which names no one, keeps it.
 */
static void ambiguous_code_is_printed_against_no_one(void **state)
{
	const struct row rows[] = {
		{ KIND_PRIOR, ID_A, NULL, "Lê Văn Hùng", "02/02/1990", "Nam",
		  "29266", "HN", NULL, NULL, "HN2848400000001" },
		REG(ID_A, "Lê Văn Hùng", "02/02/1990", "Nam"),
		REG("084091005678", "Phạm Văn Khác", "03/03/1991", "Nam"),
		{ KIND_ROSTER, ID_A, NULL, "Lê Văn Hùng", "02/02/1990", NULL,
		  "29266", "HN" },
		{ KIND_ROSTER, "084091005678", "8400000001", "Phạm Văn Khác",
		  "03/03/1991", NULL, "29266", "DN" },
		{ KIND_ROSTER, NULL, "8400000001", "Tô Thị Nga", "1991", "Nữ",
		  "29266", "GD" },
		/* A listed again as TE: a review row that names A */
		{ KIND_ROSTER, ID_A, NULL, "Lê Văn Hùng", "02/02/1990", NULL,
		  "29266", "TE" },
	};
	struct fix f;

	(void)state;
	build(&f, rows, 7);
	assert_non_null(row_of(&f, L_RENEW, ID_A));
	assert_string_equal(orow_cell(row_of(&f, L_RENEW, ID_A), 1), "");
	assert_string_equal(orow_cell(row_of(&f, L_RENEW, ID_A), 2),
			    "HN2848400000001");
	assert_non_null(row_of(&f, L_INCREASE, "084091005678"));
	assert_string_equal(
		orow_cell(row_of(&f, L_INCREASE, "084091005678"), 1), "");
	assert_string_equal(review_cell(&f, 7, 4), "AMBIGUOUS_IDENTITY");
	assert_string_equal(review_cell(&f, 7, 3), "8400000001");
	assert_string_equal(review_cell(&f, 8, 4), "AGED_OUT");
	assert_string_equal(review_cell(&f, 8, 2), ID_A);
	release(&f);
}

static void new_newborn_uninsured(void **state)
{
	const struct row rows[] = {
		REG(ID_A, "Phạm Văn C", "05/05/1990", "Nam"),
		REG("084323000777", "Phạm Thị D", "02/01/2023", "Nữ"),
		REG("084323000778", "Phạm Thị E", "01/01/2023", "Nữ"),
		REG("084085000999", "Phạm Văn F", "01/01/1985", "Nam"),
		{ KIND_ROSTER, ID_A, NULL, "Phạm Văn C", "05/05/1990", NULL,
		  "29266", "GD", NULL, NULL },
		{ KIND_ROSTER, "084323000777", NULL, "Phạm Thị D", "02/01/2023",
		  NULL, "29266", "TE", NULL, NULL },
		{ KIND_ROSTER, "084323000778", NULL, "Phạm Thị E", "01/01/2023",
		  NULL, "29266", "TE", NULL, NULL },
	};
	struct fix f;
	size_t i;
	int seen_new = 0, seen_nb = 0;

	(void)state;
	build(&f, rows, 7);
	assert_int_equal(f.o.lists[L_INCREASE].n, 3);
	for (i = 0; i < 3; i++) {
		const char *c[LIST_MAX_COLS];

		orow_cells(&f.o.lists[L_INCREASE].rows[i], L_INCREASE, c);

		if (!strcmp(c[0], "084323000777"))
			seen_nb += !strcmp(c[10], "NEWBORN");
		else
			seen_new += !strcmp(c[10], "NEW");
	}
	/* born 2023-01-02: under 12 months; 2023-01-01: exactly 12 */
	assert_int_equal(seen_nb, 1);
	assert_int_equal(seen_new, 2);
	assert_string_equal(only(&f, L_UNINSURED, -1), "-");
	release(&f);
}

static void id_name_mismatch_is_set_aside(void **state)
{
	const struct row rows[] = {
		REG(ID_A, "Võ Văn Thật", "05/05/1990", "Nam"),
		{ KIND_ROSTER, ID_A, NULL, "Đặng Thị Khác", "05/05/1990", NULL,
		  "29266", "HN", NULL, NULL },
	};
	struct fix f;

	(void)state;
	build(&f, rows, 2);
	assert_string_equal(only(&f, L_REVIEW, 4), "ID_NAME_MISMATCH");
	assert_int_equal(f.o.lists[L_INCREASE].n, 0);
	assert_string_equal(only(&f, L_UNINSURED, -1), "-");
	release(&f);
}

/*
 * rules.md R4.2 d: a row keyed by demographics that carries a BHXH code
 * lets step c run again, so a card known only by that code (too little of
 * a birth date to match by demographics itself) follows it to the person.
 * Without the second step c the card would stay a person of its own, known
 * by its code, and the roster row an increase.
 */
static void bhxh_code_links_again_after_demographics(void **state)
{
	const struct row rows[] = {
		{ KIND_PRIOR, NULL, "8400000077", "Trần Văn Mai", "1990", "Nam",
		  "29266", "HN", NULL, NULL },
		REG(ID_A, "Trần Văn Mai", "04/04/1990", "Nam"),
		{ KIND_ROSTER, NULL, "8400000077", "Trần Văn Mai", "04/04/1990",
		  "Nam", "29266", "HN", NULL, NULL },
	};
	struct fix f;

	(void)state;
	build(&f, rows, 3);
	assert_int_equal(f.b.recs[2].how, HOW_DEMOG);
	assert_int_equal(f.b.srcs[KIND_ROSTER].matched_by_demographics, 1);
	assert_int_equal(f.b.recs[0].how, HOW_BHXH);
	assert_true(f.b.recs[0].key == f.b.recs[1].key);
	assert_string_equal(only(&f, L_RENEW, -1), "-");
	assert_string_equal(orow_cell(&f.o.lists[L_RENEW].rows[0], 0), ID_A);
	assert_int_equal(f.o.lists[L_INCREASE].n, 0);
	assert_int_equal(f.o.lists[L_DECREASE].n, 0);
	assert_int_equal(f.o.lists[L_REVIEW].n, 0);
	release(&f);
}

/*
 * rules.md R9 on one batch that takes every way a row can go in identity
 * (each build checks it: assert_every_row_accounted): counted through its
 * own ID, CMND, BHXH code, demographics or a card's code; merged; set
 * aside UNKEYED (registry and roster), AMBIGUOUS_IDENTITY,
 * CONFLICTING_DUPLICATE, ID_NAME_MISMATCH, ID_DEMOGRAPHIC_MISMATCH; and
 * counted with a review row of classify's (MULTIPLE_ENROLMENT on 10,
 * ROSTER_LISTS_DECEASED on 23).
 */
static void every_row_counts_once_or_has_a_review_row(void **state)
{
	const struct row rows[] = {
		/* 2-4: A renewed; 5: A listed twice, merged */
		{ KIND_PRIOR, ID_A, "8400000001", "Lê Văn Hùng", "02/02/1990",
		  "Nam", "29266", "HN" },
		REG(ID_A, "Lê Văn Hùng", "02/02/1990", "Nam"),
		{ KIND_ROSTER, ID_A, NULL, "Lê Văn Hùng", "02/02/1990", NULL,
		  "29266", "HN" },
		{ KIND_ROSTER, ID_A, NULL, "Lê Văn Hùng", "02/02/1990", NULL,
		  "29266", "HN" },
		/* 6: a registry row without an ID; 7: a roster row without
		   any key */
		REG(NULL, "Không Số", "01/01/1980", "Nam"),
		{ KIND_ROSTER, NULL, NULL, "Vô Danh", "1970", NULL, "29266",
		  "HN" },
		/* 8-9: B by CMND; 10: by A's BHXH code */
		{ KIND_REGISTRY, "084091005678", NULL, "Phạm Văn Bình",
		  "03/03/1991", "Nam", "29266", NULL, NULL, NULL, NULL,
		  "123456789" },
		{ KIND_ROSTER, NULL, NULL, "Phạm Văn Bình", "03/03/1991", NULL,
		  "29266", "DN", NULL, NULL, NULL, "123456789" },
		{ KIND_ROSTER, NULL, "8400000001", "Lê Văn Hùng", "1990", NULL,
		  "29266", "GD" },
		/* 11: B by its own ID, merged into 9; 11-13: one code on
		   A's and B's rows: ambiguous */
		{ KIND_ROSTER, "084091005678", "8400000002", "Phạm Văn Bình",
		  "03/03/1991", NULL, "29266", "DN" },
		{ KIND_PRIOR, ID_A, "8400000002", "Lê Văn Hùng", "02/02/1990",
		  "Nam", "29266", "HN" },
		{ KIND_ROSTER, NULL, "8400000002", "Tô Thị Nga", "1991", "Nữ",
		  "29266", "GD" },
		/* 14-15: C twice, under two names: conflicting */
		{ KIND_ROSTER, "084085000999", NULL, "Đỗ Văn Cường",
		  "01/01/1985", NULL, "29266", "HN" },
		{ KIND_ROSTER, "084085000999", NULL, "Đỗ Văn Cương",
		  "01/01/1985", NULL, "29266", "HN" },
		/* 16: the registry names A otherwise; 17: no registry row, a
		   birth year against the ID */
		{ KIND_ROSTER, ID_A, NULL, "Đặng Thị Khác", "07/07/1991", NULL,
		  "29266", "HN" },
		{ KIND_ROSTER, "084070000555", NULL, "Hà Văn Năm", "01/01/1971",
		  NULL, "29266", "HN" },
		/* 18-19: D by demographics; 20: a card known by its code
		   alone, and 21 the roster row that joins it */
		REG("084088000444", "Ngô Thị Dung", "08/08/1988", "Nữ"),
		{ KIND_ROSTER, NULL, NULL, "Ngô Thị Dung", "08/08/1988", "Nữ",
		  "29266", "HN" },
		{ KIND_PRIOR, NULL, "8400000333", "Lý Văn Em", "1960", "Nam",
		  "29266", "GD" },
		{ KIND_ROSTER, NULL, "8400000333", "Lý Văn Em", "1960", "Nam",
		  "29266", "DN" },
		/* 22: E dead, still on a roster: counted, with a review row */
		{ KIND_REGISTRY, "084062000321", NULL, "Kim Văn Tử",
		  "01/01/1962", "Nam", "29266", NULL, "Đã chết", "01/01/2023" },
		{ KIND_ROSTER, "084062000321", NULL, "Kim Văn Tử", "01/01/1962",
		  NULL, "29266", "HN" },
	};
	struct fix f;
	size_t i, n = sizeof(rows) / sizeof(rows[0]);
	int ok = 0, merged = 0, aside = 0;

	(void)state;
	build(&f, rows, n);
	for (i = 0; i < f.b.nrecs; i++) {
		ok += f.b.recs[i].state == REC_OK;
		merged += f.b.recs[i].state == REC_MERGED;
		aside += f.b.recs[i].state == REC_ASIDE;
	}
	/* every way is taken */
	assert_int_equal(f.b.recs[5 - 2].state, REC_MERGED);
	assert_int_equal(f.b.recs[6 - 2].reason, R_UNKEYED);
	assert_int_equal(f.b.recs[7 - 2].reason, R_UNKEYED);
	assert_int_equal(f.b.recs[9 - 2].how, HOW_CMND);
	assert_int_equal(f.b.recs[10 - 2].how, HOW_BHXH);
	assert_int_equal(f.b.recs[10 - 2].state, REC_OK);
	assert_int_equal(f.b.recs[10 - 2].reason, R_MULTIPLE_ENROLMENT);
	assert_int_equal(f.b.recs[13 - 2].reason, R_AMBIGUOUS_IDENTITY);
	assert_int_equal(f.b.recs[14 - 2].reason, R_CONFLICTING_DUPLICATE);
	assert_int_equal(f.b.recs[15 - 2].reason, R_CONFLICTING_DUPLICATE);
	assert_int_equal(f.b.recs[16 - 2].reason, R_ID_NAME_MISMATCH);
	assert_int_equal(f.b.recs[17 - 2].reason, R_ID_DEMOGRAPHIC_MISMATCH);
	assert_int_equal(f.b.recs[19 - 2].how, HOW_DEMOG);
	assert_int_equal(f.b.recs[21 - 2].how, HOW_CARD);
	assert_int_equal(f.b.recs[23 - 2].state, REC_OK);
	assert_int_equal(f.b.recs[23 - 2].reason, R_ROSTER_LISTS_DECEASED);
	assert_int_equal(ok + merged + aside, (int)n);
	assert_int_equal(f.b.recs[11 - 2].state, REC_MERGED);
	assert_int_equal(merged, 2);
	assert_int_equal(aside, 7);
	release(&f);
}

static void csv_files_quoted_and_private(void **state)
{
	char dir[] = "/tmp/test_output_XXXXXX", path[256], buf[256];
	const char *cells[6] = { "084090001234", "Nguyễn \"Tí\", Văn",
				 "1990",	 "M",
				 "29266",	 "" };
	struct outputs o;
	struct etl_err err;
	struct stat st;
	FILE *f;
	size_t n;

	(void)state;
	assert_non_null(mkdtemp(dir));
	outputs_init(&o);
	out_add(&o, L_UNINSURED, "29266", 1, R_NONE, cells);
	assert_int_equal(out_write_all(&o, dir, &err), 0);
	snprintf(path, sizeof(path), "%s/uninsured.csv", dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	f = fopen(path, "r");
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	assert_string_equal(buf, "person_id,full_name,dob,sex,commune_code,"
				 "household_code\n084090001234,\"Nguyễn "
				 "\"\"Tí\"\", Văn\",1990,M,29266,\n");
	outputs_release(&o);
	assert_int_equal(system("rm -rf /tmp/test_output_*"), 0);
}

/* rec_normalise on a registry row with the given commune and hospital. */
static enum reason norm_row(struct batch *b, const char *commune,
			    const char *hospital, struct rec *r,
			    const char **detail)
{
	const char *raw[F_NFIELDS] = { 0 };

	raw[F_PERSON_ID] = ID_A;
	raw[F_NAME] = "Nguyễn Văn A";
	raw[F_DOB] = "01/01/1990";
	raw[F_SEX] = "Nam";
	raw[F_COMMUNE] = commune;
	raw[F_HOSPITAL] = hospital;
	*detail = "";
	return rec_normalise(b, KIND_REGISTRY, raw, 0, r, detail);
}

/*
 * Codes are kept whole: a commune code over COMMUNE_CODE_MAX bytes rejects
 * the row (it was cut to 7 bytes, half a letter with a 2-byte one); other
 * codes have no limit (a hospital code over 63 bytes was dropped).
 */
static void codes_are_never_cut(void **state)
{
	struct ref ref;
	struct batch b;
	struct date start = date_make(2024, 1, 1),
		    today = date_make(2024, 6, 30);
	struct etl_err err;
	struct rec r;
	const char *detail;
	char hospital[101];

	(void)state;
	ref_init(&ref);
	assert_int_equal(ref_load_groups(&ref, NULL, &err), 0);
	batch_init(&b, &ref, 2024, &start, &today);
	assert_int_equal(norm_row(&b, "292661234", NULL, &r, &detail),
			 R_CODE_TOO_LONG);
	assert_string_equal(detail, "the commune code is longer than 7 bytes");
	assert_string_equal(reason_name(R_CODE_TOO_LONG), "CODE_TOO_LONG");
	assert_int_equal(norm_row(&b, "292661\xc6\xaf", NULL, &r, &detail),
			 R_CODE_TOO_LONG);
	/* the same raw value again (the memo of the row before) */
	assert_int_equal(norm_row(&b, "292661\xc6\xaf", NULL, &r, &detail),
			 R_CODE_TOO_LONG);
	assert_int_equal(norm_row(&b,
				  "2926\xc6\xb0"
				  "1",
				  NULL, &r, &detail),
			 R_NONE);
	assert_string_equal(r.commune, "2926\xc6\xaf"
				       "1");
	assert_int_equal(
		norm_row(&b, "29266 - Thị trấn Càng Long", NULL, &r, &detail),
		R_NONE);
	assert_string_equal(r.commune, "29266");
	memset(hospital, 'h', 100);
	hospital[100] = '\0';
	assert_int_equal(norm_row(&b, "29266", hospital, &r, &detail), R_NONE);
	assert_int_equal(strlen(r.hospital), 100);
	assert_int_equal(r.hospital[99], 'H');
	batch_release(&b);
	ref_release(&ref);
}

/* rec_normalise on a registry row named by the cell name. */
static enum reason named_row(struct batch *b, const char *name, struct rec *r)
{
	const char *raw[F_NFIELDS] = { 0 }, *detail = "";

	raw[F_PERSON_ID] = ID_A;
	raw[F_NAME] = name;
	raw[F_DOB] = "01/01/1990";
	raw[F_SEX] = "Nam";
	raw[F_COMMUNE] = "29266";
	return rec_normalise(b, KIND_REGISTRY, raw, 0, r, &detail);
}

/*
 * A name cell read again gives what it gave the first time, repair flag
 * and all, from the batch's memo (its rows share the strings; a row a
 * sink keeps gets its own copies: test_spill.c).
 */
static void names_normalised_once(void **state)
{
	/* a control character dropped: a repair */
	const char *cell = "nguy\xe1\xbb\x85n  v\xc4\x83n\x01 a";
	/* the same name with its marks decomposed: another cell */
	const char *nfd = "Nguye\xcc\x82\xcc\x83n V\xc4\x83n A";
	struct date start = date_make(2024, 1, 1);
	struct ref ref;
	struct batch b;
	struct etl_err err;
	struct rec r1, r2, r3;

	(void)state;
	ref_init(&ref);
	assert_int_equal(ref_load_groups(&ref, NULL, &err), 0);
	batch_init(&b, &ref, 2024, &start, &start);
	assert_int_equal(named_row(&b, cell, &r1), R_NONE);
	assert_int_equal(named_row(&b, cell, &r2), R_NONE);
	assert_int_equal(named_row(&b, nfd, &r3), R_NONE);
	assert_string_equal(r1.name, "NGUY\xe1\xbb\x84N V\xc4\x82N A");
	assert_ptr_equal(r2.name, r1.name);
	assert_ptr_equal(r2.nkey, r1.nkey);
	assert_string_equal(r3.name, r1.name);
	assert_true(r1.flags & NF_NAME_REPAIRED);
	assert_true(r2.flags & NF_NAME_REPAIRED);
	assert_true(r3.flags & NF_NAME_REPAIRED);
	assert_int_equal(named_row(&b, "Lê Văn B", &r3), R_NONE);
	assert_false(r3.flags & NF_NAME_REPAIRED);
	assert_string_equal(r3.name, "LÊ VĂN B");
	/* an empty name is rejected each time, never remembered */
	assert_int_equal(named_row(&b, " \x01 ", &r3), R_EMPTY_NAME);
	assert_int_equal(named_row(&b, " \x01 ", &r3), R_EMPTY_NAME);
	assert_int_equal(b.nnmemo, 3);
	batch_release(&b);
	ref_release(&ref);
}

/* The default scope holds the registry's commune codes whole. */
static void default_scope_keeps_codes_whole(void **state)
{
	const struct row rows[] = {
		{ KIND_REGISTRY, ID_A, NULL, "Nguyễn Văn A", "01/01/1990",
		  "Nam",
		  "2926\xc6\xb0"
		  "1",
		  NULL, NULL, NULL },
		{ KIND_REGISTRY, ID_K, NULL, "Kim Thị K", "01/01/2018", "Nữ",
		  "29269", NULL, NULL, NULL },
	};
	struct fix f;

	(void)state;
	build(&f, rows, 2);
	ref_release(&f.ref);
	ref_init(&f.ref); /* no scope file */
	pipeline_default_scope(&f.b);
	assert_int_equal(f.ref.nscope, 2);
	assert_string_equal(f.ref.scope[0], "29269");
	assert_string_equal(f.ref.scope[1], "2926\xc6\xaf"
					    "1");
	assert_true(ref_in_scope(&f.ref, "2926\xc6\xaf"
					 "1"));
	release(&f);
}

/* More than INPUTS_MAX input files: a usage error, nothing wraps. */
/*
 * One commune cell through rec_normalise, twice in a row (the second from
 * the memo of the row before): its code and flags, the same both times.
 */
static void commune_of(struct batch *b, const char *cell, const char *want,
		       unsigned want_flags)
{
	const char *raw[F_NFIELDS] = { 0 }, *detail;
	struct rec r;
	int k;

	raw[F_PERSON_ID] = ID_A;
	raw[F_NAME] = "Nguyễn Văn A";
	raw[F_DOB] = "01/01/1990";
	raw[F_GROUP] = "HN";
	raw[F_COMMUNE] = cell;
	for (k = 0; k < 2; k++) {
		assert_int_equal(
			rec_normalise(b, KIND_ROSTER, raw, 0, &r, &detail),
			R_NONE);
		assert_string_equal(r.commune, want);
		assert_int_equal(
			r.flags & (NF_COMMUNE_TRANSLATED | RF_COMMUNE_SPLIT),
			want_flags);
	}
}

static void commune_translated_on_period_start(void **state)
{
	struct ref ref;
	struct batch b, b24;
	struct etl_err err;
	struct date start = date_make(2026, 1, 1), d24 = date_make(2024, 1, 1);

	(void)state;
	ref_init(&ref);
	assert_int_equal(ref_load_groups(&ref, NULL, &err), 0);
	assert_int_equal(ref_load_communes(&ref, NULL, &err), 0);
	assert_int_equal(ref_load_commune_map(&ref, NULL, &err), 0);
	batch_init(&b, &ref, 2026, &start, &start);
	batch_add_source(&b, &(struct input){ .path = "roster.csv",
					      .label = "roster",
					      .kind = KIND_ROSTER });
	/* 29269 went whole into 29266; 29266 itself stays */
	commune_of(&b, "29269", "29266", NF_COMMUNE_TRANSLATED);
	commune_of(&b, "29266", "29266", 0);
	commune_of(&b, " 29272 ", "29275", NF_COMMUNE_TRANSLATED);
	/* 00019 was split: kept, marked for identity */
	commune_of(&b, "00019", "00019", RF_COMMUNE_SPLIT);
	commune_of(&b, "99999", "99999", 0);
	/* the repair is named in summary.json */
	assert_string_equal(nf_name(10), "COMMUNE_TRANSLATED");
	batch_release(&b);
	/* before 2025-07-01 nothing changes */
	batch_init(&b24, &ref, 2024, &d24, &d24);
	batch_add_source(&b24, &(struct input){ .path = "roster.csv",
						.label = "roster",
						.kind = KIND_ROSTER });
	commune_of(&b24, "29269", "29269", 0);
	commune_of(&b24, "00019", "00019", 0);
	batch_release(&b24);
	ref_release(&ref);
}

/* 00019 was split into 00004, 00070, 00190 and 00226. */
static void split_resolved_by_the_registry(void **state)
{
	const struct row rows[] = {
		{ KIND_PRIOR, ID_A, "8400000001", "Nguyễn Văn Hoà", "1990",
		  "Nam", "00019", "HN", NULL, NULL },
		{ KIND_REGISTRY, ID_A, NULL, "Nguyễn Văn Hoà", "12/03/1990",
		  "Nam", "00070", NULL, NULL, NULL },
		{ KIND_ROSTER, ID_A, NULL, "Nguyễn Văn Hoà", "12/03/1990", NULL,
		  "00019", "HN", NULL, NULL },
	};
	struct fix f;

	(void)state;
	build_in(&f, rows, 3, 2026, "00070");
	/* the card and the roster row take the residence: nothing changed */
	assert_string_equal(only(&f, L_RENEW, -1), "-");
	assert_string_equal(orow_cell(&f.o.lists[L_RENEW].rows[0], 6), "00070");
	assert_int_equal(f.o.lists[L_CHANGE].n, 0);
	assert_int_equal(f.o.lists[L_REVIEW].n, 0);
	assert_int_equal(f.b.recs[0].flags & RF_COMMUNE_SPLIT, 0);
	release(&f);
}

static void split_unresolved_goes_to_review(void **state)
{
	const struct row rows[] = {
		/* A: a card in 00019, the registry in 00097 (not a part), no
		   roster row: not decreased, in review */
		{ KIND_PRIOR, ID_A, "8400000001", "Nguyễn Văn Hoà", "1990",
		  "Nam", "00019", "HN", NULL, NULL },
		{ KIND_REGISTRY, ID_A, NULL, "Nguyễn Văn Hoà", "12/03/1990",
		  "Nam", "00097", NULL, NULL, NULL },
		/* K: a roster row in 00019, not in the registry: not
		   increased, in review */
		{ KIND_ROSTER, ID_K, NULL, "Lê Thị Bé", "15/01/2018", "Nữ",
		  "00019", "GD", NULL, NULL },
	};
	struct fix f;
	size_t l;

	(void)state;
	build_in(&f, rows, 3, 2026, "00097");
	for (l = 0; l < L_REVIEW; l++)
		if (l != L_COVERAGE)
			assert_int_equal(f.o.lists[l].n, 0);
	assert_int_equal(f.o.lists[L_REVIEW].n, 2);
	assert_string_equal(review_cell(&f, 2, 4), "COMMUNE_SPLIT");
	assert_string_equal(review_cell(&f, 2, 5),
			    "commune 00019 was split on 2025-07-01 into 00004, "
			    "00070, 00190, 00226; the registry's residence is "
			    "none of them");
	assert_string_equal(review_cell(&f, 4, 4), "COMMUNE_SPLIT");
	assert_string_equal(review_cell(&f, 4, 5),
			    "commune 00019 was split on 2025-07-01 into 00004, "
			    "00070, 00190, 00226; the registry does not know "
			    "this person");
	release(&f);
}

/* A registry row in a split commune resolves nothing: review. */
static void split_registry_row_goes_to_review(void **state)
{
	const struct row rows[] = {
		{ KIND_PRIOR, ID_A, "8400000001", "Nguyễn Văn Hoà", "1990",
		  "Nam", "00019", "HN", NULL, NULL },
		{ KIND_REGISTRY, ID_A, NULL, "Nguyễn Văn Hoà", "12/03/1990",
		  "Nam", "00019", NULL, NULL, NULL },
	};
	struct fix f;

	(void)state;
	build_in(&f, rows, 2, 2026, "00070");
	assert_int_equal(f.o.lists[L_DECREASE].n, 0);
	assert_int_equal(f.o.lists[L_UNINSURED].n, 0);
	assert_int_equal(f.o.lists[L_REVIEW].n, 2);
	assert_string_equal(review_cell(&f, 2, 4), "COMMUNE_SPLIT");
	assert_string_equal(review_cell(&f, 3, 4), "COMMUNE_SPLIT");
	release(&f);
}

static void inputs_beyond_the_limit(void **state)
{
	struct run_opts o;
	struct etl_err err;
	struct ref ref;
	struct batch b;
	struct date d = date_make(2024, 1, 1);
	size_t i;

	(void)state;
	memset(&o, 0, sizeof(o));
	for (i = 0; i < INPUTS_MAX; i++)
		assert_int_equal(
			input_add(&o, KIND_ROSTER, "r.csv=R", NULL, &err), 0);
	assert_int_equal(o.ninputs, 65535);
	assert_string_equal(o.inputs[INPUTS_MAX - 1].label, "R");
	assert_int_equal(input_add(&o, KIND_ROSTER, "one-more.csv", NULL, &err),
			 -1);
	assert_int_equal(o.ninputs, 65535);
	assert_string_equal(err.msg, "too many input files: at most 65535 "
				     "(--prior, --registry and --roster "
				     "together)");
	/* pipeline_read checks it too, before reading anything */
	ref_init(&ref);
	batch_init(&b, &ref, 2024, &d, &d);
	batch_add_source(&b, &(struct input){ .path = "x.csv",
					      .label = "x",
					      .kind = KIND_PRIOR });
	err.msg[0] = '\0';
	assert_int_equal(pipeline_read(&b, &o, &err), -1);
	assert_non_null(strstr(err.msg, "at most 65535"));
	assert_int_equal(b.nsrcs, 1);
	batch_release(&b);
	ref_release(&ref);
	for (i = 0; i < o.ninputs; i++) {
		free((void *)o.inputs[i].path);
		free((void *)o.inputs[i].label);
	}
	free(o.inputs);
	/* struct rec did not grow (the limit keeps src 16 bits) */
	assert_true(sizeof(struct rec) <= 128);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(renew_when_nothing_differs),
		cmocka_unit_test(death_decreases_every_card),
		cmocka_unit_test(child_aged_out_moves_to_poor_household),
		cmocka_unit_test(not_on_roster_and_possible_match),
		cmocka_unit_test(possible_match_by_the_best_card),
		cmocka_unit_test(duplicate_cards_go_with_a_decrease),
		cmocka_unit_test(typo_row_knocks_no_one_out),
		cmocka_unit_test(review_rows_name_the_person),
		cmocka_unit_test(review_reasons_in_vietnamese),
		cmocka_unit_test(cards_are_cards_not_rows),
		cmocka_unit_test(rule3_reaches_card_holders),
		cmocka_unit_test(ambiguous_code_is_printed_against_no_one),
		cmocka_unit_test(new_newborn_uninsured),
		cmocka_unit_test(id_name_mismatch_is_set_aside),
		cmocka_unit_test(bhxh_code_links_again_after_demographics),
		cmocka_unit_test(every_row_counts_once_or_has_a_review_row),
		cmocka_unit_test(csv_files_quoted_and_private),
		cmocka_unit_test(codes_are_never_cut),
		cmocka_unit_test(names_normalised_once),
		cmocka_unit_test(default_scope_keeps_codes_whole),
		cmocka_unit_test(inputs_beyond_the_limit),
		cmocka_unit_test(commune_translated_on_period_start),
		cmocka_unit_test(split_resolved_by_the_registry),
		cmocka_unit_test(split_unresolved_goes_to_review),
		cmocka_unit_test(split_registry_row_goes_to_review),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
