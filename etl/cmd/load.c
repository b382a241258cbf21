/*
 * doisoat load: load a run's output folder (summary.json and the CSV
 * lists) into PostgreSQL: its options, then load_run() (load.h), which
 * `doisoat run` calls too.
 */
#include "doisoat.h"
#include "stage.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage_str[] =
	"usage: doisoat load --out DIR [--db CONNINFO] [--schemas DIR]\n"
	"                    [--pseudonym-key FILE] [--keep-raw]\n"
	"                    [--unit CODE[=NAME]] [--replace]\n"
	"                    [--config FILE] [--quiet]\n"
	"\n"
	"Load the run in DIR (summary.json and the CSV lists) into\n"
	"PostgreSQL in one transaction holding the run lock: apply pending\n"
	"schema migrations, record the run in doisoat.runs, COPY every list\n"
	"into a staging table, check the row accounting against summary.json\n"
	"(docs/rules.md R9, R10.2), then replace the results of the run's\n"
	"period and scope (the communes it covers; other scopes of the\n"
	"period stay) with the staged ones.  A scope that overlaps another\n"
	"scope of the period without being the same is refused.\n"
	"If anything fails, nothing is committed.  A failed load is recorded\n"
	"in doisoat.runs with status 'failed'.  An input file with the same\n"
	"XXH3 checksum and size as in an earlier run is reported.\n"
	"\n"
	"  -o, --out DIR             the run's output folder\n"
	"  -d, --db CONNINFO         libpq conninfo or URI (default:\n"
	"                            $DOISOAT_DB, else the PG* environment,\n"
	"                            service file and ~/.pgpass); a password\n"
	"                            here is refused: use ~/.pgpass\n"
	"  -s, --schemas DIR         schema files (default: $DOISOAT_SCHEMAS,\n"
	"                            else the ones built in)\n"
	"  -k, --pseudonym-key FILE  secret key of the pseudonyms in the\n"
	"                            reporting views, HMAC-SHA256 (default:\n"
	"                            $DOISOAT_PSEUDONYM_KEY_FILE; none: no\n"
	"                            pseudonyms, "
	"doisoat_report.person_outcomes\n"
	"                            stays empty)\n"
	"      --keep-raw            keep the raw input line of rejected rows\n"
	"                            (personal data) in doisoat.rejects.raw\n"
	"      --unit CODE[=NAME]    name the run's scope (an office, a "
	"former\n"
	"                            district) in the reporting views; kept\n"
	"                            for later loads of the same scope\n"
	"      --replace             drop the scopes of the period that\n"
	"                            overlap the run's, instead of refusing\n"
	"      --config FILE         options from the [load] section of an "
	"INI\n"
	"                            file (see docs/operations.md)\n"
	"  -q, --quiet               no log lines\n"
	"  -h, --help                this text\n"
	"\n"
	"Log lines (stderr): UTC time, stage, counts, seconds; never a value\n"
	"from a row.  A progress line only when stderr is a terminal.\n"
	"\n"
	"Exit codes: 0 loaded, 1 failed (nothing committed: unreadable\n"
	"folder, database error, accounting check failed), 2 usage (also a\n"
	"password in --db), 4 another doisoat run holds the database lock.\n";

/* An option of load (or db) into its struct load_opts (a cmd_opt_fn). */
static int load_opt(void *ctx, int code, const char *arg)
{
	struct load_opts *o = ctx;

	switch (code) {
	case OPT_OUT:
		o->out = arg;
		return 1;
	case OPT_DB:
		o->conninfo = arg;
		return 1;
	case OPT_KEY: /* "": none */
		o->key_file = *arg ? arg : NULL;
		return 1;
	case OPT_SCHEMAS:
		o->schemas = arg;
		return 1;
	case OPT_KEEP_RAW:
		o->keep_raw = 1;
		return 1;
	case OPT_UNIT:
		o->unit = arg;
		return 1;
	case OPT_REPLACE:
		o->replace = 1;
		return 1;
	}
	return 0;
}

/* Before the options: the environment's defaults. */
static void load_defaults(struct load_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->conninfo = getenv("DOISOAT_DB");
	o->schemas = getenv("DOISOAT_SCHEMAS");
	o->key_file = getenv("DOISOAT_PSEUDONYM_KEY_FILE");
}

/* The load's messages, printed as the commands print theirs. */
static void print_log(void *ctx, enum msg_level level, const char *text)
{
	(void)ctx;
	if (level == MSG_WARN)
		warn("%s", text);
	else
		logmsg("%s", text);
}

/* When the last progress line was drawn (now_seconds()). */
static double progress_drawn;

/*
 * The progress line of a COPY, on a terminal: redrawn at most five times
 * a second, cleared when the file is done.
 */
static void print_progress(void *ctx, const char *file,
			   unsigned long long bytes, unsigned long long size)
{
	double t = now_seconds();

	(void)ctx;
	if (!file) {
		fputs("\r\033[K", stderr);
		progress_drawn = 0;
		return;
	}
	if (t - progress_drawn < 0.2)
		return;
	progress_drawn = t;
	if (size)
		fprintf(stderr, "\r\033[K  %s: %.1f of %.1f MB (%.0f %%)", file,
			bytes / 1e6, size / 1e6,
			100.0 * (double)bytes / (double)size);
	else
		fprintf(stderr, "\r\033[K  %s: %.1f MB", file, bytes / 1e6);
}

/* After them: what is not set, and what the terminal shows. */
static void load_finish(struct load_opts *o, int quiet)
{
	o->conninfo = stage_conninfo(o->conninfo);
	if (o->schemas && !*o->schemas)
		o->schemas = NULL; /* the migrations built into the binary */
	if (o->key_file && !*o->key_file)
		o->key_file = NULL;
	o->log = print_log; /* logmsg() is silent under --quiet */
	o->progress = !quiet && isatty(STDERR_FILENO) ? print_progress : NULL;
}

static const struct cmd_def load_def = {
	.prog = "doisoat load",
	.config = "load",
	.usage = usage_str,
	.options = { OPT_OUT, OPT_DB, OPT_SCHEMAS, OPT_KEY, OPT_KEEP_RAW,
		     OPT_UNIT, OPT_REPLACE },
};

void load_parse(const struct cmd_def *d, int argc, char **argv,
		struct load_opts *o, struct cmd_args *a)
{
	load_defaults(o);
	cmd_parse(d, argc, argv, load_opt, o, a);
	load_finish(o, a->quiet);
}

void load_opts_of_run(const struct stage *run, struct load_opts *o,
		      struct cmd_args *a)
{
	struct etl_err err = { "" };
	const char *file = run->a.cfg.file;
	char where[600];

	load_defaults(o);
	memset(a, 0, sizeof(*a));
	/* getopt_long's messages start with argv[0]: say where */
	snprintf(where, sizeof(where), "%s: '%s' [load]", progname(),
		 file ? file : "");
	config_args_init(&a->cfg, where);
	if (file) {
		if (config_read(file, "load", &a->cfg, &err) < 0) {
			config_release(&a->cfg);
			die_code(EXIT_USAGE, "%s", err.msg);
		}
		cmd_getopt(&load_def, a->cfg.argc, a->cfg.argv, load_opt, o, a);
	}
	o->out = run->o.out;
	if (run->o.db)
		o->conninfo = run->o.db;
	load_finish(o, a->quiet || run->o.quiet);
}

int load_and_report(const struct load_opts *o)
{
	struct etl_err err = { "" };
	int rc;

	if (getenv("PGPASSWORD"))
		warn("PGPASSWORD is set: other users may read it from the "
		     "process environment; ~/.pgpass is safer");
	rc = load_run(o, &err);
	if (rc < 0)
		die("%s", err.msg);
	if (rc != EXIT_OK)
		fprintf(stderr, "%s: %s\n", progname(), err.msg);
	return rc;
}

int cmd_load(int argc, char **argv)
{
	struct load_opts o;
	struct cmd_args a;
	int rc;

	load_parse(&load_def, argc, argv, &o, &a);
	if (!o.out)
		usage_error("--out DIR is required");
	rc = load_and_report(&o);
	cmd_args_release(&a);
	return rc;
}
