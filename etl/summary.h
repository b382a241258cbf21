/*
 * summary.h: summary.json of a run: per input file its size, checksum and
 * row accounting (rows read = accepted + rejected), rows per output file
 * and reason, and timings.  No personal data: counts and file names only.
 */
#ifndef DOISOAT_SUMMARY_H
#define DOISOAT_SUMMARY_H

#include "output.h"
#include "rec.h"

struct timings {
	double read, identity, classify, write, total;
};

/* Write DIR/summary.json (atomically, mode 0600). */
int summary_write(const struct batch *b, const struct outputs *o,
		  const struct timings *t, int exit_code, const char *dir,
		  struct etl_err *err);

#endif
