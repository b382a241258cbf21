/*
 * stream.h: the row stream the stage commands pass along (COPY text).
 * Each line is one input row:
 *
 *   kind, source, line, <the 22 fields of fields.h in order>,
 *   sex_checkbox, flags, person_key, state, reason, raw
 *
 * `ingest` writes raw cell values, leaves flags to reason \N and carries
 * the input line as read in raw (for rejects.csv); `normalise`
 * writes the canonical values; `dedup` fills the person key, the row's
 * state (ok, merged, aside) and the review reason of rows set aside.
 * Reading a stream normalises every row again: canonical values come
 * back unchanged, so one reader serves every stage.
 *
 * A line whose state is `lead` is no row: it is the lead (rec.h) of a
 * rejected roster row, whose reject went to the reject stream.  Its cells
 * are the IDs, name, date of birth and commune the row still gave (the
 * others \N), its reason the reject's; `ingest` writes those of lines it
 * could not split, `normalise` those of rows it rejects, and every stage
 * passes them on.  Streams without lead lines read as before.
 */
#ifndef DOISOAT_STREAM_H
#define DOISOAT_STREAM_H

#include "rec.h"

#include <stdio.h>

#define STREAM_NCOLS (3 + F_NFIELDS + 6)
/*
 * A stream written before the wage and months fields (F_WAGE, F_MONTHS,
 * the last two) has two columns fewer; it reads as rows without them.
 */
#define STREAM_NCOLS_V1 (STREAM_NCOLS - 2)
_Static_assert(F_WAGE == F_NFIELDS - 2 && F_MONTHS == F_NFIELDS - 1,
	       "STREAM_NCOLS_V1: wage and months are the last fields");

/* Write one row of raw cells (NULL: column absent) and its input line. */
void stream_write_raw(struct strbuf *sb, FILE *f, enum kind kind,
		      const char *label, unsigned long line,
		      const char *const raw[F_NFIELDS], int sex_checkbox,
		      const char *line_text);
/* Write one normalised row of the batch. */
void stream_write_rec(struct strbuf *sb, FILE *f, const struct batch *b,
		      const struct rec *r);
/* Write a reject as COPY text: source, line, reason, raw. */
void stream_write_reject(struct strbuf *sb, FILE *f, const char *label,
			 unsigned long line, enum reason reason,
			 const char *raw);

/* Write the lead l of a rejected row of source label. */
void stream_write_lead(struct strbuf *sb, FILE *f, const char *label,
		       const struct lead *l);
/*
 * Write the leads of a line of source label the reader could not split
 * (rec_line_leads); none unless kind is a roster.
 */
void stream_write_line_leads(struct strbuf *sb, FILE *f, enum kind kind,
			     const char *label, unsigned long line,
			     enum reason why, const char *raw, size_t n);

/*
 * Read a row stream into b: every row is normalised (rejects go to b's
 * reject notes, and what they still yield to its leads, as lead lines
 * do); key, state and reason are restored when present.
 * Returns 0, or -1 with err naming the stream and line.
 */
int stream_read(struct batch *b, FILE *f, const char *name,
		struct etl_err *err);
/*
 * The same, handing each row to each() instead of keeping it: r is the
 * normalised row (src and line set), or NULL for a rejected one (why,
 * text: the input line; lead: what it still yields, or NULL) and for a
 * lead line (why R_NONE, text NULL, lead set).  Leads have src, line and
 * reason set; their strings are in b.  each may release and re-initialise
 * b (to keep memory flat): the reader touches b again only for the next
 * row.
 */
typedef void stream_row_fn(void *ctx, struct batch *b, const struct rec *r,
			   const struct lead *lead, unsigned src,
			   unsigned long line, enum reason why,
			   const char *text);
int stream_read_each(struct batch *b, FILE *f, const char *name,
		     stream_row_fn *each, void *ctx, struct etl_err *err);

/* Source index of (kind, label), registering it when new. */
unsigned batch_source(struct batch *b, enum kind kind, const char *label);

#endif
