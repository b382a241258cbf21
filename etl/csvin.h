/*
 * csvin.h: read one input file as rows of UTF-8 fields.
 *
 * Plain or gzip (by magic bytes), CSV, TSV or ';'-separated (detected from
 * the header line), UTF-8 with or without BOM, UTF-16 with BOM, Windows-1258
 * or TCVN3 (declared) decoded with glibc iconv.  libcsv parses in strict
 * mode.  Every physical line is accounted for: the header, blank lines,
 * rows handed to the caller, and rows the reader itself rejects (broken
 * quoting, wrong column count, invalid UTF-8, NUL bytes, over-long
 * records).  Lines end in LF or CR LF; a line with another CR outside
 * quotes is one BAD_QUOTING reject (libcsv would end a record at each).  Damage to the file as a whole (unreadable, truncated gzip,
 * undecodable bytes, a header that cannot be read, more lines than the
 * limit) is an error, not a reject.
 *
 * Records that span lines.  A quoted field may hold newlines, so a record
 * whose quote does not close on its first line goes on to the next lines.
 * Such a record is accepted only if it closes properly (strict quoting) and
 * has the header's number of fields.  If it does not (a quote error on a
 * later line, the wrong field count, the end of the file, more than
 * CSVIN_RECORD_LINES lines or max_record bytes, an over-long line), only
 * its first line is rejected (BAD_QUOTING: the stray quote Excel writes
 * when a cell starts with one) and reading starts again at its second
 * line, so no valid row after a stray quote is lost and every physical
 * line is counted once.
 */
#ifndef DOISOAT_CSVIN_H
#define DOISOAT_CSVIN_H

#include "util.h"

#include <stdint.h>
#include <stdio.h>

/* One record.  Everything it points to is valid only during the callback. */
struct csvin_row {
	unsigned long line; /* 1-based physical line where the record starts */
	int nfields;
	const char *const *fields; /* NUL-terminated (embedded NULs rejected) */
	const size_t *lens;
	const char *raw; /* the record's text as decoded, without newline;
			  * NUL-terminated; lines joined by '\n', CRs dropped */
	size_t raw_len;
};

/* Reasons the reader rejects a record (the reason codes of rejects.csv). */
#define REJ_BAD_QUOTING	 "BAD_QUOTING"
#define REJ_COLUMN_COUNT "BAD_COLUMN_COUNT"
#define REJ_BAD_ENCODING "BAD_ENCODING"
#define REJ_TOO_LONG	 "RECORD_TOO_LONG"

/* Limits (see csvin_opts). */
#define CSVIN_MAX_RECORD   (1 << 20) /* bytes of a line or record */
#define CSVIN_MAX_LINES	   UINT32_MAX /* physical lines of one file */
#define CSVIN_RECORD_LINES 100 /* lines one quoted record may span */

/*
 * Callbacks.  on_header gets the first non-blank record and returns 0 to go
 * on, -1 to stop (with a message in err), or 1 when the record is not the
 * header but a title row above it: it is counted (blank, title) and the
 * next non-blank record is offered (its delimiter detected again); err
 * then holds the message the read fails with if the file ends before a
 * header is accepted (on_header itself bounds how many it refuses).  A
 * header that is not valid
 * UTF-8, is longer than max_record bytes or does not parse stops the read
 * before it (no reject is ever reported before the header).  on_row gets
 * each data record with as many fields as the header.  on_reject gets a
 * record the reader could not use: reason is one of REJ_*, detail says
 * what was expected (for invalid UTF-8, the byte offset in the text: the
 * file offset for a plain file), raw is the record's text as valid UTF-8,
 * each NUL byte and each byte that is not UTF-8 shown as U+FFFD, so
 * rejects.csv stays UTF-8.
 * Callbacks of different reads may run in different threads at once.
 */
struct csvin_cb {
	int (*on_header)(void *ctx, const struct csvin_row *row,
			 struct etl_err *err);
	void (*on_row)(void *ctx, const struct csvin_row *row);
	void (*on_reject)(void *ctx, unsigned long line, const char *reason,
			  const char *detail, const char *raw, size_t raw_len);
	void *ctx;
};

struct csvin_opts {
	const char *encoding; /* NULL: detect (BOM, else UTF-8) */
	size_t max_record; /* bytes per record; 0: CSVIN_MAX_RECORD */
	unsigned long max_lines; /* lines per file; 0: CSVIN_MAX_LINES; a
				  * file with more stops the read (line
				  * numbers are 32 bits in rejects.csv) */
};

struct csvin_stats {
	uint64_t bytes; /* bytes of the file as stored */
	uint64_t xxh3; /* XXH3-64 of those bytes */
	unsigned long lines; /* physical lines after decoding */
	unsigned long blank; /* blank lines (and rows of empty cells),
			      * title rows included */
	unsigned long title; /* rows on_header refused (title rows) */
	unsigned long records; /* data records handed out or rejected */
	int gzip; /* 1 if the file was gzip-compressed */
	char delim; /* ',', '\t' or ';' */
	char encoding[16]; /* encoding used: UTF-8, UTF-16LE, ... */
};

/*
 * Read path ("-" is standard input) to the end.  Returns 0, or -1 with err
 * naming the file (and line and byte offset where they apply).
 */
int csvin_read(const char *path, const struct csvin_opts *opts,
	       const struct csvin_cb *cb, struct csvin_stats *st,
	       struct etl_err *err);

/* The same on an open stream; name is used in messages. */
int csvin_read_stream(FILE *f, const char *name, const struct csvin_opts *opts,
		      const struct csvin_cb *cb, struct csvin_stats *st,
		      struct etl_err *err);

/*
 * The iconv name of a user's encoding name (utf-8, utf-16, windows-1258,
 * cp1258, tcvn3, tcvn, ...), or NULL if unknown.  Never PostgreSQL's
 * "TCVN", which means Windows-1258 there.
 */
const char *csvin_encoding(const char *name);

#endif
