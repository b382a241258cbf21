/*
 * lists.c: the lists people file (lists.h): the rows of increase,
 * decrease and change sorted into filing units, forms and groups, then
 * one workbook per unit streamed through xlsxout.h by a few threads,
 * each renamed into place.
 */
#include "lists.h"
#include "hashtab.h"
#include "money.h"
#include "outdir.h"
#include "tonghop.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Most threads writing workbooks at once (each holds one workbook). */
#define LIST_THREADS 3

/* The lists the workbooks read (renew: only for the household tiers). */
enum { W_INC, W_DEC, W_CHG, W_REN, NW };
static const enum list wlist[NW] = { L_INCREASE, L_DECREASE, L_CHANGE,
				     L_RENEW };

/* Forms, in the order of a workbook's sheets. */
enum form { F_D02, F_D03, F_ADJ };
/* What a row is on its list. */
enum lkind { K_TM, K_GH, K_ADJ };

/* A row of a list as it is filed: its unit, form, group and kind. */
struct entry {
	const struct orow *r;
	const char *unit; /* unit key: a code, LISTS_BHXH or LISTS_UNKNOWN */
	uint32_t seq; /* order in its list (commune, person key) */
	uint8_t wl, kind, form;
	uint8_t tier; /* a GD card's household tier (spec §9), 1.. */
	char group[4];
};

/* Where a list keeps each field: cell index, -1 if absent. */
struct cols {
	int pid, bhxh, card, name, dob, sex, commune, group, old_group, level,
		hospital, from, to, changed, reason, unit, old_unit, kept,
		household, wage, months, old[6];
};

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

static void find_cols(struct cols x[NW])
{
	static const char *const old[6] = {
		"old_full_name",     "old_dob",		  "old_sex",
		"old_benefit_level", "old_hospital_code", "old_commune_code"
	};
	int wl, k;

	for (wl = 0; wl < NW; wl++) {
		enum list l = wlist[wl];

		x[wl].pid = col_of(l, "person_id");
		x[wl].bhxh = col_of(l, "bhxh_code");
		x[wl].card = col_of(l, "card_code");
		x[wl].name = col_of(l, "full_name");
		x[wl].dob = col_of(l, "dob");
		x[wl].sex = col_of(l, "sex");
		x[wl].commune = col_of(l, "commune_code");
		x[wl].group = col_of(l, "group_code");
		x[wl].old_group = col_of(l, "old_group_code");
		x[wl].level = col_of(l, "benefit_level");
		x[wl].hospital = col_of(l, "hospital_code");
		x[wl].from = col_of(l, "effective_from");
		x[wl].to = col_of(l, "effective_to");
		x[wl].changed = col_of(l, "changed_fields");
		x[wl].reason = col_of(l, "reason");
		x[wl].unit = col_of(l, "unit_code");
		x[wl].old_unit = col_of(l, "old_unit_code");
		x[wl].kept = col_of(l, "kept_card_code");
		x[wl].household = col_of(l, "household_code");
		x[wl].wage = col_of(l, "wage");
		x[wl].months = col_of(l, "months");
		for (k = 0; k < 6; k++)
			x[wl].old[k] = col_of(l, old[k]);
	}
}

/*
 * The cells of the row a thread last asked about: a row's cells are
 * asked for many times in a row, and finding cell i walks i cells.
 * Rows do not change while the workbooks are written (lists_write and
 * lists_each_holder forget the row on entry: rows of an earlier run may
 * have lived at the same address).
 */
static _Thread_local struct {
	const struct orow *r;
	const char *text;
	const char *at[LIST_MAX_COLS];
	int known; /* at[0..known) are found */
} seen;

static void cells_forget(void)
{
	seen.r = NULL;
}

static const char *cell(const struct orow *r, int col)
{
	if (col < 0)
		return "";
	if (r != seen.r || r->text != seen.text) {
		seen.r = r;
		seen.text = r->text;
		seen.at[0] = r->text;
		seen.known = 1;
	}
	while (seen.known <= col) {
		const char *p = seen.at[seen.known - 1];

		seen.at[seen.known++] = p + strlen(p) + 1;
	}
	return seen.at[col];
}

/* ---- which unit files a row ------------------------------------------- */

/* The group of a code, or NULL. */
static const struct group *group_of(const struct ref *ref, const char *code)
{
	unsigned g = ref_group(ref, code);

	return g == GROUP_NONE ? NULL : &ref->groups[g];
}

/* Is code a unit of the kind in the units file? */
static int unit_kind(const struct ref *ref, const char *code, const char *kind)
{
	const struct unit *u = ref_unit(ref, code);

	return u && !strcmp(u->kind, kind);
}

/*
 * The unit that files a row of group code, residence commune and unit
 * code (lists.h); card: the unit that filed the card (a decrease), or "".
 */
static const char *unit_of(const struct ref *ref, const char *code,
			   const char *commune, const char *unit,
			   const char *card)
{
	const struct group *g = group_of(ref, code);
	const char *home = commune[0] ? commune : LISTS_UNKNOWN;

	if (card[0])
		return card;
	if (!g)
		return LISTS_UNKNOWN;
	if (!strcmp(code, "HS") || !strcmp(code, "SV"))
		return unit[0] ? unit : home;
	if (g->residence_based) {
		if (!strcmp(code, "GD") && unit_kind(ref, unit, "agent"))
			return unit;
		return home;
	}
	if (g->funding == 1)
		return unit[0] ? unit : LISTS_UNKNOWN;
	if (g->funding == 2)
		return LISTS_BHXH;
	return unit[0] ? unit : home;
}

static enum form form_of(const struct ref *ref, const char *code)
{
	const struct group *g = group_of(ref, code);

	return g && g->funding == 1 ? F_D02 : F_D03;
}

static void add(struct entry **v, size_t *n, size_t *cap, const struct orow *r,
		int wl, enum lkind k, const char *group, const char *unit,
		enum form f)
{
	struct entry *e;

	GROW(*v, *cap, *n + 1);
	e = &(*v)[(*n)++];
	e->r = r;
	e->unit = unit;
	e->seq = (uint32_t)(*n);
	e->wl = (uint8_t)wl;
	e->kind = (uint8_t)k;
	e->form = (uint8_t)f;
	e->tier = 1;
	snprintf(e->group, sizeof(e->group), "%s", group);
}

static const char *entry_unit(const void *ctx, size_t i)
{
	return ((const struct entry *)ctx)[i].unit;
}

/* A group code (at most 3 bytes) as a number in strcmp order. */
static uint64_t group_num(const char *g)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 3; i++)
		v = v << 8 | (uint8_t)(g[0] ? *g++ : 0);
	return v;
}

/*
 * Sort v[0..n) by unit, form, group, TĂNG before GIẢM, then the order
 * they were added: two stable radix passes, the minor keys first.
 */
static void sort_entries(struct entry *v, size_t n)
{
	uint32_t *rank = xmalloc(sizeof(*rank) * (n + 1));
	struct kv *kv = xmalloc(sizeof(*kv) * (n + 1));
	size_t i;

	ht_ranks(entry_unit, v, n, rank);
	for (i = 0; i < n; i++)
		kv[i] = (struct kv){ group_num(v[i].group) << 1 |
					     (v[i].kind == K_GH),
				     (uint32_t)i };
	sort_kv(kv, n);
	for (i = 0; i < n; i++)
		kv[i].key = (uint64_t)rank[kv[i].val] << 8 | v[kv[i].val].form;
	free(rank);
	sort_kv(kv, n);
	permute_kv(v, sizeof(*v), kv, n);
	free(kv);
}

/* Every filed row of o, sorted by unit, form, group, TĂNG before GIẢM. */
static size_t gather(const struct outputs *o, const struct ref *ref,
		     const struct cols x[NW], struct entry **out)
{
	struct entry *v;
	size_t n = 0, cap = 1, i;
	int wl;

	/* room for every row at once (a group change files two): no
	   doubling's spare room on a province's millions of rows */
	for (wl = 0; wl < W_REN; wl++)
		cap += o->lists[wlist[wl]].n * (wlist[wl] == L_CHANGE ? 2 : 1);
	v = xmalloc(sizeof(*v) * cap);
	for (wl = 0; wl < W_REN; wl++) {
		const struct outlist *ol = &o->lists[wlist[wl]];
		const struct cols *c = &x[wl];

		for (i = 0; i < ol->n; i++) {
			const struct orow *r = &ol->rows[i];
			const char *grp = cell(r, c->group),
				   *com = cell(r, c->commune),
				   *unit = cell(r, c->unit);

			if (wl == W_INC) {
				add(&v, &n, &cap, r, wl, K_TM, grp,
				    unit_of(ref, grp, com, unit, ""),
				    form_of(ref, grp));
			} else if (wl == W_DEC) {
				add(&v, &n, &cap, r, wl, K_GH, grp,
				    unit_of(ref, grp, com, unit, unit),
				    form_of(ref, grp));
			} else if (r->reason == R_GROUP_CHANGED) {
				const char *og = cell(r, c->old_group),
					   *ou = cell(r, c->old_unit);

				add(&v, &n, &cap, r, wl, K_GH, og,
				    unit_of(ref, og, com, ou, ou),
				    form_of(ref, og));
				add(&v, &n, &cap, r, wl, K_TM, grp,
				    unit_of(ref, grp, com, unit, ""),
				    form_of(ref, grp));
			} else {
				add(&v, &n, &cap, r, wl, K_ADJ, "",
				    unit_of(ref, grp, com, unit, ""), F_ADJ);
			}
		}
	}
	sort_entries(v, n);
	*out = v;
	return n;
}

/* ---- household tiers (spec §9) ---------------------------------------- */

/* A GD card holder of the period: a new, changed or renewed GD card. */
struct holder {
	const char *household;
	uint32_t wl, row; /* its list (W_*) and row there */
	struct household_member m;
};

/*
 * The GD holders with a household among rows [from, to) of list wl into
 * *v (their m.ix set by the caller).
 */
static void add_holders(const struct outputs *o, const struct cols *x, int wl,
			size_t from, size_t to, struct holder **v, size_t *n,
			size_t *cap)
{
	const struct outlist *ol = &o->lists[wlist[wl]];
	size_t i;

	for (i = from; i < to; i++) {
		const struct orow *r = &ol->rows[i];
		const char *hh, *dob, *g = cell(r, x->group);
		struct holder *h;
		unsigned flags = 0;

		if (g[0] != 'G' || g[1] != 'D' || g[2])
			continue;
		hh = cell(r, x->household);
		if (!hh[0])
			continue;
		dob = cell(r, x->dob);
		GROW(*v, *cap, *n + 1);
		h = &(*v)[(*n)++];
		memset(h, 0, sizeof(*h));
		h->household = hh;
		h->wl = (uint32_t)wl;
		h->row = (uint32_t)i;
		if (norm_date(dob, strlen(dob), &h->m.dob, &flags) != NORM_OK)
			memset(&h->m.dob, 0, sizeof(h->m.dob));
		h->m.key =
			cell(r, x->pid)[0] ? cell(r, x->pid) : cell(r, x->bhxh);
	}
}

/*
 * Work split in two halves of rows [0, n), the second on a thread of its
 * own when there are cores for it: fn(ctx, half, from, to), half 0 or 1.
 * The halves' results are the caller's to join, first half first, so
 * the result is the same one thread or two.
 */
struct halves {
	void (*fn)(void *ctx, int half, size_t from, size_t to);
	void *ctx;
	size_t n;
};

static void *second_half(void *arg)
{
	const struct halves *h = arg;

	cells_forget(); /* a thread of its own: its own cell cache */
	h->fn(h->ctx, 1, h->n / 2, h->n);
	return NULL;
}

static void in_halves(void (*fn)(void *, int, size_t, size_t), void *ctx,
		      size_t n)
{
	struct halves h = { fn, ctx, n };
	pthread_t tid;
	int threaded = etl_threads() > 1 && n > 65536 &&
		       pthread_create(&tid, NULL, second_half, &h) == 0;

	fn(ctx, 0, 0, n / 2);
	if (threaded)
		pthread_join(tid, NULL);
	else
		second_half(&h);
}

/* The GD holders of the renew list, by halves (in_halves). */
struct ren_holders {
	const struct outputs *o;
	const struct cols *x;
	struct holder *v[2];
	size_t n[2], cap[2];
};

static void ren_half(void *ctx, int half, size_t from, size_t to)
{
	struct ren_holders *rh = ctx;

	add_holders(rh->o, rh->x, W_REN, from, to, &rh->v[half], &rh->n[half],
		    &rh->cap[half]);
}

/*
 * The tiers of the members of one household: the holders kv[0..n) whose
 * household is that of the first not yet done (done[] marks them; the
 * rest of the run only shares a hash).
 */
static void household_tiers(struct holder *v, const struct kv *kv, size_t n,
			    uint8_t *done, struct household_member **m,
			    size_t *mcap, uint8_t *tier[NW])
{
	size_t first, i, k;

	for (first = 0; first < n; first++) {
		const char *hh;

		if (done[first])
			continue;
		hh = v[kv[first].val].household;
		for (i = first, k = 0; i < n; i++)
			if (!done[i] && !strcmp(v[kv[i].val].household, hh)) {
				done[i] = 1;
				GROW(*m, *mcap, k + 1);
				(*m)[k++] = v[kv[i].val].m;
			}
		money_household_tiers(*m, k);
		for (i = 0; i < k; i++) {
			const struct holder *h = &v[(*m)[i].ix - 1];
			int t = (*m)[i].tier;

			tier[h->wl][h->row] = (uint8_t)(t > 255 ? 255 : t);
		}
	}
}

struct lists_plan {
	uint8_t *tier[NW]; /* per row of W_INC, W_CHG, W_REN; 0: none */
	struct entry *e; /* every filed row (gather), tiers set */
	size_t n;
};

/* The tier of row r of list wl (W_*), 1 when it has none. */
static uint8_t tier_of(const struct lists_plan *t, const struct outputs *o,
		       int wl, const struct orow *r)
{
	uint8_t v;

	if (!t->tier[wl])
		return 1;
	v = t->tier[wl][r - o->lists[wlist[wl]].rows];
	return v ? v : 1;
}

/* Each new GD card's tier in its household (lists_plan_new). */
static void set_tiers(const struct outputs *o, const struct lists_plan *t,
		      struct entry *e, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (e[i].kind == K_TM && !strcmp(e[i].group, "GD"))
			e[i].tier = tier_of(t, o, e[i].wl, e[i].r);
}

struct lists_plan *lists_plan_new(const struct outputs *o,
				  const struct batch *b)
{
	static const int lists[3] = { W_INC, W_CHG, W_REN };
	struct lists_plan *t = xcalloc(1, sizeof(*t));
	struct ren_holders rh;
	struct holder *v = NULL, *all;
	struct household_member *m = NULL;
	struct cols x[NW];
	uint8_t *done;
	struct kv *kv;
	size_t nv = 0, cap = 0, i, k, mcap = 0;

	cells_forget();
	find_cols(x);
	for (i = 0; i < 3; i++)
		t->tier[lists[i]] = xcalloc(o->lists[wlist[lists[i]]].n + 1, 1);
	add_holders(o, &x[W_INC], W_INC, 0, o->lists[L_INCREASE].n, &v, &nv,
		    &cap);
	add_holders(o, &x[W_CHG], W_CHG, 0, o->lists[L_CHANGE].n, &v, &nv,
		    &cap);
	/* the renewals, most of the rows, by halves on two threads */
	memset(&rh, 0, sizeof(rh));
	rh.o = o;
	rh.x = &x[W_REN];
	in_halves(ren_half, &rh, o->lists[L_RENEW].n);
	/* the others, then the halves in order, in the first half's block
	   grown in place: the renewals' holders are not held twice */
	all = xrealloc(rh.v[0], sizeof(*all) * (nv + rh.n[0] + rh.n[1] + 1));
	memmove(all + nv, all, sizeof(*all) * rh.n[0]);
	if (nv)
		memcpy(all, v, sizeof(*all) * nv);
	if (rh.n[1])
		memcpy(all + nv + rh.n[0], rh.v[1], sizeof(*all) * rh.n[1]);
	free(rh.v[1]);
	free(v);
	v = all;
	nv += rh.n[0] + rh.n[1];
	for (i = 0; i < nv; i++)
		v[i].m.ix = (uint32_t)(i + 1); /* the order added */
	kv = xmalloc(sizeof(*kv) * (nv + 1));
	done = xcalloc(nv + 1, 1);
	for (i = 0; i < nv; i++)
		kv[i] = (struct kv){ ht_hash(v[i].household,
					     strlen(v[i].household)),
				     (uint32_t)i };
	sort_kv(kv, nv); /* stable: a household's members keep their order */
	for (i = 0; i < nv; i = k) {
		for (k = i + 1; k < nv && kv[k].key == kv[i].key; k++)
			;
		household_tiers(v, kv + i, k - i, done + i, &m, &mcap, t->tier);
	}
	free(done);
	free(kv);
	free(m);
	free(v);
	t->n = gather(o, b->ref, x, &t->e);
	set_tiers(o, t, t->e, t->n);
	return t;
}

void lists_plan_free(struct lists_plan *t)
{
	int i;

	if (!t)
		return;
	for (i = 0; i < NW; i++)
		free(t->tier[i]);
	free(t->e);
	free(t);
}

/* ---- a workbook ------------------------------------------------------- */

struct fmts {
	xo_fmt left, lbold, motto, form, title, sub, head, colno, sect, text,
		textc, wrap, date, num, money, total, total_n, sign, sign_i;
};

struct wr {
	struct xo_book *wb;
	struct xo_sheet *ws; /* the sheet being written */
	struct fmts f;
	const struct batch *b;
	const struct cols *x;
	const char *unit; /* the unit key */
	const struct unit *u; /* its row of the units file, or NULL */
	int row;
	/* the sheet being written: its form, group (D03-TS), first part's
	   name, part (1, 2, ...), the first row under this part's header
	   block, and the label of the section being written (repeated
	   "(tiếp theo)" atop a new part), or NULL */
	const struct lsheet *ls;
	const struct group *grp;
	char base[64];
	int part, body;
	const char *sect;
	int pid_as_bhxh; /* the list is dated 2025-08-01 or later */
	/* the money of the section being written (D03-TS), and whether any
	   row of it has money */
	struct money_share sum;
	int has_money;
	char uname[256], ucode[64], date_line[96], period[96];
	/* the last commune a row named, and its name: rows come by commune */
	char com[COMMUNE_CODE_MAX + 1];
	const char *cname;
};

/* ---- the row limit (lists.h) ------------------------------------------ */

static int sheet_rows = LISTS_SHEET_ROWS;

void lists_test_sheet_rows(int n)
{
	if (n <= 0 || n > LISTS_SHEET_ROWS)
		n = LISTS_SHEET_ROWS;
	sheet_rows = n < LISTS_MIN_SHEET_ROWS ? LISTS_MIN_SHEET_ROWS : n;
}

int lists_sheet_rows(void)
{
	return sheet_rows;
}

void lists_part_name(const char *base, int k, char *out, size_t n)
{
	char suffix[16] = "";
	size_t i = 0, chars = 0, room;

	if (k > 1)
		snprintf(suffix, sizeof(suffix), " (%d)", k);
	room = 31 - strlen(suffix);
	for (; base[i] && i + strlen(suffix) + 1 < n; i++) {
		if (((unsigned char)base[i] & 0xC0) != 0x80 && ++chars > room)
			break;
		out[i] = base[i];
	}
	while (i > 0 && ((unsigned char)base[i] & 0xC0) == 0x80)
		i--; /* cut by n within a character */
	while (k > 1 && i > 0 && out[i - 1] == ' ')
		i--;
	snprintf(out + i, n - i, "%s", suffix);
}

static int digits(const char *s, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* The number the n digits at s write (checked digits). */
static int num_of(const char *s, int n)
{
	int v = 0;

	while (n--)
		v = v * 10 + (*s++ - '0');
	return v;
}

/*
 * An ISO date (yyyy-mm-dd, yyyy-mm, yyyy): a full date is a date cell
 * shown dd/mm/yyyy, a partial one the text "mm/yyyy" or "yyyy".
 */
static void put_date(struct wr *w, int r, int col, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	char buf[16];

	if (n == 10 && digits(s, 4) && s[4] == '-' && digits(s + 5, 2) &&
	    s[7] == '-' && digits(s + 8, 2)) {
		xo_date(w->ws, r, col, num_of(s, 4), num_of(s + 5, 2),
			num_of(s + 8, 2), w->f.date);
		return;
	}
	if (n == 7 && digits(s, 4) && s[4] == '-' && digits(s + 5, 2)) {
		snprintf(buf, sizeof(buf), "%.2s/%.4s", s + 5, s);
		s = buf;
	}
	xo_text(w->ws, r, col, s, w->f.textc);
}

/* "dd/mm/yyyy" (or "mm/yyyy", "yyyy") of an ISO date, for a note. */
static void date_vi(const char *s, char *out, size_t n)
{
	size_t len = strlen(s);

	if (len == 10)
		snprintf(out, n, "%.2s/%.2s/%.4s", s + 8, s + 5, s);
	else if (len == 7)
		snprintf(out, n, "%.2s/%.4s", s + 5, s);
	else
		snprintf(out, n, "%s", s);
}

xo_fmt lists_format(struct xo_book *wb, double size, unsigned flags,
		    enum xo_align align, const char *num)
{
	struct xo_style st = { 0 };

	st.size = size;
	st.bold = !!(flags & LF_BOLD);
	st.italic = !!(flags & LF_ITALIC);
	st.wrap = !!(flags & LF_WRAP);
	st.border = !!(flags & LF_BORDER);
	st.align = align;
	st.num = num;
	return xo_style(wb, &st);
}

static void make_formats(struct xo_book *wb, struct fmts *f)
{
	const unsigned B = LF_BOLD, I = LF_ITALIC, W = LF_WRAP, T = LF_BORDER;

	f->left = lists_format(wb, 11, 0, XO_LEFT, NULL);
	f->lbold = lists_format(wb, 11, B, XO_LEFT, NULL);
	f->motto = lists_format(wb, 11, B, XO_CENTER, NULL);
	f->form = lists_format(wb, 10, I | W, XO_CENTER, NULL);
	f->title = lists_format(wb, 14, B, XO_CENTER, NULL);
	f->sub = lists_format(wb, 11, I, XO_CENTER, NULL);
	f->head = lists_format(wb, 10, B | T | W, XO_CENTER, NULL);
	f->colno = lists_format(wb, 9, I | T, XO_CENTER, NULL);
	f->sect = lists_format(wb, 11, B | T, XO_LEFT, NULL);
	f->text = lists_format(wb, 10, T, XO_LEFT, NULL);
	f->textc = lists_format(wb, 10, T, XO_CENTER, NULL);
	f->wrap = lists_format(wb, 10, T | W, XO_LEFT, NULL);
	f->date = lists_format(wb, 10, T, XO_CENTER, "dd/mm/yyyy");
	f->num = f->textc;
	f->money = lists_format(wb, 10, T, XO_RIGHT, "#,##0");
	f->total = lists_format(wb, 11, B | T, XO_LEFT, NULL);
	f->total_n = lists_format(wb, 11, B | T, XO_CENTER, "#,##0");
	f->sign = f->motto;
	f->sign_i = f->sub;
}

/* ---- the forms -------------------------------------------------------- */

/* A column: its number on the form (A, B, 1, ...) and heading. */
struct column {
	const char *no, *head;
	double width;
};

/* D03-TS: the form's columns, then the extra ones (X_*). */
enum {
	D3_STT,
	D3_NAME,
	D3_BHXH,
	D3_PID,
	D3_DOB,
	D3_SEX,
	D3_ADDR,
	D3_HOSP,
	D3_RDATE,
	D3_RNO,
	D3_MONEY,
	D3_LOCAL,
	D3_OTHER,
	D3_FROM,
	D3_MONTHS,
	D3_AGENT,
	D3_NOTE,
	D3_CARD,
	D3_PLAN,
	D3_STATE,
	D3_LOCALSH,
	D3_PART,
	D3_NCOLS
};

static const struct column d03[D3_NCOLS] = {
	{ "A", "STT", 5 },
	{ "B", "Họ và tên", 22 },
	{ "1", "Mã số BHXH", 13 },
	{ "2", "Số CCCD/ĐDCN/hộ chiếu", 13 },
	{ "3", "Ngày, tháng, năm sinh", 11 },
	{ "4", "Giới tính", 6 },
	{ "5", "Địa chỉ", 16 },
	{ "6", "Nơi đăng ký KCB ban đầu", 9 },
	{ "7", "Ngày biên lai", 9 },
	{ "8", "Số biên lai", 8 },
	{ "9", "Số tiền", 11 },
	{ "10", "NSĐP hỗ trợ thêm", 10 },
	{ "11", "Hỗ trợ khác", 9 },
	{ "12", "Từ tháng", 8 },
	{ "13", "Số tháng", 6 },
	{ "14", "Mã số nhân viên thu", 8 },
	{ "15", "Ghi chú", 26 },
	{ "(16)", "Mã thẻ BHYT", 16 },
	{ "(17)", "Phương án", 7 },
	{ "(18)", "NSNN đóng, hỗ trợ", 11 },
	{ "(19)", "NSĐP đóng, hỗ trợ", 11 },
	{ "(20)", "Người tham gia đóng", 11 },
};

/* D02-LT (QĐ 1040): 27 columns, then the extra ones. */
#define D2_NCOLS 34
/* Its wage column (12), and the money of the extra columns (31-34). */
enum { D2_WAGE = 11, D2_MONTHS = 30, D2_MONEY, D2_EMPLOYER, D2_WORKER };
static const struct column d02[D2_NCOLS] = {
	{ "1", "STT", 5 },
	{ "2", "Họ và tên", 22 },
	{ "3", "Mã số BHXH", 13 },
	{ "4", "Ngày tháng năm sinh", 11 },
	{ "5", "Giới tính", 6 },
	{ "6", "Số CCCD/ CMND/ Hộ chiếu", 13 },
	{ "7", "Cấp bậc, chức vụ, chức danh nghề, nơi làm việc", 12 },
	{ "8", "Vị trí việc làm: Nhà quản lý", 6 },
	{ "9", "Vị trí việc làm: Chuyên môn kỹ thuật bậc cao", 6 },
	{ "10", "Vị trí việc làm: Chuyên môn kỹ thuật bậc trung", 6 },
	{ "11", "Vị trí việc làm: Khác", 6 },
	{ "12", "Tiền lương: Hệ số/ Mức lương", 10 },
	{ "13", "Phụ cấp: Chức vụ", 7 },
	{ "14", "Phụ cấp: Thâm niên VK (%)", 7 },
	{ "15", "Phụ cấp: Thâm niên nghề (%)", 7 },
	{ "16", "Phụ cấp: Phụ cấp lương", 7 },
	{ "17", "Phụ cấp: Các khoản bổ sung", 7 },
	{ "18", "Ngành/nghề nặng nhọc, độc hại: Ngày bắt đầu", 8 },
	{ "19", "Ngành/nghề nặng nhọc, độc hại: Ngày kết thúc", 8 },
	{ "20", "Ngày bắt đầu HĐLĐ Không xác định thời hạn", 8 },
	{ "21", "HĐLĐ Xác định thời hạn: Ngày bắt đầu", 8 },
	{ "22", "HĐLĐ Xác định thời hạn: Ngày kết thúc", 8 },
	{ "23", "HĐLĐ Khác (Dưới 1 tháng, thử việc): Ngày bắt đầu", 8 },
	{ "24", "HĐLĐ Khác (Dưới 1 tháng, thử việc): Ngày kết thúc", 8 },
	{ "25", "Thời điểm đơn vị bắt đầu đóng BHXH", 9 },
	{ "26", "Thời điểm đơn vị kết thúc đóng BHXH", 9 },
	{ "27", "Ghi chú", 24 },
	{ "(28)", "Mã thẻ BHYT", 16 },
	{ "(29)", "Mã đối tượng", 7 },
	{ "(30)", "Phương án", 7 },
	{ "(31)", "Số tháng", 6 },
	{ "(32)", "Số tiền đóng BHYT", 11 },
	{ "(33)", "Đơn vị đóng", 11 },
	{ "(34)", "Người lao động đóng", 11 },
};

/* Corrections: who, then the card's and the new value of each field. */
#define ADJ_NCOLS 19
static const struct column adj[ADJ_NCOLS] = {
	{ "1", "STT", 5 },
	{ "2", "Họ và tên", 22 },
	{ "3", "Mã số BHXH", 13 },
	{ "4", "Số CCCD/ĐDCN", 13 },
	{ "5", "Mã thẻ BHYT", 16 },
	{ "6", "Mã đối tượng", 7 },
	{ "7", "Họ và tên: cũ", 18 },
	{ "8", "Họ và tên: mới", 18 },
	{ "9", "Ngày sinh: cũ", 10 },
	{ "10", "Ngày sinh: mới", 10 },
	{ "11", "Giới tính: cũ", 6 },
	{ "12", "Giới tính: mới", 6 },
	{ "13", "Mức hưởng: cũ", 6 },
	{ "14", "Mức hưởng: mới", 6 },
	{ "15", "Nơi ĐK KCB: cũ", 8 },
	{ "16", "Nơi ĐK KCB: mới", 8 },
	{ "17", "Xã cư trú: cũ", 8 },
	{ "18", "Xã cư trú: mới", 8 },
	{ "19", "Ghi chú", 20 },
};

/* A sheet being written: its form's columns and layout. */
struct lsheet {
	enum form form;
	const struct column *cols;
	int ncols;
	int name_col, note_col; /* where labels and the right block go */
	const char *form_name, *issued, *title;
};

/* Rows of the header block; the column headings are its last two. */
#define HEAD_ROW 10

void lists_page(struct xo_page *p, int head0, int head1)
{
	memset(p, 0, sizeof(*p));
	p->landscape = 1;
	p->paper = 9;
	p->left = p->right = 0.3;
	p->top = 0.5;
	p->bottom = 0.6;
	p->center_h = 1;
	p->fit_width = 1;
	p->repeat_r0 = head0;
	p->repeat_r1 = head1;
	p->freeze_rows = head1 + 1;
	p->footer = "&CTrang &P/&N";
}

static const char *funding_vi(int funding)
{
	switch (funding) {
	case 1:
		return "Người sử dụng lao động và người lao động đóng";
	case 2:
		return "Quỹ BHXH đóng";
	case 3:
		return "Ngân sách nhà nước đóng";
	case 4:
		return "Ngân sách nhà nước hỗ trợ một phần, người tham gia "
		       "đóng phần còn lại";
	case 5:
		return "Người tham gia (hộ gia đình) đóng";
	}
	return "……";
}

/* Whole đồng with '.' between thousands: 2.340.000. */
static void dong(int64_t v, char *out, size_t n)
{
	char digits[32];
	size_t len, i, k = 0;

	snprintf(digits, sizeof(digits), "%lld", (long long)(v < 0 ? -v : v));
	len = strlen(digits);
	if (v < 0 && k + 1 < n)
		out[k++] = '-';
	for (i = 0; i < len && k + 2 < n; i++) {
		if (i && (len - i) % 3 == 0)
			out[k++] = '.';
		out[k++] = digits[i];
	}
	out[k] = '\0';
}

/* A rate in ppm as a percentage: 30%, 4,5%. */
static void pct(int64_t ppm, char *out, size_t n)
{
	if (ppm % 10000 == 0)
		snprintf(out, n, "%lld%%", (long long)(ppm / 10000));
	else
		snprintf(out, n, "%lld,%02lld%%", (long long)(ppm / 10000),
			 (long long)(ppm % 10000 / 100));
}

/*
 * The base salary and the state support rate of grp in force on the
 * period's start, and each change of them within the period (by month),
 * from the contributions table; dotted lines without one.
 */
static void money_line(const struct wr *w, const struct group *grp, char *out,
		       size_t n)
{
	const struct contrib *c = w->b->ref->contrib;
	struct date d = w->b->period_start;
	int64_t base, sup, b2, s2;
	char v[32], more[160] = "";
	int m;
	size_t len;

	if (!c || (base = contrib_base_salary(c, &d)) < 0) {
		snprintf(out, n,
			 "Lương cơ sở: ……… đồng; Tỷ lệ NSNN hỗ trợ "
			 "theo quy định: ……%%");
		return;
	}
	sup = grp->funding == 3 ? PPM_WHOLE
				: contrib_state_support(c, grp->code, &d);
	dong(base, v, sizeof(v));
	len = (size_t)snprintf(out, n, "Lương cơ sở: %s đồng", v);
	for (m = d.month + 1; m <= 12 && len < n; m++) {
		struct date on = date_make(d.year, m, 1);

		b2 = contrib_base_salary(c, &on);
		if (b2 >= 0 && b2 != base) {
			dong(b2, v, sizeof(v));
			len += (size_t)snprintf(out + len, n - len,
						" (từ 01/%02d/%04d: %s đồng)",
						m, d.year, v);
			base = b2;
		}
		s2 = grp->funding == 3
			     ? PPM_WHOLE
			     : contrib_state_support(c, grp->code, &on);
		if (s2 != sup && strlen(more) + 40 < sizeof(more)) {
			pct(s2, v, sizeof(v));
			snprintf(more + strlen(more),
				 sizeof(more) - strlen(more),
				 " (từ 01/%02d/%04d: %s)", m, d.year, v);
			sup = s2;
		}
	}
	sup = grp->funding == 3 ? PPM_WHOLE
				: contrib_state_support(c, grp->code,
							&w->b->period_start);
	pct(sup, v, sizeof(v));
	if (len < n)
		snprintf(out + len, n - len,
			 "; Tỷ lệ NSNN %s theo quy định: %s%s",
			 grp->funding == 3 ? "đóng" : "hỗ trợ", v, more);
}

/*
 * Lines a wrapped text takes in a column about per_line characters wide
 * (a streamed row's height is not fitted on opening).
 */
static int text_lines(const char *s, double per_line)
{
	size_t chars = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			chars++;
	return (int)((double)chars / per_line) + 1;
}

/* The heading row: tall enough for the longest heading in its column. */
static double head_height(const struct lsheet *s)
{
	int c, lines = 1;

	for (c = 0; c < s->ncols; c++) {
		int n = text_lines(s->cols[c].head, s->cols[c].width * 0.8);

		if (n > lines)
			lines = n;
	}
	return lines * 13.0 + 4 > 54 ? lines * 13.0 + 4 : 54;
}

/* The header block (rows 0 to HEAD_ROW + 1) of a sheet; grp: D03-TS. */
static void header(struct wr *w, const struct lsheet *s,
		   const struct group *grp)
{
	const struct unit *u = w->u;
	int r0 = s->note_col - 4 > s->name_col + 3 ? s->note_col - 4
						   : s->name_col + 3;
	int l1 = r0 - 1, c, last = s->ncols - 1;
	char line[512];

	const char *right[5] = { s->form_name, s->issued,
				 "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
				 "Độc lập - Tự do - Hạnh phúc", w->date_line };
	xo_fmt rf[5] = { w->f.motto, w->f.form, w->f.motto, w->f.motto,
			 w->f.sub };
	char left[5][320];
	int r;

	for (c = 0; c < s->ncols; c++)
		xo_width(w->ws, c, c, s->cols[c].width);
	snprintf(left[0], sizeof(left[0]), "%s: %s",
		 s->form == F_D02 ? "TÊN ĐƠN VỊ SỬ DỤNG LAO ĐỘNG"
				  : "Tên đơn vị",
		 w->uname);
	snprintf(left[1], sizeof(left[1]), "Mã đơn vị: %s; Mã số thuế: %s",
		 u && u->code[0] ? u->code : "……",
		 u && u->tax_code[0] ? u->tax_code : "……");
	snprintf(left[2], sizeof(left[2]), "Địa chỉ: %s",
		 u && u->address[0] ? u->address : "……");
	snprintf(left[3], sizeof(left[3]), "Điện thoại: %s; Email: %s",
		 u && u->phone[0] ? u->phone : "……",
		 u && u->email[0] ? u->email : "……");
	snprintf(left[4], sizeof(left[4]), "Số: ……/……");
	for (r = 0; r < 5; r++) {
		if (r == 1) /* rows are streamed: set before written */
			xo_height(w->ws, 1, 28);
		xo_merge(w->ws, r, 0, l1, left[r], r ? w->f.left : w->f.lbold);
		xo_merge(w->ws, r, r0, last, right[r], rf[r]);
	}
	xo_merge(w->ws, 5, 0, last, s->title, w->f.title);
	xo_merge(w->ws, 6, 0, last, w->period, w->f.sub);
	if (grp) {
		snprintf(line, sizeof(line),
			 "Đối tượng tham gia: %s; Mã đối tượng: %s",
			 grp->name_vi, grp->code);
		xo_merge(w->ws, 7, 0, last, line, w->f.left);
		snprintf(line, sizeof(line), "Nguồn đóng: %s",
			 funding_vi(grp->funding));
		xo_merge(w->ws, 8, 0, last, line, w->f.left);
		money_line(w, grp, line, sizeof(line));
		xo_merge(w->ws, 9, 0, last, line, w->f.left);
	}
	xo_height(w->ws, HEAD_ROW, head_height(s));
	for (c = 0; c < s->ncols; c++)
		xo_text(w->ws, HEAD_ROW, c, s->cols[c].head, w->f.head);
	for (c = 0; c < s->ncols; c++)
		xo_text(w->ws, HEAD_ROW + 1, c, s->cols[c].no, w->f.colno);
	w->row = HEAD_ROW + 2;
}

/* Part w->part of the sheet: its name, the header block. */
static void open_part(struct wr *w)
{
	struct xo_page page;
	char name[64];

	lists_part_name(w->base, w->part, name, sizeof(name));
	lists_page(&page, HEAD_ROW, HEAD_ROW + 1);
	w->ws = xo_sheet(w->wb, name, &page);
	if (w->ws)
		header(w, w->ls, w->grp);
	w->body = w->row;
}

/* Start the sheet name of form s (grp: D03-TS), its first part. */
static void open_sheet(struct wr *w, const char *name, const struct lsheet *s,
		       const struct group *grp)
{
	snprintf(w->base, sizeof(w->base), "%s", name);
	w->ls = s;
	w->grp = grp;
	w->part = 1;
	w->sect = NULL;
	open_part(w);
}

static void section(struct wr *w, const struct lsheet *s, const char *label)
{
	xo_merge(w->ws, w->row++, 0, s->ncols - 1, label, w->f.sect);
}

/* The rows of the signature block (signature()). */
#define SIGN_ROWS 4

/*
 * Make room for the next k rows, which go together: when they would pass
 * the row limit (lists_sheet_rows), the sheet goes on in a new part, its
 * first row the label of the section being written, "(tiếp theo)".  A
 * part holding nothing under its header block yet is never left: every
 * part has rows (k is at most what LISTS_MIN_SHEET_ROWS leaves room for).
 */
static void room(struct wr *w, int k)
{
	char label[96];

	if (!w->ws || w->row + k <= lists_sheet_rows() || w->row <= w->body)
		return;
	w->part++;
	open_part(w);
	if (w->ws && w->sect) {
		snprintf(label, sizeof(label), "%s (tiếp theo)", w->sect);
		section(w, w->ls, label);
		w->body = w->row;
	}
}

/* A Cộng row: the head count in the STT column, the label beside it. */
/* The money columns of D03-TS: amount, NSĐP, state, local, participant. */
static void put_money(struct wr *w, const struct money_share *m, xo_fmt f)
{
	xo_num(w->ws, w->row, D3_MONEY, (double)m->amount, f);
	xo_num(w->ws, w->row, D3_LOCAL, (double)m->local, f);
	xo_num(w->ws, w->row, D3_STATE,
	       (double)(m->state_pays + m->state_supports), f);
	xo_num(w->ws, w->row, D3_LOCALSH, (double)m->local, f);
	xo_num(w->ws, w->row, D3_PART, (double)m->participant, f);
}

static int money_col(int c)
{
	return c == D3_MONEY || c == D3_LOCAL || c == D3_STATE ||
	       c == D3_LOCALSH || c == D3_PART;
}

/* The money columns of D02-LT: amount, employer, worker. */
static void put_money2(struct wr *w, const struct money_share *m, xo_fmt f)
{
	xo_num(w->ws, w->row, D2_MONEY, (double)m->amount, f);
	xo_num(w->ws, w->row, D2_EMPLOYER, (double)m->employer, f);
	xo_num(w->ws, w->row, D2_WORKER, (double)m->worker, f);
}

static int money_col2(int c)
{
	return c == D2_MONEY || c == D2_EMPLOYER || c == D2_WORKER;
}

/*
 * A Cộng row: the head count in the STT column, the label beside it; m:
 * the money sums (a D03-TS or D02-LT section with money), or NULL.
 */
static void total_row(struct wr *w, const struct lsheet *s, const char *label,
		      long n, const struct money_share *m)
{
	int c;

	xo_num(w->ws, w->row, 0, (double)n, w->f.total_n);
	xo_text(w->ws, w->row, 1, label, w->f.total);
	for (c = 2; c < s->ncols; c++)
		if (!m || (s->form == F_D03 ? !money_col(c) : !money_col2(c)))
			xo_text(w->ws, w->row, c, NULL, w->f.total);
	if (m && s->form == F_D03)
		put_money(w, m, w->f.total_n);
	else if (m)
		put_money2(w, m, w->f.total_n);
	w->row++;
}

static void signature(struct wr *w, const struct lsheet *s)
{
	int r0 = s->note_col - 4 > s->name_col + 3 ? s->note_col - 4
						   : s->name_col + 3;
	int last = s->ncols - 1;

	w->row++;
	xo_merge(w->ws, w->row++, r0, last, w->date_line, w->f.sign_i);
	xo_merge(w->ws, w->row, 0, 2, "NGƯỜI LẬP BIỂU", w->f.sign);
	xo_merge(w->ws, w->row++, r0, last,
		 s->form == F_D02 ? "ĐẠI DIỆN ĐƠN VỊ SỬ DỤNG LAO ĐỘNG"
				  : "THỦ TRƯỞNG ĐƠN VỊ",
		 w->f.sign);
	xo_merge(w->ws, w->row, 0, 2, "(Ký, ghi rõ họ tên)", w->f.sign_i);
	xo_merge(w->ws, w->row++, r0, last, "(Ký, ghi rõ họ tên, đóng dấu)",
		 w->f.sign_i);
}

/* ---- person rows ------------------------------------------------------ */

static const char *sex_vi(const char *sex)
{
	if (!strcmp(sex, "M"))
		return "Nam";
	if (!strcmp(sex, "F"))
		return "Nữ";
	return sex;
}

static const char *group_name(const struct wr *w, const char *code)
{
	const struct group *g = group_of(w->b->ref, code);

	return g ? g->name_vi : "";
}

/* The plan code's note (lists.h, spec §6.1), in Vietnamese. */
static void note_of(const struct wr *w, const struct entry *e, char *out,
		    size_t n)
{
	const struct cols *x = &w->x[e->wl];
	const struct orow *r = e->r;
	enum reason why = (enum reason)r->reason;
	char d[16];

	if (e->wl == W_CHG && e->kind == K_TM) {
		snprintf(out, n, "Chuyển từ đối tượng %s (%s)",
			 cell(r, x->old_group),
			 group_name(w, cell(r, x->old_group)));
		return;
	}
	if (e->wl == W_CHG) {
		snprintf(out, n, "Chuyển sang đối tượng %s (%s)",
			 cell(r, x->group), group_name(w, cell(r, x->group)));
		return;
	}
	if (e->kind == K_TM) {
		snprintf(out, n, "%s",
			 why == R_NEWBORN ? "Tăng mới (trẻ sơ sinh)"
					  : "Tăng mới");
		return;
	}
	switch (why) {
	case R_DEATH:
		date_vi(cell(r, x->to), d, sizeof(d));
		snprintf(out, n, "Chết ngày %s", d);
		break;
	case R_MISSING:
		snprintf(out, n, "Mất tích");
		break;
	case R_MOVED_OUT:
		snprintf(out, n, "Chuyển đi");
		break;
	case R_AGED_OUT:
		snprintf(out, n, "Hết tuổi trẻ em dưới 6 tuổi");
		break;
	case R_AREA_NOT_ELIGIBLE:
		snprintf(out, n,
			 "Xã không còn thuộc vùng của đối tượng %s (%s)",
			 e->group, group_name(w, e->group));
		break;
	case R_DUPLICATE_CARD:
		snprintf(out, n, "Trùng thẻ, giữ thẻ %s", cell(r, x->kept));
		break;
	default:
		snprintf(out, n, "Không còn trong danh sách");
		break;
	}
}

static void row_height(struct wr *w, const char *name, double nw,
		       const char *note, double tw)
{
	int lines = text_lines(name, nw * 0.95);

	if (text_lines(note, tw * 1.15) > lines)
		lines = text_lines(note, tw * 1.15);
	if (lines > 1)
		xo_height(w->ws, w->row, 13.5 * lines + 1);
}

/* The name of commune com on the period's start, remembered for the
   rows of the same commune that follow. */
static const char *commune_name(struct wr *w, const char *com)
{
	if (!w->cname || strcmp(w->com, com)) {
		snprintf(w->com, sizeof(w->com), "%s", com);
		w->cname =
			ref_commune_name(w->b->ref, com, &w->b->period_start);
	}
	return w->cname;
}

/* The Mã số BHXH of a row: the personal ID from 2025-08-01 (§6.1). */
static const char *bhxh_of(const struct wr *w, const struct cols *x,
			   const struct orow *r)
{
	const char *pid = cell(r, x->pid), *bhxh = cell(r, x->bhxh);

	if (w->pid_as_bhxh && pid[0])
		return pid;
	return bhxh;
}

/*
 * "mm/yyyy" of the month a row takes effect: a new card's effective_from
 * (else the period's start), an ended card's the month after its last day.
 * months: the months left in the year from it (TM), else 0.
 */
static void month_of(const struct wr *w, const struct entry *e, char out[16],
		     int *months)
{
	const struct cols *x = &w->x[e->wl];
	const char *s = e->wl == W_INC ? cell(e->r, x->from) : "";
	struct date d = w->b->period_start;
	unsigned flags = 0;

	*months = 0;
	if (e->wl == W_DEC) {
		s = cell(e->r, x->to);
		if (norm_date(s, strlen(s), &d, &flags) == NORM_OK &&
		    d.prec == DATE_DAY)
			d = date_add_days(d, 1);
		else
			d = w->b->period_start;
	} else if (s[0] && (norm_date(s, strlen(s), &d, &flags) != NORM_OK ||
			    d.prec != DATE_DAY)) {
		d = w->b->period_start;
	}
	out[0] = (char)('0' + d.month / 10 % 10);
	out[1] = (char)('0' + d.month % 10);
	out[2] = '/';
	out[3] = (char)('0' + d.year / 1000 % 10);
	out[4] = (char)('0' + d.year / 100 % 10);
	out[5] = (char)('0' + d.year / 10 % 10);
	out[6] = (char)('0' + d.year % 10);
	out[7] = '\0';
	if (e->kind == K_TM)
		*months = 13 - d.month;
}

/* A whole number cell of a list ("" or unreadable: 0). */
static long long cell_num(const struct orow *r, int col)
{
	const char *s = cell(r, col);
	char *end;
	long long v = strtoll(s, &end, 10);

	return s[0] && !*end && v > 0 ? v : 0;
}

/*
 * The money of a new card (spec §9: money.h) from the month it takes
 * effect to December, at its household tier; a household card (class 5)
 * for the roster's months when it gives them, else 12; an employee's
 * (class 1) from the roster's wage.  0 when none is computed (a
 * decrease, no contributions table, the BHXH fund, an employee without a
 * wage, no rate in force).
 */
static int row_money_in(const struct wr *w, const struct entry *e,
			struct money_in *in)
{
	const struct ref *ref = w->b->ref;
	const char *from = e->wl == W_INC ? cell(e->r, w->x[e->wl].from) : "";
	unsigned flags = 0;

	memset(in, 0, sizeof(*in));
	in->group = ref_group(ref, e->group);
	if (e->kind != K_TM || in->group == GROUP_NONE || !ref->contrib)
		return 0;
	in->commune = e->r->commune; /* the commune_code cell's text */
	in->period = w->b->period;
	in->tier = e->tier;
	/* only these classes read them: the cells are far along the row */
	if (ref->groups[in->group].funding == 1)
		in->wage = cell_num(e->r, w->x[e->wl].wage);
	if (ref->groups[in->group].funding == 5)
		in->months = (int)cell_num(e->r, w->x[e->wl].months);
	if (!from[0] ||
	    norm_date(from, strlen(from), &in->from, &flags) != NORM_OK ||
	    in->from.prec != DATE_DAY)
		in->from = w->b->period_start;
	return 1;
}

static int row_money(const struct wr *w, const struct entry *e,
		     struct money_out *m)
{
	struct money_in in;

	return row_money_in(w, e, &in) &&
	       money_person(w->b->ref, w->b->ref->contrib, &in, m) == 0 &&
	       m->how == MONEY_COMPUTED;
}

static void d03_row(struct wr *w, const struct entry *e, long stt)
{
	const struct cols *x = &w->x[e->wl];
	const struct orow *r = e->r;
	const char *com = cell(r, x->commune), *cname;
	char note[256], month[16];
	struct money_out m;
	int months, c, paid;

	note_of(w, e, note, sizeof(note));
	month_of(w, e, month, &months);
	paid = row_money(w, e, &m);
	if (paid) {
		months = m.months;
		money_share_add(&w->sum, &m.total);
		w->has_money = 1;
	}
	cname = com[0] ? commune_name(w, com) : NULL;
	row_height(w, cell(r, x->name), d03[D3_NAME].width, note,
		   d03[D3_NOTE].width);
	xo_num(w->ws, w->row, D3_STT, (double)stt, w->f.num);
	xo_text(w->ws, w->row, D3_NAME, cell(r, x->name), w->f.wrap);
	xo_text(w->ws, w->row, D3_BHXH, bhxh_of(w, x, r), w->f.textc);
	xo_text(w->ws, w->row, D3_PID, cell(r, x->pid), w->f.textc);
	put_date(w, w->row, D3_DOB, cell(r, x->dob));
	xo_stext(w->ws, w->row, D3_SEX, sex_vi(cell(r, x->sex)), w->f.textc);
	xo_stext(w->ws, w->row, D3_ADDR, cname ? cname : com, w->f.wrap);
	xo_stext(w->ws, w->row, D3_HOSP, cell(r, x->hospital), w->f.textc);
	for (c = D3_RDATE; c <= D3_OTHER; c++)
		if (!paid || !money_col(c))
			xo_text(w->ws, w->row, c, NULL,
				c >= D3_MONEY ? w->f.money : w->f.textc);
	xo_stext(w->ws, w->row, D3_FROM, month, w->f.textc);
	if (months)
		xo_num(w->ws, w->row, D3_MONTHS, months, w->f.num);
	else
		xo_text(w->ws, w->row, D3_MONTHS, NULL, w->f.num);
	xo_text(w->ws, w->row, D3_AGENT, NULL, w->f.textc);
	xo_stext(w->ws, w->row, D3_NOTE, note, w->f.wrap);
	xo_text(w->ws, w->row, D3_CARD, cell(r, x->card), w->f.textc);
	xo_stext(w->ws, w->row, D3_PLAN, e->kind == K_TM ? "TM" : "GH",
		 w->f.textc);
	if (paid)
		put_money(w, &m.total, w->f.money);
	else
		for (c = D3_STATE; c <= D3_PART; c++)
			xo_text(w->ws, w->row, c, NULL, w->f.money);
	w->row++;
}

static void d02_row(struct wr *w, const struct entry *e, long stt)
{
	const struct cols *x = &w->x[e->wl];
	const struct orow *r = e->r;
	char note[256], month[16];
	struct money_out m;
	long long wage = cell_num(r, x->wage);
	int months, c, paid;

	note_of(w, e, note, sizeof(note));
	month_of(w, e, month, &months);
	paid = row_money(w, e, &m);
	if (paid) {
		money_share_add(&w->sum, &m.total);
		w->has_money = 1;
	}
	row_height(w, cell(r, x->name), d02[1].width, note, d02[26].width);
	xo_num(w->ws, w->row, 0, (double)stt, w->f.num);
	xo_text(w->ws, w->row, 1, cell(r, x->name), w->f.wrap);
	xo_text(w->ws, w->row, 2, bhxh_of(w, x, r), w->f.textc);
	put_date(w, w->row, 3, cell(r, x->dob));
	xo_stext(w->ws, w->row, 4, sex_vi(cell(r, x->sex)), w->f.textc);
	xo_text(w->ws, w->row, 5, cell(r, x->pid), w->f.textc);
	for (c = 6; c <= 23; c++) /* the employer's to fill, or the wage */
		if (c != D2_WAGE || !wage)
			xo_text(w->ws, w->row, c, NULL,
				c == D2_WAGE ? w->f.money : w->f.textc);
	if (wage)
		xo_num(w->ws, w->row, D2_WAGE, (double)wage, w->f.money);
	xo_stext(w->ws, w->row, 24, e->kind == K_TM ? month : NULL, w->f.textc);
	xo_stext(w->ws, w->row, 25, e->kind == K_GH ? month : NULL, w->f.textc);
	xo_stext(w->ws, w->row, 26, note, w->f.wrap);
	xo_text(w->ws, w->row, 27, cell(r, x->card), w->f.textc);
	xo_stext(w->ws, w->row, 28, e->group, w->f.textc);
	xo_stext(w->ws, w->row, 29, e->kind == K_TM ? "TM" : "GH", w->f.textc);
	if (paid) {
		xo_num(w->ws, w->row, D2_MONTHS, m.months, w->f.num);
		put_money2(w, &m.total, w->f.money);
	} else {
		for (c = D2_MONTHS; c <= D2_WORKER; c++)
			xo_text(w->ws, w->row, c, NULL,
				c == D2_MONTHS ? w->f.num : w->f.money);
	}
	w->row++;
}

/* A form sheet (D03-TS of one group, or D02-LT): entries e[0..n). */
static void form_sheet(struct wr *w, const struct entry *e, size_t n)
{
	static const struct lsheet s3 = {
		F_D03,
		d03,
		D3_NCOLS,
		D3_NAME,
		D3_NOTE,
		"Mẫu D03-TS",
		"(Ban hành kèm theo Quyết định số 595/QĐ-BHXH ngày "
		"14/4/2017 của BHXH Việt Nam, sửa đổi theo Quyết định số "
		"490/QĐ-BHXH ngày 28/3/2023)",
		"DANH SÁCH NGƯỜI CHỈ THAM GIA BHYT",
	};
	static const struct lsheet s2 = {
		F_D02,
		d02,
		D2_NCOLS,
		1,
		26,
		"Mẫu D02-LT",
		"(Ban hành kèm theo Quyết định số 1040/QĐ-BHXH ngày "
		"18/8/2020 của BHXH Việt Nam)",
		"BÁO CÁO TÌNH HÌNH SỬ DỤNG LAO ĐỘNG VÀ DANH SÁCH THAM GIA "
		"BHXH, BHYT, BHTN",
	};
	const struct lsheet *s = e->form == F_D02 ? &s2 : &s3;
	/* the footer: Cộng giảm, Tổng cộng, the signature block */
	const int foot = 2 + SIGN_ROWS;
	char name[32];
	long inc = 0, dec = 0;
	size_t i, ninc;

	if (e->form == F_D02)
		snprintf(name, sizeof(name), "D02-LT");
	else
		snprintf(name, sizeof(name), "D03-TS %s", e->group);
	open_sheet(w, name, s,
		   e->form == F_D03 ? group_of(w->b->ref, e->group) : NULL);
	if (!w->ws)
		return;
	memset(&w->sum, 0, sizeof(w->sum));
	w->has_money = 0;
	for (ninc = 0; ninc < n && e[ninc].kind == K_TM; ninc++)
		;
	/* each section's label with its first row (or its Cộng row), each
	   last row with its Cộng row (and the footer) */
	room(w, ninc ? 2 + (ninc == 1) : 2);
	section(w, s, "I. TĂNG");
	w->sect = "I. TĂNG";
	for (i = 0; i < ninc; i++) {
		if (i)
			room(w, 1 + (i + 1 == ninc));
		if (e->form == F_D02)
			d02_row(w, &e[i], ++inc);
		else
			d03_row(w, &e[i], ++inc);
	}
	total_row(w, s, "Cộng tăng", inc, w->has_money ? &w->sum : NULL);
	w->sect = NULL;
	room(w, n > ninc ? 2 + (n - ninc == 1 ? foot : 0) : 1 + foot);
	section(w, s, "II. GIẢM");
	w->sect = "II. GIẢM";
	for (; i < n; i++) {
		if (i > ninc)
			room(w, 1 + (i + 1 == n ? foot : 0));
		if (e->form == F_D02)
			d02_row(w, &e[i], ++dec);
		else
			d03_row(w, &e[i], ++dec);
	}
	total_row(w, s, "Cộng giảm", dec, NULL);
	total_row(w, s, "Tổng cộng", inc + dec, w->has_money ? &w->sum : NULL);
	signature(w, s);
}

/* The corrections sheet: entries e[0..n), all K_ADJ. */
static void adj_sheet(struct wr *w, const struct entry *e, size_t n)
{
	static const struct lsheet s = {
		F_ADJ,
		adj,
		ADJ_NCOLS,
		1,
		18,
		"Danh sách điều chỉnh",
		"(Kèm theo danh sách tăng, giảm người tham gia BHYT)",
		"DANH SÁCH ĐIỀU CHỈNH THÔNG TIN THẺ BHYT",
	};
	/* the new value's column of each old_* column */
	size_t i;
	int k;

	open_sheet(w, "Điều chỉnh", &s, NULL);
	if (!w->ws)
		return;
	for (i = 0; i < n; i++) {
		const struct cols *x = &w->x[e[i].wl];
		const struct orow *r = e[i].r;
		const int now[6] = { x->name,  x->dob,	    x->sex,
				     x->level, x->hospital, x->commune };

		/* the last row with Tổng cộng and the signature block */
		room(w, i + 1 == n ? 2 + SIGN_ROWS : 1);
		row_height(w, cell(r, x->name), adj[1].width, "", 1);
		xo_num(w->ws, w->row, 0, (double)(i + 1), w->f.num);
		xo_text(w->ws, w->row, 1, cell(r, x->name), w->f.wrap);
		xo_text(w->ws, w->row, 2, bhxh_of(w, x, r), w->f.textc);
		xo_text(w->ws, w->row, 3, cell(r, x->pid), w->f.textc);
		xo_text(w->ws, w->row, 4, cell(r, x->card), w->f.textc);
		xo_stext(w->ws, w->row, 5, cell(r, x->group), w->f.textc);
		for (k = 0; k < 6; k++) {
			const char *old = cell(r, x->old[k]);
			const char *cur = old[0] ? cell(r, now[k]) : "";

			if (k == 2) {
				old = sex_vi(old);
				cur = sex_vi(cur);
			}
			if (k == 1) {
				put_date(w, w->row, 6 + 2 * k, old);
				put_date(w, w->row, 7 + 2 * k, cur);
			} else {
				xo_text(w->ws, w->row, 6 + 2 * k, old,
					w->f.textc);
				xo_text(w->ws, w->row, 7 + 2 * k, cur,
					w->f.textc);
			}
		}
		xo_stext(w->ws, w->row, 18, "Điều chỉnh thông tin thẻ",
			 w->f.wrap);
		w->row++;
	}
	total_row(w, &s, "Tổng cộng", (long)n, NULL);
	signature(w, &s);
}

/* ---- the file --------------------------------------------------------- */

/* The unit's name and its units-file row into w. */
static void unit_header(struct wr *w)
{
	const struct ref *ref = w->b->ref;
	const char *cname;
	size_t i;

	w->u = ref_unit(ref, w->unit);
	for (i = 0; !w->u && i < ref->nunits; i++)
		if (!strcmp(ref->units[i].kind, "commune") &&
		    !strcmp(ref->units[i].commune, w->unit))
			w->u = &ref->units[i];
	if (w->u && w->u->name[0]) {
		snprintf(w->uname, sizeof(w->uname), "%s", w->u->name);
		return;
	}
	if (!strcmp(w->unit, LISTS_UNKNOWN)) {
		snprintf(w->uname, sizeof(w->uname), "chưa rõ đơn vị");
		return;
	}
	if (!strcmp(w->unit, LISTS_BHXH)) {
		snprintf(w->uname, sizeof(w->uname), "Cơ quan BHXH");
		return;
	}
	cname = ref_commune_name(ref, w->unit, &w->b->period_start);
	if (cname && cname[0])
		snprintf(w->uname, sizeof(w->uname), "UBND %s", cname);
	else
		snprintf(w->uname, sizeof(w->uname), "Đơn vị mã %s", w->unit);
}

/*
 * The file name of a unit key (lists.h): <key with [^0-9A-Za-z._-] and a
 * leading '.' as '_'>.xlsx, with a leading '_' when that is the summary's.
 */
static void file_name(const char *unit, char *out, size_t n)
{
	size_t i, len;

	snprintf(out, n, "%.64s" LISTS_SUFFIX, unit[0] ? unit : "_");
	len = strlen(out) - strlen(LISTS_SUFFIX);
	for (i = 0; i < len; i++) {
		char c = out[i];

		if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
		      (c >= 'a' && c <= 'z') || (c == '.' && i) || c == '-' ||
		      c == '_'))
			out[i] = '_';
	}
	if (!strcasecmp(out, TONGHOP_FILE) && strlen(out) + 1 < n) {
		memmove(out + 1, out, strlen(out) + 1);
		out[0] = '_';
	}
}

int lists_is_name(const char *name)
{
	size_t n = strlen(name), p = strlen(LISTS_DIR "/"),
	       s = strlen(LISTS_SUFFIX);

	return n > p + s && !strncmp(name, LISTS_DIR "/", p) &&
	       name[p] != '.' && !strcmp(name + n - s, LISTS_SUFFIX) &&
	       !strchr(name + p, '/');
}

/* Flush the finished file to disk and set its mode (never via a link). */
int lists_book_open(struct lists_book *lb, const char *dir, const char *name,
		    const char *title, const struct date *created,
		    struct etl_err *err)
{
	struct xo_props props = { 0 };
	struct tm tm = { 0 };
	int fd;

	sb_init(&lb->path, 0);
	sb_init(&lb->tmp, 0);
	lb->wb = NULL;
	if (out_path(&lb->path, dir, name, err) < 0)
		goto fail;
	fd = out_create_tmp(dir, name, &lb->tmp, err);
	if (fd < 0)
		goto fail;
	close(fd);
	tm.tm_year = created->year - 1900;
	tm.tm_mon = created->month - 1;
	tm.tm_mday = created->day;
	props.title = title;
	props.subject = name;
	props.author = "doisoat";
	props.created = timegm(&tm);
	lb->wb = xo_open(lb->tmp.buf, &props);
	if (lb->wb)
		return 0;
	etl_errf(err, "'%s': cannot start the workbook: %s", lb->tmp.buf,
		 strerror(errno));
	unlink(lb->tmp.buf);
fail:
	sb_release(&lb->path);
	sb_release(&lb->tmp);
	return -1;
}

int lists_book_close(struct lists_book *lb, struct etl_err *err)
{
	const char *tmp = lb->tmp.buf;
	int rc = -1, fd, e;

	errno = 0;
	e = xo_close(lb->wb);
	lb->wb = NULL;
	if (e != XO_OK) {
		etl_errf(err, "'%s': cannot write the workbook: %s%s%s", tmp,
			 xo_strerror(e), e == XO_EIO ? ": " : "",
			 e == XO_EIO ? strerror(errno) : "");
		goto out;
	}
	fd = open(tmp, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fchmod(fd, 0600) < 0 || fsync(fd) < 0) {
		etl_errf(err, "'%s': cannot sync: %s", tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
		goto out;
	}
	if (close(fd) < 0 || rename(tmp, lb->path.buf) < 0) {
		etl_errf(err, "'%s': cannot put into place: %s", lb->path.buf,
			 strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (rc < 0)
		unlink(tmp);
	sb_release(&lb->path);
	sb_release(&lb->tmp);
	return rc;
}

void lists_book_abort(struct lists_book *lb)
{
	xo_close(lb->wb);
	lb->wb = NULL;
	unlink(lb->tmp.buf);
	sb_release(&lb->path);
	sb_release(&lb->tmp);
}

/* What the writing threads share. */
struct job {
	const struct batch *b;
	const char *dir;
	struct cols x[NW];
	struct entry *e;
	size_t n;
	size_t *starts; /* nunits + 1: each unit's first entry */
	size_t nunits, next;
	pthread_mutex_t lock;
	int failed;
	struct etl_err err;
};

/* Write the sheets of one unit's workbook (entries e[0..n)). */
static void unit_sheets(struct wr *w, const struct entry *e, size_t n)
{
	size_t i = 0, k;

	while (i < n && !xo_error(w->wb)) {
		for (k = i + 1;
		     k < n && e[k].form == e[i].form &&
		     (e[i].form != F_D03 || !strcmp(e[k].group, e[i].group));
		     k++)
			;
		if (e[i].form == F_ADJ)
			adj_sheet(w, e + i, k - i);
		else
			form_sheet(w, e + i, k - i);
		i = k;
	}
}

static int write_unit(struct job *j, size_t u, struct etl_err *err)
{
	const struct entry *e = j->e + j->starts[u];
	size_t n = j->starts[u + 1] - j->starts[u];
	const struct date *t = &j->b->today;
	struct lists_book lb;
	struct wr *w = xcalloc(1, sizeof(*w));
	char name[96], title[96];
	int rc;

	w->b = j->b;
	w->x = j->x;
	w->unit = e->unit;
	w->pid_as_bhxh = t->prec == DATE_DAY &&
			 (t->year > 2025 || (t->year == 2025 && t->month >= 8));
	unit_header(w);
	if (t->prec == DATE_DAY)
		snprintf(w->date_line, sizeof(w->date_line),
			 "……, ngày %02d tháng %02d năm %04d", t->day, t->month,
			 t->year);
	else
		snprintf(w->date_line, sizeof(w->date_line),
			 "……, ngày …… tháng …… năm ……");
	snprintf(w->period, sizeof(w->period),
		 "Kỳ: năm %d (từ ngày %02d/%02d/%04d)", j->b->period,
		 j->b->period_start.day, j->b->period_start.month,
		 j->b->period_start.year);
	file_name(e->unit, name, sizeof(name));
	snprintf(title, sizeof(title), "Danh sách tăng, giảm BHYT năm %d",
		 j->b->period);
	rc = lists_book_open(&lb, j->dir, name, title, &j->b->period_start,
			     err);
	if (rc == 0) {
		w->wb = lb.wb;
		make_formats(w->wb, &w->f);
		unit_sheets(w, e, n);
		rc = lists_book_close(&lb, err);
	}
	free(w);
	return rc;
}

static void *worker(void *arg)
{
	struct job *j = arg;
	struct etl_err err = { "" };
	size_t u;

	cells_forget(); /* a thread of an earlier run may have asked */
	for (;;) {
		pthread_mutex_lock(&j->lock);
		u = j->failed || outdir_dying() ? j->nunits : j->next++;
		pthread_mutex_unlock(&j->lock);
		if (u >= j->nunits)
			return NULL;
		if (write_unit(j, u, &err) < 0) {
			pthread_mutex_lock(&j->lock);
			if (!j->failed)
				j->err = err;
			j->failed = 1;
			pthread_mutex_unlock(&j->lock);
		}
	}
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The units' file names into names[nunits], sorted; -1 with err when two
 * units give one file name.
 */
static int unit_names(struct job *j, char **names, struct etl_err *err)
{
	size_t u;

	for (u = 0; u < j->nunits; u++) {
		names[u] = xmalloc(96);
		file_name(j->e[j->starts[u]].unit, names[u], 96);
	}
	qsort(names, j->nunits, sizeof(*names), name_cmp);
	for (u = 1; u < j->nunits; u++)
		if (!strcmp(names[u], names[u - 1]))
			return etl_errf(err,
					"two filing units give the workbook "
					"name '%s'",
					names[u]);
	return 0;
}

int lists_write(const struct outputs *o, const struct batch *b, const char *dir,
		struct etl_err *err)
{
	struct lists_plan *t = lists_plan_new(o, b);
	int rc = lists_write_plan(b, t, dir, err);

	lists_plan_free(t);
	return rc;
}

int lists_write_plan(const struct batch *b, const struct lists_plan *tiers,
		     const char *dir, struct etl_err *err)
{
	struct job j;
	pthread_t th[LIST_THREADS];
	char **names;
	size_t i, cap = 0;
	int t, nt, rc = 0;

	cells_forget();
	if (b->period_start.prec != DATE_DAY)
		return etl_errf(err, "lists: the period has no start date");
	memset(&j, 0, sizeof(j));
	j.b = b;
	j.dir = dir;
	find_cols(j.x);
	j.e = tiers->e; /* read only: the threads share them */
	j.n = tiers->n;
	for (i = 0; i < j.n; i++)
		if (!i || strcmp(j.e[i].unit, j.e[i - 1].unit)) {
			GROW(j.starts, cap, j.nunits + 2);
			j.starts[j.nunits++] = i;
		}
	if (j.starts)
		j.starts[j.nunits] = j.n;
	names = xcalloc(j.nunits + 1, sizeof(*names));
	if (unit_names(&j, names, err) < 0)
		rc = -1;
	pthread_mutex_init(&j.lock, NULL);
	nt = (int)etl_threads();
	if (nt > LIST_THREADS)
		nt = LIST_THREADS;
	if ((size_t)nt > j.nunits)
		nt = (int)j.nunits;
	if (!rc && nt <= 1)
		worker(&j); /* DOISOAT_THREADS=1: in the calling thread */
	for (t = 0; !rc && nt > 1 && t < nt; t++)
		if (pthread_create(&th[t], NULL, worker, &j))
			die("cannot start a thread");
	for (t = 0; !rc && nt > 1 && t < nt; t++)
		pthread_join(th[t], NULL);
	pthread_mutex_destroy(&j.lock);
	if (!rc && j.failed) {
		*err = j.err;
		rc = -1;
	}
	for (i = 0; i < j.nunits; i++)
		free(names[i]);
	free(names);
	free(j.starts);
	return rc;
}

/* ---- the money of every card holder (the district summary) ------------- */

/*
 * The money of the cards of the period, computed once per distinct
 * input: most of a district's renewals share their group, commune, tier
 * and months, and money_person is the same for the same input.
 */
struct memo_money {
	struct money_in in;
	int computed, funding, months;
	struct money_share total;
};

struct money_memo {
	struct hashtab ht;
	struct memo_money *v;
	size_t n, cap;
};

static void money_memo_init(struct money_memo *mm)
{
	memset(mm, 0, sizeof(*mm));
	ht_init(&mm->ht, 256);
}

static void money_memo_release(struct money_memo *mm)
{
	free(mm->v);
	ht_release(&mm->ht);
}

static uint64_t money_in_hash(const struct money_in *in)
{
	const char *c = in->commune ? in->commune : "";
	uint64_t k[4] = { (uint64_t)in->group << 32 | (uint32_t)in->period,
			  (uint64_t)(uint32_t)in->months << 32 |
				  (uint32_t)in->tier,
			  (uint64_t)in->wage,
			  (uint64_t)(uint16_t)in->from.year << 24 |
				  (uint64_t)in->from.month << 16 |
				  (uint64_t)in->from.day << 8 | in->from.prec };

	return ht_hash(k, sizeof(k)) ^ ht_hash(c, strlen(c));
}

static int money_in_same(const struct money_in *a, const struct money_in *b)
{
	return a->group == b->group && a->period == b->period &&
	       a->months == b->months && a->tier == b->tier &&
	       a->wage == b->wage && a->from.year == b->from.year &&
	       a->from.month == b->from.month && a->from.day == b->from.day &&
	       a->from.prec == b->from.prec &&
	       !strcmp(a->commune ? a->commune : "",
		       b->commune ? b->commune : "");
}

/* The money of in, computed the first time it is asked for. */
static const struct memo_money *money_memo(struct money_memo *mm,
					   const struct ref *ref,
					   const struct money_in *in)
{
	uint64_t h = money_in_hash(in);
	size_t pos;
	uint32_t v;
	struct memo_money *k;
	struct money_out m;

	for (pos = ht_first(&mm->ht, h);
	     (v = ht_next(&mm->ht, h, &pos)) != HT_NONE;)
		if (money_in_same(&mm->v[v].in, in))
			return &mm->v[v];
	GROW(mm->v, mm->cap, mm->n + 1);
	k = &mm->v[mm->n];
	memset(k, 0, sizeof(*k));
	k->in = *in;
	k->computed = money_person(ref, ref->contrib, in, &m) == 0 &&
		      m.how == MONEY_COMPUTED;
	if (k->computed) {
		k->funding = m.funding;
		k->months = m.months;
		k->total = m.total;
	}
	ht_insert(&mm->ht, h, (uint32_t)mm->n);
	return &mm->v[mm->n++];
}

/* Holder h of entry e (its money through mm); e's tier already set. */
static void holder_of(const struct wr *w, struct money_memo *mm,
		      const struct entry *e, int on_list,
		      struct lists_holder *h)
{
	struct money_in in;
	const struct memo_money *k;

	memset(h, 0, sizeof(*h));
	h->r = e->r;
	h->list = wlist[e->wl];
	h->commune = e->r->commune; /* the commune_code cell's text */
	memcpy(h->group, e->group, sizeof(h->group));
	h->on_list = on_list;
	if (!row_money_in(w, e, &in))
		return;
	k = money_memo(mm, w->b->ref, &in);
	/* an employer's money is no budget's: not in the summary */
	h->has_money = k->computed && k->funding != 1;
	if (h->has_money) {
		h->months = k->months;
		h->total = k->total;
	}
}

/* The card holders of the change or renew list's rows (lists_each_holder). */
struct holder_rows {
	const struct outputs *o;
	const struct wr *w;
	const struct lists_plan *t;
	struct money_memo *mm[2]; /* each half its own */
	void (*fn)(void *ctx, int half, const struct lists_holder *h);
	void *ctx;
	int wl;
};

/*
 * The holders of rows [from, to) of list hr->wl (a group change's row
 * left out: it is a TĂNG row of the lists) to hr->fn, as half.
 */
static void holders_rows(struct holder_rows *hr, int half, size_t from,
			 size_t to)
{
	const struct outputs *o = hr->o;
	const struct outlist *ol = &o->lists[wlist[hr->wl]];
	struct lists_holder h;
	struct entry one;
	size_t i;

	memset(&one, 0, sizeof(one));
	one.unit = "";
	one.kind = K_TM;
	one.form = F_D03;
	one.wl = (uint8_t)hr->wl;
	for (i = from; i < to; i++) {
		const char *g;

		if (hr->wl == W_CHG && ol->rows[i].reason == R_GROUP_CHANGED)
			continue;
		one.r = &ol->rows[i];
		g = cell(one.r, hr->w->x[hr->wl].group);
		memset(one.group, 0, sizeof(one.group));
		memcpy(one.group, g, strnlen(g, sizeof(one.group) - 1));
		one.tier = strcmp(one.group, "GD")
				   ? 1
				   : tier_of(hr->t, o, hr->wl, one.r);
		holder_of(hr->w, hr->mm[half], &one, 0, &h);
		hr->fn(hr->ctx, half, &h);
	}
}

static void holders_half(void *ctx, int half, size_t from, size_t to)
{
	holders_rows(ctx, half, from, to);
}

void lists_each_holder(const struct outputs *o, const struct batch *b,
		       const struct lists_plan *t,
		       void (*fn)(void *ctx, int half,
				  const struct lists_holder *h),
		       void *ctx)
{
	struct cols x[NW];
	const struct entry *e = t->e; /* gathered once, tiers set */
	struct lists_holder h;
	struct wr *w = xcalloc(1, sizeof(*w));
	struct money_memo mm, mm2;
	struct holder_rows hr;
	size_t i;

	cells_forget();
	find_cols(x);
	w->b = b;
	w->x = x;
	money_memo_init(&mm);
	/* the new cards as the lists file them (TĂNG rows), then the cards
	   bought again: corrections and renewals, read row by row */
	for (i = 0; i < t->n; i++)
		if (e[i].kind == K_TM) {
			holder_of(w, &mm, &e[i], e[i].form == F_D03, &h);
			fn(ctx, 0, &h);
		}
	hr.o = o;
	hr.w = w;
	hr.t = t;
	hr.fn = fn;
	hr.ctx = ctx;
	hr.mm[0] = hr.mm[1] = &mm;
	hr.wl = W_CHG;
	holders_rows(&hr, 0, 0, o->lists[L_CHANGE].n);
	/* the renewals, most rows: by halves on two threads */
	money_memo_init(&mm2);
	hr.mm[1] = &mm2;
	hr.wl = W_REN;
	in_halves(holders_half, &hr, o->lists[L_RENEW].n);
	money_memo_release(&mm2);
	money_memo_release(&mm);
	free(w);
}
