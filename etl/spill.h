/*
 * spill.h: a run larger than its memory (--memory-limit; rules.md
 * R7.14).  When the inputs would need more memory than the limit, the run
 * splits people into partitions that cannot see each other and runs them
 * one at a time, each from the input files again:
 *
 *  1. spill_plan() reads every input once and keeps only, per row, the
 *     values that let identity join two rows (personal ID, CMND, BHXH
 *     code, the demographic key of R4.2 d): rows sharing any of them are
 *     one group, however long the chain.  A group (so every person, and
 *     every decision that looks across people but rule 3's names) falls
 *     whole in one partition: XXH3 of its first row's number, modulo the
 *     count.  (Household tiers are the workbooks', computed after the
 *     merge: households need not be whole.)  Rule 3's question by name
 *     (R6.4: a roster row of another person with a card holder's
 *     accent-free name and birth date) would join nearly everyone at a
 *     country's size: it is answered from a table of every roster row
 *     and lead instead (struct r3ent, spill_foreign).
 *  2. spill_read_part() reads every input again and keeps the rows,
 *     leads and rejects of one partition; the run identifies, classifies
 *     and writes them as a partition folder (partition.h) in its staging
 *     area, and the folders are merged as `doisoat merge` does.
 *
 * The outputs are the in-memory run's, byte for byte: each partition
 * decides its people exactly as the whole run would, and the merge
 * orders the rows as the whole run does.
 */
#ifndef DOISOAT_SPILL_H
#define DOISOAT_SPILL_H

#include "pipeline.h"
#include "rec.h"

#include <stdint.h>

/* Memory one input row takes at the run's peak, for the partition count. */
#define SPILL_ROW_BYTES 300
/*
 * Memory the merge holds per input row (every list row, in memory: it is
 * not streamed yet), measured on the messy district at 30M people (74).
 */
#define SPILL_MERGE_ROW_BYTES 75

/*
 * "SIZE" with an optional K, M, G or T suffix (powers of 1024; a B after
 * it is allowed) into bytes.  0, or -1 when s is not that or is 0.
 */
int spill_parse_size(const char *s, unsigned long long *bytes);

/*
 * The default limit when neither --memory-limit nor $DOISOAT_MEMORY_LIMIT
 * gives one: 80 % of the memory this process may use (the machine's, or
 * its cgroup's memory.max when lower).  0 when none can be told (no
 * limit).
 */
unsigned long long spill_default_limit(void);

/*
 * What the run's inputs would take in memory, from their sizes: about 3
 * bytes per byte of text (a gzip file's text size from its trailer), 30
 * per byte of a workbook.  Standard input and what is not a regular file
 * (a named pipe: it is not opened) count 0.
 */
unsigned long long spill_estimate(const struct run_opts *o);

/*
 * The first input of o that cannot be read twice: "standard input", or
 * the path of one that is not a regular file (a named pipe); NULL when
 * every one can.  A run with one does not spill.
 */
const char *spill_once_only(const struct run_opts *o);

/*
 * A roster row or lead with a birth date, as rule 3 of another partition
 * sees it: h and h2, XXH3-128 of its accent-free name key, its commune
 * ("" when it has none) and its year of birth; the precision, month and
 * day of its birth date; its partition.  16 bytes.
 */
struct r3ent {
	uint64_t h;
	uint32_t h2;
	uint16_t dob;
	uint16_t part;
};

/* Which partition each input row falls in (spill_plan). */
struct spill_plan {
	uint32_t nparts;
	size_t nsrcs;
	uint16_t **part; /* [src][k]: the partition of its k-th row read */
	unsigned long *nrows; /* [src]: the rows it read (rows_read) */
	unsigned long long rows; /* rows, leads and rejects read */
	unsigned long long largest; /* rows and leads of the largest group */
	struct r3ent *r3; /* rule 3's table, sorted by h, h2 */
	size_t nr3;
	/* its entries of top r3bits bits b of h: r3dir[b] to r3dir[b + 1] */
	uint32_t *r3dir;
	unsigned r3bits;
};

/*
 * Pass 1: read every input of o into b (a batch without sources yet),
 * which keeps only the sources' accounting and the warnings as
 * pipeline_read leaves them (no row); set the default scope from the
 * registry rows (as pipeline_default_scope); plan the partitions: as
 * many as rows * SPILL_ROW_BYTES needs under limit, at least 1, at most
 * PARTITION_MAX and one per group.  0, or -1 with err (as pipeline_read).
 */
int spill_plan(struct batch *b, const struct run_opts *o,
	       unsigned long long limit, struct spill_plan *plan,
	       struct etl_err *err);
void spill_plan_release(struct spill_plan *plan);

/*
 * Pass 2: read every input of o into b (a fresh batch), passing over the
 * rows of other partitions before they are normalised (rec.h's skip):
 * b holds the rows and leads of partition part, and its share of the
 * rejects (each reject in one partition).  Its warnings are those of its
 * rows, which pass 1 gave: the caller does not print them.  0, or -1 with
 * err (as pipeline_read; or an input whose rows are not pass 1's).
 * Sets b's foreign to spill_foreign with plan and part.
 */
int spill_read_part(struct batch *b, const struct run_opts *o,
		    const struct spill_plan *plan, uint32_t part,
		    struct etl_err *err);

/*
 * Rule 3 for a partition (struct batch's foreign, which
 * spill_read_part sets): is there a roster row or lead of another
 * partition than part (ctx: the struct spill_plan) with the accent-free
 * name key ascii, a birth date agreeing with dob (at the coarser
 * precision), in commune, or without a commune when in_scope (commune is
 * in the run's scope)?  A roster row merged into its twin may be in the
 * table only where the answer does not change by it (spill.c's
 * uncertain_joins): the rows of other partitions are never counted for
 * the partition's people.
 */
int spill_foreign(const void *ctx, uint32_t part, const char *ascii,
		  const struct date *dob, const char *commune, int in_scope);

/*
 * Add what identity and classification counted on a partition's sources
 * (after, against before: their accounting once read) to the run's
 * (to), for summary.json.
 */
void spill_add_counts(struct source *to, const struct source *after,
		      const struct source *before, size_t nsrcs);

#endif
