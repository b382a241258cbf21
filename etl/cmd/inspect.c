/*
 * doisoat inspect: show, without writing anything, what a run would read
 * from each file (spec §2.1): format, encoding, delimiter, each sheet and
 * its header row, the mapping of its columns, a few normalised rows and
 * the rows that would be rejected, with reasons.  The file is read into a
 * batch exactly as `doisoat run` reads one input (batch_read_source); no
 * output folder, no database.  Its purpose is to print rows of the file:
 * the officer runs it on their own file, on their own terminal.
 */
#include "doisoat.h"
#include "stage.h"
#include "xlsxin.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char usage_str[] =
	"usage: doisoat inspect [--kind roster|registry|prior] [--rows N]\n"
	"                       [--encoding ENC] [--groups FILE]\n"
	"                       [--period YEAR] [--today DATE] [--quiet]\n"
	"                       FILE[,commune=CODE][,group=GROUP]...\n"
	"\n"
	"Show what a run would read from each FILE, without writing anything:\n"
	"its format (csv, tsv, semicolon, gzip, xlsx, xls), encoding,\n"
	"delimiter, each sheet with its header row (title, numbering, totals\n"
	"and signature rows skipped), the mapping of every column (header ->\n"
	"field, or ignored, with a warning for an ignored column that looks\n"
	"like an ID, a code or a date), the first N rows normalised and the\n"
	"first N rows that would be rejected, with line and reason (--rows N,\n"
	"default 5).\n"
	"--kind says what the files are (default roster); --encoding as for\n"
	"run (utf-8, utf-16, windows-1258, tcvn3); --groups, --period and\n"
	"--today as for run (default period: this year); a roster's default\n"
	"commune and group as for run's --roster.\n"
	"\n"
	"It prints personal data from the file: run it where the file may be\n"
	"read.\n"
	"\n"
	"Exit codes: 0 every file can be read, 1 a file cannot (the reason on\n"
	"stderr), 2 usage.\n";

static const struct cmd_def inspect_def = {
	.prog = "doisoat inspect",
	.takes_args = 1,
	.usage = usage_str,
	.options = { OPT_KIND, OPT_ROWS, OPT_ENCODING, OPT_GROUPS, OPT_PERIOD,
		     OPT_TODAY },
};

struct inspect {
	struct stage s;
	enum kind kind;
	long rows;
};

/* --kind and --rows; the rest as the stage commands take them. */
static int inspect_opt(void *ctx, int code, const char *arg)
{
	struct inspect *in = ctx;
	char *end;

	if (code == OPT_KIND) {
		if (kind_parse(arg, &in->kind) < 0)
			usage_error("bad --kind '%s' (roster, registry, prior)",
				    arg);
		return 1;
	}
	if (code == OPT_ROWS) {
		in->rows = strtol(arg, &end, 10);
		if (!*arg || *end || in->rows < 0 || in->rows > 1000000)
			usage_error("bad --rows '%s'", arg);
		return 1;
	}
	return stage_opt(&in->s, code, arg);
}

/* What a text file's delimiter makes it. */
static const char *text_format(char delim)
{
	return delim == '\t' ? "tsv" : delim == ';' ? "semicolon" : "csv";
}

static void print_format(const struct source *src)
{
	const char *fmt = src->format ? src->format : "csv";

	if (strcmp(fmt, "csv")) {
		printf("format: %s\n", fmt);
		return;
	}
	printf("format: %s%s\n", text_format(src->delim),
	       src->gzip ? " (gzip)" : "");
	printf("encoding: %s%s\n",
	       src->encoding_used[0] ? src->encoding_used : "?",
	       src->encoding ? " (--encoding)" : "");
	printf("delimiter: %s\n", src->delim == '\t'  ? "tab"
				  : src->delim == ';' ? "';'"
						      : "','");
}

/* One table: where its header is and each column's field. */
static void print_table(const struct sheet *t)
{
	int i;

	if (t->name)
		printf("sheet '%s': %s\n", t->name,
		       xlsxin_status_name(t->status));
	else
		printf("table:\n");
	if (t->why)
		printf("  why: %s\n", t->why);
	if (!t->header_line) {
		printf("  header row: none found\n");
		return;
	}
	printf("  header row: %lu%s; title rows skipped: %lu; numbering "
	       "rows skipped: %lu; totals and signature rows skipped: %lu\n",
	       t->header_line, t->header_rows > 1 ? " (two rows)" : "",
	       t->title, t->numbering, t->footer);
	printf("  mapping:\n");
	for (i = 0; i < t->ncols; i++) {
		int f = t->field[i];

		printf("    %d '%s' -> %s%s\n", i + 1, t->header[i],
		       f < 0 ? "ignored"
			     : field_name(f == F_SEX_CHECKBOX ? F_SEX
							      : (enum field)f),
		       f == F_SEX_CHECKBOX ? " (checkbox)" : "");
	}
}

/* Where a row or reject of the source is: "line N" or "sheet 'S' row N". */
static void print_where(const struct source *src, unsigned sheet,
			unsigned long line)
{
	if (sheet && sheet <= src->nsheets)
		printf("  sheet '%s' row %lu:", src->sheets[sheet - 1].name,
		       line);
	else
		printf("  line %lu:", line);
}

static void print_rec(const struct batch *b, const struct rec *r)
{
	char pid[13], cmnd[13], bhxh[11], dob[11];

	fmt_pid(r->pid, pid);
	fmt_cmnd(r, cmnd);
	fmt_bhxh(r->bhxh, bhxh);
	date_format(&r->dob, dob);
	print_where(&b->srcs[r->src], r->sheet, r->line);
	printf(" person_id=%s cmnd=%s bhxh_code=%s full_name='%s' dob=%s "
	       "sex=%s commune=%s group=%s\n",
	       pid, cmnd, bhxh, r->name ? r->name : "", dob,
	       r->sex == 'M'   ? "M"
	       : r->sex == 'F' ? "F"
			       : "",
	       r->commune,
	       r->group == GROUP_NONE ? "" : b->ref->groups[r->group].code);
}

/* The first n rows read and the first n rejected, the messages. */
static void print_rows(struct batch *b, long n)
{
	const struct source *src = &b->srcs[0];
	size_t i;

	printf("rows read: %lu, accepted: %lu, rejected: %lu\n", src->rows_read,
	       src->accepted, src->rejected);
	if (src->def_commune)
		printf("default commune: %s (taken by %lu rows)\n",
		       src->def_commune, src->from_file[0]);
	if (src->def_group)
		printf("default group: %s (taken by %lu rows)\n",
		       src->def_group, src->from_file[1]);
	printf("first %zu rows, normalised:\n",
	       b->nrecs < (size_t)n ? b->nrecs : (size_t)n);
	for (i = 0; i < b->nrecs && i < (size_t)n; i++)
		print_rec(b, &b->recs[i]);
	printf("first %zu rows rejected:\n",
	       b->nrejects < (size_t)n ? b->nrejects : (size_t)n);
	for (i = 0; i < b->nrejects && i < (size_t)n; i++) {
		const struct note *no = &b->rejects[i];

		print_where(src, no->sheet, no->line);
		printf(" %s: %s\n", reason_name((enum reason)no->reason),
		       no->text ? no->text : "");
	}
}

/* The warnings the library left (ignored ID-like columns, rejects). */
static void print_msgs(struct batch *b)
{
	size_t i;

	for (i = 0; i < b->msgs.n; i++)
		if (b->msgs.v[i].level == MSG_WARN)
			printf("warning: %s\n", b->msgs.v[i].text);
	msgs_release(&b->msgs);
}

/* Read one file as a run would and show it: 0, or -1 if it cannot. */
static int inspect_file(struct inspect *in, const struct input *file,
			const struct date *start, const struct date *today)
{
	const char *path = file->path;
	struct etl_err err = { { 0 } };
	struct batch b;
	unsigned i;
	int rc;

	batch_init(&b, &in->s.ref, in->s.o.period, start, today);
	batch_add_source(&b, file);
	rc = batch_read_source(&b, 0, &err);
	printf("== %s (%s)\n", path, kind_name(in->kind));
	print_format(&b.srcs[0]);
	for (i = 0; i < b.srcs[0].nsheets; i++)
		print_table(&b.srcs[0].sheets[i]);
	if (rc == 0)
		print_rows(&b, in->rows);
	print_msgs(&b);
	if (rc == 0 && pipeline_file_rejects(&b, MAX_FILE_REJECTS, &err) < 0)
		printf("warning: a run stops on this file: %lu of %lu rows "
		       "rejected, more than --max-file-rejects %d%%\n",
		       b.srcs[0].rejected, b.srcs[0].rows_read,
		       MAX_FILE_REJECTS);
	printf("\n");
	fflush(stdout);
	if (rc < 0)
		fprintf(stderr, "%s: %s\n", progname(), err.msg);
	batch_release(&b);
	return rc;
}

int cmd_inspect(int argc, char **argv)
{
	struct inspect in;
	struct date start, today;
	time_t t = time(NULL);
	struct tm tm;
	int a, rc = EXIT_OK;

	memset(&in, 0, sizeof(in));
	in.kind = KIND_ROSTER;
	in.rows = 5;
	in.s.o.max_rejects = -1;
	cmd_parse(&inspect_def, argc, argv, inspect_opt, &in, &in.s.a);
	if (!in.s.a.nargs)
		usage_error("no FILE to inspect");
	if (!in.s.o.period) {
		localtime_r(&t, &tm);
		in.s.o.period = tm.tm_year + 1900;
	}
	pipeline_dates(&in.s.o, &start, &today);
	stage_batch(&in.s); /* the reference tables */
	for (a = 0; a < in.s.a.nargs; a++) {
		struct etl_err err = { { 0 } };

		if (input_add(&in.s.o, in.kind, in.s.a.args[a], in.s.encoding,
			      &err) < 0)
			usage_error("%s", err.msg);
	}
	for (a = 0; a < (int)in.s.o.ninputs; a++)
		if (inspect_file(&in, &in.s.o.inputs[a], &start, &today) < 0)
			rc = EXIT_FAIL;
	stage_release(&in.s);
	return rc;
}
