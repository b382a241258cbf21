/*
 * tonghop.h: the district's summary workbook (rules.md R7.11, spec §6.1
 * "Summary workbook", §7, §9), lists/tong-hop.xlsx, written with
 * xlsxout.h (streamed) beside the filing units'
 * workbooks (lists.h), by a thread of its own.
 *
 * Sheets, in this order:
 *   "Đề nghị mua thẻ"  the request to buy the period's cards: per commune
 *                      and group, the holders of a card in the period
 *                      (new, changed or renewed) whose group the budget
 *                      pays or supports or a household pays (funding
 *                      classes 3, 4, 5): head count, of them new on the
 *                      D03-TS lists, months, and the money by source
 *                      (state budget pays, state budget supports, local
 *                      budget, participants), each person's money exactly
 *                      as the lists compute it (lists_each_holder),
 *                      summed per row as the holders come (none is
 *                      kept: the memory is the rows'); the total row, the part on the lists and the rest; the
 *                      budget to approve per source; the approving body
 *                      (periods before 2025-07-01: the district people's
 *                      committee; later: the units file's row of kind
 *                      "approver", else a dotted line to fill);
 *   "Độ bao phủ"       coverage.csv's BHYT columns (population, insured,
 *                      %, target %, % of target, remaining), the TOTAL row
 *                      last, and a native chart: coverage % per commune
 *                      against the target % (two column series);
 *   "<code> <name>"    per commune with people still uninsured or review
 *                      rows, in code order: the uninsured by household
 *                      (household code, name, birth date, sex), for
 *                      outreach; then the section "Cần xem xét": the
 *                      commune's review rows (review.csv's commune_code)
 *                      in review.csv's order, each with name, birth
 *                      date, BHXH code, personal ID, source file and
 *                      line, the reason and what to check in Vietnamese
 *                      (reason_vi, reason_check_vi; the English detail
 *                      is not printed);
 *   "Chưa rõ xã"       the review rows without a commune, likewise.
 * Every review row is on exactly one sheet.  A commune sheet past the row
 * limit (lists_sheet_rows) goes on in parts "<name> (2)"... as the lists'
 * sheets do (lists.h); the first two sheets, a row per commune, are not
 * continued: past the limit the summary fails with a message.
 * A4 landscape, heading rows repeated, one page wide; IDs as text, dates
 * dd/mm/yyyy, money whole đồng with thousands separators.  The
 * document's creation time is the period's start: the same inputs give
 * the same bytes, whatever the threads.
 */
#ifndef DOISOAT_TONGHOP_H
#define DOISOAT_TONGHOP_H

#include "lists.h"
#include "output.h"
#include "rec.h"

/*
 * The summary workbook's file name in the output folder's lists/
 * (lists.h LISTS_DIR; no unit's workbook takes it: lists.h).
 */
#define TONGHOP_FILE "tong-hop.xlsx"

/*
 * Write DIR/tong-hop.xlsx (DIR: the output folder's lists/) from o's sorted
 * lists (increase, change, renew, uninsured, review, coverage) and b (period,
 * list date, ref).  Built under a temporary name, mode 0600, renamed into
 * place.  Returns 0, or -1 with err.
 */
int tonghop_write(const struct outputs *o, const struct batch *b,
		  const struct lists_plan *t, const char *dir,
		  struct etl_err *err);

/*
 * Every workbook of a run: the plan once (lists_plan_new: tiers, rows),
 * then lists_write_plan and tonghop_write at once (the summary on a
 * thread of its own unless DOISOAT_THREADS=1).  Returns 0,
 * or -1 with the first error.
 */
int workbooks_write(const struct outputs *o, const struct batch *b,
		    const char *dir, struct etl_err *err);

#endif
