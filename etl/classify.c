/*
 * classify.c: eligibility and outcomes (spec §5), one person at a time, in
 * person-key order.  The first rule that applies decides; every row that
 * does not count gets a review note with its reason.
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

/* Everything the rules look at for one person. */
struct ctx {
	struct batch *b;
	struct outputs *o;
	const struct ref *ref;
	struct hashtab by_pid;  /* roster rows by the ID they carry */
	struct hashtab by_name; /* roster rows by name key + commune */
	struct date day_before; /* period_start - 1 day */
	struct date newborn_after;
	struct cov *cov;
	size_t ncov, cov_cap;
	uint32_t *pending; /* people left for rule 3 or 4 (index_roster) */
	size_t npending, pending_cap;
	struct note *notes; /* review rows, added to the batch in order */
	size_t nnotes, notes_cap;
	unsigned te;        /* the group TE */
	size_t lo, hi;      /* the people [lo, hi) of this context */
};

static const struct group *grp(const struct ctx *c, const struct rec *r)
{
	return &c->ref->groups[r->group];
}

static int dead(const struct rec *g)
{
	return g && (g->status == STATUS_DEAD || g->status == STATUS_MISSING);
}

/* Registry person alive and living in a commune in scope. */
static int resident(const struct ctx *c, const struct rec *g)
{
	return g && g->status == STATUS_ALIVE &&
	       ref_in_scope(c->ref, g->commune);
}

/* A review row; its text lives in this context's outputs arena. */
static void review(struct ctx *c, struct rec *r, enum reason why,
		   const char *detail)
{
	r->reason = (uint8_t)why;
	GROW(c->notes, c->notes_cap, c->nnotes + 1);
	c->notes[c->nnotes++] = review_note(
		r, why, detail ? arena_strdup(&c->o->arena, detail) : NULL);
}

/* Eligibility of roster row r for person with registry row g (or NULL). */
static enum reason ineligible(struct ctx *c, const struct rec *r,
			      const struct rec *g)
{
	const struct group *gr = grp(c, r);
	const struct date *dob = g ? &g->dob : &r->dob;
	struct date end;

	if (dead(g))
		return R_ROSTER_LISTS_DECEASED;
	if (gr->residence_based) {
		if (!g)
			return R_NOT_IN_REGISTRY;
		if (!resident(c, g))
			return R_MOVED_OUT;
	}
	if (r->group == c->te) {
		end = te_end_date(dob);
		if (date_cmp(&end, &c->b->period_start) < 0)
			return R_AGED_OUT;
	}
	if (gr->area_based) {
		const char *commune = g ? g->commune : r->commune;

		if (!ref_area_ok(c->ref, commune, gr->code,
				 &c->b->period_start))
			return R_AREA_NOT_ELIGIBLE;
		if (!strcmp(gr->code, "DT") && g && g->ethnicity[0] &&
		    !strcmp(g->ethnicity, "kinh"))
			return R_NOT_ETHNIC_MINORITY;
	}
	return R_NONE;
}

/* What a commune officer reads in review.csv for an ineligible row. */
static void ineligible_detail(const struct ctx *c, const struct rec *r,
			      const struct rec *g, char *out, size_t n)
{
	const char *code = grp(c, r)->code;
	char day[11];

	switch (r->reason) {
	case R_ROSTER_LISTS_DECEASED:
		snprintf(out, n, "group %s: the registry records this person "
				 "as %s",
			 code, g->status == STATUS_DEAD ? "dead" : "missing");
		break;
	case R_NOT_IN_REGISTRY:
		snprintf(out, n, "group %s needs residence, and the registry "
				 "has no person with this ID",
			 code);
		break;
	case R_MOVED_OUT:
		snprintf(out, n, "group %s needs residence, and the person %s",
			 code, g->status == STATUS_MOVED
				       ? "has moved away"
				       : "lives outside the run's communes");
		break;
	case R_AGED_OUT: {
		struct date end = te_end_date(g ? &g->dob : &r->dob);

		date_format(&end, day);
		snprintf(out, n, "group TE: the child's TE card ended on %s",
			 day);
		break;
	}
	case R_AREA_NOT_ELIGIBLE:
		date_format(&c->b->period_start, day);
		snprintf(out, n, "group %s: commune %s is not listed for %s "
				 "on %s",
			 code, g ? g->commune : r->commune, code, day);
		break;
	case R_NOT_ETHNIC_MINORITY:
		snprintf(out, n, "group %s: the registry gives the ethnicity "
				 "Kinh",
			 code);
		break;
	default:
		snprintf(out, n, "group %s", code);
	}
}

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
			const struct rec *r = &c->b->recs[v];

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
			const struct rec *r = &c->b->recs[v];

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
	struct batch *b = c->b;
	struct hashtab want;
	size_t i, pos;
	uint64_t h;

	ht_init(&c->by_pid, 64);
	ht_init(&c->by_name, 64);
	ht_init(&want, 2 * c->npending + 16);
	for (i = 0; i < c->npending; i++) {
		const struct person *p = &b->people[c->pending[i]];
		const struct rec *who[2] = {
			p->registry != NONE32 ? &b->recs[p->registry] : NULL,
			NULL
		};
		uint32_t m;
		int k;

		for (m = 0; m < p->n && !who[1]; m++)
			if (b->recs[b->members[p->first + m]].kind == KIND_PRIOR)
				who[1] = &b->recs[b->members[p->first + m]];
		for (k = 0; k < 2; k++)
			if (who[k])
				ht_insert(&want, name_hash(who[k]->nkey,
							   who[k]->commune),
					  0);
	}
	for (i = 0; i < b->nrecs; i++) {
		const struct rec *r = &b->recs[i];

		if (r->kind != KIND_ROSTER || r->state == REC_MERGED)
			continue;
		if (r->pid && (r->state == REC_ASIDE || r->key != r->pid))
			ht_insert(&c->by_pid, ht_hash_u64(r->pid),
				  (uint32_t)i);
		h = name_hash(r->nkey, r->commune);
		pos = ht_first(&want, h);
		if (ht_next(&want, h, &pos) != HT_NONE)
			ht_insert(&c->by_name, h, (uint32_t)i);
	}
	ht_release(&want);
}

/* Cells shared by the output rows */
struct cells {
	char pid[13], bhxh[11], card[16], dob[11], sex[2], level[2];
	char eff[11];
};

static void fill_common(struct cells *x, uint64_t key, uint64_t bhxh,
			const struct rec *card, const struct date *dob,
			int sex, int level)
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

static void emit_decrease(struct ctx *c, const struct person *p,
			  const struct rec *card, const struct date *eff,
			  enum reason why)
{
	struct cells x;
	const char *cells[10];

	fill_common(&x, p->key, card->bhxh, card, &card->dob, card->sex,
		    card->level);
	date_format(eff, x.eff);
	cells[0] = x.pid;
	cells[1] = x.bhxh;
	cells[2] = x.card;
	cells[3] = card->name;
	cells[4] = x.dob;
	cells[5] = x.sex;
	cells[6] = card->commune;
	cells[7] = grp(c, card)->code;
	cells[8] = x.eff;
	cells[9] = reason_name(why);
	out_add(c->o, L_DECREASE, card->commune, p->key, why, cells);
}

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

	if (!resident(c, g))
		return;
	cv = cov_slot(c, g->commune);
	cv->population++;
	cv->insured += insured;
	cv->bhxh_compulsory += !!(schemes & SCHEME_BHXH);
	cv->bhxh_voluntary += !!(schemes & SCHEME_BHXH_TN);
	cv->bhtn += !!(schemes & SCHEME_BHTN);
}

/* Is card a better card than best (rank, then input order)? */
static int better_card(const struct ctx *c, const struct rec *card,
		       const struct rec *best)
{
	int ra = grp(c, card)->rank, rb = grp(c, best)->rank;

	return ra < rb;
}

static void classify_person(struct ctx *c, const struct person *p)
{
	struct batch *b = c->b;
	struct rec *g = p->registry != NONE32 ? &b->recs[p->registry] : NULL;
	struct rec *best = NULL, *win = NULL, *r;
	uint32_t i;
	int ncards = 0, neligible = 0, level = 0;
	unsigned schemes = 0;
	uint64_t bhxh = 0;

	/* Cards and eligibility of roster rows. */
	for (i = 0; i < p->n; i++) {
		r = &b->recs[b->members[p->first + i]];
		if (!bhxh && r->bhxh)
			bhxh = r->bhxh;
		if (r->kind == KIND_PRIOR) {
			ncards++;
			if (!best || better_card(c, r, best))
				best = r;
			continue;
		}
		schemes |= r->schemes;
		r->reason = (uint8_t)ineligible(c, r, g);
		if (r->reason != R_NONE)
			continue;
		neligible++;
		if (!win || grp(c, r)->rank < grp(c, win)->rank)
			win = r;
	}
	/* Ineligible rows are review rows (rule 2's deceased among them). */
	for (i = 0; i < p->n; i++) {
		char why[160];

		r = &b->recs[b->members[p->first + i]];
		if (r->kind == KIND_ROSTER && r->reason != R_NONE) {
			ineligible_detail(c, r, g, why, sizeof(why));
			review(c, r, (enum reason)r->reason, why);
		}
	}

	/* Rules 1 and 2: death and missing persons. */
	if (dead(g)) {
		enum reason why = g->status == STATUS_DEAD ? R_DEATH
							   : R_MISSING;

		for (i = 0; i < p->n; i++) {
			r = &b->recs[b->members[p->first + i]];
			if (r->kind == KIND_PRIOR)
				emit_decrease(c, p, r, &g->status_date, why);
		}
		return;
	}

	/* One card per person: the others are duplicates. */
	if (ncards > 1 && !(p->key & KEY_BHXH_TAG)) {
		for (i = 0; i < p->n; i++) {
			r = &b->recs[b->members[p->first + i]];
			if (r->kind == KIND_PRIOR && r != best)
				emit_decrease(c, p, r, &c->day_before,
					      R_DUPLICATE_CARD);
		}
	}

	if (!neligible) {
		if (!best) {
			/* Rule 9 */
			if (resident(c, g)) {
				struct cells x;
				const char *cells[6];

				fill_common(&x, p->key, 0, NULL, &g->dob,
					    g->sex, 0);
				cells[0] = x.pid;
				cells[1] = g->name;
				cells[2] = x.dob;
				cells[3] = x.sex;
				cells[4] = g->commune;
				cells[5] = g->household;
				out_add(c->o, L_UNINSURED, g->commune, p->key,
					R_NONE, cells);
			}
			count_cov(c, g, 0, schemes);
			return;
		}
		if (p->key & KEY_BHXH_TAG) {
			review(c, best, R_UNKEYED_CARD,
			       "card without a personal ID and no roster row "
			       "with its BHXH code");
			count_cov(c, g, 0, schemes);
		} else {
			/* rules 3 and 4, once the roster is indexed */
			GROW(c->pending, c->pending_cap, c->npending + 1);
			c->pending[c->npending++] = (uint32_t)(p - b->people);
		}
		return;
	}

	/* Benefit level: the best among the eligible groups. */
	for (i = 0; i < p->n; i++) {
		int l;

		r = &b->recs[b->members[p->first + i]];
		if (r->kind != KIND_ROSTER || r->reason != R_NONE)
			continue;
		l = ref_group_level(c->ref, r->group, &b->period_start);
		if (level_better(l, level))
			level = l;
		if (r != win) {
			char why[96];

			snprintf(why, sizeof(why),
				 "also listed as %s; the card goes by the "
				 "winning group %s",
				 grp(c, r)->code, grp(c, win)->code);
			review(c, r, R_MULTIPLE_ENROLMENT, why);
		}
	}

	{
		const struct rec *auth = g ? g : (best ? best : win);
		const char *commune = g ? g->commune
				      : (best ? best->commune : win->commune);
		const char *hospital = win->hospital[0] ? win->hospital
				       : best ? best->hospital : "";
		struct cells x;
		const char *cells[12];
		char changed[96] = "";
		enum reason why;

		fill_common(&x, p->key, bhxh, best, &auth->dob, auth->sex,
			    level);
		if (!best) {
			/* Rule 5 */
			struct date earliest = auth->dob;

			if (earliest.prec < DATE_MONTH)
				earliest.month = 1;
			if (earliest.prec < DATE_DAY)
				earliest.day = 1;
			earliest.prec = DATE_DAY;
			why = date_cmp(&earliest, &c->newborn_after) > 0
				      ? R_NEWBORN
				      : R_NEW;
			date_format(&b->period_start, x.eff);
			cells[0] = x.pid;
			cells[1] = x.bhxh;
			cells[2] = auth->name;
			cells[3] = x.dob;
			cells[4] = x.sex;
			cells[5] = commune;
			cells[6] = grp(c, win)->code;
			cells[7] = x.level;
			cells[8] = hospital;
			cells[9] = x.eff;
			cells[10] = reason_name(why);
			cells[11] = b->srcs[win->src].label;
			out_add(c->o, L_INCREASE, commune, p->key, why, cells);
			count_cov(c, g, 1, schemes);
			return;
		}
		if (win->group != best->group) {
			why = R_GROUP_CHANGED; /* rule 6 */
		} else {
			/* Rule 7: what differs from the authority. */
			if (g && strcmp(best->nkey, g->nkey))
				strcat(changed, ";full_name");
			if (g && date_cmp_coarse(&best->dob, &g->dob))
				strcat(changed, ";dob");
			if (g && best->sex && g->sex && best->sex != g->sex)
				strcat(changed, ";sex");
			if (best->level && level && best->level != level)
				strcat(changed, ";benefit_level");
			if (win->hospital[0] &&
			    strcmp(win->hospital, best->hospital))
				strcat(changed, ";hospital_code");
			if (g && strcmp(best->commune, g->commune))
				strcat(changed, ";commune_code");
			why = changed[0] ? R_DATA_CORRECTED : R_NONE;
		}
		if (why == R_NONE) {
			/* Rule 8 */
			cells[0] = x.pid;
			cells[1] = x.bhxh;
			cells[2] = x.card;
			cells[3] = auth->name;
			cells[4] = x.dob;
			cells[5] = x.sex;
			cells[6] = commune;
			cells[7] = grp(c, win)->code;
			cells[8] = x.level;
			out_add(c->o, L_RENEW, commune, p->key, R_NONE, cells);
		} else {
			cells[0] = x.pid;
			cells[1] = x.bhxh;
			cells[2] = x.card;
			cells[3] = auth->name;
			cells[4] = x.dob;
			cells[5] = x.sex;
			cells[6] = commune;
			cells[7] = grp(c, best)->code;
			cells[8] = grp(c, win)->code;
			cells[9] = x.level;
			cells[10] = changed[0] ? changed + 1 : "";
			cells[11] = reason_name(why);
			out_add(c->o, L_CHANGE, commune, p->key, why, cells);
		}
		count_cov(c, g, 1, schemes);
	}
}

/*
 * Rules 3 and 4 for a person with cards and no eligible roster row: review
 * when a roster row not counted for them may be them, else decrease, with
 * the reason judged on the best card.
 */
static void decide_pending(struct ctx *c, const struct person *p)
{
	struct batch *b = c->b;
	struct rec *g = p->registry != NONE32 ? &b->recs[p->registry] : NULL;
	struct rec *best = NULL, *r;
	unsigned schemes = 0;
	uint32_t i;

	for (i = 0; i < p->n; i++) {
		r = &b->recs[b->members[p->first + i]];
		if (r->kind == KIND_PRIOR) {
			if (!best || better_card(c, r, best))
				best = r;
		} else {
			schemes |= r->schemes;
		}
	}
	if (possible_match(c, p, g, best)) {
		/* Rule 3 */
		review(c, best, R_POSSIBLE_MATCH,
		       "a roster row not linked to this card holder "
		       "carries the same ID or name and birth date");
	} else {
		/* Rule 4 */
		const struct group *gr = grp(c, best);
		const char *commune = g ? g->commune : best->commune;
		struct date eff = c->day_before, end;
		enum reason why = R_NOT_ON_ROSTER;

		end = te_end_date(g ? &g->dob : &best->dob);
		if (best->group == c->te &&
		    date_cmp(&end, &b->period_start) < 0) {
			why = R_AGED_OUT;
			eff = end;
		} else if (gr->area_based &&
			   !ref_area_ok(c->ref, commune, gr->code,
					&b->period_start)) {
			why = R_AREA_NOT_ELIGIBLE;
		} else if (g && !resident(c, g)) {
			why = R_MOVED_OUT;
		}
		emit_decrease(c, p, best, &eff, why);
	}
	count_cov(c, g, 0, schemes);
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
		classify_person(c, &c->b->people[i]);
	return NULL;
}

/*
 * Threads: the people are split into CLASSIFY_THREADS ranges (in key
 * order), each classified into outputs, review rows and coverage counts
 * of its own; they are then joined in range order, so the result is the
 * one a single thread gives.  Rules 3 and 4 (pending people) come last,
 * in one thread, as before.
 */
#define CLASSIFY_THREADS 2
#define CLASSIFY_MIN_PEOPLE 100000 /* fewer: one thread is enough */

void classify_run(struct batch *b, struct outputs *o)
{
	struct ctx c = { 0 }, part[CLASSIFY_THREADS];
	struct outputs parts[CLASSIFY_THREADS];
	pthread_t tid[CLASSIFY_THREADS];
	int started[CLASSIFY_THREADS] = { 0 };
	size_t i, k, nparts;

	c.b = b;
	c.o = o;
	c.ref = b->ref;
	c.te = ref_group(b->ref, "TE");
	c.day_before = date_add_days(b->period_start, -1);
	c.newborn_after = b->period_start;
	c.newborn_after.year--; /* born after this day: under 12 months */
	if (c.newborn_after.month == 2 && c.newborn_after.day == 29)
		c.newborn_after.day = 28;
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
			started[k] = pthread_create(&tid[k], NULL,
						    classify_range,
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
		GROW(c.pending, c.pending_cap,
		     c.npending + part[k].npending);
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
