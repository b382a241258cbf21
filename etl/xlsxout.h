/*
 * xlsxout.h: a small streaming .xlsx writer for the lists people file.
 *
 * The lists of a district run to hundreds of thousands of rows; what
 * they cost to write is mostly the XML and its deflate.  This writer
 * keeps one row in memory, writes compact XML (inline strings, no cell
 * references) straight into the zip (minizip, deflate level 1), and
 * holds only what must come after the rows (merged ranges) or in other
 * parts (styles, sheet names, one chart).  It writes what the lists
 * need and nothing else: styles, column widths, row heights, merged
 * cells, text, numbers, dates, frozen header rows, the print setup, and
 * a column chart with an optional line series.
 *
 * The same calls give the same bytes: every part has a fixed time
 * stamp and order.  Rows are written in increasing order; the cells of
 * the current row in any order.  Errors are sticky: after the first,
 * calls do nothing and xo_close() reports it.
 */
#ifndef XLSXOUT_H
#define XLSXOUT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct xo_book;
struct xo_sheet;

/* A cell style: an index returned by xo_style(); 0 is the default. */
typedef int xo_fmt;

enum xo_align { XO_GENERAL, XO_LEFT, XO_CENTER, XO_RIGHT };

/* What a style looks like.  All text is vertically centred. */
struct xo_style {
	const char *font; /* NULL: "Times New Roman" */
	double size; /* points; 0: 11 */
	unsigned bold : 1, italic : 1, wrap : 1;
	unsigned border : 1; /* thin border on all four sides */
	enum xo_align align;
	const char *num; /* number format ("#,##0", "dd/mm/yyyy", "@"),
			    NULL: General */
};

/* The document's properties (docProps/core.xml). */
struct xo_props {
	const char *title, *subject, *author;
	time_t created; /* written as created and modified */
};

/* How a sheet prints.  Zero fields are Excel's defaults. */
struct xo_page {
	unsigned landscape : 1, center_h : 1;
	int paper; /* 9: A4 */
	double left, right, top, bottom; /* margins, inches; all 0: default */
	int fit_width; /* pages wide (1), 0: no fitting; the height free */
	int repeat_r0, repeat_r1; /* rows printed on every page (0-based,
				     inclusive); r1 < r0: none */
	int freeze_rows; /* rows frozen above the scroll area; 0: none */
	const char *footer; /* "&CTrang &P/&N", or NULL */
};

/* One series of a chart: its name, the column of its values. */
struct xo_series {
	const char *name;
	int col;
	unsigned line : 1; /* drawn as a line over the columns */
};

/*
 * A column chart of rows r0..r1 of a sheet: categories from cat_col,
 * up to four series; placed with its top left corner at (at_row,
 * at_col), width and height in pixels.
 */
struct xo_chart {
	const char *title;
	const char *sheet; /* the sheet holding the data */
	int r0, r1, cat_col;
	struct xo_series series[4];
	int nseries;
	const char *y_num; /* the value axis' number format ("0%") */
	int at_row, at_col;
	int width, height;
};

/*
 * Create the workbook at path (mode 0600, truncated).  NULL with errno
 * on failure.  p may be NULL.
 */
struct xo_book *xo_open(const char *path, const struct xo_props *p);

/* A style for the cells of this book; the same style twice is one. */
xo_fmt xo_style(struct xo_book *b, const struct xo_style *s);

/*
 * Start a sheet (the previous one is finished).  name: at most 31
 * characters, none of []:*?/\, not starting or ending with ', not
 * "History", and unique in the book ignoring case (else the book fails
 * with XO_ENAME).  page may be NULL.  Column widths are set before the
 * first row.  NULL once the book has failed; every call below takes a
 * NULL sheet and does nothing.  Cells, widths and charts go to the
 * current sheet only: a call on a finished sheet fails with XO_EROW.
 */
struct xo_sheet *xo_sheet(struct xo_book *b, const char *name,
			  const struct xo_page *page);

/*
 * As xo_sheet, but the sheet is shown at place pos among the book's
 * sheets (0: first; past the end: last), whatever the order they are
 * written in: a sheet that waits for data can be written after the
 * sheets that follow it.
 */
struct xo_sheet *xo_sheet_at(struct xo_book *b, size_t pos, const char *name,
			     const struct xo_page *page);

/*
 * Width of columns c0..c1 (characters, converted as libxlsxwriter does),
 * before the first row is written out, i.e. before a cell of a second
 * row (after: XO_EROW).
 */
void xo_width(struct xo_sheet *s, int c0, int c1, double width);

/* Height of row r (points), before the row's first cell. */
void xo_height(struct xo_sheet *s, int r, double height);

/* Cells of row r, column c (0-based).  An empty text with a style is a
   styled blank; NULL or "" without a style (0) writes nothing. */
void xo_text(struct xo_sheet *s, int r, int c, const char *text, xo_fmt f);
/*
 * A text cell kept once in the book's shared strings: for values a
 * sheet repeats (a sex, a commune's name, a note, a plan code), which
 * then cost a few bytes a cell.  The book holds every distinct one until
 * it closes: not for names or IDs.
 */
void xo_stext(struct xo_sheet *s, int r, int c, const char *text, xo_fmt f);
void xo_num(struct xo_sheet *s, int r, int c, double v, xo_fmt f);
void xo_blank(struct xo_sheet *s, int r, int c, xo_fmt f);
/* A date cell (a serial number shown by f's format); y-m-d valid. */
void xo_date(struct xo_sheet *s, int r, int c, int y, int m, int d, xo_fmt f);

/* Text across columns c0..c1 of row r, merged, every cell styled f. */
void xo_merge(struct xo_sheet *s, int r, int c0, int c1, const char *text,
	      xo_fmt f);

/* Add a chart to sheet s (at most one per sheet, 1 to 4 series; else
   XO_ELIMIT).  c->sheet NULL: s itself. */
void xo_add_chart(struct xo_sheet *s, const struct xo_chart *c);

/* Errors, as xo_close() returns them. */
enum {
	XO_OK = 0,
	XO_EIO = -1, /* writing failed: errno says why */
	XO_EROW = -2, /* a row before the current one */
	XO_ENAME = -3, /* a bad or repeated sheet name */
	XO_ELIMIT = -4, /* past 1,048,576 rows or 16,384 columns */
	XO_EMEM = -5,
};

/* The book's first error so far (XO_OK if none). */
int xo_error(const struct xo_book *b);

/* What an error code means, in English. */
const char *xo_strerror(int e);

/*
 * Finish and close the file, free b.  XO_OK, or the first error (the
 * file is then incomplete: remove it).
 */
int xo_close(struct xo_book *b);

#endif
