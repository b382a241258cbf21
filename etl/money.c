/*
 * money.c: the contributions table and the support file (read with ref.c's
 * table_read), their lookups by date, household tiers, and one person's
 * money by month and by who pays (see money.h, rules.md R15).
 */
#include "money.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

extern const char refdata_contributions_csv[];
extern const size_t refdata_contributions_csv_len;

/*
 * The most of a monthly wage a contribution is taken on: 20 base
 * salaries (Luật Bảo hiểm y tế, Điều 14 khoản 2, as amended by Luật
 * 46/2014/QH13; kept by Luật 51/2024/QH15).
 */
#define WAGE_CEILING 20

/* The largest base salary or wage taken, in đồng (far above any). */
#define MONEY_MAX 1000000000000LL

void contrib_init(struct contrib *c)
{
	memset(c, 0, sizeof(*c));
}

void contrib_release(struct contrib *c)
{
	free(c->rows);
	free(c->support);
	memset(c, 0, sizeof(*c));
}

/* Is on within from .. to (either open when prec DATE_NONE)? */
static int in_force(const struct date *on, const struct date *from,
		    const struct date *to)
{
	return (!from->prec || date_cmp(on, from) >= 0) &&
	       (!to->prec || date_cmp(on, to) <= 0);
}

/* Do from1 .. to1 and from2 .. to2 share a day? */
static int overlap(const struct date *from1, const struct date *to1,
		   const struct date *from2, const struct date *to2)
{
	return (!to1->prec || !from2->prec || date_cmp(from2, to1) <= 0) &&
	       (!to2->prec || !from1->prec || date_cmp(from1, to2) <= 0);
}

/* A percentage cell (norm_pct) in ppm: 0, or -1 if not one (or finer). */
static int ppm_cell(const char *s, int64_t *out)
{
	double v, x;

	if (norm_pct(s, strlen(s), &v) != NORM_OK)
		return -1;
	x = v * (PPM_WHOLE / 100);
	*out = (int64_t)(x + 0.5);
	return fabs(x - (double)*out) < 1e-6 ? 0 : -1;
}

/* A whole number of đồng, 1 .. MONEY_MAX: 0, or -1. */
static int dong_cell(const char *s, int64_t *out)
{
	int64_t v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > MONEY_MAX)
			return -1;
		v = v * 10 + (*s - '0');
	}
	*out = v;
	return v > 0 && v <= MONEY_MAX ? 0 : -1;
}

/* A group code cell, one of r's groups when r: 0, or -1 with err. */
static int group_cell(const struct table *t, size_t i, const char *s,
		      const struct ref *r, char out[4], struct etl_err *err)
{
	if (norm_code(s, strlen(s), out, 4) != NORM_OK)
		return etl_errf(err, "'%s':%lu: bad group code", t->name,
				t->lines[i]);
	if (r && ref_group(r, out) == GROUP_NONE)
		return etl_errf(err, "'%s':%lu: unknown group %s", t->name,
				t->lines[i], out);
	return 0;
}

/* valid_from (required when need_from) and valid_to of row i. */
static int dates_cell(const struct table *t, size_t i, int from, int to,
		      int need_from, struct date *d0, struct date *d1,
		      struct etl_err *err)
{
	if (table_date(t, i, from, d0, err) < 0 ||
	    table_date(t, i, to, d1, err) < 0)
		return -1;
	if (need_from && !d0->prec)
		return etl_errf(err, "'%s':%lu: valid_from is empty", t->name,
				t->lines[i]);
	if (d0->prec && d1->prec && date_cmp(d1, d0) < 0)
		return etl_errf(err, "'%s':%lu: valid_to is before valid_from",
				t->name, t->lines[i]);
	return 0;
}

static const struct {
	const char *name;
	enum contrib_kind kind;
} kinds[] = {
	{ "base_salary", CONTRIB_BASE_SALARY },
	{ "bhyt_rate_pct", CONTRIB_BHYT_RATE },
	{ "household_tier_pct", CONTRIB_TIER },
	{ "state_support_pct", CONTRIB_STATE_SUPPORT },
};

/* The key and value of row i (kind set) into cr: 0, or -1 with err. */
static int contrib_cells(const struct table *t, size_t i, const char *key,
			 const char *value, const struct ref *r,
			 struct contrib_row *cr, struct etl_err *err)
{
	char *end;
	long tier;
	int rc;

	switch (cr->kind) {
	case CONTRIB_BASE_SALARY:
	case CONTRIB_BHYT_RATE:
		if (*key)
			return etl_errf(err, "'%s':%lu: key must be empty",
					t->name, t->lines[i]);
		break;
	case CONTRIB_TIER:
		tier = strtol(key, &end, 10);
		if (!*key || *end || tier < 1 || tier > 99)
			return etl_errf(err,
					"'%s':%lu: key is not a tier (1 to "
					"99)",
					t->name, t->lines[i]);
		cr->tier = (int)tier;
		break;
	case CONTRIB_STATE_SUPPORT:
		if (group_cell(t, i, key, r, cr->group, err) < 0)
			return -1;
		break;
	}
	rc = cr->kind == CONTRIB_BASE_SALARY ? dong_cell(value, &cr->value)
					     : ppm_cell(value, &cr->value);
	if (rc < 0)
		return etl_errf(err,
				cr->kind == CONTRIB_BASE_SALARY
					? "'%s':%lu: value is not a whole "
					  "number of dong"
					: "'%s':%lu: value is not a "
					  "percentage (at most 4 decimals)",
				t->name, t->lines[i]);
	return 0;
}

/* Two rows of one kind and key in force on one day? -1 with err. */
static int contrib_twice(const struct contrib_row *rows, size_t n,
			 const char *name, struct etl_err *err)
{
	size_t i, j;

	for (i = 0; i < n; i++)
		for (j = 0; j < i; j++) {
			const struct contrib_row *a = &rows[j], *b = &rows[i];

			if (a->kind == b->kind && a->tier == b->tier &&
			    !strcmp(a->group, b->group) &&
			    overlap(&a->from, &a->to, &b->from, &b->to))
				return etl_errf(err,
						"'%s':%lu: in force on the "
						"same days as line %lu",
						name, b->line, a->line);
		}
	return 0;
}

int contrib_load(struct contrib *c, const struct ref *r, const char *path,
		 struct etl_err *err)
{
	static const char *const c_kind[] = { "kind", NULL };
	static const char *const c_key[] = { "key", NULL };
	static const char *const c_value[] = { "value", NULL };
	static const char *const c_from[] = { "valid_from", "tu_ngay", NULL };
	static const char *const c_to[] = { "valid_to", "den_ngay", NULL };
	struct contrib_row *rows;
	struct arena a;
	struct table t;
	int kind, key, value, from, to;
	size_t i, k;

	arena_init(&a);
	if (table_read(&t, &a, path ? path : "contributions.csv (shipped)",
		       path ? NULL : refdata_contributions_csv,
		       refdata_contributions_csv_len, err) < 0) {
		arena_release(&a);
		return -1;
	}
	rows = xmalloc(sizeof(*rows) * (t.nrows ? t.nrows : 1));
	if ((kind = table_need_col(&t, c_kind, err)) < 0 ||
	    (key = table_need_col(&t, c_key, err)) < 0 ||
	    (value = table_need_col(&t, c_value, err)) < 0 ||
	    (from = table_need_col(&t, c_from, err)) < 0 ||
	    (to = table_need_col(&t, c_to, err)) < 0)
		goto fail;
	for (i = 0; i < t.nrows; i++) {
		struct contrib_row *cr = &rows[i];
		char **row = t.rows[i];

		memset(cr, 0, sizeof(*cr));
		cr->line = t.lines[i];
		for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
			if (!strcmp(row[kind], kinds[k].name))
				break;
		if (k == sizeof(kinds) / sizeof(kinds[0])) {
			etl_errf(err, "'%s':%lu: unknown kind '%.40s'", t.name,
				 cr->line, row[kind]);
			goto fail;
		}
		cr->kind = kinds[k].kind;
		if (contrib_cells(&t, i, row[key], row[value], r, cr, err) <
			    0 ||
		    dates_cell(&t, i, from, to, 1, &cr->from, &cr->to, err) < 0)
			goto fail;
	}
	if (contrib_twice(rows, t.nrows, t.name, err) < 0)
		goto fail;
	free(c->rows);
	c->rows = rows;
	c->nrows = t.nrows;
	table_release(&t);
	arena_release(&a);
	return 0;
fail:
	free(rows);
	table_release(&t);
	arena_release(&a);
	return -1;
}

/* Two support rows of one group and commune on one day? -1 with err. */
static int support_twice(const struct support_row *rows, size_t n,
			 const char *name, struct etl_err *err)
{
	size_t i, j;

	for (i = 0; i < n; i++)
		for (j = 0; j < i; j++) {
			const struct support_row *a = &rows[j], *b = &rows[i];

			if (!strcmp(a->group, b->group) &&
			    !strcmp(a->commune, b->commune) &&
			    overlap(&a->from, &a->to, &b->from, &b->to))
				return etl_errf(err,
						"'%s':%lu: in force on the "
						"same days as line %lu",
						name, b->line, a->line);
		}
	return 0;
}

int contrib_load_support(struct contrib *c, const struct ref *r,
			 const char *path, struct etl_err *err)
{
	static const char *const c_group[] = { "group_code", "ma_doi_tuong",
					       NULL };
	static const char *const c_commune[] = { "commune_code", "ma_xa",
						 NULL };
	static const char *const c_pct[] = { "pct", "support_pct", "ty_le",
					     "ty_le_ho_tro", NULL };
	static const char *const c_from[] = { "valid_from", "tu_ngay", NULL };
	static const char *const c_to[] = { "valid_to", "den_ngay", NULL };
	struct support_row *rows;
	struct arena a;
	struct table t;
	int group, commune, pct, from, to;
	size_t i;

	arena_init(&a);
	if (table_read(&t, &a, path, NULL, 0, err) < 0) {
		arena_release(&a);
		return -1;
	}
	rows = xmalloc(sizeof(*rows) * (t.nrows ? t.nrows : 1));
	if ((group = table_need_col(&t, c_group, err)) < 0 ||
	    (pct = table_need_col(&t, c_pct, err)) < 0)
		goto fail;
	commune = table_col(&t, c_commune);
	from = table_col(&t, c_from);
	to = table_col(&t, c_to);
	for (i = 0; i < t.nrows; i++) {
		struct support_row *s = &rows[i];
		char **row = t.rows[i];

		memset(s, 0, sizeof(*s));
		s->line = t.lines[i];
		if (group_cell(&t, i, row[group], r, s->group, err) < 0 ||
		    (commune >= 0 && row[commune][0] &&
		     table_commune(&t, i, commune, s->commune, err) < 0) ||
		    dates_cell(&t, i, from, to, 0, &s->from, &s->to, err) < 0)
			goto fail;
		if (ppm_cell(row[pct], &s->ppm) < 0) {
			etl_errf(err,
				 "'%s':%lu: pct is not a percentage (at most "
				 "4 decimals)",
				 t.name, s->line);
			goto fail;
		}
	}
	if (support_twice(rows, t.nrows, t.name, err) < 0)
		goto fail;
	free(c->support);
	c->support = rows;
	c->nsupport = t.nrows;
	table_release(&t);
	arena_release(&a);
	return 0;
fail:
	free(rows);
	table_release(&t);
	arena_release(&a);
	return -1;
}

/* The row of kind (and group) in force on a date, or NULL. */
static const struct contrib_row *find(const struct contrib *c,
				      enum contrib_kind kind, const char *group,
				      const struct date *on)
{
	size_t i;

	for (i = 0; i < c->nrows; i++)
		if (c->rows[i].kind == kind &&
		    (!group || !strcmp(c->rows[i].group, group)) &&
		    in_force(on, &c->rows[i].from, &c->rows[i].to))
			return &c->rows[i];
	return NULL;
}

int64_t contrib_base_salary(const struct contrib *c, const struct date *on)
{
	const struct contrib_row *cr = find(c, CONTRIB_BASE_SALARY, NULL, on);

	return cr ? cr->value : -1;
}

int64_t contrib_rate(const struct contrib *c, const struct date *on)
{
	const struct contrib_row *cr = find(c, CONTRIB_BHYT_RATE, NULL, on);

	return cr ? cr->value : -1;
}

int64_t contrib_tier(const struct contrib *c, int tier, const struct date *on)
{
	const struct contrib_row *best = NULL;
	size_t i;

	for (i = 0; i < c->nrows; i++) {
		const struct contrib_row *cr = &c->rows[i];

		if (cr->kind == CONTRIB_TIER && cr->tier <= tier &&
		    (!best || cr->tier > best->tier) &&
		    in_force(on, &cr->from, &cr->to))
			best = cr;
	}
	return best ? best->value : -1;
}

int64_t contrib_state_support(const struct contrib *c, const char *group,
			      const struct date *on)
{
	const struct contrib_row *cr =
		find(c, CONTRIB_STATE_SUPPORT, group, on);

	return cr ? cr->value : 0;
}

int64_t contrib_local_support(const struct contrib *c, const char *group,
			      const char *commune, const struct date *on)
{
	int64_t all = 0;
	size_t i;

	if (!commune)
		commune = "";
	for (i = 0; i < c->nsupport; i++) {
		const struct support_row *s = &c->support[i];

		if (strcmp(s->group, group) || !in_force(on, &s->from, &s->to))
			continue;
		if (*commune && !strcmp(s->commune, commune))
			return s->ppm;
		if (!s->commune[0])
			all = s->ppm;
	}
	return all;
}

static int member_cmp(const void *a, const void *b)
{
	const struct household_member *x = a, *y = b;
	int c = date_cmp(&x->dob, &y->dob);

	if (!c)
		c = strcmp(x->key ? x->key : "", y->key ? y->key : "");
	return c ? c : (x->ix > y->ix) - (x->ix < y->ix);
}

void money_household_tiers(struct household_member *m, size_t n)
{
	size_t i;

	if (n > 1)
		qsort(m, n, sizeof(*m), member_cmp);
	for (i = 0; i < n; i++)
		m[i].tier = (int)(i + 1);
}

/* num / den rounded half up (num >= 0, den > 0). */
static int64_t round_div(__int128 num, int64_t den)
{
	return (int64_t)((num + den / 2) / den);
}

/* ppm of amount, rounded half up, at most *left (which it lessens). */
static int64_t share(int64_t amount, int64_t ppm, int64_t *left)
{
	int64_t v = round_div((__int128)amount * ppm, PPM_WHOLE);

	if (v > *left)
		v = *left;
	*left -= v;
	return v;
}

/* Month mm's rates and money for funding class fc: 0, or -1 (no rate). */
static int money_month(const struct ref *r, const struct contrib *c,
		       const struct money_in *in, int fc,
		       struct money_month *mm)
{
	struct date on = date_make(mm->year, mm->month, 1);
	const char *group = r->groups[in->group].code;
	struct money_share *s = &mm->s;
	int64_t left;

	mm->rate = contrib_rate(c, &on);
	mm->base = contrib_base_salary(c, &on);
	/* an employee's wage, at most WAGE_CEILING base salaries */
	if (fc == 1 && mm->base >= 0)
		mm->base = in->wage < WAGE_CEILING * mm->base
				   ? in->wage
				   : WAGE_CEILING * mm->base;
	mm->tier = fc == 5 ? contrib_tier(c, in->tier > 0 ? in->tier : 1, &on)
			   : PPM_WHOLE;
	if (mm->rate < 0 || mm->base < 0 || mm->tier < 0)
		return -1;
	s->amount = round_div((__int128)mm->base * mm->rate * mm->tier,
			      (int64_t)PPM_WHOLE * PPM_WHOLE);
	left = s->amount;
	switch (fc) {
	case 1: /* employer 2/3, worker 1/3 (money.h) */
		s->employer = round_div((__int128)s->amount * 2, 3);
		s->worker = s->amount - s->employer;
		return 0;
	case 3:
		s->state_pays = s->amount;
		return 0;
	case 4:
		mm->support = contrib_state_support(c, group, &on);
		s->state_supports = share(s->amount, mm->support, &left);
		/* then the local support, as class 5 */
		/* fall through */
	default:
		mm->local = contrib_local_support(c, group, in->commune, &on);
		s->local = share(s->amount, mm->local, &left);
		s->participant = left;
		return 0;
	}
}

void money_share_add(struct money_share *t, const struct money_share *s)
{
	t->amount += s->amount;
	t->state_pays += s->state_pays;
	t->state_supports += s->state_supports;
	t->local += s->local;
	t->participant += s->participant;
	t->employer += s->employer;
	t->worker += s->worker;
}

/* The first month and how many: 0, or -1 if in->months is unusable. */
static int money_months(const struct money_in *in, int fc, int *year,
			int *month, int *n)
{
	*year = in->from.year;
	*month = in->from.prec >= DATE_MONTH ? in->from.month : 1;
	if (*year < in->period) {
		*year = in->period;
		*month = 1;
	}
	if (in->months < 0 || in->months > MONEY_MONTHS_MAX)
		return -1;
	if (in->months)
		*n = in->months;
	else if (fc == 5)
		*n = MONEY_MONTHS_MAX;
	else
		*n = *year > in->period ? 0 : 13 - *month;
	return 0;
}

int money_person(const struct ref *r, const struct contrib *c,
		 const struct money_in *in, struct money_out *out)
{
	int year, month, i, fc;

	memset(out, 0, sizeof(*out));
	if (in->group >= r->ngroups || in->wage < 0 || in->wage > MONEY_MAX)
		return -1;
	fc = r->groups[in->group].funding;
	if (money_months(in, fc, &year, &month, &out->months) < 0) {
		out->months = 0;
		return -1;
	}
	out->funding = fc;
	out->how = fc == 2		  ? MONEY_FUND
		   : fc == 1 && !in->wage ? MONEY_NO_WAGE
		   : fc < 1 || fc > 5	  ? MONEY_NO_RATE
					  : MONEY_COMPUTED;
	for (i = 0; i < out->months; i++) {
		struct money_month *mm = &out->m[i];

		mm->year = year;
		mm->month = month;
		if (++month > 12) {
			month = 1;
			year++;
		}
		if (out->how == MONEY_COMPUTED &&
		    money_month(r, c, in, fc, mm) < 0)
			out->how = MONEY_NO_RATE;
	}
	for (i = 0; i < out->months; i++) {
		if (out->how != MONEY_COMPUTED)
			memset(&out->m[i].s, 0, sizeof(out->m[i].s));
		money_share_add(&out->total, &out->m[i].s);
	}
	return 0;
}
