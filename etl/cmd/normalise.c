/*
 * doisoat normalise: read a row stream of raw cells (from ingest) and write
 * it back with every value in its canonical form (spec §3): IDs, names,
 * dates, sex, codes.  Rows that cannot be normalised go to --rejects.
 */
#include "doisoat.h"
#include "stage.h"
#include "stream.h"

#include <string.h>

static const char usage_str[] =
	"usage: doisoat normalise [--groups FILE] [--today DATE]\n"
	"                         [--rejects FILE] [--out FILE] [INPUT...]\n"
	"Normalise a row stream (stdin or INPUT files) to stdout.\n";

int cmd_normalise(int argc, char **argv)
{
	struct run_opts o;
	struct ref ref;
	struct batch b;
	struct etl_err err = { "" };
	struct strbuf sb;
	struct date start, today;
	FILE *out, *in;
	size_t i;
	int a;

	set_progname("doisoat normalise");
	if (argc > 1 && !strcmp(argv[1], "--help")) {
		fputs(usage_str, stdout);
		return EXIT_OK;
	}
	parse_run_opts(argc, argv, &o, "normalise");
	set_quiet(o.quiet);
	if (!o.period)
		o.period = 2000;
	pipeline_dates(&o, &start, &today);
	ref_init(&ref);
	if (pipeline_ref(&ref, &o, &err) < 0)
		die("%s", err.msg);
	batch_init(&b, &ref, o.period, &start, &today);
	for (a = 0; a < (o.nargs ? o.nargs : 1); a++) {
		const char *name = o.nargs ? o.args[a] : "-";

		in = stage_open(name, "r");
		if (stream_read(&b, in, name, &err) < 0)
			die("%s", err.msg);
		stage_close(in, name);
	}
	sb_init(&sb, 0);
	out = stage_open(o.out, "w");
	for (i = 0; i < b.nrecs; i++)
		stream_write_rec(&sb, out, &b, &b.recs[i]);
	stage_close(out, o.out);
	if (o.nrejects) {
		out = stage_open(o.rejects[0], "w");
		for (i = 0; i < b.nrejects; i++)
			stream_write_reject(&sb, out,
					    b.srcs[b.rejects[i].src].label,
					    b.rejects[i].line,
					    (enum reason)b.rejects[i].reason,
					    b.rejects[i].text);
		stage_close(out, o.rejects[0]);
	}
	logmsg("%zu rows normalised, %zu rejected", b.nrecs, b.nrejects);
	a = o.max_rejects >= 0 && b.nrejects > (size_t)o.max_rejects
		    ? EXIT_REJECTS
		    : EXIT_OK;
	sb_release(&sb);
	batch_release(&b);
	ref_release(&ref);
	return a;
}
