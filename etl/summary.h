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

/*
 * Wall seconds of a run's stages.  workbooks: of the write stage, the
 * time the workbooks took, written after the CSV lists (a part of write,
 * so not added to the total twice).
 */
struct timings {
	double read, identity, classify, write, workbooks, total;
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
 *     {"name": "lists/29266.xlsx", "bytes": 17377, "xxh3": "..."},
 *     ...
 *   ],
 *
 * Returns 0 or -1 with err.
 */
int summary_write_outdir(const struct batch *b, const struct outputs *o,
			 const struct timings *t, int exit_code,
			 struct outdir *od, struct etl_err *err);

/*
 * summary_write_outdir() with the text extra (whole lines, NULL: none)
 * between "scope" and "outputs": a partition's "partition" key (rules.md
 * R7.13).
 */
int summary_write_outdir_with(const struct batch *b, const struct outputs *o,
			      const struct timings *t, int exit_code,
			      const char *extra, struct outdir *od,
			      struct etl_err *err);

/*
 * summary.json of `doisoat merge`: head[len] (a partition's text up to
 * "outputs", as summary_write_outdir_with() wrote it, and the merge's
 * own lines), then "outputs", "files", "outcomes" and "timings" of o and
 * t, as a run writes them.  Returns 0 or -1 with err.
 */
int summary_write_merged(const char *head, size_t len, const struct outputs *o,
			 const struct timings *t, struct outdir *od,
			 struct etl_err *err);

/*
 * summary.json for a folder of lists without a run behind it (doisoat
 * report without --period): "doisoat_version", "outputs" (rows per list)
 * and "files" only, which `doisoat load` refuses (no period, no inputs).
 */
int summary_write_files(const struct outputs *o, struct outdir *od,
			struct etl_err *err);

/*
 * One input file as the stage commands count it (doisoat report): rows
 * read by ingest, accepted (the rows that reached diff), rejected by
 * ingest and normalise.
 */
struct summary_input {
	char *source; /* its label */
	enum kind kind;
	int has_kind; /* kind is known */
	int has_rows_read; /* ingest's count came */
	unsigned long rows_read, accepted, rejected;
	unsigned long rejected_by[R_N];
};

/*
 * summary.json of a staged pipe (doisoat report --period): the keys `load`
 * needs, with what the stages count: "doisoat_version", "period",
 * "period_start", "exit_code" 0, "inputs" (each with "source", "kind"
 * and "rows_read" when known, "accepted", "rejected",
 * "rejected_by_reason"; none of the keys only `run` knows: path, size,
 * checksum, encoding, repairs, reviews), "outputs", "files" and
 * "outcomes", in the order and shape of a run's.  Returns 0 or -1 with
 * err.
 */
int summary_write_staged(const struct outputs *o, int period,
			 const struct date *period_start,
			 const struct summary_input *in, size_t n,
			 struct outdir *od, struct etl_err *err);

#endif
