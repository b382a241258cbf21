/*
 * hashtab.h: an open-addressing multimap from a 64-bit hash (XXH3 of a
 * key) to uint32_t row indices, with linear probing and a power-of-two
 * size kept under 70% full.  It stores hashes, not keys: callers walk the
 * entries with a given hash and confirm every hit by comparing the real
 * keys (two keys can share a hash).
 *
 *	size_t pos;
 *	uint32_t v;
 *	for (pos = ht_first(&h, hash); (v = ht_next(&h, hash, &pos)) != NONE;)
 *		if (same_key(v, key)) ...
 */
#ifndef DOISOAT_HASHTAB_H
#define DOISOAT_HASHTAB_H

#include <stddef.h>
#include <stdint.h>

#define HT_NONE 0xffffffffu

struct hashtab {
	uint64_t *hash; /* 0: empty slot */
	uint32_t *val;
	size_t cap; /* power of two */
	size_t n;
};

/* Size for about `expect` entries (taken as at most UINT32_MAX, the most
   a table holds; it grows as needed). */
void ht_init(struct hashtab *h, size_t expect);
void ht_release(struct hashtab *h);
void ht_insert(struct hashtab *h, uint64_t hash, uint32_t val);
size_t ht_first(const struct hashtab *h, uint64_t hash);
/* Next value stored under hash from *pos on, or HT_NONE at the end. */
uint32_t ht_next(const struct hashtab *h, uint64_t hash, size_t *pos);

/* XXH3 of bytes / of a 64-bit number, never 0. */
uint64_t ht_hash(const void *data, size_t len);
uint64_t ht_hash_u64(uint64_t v);

/*
 * The rank of each of n strings among the distinct ones, in strcmp order
 * (equal strings, equal ranks; the first is 0) into rank[0..n); str(ctx,
 * i) is string i.  For ordering millions of rows by a field of few
 * distinct values (a commune) with sort_kv instead of a string sort.
 */
void ht_ranks(const char *(*str)(const void *ctx, size_t i), const void *ctx,
	      size_t n, uint32_t *rank);

#endif
