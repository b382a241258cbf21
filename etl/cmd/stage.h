/*
 * stage.h: what the commands of etl/cmd/ share: reading their options,
 * the options several of them take, their start-up, opening their input
 * and output files, the database options.
 *
 * Each command owns its options, like git's builtins: its own option
 * table (struct cmd_def: the codes below), its own usage text and, for
 * options no stage command takes, its own handler, all in its own file.
 * cmd_parse() reads argv against that table the same way for every
 * command:
 *   - -h or --help anywhere (before "--") prints the command's usage to
 *     stdout and exits 0;
 *   - an option not in the table, or one without its argument, prints
 *     "doisoat CMD: unrecognized option '--x'" (getopt's words) and "Try
 *     'doisoat CMD --help'." and exits EXIT_USAGE, as does a bad value;
 *   - --config FILE (commands with a config section): the file's options
 *     go first, as if typed before argv's, so the command line wins.
 * The stage commands (run, ingest, normalise, dedup, diff, report) keep
 * their options in a struct run_opts, every one of them stored by
 * stage_opt(); load and db keep theirs in a struct load_opts
 * (load_parse()).
 */
#ifndef DOISOAT_STAGE_H
#define DOISOAT_STAGE_H

#include "config.h"
#include "load.h"
#include "pipeline.h"
#include "summary.h"

#include <stdio.h>

/*
 * Every option of doisoat has a code (stage.c holds its name, whether it
 * takes a value, and its short letter, once for all commands).  A
 * command's option table is the list of the codes it takes; --quiet and
 * --help go without saying, --config with a config section.
 */
enum {
	OPT_PERIOD = 256,
	OPT_AS_OF,
	OPT_TODAY,
	OPT_PRIOR,
	OPT_REGISTRY,
	OPT_ROSTER,
	OPT_ENCODING,
	OPT_AREAS,
	OPT_SCOPE,
	OPT_TARGETS,
	OPT_GROUPS,
	OPT_OUT,
	OPT_DB,
	OPT_NO_DB,
	OPT_MAX_REJECTS,
	OPT_TABLE,
	OPT_REJECTS, /* --rejects FILE: where rejected rows go (one) */
	OPT_REJECTS_IN, /* --rejects FILE...: reject streams to read */
	OPT_SCHEMAS,
	OPT_KEY,
	OPT_KEEP_RAW,
	OPT_KIND, /* --kind roster|registry|prior (inspect) */
	OPT_ROWS, /* --rows N (inspect) */
	OPT_MAX_FILE_REJECTS, /* --max-file-rejects PCT (run) */
	OPT_UNIT, /* --unit CODE[=NAME] (load) */
	OPT_REPLACE, /* --replace (load) */
	OPT_UNITS, /* --units FILE: the filing units' headers (run) */
	OPT_CONTRIBUTIONS, /* --contributions FILE (run, report) */
	OPT_SUPPORT, /* --support FILE (run, report) */
	OPT_PARTITION, /* --partition I/N (run; rules.md R7.13) */
	OPT_MEMORY_LIMIT, /* --memory-limit SIZE (run; spill.h) */
	OPT_CONFIG,
	OPT_QUIET,
	OPT_HELP,
	OPT_END /* after the last */
};

/* The options of run, which merge takes too (it rebuilds run's outputs
   from the same reference inputs). */
#define RUN_OPTIONS                                                            \
	OPT_PERIOD, OPT_AS_OF, OPT_TODAY, OPT_PRIOR, OPT_REGISTRY, OPT_ROSTER, \
		OPT_ENCODING, OPT_AREAS, OPT_SCOPE, OPT_TARGETS, OPT_GROUPS,   \
		OPT_UNITS, OPT_OUT, OPT_DB, OPT_NO_DB, OPT_MAX_REJECTS,        \
		OPT_MAX_FILE_REJECTS, OPT_TABLE, OPT_CONTRIBUTIONS,            \
		OPT_SUPPORT

#define CMD_MAX_OPTIONS 24

/* A command, as cmd_parse() reads its argv. */
struct cmd_def {
	const char *prog; /* "doisoat dedup": names messages */
	const char *usage; /* for -h, --help */
	const char *config; /* --config FILE's section, or NULL */
	int takes_args; /* takes INPUT... arguments */
	int options[CMD_MAX_OPTIONS]; /* codes of the options it takes */
};

/*
 * A command's own option: code (of its table) with its argument (NULL if
 * none) into ctx.  Returns 1, or 0 if code is not one of its own.  A bad
 * value: usage_error().
 */
typedef int cmd_opt_fn(void *ctx, int code, const char *arg);

/* What cmd_parse() read. */
struct cmd_args {
	struct config_args cfg; /* the options read (--config's first) */
	char **args; /* the INPUT arguments (in cfg) */
	int nargs;
	int quiet; /* --quiet (cmd_parse() calls set_quiet()) */
};

/*
 * Set the program name to d->prog and read argv (argv[0]: the command's
 * name) against d: --help, --quiet and --config as above, every other
 * option of the table handed to own(ctx, ...).  Strings handed to own()
 * live until cmd_args_release(a).  Exits on a usage error.
 */
void cmd_parse(const struct cmd_def *d, int argc, char **argv, cmd_opt_fn *own,
	       void *ctx, struct cmd_args *a);
/*
 * Only the option loop of cmd_parse() over argv (no --help scan, no
 * --config, no INPUT arguments allowed): for options that came from a
 * config file.  Exits on a usage error.
 */
void cmd_getopt(const struct cmd_def *d, int argc, char **argv, cmd_opt_fn *own,
		void *ctx, struct cmd_args *a);
void cmd_args_release(struct cmd_args *a);

/*
 * Exit EXIT_USAGE after "<progname>: <msg>" and "Try '<progname>
 * --help'." on stderr.
 */
void usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

/* A stage command's options and what they need while it runs. */
struct stage {
	struct run_opts o; /* INPUT arguments in o.args */
	struct cmd_args a;
	const char *encoding; /* --encoding: of the input files after it */
	int encoding_unused; /* no input file came after the last --encoding */
	struct ref ref; /* with stage_batch() */
	struct batch b;
	int has_batch;
	uint32_t part_index, part_count; /* --partition I/N; count 0: none */
};

/*
 * cmd_parse() for a stage command: every option of d's table into s->o,
 * by stage_opt() (the stage commands have no option of their own).
 */
void stage_parse(struct stage *s, const struct cmd_def *d, int argc,
		 char **argv);
/* The option code of a stage command into s->o (a cmd_opt_fn). */
int stage_opt(void *s, int code, const char *arg);
/* Release all of s (the batch too). */
void stage_release(struct stage *s);

/*
 * Load s->ref and start an empty s->b for s's options (period, --as-of,
 * --today, --areas, --scope, --targets, --groups), or die.
 */
void stage_batch(struct stage *s);
void stage_batch_release(struct stage *s);
/*
 * Hand each INPUT argument (none: "-", stdin) to fn, opened; close it
 * after.
 */
typedef void stage_input_fn(void *ctx, FILE *f, const char *name);
void stage_each_input(const struct stage *s, stage_input_fn *fn, void *ctx);
/* Read each INPUT row stream into s->b (stream_read()), or die. */
void stage_read_rows(struct stage *s);
/* EXIT_REJECTS if more rows were rejected than --max-rejects allows. */
int stage_rejects_code(const struct stage *s, unsigned long rejected);

/* fopen or die; "-" or NULL is stdin/stdout. */
FILE *stage_open(const char *path, const char *mode);
void stage_close(FILE *f, const char *path);

/* The options of `doisoat load` (and `db`), into a struct load_opts. */
void load_parse(const struct cmd_def *d, int argc, char **argv,
		struct load_opts *o, struct cmd_args *a);
/*
 * The load stage of `doisoat run`: o as `doisoat load` takes it from the
 * [load] section of the run's config file (NULL: none), then the run's
 * --out, --db (when given) and --quiet.  a keeps the file's strings.
 */
void load_opts_of_run(const struct stage *run, struct load_opts *o,
		      struct cmd_args *a);
/* load_run() and its messages: the exit code, or die on failure. */
int load_and_report(const struct load_opts *o);

/*
 * --db, else $DOISOAT_DB, else "" (the PG* environment).  Exit with
 * EXIT_USAGE when it carries a password (the process list shows it to
 * every user), or cannot be parsed.
 */
const char *stage_conninfo(const char *db);

struct outdir;
/*
 * What run and merge write into od's staging folder: every list, and the
 * workbooks in its lists/ (outdir_lists); with partition set, the
 * partition's files for the merge instead of the workbooks
 * (partition.h).  *workbooks (unless NULL): the seconds the workbooks
 * took.  0, or -1 with err.
 */
int run_write_outputs(struct outputs *out, const struct batch *b,
		      struct outdir *od, int partition, double *workbooks,
		      struct etl_err *err);

/*
 * outdir_begin() on --out, or die: EXIT_BUSY when another process writes
 * the folder.  Write every output into od->stage, then outdir_commit().
 */
void stage_outdir_begin(const char *dir, struct outdir *od);

/*
 * The census of a staged pipe: what report needs to write a summary.json
 * that load accepts, whose inputs' rows read = accepted + rejected.  Each
 * count comes from the stage that knows it, so a row lost between the
 * stages shows:
 *   - ingest ends its reject stream (--rejects) with a census row per
 *     input file: source, rows read, \N, kind (a reject always has a
 *     reason: the \N tells the census row apart);
 *   - diff ends its outcome rows with one per input it saw rows of:
 *     "input", kind, rows accepted, source;
 *   - report counts the reject rows per source of every reject stream.
 */
void stage_census_read(struct strbuf *sb, FILE *f, enum kind kind,
		       const char *source, unsigned long rows_read);
void stage_census_accepted(struct strbuf *sb, FILE *f, enum kind kind,
			   const char *source, unsigned long accepted);

/* What report gathers: one input per source label. */
struct stage_census {
	struct summary_input *in;
	size_t *rank; /* of in[i]: ingest's order, else after all of them */
	size_t n, cap, nread;
};
/*
 * A row of a reject stream (nf fields fl): 1 if it is a census row (taken
 * in), 0 if it is a reject (counted for its source), -1 if it is neither.
 */
int stage_census_reject(struct stage_census *c, int nf, char *const *fl);
/* An outcome row: 1 if it is a census row (taken in), else 0. */
int stage_census_outcome(struct stage_census *c, int nf, char *const *fl);
/* Put c->in in ingest's order (then the inputs ingest did not name). */
void stage_census_sort(struct stage_census *c);
void stage_census_release(struct stage_census *c);

#endif
