/*
 * classify.h: the rules of rules.md R5 and R6.  For every person built by identity,
 * decides the eligibility of each roster row and exactly one outcome (or
 * none, rule 2), and adds the rows of increase, decrease, change, renew,
 * uninsured and review to the outputs, with the per-commune counts behind
 * the coverage report.  The decision (classify_decide) is kept apart from
 * the writing of the rows, so it can be looked at on its own.
 */
#ifndef DOISOAT_CLASSIFY_H
#define DOISOAT_CLASSIFY_H

#include "output.h"
#include "rec.h"

void classify_run(struct batch *b, struct outputs *o);

/*
 * The day a child's TE card ends (rules.md R5, R6): 30 September of the year the
 * child reaches 72 months if born on or before 30 September, else the last
 * day of the month it reaches 72 months.  With a month- or year-only date
 * of birth, the latest date it could be (never cut by mistake).
 */
struct date te_end_date(const struct date *dob);

/* What the rules look at besides the person: the run and its dates. */
struct rules {
	struct batch *b;
	const struct ref *ref;
	unsigned te; /* the group TE */
	struct date day_before; /* period_start - 1 day */
	struct date newborn_after; /* born after it: under 12 months (rule 5) */
	/* the ambiguous BHXH codes (ambiguous_codes), sorted; none after
	   rules_init */
	const uint64_t *ambiguous;
	size_t nambiguous;
};

void rules_init(struct rules *ru, struct batch *b);

/*
 * The BHXH codes no list may print against anyone (rules.md R4.5): the
 * codes carried by counted rows (not set aside; registry rows, cards and
 * roster rows) of two or more personal IDs, and the codes of rows identity
 * set aside as AMBIGUOUS_IDENTITY.  Sorted, caller frees; *n set.
 */
uint64_t *ambiguous_codes(const struct batch *b, size_t *n);

/* The outcome of a person, and so the list its main row goes to. */
enum outcome {
	OUTCOME_NONE, /* no card, not a resident: nothing to list */
	OUTCOME_DECEASED, /* rules 1 and 2: every card decreases from eff */
	OUTCOME_PENDING, /* cards, no eligible row: rule 3 or 4, decided
			    by classify_decide_pending */
	OUTCOME_REVIEW, /* the best card is a review row */
	OUTCOME_DECREASE, /* rule 4: the best card decreases from eff */
	OUTCOME_INCREASE, /* rule 5 */
	OUTCOME_CHANGE, /* rules 6 and 7 */
	OUTCOME_RENEW, /* rule 8 */
	OUTCOME_UNINSURED, /* rule 9 */
};

/* The fields rule 7 finds changed, in change.csv's order. */
#define CHANGED_NAME	 0x01u
#define CHANGED_DOB	 0x02u
#define CHANGED_SEX	 0x04u
#define CHANGED_LEVEL	 0x08u
#define CHANGED_HOSPITAL 0x10u
#define CHANGED_COMMUNE	 0x20u

/* What classify_decide finds for one person. */
struct decision {
	enum outcome outcome;
	enum reason why; /* the outcome's reason; R_NONE for renew,
			    uninsured and none */
	struct rec *g; /* the registry row, or NULL */
	struct rec *best; /* the best card (lowest group rank), or NULL */
	struct rec *win; /* the eligible roster row whose group wins */
	unsigned changed; /* CHANGED_* (rule 7) */
	int dup_cards; /* the cards other than best decrease as
			  R_DUPLICATE_CARD (outcomes DECREASE, CHANGE and
			  RENEW only: a person in review keeps every card) */
	int ncards, neligible;
	/* some roster row of the person is ineligible only because the
	   registry does not know them (rule 3: review, never decrease) */
	int own_unknown;
	int level; /* benefit level of the eligible groups, 0: none */
	unsigned schemes; /* SCHEME_* of the person's roster rows */
	uint64_t bhxh; /* the first BHXH code among the person's rows that
			  is not ambiguous (rules.ambiguous) */
	struct date eff; /* when a decrease takes effect */
};

/*
 * Decide the outcome of person p of ru->b (rules 1, 2 and 5 to 9; rules 3
 * and 4 are OUTCOME_PENDING).  Writes nothing but the eligibility of each
 * of p's roster rows, kept in its reason (R_NONE: eligible).
 */
void classify_decide(const struct rules *ru, const struct person *p,
		     struct decision *d);

/*
 * Rules 3 and 4 for a person classify_decide left pending: a review of the
 * best card when a roster row not counted for them may be them
 * (possible_match) or when their own roster rows are ineligible only
 * because the registry does not know them (d->own_unknown); else a
 * decrease of the best card, with the reason judged on that card, and of
 * the other cards as duplicates.
 */
void classify_decide_pending(const struct rules *ru, struct decision *d,
			     int possible_match);

#endif
