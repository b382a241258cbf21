/*
 * identity.c: the identity stage (see identity.h).  Steps, in order:
 *   1. own personal ID; old CMND through the registry's CMND column;
 *   2. BHXH code through rows that carry it with a personal ID;
 *   3. name key + date of birth + sex + commune matching exactly one
 *      registry person, then step 2 again;
 *   4. cards left without an ID keep their BHXH code as key;
 *   5. believability of roster keys (registry rows deduplicated first,
 *      within each file, for the registry row the keys are checked on);
 *   6. duplicates: a card row repeating a card (same card code), roster
 *      rows within each source, those set aside in 5 left out;
 *   7. people;
 *   8. cards and roster rows whose commune was split in 2025 take the
 *      registry's residence when it is one of the parts (rules.md R3.16).
 */
#include "identity.h"
#include "hashtab.h"

#include <pthread.h>
#include <xxhash.h>

#include <stdlib.h>
#include <string.h>

const char *identity_detail(enum reason why, enum kind kind)
{
	switch (why) {
	case R_UNKEYED:
		return kind == KIND_REGISTRY
			       ? "registry row without a valid personal ID"
			       : "no personal ID, CMND, BHXH code or unique "
				 "registry match";
	case R_UNKEYED_CARD:
		return "card without a personal ID or BHXH code";
	case R_AMBIGUOUS_IDENTITY:
		return "the BHXH code is linked to two personal IDs";
	case R_CONFLICTING_DUPLICATE:
		return "same person key, different name or date of birth in "
		       "one file";
	case R_ID_NAME_MISMATCH:
		return "the registry gives another name for this personal ID";
	case R_ID_DEMOGRAPHIC_MISMATCH:
		return "birth year or sex disagrees with the personal ID";
	default:
		return "";
	}
}

static void aside(struct batch *b, struct rec *r, enum reason why)
{
	r->state = REC_ASIDE;
	r->reason = (uint8_t)why;
	batch_review(b, r, why, identity_detail(why, (enum kind)r->kind));
}

/*
 * Steps 5 to 7 (or 7 alone) on a range of keys, in a thread of their own:
 * review rows, duplicate counts, people and members are kept here and
 * joined to the batch in range order afterwards.
 */
struct part {
	struct batch *b;
	const uint32_t *idx;
	size_t lo, hi; /* idx[lo, hi): whole key groups */
	int dedup; /* steps 5 and 6 too (0: rows already deduplicated) */
	struct note *notes;
	size_t nnotes, notes_cap;
	unsigned long *merged; /* per source */
	unsigned long (*noted)[NOTED_N]; /* per source */
	struct person *people;
	size_t npeople, people_cap;
	uint32_t *members;
	size_t nmembers;
};

/* Set a row aside in a part (identity_detail's texts are constants). */
static void part_aside(struct part *pt, struct rec *r, enum reason why)
{
	r->state = REC_ASIDE;
	r->reason = (uint8_t)why;
	GROW(pt->notes, pt->notes_cap, pt->nnotes + 1);
	pt->notes[pt->nnotes++] =
		review_note(r, why, identity_detail(why, (enum kind)r->kind));
}

/*
 * The rows still looking for their key after step 1 (few: most rows carry
 * a valid personal ID), in row order.  Steps 1 to 4 work on this list and
 * scan all rows only where they must (the keyed rows that carry a BHXH
 * code an unkeyed row asks for; the registry rows whose demographic key
 * one asks for).
 */
struct unk {
	uint32_t *idx;
	size_t n, cap;
};

/* Is r a row still looking for its key? */
static int unkeyed(const struct rec *r)
{
	return !r->key && r->kind != KIND_REGISTRY && r->state != REC_ASIDE;
}

/* Step 1: a row's own ID; an old CMND through the registry's CMND column. */
static void key_own_and_cmnd(struct batch *b, struct unk *u)
{
	struct hashtab cm;
	size_t i, k, pos, need = 0;
	uint32_t v;

	for (i = 0; i < b->nrecs; i++) {
		struct rec *r = &b->recs[i];

		if (r->pid) {
			r->key = r->pid;
			r->how = HOW_OWN;
		} else if (r->kind == KIND_REGISTRY) {
			aside(b, r, R_UNKEYED);
		} else if (r->state != REC_ASIDE) {
			GROW(u->idx, u->cap, u->n + 1);
			u->idx[u->n++] = (uint32_t)i;
			need += r->cmnd != 0;
		}
	}
	if (!need)
		return;
	ht_init(&cm, 1024);
	for (i = 0; i < b->nrecs; i++) {
		struct rec *r = &b->recs[i];

		if (r->kind == KIND_REGISTRY && r->pid && r->cmnd)
			ht_insert(&cm, ht_hash_u64(r->cmnd * 16 + r->cmnd_len),
				  (uint32_t)i);
	}
	for (k = 0; k < u->n; k++) {
		struct rec *r = &b->recs[u->idx[k]];
		uint64_t found = 0, h;
		int n = 0;

		if (!r->cmnd)
			continue;
		h = ht_hash_u64(r->cmnd * 16 + r->cmnd_len);
		for (pos = ht_first(&cm, h);
		     (v = ht_next(&cm, h, &pos)) != HT_NONE;) {
			const struct rec *g = &b->recs[v];

			if (g->cmnd == r->cmnd && g->cmnd_len == r->cmnd_len &&
			    g->pid != found) {
				found = g->pid;
				n++;
			}
		}
		if (n == 1) {
			r->key = found;
			r->how = HOW_CMND;
		}
	}
	ht_release(&cm);
}

/*
 * Step 2: BHXH codes seen with a personal ID.  Only the codes that an
 * unkeyed row carries are looked for, so the table stays small however
 * many rows there are.
 */
struct bx {
	uint64_t bhxh, pid;
	int ambiguous, seen;
};

static size_t bx_find(const struct hashtab *ht, const struct bx *bx,
		      uint64_t code)
{
	uint64_t h = ht_hash_u64(code);
	size_t pos;
	uint32_t v;

	for (pos = ht_first(ht, h); (v = ht_next(ht, h, &pos)) != HT_NONE;)
		if (bx[v].bhxh == code)
			return v;
	return HT_NONE;
}

static void key_by_bhxh(struct batch *b, const struct unk *u)
{
	struct bx *bx = NULL;
	size_t nbx = 0, cap = 0, i, k, v;
	struct hashtab ht;

	ht_init(&ht, 64);
	for (k = 0; k < u->n; k++) {
		const struct rec *r = &b->recs[u->idx[k]];

		if (unkeyed(r) && r->bhxh &&
		    bx_find(&ht, bx, r->bhxh) == HT_NONE) {
			GROW(bx, cap, nbx + 1);
			bx[nbx] = (struct bx){ r->bhxh, 0, 0, 0 };
			ht_insert(&ht, ht_hash_u64(r->bhxh), (uint32_t)nbx++);
		}
	}
	for (i = 0; nbx && i < b->nrecs; i++) {
		const struct rec *r = &b->recs[i];

		if (!r->bhxh || !r->key || (r->key & KEY_BHXH_TAG) ||
		    r->state == REC_ASIDE ||
		    (v = bx_find(&ht, bx, r->bhxh)) == HT_NONE)
			continue;
		if (!bx[v].seen) {
			bx[v].seen = 1;
			bx[v].pid = r->key;
		} else if (bx[v].pid != r->key) {
			bx[v].ambiguous = 1;
		}
	}
	for (k = 0; nbx && k < u->n; k++) {
		struct rec *r = &b->recs[u->idx[k]];

		if (!unkeyed(r) || !r->bhxh ||
		    (v = bx_find(&ht, bx, r->bhxh)) == HT_NONE || !bx[v].seen)
			continue;
		if (bx[v].ambiguous) {
			aside(b, r, R_AMBIGUOUS_IDENTITY);
			continue;
		}
		r->key = bx[v].pid;
		r->how = HOW_BHXH;
	}
	free(bx);
	ht_release(&ht);
}

/* Step 3: the demographic key (identity.h). */
uint64_t identity_demog_hash(const struct rec *r)
{
	uint64_t seed;

	if (r->dob.prec != DATE_DAY || !r->sex || !r->commune[0])
		return 0;
	seed = (uint64_t)r->dob.year << 24 | (uint64_t)r->dob.month << 16 |
	       (uint64_t)r->dob.day << 8 | r->sex;
	return (XXH3_64bits_withSeed(r->nkey, strlen(r->nkey), seed) ^
		(ht_hash(r->commune, strlen(r->commune)) *
		 0x9e3779b97f4a7c15ull)) |
	       1;
}

static int same_demog(const struct rec *a, const struct rec *b)
{
	return !strcmp(a->nkey, b->nkey) && !date_cmp(&a->dob, &b->dob) &&
	       a->sex == b->sex && !strcmp(a->commune, b->commune);
}

/*
 * Rows still without a key that match exactly one registry person.  Only
 * registry rows whose demographic key an unkeyed row asks for are
 * considered.  Returns the number of rows keyed that carry a BHXH code
 * (they may link others through it).
 */
static size_t key_by_demographics(struct batch *b, const struct unk *u)
{
	struct hashtab want, reg;
	size_t i, k, pos, keyed = 0, nwant = 0;
	uint32_t v;
	uint64_t h;

	ht_init(&want, 64);
	for (k = 0; k < u->n; k++) {
		const struct rec *r = &b->recs[u->idx[k]];

		if (unkeyed(r) && (h = identity_demog_hash(r))) {
			ht_insert(&want, h, u->idx[k]);
			nwant++;
		}
	}
	if (!nwant) {
		ht_release(&want);
		return 0;
	}
	ht_init(&reg, 64);
	for (i = 0; i < b->nrecs; i++) {
		const struct rec *r = &b->recs[i];

		if (r->kind != KIND_REGISTRY || r->state == REC_ASIDE ||
		    !(h = identity_demog_hash(r)))
			continue;
		pos = ht_first(&want, h);
		if (ht_next(&want, h, &pos) != HT_NONE)
			ht_insert(&reg, h, (uint32_t)i);
	}
	for (k = 0; k < u->n; k++) {
		struct rec *r = &b->recs[u->idx[k]];
		uint64_t found = 0;
		int n = 0;

		if (!unkeyed(r) || !(h = identity_demog_hash(r)))
			continue;
		for (pos = ht_first(&reg, h);
		     (v = ht_next(&reg, h, &pos)) != HT_NONE;) {
			const struct rec *g = &b->recs[v];

			if (same_demog(r, g) && g->pid != found) {
				found = g->pid;
				n++;
			}
		}
		if (n == 1) {
			r->key = found;
			r->how = HOW_DEMOG;
			b->srcs[r->src].matched_by_demographics++;
			keyed += r->bhxh != 0;
		}
	}
	ht_release(&reg);
	ht_release(&want);
	return keyed;
}

/* Step 4: cards without an ID keep their BHXH code; rows may join them. */
static void key_cards_by_bhxh(struct batch *b, const struct unk *u)
{
	struct hashtab ht;
	size_t k, pos;
	uint32_t v;

	ht_init(&ht, 64);
	for (k = 0; k < u->n; k++) {
		struct rec *r = &b->recs[u->idx[k]];

		if (r->kind != KIND_PRIOR || r->key || r->state == REC_ASIDE)
			continue;
		if (!r->bhxh) {
			aside(b, r, R_UNKEYED_CARD);
			continue;
		}
		r->key = KEY_BHXH_TAG | r->bhxh;
		r->how = HOW_CARD;
		ht_insert(&ht, ht_hash_u64(r->bhxh), u->idx[k]);
	}
	for (k = 0; k < u->n; k++) {
		struct rec *r = &b->recs[u->idx[k]];
		uint64_t h;

		if (r->kind != KIND_ROSTER || r->key || r->state == REC_ASIDE)
			continue;
		if (r->bhxh) {
			h = ht_hash_u64(r->bhxh);
			for (pos = ht_first(&ht, h);
			     (v = ht_next(&ht, h, &pos)) != HT_NONE;)
				if (b->recs[v].bhxh == r->bhxh)
					break;
			if (v != HT_NONE) {
				r->key = KEY_BHXH_TAG | r->bhxh;
				r->how = HOW_CARD;
				continue;
			}
		}
		aside(b, r, R_UNKEYED);
	}
	ht_release(&ht);
}

/* Are the rows in (kind, source, line) order, as pipeline_read leaves them? */
static int in_read_order(const struct batch *b)
{
	size_t i;

	for (i = 1; i < b->nrecs; i++) {
		const struct rec *p = &b->recs[i - 1], *r = &b->recs[i];

		if (p->kind > r->kind ||
		    (p->kind == r->kind && p->src > r->src) ||
		    (p->src == r->src && p->line >= r->line))
			return 0;
	}
	return 1;
}

/*
 * The keyed rows still counted (state ok), ordered by the fields named in
 * `by`, most significant first: 's' source, 'k' person key, 'r' registry
 * rows before the others, 'K' kind, 'l' line.  Stable radix passes, least
 * significant field first.  Returns the row indices (caller frees), n set.
 */
static uint32_t *order_rows(const struct batch *b, const char *by, size_t *n)
{
	struct kv *kv = xmalloc(sizeof(*kv) * (b->nrecs ? b->nrecs : 1));
	uint32_t *idx;
	size_t i, m = 0;
	int f;

	for (i = 0; i < b->nrecs; i++)
		if (b->recs[i].key && b->recs[i].state == REC_OK)
			kv[m++].val = (uint32_t)i;
	/*
	 * Rows are read file by file (cards, registry, rosters), each in
	 * line order: then "krKsl" only needs its key pass, the rest being
	 * the order they are in (the registry row need not lead: callers
	 * look for it).
	 */
	if (!strcmp(by, "krKsl") && in_read_order(b))
		by = "k";
	for (f = (int)strlen(by) - 1; f >= 0; f--) {
		for (i = 0; i < m; i++) {
			const struct rec *r = &b->recs[kv[i].val];

			switch (by[f]) {
			case 's':
				kv[i].key = r->src;
				break;
			case 'k':
				/* the same order in 41 bits: IDs (< 2^40)
				   before tagged BHXH codes (< 10^10) */
				kv[i].key =
					r->key & KEY_BHXH_TAG
						? 1ull << 40 | (r->key &
								~KEY_BHXH_TAG)
						: r->key;
				break;
			case 'r':
				kv[i].key = r->kind != KIND_REGISTRY;
				break;
			case 'K':
				kv[i].key = r->kind;
				break;
			default:
				kv[i].key = r->line;
				break;
			}
		}
		sort_kv(kv, m);
	}
	idx = xmalloc(sizeof(*idx) * (m ? m : 1));
	for (i = 0; i < m; i++)
		idx[i] = kv[i].val;
	free(kv);
	*n = m;
	return idx;
}

/*
 * Step 6 on the rows [i, j) of one source and one key, in line order (rows
 * no longer counted, set aside by step 5, are passed over): rows that
 * disagree on name or birth date are all set aside; identical ones merge;
 * a different group is a separate enrolment.
 */
static void dedup_run(struct part *pt, const uint32_t *idx, size_t i, size_t j)
{
	struct batch *b = pt->b;
	struct rec *first = NULL;
	size_t k, e;

	for (k = i; k < j; k++) {
		const struct rec *r = &b->recs[idx[k]];

		if (r->state != REC_OK)
			continue;
		if (!first)
			first = &b->recs[idx[k]];
		else if (strcmp(r->nkey, first->nkey) ||
			 date_cmp_coarse(&r->dob, &first->dob))
			break;
	}
	if (k < j) {
		for (k = i; k < j; k++)
			if (b->recs[idx[k]].state == REC_OK)
				part_aside(pt, &b->recs[idx[k]],
					   R_CONFLICTING_DUPLICATE);
		return;
	}
	for (k = i + 1; k < j; k++) {
		struct rec *r = &b->recs[idx[k]];

		if (r->state != REC_OK)
			continue;
		for (e = i; e < k; e++)
			if (b->recs[idx[e]].group == r->group &&
			    b->recs[idx[e]].state == REC_OK)
				break;
		if (e < k) {
			const struct rec *twin = &b->recs[idx[e]];

			r->state = REC_MERGED;
			pt->merged[r->src]++;
			/* the first row's value stands; the difference counts
			 */
			if (r->sex && twin->sex && r->sex != twin->sex)
				pt->noted[r->src][NOTED_DUP_SEX]++;
			if (r->hospital && twin->hospital && r->hospital[0] &&
			    twin->hospital[0] &&
			    strcmp(r->hospital, twin->hospital))
				pt->noted[r->src][NOTED_DUP_HOSPITAL]++;
		}
	}
}

/* Are two card rows one card: the same card code and group? */
static int same_card(const struct rec *a, const struct rec *b)
{
	char ca[16], cb[16];

	if (a->group != b->group || a->bhxh != b->bhxh)
		return 0;
	fmt_card(a, ca);
	fmt_card(b, cb);
	return !strcmp(ca, cb);
}

/*
 * Step 6 for the cards of the key group idx[i, j) (rules.md R4: prior cards
 * are cards, not rows to merge): a card row repeating an earlier card of
 * the person (same card code and group, in any card file) is merged into
 * it, whatever its name or birth date; cards with different codes all
 * stay (the duplicate-card rule of classify decides between them).
 */
static void dedup_cards(struct part *pt, size_t i, size_t j)
{
	struct batch *b = pt->b;
	const uint32_t *idx = pt->idx;
	size_t k, e;

	for (k = i; k < j; k++) {
		struct rec *r = &b->recs[idx[k]];

		if (r->kind != KIND_PRIOR || r->state != REC_OK)
			continue;
		for (e = i; e < k; e++) {
			const struct rec *c = &b->recs[idx[e]];

			if (c->kind == KIND_PRIOR && c->state == REC_OK &&
			    same_card(c, r))
				break;
		}
		if (e < k) {
			r->state = REC_MERGED;
			pt->merged[r->src]++;
		}
	}
}

/* Do two names agree once accents are set aside? */
static int same_ascii_key(const struct rec *a, const struct rec *b)
{
	size_t na = strlen(a->name), nb = strlen(b->name);
	char *ka = xmalloc(na + 1), *kb = xmalloc(nb + 1);
	int same;

	name_key_ascii(a->name, ka, na + 1);
	name_key_ascii(b->name, kb, nb + 1);
	same = !strcmp(ka, kb);
	free(ka);
	free(kb);
	return same;
}

/*
 * Step 5 for roster row r whose registry row is g (or NULL): its key must
 * be believable.
 */
static void check_roster_key(struct part *pt, struct rec *r,
			     const struct rec *g)
{
	if (r->kind != KIND_ROSTER || r->state != REC_OK ||
	    r->how == HOW_DEMOG || r->how == HOW_CARD)
		return;
	if (g) {
		if (strcmp(g->nkey, r->nkey) && !same_ascii_key(g, r)) {
			part_aside(pt, r, R_ID_NAME_MISMATCH);
			return;
		}
		/* believable: a differing birth date or sex is only noted */
		if (r->dob.prec && g->dob.prec &&
		    date_cmp_coarse(&r->dob, &g->dob))
			pt->noted[r->src][NOTED_DOB_VS_REGISTRY]++;
		if (r->sex && g->sex && r->sex != g->sex)
			pt->noted[r->src][NOTED_SEX_VS_REGISTRY]++;
	} else if (!(r->key & KEY_BHXH_TAG)) {
		char id[13], sex;
		int year;

		fmt_pid(r->key, id);
		id_birth(id, &year, &sex);
		if (year != r->dob.year || (r->sex && r->sex != sex))
			part_aside(pt, r, R_ID_DEMOGRAPHIC_MISMATCH);
	}
}

/*
 * Step 6 on the rows of one kind (registry or roster) of the key group
 * idx[i, j): each source's rows in turn.
 */
static void dedup_group(struct part *pt, size_t i, size_t j, enum kind kind)
{
	const struct rec *recs = pt->b->recs;
	const uint32_t *idx = pt->idx;
	size_t k, s;

	for (k = i; k < j; k = s) {
		for (s = k + 1; s < j && recs[idx[s]].src == recs[idx[k]].src;
		     s++)
			;
		if (s > k + 1 && recs[idx[k]].kind == kind)
			dedup_run(pt, idx, k, s);
	}
}

/* The registry row of the key group idx[i, j) still counted, or NULL. */
static const struct rec *registry_row(const struct part *pt, size_t i, size_t j)
{
	const struct rec *recs = pt->b->recs;

	for (; i < j; i++) {
		const struct rec *r = &recs[pt->idx[i]];

		if (r->kind == KIND_REGISTRY && r->state == REC_OK)
			return r;
	}
	return NULL;
}

/*
 * Step 7 on the key group idx[i, j) whose registry row is g (or NULL): the
 * person, with the cards and roster rows still counted, if any row counts.
 */
static void add_person(struct part *pt, size_t i, size_t j, const struct rec *g)
{
	const struct rec *recs = pt->b->recs;
	struct person *p;
	size_t k;

	GROW(pt->people, pt->people_cap, pt->npeople + 1);
	p = &pt->people[pt->npeople];
	p->key = recs[pt->idx[i]].key;
	p->registry = g ? (uint32_t)(g - recs) : NONE32;
	p->first = (uint32_t)pt->nmembers;
	p->n = 0;
	for (k = i; k < j; k++) {
		const struct rec *r = &recs[pt->idx[k]];

		if (r->state == REC_OK && r->kind != KIND_REGISTRY) {
			pt->members[pt->nmembers++] = pt->idx[k];
			p->n++;
		}
	}
	if (p->n || g)
		pt->npeople++;
}

/* Steps 5 to 7 (7 alone unless pt->dedup) on the key groups of a part. */
static void *people_part(void *arg)
{
	struct part *pt = arg;
	/* cppcheck-suppress uninitvar ; set by build_people before */
	struct batch *b = pt->b;
	const uint32_t *idx = pt->idx;
	size_t i, j, k;

	pt->members = xmalloc(sizeof(*pt->members) *
			      (pt->hi > pt->lo ? pt->hi - pt->lo : 1));
	for (i = pt->lo; i < pt->hi; i = j) {
		uint64_t key = b->recs[idx[i]].key;
		const struct rec *g;

		for (j = i; j < pt->hi && b->recs[idx[j]].key == key; j++)
			;
		if (pt->dedup)
			dedup_group(pt, i, j, KIND_REGISTRY);
		g = registry_row(pt, i, j);
		if (pt->dedup) {
			dedup_cards(pt, i, j);
			/* believability first: a row set aside is nobody's
			   duplicate (rules.md R4) */
			for (k = i; k < j; k++)
				check_roster_key(pt, &b->recs[idx[k]], g);
			dedup_group(pt, i, j, KIND_ROSTER);
		}
		add_person(pt, i, j, g);
	}
	return NULL;
}

/* Move the people, members, review rows and counts of pt to the batch. */
static void join_part(struct batch *b, struct part *pt)
{
	size_t i, k;

	GROW(b->people, b->people_cap, b->npeople + pt->npeople);
	for (i = 0; i < pt->npeople; i++) {
		b->people[b->npeople] = pt->people[i];
		b->people[b->npeople++].first += (uint32_t)b->nmembers;
	}
	memcpy(b->members + b->nmembers, pt->members,
	       sizeof(*b->members) * pt->nmembers);
	b->nmembers += pt->nmembers;
	for (i = 0; i < pt->nnotes; i++)
		batch_add_review(b, &pt->notes[i]);
	for (i = 0; i < b->nsrcs; i++) {
		b->srcs[i].merged += pt->merged[i];
		for (k = 0; k < NOTED_N; k++)
			b->srcs[i].noted[k] += pt->noted[i][k];
	}
	free(pt->people);
	free(pt->members);
	free(pt->notes);
	free(pt->merged);
	free(pt->noted);
}

#define IDENTITY_THREADS 2
_Static_assert(IDENTITY_THREADS <= ETL_THREADS_MAX, "struct workers");
#define IDENTITY_MIN_ROWS 200000 /* fewer: one thread is enough */

/*
 * Steps 5 to 7 (dedup) or 7 alone on one ordering of the rows by key
 * (registry rows first, then cards, then roster rows, each by source and
 * line): duplicates within a source are next to each other, the registry
 * row leads its person, and the people come out in key order.  The keys
 * are split into ranges done on threads of their own and joined in order,
 * so the people, members and review rows are those one thread gives.
 */
static void build_people(struct batch *b, int dedup)
{
	struct part pt[IDENTITY_THREADS];
	struct workers w;
	size_t n, k, nparts, cut;
	uint32_t *idx = order_rows(b, "krKsl", &n);

	nparts = n < IDENTITY_MIN_ROWS || etl_threads() < 2 ? 1
							    : IDENTITY_THREADS;
	for (k = 0, cut = 0; k < nparts; k++) {
		memset(&pt[k], 0, sizeof(pt[k]));
		pt[k].b = b;
		pt[k].idx = idx;
		pt[k].dedup = dedup;
		pt[k].lo = cut;
		cut = k + 1 == nparts ? n : n * (k + 1) / nparts;
		/* whole key groups only */
		while (cut > pt[k].lo && cut < n &&
		       b->recs[idx[cut]].key == b->recs[idx[cut - 1]].key)
			cut++;
		pt[k].hi = cut;
		pt[k].merged =
			xcalloc(b->nsrcs ? b->nsrcs : 1, sizeof(*pt[k].merged));
		pt[k].noted =
			xcalloc(b->nsrcs ? b->nsrcs : 1, sizeof(*pt[k].noted));
	}
	workers_start(&w, people_part, pt, sizeof(pt[0]), (int)nparts);
	people_part(&pt[0]);
	b->members = xmalloc(sizeof(*b->members) * (n ? n : 1));
	b->nmembers = 0;
	for (k = 0; k < nparts; k++) {
		workers_wait(&w, (int)k);
		join_part(b, &pt[k]);
	}
	free(idx);
}

/*
 * Step 8: a row of a person whose old commune code was split in 2025
 * (RF_COMMUNE_SPLIT) takes the registry's residence when that is one of
 * the new communes of the split; the others keep the flag (classify sends
 * them to review).  A registry row with a split code resolves nothing.
 */
static void resolve_splits(struct batch *b)
{
	struct commune_cands cands;
	char now[COMMUNE_CODE_MAX + 1];
	size_t i;
	uint32_t k;

	for (i = 0; i < b->nrecs && !(b->recs[i].flags & RF_COMMUNE_SPLIT); i++)
		;
	if (i == b->nrecs)
		return;
	for (i = 0; i < b->npeople; i++) {
		const struct person *p = &b->people[i];
		const struct rec *g =
			p->registry != NONE32 ? &b->recs[p->registry] : NULL;

		if (!g || (g->flags & RF_COMMUNE_SPLIT))
			continue;
		for (k = 0; k < p->n; k++) {
			struct rec *r = &b->recs[b->members[p->first + k]];

			if (!(r->flags & RF_COMMUNE_SPLIT) ||
			    ref_commune_on(b->ref, r->commune, &b->period_start,
					   now, &cands) != COMMUNE_ON_SPLIT ||
			    !ref_commune_pick(&cands, g->commune, now))
				continue;
			r->commune = g->commune;
			r->flags &= (uint16_t)~RF_COMMUNE_SPLIT;
		}
	}
}

void identity_build_people(struct batch *b)
{
	build_people(b, 0);
	resolve_splits(b);
}

void identity_run(struct batch *b)
{
	struct unk u = { NULL, 0, 0 };

	key_own_and_cmnd(b, &u);
	if (u.n) {
		key_by_bhxh(b, &u);
		/* rows keyed by demographics may link others by their code */
		if (key_by_demographics(b, &u))
			key_by_bhxh(b, &u);
		key_cards_by_bhxh(b, &u);
	}
	free(u.idx);
	build_people(b, 1);
	resolve_splits(b);
}
