/*
 * lists.h: the lists people file (rules.md R7.10, spec §6.1), one
 * workbook per filing unit, DIR/lists-<unit>.xlsx, written with
 * libxlsxwriter in constant-memory mode.
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
 *     lists-chua-ro-don-vi.xlsx ("unit unknown"), never dropped.
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
 * Workbooks are written by several threads at once; the document's
 * creation time is the period's start, so the same inputs give the same
 * bytes.
 */
#ifndef DOISOAT_LISTS_H
#define DOISOAT_LISTS_H

#include "money.h"
#include "output.h"
#include "rec.h"

#include <xlsxwriter.h>

/* Every workbook's name is LISTS_PREFIX <unit> LISTS_SUFFIX. */
#define LISTS_PREFIX "lists-"
#define LISTS_SUFFIX ".xlsx"
/* The unit key of rows whose unit cannot be told, and its file name. */
#define LISTS_UNKNOWN "chua-ro-don-vi"
/* The unit key of groups paid by the BHXH fund. */
#define LISTS_BHXH "bhxh"

/*
 * Write DIR/lists-<unit>.xlsx for every filing unit of o's increase,
 * decrease and change lists.  b gives the period, the list date
 * (b->today) and, through b->ref, groups, communes and units.  Each file
 * is built under a temporary name with mode 0600 and renamed into
 * place.  Returns 0, or -1 with err.
 */
int lists_write(const struct outputs *o, const struct batch *b, const char *dir,
		struct etl_err *err);

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
 * Every card holder of o (increase rows, change rows, renew rows; a group
 * change once, in its new group) into *out (free it); returns how many.
 */
size_t lists_holders(const struct outputs *o, const struct batch *b,
		     struct lists_holder **out);

/*
 * A cell format of the lists' look (Times New Roman, centred vertically):
 * font size, bold, italic, horizontal alignment (0: Excel's default),
 * a thin border, a number format (NULL: none).  The summary workbook
 * (tonghop.c) uses it too.
 */
lxw_format *lists_format(lxw_workbook *wb, double size, int bold, int italic,
			 int align, int border, const char *num);

/*
 * A worksheet being written and the first libxlsxwriter error met on it
 * (later calls still run; the error stays for the caller to report).
 * The lists and the summary workbook write their cells through these.
 */
struct lists_sheet {
	lxw_worksheet *ws;
	lxw_error lerr;
};

/* Keep e in sh->lerr if it is the first error. */
void lists_chk(struct lists_sheet *sh, lxw_error e);
/* A text cell; an empty or NULL s writes a blank cell when f is given. */
void lists_put_s(struct lists_sheet *sh, lxw_row_t r, int col, const char *s,
		 lxw_format *f);
/* A number cell. */
void lists_put_n(struct lists_sheet *sh, lxw_row_t r, int col, double n,
		 lxw_format *f);
/* Text across columns c0..c1 of row r, merged (one column: a cell). */
void lists_put_across(struct lists_sheet *sh, lxw_row_t r, int c0, int c1,
		      const char *s, lxw_format *f);

/* Is name one of the workbooks lists_write writes ("lists-*.xlsx")? */
int lists_is_name(const char *name);

#endif
