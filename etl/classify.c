/*
 * classify.c: eligibility and outcomes (spec §5), one person at a time, in
 * person-key order.  The first rule that applies decides; every row that
 * does not count gets a review note with its reason.  classify_decide
 * decides; the write_* functions add each list's rows.
 */
#include "classify.h"
#include "hashtab.h"

#include <pthread.h>

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
}

/* Everything the rules and the writers look at for one person. */
struct ctx {
	struct rules ru;
	struct outputs *o;
	struct hashtab by_pid; /* roster rows by the ID they carry */
	struct hashtab by_name; /* roster rows by name key + commune */
	struct cov *cov;
	size_t ncov, cov_cap;
	uint32_t *pending; /* people left for rule 3 or 4 (index_roster) */
	size_t npending, pending_cap;
	struct note *notes; /* review rows, added to the batch in order */
	size_t nnotes, notes_cap;
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

		if (!d->bhxh && r->bhxh)
			d->bhxh = r->bhxh;
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
	/* One card per person: the others are duplicates. */
	d->dup_cards = d->ncards > 1 && !(p->key & KEY_BHXH_TAG);
	if (!d->neligible) {
		if (!d->best) {
			d->outcome = resident(ru, d->g) ? OUTCOME_UNINSURED
							: OUTCOME_NONE;
		} else if (p->key & KEY_BHXH_TAG) {
			d->outcome = OUTCOME_REVIEW;
			d->why = R_UNKEYED_CARD;
		} else {
			d->outcome = OUTCOME_PENDING;
		}
		return;
	}
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

	if (possible_match) {
		/* Rule 3 */
		d->outcome = OUTCOME_REVIEW;
		d->why = R_POSSIBLE_MATCH;
		return;
	}
	/* Rule 4 */
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

/* A review row; its text lives in this context's outputs arena. */
static void review(struct ctx *c, struct rec *r, enum reason why,
		   const char *detail)
{
	r->reason = (uint8_t)why;
	GROW(c->notes, c->notes_cap, c->nnotes + 1);
	c->notes[c->nnotes++] = review_note(
		r, why, detail ? arena_strdup(&c->o->arena, detail) : NULL);
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

/* The review row of a person's best card (OUTCOME_REVIEW). */
static void write_review(struct ctx *c, const struct decision *d)
{
	review(c, d->best, d->why,
	       d->why == R_POSSIBLE_MATCH
		       ? "a roster row not linked to this card holder "
			 "carries the same ID or name and birth date"
		       : "card without a personal ID and no roster row "
			 "with its BHXH code");
}

/* ---- rule 3: roster rows that may be a card holder -------------------- */

static uint64_t name_hash(const char *nkey, const char *commune)
{
	return ht_hash(nkey, strlen(nkey)) ^
	       ht_hash(commune, strlen(commune)) * 0x9e3779b97f4a7c15ull;
}

/* Rule 3: a roster row not counted for person p that may be p. */
static int possible_match(struct ctx *c, const struct person *p,
			  const struct rec *g, const struct rec *card)
{
	const struct rec *who[2] = { g, card };
	size_t pos;
	uint32_t v;
	uint64_t h;
	int i;

	if (!(p->key & KEY_BHXH_TAG)) {
		h = ht_hash_u64(p->key);
		for (pos = ht_first(&c->by_pid, h);
		     (v = ht_next(&c->by_pid, h, &pos)) != HT_NONE;) {
			const struct rec *r = &c->ru.b->recs[v];

			if (r->pid == p->key &&
			    (r->state == REC_ASIDE || r->key != p->key))
				return 1;
		}
	}
	/* By the registry's name and commune, and by the card's. */
	for (i = 0; i < 2; i++) {
		if (!who[i])
			continue;
		h = name_hash(who[i]->nkey, who[i]->commune);
		for (pos = ht_first(&c->by_name, h);
		     (v = ht_next(&c->by_name, h, &pos)) != HT_NONE;) {
			const struct rec *r = &c->ru.b->recs[v];

			if ((r->state == REC_ASIDE || r->key != p->key) &&
			    !strcmp(r->nkey, who[i]->nkey) &&
			    !strcmp(r->commune, who[i]->commune) &&
			    !date_cmp_coarse(&r->dob, &who[i]->dob))
				return 1;
		}
	}
	return 0;
}

/*
 * The roster rows rule 3 may find for the people in c->pending: by the ID
 * they carry, those not counted for that ID's person; by name key and
 * commune, those whose name and commune a pending person has.  Built once,
 * after every other person is decided, so a run pays for the few people
 * it concerns, not for every roster row.
 */
static void index_roster(struct ctx *c)
{
	struct batch *b = c->ru.b;
	struct hashtab want;
	size_t i, pos;
	uint64_t h;

	ht_init(&c->by_pid, 64);
	ht_init(&c->by_name, 64);
	ht_init(&want, 2 * c->npending + 16);
	for (i = 0; i < c->npending; i++) {
		const struct person *p = &b->people[c->pending[i]];
		/* the rows possible_match looks by */
		const struct rec *who[2] = { p->registry != NONE32
						     ? &b->recs[p->registry]
						     : NULL,
					     best_card(&c->ru, p) };
		int k;

		for (k = 0; k < 2; k++)
			if (who[k])
				ht_insert(&want,
					  name_hash(who[k]->nkey,
						    who[k]->commune),
					  0);
	}
	for (i = 0; i < b->nrecs; i++) {
		const struct rec *r = &b->recs[i];

		if (r->kind != KIND_ROSTER || r->state == REC_MERGED)
			continue;
		if (r->pid && (r->state == REC_ASIDE || r->key != r->pid))
			ht_insert(&c->by_pid, ht_hash_u64(r->pid), (uint32_t)i);
		h = name_hash(r->nkey, r->commune);
		pos = ht_first(&want, h);
		if (ht_next(&want, h, &pos) != HT_NONE)
			ht_insert(&c->by_name, h, (uint32_t)i);
	}
	ht_release(&want);
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

/* A decrease of card from eff. */
static void write_decrease(struct ctx *c, const struct person *p,
			   const struct rec *card, const struct date *eff,
			   enum reason why)
{
	struct cells x;
	const char *cells[10];
	int n;

	fill_common(&x, p->key, card->bhxh, card, &card->dob, card->sex,
		    card->level);
	date_format(eff, x.eff);
	n = person_cells(cells, &x, 1, card->name, card->commune);
	cells[n++] = grp(&c->ru, card)->code;
	cells[n++] = x.eff;
	cells[n] = reason_name(why);
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
			write_decrease(c, p, r, &d->eff, d->why);
		else if (r != d->best)
			write_decrease(c, p, r, &c->ru.day_before,
				       R_DUPLICATE_CARD);
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

/* Rule 5 */
static void write_increase(struct ctx *c, const struct person *p,
			   const struct decision *d)
{
	const struct rec *auth = authority(d), *win = d->win;
	struct cells x;
	const char *cells[12];
	int n;

	fill_common(&x, p->key, d->bhxh, NULL, &auth->dob, auth->sex, d->level);
	date_format(&c->ru.b->period_start, x.eff);
	n = person_cells(cells, &x, 0, auth->name, auth->commune);
	cells[n++] = grp(&c->ru, win)->code;
	cells[n++] = x.level;
	cells[n++] = win->hospital;
	cells[n++] = x.eff;
	cells[n++] = reason_name(d->why);
	cells[n] = c->ru.b->srcs[win->src].label;
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
	const struct rec *auth = authority(d);
	struct cells x;
	const char *cells[12];
	char changed[96];
	int n;

	fill_common(&x, p->key, d->bhxh, d->best, &auth->dob, auth->sex,
		    d->level);
	format_changed(d->changed, changed, sizeof(changed));
	n = person_cells(cells, &x, 1, auth->name, auth->commune);
	cells[n++] = grp(&c->ru, d->best)->code;
	cells[n++] = grp(&c->ru, d->win)->code;
	cells[n++] = x.level;
	cells[n++] = changed;
	cells[n] = reason_name(d->why);
	out_add(c->o, L_CHANGE, auth->commune, p->key, d->why, cells);
}

/* Rule 8 */
static void write_renew(struct ctx *c, const struct person *p,
			const struct decision *d)
{
	const struct rec *auth = authority(d);
	struct cells x;
	const char *cells[9];
	int n;

	fill_common(&x, p->key, d->bhxh, d->best, &auth->dob, auth->sex,
		    d->level);
	n = person_cells(cells, &x, 1, auth->name, auth->commune);
	cells[n++] = grp(&c->ru, d->win)->code;
	cells[n] = x.level;
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

	if (!resident(&c->ru, g))
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
 * resident, so is not counted).
 */
static void write_outcome(struct ctx *c, const struct person *p,
			  const struct decision *d)
{
	switch (d->outcome) {
	case OUTCOME_REVIEW:
		write_review(c, d);
		break;
	case OUTCOME_DECREASE:
		write_decrease(c, p, d->best, &d->eff, d->why);
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
	write_card_decreases(c, p, &d);
	if (d.outcome == OUTCOME_PENDING) {
		/* rules 3 and 4, once the roster is indexed */
		GROW(c->pending, c->pending_cap, c->npending + 1);
		c->pending[c->npending++] = (uint32_t)(p - c->ru.b->people);
		return;
	}
	if (d.win)
		review_multiple(c, p, &d);
	write_outcome(c, p, &d);
}

/*
 * Rules 3 and 4 for a person with cards and no eligible roster row (their
 * review rows and duplicate cards are written already).
 */
static void decide_pending(struct ctx *c, const struct person *p)
{
	struct decision d;

	classify_decide(&c->ru, p, &d);
	classify_decide_pending(&c->ru, &d, possible_match(c, p, d.g, d.best));
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

/*
 * Threads: the people are split into CLASSIFY_THREADS ranges (in key
 * order), each classified into outputs, review rows and coverage counts
 * of its own; they are then joined in range order, so the result is the
 * one a single thread gives.  Rules 3 and 4 (pending people) come last,
 * in one thread, as before.
 */
#define CLASSIFY_THREADS    2
#define CLASSIFY_MIN_PEOPLE 100000 /* fewer: one thread is enough */

void classify_run(struct batch *b, struct outputs *o)
{
	struct ctx c = { 0 }, part[CLASSIFY_THREADS];
	struct outputs parts[CLASSIFY_THREADS];
	pthread_t tid[CLASSIFY_THREADS];
	int started[CLASSIFY_THREADS] = { 0 };
	size_t i, k, nparts;

	rules_init(&c.ru, b);
	c.o = o;
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
		outputs_init(&parts[k]);
		part[k].o = &parts[k];
		part[k].lo = b->npeople * k / nparts;
		part[k].hi = b->npeople * (k + 1) / nparts;
		if (k > 0)
			started[k] =
				pthread_create(&tid[k], NULL, classify_range,
					       &part[k]) == 0;
	}
	classify_range(&part[0]);
	for (k = 0; k < nparts; k++) {
		if (k > 0 && started[k])
			pthread_join(tid[k], NULL);
		else if (k > 0)
			classify_range(&part[k]); /* no thread to be had */
		outputs_absorb(o, &parts[k]);
		for (i = 0; i < part[k].nnotes; i++)
			batch_add_review(b, &part[k].notes[i]);
		merge_cov(&c, &part[k]);
		GROW(c.pending, c.pending_cap, c.npending + part[k].npending);
		for (i = 0; i < part[k].npending; i++)
			c.pending[c.npending++] = part[k].pending[i];
		free(part[k].notes);
		free(part[k].pending);
		free(part[k].cov);
	}
	index_roster(&c);
	for (i = 0; i < c.npending; i++)
		decide_pending(&c, &b->people[c.pending[i]]);
	for (i = 0; i < c.nnotes; i++)
		batch_add_review(b, &c.notes[i]);
	free(c.notes);
	free(c.pending);
	o->cov = c.cov;
	o->ncov = c.ncov;
	ht_release(&c.by_pid);
	ht_release(&c.by_name);
}
