/*
 * hashtab.c: the XXH3 open-addressing multimap of hashtab.h.  Growth is
 * stop-the-world doubling: a batch job has no latency to protect.
 */
#include "hashtab.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

static void alloc_slots(struct hashtab *h, size_t cap)
{
	h->cap = cap;
	h->hash = xcalloc(cap, sizeof(*h->hash));
	h->val = xmalloc(cap * sizeof(*h->val));
	h->n = 0;
}

void ht_init(struct hashtab *h, size_t expect)
{
	size_t cap = 16;

	if (expect > UINT32_MAX) /* values are 32-bit: no more entries */
		expect = UINT32_MAX;
	while (cap * 7 / 10 < expect)
		cap *= 2;
	alloc_slots(h, cap);
}

void ht_release(struct hashtab *h)
{
	free(h->hash);
	free(h->val);
	h->hash = NULL;
	h->val = NULL;
	h->cap = h->n = 0;
}

static void put(struct hashtab *h, uint64_t hash, uint32_t val)
{
	size_t mask = h->cap - 1, i = hash & mask;

	while (h->hash[i])
		i = (i + 1) & mask;
	h->hash[i] = hash;
	h->val[i] = val;
	h->n++;
}

void ht_insert(struct hashtab *h, uint64_t hash, uint32_t val)
{
	if ((h->n + 1) * 10 > h->cap * 7) {
		uint64_t *oh = h->hash;
		uint32_t *ov = h->val;
		size_t i, ocap = h->cap;

		alloc_slots(h, ocap * 2);
		for (i = 0; i < ocap; i++)
			if (oh[i])
				put(h, oh[i], ov[i]);
		free(oh);
		free(ov);
	}
	put(h, hash, val);
}

size_t ht_first(const struct hashtab *h, uint64_t hash)
{
	return hash & (h->cap - 1);
}

uint32_t ht_next(const struct hashtab *h, uint64_t hash, size_t *pos)
{
	size_t mask = h->cap - 1, i = *pos;

	while (h->hash[i]) {
		size_t here = i;

		i = (i + 1) & mask;
		if (h->hash[here] == hash) {
			*pos = i;
			return h->val[here];
		}
	}
	*pos = i;
	return HT_NONE;
}

uint64_t ht_hash(const void *data, size_t len)
{
	uint64_t v = XXH3_64bits(data, len);

	return v ? v : 1;
}

uint64_t ht_hash_u64(uint64_t v)
{
	return ht_hash(&v, sizeof(v));
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* The index in names of string c (in ht), or HT_NONE. */
static uint32_t find_name(const struct hashtab *ht, const char **names,
			  const char *c, uint64_t h)
{
	size_t pos;
	uint32_t v;

	for (pos = ht_first(ht, h); (v = ht_next(ht, h, &pos)) != HT_NONE;)
		if (!strcmp(names[v], c))
			return v;
	return HT_NONE;
}

void ht_ranks(const char *(*str)(const void *ctx, size_t i), const void *ctx,
	      size_t n, uint32_t *rank)
{
	struct hashtab ht;
	const char **names = NULL, **by_name;
	size_t nnames = 0, cap = 0, i;
	uint32_t *rank_of, v;

	ht_init(&ht, 64);
	for (i = 0; i < n; i++) {
		const char *c = str(ctx, i);
		uint64_t h = ht_hash(c, strlen(c));

		v = find_name(&ht, names, c, h);
		if (v == HT_NONE) {
			GROW(names, cap, nnames + 1);
			names[nnames] = c;
			v = (uint32_t)nnames++;
			ht_insert(&ht, h, v);
		}
		rank[i] = v; /* index in names, made a rank below */
	}
	by_name = xmalloc(sizeof(*by_name) * (nnames + 1));
	if (nnames) {
		memcpy(by_name, names, sizeof(*by_name) * nnames);
		qsort(by_name, nnames, sizeof(*by_name), cmp_str);
	}
	rank_of = xmalloc(sizeof(*rank_of) * (nnames + 1));
	for (i = 0; i < nnames; i++) {
		const char *c = by_name[i];

		rank_of[find_name(&ht, names, c, ht_hash(c, strlen(c)))] =
			(uint32_t)i;
	}
	for (i = 0; i < n; i++)
		rank[i] = rank_of[rank[i]];
	free(by_name);
	free(rank_of);
	free(names);
	ht_release(&ht);
}
