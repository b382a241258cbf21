/*
 * classify.h: the rules of spec §5.  For every person built by identity,
 * decides the eligibility of each roster row and exactly one outcome (or
 * none, rule 2), and adds the rows of increase, decrease, change, renew,
 * uninsured and review to the outputs, with the per-commune counts behind
 * the coverage report.
 */
#ifndef DOISOAT_CLASSIFY_H
#define DOISOAT_CLASSIFY_H

#include "output.h"
#include "rec.h"

void classify_run(struct batch *b, struct outputs *o);

/*
 * The day a child's TE card ends (spec §5): 30 September of the year the
 * child reaches 72 months if born on or before 30 September, else the last
 * day of the month it reaches 72 months.  With a month- or year-only date
 * of birth, the latest date it could be (never cut by mistake).
 */
struct date te_end_date(const struct date *dob);

#endif
