/*
 * test_xlsxout.c: the streaming xlsx writer (etl/xlsxout.h).  A sample
 * book of two sheets (styles, widths, heights, merges, escaped text,
 * numbers, a date, a frozen header, print titles, a footer, a chart of a
 * column and a line series) is written to a temporary folder and read
 * back with minizip's unzip: mode 0600, the entries and their order, the
 * XML of each part, the same bytes from the same calls; then the errors.
 * XO_KEEP=path in the environment: only write the sample book at path
 * (no tests), for tests/xlsx/xlsxout.py to read back with openpyxl.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "xlsxout.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <unzip.h>

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_xlsxout.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

static void path_of(char *p, size_t n, const char *name)
{
	snprintf(p, n, "%s/%s", dir, name);
}

/* ---- the sample book ----------------------------------------------------- */

struct fmts {
	xo_fmt title, head, text, id, num, date, pct, wrap;
};

static void sample_styles(struct xo_book *b, struct fmts *f)
{
	f->title = xo_style(b, &(struct xo_style){ .size = 14,
						   .bold = 1,
						   .align = XO_CENTER });
	f->head = xo_style(b, &(struct xo_style){ .bold = 1,
						  .wrap = 1,
						  .border = 1,
						  .align = XO_CENTER });
	f->text = xo_style(b, &(struct xo_style){ .border = 1 });
	f->id = xo_style(b, &(struct xo_style){ .border = 1,
						.align = XO_CENTER,
						.num = "@" });
	f->num = xo_style(b, &(struct xo_style){ .border = 1, .num = "#,##0" });
	f->date = xo_style(b, &(struct xo_style){ .border = 1,
						  .align = XO_CENTER,
						  .num = "dd/mm/yyyy" });
	f->pct = xo_style(b, &(struct xo_style){ .font = "Arial",
						 .italic = 1,
						 .num = "0%" });
	f->wrap = xo_style(
		b,
		&(struct xo_style){ .border = 1, .wrap = 1, .align = XO_LEFT });
}

/* Sheet 1: a list with its form header, 20 people, a total. */
static void sample_list(struct xo_book *b, const struct fmts *f)
{
	static const char *const head[5] = { "STT", "Họ và tên", "Mã số BHXH",
					     "Ngày sinh", "Số tiền" };
	struct xo_page pg = { .landscape = 1,
			      .center_h = 1,
			      .paper = 9,
			      .left = 0.3,
			      .right = 0.3,
			      .top = 0.5,
			      .bottom = 0.6,
			      .fit_width = 1,
			      .repeat_r0 = 10,
			      .repeat_r1 = 11,
			      .freeze_rows = 12,
			      .footer = "&CTrang &P/&N" };
	struct xo_sheet *s = xo_sheet(b, "D03-TS BT", &pg);
	char name[64];
	int i;

	xo_width(s, 0, 0, 5);
	xo_width(s, 1, 1, 30);
	xo_width(s, 2, 4, 14);
	xo_height(s, 1, 28);
	xo_merge(s, 1, 0, 4, "DANH SÁCH A & B <tăng> \"mới\"", f->title);
	xo_text(s, 3, 0, " Đơn vị: xã A", 0);
	xo_height(s, 10, 54);
	for (i = 4; i >= 0; i--) /* the cells of a row in any order */
		xo_text(s, 10, i, head[i], f->head);
	for (i = 0; i < 5; i++)
		xo_num(s, 11, i, i + 1, f->head);
	for (i = 0; i < 20; i++) {
		snprintf(name, sizeof(name), "NGUYỄN VĂN %d", i + 1);
		xo_num(s, 12 + i, 0, i + 1, f->text);
		xo_text(s, 12 + i, 1, name, f->wrap);
		snprintf(name, sizeof(name), "%010d", 7900000 + i);
		xo_text(s, 12 + i, 2, name, f->id);
		xo_date(s, 12 + i, 3, 2024, 7, 1, f->date);
		xo_num(s, 12 + i, 4, 1053000, f->num);
	}
	xo_merge(s, 32, 0, 3, "Tổng cộng", f->head);
	xo_num(s, 32, 4, 21060000, f->num);
	xo_blank(s, 33, 2, f->text);
	xo_num(s, 34, 1, 0.1, 0);
}

/* Sheet 2: coverage per commune and its chart. */
static void sample_cover(struct xo_book *b, const struct fmts *f)
{
	struct xo_sheet *s = xo_sheet(b, "Độ bao phủ", NULL);
	struct xo_chart c = {
		.title = "Tỷ lệ bao phủ BHYT so với chỉ tiêu",
		.sheet = "Độ bao phủ",
		.r0 = 1,
		.r1 = 3,
		.cat_col = 2,
		.series = { { "Tỷ lệ bao phủ BHYT", 5, 0 },
			    { "Chỉ tiêu", 6, 1 } },
		.nseries = 2,
		.y_num = "0%",
		.at_row = 5,
		.at_col = 1,
		.width = 600,
		.height = 300,
	};
	static const char *const com[3] = { "Xã A", "Xã B", "Thị trấn C" };
	static const double cov[3] = { 0.85, 0.9, 0.95 };
	int i;

	xo_text(s, 0, 2, "Xã", f->head);
	xo_text(s, 0, 5, "Tỷ lệ", f->head);
	xo_text(s, 0, 6, "Chỉ tiêu", f->head);
	for (i = 0; i < 3; i++) {
		xo_text(s, 1 + i, 2, com[i], f->text);
		xo_num(s, 1 + i, 5, cov[i], f->pct);
		xo_num(s, 1 + i, 6, 0.9, f->pct);
	}
	xo_add_chart(s, &c);
}

static int write_sample(const char *path)
{
	struct xo_props p = { .title = "Danh sách",
			      .subject = "D03-TS",
			      .author = "doisoat",
			      .created = 1719792000 }; /* 2024-07-01 */
	struct xo_book *b = xo_open(path, &p);
	struct fmts f;

	if (!b)
		return 99;
	sample_styles(b, &f);
	sample_list(b, &f);
	sample_cover(b, &f);
	return xo_close(b);
}

/* ---- reading it back ----------------------------------------------------- */

/* The entry's bytes (NUL-terminated, malloc'd), or NULL. */
static char *entry(const char *path, const char *name)
{
	unzFile z = unzOpen64(path);
	char *buf = NULL;
	size_t len = 0;
	int n;

	if (!z)
		return NULL;
	if (unzLocateFile(z, name, 1) == UNZ_OK &&
	    unzOpenCurrentFile(z) == UNZ_OK) {
		buf = malloc(1);
		do {
			buf = realloc(buf, len + 65536 + 1);
			n = unzReadCurrentFile(z, buf + len, 65536);
			if (n > 0)
				len += (size_t)n;
		} while (n > 0);
		buf[len] = 0;
		if (unzCloseCurrentFile(z) != UNZ_OK || n < 0) {
			free(buf);
			buf = NULL;
		}
	}
	unzClose(z);
	return buf;
}

/* The names of the entries, in order, one per line. */
static void entry_names(const char *path, char *out, size_t n)
{
	unzFile z = unzOpen64(path);
	char name[256];
	size_t len = 0;
	int r;

	out[0] = 0;
	assert_non_null(z);
	for (r = unzGoToFirstFile(z); r == UNZ_OK; r = unzGoToNextFile(z)) {
		assert_int_equal(unzGetCurrentFileInfo64(z, NULL, name,
							 sizeof(name), NULL, 0,
							 NULL, 0),
				 UNZ_OK);
		len += (size_t)snprintf(out + len, n - len, "%s\n", name);
		assert_true(len < n);
	}
	unzClose(z);
}

static void has(const char *xml, const char *frag)
{
	if (!strstr(xml, frag))
		fail_msg("missing: %s", frag);
}

static void has_not(const char *xml, const char *frag)
{
	if (strstr(xml, frag))
		fail_msg("unexpected: %s", frag);
}

static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long len;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	rewind(f);
	buf = malloc((size_t)len + 1);
	assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	*n = (size_t)len;
	return buf;
}

/* ---- tests --------------------------------------------------------------- */

static void test_entries_and_mode(void **state)
{
	char path[128], names[2048];
	struct stat st;
	FILE *f;
	mode_t old;

	(void)state;
	path_of(path, sizeof(path), "sample.xlsx");
	f = fopen(path, "w"); /* an old file of mode 0644: truncated, 0600 */
	assert_non_null(f);
	fputs("old", f);
	fclose(f);
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(write_sample(path), XO_OK);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	entry_names(path, names, sizeof(names));
	assert_string_equal(names, "xl/worksheets/sheet1.xml\n"
				   "xl/worksheets/sheet2.xml\n"
				   "[Content_Types].xml\n"
				   "_rels/.rels\n"
				   "docProps/core.xml\n"
				   "docProps/app.xml\n"
				   "xl/workbook.xml\n"
				   "xl/_rels/workbook.xml.rels\n"
				   "xl/styles.xml\n"
				   "xl/worksheets/_rels/sheet2.xml.rels\n"
				   "xl/drawings/drawing1.xml\n"
				   "xl/drawings/_rels/drawing1.xml.rels\n"
				   "xl/charts/chart1.xml\n");
	/* a new file under a umask that takes the owner's write bit */
	path_of(path, sizeof(path), "umask.xlsx");
	old = umask(0277);
	assert_int_equal(write_sample(path), XO_OK);
	umask(old);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
}

static void test_sheet_xml(void **state)
{
	char path[128];
	char *x;

	(void)state;
	path_of(path, sizeof(path), "sheet.xlsx");
	assert_int_equal(write_sample(path), XO_OK);
	x = entry(path, "xl/worksheets/sheet1.xml");
	assert_non_null(x);
	has(x,
	    "<sheetPr><pageSetUpPr fitToPage=\"1\"/></sheetPr>"
	    "<sheetViews><sheetView workbookViewId=\"0\">"
	    "<pane ySplit=\"12\" topLeftCell=\"A13\" activePane=\"bottomLeft\""
	    " state=\"frozen\"/><selection pane=\"bottomLeft\"/>"
	    "</sheetView></sheetViews>");
	has(x,
	    "<cols><col min=\"1\" max=\"1\" width=\"5.7109375\" "
	    "customWidth=\"1\"/><col min=\"2\" max=\"2\" width=\"30.7109375\""
	    " customWidth=\"1\"/><col min=\"3\" max=\"5\" "
	    "width=\"14.7109375\" customWidth=\"1\"/></cols><sheetData>");
	/* the merged title: escaped, then styled blanks without r */
	has(x, "<row r=\"2\" ht=\"28\" customHeight=\"1\"><c s=\"1\" "
	       "t=\"inlineStr\"><is><t>DANH SÁCH A &amp; B &lt;tăng&gt; "
	       "&quot;mới&quot;</t></is></c><c s=\"1\"/><c s=\"1\"/>"
	       "<c s=\"1\"/><c s=\"1\"/></row>");
	has(x, "<row r=\"4\"><c t=\"inlineStr\"><is><t xml:space=\"preserve\">"
	       " Đơn vị: xã A</t></is></c></row>");
	/* the header written right to left comes out left to right */
	has(x, "<row r=\"11\" ht=\"54\" customHeight=\"1\"><c s=\"2\" "
	       "t=\"inlineStr\"><is><t>STT</t></is></c><c s=\"2\" "
	       "t=\"inlineStr\"><is><t>Họ và tên</t></is></c>");
	has(x, "<row r=\"13\"><c s=\"3\"><v>1</v></c><c s=\"8\" "
	       "t=\"inlineStr\"><is><t>NGUYỄN VĂN 1</t></is></c><c s=\"4\" "
	       "t=\"inlineStr\"><is><t>0007900000</t></is></c><c s=\"6\">"
	       "<v>45474</v></c><c s=\"5\"><v>1053000</v></c></row>");
	/* a skipped column: r on the cell after the gap only */
	has(x, "<row r=\"34\"><c r=\"C34\" s=\"3\"/></row>"
	       "<row r=\"35\"><c r=\"B35\"><v>0.1</v></c></row></sheetData>");
	has(x, "<mergeCells count=\"2\"><mergeCell ref=\"A2:E2\"/>"
	       "<mergeCell ref=\"A33:D33\"/></mergeCells>"
	       "<printOptions horizontalCentered=\"1\"/>"
	       "<pageMargins left=\"0.3\" right=\"0.3\" top=\"0.5\" "
	       "bottom=\"0.6\" header=\"0.3\" footer=\"0.3\"/>"
	       "<pageSetup paperSize=\"9\" orientation=\"landscape\" "
	       "fitToWidth=\"1\" fitToHeight=\"0\"/><headerFooter><oddFooter>"
	       "&amp;CTrang &amp;P/&amp;N</oddFooter></headerFooter>"
	       "</worksheet>");
	has_not(x, "<drawing");
	free(x);
	x = entry(path, "xl/worksheets/sheet2.xml");
	assert_non_null(x);
	has(x, "<sheetView workbookViewId=\"0\"/>");
	has_not(x, "tabSelected");
	has_not(x, "<pane");
	has_not(x, "<cols>");
	has(x, "<pageMargins left=\"0.7\" right=\"0.7\" top=\"0.75\" "
	       "bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/>"
	       "<drawing r:id=\"rId1\"/></worksheet>");
	has_not(x, "<pageSetup");
	has(x, "<c r=\"F2\" s=\"7\"><v>0.85</v></c>");
	free(x);
}

static void test_book_parts(void **state)
{
	char path[128];
	char *x;

	(void)state;
	path_of(path, sizeof(path), "parts.xlsx");
	assert_int_equal(write_sample(path), XO_OK);
	x = entry(path, "xl/workbook.xml");
	assert_non_null(x);
	has(x, "<sheets><sheet name=\"D03-TS BT\" sheetId=\"1\" r:id=\"rId1\"/>"
	       "<sheet name=\"Độ bao phủ\" sheetId=\"2\" r:id=\"rId2\"/>"
	       "</sheets><definedNames><definedName "
	       "name=\"_xlnm.Print_Titles\" localSheetId=\"0\">"
	       "'D03-TS BT'!$11:$12</definedName></definedNames>");
	free(x);
	x = entry(path, "xl/styles.xml");
	assert_non_null(x);
	has(x, "<numFmts count=\"1\"><numFmt numFmtId=\"164\" "
	       "formatCode=\"dd/mm/yyyy\"/></numFmts>");
	has(x, "<fonts count=\"4\"><font><sz val=\"11\"/><name "
	       "val=\"Times New Roman\"/></font><font><b/><sz val=\"14\"/>"
	       "<name val=\"Times New Roman\"/></font><font><b/><sz "
	       "val=\"11\"/><name val=\"Times New Roman\"/></font><font><i/>"
	       "<sz val=\"11\"/><name val=\"Arial\"/></font></fonts>");
	has(x, "<cellXfs count=\"9\"><xf numFmtId=\"0\" fontId=\"0\" "
	       "fillId=\"0\" borderId=\"0\" xfId=\"0\"/>");
	has(x, "<xf numFmtId=\"49\" fontId=\"0\" fillId=\"0\" borderId=\"1\" "
	       "xfId=\"0\" applyNumberFormat=\"1\" applyBorder=\"1\" "
	       "applyAlignment=\"1\"><alignment horizontal=\"center\" "
	       "vertical=\"center\"/></xf><xf numFmtId=\"3\" ");
	has(x, "<xf numFmtId=\"9\" fontId=\"3\" fillId=\"0\" borderId=\"0\" "
	       "xfId=\"0\" applyNumberFormat=\"1\" applyFont=\"1\" "
	       "applyAlignment=\"1\"><alignment vertical=\"center\"/></xf>"
	       "<xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"1\" "
	       "xfId=\"0\" applyBorder=\"1\" applyAlignment=\"1\"><alignment "
	       "horizontal=\"left\" vertical=\"center\" wrapText=\"1\"/></xf>"
	       "</cellXfs>");
	has(x, "<cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/>");
	free(x);
	x = entry(path, "docProps/core.xml");
	assert_non_null(x);
	has(x, "<dc:title>Danh sách</dc:title><dc:subject>D03-TS</dc:subject>"
	       "<dc:creator>doisoat</dc:creator><dcterms:created "
	       "xsi:type=\"dcterms:W3CDTF\">2024-07-01T00:00:00Z"
	       "</dcterms:created>");
	free(x);
	x = entry(path, "[Content_Types].xml");
	assert_non_null(x);
	has(x, "<Override PartName=\"/xl/charts/chart1.xml\"");
	has(x, "<Override PartName=\"/xl/worksheets/sheet2.xml\"");
	free(x);
	x = entry(path, "xl/worksheets/_rels/sheet2.xml.rels");
	assert_non_null(x);
	has(x, "Target=\"../drawings/drawing1.xml\"");
	free(x);
}

static void test_chart(void **state)
{
	char path[128];
	char *x;

	(void)state;
	path_of(path, sizeof(path), "chart.xlsx");
	assert_int_equal(write_sample(path), XO_OK);
	x = entry(path, "xl/charts/chart1.xml");
	assert_non_null(x);
	has(x, "<a:t>Tỷ lệ bao phủ BHYT so với chỉ tiêu</a:t>");
	has(x, "<c:barChart><c:barDir val=\"col\"/><c:grouping "
	       "val=\"clustered\"/><c:varyColors val=\"0\"/><c:ser><c:idx "
	       "val=\"0\"/><c:order val=\"0\"/><c:tx><c:v>Tỷ lệ bao phủ BHYT"
	       "</c:v></c:tx>");
	has(x, "<c:cat><c:strRef><c:f>'Độ bao phủ'!$C$2:$C$4</c:f></c:strRef>"
	       "</c:cat><c:val><c:numRef><c:f>'Độ bao phủ'!$F$2:$F$4</c:f>");
	has(x, "<c:lineChart><c:grouping val=\"standard\"/><c:varyColors "
	       "val=\"0\"/><c:ser><c:idx val=\"1\"/><c:order val=\"1\"/>"
	       "<c:tx><c:v>Chỉ tiêu</c:v></c:tx>");
	has(x, "<c:f>'Độ bao phủ'!$G$2:$G$4</c:f>");
	/* colours written out: without a theme LibreOffice draws the
	   series, legend keys and gridlines in nothing */
	has(x, "</c:tx><c:spPr><a:solidFill><a:srgbClr val=\"4F81BD\"/>"
	       "</a:solidFill></c:spPr><c:invertIfNegative val=\"0\"/>");
	has(x, "</c:tx><c:spPr><a:ln w=\"28575\"><a:solidFill><a:srgbClr "
	       "val=\"C0504D\"/></a:solidFill></a:ln></c:spPr><c:marker>");
	has(x, "<c:majorGridlines><c:spPr><a:ln w=\"9525\"><a:solidFill>"
	       "<a:srgbClr val=\"D9D9D9\"/>");
	has(x, "<c:numFmt formatCode=\"0%\" sourceLinked=\"0\"/>");
	has(x, "<c:legendPos val=\"b\"/>");
	free(x);
	x = entry(path, "xl/drawings/drawing1.xml");
	assert_non_null(x);
	has(x, "<xdr:from><xdr:col>1</xdr:col><xdr:colOff>0</xdr:colOff>"
	       "<xdr:row>5</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from>"
	       "<xdr:ext cx=\"5715000\" cy=\"2857500\"/>");
	free(x);
}

static void test_same_bytes(void **state)
{
	char p1[128], p2[128];
	char *a, *b;
	size_t na, nb;

	(void)state;
	path_of(p1, sizeof(p1), "same1.xlsx");
	path_of(p2, sizeof(p2), "same2.xlsx");
	assert_int_equal(write_sample(p1), XO_OK);
	sleep(1); /* the time must not show */
	assert_int_equal(write_sample(p2), XO_OK);
	a = slurp(p1, &na);
	b = slurp(p2, &nb);
	assert_int_equal(na, nb);
	assert_memory_equal(a, b, na);
	free(a);
	free(b);
}

/* A book of one sheet with what one_cell writes; the sheet's XML. */
static char *one_sheet(const char *file,
		       void (*fill)(struct xo_sheet *, xo_fmt))
{
	char path[128];
	struct xo_book *b;
	struct xo_sheet *s;
	xo_fmt f;

	path_of(path, sizeof(path), file);
	b = xo_open(path, NULL);
	assert_non_null(b);
	f = xo_style(b, &(struct xo_style){ .border = 1 });
	s = xo_sheet(b, "S", NULL);
	fill(s, f);
	assert_int_equal(xo_close(b), XO_OK);
	return entry(path, "xl/worksheets/sheet1.xml");
}

static void fill_text(struct xo_sheet *s, xo_fmt f)
{
	static char big[200001];
	int i;

	xo_text(s, 0, 0,
		"a\x01"
		"b\tc\r\nd\x1f"
		"e",
		0);
	xo_text(s, 0, 1, "x_x0041_y _z_", 0);
	xo_text(s, 0, 2, "", 0); /* nothing */
	xo_text(s, 0, 3, NULL, 0);
	xo_text(s, 0, 4, "", f); /* a styled blank */
	xo_text(s, 0, 5, "trail ", 0);
	for (i = 0; i < 200000; i++) /* longer than the buffer */
		big[i] = "ab&<"[i % 4];
	xo_text(s, 1, 0, big, 0);
	for (i = 2; i < 20000; i++) /* many flushes */
		xo_num(s, i, 0, i, f);
}

static void test_text_escapes(void **state)
{
	char *x = one_sheet("text.xlsx", fill_text), *p;
	size_t n = 0;

	(void)state;
	assert_non_null(x);
	has(x, "<row r=\"1\"><c t=\"inlineStr\"><is><t>ab\tc&#13;\nde</t></is>"
	       "</c><c t=\"inlineStr\"><is><t>x_x005F_x0041_y _z_</t></is>"
	       "</c><c r=\"E1\" s=\"1\"/><c t=\"inlineStr\"><is><t "
	       "xml:space=\"preserve\">trail </t></is></c></row>");
	p = strstr(x, "<row r=\"2\"><c t=\"inlineStr\"><is><t>");
	assert_non_null(p);
	p += strlen("<row r=\"2\"><c t=\"inlineStr\"><is><t>");
	while (strncmp(p, "ab&amp;&lt;", 11) == 0) {
		p += 11;
		n++;
	}
	assert_int_equal(n, 50000);
	has(p, "</t></is></c></row><row r=\"3\"><c s=\"1\"><v>2</v></c></row>");
	has(x, "<row r=\"20000\"><c s=\"1\"><v>19999</v></c></row>"
	       "</sheetData>");
	free(x);
}

static void fill_nums(struct xo_sheet *s, xo_fmt f)
{
	(void)f;
	xo_num(s, 0, 0, -12, 0);
	xo_num(s, 0, 1, 0.1, 0);
	xo_num(s, 0, 2, 1e20, 0);
	xo_num(s, 0, 3, -0.0, 0);
	xo_num(s, 0, 4, 1.0 / 3, 0);
	xo_num(s, 0, 5, NAN, 0);
	xo_num(s, 0, 6, 999999999999999.0, 0);
	xo_date(s, 1, 0, 1900, 1, 1, 0);
	xo_date(s, 1, 1, 1900, 2, 28, 0);
	xo_date(s, 1, 2, 1900, 3, 1, 0);
	xo_date(s, 1, 3, 2024, 2, 29, 0);
	xo_num(s, 2, 16383, 1, 0); /* the last column */
	xo_height(s, 3, 20.5); /* a row with a height only */
	xo_num(s, 1048575, 0, 7, 0); /* the last row */
}

static void test_numbers_and_dates(void **state)
{
	char *x = one_sheet("nums.xlsx", fill_nums);

	(void)state;
	assert_non_null(x);
	has(x, "<row r=\"1\"><c><v>-12</v></c><c><v>0.1</v></c><c><v>1e+20"
	       "</v></c><c><v>0</v></c><c><v>0.3333333333333333</v></c>"
	       "<c t=\"e\"><v>#NUM!</v></c><c><v>999999999999999</v></c>"
	       "</row>");
	has(x, "<row r=\"2\"><c><v>1</v></c><c><v>59</v></c><c><v>61</v></c>"
	       "<c><v>45351</v></c></row>");
	has(x, "<row r=\"3\"><c r=\"XFD3\"><v>1</v></c></row>");
	has(x, "<row r=\"4\" ht=\"20.5\" customHeight=\"1\"/>");
	has(x, "<row r=\"1048576\"><c><v>7</v></c></row>");
	free(x);
}

static void test_styles_dedup(void **state)
{
	char path[128], num[8] = "#,##0";
	struct xo_book *b;
	xo_fmt a, c, d;

	(void)state;
	path_of(path, sizeof(path), "dedup.xlsx");
	b = xo_open(path, NULL);
	assert_non_null(b);
	a = xo_style(b, &(struct xo_style){ .border = 1, .num = "#,##0" });
	c = xo_style(b, &(struct xo_style){ .border = 1, .num = num });
	d = xo_style(b, &(struct xo_style){ .border = 1,
					    .num = "#,##0",
					    .font = "Times New Roman",
					    .size = 11 });
	assert_int_equal(a, 1);
	assert_int_equal(c, a);
	assert_int_equal(d, a);
	assert_int_equal(xo_style(b, &(struct xo_style){ .num = "#,##0" }), 2);
	assert_int_equal(xo_style(b, &(struct xo_style){ .border = 1 }), 3);
	assert_int_equal(
		xo_style(b, &(struct xo_style){ .border = 1, .bold = 1 }), 4);
	assert_int_equal(xo_style(b, NULL), 0);
	assert_int_equal(xo_close(b), XO_OK);
}

static void test_quoted_names(void **state)
{
	char path[128];
	struct xo_book *b;
	char *x;

	(void)state;
	path_of(path, sizeof(path), "quote.xlsx");
	b = xo_open(path, NULL);
	assert_non_null(b);
	assert_non_null(
		xo_sheet(b, "A&B's <x>",
			 &(struct xo_page){ .repeat_r0 = 0, .repeat_r1 = 0 }));
	assert_non_null(xo_sheet(b, "none", NULL));
	assert_non_null(
		xo_sheet(b, "neither",
			 &(struct xo_page){ .repeat_r0 = 1, .repeat_r1 = 0 }));
	assert_int_equal(xo_close(b), XO_OK);
	x = entry(path, "xl/workbook.xml");
	assert_non_null(x);
	has(x, "<sheet name=\"A&amp;B's &lt;x&gt;\" sheetId=\"1\"");
	has(x, "<definedNames><definedName name=\"_xlnm.Print_Titles\" "
	       "localSheetId=\"0\">'A&amp;B''s &lt;x&gt;'!$1:$1</definedName>"
	       "</definedNames>");
	free(x);
}

/* A sheet written last can be shown first (xo_sheet_at). */
static void test_sheet_at(void **state)
{
	char path[128];
	struct xo_book *b;
	struct xo_sheet *s;
	char *x;

	(void)state;
	path_of(path, sizeof(path), "order.xlsx");
	b = xo_open(path, NULL);
	assert_non_null(b);
	s = xo_sheet(b, "written first", NULL);
	xo_text(s, 0, 0, "one", 0);
	s = xo_sheet_at(b, 0, "shown first",
			&(struct xo_page){ .repeat_r0 = 2, .repeat_r1 = 2 });
	xo_text(s, 0, 0, "two", 0);
	s = xo_sheet_at(b, 99, "shown last", NULL);
	xo_text(s, 0, 0, "three", 0);
	assert_int_equal(xo_close(b), XO_OK);
	x = entry(path, "xl/workbook.xml");
	assert_non_null(x);
	has(x, "<sheets><sheet name=\"shown first\" sheetId=\"2\" "
	       "r:id=\"rId2\"/><sheet name=\"written first\" sheetId=\"1\" "
	       "r:id=\"rId1\"/><sheet name=\"shown last\" sheetId=\"3\" "
	       "r:id=\"rId3\"/></sheets>");
	/* print titles name the sheet by its place, not its part */
	has(x, "localSheetId=\"0\">'shown first'!$3:$3</definedName>");
	free(x);
	x = entry(path, "xl/_rels/workbook.xml.rels");
	assert_non_null(x);
	has(x, "Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/"
	       "officeDocument/2006/relationships/worksheet\" "
	       "Target=\"worksheets/sheet2.xml\"/>");
	free(x);
	x = entry(path, "xl/worksheets/sheet2.xml");
	assert_non_null(x);
	has(x, "<t>two</t>");
	free(x);
}

/* Repeated text kept once: xl/sharedStrings.xml, cells by index. */
static void test_shared_strings(void **state)
{
	char path[128];
	struct xo_book *b;
	struct xo_sheet *s;
	xo_fmt f;
	char *x;

	(void)state;
	path_of(path, sizeof(path), "sst.xlsx");
	b = xo_open(path, NULL);
	assert_non_null(b);
	f = xo_style(b, &(struct xo_style){ .border = 1 });
	s = xo_sheet(b, "A", NULL);
	xo_stext(s, 0, 0, "Nữ", f);
	xo_stext(s, 0, 1, " Tăng mới & <x>", 0);
	xo_stext(s, 1, 0, "Nữ", f);
	xo_stext(s, 1, 1, "", f); /* a styled blank */
	assert_int_equal(xo_close(b), XO_OK);
	x = entry(path, "xl/worksheets/sheet1.xml");
	assert_non_null(x);
	has(x, "<row r=\"1\"><c s=\"1\" t=\"s\"><v>0</v></c><c t=\"s\">"
	       "<v>1</v></c></row><row r=\"2\"><c s=\"1\" t=\"s\"><v>0</v>"
	       "</c><c s=\"1\"/></row>");
	free(x);
	x = entry(path, "xl/sharedStrings.xml");
	assert_non_null(x);
	has(x, "count=\"3\" uniqueCount=\"2\"><si><t>Nữ</t></si><si><t "
	       "xml:space=\"preserve\"> Tăng mới &amp; &lt;x&gt;</t></si>"
	       "</sst>");
	free(x);
	x = entry(path, "xl/_rels/workbook.xml.rels");
	assert_non_null(x);
	has(x, "Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/"
	       "officeDocument/2006/relationships/sharedStrings\" "
	       "Target=\"sharedStrings.xml\"/>");
	free(x);
	x = entry(path, "[Content_Types].xml");
	assert_non_null(x);
	has(x, "<Override PartName=\"/xl/sharedStrings.xml\"");
	free(x);
}

static void test_empty_book(void **state)
{
	char path[128], names[1024];
	struct xo_book *b;
	char *x;

	(void)state;
	path_of(path, sizeof(path), "empty.xlsx");
	b = xo_open(path, NULL);
	assert_non_null(b);
	assert_int_equal(xo_close(b), XO_OK);
	entry_names(path, names, sizeof(names));
	assert_non_null(strstr(names, "xl/worksheets/sheet1.xml\n"));
	x = entry(path, "xl/workbook.xml");
	assert_non_null(x);
	has(x, "<sheet name=\"Sheet1\"");
	free(x);
	assert_null(xo_open("/nonexistent-dir/x.xlsx", NULL));
}

/* Open a book at name with one sheet "S"; *s gets it. */
static struct xo_book *err_book(const char *name, struct xo_sheet **s)
{
	char path[128];
	struct xo_book *b;

	path_of(path, sizeof(path), name);
	b = xo_open(path, NULL);
	assert_non_null(b);
	*s = xo_sheet(b, "S", NULL);
	assert_non_null(*s);
	return b;
}

static void test_errors(void **state)
{
	struct xo_book *b;
	struct xo_sheet *s, *t;

	(void)state;
	/* a row before the current one; sticky: nothing after counts */
	b = err_book("erow.xlsx", &s);
	xo_text(s, 5, 0, "x", 0);
	xo_text(s, 4, 0, "y", 0);
	assert_int_equal(xo_error(b), XO_EROW);
	xo_num(s, 1048576, 0, 1, 0);
	assert_null(xo_sheet(b, "T", NULL));
	assert_int_equal(xo_close(b), XO_EROW);
	/* a width after the first row, a cell on a finished sheet */
	b = err_book("ewidth.xlsx", &s);
	xo_text(s, 0, 0, "x", 0);
	xo_text(s, 1, 0, "x", 0);
	xo_width(s, 0, 0, 10);
	assert_int_equal(xo_close(b), XO_EROW);
	b = err_book("efinished.xlsx", &s);
	t = xo_sheet(b, "T", NULL);
	assert_non_null(t);
	xo_text(s, 9, 0, "x", 0);
	assert_int_equal(xo_close(b), XO_EROW);
	/* names: 32 characters, repeated (in any case), forbidden */
	b = err_book("ename1.xlsx", &s);
	assert_non_null(xo_sheet(b, "Độ bao phủ của 31 ký tự ở đây!!", NULL));
	assert_int_equal(xo_error(b), XO_OK);
	assert_null(xo_sheet(b, "Độ bao phủ của 32 ký tự ở đây!!!", NULL));
	assert_int_equal(xo_close(b), XO_ENAME);
	b = err_book("ename2.xlsx", &s);
	assert_non_null(xo_sheet(b, "Độ", NULL));
	assert_null(xo_sheet(b, "ĐỘ", NULL));
	assert_int_equal(xo_close(b), XO_ENAME);
	b = err_book("ename3.xlsx", &s);
	assert_null(xo_sheet(b, "a/b", NULL));
	assert_int_equal(xo_close(b), XO_ENAME);
	b = err_book("ename5.xlsx", &s);
	assert_null(xo_sheet(b, "HISTORY", NULL));
	assert_int_equal(xo_close(b), XO_ENAME);
	b = err_book("ename4.xlsx", &s);
	assert_null(xo_sheet(b, "", NULL));
	assert_int_equal(xo_close(b), XO_ENAME);
	/* limits: row 1048576, column 16384 */
	b = err_book("elimit1.xlsx", &s);
	xo_num(s, 1048576, 0, 1, 0);
	assert_int_equal(xo_close(b), XO_ELIMIT);
	b = err_book("elimit2.xlsx", &s);
	xo_text(s, 0, 16384, "x", 0);
	assert_int_equal(xo_close(b), XO_ELIMIT);
	/* calls on a NULL sheet do nothing */
	xo_text(NULL, 0, 0, "x", 0);
	xo_merge(NULL, 0, 0, 2, "x", 0);
	assert_int_equal(xo_close(NULL), XO_OK);
}

static void test_strerror(void **state)
{
	static const int codes[] = { XO_OK,    XO_EIO,	  XO_EROW,
				     XO_ENAME, XO_ELIMIT, XO_EMEM };
	const char *unknown = xo_strerror(-99);
	size_t i, j;

	(void)state;
	assert_string_equal(unknown, "unknown error");
	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		assert_string_not_equal(xo_strerror(codes[i]), unknown);
		for (j = 0; j < i; j++)
			assert_string_not_equal(xo_strerror(codes[i]),
						xo_strerror(codes[j]));
	}
	assert_non_null(strstr(xo_strerror(XO_EROW), "row"));
	assert_non_null(strstr(xo_strerror(XO_ENAME), "sheet name"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entries_and_mode),
		cmocka_unit_test(test_sheet_xml),
		cmocka_unit_test(test_book_parts),
		cmocka_unit_test(test_chart),
		cmocka_unit_test(test_same_bytes),
		cmocka_unit_test(test_text_escapes),
		cmocka_unit_test(test_numbers_and_dates),
		cmocka_unit_test(test_styles_dedup),
		cmocka_unit_test(test_quoted_names),
		cmocka_unit_test(test_sheet_at),
		cmocka_unit_test(test_shared_strings),
		cmocka_unit_test(test_empty_book),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_strerror),
	};
	const char *keep = getenv("XO_KEEP");

	if (keep) { /* only the book, for tests/xlsx/xlsxout.sh */
		if (write_sample(keep) == XO_OK)
			return 0;
		fprintf(stderr, "test_xlsxout: could not write %s\n", keep);
		return 1;
	}
	return cmocka_run_group_tests(tests, setup, teardown);
}
