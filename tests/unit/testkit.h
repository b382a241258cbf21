/*
 * testkit.h: what the unit tests that build a batch by hand share: the
 * three sources such a batch reads its rows from (source 0 the cards,
 * 1 the registry, 2 the roster, as doisoat run registers them).
 */
#ifndef DOISOAT_TESTKIT_H
#define DOISOAT_TESTKIT_H

#include "rec.h"

/* Register cards.csv, registry.csv and roster.csv in b, in that order. */
static inline void testkit_sources(struct batch *b)
{
	batch_add_source(b, &(struct input){ .path = "cards.csv",
					     .label = "cards",
					     .kind = KIND_PRIOR });
	batch_add_source(b, &(struct input){ .path = "registry.csv",
					     .label = "registry",
					     .kind = KIND_REGISTRY });
	batch_add_source(b, &(struct input){ .path = "roster.csv",
					     .label = "roster",
					     .kind = KIND_ROSTER });
}

#endif
