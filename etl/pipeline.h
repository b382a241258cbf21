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

struct input {
	const char *path;
	const char *label;
	const char *encoding;
	enum kind kind;
};

struct run_opts {
	int period;
	struct date as_of; /* prec DATE_NONE: period_start = period-01-01 */
	struct date today; /* prec DATE_NONE: the system date */
	struct input *inputs;
	size_t ninputs, inputs_cap;
	const char *areas, *scope, *targets, *groups;
	const char *out;
	const char *db;
	int no_db;
	long max_rejects; /* < 0: no limit */
	int quiet;
	int table; /* print the coverage table */
	char **args; /* positional arguments (stage commands) */
	int nargs;
	const char *rejects[16]; /* --rejects files (stage commands) */
	int nrejects;
};

/*
 * Parse "FILE[=LABEL]" into an input of the given kind; the label
 * defaults to the file's base name.  The last '=' starts the label,
 * unless the whole of arg names an existing file (a path may hold '=':
 * "./a=b.csv") or what follows it is empty or holds a '/'.  Returns 0, or -1 (nothing added) with
 * err naming the limit when o already holds INPUTS_MAX inputs (rec.h): a
 * usage error for the command.
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
 * after a failure (up to the failing input).
 */
int pipeline_read(struct batch *b, const struct run_opts *o,
		  struct etl_err *err);

/* With no scope file, the scope is every commune in the registry rows. */
void pipeline_default_scope(struct batch *b);

/* Print the coverage table in the shape of seed 002 (stdout). */
void print_coverage(const struct outputs *o, FILE *f);

/* Count of rejected rows in all inputs. */
unsigned long pipeline_rejects(const struct batch *b);

#endif
