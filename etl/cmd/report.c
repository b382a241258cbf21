/*
 * doisoat report: read outcome rows (from diff) and the reject rows of
 * ingest and normalise, and write the lists of rules.md R7 into the output
 * folder: sorted, RFC 4180 CSV, mode 0600, each file renamed into place.
 */
#include "doisoat.h"
#include "copytext.h"
#include "lists.h"
#include "tonghop.h"
#include "outdir.h"
#include "stage.h"
#include "stream.h"

#include <stdlib.h>
#include <string.h>

static const char usage_str[] =
	"usage: doisoat report --out DIR [--rejects FILE]... [--table]\n"
	"                      [--period YEAR [--as-of DATE] [--today DATE]\n"
	"                       [--groups FILE] [--units FILE]\n"
	"                       [--contributions FILE] [--support FILE]]\n"
	"                      [--quiet] [INPUT...]\n"
	"Write the CSV lists from outcome rows (stdin or INPUT) and the\n"
	"reject streams of ingest and normalise (--rejects) into DIR; with\n"
	"--period, the workbooks people file (lists/*.xlsx) too.  --table\n"
	"prints the coverage table.  summary.json counts the rows of each\n"
	"input file as ingest read them, diff got them and the reject\n"
	"streams rejected them; `doisoat load` takes the folder when\n"
	"--period was given and both ingest's and normalise's --rejects are\n"
	"read.\n";

static int list_by_name(const char *name)
{
	int l;

	for (l = 0; l < L_N; l++) {
		const char *f = list_file((enum list)l);

		if (!strncmp(f, name, strlen(name)) && f[strlen(name)] == '.')
			return l;
	}
	return -1;
}

/* What report reads into. */
struct report {
	struct outputs out;
	struct stage_census census; /* for summary.json */
};

/* One input of outcome rows into the outputs (a stage_input_fn). */
static void read_outcomes(void *ctx, FILE *f, const char *name)
{
	struct report *r = ctx;
	struct outputs *o = &r->out;
	struct strbuf line;
	char *fl[4 + LIST_MAX_COLS];
	unsigned long n = 0;
	int got;

	sb_init(&line, 1 << 24);
	while ((got = copy_read_line(f, &line)) > 0) {
		int nf, l;

		n++;
		nf = copy_split(line.buf, fl, 4 + LIST_MAX_COLS);
		if (stage_census_outcome(&r->census, nf, fl))
			continue;
		l = nf >= 4 && fl[0] ? list_by_name(fl[0]) : -1;
		if (l < 0 || nf != 4 + list_ncols((enum list)l) || !fl[2])
			die("'%s':%lu: not an outcome row", name, n);
		out_add(o, (enum list)l, fl[1], strtoull(fl[2], NULL, 10),
			fl[3] ? reason_parse(fl[3]) : R_NONE,
			(const char *const *)(fl + 4));
	}
	if (got < 0)
		die("'%s':%lu: line too long", name, n + 1);
	sb_release(&line);
}

/* A reject stream of ingest or normalise into rejects.csv's rows. */
static void read_rejects(struct report *r, const char *path)
{
	struct strbuf line;
	char *fl[5];
	FILE *f;
	int got, nf, census;

	f = stage_open(path, "r");
	sb_init(&line, 1 << 24);
	while ((got = copy_read_line(f, &line)) > 0) {
		nf = copy_split(line.buf, fl, 5);
		census = stage_census_reject(&r->census, nf, fl);
		if (census < 0)
			die("'%s': not a reject stream", path);
		if (census)
			continue;
		out_add(&r->out, L_REJECTS, fl[0], strtoull(fl[1], NULL, 10),
			reason_parse(fl[2]), (const char *const *)fl);
	}
	sb_release(&line);
	stage_close(f, path);
}

/*
 * The workbooks name the period and the communes: with --period, into
 * the staging folder's lists/.
 */
static void write_workbook(struct stage *s, struct outputs *out,
			   struct outdir *od)
{
	struct etl_err err = { "" };
	const char *dir = outdir_lists(od, &err);

	stage_batch(s);
	if (!dir || workbooks_write(out, &s->b, dir, &err) < 0)
		die("%s", err.msg);
}

static const struct cmd_def report_def = {
	.prog = "doisoat report",
	.takes_args = 1,
	.usage = usage_str,
	.options = { OPT_OUT, OPT_REJECTS_IN, OPT_TABLE, OPT_PERIOD, OPT_AS_OF,
		     OPT_TODAY, OPT_GROUPS, OPT_UNITS, OPT_CONTRIBUTIONS,
		     OPT_SUPPORT },
};

/* summary.json: with --period, one that load takes (summary.h). */
static int write_summary(struct stage *s, struct report *r, struct outdir *od,
			 struct etl_err *err)
{
	struct date start, today;

	if (!s->o.period)
		return summary_write_files(&r->out, od, err);
	pipeline_dates(&s->o, &start, &today);
	stage_census_sort(&r->census);
	return summary_write_staged(&r->out, s->o.period, &start, r->census.in,
				    r->census.n, od, err);
}

int cmd_report(int argc, char **argv)
{
	struct stage s;
	struct report r;
	struct etl_err err = { "" };
	struct outdir od;
	int a;

	stage_parse(&s, &report_def, argc, argv);
	if (!s.o.out)
		usage_error("--out DIR is required");
	memset(&r, 0, sizeof(r));
	outputs_init(&r.out);
	stage_each_input(&s, read_outcomes, &r);
	for (a = 0; a < s.o.nrejects; a++)
		read_rejects(&r, s.o.rejects[a]);
	stage_outdir_begin(s.o.out, &od);
	if (out_write_all(&r.out, od.stage, &err) < 0)
		die("%s", err.msg);
	if (s.o.period)
		write_workbook(&s, &r.out, &od);
	if (write_summary(&s, &r, &od, &err) < 0 ||
	    outdir_commit(&od, &err) < 0)
		die("%s", err.msg);
	if (s.o.table)
		print_coverage(&r.out, stdout);
	outputs_release(&r.out);
	stage_census_release(&r.census);
	stage_release(&s);
	return EXIT_OK;
}
