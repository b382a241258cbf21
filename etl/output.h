/*
 * output.h: the lists a run produces (rules.md R7), held as rows of text cells
 * until they are written.  classify.c adds rows; output.c sorts each list
 * (commune, then person key), writes the machine CSVs atomically with mode
 * 0600, and counts rows per reason for summary.json.
 */
#ifndef DOISOAT_OUTPUT_H
#define DOISOAT_OUTPUT_H

#include "rec.h"

#include <stdio.h>

enum list {
	L_INCREASE,
	L_DECREASE,
	L_CHANGE,
	L_RENEW,
	L_UNINSURED,
	L_REVIEW,
	L_REJECTS,
	L_COVERAGE,
	L_N
};

/* Columns of coverage.csv: the BHYT part, then BHXH and BHTN. */
#define COV_NCOLS 21
/* The most columns a list has (change.csv). */
#define LIST_MAX_COLS 22

/*
 * A row of a list: its cells, one NUL-terminated string after the other
 * in one block of the outputs arena (a province has millions of rows; see
 * orow_cell), and the sort keys.
 */
struct orow {
	const char *commune; /* in the block, right after the cells */
	const char *text; /* the cells */
	uint64_t key;
	uint32_t seq; /* order of addition, last tie-breaker */
	uint8_t reason;
	uint8_t plain; /* no cell needs CSV quoting */
};

/* One CSV cell into f, quoted when RFC 4180 needs it (spaces at its ends
   kept: quoted too), as every list writes its cells. */
void out_csv_cell(FILE *f, const char *s);

/* Cell i of a row of list l. */
const char *orow_cell(const struct orow *r, int i);
/* Every cell of a row of list l into out[list_ncols(l)]. */
void orow_cells(const struct orow *r, enum list l, const char **out);

struct outlist {
	struct orow *rows;
	size_t n, cap;
	unsigned long by_reason[R_N];
};

/* Per-commune counts behind coverage.csv (rules.md R8). */
struct cov {
	char commune[8];
	long population; /* registry people alive and living there */
	long insured; /* of them, increase + change + renew */
	long bhxh_compulsory, bhxh_voluntary, bhtn; /* of them, enrolled */
};

struct outputs {
	struct arena arena;
	struct outlist lists[L_N];
	struct cov *cov;
	size_t ncov;
	uint32_t seq;
	/* BHXH codes printed against no one (rules.md R4.5), sorted; set
	   by classify_run, freed with the outputs */
	uint64_t *ambiguous;
	size_t nambiguous;
	/* --partition I/N (rules.md R7.13): count 0 keeps every row; else
	   out_add keeps only the rows whose key is in partition index */
	uint32_t part_index, part_count;
	/* rows read back from partition folders (partition_read):
	   each list's rows already lie in runs of its order, one run a
	   partition, so out_write_all_and sorts them but does not copy
	   them into their order (which would hold them twice a moment) */
	int read_back;
};

/*
 * The partition (0 .. n-1) of a row's sort key: XXH3-64 of the key's 8
 * bytes, little-endian, modulo n.  The same on every machine, so N tasks
 * split the rows between them exactly (rules.md R7.13).
 */
uint32_t out_partition_of(uint64_t key, uint32_t n);
/* Does o keep the rows of key (its partition, or no partition at all)? */
int out_keeps(const struct outputs *o, uint64_t key);

/* Is code in the sorted list codes[n] (ambiguous BHXH codes)? */
int code_ambiguous(const uint64_t *codes, size_t n, uint64_t code);

void outputs_init(struct outputs *o);
void outputs_release(struct outputs *o);

/* File name and CSV header (comma-separated) of a list. */
const char *list_file(enum list l);
const char *list_header(enum list l);
int list_ncols(enum list l);

/*
 * Add a row: ncells strings are copied into the arena (NULL is written as
 * an empty cell).  With a partition (part_count), a row of any list but
 * coverage whose key is not in it is dropped (out_keeps).
 */
void out_add(struct outputs *o, enum list l, const char *commune, uint64_t key,
	     enum reason reason, const char *const *cells);

/*
 * Room for n more rows in list l, exactly: rows read back whose count is
 * known (partition_read) take no more memory than they need, where
 * out_add grows a list by doubling.
 */
void out_reserve(struct outputs *o, enum list l, size_t n);

/*
 * Move the rows of part (filled by one thread) behind those of o, in
 * order, as if they had been added to o; part is released.
 */
void outputs_absorb(struct outputs *o, struct outputs *part);

/*
 * Review and reject notes of the batch become rows of their lists.  A
 * review row that names a personal ID shows no ambiguous BHXH code
 * (o->ambiguous): it may not be that person's.
 */
void out_add_notes(struct outputs *o, const struct batch *b);
/*
 * Coverage rows from o->cov and the targets (rules.md R8): BHYT against the
 * population; BHXH (compulsory, voluntary) and BHTN against the labour
 * force where the targets file gives one.  The TOTAL row takes the
 * targets file's TOTAL row (the district's own targets) when there is one,
 * else the population- (labour-force-) weighted targets of the communes;
 * its "remaining" figures are computed from the totals.
 */
void out_add_coverage(struct outputs *o, const struct batch *b);

/*
 * Sort every list and write it as DIR/<file>: RFC 4180, UTF-8, no BOM,
 * through a temporary file renamed into place, mode 0600.
 */
int out_write_all(struct outputs *o, const char *dir, struct etl_err *err);
/*
 * The same (the longest list on a thread of its own, beside the others),
 * then also(o, ctx, err) once every list is written: the workbooks, which
 * then have every core to themselves.  also must only read o; it is not
 * called when a list could not be written.
 */
int out_write_all_and(struct outputs *o, const char *dir,
		      int (*also)(struct outputs *o, void *ctx,
				  struct etl_err *err),
		      void *ctx, struct etl_err *err);

/*
 * Output paths are built whole, never cut: out_path() sets sb to
 * "DIR/name" and returns 0, or -1 with err when that would pass PATH_MAX
 * (so two outputs can never end up with one cut-down name).
 */
int out_path(struct strbuf *sb, const char *dir, const char *name,
	     struct etl_err *err);

/*
 * Create DIR/.name.<pid>.tmp for writing and return its descriptor (tmp
 * receives its path), or -1 with err.  The file is made with O_EXCL and
 * O_NOFOLLOW, then fchmod'ed to 0600, so the umask, a stale file left at
 * that name (mode 0666, say) or a symlink planted there can neither widen
 * its mode nor redirect the write: what sits at the name (it carries our
 * PID, so it is a dead process's leftover) is removed, never followed.
 */
int out_create_tmp(const char *dir, const char *name, struct strbuf *tmp,
		   struct etl_err *err);

/*
 * Atomic output files: atomic_open() creates DIR/.name.<pid>.tmp as
 * out_create_tmp() does (tmp receives its path; sb_init it first and
 * sb_release it after atomic_commit); atomic_commit() flushes, fsyncs and
 * closes it and renames it to DIR/name, or removes it on failure (a full
 * disk or any write error is reported there).  Both return NULL / -1
 * with err on failure.
 */
FILE *atomic_open(const char *dir, const char *name, struct strbuf *tmp,
		  struct etl_err *err);
int atomic_commit(FILE *f, const char *dir, const char *name, const char *tmp,
		  struct etl_err *err);

/* Write any text as DIR/name atomically with mode 0600. */
int write_file_atomic(const char *dir, const char *name, const char *data,
		      size_t len, struct etl_err *err);

#endif
