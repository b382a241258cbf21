/*
 * lists.h: the lists people file (rules.md R7.10, spec §6.1), one
 * workbook per filing unit, lists/<unit>.xlsx in the output folder
 * (lists_write writes DIR/<unit>.xlsx, DIR being that folder), written
 * with xlsxout.h (streamed, constant memory).
 *
 * Which unit files a row (the unit key):
 *   - residence-based groups (HN, CN, TE, BT, DT, DK, XD, GB; groups.csv
 *     residence_based) and GD: the commune of residence (a GD row whose
 *     unit_code is a collection agent of the units file: that agent);
 *   - HS, SV: the school (the row's unit_code), else the commune;
 *   - funding class 1 (employers): the row's unit_code;
 *   - class 2 (paid by the BHXH fund): the BHXH office ("bhxh");
 *   - other groups: the row's unit_code, else the commune;
 *   - a decrease: the card's unit_code, else as above by its group;
 *   - a row whose unit cannot be told: the workbook
 *     lists/chua-ro-don-vi.xlsx ("unit unknown"), never dropped.
 * The unit codes come from the trailing columns of the CSV lists
 * (unit_code, old_unit_code; output.c).
 *
 * Sheets of a unit's workbook, in this order:
 *   "D02-LT"        employer rows (class 1): form D02-LT, QĐ 1040/QĐ-BHXH
 *                   layout (27 columns, domain.md §1.3), the wage column
 *                   (12) from increase.csv's wage, the other job and
 *                   contract columns empty for the employer to fill, then
 *                   card code, group, plan code, and the months, amount,
 *                   employer's and worker's shares of a card with a wage;
 *   "D03-TS <grp>"  every other group, one sheet per group: form D03-TS
 *                   "DANH SÁCH NGƯỜI CHỈ THAM GIA BHYT" (QĐ 595/QĐ-BHXH
 *                   as amended by QĐ 490/QĐ-BHXH), columns A, B, 1-15
 *                   and extra columns to the right (card code, plan code,
 *                   the state, local and participant shares);
 *   "Điều chỉnh"    corrections (DATA_CORRECTED): "Danh sách điều chỉnh
 *                   thông tin thẻ BHYT", the card's and the new value of
 *                   each changed field side by side.
 * Each form sheet: the unit's header block (the --units file; blank
 * lines to fill where it has none), I. TĂNG rows (plan code TM), Cộng
 * tăng, II. GIẢM rows (plan code GH, the note saying why), Cộng giảm,
 * Tổng cộng (head counts in the STT column), the signature block.  A
 * group change is a GH on the old group's sheet and a TM on the new
 * group's, each note naming the other group.  From a list date
 * (--today) of 2025-08-01 on, the Mã số BHXH column holds the personal ID
 * (the BHXH code when the ID is unknown).  Money (spec §9, money.h):
 * each new card on D03-TS from its month to December, a GD card at its
 * household tier (the household's GD holders of the period, new, changed
 * or renewed, oldest first) and for its roster's months when it gives
 * them, in Số tiền, NSĐP and the state, local and participant columns,
 * summed on the Cộng rows; the D03-TS header gives the base salary and
 * the state support rate in force (and their changes within the period).
 * Each new card on D02-LT with a wage (increase.csv's wage column): 4.5 %
 * of it a month from its month to December, the employer's 2/3 and the
 * worker's 1/3, summed on the Cộng rows.  Decreases, the BHXH fund's
 * groups and employees without a wage carry no money.
 *
 * A sheet longer than a workbook sheet can be (LISTS_SHEET_ROWS rows)
 * goes on in parts: "<name> (2)", "<name> (3)"... (lists_part_name),
 * each with the same header block and column headings, the STT going on
 * from the part before; a part that starts within a section first repeats
 * its label ("I. TĂNG (tiếp theo)", "II. GIẢM (tiếp theo)"); a section's
 * Cộng row is on the part where the section ends and counts (and sums)
 * the whole section; Tổng cộng and the signature block only on the last
 * part, which always has room for them.
 *
 * Workbooks are written by several threads at once; the document's
 * creation time is the period's start, so the same inputs give the same
 * bytes.
 */
#ifndef DOISOAT_LISTS_H
#define DOISOAT_LISTS_H

#include "money.h"
#include "output.h"
#include "rec.h"

#include "xlsxout.h"

/*
 * The output folder's subfolder of the workbooks (outdir.h): every
 * workbook is LISTS_DIR "/" <unit> LISTS_SUFFIX there, the unit key with
 * [^0-9A-Za-z._-] and a leading '.' as '_', cut at 64 bytes; a key whose
 * name would be the summary's (tonghop.h TONGHOP_FILE, in any case) gets
 * a leading '_', so no unit's workbook ever replaces the summary.
 */
#define LISTS_DIR    "lists"
#define LISTS_SUFFIX ".xlsx"
/* The unit key of rows whose unit cannot be told, and its file name. */
#define LISTS_UNKNOWN "chua-ro-don-vi"
/* The unit key of groups paid by the BHXH fund. */
#define LISTS_BHXH "bhxh"

/*
 * Write DIR/<unit>.xlsx (DIR: the output folder's LISTS_DIR) for every
 * filing unit of o's increase, decrease and change lists.  b gives the
 * period, the list date (b->today) and, through b->ref, groups, communes
 * and units.  Each file is built under a temporary name with mode 0600
 * and renamed into place.  Returns 0, or -1 with err.
 */
int lists_write(const struct outputs *o, const struct batch *b, const char *dir,
		struct etl_err *err);

/*
 * What the lists and the summary workbook both need, found once and read
 * at once from their own threads: the household tier (spec §9) of every
 * GD card held in the period, per row of the increase, change and renew
 * lists; the filed rows (increase, decrease, change) sorted by unit,
 * form and group.  b gives the reference tables.
 */
struct lists_plan;
struct lists_plan *lists_plan_new(const struct outputs *o,
				  const struct batch *b);
void lists_plan_free(struct lists_plan *t);

/* lists_write with the plan (the tiers and the filed rows) already made. */
int lists_write_plan(const struct batch *b, const struct lists_plan *tiers,
		     const char *dir, struct etl_err *err);

/*
 * A card holder of the period (a new, changed or renewed card) and the
 * money of that card for the period (spec §9), computed exactly as the
 * D03-TS lists print it: the same household tiers, the same months (a new
 * card from its month, every other card from the period's start, to
 * December; a GD card 12 months or its roster's months).  The district
 * summary (tonghop.h) sums these, so its totals are the sums of the
 * lists.  An employee's card (class 1) has no money here even with a
 * wage: the employer and the worker pay it, not a budget.
 */
struct lists_holder {
	const struct orow *r;
	enum list list; /* L_INCREASE, L_CHANGE or L_RENEW */
	const char *commune; /* the row's commune_code cell */
	char group[4]; /* the card's group in the period */
	int on_list; /* a TM row of a D03-TS list: its money is printed there */
	int has_money; /* m holds computed amounts */
	int months; /* the card's months in the period (when has_money) */
	struct money_share total; /* its money and who pays (when has_money) */
};

/*
 * fn(ctx, half, h) for every card holder of o (the TĂNG rows of the
 * lists, then the change rows, then the renew rows; a group change once,
 * in its new group); h lives for the call only.  The renewals are read in
 * two halves, the second on a thread of its own when there are cores for
 * it: fn is called from two threads at once, each with its own half (0
 * or 1), and must keep what it gathers per half.  What the district
 * summary needs are sums (tonghop.h), so the order does not matter; it
 * holds no holder, so the summary's memory does not grow with them.
 */
void lists_each_holder(const struct outputs *o, const struct batch *b,
		       const struct lists_plan *t,
		       void (*fn)(void *ctx, int half,
				  const struct lists_holder *h),
		       void *ctx);

/* The rows of a worksheet (Excel's limit; xlsxout.h XO_ELIMIT past it). */
#define LISTS_SHEET_ROWS 1048576
/*
 * The fewest rows the test hook allows: a part's header block (12 rows),
 * a section's label and first row, its Cộng row, Tổng cộng and the
 * signature block always fit.
 */
#define LISTS_MIN_SHEET_ROWS 20

/*
 * For tests: the rows a sheet of the lists and of the summary workbook
 * (tonghop.h) may hold before it goes on in a new part, for the writes
 * that follow (n < LISTS_MIN_SHEET_ROWS: that; n <= 0 or past
 * LISTS_SHEET_ROWS: LISTS_SHEET_ROWS, the default).  Not for use while
 * workbooks are being written.
 */
void lists_test_sheet_rows(int n);

/* The rows a sheet may hold: LISTS_SHEET_ROWS unless a test said less. */
int lists_sheet_rows(void);

/*
 * The name of part k (1, 2, ...) of a sheet whose first part is named
 * base (at most 31 characters): base itself, then "<base> (k)", base cut
 * (whole characters, trailing spaces dropped) so the name stays within
 * 31 characters.  Unique as long as the bases differ in their first 20
 * characters (the lists' and the summary's do: a form and group, or a
 * commune code, heads each).
 */
void lists_part_name(const char *base, int k, char *out, size_t n);

/* What a cell format of the lists' look has besides its size. */
enum { LF_BOLD = 1, LF_ITALIC = 2, LF_WRAP = 4, LF_BORDER = 8 };

/*
 * A cell format of the lists' look (Times New Roman, centred vertically):
 * font size, LF_* flags, horizontal alignment, a number format (NULL:
 * none).  The summary workbook (tonghop.c) uses it too.
 */
xo_fmt lists_format(struct xo_book *wb, double size, unsigned flags,
		    enum xo_align align, const char *num);

/*
 * The print setup of every sheet the lists and the summary write: A4
 * landscape, one page wide, centred, "Trang n/N" at the foot; rows
 * head0..head1 (0-based) repeated on every page and frozen above.
 */
void lists_page(struct xo_page *p, int head0, int head1);

/* A workbook being written in a folder under a temporary name. */
struct lists_book {
	struct xo_book *wb;
	struct strbuf path, tmp;
};

/*
 * Start DIR/name under a temporary name (mode 0600), its properties
 * the title, the subject name, the author doisoat and the creation
 * time created (a fixed date: same inputs, same bytes).  0, or -1 with
 * err (nothing to release).
 */
int lists_book_open(struct lists_book *lb, const char *dir, const char *name,
		    const char *title, const struct date *created,
		    struct etl_err *err);

/* Give up lb: close the workbook and remove it; releases lb. */
void lists_book_abort(struct lists_book *lb);

/*
 * Finish lb: close the workbook, sync it and rename it into place; on
 * any error (the workbook's too) remove the temporary file.  Releases
 * lb either way.  0, or -1 with err.
 */
int lists_book_close(struct lists_book *lb, struct etl_err *err);

/*
 * Is name, a path inside the output folder, one of the workbooks
 * ("lists/<name>.xlsx", the name not hidden and without '/')?
 */
int lists_is_name(const char *name);

#endif
