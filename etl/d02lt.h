/*
 * d02lt.h: the lists of a run laid out for people as form D02-LT
 * (rules.md R7, issue 4), written as DIR/d02lt.xlsx with libxlsxwriter.
 *
 * The workbook has a summary sheet "Tổng hợp" (per commune: increases,
 * decreases, group changes, corrections, renewals and the people who will
 * hold a card; a total row; a legend of the group codes used) and one
 * sheet per commune named "<code> <short name>" (at most 31 characters).
 * A commune sheet reads top to bottom as the paper form does:
 *
 *   header block   unit (UBND <commune>), unit code, period; national
 *                  motto; title DANH SÁCH NGƯỜI CHỈ THAM GIA BHYT
 *   column headers STT, Họ và tên, Mã số BHXH, Ngày tháng năm sinh,
 *                  Giới tính, Số CCCD/ CMND/ Hộ chiếu, Mã đối tượng,
 *                  Mức hưởng, Nơi đăng ký KCB, Từ tháng, năm,
 *                  Đến tháng, năm, Phương án, Ghi chú; then (1)..(13)
 *   I. TĂNG        I.1. Tăng mới (increase.csv rows),
 *                  I.2. Tăng do chuyển đối tượng (change.csv rows with
 *                  GROUP_CHANGED, new group), Cộng tăng
 *   II. GIẢM       II.1. Giảm (decrease.csv rows),
 *                  II.2. Giảm do chuyển đối tượng (the same change rows,
 *                  old group), Cộng giảm
 *   III. ĐIỀU CHỈNH  change rows with DATA_CORRECTED, the changed fields
 *                  in Ghi chú, Cộng điều chỉnh
 *   signature block  date line, Người lập biểu, Thủ trưởng đơn vị
 *
 * STT runs on through the sub-sections of a section, so a Cộng row's count
 * equals the last STT above it.  Plan codes (Phương án; no official list
 * for BHYT-only participants exists, rules.md R7.9, so this mapping is a
 * design choice): TM increase, TD increase by group change, GH decrease
 * (GH4 death, GD moved out), GD decrease by group change, DC correction.
 *
 * Cells: IDs (Mã số BHXH, CCCD) and codes are text cells, so no leading
 * zero is lost; full dates are real dates shown dd/mm/yyyy; a birth date
 * known only to the month or year is the text "mm/yyyy" or "yyyy".  Pages
 * print on A4 landscape, one page wide, the column headers repeated.
 *
 * The workbook is written in libxlsxwriter's constant-memory mode (rows
 * streamed to temporary files in DIR), so memory does not grow with the
 * number of rows; a commune sheet that would pass max_rows rows continues
 * on a sheet "<code> <short name> (2)" and so on, header block repeated.
 * The document's creation time is the period's start, so the same inputs
 * give a byte-identical file.
 */
#ifndef DOISOAT_D02LT_H
#define DOISOAT_D02LT_H

#include "output.h"
#include "rec.h"

/* The workbook's file name in the output folder. */
#define D02LT_FILE "d02lt.xlsx"
/* Excel's row limit: a sheet never holds more rows than this. */
#define D02LT_MAX_ROWS 1048576UL
/* Fewest rows a sheet may be limited to (header block + one section). */
#define D02LT_MIN_ROWS 24UL
/* Bytes for a sheet name: 31 characters of up to 4 bytes, and the NUL. */
#define D02LT_SHEET_NAME_MAX 128

/*
 * Write DIR/d02lt.xlsx from the lists of o (increase, decrease, change,
 * renew), which must be sorted by commune as out_write_all() leaves them.
 * b gives the period and, through b->ref, commune and group names.  The
 * file is built under a temporary name in DIR with mode 0600 and renamed
 * into place.  Returns 0, or -1 with err (no file left behind).
 */
int d02lt_write(const struct outputs *o, const struct batch *b, const char *dir,
		struct etl_err *err);

/*
 * The same with a row limit per sheet (D02LT_MIN_ROWS..D02LT_MAX_ROWS;
 * larger values are clamped), so tests can see the split on small lists.
 */
int d02lt_write_rows(const struct outputs *o, const struct batch *b,
		     const char *dir, unsigned long max_rows,
		     struct etl_err *err);

/*
 * Name of the part-th sheet (1, 2, ...) of a commune: code, a space, the
 * name shortened ("Thị trấn " to "TT ", "Phường " to "P. ", "Xã " dropped),
 * " (part)" from part 2 on; cut to 31 characters on a character boundary,
 * with []:*?/\ replaced by '-'.  An empty code gives "Chưa rõ xã".
 */
void d02lt_sheet_name(const char *code, const char *name, int part,
		      char out[D02LT_SHEET_NAME_MAX]);

#endif
