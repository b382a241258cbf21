/*
 * xlsin.h: read an old Excel workbook (.xls, BIFF5/BIFF8 in an OLE2
 * compound file) with FreeXL, through the same callbacks, options and
 * accounting as the .xlsx reader (xlsxin.h): every sheet in order, the
 * header by the same chooser, the same rejects and counts.
 *
 * Cells as FreeXL gives them: text as UTF-8; a date-formatted number as
 * yyyy-mm-dd (FreeXL applies the workbook's 1900 or 1904 system; a
 * date-time keeps its date); numbers as digits the way xlsxin_double
 * writes them.  FreeXL does not say which format a plain number has, so
 * percents come out as fractions (0.95) and zero-padded formats without
 * their zeros; booleans are 1 and 0.  FreeXL holds the workbook in
 * memory (an .xls has at most 65,536 rows a sheet); files larger than
 * XLSIN_MAX_BYTES are refused.
 */
#ifndef DOISOAT_XLSIN_H
#define DOISOAT_XLSIN_H

#include "xlsxin.h"

#define XLSIN_MAX_BYTES ((uint64_t)512 << 20)

/*
 * Read the workbook at path, as xlsxin_read does (opts may be NULL; the
 * size caps of opts do not apply).  A password-protected workbook, and an
 * encrypted .xlsx (also an OLE2 file), is an error that says so.
 */
int xlsin_read(const char *path, const struct xlsxin_opts *opts,
	       const struct csvin_cb *cb, struct xlsxin_stats *st,
	       struct etl_err *err);

/*
 * The reader child's entry point.  xlsin_read runs FreeXL in a new
 * process of the program that calls it (/proc/self/exe XLSIN_CHILD path,
 * its cells down stdout): so every program that calls xlsin_read calls
 * xlsin_child_main(argc, argv) first thing in main.  It returns at once
 * unless argv is the child's; then it never returns.
 */
#define XLSIN_CHILD "--xls-reader-child"
void xlsin_child_main(int argc, char **argv);

/* Does the file start like an OLE2 compound file (D0 CF 11 E0 A1 B1 1A
 * E1)?  1, 0, or -1 unreadable. */
int xlsin_sniff(const char *path);

#endif
