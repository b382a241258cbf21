/*
 * xlsxin.h: read an Excel workbook (.xlsx, Office Open XML) as rows of
 * UTF-8 fields, through the same callbacks as the CSV reader (csvin.h), so
 * a caller can choose the reader by the file's magic bytes and change
 * nothing else.
 *
 * A workbook is read cell by cell, as the office sees it (rules.md R1, R2): a
 * text cell is its text (shared or inline, rich-text runs joined); a number is
 * its digits (no ".0", no scientific notation: 8.4080090001E10 in the XML
 * is 84080090001); a number with a date format is the date as ISO text
 * yyyy-mm-dd (1900 and 1904 date systems, Lotus's 1900-02-29 kept); a
 * percent format gives "95%"; a zero-padded format ("000000000000") gives
 * the padded digits; a boolean is TRUE or FALSE; an error is its text
 * (#N/A); a formula cell is its cached value.
 *
 * Every worksheet is read in workbook order.  In each, the header is the
 * first row the header chooser accepts (by default the first non-empty
 * row); cells missing from a row (sparse references) are empty fields at
 * their column; a row's line is its row number in the sheet.  A sheet
 * whose header on_header refuses is skipped (reported, not an error); the
 * file is an error only when no sheet at all could be read.
 *
 * Memory: the zip is read part by part, each sheet streamed row by row
 * through expat; only the shared-string table (in one buffer) and the
 * cell formats are held for the whole read.  Every part's uncompressed
 * size is capped (a zip bomb is an error, not a full disk or a hang), the
 * zip's CRCs are checked, and a DOCTYPE is refused (no entity expansion).
 */
#ifndef DOISOAT_XLSXIN_H
#define DOISOAT_XLSXIN_H

#include "csvin.h"

#include <stdint.h>

/* What became of a sheet. */
enum xlsxin_status {
	XLSXIN_READ, /* header accepted, rows handed out */
	XLSXIN_SKIPPED, /* on_header refused the header (or none was found) */
	XLSXIN_EMPTY, /* no non-empty row */
	XLSXIN_OTHER, /* a chart sheet or dialog sheet: no cells */
};

/* "read", "skipped", "empty", "other" (summary.json, inspect), or "?". */
const char *xlsxin_status_name(int status);

/* One sheet, as on_sheet and on_sheet_end see it. */
struct xlsxin_sheet {
	const char *name; /* as the workbook names it (UTF-8) */
	const char *part; /* zip path: "xl/worksheets/sheet2.xml"; .xls: "" */
	int index; /* 1-based, in workbook order */
	int count; /* sheets in the workbook */
	int hidden; /* 1 hidden, 2 "very hidden" (only code shows it); .xls 0 */
	/* The rest is filled in by the time on_sheet_end runs. */
	enum xlsxin_status status;
	unsigned long header_line; /* the header's row number, 0 if none */
	unsigned long lines; /* last non-empty row read (skipped: header's) */
	unsigned long title; /* non-empty rows above the header */
	unsigned long blank; /* empty rows between the header and lines */
	unsigned long records; /* rows handed out or rejected */
	const char *why; /* XLSXIN_SKIPPED: on_header's message */
};

struct xlsxin_opts {
	/*
	 * Called before a sheet's first row and after its last (both may be
	 * NULL), with the csvin_cb's ctx.  The reader's messages and a
	 * caller's rejects name a sheet as "file.xlsx#Sheet2".
	 */
	void (*on_sheet)(void *ctx, const struct xlsxin_sheet *sheet);
	void (*on_sheet_end)(void *ctx, const struct xlsxin_sheet *sheet);
	/*
	 * The header chooser: given a sheet's non-empty rows in order until
	 * it returns 1, says whether this row is the header (1) or a title
	 * row above it (0, counted in title).  NULL: xlsxin_first_row.  At
	 * most max_title rows are offered; then the sheet is skipped.
	 */
	int (*is_header)(void *ctx, const struct csvin_row *row);
	unsigned max_title; /* 0: 30 */
	const char *sheet; /* read only the sheet of this name; NULL: all */
	uint64_t max_sheet; /* uncompressed bytes per sheet; 0: 2 GiB */
	uint64_t max_strings; /* sharedStrings.xml; 0: 256 MiB */
	uint64_t max_part; /* workbook, rels, styles; 0: 64 MiB */
	size_t max_record; /* bytes of a row's text; 0: 1 MiB */
};

struct xlsxin_stats {
	/*
	 * As csvin fills it: bytes and xxh3 of the file; lines = the sum of
	 * the read sheets' lines; blank = their empty rows (title rows
	 * included); records = rows handed out or rejected; gzip 0; delim
	 * ','; encoding "UTF-8".  Per read sheet, lines = title + blank +
	 * records + 1 (the header).
	 */
	struct csvin_stats base;
	unsigned long title; /* title rows above headers, all sheets */
	int sheets; /* worksheets in the workbook */
	int sheets_read; /* XLSXIN_READ */
	int sheets_skipped; /* XLSXIN_SKIPPED */
	int sheets_empty; /* XLSXIN_EMPTY or XLSXIN_OTHER */
	int date1904; /* the workbook uses the 1904 date system */
};

/*
 * Read the workbook at path (a seekable file; not "-").  cb's callbacks
 * get each read sheet's header and rows exactly as csvin's do (row.raw is
 * the row's cells as one CSV line, for rejects.csv); a row with a
 * non-empty cell right of the header's last column is rejected
 * REJ_COLUMN_COUNT, a row longer than max_record REJ_TOO_LONG.  opts may
 * be NULL.  Returns 0 when at least one sheet was read; -1 with err naming
 * the file (and "#sheet" and row where they apply) when the workbook is
 * damaged, too big, or no sheet could be read (err then carries the first
 * refused sheet's on_header message).
 */
int xlsxin_read(const char *path, const struct xlsxin_opts *opts,
		const struct csvin_cb *cb, struct xlsxin_stats *st,
		struct etl_err *err);

/* Does the file start like a zip ("PK\3\4")?  1, 0, or -1 unreadable. */
int xlsxin_sniff(const char *path);

/* The default header chooser: any row is the header (it is non-empty). */
int xlsxin_first_row(void *ctx, const struct csvin_row *row);

/*
 * Cell decoding, exposed for the unit tests and for the .xls reader.
 */

/*
 * What a cell format makes of a number.  Dates are dates whatever the
 * time part says; time-only formats (h:mm, [h]:mm:ss, mm:ss) are not dates.
 */
enum xlsxin_fmt {
	XF_GENERAL, /* the number as digits */
	XF_DATE, /* yyyy-mm-dd */
	XF_PERCENT, /* number x 100 and "%" */
	XF_ZEROS, /* a whole number padded with zeros to the format's width */
};
/* The kind of built-in format numFmtId (0-163). */
enum xlsxin_fmt xlsxin_builtin_fmt(unsigned id);
/*
 * The kind of a custom format code: a date if its first section has d, m
 * or y outside quotes, brackets and escapes (m only when no h or s makes
 * it minutes); *width gets the number of '0's of an all-zero format.
 */
enum xlsxin_fmt xlsxin_custom_fmt(const char *code, int *width);

/*
 * A number (the text of a <v>) as the office sees it under General: a
 * whole number below 2^53 as its digits, others with at most 15
 * significant digits, the shortest that reads back the same, never in
 * scientific notation.  Text that is not a number is copied.  Returns
 * the length written to out (NUL-terminated; out has room for 400).
 */
#define XLSXIN_NUM_MAX 400
size_t xlsxin_number(const char *v, char out[XLSXIN_NUM_MAX]);
/* The same from a double. */
size_t xlsxin_double(double x, char out[XLSXIN_NUM_MAX]);
/*
 * A date serial as ISO yyyy-mm-dd (time of day dropped) in the 1900
 * system (1 = 1900-01-01; 60 = the nonexistent 1900-02-29 Excel shows) or
 * the 1904 system (0 = 1904-01-01).  Returns 0, or -1 when the serial is
 * no date (below 1 in the 1900 system, negative, after 9999-12-31).
 */
int xlsxin_serial_date(double serial, int date1904, char out[11]);
/*
 * A cell reference "AB12": *col = 27 (0-based), *row = 12.  A reference
 * without a row number ("AB") gives *row = 0.  Returns 0, or -1 when it
 * is no reference or beyond XFD1048576's columns.
 */
int xlsxin_cellref(const char *ref, int *col, unsigned long *row);

#endif
