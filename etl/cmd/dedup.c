/*
 * doisoat dedup: read a normalised row stream and find who is who (spec
 * §4): every row gets its person key, identical duplicates within a source
 * are marked merged, unbelievable or conflicting rows are set aside with
 * their review reason.  Writes the same rows, keyed.
 */
#include "doisoat.h"
#include "identity.h"
#include "stage.h"
#include "stream.h"

#include <string.h>

static const char usage_str[] =
	"usage: doisoat dedup [--groups FILE] [--out FILE] [INPUT...]\n"
	"Key and deduplicate a normalised row stream (stdin or INPUT).\n";

int cmd_dedup(int argc, char **argv)
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

	set_progname("doisoat dedup");
	if (argc > 1 && !strcmp(argv[1], "--help")) {
		fputs(usage_str, stdout);
		return EXIT_OK;
	}
	parse_run_opts(argc, argv, &o, "dedup");
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
	identity_run(&b);
	sb_init(&sb, 0);
	out = stage_open(o.out, "w");
	for (i = 0; i < b.nrecs; i++)
		stream_write_rec(&sb, out, &b, &b.recs[i]);
	stage_close(out, o.out);
	logmsg("%zu rows, %zu people, %zu set aside for review", b.nrecs,
	       b.npeople, b.nreviews);
	sb_release(&sb);
	batch_release(&b);
	ref_release(&ref);
	return EXIT_OK;
}
