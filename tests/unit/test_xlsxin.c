/*
 * test_xlsxin.c: the .xlsx reader.  Tables for the cell decoding (number
 * to text, serial to date in both date systems, built-in and custom
 * formats, cell references); hand-made workbooks, zipped here with
 * minizip, for every kind of cell, sparse cells and rows, several sheets,
 * a refused header, title rows, and damaged or hostile files (not a zip,
 * truncated, bad XML, a zip bomb, a DOCTYPE, a bad CRC, missing parts);
 * and the committed fixtures/xlsx/ workbooks (gen-xlsx) against the CSVs
 * they were written from.
 *
 * `test_xlsxin --bench FILE.xlsx [FILE.csv]` reads and normalises a big
 * roster instead (the benchmark of make bench; see gen-xlsx --rows).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "norm.h"
#include "xlsin.h"
#include "xlsxin.h"

#include <iconv.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

/* ---- cell decoding tables ---- */

static void number_text(void **state)
{
	static const struct {
		const char *v, *want;
	} cases[] = {
		{ "84080090001", "84080090001" },
		{ "8.4080090001E10",
		  "84080090001" }, /* how Excel may store it */
		{ "84080000001.0", "84080000001" },
		{ "8400000003", "8400000003" },
		{ "0", "0" },
		{ "-0", "0" },
		{ "29266", "29266" },
		{ "-12.5", "-12.5" },
		{ "0.1", "0.1" },
		{ "0.30000000000000004", "0.3" }, /* 15 significant digits */
		{ "3.3000000000000003", "3.3" },
		{ "1.0000000000000001E-3", "0.001" },
		{ "1E-7", "0.0000001" },
		{ "1.5E+20", "150000000000000000000" },
		{ "9007199254740991", "9007199254740991" }, /* 2^53 - 1 */
		{ "123456789012345678", "123456789012346000" },
		{ "2.5E-3", "0.0025" },
		{ "1234.5678", "1234.5678" },
		{ "abc", "abc" }, /* not a number: as written */
		{ "1e400", "1e400" }, /* overflows: as written */
		{ "", "" },
	};
	char out[XLSXIN_NUM_MAX];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		n = xlsxin_number(cases[i].v, out);
		if (strcmp(out, cases[i].want) || n != strlen(out))
			fail_msg("case %zu: '%s' gave '%s', want '%s'", i,
				 cases[i].v, out, cases[i].want);
	}
}

static void serial_dates(void **state)
{
	static const struct {
		double serial;
		int date1904;
		const char *want; /* NULL: no date */
	} cases[] = {
		{ 1, 0, "1900-01-01" },
		{ 59, 0, "1900-02-28" },
		{ 60, 0, "1900-02-29" }, /* Lotus's day, shown by Excel */
		{ 61, 0, "1900-03-01" },
		{ 25569, 0, "1970-01-01" },
		{ 29205, 0, "1979-12-16" },
		{ 32874, 0, "1990-01-01" },
		{ 44927, 0, "2023-01-01" },
		{ 44927.75, 0, "2023-01-01" }, /* the time of day dropped */
		{ 44927.99999999999, 0, "2023-01-02" }, /* 24:00 within 1 ms */
		{ 2958465, 0, "9999-12-31" },
		{ 2958466, 0, NULL },
		{ 0, 0, NULL },
		{ 0.5, 0, NULL }, /* a time of day, no date */
		{ -1, 0, NULL },
		{ 0, 1, "1904-01-01" },
		{ 1, 1, "1904-01-02" },
		{ 366, 1, "1905-01-01" },
		{ 43465, 1, "2023-01-01" },
		{ -1, 1, NULL },
	};
	char out[11];
	size_t i;
	int rc;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		strcpy(out, "unchanged");
		rc = xlsxin_serial_date(cases[i].serial, cases[i].date1904,
					out);
		if (cases[i].want ? rc != 0 || strcmp(out, cases[i].want)
				  : rc != -1)
			fail_msg("case %zu: %.17g (%s) gave %d '%s', want %s",
				 i, cases[i].serial,
				 cases[i].date1904 ? "1904" : "1900", rc, out,
				 cases[i].want ? cases[i].want : "no date");
	}
}

static void builtin_formats(void **state)
{
	static const struct {
		unsigned id;
		enum xlsxin_fmt want;
	} cases[] = {
		{ 0, XF_GENERAL },   { 1, XF_GENERAL },	 { 2, XF_GENERAL },
		{ 9, XF_PERCENT },   { 10, XF_PERCENT }, { 11, XF_GENERAL },
		{ 14, XF_DATE },     { 15, XF_DATE },	 { 16, XF_DATE },
		{ 17, XF_DATE },     { 18, XF_GENERAL }, /* h:mm AM/PM */
		{ 19, XF_GENERAL },  { 20, XF_GENERAL }, { 21, XF_GENERAL },
		{ 22, XF_DATE }, /* m/d/yy h:mm */
		{ 27, XF_DATE },     { 36, XF_DATE },	 { 37, XF_GENERAL },
		{ 45, XF_GENERAL }, /* mm:ss */
		{ 46, XF_GENERAL }, /* [h]:mm:ss */
		{ 47, XF_GENERAL },  { 49, XF_GENERAL }, /* @ */
		{ 50, XF_DATE },     { 58, XF_DATE },	 { 59, XF_GENERAL },
		{ 163, XF_GENERAL },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (xlsxin_builtin_fmt(cases[i].id) != cases[i].want)
			fail_msg("case %zu: numFmtId %u gave %d, want %d", i,
				 cases[i].id, xlsxin_builtin_fmt(cases[i].id),
				 cases[i].want);
}

static void custom_formats(void **state)
{
	static const struct {
		const char *code;
		enum xlsxin_fmt want;
		int width;
	} cases[] = {
		{ "dd/mm/yyyy", XF_DATE, 0 },
		{ "d/m/yy", XF_DATE, 0 },
		{ "DD/MM/YYYY", XF_DATE, 0 },
		{ "mmm-yy", XF_DATE, 0 },
		{ "mmmm", XF_DATE, 0 }, /* a month name alone */
		{ "yyyy\\-mm\\-dd", XF_DATE, 0 },
		{ "[$-42A]dd/mm/yyyy", XF_DATE, 0 },
		{ "[$-F800]dddd\\,\\ mmmm\\ dd\\,\\ yyyy", XF_DATE, 0 },
		{ "dd/mm/yyyy hh:mm", XF_DATE, 0 },
		{ "\"Ngày \"dd\" tháng \"mm", XF_DATE, 0 },
		{ "h:mm", XF_GENERAL, 0 }, /* minutes, not months */
		{ "hh:mm:ss", XF_GENERAL, 0 },
		{ "[h]:mm:ss", XF_GENERAL, 0 }, /* elapsed time */
		{ "[mm]:ss", XF_GENERAL, 0 },
		{ "mm:ss", XF_GENERAL, 0 },
		{ "mm:ss.0", XF_GENERAL, 0 },
		{ "h:mm AM/PM", XF_GENERAL, 0 },
		{ "General", XF_GENERAL, 0 },
		{ "@", XF_GENERAL, 0 },
		{ "0", XF_GENERAL, 0 },
		{ "0.00", XF_GENERAL, 0 },
		{ "#,##0", XF_GENERAL, 0 },
		{ "0.00E+00", XF_GENERAL, 0 },
		{ "[Red]0.00;[Blue]-0.00", XF_GENERAL, 0 },
		{ "_(* #,##0_);_(* (#,##0);_(* \"-\"_);_(@_)", XF_GENERAL, 0 },
		{ "#,##0 \"đ\"", XF_GENERAL, 0 },
		{ "0\\d", XF_GENERAL, 0 }, /* an escaped d */
		{ "\"day\" 0", XF_GENERAL, 0 }, /* a quoted d */
		{ "0;\"dd\"", XF_GENERAL, 0 }, /* only the first section */
		{ "0%", XF_PERCENT, 0 },
		{ "0.00%", XF_PERCENT, 0 },
		{ "000000000000", XF_ZEROS, 12 },
		{ "00000", XF_ZEROS, 5 },
		{ "00.00", XF_GENERAL, 0 },
	};
	size_t i;
	int width;
	enum xlsxin_fmt got;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		got = xlsxin_custom_fmt(cases[i].code, &width);
		if (got != cases[i].want || width != cases[i].width)
			fail_msg("case %zu: '%s' gave %d (width %d), want %d "
				 "(width %d)",
				 i, cases[i].code, got, width, cases[i].want,
				 cases[i].width);
	}
}

static void cell_refs(void **state)
{
	static const struct {
		const char *ref;
		int ok, col;
		unsigned long row;
	} cases[] = {
		{ "A1", 1, 0, 1 },
		{ "Z9", 1, 25, 9 },
		{ "AA10", 1, 26, 10 },
		{ "AB12", 1, 27, 12 },
		{ "az3", 1, 51, 3 },
		{ "XFD1048576", 1, 16383, 1048576 },
		{ "C", 1, 2, 0 },
		{ "XFE1", 0, 0, 0 },
		{ "AAAA1", 0, 0, 0 },
		{ "1A", 0, 0, 0 },
		{ "", 0, 0, 0 },
		{ "A0", 0, 0, 0 },
		{ "A1B", 0, 0, 0 },
		{ "$A$1", 0, 0, 0 },
		{ "A99999999999", 0, 0, 0 },
	};
	size_t i;
	int col, rc;
	unsigned long row;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		col = -7;
		row = 7;
		rc = xlsxin_cellref(cases[i].ref, &col, &row);
		if (cases[i].ok
			    ? rc || col != cases[i].col || row != cases[i].row
			    : rc != -1)
			fail_msg("case %zu: '%s' gave %d (col %d row %lu)", i,
				 cases[i].ref, rc, col, row);
	}
}

/* ---- hand-made workbooks ---- */

#define NS_MAIN "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define NS_REL                                                                 \
	"http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define NS_PKG "http://schemas.openxmlformats.org/package/2006/relationships"
#define T_WS   NS_REL "/worksheet"

#define ROOT_RELS                                                              \
	"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"        \
	"<Relationships xmlns=\"" NS_PKG "\"><Relationship Id=\"rId1\" "       \
	"Type=\"" NS_REL "/officeDocument\" Target=\"xl/workbook.xml\"/>"      \
	"</Relationships>"
/* A workbook whose sheets are given as <sheet> elements. */
#define WORKBOOK(pr, sheets)                                                   \
	"<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_REL "\">" pr           \
	"<sheets>" sheets "</sheets></workbook>"
#define REL(id, type, target)                                                  \
	"<Relationship Id=\"" id "\" Type=\"" type "\" Target=\"" target "\"/" \
	">"
#define RELS(rels)                                                             \
	"<Relationships xmlns=\"" NS_PKG "\">" rels "</Relationships>"
#define SHEET(rows)                                                            \
	"<worksheet xmlns=\"" NS_MAIN "\"><sheetData>" rows                    \
	"</sheetData></worksheet>"
#define IS(r, text)                                                            \
	"<c r=\"" r "\" t=\"inlineStr\"><is><t>" text "</t></is></c>"

struct part {
	const char *name, *data;
	int stored; /* 1: no compression (to damage bytes in the test) */
};

/* The usual four parts, one sheet (sheet1.xml) holding rows. */
#define BASIC(rows)                                                            \
	{ "_rels/.rels", ROOT_RELS, 0 },                                       \
		{ "xl/workbook.xml",                                           \
		  WORKBOOK("", "<sheet name=\"One\" sheetId=\"1\" "            \
			       "r:id=\"rId1\"/>"),                             \
		  0 },                                                         \
		{ "xl/_rels/workbook.xml.rels",                                \
		  RELS(REL("rId1", T_WS, "worksheets/sheet1.xml")), 0 },       \
	{                                                                      \
		"xl/worksheets/sheet1.xml", SHEET(rows), 0                     \
	}

static char book_path[64];

/* Zip the parts into a temporary file; returns its path. */
static const char *make_book(const struct part *parts, size_t n)
{
	zip_fileinfo zi;
	zipFile zf;
	size_t i;
	int fd;

	strcpy(book_path, "/tmp/test_xlsxin_XXXXXX");
	fd = mkstemp(book_path);
	assert_true(fd >= 0);
	close(fd);
	zf = zipOpen64(book_path, APPEND_STATUS_CREATE);
	assert_non_null(zf);
	memset(&zi, 0, sizeof(zi));
	for (i = 0; i < n; i++) {
		assert_int_equal(
			zipOpenNewFileInZip64(zf, parts[i].name, &zi, NULL, 0,
					      NULL, 0, NULL,
					      parts[i].stored ? 0 : Z_DEFLATED,
					      parts[i].stored ? 0 : 6, 0),
			ZIP_OK);
		assert_int_equal(
			zipWriteInFileInZip(zf, parts[i].data,
					    (unsigned)strlen(parts[i].data)),
			ZIP_OK);
		assert_int_equal(zipCloseFileInZip(zf), ZIP_OK);
	}
	assert_int_equal(zipClose(zf, NULL), ZIP_OK);
	return book_path;
}

#define MAKE(parts) make_book(parts, sizeof(parts) / sizeof(parts[0]))

/* What a read produced, flattened to text. */
struct seen {
	char rows[4096]; /* "line:f1|f2|...\n" */
	char rejects[512]; /* "line:REASON\n" */
	char sheets[1024]; /* per sheet at its end: see on_sheet_end */
	char header[512]; /* the last header's raw text */
	char detail[256], raw[512]; /* the last reject's */
	char cur[64]; /* the sheet being read */
	int begun, ended;
	const char *header_field; /* is_header: field 1 equals this */
};

static int on_header(void *ctx, const struct csvin_row *row,
		     struct etl_err *err)
{
	struct seen *s = ctx;

	snprintf(s->header, sizeof(s->header), "%lu:%s", row->line, row->raw);
	if (row->nfields && !strcmp(row->fields[0], "REFUSE"))
		return etl_errf(err, "'%s':%lu: refused by the test", s->cur,
				row->line);
	return 0;
}

static void on_row(void *ctx, const struct csvin_row *row)
{
	struct seen *s = ctx;
	size_t len = strlen(s->rows);
	int i;

	len += (size_t)snprintf(s->rows + len, sizeof(s->rows) - len,
				"%lu:", row->line);
	for (i = 0; i < row->nfields; i++) {
		assert_int_equal(strlen(row->fields[i]), row->lens[i]);
		len += (size_t)snprintf(s->rows + len, sizeof(s->rows) - len,
					"%s%s", i ? "|" : "", row->fields[i]);
	}
	snprintf(s->rows + len, sizeof(s->rows) - len, "\n");
}

static void on_reject(void *ctx, unsigned long line, const char *reason,
		      const char *detail, const char *raw, size_t n)
{
	struct seen *s = ctx;
	size_t len = strlen(s->rejects);

	snprintf(s->detail, sizeof(s->detail), "%s", detail);
	snprintf(s->raw, sizeof(s->raw), "%.*s", (int)n, raw);
	snprintf(s->rejects + len, sizeof(s->rejects) - len, "%lu:%s\n", line,
		 reason);
}

static void on_sheet(void *ctx, const struct xlsxin_sheet *sh)
{
	struct seen *s = ctx;

	assert_int_equal(s->begun, s->ended);
	s->begun++;
	snprintf(s->cur, sizeof(s->cur), "file#%s", sh->name);
}

/* "name index/count hidden status header lines title blank records why" */
static void on_sheet_end(void *ctx, const struct xlsxin_sheet *sh)
{
	struct seen *s = ctx;
	size_t len = strlen(s->sheets);

	s->ended++;
	assert_int_equal(s->begun, s->ended);
	snprintf(s->sheets + len, sizeof(s->sheets) - len,
		 "%s %d/%d h%d s%d %lu %lu %lu %lu %lu%s%s\n", sh->name,
		 sh->index, sh->count, sh->hidden, sh->status, sh->header_line,
		 sh->lines, sh->title, sh->blank, sh->records,
		 sh->why ? " " : "", sh->why ? sh->why : "");
}

static int is_header(void *ctx, const struct csvin_row *row)
{
	struct seen *s = ctx;

	return row->nfields > 1 && !strcmp(row->fields[1], s->header_field);
}

static int read_book(const char *path, struct xlsxin_opts *o, struct seen *s,
		     struct xlsxin_stats *st, struct etl_err *err)
{
	struct csvin_cb cb = { on_header, on_row, on_reject, s };
	struct xlsxin_opts def;
	const char *hf = s->header_field;
	int rc;

	if (!o) {
		memset(&def, 0, sizeof(def));
		o = &def;
	}
	o->on_sheet = on_sheet;
	o->on_sheet_end = on_sheet_end;
	memset(s, 0, sizeof(*s));
	s->header_field = hf;
	err->msg[0] = '\0';
	rc = xlsxin_read(path, o, &cb, st, err);
	if (path == book_path)
		unlink(book_path);
	return rc;
}

#define STYLES                                                                 \
	"<styleSheet xmlns=\"" NS_MAIN "\"><numFmts count=\"4\">"              \
	"<numFmt numFmtId=\"164\" formatCode=\"dd/mm/yyyy\"/>"                 \
	"<numFmt numFmtId=\"165\" formatCode=\"000000000000\"/>"               \
	"<numFmt numFmtId=\"166\" formatCode=\"[h]:mm:ss\"/>"                  \
	"<numFmt numFmtId=\"167\" formatCode=\"0.00%\"/></numFmts>"            \
	"<cellStyleXfs count=\"1\"><xf numFmtId=\"14\"/></cellStyleXfs>"       \
	"<cellXfs count=\"7\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/>"       \
	"<xf numFmtId=\"164\"/><xf numFmtId=\"165\"/><xf numFmtId=\"166\"/>"   \
	"<xf numFmtId=\"9\"/><xf numFmtId=\"22\" applyNumberFormat=\"1\"/>"    \
	"</cellXfs><dxfs count=\"1\"><dxf><numFmt numFmtId=\"165\" "           \
	"formatCode=\"dd\"/></dxf></dxfs></styleSheet>"

#define STRINGS                                                                     \
	"<sst xmlns=\"" NS_MAIN "\" count=\"7\" uniqueCount=\"7\">"                 \
	"<si><t>Họ và tên</t></si>"                                             \
	"<si><t>Số CCCD</t></si>"                                                 \
	"<si><r><rPr><b/></rPr><t>Nguyễn </t></r>"                                \
	"<r><t xml:space=\"preserve\">Văn An</t></r></si>"                         \
	"<si><t>東京</t><rPh sb=\"0\" eb=\"2\"><t>トウキョウ</t></rPh></si>" \
	"<si><t>a_x000D_b_x005F_x0041_</t></si>"                                    \
	"<si><t/></si>"                                                             \
	"<si><t>Tô &amp; Tèo</t></si></sst>"

#define FULL_PARTS(rows, pr)                                                   \
	{ "_rels/.rels", ROOT_RELS, 0 },                                       \
		{ "xl/workbook.xml",                                           \
		  WORKBOOK(pr, "<sheet name=\"One\" sheetId=\"1\" "            \
			       "r:id=\"rId1\"/>"),                             \
		  0 },                                                         \
		{ "xl/_rels/workbook.xml.rels",                                \
		  RELS(REL("rId1", T_WS, "worksheets/sheet1.xml")              \
			       REL("rId2", NS_REL "/styles", "styles.xml")     \
				       REL("rId3", NS_REL "/sharedStrings",    \
					   "sharedStrings.xml")),              \
		  0 },                                                         \
		{ "xl/styles.xml", STYLES, 0 },                                \
		{ "xl/sharedStrings.xml", STRINGS, 0 },                        \
	{                                                                      \
		"xl/worksheets/sheet1.xml", SHEET(rows), 0                     \
	}

/* Every kind of cell, sparse cells, skipped and blank rows. */
static void cells_of_every_kind(void **state)
{
	/* clang-format off */
	static const struct part parts[] = { FULL_PARTS(
		"<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c>"
		"<c r=\"B1\" t=\"s\" s=\"1\"><v>1</v></c>"
		IS("C1", "Ngày sinh") IS("D1", "d") IS("E1", "e") IS("F1", "f")
		IS("G1", "g") IS("H1", "h") IS("I1", "i") IS("J1", "j") "</row>"
		"<row r=\"2\"><c r=\"A2\" t=\"s\"><v>2</v></c>"
		"<c r=\"B2\"><v>8.4080090001E10</v></c>"
		"<c r=\"C2\" s=\"1\"><v>29205</v></c>"
		"<c r=\"D2\" s=\"2\"><v>32874</v></c>"
		"<c r=\"E2\" s=\"3\"><v>84080000001</v></c>"
		"<c r=\"F2\" s=\"4\"><v>1.5</v></c>"
		"<c r=\"G2\" s=\"5\"><v>0.95</v></c>"
		"<c r=\"H2\" s=\"6\"><v>44927.5</v></c>"
		"<c r=\"I2\" t=\"b\"><v>1</v></c>"
		"<c r=\"J2\" t=\"e\"><v>#N/A</v></c></row>"
		"<row r=\"3\"><c t=\"inlineStr\"><is><r><t>Trần </t></r>"
		"<r><rPr><i/></rPr><t>Thị</t></r><rPh><t>x</t></rPh></is></c>"
		"<c><f>A1*2</f><v>123</v></c>"
		"<c t=\"str\"><f>\"text\"&amp;\" result\"</f><v>text result</v></c>"
		"<c t=\"b\"><f>FALSE()</f><v>0</v></c>"
		"<c t=\"d\"><v>2023-05-06T00:00:00</v></c>"
		"<c t=\"s\"><v>3</v></c><c t=\"s\"><v>4</v></c>"
		"<c><f>X1</f></c><c t=\"s\"><v>6</v></c><c><v>-12.5</v></c></row>"
		"<row r=\"5\">" IS("A5", "x") "<c r=\"C5\"><v>7</v></c>"
		"<c r=\"E5\" t=\"s\"><v>1</v></c></row>"
		"<row r=\"6\"><c r=\"A6\" s=\"1\"/><c r=\"B6\" t=\"s\"><v>5</v></c>"
		"<c r=\"C6\" t=\"inlineStr\"><is><t xml:space=\"preserve\">  "
		"</t></is></c></row>"
		"<row r=\"8\">" IS("A8", "a,&quot;b&quot;")
		"<c r=\"K8\" t=\"inlineStr\"><is><t></t></is></c></row>"
		"<row r=\"9\">" IS("A9", "y") IS("L9", "extra") "</row>"
		"<row r=\"12\" spans=\"1:10\" ht=\"15\"/>"
		"<row r=\"30\"><c r=\"A30\" s=\"1\"/></row>",
		"<workbookPr date1904=\"false\"/>") };
	/* clang-format on */
	struct seen s = { 0 };
	struct xlsxin_stats st;
	struct etl_err err;

	(void)state;
	assert_int_equal(read_book(MAKE(parts), NULL, &s, &st, &err), 0);
	assert_string_equal(s.header, "1:Họ và tên,Số CCCD,Ngày sinh,d,e,f,g,"
				      "h,i,j");
	assert_string_equal(s.rows,
			    "2:Nguyễn Văn An|84080090001|1979-12-16|1990-01-01|"
			    "084080000001|1.5|95%|2023-01-01|TRUE|#N/A\n"
			    "3:Trần Thị|123|text result|FALSE|2023-05-06|東京|"
			    "a\rb_x0041_||Tô & Tèo|-12.5\n"
			    "5:x||7||Số CCCD|||||\n"
			    "8:a,\"b\"|||||||||\n");
	assert_string_equal(s.rejects, "9:BAD_COLUMN_COUNT\n");
	assert_string_equal(s.raw, "y,,,,,,,,,,,extra");
	assert_non_null(strstr(s.detail, "expected 10 fields, found 12"));
	/* lines 9 = header 1 + records 5 + blank 3 (rows 4, 6, 7) */
	assert_string_equal(s.sheets, "One 1/1 h0 s0 1 9 0 3 5\n");
	assert_int_equal(st.base.lines, 9);
	assert_int_equal(st.base.blank, 3);
	assert_int_equal(st.base.records, 5);
	assert_int_equal(st.base.delim, ',');
	assert_string_equal(st.base.encoding, "UTF-8");
	assert_int_equal(st.sheets, 1);
	assert_int_equal(st.sheets_read, 1);
	assert_int_equal(st.date1904, 0);
	assert_true(st.base.bytes > 0);
	assert_true(st.base.xxh3 != 0);
}

/* The 1904 date system (Excel for Mac's old default). */
static void date_system_1904(void **state)
{
	/* clang-format off */
	static const struct part parts[] = { FULL_PARTS(
		"<row r=\"1\">" IS("A1", "a") IS("B1", "b") IS("C1", "c") "</row>"
		"<row r=\"2\"><c r=\"A2\" s=\"1\"><v>0</v></c>"
		"<c r=\"B2\" s=\"2\"><v>43465</v></c>"
		"<c r=\"C2\"><v>43465</v></c></row>",
		"<workbookPr date1904=\"1\"/>") };
	/* clang-format on */
	struct seen s = { 0 };
	struct xlsxin_stats st;
	struct etl_err err;

	(void)state;
	assert_int_equal(read_book(MAKE(parts), NULL, &s, &st, &err), 0);
	assert_string_equal(s.rows, "2:1904-01-01|2023-01-01|43465\n");
	assert_int_equal(st.date1904, 1);
}

/*
 * Prefixed SpreadsheetML (as .NET's Open XML SDK writes it), another
 * prefix for the relationships namespace, the workbook elsewhere than
 * xl/workbook.xml, an absolute sheet target, no styles, no strings.
 */
static void prefixes_and_paths(void **state)
{
	static const struct part parts[] = {
		{ "_rels/.rels",
		  RELS(REL("rId1", NS_REL "/officeDocument", "/book/wb.xml")),
		  0 },
		{ "book/wb.xml",
		  "<x:workbook xmlns:x=\"" NS_MAIN "\" xmlns:q=\"" NS_REL "\">"
		  "<x:sheets><x:sheet name=\"Q\" sheetId=\"1\" q:id=\"s1\"/>"
		  "</x:sheets></x:workbook>",
		  0 },
		{ "book/_rels/wb.xml.rels",
		  RELS(REL("s1", T_WS, "/book/ws/../sheets/./a.xml")), 0 },
		{ "book/sheets/a.xml",
		  "<x:worksheet xmlns:x=\"" NS_MAIN "\"><x:sheetData>"
		  "<x:row r=\"1\"><x:c r=\"A1\" t=\"inlineStr\"><x:is><x:t>id"
		  "</x:t></x:is></x:c></x:row><x:row r=\"2\"><x:c r=\"A2\">"
		  "<x:v>12</x:v></x:c></x:row></x:sheetData></x:worksheet>",
		  0 },
	};
	struct seen s = { 0 };
	struct xlsxin_stats st;
	struct etl_err err;

	(void)state;
	assert_int_equal(read_book(MAKE(parts), NULL, &s, &st, &err), 0);
	assert_string_equal(s.header, "1:id");
	assert_string_equal(s.rows, "2:12\n");
}

#define FIVE_SHEETS                                                            \
	WORKBOOK("", "<sheet name=\"One\" sheetId=\"1\" r:id=\"rId1\"/>"       \
		     "<sheet name=\"Hai sheet\" sheetId=\"2\" r:id=\"rId2\"/>" \
		     "<sheet name=\"Empty\" sheetId=\"3\" r:id=\"rId3\"/>"     \
		     "<sheet name=\"Chart\" sheetId=\"4\" r:id=\"rId4\"/>"     \
		     "<sheet name=\"Ẩn\" sheetId=\"5\" state=\"hidden\" "    \
		     "r:id=\"rId5\"/>")
#define FIVE_RELS                                                              \
	RELS(REL("rId1", T_WS, "worksheets/sheet1.xml")                        \
		     REL("rId2", T_WS, "worksheets/sheet2.xml")                \
			     REL("rId3", T_WS, "worksheets/sheet3.xml")        \
				     REL("rId4", NS_REL "/chartsheet",         \
					 "chartsheets/sheet1.xml")             \
					     REL("rId5", T_WS,                 \
						 "worksheets/sheet5.xml"))

/*
 * Every sheet in order: a refused header skips its sheet (reported with
 * on_header's message), an empty sheet and a chart sheet are no error, a
 * hidden sheet is read and says so.
 */
static void several_sheets(void **state)
{
	/* clang-format off */
	static const struct part parts[] = {
		{ "_rels/.rels", ROOT_RELS, 0 },
		{ "xl/workbook.xml", FIVE_SHEETS, 0 },
		{ "xl/_rels/workbook.xml.rels", FIVE_RELS, 0 },
		{ "xl/worksheets/sheet1.xml", SHEET(
			"<row r=\"2\">" IS("A2", "REFUSE") "</row>"
			"<row r=\"3\">" IS("A3", "never seen") "</row>"), 0 },
		{ "xl/worksheets/sheet2.xml", SHEET(
			"<row r=\"1\">" IS("A1", "h") "</row>"
			"<row r=\"4\">" IS("A4", "two") "</row>"), 0 },
		{ "xl/worksheets/sheet3.xml", SHEET(""), 0 },
		{ "xl/chartsheets/sheet1.xml", "<chartsheet/>", 0 },
		{ "xl/worksheets/sheet5.xml", SHEET(
			"<row r=\"3\">" IS("A3", "h") "</row>"
			"<row r=\"5\">" IS("A5", "five") "</row>"), 0 },
	};
	/* clang-format on */
	struct seen s = { 0 };
	struct xlsxin_stats st;
	struct xlsxin_opts o = { 0 };
	struct etl_err err;

	(void)state;
	assert_int_equal(read_book(MAKE(parts), NULL, &s, &st, &err), 0);
	assert_string_equal(s.rows, "4:two\n5:five\n");
	assert_string_equal(s.sheets,
			    "One 1/5 h0 s1 2 2 0 0 0 'file#One':2: refused by "
			    "the test\n"
			    "Hai sheet 2/5 h0 s0 1 4 0 2 1\n"
			    "Empty 3/5 h0 s2 0 0 0 0 0\n"
			    "Chart 4/5 h0 s3 0 0 0 0 0\n"
			    "Ẩn 5/5 h1 s0 3 5 0 3 1\n");
	assert_int_equal(st.sheets, 5);
	assert_int_equal(st.sheets_read, 2);
	assert_int_equal(st.sheets_skipped, 1);
	assert_int_equal(st.sheets_empty, 2);
	assert_int_equal(st.base.lines, 9);
	assert_int_equal(st.base.records, 2);
	assert_int_equal(st.base.blank, 5);

	/* one sheet by name */
	o.sheet = "Ẩn";
	assert_int_equal(read_book(MAKE(parts), &o, &s, &st, &err), 0);
	assert_string_equal(s.rows, "5:five\n");
	assert_int_equal(s.begun, 1);
	o.sheet = "Nope";
	assert_int_equal(read_book(MAKE(parts), &o, &s, &st, &err), -1);
	assert_non_null(strstr(err.msg, "no sheet named 'Nope'"));
	/* only a refused sheet: the file fails with on_header's message */
	o.sheet = "One";
	assert_int_equal(read_book(MAKE(parts), &o, &s, &st, &err), -1);
	assert_string_equal(err.msg, "'file#One':2: refused by the test");
	/* only an empty sheet */
	o.sheet = "Empty";
	assert_int_equal(read_book(MAKE(parts), &o, &s, &st, &err), -1);
	assert_non_null(strstr(err.msg, "empty workbook"));
}

/* A row longer than max_record is rejected; the next row is read. */
static void record_too_long(void **state)
{
	/* clang-format off */
	static const struct part parts[] = { BASIC(
		"<row r=\"1\">" IS("A1", "a") IS("B1", "b") "</row>"
		"<row r=\"2\">" IS("A2", "0123456789012345678901234567890123456789"
				 "ĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐ") "</row>"
		"<row r=\"3\">" IS("A3", "01234567890123456789")
		IS("B3", "01234567890123456789012345678901234567890123456789")
		"</row>"
		"<row r=\"4\">" IS("A4", "ok") "</row>") };
	/* clang-format on */
	struct seen s = { 0 };
	struct xlsxin_stats st;
	struct xlsxin_opts o = { 0 };
	struct etl_err err;

	(void)state;
	o.max_record = 64;
	assert_int_equal(read_book(MAKE(parts), &o, &s, &st, &err), 0);
	assert_string_equal(s.rejects,
			    "2:RECORD_TOO_LONG\n3:RECORD_TOO_LONG\n");
	assert_string_equal(s.rows, "4:ok|\n");
	assert_true(strlen(s.raw) <= 64);
	assert_int_equal(st.base.records, 3);
}

/*
 * A VSS form: title rows (one of merged cells), the header, a numbering
 * row.  The header chooser skips and counts the title rows; the numbering
 * row is the caller's to skip.  A chooser that finds nothing within
 * max_title rows skips the sheet.
 */
static void title_rows(void **state)
{
	/* clang-format off */
	static const struct part parts[] = { BASIC(
		"<row r=\"1\">" IS("A1", "BẢO HIỂM XÃ HỘI") IS("D1", "CỘNG HÒA")
		"</row>"
		"<row r=\"2\">" IS("A2", "Mã đơn vị: TV0101") "</row>"
		"<row r=\"4\">" IS("A4", "DANH SÁCH") "</row>"
		"<row r=\"6\">" IS("A6", "STT") IS("B6", "Họ và tên") "</row>"
		"<row r=\"7\">" IS("A7", "(1)") IS("B7", "(2)") "</row>"
		"<row r=\"8\"><c r=\"A8\"><v>1</v></c>" IS("B8", "An") "</row>") };
	/* clang-format on */
	struct seen s = { 0 };
	struct xlsxin_stats st;
	struct xlsxin_opts o = { 0 };
	struct etl_err err;

	(void)state;
	o.is_header = is_header;
	s.header_field = "Họ và tên";
	assert_int_equal(read_book(MAKE(parts), &o, &s, &st, &err), 0);
	assert_string_equal(s.header, "6:STT,Họ và tên");
	assert_string_equal(s.rows, "7:(1)|(2)\n8:1|An\n");
	assert_string_equal(s.sheets, "One 1/1 h0 s0 6 8 3 2 2\n");
	assert_int_equal(st.title, 3);
	assert_int_equal(st.base.blank, 5); /* title rows counted too */
	assert_int_equal(st.base.lines, 8);

	o.max_title = 2;
	assert_int_equal(read_book(MAKE(parts), &o, &s, &st, &err), -1);
	assert_non_null(strstr(err.msg, "#One': no header row among the "
					"first 2 non-empty rows"));
	assert_int_equal(st.sheets_skipped, 1);
}

/* ---- damaged and hostile files ---- */

static void write_file(const char *path, const void *data, size_t n)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long len;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)len + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	*n = (size_t)len;
	return buf;
}

/* Read the book at book_path and expect an error mentioning want. */
static void expect_error(struct xlsxin_opts *o, const char *want)
{
	struct seen s = { 0 };
	struct xlsxin_stats st;
	struct etl_err err;

	if (read_book(book_path, o, &s, &st, &err) != -1 ||
	    !strstr(err.msg, want))
		fail_msg("want an error with '%s', got '%s'", want, err.msg);
}

static void not_a_workbook(void **state)
{
	static const struct part other[] = { { "hello.txt", "hello", 0 } };
	static const struct part no_sheets[] = {
		{ "_rels/.rels", ROOT_RELS, 0 },
		{ "xl/workbook.xml", WORKBOOK("", ""), 0 },
	};
	size_t n;
	char *bytes;

	(void)state;
	strcpy(book_path, "/tmp/test_xlsxin_text");
	write_file(book_path, "a,b\n1,2\n", 8);
	expect_error(NULL, "not an .xlsx workbook (no zip header)");
	strcpy(book_path, "/tmp/test_xlsxin_none");
	expect_error(NULL, "No such file");
	MAKE(other);
	expect_error(NULL, "a zip file but not an Excel workbook (no part "
			   "'xl/workbook.xml')");
	MAKE(no_sheets);
	expect_error(NULL, "the workbook has no sheet");
	/* a workbook cut short: the zip's directory is lost */
	bytes = slurp("fixtures/xlsx/small/areas.xlsx", &n);
	strcpy(book_path, "/tmp/test_xlsxin_cut");
	write_file(book_path, bytes, n / 2);
	expect_error(NULL, "not a readable zip file: a truncated or damaged "
			   "workbook");
	free(bytes);
}

static void bad_parts(void **state)
{
	static const struct part bad_xml[] = { BASIC(
		"<row r=\"1\">" IS("A1", "a") "</row><row r=\"2\"><c") };
	static const struct part missing[] = {
		{ "_rels/.rels", ROOT_RELS, 0 },
		{ "xl/workbook.xml",
		  WORKBOOK("", "<sheet name=\"One\" sheetId=\"1\" "
			       "r:id=\"rId1\"/>"),
		  0 },
		{ "xl/_rels/workbook.xml.rels",
		  RELS(REL("rId1", T_WS, "worksheets/sheet9.xml")), 0 },
	};
	static const struct part no_rel[] = {
		{ "_rels/.rels", ROOT_RELS, 0 },
		{ "xl/workbook.xml",
		  WORKBOOK("", "<sheet name=\"One\" sheetId=\"1\" "
			       "r:id=\"rId7\"/>"),
		  0 },
		{ "xl/_rels/workbook.xml.rels",
		  RELS(REL("rId1", T_WS, "worksheets/sheet1.xml")), 0 },
	};
	static const struct part bad_sst[] = { BASIC(
		"<row r=\"1\"><c r=\"A1\" t=\"s\"><v>99</v></c></row>") };
	static const struct part order[] = { BASIC("<row r=\"5\">" IS(
		"A5", "a") "</row><row r=\"3\">" IS("A3", "b") "</row>") };
	static const struct part bad_ref[] = { BASIC(
		"<row r=\"1\">" IS("1A", "a") "</row>") };
	static const struct part far_col[] = { BASIC(
		"<row r=\"1\">" IS("XFD1", "a") "<c><v>1</v></c></row>") };

	(void)state;
	MAKE(bad_xml);
	expect_error(NULL, "part 'xl/worksheets/sheet1.xml' is not well-formed "
			   "XML");
	MAKE(missing);
	expect_error(NULL, "#One': the sheet's part 'xl/worksheets/sheet9.xml' "
			   "is missing");
	MAKE(no_rel);
	expect_error(NULL, "#One': the workbook names no part for this sheet");
	MAKE(bad_sst);
	expect_error(NULL, "#One':1: a cell refers to shared string '99'");
	MAKE(order);
	expect_error(NULL, "#One': row 3 comes after row 5: rows out of order");
	MAKE(bad_ref);
	expect_error(NULL, "#One':1: bad cell reference '1A'");
	MAKE(far_col);
	expect_error(NULL, "#One':1: a cell beyond the last column (XFD)");
}

/*
 * A sheet damaged after some rows: the read fails, and records still
 * counts the rows handed out and rejected before it (as csvin does), so
 * records = rows + rejects holds on an error too (found by fuzz_xlsx).
 */
static void damaged_sheet_counts(void **state)
{
	static const struct part late[] = { BASIC(
		"<row r=\"1\">" IS("A1", "h") "</row><row r=\"2\">" IS(
			"A2", "a") "</row><row r=\"3\">" IS("B3", "x") "</row>"
								       "<row "
								       "r="
								       "\"4\""
								       "><c") };
	struct xlsxin_stats st;
	struct etl_err err;
	struct seen s;

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_int_equal(read_book(MAKE(late), NULL, &s, &st, &err), -1);
	assert_non_null(strstr(err.msg, "is not well-formed XML"));
	assert_string_equal(s.rows, "2:a\n");
	assert_string_equal(s.rejects, "3:BAD_COLUMN_COUNT\n");
	assert_int_equal(st.base.records, 2);
}

/* The offset of a zip central-directory entry's uncompressed size. */
static size_t central_size_at(const char *zip, size_t n, const char *name)
{
	size_t i, len = strlen(name);

	for (i = 0; i + 46 + len <= n; i++)
		if (!memcmp(zip + i, "PK\1\2", 4) &&
		    !memcmp(zip + i + 46, name, len))
			return i + 24;
	fail_msg("no central entry for %s", name);
	return 0;
}

/*
 * Hostile files: a zip bomb (declared or lying about its size), a DOCTYPE
 * with an entity, a part whose bytes were damaged (CRC).
 */
static void hostile(void **state)
{
	static char big[3 << 20];
	static struct part bomb[] = { BASIC("") };
	static const struct part doctype[] = {
		{ "_rels/.rels", ROOT_RELS, 0 },
		{ "xl/workbook.xml",
		  "<!DOCTYPE w [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b "
		  "\"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>" WORKBOOK(
			  "",
			  "<sheet name=\"&b;\" sheetId=\"1\" r:id=\"rId1\"/>"),
		  0 },
	};
	static const struct part stored[] = {
		{ "_rels/.rels", ROOT_RELS, 0 },
		{ "xl/workbook.xml",
		  WORKBOOK("", "<sheet name=\"One\" sheetId=\"1\" "
			       "r:id=\"rId1\"/>"),
		  0 },
		{ "xl/_rels/workbook.xml.rels",
		  RELS(REL("rId1", T_WS, "worksheets/sheet1.xml")), 0 },
		{ "xl/worksheets/sheet1.xml",
		  SHEET("<row r=\"1\">" IS("A1", "a") "</row><row r=\"2\">" IS(
			  "A2", "QQQQ") "</row>"),
		  1 },
	};
	struct xlsxin_opts o = { 0 };
	size_t n, at;
	char *bytes, *q;

	(void)state;
	/* 3 MiB of rows inflating from a few KiB, against a 1 MiB cap */
	memset(big, ' ', sizeof(big) - 1);
	memcpy(big, "<worksheet><sheetData>", 22);
	memcpy(big + sizeof(big) - 30, "</sheetData></worksheet>", 24);
	bomb[3].data = big;
	MAKE(bomb);
	o.max_sheet = 1 << 20;
	expect_error(&o, "sheet 'xl/worksheets/sheet1.xml' is 3145727 bytes "
			 "uncompressed, more than the 1048576 allowed");
	/* the same, its directory lying about the size: read no further */
	MAKE(bomb);
	bytes = slurp(book_path, &n);
	at = central_size_at(bytes, n, "xl/worksheets/sheet1.xml");
	memcpy(bytes + at, "\x10\0\0\0", 4);
	write_file(book_path, bytes, n);
	expect_error(&o, "xl/worksheets/sheet1.xml");
	free(bytes);
	MAKE(doctype);
	expect_error(NULL, "part 'xl/workbook.xml' has a DOCTYPE");
	/* a damaged byte in a stored part: its CRC says so */
	MAKE(stored);
	bytes = slurp(book_path, &n);
	q = memmem(bytes, n, "QQQQ", 4);
	assert_non_null(q);
	q[1] = 'R';
	write_file(book_path, bytes, n);
	expect_error(NULL, "part 'xl/worksheets/sheet1.xml' fails its CRC "
			   "check");
	free(bytes);
}

/* ---- the committed workbooks against their CSVs ---- */

#define MAX_ROWS 128

/* Rows of one read: each row's fields joined by '\x1f'; rejects as NULL. */
struct rowlist {
	char *row[MAX_ROWS];
	int n, ncols;
	const char *header1; /* is_header: the header's first field */
};

static void list_add(struct rowlist *l, const struct csvin_row *row)
{
	size_t len = 0;
	int i;

	assert_true(l->n < MAX_ROWS);
	for (i = 0; i < row->nfields; i++)
		len += row->lens[i] + 1;
	l->row[l->n] = calloc(1, len + 1);
	for (i = 0; i < row->nfields; i++) {
		strcat(l->row[l->n], row->fields[i]);
		if (i + 1 < row->nfields)
			strcat(l->row[l->n], "\x1f");
	}
	l->n++;
}

static int list_header(void *ctx, const struct csvin_row *row,
		       struct etl_err *err)
{
	struct rowlist *l = ctx;

	(void)err;
	l->ncols = row->nfields;
	return 0;
}

static void list_row(void *ctx, const struct csvin_row *row)
{
	list_add(ctx, row);
}

static void list_reject(void *ctx, unsigned long line, const char *reason,
			const char *detail, const char *raw, size_t n)
{
	struct rowlist *l = ctx;

	(void)line, (void)reason, (void)detail, (void)raw, (void)n;
	assert_true(l->n < MAX_ROWS);
	l->row[l->n++] = NULL;
}

static int list_is_header(void *ctx, const struct csvin_row *row)
{
	struct rowlist *l = ctx;

	return !strcmp(row->fields[0], l->header1);
}

static void list_free(struct rowlist *l)
{
	int i;

	for (i = 0; i < l->n; i++)
		free(l->row[i]);
}

static int only_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return n > 0;
}

/*
 * Is the workbook's cell the CSV's value, as Excel stores what was
 * typed?  Digits lose their leading zeros; a date is the same date; a
 * percent the same number.
 */
static int same_value(const char *c, size_t cn, const char *x, size_t xn)
{
	struct date dc, dx;
	unsigned flags = 0;
	char a[32], b[32];

	if (cn == xn && !memcmp(c, x, cn))
		return 1;
	if (only_digits(c, cn) && only_digits(x, xn)) {
		while (cn > 1 && *c == '0')
			c++, cn--;
		return cn == xn && !memcmp(c, x, cn);
	}
	if (norm_date(c, cn, &dc, &flags) == NORM_OK &&
	    norm_date(x, xn, &dx, &flags) == NORM_OK)
		return dc.prec == DATE_DAY && dx.prec == DATE_DAY &&
		       !date_cmp(&dc, &dx);
	if (cn < sizeof(a) && xn < sizeof(b) && cn && c[cn - 1] == '%' && xn &&
	    x[xn - 1] == '%') {
		snprintf(a, sizeof(a), "%.*s", (int)cn, c);
		snprintf(b, sizeof(b), "%.*s", (int)xn, x);
		if (strchr(a, ','))
			*strchr(a, ',') = '.';
		return strtod(a, NULL) == strtod(b, NULL);
	}
	if (cn < sizeof(a) && xn < sizeof(b) && cn && c[cn - 1] == '%') {
		/* .xls: FreeXL gives the fraction, not the percent */
		snprintf(a, sizeof(a), "%.*s", (int)cn, c);
		snprintf(b, sizeof(b), "%.*s", (int)xn, x);
		if (strchr(a, ','))
			*strchr(a, ',') = '.';
		return fabs(strtod(a, NULL) / 100 - strtod(b, NULL)) < 1e-12;
	}
	return 0;
}

/* Compare a workbook with its CSV, row by row and cell by cell. */
/* A row of the footer gen-xlsx writes under a form's rows. */
static int form_footer(const char *row)
{
	static const char *const words[] = {
		"Tổng cộng: ",	       "Càng Long, ngày", "Người lập biểu",
		"(Ký, ghi rõ họ tên)", "Nguyễn Thị Lập",  NULL
	};
	const char *const *w;

	for (w = words; *w; w++)
		if (strstr(row, *w))
			return 1;
	return 0;
}

static void compare(const char *csv, const char *xlsx, int form)
{
	struct rowlist lc = { 0 }, lx = { 0 };
	struct csvin_cb cc = { list_header, list_row, list_reject, &lc };
	struct csvin_cb cx = { list_header, list_row, list_reject, &lx };
	struct csvin_stats cst;
	struct xlsxin_stats xst;
	struct xlsxin_opts o = { 0 };
	struct etl_err err;
	const char *c, *x, *ce, *xe;
	int i, k = 0, numbering = 0, footer = 0;

	assert_int_equal(csvin_read(csv, NULL, &cc, &cst, &err), 0);
	lx.header1 = form ? "STT" : NULL;
	if (form && !strcmp(csv + strlen(csv) - 13, "roster_DN.csv"))
		lx.header1 = "Số định danh cá nhân";
	if (form && !strcmp(csv + strlen(csv) - 13, "roster_GD.csv"))
		lx.header1 = "person_id";
	if (form)
		o.is_header = list_is_header;
	if ((xlsin_sniff(xlsx) == 1 ? xlsin_read : xlsxin_read)(xlsx, &o, &cx,
								&xst, &err))
		fail_msg("%s: %s", xlsx, err.msg);
	assert_int_equal(lx.ncols, lc.ncols);
	for (i = 0; i < lx.n; i++) {
		if (form && lx.row[i] && !strncmp(lx.row[i], "(1)\x1f", 4)) {
			numbering++; /* the form's numbering row */
			continue;
		}
		if (form && lx.row[i] && form_footer(lx.row[i])) {
			footer++; /* the totals line and signature block */
			continue;
		}
		if (k >= lc.n)
			fail_msg("%s: more rows than %s", xlsx, csv);
		if (!lc.row[k++])
			continue; /* a row the CSV reader rejects */
		assert_non_null(lx.row[i]);
		for (c = lc.row[k - 1], x = lx.row[i]; c && x;) {
			ce = strchr(c, '\x1f');
			xe = strchr(x, '\x1f');
			if (!ce)
				ce = c + strlen(c);
			if (!xe)
				xe = x + strlen(x);
			if (!same_value(c, (size_t)(ce - c), x,
					(size_t)(xe - x)))
				fail_msg("%s: row %d: '%.*s' became '%.*s'",
					 xlsx, i, (int)(ce - c), c,
					 (int)(xe - x), x);
			c = *ce ? ce + 1 : NULL;
			x = *xe ? xe + 1 : NULL;
		}
		assert_true(!c && !x);
	}
	assert_int_equal(k, lc.n);
	assert_int_equal(numbering, form ? 2 : 0);
	assert_int_equal(footer, form ? 10 : 0); /* 5 rows under each sheet */
	assert_int_equal(xst.sheets_read, xst.sheets);
	list_free(&lc);
	list_free(&lx);
}

static void fixtures_match_csv(void **state)
{
	static const char *const names[] = {
		"cards_2023", "registry",  "areas",	"targets",
		"roster_BT",  "roster_CN", "roster_DK", "roster_DN",
		"roster_DT",  "roster_GD", "roster_HN", "roster_TE",
		"roster_XA",
	};
	char csv[128], xlsx[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(csv, sizeof(csv), "fixtures/small/%s.csv", names[i]);
		snprintf(xlsx, sizeof(xlsx), "fixtures/xlsx/small/%s.xlsx",
			 names[i]);
		compare(csv, xlsx, 0);
		if (strncmp(names[i], "roster_", 7))
			continue;
		snprintf(xlsx, sizeof(xlsx), "fixtures/xlsx/forms/%s.xlsx",
			 names[i]);
		compare(csv, xlsx, 1);
	}
}

/* The same from .xls (written by xlwt), one of them in the 1904 system. */
static void xls_fixtures_match_csv(void **state)
{
	static const char *const names[] = {
		"cards_2023", "registry",  "areas",	"targets",
		"roster_BT",  "roster_CN", "roster_DK", "roster_DN",
		"roster_DT",  "roster_GD", "roster_HN", "roster_TE",
		"roster_XA",
	};
	char csv[128], xls[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(csv, sizeof(csv), "fixtures/small/%s.csv", names[i]);
		snprintf(xls, sizeof(xls), "fixtures/xls/%s.xls", names[i]);
		compare(csv, xls, 0);
	}
	compare("fixtures/small/roster_HN.csv",
		"fixtures/xls/roster_HN_1904.xls", 0);
}

/* .xls: sheets, stats, and damaged files. */
static void xls_reader(void **state)
{
	struct csvin_cb cb = { on_header, on_row, on_reject, NULL };
	struct xlsxin_opts o = { 0 };
	struct xlsxin_stats st;
	struct etl_err err;
	struct seen s = { 0 };
	char *bytes;
	size_t n;

	(void)state;
	cb.ctx = &s;
	o.on_sheet = on_sheet;
	o.on_sheet_end = on_sheet_end;
	assert_int_equal(xlsin_sniff("fixtures/xls/roster_HN_1904.xls"), 1);
	assert_int_equal(xlsin_sniff("fixtures/xlsx/small/roster_HN.xlsx"), 0);
	assert_int_equal(xlsin_read("fixtures/xls/roster_HN_1904.xls", &o, &cb,
				    &st, &err),
			 0);
	assert_string_equal(s.sheets, "Danh sách 1 1/2 h0 s0 1 15 0 0 14\n"
				      "Danh sách 2 2/2 h0 s0 1 14 0 0 13\n");
	assert_non_null(strstr(s.rows,
			       "2:1|Nguyễn Văn An|84080000001|||"
			       "1980-03-15|Nam|29266|HN||H2926600001\n"));
	assert_int_equal(st.date1904, 1);
	assert_int_equal(st.sheets_read, 2);
	assert_int_equal(st.base.records, 27);
	assert_int_equal(st.base.lines, 29);
	assert_int_equal(st.base.bytes, 9728);

	o.sheet = "Danh sách 2";
	memset(&s, 0, sizeof(s));
	assert_int_equal(
		xlsin_read("fixtures/xls/roster_HN.xls", &o, &cb, &st, &err),
		0);
	assert_int_equal(s.begun, 1);
	assert_int_equal(st.base.records, 13);

	assert_int_equal(xlsin_read("fixtures/xlsx/small/roster_HN.xlsx", NULL,
				    &cb, &st, &err),
			 -1);
	assert_non_null(
		strstr(err.msg, "not an .xls workbook (no OLE2 header)"));
	bytes = slurp("fixtures/xls/roster_HN.xls", &n);
	strcpy(book_path, "/tmp/test_xlsxin_cut.xls");
	write_file(book_path, bytes, n / 2);
	assert_int_equal(xlsin_read(book_path, NULL, &cb, &st, &err), -1);
	assert_non_null(strstr(err.msg, "not a readable .xls workbook"));
	memset(bytes + 512, 0xff, n - 512); /* the header, then garbage */
	write_file(book_path, bytes, n);
	assert_int_equal(xlsin_read(book_path, NULL, &cb, &st, &err), -1);
	assert_non_null(strstr(err.msg, "not a readable .xls workbook"));
	unlink(book_path);
	free(bytes);
}

/*
 * The .xls reader while other threads allocate and convert, as a run's
 * other readers do.  A reader child made by fork alone inherits the
 * locks those threads held at that instant (the allocator's, iconv's)
 * and waits on them for ever, until its alarm kills it: the read fails
 * as "the reader stopped".  Seen under ASan, whose allocator is not
 * reset in a forked child.
 */
static volatile int busy_stop;

static void *busy(void *arg)
{
	while (!busy_stop) {
		if (arg) {
			iconv_t cd = iconv_open("UTF-8", "CP1258");

			if (cd != (iconv_t)-1)
				iconv_close(cd);
		} else {
			free(malloc(64 + (size_t)(rand() & 1023)));
		}
	}
	return NULL;
}

static void xls_reader_among_threads(void **state)
{
	struct csvin_cb cb = { on_header, on_row, on_reject, NULL };
	struct xlsxin_stats st;
	struct etl_err err;
	pthread_t th[2];
	int i, k, bad = 0;

	(void)state;
	busy_stop = 0;
	for (k = 0; k < 2; k++)
		assert_int_equal(
			pthread_create(&th[k], NULL, busy, k ? "iconv" : NULL),
			0);
	for (i = 0; i < 40 && !bad; i++) {
		struct seen s = { 0 };

		cb.ctx = &s;
		if (xlsin_read("fixtures/xls/roster_TE.xls", NULL, &cb, &st,
			       &err) < 0 ||
		    st.base.records == 0)
			bad = i + 1;
	}
	busy_stop = 1;
	for (k = 0; k < 2; k++)
		pthread_join(th[k], NULL);
	assert_int_equal(bad, 0);
}

/* The IDs of the HN roster: numbers in the workbook, digits out. */
static void fixture_ids_are_digits(void **state)
{
	struct seen s = { 0 };
	struct xlsxin_stats st;
	struct etl_err err;

	(void)state;
	assert_int_equal(read_book("fixtures/xlsx/small/roster_HN.xlsx", NULL,
				   &s, &st, &err),
			 0);
	assert_non_null(strstr(s.rows,
			       "2:1|Nguyễn Văn An|84080000001|||"
			       "1980-03-15|Nam|29266|HN||H2926600001\n"));
	assert_string_equal(s.sheets, "Danh sách 1 1/2 h0 s0 1 15 0 0 14\n"
				      "Danh sách 2 2/2 h0 s0 1 14 0 0 13\n");
}

/* ---- the benchmark ---- */

struct bench {
	unsigned long rows, ok;
	int id, name, dob; /* columns, from the header */
};

static int bench_header(void *ctx, const struct csvin_row *row,
			struct etl_err *err)
{
	struct bench *b = ctx;
	int i;

	(void)err;
	b->id = b->name = b->dob = -1;
	for (i = 0; i < row->nfields; i++) {
		if (!strcmp(row->fields[i], "Số CCCD"))
			b->id = i;
		else if (!strcmp(row->fields[i], "Họ và tên"))
			b->name = i;
		else if (!strcmp(row->fields[i], "Ngày sinh"))
			b->dob = i;
	}
	return b->id < 0 || b->name < 0 || b->dob < 0 ? -1 : 0;
}

/* Normalise the fields every roster has: what a run does per row. */
static void bench_row(void *ctx, const struct csvin_row *row)
{
	struct bench *b = ctx;
	char id[13], name[256];
	struct date d;
	unsigned flags = 0;

	b->rows++;
	if (norm_person_id(row->fields[b->id], row->lens[b->id], id, &flags) ==
		    NORM_OK &&
	    norm_name(row->fields[b->name], row->lens[b->name], name,
		      sizeof(name), &flags) == NORM_OK &&
	    norm_date(row->fields[b->dob], row->lens[b->dob], &d, &flags) ==
		    NORM_OK)
		b->ok++;
}

static void bench_reject(void *ctx, unsigned long line, const char *reason,
			 const char *detail, const char *raw, size_t n)
{
	(void)line, (void)reason, (void)detail, (void)raw, (void)n;
	((struct bench *)ctx)->rows++;
}

/* Read (and normalise) each file; print rows per second. */
static int bench_main(int argc, char **argv)
{
	struct bench b;
	struct csvin_cb cb = { bench_header, bench_row, bench_reject, &b };
	struct xlsxin_stats xst;
	struct csvin_stats cst;
	struct etl_err err;
	double t0, t;
	int i, rc;

	for (i = 2; i < argc; i++) {
		memset(&b, 0, sizeof(b));
		t0 = now_seconds();
		if (xlsxin_sniff(argv[i]) == 1)
			rc = xlsxin_read(argv[i], NULL, &cb, &xst, &err);
		else if (xlsin_sniff(argv[i]) == 1)
			rc = xlsin_read(argv[i], NULL, &cb, &xst, &err);
		else
			rc = csvin_read(argv[i], NULL, &cb, &cst, &err);
		t = now_seconds() - t0;
		if (rc) {
			fprintf(stderr, "bench: %s\n", err.msg);
			return 1;
		}
		printf("%s: %lu rows (%lu normalised) in %.2f s: %.0f rows/s\n",
		       argv[i], b.rows, b.ok, t, b.rows / (t > 0 ? t : 1e-9));
	}
	return 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(number_text),
		cmocka_unit_test(serial_dates),
		cmocka_unit_test(builtin_formats),
		cmocka_unit_test(custom_formats),
		cmocka_unit_test(cell_refs),
		cmocka_unit_test(cells_of_every_kind),
		cmocka_unit_test(date_system_1904),
		cmocka_unit_test(prefixes_and_paths),
		cmocka_unit_test(several_sheets),
		cmocka_unit_test(record_too_long),
		cmocka_unit_test(title_rows),
		cmocka_unit_test(not_a_workbook),
		cmocka_unit_test(bad_parts),
		cmocka_unit_test(damaged_sheet_counts),
		cmocka_unit_test(hostile),
		cmocka_unit_test(fixtures_match_csv),
		cmocka_unit_test(fixture_ids_are_digits),
		cmocka_unit_test(xls_fixtures_match_csv),
		cmocka_unit_test(xls_reader),
		cmocka_unit_test(xls_reader_among_threads),
	};

	xlsin_child_main(argc, argv);
	if (argc > 1 && !strcmp(argv[1], "--bench"))
		return bench_main(argc, argv);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
