/*
 * notewho.c: the row a review note is about (notewho.h): the notes are
 * hashed by person key and by source, sheet and line, then the people and
 * the rows are each read once against them.
 */
#include "notewho.h"

#include <stdlib.h>
#include <string.h>

/* The hash of a note's place: its source, sheet and line. */
static uint64_t place_hash(unsigned src, unsigned sheet, uint32_t line)
{
	uint64_t v = ((uint64_t)src << 40) | ((uint64_t)sheet << 32) | line;

	return ht_hash_u64(v);
}

/* The registry rows of the notes' people, where the batch has them. */
static void by_person(const struct batch *b, const struct note *notes, size_t n,
		      const struct rec **out)
{
	struct hashtab ht;
	size_t i, pos;
	uint32_t v;

	ht_init(&ht, n);
	for (i = 0; i < n; i++)
		if (notes[i].key)
			ht_insert(&ht, ht_hash_u64(notes[i].key), (uint32_t)i);
	for (i = 0; ht.n && i < b->npeople; i++) {
		const struct person *p = &b->people[i];
		uint64_t h;

		if (p->registry == NONE32)
			continue;
		h = ht_hash_u64(p->key);
		for (pos = ht_first(&ht, h);
		     (v = ht_next(&ht, h, &pos)) != HT_NONE;)
			if (notes[v].key == p->key && !out[v])
				out[v] = &b->recs[p->registry];
	}
	ht_release(&ht);
}

/* The rows the notes still without one point to. */
static void by_place(const struct batch *b, const struct note *notes, size_t n,
		     const struct rec **out)
{
	struct hashtab ht;
	uint32_t *lo, *hi, v;
	size_t i, pos;

	ht_init(&ht, n);
	/* per source, the lines the notes name: most rows skip the hash */
	lo = xmalloc(sizeof(*lo) * (b->nsrcs ? b->nsrcs : 1));
	hi = xcalloc(b->nsrcs ? b->nsrcs : 1, sizeof(*hi));
	for (i = 0; i < b->nsrcs; i++)
		lo[i] = NONE32;
	for (i = 0; i < n; i++) {
		const struct note *t = &notes[i];

		if (out[i] || t->src >= b->nsrcs)
			continue;
		ht_insert(&ht, place_hash(t->src, t->sheet, t->line),
			  (uint32_t)i);
		if (t->line < lo[t->src])
			lo[t->src] = t->line;
		if (t->line > hi[t->src])
			hi[t->src] = t->line;
	}
	for (i = 0; ht.n && i < b->nrecs; i++) {
		const struct rec *r = &b->recs[i];
		uint64_t h;

		if (r->src >= b->nsrcs || r->line < lo[r->src] ||
		    r->line > hi[r->src])
			continue;
		h = place_hash(r->src, r->sheet, r->line);
		for (pos = ht_first(&ht, h);
		     (v = ht_next(&ht, h, &pos)) != HT_NONE;)
			if (!out[v] && notes[v].src == r->src &&
			    notes[v].sheet == r->sheet &&
			    notes[v].line == r->line)
				out[v] = r;
	}
	free(lo);
	free(hi);
	ht_release(&ht);
}

void note_rows(const struct batch *b, const struct note *notes, size_t n,
	       const struct rec **out)
{
	memset(out, 0, sizeof(*out) * n);
	if (!n)
		return;
	by_person(b, notes, n, out);
	by_place(b, notes, n, out);
}
