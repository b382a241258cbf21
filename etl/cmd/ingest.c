/*
 * doisoat ingest: read input files (plain or gzip; CSV or TSV; any of the
 * supported encodings; .xlsx and .xls workbooks, every sheet), find and
 * map their headers to the canonical fields and
 * write one raw row per record as a row stream (stream.h).  Records the
 * reader cannot use go to --rejects.
 */
#include "doisoat.h"
#include "csvin.h"
#include "hdrpick.h"
#include "stage.h"
#include "stream.h"
#include "xlsin.h"
#include "xlsxin.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char usage_str[] =
	"usage: doisoat ingest [--prior FILE]... [--registry FILE]...\n"
	"                      [--roster "
	"FILE[=LABEL][,commune=CODE][,group=GROUP]]...\n"
	"                      [--encoding ENC]\n"
	"                      [--rejects FILE] [--max-rejects N]\n"
	"                      [--out FILE] [--quiet]\n"
	"Write the rows of the input files as a row stream (--out, else\n"
	"stdout); rejected rows as a reject stream to --rejects, which ends\n"
	"with each file's count of rows (for report's summary.json).  Exit 3\n"
	"when more rows are rejected than --max-rejects.\n";

struct ingest_ctx {
	const struct input *in;
	struct colmap map;
	struct hdrpick pick;
	int workbook;
	struct strbuf sb;
	FILE *out, *rej;
	unsigned long rows, rejected;
	unsigned long file_rejects; /* of the file being read */
};

static int on_header(void *ctx, const struct csvin_row *row,
		     struct etl_err *err)
{
	struct ingest_ctx *c = ctx;

	if (!c->workbook && !hdrpick_try(&c->pick, row->nfields, row->fields,
					 row->lens, row->line)) {
		hdrpick_fail(&c->pick, c->in->path, err);
		return c->pick.tried >= HDRPICK_ROWS ? -1 : 1;
	}
	c->map = c->pick.map;
	return 0;
}

/* A workbook's header chooser: the picker run uses too. */
static int is_header(void *ctx, const struct csvin_row *row)
{
	struct ingest_ctx *c = ctx;

	return hdrpick_try(&c->pick, row->nfields, row->fields, row->lens,
			   row->line);
}

/* Each sheet looks for its own header. */
static void on_sheet(void *ctx, const struct xlsxin_sheet *sheet)
{
	struct ingest_ctx *c = ctx;

	(void)sheet;
	hdrpick_release(&c->pick);
	hdrpick_init(&c->pick, c->in->kind,
		     rec_defaults_given(c->in->commune, c->in->group));
}

/* Read one input, CSV or workbook by its magic bytes. */
static int read_input(struct ingest_ctx *c, const struct csvin_cb *cb,
		      struct csvin_stats *st, struct etl_err *err)
{
	struct csvin_opts copts = { 0 };
	struct xlsxin_opts xo = { 0 };
	struct xlsxin_stats xst;
	struct stat sb;
	int rc, xlsx = 0;

	hdrpick_init(&c->pick, c->in->kind,
		     rec_defaults_given(c->in->commune, c->in->group));
	/* only a regular file is sniffed: a pipe's bytes would be lost */
	c->workbook = stat(c->in->path, &sb) == 0 && S_ISREG(sb.st_mode) &&
		      ((xlsx = xlsxin_sniff(c->in->path) == 1) ||
		       xlsin_sniff(c->in->path) == 1);
	if (!c->workbook) {
		copts.encoding = c->in->encoding;
		rc = csvin_read(c->in->path, &copts, cb, st, err);
	} else {
		xo.on_sheet = on_sheet;
		xo.is_header = is_header;
		xo.max_title = HDRPICK_ROWS;
		rc = xlsx ? xlsxin_read(c->in->path, &xo, cb, &xst, err)
			  : xlsin_read(c->in->path, &xo, cb, &xst, err);
		*st = xst.base;
	}
	hdrpick_release(&c->pick);
	return rc;
}

static void on_row(void *ctx, const struct csvin_row *row)
{
	struct ingest_ctx *c = ctx;
	const char *raw[F_NFIELDS];
	int f;

	/* rules.md R2.10: sub-header, numbering and footer rows */
	switch (hdrpick_row(&c->pick, row->nfields, row->fields, row->lens,
			    row->line)) {
	case HDR_ROW_SUBHEADER:
		c->map = c->pick.map;
		return;
	case HDR_ROW_DATA:
		break;
	default:
		return;
	}
	for (f = 0; f < F_NFIELDS; f++)
		raw[f] = c->map.col[f] >= 0 ? row->fields[c->map.col[f]] : NULL;
	rec_fill_defaults(raw, c->in->commune, c->in->group);
	stream_write_raw(&c->sb, c->out, c->in->kind, c->in->label, row->line,
			 raw, c->map.sex_checkbox, row->raw);
	c->rows++;
}

static void on_reject(void *ctx, unsigned long line, const char *reason,
		      const char *detail, const char *raw, size_t n)
{
	struct ingest_ctx *c = ctx;
	char *copy = xstrndup(raw, n);

	hdrpick_row_rejected(&c->pick);
	if (c->file_rejects++ < REJECT_MESSAGES)
		warn("'%s':%lu: row rejected (%s): %s", c->in->path, line,
		     reason, detail);
	if (c->rej)
		stream_write_reject(&c->sb, c->rej, c->in->label, line,
				    reason_parse(reason), copy);
	stream_write_line_leads(&c->sb, c->out, c->in->kind, c->in->label, line,
				reason_parse(reason), raw, n);
	free(copy);
	c->rejected++;
}

static const struct cmd_def ingest_def = {
	.prog = "doisoat ingest",
	.usage = usage_str,
	.options = { OPT_PRIOR, OPT_REGISTRY, OPT_ROSTER, OPT_ENCODING,
		     OPT_REJECTS, OPT_MAX_REJECTS, OPT_OUT },
};

int cmd_ingest(int argc, char **argv)
{
	struct stage s;
	struct ingest_ctx c;
	struct csvin_cb cb = { on_header, on_row, on_reject, &c };
	struct etl_err err = { "" };
	const struct run_opts *o = &s.o;
	size_t i, k;
	int rc;

	stage_parse(&s, &ingest_def, argc, argv);
	if (!o->ninputs)
		usage_error("no input: --prior, --registry or --roster");
	memset(&c, 0, sizeof(c));
	sb_init(&c.sb, 0);
	c.out = stage_open(o->out, "w");
	c.rej = o->nrejects ? stage_open(o->rejects[0], "w") : NULL;
	/* In kind order, as `doisoat run` reads them. */
	for (k = 0; k < KIND_N * o->ninputs; k++) {
		struct csvin_stats st;

		i = k % o->ninputs;
		if ((int)o->inputs[i].kind != (int)(k / o->ninputs))
			continue;
		c.in = &o->inputs[i];
		c.file_rejects = 0;
		if (read_input(&c, &cb, &st, &err) < 0)
			die("%s", err.msg);
		if (c.file_rejects > REJECT_MESSAGES)
			warn("'%s': %lu rows rejected in all (see the reject "
			     "stream)",
			     c.in->path, c.file_rejects);
		logmsg("read '%s': %lu rows (%s, %s)", c.in->label, c.rows,
		       st.gzip ? "gzip" : "plain", st.encoding);
		if (c.rej) /* for report's summary.json (stage.h) */
			stage_census_read(&c.sb, c.rej, c.in->kind, c.in->label,
					  c.rows + c.file_rejects);
		c.rows = 0;
	}
	stage_close(c.out, o->out);
	if (c.rej)
		stage_close(c.rej, o->rejects[0]);
	sb_release(&c.sb);
	rc = stage_rejects_code(&s, c.rejected);
	stage_release(&s);
	return rc;
}
