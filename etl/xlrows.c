/*
 * xlrows.c: the workbook readers' row layer (see xlrows.h): cells by
 * column, the header, data rows and rejects, and the accounting of each
 * sheet and of the file.
 */
#include "xlrows.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#define MAX_COLS 16384 /* column XFD */
#define CHUNK	 (64 * 1024)

void xlrows_opts(struct xlsxin_opts *o, const struct xlsxin_opts *in)
{
	if (in)
		*o = *in;
	else
		memset(o, 0, sizeof(*o));
	if (!o->is_header)
		o->is_header = xlsxin_first_row;
	if (!o->max_title)
		o->max_title = 30;
	if (!o->max_sheet)
		o->max_sheet = (uint64_t)2 << 30;
	if (!o->max_strings)
		o->max_strings = (uint64_t)256 << 20;
	if (o->max_strings > 0xfffffff0u) /* shared-string offsets: 32 bits */
		o->max_strings = 0xfffffff0u;
	if (!o->max_part)
		o->max_part = (uint64_t)64 << 20;
	if (!o->max_record)
		o->max_record = 1 << 20;
}

void xlrows_stats_init(struct xlsxin_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->base.delim = ',';
	memcpy(st->base.encoding, "UTF-8", 6);
}

void xlrows_init(struct xlrows *r, const char *path,
		 const struct xlsxin_opts *o, const struct csvin_cb *cb,
		 struct xlsxin_stats *st)
{
	memset(r, 0, sizeof(*r));
	r->path = path;
	r->o = o;
	r->cb = cb;
	r->st = st;
	sb_init(&r->cells, o->max_record);
	sb_init(&r->raw, 0);
}

void xlrows_release(struct xlrows *r)
{
	sb_release(&r->cells);
	sb_release(&r->raw);
	free(r->coff);
	free(r->clen);
	free(r->stamp);
	free(r->fptr);
	free(r->flen);
}

int xlsxin_first_row(void *ctx, const struct csvin_row *row)
{
	(void)ctx, (void)row;
	return 1;
}

/* ---- cells ---- */

/* Room for column need - 1 in the per-column arrays. */
static void cols_grow(struct xlrows *r, size_t need)
{
	size_t cap = r->ccap ? r->ccap : 64;

	while (cap < need)
		cap *= 2;
	if (cap > MAX_COLS)
		cap = MAX_COLS;
	r->coff = xrealloc(r->coff, cap * sizeof(*r->coff));
	r->clen = xrealloc(r->clen, cap * sizeof(*r->clen));
	r->stamp = xrealloc(r->stamp, cap * sizeof(*r->stamp));
	r->fptr = xrealloc(r->fptr, cap * sizeof(*r->fptr));
	r->flen = xrealloc(r->flen, cap * sizeof(*r->flen));
	memset(r->stamp + r->ccap, 0, (cap - r->ccap) * sizeof(*r->stamp));
	r->ccap = cap;
}

void xlrows_cell(struct xlrows *r, int col, const char *s, size_t n)
{
	if (!n || col < 0 || col >= MAX_COLS)
		return;
	if ((size_t)col >= r->ccap)
		cols_grow(r, (size_t)col + 1);
	r->coff[col] = r->cells.len;
	r->clen[col] = n;
	if (sb_add(&r->cells, s, n) < 0 || sb_addc(&r->cells, '\0') < 0) {
		r->too_long = 1;
		return;
	}
	r->stamp[col] = r->rowseq;
	if (col > r->maxcol)
		r->maxcol = col;
}

/* Column c's text in the current row ("" when the cell is missing). */
static const char *cell_at(const struct xlrows *r, int c, size_t *n)
{
	if ((size_t)c >= r->ccap || r->stamp[c] != r->rowseq) {
		*n = 0;
		return "";
	}
	*n = r->clen[c];
	return r->cells.buf + r->coff[c];
}

static int blank_text(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return 0;
	return 1;
}

/* The last column holding a non-blank cell, -1 when the row is blank. */
static int last_filled(const struct xlrows *r)
{
	int c;
	size_t n;

	for (c = r->maxcol; c >= 0; c--)
		if (!blank_text(cell_at(r, c, &n)))
			return c;
	return -1;
}

/* ---- rows ---- */

void xlrows_row(struct xlrows *r, unsigned long n)
{
	r->row = n;
	r->rowseq++;
	r->maxcol = -1;
	r->too_long = 0;
	sb_reset(&r->cells);
}

/* One cell as a CSV field: quoted where it holds , " CR or LF. */
static void raw_field(struct strbuf *raw, const char *s, size_t n)
{
	size_t k;

	if (!strpbrk(s, ",\"\r\n")) {
		sb_add(raw, s, n);
		return;
	}
	sb_addc(raw, '"');
	for (k = 0; k < n; k++) {
		if (s[k] == '"')
			sb_addc(raw, '"');
		sb_addc(raw, s[k]);
	}
	sb_addc(raw, '"');
}

/*
 * Fill row with the current row's first width cells, and its raw text:
 * the cells as one CSV line, cut at a character boundary to max_record
 * bytes.
 */
static void row_build(struct xlrows *r, int width, struct csvin_row *row)
{
	const char *s;
	size_t n;
	int c;

	if ((size_t)width > r->ccap)
		cols_grow(r, (size_t)width);
	sb_reset(&r->raw);
	for (c = 0; c < width; c++) {
		s = cell_at(r, c, &n);
		r->fptr[c] = s;
		r->flen[c] = n;
		if (c)
			sb_addc(&r->raw, ',');
		raw_field(&r->raw, s, n);
	}
	if (r->raw.len > r->o->max_record) {
		n = r->o->max_record;
		while (n && ((unsigned char)r->raw.buf[n] & 0xc0) == 0x80)
			n--;
		r->raw.len = n;
		r->raw.buf[n] = '\0';
		r->too_long = 1;
	}
	row->line = r->row;
	row->nfields = width;
	row->fields = r->fptr;
	row->lens = r->flen;
	row->raw = r->raw.buf ? r->raw.buf : "";
	row->raw_len = r->raw.len;
}

/* A non-empty row before the header: the header, or a title row. */
static void row_head(struct xlrows *r, int last)
{
	struct csvin_row row;

	row_build(r, last + 1, &row);
	if (!r->o->is_header(r->cb->ctx, &row)) {
		if (++r->info.title < r->o->max_title)
			return;
		snprintf(r->refusal.msg, sizeof(r->refusal.msg),
			 "'%s#%s': no header row among the first %u "
			 "non-empty rows",
			 r->path, r->info.name, r->o->max_title);
		r->info.why = r->refusal.msg;
		r->stop = 1;
		return;
	}
	r->info.header_line = r->row;
	r->ncols = last + 1;
	if (r->cb->on_header(r->cb->ctx, &row, &r->refusal) < 0) {
		r->info.why = r->refusal.msg;
		r->stop = 1;
		return;
	}
	r->header_seen = 1;
}

void xlrows_row_end(struct xlrows *r)
{
	struct csvin_row row;
	char detail[128];
	int last = last_filled(r);

	if (r->stop || (last < 0 && !r->too_long))
		return;
	if (last < 0)
		last = 0;
	r->info.lines = r->row;
	if (!r->header_seen) {
		row_head(r, last);
		return;
	}
	r->info.records++;
	r->st->base.records++; /* here, not at the sheet's end: a read that
				  fails later still counts what it handed out */
	row_build(r, last + 1 > r->ncols ? last + 1 : r->ncols, &row);
	if (r->too_long) {
		snprintf(detail, sizeof(detail), "longer than %zu bytes",
			 r->o->max_record);
		r->cb->on_reject(r->cb->ctx, row.line, REJ_TOO_LONG, detail,
				 row.raw, row.raw_len);
	} else if (last >= r->ncols) {
		snprintf(detail, sizeof(detail),
			 "expected %d fields, found %d (a cell right of the "
			 "header's last column)",
			 r->ncols, last + 1);
		r->cb->on_reject(r->cb->ctx, row.line, REJ_COLUMN_COUNT, detail,
				 row.raw, row.raw_len);
	} else {
		r->cb->on_row(r->cb->ctx, &row);
	}
}

/* ---- sheets and the file ---- */

void xlrows_sheet(struct xlrows *r, const char *name, const char *part,
		  int index, int count, int hidden)
{
	memset(&r->info, 0, sizeof(r->info));
	r->info.name = name;
	r->info.part = part;
	r->info.index = index;
	r->info.count = count;
	r->info.hidden = hidden;
	r->refusal.msg[0] = '\0';
	r->row = 0;
	r->stop = 0;
	r->header_seen = 0;
	r->ncols = 0;
	if (r->o->on_sheet)
		r->o->on_sheet(r->cb->ctx, &r->info);
}

/* A skipped sheet: the first one's reason is the file's if none is read. */
static void sheet_skipped(struct xlrows *r)
{
	r->info.status = XLSXIN_SKIPPED;
	r->st->sheets_skipped++;
	if (!r->first_refusal[0])
		snprintf(r->first_refusal, sizeof(r->first_refusal), "%s",
			 r->info.why);
}

void xlrows_sheet_end(struct xlrows *r)
{
	struct xlsxin_sheet *in = &r->info;
	struct xlsxin_stats *st = r->st;

	if (r->header_seen) {
		in->status = XLSXIN_READ;
		in->blank = in->lines - in->title - in->records - 1;
		st->sheets_read++;
		st->title += in->title;
		st->base.lines += in->lines;
		st->base.blank += in->blank + in->title;
	} else if (in->why || in->title) {
		if (!in->why) {
			snprintf(r->refusal.msg, sizeof(r->refusal.msg),
				 "'%s#%s': no header row found", r->path,
				 in->name);
			in->why = r->refusal.msg;
		}
		sheet_skipped(r);
	} else {
		in->status = XLSXIN_EMPTY;
		st->sheets_empty++;
	}
	if (r->o->on_sheet_end)
		r->o->on_sheet_end(r->cb->ctx, in);
}

void xlrows_sheet_other(struct xlrows *r)
{
	r->info.status = XLSXIN_OTHER;
	r->st->sheets_empty++;
	if (r->o->on_sheet_end)
		r->o->on_sheet_end(r->cb->ctx, &r->info);
}

int xlrows_finish(struct xlrows *r, struct etl_err *err)
{
	if (r->st->sheets_read)
		return 0;
	if (r->first_refusal[0])
		return etl_errf(err, "%s", r->first_refusal);
	return etl_errf(err, "'%s': empty workbook: no sheet has a row",
			r->path);
}

int xlrows_hash_file(const char *path, struct csvin_stats *st,
		     unsigned char magic[8], struct etl_err *err)
{
	FILE *f = fopen(path, "rb");
	XXH3_state_t *hs;
	char *buf;
	size_t n;
	int bad;

	memset(magic, 0, 8);
	if (!f)
		return etl_errf(err, "'%s': %s", path, strerror(errno));
	buf = xmalloc(CHUNK);
	hs = XXH3_createState();
	XXH3_64bits_reset(hs);
	while ((n = fread(buf, 1, CHUNK, f)) > 0) {
		if (!st->bytes)
			memcpy(magic, buf, n < 8 ? n : 8);
		st->bytes += n;
		XXH3_64bits_update(hs, buf, n);
	}
	bad = ferror(f);
	fclose(f);
	free(buf);
	st->xxh3 = XXH3_64bits_digest(hs);
	XXH3_freeState(hs);
	return bad ? etl_errf(err, "'%s': read error", path) : 0;
}
