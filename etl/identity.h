/*
 * identity.h: who is who (rules.md R4).  Gives every row of the batch a person
 * key (own personal ID, old CMND through the registry, BHXH code through
 * other rows, then a unique demographic match in the registry), sets aside
 * rows whose key is not believable, merges identical duplicates within a
 * source and sets aside conflicting ones, and groups the rows into people.
 * Every row set aside gets a review note; nothing is dropped.
 */
#ifndef DOISOAT_IDENTITY_H
#define DOISOAT_IDENTITY_H

#include "rec.h"

/* Run identity over every row read so far; fills b->people. */
void identity_run(struct batch *b);

/*
 * Only the last step, the one identity_run ends with: group rows that
 * already carry keys and states (a stream written by `doisoat dedup`) into
 * people, without deduplicating them again.
 */
void identity_build_people(struct batch *b);

/*
 * A row's demographic key (rules.md R4.2 d: name key, full birth date,
 * sex, commune) as a nonzero hash, or 0 when it has too little.  Rows of
 * equal keys have equal hashes (the spilled run's pass 1 joins by it).
 */
uint64_t identity_demog_hash(const struct rec *r);

/* The detail text of a review row identity writes (fixed per reason). */
const char *identity_detail(enum reason why, enum kind kind);

#endif
