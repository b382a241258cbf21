/*
 * stream.c: reading and writing the row stream of the stage commands
 * (see stream.h).
 */
#include "stream.h"
#include "copytext.h"

#include <stdlib.h>
#include <string.h>

static const char *const state_names[] = { "ok", "merged", "aside" };
/* The state of a lead line (stream.h): no row. */
#define STATE_LEAD "lead"

unsigned batch_source(struct batch *b, enum kind kind, const char *label)
{
	size_t i;

	for (i = 0; i < b->nsrcs; i++)
		if (b->srcs[i].kind == kind && !strcmp(b->srcs[i].label, label))
			return (unsigned)i;
	label = arena_strdup(&b->arena, label);
	return batch_add_source(
		b,
		&(struct input){ .path = label, .label = label, .kind = kind });
}

static void head(struct strbuf *sb, enum kind kind, const char *label,
		 unsigned long line)
{
	char num[24];

	snprintf(num, sizeof(num), "%lu", line);
	copy_field(sb, kind_name(kind), 1);
	copy_field(sb, label, 0);
	copy_field(sb, num, 0);
}

void stream_write_raw(struct strbuf *sb, FILE *f, enum kind kind,
		      const char *label, unsigned long line,
		      const char *const raw[F_NFIELDS], int sex_checkbox,
		      const char *line_text)
{
	int i;

	head(sb, kind, label, line);
	for (i = 0; i < F_NFIELDS; i++)
		copy_field(sb, raw[i], 0);
	copy_field(sb, sex_checkbox ? "1" : "0", 0);
	for (i = 0; i < 4; i++)
		copy_field(sb, NULL, 0);
	copy_field(sb, line_text, 0);
	copy_end_row(sb, f);
}

static const char *status_text(int status)
{
	static const char *const s[] = { "alive", "dead", "missing", "moved" };

	return s[status];
}

static void schemes_text(unsigned schemes, char *out, size_t n)
{
	out[0] = '\0';
	if (schemes & SCHEME_BHYT)
		strncat(out, ",BHYT", n - strlen(out) - 1);
	if (schemes & SCHEME_BHXH)
		strncat(out, ",BHXH bắt buộc", n - strlen(out) - 1);
	if (schemes & SCHEME_BHXH_TN)
		strncat(out, ",BHXH tự nguyện", n - strlen(out) - 1);
	if (schemes & SCHEME_BHTN)
		strncat(out, ",BHTN", n - strlen(out) - 1);
	if (out[0])
		memmove(out, out + 1, strlen(out));
}

void stream_write_rec(struct strbuf *sb, FILE *f, const struct batch *b,
		      const struct rec *r)
{
	char pid[13], cmnd[13], bhxh[11], card[16], dob[11], sd[11],
		sex[2] = { (char)r->sex, 0 }, level[2] = { 0, 0 }, schemes[80],
		flags[8], key[24], wage[12], months[4];
	const char *cells[F_NFIELDS];

	fmt_pid(r->pid, pid);
	fmt_cmnd(r, cmnd);
	fmt_bhxh(r->bhxh, bhxh);
	fmt_card(r, card);
	date_format(&r->dob, dob);
	date_format(&r->status_date, sd);
	if (r->level)
		level[0] = (char)('0' + r->level);
	schemes_text(r->schemes, schemes, sizeof(schemes));
	cells[F_PERSON_ID] = pid;
	cells[F_CMND] = cmnd;
	cells[F_BHXH] = bhxh;
	cells[F_CARD] = card;
	cells[F_NAME] = r->name;
	cells[F_DOB] = dob;
	cells[F_SEX] = sex;
	cells[F_COMMUNE] = r->commune;
	cells[F_GROUP] =
		r->group == GROUP_NONE ? "" : b->ref->groups[r->group].code;
	cells[F_LEVEL] = level;
	cells[F_HOSPITAL] = r->hospital;
	cells[F_VALID_FROM] = NULL; /* read, not kept (rec.h) */
	cells[F_VALID_TO] = NULL;
	cells[F_FIVE_YEAR] = NULL;
	cells[F_ETHNICITY] = r->ethnicity;
	cells[F_HOUSEHOLD] = r->household;
	cells[F_STATUS] =
		r->kind == KIND_REGISTRY ? status_text(r->status) : NULL;
	cells[F_STATUS_DATE] = sd;
	cells[F_UNIT] = r->unit;
	cells[F_SCHEMES] = schemes;
	snprintf(wage, sizeof(wage), "%u", (unsigned)r->wage);
	snprintf(months, sizeof(months), "%u", (unsigned)r->months);
	cells[F_WAGE] = r->wage ? wage : NULL;
	cells[F_MONTHS] = r->months ? months : NULL;
	head(sb, (enum kind)r->kind, b->srcs[r->src].label, r->line);
	{
		int i;

		for (i = 0; i < F_NFIELDS; i++)
			copy_field(sb, cells[i], 0);
	}
	copy_field(sb, "0", 0);
	snprintf(flags, sizeof(flags), "%u", r->flags);
	copy_field(sb, flags, 0);
	if (r->key) {
		snprintf(key, sizeof(key), "%llu", (unsigned long long)r->key);
		copy_field(sb, key, 0);
		copy_field(sb, state_names[r->state], 0);
		copy_field(sb,
			   r->reason ? reason_name((enum reason)r->reason)
				     : NULL,
			   0);
	} else {
		copy_field(sb, NULL, 0);
		copy_field(sb, r->state ? state_names[r->state] : NULL, 0);
		copy_field(sb,
			   r->reason ? reason_name((enum reason)r->reason)
				     : NULL,
			   0);
	}
	copy_field(sb, NULL, 0); /* raw: only ingest carries it */
	copy_end_row(sb, f);
}

void stream_write_reject(struct strbuf *sb, FILE *f, const char *label,
			 unsigned long line, enum reason reason,
			 const char *raw)
{
	char num[24];

	snprintf(num, sizeof(num), "%lu", line);
	copy_field(sb, label, 1);
	copy_field(sb, num, 0);
	copy_field(sb, reason_name(reason), 0);
	copy_field(sb, raw, 0);
	copy_end_row(sb, f);
}

void stream_write_lead(struct strbuf *sb, FILE *f, const char *label,
		       const struct lead *l)
{
	char pid[13], cmnd[13], bhxh[11], dob[11];
	const char *cells[F_NFIELDS] = { 0 };
	struct rec t;
	int i;

	memset(&t, 0, sizeof(t));
	t.cmnd = l->cmnd;
	t.cmnd_len = l->cmnd_len;
	fmt_pid(l->pid, pid);
	fmt_cmnd(&t, cmnd);
	fmt_bhxh(l->bhxh, bhxh);
	date_format(&l->dob, dob);
	cells[F_PERSON_ID] = pid;
	cells[F_CMND] = cmnd;
	cells[F_BHXH] = bhxh;
	cells[F_NAME] = l->name;
	cells[F_DOB] = dob;
	cells[F_COMMUNE] = l->commune;
	head(sb, KIND_ROSTER, label, l->line);
	for (i = 0; i < F_NFIELDS; i++)
		copy_field(sb, cells[i], 0);
	copy_field(sb, "0", 0);
	copy_field(sb, NULL, 0); /* flags */
	copy_field(sb, NULL, 0); /* person key */
	copy_field(sb, STATE_LEAD, 0);
	copy_field(sb, l->reason ? reason_name((enum reason)l->reason) : NULL,
		   0);
	copy_field(sb, NULL, 0); /* raw: the reject stream has it */
	copy_end_row(sb, f);
}

/* rec_line_leads's callback for stream_write_line_leads. */
struct line_leads {
	struct strbuf *sb;
	FILE *f;
	const char *label;
	unsigned long line;
	enum reason why;
};

static void write_line_lead(void *ctx, const struct lead *in)
{
	struct line_leads *x = ctx;
	struct lead l = *in;

	l.line = (uint32_t)x->line;
	l.reason = (uint8_t)x->why;
	stream_write_lead(x->sb, x->f, x->label, &l);
}

void stream_write_line_leads(struct strbuf *sb, FILE *f, enum kind kind,
			     const char *label, unsigned long line,
			     enum reason why, const char *raw, size_t n)
{
	struct line_leads x = { sb, f, label, line, why };

	if (kind == KIND_ROSTER)
		rec_line_leads(raw, n, write_line_lead, &x);
}

static int bad_line(struct etl_err *err, const char *name, unsigned long n,
		    const char *what)
{
	return etl_errf(err, "'%s':%lu: not a doisoat row stream (%s)", name, n,
			what);
}

/* stream_read's callback: the row (reject, lead) joins the batch. */
static void keep_row(void *ctx, struct batch *b, const struct rec *r,
		     const struct lead *lead, unsigned src, unsigned long line,
		     enum reason why, const char *text)
{
	(void)ctx;
	if (lead)
		batch_add_lead(b, lead);
	if (!r) {
		if (why != R_NONE)
			batch_reject(b, src, line, why, text, strlen(text));
		return;
	}
	GROW(b->recs, b->recs_cap, b->nrecs + 1);
	b->recs[b->nrecs++] = *r;
}

int stream_read(struct batch *b, FILE *f, const char *name, struct etl_err *err)
{
	return stream_read_each(b, f, name, keep_row, NULL, err);
}

/*
 * The lead of a row of the stream (rec_lead of its cells raw): of a
 * rejected row (why), or of a lead line (its reason cell).  NULL if none.
 */
static const struct lead *row_lead(struct batch *b, enum kind kind,
				   const char *const *raw, unsigned src,
				   unsigned long line, enum reason why,
				   struct lead *l)
{
	if (!rec_lead(b, kind, raw, l))
		return NULL;
	l->src = (uint16_t)src;
	l->line = (uint32_t)line;
	l->reason = (uint8_t)why;
	return l;
}

int stream_read_each(struct batch *b, FILE *f, const char *name,
		     stream_row_fn *each, void *ctx, struct etl_err *err)
{
	struct strbuf line;
	char *fl[STREAM_NCOLS + 1];
	unsigned long n = 0;
	int rc = 0, got;

	sb_init(&line, 1 << 24);
	while ((got = copy_read_line(f, &line)) > 0) {
		const char *raw[F_NFIELDS], *detail;
		char *end;
		enum kind kind;
		enum reason why;
		struct rec r;
		struct lead l;
		const struct lead *lead;
		unsigned src;
		unsigned long ln;
		int nf, i, nfields = F_NFIELDS;

		n++;
		nf = copy_split(line.buf, fl, STREAM_NCOLS + 1);
		if (nf == STREAM_NCOLS_V1) { /* no wage, no months: absent */
			memmove(&fl[3 + F_NFIELDS], &fl[3 + F_WAGE],
				(STREAM_NCOLS - 3 - F_NFIELDS) * sizeof(fl[0]));
			fl[3 + F_WAGE] = fl[3 + F_MONTHS] = NULL;
			nf = STREAM_NCOLS;
			nfields = F_WAGE;
		}
		if (nf != STREAM_NCOLS)
			return sb_release(&line),
			       bad_line(err, name, n, "column count");
		if (!fl[0] || kind_parse(fl[0], &kind) < 0 || !fl[1] || !fl[2])
			return sb_release(&line),
			       bad_line(err, name, n, "kind or source");
		ln = strtoul(fl[2], &end, 10);
		src = batch_source(b, kind, fl[1]);
		for (i = 0; i < F_NFIELDS; i++)
			raw[i] = fl[3 + i];
		if (fl[6 + F_NFIELDS] &&
		    !strcmp(fl[6 + F_NFIELDS], STATE_LEAD)) {
			why = fl[7 + F_NFIELDS]
				      ? reason_parse(fl[7 + F_NFIELDS])
				      : R_NONE;
			lead = row_lead(b, kind, raw, src, ln, why, &l);
			if (lead)
				each(ctx, b, NULL, lead, src, ln, R_NONE, NULL);
			continue;
		}
		why = rec_normalise(b, kind, raw,
				    fl[3 + F_NFIELDS] &&
					    !strcmp(fl[3 + F_NFIELDS], "1"),
				    &r, &detail);
		if (why != R_NONE) {
			const char *text = fl[8 + F_NFIELDS];
			struct strbuf joined;

			/* Without the input line (a hand-made stream): the
			 * cells, comma-joined. */
			sb_init(&joined, 0);
			for (i = 0; !text && i < nfields; i++) {
				if (i)
					sb_addc(&joined, ',');
				sb_adds(&joined, raw[i] ? raw[i] : "");
			}
			if (!text)
				text = joined.buf ? joined.buf : "";
			b->srcs[src].rows_read++;
			lead = row_lead(b, kind, raw, src, ln, why, &l);
			each(ctx, b, NULL, lead, src, ln, why, text);
			sb_release(&joined);
			continue;
		}
		b->srcs[src].rows_read++;
		b->srcs[src].accepted++;
		r.src = (uint16_t)src;
		r.line = (uint32_t)ln;
		if (fl[4 + F_NFIELDS])
			r.flags |= (uint16_t)atoi(fl[4 + F_NFIELDS]);
		if (fl[5 + F_NFIELDS])
			r.key = strtoull(fl[5 + F_NFIELDS], NULL, 10);
		if (fl[6 + F_NFIELDS]) {
			for (i = 0; i < 3; i++)
				if (!strcmp(fl[6 + F_NFIELDS], state_names[i]))
					r.state = (uint8_t)i;
		}
		if (fl[7 + F_NFIELDS])
			r.reason = (uint8_t)reason_parse(fl[7 + F_NFIELDS]);
		each(ctx, b, &r, NULL, src, ln, R_NONE, NULL);
	}
	if (got < 0)
		rc = etl_errf(err, "'%s':%lu: line too long", name, n + 1);
	sb_release(&line);
	return rc;
}
