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

/* Where each normalised row goes, and the batch renewed now and then. */
struct sink {
	struct strbuf sb;
	FILE *out, *rej;
	struct ref *ref;
	int period;
	struct date start, today;
	unsigned long rows, rejected, since_reset;
};

/* Rows held before the batch (and its strings) is renewed. */
#define NORMALISE_CHUNK 65536

static void write_row(void *ctx, struct batch *b, const struct rec *r,
		      unsigned src, unsigned long line, enum reason why,
		      const char *text)
{
	struct sink *k = ctx;

	if (!r) {
		k->rejected++;
		if (k->rej)
			stream_write_reject(&k->sb, k->rej, b->srcs[src].label,
					    line, why, text);
	} else {
		k->rows++;
		stream_write_rec(&k->sb, k->out, b, r);
	}
	/* the rows are written: their strings need not stay */
	if (++k->since_reset == NORMALISE_CHUNK) {
		batch_release(b);
		batch_init(b, k->ref, k->period, &k->start, &k->today);
		k->since_reset = 0;
	}
}

int cmd_normalise(int argc, char **argv)
{
	struct run_opts o;
	struct ref ref;
	struct batch b;
	struct etl_err err = { "" };
	struct sink k;
	FILE *in;
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
	memset(&k, 0, sizeof(k));
	pipeline_dates(&o, &k.start, &k.today);
	ref_init(&ref);
	if (pipeline_ref(&ref, &o, &err) < 0)
		die("%s", err.msg);
	k.ref = &ref;
	k.period = o.period;
	batch_init(&b, &ref, o.period, &k.start, &k.today);
	sb_init(&k.sb, 0);
	k.out = stage_open(o.out, "w");
	k.rej = o.nrejects ? stage_open(o.rejects[0], "w") : NULL;
	for (a = 0; a < (o.nargs ? o.nargs : 1); a++) {
		const char *name = o.nargs ? o.args[a] : "-";

		in = stage_open(name, "r");
		if (stream_read_each(&b, in, name, write_row, &k, &err) < 0)
			die("%s", err.msg);
		stage_close(in, name);
	}
	stage_close(k.out, o.out);
	if (k.rej)
		stage_close(k.rej, o.rejects[0]);
	logmsg("%lu rows normalised, %lu rejected", k.rows, k.rejected);
	a = o.max_rejects >= 0 && k.rejected > (unsigned long)o.max_rejects
		    ? EXIT_REJECTS
		    : EXIT_OK;
	sb_release(&k.sb);
	batch_release(&b);
	ref_release(&ref);
	return a;
}
