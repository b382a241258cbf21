/*
 * summary.c: summary.json (see summary.h).  Written by hand with a strbuf:
 * every value is a number or a string we escape, so no JSON library.
 */
#include "summary.h"
#include "doisoat.h"
#include "ref.h"
#include "xlsxin.h"

#include <string.h>

static void json_str(struct strbuf *sb, const char *s)
{
	sb_addc(sb, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			sb_addf(sb, "\\%c", c);
		else if (c < 0x20)
			sb_addf(sb, "\\u%04x", c);
		else
			sb_addc(sb, (char)c);
	}
	sb_addc(sb, '"');
}

/* "name": {"REASON": n, ...} with only the nonzero counts */
static void json_counts(struct strbuf *sb, const char *name,
			const unsigned long *by, int n, int is_flags)
{
	int i, first = 1;

	sb_addf(sb, "\"%s\": {", name);
	for (i = 0; i < n; i++) {
		if (!by[i])
			continue;
		sb_addf(sb, "%s\"%s\": %lu", first ? "" : ", ",
			is_flags ? nf_name((unsigned)i)
				 : reason_name((enum reason)i),
			by[i]);
		first = 0;
	}
	sb_adds(sb, "}");
}

/* One table's header and mapping: header text -> field, or null. */
static void json_table(struct strbuf *sb, const struct sheet *t)
{
	int i;

	sb_adds(sb, "{\"sheet\": ");
	if (t->name)
		json_str(sb, t->name);
	else
		sb_adds(sb, "null");
	sb_addf(sb, ", \"status\": \"%s\"", xlsxin_status_name(t->status));
	if (t->why) {
		sb_adds(sb, ", \"why\": ");
		json_str(sb, t->why);
	}
	sb_addf(sb,
		", \"header_row\": %lu, \"header_rows\": %d, "
		"\"title_rows\": %lu, \"numbering_rows\": %lu, "
		"\"footer_rows\": %lu, \"columns\": [",
		t->header_line, t->header_rows, t->title, t->numbering,
		t->footer);
	for (i = 0; i < t->ncols; i++) {
		int f = t->field[i];

		sb_adds(sb, i ? ", {\"header\": " : "{\"header\": ");
		json_str(sb, t->header[i]);
		if (f < 0)
			sb_adds(sb, ", \"field\": null}");
		else
			sb_addf(sb, ", \"field\": \"%s\"%s}",
				field_name(f == F_SEX_CHECKBOX ? F_SEX
							       : (enum field)f),
				f == F_SEX_CHECKBOX ? ", \"checkbox\": true"
						    : "");
	}
	sb_adds(sb, "]}");
}

/* "format" and "tables": how a file was read and each column's field. */
static void json_mapping(struct strbuf *sb, const struct source *s)
{
	unsigned i;

	sb_addf(sb, ",\n     \"format\": \"%s\", \"tables\": [",
		s->format ? s->format : "csv");
	for (i = 0; i < s->nsheets; i++) {
		sb_adds(sb, i ? ",\n       " : "\n       ");
		json_table(sb, &s->sheets[i]);
	}
	sb_adds(sb, "]");
}

/*
 * "defaults": a roster's per-file commune and group (rules.md R1.2) and
 * how many rows took each; nothing when the file has none.
 */
static void json_defaults(struct strbuf *sb, const struct source *s)
{
	const char *v[2] = { s->def_commune, s->def_group };
	static const char *const name[2] = { "commune", "group" };
	int i, first = 1;

	if (!v[0] && !v[1])
		return;
	sb_adds(sb, ",\n     \"defaults\": {");
	for (i = 0; i < 2; i++) {
		if (!v[i])
			continue;
		sb_addf(sb, "%s\"%s\": ", first ? "" : ", ", name[i]);
		json_str(sb, v[i]);
		sb_addf(sb, ", \"rows_with_default_%s\": %lu", name[i],
			s->from_file[i]);
		first = 0;
	}
	sb_adds(sb, "}");
}

/*
 * "noted": what identity counted without acting on it (enum noted), only
 * the nonzero counts; nothing when all are zero.
 */
static void json_noted(struct strbuf *sb, const struct source *s)
{
	static const char *const name[NOTED_N] = {
		[NOTED_DUP_SEX] = "duplicate_rows_differ_in_sex",
		[NOTED_DUP_HOSPITAL] = "duplicate_rows_differ_in_hospital",
		[NOTED_DOB_VS_REGISTRY] = "birth_date_differs_from_registry",
		[NOTED_SEX_VS_REGISTRY] = "sex_differs_from_registry",
	};
	int i, first = 1;

	for (i = 0; i < NOTED_N; i++) {
		if (!s->noted[i])
			continue;
		sb_addf(sb, "%s\"%s\": %lu",
			first ? ",\n     \"noted\": {" : ", ", name[i],
			s->noted[i]);
		first = 0;
	}
	if (!first)
		sb_adds(sb, "}");
}

static void json_source(struct strbuf *sb, const struct source *s)
{
	unsigned long review = 0;
	int i;

	for (i = 0; i < R_N; i++)
		review += s->review_by[i];
	sb_adds(sb, "    {\"source\": ");
	json_str(sb, s->label);
	sb_addf(sb, ", \"kind\": \"%s\", \"path\": ", kind_name(s->kind));
	json_str(sb, s->path);
	sb_addf(sb,
		", \"bytes\": %llu, \"xxh3\": \"%016llx\", \"gzip\": %s, "
		"\"encoding\": \"%s\", \"delimiter\": \"%s\",\n"
		"     \"lines\": %lu, \"blank_lines\": %lu, \"rows_read\": "
		"%lu, \"accepted\": %lu, \"rejected\": %lu, "
		"\"duplicates_merged\": %lu, \"matched_by_demographics\": %lu, "
		"\"sent_to_review\": %lu,\n     ",
		(unsigned long long)s->bytes, (unsigned long long)s->xxh3,
		s->gzip ? "true" : "false", s->encoding_used,
		s->delim == '\t'  ? "\\t"
		: s->delim == ';' ? ";"
				  : ",",
		s->lines, s->blank, s->rows_read, s->accepted, s->rejected,
		s->merged, s->matched_by_demographics, review);
	json_counts(sb, "rejected_by_reason", s->rejected_by, R_N, 0);
	sb_adds(sb, ",\n     ");
	json_counts(sb, "review_by_reason", s->review_by, R_N, 0);
	sb_adds(sb, ",\n     ");
	json_counts(sb, "repaired", s->repaired, NF_COUNT, 1);
	json_defaults(sb, s);
	json_noted(sb, s);
	json_mapping(sb, s);
	sb_addf(sb, ", \"seconds\": %.3f}", s->seconds);
}

/* The list whose file is name, or -1. */
static int list_of(const char *name)
{
	int l;

	for (l = 0; l < L_N; l++)
		if (!strcmp(list_file((enum list)l), name))
			return l;
	return -1;
}

/* "outputs": rows per list file */
static void json_outputs(struct strbuf *sb, const struct outputs *o)
{
	int l;

	sb_adds(sb, "  \"outputs\": {");
	for (l = 0; l < L_N; l++)
		sb_addf(sb, "%s\"%s\": %zu", l ? ", " : "",
			list_file((enum list)l), o->lists[l].n);
	sb_adds(sb, "},\n");
}

/* "files": every other file of the folder, one a line, sorted by name */
static void json_files(struct strbuf *sb, const struct outputs *o,
		       const struct outdir *od)
{
	size_t i;
	int l;

	sb_adds(sb, "  \"files\": [\n");
	for (i = 0; i < od->nfiles; i++) {
		const struct outdir_file *f = &od->files[i];

		sb_adds(sb, "    {\"name\": ");
		json_str(sb, f->name);
		sb_addf(sb, ", \"bytes\": %llu", f->bytes);
		if ((l = list_of(f->name)) >= 0)
			sb_addf(sb, ", \"rows\": %zu", o->lists[l].n);
		sb_addf(sb, ", \"xxh3\": \"%016llx\"}%s\n",
			(unsigned long long)f->xxh3,
			i + 1 < od->nfiles ? "," : "");
	}
	sb_adds(sb, "  ],\n");
}

/* "outcomes": rows per list and reason (a count for renew, uninsured) */
static void json_outcomes(struct strbuf *sb, const struct outputs *o)
{
	int l;

	sb_adds(sb, "  \"outcomes\": {\n");
	for (l = 0; l < L_COVERAGE; l++) {
		char name[32];

		snprintf(name, sizeof(name), "%s", list_file((enum list)l));
		*strchr(name, '.') = '\0';
		sb_adds(sb, "    ");
		if (l == L_RENEW || l == L_UNINSURED)
			sb_addf(sb, "\"%s\": %zu", name, o->lists[l].n);
		else
			json_counts(sb, name, o->lists[l].by_reason, R_N, 0);
		sb_adds(sb, l + 1 < L_COVERAGE ? ",\n" : "\n");
	}
	sb_adds(sb, "  }");
}

/*
 * "scope": the communes the run is responsible for, sorted (its --scope
 * file, else the communes of its registry rows): what `doisoat load` keys
 * its results by (rules.md R10.1).
 */
static void json_scope(struct strbuf *sb, const struct ref *r)
{
	size_t i;

	if (!r || !r->scope)
		return;
	sb_adds(sb, "  \"scope\": {\"communes\": [");
	for (i = 0; i < r->nscope; i++) {
		if (i)
			sb_adds(sb, i % 10 ? ", " : ",\n    ");
		json_str(sb, r->scope[i]);
	}
	sb_adds(sb, "]},\n");
}

/*
 * The text up to "outputs": version, period, exit code, inputs, people,
 * flags, scope.
 */
static void summary_head(struct strbuf *sb, const struct batch *b,
			 int exit_code)
{
	char start[11];
	unsigned long dup = 0, demog = 0;
	size_t i;

	date_format(&b->period_start, start);
	sb_addf(sb,
		"{\n  \"doisoat_version\": \"%s\",\n  \"period\": %d,\n"
		"  \"period_start\": \"%s\",\n  \"exit_code\": %d,\n"
		"  \"inputs\": [\n",
		DOISOAT_VERSION, b->period, start, exit_code);
	for (i = 0; i < b->nsrcs; i++) {
		json_source(sb, &b->srcs[i]);
		sb_adds(sb, i + 1 < b->nsrcs ? ",\n" : "\n");
		dup += b->srcs[i].merged;
		demog += b->srcs[i].matched_by_demographics;
	}
	sb_addf(sb, "  ],\n  \"people\": %zu,\n", b->npeople);
	sb_addf(sb,
		"  \"flags\": {\"DUPLICATE_ROW\": %lu, "
		"\"MATCHED_BY_DEMOGRAPHICS\": %lu},\n",
		dup, demog);
	json_scope(sb, b->ref);
}

/* The text from "outputs" on; "files" from od when it is given. */
static void summary_tail(struct strbuf *sb, const struct outputs *o,
			 const struct timings *t, const struct outdir *od)
{
	json_outputs(sb, o);
	if (od)
		json_files(sb, o, od);
	json_outcomes(sb, o);
	sb_addf(sb,
		",\n  \"timings\": {\"read\": %.3f, \"identity\": %.3f, "
		"\"classify\": %.3f, \"write\": %.3f, \"workbooks\": %.3f, "
		"\"total\": %.3f}\n}\n",
		t->read, t->identity, t->classify, t->write, t->workbooks,
		t->total);
}

/* The whole text; extra (if any) before "outputs". */
static void summary_json(struct strbuf *sb, const struct batch *b,
			 const struct outputs *o, const struct timings *t,
			 int exit_code, const char *extra,
			 const struct outdir *od)
{
	summary_head(sb, b, exit_code);
	if (extra)
		sb_adds(sb, extra);
	summary_tail(sb, o, t, od);
}

int summary_write(const struct batch *b, const struct outputs *o,
		  const struct timings *t, int exit_code, const char *dir,
		  struct etl_err *err)
{
	struct strbuf sb;
	int rc;

	sb_init(&sb, 0);
	summary_json(&sb, b, o, t, exit_code, NULL, NULL);
	rc = write_file_atomic(dir, "summary.json", sb.buf, sb.len, err);
	sb_release(&sb);
	return rc;
}

int summary_write_outdir(const struct batch *b, const struct outputs *o,
			 const struct timings *t, int exit_code,
			 struct outdir *od, struct etl_err *err)
{
	return summary_write_outdir_with(b, o, t, exit_code, NULL, od, err);
}

int summary_write_outdir_with(const struct batch *b, const struct outputs *o,
			      const struct timings *t, int exit_code,
			      const char *extra, struct outdir *od,
			      struct etl_err *err)
{
	struct strbuf sb;
	int rc;

	if (outdir_manifest(od, err) < 0)
		return -1;
	sb_init(&sb, 0);
	summary_json(&sb, b, o, t, exit_code, extra, od);
	rc = write_file_atomic(od->stage, "summary.json", sb.buf, sb.len, err);
	sb_release(&sb);
	return rc;
}

int summary_write_merged(const char *head, size_t len, const struct outputs *o,
			 const struct timings *t, struct outdir *od,
			 struct etl_err *err)
{
	struct strbuf sb;
	int rc;

	if (outdir_manifest(od, err) < 0)
		return -1;
	sb_init(&sb, 0);
	sb_add(&sb, head, len);
	summary_tail(&sb, o, t, od);
	rc = write_file_atomic(od->stage, "summary.json", sb.buf, sb.len, err);
	sb_release(&sb);
	return rc;
}

int summary_write_files(const struct outputs *o, struct outdir *od,
			struct etl_err *err)
{
	struct strbuf sb;
	int rc;

	if (outdir_manifest(od, err) < 0)
		return -1;
	sb_init(&sb, 0);
	sb_addf(&sb, "{\n  \"doisoat_version\": \"%s\",\n", DOISOAT_VERSION);
	json_outputs(&sb, o);
	json_files(&sb, o, od);
	/* the last key of "files" ends with a comma: close the object */
	sb.len -= 2;
	sb_adds(&sb, "\n}\n");
	rc = write_file_atomic(od->stage, "summary.json", sb.buf, sb.len, err);
	sb_release(&sb);
	return rc;
}

/* One input of a staged pipe, as the inputs of a run are written. */
static void json_staged_input(struct strbuf *sb, const struct summary_input *in)
{
	sb_adds(sb, "    {\"source\": ");
	json_str(sb, in->source);
	if (in->has_kind)
		sb_addf(sb, ", \"kind\": \"%s\"", kind_name(in->kind));
	if (in->has_rows_read)
		sb_addf(sb, ", \"rows_read\": %lu", in->rows_read);
	sb_addf(sb, ", \"accepted\": %lu, \"rejected\": %lu,\n     ",
		in->accepted, in->rejected);
	json_counts(sb, "rejected_by_reason", in->rejected_by, R_N, 0);
	sb_adds(sb, "}");
}

int summary_write_staged(const struct outputs *o, int period,
			 const struct date *period_start,
			 const struct summary_input *in, size_t n,
			 struct outdir *od, struct etl_err *err)
{
	struct strbuf sb;
	char start[11];
	size_t i;
	int rc;

	if (outdir_manifest(od, err) < 0)
		return -1;
	date_format(period_start, start);
	sb_init(&sb, 0);
	sb_addf(&sb,
		"{\n  \"doisoat_version\": \"%s\",\n  \"period\": %d,\n"
		"  \"period_start\": \"%s\",\n  \"exit_code\": 0,\n"
		"  \"inputs\": [\n",
		DOISOAT_VERSION, period, start);
	for (i = 0; i < n; i++) {
		json_staged_input(&sb, &in[i]);
		sb_adds(&sb, i + 1 < n ? ",\n" : "\n");
	}
	sb_adds(&sb, "  ],\n");
	json_outputs(&sb, o);
	json_files(&sb, o, od);
	json_outcomes(&sb, o);
	sb_adds(&sb, "\n}\n");
	rc = write_file_atomic(od->stage, "summary.json", sb.buf, sb.len, err);
	sb_release(&sb);
	return rc;
}
