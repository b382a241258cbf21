/*
 * doisoat merge: join the folders of the N partitions of one run (doisoat
 * run --partition I/N) into the folder a single run of the same inputs
 * writes: its lists, coverage.csv, workbooks and summary.json (rules.md
 * R7.13, docs/scale.md).
 */
#include "doisoat.h"
#include "outdir.h"
#include "partition.h"
#include "stage.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

static const char usage_str[] =
	"usage: doisoat merge --out DIR [RUN OPTION]... PART_DIR...\n"
	"       doisoat merge --config FILE --out DIR PART_DIR...\n"
	"\n"
	"Join the folders of the N partitions of one run (doisoat run\n"
	"--partition I/N --no-db, I = 0 to N-1) into DIR: the lists,\n"
	"coverage.csv, workbooks and summary.json that one run of the same\n"
	"inputs writes.  Every folder must be complete (each file its\n"
	"summary.json lists, as listed), and the folders the partitions 0 to\n"
	"N-1 of one N, each once, made from the same inputs with the same\n"
	"options.\n"
	"Give the merge the run's options (or its --config): it reads the\n"
	"reference files (--areas, --scope, --targets, --groups, --units,\n"
	"--contributions, --support) to write the workbooks, and refuses them\n"
	"when they differ from the partitions'.  It reads none of the input\n"
	"files (--prior, --registry, --roster are taken and not read), and\n"
	"loads nothing (--db, --no-db are taken and ignored): load DIR with\n"
	"doisoat load.  --period and --today default to the partitions'.\n"
	"--table prints the coverage table.\n"
	"\n"
	"Exit codes: 0 done, 1 failed (a folder incomplete, or made from\n"
	"other inputs), 2 usage (a partition missing or given twice, folders\n"
	"of different N, options that differ from the partitions'), 3 done\n"
	"but more rejected rows than the run's --max-rejects, 4 another\n"
	"process writes DIR.\n";

static const struct cmd_def merge_def = {
	.prog = "doisoat merge",
	.config = "run",
	.usage = usage_str,
	.takes_args = 1,
	.options = { RUN_OPTIONS },
};

/* Read one partition folder's summary.json into pi, or die. */
static void read_part(const char *dir, struct part_info *pi)
{
	struct etl_err err = { "" };

	switch (outdir_verify(dir, &err)) {
	case 0:
		break;
	case 1:
		die("'%s': its summary.json lists no files: not a partition "
		    "folder",
		    dir);
	default:
		die("'%s' is not a complete partition folder (its task did "
		    "not finish, or the folder was changed since): %s",
		    dir, err.msg);
	}
	if (partition_read_summary(dir, pi, &err) < 0)
		die_code(EXIT_USAGE, "%s", err.msg);
}

/*
 * The folders given, read, checked to be the partitions 0 .. N-1 of one
 * run, each once: by[i] is partition i.  Dies with EXIT_USAGE when the
 * set is wrong, 1 when the folders disagree.
 */
static struct part_info *read_parts(const struct stage *s)
{
	size_t n = (size_t)s->o.nargs, i, k;
	struct part_info *in = xcalloc(n, sizeof(*in)), *by;

	for (i = 0; i < n; i++) {
		read_part(s->o.args[i], &in[i]);
		if (in[i].count != in[0].count)
			die_code(EXIT_USAGE,
				 "'%s' is a partition of %u, '%s' of %u: "
				 "the folders are not of one run",
				 in[0].dir, in[0].count, in[i].dir,
				 in[i].count);
	}
	by = xcalloc(in[0].count, sizeof(*by));
	for (i = 0; i < n; i++) {
		if (by[in[i].index].dir)
			die_code(EXIT_USAGE,
				 "'%s' and '%s' are both partition %u of %u",
				 by[in[i].index].dir, in[i].dir, in[i].index,
				 in[i].count);
		by[in[i].index] = in[i];
	}
	for (k = 0; k < in[0].count; k++)
		if (!by[k].dir)
			die_code(EXIT_USAGE,
				 "partition %zu of %u is missing: give the "
				 "folders of all %u partitions",
				 k, in[0].count, in[0].count);
	for (k = 1; k < in[0].count; k++)
		if (strcmp(by[k].same, by[0].same) ||
		    strcmp(by[k].today, by[0].today) ||
		    by[k].reference != by[0].reference)
			die("'%s' and '%s' were made from different inputs or "
			    "options (their summary.json differ before "
			    "\"partition\", or in it): run every partition "
			    "again with the same ones",
			    by[0].dir, by[k].dir);
	free(in);
	return by;
}

/* Refuse --out when it is one of the partition folders. */
static void out_not_a_part(const struct stage *s)
{
	char out[PATH_MAX], part[PATH_MAX];
	int i;

	if (!realpath(s->o.out, out))
		return; /* not there yet: none of them */
	for (i = 0; i < s->o.nargs; i++)
		if (realpath(s->o.args[i], part) && !strcmp(out, part))
			usage_error("--out '%s' is one of the partition "
				    "folders: write the merge elsewhere",
				    s->o.out);
}

/*
 * --period and --today default to the partitions', then the reference
 * data must be theirs (partition_reference); the batch is started.
 */
static void merge_batch(struct stage *s, const struct part_info *p0)
{
	struct etl_err err = { "" };
	unsigned flags = 0;
	uint64_t ref;

	if (!s->o.period)
		s->o.period = p0->period;
	if (s->o.today.prec == DATE_NONE &&
	    norm_date(p0->today, strlen(p0->today), &s->o.today, &flags) !=
		    NORM_OK)
		die("'%s/summary.json': bad \"today\"", p0->dir);
	stage_batch(s);
	if (partition_reference(&s->o, &s->b, &ref, &err) < 0)
		die("%s", err.msg);
	if (ref != p0->reference)
		usage_error("the period, --as-of, --today or a reference file "
			    "(--areas, --scope, --targets, --groups, --units, "
			    "--contributions, --support) differs from what the "
			    "partitions ran with: give the merge the run's own "
			    "options");
}

/* Read the partitions into DIR's lists and write them: the exit code. */
static int merge_pipeline(const struct stage *s, const struct part_info *by,
			  double t0)
{
	uint32_t n = by[0].count, k;
	struct outputs out;
	struct timings t = { 0 };
	struct etl_err err = { "" };
	struct outdir od;
	struct strbuf head;
	double t1;

	stage_outdir_begin(s->o.out, &od);
	outputs_init(&out);
	progress("reading %u partitions", n);
	for (k = 0; k < n; k++)
		if (partition_read(by[k].dir, &out, &err) < 0)
			die("%s", err.msg);
	out_add_coverage(&out, &s->b);
	t1 = now_seconds();
	t.read = t1 - t0;
	progress("writing the lists");
	if (run_write_outputs(&out, &s->b, &od, 0, &t.workbooks, &err) < 0)
		die("%s", err.msg);
	t.write = now_seconds() - t1;
	t.total = now_seconds() - t0;
	sb_init(&head, 0);
	sb_add(&head, by[0].text, by[0].head_len);
	sb_addf(&head, "  \"merged\": {\"partitions\": %u},\n", n);
	if (summary_write_merged(head.buf, head.len, &out, &t, &od, &err) < 0 ||
	    outdir_commit(&od, &err) < 0)
		die("%s", err.msg);
	sb_release(&head);
	logmsg("%u partitions merged: %zu increase, %zu decrease, %zu change, "
	       "%zu renew, %zu uninsured, %zu review, %zu rejects (%.2f s)",
	       n, out.lists[L_INCREASE].n, out.lists[L_DECREASE].n,
	       out.lists[L_CHANGE].n, out.lists[L_RENEW].n,
	       out.lists[L_UNINSURED].n, out.lists[L_REVIEW].n,
	       out.lists[L_REJECTS].n, t.total);
	if (s->o.table)
		print_coverage(&out, stdout);
	outputs_release(&out);
	return by[0].exit_code == EXIT_REJECTS ? EXIT_REJECTS : EXIT_OK;
}

int cmd_merge(int argc, char **argv)
{
	struct stage s;
	struct part_info *by;
	double t0 = now_seconds();
	uint32_t k, n;
	int rc;

	stage_parse(&s, &merge_def, argc, argv);
	if (!s.o.out || s.o.nargs < 1)
		usage_error("--out and the partition folders are required");
	out_not_a_part(&s);
	by = read_parts(&s);
	n = by[0].count;
	merge_batch(&s, &by[0]);
	rc = merge_pipeline(&s, by, t0);
	for (k = 0; k < n; k++)
		partition_info_release(&by[k]);
	free(by);
	progress_done();
	stage_release(&s);
	return rc;
}
