/*
 * identity.c: the identity stage (see identity.h).  Steps, in order:
 *   1. own personal ID; old CMND through the registry's CMND column;
 *   2. BHXH code through rows that carry it with a personal ID;
 *   3. name key + date of birth + sex + commune matching exactly one
 *      registry person, then step 2 again;
 *   4. cards left without an ID keep their BHXH code as key;
 *   5. duplicates within each source; 6. believability of roster keys;
 *   7. people.
 */
#include "identity.h"
#include "hashtab.h"

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

/* Step 1 */
static void key_own_and_cmnd(struct batch *b)
{
	struct hashtab cm;
	size_t i, pos;
	uint32_t v;

	ht_init(&cm, b->nrecs / 8);
	for (i = 0; i < b->nrecs; i++) {
		struct rec *r = &b->recs[i];

		if (r->kind == KIND_REGISTRY && r->pid && r->cmnd)
			ht_insert(&cm, ht_hash_u64(r->cmnd * 16 + r->cmnd_len),
				  (uint32_t)i);
	}
	for (i = 0; i < b->nrecs; i++) {
		struct rec *r = &b->recs[i];
		uint64_t found = 0, h;
		int n = 0;

		if (r->pid) {
			r->key = r->pid;
			r->how = HOW_OWN;
			continue;
		}
		if (r->kind == KIND_REGISTRY) {
			aside(b, r, R_UNKEYED);
			continue;
		}
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

/* Step 2: BHXH codes seen with a personal ID. */
struct bx {
	uint64_t bhxh, pid;
	int ambiguous;
};

static void key_by_bhxh(struct batch *b)
{
	struct bx *bx = NULL;
	size_t nbx = 0, cap = 0, i, pos;
	struct hashtab ht;
	uint32_t v;

	ht_init(&ht, b->nrecs / 2);
	for (i = 0; i < b->nrecs; i++) {
		struct rec *r = &b->recs[i];
		uint64_t h;

		if (!r->bhxh || !r->key || (r->key & KEY_BHXH_TAG) ||
		    r->state == REC_ASIDE)
			continue;
		h = ht_hash_u64(r->bhxh);
		for (pos = ht_first(&ht, h);
		     (v = ht_next(&ht, h, &pos)) != HT_NONE;)
			if (bx[v].bhxh == r->bhxh)
				break;
		if (v == HT_NONE) {
			GROW(bx, cap, nbx + 1);
			bx[nbx] = (struct bx){ r->bhxh, r->key, 0 };
			ht_insert(&ht, h, (uint32_t)nbx++);
		} else if (bx[v].pid != r->key) {
			bx[v].ambiguous = 1;
		}
	}
	for (i = 0; i < b->nrecs; i++) {
		struct rec *r = &b->recs[i];
		uint64_t h;

		if (r->key || !r->bhxh || r->state == REC_ASIDE)
			continue;
		h = ht_hash_u64(r->bhxh);
		for (pos = ht_first(&ht, h);
		     (v = ht_next(&ht, h, &pos)) != HT_NONE;)
			if (bx[v].bhxh == r->bhxh)
				break;
		if (v == HT_NONE)
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

/* Step 3: demographic key of a row, or 0 when it has too little. */
static uint64_t demog_hash(const struct rec *r)
{
	char buf[512];
	int n;

	if (r->dob.prec != DATE_DAY || !r->sex || !r->commune[0])
		return 0;
	n = snprintf(buf, sizeof(buf), "%s|%04d%02d%02d|%c|%s", r->nkey,
		     r->dob.year, r->dob.month, r->dob.day, r->sex,
		     r->commune);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return 0;
	return ht_hash(buf, (size_t)n);
}

static int same_demog(const struct rec *a, const struct rec *b)
{
	return !strcmp(a->nkey, b->nkey) && !date_cmp(&a->dob, &b->dob) &&
	       a->sex == b->sex && !strcmp(a->commune, b->commune);
}

static void key_by_demographics(struct batch *b)
{
	struct hashtab ht;
	size_t i, pos;
	uint32_t v;

	ht_init(&ht, b->nrecs / 2);
	for (i = 0; i < b->nrecs; i++) {
		struct rec *r = &b->recs[i];
		uint64_t h;

		if (r->kind == KIND_REGISTRY && r->state != REC_ASIDE &&
		    (h = demog_hash(r)))
			ht_insert(&ht, h, (uint32_t)i);
	}
	for (i = 0; i < b->nrecs; i++) {
		struct rec *r = &b->recs[i];
		uint64_t h, found = 0;
		int n = 0;

		if (r->key || r->kind == KIND_REGISTRY ||
		    r->state == REC_ASIDE || !(h = demog_hash(r)))
			continue;
		for (pos = ht_first(&ht, h);
		     (v = ht_next(&ht, h, &pos)) != HT_NONE;) {
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
		}
	}
	ht_release(&ht);
}

/* Step 4: cards without an ID keep their BHXH code; rows may join them. */
static void key_cards_by_bhxh(struct batch *b)
{
	struct hashtab ht;
	size_t i, pos;
	uint32_t v;

	ht_init(&ht, 64);
	for (i = 0; i < b->nrecs; i++) {
		struct rec *r = &b->recs[i];

		if (r->kind != KIND_PRIOR || r->key || r->state == REC_ASIDE)
			continue;
		if (!r->bhxh) {
			aside(b, r, R_UNKEYED_CARD);
			continue;
		}
		r->key = KEY_BHXH_TAG | r->bhxh;
		r->how = HOW_CARD;
		ht_insert(&ht, ht_hash_u64(r->bhxh), (uint32_t)i);
	}
	for (i = 0; i < b->nrecs; i++) {
		struct rec *r = &b->recs[i];
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

/* Sort order of rows: by source, key, line (step 5). */
static int cmp_src_key(const void *x, const void *y, void *ctx)
{
	const struct rec *recs = ctx;
	const struct rec *a = &recs[*(const uint32_t *)x];
	const struct rec *b = &recs[*(const uint32_t *)y];

	if (a->src != b->src)
		return a->src < b->src ? -1 : 1;
	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return a->line < b->line ? -1 : a->line > b->line;
}

static void dedup_sources(struct batch *b)
{
	uint32_t *idx = xmalloc(sizeof(*idx) * (b->nrecs ? b->nrecs : 1));
	size_t n = 0, i, j, k;

	for (i = 0; i < b->nrecs; i++)
		if (b->recs[i].key && b->recs[i].state == REC_OK)
			idx[n++] = (uint32_t)i;
	qsort_r(idx, n, sizeof(*idx), cmp_src_key, b->recs);
	for (i = 0; i < n; i = j) {
		struct rec *first = &b->recs[idx[i]];
		int conflict = 0;

		for (j = i + 1; j < n; j++) {
			struct rec *r = &b->recs[idx[j]];

			if (r->src != first->src || r->key != first->key)
				break;
			if (strcmp(r->nkey, first->nkey) ||
			    date_cmp_coarse(&r->dob, &first->dob))
				conflict = 1;
		}
		if (j == i + 1)
			continue;
		if (conflict) {
			for (k = i; k < j; k++)
				aside(b, &b->recs[idx[k]],
				      R_CONFLICTING_DUPLICATE);
			continue;
		}
		/* Identical rows merge; a different group is an enrolment. */
		for (k = i + 1; k < j; k++) {
			struct rec *r = &b->recs[idx[k]];
			size_t e;

			for (e = i; e < k; e++)
				if (b->recs[idx[e]].group == r->group &&
				    b->recs[idx[e]].state == REC_OK)
					break;
			if (e < k) {
				r->state = REC_MERGED;
				b->srcs[r->src].merged++;
			}
		}
	}
	free(idx);
}

/* Step 6: a roster row's key must be believable. */
static void check_roster_keys(struct batch *b)
{
	struct hashtab reg;
	size_t i, pos;
	uint32_t v;

	ht_init(&reg, b->nrecs / 2);
	for (i = 0; i < b->nrecs; i++)
		if (b->recs[i].kind == KIND_REGISTRY &&
		    b->recs[i].state == REC_OK)
			ht_insert(&reg, ht_hash_u64(b->recs[i].key),
				  (uint32_t)i);
	for (i = 0; i < b->nrecs; i++) {
		struct rec *r = &b->recs[i];
		const struct rec *g = NULL;
		uint64_t h;

		if (r->kind != KIND_ROSTER || r->state != REC_OK ||
		    r->how == HOW_DEMOG || r->how == HOW_CARD)
			continue;
		h = ht_hash_u64(r->key);
		for (pos = ht_first(&reg, h);
		     (v = ht_next(&reg, h, &pos)) != HT_NONE;)
			if (b->recs[v].key == r->key) {
				g = &b->recs[v];
				break;
			}
		if (g) {
			if (strcmp(g->nkey, r->nkey) &&
			    strcmp(g->akey, r->akey))
				aside(b, r, R_ID_NAME_MISMATCH);
		} else {
			char id[13], sex;
			int year;

			fmt_pid(r->key, id);
			id_birth(id, &year, &sex);
			if (year != r->dob.year || (r->sex && r->sex != sex))
				aside(b, r, R_ID_DEMOGRAPHIC_MISMATCH);
		}
	}
	ht_release(&reg);
}

/* Step 7: people, in key order; registry row first among members. */
static int cmp_key(const void *x, const void *y, void *ctx)
{
	const struct rec *recs = ctx;
	const struct rec *a = &recs[*(const uint32_t *)x];
	const struct rec *b = &recs[*(const uint32_t *)y];

	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	if (a->kind != b->kind)
		return a->kind == KIND_REGISTRY ? -1
		       : b->kind == KIND_REGISTRY ? 1
						  : (a->kind < b->kind ? -1 : 1);
	if (a->src != b->src)
		return a->src < b->src ? -1 : 1;
	return a->line < b->line ? -1 : a->line > b->line;
}

static void build_people(struct batch *b)
{
	uint32_t *idx = xmalloc(sizeof(*idx) * (b->nrecs ? b->nrecs : 1));
	size_t n = 0, i, j;

	for (i = 0; i < b->nrecs; i++)
		if (b->recs[i].key && b->recs[i].state == REC_OK)
			idx[n++] = (uint32_t)i;
	qsort_r(idx, n, sizeof(*idx), cmp_key, b->recs);
	b->members = xmalloc(sizeof(*b->members) * (n ? n : 1));
	b->nmembers = 0;
	for (i = 0; i < n; i = j) {
		struct person *p;
		uint64_t key = b->recs[idx[i]].key;

		GROW(b->people, b->people_cap, b->npeople + 1);
		p = &b->people[b->npeople];
		p->key = key;
		p->registry = NONE32;
		p->first = (uint32_t)b->nmembers;
		p->n = 0;
		for (j = i; j < n && b->recs[idx[j]].key == key; j++) {
			struct rec *r = &b->recs[idx[j]];

			r->person = (uint32_t)b->npeople;
			if (r->kind == KIND_REGISTRY) {
				if (p->registry == NONE32)
					p->registry = idx[j];
				continue;
			}
			b->members[b->nmembers++] = idx[j];
			p->n++;
		}
		b->npeople++;
	}
	free(idx);
}

void identity_build_people(struct batch *b)
{
	build_people(b);
}

void identity_run(struct batch *b)
{
	key_own_and_cmnd(b);
	key_by_bhxh(b);
	key_by_demographics(b);
	key_by_bhxh(b);
	key_cards_by_bhxh(b);
	dedup_sources(b);
	check_roster_keys(b);
	build_people(b);
}
