/*
 * doisoat report: read outcome rows (from diff) and the reject rows of
 * ingest and normalise, and write the lists of spec §6 into the output
 * folder: sorted, RFC 4180 CSV, mode 0600, each file renamed into place.
 */
#include "doisoat.h"
#include "d02lt.h"
#include "copytext.h"
#include "stage.h"
#include "stream.h"

#include <stdlib.h>
#include <string.h>

static const char usage_str[] =
	"usage: doisoat report --out DIR [--rejects FILE]... [--table]\n"
	"                      [--period YEAR [--groups FILE]] [INPUT...]\n"
	"Write the CSV lists from outcome rows (stdin or INPUT) into DIR;\n"
	"with --period, the D02-LT workbook d02lt.xlsx too.\n";

static int list_by_name(const char *name)
{
	int l;

	for (l = 0; l < L_N; l++) {
		const char *f = list_file((enum list)l);

		if (!strncmp(f, name, strlen(name)) &&
		    f[strlen(name)] == '.')
			return l;
	}
	return -1;
}

static void read_outcomes(struct outputs *o, FILE *f, const char *name)
{
	struct strbuf line;
	char *fl[4 + COV_NCOLS];
	unsigned long n = 0;
	int got;

	sb_init(&line, 1 << 24);
	while ((got = copy_read_line(f, &line)) > 0) {
		int nf, l;

		n++;
		nf = copy_split(line.buf, fl, 4 + COV_NCOLS);
		l = nf >= 4 && fl[0] ? list_by_name(fl[0]) : -1;
		if (l < 0 || nf != 4 + list_ncols((enum list)l) || !fl[2])
			die("'%s':%lu: not an outcome row", name, n);
		out_add(o, (enum list)l, fl[1],
			strtoull(fl[2], NULL, 10),
			fl[3] ? reason_parse(fl[3]) : R_NONE,
			(const char *const *)(fl + 4));
	}
	if (got < 0)
		die("'%s':%lu: line too long", name, n + 1);
	sb_release(&line);
}

int cmd_report(int argc, char **argv)
{
	struct run_opts o;
	struct outputs out;
	struct etl_err err = { "" };
	FILE *f;
	int a;

	set_progname("doisoat report");
	if (argc > 1 && !strcmp(argv[1], "--help")) {
		fputs(usage_str, stdout);
		return EXIT_OK;
	}
	parse_run_opts(argc, argv, &o, "report");
	set_quiet(o.quiet);
	if (!o.out) {
		fputs(usage_str, stderr);
		return EXIT_USAGE;
	}
	outputs_init(&out);
	for (a = 0; a < (o.nargs ? o.nargs : 1); a++) {
		const char *name = o.nargs ? o.args[a] : "-";

		f = stage_open(name, "r");
		read_outcomes(&out, f, name);
		stage_close(f, name);
	}
	for (a = 0; a < o.nrejects; a++) {
		struct strbuf line;
		char *fl[5];
		int got;

		f = stage_open(o.rejects[a], "r");
		sb_init(&line, 1 << 24);
		while ((got = copy_read_line(f, &line)) > 0) {
			const char *cells[4];

			if (copy_split(line.buf, fl, 5) != 4 || !fl[0] ||
			    !fl[1] || !fl[2])
				die("'%s': not a reject stream", o.rejects[a]);
			cells[0] = fl[0];
			cells[1] = fl[1];
			cells[2] = fl[2];
			cells[3] = fl[3];
			out_add(&out, L_REJECTS, fl[0],
				strtoull(fl[1], NULL, 10), reason_parse(fl[2]),
				cells);
		}
		sb_release(&line);
		stage_close(f, o.rejects[a]);
	}
	if (make_out_dir(o.out, &err) < 0 ||
	    out_write_all(&out, o.out, &err) < 0)
		die("%s", err.msg);
	/* The workbook names the period and the communes: --period. */
	if (o.period) {
		struct ref ref;
		struct batch b;
		struct date start, today;

		pipeline_dates(&o, &start, &today);
		ref_init(&ref);
		if (pipeline_ref(&ref, &o, &err) < 0)
			die("%s", err.msg);
		batch_init(&b, &ref, o.period, &start, &today);
		if (d02lt_write(&out, &b, o.out, &err) < 0)
			die("%s", err.msg);
		batch_release(&b);
		ref_release(&ref);
	}
	if (o.table)
		print_coverage(&out, stdout);
	outputs_release(&out);
	return EXIT_OK;
}
