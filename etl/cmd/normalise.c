/*
 * doisoat normalise: read a row stream of raw cells (from ingest) and write
 * it back with every value in its canonical form (rules.md R3): IDs, names,
 * dates, sex, codes.  Rows that cannot be normalised go to --rejects, and
 * what such a roster row still yields (its lead, stream.h) to the rows.
 */
#include "doisoat.h"
#include "stage.h"
#include "stream.h"

#include <string.h>

static const char usage_str[] =
	"usage: doisoat normalise [--groups FILE] [--today DATE]\n"
	"                         [--rejects FILE] [--max-rejects N]\n"
	"                         [--out FILE] [--quiet] [INPUT...]\n"
	"Normalise a row stream (stdin or INPUT files) to --out, else stdout;\n"
	"rejected rows as a reject stream to --rejects.  Exit 3 when more\n"
	"rows are rejected than --max-rejects.\n";

/* Where each normalised row goes, and the batch renewed now and then. */
struct sink {
	struct strbuf sb;
	FILE *out, *rej;
	struct batch *b;
	unsigned long rows, rejected, since_reset;
};

/* Rows held before the batch (and its strings) is renewed. */
#define NORMALISE_CHUNK 65536

static void write_row(void *ctx, struct batch *b, const struct rec *r,
		      const struct lead *lead, unsigned src, unsigned long line,
		      enum reason why, const char *text)
{
	struct sink *k = ctx;

	if (!r && why != R_NONE) {
		k->rejected++;
		if (k->rej)
			stream_write_reject(&k->sb, k->rej, b->srcs[src].label,
					    line, why, text);
	}
	/* what a rejected row still yields goes on with the rows (rule 3) */
	if (lead)
		stream_write_lead(&k->sb, k->out, b->srcs[src].label, lead);
	if (r) {
		k->rows++;
		stream_write_rec(&k->sb, k->out, b, r);
	}
	/* the rows are written: their strings need not stay */
	if (++k->since_reset == NORMALISE_CHUNK) {
		struct ref *ref = b->ref;
		int period = b->period;
		struct date start = b->period_start, today = b->today;

		batch_release(b);
		batch_init(b, ref, period, &start, &today);
		k->since_reset = 0;
	}
}

/* One input stream: every row to the sink. */
static void normalise_input(void *ctx, FILE *in, const char *name)
{
	struct sink *k = ctx;
	struct etl_err err = { "" };

	if (stream_read_each(k->b, in, name, write_row, k, &err) < 0)
		die("%s", err.msg);
}

static const struct cmd_def normalise_def = {
	.prog = "doisoat normalise",
	.takes_args = 1,
	.usage = usage_str,
	.options = { OPT_GROUPS, OPT_TODAY, OPT_REJECTS, OPT_MAX_REJECTS,
		     OPT_OUT },
};

int cmd_normalise(int argc, char **argv)
{
	struct stage s;
	struct sink k;
	int rc;

	stage_parse(&s, &normalise_def, argc, argv);
	s.o.period = 2000; /* the period does not change a row */
	stage_batch(&s);
	memset(&k, 0, sizeof(k));
	k.b = &s.b;
	sb_init(&k.sb, 0);
	k.out = stage_open(s.o.out, "w");
	k.rej = s.o.nrejects ? stage_open(s.o.rejects[0], "w") : NULL;
	stage_each_input(&s, normalise_input, &k);
	stage_close(k.out, s.o.out);
	if (k.rej)
		stage_close(k.rej, s.o.rejects[0]);
	logmsg("%lu rows normalised, %lu rejected", k.rows, k.rejected);
	rc = stage_rejects_code(&s, k.rejected);
	sb_release(&k.sb);
	stage_release(&s);
	return rc;
}
