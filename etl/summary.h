/*
 * summary.h: summary.json of a run: per input file its size, checksum and
 * row accounting (rows read = accepted + rejected), rows per output file
 * and reason, timings, and (written through outdir.h) every output file's
 * size and checksum.  No personal data: counts and file names only.
 */
#ifndef DOISOAT_SUMMARY_H
#define DOISOAT_SUMMARY_H

#include "outdir.h"
#include "output.h"
#include "rec.h"

struct timings {
	double read, identity, classify, write, total;
};

/*
 * Write DIR/summary.json (atomically, mode 0600), without "files": the
 * entry point of the commands until they write through outdir.h.
 */
int summary_write(const struct batch *b, const struct outputs *o,
		  const struct timings *t, int exit_code, const char *dir,
		  struct etl_err *err);

/*
 * Write summary.json into od's staging folder, the last file before
 * outdir_commit(): the same keys, and "files": every other staged file
 * with its name, size in bytes, data rows (lists only) and XXH3-64 (hex,
 * as the inputs' checksums), one a line, sorted by name:
 *
 *   "files": [
 *     {"name": "change.csv", "bytes": 663, "rows": 3, "xxh3": "..."},
 *     {"name": "d02lt.xlsx", "bytes": 17377, "xxh3": "..."},
 *     ...
 *   ],
 *
 * Returns 0 or -1 with err.
 */
int summary_write_outdir(const struct batch *b, const struct outputs *o,
			 const struct timings *t, int exit_code,
			 struct outdir *od, struct etl_err *err);

/*
 * summary.json for a folder of lists without a run behind it (doisoat
 * report): "doisoat_version", "outputs" (rows per list) and "files" only.
 */
int summary_write_files(const struct outputs *o, struct outdir *od,
			struct etl_err *err);

#endif
