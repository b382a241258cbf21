/*
 * xlsxin.c: the .xlsx reader.  A workbook is a zip of XML parts; minizip
 * reads one part at a time, inflating it in chunks into expat (names
 * without their prefixes, so a prefixed "x:row" is a row too):
 *   _rels/.rels                  where the workbook part is
 *   xl/workbook.xml              sheet names, order, state; date1904
 *   xl/_rels/workbook.xml.rels   each sheet's part; styles; shared strings
 *   xl/styles.xml                what each cell format makes of a number
 *   xl/sharedStrings.xml         the strings, held in one buffer
 *   xl/worksheets/sheetN.xml     streamed: one row in memory at a time
 * Every part's size is capped as it inflates, its CRC checked at the end;
 * a DOCTYPE stops the parse (no entities to expand).  The cell decoding
 * itself is in xlsxcell.c.
 */
#include "xlsxin.h"
#include "xlrows.h"

#include <stddef.h>
#include <expat.h>
#include <stdlib.h>
#include <string.h>
#include <unzip.h>

#define CHUNK	    (64 * 1024)
#define MAX_ENTRIES 100000 /* zip entries: a workbook has dozens */
#define MAX_XF	    1000000 /* cell formats (Excel stops at 64,000) */
#define MAX_COLS    16384 /* column XFD */

struct sheetinfo {
	char *name;
	char *rid;
	int hidden;
};

struct rel {
	char *id, *type, *target;
};

struct customfmt {
	unsigned id;
	int kind, width;
};

/* Where the sheet's XML stands: in which row, cell and value. */
struct cellxml {
	int in_row, in_c, in_v, in_is, in_t, rph;
	unsigned long prev; /* the previous row's number */
	int col; /* column of the cell being read */
	char type; /* the cell's t: s n b e d i(nlineStr) t(str) */
	unsigned style; /* the cell's s */
	struct strbuf val; /* the cell's <v> or inline text */
};

struct book {
	const char *path;
	struct xlsxin_opts o;
	const struct csvin_cb *cb;
	struct xlsxin_stats *st;
	struct etl_err *err;
	int failed; /* err holds the reason */
	unzFile zf;
	XML_Parser xp;
	const char *part; /* being parsed, for messages */
	char *buf; /* CHUNK bytes of inflated part */

	char *wb_part; /* the workbook part's path */
	struct sheetinfo *sheets;
	size_t nsheets, sheets_cap;
	struct rel *rels;
	size_t nrels, rels_cap;
	int in_sheets;

	struct customfmt *fmts;
	size_t nfmts, fmts_cap;
	unsigned *xf_id; /* numFmtId of each cellXfs entry */
	uint8_t *xf_kind, *xf_width;
	size_t nxf, xf_cap;
	int in_numfmts, in_cellxfs;

	char *ss; /* shared strings, one after the other */
	size_t ss_len, ss_cap;
	uint32_t *ss_off; /* string i is ss[ss_off[i] .. ss_off[i+1]) */
	size_t nss, ss_off_cap;
	int in_si, in_t, rph;
	struct strbuf text; /* a shared string being read */

	struct cellxml cx;
	struct xlrows rows;
};

/* ---- small helpers ---- */

/*
 * An element's or attribute's name without its prefix: "x:row" is "row".
 * The parts' vocabularies do not overlap, so names alone tell elements
 * apart, and expat's namespace processing would cost a tenth of the read.
 */
static const char *local(const char *name)
{
	const char *s = strchr(name, ':');

	return s ? s + 1 : name;
}

static const char *attr(const char **atts, const char *name)
{
	for (; *atts; atts += 2)
		if (!strcmp(local(atts[0]), name) &&
		    (!strcmp(name, "id") ? strchr(atts[0], ':') != NULL : 1))
			return atts[1];
	return NULL;
}

/* Stop the parse with a reason (the first reason wins). */
static void fail(struct book *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void fail(struct book *b, const char *fmt, ...)
{
	va_list ap;

	if (!b->failed) {
		va_start(ap, fmt);
		vsnprintf(b->err->msg, sizeof(b->err->msg), fmt, ap);
		va_end(ap);
		b->failed = 1;
	}
	if (b->xp)
		XML_StopParser(b->xp, XML_FALSE);
}

/*
 * OOXML's escape for characters XML cannot hold: _xHHHH_ is the UTF-16
 * unit HHHH (a pair for characters beyond the BMP), _x005F_ an underscore.
 * Decoded in place; control characters and lone halves stay as written.
 */
static size_t put_utf8(char *out, unsigned cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

static int hex_unit(const char *s, size_t n, unsigned *u)
{
	size_t i;

	if (n < 7 || s[0] != '_' || s[1] != 'x' || s[6] != '_')
		return -1;
	*u = 0;
	for (i = 2; i < 6; i++) {
		char c = s[i];
		int v = c >= '0' && c <= '9'   ? c - '0'
			: c >= 'a' && c <= 'f' ? c - 'a' + 10
			: c >= 'A' && c <= 'F' ? c - 'A' + 10
					       : -1;
		if (v < 0)
			return -1;
		*u = *u << 4 | (unsigned)v;
	}
	return 0;
}

static size_t unescape_x(char *s, size_t n)
{
	size_t i = 0, k = 0;
	unsigned u, lo;

	if (!memchr(s, '_', n))
		return n;
	while (i < n) {
		if (hex_unit(s + i, n - i, &u) < 0 ||
		    (u < 0x20 && u != '\t' && u != '\n' && u != '\r')) {
			s[k++] = s[i++];
			continue;
		}
		if (u >= 0xd800 && u < 0xdc00) {
			if (hex_unit(s + i + 7, n - i - 7, &lo) < 0 ||
			    lo < 0xdc00 || lo > 0xdfff) {
				s[k++] = s[i++];
				continue;
			}
			u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
			i += 7;
		} else if (u >= 0xdc00 && u <= 0xdfff) {
			s[k++] = s[i++];
			continue;
		}
		k += put_utf8(s + k, u);
		i += 7;
	}
	return k;
}

/* ---- reading a part ---- */

static void XMLCALL no_doctype(void *ctx, const XML_Char *name,
			       const XML_Char *sysid, const XML_Char *pubid,
			       int has_internal)
{
	struct book *b = ctx;

	(void)name, (void)sysid, (void)pubid, (void)has_internal;
	fail(b, "'%s': part '%s' has a DOCTYPE: not a workbook Excel writes",
	     b->path, b->part);
}

/* Position minizip on part name; 0, or 1 when there is no such part. */
static int part_find(struct book *b, const char *name, uint64_t cap,
		     const char *what)
{
	unz_file_info64 fi;

	if (unzLocateFile(b->zf, name, 2) != UNZ_OK)
		return 1;
	if (unzGetCurrentFileInfo64(b->zf, &fi, NULL, 0, NULL, 0, NULL, 0) !=
	    UNZ_OK) {
		fail(b, "'%s': part '%s' is unreadable: damaged zip", b->path,
		     name);
		return -1;
	}
	if (fi.uncompressed_size > cap) {
		fail(b,
		     "'%s': %s '%s' is %llu bytes uncompressed, more than the "
		     "%llu allowed: not read (a damaged or hostile file?)",
		     b->path, what, name,
		     (unsigned long long)fi.uncompressed_size,
		     (unsigned long long)cap);
		return -1;
	}
	if (unzOpenCurrentFile(b->zf) != UNZ_OK) {
		fail(b,
		     "'%s': part '%s' cannot be opened: damaged, encrypted, "
		     "or compressed in a way this reader does not know",
		     b->path, name);
		return -1;
	}
	return 0;
}

/* Inflate the current part into the parser, counting against cap. */
static void part_feed(struct book *b, const char *name, uint64_t cap,
		      const char *what)
{
	uint64_t total = 0;
	int n, rc, ok = 1;

	while (ok && (n = unzReadCurrentFile(b->zf, b->buf, CHUNK)) > 0) {
		total += (uint64_t)n;
		if (total > cap) {
			fail(b,
			     "'%s': %s '%s' inflates to more than %llu bytes: "
			     "not read (a damaged or hostile file?)",
			     b->path, what, name, (unsigned long long)cap);
			break;
		}
		ok = XML_Parse(b->xp, b->buf, n, 0) == XML_STATUS_OK;
	}
	if (ok && n < 0)
		fail(b, "'%s': part '%s' is damaged (zip error %d)", b->path,
		     name, n);
	else if (ok && n == 0)
		XML_Parse(b->xp, b->buf, 0, 1);
	if (!b->failed && XML_GetErrorCode(b->xp) != XML_ERROR_NONE &&
	    XML_GetErrorCode(b->xp) != XML_ERROR_ABORTED)
		fail(b,
		     "'%s': part '%s' is not well-formed XML: %s at line %lu",
		     b->path, name, XML_ErrorString(XML_GetErrorCode(b->xp)),
		     (unsigned long)XML_GetCurrentLineNumber(b->xp));
	rc = unzCloseCurrentFile(b->zf);
	if (!b->failed && rc == UNZ_CRCERROR)
		fail(b, "'%s': part '%s' fails its CRC check: damaged file",
		     b->path, name);
}

/*
 * Parse part name with the given handlers.  Returns 0, 1 when the part
 * does not exist, -1 on failure (b->err says why).  A parse stopped by
 * a handler that did not fail (a sheet skipped) is a success.
 */
static int part_parse(struct book *b, const char *name, uint64_t cap,
		      const char *what, XML_StartElementHandler start,
		      XML_EndElementHandler end, XML_CharacterDataHandler text)
{
	int rc = part_find(b, name, cap, what);

	if (rc)
		return rc;
	b->xp = XML_ParserCreate(NULL);
	if (!b->xp) {
		unzCloseCurrentFile(b->zf);
		fail(b, "'%s': out of memory", b->path);
		return -1;
	}
	b->part = name;
	XML_SetUserData(b->xp, b);
	XML_SetElementHandler(b->xp, start, end);
	XML_SetCharacterDataHandler(b->xp, text);
	XML_SetStartDoctypeDeclHandler(b->xp, no_doctype);
	part_feed(b, name, cap, what);
	XML_ParserFree(b->xp);
	b->xp = NULL;
	return b->failed ? -1 : 0;
}

/* ---- package: _rels/.rels, workbook.xml, its rels ---- */

/* Does a relationship type URI end in /what? */
static int rel_is(const char *type, const char *what)
{
	size_t n = strlen(type), w = strlen(what);

	return n > w && type[n - w - 1] == '/' && !strcmp(type + n - w, what);
}

static void XMLCALL rels_start(void *ctx, const XML_Char *name,
			       const XML_Char **atts)
{
	struct book *b = ctx;
	const char *id = attr(atts, "Id"), *type = attr(atts, "Type"),
		   *target = attr(atts, "Target"),
		   *mode = attr(atts, "TargetMode");
	struct rel *r;

	if (strcmp(local(name), "Relationship") || !id || !type || !target ||
	    (mode && !strcmp(mode, "External")))
		return;
	if (b->nrels >= MAX_ENTRIES) {
		fail(b, "'%s': part '%s' has too many relationships", b->path,
		     b->part);
		return;
	}
	GROW(b->rels, b->rels_cap, b->nrels + 1);
	r = &b->rels[b->nrels++];
	r->id = xstrdup(id);
	r->type = xstrdup(type);
	r->target = xstrdup(target);
}

static void rels_clear(struct book *b)
{
	size_t i;

	for (i = 0; i < b->nrels; i++) {
		free(b->rels[i].id);
		free(b->rels[i].type);
		free(b->rels[i].target);
	}
	b->nrels = 0;
}

static const struct rel *rel_by_type(const struct book *b, const char *what)
{
	size_t i;

	for (i = 0; i < b->nrels; i++)
		if (rel_is(b->rels[i].type, what))
			return &b->rels[i];
	return NULL;
}

static const struct rel *rel_by_id(const struct book *b, const char *id)
{
	size_t i;

	for (i = 0; i < b->nrels; i++)
		if (!strcmp(b->rels[i].id, id))
			return &b->rels[i];
	return NULL;
}

/*
 * The zip path of a relationship's target: absolute ("/xl/x.xml") from the
 * package root, else relative to the folder of the part that points to it
 * ("worksheets/sheet1.xml" from "xl/workbook.xml"); "." and ".." resolved.
 */
static char *part_path(const char *from, const char *target)
{
	struct strbuf sb;
	const char *seg, *slash;
	size_t n;

	sb_init(&sb, 0);
	if (target[0] == '/') {
		target++;
	} else if ((slash = strrchr(from, '/'))) {
		sb_add(&sb, from, (size_t)(slash - from));
	}
	for (seg = target; *seg; seg = slash ? slash + 1 : seg + n) {
		slash = strchr(seg, '/');
		n = slash ? (size_t)(slash - seg) : strlen(seg);
		if (n == 0 || (n == 1 && seg[0] == '.'))
			continue;
		if (n == 2 && seg[0] == '.' && seg[1] == '.') {
			char *up = sb.len ? strrchr(sb.buf, '/') : NULL;

			sb.len = up ? (size_t)(up - sb.buf) : 0;
			if (sb.buf)
				sb.buf[sb.len] = '\0';
			continue;
		}
		if (sb.len)
			sb_addc(&sb, '/');
		sb_add(&sb, seg, n);
	}
	return sb.buf ? sb.buf : xstrdup("");
}

static int flag_true(const char *v)
{
	return v && (!strcmp(v, "1") || !strcmp(v, "true"));
}

static void XMLCALL wb_start(void *ctx, const XML_Char *name,
			     const XML_Char **atts)
{
	struct book *b = ctx;
	const char *n = local(name), *sname, *rid, *state;
	struct sheetinfo *s;

	if (!strcmp(n, "workbookPr")) {
		b->st->date1904 = flag_true(attr(atts, "date1904"));
	} else if (!strcmp(n, "sheets")) {
		b->in_sheets = 1;
	} else if (b->in_sheets && !strcmp(n, "sheet")) {
		sname = attr(atts, "name");
		rid = attr(atts, "id");
		state = attr(atts, "state");
		if (!sname || !rid) {
			fail(b, "'%s': a sheet in '%s' has no name or no id",
			     b->path, b->part);
			return;
		}
		if (b->nsheets >= MAX_ENTRIES) {
			fail(b, "'%s': too many sheets", b->path);
			return;
		}
		GROW(b->sheets, b->sheets_cap, b->nsheets + 1);
		s = &b->sheets[b->nsheets++];
		s->name = xstrdup(sname);
		s->rid = xstrdup(rid);
		s->hidden = !state || !strcmp(state, "visible") ? 0
			    : !strcmp(state, "veryHidden")	? 2
								: 1;
	}
}

static void XMLCALL wb_end(void *ctx, const XML_Char *name)
{
	struct book *b = ctx;

	if (!strcmp(local(name), "sheets"))
		b->in_sheets = 0;
}

static void XMLCALL no_text(void *ctx, const XML_Char *s, int len)
{
	(void)ctx, (void)s, (void)len;
}

static void XMLCALL no_end(void *ctx, const XML_Char *name)
{
	(void)ctx, (void)name;
}

/* The workbook part, from the package's relationships. */
static int find_workbook(struct book *b)
{
	const struct rel *r;
	int rc;

	rc = part_parse(b, "_rels/.rels", b->o.max_part, "part", rels_start,
			no_end, no_text);
	if (rc < 0)
		return -1;
	r = rc ? NULL : rel_by_type(b, "officeDocument");
	b->wb_part = r ? part_path("", r->target) : xstrdup("xl/workbook.xml");
	rels_clear(b);
	rc = part_parse(b, b->wb_part, b->o.max_part, "part", wb_start, wb_end,
			no_text);
	if (rc > 0)
		fail(b,
		     "'%s': a zip file but not an Excel workbook (no part "
		     "'%s')",
		     b->path, b->wb_part);
	if (rc)
		return -1;
	if (!b->nsheets)
		return etl_errf(b->err, "'%s': the workbook has no sheet",
				b->path);
	return 0;
}

/* The workbook's relationships (sheets, styles, shared strings). */
static int read_wb_rels(struct book *b)
{
	char *rels;
	const char *slash = strrchr(b->wb_part, '/');
	size_t dir = slash ? (size_t)(slash - b->wb_part + 1) : 0;
	int rc;

	rels = xmalloc(strlen(b->wb_part) + 16);
	snprintf(rels, strlen(b->wb_part) + 16, "%.*s_rels/%s.rels", (int)dir,
		 b->wb_part, b->wb_part + dir);
	rc = part_parse(b, rels, b->o.max_part, "part", rels_start, no_end,
			no_text);
	if (rc > 0)
		fail(b, "'%s': the workbook has no relationships part '%s'",
		     b->path, rels);
	free(rels);
	return rc ? -1 : 0;
}

/* ---- styles.xml: what each cell format makes of a number ---- */

static void XMLCALL styles_start(void *ctx, const XML_Char *name,
				 const XML_Char **atts)
{
	struct book *b = ctx;
	const char *n = local(name), *id = attr(atts, "numFmtId"),
		   *code = attr(atts, "formatCode");
	struct customfmt *f;

	if (!strcmp(n, "numFmts")) {
		b->in_numfmts = 1;
	} else if (!strcmp(n, "cellXfs")) {
		b->in_cellxfs = 1;
	} else if (b->in_numfmts && !strcmp(n, "numFmt") && id && code) {
		if (b->nfmts >= MAX_XF) {
			fail(b, "'%s': too many number formats", b->path);
			return;
		}
		GROW(b->fmts, b->fmts_cap, b->nfmts + 1);
		f = &b->fmts[b->nfmts++];
		f->id = (unsigned)strtoul(id, NULL, 10);
		f->kind = (int)xlsxin_custom_fmt(code, &f->width);
	} else if (b->in_cellxfs && !strcmp(n, "xf")) {
		if (b->nxf >= MAX_XF) {
			fail(b, "'%s': too many cell formats", b->path);
			return;
		}
		GROW(b->xf_id, b->xf_cap, b->nxf + 1);
		b->xf_id[b->nxf++] = id ? (unsigned)strtoul(id, NULL, 10) : 0;
	}
}

static void XMLCALL styles_end(void *ctx, const XML_Char *name)
{
	struct book *b = ctx;
	const char *n = local(name);

	if (!strcmp(n, "numFmts"))
		b->in_numfmts = 0;
	else if (!strcmp(n, "cellXfs"))
		b->in_cellxfs = 0;
}

static int fmt_cmp(const void *a, const void *b)
{
	const struct customfmt *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* Each cell format's kind, from its numFmtId (custom formats first). */
static void styles_resolve(struct book *b)
{
	struct customfmt key = { 0, 0, 0 }, *f;
	size_t i;

	if (b->nfmts)
		qsort(b->fmts, b->nfmts, sizeof(*b->fmts), fmt_cmp);
	b->xf_kind = xcalloc(b->nxf ? b->nxf : 1, 1);
	b->xf_width = xcalloc(b->nxf ? b->nxf : 1, 1);
	for (i = 0; i < b->nxf; i++) {
		key.id = b->xf_id[i];
		f = b->nfmts ? bsearch(&key, b->fmts, b->nfmts, sizeof(key),
				       fmt_cmp)
			     : NULL;
		if (f) {
			b->xf_kind[i] = (uint8_t)f->kind;
			b->xf_width[i] = (uint8_t)f->width;
		} else {
			b->xf_kind[i] = (uint8_t)xlsxin_builtin_fmt(key.id);
		}
	}
}

/* ---- sharedStrings.xml: every string in one buffer ---- */

static void XMLCALL sst_start(void *ctx, const XML_Char *name,
			      const XML_Char **atts)
{
	struct book *b = ctx;
	const char *n = local(name);

	(void)atts;
	if (!strcmp(n, "si")) {
		b->in_si = 1;
		sb_reset(&b->text);
	} else if (b->in_si && !strcmp(n, "rPh")) {
		b->rph++;
	} else if (b->in_si && !strcmp(n, "t")) {
		b->in_t = 1;
	}
}

static void XMLCALL sst_end(void *ctx, const XML_Char *name)
{
	struct book *b = ctx;
	const char *n = local(name);
	size_t len;

	if (!strcmp(n, "t")) {
		b->in_t = 0;
	} else if (!strcmp(n, "rPh")) {
		b->rph -= b->rph > 0;
	} else if (!strcmp(n, "si") && b->in_si) {
		b->in_si = 0;
		len = b->text.len ? unescape_x(b->text.buf, b->text.len) : 0;
		GROW(b->ss, b->ss_cap, b->ss_len + len);
		GROW(b->ss_off, b->ss_off_cap, b->nss + 2);
		if (len)
			memcpy(b->ss + b->ss_len, b->text.buf, len);
		b->ss_len += len;
		b->ss_off[++b->nss] = (uint32_t)b->ss_len;
	}
}

static void XMLCALL sst_text(void *ctx, const XML_Char *s, int len)
{
	struct book *b = ctx;

	if (b->in_si && b->in_t && !b->rph &&
	    sb_add(&b->text, s, (size_t)len) < 0)
		fail(b, "'%s': shared string %zu is longer than %zu bytes",
		     b->path, b->nss, b->o.max_record);
}

/* Styles and shared strings, where the workbook's relationships say. */
static int read_styles_strings(struct book *b)
{
	const struct rel *r;
	char *path;
	int rc = 0;

	if ((r = rel_by_type(b, "styles"))) {
		path = part_path(b->wb_part, r->target);
		rc = part_parse(b, path, b->o.max_part, "part", styles_start,
				styles_end, no_text);
		free(path);
	}
	if (rc < 0)
		return -1;
	styles_resolve(b);
	GROW(b->ss_off, b->ss_off_cap, 1);
	b->ss_off[0] = 0;
	if ((r = rel_by_type(b, "sharedStrings"))) {
		path = part_path(b->wb_part, r->target);
		rc = part_parse(b, path, b->o.max_strings, "shared strings",
				sst_start, sst_end, sst_text);
		free(path);
	}
	return rc < 0 ? -1 : 0;
}

/* ---- a worksheet, row by row ---- */

/* A number cell's text under its format (see xlsxin.h). */
static size_t number_text(const struct book *b, unsigned style, const char *v,
			  char out[XLSXIN_NUM_MAX])
{
	int kind = style < b->nxf ? b->xf_kind[style] : XF_GENERAL;
	char *end;
	double x;
	size_t n;

	if (kind == XF_GENERAL)
		return xlsxin_number(v, out);
	x = strtod(v, &end);
	if (end == v || *end)
		return xlsxin_number(v, out);
	if (kind == XF_DATE && !xlsxin_serial_date(x, b->st->date1904, out))
		return 10;
	if (kind == XF_PERCENT) {
		n = xlsxin_double(x * 100, out);
		out[n++] = '%';
		out[n] = '\0';
		return n;
	}
	if (kind == XF_ZEROS && x >= 0 && x < 9007199254740992.0 &&
	    x == (double)(uint64_t)x)
		return (size_t)snprintf(out, XLSXIN_NUM_MAX, "%0*.0f",
					b->xf_width[style], x);
	return xlsxin_number(v, out);
}

static void cell_put(struct book *b, const char *s, size_t n)
{
	xlrows_cell(&b->rows, b->cx.col, s, n);
}

/* The end of a cell: decode its value by type and format. */
static void cell_done(struct book *b)
{
	struct cellxml *cx = &b->cx;
	char num[XLSXIN_NUM_MAX];
	const char *v = cx->val.buf ? cx->val.buf : "";
	size_t n = cx->val.len;
	char *end;
	unsigned long i;

	switch (cx->type) {
	case 's':
		if (!n)
			return;
		i = strtoul(v, &end, 10);
		if (*end || end == v || i >= b->nss) {
			fail(b,
			     "'%s#%s':%lu: a cell refers to shared string "
			     "'%s', "
			     "which the workbook does not have: damaged file",
			     b->path, b->rows.info.name, b->rows.row, v);
			return;
		}
		cell_put(b, b->ss + b->ss_off[i],
			 b->ss_off[i + 1] - b->ss_off[i]);
		return;
	case 'i':
	case 't':
	case 'e':
		cell_put(b, v, n ? unescape_x(cx->val.buf, n) : 0);
		return;
	case 'b':
		if (n == 1 && (v[0] == '0' || v[0] == '1'))
			cell_put(b, v[0] == '1' ? "TRUE" : "FALSE",
				 v[0] == '1' ? 4 : 5);
		else
			cell_put(b, v, n);
		return;
	case 'd': /* ISO 8601 date (strict OOXML): its date part */
		cell_put(b, v, n >= 10 && v[4] == '-' && v[7] == '-' ? 10 : n);
		return;
	default:
		if (n)
			cell_put(b, num, number_text(b, cx->style, v, num));
	}
}

/* A row's number: its r, else the one after the previous row. */
static void row_start(struct book *b, const char *r)
{
	struct cellxml *cx = &b->cx;
	unsigned long n = cx->prev + 1;
	char *end;

	if (r) {
		n = strtoul(r, &end, 10);
		if (*end || end == r || n == 0 || n > 0x7fffffffUL) {
			fail(b, "'%s#%s': a row after row %lu has a bad number",
			     b->path, b->rows.info.name, cx->prev);
			return;
		}
		if (n <= cx->prev) {
			fail(b,
			     "'%s#%s': row %lu comes after row %lu: rows out "
			     "of order (damaged file)",
			     b->path, b->rows.info.name, n, cx->prev);
			return;
		}
	}
	cx->prev = n;
	cx->in_row = 1;
	cx->col = -1;
	xlrows_row(&b->rows, n);
}

/* A cell's column (its r, else the next), type and format. */
static void cell_start(struct book *b, const XML_Char **atts)
{
	struct cellxml *cx = &b->cx;
	const char *r = NULL, *t = NULL, *s = NULL;
	unsigned long rownum;
	int col = cx->col + 1;

	for (; *atts; atts += 2) { /* one pass: this runs for every cell */
		const char *n = local(atts[0]);

		if (n[0] && !n[1]) {
			if (n[0] == 'r')
				r = atts[1];
			else if (n[0] == 't')
				t = atts[1];
			else if (n[0] == 's')
				s = atts[1];
		}
	}
	if (r && xlsxin_cellref(r, &col, &rownum) < 0) {
		fail(b, "'%s#%s':%lu: bad cell reference '%.20s'", b->path,
		     b->rows.info.name, b->rows.row, r);
		return;
	}
	if (col >= MAX_COLS) {
		fail(b, "'%s#%s':%lu: a cell beyond the last column (XFD)",
		     b->path, b->rows.info.name, b->rows.row);
		return;
	}
	cx->col = col;
	cx->in_c = 1;
	cx->type = !t || !strcmp(t, "n")     ? 'n'
		   : !strcmp(t, "inlineStr") ? 'i'
		   : !strcmp(t, "str")	     ? 't'
					     : t[0];
	cx->style = s ? (unsigned)strtoul(s, NULL, 10) : 0;
	sb_reset(&cx->val);
}

static void XMLCALL sheet_start(void *ctx, const XML_Char *name,
				const XML_Char **atts)
{
	struct book *b = ctx;
	struct cellxml *cx = &b->cx;
	const char *n = local(name);

	if (!strcmp(n, "row")) {
		row_start(b, attr(atts, "r"));
	} else if (!cx->in_row) {
		return;
	} else if (!strcmp(n, "c")) {
		cell_start(b, atts);
	} else if (!cx->in_c) {
		return;
	} else if (!strcmp(n, "v")) {
		cx->in_v = 1;
	} else if (!strcmp(n, "is")) {
		cx->in_is = 1;
	} else if (cx->in_is && !strcmp(n, "t")) {
		cx->in_t = 1;
	} else if (cx->in_is && !strcmp(n, "rPh")) {
		cx->rph++;
	}
}

static void XMLCALL sheet_end(void *ctx, const XML_Char *name)
{
	struct book *b = ctx;
	struct cellxml *cx = &b->cx;
	const char *n = local(name);

	if (!strcmp(n, "v")) {
		cx->in_v = 0;
	} else if (!strcmp(n, "t")) {
		cx->in_t = 0;
	} else if (!strcmp(n, "rPh")) {
		cx->rph -= cx->rph > 0;
	} else if (!strcmp(n, "is")) {
		cx->in_is = 0;
	} else if (!strcmp(n, "c") && cx->in_c) {
		cx->in_c = 0;
		cell_done(b);
	} else if (!strcmp(n, "row") && cx->in_row) {
		cx->in_row = 0;
		xlrows_row_end(&b->rows);
		if (b->rows.stop) /* the sheet is skipped */
			XML_StopParser(b->xp, XML_FALSE);
	}
}

static void XMLCALL sheet_text(void *ctx, const XML_Char *s, int len)
{
	struct book *b = ctx;
	struct cellxml *cx = &b->cx;
	size_t n = (size_t)len;

	if (!cx->in_c || !(cx->in_v || (cx->in_is && cx->in_t && !cx->rph)))
		return;
	if (sb_add(&cx->val, s, n) == 0)
		return;
	/* over max_record: keep what fits, cut at a character boundary */
	b->rows.too_long = 1;
	n = cx->val.cap - cx->val.len;
	while (n && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	sb_add(&cx->val, s, n);
}

/* ---- the whole workbook ---- */

/* Read sheet i (0-based) to its end, or to its refused header. */
static int read_sheet(struct book *b, int i)
{
	const struct sheetinfo *si = &b->sheets[i];
	const struct rel *r = rel_by_id(b, si->rid);
	char *path;
	int rc = 0;

	if (!r)
		return etl_errf(b->err,
				"'%s#%s': the workbook names no part for this "
				"sheet: damaged file",
				b->path, si->name);
	path = part_path(b->wb_part, r->target);
	xlrows_sheet(&b->rows, si->name, path, i + 1, (int)b->nsheets,
		     si->hidden);
	if (!rel_is(r->type, "worksheet")) {
		xlrows_sheet_other(&b->rows);
		free(path);
		return 0;
	}
	memset(&b->cx, 0, offsetof(struct cellxml, val));
	rc = part_parse(b, path, b->o.max_sheet, "sheet", sheet_start,
			sheet_end, sheet_text);
	if (rc > 0)
		fail(b, "'%s#%s': the sheet's part '%s' is missing", b->path,
		     si->name, path);
	if (!rc)
		xlrows_sheet_end(&b->rows);
	free(path);
	return rc ? -1 : 0;
}

const char *xlsxin_status_name(int status)
{
	static const char *const names[] = { "read", "skipped", "empty",
					     "other" };

	return status >= 0 && status < 4 ? names[status] : "?";
}

int xlsxin_sniff(const char *path)
{
	unsigned char m[4];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f)
		return -1;
	n = fread(m, 1, 4, f);
	fclose(f);
	return n == 4 && !memcmp(m, "PK\3\4", 4);
}

static void book_release(struct book *b)
{
	size_t i;

	if (b->zf)
		unzClose(b->zf);
	rels_clear(b);
	for (i = 0; i < b->nsheets; i++) {
		free(b->sheets[i].name);
		free(b->sheets[i].rid);
	}
	free(b->sheets);
	free(b->rels);
	free(b->wb_part);
	free(b->fmts);
	free(b->xf_id);
	free(b->xf_kind);
	free(b->xf_width);
	free(b->ss);
	free(b->ss_off);
	free(b->buf);
	sb_release(&b->text);
	sb_release(&b->cx.val);
	xlrows_release(&b->rows);
}

/* Open the zip and read everything but the sheets. */
static int book_open(struct book *b)
{
	unz_global_info64 gi;

	b->zf = unzOpen64(b->path);
	if (!b->zf)
		return etl_errf(b->err,
				"'%s': not a readable zip file: a truncated or "
				"damaged workbook",
				b->path);
	if (unzGetGlobalInfo64(b->zf, &gi) != UNZ_OK ||
	    gi.number_entry > MAX_ENTRIES)
		return etl_errf(b->err,
				"'%s': the zip's directory is damaged or lists "
				"too many parts",
				b->path);
	if (find_workbook(b) < 0 || read_wb_rels(b) < 0 ||
	    read_styles_strings(b) < 0)
		return -1;
	return 0;
}

/* The sheets to read: all, or the one opts names. */
static int read_sheets(struct book *b)
{
	size_t i;
	int found = 0;

	for (i = 0; i < b->nsheets; i++) {
		if (b->o.sheet && strcmp(b->o.sheet, b->sheets[i].name))
			continue;
		found = 1;
		if (read_sheet(b, (int)i) < 0)
			return -1;
	}
	if (!found)
		return etl_errf(b->err, "'%s': no sheet named '%s'", b->path,
				b->o.sheet);
	return xlrows_finish(&b->rows, b->err);
}

int xlsxin_read(const char *path, const struct xlsxin_opts *opts,
		const struct csvin_cb *cb, struct xlsxin_stats *st,
		struct etl_err *err)
{
	struct book b;
	unsigned char magic[8];
	int rc;

	xlrows_stats_init(st);
	memset(&b, 0, sizeof(b));
	b.path = path;
	b.cb = cb;
	b.st = st;
	b.err = err;
	xlrows_opts(&b.o, opts);
	xlrows_init(&b.rows, path, &b.o, cb, st);
	b.buf = xmalloc(CHUNK);
	sb_init(&b.text, b.o.max_record);
	sb_init(&b.cx.val, b.o.max_record);
	rc = xlrows_hash_file(path, &st->base, magic, err);
	if (!rc && memcmp(magic, "PK\3\4", 4))
		rc = etl_errf(err,
			      "'%s': not an .xlsx workbook (no zip header)",
			      path);
	if (!rc)
		rc = book_open(&b);
	if (!rc) {
		st->sheets = (int)b.nsheets;
		rc = read_sheets(&b);
	}
	book_release(&b);
	return rc;
}
