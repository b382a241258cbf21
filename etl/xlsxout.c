/*
 * xlsxout.c: the streaming .xlsx writer of xlsxout.h, for the lists
 * people file and the district summary.
 *
 * A book is a zip (minizip, deflate level 1, every entry dated
 * 1980-01-01 00:00) written one entry at a time: each worksheet is
 * streamed into its own entry as its rows come, through a 64 KiB buffer
 * filled by hand (no printf per cell); the parts that list the sheets
 * or the styles (workbook, styles, content types, properties, charts)
 * are written at xo_close().  Only the current row is held in memory,
 * with the current sheet's merged ranges and column widths, and the
 * book's styles, sheet names and charts.
 */
#include "xlsxout.h"
#include "hashtab.h"
#include "norm.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utf8proc.h>
#include <zip.h>

#define XO_BUF	     (64 * 1024) /* the output buffer */
#define XO_MAXROW    1048575
#define XO_MAXCOL    16383
#define XO_CELL_MAX  100 /* the most a cell's XML takes beside its text */
#define XO_ENTRY_MAX 0xffffffffu /* no zip64: an entry's bytes */
#define XO_DEF_FONT  "Times New Roman"

#define NS_MAIN "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define NS_REL                                                                 \
	"http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define NS_PKGREL "http://schemas.openxmlformats.org/package/2006/relationships"
#define XML_DECL                                                               \
	"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"

/* Put a string literal. */
#define PUTS(b, lit) put((b), (lit), sizeof(lit) - 1)

enum { C_NONE, C_TEXT, C_NUM, C_BLANK, C_SST };

/* One cell of the current row (text in the book's row text). */
struct cell {
	double v;
	uint32_t off, len;
	xo_fmt fmt;
	unsigned char kind;
};

struct font {
	char *name;
	double size;
	unsigned bold, italic;
};

/* One cellXfs entry (index = position + 1; 0 is the default). */
struct xf {
	struct xo_style s; /* font and num owned, never NULL */
	int font, numfmt;
};

struct merge {
	int r, c0, c1;
};

/* A chart with its strings copied. */
struct chart {
	struct xo_chart c;
	int no; /* chartN.xml, drawingN.xml */
};

struct xo_sheet {
	struct xo_book *b;
	char *name;
	char *fold; /* the name case-folded, for uniqueness */
	int no; /* sheetN.xml, 1-based */
	struct xo_page page; /* footer owned */
	struct chart *chart;
};

struct xo_book {
	zipFile zf;
	int err;
	int in_entry;
	uint64_t entry_bytes;
	char *buf;
	size_t len;
	char *title, *subject, *author;
	time_t created;

	struct xf *xf;
	size_t nxf, capxf;
	struct font *fonts;
	size_t nfonts, capfonts;
	char **numfmts; /* custom formats, ids 164 on */
	size_t nnumfmts, capnumfmts;
	struct xo_sheet **sheets;
	size_t nsheets, capsheets;
	/* the shared strings (xo_stext): text, each one's offset, an index */
	char *sst;
	size_t sstlen, sstcap;
	uint32_t *sstoff;
	size_t nsst, capsst;
	uint64_t sstrefs;
	struct hashtab sstix;
	int ncharts;

	/* the current sheet */
	struct xo_sheet *cur;
	int row; /* the buffered row, -1 none */
	double row_ht; /* its height, 0 default */
	int data_open; /* <sheetData> written */
	struct cell *cells;
	size_t capcells;
	int cmin, cmax;
	char *text;
	size_t tlen, tcap;
	struct merge *merges;
	size_t nmerges, capmerges;
	double *widths;
	size_t capwidths;
};

/* ---- output: the buffer and the zip entries ---------------------------- */

static void fail(struct xo_book *b, int e)
{
	if (!b->err)
		b->err = e;
}

static void flush(struct xo_book *b)
{
	if (b->len && !b->err && b->in_entry) {
		b->entry_bytes += b->len;
		if (b->entry_bytes > XO_ENTRY_MAX)
			fail(b, XO_ELIMIT);
		else if (zipWriteInFileInZip(b->zf, b->buf, (unsigned)b->len) !=
			 ZIP_OK)
			fail(b, XO_EIO);
	}
	b->len = 0;
}

/* Room for n bytes (n <= XO_BUF) at the end of the buffer. */
static char *reserve(struct xo_book *b, size_t n)
{
	if (XO_BUF - b->len < n)
		flush(b);
	return b->buf + b->len;
}

static void put(struct xo_book *b, const void *p, size_t n)
{
	if (XO_BUF - b->len < n)
		flush(b);
	if (n >= XO_BUF) {
		while (n) {
			size_t k = n < XO_BUF ? n : XO_BUF;

			memcpy(b->buf, p, k);
			b->len = k;
			flush(b);
			p = (const char *)p + k;
			n -= k;
		}
		return;
	}
	memcpy(b->buf + b->len, p, n);
	b->len += n;
}

/* printf into the buffer: for the parts written once, never per cell. */
__attribute__((format(printf, 2, 3))) static void putf(struct xo_book *b,
						       const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0)
		put(b, tmp,
		    (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

/* Every entry the same date: 1980-01-01 00:00. */
static void entry_open(struct xo_book *b, const char *name)
{
	zip_fileinfo zi;

	if (b->err)
		return;
	memset(&zi, 0, sizeof(zi));
	zi.tmz_date.tm_mday = 1;
	zi.tmz_date.tm_year = 1980;
	if (zipOpenNewFileInZip3_64(b->zf, name, &zi, NULL, 0, NULL, 0, NULL,
				    Z_DEFLATED, Z_BEST_SPEED, 0, -MAX_WBITS,
				    DEF_MEM_LEVEL, Z_DEFAULT_STRATEGY, NULL, 0,
				    0) != ZIP_OK) {
		fail(b, XO_EIO);
		return;
	}
	b->in_entry = 1;
	b->entry_bytes = 0;
	b->len = 0;
}

static void entry_close(struct xo_book *b)
{
	if (!b->in_entry)
		return;
	flush(b);
	b->in_entry = 0;
	if (zipCloseFileInZip(b->zf) != ZIP_OK)
		fail(b, XO_EIO);
}

/* ---- formatting ---------------------------------------------------------- */

/*
 * What escaping a byte needs: 0 none, 1 an entity, 2 dropped (a control
 * character XML cannot hold), 3 '_' (Excel reads "_xHHHH_" as a
 * character: its '_' is written "_x005F_").
 */
static const unsigned char esc_tab[256] = {
	[0] = 2,   [1] = 2,   [2] = 2,	 [3] = 2,   [4] = 2,   [5] = 2,
	[6] = 2,   [7] = 2,   [8] = 2,	 [11] = 2,  [12] = 2,  [14] = 2,
	[15] = 2,  [16] = 2,  [17] = 2,	 [18] = 2,  [19] = 2,  [20] = 2,
	[21] = 2,  [22] = 2,  [23] = 2,	 [24] = 2,  [25] = 2,  [26] = 2,
	[27] = 2,  [28] = 2,  [29] = 2,	 [30] = 2,  [31] = 2,  ['\r'] = 1,
	['&'] = 1, ['<'] = 1, ['>'] = 1, ['"'] = 1, ['_'] = 3,
};

static int is_hex(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F');
}

/* Is s (before end) "_xHHHH_"? */
static int is_xesc(const unsigned char *s, const unsigned char *end)
{
	return end - s >= 7 && s[1] == 'x' && is_hex(s[2]) && is_hex(s[3]) &&
	       is_hex(s[4]) && is_hex(s[5]) && s[6] == '_';
}

/*
 * Escape s[0..n) to o (room for 7 bytes per byte of s); end bounds the
 * look-ahead of '_'.  Returns the new end of o.
 */
static char *esc(char *o, const unsigned char *s, size_t n,
		 const unsigned char *end)
{
	const unsigned char *e = s + n;

	while (s < e) {
		const unsigned char *run = s;

		while (s < e && !esc_tab[*s])
			s++;
		memcpy(o, run, (size_t)(s - run));
		o += s - run;
		if (s == e)
			break;
		switch (*s) {
		case '&':
			memcpy(o, "&amp;", 5);
			o += 5;
			break;
		case '<':
			memcpy(o, "&lt;", 4);
			o += 4;
			break;
		case '>':
			memcpy(o, "&gt;", 4);
			o += 4;
			break;
		case '"':
			memcpy(o, "&quot;", 6);
			o += 6;
			break;
		case '\r':
			memcpy(o, "&#13;", 5);
			o += 5;
			break;
		case '_':
			if (is_xesc(s, end)) {
				memcpy(o, "_x005F_", 7);
				o += 7;
			} else {
				*o++ = '_';
			}
			break;
		default: /* a control character: dropped */
			break;
		}
		s++;
	}
	return o;
}

/* Put s[0..n) escaped, in slices the buffer holds. */
static void put_esc(struct xo_book *b, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s, *end = u + n;
	const size_t slice = XO_BUF / 8;

	while (n) {
		size_t k = n < slice ? n : slice;
		char *o = reserve(b, 7 * k);

		b->len = (size_t)(esc(o, u, k, end) - b->buf);
		u += k;
		n -= k;
	}
}

static void put_escs(struct xo_book *b, const char *s)
{
	put_esc(b, s, strlen(s));
}

static char *fmt_uint(char *o, uint64_t v)
{
	char t[20];
	int n = 0;

	do {
		t[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*o++ = t[--n];
	return o;
}

/* A number as Excel reads it back: integers plain, else shortest. */
static char *fmt_num(char *o, double v)
{
	char t[40];
	int p, n = 0;

	if (v >= -1e15 && v <= 1e15 && v == (double)(int64_t)v) {
		if (v < 0) {
			*o++ = '-';
			return fmt_uint(o, (uint64_t)(-(int64_t)v));
		}
		return fmt_uint(o, (uint64_t)v);
	}
	for (p = 15; p <= 17; p++) {
		n = snprintf(t, sizeof(t), "%.*g", p, v);
		if (strtod(t, NULL) == v)
			break;
	}
	memcpy(o, t, (size_t)n);
	return o + n;
}

/* Column c (0-based) as letters. */
static char *fmt_col(char *o, int c)
{
	char t[4];
	int n = 0;

	c++;
	while (c) {
		t[n++] = (char)('A' + (c - 1) % 26);
		c = (c - 1) / 26;
	}
	while (n)
		*o++ = t[--n];
	return o;
}

/* A cell reference "$C$5" or "C5". */
static void put_ref(struct xo_book *b, int r, int c, int abs)
{
	char *o = reserve(b, 24);

	if (abs)
		*o++ = '$';
	o = fmt_col(o, c);
	if (abs)
		*o++ = '$';
	b->len = (size_t)(fmt_uint(o, (uint64_t)r + 1) - b->buf);
}

/*
 * A double as a short attribute value (widths, heights, margins), as
 * "%.16g" writes it.  Quarters (a tall row's height is a half) are exact
 * in binary and need no printf: most rows of a list have one.
 */
static void put_dbl(struct xo_book *b, double v)
{
	int64_t q = (int64_t)(v * 4);
	char *o;

	if (v < 0 || v > 1e9 || (double)q != v * 4) {
		putf(b, "%.16g", v);
		return;
	}
	o = fmt_uint(reserve(b, 24), (uint64_t)(q / 4));
	switch (q % 4) {
	case 1:
		memcpy(o, ".25", 3), o += 3;
		break;
	case 2:
		memcpy(o, ".5", 2), o += 2;
		break;
	case 3:
		memcpy(o, ".75", 3), o += 3;
		break;
	}
	b->len = (size_t)(o - b->buf);
}

/* 'name' with inner quotes doubled, XML-escaped. */
static void put_qname(struct xo_book *b, const char *name)
{
	const char *q;

	PUTS(b, "'");
	while ((q = strchr(name, '\'')) != NULL) {
		put_esc(b, name, (size_t)(q - name));
		PUTS(b, "''");
		name = q + 1;
	}
	put_escs(b, name);
	PUTS(b, "'");
}

/* ---- small helpers ------------------------------------------------------- */

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static int same_str(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

const char *xo_strerror(int e)
{
	switch (e) {
	case XO_OK:
		return "no error";
	case XO_EIO:
		return "writing the workbook failed";
	case XO_EROW:
		return "a row before the current one (or a sheet already "
		       "finished)";
	case XO_ENAME:
		return "a bad or repeated sheet name";
	case XO_ELIMIT:
		return "past the limits of a worksheet (1,048,576 rows, "
		       "16,384 columns)";
	case XO_EMEM:
		return "out of memory";
	}
	return "unknown error";
}

int xo_error(const struct xo_book *b)
{
	return b ? b->err : XO_OK;
}

/* ---- opening the book ---------------------------------------------------- */

/* minizip's open: the file is created mode 0600 whatever the umask. */
static voidpf ZCALLBACK zopen_0600(voidpf opaque, const void *name, int mode)
{
	int fd, e;
	FILE *f;

	(void)opaque;
	(void)mode;
	fd = open((const char *)name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		  0600);
	if (fd < 0)
		return NULL;
	if (fchmod(fd, 0600) == 0) {
		f = fdopen(fd, "wb");
		if (f)
			return f;
	}
	e = errno;
	close(fd);
	errno = e;
	return NULL;
}

struct xo_book *xo_open(const char *path, const struct xo_props *p)
{
	zlib_filefunc64_def ff;
	struct xo_book *b;
	zipFile zf;

	fill_fopen64_filefunc(&ff);
	ff.zopen64_file = zopen_0600;
	errno = 0;
	zf = zipOpen2_64(path, APPEND_STATUS_CREATE, NULL, &ff);
	if (!zf) {
		if (!errno)
			errno = EIO;
		return NULL;
	}
	b = xcalloc(1, sizeof(*b));
	b->zf = zf;
	b->buf = xmalloc(XO_BUF);
	b->row = -1;
	b->cmin = INT_MAX;
	b->cmax = -1;
	if (p) {
		b->title = dup_or_null(p->title);
		b->subject = dup_or_null(p->subject);
		b->author = dup_or_null(p->author);
		b->created = p->created;
	}
	return b;
}

/* ---- styles -------------------------------------------------------------- */

static int font_index(struct xo_book *b, const struct xo_style *s)
{
	size_t i;

	for (i = 0; i < b->nfonts; i++) {
		const struct font *f = &b->fonts[i];

		if (same_str(f->name, s->font) && f->size == s->size &&
		    f->bold == s->bold && f->italic == s->italic)
			return (int)i;
	}
	GROW(b->fonts, b->capfonts, b->nfonts + 1);
	b->fonts[b->nfonts] =
		(struct font){ xstrdup(s->font), s->size, s->bold, s->italic };
	return (int)b->nfonts++;
}

/* The builtin number formats the lists may use. */
static const struct {
	const char *code;
	int id;
} builtin_num[] = {
	{ "General", 0 }, { "0", 1 },	      { "0.00", 2 },
	{ "#,##0", 3 },	  { "#,##0.00", 4 },  { "0%", 9 },
	{ "0.00%", 10 },  { "0.00E+00", 11 }, { "@", 49 },
};

static int numfmt_id(struct xo_book *b, const char *code)
{
	size_t i;

	for (i = 0; i < sizeof(builtin_num) / sizeof(builtin_num[0]); i++)
		if (same_str(code, builtin_num[i].code))
			return builtin_num[i].id;
	for (i = 0; i < b->nnumfmts; i++)
		if (same_str(code, b->numfmts[i]))
			return 164 + (int)i;
	GROW(b->numfmts, b->capnumfmts, b->nnumfmts + 1);
	b->numfmts[b->nnumfmts] = xstrdup(code);
	return 164 + (int)b->nnumfmts++;
}

static int same_style(const struct xo_style *a, const struct xo_style *s)
{
	return same_str(a->font, s->font) && a->size == s->size &&
	       a->bold == s->bold && a->italic == s->italic &&
	       a->wrap == s->wrap && a->border == s->border &&
	       a->align == s->align && same_str(a->num, s->num);
}

xo_fmt xo_style(struct xo_book *b, const struct xo_style *s)
{
	struct xo_style n;
	struct xf *x;
	size_t i;

	if (!b || b->err || !s)
		return 0;
	if (!b->nfonts) /* font 0: the default style's */
		font_index(b, &(struct xo_style){ .font = XO_DEF_FONT,
						  .size = 11 });
	n = *s;
	n.font = s->font ? s->font : XO_DEF_FONT;
	n.size = s->size > 0 ? s->size : 11;
	n.num = s->num ? s->num : "General";
	for (i = 0; i < b->nxf; i++)
		if (same_style(&b->xf[i].s, &n))
			return (xo_fmt)(i + 1);
	GROW(b->xf, b->capxf, b->nxf + 1);
	x = &b->xf[b->nxf];
	x->font = font_index(b, &n);
	x->numfmt = numfmt_id(b, n.num);
	x->s = n;
	x->s.font = xstrdup(n.font);
	x->s.num = xstrdup(n.num);
	return (xo_fmt)++b->nxf;
}

/* ---- the current row ----------------------------------------------------- */

static void put_cols(struct xo_book *b)
{
	size_t c, e;
	int any = 0;

	for (c = 0; c < b->capwidths; c = e) {
		e = c + 1;
		if (b->widths[c] <= 0)
			continue;
		while (e < b->capwidths && b->widths[e] == b->widths[c])
			e++;
		if (!any)
			PUTS(b, "<cols>");
		any = 1;
		putf(b, "<col min=\"%zu\" max=\"%zu\" width=\"", c + 1, e);
		put_dbl(b, b->widths[c]);
		PUTS(b, "\" customWidth=\"1\"/>");
	}
	if (any)
		PUTS(b, "</cols>");
}

static void data_open(struct xo_book *b)
{
	if (b->data_open)
		return;
	b->data_open = 1;
	put_cols(b);
	PUTS(b, "<sheetData>");
}

/* One cell's XML; prev: the column of the cell before it in the row. */
static void put_cell(struct xo_book *b, int c, int prev, const struct cell *x)
{
	const unsigned char *t =
		x->kind == C_TEXT ? (const unsigned char *)b->text + x->off
				  : NULL;
	int long_text = x->kind == C_TEXT && x->len > (XO_BUF - 256) / 7;
	size_t need =
		XO_CELL_MAX +
		(x->kind == C_TEXT && !long_text ? 7 * (size_t)x->len : 0);
	char *o = reserve(b, need);

	memcpy(o, "<c", 2);
	o += 2;
	if (c != prev + 1) {
		memcpy(o, " r=\"", 4);
		o = fmt_col(o + 4, c);
		o = fmt_uint(o, (uint64_t)b->row + 1);
		*o++ = '"';
	}
	if (x->fmt) {
		memcpy(o, " s=\"", 4);
		o = fmt_uint(o + 4, (uint64_t)x->fmt);
		*o++ = '"';
	}
	if (x->kind == C_BLANK) {
		memcpy(o, "/>", 2);
		b->len = (size_t)(o + 2 - b->buf);
		return;
	}
	if (x->kind == C_SST) {
		memcpy(o, " t=\"s\"><v>", 10);
		o = fmt_uint(o + 10, x->off);
		memcpy(o, "</v></c>", 8);
		b->len = (size_t)(o + 8 - b->buf);
		return;
	}
	if (x->kind == C_NUM) {
		if (isfinite(x->v)) {
			memcpy(o, "><v>", 4);
			o = fmt_num(o + 4, x->v);
		} else {
			memcpy(o, " t=\"e\"><v>#NUM!", 15);
			o += 15;
		}
		memcpy(o, "</v></c>", 8);
		b->len = (size_t)(o + 8 - b->buf);
		return;
	}
	if (t[0] == ' ' || t[0] == '\t' || t[0] == '\n' ||
	    t[x->len - 1] == ' ' || t[x->len - 1] == '\t' ||
	    t[x->len - 1] == '\n') {
		memcpy(o, " t=\"inlineStr\"><is><t xml:space=\"preserve\">",
		       43);
		o += 43;
	} else {
		memcpy(o, " t=\"inlineStr\"><is><t>", 22);
		o += 22;
	}
	if (long_text) {
		b->len = (size_t)(o - b->buf);
		put_esc(b, (const char *)t, x->len);
		o = reserve(b, 16);
	} else {
		o = esc(o, t, x->len, t + x->len);
	}
	memcpy(o, "</t></is></c>", 13);
	b->len = (size_t)(o + 13 - b->buf);
}

/* Write the buffered row (if any) and forget it. */
static void row_emit(struct xo_book *b)
{
	char *o;
	int c, prev = -1;

	if (b->row < 0 || (b->cmax < 0 && b->row_ht <= 0))
		goto done;
	data_open(b);
	o = reserve(b, 32);
	memcpy(o, "<row r=\"", 8);
	o = fmt_uint(o + 8, (uint64_t)b->row + 1);
	*o++ = '"';
	b->len = (size_t)(o - b->buf);
	if (b->row_ht > 0) {
		PUTS(b, " ht=\"");
		put_dbl(b, b->row_ht);
		PUTS(b, "\" customHeight=\"1\"");
	}
	if (b->cmax < 0) {
		PUTS(b, "/>");
		goto done;
	}
	PUTS(b, ">");
	for (c = b->cmin; c <= b->cmax; c++) {
		struct cell *x = &b->cells[c];

		if (x->kind == C_NONE)
			continue;
		put_cell(b, c, prev, x);
		x->kind = C_NONE;
		prev = c;
	}
	PUTS(b, "</row>");
done:
	b->row = -1;
	b->row_ht = 0;
	b->cmin = INT_MAX;
	b->cmax = -1;
	b->tlen = 0;
}

/* Make r the current row of s; 0, or -1 with the book failed. */
static int row_at(struct xo_sheet *s, int r)
{
	struct xo_book *b;

	if (!s || s->b->err)
		return -1;
	b = s->b;
	if (s != b->cur) {
		fail(b, XO_EROW);
		return -1;
	}
	if (r < 0 || r > XO_MAXROW) {
		fail(b, XO_ELIMIT);
		return -1;
	}
	if (r == b->row)
		return 0;
	if (r < b->row) {
		fail(b, XO_EROW);
		return -1;
	}
	row_emit(b);
	b->row = r;
	return b->err ? -1 : 0;
}

static struct cell *cell_at(struct xo_sheet *s, int r, int c, xo_fmt f)
{
	struct xo_book *b;
	struct cell *x;

	if (row_at(s, r) < 0)
		return NULL;
	b = s->b;
	if (c < 0 || c > XO_MAXCOL) {
		fail(b, XO_ELIMIT);
		return NULL;
	}
	if ((size_t)c >= b->capcells) {
		size_t old = b->capcells;

		GROW(b->cells, b->capcells, (size_t)c + 1);
		memset(b->cells + old, 0, (b->capcells - old) * sizeof(*x));
	}
	if (c < b->cmin)
		b->cmin = c;
	if (c > b->cmax)
		b->cmax = c;
	x = &b->cells[c];
	x->fmt = f;
	return x;
}

void xo_height(struct xo_sheet *s, int r, double height)
{
	if (row_at(s, r) == 0)
		s->b->row_ht = height;
}

/*
 * The cell of a text of n bytes (NULL with a blank written instead when
 * the text is empty, or on an error; then *n is not used).
 */
static struct cell *text_cell(struct xo_sheet *s, int r, int c,
			      const char *text, xo_fmt f, size_t *n)
{
	*n = text ? strlen(text) : 0;
	if (!*n) {
		xo_blank(s, r, c, f);
		return NULL;
	}
	return cell_at(s, r, c, f);
}

void xo_text(struct xo_sheet *s, int r, int c, const char *text, xo_fmt f)
{
	struct xo_book *b;
	size_t n;
	struct cell *x = text_cell(s, r, c, text, f, &n);

	if (!x)
		return;
	b = s->b;
	if (n > UINT32_MAX - b->tlen) {
		fail(b, XO_ELIMIT);
		return;
	}
	GROW(b->text, b->tcap, b->tlen + n);
	memcpy(b->text + b->tlen, text, n);
	x->kind = C_TEXT;
	x->off = (uint32_t)b->tlen;
	x->len = (uint32_t)n;
	b->tlen += n;
}

/* The index of text (n bytes) among the book's shared strings. */
static uint32_t sst_index(struct xo_book *b, const char *text, size_t n)
{
	uint64_t h = ht_hash(text, n);
	size_t pos;
	uint32_t v;

	if (!b->sstix.cap)
		ht_init(&b->sstix, 64);
	for (pos = ht_first(&b->sstix, h);
	     (v = ht_next(&b->sstix, h, &pos)) != HT_NONE;)
		if (b->sstoff[v + 1] - b->sstoff[v] == n &&
		    !memcmp(b->sst + b->sstoff[v], text, n))
			return v;
	GROW(b->sst, b->sstcap, b->sstlen + n);
	memcpy(b->sst + b->sstlen, text, n);
	b->sstlen += n;
	GROW(b->sstoff, b->capsst, b->nsst + 2);
	if (!b->nsst)
		b->sstoff[0] = 0;
	b->sstoff[b->nsst + 1] = (uint32_t)b->sstlen;
	ht_insert(&b->sstix, h, (uint32_t)b->nsst);
	return (uint32_t)b->nsst++;
}

void xo_stext(struct xo_sheet *s, int r, int c, const char *text, xo_fmt f)
{
	struct xo_book *b;
	size_t n;
	struct cell *x = text_cell(s, r, c, text, f, &n);

	if (!x)
		return;
	b = s->b;
	if (n > UINT32_MAX - b->sstlen || b->nsst >= UINT32_MAX - 1) {
		fail(b, XO_ELIMIT);
		return;
	}
	x->kind = C_SST;
	x->off = sst_index(b, text, n);
	b->sstrefs++;
}

void xo_num(struct xo_sheet *s, int r, int c, double v, xo_fmt f)
{
	struct cell *x = cell_at(s, r, c, f);

	if (x) {
		x->kind = C_NUM;
		x->v = v;
	}
}

void xo_blank(struct xo_sheet *s, int r, int c, xo_fmt f)
{
	struct cell *x;

	if (!f) { /* nothing to write, but the same checks */
		if (row_at(s, r) == 0 && (c < 0 || c > XO_MAXCOL))
			fail(s->b, XO_ELIMIT);
		return;
	}
	x = cell_at(s, r, c, f);
	if (x)
		x->kind = C_BLANK;
}

void xo_date(struct xo_sheet *s, int r, int c, int y, int m, int d, xo_fmt f)
{
	int64_t n = days_from_civil(y, (unsigned)m, (unsigned)d) -
		    days_from_civil(1899, 12, 30);

	if (n < 61) /* before 1900-03-01: Excel's phantom 1900-02-29 */
		n--;
	xo_num(s, r, c, (double)n, f);
}

void xo_merge(struct xo_sheet *s, int r, int c0, int c1, const char *text,
	      xo_fmt f)
{
	struct xo_book *b;
	int c;

	xo_text(s, r, c0, text, f);
	for (c = c0 + 1; c <= c1; c++)
		xo_blank(s, r, c, f);
	if (!s || s->b->err || c1 <= c0)
		return;
	b = s->b;
	GROW(b->merges, b->capmerges, b->nmerges + 1);
	b->merges[b->nmerges++] = (struct merge){ r, c0, c1 };
}

/* libxlsxwriter's conversion: characters of 7 pixels, plus 5 pixels. */
static double col_width(double w)
{
	double px = w < 1 ? floor(w * 12 + 0.5) : floor(w * 7 + 0.5) + 5;

	return floor(px / 7 * 256) / 256;
}

void xo_width(struct xo_sheet *s, int c0, int c1, double width)
{
	struct xo_book *b;
	int c;

	if (!s || s->b->err)
		return;
	b = s->b;
	if (s != b->cur || b->data_open) {
		fail(b, XO_EROW);
		return;
	}
	if (c0 < 0 || c1 > XO_MAXCOL || c1 < c0) {
		fail(b, XO_ELIMIT);
		return;
	}
	if ((size_t)c1 >= b->capwidths) {
		size_t old = b->capwidths;

		GROW(b->widths, b->capwidths, (size_t)c1 + 1);
		memset(b->widths + old, 0,
		       (b->capwidths - old) * sizeof(*b->widths));
	}
	for (c = c0; c <= c1; c++)
		b->widths[c] = width > 0 ? col_width(width) : 0;
}

/* ---- sheets -------------------------------------------------------------- */

/* The name's case-folded form (for uniqueness), or NULL if it is bad. */
static char *name_fold(struct xo_book *b, const char *name)
{
	utf8proc_uint8_t *f = NULL;
	utf8proc_ssize_t n;
	size_t len, chars = 0, i;

	if (!name || !*name || name[0] == '\'')
		return NULL;
	len = strlen(name);
	if (name[len - 1] == '\'' || strpbrk(name, "[]:*?/\\"))
		return NULL;
	for (i = 0; i < len; i++)
		chars += ((unsigned char)name[i] & 0xc0) != 0x80;
	if (chars > 31)
		return NULL;
	n = utf8proc_map(
		(const utf8proc_uint8_t *)name, 0, &f,
		(utf8proc_option_t)(UTF8PROC_NULLTERM | UTF8PROC_STABLE |
				    UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD));
	if (n == UTF8PROC_ERROR_NOMEM)
		fail(b, XO_EMEM);
	if (n < 0)
		return NULL;
	if (same_str((char *)f, "history")) { /* Excel keeps it */
		free(f);
		return NULL;
	}
	return (char *)f;
}

static void sheet_head(struct xo_book *b, const struct xo_sheet *s)
{
	PUTS(b, XML_DECL "<worksheet xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_REL
			 "\">");
	if (s->page.fit_width > 0)
		PUTS(b, "<sheetPr><pageSetUpPr fitToPage=\"1\"/></sheetPr>");
	/* no tabSelected: a sheet may later be placed before this one, and
	   the book's activeTab (0) selects the first */
	PUTS(b, "<sheetViews><sheetView workbookViewId=\"0\"");
	if (s->page.freeze_rows > 0 && s->page.freeze_rows <= XO_MAXROW) {
		putf(b,
		     "><pane ySplit=\"%d\" topLeftCell=\"A%d\" "
		     "activePane=\"bottomLeft\" state=\"frozen\"/>"
		     "<selection pane=\"bottomLeft\"/></sheetView>",
		     s->page.freeze_rows, s->page.freeze_rows + 1);
	} else {
		PUTS(b, "/>");
	}
	PUTS(b, "</sheetViews><sheetFormatPr defaultRowHeight=\"15\"/>");
}

static void put_margins(struct xo_book *b, const struct xo_page *p)
{
	double m[4] = { p->left, p->right, p->top, p->bottom };
	static const char *const at[4] = { "left", "right", "top", "bottom" };
	int i;

	if (!m[0] && !m[1] && !m[2] && !m[3]) {
		m[0] = m[1] = 0.7;
		m[2] = m[3] = 0.75;
	}
	PUTS(b, "<pageMargins");
	for (i = 0; i < 4; i++) {
		putf(b, " %s=\"", at[i]);
		put_dbl(b, m[i]);
		PUTS(b, "\"");
	}
	PUTS(b, " header=\"0.3\" footer=\"0.3\"/>");
}

/* From </sheetData> to </worksheet>. */
static void sheet_tail(struct xo_book *b, const struct xo_sheet *s)
{
	const struct xo_page *p = &s->page;
	size_t i;

	PUTS(b, "</sheetData>");
	if (b->nmerges) {
		putf(b, "<mergeCells count=\"%zu\">", b->nmerges);
		for (i = 0; i < b->nmerges; i++) {
			PUTS(b, "<mergeCell ref=\"");
			put_ref(b, b->merges[i].r, b->merges[i].c0, 0);
			PUTS(b, ":");
			put_ref(b, b->merges[i].r, b->merges[i].c1, 0);
			PUTS(b, "\"/>");
		}
		PUTS(b, "</mergeCells>");
	}
	if (p->center_h)
		PUTS(b, "<printOptions horizontalCentered=\"1\"/>");
	put_margins(b, p);
	if (p->paper > 0 || p->landscape || p->fit_width > 0) {
		PUTS(b, "<pageSetup");
		if (p->paper > 0)
			putf(b, " paperSize=\"%d\"", p->paper);
		if (p->landscape)
			PUTS(b, " orientation=\"landscape\"");
		if (p->fit_width > 0)
			putf(b, " fitToWidth=\"%d\" fitToHeight=\"0\"",
			     p->fit_width);
		PUTS(b, "/>");
	}
	if (p->footer && *p->footer) {
		PUTS(b, "<headerFooter><oddFooter>");
		put_escs(b, p->footer);
		PUTS(b, "</oddFooter></headerFooter>");
	}
	if (s->chart)
		PUTS(b, "<drawing r:id=\"rId1\"/>");
	PUTS(b, "</worksheet>");
}

/* Finish the current sheet: its last row, its tail, its entry. */
static void sheet_end(struct xo_book *b)
{
	if (!b->cur)
		return;
	row_emit(b);
	data_open(b);
	sheet_tail(b, b->cur);
	entry_close(b);
	b->cur = NULL;
	b->nmerges = 0;
	b->data_open = 0;
	if (b->widths)
		memset(b->widths, 0, b->capwidths * sizeof(*b->widths));
}

struct xo_sheet *xo_sheet(struct xo_book *b, const char *name,
			  const struct xo_page *page)
{
	return xo_sheet_at(b, SIZE_MAX, name, page);
}

struct xo_sheet *xo_sheet_at(struct xo_book *b, size_t pos, const char *name,
			     const struct xo_page *page)
{
	struct xo_sheet *s;
	char fname[64];
	char *fold;
	size_t i;

	if (!b || b->err)
		return NULL;
	fold = name_fold(b, name);
	for (i = 0; fold && i < b->nsheets; i++)
		if (same_str(fold, b->sheets[i]->fold)) {
			free(fold);
			fold = NULL;
		}
	if (!fold) {
		fail(b, XO_ENAME);
		return NULL;
	}
	sheet_end(b);
	s = xcalloc(1, sizeof(*s));
	s->b = b;
	s->name = xstrdup(name);
	s->fold = fold;
	if (page) {
		s->page = *page;
		s->page.footer = dup_or_null(page->footer);
	} else {
		s->page.repeat_r1 = -1;
	}
	GROW(b->sheets, b->capsheets, b->nsheets + 1);
	if (pos > b->nsheets)
		pos = b->nsheets;
	memmove(b->sheets + pos + 1, b->sheets + pos,
		(b->nsheets - pos) * sizeof(*b->sheets));
	b->sheets[pos] = s;
	s->no = (int)++b->nsheets; /* its part: the order written */
	b->cur = s;
	snprintf(fname, sizeof(fname), "xl/worksheets/sheet%d.xml", s->no);
	entry_open(b, fname);
	sheet_head(b, s);
	return b->err ? NULL : s;
}

void xo_add_chart(struct xo_sheet *s, const struct xo_chart *c)
{
	struct xo_book *b;
	struct chart *k;
	int i;

	if (!s || s->b->err || !c)
		return;
	b = s->b;
	if (s != b->cur) {
		fail(b, XO_EROW);
		return;
	}
	if (s->chart || c->nseries < 1 || c->nseries > 4 || c->r0 < 0 ||
	    c->r1 > XO_MAXROW || c->cat_col < 0 || c->cat_col > XO_MAXCOL) {
		fail(b, XO_ELIMIT);
		return;
	}
	k = xcalloc(1, sizeof(*k));
	k->c = *c;
	k->c.title = dup_or_null(c->title);
	k->c.sheet = xstrdup(c->sheet ? c->sheet : s->name);
	k->c.y_num = dup_or_null(c->y_num);
	for (i = 0; i < c->nseries; i++)
		k->c.series[i].name = dup_or_null(c->series[i].name);
	k->no = ++b->ncharts;
	s->chart = k;
}

/* ---- the parts written at close ------------------------------------------ */

static void part_content_types(struct xo_book *b)
{
	size_t i;

	entry_open(b, "[Content_Types].xml");
	PUTS(b, XML_DECL
	     "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/"
	     "content-types\"><Default Extension=\"rels\" "
	     "ContentType=\"application/"
	     "vnd.openxmlformats-package.relationships+xml\"/>"
	     "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
	     "<Override PartName=\"/docProps/app.xml\" "
	     "ContentType=\"application/"
	     "vnd.openxmlformats-officedocument.extended-properties+xml\"/>"
	     "<Override PartName=\"/docProps/core.xml\" "
	     "ContentType=\"application/"
	     "vnd.openxmlformats-package.core-properties+xml\"/>"
	     "<Override PartName=\"/xl/styles.xml\" ContentType=\"application/"
	     "vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>"
	     "<Override PartName=\"/xl/workbook.xml\" "
	     "ContentType=\"application/"
	     "vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
	     "\"/>");
	if (b->nsst)
		PUTS(b, "<Override PartName=\"/xl/sharedStrings.xml\" "
			"ContentType=\"application/"
			"vnd.openxmlformats-officedocument.spreadsheetml."
			"sharedStrings+xml\"/>");
	for (i = 0; i < b->nsheets; i++) {
		const struct xo_sheet *s = b->sheets[i];

		putf(b,
		     "<Override PartName=\"/xl/worksheets/sheet%d.xml\" "
		     "ContentType=\"application/"
		     "vnd.openxmlformats-officedocument.spreadsheetml."
		     "worksheet+xml\"/>",
		     s->no);
		if (!s->chart)
			continue;
		putf(b,
		     "<Override PartName=\"/xl/drawings/drawing%d.xml\" "
		     "ContentType=\"application/"
		     "vnd.openxmlformats-officedocument.drawing+xml\"/>"
		     "<Override PartName=\"/xl/charts/chart%d.xml\" "
		     "ContentType=\"application/"
		     "vnd.openxmlformats-officedocument.drawingml.chart+xml\"/"
		     ">",
		     s->chart->no, s->chart->no);
	}
	PUTS(b, "</Types>");
	entry_close(b);
}

static void part_rels(struct xo_book *b)
{
	entry_open(b, "_rels/.rels");
	PUTS(b, XML_DECL "<Relationships xmlns=\"" NS_PKGREL
			 "\"><Relationship Id=\"rId1\" Type=\"" NS_REL
			 "/officeDocument\" Target=\"xl/workbook.xml\"/>"
			 "<Relationship Id=\"rId2\" Type=\"" NS_PKGREL
			 "/metadata/core-properties\" "
			 "Target=\"docProps/core.xml\"/>"
			 "<Relationship Id=\"rId3\" Type=\"" NS_REL
			 "/extended-properties\" Target=\"docProps/app.xml\"/>"
			 "</Relationships>");
	entry_close(b);
}

/* <tag>text</tag>, or nothing when text is NULL. */
static void put_elem(struct xo_book *b, const char *tag, const char *text)
{
	if (!text)
		return;
	putf(b, "<%s>", tag);
	put_escs(b, text);
	putf(b, "</%s>", tag);
}

static void part_props(struct xo_book *b)
{
	struct tm tm;
	char when[80];
	time_t t = b->created;

	if (!gmtime_r(&t, &tm))
		memset(&tm, 0, sizeof(tm));
	snprintf(when, sizeof(when), "%04d-%02d-%02dT%02d:%02d:%02dZ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec);
	entry_open(b, "docProps/core.xml");
	PUTS(b, XML_DECL
	     "<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/"
	     "package/2006/metadata/core-properties\" "
	     "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
	     "xmlns:dcterms=\"http://purl.org/dc/terms/\" "
	     "xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" "
	     "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">");
	put_elem(b, "dc:title", b->title);
	put_elem(b, "dc:subject", b->subject);
	put_elem(b, "dc:creator", b->author);
	putf(b,
	     "<dcterms:created xsi:type=\"dcterms:W3CDTF\">%s</dcterms:created>"
	     "<dcterms:modified xsi:type=\"dcterms:W3CDTF\">%s"
	     "</dcterms:modified></cp:coreProperties>",
	     when, when);
	entry_close(b);
	entry_open(b, "docProps/app.xml");
	PUTS(b,
	     XML_DECL "<Properties xmlns=\"http://schemas.openxmlformats.org/"
		      "officeDocument/2006/extended-properties\" "
		      "xmlns:vt=\"http://schemas.openxmlformats.org/"
		      "officeDocument/2006/docPropsVTypes\">"
		      "<Application>doisoat</Application></Properties>");
	entry_close(b);
}

static void part_workbook(struct xo_book *b)
{
	size_t i;
	int titles = 0;

	entry_open(b, "xl/workbook.xml");
	PUTS(b, XML_DECL "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_REL
			 "\"><bookViews><workbookView activeTab=\"0\"/>"
			 "</bookViews><sheets>");
	for (i = 0; i < b->nsheets; i++) {
		PUTS(b, "<sheet name=\"");
		put_escs(b, b->sheets[i]->name);
		putf(b, "\" sheetId=\"%d\" r:id=\"rId%d\"/>", b->sheets[i]->no,
		     b->sheets[i]->no);
	}
	PUTS(b, "</sheets>");
	for (i = 0; i < b->nsheets; i++) {
		const struct xo_sheet *s = b->sheets[i];
		int r0 = s->page.repeat_r0, r1 = s->page.repeat_r1;

		if (r1 < r0 || r0 < 0 || r1 > XO_MAXROW)
			continue;
		if (!titles++)
			PUTS(b, "<definedNames>");
		putf(b,
		     "<definedName name=\"_xlnm.Print_Titles\" "
		     "localSheetId=\"%zu\">",
		     i);
		put_qname(b, s->name);
		putf(b, "!$%d:$%d</definedName>", r0 + 1, r1 + 1);
	}
	if (titles)
		PUTS(b, "</definedNames>");
	PUTS(b, "<calcPr calcId=\"124519\" fullCalcOnLoad=\"1\"/></workbook>");
	entry_close(b);
	entry_open(b, "xl/_rels/workbook.xml.rels");
	PUTS(b, XML_DECL "<Relationships xmlns=\"" NS_PKGREL "\">");
	for (i = 0; i < b->nsheets; i++) /* part n: relationship n */
		putf(b,
		     "<Relationship Id=\"rId%zu\" Type=\"" NS_REL
		     "/worksheet\" Target=\"worksheets/sheet%zu.xml\"/>",
		     i + 1, i + 1);
	putf(b,
	     "<Relationship Id=\"rId%zu\" Type=\"" NS_REL
	     "/styles\" Target=\"styles.xml\"/>",
	     b->nsheets + 1);
	if (b->nsst)
		putf(b,
		     "<Relationship Id=\"rId%zu\" Type=\"" NS_REL
		     "/sharedStrings\" Target=\"sharedStrings.xml\"/>",
		     b->nsheets + 2);
	PUTS(b, "</Relationships>");
	entry_close(b);
}

static void put_fonts(struct xo_book *b)
{
	size_t i;

	putf(b, "<fonts count=\"%zu\">", b->nfonts);
	for (i = 0; i < b->nfonts; i++) {
		const struct font *f = &b->fonts[i];

		PUTS(b, "<font>");
		if (f->bold)
			PUTS(b, "<b/>");
		if (f->italic)
			PUTS(b, "<i/>");
		PUTS(b, "<sz val=\"");
		put_dbl(b, f->size);
		PUTS(b, "\"/><name val=\"");
		put_escs(b, f->name);
		PUTS(b, "\"/></font>");
	}
	PUTS(b, "</fonts>");
}

static void put_xf(struct xo_book *b, const struct xf *x)
{
	static const char *const h[] = { NULL, "left", "center", "right" };
	const struct xo_style *s = &x->s;
	unsigned a = (unsigned)s->align;

	putf(b,
	     "<xf numFmtId=\"%d\" fontId=\"%d\" fillId=\"0\" borderId=\"%d\" "
	     "xfId=\"0\"%s%s%s applyAlignment=\"1\"><alignment",
	     x->numfmt, x->font, s->border ? 1 : 0,
	     x->numfmt ? " applyNumberFormat=\"1\"" : "",
	     x->font ? " applyFont=\"1\"" : "",
	     s->border ? " applyBorder=\"1\"" : "");
	if (a < 4 && h[a])
		putf(b, " horizontal=\"%s\"", h[a]);
	PUTS(b, " vertical=\"center\"");
	if (s->wrap)
		PUTS(b, " wrapText=\"1\"");
	PUTS(b, "/></xf>");
}

static void part_styles(struct xo_book *b)
{
	size_t i;

	if (!b->nfonts)
		font_index(b, &(struct xo_style){ .font = XO_DEF_FONT,
						  .size = 11 });
	entry_open(b, "xl/styles.xml");
	PUTS(b, XML_DECL "<styleSheet xmlns=\"" NS_MAIN "\">");
	if (b->nnumfmts) {
		putf(b, "<numFmts count=\"%zu\">", b->nnumfmts);
		for (i = 0; i < b->nnumfmts; i++) {
			putf(b, "<numFmt numFmtId=\"%zu\" formatCode=\"",
			     164 + i);
			put_escs(b, b->numfmts[i]);
			PUTS(b, "\"/>");
		}
		PUTS(b, "</numFmts>");
	}
	put_fonts(b);
	PUTS(b, "<fills count=\"2\"><fill><patternFill patternType=\"none\"/>"
		"</fill><fill><patternFill patternType=\"gray125\"/></fill>"
		"</fills><borders count=\"2\"><border><left/><right/><top/>"
		"<bottom/><diagonal/></border><border>"
		"<left style=\"thin\"><color auto=\"1\"/></left>"
		"<right style=\"thin\"><color auto=\"1\"/></right>"
		"<top style=\"thin\"><color auto=\"1\"/></top>"
		"<bottom style=\"thin\"><color auto=\"1\"/></bottom>"
		"<diagonal/></border></borders><cellStyleXfs count=\"1\">"
		"<xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/>"
		"</cellStyleXfs>");
	putf(b,
	     "<cellXfs count=\"%zu\"><xf numFmtId=\"0\" fontId=\"0\" "
	     "fillId=\"0\" borderId=\"0\" xfId=\"0\"/>",
	     b->nxf + 1);
	for (i = 0; i < b->nxf; i++)
		put_xf(b, &b->xf[i]);
	PUTS(b, "</cellXfs><cellStyles count=\"1\"><cellStyle name=\"Normal\" "
		"xfId=\"0\" builtinId=\"0\"/></cellStyles><dxfs count=\"0\"/>"
		"<tableStyles count=\"0\"/></styleSheet>");
	entry_close(b);
}

/* ---- the chart ----------------------------------------------------------- */

/* 'Sheet'!$C$r0:$C$r1 */
static void put_range(struct xo_book *b, const struct xo_chart *c, int col)
{
	put_qname(b, c->sheet);
	PUTS(b, "!");
	put_ref(b, c->r0, col, 1);
	PUTS(b, ":");
	put_ref(b, c->r1, col, 1);
}

/* The series drawn as lines (line = 1) or as columns; idx counts on. */
/* Series colours, by the series' place in xo_chart: Office's first four. */
static const char *const series_rgb[4] = { "4F81BD", "C0504D", "9BBB59",
					   "8064A2" };

static void put_series(struct xo_book *b, const struct xo_chart *c, int line,
		       int *idx)
{
	int i;

	for (i = 0; i < c->nseries; i++) {
		const struct xo_series *s = &c->series[i];

		if ((int)s->line != line)
			continue;
		putf(b, "<c:ser><c:idx val=\"%d\"/><c:order val=\"%d\"/>", *idx,
		     *idx);
		(*idx)++;
		if (s->name) {
			PUTS(b, "<c:tx><c:v>");
			put_escs(b, s->name);
			PUTS(b, "</c:v></c:tx>");
		}
		/* colours of their own: the book has no theme to take
		   them from (without, LibreOffice draws nothing) */
		if (line)
			putf(b,
			     "<c:spPr><a:ln w=\"28575\"><a:solidFill>"
			     "<a:srgbClr val=\"%s\"/></a:solidFill></a:ln>"
			     "</c:spPr><c:marker><c:symbol val=\"none\"/>"
			     "</c:marker>",
			     series_rgb[i % 4]);
		else
			putf(b,
			     "<c:spPr><a:solidFill><a:srgbClr val=\"%s\"/>"
			     "</a:solidFill></c:spPr>"
			     "<c:invertIfNegative val=\"0\"/>",
			     series_rgb[i % 4]);
		PUTS(b, "<c:cat><c:strRef><c:f>");
		put_range(b, c, c->cat_col);
		PUTS(b, "</c:f></c:strRef></c:cat><c:val><c:numRef><c:f>");
		put_range(b, c, s->col);
		PUTS(b, "</c:f></c:numRef></c:val>");
		if (line)
			PUTS(b, "<c:smooth val=\"0\"/>");
		PUTS(b, "</c:ser>");
	}
}

static void put_axes(struct xo_book *b, const struct xo_chart *c)
{
	PUTS(b, "<c:catAx><c:axId val=\"50010001\"/><c:scaling>"
		"<c:orientation val=\"minMax\"/></c:scaling>"
		"<c:delete val=\"0\"/><c:axPos val=\"b\"/>"
		"<c:numFmt formatCode=\"General\" sourceLinked=\"1\"/>"
		"<c:tickLblPos val=\"nextTo\"/><c:crossAx val=\"50010002\"/>"
		"<c:crosses val=\"autoZero\"/><c:auto val=\"1\"/>"
		"<c:lblAlgn val=\"ctr\"/><c:lblOffset val=\"100\"/>"
		"</c:catAx><c:valAx><c:axId val=\"50010002\"/><c:scaling>"
		"<c:orientation val=\"minMax\"/></c:scaling>"
		"<c:delete val=\"0\"/><c:axPos val=\"l\"/><c:majorGridlines>"
		"<c:spPr><a:ln w=\"9525\"><a:solidFill><a:srgbClr "
		"val=\"D9D9D9\"/></a:solidFill></a:ln></c:spPr>"
		"</c:majorGridlines>"
		"<c:numFmt formatCode=\"");
	put_escs(b, c->y_num ? c->y_num : "General");
	putf(b, "\" sourceLinked=\"%d\"/>", c->y_num ? 0 : 1);
	PUTS(b, "<c:tickLblPos val=\"nextTo\"/><c:crossAx val=\"50010001\"/>"
		"<c:crosses val=\"autoZero\"/><c:crossBetween val=\"between\"/>"
		"</c:valAx>");
}

static void put_chart(struct xo_book *b, const struct xo_chart *c)
{
	int i, bars = 0, lines = 0, idx = 0;

	for (i = 0; i < c->nseries; i++) {
		if (c->series[i].line)
			lines++;
		else
			bars++;
	}
	PUTS(b, XML_DECL
	     "<c:chartSpace xmlns:c=\"http://schemas.openxmlformats.org/"
	     "drawingml/2006/chart\" xmlns:a=\"http://schemas.openxmlformats."
	     "org/drawingml/2006/main\" xmlns:r=\"" NS_REL "\">"
	     "<c:lang val=\"en-US\"/><c:chart>");
	if (c->title) {
		PUTS(b, "<c:title><c:tx><c:rich><a:bodyPr/><a:lstStyle/><a:p>"
			"<a:pPr><a:defRPr/></a:pPr><a:r><a:t>");
		put_escs(b, c->title);
		PUTS(b, "</a:t></a:r></a:p></c:rich></c:tx>"
			"<c:overlay val=\"0\"/></c:title>"
			"<c:autoTitleDeleted val=\"0\"/>");
	} else { /* else Excel makes one up from the series name */
		PUTS(b, "<c:autoTitleDeleted val=\"1\"/>");
	}
	PUTS(b, "<c:plotArea><c:layout/>");
	if (bars) {
		PUTS(b, "<c:barChart><c:barDir val=\"col\"/>"
			"<c:grouping val=\"clustered\"/>"
			"<c:varyColors val=\"0\"/>");
		put_series(b, c, 0, &idx);
		PUTS(b, "<c:gapWidth val=\"150\"/><c:axId val=\"50010001\"/>"
			"<c:axId val=\"50010002\"/></c:barChart>");
	}
	if (lines) {
		PUTS(b, "<c:lineChart><c:grouping val=\"standard\"/>"
			"<c:varyColors val=\"0\"/>");
		put_series(b, c, 1, &idx);
		PUTS(b, "<c:marker val=\"1\"/><c:axId val=\"50010001\"/>"
			"<c:axId val=\"50010002\"/></c:lineChart>");
	}
	put_axes(b, c);
	PUTS(b, "</c:plotArea><c:legend><c:legendPos val=\"b\"/>"
		"<c:overlay val=\"0\"/></c:legend><c:plotVisOnly val=\"1\"/>"
		"<c:dispBlanksAs val=\"gap\"/></c:chart></c:chartSpace>");
}

static void put_drawing(struct xo_book *b, const struct chart *k)
{
	const struct xo_chart *c = &k->c;
	int w = c->width > 0 ? c->width : 480,
	    h = c->height > 0 ? c->height : 288;

	PUTS(b,
	     XML_DECL "<xdr:wsDr xmlns:xdr=\"http://schemas.openxmlformats.org/"
		      "drawingml/2006/spreadsheetDrawing\" xmlns:a=\"http://"
		      "schemas.openxmlformats.org/drawingml/2006/main\">"
		      "<xdr:oneCellAnchor><xdr:from><xdr:col>");
	putf(b,
	     "%d</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>%d</xdr:row>"
	     "<xdr:rowOff>0</xdr:rowOff></xdr:from>"
	     "<xdr:ext cx=\"%lld\" cy=\"%lld\"/>",
	     c->at_col, c->at_row, (long long)w * 9525, (long long)h * 9525);
	putf(b,
	     "<xdr:graphicFrame macro=\"\"><xdr:nvGraphicFramePr>"
	     "<xdr:cNvPr id=\"2\" name=\"Chart %d\"/><xdr:cNvGraphicFramePr/>"
	     "</xdr:nvGraphicFramePr><xdr:xfrm><a:off x=\"0\" y=\"0\"/>"
	     "<a:ext cx=\"0\" cy=\"0\"/></xdr:xfrm><a:graphic>",
	     k->no);
	PUTS(b, "<a:graphicData uri=\"http://schemas.openxmlformats.org/"
		"drawingml/2006/chart\"><c:chart xmlns:c=\"http://"
		"schemas.openxmlformats.org/drawingml/2006/chart\" "
		"xmlns:r=\"" NS_REL "\" r:id=\"rId1\"/></a:graphicData>"
		"</a:graphic></xdr:graphicFrame><xdr:clientData/>"
		"</xdr:oneCellAnchor></xdr:wsDr>");
}

static void part_chart(struct xo_book *b, const struct xo_sheet *s)
{
	const struct chart *k = s->chart;
	char name[64];

	snprintf(name, sizeof(name), "xl/worksheets/_rels/sheet%d.xml.rels",
		 s->no);
	entry_open(b, name);
	putf(b,
	     XML_DECL "<Relationships xmlns=\"" NS_PKGREL
		      "\"><Relationship Id=\"rId1\" Type=\"" NS_REL
		      "/drawing\" Target=\"../drawings/drawing%d.xml\"/>"
		      "</Relationships>",
	     k->no);
	entry_close(b);
	snprintf(name, sizeof(name), "xl/drawings/drawing%d.xml", k->no);
	entry_open(b, name);
	put_drawing(b, k);
	entry_close(b);
	snprintf(name, sizeof(name), "xl/drawings/_rels/drawing%d.xml.rels",
		 k->no);
	entry_open(b, name);
	putf(b,
	     XML_DECL "<Relationships xmlns=\"" NS_PKGREL
		      "\"><Relationship Id=\"rId1\" Type=\"" NS_REL
		      "/chart\" Target=\"../charts/chart%d.xml\"/>"
		      "</Relationships>",
	     k->no);
	entry_close(b);
	snprintf(name, sizeof(name), "xl/charts/chart%d.xml", k->no);
	entry_open(b, name);
	put_chart(b, &k->c);
	entry_close(b);
}

/* ---- closing ------------------------------------------------------------- */

static void free_sheet(struct xo_sheet *s)
{
	int i;

	if (s->chart) {
		free((char *)s->chart->c.title);
		free((char *)s->chart->c.sheet);
		free((char *)s->chart->c.y_num);
		for (i = 0; i < s->chart->c.nseries; i++)
			free((char *)s->chart->c.series[i].name);
		free(s->chart);
	}
	free((char *)s->page.footer);
	free(s->name);
	free(s->fold);
	free(s);
}

static void free_book(struct xo_book *b)
{
	size_t i;

	for (i = 0; i < b->nsheets; i++)
		free_sheet(b->sheets[i]);
	for (i = 0; i < b->nxf; i++) {
		free((char *)b->xf[i].s.font);
		free((char *)b->xf[i].s.num);
	}
	for (i = 0; i < b->nfonts; i++)
		free(b->fonts[i].name);
	for (i = 0; i < b->nnumfmts; i++)
		free(b->numfmts[i]);
	free(b->sheets);
	free(b->xf);
	free(b->fonts);
	free(b->numfmts);
	free(b->cells);
	free(b->text);
	free(b->sst);
	free(b->sstoff);
	if (b->sstix.cap)
		ht_release(&b->sstix);
	free(b->merges);
	free(b->widths);
	free(b->buf);
	free(b->title);
	free(b->subject);
	free(b->author);
	free(b);
}

static void part_sst(struct xo_book *b)
{
	size_t i;

	entry_open(b, "xl/sharedStrings.xml");
	putf(b,
	     XML_DECL "<sst xmlns=\"" NS_MAIN "\" count=\"%llu\" "
		      "uniqueCount=\"%zu\">",
	     (unsigned long long)b->sstrefs, b->nsst);
	for (i = 0; i < b->nsst; i++) {
		const char *t = b->sst + b->sstoff[i];
		size_t n = b->sstoff[i + 1] - b->sstoff[i];

		if (t[0] == ' ' || t[0] == '\t' || t[0] == '\n' ||
		    t[n - 1] == ' ' || t[n - 1] == '\t' || t[n - 1] == '\n')
			PUTS(b, "<si><t xml:space=\"preserve\">");
		else
			PUTS(b, "<si><t>");
		put_esc(b, t, n);
		PUTS(b, "</t></si>");
	}
	PUTS(b, "</sst>");
	entry_close(b);
}

int xo_close(struct xo_book *b)
{
	size_t i;
	int e;

	if (!b)
		return XO_OK;
	if (!b->err && !b->nsheets) /* a book has at least one sheet */
		xo_sheet(b, "Sheet1", NULL);
	if (!b->err) {
		sheet_end(b);
		part_content_types(b);
		part_rels(b);
		part_props(b);
		part_workbook(b);
		part_styles(b);
		if (b->nsst)
			part_sst(b);
		for (i = 0; i < b->nsheets; i++)
			if (b->sheets[i]->chart)
				part_chart(b, b->sheets[i]);
	}
	e = errno;
	if (zipClose(b->zf, NULL) != ZIP_OK)
		fail(b, XO_EIO);
	else
		errno = e;
	e = b->err;
	free_book(b);
	return e;
}
