/*
 * csvin.c: the input reader.  Four layers, each feeding the next:
 *   bytes (fread, XXH3 of the stored file) -> inflate when gzip ->
 *   decode to UTF-8 (BOM, iconv) -> physical lines -> records.
 * Lines are cut in the decoded buffer itself (only a line that straddles
 * two chunks is copied), so every record knows the line it started on and
 * its raw text, which rejects.csv carries.  A line without a quote is
 * split on the delimiter directly, the way libcsv's strict mode would
 * split it; a line with a quote, and every line of a record that spans
 * lines, goes through libcsv (CSV_STRICT | CSV_STRICT_FINI).  A record
 * that spans lines and does not end well gives up its first line as a
 * reject and the lines after it are read again (reject_first_line).
 */
#include "csvin.h"

#include <csv.h>
#include <errno.h>
#include <iconv.h>
#include <string.h>
#include <xxhash.h>
#include <zlib.h>

#define CHUNK	  (64 * 1024)
#define CSV_BLOCK (64 * 1024) /* libcsv grows its field buffer by this */
#define CARRY	  8 /* longest incomplete multibyte sequence kept */
#define DEC_OUT	  (CHUNK * 4) /* iconv output buffer */

struct reader {
	const char *path;
	const struct csvin_cb *cb;
	struct csvin_stats *st;
	struct etl_err *err;
	size_t max_record;
	unsigned long max_lines;
	int failed;

	/* bytes as stored */
	int is_gz; /* -1 until the first chunk is seen */
	int zended; /* a gzip member ended (another may follow) */
	z_stream z;
	unsigned char *zout; /* inflate's output, CHUNK bytes */

	/* decoding */
	int started; /* BOM and encoding decided */
	iconv_t cd; /* (iconv_t)-1 when the text is UTF-8 */
	const char *enc_name; /* iconv name asked for, or NULL */
	char carry[CARRY]; /* an incomplete multibyte sequence */
	size_t ncarry;
	uint64_t decoded; /* bytes of input consumed by the decoder */
	struct strbuf head; /* first bytes, until the BOM is decided */
	char *dec_out; /* iconv's output, DEC_OUT bytes */
	char *dec_tmp; /* CHUNK + CARRY bytes: a chunk and its carry */

	/* physical lines */
	uint64_t text_off; /* offset in the text of the next byte fed */
	struct strbuf pending; /* a line that straddles two chunks */
	uint64_t pending_off; /* its offset in the text */
	int overlong; /* pending hit the cap; skip to newline */

	/* records */
	struct csv_parser parser;
	struct strbuf raw; /* lines of an open record, '\n'-joined */
	size_t *line_at; /* offset of each line in raw */
	uint64_t *line_off; /* offset of each line in the text */
	size_t line_cap;
	int nlines; /* lines of the open record (0: none) */
	unsigned long rec_line; /* first line of the current record */
	const char *cur_raw; /* raw text of the current record */
	size_t cur_raw_len;
	struct strbuf fbuf; /* field bytes, NUL after each */
	size_t *foff, *flen;
	const char **fptr;
	size_t fcap;
	int nf;
	int split; /* the record spans lines and is unusable */
	int bare_cr; /* libcsv ended a record at a CR outside quotes */
	int header_seen;
	int refused; /* on_header refused a title row */
	int ncols;
	struct strbuf clean; /* a reject's raw text made printable */
};

const char *csvin_encoding(const char *name)
{
	static const struct {
		const char *user, *iconv;
	} names[] = {
		{ "utf-8", "UTF-8" },	      { "utf8", "UTF-8" },
		{ "utf-16", "UTF-16" },	      { "utf16", "UTF-16" },
		{ "utf-16le", "UTF-16LE" },   { "utf-16be", "UTF-16BE" },
		{ "windows-1258", "CP1258" }, { "cp1258", "CP1258" },
		{ "win1258", "CP1258" },      { "tcvn3", "TCVN5712-1" },
		{ "tcvn", "TCVN5712-1" },     { "tcvn5712-1", "TCVN5712-1" },
		{ "abc", "TCVN5712-1" },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcasecmp(name, names[i].user))
			return names[i].iconv;
	return NULL;
}

static int only_space(unsigned char c)
{
	return c == ' ';
}

static void parser_reset(struct reader *r)
{
	csv_free(&r->parser);
	csv_init(&r->parser, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL);
	csv_set_space_func(&r->parser, only_space);
	csv_set_delim(&r->parser, (unsigned char)r->st->delim);
	csv_set_blk_size(&r->parser, CSV_BLOCK);
	r->nf = 0;
	sb_reset(&r->fbuf);
}

static void record_clear(struct reader *r)
{
	sb_reset(&r->raw);
	r->nlines = 0;
}

/*
 * Length of the valid UTF-8 sequence at s (n > 0 bytes left), or 0: the
 * well-formed sequences of the Unicode standard's table 3-7 (no overlong
 * forms, no surrogates, nothing above U+10FFFF).
 */
static inline size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t len, k;

	if (c < 0x80)
		return 1;
	if (c < 0xc2)
		return 0;
	if (c < 0xe0) {
		len = 2;
	} else if (c < 0xf0) {
		len = 3;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c < 0xf5) {
		len = 4;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else {
		return 0;
	}
	if (len > n || s[1] < lo || s[1] > hi)
		return 0;
	for (k = 2; k < len; k++)
		if ((s[k] & 0xc0) != 0x80)
			return 0;
	return len;
}

/* Offset of the first invalid UTF-8 byte in s, or -1.  ASCII runs are
 * skipped eight bytes at a time. */
static long utf8_invalid_at(const unsigned char *s, size_t n)
{
	size_t i = 0, len;
	uint64_t w;

	while (i < n) {
		if (s[i] < 0x80) {
			while (i + 8 <= n) {
				memcpy(&w, s + i, 8);
				if (w & 0x8080808080808080ull)
					break;
				i += 8;
			}
			while (i < n && s[i] < 0x80)
				i++;
			continue;
		}
		len = utf8_seq(s + i, n - i);
		if (!len)
			return (long)i;
		i += len;
	}
	return -1;
}

/*
 * A reject's raw text for rejects.csv, which is UTF-8 text: a NUL byte or
 * a byte that is not valid UTF-8 becomes U+FFFD.  Valid text is passed on
 * as it is.
 */
static const char *printable(struct reader *r, const char *raw, size_t *n)
{
	const unsigned char *s = (const unsigned char *)raw;
	size_t i, len;

	if (!memchr(raw, '\0', *n) && utf8_invalid_at(s, *n) < 0)
		return raw;
	sb_reset(&r->clean);
	for (i = 0; i < *n; i += len) {
		len = s[i] ? utf8_seq(s + i, *n - i) : 0;
		if (len)
			sb_add(&r->clean, s + i, len);
		else
			sb_add(&r->clean, "\xef\xbf\xbd", 3), len = 1;
	}
	*n = r->clean.len;
	return r->clean.buf ? r->clean.buf : "";
}

static void reject(struct reader *r, unsigned long line, const char *reason,
		   const char *detail, const char *raw, size_t n)
{
	if (!r->header_seen) {
		/* Without its header a file cannot be read at all. */
		etl_errf(r->err, "'%s':%lu: the header cannot be read: %s",
			 r->path, line, detail);
		r->failed = 1;
		return;
	}
	raw = printable(r, raw, &n);
	r->st->records++;
	r->cb->on_reject(r->cb->ctx, line, reason, detail, raw, n);
}

static int all_empty(const struct reader *r)
{
	int i;

	for (i = 0; i < r->nf; i++)
		if (r->flen[i])
			return 0;
	return 1;
}

/* Room for one more field. */
static void field_slot(struct reader *r)
{
	if ((size_t)r->nf < r->fcap)
		return;
	r->fcap = r->fcap ? 2 * r->fcap : 32;
	r->foff = xrealloc(r->foff, r->fcap * sizeof(*r->foff));
	r->flen = xrealloc(r->flen, r->fcap * sizeof(*r->flen));
	r->fptr = xrealloc((void *)r->fptr, r->fcap * sizeof(*r->fptr));
}

/* libcsv: one field. */
static void on_field(void *data, size_t len, void *ctx)
{
	struct reader *r = ctx;

	field_slot(r);
	r->foff[r->nf] = r->fbuf.len;
	r->flen[r->nf] = len;
	sb_add(&r->fbuf, data ? data : "", len);
	sb_addc(&r->fbuf, '\0');
	r->nf++;
}

/* Text offset of byte k of the current record's raw text. */
static uint64_t raw_offset(const struct reader *r, size_t k)
{
	int i = r->nlines > 1 ? r->nlines - 1 : 0;

	while (i > 0 && r->line_at[i] > k)
		i--;
	return r->line_off[i] + (k - (r->nlines > 1 ? r->line_at[i] : 0));
}

/*
 * A record before the header: the header (on_header returns 0), a title
 * row (1: counted blank and title; the next line detects the delimiter
 * again, as a title line may have none) or the end (-1).
 */
static void on_header_row(struct reader *r, const struct csvin_row *row)
{
	int rc = r->cb->on_header(r->cb->ctx, row, r->err);

	if (rc < 0) {
		r->failed = 1;
	} else if (rc > 0) {
		r->refused = 1;
		r->st->blank++;
		r->st->title++;
		r->st->delim = 0;
	} else {
		r->header_seen = 1;
		r->ncols = r->nf;
	}
}

/* The end of a record: check it and hand it on. */
static void on_record(int c, void *ctx)
{
	struct reader *r = ctx;
	struct csvin_row row;
	char detail[128];
	long bad;
	int i;

	if (r->failed)
		goto out;
	if (c == '\r' || r->bare_cr) {
		/* Not a line end (process_line rejects the line): the
		 * rest of the line is not looked at, so a line of many
		 * CRs costs its length once. */
		r->bare_cr = 1;
		goto out;
	}
	for (i = 0; i < r->nf; i++)
		r->fptr[i] = r->fbuf.buf + r->foff[i];
	row.line = r->rec_line;
	row.nfields = r->nf;
	row.fields = r->fptr;
	row.lens = r->flen;
	row.raw = r->cur_raw;
	row.raw_len = r->cur_raw_len;
	bad = utf8_invalid_at((const unsigned char *)row.raw, row.raw_len);
	if (!r->header_seen) {
		if (bad >= 0 || memchr(row.raw, '\0', row.raw_len)) {
			etl_errf(r->err,
				 "'%s':%lu: the header is not valid UTF-8 "
				 "(byte offset %llu); give --encoding",
				 r->path, row.line,
				 (unsigned long long)raw_offset(
					 r, bad >= 0 ? (size_t)bad : 0));
			r->failed = 1;
		} else {
			on_header_row(r, &row);
		}
		goto out;
	}
	if (all_empty(r)) {
		r->st->blank++;
		goto out;
	}
	/* Trailing empty cells beyond the header are tolerated. */
	while (r->nf > r->ncols && !r->flen[r->nf - 1])
		r->nf--;
	if (r->nlines > 1 && r->nf != r->ncols) {
		/* Lines glued by a stray quote: process_line splits them. */
		r->split = 1;
		goto out;
	}
	if (memchr(row.raw, '\0', row.raw_len)) {
		reject(r, row.line, REJ_BAD_ENCODING, "NUL byte in a field",
		       row.raw, row.raw_len);
		goto out;
	}
	if (bad >= 0) {
		snprintf(detail, sizeof(detail),
			 "invalid UTF-8 at byte offset %llu; give --encoding",
			 (unsigned long long)raw_offset(r, (size_t)bad));
		reject(r, row.line, REJ_BAD_ENCODING, detail, row.raw,
		       row.raw_len);
		goto out;
	}
	if (r->nf != r->ncols) {
		snprintf(detail, sizeof(detail), "expected %d fields, found %d",
			 r->ncols, r->nf);
		reject(r, row.line, REJ_COLUMN_COUNT, detail, row.raw,
		       row.raw_len);
		goto out;
	}
	row.nfields = r->nf;
	r->st->records++;
	r->cb->on_row(r->cb->ctx, &row);
out:
	r->nf = 0;
	sb_reset(&r->fbuf);
}

/*
 * A line without a quote or a carriage return, split as libcsv's strict
 * mode splits it: on the delimiter, spaces around each field dropped.
 */
static void split_plain(struct reader *r, const char *s, size_t n)
{
	char *b, *end, *p, *q, *a, *z;
	char delim = r->st->delim;

	sb_reset(&r->fbuf);
	sb_add(&r->fbuf, s, n);
	b = r->fbuf.buf;
	end = b + n;
	p = b;
	r->nf = 0;
	for (;;) {
		q = memchr(p, delim, (size_t)(end - p));
		if (!q)
			q = end;
		for (a = p; a < q && *a == ' '; a++)
			;
		for (z = q; z > a && z[-1] == ' '; z--)
			;
		*z = '\0';
		field_slot(r);
		r->foff[r->nf] = (size_t)(a - b);
		r->flen[r->nf] = (size_t)(z - a);
		r->nf++;
		if (q == end)
			break;
		p = q + 1;
	}
}

static char detect_delim(const char *s, size_t n)
{
	size_t i, comma = 0, tab = 0, semi = 0;
	int quoted = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '"')
			quoted = !quoted;
		else if (!quoted && s[i] == ',')
			comma++;
		else if (!quoted && s[i] == '\t')
			tab++;
		else if (!quoted && s[i] == ';')
			semi++;
	}
	if (tab > comma && tab >= semi)
		return '\t';
	if (semi > comma && semi > tab)
		return ';';
	return ',';
}

static void process_line(struct reader *r, char *s, size_t n,
			 unsigned long line_no, uint64_t off);

/* Note where line i of the open record starts, in raw and in the text. */
static void line_mark(struct reader *r, size_t at, uint64_t off)
{
	if ((size_t)r->nlines >= r->line_cap) {
		r->line_cap = r->line_cap ? 2 * r->line_cap : 16;
		r->line_at =
			xrealloc(r->line_at, r->line_cap * sizeof(*r->line_at));
		r->line_off = xrealloc(r->line_off,
				       r->line_cap * sizeof(*r->line_off));
	}
	r->line_at[r->nlines] = at;
	r->line_off[r->nlines] = off;
	r->nlines++;
}

/* Why the first line of a record that spans lines is rejected. */
#define NOT_CLOSED     "quoted field not closed on its line"
#define NOT_CLOSED_EOF "quoted field not closed before the end of the file"
/* Why a line with a CR outside quotes (not before its LF) is rejected. */
#define BARE_CR "carriage return outside quotes (lines end in LF or CR LF)"

/*
 * The open record, which spans lines, cannot end well (a quote error on a
 * later line, the wrong field count, too many lines or bytes, the end of
 * the file): reject its first line and read the lines after it again.
 */
static void reject_first_line(struct reader *r, const char *detail)
{
	struct strbuf rest;
	size_t *at = NULL, first_len;
	uint64_t *off = NULL;
	unsigned long first = r->rec_line;
	int i, n = r->nlines;

	r->split = 0;
	first_len = n > 1 ? r->line_at[1] - 1 : r->raw.len;
	reject(r, first, REJ_BAD_QUOTING, detail, r->raw.buf, first_len);
	sb_init(&rest, 0);
	if (n > 1) {
		sb_add(&rest, r->raw.buf + r->line_at[1],
		       r->raw.len - r->line_at[1]);
		at = xmalloc((size_t)n * sizeof(*at));
		off = xmalloc((size_t)n * sizeof(*off));
		for (i = 1; i < n; i++) {
			at[i] = r->line_at[i] - r->line_at[1];
			off[i] = r->line_off[i];
		}
	}
	record_clear(r);
	parser_reset(r);
	for (i = 1; i < n && !r->failed; i++) {
		size_t end = i + 1 < n ? at[i + 1] - 1 : rest.len;

		process_line(r, rest.buf + at[i], end - at[i], first + i,
			     off[i]);
	}
	free(at);
	free(off);
	sb_release(&rest);
}

/*
 * One physical line, without its newline.  s[n] must be writable: the
 * line is NUL-terminated in place, so its raw text needs no copy.
 */
static void process_line(struct reader *r, char *s, size_t n,
			 unsigned long line_no, uint64_t off)
{
	size_t i, used;
	int cr;

	if (n && s[n - 1] == '\r')
		n--;
	s[n] = '\0';
	if (!r->nlines) {
		for (i = 0; i < n && (s[i] == ' ' || s[i] == '\t'); i++)
			;
		if (i == n) {
			r->st->blank++;
			return;
		}
		if (!r->st->delim) {
			r->st->delim = detect_delim(s, n);
			parser_reset(r);
		}
		r->rec_line = line_no;
		r->cur_raw = s;
		r->cur_raw_len = n;
		if (!memchr(s, '"', n) && !memchr(s, '\r', n)) {
			split_plain(r, s, n);
			r->line_off[0] = off; /* for raw_offset() */
			on_record('\n', r);
			return;
		}
		line_mark(r, 0, off);
	} else {
		sb_addc(&r->raw, '\n');
		line_mark(r, r->raw.len, off);
		sb_add(&r->raw, s, n);
		r->cur_raw = r->raw.buf;
		r->cur_raw_len = r->raw.len;
	}
	used = csv_parse(&r->parser, s, n, on_field, on_record, r);
	if (used == n)
		used += csv_parse(&r->parser, "\n", 1, on_field, on_record, r) -
			1;
	cr = r->bare_cr;
	r->bare_cr = 0;
	if ((used != n || r->split || cr) && r->nlines > 1) {
		/* The record that spans lines does not parse. */
		reject_first_line(r, NOT_CLOSED);
		return;
	}
	if (used != n || cr) {
		/* Strict mode: a quote inside a field or after its end. */
		reject(r, r->rec_line, REJ_BAD_QUOTING,
		       used != n ? "a quote inside an unquoted field or "
				   "after a closing quote"
				 : BARE_CR,
		       r->cur_raw, r->cur_raw_len);
		record_clear(r);
		parser_reset(r);
		return;
	}
	if (!r->parser.pstate) { /* ROW_NOT_BEGUN: the record ended */
		record_clear(r);
		return;
	}
	if (r->nlines == 1) /* the record goes on: keep its first line */
		sb_add(&r->raw, s, n);
	if (r->nlines >= CSVIN_RECORD_LINES || r->raw.len > r->max_record)
		reject_first_line(r, NOT_CLOSED);
}

/* A complete line. */
static void line_done(struct reader *r, char *s, size_t n, uint64_t off)
{
	char detail[96];

	if (r->st->lines >= r->max_lines) {
		etl_errf(r->err,
			 "'%s': more than %lu lines, the most an input file "
			 "may have",
			 r->path, r->max_lines);
		r->failed = 1;
		return;
	}
	r->st->lines++;
	if (!r->overlong) {
		process_line(r, s, n, r->st->lines, off);
		return;
	}
	snprintf(detail, sizeof(detail), "line longer than %zu bytes",
		 r->max_record);
	/* An open record cannot take in this line: it will never close. */
	while (r->nlines && !r->failed)
		reject_first_line(r, NOT_CLOSED);
	reject(r, r->st->lines, REJ_TOO_LONG, detail, s, n);
	r->overlong = 0;
}

/* Keep (part of) a line that goes on in the next chunk or is too long. */
static void keep(struct reader *r, const char *s, size_t len)
{
	if (!r->pending.len && !r->overlong)
		r->pending_off = r->text_off;
	if (!r->overlong && sb_add(&r->pending, s, len) < 0) {
		if (!r->header_seen) {
			/* Stop now: the line may never end (/dev/zero). */
			etl_errf(r->err,
				 "'%s':%lu: header line longer than %zu "
				 "bytes",
				 r->path, r->st->lines + 1, r->max_record);
			r->failed = 1;
			return;
		}
		/* Keep what fits, for the reject row. */
		sb_add(&r->pending, s, r->pending.cap - r->pending.len);
		r->overlong = 1;
	}
}

/* Decoded UTF-8 text: split into physical lines.  s is writable. */
static void feed_text(struct reader *r, char *s, size_t n)
{
	char *nl;
	size_t len;

	while (n && !r->failed) {
		nl = memchr(s, '\n', n);
		len = nl ? (size_t)(nl - s) : n;
		if (!nl) {
			keep(r, s, len);
			r->text_off += len;
			return;
		}
		if (r->pending.len || r->overlong || len > r->max_record) {
			keep(r, s, len);
			if (r->failed)
				return;
			line_done(r, r->pending.buf, r->pending.len,
				  r->pending_off);
			sb_reset(&r->pending);
		} else {
			line_done(r, s, len, r->text_off);
		}
		r->text_off += len + 1;
		s += len + 1;
		n -= len + 1;
	}
}

/* Decide the encoding from the first bytes: BOM, else the declared one. */
static int start_decoding(struct reader *r, const unsigned char *s, size_t n,
			  size_t *skip)
{
	const char *from = r->enc_name;

	*skip = 0;
	if (n >= 3 && s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf) {
		from = NULL, *skip = 3;
	} else if (n >= 2 && s[0] == 0xff && s[1] == 0xfe) {
		from = "UTF-16LE", *skip = 2;
	} else if (n >= 2 && s[0] == 0xfe && s[1] == 0xff) {
		from = "UTF-16BE", *skip = 2;
	}
	if (from && strcmp(from, "UTF-8")) {
		r->cd = iconv_open("UTF-8", from);
		if (r->cd == (iconv_t)-1)
			return etl_errf(r->err,
					"'%s': encoding %s is not supported "
					"here",
					r->path, from);
		snprintf(r->st->encoding, sizeof(r->st->encoding), "%s", from);
	} else {
		snprintf(r->st->encoding, sizeof(r->st->encoding), "UTF-8");
		r->text_off = *skip; /* offsets are file offsets */
	}
	r->started = 1;
	return 0;
}

static int decode(struct reader *r, char *s, size_t n, int last)
{
	char *out = r->dec_out, *tmp = r->dec_tmp, *in, *op;
	size_t inleft, outleft, rc, skip;

	if (!r->started) {
		/* Wait for three bytes (or the end) to see any BOM. */
		sb_add(&r->head, s, n);
		if (r->head.len < 3 && !last)
			return 0;
		if (start_decoding(r, (unsigned char *)r->head.buf, r->head.len,
				   &skip) < 0)
			return -1;
		r->decoded += skip;
		n = r->head.len - skip;
		memcpy(tmp, r->head.buf + skip, n);
		sb_release(&r->head);
		s = tmp;
	}
	if (r->cd == (iconv_t)-1) {
		feed_text(r, s, n);
		r->decoded += n;
		return 0;
	}
	/* iconv: prepend any incomplete sequence left from the last chunk. */
	if (r->ncarry) {
		if (s != tmp)
			memcpy(tmp + r->ncarry, s, n);
		else
			memmove(tmp + r->ncarry, tmp, n);
		memcpy(tmp, r->carry, r->ncarry);
		n += r->ncarry;
		r->ncarry = 0;
		s = tmp;
	}
	in = s;
	inleft = n;
	while (inleft) {
		op = out;
		outleft = DEC_OUT;
		rc = iconv(r->cd, &in, &inleft, &op, &outleft);
		feed_text(r, out, (size_t)(op - out));
		if (rc != (size_t)-1)
			continue;
		if (errno == E2BIG)
			continue;
		if (errno == EINVAL && !last && inleft < CARRY) {
			memcpy(r->carry, in, inleft);
			r->ncarry = inleft;
			r->decoded += n - inleft;
			return 0;
		}
		return etl_errf(
			r->err,
			"'%s':%lu: invalid %s byte sequence at byte "
			"offset %llu",
			r->path, r->st->lines + 1, r->st->encoding,
			(unsigned long long)(r->decoded + (n - inleft)));
	}
	r->decoded += n;
	if (last) {
		/* Flush the converter: it may hold back a base letter. */
		op = out;
		outleft = DEC_OUT;
		iconv(r->cd, NULL, NULL, &op, &outleft);
		feed_text(r, out, (size_t)(op - out));
	}
	return 0;
}

/* End of input: the last line and any record still open. */
static void finish(struct reader *r)
{
	char nl[2] = "\n";

	if (r->pending.len || r->overlong)
		feed_text(r, nl, 1);
	while (r->nlines && !r->failed) {
		r->cur_raw = r->raw.buf;
		r->cur_raw_len = r->raw.len;
		if (csv_fini(&r->parser, on_field, on_record, r) == 0 &&
		    !r->split) {
			record_clear(r);
			parser_reset(r);
			break;
		}
		reject_first_line(r, NOT_CLOSED_EOF);
	}
}

static void reader_release(struct reader *r)
{
	if (r->cd != (iconv_t)-1)
		iconv_close(r->cd);
	csv_free(&r->parser);
	sb_release(&r->pending);
	sb_release(&r->raw);
	sb_release(&r->fbuf);
	sb_release(&r->head);
	sb_release(&r->clean);
	if (r->is_gz == 1)
		inflateEnd(&r->z);
	free(r->zout);
	free(r->dec_out);
	free(r->dec_tmp);
	free(r->line_at);
	free(r->line_off);
	free(r->foff);
	free(r->flen);
	free((void *)r->fptr);
}

int csvin_read(const char *path, const struct csvin_opts *opts,
	       const struct csvin_cb *cb, struct csvin_stats *st,
	       struct etl_err *err)
{
	FILE *f;
	int rc;

	memset(st, 0, sizeof(*st));
	if (!strcmp(path, "-"))
		return csvin_read_stream(stdin, "<stdin>", opts, cb, st, err);
	if (!(f = fopen(path, "rb")))
		return etl_errf(err, "'%s': cannot open: %s", path,
				strerror(errno));
	rc = csvin_read_stream(f, path, opts, cb, st, err);
	fclose(f);
	return rc;
}

/* Set r up for a read; -1 (nothing held) for an unknown encoding. */
static int reader_init(struct reader *r, const char *path,
		       const struct csvin_opts *opts, const struct csvin_cb *cb,
		       struct csvin_stats *st, struct etl_err *err)
{
	memset(r, 0, sizeof(*r));
	r->path = path;
	r->cb = cb;
	r->st = st;
	r->err = err;
	r->cd = (iconv_t)-1;
	r->is_gz = -1;
	r->max_record =
		opts && opts->max_record ? opts->max_record : CSVIN_MAX_RECORD;
	r->max_lines =
		opts && opts->max_lines ? opts->max_lines : CSVIN_MAX_LINES;
	if (opts && opts->encoding) {
		r->enc_name = csvin_encoding(opts->encoding);
		if (!r->enc_name)
			return etl_errf(err, "unknown encoding '%s'",
					opts->encoding);
	}
	r->zout = xmalloc(CHUNK);
	r->dec_out = xmalloc(DEC_OUT);
	r->dec_tmp = xmalloc(CHUNK + CARRY);
	sb_init(&r->pending, r->max_record);
	sb_init(&r->raw, 0);
	sb_init(&r->fbuf, 0);
	sb_init(&r->head, 0);
	sb_init(&r->clean, 0);
	line_mark(r, 0, 0); /* line_off[0] always exists */
	r->nlines = 0;
	csv_init(&r->parser, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL);
	return 0;
}

/* Inflate one chunk of a gzip file and decode what comes out. */
static int inflate_chunk(struct reader *r, unsigned char *in, size_t n)
{
	int zrc;

	r->z.next_in = in;
	r->z.avail_in = (uInt)n;
	while (r->z.avail_in) {
		if (r->zended) {
			/* Another gzip member follows. */
			inflateReset(&r->z);
			r->zended = 0;
		}
		r->z.next_out = r->zout;
		r->z.avail_out = CHUNK;
		zrc = inflate(&r->z, Z_NO_FLUSH);
		if (zrc != Z_OK && zrc != Z_STREAM_END && zrc != Z_BUF_ERROR)
			return etl_errf(r->err,
					"'%s': corrupt gzip data after %llu "
					"bytes: %s",
					r->path,
					(unsigned long long)r->st->bytes,
					r->z.msg ? r->z.msg : "inflate failed");
		if (zrc == Z_STREAM_END)
			r->zended = 1;
		if (decode(r, (char *)r->zout, CHUNK - r->z.avail_out, 0) < 0)
			return -1;
	}
	return 0;
}

/* One chunk of the file as stored; the first tells gzip by its magic. */
static int feed_bytes(struct reader *r, unsigned char *in, size_t n)
{
	if (r->is_gz < 0) {
		r->is_gz = n >= 2 && in[0] == 0x1f && in[1] == 0x8b;
		if (r->is_gz && inflateInit2(&r->z, 16 + MAX_WBITS) != Z_OK)
			return etl_errf(r->err, "'%s': zlib init failed",
					r->path);
		r->st->gzip = r->is_gz;
	}
	if (r->is_gz)
		return inflate_chunk(r, in, n);
	return decode(r, (char *)in, n, 0);
}

/* After the last byte: damage to the file as a whole, the last line. */
static int read_end(struct reader *r, FILE *f)
{
	char none[1] = "";

	if (ferror(f))
		return etl_errf(r->err, "'%s': read error: %s", r->path,
				strerror(errno));
	if (r->is_gz == 1 && !r->zended)
		return etl_errf(r->err,
				"'%s': truncated gzip: the stream ends after "
				"%llu bytes (%lu lines read)",
				r->path, (unsigned long long)r->st->bytes,
				r->st->lines);
	if (decode(r, none, 0, 1) < 0)
		return -1;
	if (!r->failed)
		finish(r);
	if (!r->failed && !r->header_seen && r->refused)
		return -1; /* err holds on_header's message */
	if (!r->failed && !r->header_seen)
		return etl_errf(r->err, "'%s': empty file: no header line",
				r->path);
	return r->failed ? -1 : 0;
}

int csvin_read_stream(FILE *f, const char *path, const struct csvin_opts *opts,
		      const struct csvin_cb *cb, struct csvin_stats *st,
		      struct etl_err *err)
{
	struct reader r;
	XXH3_state_t *hs;
	unsigned char *in;
	size_t n;
	int rc = 0;

	memset(st, 0, sizeof(*st));
	if (reader_init(&r, path, opts, cb, st, err) < 0)
		return -1;
	in = xmalloc(CHUNK);
	hs = XXH3_createState();
	XXH3_64bits_reset(hs);
	/* The first error stops the read: its message names the place. */
	while (!rc && !r.failed && (n = fread(in, 1, CHUNK, f)) > 0) {
		st->bytes += n;
		XXH3_64bits_update(hs, in, n);
		rc = feed_bytes(&r, in, n);
	}
	if (!rc && !r.failed)
		rc = read_end(&r, f);
	if (r.failed)
		rc = -1;
	st->xxh3 = XXH3_64bits_digest(hs);
	XXH3_freeState(hs);
	reader_release(&r);
	free(in);
	return rc;
}
