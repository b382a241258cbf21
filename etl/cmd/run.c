/*
 * doisoat run: the whole pipeline in one process: read and normalise every
 * input, identify people, classify them, write the lists, summary.json and
 * (unless --no-db) load the run into PostgreSQL.  The stage commands do
 * the same work one step at a time.
 */
#include "doisoat.h"
#include "classify.h"
#include "config.h"
#include "d02lt.h"
#include "pgload.h"
#include "csvin.h"
#include "identity.h"
#include "stage.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char usage_str[] =
	"usage: doisoat run --period YEAR --prior FILE... --registry FILE...\n"
	"                   [--roster FILE[=LABEL]]... [--encoding ENC]\n"
	"                   [--areas FILE] [--scope FILE] [--targets FILE]\n"
	"                   [--groups FILE] [--as-of DATE] [--today DATE]\n"
	"                   --out DIR [--db CONNINFO | --no-db]\n"
	"                   [--max-rejects N] [--table] [--quiet]\n"
	"       doisoat run --config FILE [OPTION]...\n"
	"\n"
	"Reconcile last year's cards (--prior), the population registry\n"
	"extract (--registry) and this year's rosters (--roster) for the\n"
	"period YEAR, write the lists to DIR and load them into PostgreSQL.\n"
	"Options that name files may be repeated.  --encoding applies to the\n"
	"input options after it (utf-8, utf-16, windows-1258, tcvn3).\n"
	"--db takes a libpq conninfo; without it the PG* environment is used.\n"
	"--table prints the coverage table.  --today pins the run date.\n"
	"--config reads options from an INI file ([run] and [load] keys are\n"
	"the long options; see docs/operations.md); the command line wins.\n"
	"\n"
	"Exit codes: 0 done, 1 failed, 2 usage, 3 done but more rejected rows\n"
	"than --max-rejects, 4 another run holds the database lock.\n";

/*
 * Before any work, a run that will load takes the whole-run lock on its
 * own connection (held to the end): a second run exits at once with
 * EXIT_BUSY, and an unreachable server fails the run before its pipeline.
 */
static PGconn *take_run_lock(const struct run_opts *o)
{
	const char *conninfo = o->db ? o->db : getenv("DOISOAT_DB");
	struct etl_err err = { "" };
	PGconn *conn;

	if (!conninfo)
		conninfo = "";
	refuse_password_conninfo(conninfo);
	conn = pgload_connect(conninfo, &err);
	if (!conn)
		die("%s", err.msg);
	switch (pgload_try_run_lock(conn, &err)) {
	case -1:
		PQfinish(conn);
		die("%s", err.msg);
	case 0:
		PQfinish(conn);
		die_code(EXIT_BUSY, "another doisoat run holds the database "
				    "lock; this one did nothing");
	}
	return conn;
}

/* The workbook, while the longest list is written (out_write_all_and). */
struct workbook {
	const struct batch *b;
	const char *dir;
};

static int write_d02lt(struct outputs *out, void *ctx, struct etl_err *err)
{
	const struct workbook *w = ctx;

	return d02lt_write(out, w->b, w->dir, err);
}

static void usage(int code)
{
	fputs(usage_str, code ? stderr : stdout);
	exit(code);
}

static struct date parse_date_opt(const char *s, const char *opt)
{
	struct date d;
	unsigned flags = 0;

	if (norm_date(s, strlen(s), &d, &flags) != NORM_OK ||
	    d.prec != DATE_DAY) {
		fprintf(stderr, "doisoat run: %s: '%s' is not a date\n", opt,
			s);
		exit(EXIT_USAGE);
	}
	return d;
}

/* input_add, or exit with EXIT_USAGE past the most input files. */
static void add_input(struct run_opts *o, enum kind kind, const char *arg,
		      const char *enc, const char *cmd)
{
	struct etl_err err;

	if (input_add(o, kind, arg, enc, &err) < 0) {
		fprintf(stderr, "doisoat %s: %s\n", cmd, err.msg);
		exit(EXIT_USAGE);
	}
}

void parse_run_opts(int argc, char **argv, struct run_opts *o,
		    const char *cmd)
{
	enum { O_PRIOR = 256, O_REGISTRY, O_ROSTER, O_AREAS, O_SCOPE,
	       O_TARGETS, O_GROUPS, O_ASOF, O_TODAY, O_NODB, O_MAXREJ,
	       O_ENCODING, O_TABLE, O_REJECTS };
	static const struct option longopts[] = {
		{ "period", required_argument, NULL, 'p' },
		{ "prior", required_argument, NULL, O_PRIOR },
		{ "registry", required_argument, NULL, O_REGISTRY },
		{ "roster", required_argument, NULL, O_ROSTER },
		{ "areas", required_argument, NULL, O_AREAS },
		{ "scope", required_argument, NULL, O_SCOPE },
		{ "targets", required_argument, NULL, O_TARGETS },
		{ "groups", required_argument, NULL, O_GROUPS },
		{ "as-of", required_argument, NULL, O_ASOF },
		{ "today", required_argument, NULL, O_TODAY },
		{ "out", required_argument, NULL, 'o' },
		{ "db", required_argument, NULL, 'd' },
		{ "no-db", no_argument, NULL, O_NODB },
		{ "max-rejects", required_argument, NULL, O_MAXREJ },
		{ "encoding", required_argument, NULL, O_ENCODING },
		{ "table", no_argument, NULL, O_TABLE },
		{ "rejects", required_argument, NULL, O_REJECTS },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *enc = NULL;
	struct etl_err cerr = { "" };
	char *end;
	int c;

	/* --config FILE: its options go first, as if typed before argv's */
	if (config_expand(&argc, &argv, cmd, &cerr) < 0) {
		fprintf(stderr, "doisoat %s: %s\n", cmd, cerr.msg);
		exit(EXIT_USAGE);
	}
	memset(o, 0, sizeof(*o));
	o->max_rejects = -1;
	while ((c = getopt_long(argc, argv, "p:o:d:qh", longopts, NULL)) !=
	       -1) {
		switch (c) {
		case 'p':
			o->period = (int)strtol(optarg, &end, 10);
			if (*end || o->period < 1900 || o->period > 2200) {
				fprintf(stderr, "doisoat %s: bad --period "
						"'%s'\n",
					cmd, optarg);
				exit(EXIT_USAGE);
			}
			break;
		case O_PRIOR:
			add_input(o, KIND_PRIOR, optarg, enc, cmd);
			break;
		case O_REGISTRY:
			add_input(o, KIND_REGISTRY, optarg, enc, cmd);
			break;
		case O_ROSTER:
			add_input(o, KIND_ROSTER, optarg, enc, cmd);
			break;
		case O_ENCODING:
			enc = optarg;
			if (!csvin_encoding(enc)) {
				fprintf(stderr,
					"doisoat %s: unknown encoding '%s' "
					"(utf-8, utf-16, windows-1258, "
					"tcvn3)\n",
					cmd, enc);
				exit(EXIT_USAGE);
			}
			break;
		case O_AREAS:
			o->areas = optarg;
			break;
		case O_SCOPE:
			o->scope = optarg;
			break;
		case O_TARGETS:
			o->targets = optarg;
			break;
		case O_GROUPS:
			o->groups = optarg;
			break;
		case O_ASOF:
			o->as_of = parse_date_opt(optarg, "--as-of");
			break;
		case O_TODAY:
			o->today = parse_date_opt(optarg, "--today");
			break;
		case 'o':
			o->out = optarg;
			break;
		case 'd':
			o->db = optarg;
			break;
		case O_NODB:
			o->no_db = 1;
			break;
		case O_MAXREJ:
			o->max_rejects = strtol(optarg, &end, 10);
			if (*end || o->max_rejects < 0) {
				fprintf(stderr, "doisoat %s: bad "
						"--max-rejects\n",
					cmd);
				exit(EXIT_USAGE);
			}
			break;
		case O_TABLE:
			o->table = 1;
			break;
		case O_REJECTS:
			if (o->nrejects == 16) {
				fprintf(stderr, "doisoat %s: too many "
						"--rejects\n",
					cmd);
				exit(EXIT_USAGE);
			}
			o->rejects[o->nrejects++] = optarg;
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'h':
			usage(EXIT_OK);
			break;
		default:
			fprintf(stderr, "Try 'doisoat %s --help'.\n", cmd);
			exit(EXIT_USAGE);
		}
	}
	o->args = argv + optind;
	o->nargs = argc - optind;
}

static int has_kind(const struct run_opts *o, enum kind k)
{
	size_t i;

	for (i = 0; i < o->ninputs; i++)
		if (o->inputs[i].kind == k)
			return 1;
	return 0;
}

static void free_inputs(struct run_opts *o)
{
	size_t i;

	for (i = 0; i < o->ninputs; i++) {
		free((char *)o->inputs[i].path);
		free((char *)o->inputs[i].label);
	}
	free(o->inputs);
}

int cmd_run(int argc, char **argv)
{
	struct run_opts o;
	struct ref ref;
	struct batch b;
	struct outputs out;
	struct timings t = { 0 };
	struct etl_err err = { "" };
	struct date start, today;
	struct workbook wb;
	PGconn *lock = NULL;
	double t0 = now_seconds(), t1;
	int rc = EXIT_OK;

	set_progname("doisoat run");
	parse_run_opts(argc, argv, &o, "run");
	set_quiet(o.quiet);
	if (o.nargs || o.nrejects) {
		fprintf(stderr, "doisoat run: unexpected argument '%s'\n"
				"Try 'doisoat run --help'.\n",
			o.nargs ? o.args[0] : "--rejects");
		free_inputs(&o);
		return EXIT_USAGE;
	}
	if (!o.period || !o.out || !has_kind(&o, KIND_PRIOR) ||
	    !has_kind(&o, KIND_REGISTRY)) {
		fprintf(stderr, "doisoat run: --period, --prior, --registry "
				"and --out are required\n"
				"Try 'doisoat run --help'.\n");
		free_inputs(&o);
		return EXIT_USAGE;
	}
	pipeline_dates(&o, &start, &today);
	ref_init(&ref);
	if (pipeline_ref(&ref, &o, &err) < 0)
		die("%s", err.msg);
	if (!o.no_db)
		lock = take_run_lock(&o);
	if (make_out_dir(o.out, &err) < 0)
		die("%s", err.msg);
	batch_init(&b, &ref, o.period, &start, &today);
	outputs_init(&out);

	if (pipeline_read(&b, &o, &err) < 0) {
		batch_print_msgs(&b, stderr);
		die("%s", err.msg);
	}
	batch_print_msgs(&b, stderr);
	pipeline_default_scope(&b);
	t1 = now_seconds();
	t.read = t1 - t0;
	identity_run(&b);
	t.identity = now_seconds() - t1;
	t1 = now_seconds();
	classify_run(&b, &out);
	out_add_notes(&out, &b);
	out_add_coverage(&out, &b);
	t.classify = now_seconds() - t1;
	t1 = now_seconds();
	wb.b = &b;
	wb.dir = o.out;
	if (out_write_all_and(&out, o.out, write_d02lt, &wb, &err) < 0)
		die("%s", err.msg);
	t.write = now_seconds() - t1;
	if (o.max_rejects >= 0 &&
	    pipeline_rejects(&b) > (unsigned long)o.max_rejects) {
		warn("%lu rows rejected, more than --max-rejects %ld (see "
		     "rejects.csv)",
		     pipeline_rejects(&b), o.max_rejects);
		rc = EXIT_REJECTS;
	}
	t.total = now_seconds() - t0;
	if (summary_write(&b, &out, &t, rc, o.out, &err) < 0)
		die("%s", err.msg);
	logmsg("%zu people: %zu increase, %zu decrease, %zu change, %zu "
	       "renew, %zu uninsured, %zu review, %zu rejects (%.2f s)",
	       b.npeople, out.lists[L_INCREASE].n, out.lists[L_DECREASE].n,
	       out.lists[L_CHANGE].n, out.lists[L_RENEW].n,
	       out.lists[L_UNINSURED].n, out.lists[L_REVIEW].n,
	       out.lists[L_REJECTS].n, t.total);
	if (o.table)
		print_coverage(&out, stdout);
	outputs_release(&out);
	batch_release(&b);
	ref_release(&ref);

	if (!o.no_db) {
		char *largv[8];
		int largc = 0, lrc;

		largv[largc++] = "load";
		largv[largc++] = "--out";
		largv[largc++] = (char *)o.out;
		if (o.db) {
			largv[largc++] = "--db";
			largv[largc++] = (char *)o.db;
		}
		if (o.quiet)
			largv[largc++] = "--quiet";
		largv[largc] = NULL;
		optind = 0;
		lrc = cmd_load(largc, largv);
		if (lrc != EXIT_OK)
			rc = lrc;
	}
	if (lock)
		PQfinish(lock); /* releases the run lock */
	free_inputs(&o);
	return rc;
}
