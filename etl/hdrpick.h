/*
 * hdrpick.h: finding the header row of an input (rules.md R2.3).  Real rosters
 * are forms: a title block comes first, the header may take two rows (a
 * merged group header above sub-headers), a row of column numbers may
 * follow.  The header is the first row, among the first HDRPICK_ROWS
 * non-empty rows, that has the required columns of its kind, alone or
 * joined with the row above it.  The CSV reader and the workbook readers
 * offer their rows to the same picker, so both find the same header.
 */
#ifndef DOISOAT_HDRPICK_H
#define DOISOAT_HDRPICK_H

#include "fields.h"
#include "util.h"

/* Rows offered before an input is refused. */
#define HDRPICK_ROWS 30

struct hdrpick {
	enum kind kind;
	/* the header once found */
	struct colmap map;
	struct strbuf text; /* each column's header as written, NUL after
			     * each (two rows joined by a space) */
	size_t *toff; /* per column: offset in text */
	int ntext, tcap;
	unsigned long line; /* its (last) row */
	int rows; /* 1, or 2 for a two-row header */
	unsigned tried; /* rows refused before it */
	/* the row before, for a two-row header */
	struct strbuf prev;
	size_t *poff;
	int pn, pcap;
	unsigned long prev_line;
	/* rows under the header (hdrpick_row) */
	unsigned long under; /* rows classified since the header */
	int footer; /* the form's footer has started */
	/* the refused row nearest to a header: for the message */
	unsigned long best_line;
	int best_missing;
	char best_msg[COLMAP_MSG_MAX];
};

/* given: fields the file gives by default (struct colmap's given). */
void hdrpick_init(struct hdrpick *h, enum kind k, unsigned given);
void hdrpick_release(struct hdrpick *h);

/*
 * Offer one non-empty row (line: its row number).  Returns 1 when it is
 * the header (map, text, line and rows are set), else 0 (a title row:
 * tried counts it).
 */
int hdrpick_try(struct hdrpick *h, int n, const char *const *cells,
		const size_t *lens, unsigned long line);

/* Column c's header text as written ("" beyond the header). */
const char *hdrpick_text(const struct hdrpick *h, int c);

/*
 * The message for an input whose header was not found: names path, the
 * row nearest to a header and what it misses, and the accepted headers.
 */
int hdrpick_fail(const struct hdrpick *h, const char *path,
		 struct etl_err *err);

/*
 * Is this row a row of column numbers ("(1) (2) (3)", "1 2 3", "A B C",
 * "A B 1 2 ...")?  Every non-empty cell is a number, a number in
 * brackets, or a single letter, and at least two cells are non-empty.
 */
int hdrpick_numbering(int n, const char *const *cells, const size_t *lens);

/* What a row under the header is (hdrpick_row). */
enum hdr_row {
	HDR_ROW_DATA, /* a row of the table */
	HDR_ROW_NUMBERING, /* column numbers: skipped, counted */
	HDR_ROW_SUBHEADER, /* joined to the header: h's map and text changed */
	HDR_ROW_FOOTER /* totals and signatures: skipped, counted */
};

/*
 * Classify the next row under the header h found (rules.md R2.10), in row
 * order (line: the row's number):
 * - the first row under a header found alone is a sub-header when every
 *   non-empty cell of it names a field, one at least a field the header
 *   lacks, and no cell holds a digit: it is joined to the header as a
 *   two-row header is (h->map, the texts, h->rows and h->line change);
 * - a row of column numbers right under the header (or its sub-header) is
 *   a numbering row;
 * - a row whose first non-empty cell is a totals or signature line
 *   ("Tổng cộng", "Cộng", "Người lập biểu", "Thủ trưởng đơn vị", "…, ngày
 *   … tháng … năm …", ...) and that holds no run of 9 or more digits and
 *   no date of birth (its cell empty or not a date) starts the form's footer;
 * from then on, every row with no such run and no date of birth is a footer row
 * too (a row with an ID or a birth date is always data);
 * - anything else is data.
 */
enum hdr_row hdrpick_row(struct hdrpick *h, int n, const char *const *cells,
			 const size_t *lens, unsigned long line);

/* A row the reader rejected under the header: it counts as data. */
void hdrpick_row_rejected(struct hdrpick *h);

#endif
