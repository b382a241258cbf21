/*
 * stage.c: what the commands share (see stage.h): reading their options,
 * the options of the stage commands, their start-up and files.
 */
#include "stage.h"
#include "outdir.h"
#include "copytext.h"
#include "csvin.h"
#include "partition.h"
#include "spill.h"
#include "pgload.h"
#include "stream.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", progname());
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help'.\n", progname());
	exit(EXIT_USAGE);
}

/*
 * Every option, in the order of the codes (stage.h): its long name, '='
 * when it takes a value, and after '/' the letter of its short form.
 */
static const char *const option_specs[OPT_END - OPT_PERIOD] = {
	"period=/p", "as-of=",	   "today=",	    "prior=",
	"registry=", "roster=",	   "encoding=",	    "areas=",
	"scope=",    "targets=",   "groups=",	    "out=/o",
	"db=/d",     "no-db",	   "max-rejects=",  "table",
	"rejects=",  "rejects=",   "schemas=/s",    "pseudonym-key=/k",
	"keep-raw",  "kind=",	   "rows=",	    "max-file-rejects=",
	"unit=",     "replace",	   "units=",	    "contributions=",
	"support=",  "partition=", "memory-limit=", "config=",
	"quiet/q",   "help/h",
};

/* getopt_long's view of a command's options. */
struct optset {
	struct option longs[CMD_MAX_OPTIONS + 4];
	char names[CMD_MAX_OPTIONS + 3][24];
	char shorts[2 * CMD_MAX_OPTIONS + 8];
	int letter_code[128]; /* the code of a short option */
};

/* Add the option of code to set. */
static void optset_add(struct optset *set, int code)
{
	const char *spec = option_specs[code - OPT_PERIOD];
	size_t n = strcspn(spec, "=/"), k = 0, ns = strlen(set->shorts);
	const char *letter = strchr(spec, '/');
	struct option *o;

	while (set->longs[k].name)
		k++;
	snprintf(set->names[k], sizeof(set->names[k]), "%.*s", (int)n, spec);
	o = &set->longs[k];
	o->name = set->names[k];
	o->has_arg = spec[n] == '=' ? required_argument : no_argument;
	o->val = code;
	if (letter) {
		set->shorts[ns++] = letter[1];
		if (o->has_arg)
			set->shorts[ns++] = ':';
		set->letter_code[(unsigned char)letter[1]] = code;
	}
}

/* The options of d: its own, --config with a section, --quiet, --help. */
static void optset_build(struct optset *set, const struct cmd_def *d)
{
	int i;

	memset(set, 0, sizeof(*set));
	for (i = 0; i < CMD_MAX_OPTIONS && d->options[i]; i++)
		optset_add(set, d->options[i]);
	if (d->config)
		optset_add(set, OPT_CONFIG);
	optset_add(set, OPT_QUIET);
	optset_add(set, OPT_HELP);
}

/* getopt_long(), the short options turned into their codes. */
static int next_opt(const struct optset *set, int argc, char **argv)
{
	int c = getopt_long(argc, argv, set->shorts, set->longs, NULL);

	return c > 0 && c < 128 && set->letter_code[c] ? set->letter_code[c]
						       : c;
}

/* -h or --help anywhere: the usage, exit 0; whatever else is there. */
static void help_if_asked(const struct cmd_def *d, int argc, char **argv)
{
	struct optset set;
	int c;

	optset_build(&set, d);
	opterr = 0;
	optind = 0;
	while ((c = next_opt(&set, argc, argv)) != -1)
		if (c == OPT_HELP) {
			fputs(d->usage, stdout);
			exit(EXIT_OK);
		}
	opterr = 1;
}

/* The option loop: returns optind. */
static int option_loop(const struct cmd_def *d, int argc, char **argv,
		       cmd_opt_fn *own, void *ctx, struct cmd_args *a)
{
	struct optset set;
	int c;

	optset_build(&set, d);
	optind = 0;
	while ((c = next_opt(&set, argc, argv)) != -1) {
		if (c == OPT_QUIET)
			a->quiet = 1;
		else if (c != OPT_CONFIG &&
			 (c == '?' || !own(ctx, c, optarg))) {
			/* getopt_long said why, or own() did not take it */
			fprintf(stderr, "Try '%s --help'.\n", d->prog);
			exit(EXIT_USAGE);
		}
	}
	return optind;
}

void cmd_getopt(const struct cmd_def *d, int argc, char **argv, cmd_opt_fn *own,
		void *ctx, struct cmd_args *a)
{
	int i = option_loop(d, argc, argv, own, ctx, a);

	if (i < argc)
		usage_error("unexpected argument '%s'", argv[i]);
}

void cmd_parse(const struct cmd_def *d, int argc, char **argv, cmd_opt_fn *own,
	       void *ctx, struct cmd_args *a)
{
	struct etl_err err = { { 0 } };
	int i;

	set_progname(d->prog);
	memset(a, 0, sizeof(*a));
	help_if_asked(d, argc, argv);
	if (config_expand(&a->cfg, argc, argv, d->config, &err) < 0) {
		config_release(&a->cfg);
		die_code(EXIT_USAGE, "%s", err.msg);
	}
	/* getopt_long's messages start with argv[0] */
	free(a->cfg.argv[0]);
	a->cfg.argv[0] = xstrdup(d->prog);
	i = option_loop(d, a->cfg.argc, a->cfg.argv, own, ctx, a);
	set_quiet(a->quiet);
	if (i < a->cfg.argc && !d->takes_args)
		usage_error("unexpected argument '%s'", a->cfg.argv[i]);
	a->args = a->cfg.argv + i;
	a->nargs = a->cfg.argc - i;
}

void cmd_args_release(struct cmd_args *a)
{
	config_release(&a->cfg);
	a->args = NULL;
	a->nargs = 0;
}

static struct date date_opt(const char *s, const char *opt)
{
	struct date d;
	unsigned flags = 0;

	if (norm_date(s, strlen(s), &d, &flags) != NORM_OK ||
	    d.prec != DATE_DAY)
		usage_error("%s: '%s' is not a date", opt, s);
	return d;
}

static long number_opt(const char *s, const char *opt, long min, long max)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(s, &end, 10);
	/* past LONG_MAX strtol() gives LONG_MAX and ERANGE: not a number */
	if (!*s || *end || errno == ERANGE || n < min || n > max)
		usage_error("bad %s '%s'", opt, s);
	return n;
}

/* input_add, or a usage error past the most input files. */
static void add_input(struct stage *s, enum kind kind, const char *arg)
{
	struct etl_err err = { "" };

	if (input_add(&s->o, kind, arg, s->encoding, &err) < 0)
		usage_error("%s", err.msg);
	s->encoding_unused = 0;
}

/* --prior, --registry, --roster, --encoding: 1 if code is one of them. */
static int input_opt(struct stage *s, int code, const char *arg)
{
	switch (code) {
	case OPT_PRIOR:
		add_input(s, KIND_PRIOR, arg);
		return 1;
	case OPT_REGISTRY:
		add_input(s, KIND_REGISTRY, arg);
		return 1;
	case OPT_ROSTER:
		add_input(s, KIND_ROSTER, arg);
		return 1;
	case OPT_ENCODING:
		if (!csvin_encoding(arg))
			usage_error("unknown encoding '%s' (utf-8, utf-16, "
				    "windows-1258, tcvn3)",
				    arg);
		s->encoding = arg;
		s->encoding_unused = 1;
		return 1;
	}
	return 0;
}

/* The field of o an option names a file (or a conninfo) in, or NULL. */
static const char **text_field(struct run_opts *o, int code)
{
	return code == OPT_AREAS	   ? &o->areas
	       : code == OPT_SCOPE	   ? &o->scope
	       : code == OPT_TARGETS	   ? &o->targets
	       : code == OPT_GROUPS	   ? &o->groups
	       : code == OPT_UNITS	   ? &o->units
	       : code == OPT_CONTRIBUTIONS ? &o->contributions
	       : code == OPT_SUPPORT	   ? &o->support
	       : code == OPT_OUT	   ? &o->out
	       : code == OPT_DB		   ? &o->db
					   : NULL;
}

/* The flags and numbers: 1 if code is one of them. */
static int value_opt(struct run_opts *o, int code, const char *arg)
{
	switch (code) {
	case OPT_PERIOD:
		o->period = (int)number_opt(arg, "--period", 1900, 2200);
		return 1;
	case OPT_AS_OF:
		o->as_of = date_opt(arg, "--as-of");
		return 1;
	case OPT_TODAY:
		o->today = date_opt(arg, "--today");
		return 1;
	case OPT_MAX_REJECTS:
		o->max_rejects = number_opt(arg, "--max-rejects", 0, LONG_MAX);
		return 1;
	case OPT_MAX_FILE_REJECTS: { /* "50" or "50%" */
		char pct[8];
		size_t n = strlen(arg);

		if (n && arg[n - 1] == '%')
			n--;
		if (n >= sizeof(pct))
			usage_error("bad --max-file-rejects '%s'", arg);
		memcpy(pct, arg, n);
		pct[n] = '\0';
		o->max_file_rejects =
			(int)number_opt(pct, "--max-file-rejects", 0, 100);
		return 1;
	}
	case OPT_MEMORY_LIMIT:
		if (spill_parse_size(arg, &o->memory_limit) < 0)
			usage_error("bad --memory-limit '%s': give a size, "
				    "e.g. 4G, 512M",
				    arg);
		return 1;
	case OPT_NO_DB:
		o->no_db = 1;
		return 1;
	case OPT_TABLE:
		o->table = 1;
		return 1;
	}
	return 0;
}

/* --partition I/N into s (rules.md R7.13). */
static void partition_opt(struct stage *s, const char *arg)
{
	if (partition_parse(arg, &s->part_index, &s->part_count) < 0)
		usage_error("bad --partition '%s': give I/N, the partition I "
			    "(0 to N-1) of N (1 to %d), e.g. --partition 0/4",
			    arg, PARTITION_MAX);
}

int stage_opt(void *ctx, int code, const char *arg)
{
	struct stage *s = ctx;
	struct run_opts *o = &s->o;
	const char **field = text_field(o, code);

	if (field) {
		*field = arg;
		return 1;
	}
	if (code == OPT_REJECTS) { /* given again: the last one */
		o->rejects[0] = arg;
		o->nrejects = 1;
		return 1;
	}
	if (code == OPT_PARTITION) {
		partition_opt(s, arg);
		return 1;
	}
	if (code == OPT_REJECTS_IN) {
		if (o->nrejects == 16)
			usage_error("too many --rejects");
		o->rejects[o->nrejects++] = arg;
		return 1;
	}
	return value_opt(o, code, arg) || input_opt(s, code, arg);
}

void stage_parse(struct stage *s, const struct cmd_def *d, int argc,
		 char **argv)
{
	memset(s, 0, sizeof(*s));
	s->o.max_rejects = -1;
	s->o.max_file_rejects = MAX_FILE_REJECTS;
	cmd_parse(d, argc, argv, stage_opt, s, &s->a);
	/* --encoding applies to the files after it (rules.md R1.2) */
	if (s->encoding_unused)
		usage_error("--encoding %s comes after the last input file and "
			    "applies to none: give it before the file it is "
			    "for (--encoding %s --roster FILE)",
			    s->encoding, s->encoding);
	s->o.quiet = s->a.quiet;
	s->o.args = s->a.args;
	s->o.nargs = s->a.nargs;
}

void stage_release(struct stage *s)
{
	size_t i;

	stage_batch_release(s);
	for (i = 0; i < s->o.ninputs; i++) {
		free((char *)s->o.inputs[i].path);
		free((char *)s->o.inputs[i].label);
		free((char *)s->o.inputs[i].commune);
		free((char *)s->o.inputs[i].group);
	}
	free(s->o.inputs);
	s->o.inputs = NULL;
	s->o.ninputs = 0;
	cmd_args_release(&s->a);
}

void stage_batch(struct stage *s)
{
	struct etl_err err = { { 0 } };
	struct date start, today;

	pipeline_dates(&s->o, &start, &today);
	ref_init(&s->ref);
	if (pipeline_ref(&s->ref, &s->o, &err) < 0)
		die("%s", err.msg);
	batch_init(&s->b, &s->ref, s->o.period, &start, &today);
	s->has_batch = 1;
}

void stage_batch_release(struct stage *s)
{
	if (!s->has_batch)
		return;
	batch_release(&s->b);
	ref_release(&s->ref);
	s->has_batch = 0;
}

void stage_each_input(const struct stage *s, stage_input_fn *fn, void *ctx)
{
	int a;

	for (a = 0; a < (s->o.nargs ? s->o.nargs : 1); a++) {
		const char *name = s->o.nargs ? s->o.args[a] : "-";
		FILE *f = stage_open(name, "r");

		fn(ctx, f, name);
		stage_close(f, name);
	}
}

static void read_rows(void *b, FILE *f, const char *name)
{
	struct etl_err err = { { 0 } };

	if (stream_read(b, f, name, &err) < 0)
		die("%s", err.msg);
}

void stage_read_rows(struct stage *s)
{
	stage_each_input(s, read_rows, &s->b);
}

int stage_rejects_code(const struct stage *s, unsigned long rejected)
{
	return s->o.max_rejects >= 0 &&
			       rejected > (unsigned long)s->o.max_rejects
		       ? EXIT_REJECTS
		       : EXIT_OK;
}

FILE *stage_open(const char *path, const char *mode)
{
	FILE *f;

	if (!path || !strcmp(path, "-"))
		return mode[0] == 'r' ? stdin : stdout;
	f = fopen(path, mode);
	if (!f)
		die("'%s': cannot open: %s", path, strerror(errno));
	return f;
}

void stage_close(FILE *f, const char *path)
{
	if (fflush(f) != 0 || ferror(f))
		die("'%s': write failed: %s", path ? path : "<stdout>",
		    strerror(errno));
	if (f != stdin && f != stdout)
		fclose(f);
}

const char *stage_conninfo(const char *db)
{
	struct etl_err err = { "" };
	const char *conninfo = db ? db : getenv("DOISOAT_DB");

	if (!conninfo)
		conninfo = "";
	switch (pgload_conninfo_has_password(conninfo, &err)) {
	case -1:
		die_code(EXIT_USAGE, "--db: %s", err.msg);
	case 1:
		die_code(EXIT_USAGE,
			 "the connection string carries a password, which "
			 "other users can read from the process list: put it "
			 "in ~/.pgpass (mode 0600), PGPASSFILE or a service "
			 "file instead");
	}
	return conninfo;
}

void stage_outdir_begin(const char *dir, struct outdir *od)
{
	struct etl_err err = { "" };

	switch (outdir_begin(dir, od, &err)) {
	case 0:
		return;
	case OUTDIR_BUSY:
		die_code(EXIT_BUSY, "%s", err.msg);
	default:
		die("%s", err.msg);
	}
}

/* ---- the census of a staged pipe ---------------------------------------- */

/* One census row: a, b, c, d (NULL: \N). */
static void census_row(struct strbuf *sb, FILE *f, const char *a, const char *b,
		       const char *c, const char *d)
{
	copy_field(sb, a, 1);
	copy_field(sb, b, 0);
	copy_field(sb, c, 0);
	copy_field(sb, d, 0);
	copy_end_row(sb, f);
}

void stage_census_read(struct strbuf *sb, FILE *f, enum kind kind,
		       const char *source, unsigned long rows_read)
{
	char n[24];

	snprintf(n, sizeof(n), "%lu", rows_read);
	census_row(sb, f, source, n, NULL, kind_name(kind));
}

void stage_census_accepted(struct strbuf *sb, FILE *f, enum kind kind,
			   const char *source, unsigned long accepted)
{
	char n[24];

	snprintf(n, sizeof(n), "%lu", accepted);
	census_row(sb, f, "input", kind_name(kind), n, source);
}

/* The input of source, added when new. */
static struct summary_input *census_input(struct stage_census *c,
					  const char *source)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (!strcmp(c->in[i].source, source))
			return &c->in[i];
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 16;
		c->in = xrealloc(c->in, c->cap * sizeof(*c->in));
		c->rank = xrealloc(c->rank, c->cap * sizeof(*c->rank));
	}
	memset(&c->in[c->n], 0, sizeof(c->in[c->n]));
	c->in[c->n].source = xstrdup(source);
	c->rank[c->n] = (size_t)-1;
	return &c->in[c->n++];
}

/* A count of a census row: 0, or -1 when s is not one. */
static int census_count(const char *s, unsigned long *n)
{
	char *end;

	if (!s || !*s || *s == '-')
		return -1;
	errno = 0;
	*n = strtoul(s, &end, 10);
	return *end || errno ? -1 : 0;
}

int stage_census_reject(struct stage_census *c, int nf, char *const *fl)
{
	struct summary_input *in;
	unsigned long n;
	enum kind kind;
	enum reason why;

	if (nf != 4 || !fl[0] || !fl[1])
		return -1;
	if (!fl[2]) { /* ingest's census row */
		if (!fl[3] || kind_parse(fl[3], &kind) < 0 ||
		    census_count(fl[1], &n) < 0)
			return -1;
		in = census_input(c, fl[0]);
		in->kind = kind;
		in->has_kind = 1;
		in->rows_read += n;
		in->has_rows_read = 1;
		if (c->rank[in - c->in] == (size_t)-1)
			c->rank[in - c->in] = c->nread++;
		return 1;
	}
	in = census_input(c, fl[0]);
	why = reason_parse(fl[2]);
	in->rejected++;
	in->rejected_by[why]++;
	return 0;
}

int stage_census_outcome(struct stage_census *c, int nf, char *const *fl)
{
	struct summary_input *in;
	unsigned long n;
	enum kind kind;

	if (nf != 4 || !fl[0] || strcmp(fl[0], "input") || !fl[1] ||
	    kind_parse(fl[1], &kind) < 0 || census_count(fl[2], &n) < 0 ||
	    !fl[3])
		return 0;
	in = census_input(c, fl[3]);
	in->kind = kind;
	in->has_kind = 1;
	in->accepted += n;
	return 1;
}

void stage_census_sort(struct stage_census *c)
{
	size_t i, j;

	/* insertion sort, stable: the inputs are few */
	for (i = 1; i < c->n; i++) {
		struct summary_input in = c->in[i];
		size_t r = c->rank[i];

		for (j = i; j > 0 && c->rank[j - 1] > r; j--) {
			c->in[j] = c->in[j - 1];
			c->rank[j] = c->rank[j - 1];
		}
		c->in[j] = in;
		c->rank[j] = r;
	}
}

void stage_census_release(struct stage_census *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		free(c->in[i].source);
	free(c->in);
	free(c->rank);
	memset(c, 0, sizeof(*c));
}
