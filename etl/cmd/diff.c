/*
 * doisoat diff: read a keyed row stream (from dedup), classify every
 * person against last year's cards (rules.md R5, R6) and write the outcome rows:
 * one line per row of increase, decrease, change, renew, uninsured, review
 * and coverage, as COPY text:  list, sort_commune, sort_key, reason, cells.
 */
#include "doisoat.h"
#include "classify.h"
#include "copytext.h"
#include "identity.h"
#include "stage.h"
#include "stream.h"

#include <string.h>

static const char usage_str[] =
	"usage: doisoat diff --period YEAR [--as-of DATE] [--areas FILE]\n"
	"                    [--scope FILE] [--targets FILE] [--groups FILE]\n"
	"                    [--out FILE] [--quiet] [INPUT...]\n"
	"Classify a keyed row stream (stdin or INPUT); outcome rows to --out,\n"
	"else stdout, then a count of the rows of each input file.\n";

/* The outcome rows of every list, as COPY text. */
static void write_outcomes(const struct outputs *o, FILE *f)
{
	struct strbuf sb;
	char name[32], key[24];
	size_t r;
	int l, i;

	sb_init(&sb, 0);
	for (l = 0; l < L_N; l++) {
		const struct outlist *ol = &o->lists[l];

		snprintf(name, sizeof(name), "%s", list_file((enum list)l));
		*strchr(name, '.') = '\0';
		for (r = 0; r < ol->n; r++) {
			const struct orow *row = &ol->rows[r];

			snprintf(key, sizeof(key), "%llu",
				 (unsigned long long)row->key);
			copy_field(&sb, name, 1);
			copy_field(&sb, row->commune, 0);
			copy_field(&sb, key, 0);
			copy_field(&sb, reason_name((enum reason)row->reason),
				   0);
			for (i = 0; i < list_ncols((enum list)l); i++)
				copy_field(&sb, orow_cell(row, i), 0);
			copy_end_row(&sb, f);
		}
	}
	sb_release(&sb);
}

/* The rows of each input that got here, for report (stage.h). */
static void write_census(const struct batch *b, FILE *f)
{
	struct strbuf sb;
	size_t i;

	sb_init(&sb, 0);
	for (i = 0; i < b->nsrcs; i++)
		stage_census_accepted(&sb, f, b->srcs[i].kind, b->srcs[i].label,
				      b->srcs[i].accepted);
	sb_release(&sb);
}

static const struct cmd_def diff_def = {
	.prog = "doisoat diff",
	.takes_args = 1,
	.usage = usage_str,
	.options = { OPT_PERIOD, OPT_AS_OF, OPT_AREAS, OPT_SCOPE, OPT_TARGETS,
		     OPT_GROUPS, OPT_OUT },
};

int cmd_diff(int argc, char **argv)
{
	struct stage s;
	struct batch *b = &s.b;
	struct outputs out;
	FILE *f;
	size_t i;

	stage_parse(&s, &diff_def, argc, argv);
	if (!s.o.period)
		usage_error("--period is required");
	stage_batch(&s);
	stage_read_rows(&s);
	/* Rows dedup set aside are review rows again here. */
	for (i = 0; i < b->nrecs; i++) {
		const struct rec *r = &b->recs[i];

		if (r->state == REC_ASIDE)
			batch_review(b, r, (enum reason)r->reason,
				     identity_detail((enum reason)r->reason,
						     (enum kind)r->kind));
	}
	pipeline_default_scope(b);
	identity_build_people(b);
	outputs_init(&out);
	classify_run(b, &out);
	out_add_notes(&out, b);
	out_add_coverage(&out, b);
	f = stage_open(s.o.out, "w");
	write_outcomes(&out, f);
	write_census(b, f);
	stage_close(f, s.o.out);
	outputs_release(&out);
	stage_release(&s);
	return EXIT_OK;
}
