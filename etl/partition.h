/*
 * partition.h: one partition of a run, and the merge of N of them
 * (rules.md R7.13).  `doisoat run --partition I/N` does all the work of a
 * run (every input read, identity and rule 3 across everyone, everyone
 * classified) but keeps only the rows whose sort key is in partition I
 * (out_partition_of: the person key for people's rows, the line for the
 * rows of review.csv and rejects.csv) and the coverage counts of its
 * people.  Its folder holds its lists, a coverage.csv of its own people,
 * no workbook, and two files for the merge:
 *
 *   partition-keys.csv      list,commune,key,reason: for every row of
 *                           every list but coverage, in the lists' order
 *                           (list by list, each as written), the row's
 *                           sort commune, key and reason;
 *   partition-coverage.csv  commune_code,population,insured,
 *                           bhxh_compulsory,bhxh_voluntary,bhtn: its
 *                           people's coverage counts per commune;
 *
 * and summary.json's "partition" key, between "scope" and "outputs":
 *
 *   "partition": {"index": I, "count": N, "today": "YYYY-MM-DD",
 *                 "reference": "<XXH3 of the reference options>"},
 *
 * `doisoat merge` reads N such folders back (partition_read_*) into one
 * struct outputs and writes it as a run does.
 */
#ifndef DOISOAT_PARTITION_H
#define DOISOAT_PARTITION_H

#include "output.h"
#include "pipeline.h"
#include "util.h"

#include <stdint.h>

#define PARTITION_KEYS	   "partition-keys.csv"
#define PARTITION_COVERAGE "partition-coverage.csv"
/* The most partitions of one run. */
#define PARTITION_MAX 4096

/*
 * "I/N" (decimal, 0 <= I < N <= PARTITION_MAX) into *index, *count:
 * 0, or -1 when s is not that.
 */
int partition_parse(const char *s, uint32_t *index, uint32_t *count);

/*
 * What a run's outputs depend on besides its inputs (which summary.json
 * lists): the period, its start, the list date (b->today) and the bytes
 * of every reference file option (--areas, --scope, --targets, --groups,
 * --units, --contributions, --support; none given: the shipped tables),
 * as one XXH3-64.  The merge must be given the same.  0, or -1 with err.
 */
int partition_reference(const struct run_opts *o, const struct batch *b,
			uint64_t *ref, struct etl_err *err);

/* summary.json's "partition" line (with its newline) into sb. */
void partition_summary_line(struct strbuf *sb, uint32_t index, uint32_t count,
			    const struct date *today, uint64_t ref);

/*
 * Write dir/partition-keys.csv and dir/partition-coverage.csv from o
 * (its lists sorted), atomically, mode 0600: an out_write_all_and()
 * `also` (ctx: the folder).  0, or -1 with err.
 */
int partition_write_keys(struct outputs *o, void *ctx, struct etl_err *err);

/* A partition folder's summary.json, as the merge reads it. */
struct part_info {
	const char *dir;
	uint32_t index, count;
	int period, exit_code;
	char today[11];
	uint64_t reference;
	char *text; /* summary.json */
	size_t head_len; /* text[0..head_len): up to "partition" */
	char *same; /* the head without the inputs' "seconds" */
};

/*
 * Read dir/summary.json into pi (release with partition_info_release).
 * 0, or -1 with err: unreadable, or no "partition" key (not a partition
 * folder).
 */
int partition_read_summary(const char *dir, struct part_info *pi,
			   struct etl_err *err);
void partition_info_release(struct part_info *pi);

/*
 * Add what the partition folder dir holds to o: the rows of every list
 * but coverage, in the folder's order, each with its commune, key and
 * reason from partition-keys.csv (o->read_back is set, output.h), and
 * its coverage counts to o->cov (kept sorted by commune code).  0, or -1
 * with err (a file that is not as a partition writes it).
 */
int partition_read(const char *dir, struct outputs *o, struct etl_err *err);

#endif
