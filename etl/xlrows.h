/*
 * xlrows.h: the row layer the workbook readers share (xlsxin.c, xlsin.c).
 * A reader tells it where each sheet, row and cell starts; it assembles
 * the cells of a row by column, finds the header (opts->is_header), hands
 * rows to the csvin callbacks or rejects them (too long, a cell right of
 * the header), and keeps each sheet's and the file's accounting, so both
 * formats behave the same.  Internal to the readers: callers use
 * xlsxin.h.
 */
#ifndef DOISOAT_XLROWS_H
#define DOISOAT_XLROWS_H

#include "xlsxin.h"

struct xlrows {
	/* set by xlrows_init */
	const char *path;
	const struct xlsxin_opts *o; /* resolved: no zero defaults */
	const struct csvin_cb *cb;
	struct xlsxin_stats *st;
	char first_refusal[sizeof(((struct etl_err *)0)->msg)];

	/* the sheet being read */
	struct xlsxin_sheet info;
	struct etl_err refusal; /* why the sheet was skipped */
	unsigned long row; /* number of the row being read (1-based) */
	int stop; /* the sheet is skipped: read no further */
	int header_seen, ncols;

	/* the row being read */
	struct strbuf cells; /* the row's cells, NUL after each */
	size_t *coff, *clen; /* per column: offset in cells, length */
	uint32_t *stamp; /* per column: rowseq when set */
	size_t ccap;
	uint32_t rowseq;
	int maxcol; /* highest column set in the row, -1 none */
	int too_long; /* a cell or the row passed max_record */
	const char **fptr;
	size_t *flen;
	struct strbuf raw; /* the row as one CSV line */
};

/* Default options filled in: *o from in (NULL: all defaults). */
void xlrows_opts(struct xlsxin_opts *o, const struct xlsxin_opts *in);
/* Zero st; delim ',' and encoding "UTF-8". */
void xlrows_stats_init(struct xlsxin_stats *st);
void xlrows_init(struct xlrows *r, const char *path,
		 const struct xlsxin_opts *o, const struct csvin_cb *cb,
		 struct xlsxin_stats *st);
void xlrows_release(struct xlrows *r);

/* A sheet starts (on_sheet is called).  name and part outlive the sheet. */
void xlrows_sheet(struct xlrows *r, const char *name, const char *part,
		  int index, int count, int hidden);
/* A row starts; n is its number (rows come in increasing order). */
void xlrows_row(struct xlrows *r, unsigned long n);
/* A cell of the current row at column col (0-based, < 16384). */
void xlrows_cell(struct xlrows *r, int col, const char *s, size_t n);
/* The row ends: blank, title, header or data.  May set r->stop. */
void xlrows_row_end(struct xlrows *r);
/* The sheet ends (status from what was seen; on_sheet_end is called). */
void xlrows_sheet_end(struct xlrows *r);
/* A sheet that holds no cells (a chart sheet): XLSXIN_OTHER. */
void xlrows_sheet_other(struct xlrows *r);
/*
 * After every sheet: 0 when one was read; else -1 with err saying why
 * (the first refused sheet's message, or "empty workbook").
 */
int xlrows_finish(struct xlrows *r, struct etl_err *err);

/* Bytes, XXH3 and the first 8 bytes of the file at path. */
int xlrows_hash_file(const char *path, struct csvin_stats *st,
		     unsigned char magic[8], struct etl_err *err);

#endif
