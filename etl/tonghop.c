/*
 * tonghop.c: the district's summary workbook (tonghop.h): the request to
 * buy the period's cards with the money by source, the coverage table
 * with its chart, and per commune the uninsured people by household and
 * the review rows a commune officer decides.
 */
#include "tonghop.h"
#include "hashtab.h"
#include "lists.h"
#include "money.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct tfmt {
	xo_fmt title, sub, left, left_b, head, text, textc, wrap, date, num,
		money, pct, total, total_n, total_m, total_p, sign;
};

struct tw {
	struct xo_book *wb;
	struct xo_sheet *ws; /* the sheet being written */
	struct tfmt f;
	const struct outputs *o;
	const struct batch *b;
	int row;
	/* the commune sheet being written: its first part's name, title
	   and subtitle, part (1, 2, ...), the first row under this part's
	   headings, and the section being written (C_*) */
	char base[128];
	const char *title, *sub;
	int part, body, sect;
};

/* The sections of a commune sheet; C_NONE: between them. */
enum { C_NONE, C_UNI, C_REV };

/* A number cell from CSV text ("" stays a bordered blank). */
static void put_text_n(struct tw *w, int r, int c, const char *s, double scale,
		       xo_fmt f)
{
	if (s[0])
		xo_num(w->ws, r, c, strtod(s, NULL) * scale, f);
	else
		xo_text(w->ws, r, c, "", f);
}

/* A date cell from an ISO date (yyyy-mm-dd); yyyy-mm, yyyy as text. */
static void put_date(struct tw *w, int r, int c, const char *s)
{
	if (strlen(s) == 10 && s[4] == '-' && s[7] == '-') {
		xo_date(w->ws, r, c, atoi(s), atoi(s + 5), atoi(s + 8),
			w->f.date);
	} else if (strlen(s) == 7) {
		char m[8];

		snprintf(m, sizeof(m), "%.2s/%.4s", s + 5, s);
		xo_text(w->ws, r, c, m, w->f.textc);
	} else {
		xo_text(w->ws, r, c, s, w->f.textc);
	}
}

static void make_formats(struct xo_book *wb, struct tfmt *f)
{
	const unsigned B = LF_BOLD, I = LF_ITALIC, W = LF_WRAP, T = LF_BORDER;

	f->title = lists_format(wb, 14, B, XO_CENTER, NULL);
	f->sub = lists_format(wb, 11, I, XO_CENTER, NULL);
	f->left = lists_format(wb, 11, 0, XO_LEFT, NULL);
	f->left_b = lists_format(wb, 11, B, XO_LEFT, NULL);
	f->sign = lists_format(wb, 11, B, XO_CENTER, NULL);
	f->head = lists_format(wb, 10, B | T | W, XO_CENTER, NULL);
	f->text = lists_format(wb, 10, T, XO_LEFT, "@");
	f->textc = lists_format(wb, 10, T, XO_CENTER, "@");
	f->wrap = lists_format(wb, 10, T | W, XO_LEFT, "@");
	f->date = lists_format(wb, 10, T, XO_CENTER, "dd/mm/yyyy");
	f->num = lists_format(wb, 10, T, XO_RIGHT, "#,##0");
	f->money = f->num;
	f->pct = lists_format(wb, 10, T, XO_RIGHT, "0.00%");
	f->total = lists_format(wb, 10, B | T, XO_LEFT, NULL);
	f->total_n = lists_format(wb, 10, B | T, XO_RIGHT, "#,##0");
	f->total_m = f->total_n;
	f->total_p = lists_format(wb, 10, B | T, XO_RIGHT, "0.00%");
}

/*
 * A sheet shown at place pos (xo_sheet_at) with its column widths, title
 * and subtitle, its column headings on row head (repeated on every
 * printed page); w->row 3 after.
 */
static void open_sheet(struct tw *w, size_t pos, const char *name,
		       const double *widths, int ncols, const char *title,
		       const char *sub, int head)
{
	struct xo_page page;
	int c;

	lists_page(&page, head, head);
	w->ws = xo_sheet_at(w->wb, pos, name, &page);
	if (!w->ws)
		return;
	for (c = 0; c < ncols; c++)
		xo_width(w->ws, c, c, widths[c]);
	xo_merge(w->ws, 0, 0, ncols - 1, title, w->f.title);
	xo_merge(w->ws, 1, 0, ncols - 1, sub, w->f.sub);
	w->row = 3;
}

static void headings(struct tw *w, const char *const *h, int n)
{
	int c;

	xo_height(w->ws, w->row, 42);
	for (c = 0; c < n; c++)
		xo_text(w->ws, w->row, c, h[c], w->f.head);
	w->row++;
}

/* ---- sheet 1: the request to buy the period's cards ---------------------
 */

/* Head count, months and money of some holders. */
struct tally {
	long heads, listed, months;
	struct money_share s;
};

static void tally_add(struct tally *t, const struct lists_holder *h)
{
	t->heads++;
	t->listed += h->on_list;
	if (!h->has_money)
		return;
	t->months += h->months;
	money_share_add(&t->s, &h->total);
}

/* Money columns of sheet 1: Số tháng .. Người tham gia đóng. */
#define BUY_MONTHS 8
#define BUY_NCOLS  14

static void tally_cells(struct tw *w, const struct tally *t, xo_fmt n, xo_fmt m)
{
	xo_num(w->ws, w->row, 6, (double)t->heads, n);
	xo_num(w->ws, w->row, 7, (double)t->listed, n);
	xo_num(w->ws, w->row, BUY_MONTHS, (double)t->months, n);
	xo_num(w->ws, w->row, 9, (double)t->s.amount, m);
	xo_num(w->ws, w->row, 10, (double)t->s.state_pays, m);
	xo_num(w->ws, w->row, 11, (double)t->s.state_supports, m);
	xo_num(w->ws, w->row, 12, (double)t->s.local, m);
	xo_num(w->ws, w->row, 13, (double)t->s.participant, m);
}

static const char *funding_vi(int funding)
{
	switch (funding) {
	case 3:
		return "NSNN đóng";
	case 4:
		return "NSNN hỗ trợ";
	case 5:
		return "Hộ gia đình";
	}
	return "";
}

static void tally_sum(struct tally *to, const struct tally *t)
{
	to->heads += t->heads;
	to->listed += t->listed;
	to->months += t->months;
	money_share_add(&to->s, &t->s);
}

/*
 * The budget holders (funding classes 3-5) of one commune and group, a
 * row of the request to buy: the sheet prints sums, so the holders
 * themselves are not kept (a province has millions).
 */
struct buy_cell {
	const char *commune; /* the rows' commune_code cell */
	unsigned g; /* the group's index in the reference */
	int rank; /* the group's rank (groups.csv) */
	char group[4]; /* its code as the rows give it */
	struct tally t, listed; /* all of them; those on a D03-TS list */
};

/* The cells of one half of the holders (lists_each_holder's halves). */
struct buy_half {
	struct hashtab ht;
	struct buy_cell *v;
	size_t n, cap;
};

struct buy_cells {
	const struct ref *ref;
	struct buy_half half[2];
};

/* The cell of commune and group g in bh, added (zero) when new. */
static struct buy_cell *buy_cell(struct buy_half *bh, const char *commune,
				 unsigned g, int rank, const char *group)
{
	uint64_t h = ht_hash_u64(ht_hash(commune, strlen(commune)) + g);
	size_t pos;
	uint32_t v;
	struct buy_cell *c;

	for (pos = ht_first(&bh->ht, h);
	     (v = ht_next(&bh->ht, h, &pos)) != HT_NONE;)
		if (bh->v[v].g == g && !strcmp(bh->v[v].commune, commune))
			return &bh->v[v];
	GROW(bh->v, bh->cap, bh->n + 1);
	c = &bh->v[bh->n];
	memset(c, 0, sizeof(*c));
	c->commune = commune;
	c->g = g;
	c->rank = rank;
	memcpy(c->group, group, sizeof(c->group));
	ht_insert(&bh->ht, h, (uint32_t)bh->n);
	return &bh->v[bh->n++];
}

/* A card holder into its cell, when a budget pays or supports it. */
static void buy_holder(void *ctx, int half, const struct lists_holder *h)
{
	struct buy_cells *bc = ctx;
	const struct ref *ref = bc->ref;
	unsigned g = ref_group(ref, h->group);
	struct buy_cell *c;

	if (g == GROUP_NONE || ref->groups[g].funding < 3 ||
	    ref->groups[g].funding > 5)
		return;
	c = buy_cell(&bc->half[half], h->commune, g, ref->groups[g].rank,
		     h->group);
	tally_add(&c->t, h);
	if (h->on_list)
		tally_add(&c->listed, h);
}

/* By commune, then group rank, then group. */
static int buy_cmp(const void *x, const void *y)
{
	const struct buy_cell *a = x, *b = y;
	int c = strcmp(a->commune, b->commune);

	if (c)
		return c;
	if (a->rank != b->rank)
		return a->rank < b->rank ? -1 : 1;
	return a->g < b->g ? -1 : a->g > b->g;
}

/*
 * The rows of the request to buy of o into *out (free it), by commune,
 * then group rank, then group; how many.
 */
static size_t budget_cells(const struct outputs *o, const struct batch *b,
			   const struct lists_plan *t, struct buy_cell **out)
{
	struct buy_cells bc;
	struct buy_half *h0 = &bc.half[0], *h1 = &bc.half[1];
	size_t i;
	int k;

	memset(&bc, 0, sizeof(bc));
	bc.ref = b->ref;
	for (k = 0; k < 2; k++)
		ht_init(&bc.half[k].ht, 256);
	lists_each_holder(o, b, t, buy_holder, &bc);
	for (i = 0; i < h1->n; i++) {
		const struct buy_cell *x = &h1->v[i];
		struct buy_cell *c =
			buy_cell(h0, x->commune, x->g, x->rank, x->group);

		tally_sum(&c->t, &x->t);
		tally_sum(&c->listed, &x->listed);
	}
	if (h0->n)
		qsort(h0->v, h0->n, sizeof(*h0->v), buy_cmp);
	for (k = 0; k < 2; k++)
		ht_release(&bc.half[k].ht);
	free(h1->v);
	*out = h0->v;
	return h0->n;
}

/*
 * The plan the budget holders need, handed over once it is made: the
 * summary starts on its commune sheets before it is (they do not need
 * it).
 */
struct plan_gate {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	const struct lists_plan *t; /* NULL until found */
};

static void gate_open(struct plan_gate *g, const struct lists_plan *t)
{
	pthread_mutex_lock(&g->mu);
	g->t = t;
	pthread_cond_broadcast(&g->cv);
	pthread_mutex_unlock(&g->mu);
}

static const struct lists_plan *gate_wait(struct plan_gate *g)
{
	const struct lists_plan *t;

	pthread_mutex_lock(&g->mu);
	while (!g->t)
		pthread_cond_wait(&g->cv, &g->mu);
	t = g->t;
	pthread_mutex_unlock(&g->mu);
	return t;
}

struct budget {
	const struct outputs *o;
	const struct batch *b;
	struct plan_gate *gate;
	struct buy_cell *v;
	size_t n;
};

static void *holders_main(void *arg)
{
	struct budget *bu = arg;

	bu->n = budget_cells(bu->o, bu->b, gate_wait(bu->gate), &bu->v);
	return NULL;
}

/* One row per commune and group; returns the grand tally in *all. */
static void buy_rows(struct tw *w, const struct buy_cell *v, size_t n,
		     struct tally *all, struct tally *listed)
{
	const struct ref *ref = w->b->ref;
	size_t i;

	for (i = 0; i < n && !xo_error(w->wb); i++) {
		const struct group *g = &ref->groups[v[i].g];
		const char *cname = ref_commune_name(ref, v[i].commune,
						     &w->b->period_start);

		tally_sum(all, &v[i].t);
		tally_sum(listed, &v[i].listed);
		xo_num(w->ws, w->row, 0, (double)(i + 1), w->f.num);
		xo_text(w->ws, w->row, 1, v[i].commune, w->f.textc);
		xo_text(w->ws, w->row, 2, cname ? cname : "", w->f.text);
		xo_text(w->ws, w->row, 3, v[i].group, w->f.textc);
		xo_text(w->ws, w->row, 4, g->name_vi, w->f.text);
		xo_text(w->ws, w->row, 5, funding_vi(g->funding), w->f.text);
		tally_cells(w, &v[i].t, w->f.num, w->f.money);
		w->row++;
	}
}

static void total_line(struct tw *w, const char *label, const struct tally *t)
{
	xo_merge(w->ws, w->row, 0, 5, label, w->f.total);
	tally_cells(w, t, w->f.total_n, w->f.total_m);
	w->row++;
}

/* The approving body's line (spec §9). */
static void approver(const struct tw *w, char *out, size_t n)
{
	const struct ref *ref = w->b->ref;
	const struct date *p = &w->b->period_start;
	size_t i;

	if (p->year < 2025 || (p->year == 2025 && p->month < 7)) {
		snprintf(out, n, "Cơ quan phê duyệt: Ủy ban nhân dân huyện");
		return;
	}
	for (i = 0; i < ref->nunits; i++)
		if (!strcmp(ref->units[i].kind, "approver") &&
		    ref->units[i].name && ref->units[i].name[0]) {
			snprintf(out, n, "Cơ quan phê duyệt: %s",
				 ref->units[i].name);
			return;
		}
	snprintf(out, n,
		 "Cơ quan phê duyệt: "
		 "……………………………………………………");
}

/* The budget to approve per source, the approving body, signatures. */
static void buy_footer(struct tw *w, const struct tally *all)
{
	static const char *const src[4] = { "Ngân sách nhà nước đóng",
					    "Ngân sách nhà nước hỗ trợ",
					    "Ngân sách địa phương hỗ trợ thêm",
					    "Người tham gia đóng" };
	int64_t v[4] = { all->s.state_pays, all->s.state_supports, all->s.local,
			 all->s.participant };
	char line[256];
	int i;

	w->row++;
	xo_merge(w->ws, w->row, 0, 8, "KINH PHÍ THEO NGUỒN (đồng)", w->f.total);
	xo_text(w->ws, w->row++, 9, "Số tiền", w->f.head);
	for (i = 0; i < 4; i++) {
		xo_merge(w->ws, w->row, 0, 8, src[i], w->f.text);
		xo_num(w->ws, w->row++, 9, (double)v[i], w->f.money);
	}
	xo_merge(w->ws, w->row, 0, 8,
		 "Ngân sách đề nghị phê duyệt (nhà nước và địa phương)",
		 w->f.total);
	xo_num(w->ws, w->row++, 9, (double)(v[0] + v[1] + v[2]), w->f.total_m);
	xo_merge(w->ws, w->row, 0, 8, "Tổng cộng", w->f.total);
	xo_num(w->ws, w->row++, 9, (double)all->s.amount, w->f.total_m);
	w->row++;
	approver(w, line, sizeof(line));
	xo_merge(w->ws, w->row++, 0, BUY_NCOLS - 1, line, w->f.left);
	w->row++;
	xo_merge(w->ws, w->row, 0, 5, "NGƯỜI LẬP BIỂU", w->f.sign);
	xo_merge(w->ws, w->row, 9, BUY_NCOLS - 1, "THỦ TRƯỞNG CƠ QUAN",
		 w->f.sign);
}

/*
 * The request to buy: one row per commune and group, so some thousands of
 * rows for a province, never near a sheet's row limit; it is not continued
 * in parts (tonghop_write fails with a message if it ever passed it).
 * w->row is its last row after.
 */
static void buy_sheet(struct tw *w, const struct budget *bu)
{
	static const char *const h[BUY_NCOLS] = { "STT",
						  "Mã xã",
						  "Tên xã",
						  "Mã đối tượng",
						  "Đối tượng",
						  "Nguồn đóng",
						  "Số người",
						  "Trong đó: tăng mới (D03-TS)",
						  "Số tháng",
						  "Số tiền",
						  "NSNN đóng",
						  "NSNN hỗ trợ",
						  "NSĐP hỗ trợ thêm",
						  "Người tham gia đóng" };
	static const double wd[BUY_NCOLS] = { 5,  9, 22, 8,  30, 12, 9,
					      10, 9, 14, 14, 14, 13, 14 };
	const struct buy_cell *v = bu->v;
	struct tally t = { 0 }, listed = { 0 }, rest;
	size_t n = bu->n;
	char title[128], sub[200];

	snprintf(title, sizeof(title), "DANH SÁCH ĐỀ NGHỊ MUA THẺ BHYT NĂM %d",
		 w->b->period);
	snprintf(sub, sizeof(sub),
		 "Người có thẻ BHYT năm %d do ngân sách đóng, hỗ trợ hoặc hộ "
		 "gia đình đóng (gia hạn, điều chỉnh, tăng mới); tiền: đồng",
		 w->b->period);
	open_sheet(w, 0, "Đề nghị mua thẻ", wd, BUY_NCOLS, title, sub, 3);
	headings(w, h, BUY_NCOLS);
	buy_rows(w, v, n, &t, &listed);
	total_line(w, "Tổng cộng", &t);
	total_line(w, "Trong đó: tăng mới theo các danh sách D03-TS", &listed);
	rest = t;
	rest.heads -= listed.heads;
	rest.listed -= listed.listed;
	rest.months -= listed.months;
	rest.s.amount -= listed.s.amount;
	rest.s.state_pays -= listed.s.state_pays;
	rest.s.state_supports -= listed.s.state_supports;
	rest.s.local -= listed.s.local;
	rest.s.participant -= listed.s.participant;
	total_line(w, "Gia hạn, điều chỉnh", &rest);
	buy_footer(w, &t);
}

/* ---- sheet 2: coverage and its chart ------------------------------------
 */

#define COV_NCOLS_XL 9

/*
 * The chart of coverage against target per commune: coverage as columns,
 * the target as a line over them (rows r0..r1: names in column C,
 * coverage in F, target in G).
 */
static void cov_chart(struct tw *w, int r0, int r1)
{
	struct xo_chart c = { 0 };

	c.title = "Tỷ lệ bao phủ BHYT so với chỉ tiêu";
	c.sheet = "Độ bao phủ";
	c.r0 = r0;
	c.r1 = r1;
	c.cat_col = 2;
	c.series[0].name = "Tỷ lệ bao phủ BHYT";
	c.series[0].col = 5;
	c.series[1].name = "Chỉ tiêu";
	c.series[1].col = 6;
	c.series[1].line = 1;
	c.nseries = 2;
	c.y_num = "0%";
	c.at_row = w->row + 1;
	c.at_col = 1;
	c.width = 1056; /* pixels: 2.2 x 1.4 of Excel's default chart */
	c.height = 403;
	xo_add_chart(w->ws, &c);
}

/*
 * The coverage table: one row per commune, never near a sheet's row limit
 * (not continued: tonghop_write fails with a message if it passed it).
 * w->row is the row after the table.
 */
static void cov_sheet(struct tw *w)
{
	static const char *const h[COV_NCOLS_XL] = {
		"STT",
		"Mã xã",
		"Tên xã",
		"Dân số",
		"Số người có thẻ BHYT",
		"Tỷ lệ bao phủ",
		"Chỉ tiêu",
		"Tỷ lệ đạt so với chỉ tiêu",
		"Số người cần vận động thêm"
	};
	static const double wd[COV_NCOLS_XL] = { 5,  9,	 26, 12, 14,
						 12, 12, 14, 14 };
	const struct outlist *ol = &w->o->lists[L_COVERAGE];
	int first;
	long stt = 0;
	size_t i;

	open_sheet(w, 0, "Độ bao phủ", wd, COV_NCOLS_XL,
		   "ĐỘ BAO PHỦ BHYT THEO XÃ",
		   "Dân số: người trong cơ sở dữ liệu dân cư còn sống, cư trú "
		   "tại xã; có thẻ: tăng mới, điều chỉnh, gia hạn",
		   3);
	headings(w, h, COV_NCOLS_XL);
	first = w->row;
	for (i = 0; i < ol->n && !xo_error(w->wb); i++) {
		const char *c[COV_NCOLS];
		int tot;

		orow_cells(&ol->rows[i], L_COVERAGE, c);
		tot = !strcmp(c[0], "TOTAL");
		if (tot) {
			xo_merge(w->ws, w->row, 0, 2, "Tổng cộng", w->f.total);
		} else {
			xo_num(w->ws, w->row, 0, (double)++stt, w->f.num);
			xo_text(w->ws, w->row, 1, c[0], w->f.textc);
			xo_text(w->ws, w->row, 2, c[1], w->f.text);
		}
		put_text_n(w, w->row, 3, c[2], 1,
			   tot ? w->f.total_n : w->f.num);
		put_text_n(w, w->row, 4, c[3], 1,
			   tot ? w->f.total_n : w->f.num);
		for (int k = 4; k <= 6; k++)
			put_text_n(w, w->row, k + 1, c[k], 0.01,
				   tot ? w->f.total_p : w->f.pct);
		put_text_n(w, w->row, 8, c[7], 1,
			   tot ? w->f.total_n : w->f.num);
		w->row++;
	}
	if (stt > 0)
		cov_chart(w, first, first + (int)stt - 1);
}

/* ---- sheet 3: per commune, the uninsured by household and the review rows
 */

#define UNI_NCOLS 7
#define REV_NCOLS 8
/* The sheet of the review rows without a commune. */
#define NO_COMMUNE "Chưa rõ xã"

/* Communes in code order, none ("") last. */
static int commune_cmp(const char *x, const char *y)
{
	if (!x[0] != !y[0])
		return x[0] ? -1 : 1;
	return strcmp(x, y);
}

/* "<code> <name>" cut to a sheet name: 31 characters, no []:*?/\. */
static void sheet_name(const char *code, const char *name, char *out, size_t n)
{
	size_t i = 0, chars = 0;
	char s[256];
	const char *p;

	if (!code[0])
		snprintf(s, sizeof(s), "%s", NO_COMMUNE);
	else
		snprintf(s, sizeof(s), "%s %s", code, name ? name : "");
	for (p = s; *p && i + 5 < n; p++) {
		unsigned char ch = (unsigned char)*p;

		if ((ch & 0xC0) != 0x80 && ++chars > 31)
			break;
		out[i++] = strchr("[]:*?/\\", ch) ? '_' : (char)ch;
	}
	while (i > 0 && out[i - 1] == ' ')
		i--;
	out[i] = '\0';
}

static const char *const uni_head[UNI_NCOLS] = {
	"STT",	     "Mã hộ",	  "Họ và tên",
	"Ngày sinh", "Giới tính", "Mã định danh cá nhân",
	"Ghi chú"
};
static const char *const rev_head[REV_NCOLS] = {
	"STT",	      "Nguồn (tệp, dòng)",   "Họ và tên", "Ngày sinh",
	"Mã số BHXH", "Số CCCD (định danh)", "Lý do",	  "Việc cần làm"
};
static const double commune_wd[REV_NCOLS] = { 6, 18, 28, 12, 12, 16, 30, 50 };

/*
 * Part w->part of the commune sheet: title, subtitle, and the headings of
 * the section it goes on with (the review rows' under their label,
 * "(tiếp theo)"); between sections, the heading row will be row 4 (the
 * review rows' label on row 3, as on a sheet without uninsured).
 */
static void commune_part(struct tw *w)
{
	char name[128];

	lists_part_name(w->base, w->part, name, sizeof(name));
	open_sheet(w, SIZE_MAX, name, commune_wd, REV_NCOLS, w->title, w->sub,
		   w->sect == C_UNI ? 3 : 4);
	if (w->ws && w->sect == C_UNI)
		headings(w, uni_head, UNI_NCOLS);
	if (w->ws && w->sect == C_REV) {
		xo_merge(w->ws, w->row++, 0, REV_NCOLS - 1,
			 "Cần xem xét (tiếp theo)", w->f.left_b);
		headings(w, rev_head, REV_NCOLS);
	}
	w->body = w->row;
}

/*
 * Make room for the next k rows, which go together: when they would pass
 * the row limit (lists_sheet_rows), the sheet goes on in a new part
 * (returns 1).  A part with nothing under its headings yet is never left.
 */
static int room(struct tw *w, int k)
{
	if (!w->ws || w->row + k <= lists_sheet_rows() || w->row <= w->body)
		return 0;
	w->part++;
	commune_part(w);
	return 1;
}

/* The uninsured of one commune, by household, under their headings. */
static void uni_rows(struct tw *w, const struct orow **v, size_t n)
{
	size_t i;

	for (i = 0; i < n && !xo_error(w->wb); i++, w->row++) {
		const char *c[LIST_MAX_COLS];

		orow_cells(v[i], L_UNINSURED, c); /* one walk over the row */
		/* the last with its Cộng row */
		room(w, i + 1 == n ? 2 : 1);

		xo_num(w->ws, w->row, 0, (double)(i + 1), w->f.num);
		xo_text(w->ws, w->row, 1, c[5], w->f.textc);
		xo_text(w->ws, w->row, 2, c[1], w->f.text);
		put_date(w, w->row, 3, c[2]);
		xo_stext(w->ws, w->row, 4,
			 !strcmp(c[3], "M")   ? "Nam"
			 : !strcmp(c[3], "F") ? "Nữ"
					      : "",
			 w->f.textc);
		xo_text(w->ws, w->row, 5, c[0], w->f.textc);
		xo_text(w->ws, w->row, 6, "", w->f.text);
	}
	xo_merge(w->ws, w->row, 0, 1, "Cộng", w->f.total);
	xo_num(w->ws, w->row++, 2, (double)n, w->f.total_n);
}

/*
 * Section "Cần xem xét": the review rows of one commune, each with its
 * reason and what to check in Vietnamese (reason_vi, reason_check_vi);
 * the English detail of review.csv is not printed.  first: no heading
 * above it on the sheet (its heading is the one repeated on every page).
 */
static void rev_rows(struct tw *w, const struct orow **v, size_t n, int first)
{
	char src[160];
	size_t i;

	/* a blank row, the label, the headings and the first row (with the
	   Cộng row when it is the last) together, on a new part if need be
	   (the section then first on it) */
	w->sect = C_NONE;
	if (!first && room(w, 4 + (n == 1)))
		first = 1;
	if (!first)
		w->row++;
	xo_merge(w->ws, w->row++, 0, REV_NCOLS - 1, "Cần xem xét", w->f.left_b);
	headings(w, rev_head, REV_NCOLS);
	w->sect = C_REV;
	for (i = 0; i < n && !xo_error(w->wb); i++, w->row++) {
		const char *c[LIST_MAX_COLS];
		enum reason r;

		orow_cells(v[i], L_REVIEW, c); /* one walk over the row */
		if (i)
			room(w, i + 1 == n ? 2 : 1);
		r = reason_parse(c[4]);

		snprintf(src, sizeof(src), "%s, dòng %s", c[0], c[1]);
		xo_num(w->ws, w->row, 0, (double)(i + 1), w->f.num);
		xo_text(w->ws, w->row, 1, src, w->f.text);
		xo_text(w->ws, w->row, 2, c[6], w->f.text);
		put_date(w, w->row, 3, c[7]);
		xo_text(w->ws, w->row, 4, c[3], w->f.textc);
		xo_text(w->ws, w->row, 5, c[2], w->f.textc);
		xo_stext(w->ws, w->row, 6, reason_vi(r), w->f.wrap);
		xo_stext(w->ws, w->row, 7, reason_check_vi(r), w->f.wrap);
	}
	xo_merge(w->ws, w->row, 0, 1, "Cộng", w->f.total);
	xo_num(w->ws, w->row++, 2, (double)n, w->f.total_n);
}

/*
 * One commune's sheet: its uninsured (nu), then its review rows (nr); past
 * the row limit it goes on in parts "<name> (2)"... (lists_part_name),
 * each with the title, subtitle and headings of the first, the review
 * rows' label repeated "(tiếp theo)"; STT goes on, each Cộng row (on the
 * part where its section ends) counts the whole section.
 */
static void commune_sheet(struct tw *w, const char *code, const struct orow **u,
			  size_t nu, const struct orow **r, size_t nr)
{
	const char *cname =
		code[0] ? ref_commune_name(w->b->ref, code, &w->b->period_start)
			: NULL;
	char title[256];

	sheet_name(code, cname, w->base, sizeof(w->base));
	if (!code[0])
		snprintf(title, sizeof(title),
			 "NGƯỜI CẦN XEM XÉT CHƯA RÕ XÃ CƯ TRÚ");
	else
		snprintf(title, sizeof(title),
			 "NGƯỜI CHƯA CÓ THẺ BHYT VÀ NGƯỜI CẦN XEM XÉT: %s (%s)",
			 cname && cname[0] ? cname : "xã", code);
	w->title = title;
	w->sub = nu ? "Danh sách vận động tham gia BHYT, theo hộ gia đình; "
		      "các trường hợp cán bộ xã cần kiểm tra, quyết định"
		    : "Các trường hợp cán bộ xã cần kiểm tra, quyết định";
	w->part = 1;
	w->sect = nu ? C_UNI : C_NONE;
	commune_part(w);
	if (!w->ws)
		return;
	if (nu)
		uni_rows(w, u, nu);
	if (nr)
		rev_rows(w, r, nr, !nu);
}

/* Cell col of row i of a list: ht_ranks' view of it. */
struct cell_of {
	const struct orow *rows;
	int col;
};

static const char *cell_str(const void *ctx, size_t i)
{
	const struct cell_of *c = ctx;

	return orow_cell(&c->rows[i], c->col);
}

/*
 * Pointers to the rows of list l, sorted by cell cols[0], then cols[1],
 * ... (strcmp order, an empty cell after every other), then their order
 * in the list: stable radix passes over the ranks of each cell, the
 * last one first.
 */
static const struct orow **list_rows(const struct tw *w, enum list l,
				     const int *cols, int ncols)
{
	const struct outlist *ol = &w->o->lists[l];
	const struct orow **v = xcalloc(ol->n ? ol->n : 1, sizeof(*v));
	uint32_t *rank = xmalloc(sizeof(*rank) * (ol->n + 1));
	struct kv *kv = xmalloc(sizeof(*kv) * (ol->n + 1));
	size_t j;
	int k;

	for (j = 0; j < ol->n; j++)
		kv[j] = (struct kv){ 0, (uint32_t)j };
	for (k = ncols - 1; k >= 0; k--) {
		struct cell_of c = { ol->rows, cols[k] };

		ht_ranks(cell_str, &c, ol->n, rank);
		for (j = 0; j < ol->n; j++) {
			uint32_t i = kv[j].val;

			kv[j].key = cell_str(&c, i)[0] ? rank[i] : UINT32_MAX;
		}
		sort_kv(kv, ol->n);
	}
	for (j = 0; j < ol->n; j++)
		v[j] = &ol->rows[kv[j].val];
	free(kv);
	free(rank);
	return v;
}

/* A sheet per commune with uninsured people or review rows, in code order. */
static void commune_sheets(struct tw *w)
{
	size_t nu = w->o->lists[L_UNINSURED].n, nr = w->o->lists[L_REVIEW].n;
	/* uninsured: by commune, household; review: by commune */
	static const int ucols[2] = { 4, 5 }, rcols[1] = { 8 };
	const struct orow **u = list_rows(w, L_UNINSURED, ucols, 2),
			  **r = list_rows(w, L_REVIEW, rcols, 1);
	size_t i = 0, j = 0, ki, kj;

	while ((i < nu || j < nr) && !xo_error(w->wb)) {
		const char *code;

		if (j >= nr || (i < nu && commune_cmp(orow_cell(u[i], 4),
						      orow_cell(r[j], 8)) <= 0))
			code = orow_cell(u[i], 4);
		else
			code = orow_cell(r[j], 8);
		for (ki = i; ki < nu && !strcmp(orow_cell(u[ki], 4), code);
		     ki++)
			;
		for (kj = j; kj < nr && !strcmp(orow_cell(r[kj], 8), code);
		     kj++)
			;
		commune_sheet(w, code, u + i, ki - i, r + j, kj - j);
		i = ki;
		j = kj;
	}
	free(u);
	free(r);
}

/* ---- the file ----------------------------------------------------------- */

/* tonghop_write, the plan handed over through gate when made. */
static int tonghop_gated(const struct outputs *o, const struct batch *b,
			 struct plan_gate *gate, const char *dir,
			 struct etl_err *err)
{
	struct lists_book lb;
	struct budget bu = { o, b, gate, NULL, 0 };
	struct tw *w;
	pthread_t tid;
	char title[96];
	const char *big = NULL; /* a sheet past the row limit */
	int rc, threaded;

	if (b->period_start.prec != DATE_DAY)
		return etl_errf(
			err, "summary workbook: the period has no start date");
	snprintf(title, sizeof(title), "Tổng hợp BHYT năm %d", b->period);
	if (lists_book_open(&lb, dir, TONGHOP_FILE, title, &b->period_start,
			    err) < 0)
		return -1;
	w = xcalloc(1, sizeof(*w));
	w->o = o;
	w->b = b;
	w->wb = lb.wb;
	make_formats(w->wb, &w->f);
	/* the sheets in the order they can be written, each put in its
	   place: the communes' while a thread finds the budget holders,
	   the coverage before them, the request to buy first of all */
	threaded = etl_threads() > 1 &&
		   pthread_create(&tid, NULL, holders_main, &bu) == 0;
	if (!threaded)
		holders_main(&bu);
	commune_sheets(w);
	if (!xo_error(w->wb)) {
		cov_sheet(w);
		if (w->row > lists_sheet_rows())
			big = "Độ bao phủ";
	}
	if (threaded)
		pthread_join(tid, NULL);
	if (!big && !xo_error(w->wb)) {
		buy_sheet(w, &bu);
		if (w->row + 1 > lists_sheet_rows())
			big = "Đề nghị mua thẻ";
	}
	if (big) {
		rc = etl_errf(err,
			      "'%s': the sheet '%s' would pass the %d rows a "
			      "sheet holds: not written",
			      lb.path.buf, big, lists_sheet_rows());
		lists_book_abort(&lb);
	} else {
		rc = lists_book_close(&lb, err);
	}
	free(bu.v);
	free(w);
	return rc;
}

/* ---- every workbook at once --------------------------------------------- */

int tonghop_write(const struct outputs *o, const struct batch *b,
		  const struct lists_plan *t, const char *dir,
		  struct etl_err *err)
{
	struct plan_gate gate = { PTHREAD_MUTEX_INITIALIZER,
				  PTHREAD_COND_INITIALIZER, t };

	return tonghop_gated(o, b, &gate, dir, err);
}

struct th_job {
	const struct outputs *o;
	const struct batch *b;
	struct plan_gate gate;
	const char *dir;
	int rc;
	struct etl_err err;
};

static void *th_main(void *arg)
{
	struct th_job *j = arg;

	j->rc = tonghop_gated(j->o, j->b, &j->gate, j->dir, &j->err);
	return NULL;
}

int workbooks_write(const struct outputs *o, const struct batch *b,
		    const char *dir, struct etl_err *err)
{
	struct th_job j = {
		o,
		b,
		{ PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, NULL },
		dir,
		0,
		{ "" }
	};
	struct lists_plan *t;
	pthread_t tid;
	int threaded, rc;

	/* the summary starts at once: its commune sheets need no plan */
	threaded = etl_threads() > 1 &&
		   pthread_create(&tid, NULL, th_main, &j) == 0;
	t = lists_plan_new(o, b);
	gate_open(&j.gate, t);
	rc = lists_write_plan(b, t, dir, err);
	if (threaded)
		pthread_join(tid, NULL);
	else
		th_main(&j);
	lists_plan_free(t);
	if (!rc && j.rc < 0) {
		*err = j.err;
		rc = -1;
	}
	return rc;
}
