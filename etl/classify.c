/*
 * classify.c: eligibility and outcomes (rules.md R5, R6), one person at a time,
 * in person-key order.  The first rule that applies decides; every row that
 * does not count gets a review note with its reason.  classify_decide
 * decides; the write_* functions add each list's rows.
 */
#include "classify.h"
#include "hashtab.h"

#include <pthread.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct date te_end_date(const struct date *dob)
{
	int y = dob->year + 6;

	if (dob->prec == DATE_YEAR)
		return date_make(y, 12, 31);
	if (dob->month < 9 || (dob->month == 9 && dob->day <= 30))
		return date_make(y, 9, 30);
	return date_make(y, dob->month, days_in_month(y, dob->month));
}

void rules_init(struct rules *ru, struct batch *b)
{
	ru->b = b;
	ru->ref = b->ref;
	ru->te = ref_group(b->ref, "TE");
	ru->day_before = date_add_days(b->period_start, -1);
	ru->newborn_after = b->period_start;
	ru->newborn_after.year--;
	if (ru->newborn_after.month == 2 && ru->newborn_after.day == 29)
		ru->newborn_after.day = 28;
	ru->ambiguous = NULL;
	ru->nambiguous = 0;
}

/* Does row r carry its person's key as a personal ID? */
static int keyed_by_pid(const struct rec *r)
{
	return r->key && !(r->key & KEY_BHXH_TAG);
}

uint64_t *ambiguous_codes(const struct batch *b, size_t *n)
{
	struct kv *kv = NULL;
	uint64_t *codes = NULL;
	size_t m = 0, cap = 0, nc = 0, ccap = 0, i, j, k;

	for (i = 0; i < b->nrecs; i++) {
		const struct rec *r = &b->recs[i];

		if (!r->bhxh ||
		    (r->state == REC_ASIDE ? r->reason != R_AMBIGUOUS_IDENTITY
					   : !keyed_by_pid(r)))
			continue;
		GROW(kv, cap, m + 1);
		kv[m].key = r->bhxh;
		kv[m++].val = (uint32_t)i;
	}
	sort_kv(kv, m);
	for (i = 0; i < m; i = j) {
		const struct rec *first = &b->recs[kv[i].val];
		int amb = first->state == REC_ASIDE;

		for (j = i + 1; j < m && kv[j].key == kv[i].key; j++)
			;
		for (k = i; k < j && !amb; k++) {
			const struct rec *r = &b->recs[kv[k].val];

			amb = r->state == REC_ASIDE || r->key != first->key;
		}
		if (amb) {
			GROW(codes, ccap, nc + 1);
			codes[nc++] = kv[i].key;
		}
	}
	free(kv);
	*n = nc;
	return codes;
}

/* A BHXH code as a list may print it: 0 (none) when ambiguous. */
static uint64_t shown_code(const struct rules *ru, uint64_t code)
{
	return code_ambiguous(ru->ambiguous, ru->nambiguous, code) ? 0 : code;
}

/* Everything the rules and the writers look at for one person. */
struct ctx {
	struct rules ru;
	struct outputs *o;
	struct cov *cov;
	size_t ncov, cov_cap;
	uint32_t *pending; /* people left for rule 3 or 4 (rule3_scan) */
	size_t npending, pending_cap;
	struct note *notes; /* review rows, added to the batch in order */
	size_t nnotes, notes_cap;
	struct arena text; /* their details, joined to the batch's arena */
	size_t lo, hi; /* the people [lo, hi) of this context */
};

/* ---- the decision ----------------------------------------------------- */

/* Row i of person p's cards and roster rows. */
static struct rec *member(const struct batch *b, const struct person *p,
			  uint32_t i)
{
	return &b->recs[b->members[p->first + i]];
}

static const struct group *grp(const struct rules *ru, const struct rec *r)
{
	return &ru->ref->groups[r->group];
}

static int dead(const struct rec *g)
{
	return g && (g->status == STATUS_DEAD || g->status == STATUS_MISSING);
}

/* Registry person alive and living in a commune in scope. */
static int resident(const struct rules *ru, const struct rec *g)
{
	return g && g->status == STATUS_ALIVE &&
	       ref_in_scope(ru->ref, g->commune);
}

/*
 * The TE rule for row r (roster row or card) of the person whose registry
 * row is g (or NULL): *end is the day the child's TE card ends, by the
 * registry's date of birth when there is one, else r's; is r in group TE
 * and that day before period_start (aged out)?
 */
static int te_ended(const struct rules *ru, const struct rec *g,
		    const struct rec *r, struct date *end)
{
	*end = te_end_date(g ? &g->dob : &r->dob);
	return r->group == ru->te && date_cmp(end, &ru->b->period_start) < 0;
}

/* Eligibility of roster row r for person with registry row g (or NULL). */
static enum reason ineligible(const struct rules *ru, const struct rec *r,
			      const struct rec *g)
{
	const struct group *gr = grp(ru, r);
	struct date end;

	if (dead(g))
		return R_ROSTER_LISTS_DECEASED;
	if (r->flags & RF_COMMUNE_SPLIT)
		return R_COMMUNE_SPLIT; /* rules.md R3.16 */
	if (gr->residence_based) {
		if (!g)
			return R_NOT_IN_REGISTRY;
		if (!resident(ru, g))
			return R_MOVED_OUT;
	}
	if (te_ended(ru, g, r, &end))
		return R_AGED_OUT;
	if (gr->area_based) {
		const char *commune = g ? g->commune : r->commune;

		if (!ref_area_ok(ru->ref, commune, gr->code,
				 &ru->b->period_start))
			return R_AREA_NOT_ELIGIBLE;
		if (!strcmp(gr->code, "DT") && g && g->ethnicity[0] &&
		    !strcmp(g->ethnicity, "kinh"))
			return R_NOT_ETHNIC_MINORITY;
	}
	return R_NONE;
}

/*
 * Is roster row r of a person the registry does not know ineligible only
 * for that (rule 3): not a TE row past its end date, not an area-based row
 * whose commune (when it gives one) does not qualify?
 */
static int only_not_in_registry(const struct rules *ru, const struct rec *r)
{
	const struct group *gr = grp(ru, r);
	struct date end;

	if (r->kind != KIND_ROSTER || r->reason != R_NOT_IN_REGISTRY ||
	    te_ended(ru, NULL, r, &end))
		return 0;
	return !gr->area_based || !r->commune[0] ||
	       ref_area_ok(ru->ref, r->commune, gr->code, &ru->b->period_start);
}

/* Does row r's group rank before row than's (the first of equals wins)? */
static int outranks(const struct rules *ru, const struct rec *r,
		    const struct rec *than)
{
	return grp(ru, r)->rank < grp(ru, than)->rank;
}

/* The person's best card (lowest group rank, then input order), or NULL. */
static struct rec *best_card(const struct rules *ru, const struct person *p)
{
	struct rec *best = NULL, *r;
	uint32_t i;

	for (i = 0; i < p->n; i++) {
		r = member(ru->b, p, i);
		if (r->kind == KIND_PRIOR && (!best || outranks(ru, r, best)))
			best = r;
	}
	return best;
}

/*
 * The person's registry row, cards (the best of them) and roster rows,
 * each roster row's eligibility and the winning eligible one.
 */
static void scan_rows(const struct rules *ru, const struct person *p,
		      struct decision *d)
{
	struct batch *b = ru->b;
	uint32_t i;

	memset(d, 0, sizeof(*d));
	d->g = p->registry != NONE32 ? &b->recs[p->registry] : NULL;
	d->best = best_card(ru, p);
	for (i = 0; i < p->n; i++) {
		struct rec *r = member(b, p, i);

		if (!d->bhxh)
			d->bhxh = shown_code(ru, r->bhxh);
		if (r->kind == KIND_PRIOR) {
			d->ncards++;
			continue;
		}
		d->schemes |= r->schemes;
		r->reason = (uint8_t)ineligible(ru, r, d->g);
		if (r->reason != R_NONE)
			continue;
		d->neligible++;
		if (!d->win || outranks(ru, r, d->win))
			d->win = r;
	}
}

/* Benefit level: the best among the eligible groups. */
static int benefit_level(const struct rules *ru, const struct person *p)
{
	const struct batch *b = ru->b;
	int level = 0, l;
	uint32_t i;

	for (i = 0; i < p->n; i++) {
		const struct rec *r = member(b, p, i);

		if (r->kind != KIND_ROSTER || r->reason != R_NONE)
			continue;
		l = ref_group_level(ru->ref, r->group, &b->period_start);
		if (level_better(l, level))
			level = l;
	}
	return level;
}

/* The row whose name, birth date and sex a listed person is written with. */
static const struct rec *authority(const struct decision *d)
{
	return d->g ? d->g : (d->best ? d->best : d->win);
}

/* Rule 5: new, or newborn if born (at the earliest) under 12 months ago. */
static enum reason new_or_newborn(const struct rules *ru,
				  const struct date *dob)
{
	struct date earliest = *dob;

	if (earliest.prec < DATE_MONTH)
		earliest.month = 1;
	if (earliest.prec < DATE_DAY)
		earliest.day = 1;
	earliest.prec = DATE_DAY;
	return date_cmp(&earliest, &ru->newborn_after) > 0 ? R_NEWBORN : R_NEW;
}

/*
 * Is a row of the person (registry row g, cards, roster rows) in an old
 * commune split in 2025 that identity could not resolve (rules.md R3.16)?
 */
static int split_unresolved(const struct batch *b, const struct person *p,
			    const struct rec *g)
{
	uint32_t i;

	if (g && (g->flags & RF_COMMUNE_SPLIT))
		return 1;
	for (i = 0; i < p->n; i++)
		if (member(b, p, i)->flags & RF_COMMUNE_SPLIT)
			return 1;
	return 0;
}

/* Rule 7: what the best card has that differs from the authority. */
static unsigned changed_fields(const struct decision *d)
{
	const struct rec *g = d->g, *best = d->best, *win = d->win;
	unsigned ch = 0;

	if (g && strcmp(best->nkey, g->nkey))
		ch |= CHANGED_NAME;
	if (g && date_cmp_coarse(&best->dob, &g->dob))
		ch |= CHANGED_DOB;
	if (g && best->sex && g->sex && best->sex != g->sex)
		ch |= CHANGED_SEX;
	if (best->level && d->level && best->level != d->level)
		ch |= CHANGED_LEVEL;
	if (win->hospital[0] && strcmp(win->hospital, best->hospital))
		ch |= CHANGED_HOSPITAL;
	if (g && strcmp(best->commune, g->commune))
		ch |= CHANGED_COMMUNE;
	return ch;
}

void classify_decide(const struct rules *ru, const struct person *p,
		     struct decision *d)
{
	scan_rows(ru, p, d);
	if (dead(d->g)) {
		/* Rules 1 and 2: death and missing persons. */
		d->outcome = OUTCOME_DECEASED;
		d->why = d->g->status == STATUS_DEAD ? R_DEATH : R_MISSING;
		d->eff = d->g->status_date;
		return;
	}
	if (split_unresolved(ru->b, p, d->g)) {
		/* which new commune is unknown: review, never decrease */
		d->outcome = OUTCOME_REVIEW;
		d->why = R_COMMUNE_SPLIT;
		d->win = NULL;
		return;
	}
	if (!d->neligible) {
		if (!d->best) {
			d->outcome = resident(ru, d->g) ? OUTCOME_UNINSURED
							: OUTCOME_NONE;
		} else if (p->key & KEY_BHXH_TAG) {
			d->outcome = OUTCOME_REVIEW;
			d->why = R_UNKEYED_CARD;
		} else {
			uint32_t i;

			d->outcome = OUTCOME_PENDING;
			for (i = 0; i < p->n && !d->own_unknown; i++)
				d->own_unknown = only_not_in_registry(
					ru, member(ru->b, p, i));
		}
		return;
	}
	/* One card per person: the others are duplicates (change, renew;
	   a decrease in classify_decide_pending). */
	d->dup_cards = d->ncards > 1 && !(p->key & KEY_BHXH_TAG);
	d->level = benefit_level(ru, p);
	if (!d->best) {
		d->outcome = OUTCOME_INCREASE;
		d->why = new_or_newborn(ru, &authority(d)->dob);
		return;
	}
	if (d->win->group != d->best->group) {
		d->outcome = OUTCOME_CHANGE;
		d->why = R_GROUP_CHANGED; /* rule 6 */
		return;
	}
	d->changed = changed_fields(d);
	d->outcome = d->changed ? OUTCOME_CHANGE : OUTCOME_RENEW;
	d->why = d->changed ? R_DATA_CORRECTED : R_NONE;
}

void classify_decide_pending(const struct rules *ru, struct decision *d,
			     int possible_match)
{
	const struct rec *g = d->g, *best = d->best;
	const struct group *gr = grp(ru, best);
	const char *commune = g ? g->commune : best->commune;
	struct date end;

	if (possible_match || d->own_unknown) {
		/* Rule 3: every card stays until a human decides */
		d->outcome = OUTCOME_REVIEW;
		d->why = R_POSSIBLE_MATCH;
		d->dup_cards = 0;
		return;
	}
	/* Rule 4 (pending people have a personal ID as key) */
	d->dup_cards = d->ncards > 1;
	d->outcome = OUTCOME_DECREASE;
	d->why = R_NOT_ON_ROSTER;
	d->eff = ru->day_before;
	if (te_ended(ru, g, best, &end)) {
		d->why = R_AGED_OUT;
		d->eff = end;
	} else if (gr->area_based && !ref_area_ok(ru->ref, commune, gr->code,
						  &ru->b->period_start)) {
		d->why = R_AREA_NOT_ELIGIBLE;
	} else if (g && !resident(ru, g)) {
		d->why = R_MOVED_OUT;
	}
}

/* ---- review rows ------------------------------------------------------ */

/* A review row; its detail lives in this context's text arena. */
static void review(struct ctx *c, struct rec *r, enum reason why,
		   const char *detail)
{
	r->reason = (uint8_t)why;
	GROW(c->notes, c->notes_cap, c->nnotes + 1);
	c->notes[c->nnotes++] = review_note(
		r, why, detail ? arena_strdup(&c->text, detail) : NULL);
}

/* A context's review rows into the batch, their details' arena with them. */
static void keep_notes(struct batch *b, struct ctx *c)
{
	size_t i;

	for (i = 0; i < c->nnotes; i++)
		batch_add_review(b, &c->notes[i]);
	arena_absorb(&b->arena, &c->text);
	free(c->notes);
}

/*
 * What a commune officer reads in review.csv for a row whose old commune
 * was split in 2025 and not resolved: the code, its new communes, and why
 * the registry did not decide.
 */
static void split_detail(const struct rules *ru, const struct rec *r,
			 const struct rec *g, char *out, size_t n)
{
	struct commune_cands cands = { NULL, 0 };
	char now[COMMUNE_CODE_MAX + 1], parts[6 * (COMMUNE_CODE_MAX + 2)];
	size_t i, len = 0;

	(void)ref_commune_on(ru->ref, r->commune, &ru->b->period_start, now,
			     &cands);
	parts[0] = 0;
	for (i = 0; i < cands.n && len + COMMUNE_CODE_MAX + 3 < sizeof(parts);
	     i++)
		len += (size_t)snprintf(parts + len, sizeof(parts) - len,
					"%s%s", i ? ", " : "", cands.codes[i]);
	snprintf(out, n, "commune %s was split on 2025-07-01 into %s; %s",
		 r->commune, parts,
		 !g ? "the registry does not know this person"
		 : g == r || (g->flags & RF_COMMUNE_SPLIT)
			 ? "the registry gives the old commune too"
			 : "the registry's residence is none of them");
}

/* What a commune officer reads in review.csv for an ineligible row. */
static void ineligible_detail(const struct rules *ru, const struct rec *r,
			      const struct rec *g, char *out, size_t n)
{
	const char *code = grp(ru, r)->code;
	struct date end;
	char day[11];

	switch (r->reason) {
	case R_ROSTER_LISTS_DECEASED:
		snprintf(out, n,
			 "group %s: the registry records this person "
			 "as %s",
			 code, g->status == STATUS_DEAD ? "dead" : "missing");
		break;
	case R_NOT_IN_REGISTRY:
		snprintf(out, n,
			 "group %s needs residence, and the registry "
			 "has no person with this ID",
			 code);
		break;
	case R_MOVED_OUT:
		snprintf(out, n, "group %s needs residence, and the person %s",
			 code,
			 g->status == STATUS_MOVED
				 ? "has moved away"
				 : "lives outside the run's communes");
		break;
	case R_AGED_OUT:
		(void)te_ended(ru, g, r, &end);
		date_format(&end, day);
		snprintf(out, n, "group TE: the child's TE card ended on %s",
			 day);
		break;
	case R_AREA_NOT_ELIGIBLE:
		date_format(&ru->b->period_start, day);
		snprintf(out, n,
			 "group %s: commune %s is not listed for %s "
			 "on %s",
			 code, g ? g->commune : r->commune, code, day);
		break;
	case R_NOT_ETHNIC_MINORITY:
		snprintf(out, n,
			 "group %s: the registry gives the ethnicity "
			 "Kinh",
			 code);
		break;
	case R_COMMUNE_SPLIT:
		split_detail(ru, r, g, out, n);
		break;
	default:
		snprintf(out, n, "group %s", code);
	}
}

/* Ineligible roster rows are review rows (rule 2's deceased among them). */
static void review_ineligible(struct ctx *c, const struct person *p,
			      const struct rec *g)
{
	struct batch *b = c->ru.b;
	uint32_t i;

	for (i = 0; i < p->n; i++) {
		struct rec *r = member(b, p, i);
		char why[160];

		if (r->kind == KIND_ROSTER && r->reason != R_NONE) {
			ineligible_detail(&c->ru, r, g, why, sizeof(why));
			review(c, r, (enum reason)r->reason, why);
		}
	}
}

/* The eligible roster rows whose group does not win are review rows. */
static void review_multiple(struct ctx *c, const struct person *p,
			    const struct decision *d)
{
	struct batch *b = c->ru.b;
	uint32_t i;

	for (i = 0; i < p->n; i++) {
		struct rec *r = member(b, p, i);
		char why[96];

		if (r->kind != KIND_ROSTER || r->reason != R_NONE ||
		    r == d->win)
			continue;
		snprintf(why, sizeof(why),
			 "also listed as %s; the card goes by the winning "
			 "group %s",
			 grp(&c->ru, r)->code, grp(&c->ru, d->win)->code);
		review(c, r, R_MULTIPLE_ENROLMENT, why);
	}
}

/*
 * The review rows of a person whose commune was split and not resolved:
 * the registry row and the cards in the old commune (roster rows are
 * ineligible ones, written by review_ineligible).
 */
static void review_split(struct ctx *c, const struct person *p,
			 const struct decision *d)
{
	char why[160];
	uint32_t i;

	if (d->g && (d->g->flags & RF_COMMUNE_SPLIT)) {
		split_detail(&c->ru, d->g, d->g, why, sizeof(why));
		review(c, d->g, R_COMMUNE_SPLIT, why);
	}
	for (i = 0; i < p->n; i++) {
		struct rec *r = member(c->ru.b, p, i);

		if (r->kind != KIND_PRIOR || !(r->flags & RF_COMMUNE_SPLIT))
			continue;
		split_detail(&c->ru, r, d->g, why, sizeof(why));
		review(c, r, R_COMMUNE_SPLIT, why);
	}
}

/* The review row of a person's best card (OUTCOME_REVIEW). */
static void write_review(struct ctx *c, const struct person *p,
			 const struct decision *d)
{
	const char *text =
		d->why != R_POSSIBLE_MATCH
			? "card without a personal ID and no roster row with "
			  "its BHXH code"
		: d->own_unknown
			? "the card holder's own roster row is in review: the "
			  "registry does not know this personal ID"
			: "a roster row not linked to this card holder "
			  "carries the same ID or name and birth date";

	if (d->why == R_COMMUNE_SPLIT)
		review_split(c, p, d);
	else
		review(c, d->best, d->why, text);
}

/* ---- rule 3: roster rows that may be a card holder -------------------- */

/*
 * What rule 3 looks for, for the people left pending (c->pending[w]): the
 * identifiers that lead to them (their key; the registry's CMND; the BHXH
 * codes of their rows) and their names (accent-free key, of the registry
 * row and of every card, with its birth date and commune).  Every roster
 * row not counted for a pending person is then held against these once.
 */
enum { TOK_PID = 1, TOK_CMND, TOK_BHXH };

struct r3tok {
	uint64_t val;
	uint32_t who; /* index into c->pending */
	uint8_t type; /* TOK_* */
};

struct r3name {
	char *ascii; /* accent-free name key */
	const struct rec *r; /* registry row or card: birth date, commune */
	uint32_t who;
	/* the next name of the same key, in names (name, year, commune) and
	   in names_any (name, year); NONE32 ends the chain */
	uint32_t next, next_any;
};

/*
 * names and names_any hold the first name of each key, its chain the
 * others: a key many share (a common name, a year) costs one slot, not a
 * run of equal hashes every insert and lookup walks.
 */
struct rule3 {
	struct hashtab ids, names, names_any;
	struct hashtab dates; /* birth dates of the names (want_date) */
	struct r3tok *toks;
	size_t ntoks, toks_cap;
	struct r3name *nms;
	size_t nnms, nms_cap;
	struct arena text; /* the names' accent-free keys */
	uint8_t *maybe; /* per pending person: a row may be them */
};

/*
 * A roster row as rule 3 sees it: a row read (counted for the key it is
 * counted for), or the lead of a rejected row (struct lead: counted for
 * no one).  A row without a commune stands in any commune in scope.
 */
struct r3cand {
	uint64_t pid, cmnd, bhxh; /* cmnd as tok_cmnd encodes it */
	uint64_t counted; /* the key the row is counted for, 0 if none */
	const char *name, *commune;
	struct date dob;
};

static uint64_t tok_hash(int type, uint64_t val)
{
	return ht_hash_u64(val ^ (uint64_t)type << 60);
}

static uint64_t tok_cmnd(const struct rec *r)
{
	return r->cmnd ? r->cmnd * 16 + r->cmnd_len : 0;
}

static uint64_t name_hash(const char *ascii, int year)
{
	return ht_hash(ascii, strlen(ascii)) ^
	       (uint64_t)(year + 1) * 0x9e3779b97f4a7c15ull;
}

/* The accent-free key of a name (caller frees). */
static char *ascii_key(const char *name)
{
	size_t n = 4 * strlen(name) + 1;
	char *k = xmalloc(n);

	name_key_ascii(name, k, n);
	return k;
}

/* The same in a, at its own length (the key takes 4 bytes a name byte
   at most, and about 1: hundreds of thousands are kept at once). */
static char *ascii_key_in(struct arena *a, const char *name)
{
	size_t n = 4 * strlen(name) + 1;
	char stack[512], *k = n <= sizeof(stack) ? stack : xmalloc(n), *kept;

	name_key_ascii(name, k, n);
	kept = arena_strdup(a, k);
	if (k != stack)
		free(k);
	return kept;
}

static void want_tok(struct rule3 *r3, int type, uint64_t val, uint32_t who)
{
	if (!val)
		return;
	GROW(r3->toks, r3->toks_cap, r3->ntoks + 1);
	r3->toks[r3->ntoks] = (struct r3tok){ val, who, (uint8_t)type };
	ht_insert(&r3->ids, tok_hash(type, val), (uint32_t)r3->ntoks++);
}

/*
 * Birth dates, to pass over the roster rows whose birth date agrees with
 * no wanted name's before their name is looked at: of a wanted name's
 * date, the exact day (D_DAY), the month when it is known to the month
 * only (D_MONTH_ONLY) or at least (D_MONTH), the year when it is known to
 * the year only (D_YEAR_ONLY) or at least (D_YEAR).  A filter: a hash hit
 * is not confirmed (rule3_candidate compares the dates).
 */
enum { D_DAY = 1, D_MONTH_ONLY, D_YEAR_ONLY, D_MONTH, D_YEAR };

static uint64_t date_hash(int what, const struct date *d)
{
	uint64_t v = (uint64_t)what << 32 | (uint64_t)(uint16_t)d->year << 16;

	if (what != D_YEAR_ONLY && what != D_YEAR)
		v |= (uint64_t)d->month << 8;
	if (what == D_DAY)
		v |= d->day;
	return ht_hash_u64(v);
}

/* Add h to the set of dates once: a hash many names share (a year) would
   otherwise make a run of equal slots every later insert walks. */
static void want_date_hash(struct rule3 *r3, uint64_t h)
{
	size_t pos = ht_first(&r3->dates, h);

	if (ht_next(&r3->dates, h, &pos) == HT_NONE)
		ht_insert(&r3->dates, h, 0);
}

static void want_date(struct rule3 *r3, const struct date *d)
{
	want_date_hash(r3, date_hash(D_YEAR, d));
	if (d->prec >= DATE_MONTH)
		want_date_hash(r3, date_hash(D_MONTH, d));
	want_date_hash(r3, date_hash(d->prec == DATE_DAY     ? D_DAY
				     : d->prec == DATE_MONTH ? D_MONTH_ONLY
							     : D_YEAR_ONLY,
				     d));
}

static int has_date(const struct rule3 *r3, int what, const struct date *d)
{
	uint64_t h = date_hash(what, d);
	size_t pos = ht_first(&r3->dates, h);

	return ht_next(&r3->dates, h, &pos) != HT_NONE;
}

/* Does birth date d agree (coarser precision) with a wanted name's? */
static int date_wanted(const struct rule3 *r3, const struct date *d)
{
	switch (d->prec) {
	case DATE_DAY:
		return has_date(r3, D_DAY, d) ||
		       has_date(r3, D_MONTH_ONLY, d) ||
		       has_date(r3, D_YEAR_ONLY, d);
	case DATE_MONTH:
		return has_date(r3, D_MONTH, d) || has_date(r3, D_YEAR_ONLY, d);
	case DATE_YEAR:
		return has_date(r3, D_YEAR, d);
	default:
		return 0;
	}
}

/* The hash of a name key in names: with its commune (NULL: names_any). */
static uint64_t name_key_hash(const char *ascii, int year, const char *commune)
{
	uint64_t h = name_hash(ascii, year);

	return commune ? h ^ ht_hash(commune, strlen(commune)) * 31 : h;
}

/* Do names i and j share their key (name, year, and commune unless any)? */
static int same_name_key(const struct rule3 *r3, uint32_t i, uint32_t j,
			 int any)
{
	const struct r3name *a = &r3->nms[i], *b = &r3->nms[j];

	return a->r->dob.year == b->r->dob.year &&
	       !strcmp(a->ascii, b->ascii) &&
	       (any || !strcmp(a->r->commune, b->r->commune));
}

/* Put name i in table t (names or names_any) under hash h. */
static void chain_name(struct rule3 *r3, struct hashtab *t, uint64_t h,
		       uint32_t i, int any)
{
	size_t pos;
	uint32_t v;

	for (pos = ht_first(t, h); (v = ht_next(t, h, &pos)) != HT_NONE;)
		if (same_name_key(r3, v, i, any)) {
			uint32_t *next =
				any ? &r3->nms[v].next_any : &r3->nms[v].next;

			if (any)
				r3->nms[i].next_any = *next;
			else
				r3->nms[i].next = *next;
			*next = i;
			return;
		}
	ht_insert(t, h, i);
}

static void want_name(struct rule3 *r3, const struct rec *r, uint32_t who)
{
	struct r3name *nm;
	uint32_t i;

	if (!r->dob.prec)
		return;
	want_date(r3, &r->dob);
	GROW(r3->nms, r3->nms_cap, r3->nnms + 1);
	i = (uint32_t)r3->nnms++;
	nm = &r3->nms[i];
	nm->ascii = ascii_key_in(&r3->text, r->name);
	nm->r = r;
	nm->who = who;
	nm->next = nm->next_any = NONE32;
	chain_name(r3, &r3->names,
		   name_key_hash(nm->ascii, r->dob.year, r->commune), i, 0);
	chain_name(r3, &r3->names_any,
		   name_key_hash(nm->ascii, r->dob.year, NULL), i, 1);
}

/* What leads to pending person w, into the tables. */
static void want_person(struct ctx *c, struct rule3 *r3, uint32_t w)
{
	struct batch *b = c->ru.b;
	const struct person *p = &b->people[c->pending[w]];
	const struct rec *g =
		p->registry != NONE32 ? &b->recs[p->registry] : NULL;
	uint32_t i;

	want_tok(r3, TOK_PID, p->key, w);
	if (g) {
		want_tok(r3, TOK_CMND, tok_cmnd(g), w);
		want_tok(r3, TOK_BHXH, g->bhxh, w);
		want_name(r3, g, w);
	}
	for (i = 0; i < p->n; i++) {
		const struct rec *r = member(b, p, i);

		want_tok(r3, TOK_BHXH, r->bhxh, w);
		if (r->kind == KIND_PRIOR)
			want_name(r3, r, w);
	}
}

/* The pending people candidate x carries an identifier of (type, val). */
static void match_tok(struct ctx *c, const struct rule3 *r3,
		      const struct r3cand *x, int type, uint64_t val,
		      uint8_t *maybe)
{
	uint64_t h = tok_hash(type, val);
	size_t pos;
	uint32_t v;

	if (!val)
		return;
	for (pos = ht_first(&r3->ids, h);
	     (v = ht_next(&r3->ids, h, &pos)) != HT_NONE;) {
		const struct r3tok *t = &r3->toks[v];

		if (t->type == type && t->val == val &&
		    x->counted != c->ru.b->people[c->pending[t->who]].key)
			maybe[t->who] = 1;
	}
}

/*
 * Rule 3 for candidate x: it may be every pending person it is not
 * counted for whose key it carries (written, or through its CMND or BHXH
 * code: an ambiguous code leads to each person it is seen with), or whose
 * accent-free name and birth date (coarser precision) it has in the same
 * commune (a row without a commune: any commune in scope).  It sets
 * maybe[w] for each; the tables are only read.
 */
static void rule3_candidate(struct ctx *c, const struct rule3 *r3,
			    const struct r3cand *x, uint8_t *maybe)
{
	const struct hashtab *t;
	size_t pos;
	uint32_t v;
	uint64_t h;
	char *ascii;

	match_tok(c, r3, x, TOK_PID, x->pid, maybe);
	match_tok(c, r3, x, TOK_CMND, x->cmnd, maybe);
	match_tok(c, r3, x, TOK_BHXH, x->bhxh, maybe);
	if (!r3->nnms || !date_wanted(r3, &x->dob))
		return;
	ascii = ascii_key(x->name);
	/* a row with a commune: the names of its commune; without: any */
	t = x->commune[0] ? &r3->names : &r3->names_any;
	h = name_key_hash(ascii, x->dob.year,
			  x->commune[0] ? x->commune : NULL);
	for (pos = ht_first(t, h); (v = ht_next(t, h, &pos)) != HT_NONE;) {
		if (strcmp(r3->nms[v].ascii, ascii) ||
		    r3->nms[v].r->dob.year != x->dob.year ||
		    (x->commune[0] &&
		     strcmp(r3->nms[v].r->commune, x->commune)))
			continue; /* another key of the same hash */
		for (; v != NONE32; v = x->commune[0] ? r3->nms[v].next
						      : r3->nms[v].next_any) {
			const struct r3name *nm = &r3->nms[v];
			const struct rec *r = nm->r;

			if (!date_cmp_coarse(&x->dob, &r->dob) &&
			    (x->commune[0] ||
			     ref_in_scope(c->ru.ref, r->commune)) &&
			    x->counted !=
				    c->ru.b->people[c->pending[nm->who]].key)
				maybe[nm->who] = 1;
		}
		break;
	}
	free(ascii);
}

/* Rule 3 for the lead of a rejected roster row (rules.md R6.4). */
static void rule3_lead(struct ctx *c, struct rule3 *r3, const struct lead *l)
{
	struct r3cand x;

	x.pid = l->pid;
	x.cmnd = l->cmnd ? l->cmnd * 16 + l->cmnd_len : 0; /* as tok_cmnd */
	x.bhxh = l->bhxh;
	x.counted = 0;
	x.name = l->name;
	x.commune = l->commune;
	x.dob = l->dob;
	rule3_candidate(c, r3, &x, r3->maybe);
}

/*
 * Threads: the people are split into CLASSIFY_THREADS ranges (in key
 * order), each classified into outputs, review rows and coverage counts
 * of its own; they are then joined in range order, so the result is the
 * one a single thread gives.  Rules 3 and 4 (pending people) come last:
 * rule 3's scan of the roster rows on the same threads (scan_part), the
 * decisions in one thread.
 */
#define CLASSIFY_THREADS 2
_Static_assert(CLASSIFY_THREADS <= ETL_THREADS_MAX, "struct workers");
#define CLASSIFY_MIN_PEOPLE 100000 /* fewer: one thread is enough */

/*
 * Part k of n of the roster rows against the tables, into maybe: the
 * blocks of SCAN_BLOCK rows k, k + n, k + 2n, ... (the rows are in input
 * order, the rosters mostly last: halves would give one thread them all).
 */
#define SCAN_BLOCK 4096

struct scan_part {
	struct ctx *c;
	const struct rule3 *r3;
	size_t k, n;
	uint8_t *maybe;
};

/* Rule 3 for roster row r (merged rows left out: their twin counts). */
static void scan_row(const struct scan_part *sp, const struct rec *r)
{
	struct r3cand x;

	if (r->kind != KIND_ROSTER || r->state == REC_MERGED)
		return;
	x.pid = r->pid;
	x.cmnd = tok_cmnd(r);
	x.bhxh = r->bhxh;
	x.counted = r->state == REC_OK ? r->key : 0;
	x.name = r->name;
	x.commune = r->commune;
	x.dob = r->dob;
	rule3_candidate(sp->c, sp->r3, &x, sp->maybe);
}

static void *scan_part(void *arg)
{
	struct scan_part *sp = arg;
	const struct batch *b = sp->c->ru.b;
	size_t at, i;

	for (at = sp->k * SCAN_BLOCK; at < b->nrecs; at += sp->n * SCAN_BLOCK)
		for (i = at; i < at + SCAN_BLOCK && i < b->nrecs; i++)
			scan_row(sp, &b->recs[i]);
	return NULL;
}

/*
 * Rule 3 for every person in c->pending at once: r3->maybe[w] tells
 * whether some roster row not counted for pending person w may be them.
 * Done after every other person is decided, so a run pays for the few
 * people it concerns: one pass over the roster rows (merged rows left
 * out: their twin counts), then over the leads of rejected ones.
 */
static void rule3_scan(struct ctx *c, struct rule3 *r3)
{
	struct batch *b = c->ru.b;
	struct scan_part part[CLASSIFY_THREADS];
	struct workers w;
	size_t i, k, n;

	memset(r3, 0, sizeof(*r3));
	r3->maybe = xcalloc(c->npending ? c->npending : 1, 1);
	if (!c->npending)
		return;
	/* sized for about 2 identifiers and 1 name key a person (the
	   messy district's 1M people: 2.3 and 1, at most 2 names each);
	   they grow past that */
	ht_init(&r3->ids, 2 * c->npending);
	ht_init(&r3->names, c->npending);
	ht_init(&r3->names_any, c->npending);
	arena_init(&r3->text);
	ht_init(&r3->dates, 4096); /* distinct dates are few: it grows */
	for (i = 0; i < c->npending; i++)
		want_person(c, r3, (uint32_t)i);
	/* the rows in parts, each flagging its own copy: the flags only
	   ever go from 0 to 1, so their union is one thread's result */
	n = b->nrecs < CLASSIFY_MIN_PEOPLE || etl_threads() < 2
		    ? 1
		    : CLASSIFY_THREADS;
	for (k = 0; k < n; k++)
		part[k] = (struct scan_part){ c, r3, k, n,
					      k ? xcalloc(c->npending, 1)
						: r3->maybe };
	workers_start(&w, scan_part, part, sizeof(part[0]), (int)n);
	scan_part(&part[0]);
	for (k = 1; k < n; k++) {
		workers_wait(&w, (int)k);
		for (i = 0; i < c->npending; i++)
			r3->maybe[i] |= part[k].maybe[i];
		free(part[k].maybe);
	}
	for (i = 0; i < b->nleads; i++)
		rule3_lead(c, r3, &b->leads[i]);
	/* a partition of a spilled run: the rows of the others (spill.h) */
	for (i = 0; b->foreign && i < r3->nnms; i++) {
		const struct r3name *nm = &r3->nms[i];

		if (!r3->maybe[nm->who] &&
		    b->foreign(b->foreign_ctx, b->foreign_part, nm->ascii,
			       &nm->r->dob, nm->r->commune,
			       ref_in_scope(c->ru.ref, nm->r->commune)))
			r3->maybe[nm->who] = 1;
	}
}

/* Everything of r3 but maybe[], which is all deciding needs: the
   tables go before the decisions add their rows to the lists. */
static void rule3_release_tables(struct rule3 *r3)
{
	arena_release(&r3->text);
	free(r3->nms);
	free(r3->toks);
	ht_release(&r3->ids);
	ht_release(&r3->names);
	ht_release(&r3->names_any);
	ht_release(&r3->dates);
	r3->nms = NULL;
	r3->toks = NULL;
	r3->nnms = r3->ntoks = 0;
}

/* ---- the rows of each list -------------------------------------------- */

/* Cells shared by the output rows */
struct cells {
	char pid[13], bhxh[11], card[16], dob[11], sex[2], level[2];
	char eff[11];
};

static void fill_common(struct cells *x, uint64_t key, uint64_t bhxh,
			const struct rec *card, const struct date *dob, int sex,
			int level)
{
	fmt_pid(key, x->pid);
	fmt_bhxh(bhxh, x->bhxh);
	if (card)
		fmt_card(card, x->card);
	else
		x->card[0] = '\0';
	date_format(dob, x->dob);
	x->sex[0] = (char)sex;
	x->sex[1] = '\0';
	x->level[0] = level ? (char)('0' + level) : '\0';
	x->level[1] = '\0';
}

/*
 * The cells rows of increase, decrease, change and renew open with: ID,
 * BHXH code, card code (not in increase), name, birth date, sex, commune.
 * Returns how many.
 */
static int person_cells(const char **cells, const struct cells *x,
			int with_card, const char *name, const char *commune)
{
	int n = 0;

	cells[n++] = x->pid;
	cells[n++] = x->bhxh;
	if (with_card)
		cells[n++] = x->card;
	cells[n++] = name;
	cells[n++] = x->dob;
	cells[n++] = x->sex;
	cells[n++] = commune;
	return n;
}

/* A string field of a row that may have none: "" for NULL. */
static const char *str(const char *s)
{
	return s ? s : "";
}

/*
 * A decrease of card from eff; kept: the card the person keeps (a
 * duplicate card's decrease), else NULL.  After the fixed columns: the
 * card's hospital and unit, and the kept card's code (lists.h).
 */
static void write_decrease(struct ctx *c, const struct person *p,
			   const struct rec *card, const struct date *eff,
			   enum reason why, const struct rec *kept)
{
	struct cells x;
	const char *cells[13];
	char kept_card[16] = "";
	int n;

	fill_common(&x, p->key, shown_code(&c->ru, card->bhxh), card,
		    &card->dob, card->sex, card->level);
	date_format(eff, x.eff);
	if (kept)
		fmt_card(kept, kept_card);
	n = person_cells(cells, &x, 1, card->name, card->commune);
	cells[n++] = grp(&c->ru, card)->code;
	cells[n++] = x.eff;
	cells[n++] = reason_name(why);
	cells[n++] = str(card->hospital);
	cells[n++] = str(card->unit);
	cells[n] = kept_card;
	out_add(c->o, L_DECREASE, card->commune, p->key, why, cells);
}

/* Rules 1 and 2 (every card), or the cards other than the best. */
static void write_card_decreases(struct ctx *c, const struct person *p,
				 const struct decision *d)
{
	struct batch *b = c->ru.b;
	uint32_t i;

	if (d->outcome != OUTCOME_DECEASED && !d->dup_cards)
		return;
	for (i = 0; i < p->n; i++) {
		const struct rec *r = member(b, p, i);

		if (r->kind != KIND_PRIOR)
			continue;
		if (d->outcome == OUTCOME_DECEASED)
			write_decrease(c, p, r, &d->eff, d->why, NULL);
		else if (r != d->best)
			write_decrease(c, p, r, &c->ru.day_before,
				       R_DUPLICATE_CARD, d->best);
	}
}

/* Rule 9: a resident with no card and no eligible roster row. */
static void write_uninsured(struct ctx *c, const struct person *p,
			    const struct decision *d)
{
	const struct rec *g = d->g;
	struct cells x;
	const char *cells[6];

	fill_common(&x, p->key, 0, NULL, &g->dob, g->sex, 0);
	cells[0] = x.pid;
	cells[1] = g->name;
	cells[2] = x.dob;
	cells[3] = x.sex;
	cells[4] = g->commune;
	cells[5] = g->household;
	out_add(c->o, L_UNINSURED, g->commune, p->key, R_NONE, cells);
}

/* A card holder's household: the winning roster row's, else the registry's. */
static const char *household(const struct decision *d)
{
	if (d->win && d->win->household && d->win->household[0])
		return d->win->household;
	return d->g ? str(d->g->household) : "";
}

/* The hospital of a renewed or changed card: the roster's, else the card's. */
static const char *new_hospital(const struct decision *d)
{
	if (d->win && d->win->hospital && d->win->hospital[0])
		return d->win->hospital;
	return str(d->best->hospital);
}

/* Rule 5 */
static void write_increase(struct ctx *c, const struct person *p,
			   const struct decision *d)
{
	const struct rec *auth = authority(d), *win = d->win;
	struct cells x;
	const char *cells[16];
	char wage[12], months[4];
	int n;

	fill_common(&x, p->key, d->bhxh, NULL, &auth->dob, auth->sex, d->level);
	date_format(&c->ru.b->period_start, x.eff);
	n = person_cells(cells, &x, 0, auth->name, auth->commune);
	cells[n++] = grp(&c->ru, win)->code;
	cells[n++] = x.level;
	cells[n++] = win->hospital;
	cells[n++] = x.eff;
	cells[n++] = reason_name(d->why);
	cells[n++] = c->ru.b->srcs[win->src].label;
	cells[n++] = str(win->unit);
	cells[n++] = household(d);
	/* the winning roster row's wage and months (rules.md R7.1) */
	snprintf(wage, sizeof(wage), "%u", (unsigned)win->wage);
	snprintf(months, sizeof(months), "%u", (unsigned)win->months);
	cells[n++] = win->wage ? wage : "";
	cells[n] = win->months ? months : "";
	out_add(c->o, L_INCREASE, auth->commune, p->key, d->why, cells);
}

/* ";"-separated names of the CHANGED_* fields in ch. */
static void format_changed(unsigned ch, char *out, size_t n)
{
	static const char *const names[] = { "full_name",     "dob",
					     "sex",	      "benefit_level",
					     "hospital_code", "commune_code" };
	size_t k, len = 0;

	out[0] = '\0';
	for (k = 0; k < sizeof(names) / sizeof(names[0]); k++)
		if (ch & (1u << k))
			len += (size_t)snprintf(out + len, n - len, "%s%s",
						len ? ";" : "", names[k]);
}

/* Rules 6 and 7 */
static void write_change(struct ctx *c, const struct person *p,
			 const struct decision *d)
{
	const struct rec *auth = authority(d), *best = d->best;
	struct cells x;
	const char *cells[22];
	char changed[96], odob[11] = "", osex[2] = "", olevel[2] = "";
	unsigned ch = d->changed;
	int n;

	fill_common(&x, p->key, d->bhxh, best, &auth->dob, auth->sex, d->level);
	format_changed(ch, changed, sizeof(changed));
	n = person_cells(cells, &x, 1, auth->name, auth->commune);
	cells[n++] = grp(&c->ru, best)->code;
	cells[n++] = grp(&c->ru, d->win)->code;
	cells[n++] = x.level;
	cells[n++] = changed;
	cells[n++] = reason_name(d->why);
	cells[n++] = new_hospital(d);
	cells[n++] = str(best->unit);
	cells[n++] = str(d->win->unit);
	cells[n++] = household(d);
	/* the card's value of each changed field, for the corrections list */
	if (ch & CHANGED_DOB)
		date_format(&best->dob, odob);
	if ((ch & CHANGED_SEX) && best->sex)
		osex[0] = (char)best->sex;
	if ((ch & CHANGED_LEVEL) && best->level)
		olevel[0] = (char)('0' + best->level);
	cells[n++] = ch & CHANGED_NAME ? best->name : "";
	cells[n++] = odob;
	cells[n++] = osex;
	cells[n++] = olevel;
	cells[n++] = ch & CHANGED_HOSPITAL ? str(best->hospital) : "";
	cells[n] = ch & CHANGED_COMMUNE ? best->commune : "";
	out_add(c->o, L_CHANGE, auth->commune, p->key, d->why, cells);
}

/* Rule 8 */
static void write_renew(struct ctx *c, const struct person *p,
			const struct decision *d)
{
	const struct rec *auth = authority(d);
	struct cells x;
	const char *cells[12];
	int n;

	fill_common(&x, p->key, d->bhxh, d->best, &auth->dob, auth->sex,
		    d->level);
	n = person_cells(cells, &x, 1, auth->name, auth->commune);
	cells[n++] = grp(&c->ru, d->win)->code;
	cells[n++] = x.level;
	cells[n++] = new_hospital(d);
	cells[n++] = str(d->win->unit);
	cells[n] = household(d);
	out_add(c->o, L_RENEW, auth->commune, p->key, R_NONE, cells);
}

/* ---- coverage and the run --------------------------------------------- */

/* The coverage counts of a commune, added (zero) in order when new. */
static struct cov *cov_slot(struct ctx *c, const char *commune)
{
	size_t lo = 0, hi = c->ncov, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (strcmp(c->cov[mid].commune, commune) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == c->ncov || strcmp(c->cov[lo].commune, commune)) {
		GROW(c->cov, c->cov_cap, c->ncov + 1);
		memmove(&c->cov[lo + 1], &c->cov[lo],
			(c->ncov - lo) * sizeof(*c->cov));
		memset(&c->cov[lo], 0, sizeof(*c->cov));
		snprintf(c->cov[lo].commune, sizeof(c->cov[lo].commune), "%s",
			 commune);
		c->ncov++;
	}
	return &c->cov[lo];
}

/*
 * The person's coverage commune: registry residence, counted once; with
 * the schemes (BHXH, BHTN) any of their roster rows enrols them in.
 */
static void count_cov(struct ctx *c, const struct rec *g, int insured,
		      unsigned schemes)
{
	struct cov *cv;

	if (!resident(&c->ru, g) || (g->flags & RF_COMMUNE_SPLIT))
		return;
	cv = cov_slot(c, g->commune);
	cv->population++;
	cv->insured += insured;
	cv->bhxh_compulsory += !!(schemes & SCHEME_BHXH);
	cv->bhxh_voluntary += !!(schemes & SCHEME_BHXH_TN);
	cv->bhtn += !!(schemes & SCHEME_BHTN);
}

/*
 * The main row of a person's outcome, and the person's coverage counts
 * (insured when increased, changed or renewed; a dead person is not a
 * resident, so is not counted): with --partition, only of the people of
 * the run's partition (rules.md R7.13).
 */
static void write_outcome(struct ctx *c, const struct person *p,
			  const struct decision *d)
{
	switch (d->outcome) {
	case OUTCOME_REVIEW:
		write_review(c, p, d);
		break;
	case OUTCOME_DECREASE:
		write_decrease(c, p, d->best, &d->eff, d->why, NULL);
		break;
	case OUTCOME_INCREASE:
		write_increase(c, p, d);
		break;
	case OUTCOME_CHANGE:
		write_change(c, p, d);
		break;
	case OUTCOME_RENEW:
		write_renew(c, p, d);
		break;
	case OUTCOME_UNINSURED:
		write_uninsured(c, p, d);
		break;
	default:
		break;
	}
	if (!out_keeps(c->o, p->key)) /* another partition's person */
		return;
	count_cov(c, d->g,
		  d->outcome == OUTCOME_INCREASE ||
			  d->outcome == OUTCOME_CHANGE ||
			  d->outcome == OUTCOME_RENEW,
		  d->schemes);
}

static void classify_person(struct ctx *c, const struct person *p)
{
	struct decision d;

	classify_decide(&c->ru, p, &d);
	review_ineligible(c, p, d.g);
	if (d.outcome == OUTCOME_PENDING) {
		/* rules 3 and 4, once the roster rows are looked through */
		GROW(c->pending, c->pending_cap, c->npending + 1);
		c->pending[c->npending++] = (uint32_t)(p - c->ru.b->people);
		return;
	}
	write_card_decreases(c, p, &d);
	if (d.win)
		review_multiple(c, p, &d);
	write_outcome(c, p, &d);
}

/*
 * Rules 3 and 4 for a person with cards and no eligible roster row (their
 * review rows are written already); maybe: rule3_scan found a roster row
 * that may be them.
 */
static void decide_pending(struct ctx *c, const struct person *p, int maybe)
{
	struct decision d;

	classify_decide(&c->ru, p, &d);
	classify_decide_pending(&c->ru, &d, maybe);
	write_card_decreases(c, p, &d);
	write_outcome(c, p, &d);
}

/* Add the coverage counts of part to c's (both sorted by commune). */
static void merge_cov(struct ctx *c, const struct ctx *part)
{
	size_t i;

	for (i = 0; i < part->ncov; i++) {
		const struct cov *pc = &part->cov[i];
		struct cov *cv = cov_slot(c, pc->commune);

		cv->population += pc->population;
		cv->insured += pc->insured;
		cv->bhxh_compulsory += pc->bhxh_compulsory;
		cv->bhxh_voluntary += pc->bhxh_voluntary;
		cv->bhtn += pc->bhtn;
	}
}

static void *classify_range(void *arg)
{
	struct ctx *c = arg;
	size_t i;

	/* cppcheck-suppress uninitvar ; set by classify_run before */
	for (i = c->lo; i < c->hi; i++)
		classify_person(c, &c->ru.b->people[i]);
	return NULL;
}

void classify_run(struct batch *b, struct outputs *o)
{
	struct ctx c = { 0 }, part[CLASSIFY_THREADS];
	struct outputs parts[CLASSIFY_THREADS];
	struct workers w;
	struct rule3 r3;
	size_t i, k, nparts;

	rules_init(&c.ru, b);
	c.o = o;
	free(o->ambiguous);
	o->ambiguous = ambiguous_codes(b, &o->nambiguous);
	c.ru.ambiguous = o->ambiguous;
	c.ru.nambiguous = o->nambiguous;
	/* Every commune in scope has a coverage row, people or not. */
	for (i = 0; b->ref->scope && i < b->ref->nscope; i++) {
		GROW(c.cov, c.cov_cap, c.ncov + 1);
		memset(&c.cov[c.ncov], 0, sizeof(*c.cov));
		memcpy(c.cov[c.ncov++].commune, b->ref->scope[i], 8);
	}
	nparts = b->npeople < CLASSIFY_MIN_PEOPLE || etl_threads() < 2
			 ? 1
			 : CLASSIFY_THREADS;
	for (k = 0; k < nparts; k++) {
		part[k] = c;
		part[k].cov = NULL;
		part[k].ncov = part[k].cov_cap = 0;
		arena_init(&part[k].text);
		outputs_init(&parts[k]);
		parts[k].part_index = o->part_index; /* rules.md R7.13 */
		parts[k].part_count = o->part_count;
		part[k].o = &parts[k];
		part[k].lo = b->npeople * k / nparts;
		part[k].hi = b->npeople * (k + 1) / nparts;
	}
	workers_start(&w, classify_range, part, sizeof(part[0]), (int)nparts);
	classify_range(&part[0]);
	for (k = 0; k < nparts; k++) {
		workers_wait(&w, (int)k);
		outputs_absorb(o, &parts[k]);
		keep_notes(b, &part[k]);
		merge_cov(&c, &part[k]);
		GROW(c.pending, c.pending_cap, c.npending + part[k].npending);
		for (i = 0; i < part[k].npending; i++)
			c.pending[c.npending++] = part[k].pending[i];
		free(part[k].pending);
		free(part[k].cov);
	}
	rule3_scan(&c, &r3);
	rule3_release_tables(&r3);
	for (i = 0; i < c.npending; i++)
		decide_pending(&c, &b->people[c.pending[i]], r3.maybe[i]);
	free(r3.maybe);
	keep_notes(b, &c);
	free(c.pending);
	o->cov = c.cov;
	o->ncov = c.ncov;
}
