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
	"usage: doisoat dedup [--groups FILE] [--out FILE] [--quiet]\n"
	"                     [INPUT...]\n"
	"Key and deduplicate a normalised row stream (stdin or INPUT) to\n"
	"--out, else stdout.\n";

static const struct option options[] = {
	OPTION("groups", required_argument, OPT_GROUPS),
	OPTION("out", required_argument, OPT_OUT),
	OPTS_END,
};

static const struct cmd_def dedup_def = { "doisoat dedup", usage_str,
					  options, NULL, 1 };

int cmd_dedup(int argc, char **argv)
{
	struct stage s;
	struct ref ref;
	struct batch b;
	struct strbuf sb;
	FILE *out;
	size_t i;

	stage_parse(&s, &dedup_def, argc, argv);
	s.o.period = 2000;
	stage_batch(&s, &ref, &b);
	stage_read_rows(&s, &b);
	identity_run(&b);
	sb_init(&sb, 0);
	out = stage_open(s.o.out, "w");
	for (i = 0; i < b.nrecs; i++)
		stream_write_rec(&sb, out, &b, &b.recs[i]);
	stage_close(out, s.o.out);
	logmsg("%zu rows, %zu people, %zu set aside for review", b.nrecs,
	       b.npeople, b.nreviews);
	sb_release(&sb);
	batch_release(&b);
	ref_release(&ref);
	stage_release(&s);
	return EXIT_OK;
}
