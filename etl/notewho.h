/*
 * notewho.h: whom a review row is about, for the columns a commune
 * officer needs in review.csv (full_name, dob, commune_code; rules.md R7)
 * and on the summary workbook's commune sheets (tonghop.h).
 */
#ifndef DOISOAT_NOTEWHO_H
#define DOISOAT_NOTEWHO_H

#include "rec.h"

/*
 * For each of the n review notes, the row whose name, birth date and
 * commune the review row shows, into out[0..n): the registry row of the
 * note's person (its key) when the batch has one, else the row the note
 * points to (its source, sheet and line), else NULL.  Needs b->people
 * (identity_run or identity_build_people); reads every row and person
 * once, with memory for the notes only.
 */
void note_rows(const struct batch *b, const struct note *notes, size_t n,
	       const struct rec **out);

#endif
