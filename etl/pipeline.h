/*
 * pipeline.h: the options of a run and the stages chained in one process
 * (what `doisoat run` does).  Each stage command reuses the same pieces.
 */
#ifndef DOISOAT_PIPELINE_H
#define DOISOAT_PIPELINE_H

#include "output.h"
#include "rec.h"
#include "ref.h"
#include "summary.h"

struct run_opts {
	int period;
	struct date as_of; /* prec DATE_NONE: period_start = period-01-01 */
	struct date today; /* prec DATE_NONE: the system date */
	struct input *inputs;
	size_t ninputs, inputs_cap;
	const char *areas, *scope, *targets, *groups, *units;
	const char *contributions, *support; /* money.h; NULL: shipped, none */
	const char *out;
	const char *db;
	int no_db;
	long max_rejects; /* < 0: no limit */
	int max_file_rejects; /* percent of a file's rows (MAX_FILE_REJECTS) */
	int quiet;
	int table; /* print the coverage table */
	unsigned long long memory_limit; /* --memory-limit; 0: the default */
	char **args; /* positional arguments (stage commands) */
	int nargs;
	const char *rejects[16]; /* --rejects files (stage commands) */
	int nrejects;
};

/*
 * Parse "FILE[=LABEL][,commune=CODE][,group=GROUP]" into an input of the
 * given kind (rules.md R1.2).  Unless the whole of arg names an existing
 * file (a path may hold ',' and '='), trailing ",commune=" and ",group="
 * parts are the file's defaults (rosters only; neither may be empty or
 * given twice); then the last '=' starts the label, unless what follows
 * it is empty or holds a '/'.  The label defaults to the file's base
 * name.  Returns 0, or -1 (nothing added) with err saying why: a usage
 * error for the command (INPUTS_MAX inputs already, a default on a file
 * that is not a roster, an empty or repeated default).
 */
int input_add(struct run_opts *o, enum kind kind, const char *arg,
	      const char *encoding, struct etl_err *err);

/* Load the reference tables named in the options. */
int pipeline_ref(struct ref *ref, const struct run_opts *o,
		 struct etl_err *err);

/* Reference date and run date from the options. */
void pipeline_dates(const struct run_opts *o, struct date *start,
		    struct date *today);

/*
 * Read every input of o into b (in order: prior, registry, rosters; more
 * than INPUTS_MAX sources in all is an error, before any is read), the
 * files read in parallel by etl_threads() threads (util.h); b ends the
 * same as if they were read one by one.  On failure err names the first
 * failing input in that order.  Nothing is printed: the warnings of each
 * input and a log line per input read are left in b->msgs, in input
 * order, for the command to print with batch_print_msgs (rec.h), also
 * after a failure (up to the failing input).  b's sink and skip, when it
 * has them, see each input's rows as they are read, and its absorbed
 * each input once it is in b (rec.h).
 */
int pipeline_read(struct batch *b, const struct run_opts *o,
		  struct etl_err *err);

/* With no scope file, the scope is every commune in the registry rows. */
void pipeline_default_scope(struct batch *b);

/*
 * The communes of the default scope as rows come (pipeline_default_scope,
 * and the out-of-core run's pass 1, spill.h): r's commune added to sc
 * when r is a registry row with one, and it is not the last one added
 * (rows come by commune; ref_scope_set sorts and drops the repeats).
 */
struct scope_codes {
	char (*v)[COMMUNE_CODE_MAX + 1];
	size_t n, cap;
};
void scope_codes_add(struct scope_codes *sc, const struct rec *r);

/* Print the coverage table in the shape of seed 002 (stdout). */
void print_coverage(const struct outputs *o, FILE *f);

/* Count of rejected rows in all inputs. */
unsigned long pipeline_rejects(const struct batch *b);

/* --max-file-rejects' default: more than half of a file's rows. */
#define MAX_FILE_REJECTS 50

/*
 * The first input (in input order) more than pct percent of whose rows
 * were rejected (rules.md R2.9): -1 with err naming the file, its counts
 * and its top reject reasons; else 0.  A file with no row passes.
 */
int pipeline_file_rejects(const struct batch *b, int pct, struct etl_err *err);

#endif
