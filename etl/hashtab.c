/*
 * hashtab.c: the XXH3 open-addressing multimap of hashtab.h.  Growth is
 * stop-the-world doubling: a batch job has no latency to protect.
 */
#include "hashtab.h"
#include "util.h"

#include <stdlib.h>
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
