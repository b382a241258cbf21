/*
 * d02lt.c: the D02-LT workbook (d02lt.h): a summary sheet and one sheet
 * per commune, streamed top to bottom through libxlsxwriter's
 * constant-memory mode, then renamed into place.
 */
#include "d02lt.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xlsxwriter.h>

/* Columns of a commune sheet. */
enum {
	C_STT,
	C_NAME,
	C_BHXH,
	C_DOB,
	C_SEX,
	C_PID,
	C_GROUP,
	C_LEVEL,
	C_HOSP,
	C_FROM,
	C_TO,
	C_PLAN,
	C_NOTE,
	NCOLS
};

static const struct {
	const char *head;
	double width;
} columns[NCOLS] = {
	[C_STT] = { "STT", 5 },
	[C_NAME] = { "Họ và tên", 24 },
	[C_BHXH] = { "Mã số BHXH", 12 },
	[C_DOB] = { "Ngày tháng năm sinh", 11 },
	[C_SEX] = { "Giới tính", 6.5 },
	[C_PID] = { "Số CCCD/ CMND/ Hộ chiếu", 14 },
	[C_GROUP] = { "Mã đối tượng", 8 },
	[C_LEVEL] = { "Mức hưởng", 7 },
	[C_HOSP] = { "Nơi đăng ký KCB", 9 },
	[C_FROM] = { "Từ tháng, năm", 11 },
	[C_TO] = { "Đến tháng, năm", 11 },
	[C_PLAN] = { "Phương án", 8 },
	[C_NOTE] = { "Ghi chú", 34 },
};

/* Columns of the summary sheet. */
enum {
	S_STT,
	S_CODE,
	S_NAME,
	S_INC,
	S_DEC,
	S_GRP,
	S_ADJ,
	S_REN,
	S_CARDS,
	NSCOLS
};

static const struct {
	const char *head;
	double width;
} scolumns[NSCOLS] = {
	[S_STT] = { "STT", 5 },
	[S_CODE] = { "Mã xã", 8 },
	[S_NAME] = { "Tên xã", 30 },
	[S_INC] = { "Tăng mới", 11 },
	[S_DEC] = { "Giảm", 11 },
	[S_GRP] = { "Chuyển đối tượng", 12 },
	[S_ADJ] = { "Điều chỉnh thông tin", 12 },
	[S_REN] = { "Gia hạn", 11 },
	[S_CARDS] = { "Số người có thẻ", 12 },
};

/* Rows of the header block; the column headers are its last two. */
#define HDR_ROWS 9
#define HEAD_ROW 7
#define SIG_ROWS 4

/* The lists the workbook reads, in the order of struct commune's ranges. */
enum { W_INC, W_DEC, W_CHG, W_REN, NW };
static const enum list wlist[NW] = { L_INCREASE, L_DECREASE, L_CHANGE,
				     L_RENEW };

/* Where a list keeps each field: cell index (orow_cell), -1 if absent. */
struct cols {
	int pid, bhxh, card, name, dob, sex, group, old_group, level, hospital,
		from, to, changed, reason;
};

/* How a row is shown: its sub-section. */
enum rowkind { K_INC, K_INC_GRP, K_DEC, K_DEC_GRP, K_ADJ };

/* A commune: its row ranges in the four lists and its counts. */
struct commune {
	const char *code;
	size_t lo[NW], hi[NW];
	long inc, dec, grp, adj, ren;
};

struct fmts {
	lxw_format *unit, *motto, *form, *title, *subtitle, *head, *colno,
		*sect, *none, *text, *textc, *wrap, *date, *num, *count, *total,
		*total_n, *sign, *sign_i, *legend;
};

struct wr {
	lxw_workbook *wb;
	struct fmts f;
	const struct outputs *o;
	const struct batch *b;
	struct cols cols[NW];
	unsigned long max_rows;
	lxw_worksheet *ws;
	lxw_row_t row;
	/* the commune sheet being written */
	const struct commune *c;
	const char *cname;
	int part;
	const char *cont; /* sub-section running on, or NULL */
	long stt;
	lxw_error lerr; /* first libxlsxwriter error */
	char period[96];
	lxw_datetime start, day_before;
	unsigned char used[26 * 26]; /* group codes seen (two letters) */
};

static void chk(struct wr *w, lxw_error e)
{
	if (e != LXW_NO_ERROR && w->lerr == LXW_NO_ERROR)
		w->lerr = e;
}

/* ---- cells ------------------------------------------------------------ */

/* A text cell; an empty text is a blank cell carrying the format. */
static void put_s(struct wr *w, lxw_row_t r, int col, const char *s,
		  lxw_format *f)
{
	if (s && *s)
		chk(w, worksheet_write_string(w->ws, r, (lxw_col_t)col, s, f));
	else if (f)
		chk(w, worksheet_write_blank(w->ws, r, (lxw_col_t)col, f));
}

static void put_n(struct wr *w, lxw_row_t r, int col, double n, lxw_format *f)
{
	chk(w, worksheet_write_number(w->ws, r, (lxw_col_t)col, n, f));
}

/* Text across columns c0..c1 of one row (a merged range). */
static void put_across(struct wr *w, lxw_row_t r, int c0, int c1, const char *s,
		       lxw_format *f)
{
	chk(w, worksheet_merge_range(w->ws, r, (lxw_col_t)c0, r, (lxw_col_t)c1,
				     s ? s : "", f));
}

static int digits(const char *s, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/*
 * An ISO date cell (yyyy-mm-dd, yyyy-mm, yyyy) of a list: a full date is
 * a date cell, a partial one the text "mm/yyyy" or "yyyy"; anything else
 * is written as it is.
 */
static void put_date(struct wr *w, lxw_row_t r, int col, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	char buf[16];

	if (n == 10 && digits(s, 4) && s[4] == '-' && digits(s + 5, 2) &&
	    s[7] == '-' && digits(s + 8, 2)) {
		lxw_datetime dt = {
			atoi(s), atoi(s + 5), atoi(s + 8), 0, 0, 0
		};

		chk(w, worksheet_write_datetime(w->ws, r, (lxw_col_t)col, &dt,
						w->f.date));
		return;
	}
	if (n == 7 && digits(s, 4) && s[4] == '-' && digits(s + 5, 2)) {
		snprintf(buf, sizeof(buf), "%.2s/%.4s", s + 5, s);
		s = buf;
	}
	put_s(w, r, col, s, w->f.textc);
}

static void put_dt(struct wr *w, lxw_row_t r, int col, lxw_datetime *dt)
{
	chk(w,
	    worksheet_write_datetime(w->ws, r, (lxw_col_t)col, dt, w->f.date));
}

/* ---- formats ---------------------------------------------------------- */

static lxw_format *fmt(lxw_workbook *wb, double size, int bold, int italic,
		       int align, int border)
{
	lxw_format *f = workbook_add_format(wb);

	format_set_font_name(f, "Times New Roman");
	format_set_font_size(f, size);
	if (bold)
		format_set_bold(f);
	if (italic)
		format_set_italic(f);
	if (align)
		format_set_align(f, (uint8_t)align);
	format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
	if (border)
		format_set_border(f, LXW_BORDER_THIN);
	return f;
}

/*
 * Two formats with equal properties cost a hash of the whole format on
 * every cell written (libxlsxwriter caches the index of the first only),
 * so each distinct format is made once and shared.
 */
static void make_formats(lxw_workbook *wb, struct fmts *f)
{
	f->unit = fmt(wb, 11, 1, 0, LXW_ALIGN_LEFT, 0);
	f->motto = fmt(wb, 11, 1, 0, LXW_ALIGN_CENTER, 0);
	f->form = fmt(wb, 10, 0, 1, LXW_ALIGN_CENTER, 0);
	f->title = fmt(wb, 14, 1, 0, LXW_ALIGN_CENTER, 0);
	f->subtitle = fmt(wb, 11, 0, 1, LXW_ALIGN_CENTER, 0);
	f->head = fmt(wb, 10, 1, 0, LXW_ALIGN_CENTER, 1);
	format_set_text_wrap(f->head);
	format_set_bg_color(f->head, 0xDDEBF7);
	f->colno = fmt(wb, 9, 0, 1, LXW_ALIGN_CENTER, 1);
	f->sect = fmt(wb, 11, 1, 0, LXW_ALIGN_LEFT, 1);
	format_set_bg_color(f->sect, 0xF2F2F2);
	f->none = fmt(wb, 10, 0, 1, LXW_ALIGN_LEFT, 1);
	f->text = fmt(wb, 10, 0, 0, LXW_ALIGN_LEFT, 1);
	f->textc = fmt(wb, 10, 0, 0, LXW_ALIGN_CENTER, 1);
	f->wrap = fmt(wb, 10, 0, 0, LXW_ALIGN_LEFT, 1);
	format_set_text_wrap(f->wrap);
	f->date = fmt(wb, 10, 0, 0, LXW_ALIGN_CENTER, 1);
	format_set_num_format(f->date, "dd/mm/yyyy");
	f->num = f->textc;
	f->count = fmt(wb, 10, 0, 0, LXW_ALIGN_RIGHT, 1);
	format_set_num_format(f->count, "#,##0");
	f->total = fmt(wb, 11, 1, 0, LXW_ALIGN_LEFT, 1);
	f->total_n = fmt(wb, 11, 1, 0, LXW_ALIGN_RIGHT, 1);
	format_set_num_format(f->total_n, "#,##0");
	f->sign = f->motto;
	f->sign_i = f->subtitle;
	f->legend = fmt(wb, 10, 0, 0, LXW_ALIGN_LEFT, 0);
}

/* ---- sheets ----------------------------------------------------------- */

/* Print setup: A4 landscape, one page wide, column headers repeated. */
static void page_setup(struct wr *w, lxw_row_t head_first, lxw_row_t head_last)
{
	worksheet_set_landscape(w->ws);
	worksheet_set_paper(w->ws, 9);
	worksheet_set_margins(w->ws, 0.4, 0.4, 0.5, 0.6);
	worksheet_center_horizontally(w->ws);
	worksheet_fit_to_pages(w->ws, 1, 0);
	chk(w, worksheet_repeat_rows(w->ws, head_first, head_last));
	chk(w, worksheet_set_footer(w->ws, "&CTrang &P/&N"));
	worksheet_freeze_panes(w->ws, head_last + 1, 0);
}

static lxw_worksheet *add_sheet(struct wr *w, const char *name)
{
	lxw_worksheet *ws = workbook_add_worksheet(w->wb, name);

	if (!ws)
		chk(w, LXW_ERROR_SHEETNAME_ALREADY_USED);
	w->ws = ws;
	w->row = 0;
	return ws;
}

/* The left unit lines and the national motto on the right (rows 0-2). */
static void motto(struct wr *w, const char *const left[3], int lc1, int rc0,
		  int rc1, const char *right3)
{
	static const char *const right[2] = {
		"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
		"Độc lập - Tự do - Hạnh phúc",
	};
	lxw_row_t r;

	for (r = 0; r < 3; r++) {
		put_across(w, r, 0, lc1, left[r], w->f.unit);
		put_across(w, r, rc0, rc1, r < 2 ? right[r] : right3,
			   r < 2 ? w->f.motto : w->f.form);
	}
}

static void short_name(const char *name, char *out, size_t n)
{
	static const char *const pre[][2] = {
		{ "Thị trấn ", "TT " },
		{ "Phường ", "P. " },
		{ "Xã ", "" },
		{ "Đặc khu ", "ĐK " },
	};
	size_t i;

	for (i = 0; i < sizeof(pre) / sizeof(pre[0]); i++) {
		if (starts_with(name, pre[i][0]) && name[strlen(pre[i][0])]) {
			snprintf(out, n, "%s%s", pre[i][1],
				 name + strlen(pre[i][0]));
			return;
		}
	}
	snprintf(out, n, "%s", name);
}

void d02lt_sheet_name(const char *code, const char *name, int part,
		      char out[D02LT_SHEET_NAME_MAX])
{
	char base[256], shortn[200];
	char suffix[16] = "";
	size_t len, chars = 0, max, i;

	if (part > 1)
		snprintf(suffix, sizeof(suffix), " (%d)", part);
	if (!code || !*code) {
		snprintf(base, sizeof(base), "Chưa rõ xã");
	} else {
		short_name(name ? name : "", shortn, sizeof(shortn));
		snprintf(base, sizeof(base), "%.32s%s%s", code,
			 shortn[0] ? " " : "", shortn);
	}
	for (i = 0; base[i]; i++)
		if (strchr("[]:*?/\\", base[i]))
			base[i] = '-';
	/* cut at 31 characters less the suffix, on a character boundary */
	max = 31 - strlen(suffix);
	for (len = 0; base[len]; len++) {
		if (((unsigned char)base[len] & 0xC0) != 0x80 && ++chars > max)
			break;
	}
	while (len > 0 && (base[len - 1] == ' ' || base[len - 1] == '\''))
		len--;
	i = 0;
	while (base[i] == '\'')
		i++; /* a sheet name may not start with an apostrophe */
	snprintf(out, D02LT_SHEET_NAME_MAX, "%.*s%s", (int)(len - i), base + i,
		 suffix);
}

/* Header block of a commune sheet (rows 0 to HDR_ROWS - 1). */
static void commune_header(struct wr *w)
{
	char unit[256], code[64], sub[160];
	const char *left[3];
	char buf[16];
	int c;

	if (!w->c->code[0])
		snprintf(unit, sizeof(unit), "Tên đơn vị: chưa rõ xã");
	else if (w->cname[0])
		snprintf(unit, sizeof(unit), "Tên đơn vị: UBND %s", w->cname);
	else
		snprintf(unit, sizeof(unit), "Tên đơn vị: UBND xã mã %s",
			 w->c->code);
	snprintf(code, sizeof(code), "Mã đơn vị (mã xã): %s", w->c->code);
	left[0] = unit;
	left[1] = code;
	left[2] = w->period;
	motto(w, left, C_PID, C_HOSP, C_NOTE, "Mẫu D02-LT");
	put_across(w, 4, 0, NCOLS - 1, "DANH SÁCH NGƯỜI CHỈ THAM GIA BHYT",
		   w->f.title);
	snprintf(sub, sizeof(sub),
		 "Tăng, giảm, điều chỉnh so với thẻ BHYT đang có, năm %d%s",
		 w->b->period, w->part > 1 ? " (tiếp theo)" : "");
	put_across(w, 5, 0, NCOLS - 1, sub, w->f.subtitle);
	chk(w, worksheet_set_row(w->ws, HEAD_ROW, 40, NULL));
	for (c = 0; c < NCOLS; c++)
		put_s(w, HEAD_ROW, c, columns[c].head, w->f.head);
	for (c = 0; c < NCOLS; c++) {
		snprintf(buf, sizeof(buf), "(%d)", c + 1);
		put_s(w, HEAD_ROW + 1, c, buf, w->f.colno);
	}
	w->row = HDR_ROWS;
}

static void open_commune_sheet(struct wr *w)
{
	char name[D02LT_SHEET_NAME_MAX];
	int c;

	d02lt_sheet_name(w->c->code, w->cname, w->part, name);
	if (!add_sheet(w, name))
		return;
	for (c = 0; c < NCOLS; c++)
		chk(w, worksheet_set_column(w->ws, (lxw_col_t)c, (lxw_col_t)c,
					    columns[c].width, NULL));
	page_setup(w, HEAD_ROW, HEAD_ROW + 1);
	commune_header(w);
}

/* A section or sub-section row: the label over STT and Họ và tên. */
static void label_row(struct wr *w, const char *label, lxw_format *f)
{
	int c;

	put_across(w, w->row, C_STT, C_NAME, label, f);
	for (c = C_BHXH; c < NCOLS; c++)
		put_s(w, w->row, c, NULL, f);
	w->row++;
}

/* Room for n more rows, else go on on the commune's next sheet (the
 * summary sheet, w->c NULL, is not split). */
static void need(struct wr *w, unsigned n)
{
	char label[128];

	if (w->row + n <= w->max_rows || !w->ws || !w->c)
		return;
	w->part++;
	open_commune_sheet(w);
	if (w->ws && w->cont) {
		snprintf(label, sizeof(label), "%s (tiếp theo)", w->cont);
		label_row(w, label, w->f.sect);
	}
}

static void section(struct wr *w, const char *label)
{
	need(w, 2);
	if (w->ws)
		label_row(w, label, w->f.sect);
}

static void subsection(struct wr *w, const char *label)
{
	w->cont = NULL;
	need(w, 2);
	w->cont = label;
	if (w->ws)
		label_row(w, label, w->f.sect);
}

static void none_row(struct wr *w)
{
	int c;

	need(w, 1);
	if (!w->ws)
		return;
	for (c = 0; c < NCOLS; c++)
		put_s(w, w->row, c, c == C_NAME ? "(không có)" : NULL,
		      w->f.none);
	w->row++;
}

static void total_row(struct wr *w, const char *label, long n)
{
	int c;

	w->cont = NULL;
	need(w, 1);
	if (!w->ws)
		return;
	put_across(w, w->row, C_STT, C_NAME, label, w->f.total);
	put_n(w, w->row, C_BHXH, (double)n, w->f.total_n);
	for (c = C_BHXH + 1; c < NCOLS; c++)
		put_s(w, w->row, c, NULL, w->f.total);
	w->row++;
}

/* ---- person rows ------------------------------------------------------ */

static const char *cell(const struct orow *r, int col)
{
	return col >= 0 ? orow_cell(r, col) : "";
}

static enum reason row_reason(const struct wr *w, int wl, const struct orow *r)
{
	if (r->reason != R_NONE && r->reason < R_N)
		return (enum reason)r->reason;
	return w->cols[wl].reason >= 0
		       ? reason_parse(cell(r, w->cols[wl].reason))
		       : R_NONE;
}

static const char *group_name(const struct wr *w, const char *code)
{
	unsigned g = ref_group(w->b->ref, code);

	return g == GROUP_NONE ? "" : w->b->ref->groups[g].name_vi;
}

static const char *plan_code(enum rowkind k, enum reason why)
{
	switch (k) {
	case K_INC:
		return "TM";
	case K_INC_GRP:
		return "TD";
	case K_DEC_GRP:
		return "GD";
	case K_ADJ:
		return "DC";
	case K_DEC:
		break;
	}
	if (why == R_DEATH)
		return "GH4";
	if (why == R_MOVED_OUT)
		return "GD";
	return "GH";
}

/* changed_fields ("full_name;dob") in Vietnamese. */
static void changed_vi(const char *fields, char *out, size_t n)
{
	static const char *const names[][2] = {
		{ "full_name", "họ tên" },
		{ "dob", "ngày sinh" },
		{ "sex", "giới tính" },
		{ "benefit_level", "mức hưởng" },
		{ "hospital_code", "nơi đăng ký KCB" },
		{ "commune_code", "xã cư trú" },
		{ "group_code", "mã đối tượng" },
	};
	const char *p = fields, *e;
	size_t i, len = strlen(out);

	while (*p) {
		e = strchr(p, ';');
		if (!e)
			e = p + strlen(p);
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (strlen(names[i][0]) == (size_t)(e - p) &&
			    !strncmp(p, names[i][0], (size_t)(e - p)))
				break;
		if (len + 2 < n) {
			snprintf(out + len, n - len, "%s%.*s",
				 p == fields ? "" : ", ",
				 i < sizeof(names) / sizeof(names[0])
					 ? (int)strlen(names[i][1])
					 : (int)(e - p),
				 i < sizeof(names) / sizeof(names[0])
					 ? names[i][1]
					 : p);
			len = strlen(out);
		}
		p = *e ? e + 1 : e;
	}
}

/*
 * Lines a wrapped text takes in a column about per_line characters wide:
 * the row height is set from it, since neither Excel nor LibreOffice
 * fits the height of a streamed row on opening.
 */
static int text_lines(const char *s, double per_line)
{
	size_t chars = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			chars++;
	return (int)((double)chars / per_line) + 1;
}

static const char *sex_vi(const char *sex)
{
	if (!strcmp(sex, "M"))
		return "Nam";
	if (!strcmp(sex, "F"))
		return "Nữ";
	return sex;
}

/* Benefit level of a card from its 15-character code, or "". */
static void card_level(const char *card, char out[2])
{
	out[0] = strlen(card) == 15 && card[2] >= '1' && card[2] <= '5'
			 ? card[2]
			 : '\0';
	out[1] = '\0';
}

static void person_row(struct wr *w, enum rowkind k, int wl,
		       const struct orow *r)
{
	const struct cols *x = &w->cols[wl];
	enum reason why = row_reason(w, wl, r);
	const char *sex = cell(r, x->sex), *group, *old, *lv;
	char level[2], note[512];
	lxw_row_t row;
	int lines;

	note[0] = '\0';
	if (k == K_INC_GRP || k == K_DEC_GRP) {
		const char *gn = group_name(w, cell(r, x->group));

		snprintf(note, sizeof(note),
			 "Chuyển đối tượng từ %s sang %s%s%s%s",
			 cell(r, x->old_group), cell(r, x->group),
			 *gn ? " (" : "", gn, *gn ? ")" : "");
	} else if (k == K_ADJ) {
		snprintf(note, sizeof(note),
			 "%s: ", reason_vi(R_DATA_CORRECTED));
		changed_vi(cell(r, x->changed), note, sizeof(note));
		if (!cell(r, x->changed)[0])
			note[strlen(note) - 2] = '\0';
	} else {
		snprintf(note, sizeof(note), "%s", reason_vi(why));
	}

	need(w, 1);
	if (!w->ws)
		return;
	row = w->row++;
	lines = text_lines(cell(r, x->name), columns[C_NAME].width * 0.95);
	if (text_lines(note, columns[C_NOTE].width * 1.15) > lines)
		lines = text_lines(note, columns[C_NOTE].width * 1.15);
	if (lines > 1)
		chk(w, worksheet_set_row(w->ws, row, 13.5 * lines + 1, NULL));
	put_n(w, row, C_STT, (double)++w->stt, w->f.num);
	put_s(w, row, C_NAME, cell(r, x->name), w->f.wrap);
	put_s(w, row, C_BHXH, cell(r, x->bhxh), w->f.textc);
	put_date(w, row, C_DOB, cell(r, x->dob));
	put_s(w, row, C_SEX, sex_vi(sex), w->f.textc);
	put_s(w, row, C_PID, cell(r, x->pid), w->f.textc);

	group = cell(r, x->group);
	old = cell(r, x->old_group);
	lv = cell(r, x->level);
	if (k == K_DEC_GRP)
		group = old;
	if (k == K_DEC || k == K_DEC_GRP || !*lv) {
		card_level(cell(r, x->card), level);
		lv = level;
	}
	put_s(w, row, C_GROUP, group, w->f.textc);
	if (strlen(lv) == 1 && digits(lv, 1))
		put_n(w, row, C_LEVEL, lv[0] - '0', w->f.num);
	else
		put_s(w, row, C_LEVEL, lv, w->f.textc);
	put_s(w, row, C_HOSP, cell(r, x->hospital), w->f.textc);

	/* Từ / Đến: the new card from the period's start, the old to the
	 * day before it (or the list's own date) */
	if (k == K_INC)
		put_date(w, row, C_FROM, cell(r, x->from));
	else if (k == K_INC_GRP || k == K_ADJ)
		put_dt(w, row, C_FROM, &w->start);
	else
		put_s(w, row, C_FROM, NULL, w->f.textc);
	if (k == K_DEC)
		put_date(w, row, C_TO, cell(r, x->to));
	else if (k == K_DEC_GRP)
		put_dt(w, row, C_TO, &w->day_before);
	else
		put_s(w, row, C_TO, NULL, w->f.textc);
	put_s(w, row, C_PLAN, plan_code(k, why), w->f.textc);
	put_s(w, row, C_NOTE, note, w->f.wrap);
}

/* ---- a commune sheet -------------------------------------------------- */

static const struct orow *lrow(const struct wr *w, int wl, size_t i)
{
	return &w->o->lists[wlist[wl]].rows[i];
}

/* Rows of the change list of this commune with (grp) or without GROUP_CHANGED.
 */
static long change_rows(struct wr *w, enum rowkind k)
{
	const struct commune *c = w->c;
	size_t i;
	long n = 0;

	for (i = c->lo[W_CHG]; i < c->hi[W_CHG] && !w->lerr; i++) {
		const struct orow *r = lrow(w, W_CHG, i);
		int grp = row_reason(w, W_CHG, r) == R_GROUP_CHANGED;

		if (grp == (k != K_ADJ)) {
			person_row(w, k, W_CHG, r);
			n++;
		}
	}
	return n;
}

static long list_rows(struct wr *w, int wl, enum rowkind k)
{
	size_t i;

	for (i = w->c->lo[wl]; i < w->c->hi[wl] && !w->lerr; i++)
		person_row(w, k, wl, lrow(w, wl, i));
	return (long)(w->c->hi[wl] - w->c->lo[wl]);
}

static void signature(struct wr *w, int l0, int l1, int r0, int r1)
{
	need(w, SIG_ROWS);
	if (!w->ws)
		return;
	w->row++;
	put_across(w, w->row, r0, r1, "……, ngày …… tháng …… năm ……",
		   w->f.sign_i);
	w->row++;
	put_across(w, w->row, l0, l1, "NGƯỜI LẬP BIỂU", w->f.sign);
	put_across(w, w->row, r0, r1, "THỦ TRƯỞNG ĐƠN VỊ", w->f.sign);
	w->row++;
	put_across(w, w->row, l0, l1, "(Ký, ghi rõ họ tên)", w->f.sign_i);
	put_across(w, w->row, r0, r1, "(Ký, ghi rõ họ tên, đóng dấu)",
		   w->f.sign_i);
	w->row++;
}

static void commune_sheet(struct wr *w, const struct commune *c)
{
	w->c = c;
	w->cname = ref_commune_name(w->b->ref, c->code, &w->b->period_start);
	if (!w->cname)
		w->cname = "";
	w->part = 1;
	w->cont = NULL;
	open_commune_sheet(w);

	section(w, "I. TĂNG");
	w->stt = 0;
	subsection(w, "I.1. Tăng mới");
	if (!list_rows(w, W_INC, K_INC))
		none_row(w);
	subsection(w, "I.2. Tăng do chuyển đối tượng");
	if (!change_rows(w, K_INC_GRP))
		none_row(w);
	total_row(w, "Cộng tăng", w->stt);

	section(w, "II. GIẢM");
	w->stt = 0;
	subsection(w, "II.1. Giảm");
	if (!list_rows(w, W_DEC, K_DEC))
		none_row(w);
	subsection(w, "II.2. Giảm do chuyển đối tượng");
	if (!change_rows(w, K_DEC_GRP))
		none_row(w);
	total_row(w, "Cộng giảm", w->stt);

	w->stt = 0;
	subsection(w, "III. ĐIỀU CHỈNH");
	if (!change_rows(w, K_ADJ))
		none_row(w);
	total_row(w, "Cộng điều chỉnh", w->stt);

	signature(w, C_NAME, C_BHXH, C_HOSP, C_NOTE);
}

/* ---- the summary sheet ------------------------------------------------ */

static void summary_row(struct wr *w, long stt, const char *code,
			const char *name, const long v[6], int total)
{
	lxw_format *t = total ? w->f.total : w->f.text;
	lxw_format *n = total ? w->f.total_n : w->f.count;
	int i;

	if (total) {
		put_across(w, w->row, S_STT, S_NAME, "Tổng cộng", t);
	} else {
		put_n(w, w->row, S_STT, (double)stt, w->f.num);
		put_s(w, w->row, S_CODE, code, w->f.textc);
		put_s(w, w->row, S_NAME, name, t);
	}
	for (i = 0; i < 6; i++)
		put_n(w, w->row, S_INC + i, (double)v[i], n);
	w->row++;
}

static void summary_sheet(struct wr *w, const struct commune *cs, size_t n)
{
	char scope[96], buf[16], sub[160];
	const char *left[3];
	long tot[6] = { 0 };
	size_t i, g;
	int c;

	if (!add_sheet(w, "Tổng hợp"))
		return;
	for (c = 0; c < NSCOLS; c++)
		chk(w, worksheet_set_column(w->ws, (lxw_col_t)c, (lxw_col_t)c,
					    scolumns[c].width, NULL));
	page_setup(w, HEAD_ROW, HEAD_ROW + 1);
	snprintf(scope, sizeof(scope), "Số xã, phường, thị trấn: %zu", n);
	left[0] = "Tổng hợp theo xã, phường, thị trấn";
	left[1] = scope;
	left[2] = w->period;
	motto(w, left, S_NAME, S_GRP, S_CARDS, "Mẫu D02-LT (tổng hợp)");
	put_across(w, 4, 0, NSCOLS - 1,
		   "TỔNG HỢP DANH SÁCH NGƯỜI CHỈ THAM GIA BHYT", w->f.title);
	snprintf(sub, sizeof(sub),
		 "Số người tăng, giảm, điều chỉnh, gia hạn thẻ BHYT theo xã, "
		 "năm %d",
		 w->b->period);
	put_across(w, 5, 0, NSCOLS - 1, sub, w->f.subtitle);
	chk(w, worksheet_set_row(w->ws, HEAD_ROW, 40, NULL));
	for (c = 0; c < NSCOLS; c++)
		put_s(w, HEAD_ROW, c, scolumns[c].head, w->f.head);
	for (c = 0; c < NSCOLS; c++) {
		snprintf(buf, sizeof(buf), "(%d)", c + 1);
		put_s(w, HEAD_ROW + 1, c, buf, w->f.colno);
	}
	w->row = HDR_ROWS;
	for (i = 0; i < n; i++) {
		const struct commune *k = &cs[i];
		const char *name =
			k->code[0] ? ref_commune_name(w->b->ref, k->code,
						      &w->b->period_start)
				   : "Chưa rõ xã";
		long v[6] = {
			k->inc, k->dec, k->grp,
			k->adj, k->ren, k->inc + k->grp + k->adj + k->ren
		};

		summary_row(w, (long)i + 1, k->code, name ? name : "", v, 0);
		for (c = 0; c < 6; c++)
			tot[c] += v[c];
	}
	summary_row(w, 0, NULL, NULL, tot, 1);

	/* Legend: the group codes the lists use. */
	w->row++;
	put_across(w, w->row++, S_STT, S_NAME, "Mã đối tượng:", w->f.unit);
	for (g = 0; g < w->b->ref->ngroups; g++) {
		const struct group *gr = &w->b->ref->groups[g];
		const char *s = gr->code;

		if (g && !strcmp(s, w->b->ref->groups[g - 1].code))
			continue; /* a group with several level periods */
		if (strlen(s) != 2 || s[0] < 'A' || s[0] > 'Z' || s[1] < 'A' ||
		    s[1] > 'Z' || !w->used[(s[0] - 'A') * 26 + (s[1] - 'A')])
			continue;
		put_s(w, w->row, S_CODE, s, w->f.legend);
		put_across(w, w->row, S_NAME, S_CARDS, gr->name_vi,
			   w->f.legend);
		w->row++;
	}
	w->row++;
	put_across(w, w->row++, S_STT, S_CARDS,
		   "Phương án: TM tăng mới; TD tăng do chuyển đối tượng; "
		   "GH giảm hẳn (GH4 chết); GD giảm do chuyển đi hoặc chuyển "
		   "đối tượng; DC điều chỉnh thông tin.",
		   w->f.legend);
	signature(w, S_CODE, S_NAME, S_ADJ, S_CARDS);
}

/* ---- communes and counts ---------------------------------------------- */

static void mark_group(struct wr *w, const char *s)
{
	if (s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z' && !s[2])
		w->used[(s[0] - 'A') * 26 + (s[1] - 'A')] = 1;
}

/*
 * Walk the four sorted lists together: one struct commune per commune code
 * with its row ranges and counts.  Returns the number, or -1 if a list is
 * not sorted by commune.
 */
static long gather(struct wr *w, struct commune **out, struct etl_err *err)
{
	struct commune *cs = NULL;
	size_t n = 0, cap = 0, pos[NW] = { 0 };
	int wl;

	for (;;) {
		const char *min = NULL;
		struct commune *c;

		for (wl = 0; wl < NW; wl++) {
			const struct outlist *ol = &w->o->lists[wlist[wl]];

			if (pos[wl] < ol->n &&
			    (!min ||
			     strcmp(ol->rows[pos[wl]].commune, min) < 0))
				min = ol->rows[pos[wl]].commune;
		}
		if (!min)
			break;
		GROW(cs, cap, n + 1);
		c = &cs[n++];
		memset(c, 0, sizeof(*c));
		c->code = min;
		for (wl = 0; wl < NW; wl++) {
			const struct outlist *ol = &w->o->lists[wlist[wl]];
			const struct cols *x = &w->cols[wl];

			c->lo[wl] = pos[wl];
			while (pos[wl] < ol->n &&
			       !strcmp(ol->rows[pos[wl]].commune, min)) {
				const struct orow *r = &ol->rows[pos[wl]];

				mark_group(w, cell(r, x->group));
				mark_group(w, cell(r, x->old_group));
				if (wl == W_INC)
					c->inc++;
				else if (wl == W_DEC)
					c->dec++;
				else if (wl == W_REN)
					c->ren++;
				else if (row_reason(w, wl, r) ==
					 R_GROUP_CHANGED)
					c->grp++;
				else
					c->adj++;
				pos[wl]++;
			}
			c->hi[wl] = pos[wl];
			if (pos[wl] < ol->n &&
			    strcmp(ol->rows[pos[wl]].commune, min) < 0) {
				free(cs);
				return etl_errf(err,
						"d02lt: %s is not sorted by "
						"commune",
						list_file(wlist[wl]));
			}
		}
	}
	*out = cs;
	return (long)n;
}

/* Index of a column of list l by its CSV header name, or -1. */
static int col_of(enum list l, const char *name)
{
	const char *h = list_header(l), *e;
	size_t len = strlen(name);
	int i = 0;

	for (;;) {
		e = strchr(h, ',');
		if ((e ? (size_t)(e - h) : strlen(h)) == len &&
		    !strncmp(h, name, len))
			return i;
		if (!e)
			return -1;
		h = e + 1;
		i++;
	}
}

static void find_cols(struct wr *w)
{
	int wl;

	for (wl = 0; wl < NW; wl++) {
		enum list l = wlist[wl];
		struct cols *x = &w->cols[wl];

		x->pid = col_of(l, "person_id");
		x->bhxh = col_of(l, "bhxh_code");
		x->card = col_of(l, "card_code");
		x->name = col_of(l, "full_name");
		x->dob = col_of(l, "dob");
		x->sex = col_of(l, "sex");
		x->group = col_of(l, "group_code");
		x->old_group = col_of(l, "old_group_code");
		x->level = col_of(l, "benefit_level");
		x->hospital = col_of(l, "hospital_code");
		x->from = col_of(l, "effective_from");
		x->to = col_of(l, "effective_to");
		x->changed = col_of(l, "changed_fields");
		x->reason = col_of(l, "reason");
	}
}

/* ---- the file --------------------------------------------------------- */

static lxw_datetime to_lxw(const struct date *d)
{
	lxw_datetime dt = {
		d->year, d->month ? d->month : 1, d->day ? d->day : 1, 0, 0, 0
	};

	return dt;
}

/* Flush the finished file to disk and set its mode (never via a link). */
static int finish_file(const char *tmp, struct etl_err *err)
{
	int fd = open(tmp, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return etl_errf(err, "'%s': cannot reopen: %s", tmp,
				strerror(errno));
	if (fchmod(fd, 0600) < 0 || fsync(fd) < 0) {
		etl_errf(err, "'%s': cannot sync: %s", tmp, strerror(errno));
		close(fd);
		return -1;
	}
	if (close(fd) < 0)
		return etl_errf(err, "'%s': cannot sync: %s", tmp,
				strerror(errno));
	return 0;
}

int d02lt_write_rows(const struct outputs *o, const struct batch *b,
		     const char *dir, unsigned long max_rows,
		     struct etl_err *err)
{
	struct wr *w;
	struct commune *cs = NULL;
	lxw_workbook_options opt = { 0 };
	lxw_doc_properties props = { 0 };
	struct tm tm = { 0 };
	struct strbuf path, tmp;
	char title[96], pstart[16];
	struct date before;
	long n, i;
	lxw_error e;
	int fd, rc = -1;

	if (max_rows < D02LT_MIN_ROWS)
		return etl_errf(err, "d02lt: a sheet needs at least %lu rows",
				D02LT_MIN_ROWS);
	if (max_rows > D02LT_MAX_ROWS)
		max_rows = D02LT_MAX_ROWS;
	if (b->period_start.prec != DATE_DAY)
		return etl_errf(err, "d02lt: the period has no start date");

	sb_init(&path, 0);
	sb_init(&tmp, 0);
	w = xcalloc(1, sizeof(*w));
	w->o = o;
	w->b = b;
	w->max_rows = max_rows;
	find_cols(w);
	n = gather(w, &cs, err);
	if (n < 0)
		goto out;
	w->start = to_lxw(&b->period_start);
	before = date_add_days(b->period_start, -1);
	w->day_before = to_lxw(&before);
	snprintf(pstart, sizeof(pstart), "%02d/%02d/%04d", b->period_start.day,
		 b->period_start.month, b->period_start.year);
	snprintf(w->period, sizeof(w->period), "Kỳ: năm %d (từ ngày %s)",
		 b->period, pstart);

	if (out_path(&path, dir, D02LT_FILE, err) < 0)
		goto out;
	/* Create it 0600 first: libxlsxwriter's fopen keeps the mode. */
	fd = out_create_tmp(dir, D02LT_FILE, &tmp, err);
	if (fd < 0)
		goto out;
	if (close(fd) < 0) {
		etl_errf(err, "'%s': cannot create: %s", tmp.buf,
			 strerror(errno));
		unlink(tmp.buf);
		goto out;
	}

	opt.constant_memory = LXW_TRUE;
	opt.tmpdir = (char *)dir;
	w->wb = workbook_new_opt(tmp.buf, &opt);
	if (!w->wb) {
		etl_errf(err, "'%s': cannot start the workbook", tmp.buf);
		unlink(tmp.buf);
		goto out;
	}
	/* A fixed creation time (the period's start): same inputs, same bytes.
	 */
	tm.tm_year = b->period_start.year - 1900;
	tm.tm_mon = b->period_start.month - 1;
	tm.tm_mday = b->period_start.day;
	snprintf(title, sizeof(title),
		 "Danh sách người chỉ tham gia BHYT năm %d", b->period);
	props.title = title;
	props.subject = "Tăng, giảm, điều chỉnh (mẫu D02-LT)";
	props.author = "doisoat";
	props.created = timegm(&tm);
	chk(w, workbook_set_properties(w->wb, &props));
	make_formats(w->wb, &w->f);

	summary_sheet(w, cs, (size_t)n);
	for (i = 0; i < n && w->lerr == LXW_NO_ERROR; i++)
		commune_sheet(w, &cs[i]);

	errno = 0;
	e = workbook_close(w->wb);
	if (w->lerr != LXW_NO_ERROR || e != LXW_NO_ERROR) {
		/* a full disk shows as a zip error: say what the system said */
		char why[128] = "";

		if (errno)
			snprintf(why, sizeof(why), " (%s)", strerror(errno));
		etl_errf(err, "'%s': cannot write the workbook: %s%s", tmp.buf,
			 lxw_strerror(w->lerr != LXW_NO_ERROR ? w->lerr : e),
			 why);
		unlink(tmp.buf);
		goto out;
	}
	if (finish_file(tmp.buf, err) < 0) {
		unlink(tmp.buf);
		goto out;
	}
	if (rename(tmp.buf, path.buf) < 0) {
		etl_errf(err, "'%s': cannot rename into place: %s", path.buf,
			 strerror(errno));
		unlink(tmp.buf);
		goto out;
	}
	rc = 0;
out:
	sb_release(&path);
	sb_release(&tmp);
	free(cs);
	free(w);
	return rc;
}

int d02lt_write(const struct outputs *o, const struct batch *b, const char *dir,
		struct etl_err *err)
{
	return d02lt_write_rows(o, b, dir, D02LT_MAX_ROWS, err);
}
