/*
 * doisoat dedup: read a normalised row stream and find who is who (spec
 * §4): every row gets its person key, identical duplicates within a source
 * are marked merged, unbelievable or conflicting rows are set aside with
 * their review reason.  Writes the same rows, keyed, then the leads of
 * rejected rows it was given (stream.h).
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

static const struct cmd_def dedup_def = {
	.prog = "doisoat dedup",
	.takes_args = 1,
	.usage = usage_str,
	.options = { OPT_GROUPS, OPT_OUT },
};

int cmd_dedup(int argc, char **argv)
{
	struct stage s;
	struct strbuf sb;
	FILE *out;
	size_t i;

	stage_parse(&s, &dedup_def, argc, argv);
	s.o.period = 2000; /* the period does not change a key */
	stage_batch(&s);
	stage_read_rows(&s);
	identity_run(&s.b);
	sb_init(&sb, 0);
	out = stage_open(s.o.out, "w");
	for (i = 0; i < s.b.nrecs; i++)
		stream_write_rec(&sb, out, &s.b, &s.b.recs[i]);
	for (i = 0; i < s.b.nleads; i++) /* for diff's rule 3 */
		stream_write_lead(&sb, out, s.b.srcs[s.b.leads[i].src].label,
				  &s.b.leads[i]);
	stage_close(out, s.o.out);
	logmsg("%zu rows, %zu people, %zu set aside for review", s.b.nrecs,
	       s.b.npeople, s.b.nreviews);
	sb_release(&sb);
	stage_release(&s);
	return EXIT_OK;
}
