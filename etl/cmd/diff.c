/*
 * doisoat diff: read a keyed row stream (from dedup), classify every
 * person against last year's cards (spec §5) and write the outcome rows:
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
	"                    [--out FILE] [INPUT...]\n"
	"Classify a keyed row stream (stdin or INPUT); outcome rows to stdout.\n";

void write_outcomes(const struct outputs *o, FILE *f);

void write_outcomes(const struct outputs *o, FILE *f)
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

int cmd_diff(int argc, char **argv)
{
	struct run_opts o;
	struct ref ref;
	struct batch b;
	struct outputs out;
	struct etl_err err = { "" };
	struct date start, today;
	FILE *f;
	size_t i;
	int a;

	set_progname("doisoat diff");
	if (argc > 1 && !strcmp(argv[1], "--help")) {
		fputs(usage_str, stdout);
		return EXIT_OK;
	}
	parse_run_opts(argc, argv, &o, "diff");
	set_quiet(o.quiet);
	if (!o.period) {
		fputs(usage_str, stderr);
		return EXIT_USAGE;
	}
	pipeline_dates(&o, &start, &today);
	ref_init(&ref);
	if (pipeline_ref(&ref, &o, &err) < 0)
		die("%s", err.msg);
	batch_init(&b, &ref, o.period, &start, &today);
	outputs_init(&out);
	for (a = 0; a < (o.nargs ? o.nargs : 1); a++) {
		const char *name = o.nargs ? o.args[a] : "-";

		f = stage_open(name, "r");
		if (stream_read(&b, f, name, &err) < 0)
			die("%s", err.msg);
		stage_close(f, name);
	}
	/* Rows dedup set aside are review rows again here. */
	for (i = 0; i < b.nrecs; i++) {
		const struct rec *r = &b.recs[i];

		if (r->state == REC_ASIDE)
			batch_review(&b, r, (enum reason)r->reason,
				     identity_detail((enum reason)r->reason,
						     (enum kind)r->kind));
	}
	pipeline_default_scope(&b);
	identity_build_people(&b);
	classify_run(&b, &out);
	out_add_notes(&out, &b);
	out_add_coverage(&out, &b);
	f = stage_open(o.out, "w");
	write_outcomes(&out, f);
	stage_close(f, o.out);
	outputs_release(&out);
	batch_release(&b);
	ref_release(&ref);
	return EXIT_OK;
}
