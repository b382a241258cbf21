/*
 * doisoat run: the whole pipeline in one process: read and normalise every
 * input, identify people, classify them, write the lists, summary.json and
 * (unless --no-db) load the run into PostgreSQL.  The stage commands do
 * the same work one step at a time.
 */
#include "doisoat.h"
#include "classify.h"
#include "pgload.h"
#include "identity.h"
#include "lists.h"
#include "tonghop.h"
#include "outdir.h"
#include "partition.h"
#include "spill.h"
#include "stage.h"

#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char usage_str[] =
	"usage: doisoat run --period YEAR --prior FILE... --registry FILE...\n"
	"                   [--roster "
	"FILE[=LABEL][,commune=CODE][,group=GROUP]]...\n"
	"                   [--encoding ENC]\n"
	"                   [--areas FILE] [--scope FILE] [--targets FILE]\n"
	"                   [--groups FILE] [--units FILE] [--as-of DATE]\n"
	"                   [--today DATE] [--contributions FILE]\n"
	"                   [--support FILE]\n"
	"                   --out DIR [--db CONNINFO | --no-db]\n"
	"                   [--max-rejects N] [--max-file-rejects PCT]\n"
	"                   [--partition I/N] [--memory-limit SIZE]\n"
	"                   [--table] [--quiet]\n"
	"       doisoat run --config FILE [OPTION]...\n"
	"\n"
	"Reconcile last year's cards (--prior), the population registry\n"
	"extract (--registry) and this year's rosters (--roster) for the\n"
	"period YEAR, write the lists to DIR and load them into PostgreSQL.\n"
	"Options that name files may be repeated.  --encoding applies to the\n"
	"input options after it (utf-8, utf-16, windows-1258, tcvn3).\n"
	"--roster FILE=LABEL names the roster LABEL (the lists' source\n"
	"column; default: the file name).  An argument that names an existing\n"
	"file is the file, '=' and all (--roster ./a=b.csv), as is one whose\n"
	"text after its last '=' holds a '/'.  ,commune=CODE and ,group=GROUP\n"
	"(a code or a name: HN, 'Hộ nghèo') are the roster's defaults: a row\n"
	"whose cell is empty (or the file without that column) takes them;\n"
	"a row's own value wins.  Quote the argument when it has spaces:\n"
	"  --roster 'ho-ngheo.xlsx=HN-AnPhu,commune=29266,group=Hộ nghèo'\n"
	"--contributions replaces the shipped table of base salaries and\n"
	"rates; --support gives the local budget's extra support (money:\n"
	"read and checked, not yet printed).\n"
	"--max-file-rejects PCT stops the run (exit 1, no list written) when\n"
	"more than PCT% of one file's rows are rejected (default 50).\n"
	"--db takes a libpq conninfo; without it the [load] section's db,\n"
	"$DOISOAT_DB, else the PG* environment is used.  A password in it is\n"
	"refused (exit 2), with --no-db too: use ~/.pgpass.\n"
	"--partition I/N (with --no-db) keeps the rows of the people of\n"
	"partition I of N only, for `doisoat merge` (docs/scale.md).\n"
	"--memory-limit SIZE (K, M, G: 4G): when the inputs would need more\n"
	"memory, the run decides its people in partitions, one at a time,\n"
	"reading the inputs again for each; the outputs are the same\n"
	"(default: $DOISOAT_MEMORY_LIMIT, else 80% of the memory).\n"
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
extern char **environ;

/* Was a database named at all: a conninfo, or a PG* variable? */
static int db_named(const char *conninfo)
{
	char **e;

	if (conninfo && *conninfo)
		return 1;
	for (e = environ; *e; e++)
		if (!strncmp(*e, "PG", 2))
			return 1;
	return 0;
}

static PGconn *take_run_lock(const char *conninfo)
{
	struct etl_err err = { "" };
	PGconn *conn;

	conn = pgload_connect(conninfo, &err);
	if (!conn && !db_named(conninfo))
		die("%s\nNo database was named (--db, the [load] section's "
		    "db, $DOISOAT_DB or the PG* variables): to write the lists "
		    "without loading them, add --no-db",
		    err.msg);
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

/* The workbooks, once the lists are written (out_write_all_and). */
struct workbook {
	const struct batch *b;
	const char *dir;
	double seconds; /* how long they took */
};

static int write_lists(struct outputs *out, void *ctx, struct etl_err *err)
{
	struct workbook *w = ctx;
	double t0 = now_seconds();
	int rc = workbooks_write(out, w->b, w->dir, err);

	w->seconds = now_seconds() - t0;
	return rc;
}

int run_write_outputs(struct outputs *out, const struct batch *b,
		      struct outdir *od, int partition, double *workbooks,
		      struct etl_err *err)
{
	struct workbook wb = { b, NULL, 0 };
	int rc;

	if (partition) /* the merge writes the workbooks (rules.md R7.13) */
		return out_write_all_and(out, od->stage, partition_write_keys,
					 od->stage, err);
	wb.dir = outdir_lists(od, err); /* the workbooks: lists/ */
	if (!wb.dir)
		return -1;
	rc = out_write_all_and(out, od->stage, write_lists, &wb, err);
	if (workbooks)
		*workbooks = wb.seconds;
	return rc;
}

/*
 * summary.json, with a partition's "partition" key when s has one
 * (rules.md R7.13), and the commit of the folder, or die.
 */
static void run_summary(const struct stage *s, const struct batch *b,
			const struct outputs *out, const struct timings *t,
			int rc, struct outdir *od)
{
	struct etl_err err = { "" };
	struct strbuf line;
	uint64_t ref;

	sb_init(&line, 0);
	if (s->part_count) {
		if (partition_reference(&s->o, b, &ref, &err) < 0)
			die("%s", err.msg);
		partition_summary_line(&line, s->part_index, s->part_count,
				       &b->today, ref);
	}
	if (summary_write_outdir_with(b, out, t, rc,
				      s->part_count ? line.buf : NULL, od,
				      &err) < 0 ||
	    outdir_commit(od, &err) < 0)
		die("%s", err.msg);
	sb_release(&line);
}

static int has_kind(const struct run_opts *o, enum kind k)
{
	size_t i;

	for (i = 0; i < o->ninputs; i++)
		if (o->inputs[i].kind == k)
			return 1;
	return 0;
}

/* The run's last log line (and the coverage table with --table). */
static void run_log(const struct stage *s, const struct batch *b,
		    const struct outputs *out, const struct timings *t)
{
	if (s->part_count)
		logmsg("partition %u of %u: the rows of its people only; "
		       "doisoat merge joins the %u folders",
		       s->part_index, s->part_count, s->part_count);
	logmsg("%zu people: %zu increase, %zu decrease, %zu change, %zu "
	       "renew, %zu uninsured, %zu review, %zu rejects (%.2f s)",
	       b->npeople, out->lists[L_INCREASE].n, out->lists[L_DECREASE].n,
	       out->lists[L_CHANGE].n, out->lists[L_RENEW].n,
	       out->lists[L_UNINSURED].n, out->lists[L_REVIEW].n,
	       out->lists[L_REJECTS].n, t->total);
	if (s->o.table)
		print_coverage(out, stdout);
}

/*
 * The end of a run, its lists decided in out: write them and the
 * workbooks (t->write gains the time from t1 on), then summary.json and
 * the commit of od, the last log line.  EXIT_OK, or EXIT_REJECTS past
 * --max-rejects.
 */
static int run_finish(const struct stage *s, struct batch *b,
		      struct outputs *out, struct timings *t, double t0,
		      double t1, struct outdir *od)
{
	const struct run_opts *o = &s->o;
	struct etl_err err = { "" };
	int rc = EXIT_OK;

	if (run_write_outputs(out, b, od, s->part_count > 0, &t->workbooks,
			      &err) < 0)
		die("%s", err.msg);
	t->write += now_seconds() - t1;
	if (o->max_rejects >= 0 &&
	    pipeline_rejects(b) > (unsigned long)o->max_rejects) {
		warn("%lu rows rejected, more than --max-rejects %ld (see "
		     "rejects.csv)",
		     pipeline_rejects(b), o->max_rejects);
		rc = EXIT_REJECTS;
	}
	t->total = now_seconds() - t0;
	run_summary(s, b, out, t, rc, od);
	run_log(s, b, out, t);
	outputs_release(out);
	return rc;
}

/*
 * Read every input into b, identify, classify, write the lists, the
 * workbook and summary.json into --out.  EXIT_OK or EXIT_REJECTS; dies
 * on failure.  t0: when the run started.
 */
static int run_pipeline(const struct stage *s, struct batch *b, double t0)
{
	const struct run_opts *o = &s->o;
	struct outputs out;
	struct timings t = { 0 };
	struct etl_err err = { "" };
	struct outdir od;
	double t1;

	/* recovers the folder; exit() before the commit removes the staging */
	stage_outdir_begin(o->out, &od);
	/* the workbooks' lists/, made (and a link there refused) up front */
	if (!s->part_count && !outdir_lists(&od, &err))
		die("%s", err.msg);
	outputs_init(&out);
	out.part_index = s->part_index; /* keeps its rows only */
	out.part_count = s->part_count;
	progress("reading %zu input files", o->ninputs);
	if (pipeline_read(b, o, &err) < 0) {
		batch_print_msgs(b, stderr);
		die("%s", err.msg);
	}
	batch_print_msgs(b, stderr);
	if (pipeline_file_rejects(b, o->max_file_rejects, &err) < 0)
		die("%s", err.msg);
	pipeline_default_scope(b);
	t1 = now_seconds();
	t.read = t1 - t0;
	progress("finding who is who among %zu rows", b->nrecs);
	identity_run(b);
	t.identity = now_seconds() - t1;
	t1 = now_seconds();
	progress("classifying %zu people", b->npeople);
	classify_run(b, &out);
	out_add_notes(&out, b);
	out_add_coverage(&out, b);
	batch_drop_rows(b); /* the outputs hold every row now */
	t.classify = now_seconds() - t1;
	progress("writing the lists");
	return run_finish(s, b, &out, &t, t0, now_seconds(), &od);
}

/* A size as --memory-limit takes it: "4 GiB", "512 MiB", "900 bytes". */
static const char *size_text(unsigned long long v, char out[32])
{
	static const char *const unit[] = { "bytes", "KiB", "MiB", "GiB",
					    "TiB" };
	int u = 0;

	while (u < 4 && v >= 1024 && v % 1024 == 0) {
		v /= 1024;
		u++;
	}
	snprintf(out, 32, "%llu %s", v, unit[u]);
	return out;
}

/*
 * Hand the memory a partition freed back to the system (glibc keeps it
 * for the next malloc otherwise, spread over its threads' arenas): what
 * --memory-limit weighs is what the process holds.
 */
static void trim_heap(void)
{
#ifdef __GLIBC__
	malloc_trim(0);
#endif
}

/* The staging folder of partition k of an out-of-core run. */
static void spill_dir(struct strbuf *sb, const struct outdir *od, uint32_t k)
{
	sb->len = 0;
	sb_addf(sb, "%s/" OUTDIR_SPILL "%u", od->stage, k);
}

/* Remove a partition's folder once read back (only its own files). */
static void spill_remove(const char *dir)
{
	static const char *const extra[] = { PARTITION_KEYS,
					     PARTITION_COVERAGE };
	struct strbuf path;
	int l;

	sb_init(&path, 0);
	for (l = 0; l < L_N + 2; l++) {
		path.len = 0;
		sb_addf(&path, "%s/%s", dir,
			l < L_N ? list_file((enum list)l) : extra[l - L_N]);
		unlink(path.buf);
	}
	sb_release(&path);
	rmdir(dir);
}

/*
 * Identify, classify and write the rows of one partition (read into bp)
 * as a partition folder dir in the staging area; bp's sources' counts
 * join b's.
 */
static void spill_part(const struct stage *s, struct batch *b, struct batch *bp,
		       const char *dir, struct timings *t)
{
	struct etl_err err = { "" };
	struct source *before;
	struct outputs out;
	double t1 = now_seconds();

	before = xmalloc(sizeof(*before) * (bp->nsrcs ? bp->nsrcs : 1));
	memcpy(before, bp->srcs, sizeof(*before) * bp->nsrcs);
	identity_run(bp);
	t->identity += now_seconds() - t1;
	t1 = now_seconds();
	outputs_init(&out);
	out.part_index = s->part_index;
	out.part_count = s->part_count;
	classify_run(bp, &out);
	out_add_notes(&out, bp);
	out_add_coverage(&out, bp);
	spill_add_counts(b->srcs, bp->srcs, before, bp->nsrcs);
	free(before);
	batch_drop_rows(bp);
	t->classify += now_seconds() - t1;
	t1 = now_seconds();
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		die("cannot create '%s': %s", dir, strerror(errno));
	if (out_write_all_and(&out, dir, partition_write_keys, (void *)dir,
			      &err) < 0)
		die("%s", err.msg);
	outputs_release(&out);
	t->write += now_seconds() - t1;
}

/*
 * run_pipeline() for inputs larger than the memory limit (spill.h): pass
 * 1 plans the partitions; each is then read, decided and written into
 * the staging area on its own; the partitions are merged into the
 * outputs.  The same outputs as run_pipeline().
 */
static int run_spilled(const struct stage *s, struct batch *b, double t0,
		       unsigned long long limit)
{
	const struct run_opts *o = &s->o;
	struct spill_plan plan;
	struct outputs out;
	struct timings t = { 0 };
	struct etl_err err = { "" };
	struct outdir od;
	struct strbuf dir;
	char size[32];
	size_t npeople = 0, nrecs = 0;
	double t1;
	uint32_t k, nparts;

	stage_outdir_begin(o->out, &od);
	if (!s->part_count && !outdir_lists(&od, &err))
		die("%s", err.msg);
	progress("reading %zu input files (pass 1 of the partitions)",
		 o->ninputs);
	if (spill_plan(b, o, limit, &plan, &err) < 0) {
		batch_print_msgs(b, stderr);
		die("%s", err.msg);
	}
	batch_print_msgs(b, stderr);
	trim_heap();
	if (pipeline_file_rejects(b, o->max_file_rejects, &err) < 0)
		die("%s", err.msg);
	logmsg("%llu rows need more than --memory-limit %s: %u partitions "
	       "of people (the largest group of rows that may be one person "
	       "holds %llu), each read from the inputs again",
	       plan.rows, size_text(limit, size), plan.nparts, plan.largest);
	if (plan.largest * SPILL_ROW_BYTES > limit)
		warn("the largest group of rows that may be one person (%llu "
		     "rows) needs about %llu MiB, more than --memory-limit: "
		     "its partition passes the limit (docs/scale.md)",
		     plan.largest,
		     (plan.largest * SPILL_ROW_BYTES + (1 << 20) - 1) >> 20);
	if (plan.rows * SPILL_MERGE_ROW_BYTES > limit)
		warn("the merge of the partitions holds every list row, about "
		     "%llu MiB here, more than --memory-limit: it is not "
		     "streamed yet (docs/scale.md)",
		     (plan.rows * SPILL_MERGE_ROW_BYTES + (1 << 20) - 1) >> 20);
	t.read = now_seconds() - t0;
	sb_init(&dir, 0);
	for (k = 0; k < plan.nparts; k++) {
		struct batch bp;

		progress("partition %u of %u", k + 1, plan.nparts);
		t1 = now_seconds();
		batch_init(&bp, b->ref, b->period, &b->period_start, &b->today);
		if (spill_read_part(&bp, o, &plan, k, &err) < 0)
			die("%s", err.msg);
		t.read += now_seconds() - t1;
		spill_dir(&dir, &od, k);
		spill_part(s, b, &bp, dir.buf, &t);
		npeople += bp.npeople;
		nrecs += bp.nrecs;
		batch_release(&bp);
		trim_heap();
	}
	t1 = now_seconds();
	nparts = plan.nparts;
	spill_plan_release(&plan); /* rule 3's table too: before the merge */
	trim_heap();
	progress("merging %u partitions", nparts);
	outputs_init(&out);
	for (k = 0; k < nparts; k++) {
		spill_dir(&dir, &od, k);
		if (partition_read(dir.buf, &out, &err) < 0)
			die("%s", err.msg);
		spill_remove(dir.buf);
	}
	sb_release(&dir);
	out_add_coverage(&out, b); /* b holds no one: the sums' rows */
	b->npeople = npeople;
	b->nrecs = nrecs;
	return run_finish(s, b, &out, &t, t0, t1, &od);
}

/* --memory-limit's default from $DOISOAT_MEMORY_LIMIT, or exit 2. */
static void limit_from_env(struct run_opts *o)
{
	const char *env = getenv("DOISOAT_MEMORY_LIMIT");

	if (!o->memory_limit && env && *env &&
	    spill_parse_size(env, &o->memory_limit) < 0)
		usage_error("bad DOISOAT_MEMORY_LIMIT '%s': give a size, e.g. "
			    "4G, 512M",
			    env);
}

/*
 * Does the run spill (spill.h)?  Its limit into *limit when it does:
 * when the inputs' estimate passes it, unless one cannot be read twice
 * (spill_once_only).
 */
static int spills(const struct run_opts *o, unsigned long long *limit)
{
	const char *once;
	char size[32];

	*limit = o->memory_limit ? o->memory_limit : spill_default_limit();
	if (!*limit || spill_estimate(o) <= *limit)
		return 0;
	once = spill_once_only(o);
	if (once)
		warn("the inputs may need more memory than --memory-limit "
		     "%s, but %s cannot be read twice: the run holds them all",
		     size_text(*limit, size), once);
	return !once;
}

static const struct cmd_def run_def = {
	.prog = "doisoat run",
	.config = "run",
	.usage = usage_str,
	.options = { RUN_OPTIONS, OPT_PARTITION, OPT_MEMORY_LIMIT },
};

int cmd_run(int argc, char **argv)
{
	struct stage s;
	struct load_opts lo;
	struct cmd_args la;
	PGconn *lock = NULL;
	double t0 = now_seconds();
	unsigned long long limit;
	int rc, lrc;

	memset(&la, 0, sizeof(la));
	stage_parse(&s, &run_def, argc, argv);
	limit_from_env(&s.o);
	if (!s.o.period || !s.o.out || !has_kind(&s.o, KIND_PRIOR) ||
	    !has_kind(&s.o, KIND_REGISTRY))
		usage_error("--period, --prior, --registry and --out are "
			    "required");
	if (s.part_count && !s.o.no_db)
		usage_error(
			"--partition needs --no-db: a partition folder holds "
			"part of the lists; load the folder doisoat merge "
			"writes with doisoat load (docs/scale.md)");
	if (!s.o.no_db)
		load_opts_of_run(&s, &lo, &la);
	else if (s.o.db)
		stage_conninfo(s.o.db); /* exits on a password: ps shows it */
	stage_batch(&s);
	if (!s.o.no_db)
		lock = take_run_lock(lo.conninfo);
	rc = spills(&s.o, &limit) ? run_spilled(&s, &s.b, t0, limit)
				  : run_pipeline(&s, &s.b, t0);
	stage_batch_release(&s);
	if (!s.o.no_db) {
		set_quiet(s.o.quiet || la.quiet); /* [load] quiet: its log */
		progress("loading into PostgreSQL");
		lrc = load_and_report(&lo);
		if (lrc != EXIT_OK)
			rc = lrc;
		PQfinish(lock); /* releases the run lock */
		cmd_args_release(&la);
	}
	progress_done();
	stage_release(&s);
	return rc;
}
