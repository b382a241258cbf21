/*
 * ref.c: loading and looking up the reference tables (see ref.h).  Each
 * loader reads its file with table_read and checks every cell it uses,
 * naming the file and line of anything it cannot read.
 */
#include "ref.h"
#include "csvin.h"
#include "money.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const char refdata_groups_csv[];
extern const size_t refdata_groups_csv_len;
extern const char refdata_group_names_csv[];
extern const size_t refdata_group_names_csv_len;
extern const char refdata_communes_csv[];
extern const size_t refdata_communes_csv_len;
extern const char refdata_commune_map_2025_csv[];
extern const size_t refdata_commune_map_2025_csv_len;

void ref_init(struct ref *r)
{
	memset(r, 0, sizeof(*r));
	arena_init(&r->arena);
}

int commune_code(const char *s, size_t n, char out[COMMUNE_CODE_MAX + 1])
{
	size_t cap = 2 * n + 8; /* upper case grows UTF-8 by half at most */
	char *whole;
	int rc = norm_code(s, n, out, COMMUNE_CODE_MAX + 1);

	if (rc != NORM_BAD)
		return rc;
	/* A bad character, or a code too long for out? */
	out[0] = '\0';
	whole = xmalloc(cap);
	rc = norm_code(s, n, whole, cap);
	free(whole);
	return rc == NORM_OK ? CODE_TOO_LONG : NORM_BAD;
}

void ref_release(struct ref *r)
{
	free(r->groups);
	free(r->group_names);
	free(r->areas);
	free(r->scope);
	free(r->targets);
	free(r->units);
	free(r->communes);
	free(r->moves);
	free(r->moved_to);
	free(r->new_codes);
	if (r->contrib) {
		contrib_release(r->contrib);
		free(r->contrib);
	}
	arena_release(&r->arena);
	memset(r, 0, sizeof(*r));
}

/* table_read's reader callbacks */
struct table_ctx {
	struct table *t;
	struct arena *a;
	struct etl_err *err;
	const char *name;
	int bad;
	unsigned long bad_line;
};

static char **copy_cells(struct arena *a, const struct csvin_row *row)
{
	char **cells = arena_alloc(a, sizeof(char *) * (size_t)row->nfields);
	int i;

	for (i = 0; i < row->nfields; i++)
		cells[i] = arena_strndup(a, row->fields[i], row->lens[i]);
	return cells;
}

static int table_header(void *ctx, const struct csvin_row *row,
			struct etl_err *err)
{
	struct table_ctx *c = ctx;
	char folded[128];
	int i;

	(void)err;
	c->t->ncols = row->nfields;
	c->t->header = copy_cells(c->a, row);
	for (i = 0; i < row->nfields; i++) {
		fold_header(row->fields[i], row->lens[i], folded,
			    sizeof(folded));
		c->t->header[i] = arena_strdup(c->a, folded);
	}
	return 0;
}

static void table_row(void *ctx, const struct csvin_row *row)
{
	struct table_ctx *c = ctx;
	struct table *t = c->t;
	size_t cap = t->cap;

	GROW(t->rows, t->cap, t->nrows + 1);
	GROW(t->lines, cap, t->nrows + 1);
	t->lines[t->nrows] = row->line;
	t->rows[t->nrows++] = copy_cells(c->a, row);
}

static void table_reject(void *ctx, unsigned long line, const char *reason,
			 const char *detail, const char *raw, size_t n)
{
	struct table_ctx *c = ctx;

	(void)raw, (void)n;
	if (!c->bad) {
		c->bad = 1;
		c->bad_line = line;
		etl_errf(c->err, "'%s':%lu: %s (%s)", c->name, line, reason,
			 detail);
	}
}

int table_read(struct table *t, struct arena *a, const char *path,
	       const char *text, size_t textlen, struct etl_err *err)
{
	/* cppcheck-suppress ctuuninitvar ; t is what this fills */
	struct table_ctx c = { t, a, err, path, 0, 0 };
	struct csvin_cb cb = { table_header, table_row, table_reject, &c };
	struct csvin_stats st;
	FILE *f;
	int rc;

	memset(t, 0, sizeof(*t));
	t->name = path;
	if (text) {
		f = fmemopen((void *)text, textlen, "r");
		if (!f)
			return etl_errf(err, "'%s': cannot read", path);
		rc = csvin_read_stream(f, path, NULL, &cb, &st, err);
		fclose(f);
	} else {
		rc = csvin_read(path, NULL, &cb, &st, err);
	}
	if (rc < 0 || c.bad) {
		table_release(t);
		return -1;
	}
	return 0;
}

int table_col(const struct table *t, const char *const *names)
{
	int i;

	for (; *names; names++)
		for (i = 0; i < t->ncols; i++)
			if (!strcmp(t->header[i], *names))
				return i;
	return -1;
}

void table_release(struct table *t)
{
	free(t->rows);
	free(t->lines);
	t->rows = NULL;
	t->lines = NULL;
	t->nrows = t->cap = 0;
}

/* Line of row i of table t in messages. */
#define LINE(t, i) ((t)->lines[i])

/* The commune code in row i, column col; -1 with err if unusable. */
static int commune_cell(const struct table *t, size_t i, int col,
			char out[COMMUNE_CODE_MAX + 1], struct etl_err *err)
{
	const char *s = t->rows[i][col];

	switch (commune_code(s, strlen(s), out)) {
	case NORM_OK:
		return 0;
	case CODE_TOO_LONG:
		return etl_errf(err,
				"'%s':%lu: commune code longer than %d bytes",
				t->name, LINE(t, i), COMMUNE_CODE_MAX);
	default:
		return etl_errf(err, "'%s':%lu: bad commune code", t->name,
				LINE(t, i));
	}
}

static int need_col(const struct table *t, const char *const *names,
		    struct etl_err *err)
{
	int c = table_col(t, names);

	if (c < 0)
		etl_errf(err, "'%s': missing required column '%s'", t->name,
			 names[0]);
	return c;
}

/* An optional ISO or Vietnamese date cell; empty gives DATE_NONE. */
static int date_cell(const struct table *t, size_t i, int col, struct date *d,
		     struct etl_err *err)
{
	unsigned flags = 0;
	const char *s;
	int rc;

	memset(d, 0, sizeof(*d));
	if (col < 0)
		return 0;
	s = t->rows[i][col];
	rc = norm_date(s, strlen(s), d, &flags);
	if (rc == NORM_EMPTY)
		return 0;
	if (rc != NORM_OK || d->prec != DATE_DAY)
		return etl_errf(err, "'%s':%lu: '%s' is not a date", t->name,
				LINE(t, i), t->header[col]);
	return 0;
}

int table_need_col(const struct table *t, const char *const *names,
		   struct etl_err *err)
{
	return need_col(t, names, err);
}

int table_date(const struct table *t, size_t i, int col, struct date *d,
	       struct etl_err *err)
{
	return date_cell(t, i, col, d, err);
}

int table_commune(const struct table *t, size_t i, int col,
		  char out[COMMUNE_CODE_MAX + 1], struct etl_err *err)
{
	return commune_cell(t, i, col, out, err);
}

static int yes(const char *s)
{
	return !strcasecmp(s, "y") || !strcasecmp(s, "yes") ||
	       !strcmp(s, "1") || !strcasecmp(s, "true") || !strcasecmp(s, "x");
}

static int two_letters(const char *c)
{
	return c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z' &&
	       !c[2];
}

/* Add name (folded) as a name of group g. */
static void group_name_add(struct ref *r, size_t *cap, const char *name,
			   unsigned g)
{
	size_t n = strlen(name), sz = 2 * n + 8;
	char *f;

	if (!n)
		return;
	f = arena_alloc(&r->arena, sz);
	fold_header(name, n, f, sz);
	if (!f[0])
		return;
	GROW(r->group_names, *cap, r->ngroup_names + 1);
	r->group_names[r->ngroup_names].folded = f;
	r->group_names[r->ngroup_names++].group = g;
}

static int group_name_cmp(const void *a, const void *b)
{
	const struct group_name *x = a, *y = b;
	int c = strcmp(x->folded, y->folded);

	return c ? c : (x->group > y->group) - (x->group < y->group);
}

/*
 * r->group_names from the groups' name_vi and the shipped short names
 * whose code is in the table: sorted, once each; a name of two groups
 * maps to none.
 */
static int group_names_build(struct ref *r, struct etl_err *err)
{
	static const char *const c_name[] = { "name", NULL };
	static const char *const c_code[] = { "code", NULL };
	const char *path = "group-names.csv (shipped)";
	struct table t;
	size_t i, k, cap = 0;
	int name, code;

	free(r->group_names);
	r->group_names = NULL;
	r->ngroup_names = 0;
	for (i = 0; i < r->ngroups; i++)
		group_name_add(r, &cap, r->groups[i].name_vi, (unsigned)i);
	if (table_read(&t, &r->arena, path, refdata_group_names_csv,
		       refdata_group_names_csv_len, err) < 0)
		return -1;
	if ((name = need_col(&t, c_name, err)) < 0 ||
	    (code = need_col(&t, c_code, err)) < 0) {
		table_release(&t);
		return -1;
	}
	for (i = 0; i < t.nrows; i++) {
		char cc[4];
		const char *c = t.rows[i][code];

		if (norm_code(c, strlen(c), cc, sizeof(cc)) == NORM_OK &&
		    ref_group(r, cc) != GROUP_NONE)
			group_name_add(r, &cap, t.rows[i][name],
				       ref_group(r, cc));
	}
	table_release(&t);
	if (!r->ngroup_names)
		return 0;
	qsort(r->group_names, r->ngroup_names, sizeof(*r->group_names),
	      group_name_cmp);
	for (i = 1, k = 0; i < r->ngroup_names; i++) {
		struct group_name *last = &r->group_names[k];

		if (strcmp(last->folded, r->group_names[i].folded))
			r->group_names[++k] = r->group_names[i];
		else if (last->group != r->group_names[i].group)
			last->group = GROUP_NONE;
	}
	r->ngroup_names = k + 1;
	return 0;
}

int ref_load_groups(struct ref *r, const char *path, struct etl_err *err)
{
	static const char *const c_code[] = { "code", "group_code",
					      "ma_doi_tuong", NULL };
	static const char *const c_rank[] = { "rank", NULL };
	static const char *const c_fund[] = { "funding_class", NULL };
	static const char *const c_level[] = { "level", "benefit_level",
					       "muc_huong", NULL };
	static const char *const c_from[] = { "valid_from", "tu_ngay", NULL };
	static const char *const c_to[] = { "valid_to", "den_ngay", NULL };
	static const char *const c_res[] = { "residence_based", NULL };
	static const char *const c_area[] = { "area_based", NULL };
	static const char *const c_name[] = { "name_vi", "name", NULL };
	struct table t;
	int code, rank, fund, level, from, to, res, area, name;
	size_t i, cap = 0;

	if (table_read(&t, &r->arena, path ? path : "groups.csv (shipped)",
		       path ? NULL : refdata_groups_csv, refdata_groups_csv_len,
		       err) < 0)
		return -1;
	if ((code = need_col(&t, c_code, err)) < 0 ||
	    (rank = need_col(&t, c_rank, err)) < 0 ||
	    (level = need_col(&t, c_level, err)) < 0 ||
	    (res = need_col(&t, c_res, err)) < 0 ||
	    (area = need_col(&t, c_area, err)) < 0)
		goto fail;
	fund = table_col(&t, c_fund);
	from = table_col(&t, c_from);
	to = table_col(&t, c_to);
	name = table_col(&t, c_name);
	free(r->groups);
	r->groups = NULL;
	r->ngroups = 0;
	memset(r->group_ix, 0, sizeof(r->group_ix));
	for (i = 0; i < t.nrows; i++) {
		char **row = t.rows[i];
		struct group *g;
		struct group_level *l;
		char cc[4];
		unsigned gi;

		if (norm_code(row[code], strlen(row[code]), cc, sizeof(cc)) !=
		    NORM_OK) {
			etl_errf(err, "'%s':%lu: bad group code", t.name,
				 LINE(&t, i));
			goto fail;
		}
		gi = ref_group(r, cc);
		if (gi == GROUP_NONE) {
			GROW(r->groups, cap, r->ngroups + 1);
			g = &r->groups[r->ngroups++];
			memset(g, 0, sizeof(*g));
			memcpy(g->code, cc, sizeof(cc));
			g->rank = atoi(row[rank]);
			g->funding = fund >= 0 ? atoi(row[fund]) : 0;
			g->residence_based = yes(row[res]);
			g->area_based = yes(row[area]);
			g->name_vi = name >= 0 ? row[name] : "";
			if (two_letters(cc))
				r->group_ix[(cc[0] - 'A') * 26 + cc[1] - 'A'] =
					(uint16_t)r->ngroups;
			if (g->rank <= 0) {
				etl_errf(err, "'%s':%lu: bad rank", t.name,
					 LINE(&t, i));
				goto fail;
			}
		} else {
			g = &r->groups[gi];
		}
		if (g->nlevels == 4) {
			etl_errf(err, "'%s':%lu: too many levels for %s",
				 t.name, LINE(&t, i), cc);
			goto fail;
		}
		l = &g->levels[g->nlevels++];
		if (norm_level(row[level], strlen(row[level]), &l->level) !=
			    NORM_OK ||
		    date_cell(&t, i, from, &l->from, err) < 0 ||
		    date_cell(&t, i, to, &l->to, err) < 0) {
			if (!err || !err->msg[0] || l->level == 0)
				etl_errf(err, "'%s':%lu: bad level or date",
					 t.name, LINE(&t, i));
			goto fail;
		}
	}
	table_release(&t);
	return group_names_build(r, err);
fail:
	table_release(&t);
	return -1;
}

unsigned ref_group(const struct ref *r, const char *code)
{
	size_t i;

	/* Every row looks its group up: the usual two letters index. */
	if (two_letters(code))
		return r->group_ix[(code[0] - 'A') * 26 + code[1] - 'A']
			       ? r->group_ix[(code[0] - 'A') * 26 + code[1] -
					     'A'] -
					 1u
			       : GROUP_NONE;
	for (i = 0; i < r->ngroups; i++)
		if (!strcmp(r->groups[i].code, code))
			return (unsigned)i;
	return GROUP_NONE;
}

/* The group a folded name names: found (group may be GROUP_NONE)? */
static const struct group_name *group_name_find(const struct ref *r,
						const char *folded)
{
	struct group_name key = { folded, 0 };
	size_t lo = 0, hi = r->ngroup_names;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(key.folded, r->group_names[mid].folded);

		if (!c)
			return &r->group_names[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* The longest cell looked up as a name (every name is far shorter). */
#define GROUP_NAME_MAX 255

/*
 * The group of a cell that starts with a code of the table: the code
 * (upper-cased letters of folded up to its first '_') g, unless what
 * follows it is the name of another group.
 */
static unsigned group_with_words(const struct ref *r, const char *folded,
				 unsigned g)
{
	const char *rest = strchr(folded, '_');
	const struct group_name *other;

	if (!rest)
		return g;
	other = group_name_find(r, rest + 1);
	return other && other->group != g ? GROUP_NONE : g;
}

/* A code of the table, then '(', '.', '-', ':' or an en dash: its group. */
static unsigned group_code_prefix(const struct ref *r, const char *s, size_t n)
{
	char code[4];
	size_t i = 0, k = 0;

	while (i < n && (s[i] == ' ' || s[i] == '\''))
		i++;
	while (i < n && k < 3 &&
	       ((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z')))
		code[k++] = (char)(s[i++] & ~0x20);
	code[k] = '\0';
	while (i < n && s[i] == ' ')
		i++;
	if (!k || i >= n)
		return GROUP_NONE;
	if (!strchr("(.-:", s[i]) &&
	    (n - i < 3 || memcmp(s + i, "\xe2\x80\x93", 3)))
		return GROUP_NONE;
	return ref_group(r, code);
}

unsigned ref_group_lookup(const struct ref *r, const char *s, size_t n,
			  int *named)
{
	char code[8], folded[2 * GROUP_NAME_MAX + 8];
	const struct group_name *gn;
	unsigned g = GROUP_NONE;
	size_t i;
	int dummy;

	if (!named)
		named = &dummy;
	*named = 0;
	if (norm_code(s, n, code, sizeof(code)) == NORM_OK)
		g = ref_group(r, code);
	if (g != GROUP_NONE && n == strlen(code) && !memcmp(s, code, n))
		return g; /* the code as it is written: most rows */
	if (n > GROUP_NAME_MAX)
		return g; /* a bare code with spaces around it, or nothing */
	fold_header(s, n, folded, sizeof(folded));
	if (g != GROUP_NONE) {
		for (i = 0; code[i]; i++)
			code[i] = (char)(code[i] | 0x20);
		if (!strcmp(folded, code))
			return g;
		/* "HN - Hộ nghèo": norm_code dropped the words */
		g = group_with_words(r, folded, g);
		*named = g != GROUP_NONE;
		return g;
	}
	gn = group_name_find(r, folded);
	if (gn) {
		*named = gn->group != GROUP_NONE;
		return gn->group;
	}
	g = group_code_prefix(r, s, n);
	if (g != GROUP_NONE)
		g = group_with_words(r, folded, g);
	*named = g != GROUP_NONE;
	return g;
}

/* Farther than any two cells can be. */
#define FAR (1u << 30)
/* Words of a folded cell or name compared, and their bytes, at most. */
#define WORDS_MAX 24
#define WORD_MAX  64

/* Levenshtein distance of a and b (each cut at WORD_MAX bytes). */
static unsigned edit_distance(const char *a, size_t na, const char *b,
			      size_t nb)
{
	unsigned row[WORD_MAX + 1];
	size_t i, j;

	na = na > WORD_MAX ? WORD_MAX : na;
	nb = nb > WORD_MAX ? WORD_MAX : nb;
	for (i = 0; i <= na; i++)
		row[i] = (unsigned)i;
	for (j = 1; j <= nb; j++) {
		unsigned diag = row[0];

		row[0] = (unsigned)j;
		for (i = 1; i <= na; i++) {
			unsigned up = row[i], d = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < d)
				d = up + 1;
			if (row[i - 1] + 1 < d)
				d = row[i - 1] + 1;
			diag = up;
			row[i] = d;
		}
	}
	return row[na];
}

/* The words of a folded string (split at '_'), WORDS_MAX at most. */
struct words {
	const char *w[WORDS_MAX];
	size_t len[WORDS_MAX];
	size_t n, letters;
};

static void split_words(const char *s, struct words *ws)
{
	ws->n = ws->letters = 0;
	while (*s && ws->n < WORDS_MAX) {
		size_t k = strcspn(s, "_");

		ws->w[ws->n] = s;
		ws->len[ws->n++] = k;
		ws->letters += k;
		s += k;
		s += *s == '_';
	}
}

/*
 * How far a cell's words are from a name's: each word of one to the
 * nearest word of the other, summed both ways (so word order does not
 * count, and a word only one of them has does).  No words: the name's
 * letters.
 */
static unsigned words_distance(const struct words *in, const struct words *nm)
{
	unsigned d[WORDS_MAX][WORDS_MAX], sum = 0;
	size_t i, j;

	if (!in->n)
		return (unsigned)nm->letters;
	for (i = 0; i < in->n; i++)
		for (j = 0; j < nm->n; j++)
			d[i][j] = edit_distance(in->w[i], in->len[i], nm->w[j],
						nm->len[j]);
	for (i = 0; i < in->n; i++) {
		unsigned low = FAR;

		for (j = 0; j < nm->n; j++)
			low = d[i][j] < low ? d[i][j] : low;
		sum += low;
	}
	for (j = 0; j < nm->n; j++) {
		unsigned low = FAR;

		for (i = 0; i < in->n; i++)
			low = d[i][j] < low ? d[i][j] : low;
		sum += low;
	}
	return sum;
}

void ref_group_nearest(const struct ref *r, const char *s, size_t n, char *out,
		       size_t outsz)
{
	char folded[2 * GROUP_NAME_MAX + 8];
	struct words in, nm;
	unsigned *d;
	size_t i, k, na, len = 0;

	if (!outsz)
		return;
	out[0] = '\0';
	if (!r->ngroups)
		return;
	fold_header(s, n > GROUP_NAME_MAX ? GROUP_NAME_MAX : n, folded,
		    sizeof(folded));
	na = strlen(folded);
	if (na > WORD_MAX)
		folded[na = WORD_MAX] = '\0';
	split_words(folded, &in);
	d = xmalloc(r->ngroups * sizeof(*d));
	for (i = 0; i < r->ngroups; i++) {
		char code[4];

		/* a short cell may be a code mistyped: "XY", "H N" */
		for (k = 0; k + 1 < sizeof(code) && r->groups[i].code[k]; k++)
			code[k] = (char)tolower(
				(unsigned char)r->groups[i].code[k]);
		code[k] = '\0';
		d[i] = na <= 5 ? edit_distance(folded, na, code, strlen(code))
			       : FAR;
	}
	for (i = 0; i < r->ngroup_names; i++) {
		const struct group_name *gn = &r->group_names[i];
		unsigned e;

		if (gn->group == GROUP_NONE)
			continue;
		split_words(gn->folded, &nm);
		e = words_distance(&in, &nm);
		if (e < d[gn->group])
			d[gn->group] = e;
	}
	for (k = 0; k < GROUP_NEAREST && k < r->ngroups; k++) {
		size_t best = 0, cl;

		for (i = 1; i < r->ngroups; i++)
			if (d[i] < d[best])
				best = i;
		cl = strlen(r->groups[best].code);
		if (len + (k ? 2 : 0) + cl + 1 > outsz)
			break;
		len += (size_t)snprintf(out + len, outsz - len, "%s%s",
					k ? ", " : "", r->groups[best].code);
		d[best] = FAR + 1; /* taken */
	}
	free(d);
}

static int date_in(const struct date *on, const struct date *from,
		   const struct date *to)
{
	if (from->prec && date_cmp(on, from) < 0)
		return 0;
	if (to->prec && date_cmp(on, to) > 0)
		return 0;
	return 1;
}

int ref_group_level(const struct ref *r, unsigned g, const struct date *on)
{
	const struct group *gr = &r->groups[g];
	int i;

	for (i = 0; i < gr->nlevels; i++)
		if (date_in(on, &gr->levels[i].from, &gr->levels[i].to))
			return gr->levels[i].level;
	return 0;
}

int level_better(int a, int b)
{
	/* best to worst: 5, 1, 2, 3, 4; 0 (none) is worst of all */
	static const int order[6] = { 9, 1, 2, 3, 4, 0 };

	return order[a] < order[b];
}

int ref_load_areas(struct ref *r, const char *path, struct etl_err *err)
{
	static const char *const c_commune[] = { "commune_code", "ma_xa",
						 NULL };
	static const char *const c_group[] = { "group_code", "ma_doi_tuong",
					       NULL };
	static const char *const c_from[] = { "valid_from", "tu_ngay", NULL };
	static const char *const c_to[] = { "valid_to", "den_ngay", NULL };
	struct table t;
	int commune, group, from, to;
	size_t i, cap = 0;

	if (table_read(&t, &r->arena, path, NULL, 0, err) < 0)
		return -1;
	if ((commune = need_col(&t, c_commune, err)) < 0 ||
	    (group = need_col(&t, c_group, err)) < 0)
		goto fail;
	from = table_col(&t, c_from);
	to = table_col(&t, c_to);
	for (i = 0; i < t.nrows; i++) {
		struct area *ar;
		char **row = t.rows[i];

		GROW(r->areas, cap, r->nareas + 1);
		ar = &r->areas[r->nareas++];
		if (commune_cell(&t, i, commune, ar->commune, err) < 0)
			goto fail;
		if (norm_code(row[group], strlen(row[group]), ar->group,
			      sizeof(ar->group)) != NORM_OK) {
			etl_errf(err, "'%s':%lu: bad group code", t.name,
				 LINE(&t, i));
			goto fail;
		}
		if (date_cell(&t, i, from, &ar->from, err) < 0 ||
		    date_cell(&t, i, to, &ar->to, err) < 0)
			goto fail;
	}
	table_release(&t);
	return 0;
fail:
	table_release(&t);
	return -1;
}

int ref_area_ok(const struct ref *r, const char *commune, const char *group,
		const struct date *on)
{
	size_t i;

	for (i = 0; i < r->nareas; i++)
		if (!strcmp(r->areas[i].commune, commune) &&
		    !strcmp(r->areas[i].group, group) &&
		    date_in(on, &r->areas[i].from, &r->areas[i].to))
			return 1;
	return 0;
}

static int cmp_code8(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

void ref_scope_set(struct ref *r, char (*codes)[COMMUNE_CODE_MAX + 1], size_t n)
{
	size_t i, k = 0;

	free(r->scope);
	r->scope = xmalloc(sizeof(*r->scope) * (n ? n : 1));
	if (n) {
		memcpy(r->scope, codes, sizeof(*r->scope) * n);
		qsort(r->scope, n, sizeof(*r->scope), cmp_code8);
	}
	for (i = 0; i < n; i++)
		if (!k || strcmp(r->scope[k - 1], r->scope[i]))
			memcpy(r->scope[k++], r->scope[i], sizeof(*r->scope));
	r->nscope = k;
}

int ref_load_scope(struct ref *r, const char *path, struct etl_err *err)
{
	static const char *const c_commune[] = { "commune_code", "ma_xa",
						 NULL };
	char(*codes)[COMMUNE_CODE_MAX + 1];
	struct table t;
	int commune;
	size_t i;

	if (table_read(&t, &r->arena, path, NULL, 0, err) < 0)
		return -1;
	if ((commune = need_col(&t, c_commune, err)) < 0) {
		table_release(&t);
		return -1;
	}
	codes = xmalloc(sizeof(*codes) * (t.nrows ? t.nrows : 1));
	for (i = 0; i < t.nrows; i++) {
		if (commune_cell(&t, i, commune, codes[i], err) < 0) {
			free(codes);
			table_release(&t);
			return -1;
		}
	}
	ref_scope_set(r, codes, t.nrows);
	free(codes);
	table_release(&t);
	return 0;
}

int ref_in_scope(const struct ref *r, const char *commune)
{
	if (!r->scope)
		return 1;
	return bsearch(commune, r->scope, r->nscope, sizeof(*r->scope),
		       cmp_code8) != NULL;
}

static int pct_cell(const struct table *t, size_t i, int col, double *out,
		    struct etl_err *err)
{
	const char *s;
	int rc;

	*out = -1;
	if (col < 0)
		return 0;
	s = t->rows[i][col];
	rc = norm_pct(s, strlen(s), out);
	if (rc == NORM_EMPTY) {
		*out = -1;
		return 0;
	}
	if (rc != NORM_OK)
		return etl_errf(err, "'%s':%lu: '%s' is not a percentage",
				t->name, LINE(t, i), t->header[col]);
	return 0;
}

/*
 * Row i of the targets table t (the target first + i) names a commune, or
 * TOTAL, that an earlier row named: only one of them could be used.
 */
static int target_twice(const struct ref *r, const struct table *t,
			size_t first, size_t i, struct etl_err *err)
{
	const char *c = r->targets[first + i].commune;
	size_t j;

	for (j = 0; j < i; j++)
		if (!strcmp(r->targets[first + j].commune, c))
			return etl_errf(err,
					"'%s':%lu: %s%s is given twice, on "
					"lines %lu and %lu",
					t->name, LINE(t, i),
					strcmp(c, "TOTAL") ? "commune " : "", c,
					LINE(t, j), LINE(t, i));
	return 0;
}

int ref_load_targets(struct ref *r, const char *path, struct etl_err *err)
{
	static const char *const c_commune[] = { "commune_code", "ma_xa",
						 NULL };
	static const char *const c_bhyt[] = { "bhyt_target_pct", NULL };
	static const char *const c_bhxh[] = { "bhxh_target_pct", NULL };
	static const char *const c_vol[] = { "bhxh_voluntary_target_pct",
					     NULL };
	static const char *const c_bhtn[] = { "bhtn_target_pct", NULL };
	static const char *const c_lf[] = { "labour_force", NULL };
	struct table t;
	int commune, bhyt, bhxh, vol, bhtn, lf;
	size_t i, cap = 0, first = r->ntargets;

	if (table_read(&t, &r->arena, path, NULL, 0, err) < 0)
		return -1;
	if ((commune = need_col(&t, c_commune, err)) < 0)
		goto fail;
	bhyt = table_col(&t, c_bhyt);
	bhxh = table_col(&t, c_bhxh);
	vol = table_col(&t, c_vol);
	bhtn = table_col(&t, c_bhtn);
	lf = table_col(&t, c_lf);
	for (i = 0; i < t.nrows; i++) {
		struct target *tg;
		char **row = t.rows[i];
		char *end;

		GROW(r->targets, cap, r->ntargets + 1);
		tg = &r->targets[r->ntargets++];
		if (commune_cell(&t, i, commune, tg->commune, err) < 0 ||
		    target_twice(r, &t, first, i, err) < 0)
			goto fail;
		if (pct_cell(&t, i, bhyt, &tg->bhyt, err) < 0 ||
		    pct_cell(&t, i, bhxh, &tg->bhxh, err) < 0 ||
		    pct_cell(&t, i, vol, &tg->bhxh_voluntary, err) < 0 ||
		    pct_cell(&t, i, bhtn, &tg->bhtn, err) < 0)
			goto fail;
		tg->labour_force = -1;
		if (lf >= 0 && row[lf][0]) {
			tg->labour_force = strtol(row[lf], &end, 10);
			if (*end || tg->labour_force < 0) {
				etl_errf(err,
					 "'%s':%lu: labour_force is not a "
					 "number",
					 t.name, LINE(&t, i));
				goto fail;
			}
		}
	}
	table_release(&t);
	return 0;
fail:
	table_release(&t);
	return -1;
}

static int unit_cmp(const void *a, const void *b)
{
	return strcmp(((const struct unit *)a)->code,
		      ((const struct unit *)b)->code);
}

/* Cell col of row (a copy in r's arena), "" when the column is absent. */
static const char *unit_cell(struct ref *r, char **row, int col)
{
	return col >= 0 ? arena_strdup(&r->arena, row[col]) : "";
}

int ref_load_units(struct ref *r, const char *path, struct etl_err *err)
{
	static const char *const names[][3] = {
		{ "unit_code", "ma_don_vi", NULL },
		{ "unit_name", "ten_don_vi", NULL },
		{ "kind", "loai", NULL },
		{ "address", "dia_chi", NULL },
		{ "tax_code", "ma_so_thue", NULL },
		{ "phone", "dien_thoai", NULL },
		{ "email", NULL, NULL },
		{ "commune_code", "ma_xa", NULL },
	};
	int col[8], k;
	struct table t;
	size_t i, cap = 0;

	if (table_read(&t, &r->arena, path, NULL, 0, err) < 0)
		return -1;
	if ((col[0] = need_col(&t, names[0], err)) < 0)
		goto fail;
	for (k = 1; k < 8; k++)
		col[k] = table_col(&t, names[k]);
	for (i = 0; i < t.nrows; i++) {
		char **row = t.rows[i];
		struct unit *u;

		if (!row[col[0]][0]) {
			etl_errf(err, "'%s':%lu: empty unit_code", t.name,
				 LINE(&t, i));
			goto fail;
		}
		GROW(r->units, cap, r->nunits + 1);
		u = &r->units[r->nunits++];
		memset(u, 0, sizeof(*u));
		u->code = unit_cell(r, row, col[0]);
		u->name = unit_cell(r, row, col[1]);
		u->kind = unit_cell(r, row, col[2]);
		u->address = unit_cell(r, row, col[3]);
		u->tax_code = unit_cell(r, row, col[4]);
		u->phone = unit_cell(r, row, col[5]);
		u->email = unit_cell(r, row, col[6]);
		if (col[7] >= 0 && row[col[7]][0] &&
		    commune_cell(&t, i, col[7], u->commune, err) < 0)
			goto fail;
	}
	if (r->nunits)
		qsort(r->units, r->nunits, sizeof(*r->units), unit_cmp);
	for (i = 1; i < r->nunits; i++)
		if (!strcmp(r->units[i].code, r->units[i - 1].code)) {
			etl_errf(err, "'%s': unit_code given twice", t.name);
			goto fail;
		}
	table_release(&t);
	return 0;
fail:
	table_release(&t);
	return -1;
}

const struct unit *ref_unit(const struct ref *r, const char *code)
{
	struct unit key = { 0 };

	if (!r->nunits || !code || !*code)
		return NULL;
	key.code = code;
	return bsearch(&key, r->units, r->nunits, sizeof(*r->units), unit_cmp);
}

const struct target *ref_target(const struct ref *r, const char *commune)
{
	size_t i;

	for (i = 0; i < r->ntargets; i++)
		if (!strcmp(r->targets[i].commune, commune))
			return &r->targets[i];
	return NULL;
}

static int cmp_commune(const void *a, const void *b)
{
	const struct commune_name *x = a, *y = b;
	int c = strcmp(x->code, y->code);

	return c ? c : date_cmp(&x->from, &y->from);
}

int ref_load_communes(struct ref *r, const char *path, struct etl_err *err)
{
	static const char *const c_code[] = { "code", "commune_code", NULL };
	static const char *const c_name[] = { "name", "commune_name", NULL };
	static const char *const c_from[] = { "valid_from", NULL };
	static const char *const c_to[] = { "valid_to", NULL };
	struct table t;
	int code, name, from, to;
	size_t i;

	if (table_read(&t, &r->arena, path ? path : "communes.csv (shipped)",
		       path ? NULL : refdata_communes_csv,
		       refdata_communes_csv_len, err) < 0)
		return -1;
	if ((code = need_col(&t, c_code, err)) < 0 ||
	    (name = need_col(&t, c_name, err)) < 0)
		goto fail;
	from = table_col(&t, c_from);
	to = table_col(&t, c_to);
	r->communes = xmalloc(sizeof(*r->communes) * (t.nrows ? t.nrows : 1));
	for (i = 0; i < t.nrows; i++) {
		struct commune_name *c = &r->communes[i];

		c->name = t.rows[i][name];
		if (commune_cell(&t, i, code, c->code, err) < 0 ||
		    date_cell(&t, i, from, &c->from, err) < 0 ||
		    date_cell(&t, i, to, &c->to, err) < 0)
			goto fail;
	}
	r->ncommunes = t.nrows;
	qsort(r->communes, r->ncommunes, sizeof(*r->communes), cmp_commune);
	table_release(&t);
	return 0;
fail:
	table_release(&t);
	return -1;
}

/* Index of the first row of code in r->communes (or where it would be). */
static size_t commune_first(const struct ref *r, const char *code)
{
	size_t lo = 0, hi = r->ncommunes, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (strcmp(r->communes[mid].code, code) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const char *ref_commune_name(const struct ref *r, const char *code,
			     const struct date *on)
{
	size_t lo = commune_first(r, code);
	const char *any = "";

	for (; lo < r->ncommunes && !strcmp(r->communes[lo].code, code); lo++) {
		any = r->communes[lo].name;
		if (date_in(on, &r->communes[lo].from, &r->communes[lo].to))
			return any;
	}
	return any;
}

/* One (old, new) link of the 2025 mapping, while loading it. */
struct commune_link {
	char old_code[COMMUNE_CODE_MAX + 1];
	char new_code[COMMUNE_CODE_MAX + 1];
};

static int cmp_link(const void *a, const void *b)
{
	const struct commune_link *x = a, *y = b;
	int c = strcmp(x->old_code, y->old_code);

	return c ? c : strcmp(x->new_code, y->new_code);
}

/* Read the links of table t; -1 with err naming the first bad cell. */
static int read_links(const struct table *t, struct commune_link *links,
		      struct etl_err *err)
{
	static const char *const c_old[] = { "old_code", NULL };
	static const char *const c_new[] = { "new_code", NULL };
	int old_col, new_col;
	size_t i;

	if ((old_col = need_col(t, c_old, err)) < 0 ||
	    (new_col = need_col(t, c_new, err)) < 0)
		return -1;
	for (i = 0; i < t->nrows; i++)
		if (commune_cell(t, i, old_col, links[i].old_code, err) < 0 ||
		    commune_cell(t, i, new_col, links[i].new_code, err) < 0)
			return -1;
	return 0;
}

/* Group n sorted links (duplicates dropped) into r's mapping arrays. */
static void group_links(struct ref *r, const struct commune_link *links,
			size_t n)
{
	size_t i, k;

	r->moves = xmalloc(sizeof(*r->moves) * (n ? n : 1));
	r->moved_to = xmalloc(sizeof(*r->moved_to) * (n ? n : 1));
	r->new_codes = xmalloc(sizeof(*r->new_codes) * (n ? n : 1));
	r->nmoves = r->nmoved_to = 0;
	for (i = 0; i < n; i++) {
		struct commune_move *m =
			r->nmoves ? &r->moves[r->nmoves - 1] : NULL;

		if (i && !cmp_link(&links[i - 1], &links[i]))
			continue;
		if (!m || strcmp(m->old_code, links[i].old_code)) {
			m = &r->moves[r->nmoves++];
			memcpy(m->old_code, links[i].old_code,
			       sizeof(m->old_code));
			m->first = (uint32_t)r->nmoved_to;
			m->n = 0;
		}
		memcpy(r->moved_to[r->nmoved_to++], links[i].new_code,
		       sizeof(*r->moved_to));
		m->n++;
	}
	memcpy(r->new_codes, r->moved_to, sizeof(*r->new_codes) * r->nmoved_to);
	qsort(r->new_codes, r->nmoved_to, sizeof(*r->new_codes), cmp_code8);
	for (i = k = 0; i < r->nmoved_to; i++)
		if (!k || strcmp(r->new_codes[k - 1], r->new_codes[i]))
			memcpy(r->new_codes[k++], r->new_codes[i],
			       sizeof(*r->new_codes));
	r->nnew_codes = k;
}

int ref_load_commune_map(struct ref *r, const char *path, struct etl_err *err)
{
	struct commune_link *links;
	struct table t;

	if (table_read(&t, &r->arena,
		       path ? path : "commune-map-2025.csv (shipped)",
		       path ? NULL : refdata_commune_map_2025_csv,
		       refdata_commune_map_2025_csv_len, err) < 0)
		return -1;
	links = xmalloc(sizeof(*links) * (t.nrows ? t.nrows : 1));
	if (read_links(&t, links, err) < 0) {
		free(links);
		table_release(&t);
		return -1;
	}
	qsort(links, t.nrows, sizeof(*links), cmp_link);
	free(r->moves);
	free(r->moved_to);
	free(r->new_codes);
	group_links(r, links, t.nrows);
	free(links);
	table_release(&t);
	return 0;
}

struct date commune_reform_day(void)
{
	return date_make(2025, 7, 1);
}

/* Does communes.csv have code on date on? */
static int commune_valid_on(const struct ref *r, const char *code,
			    const struct date *on)
{
	size_t lo = commune_first(r, code);

	for (; lo < r->ncommunes && !strcmp(r->communes[lo].code, code); lo++)
		if (date_in(on, &r->communes[lo].from, &r->communes[lo].to))
			return 1;
	return 0;
}

static int cmp_move(const void *key, const void *m)
{
	return strcmp(key, ((const struct commune_move *)m)->old_code);
}

enum commune_on ref_commune_on(const struct ref *r, const char *code,
			       const struct date *on,
			       char out[COMMUNE_CODE_MAX + 1],
			       struct commune_cands *cands)
{
	struct date reform = commune_reform_day();
	const struct commune_move *m;
	int before = date_cmp(on, &reform) < 0;

	snprintf(out, COMMUNE_CODE_MAX + 1, "%s", code);
	if (cands) {
		cands->codes = NULL;
		cands->n = 0;
	}
	if (commune_valid_on(r, code, on) ||
	    (!before && r->nnew_codes &&
	     bsearch(code, r->new_codes, r->nnew_codes, sizeof(*r->new_codes),
		     cmp_code8)))
		return COMMUNE_ON_SAME;
	m = r->nmoves ? bsearch(code, r->moves, r->nmoves, sizeof(*r->moves),
				cmp_move)
		      : NULL;
	if (!m)
		return COMMUNE_ON_UNKNOWN;
	if (before)
		return COMMUNE_ON_SAME;
	if (cands) {
		cands->codes = (const char(*)[COMMUNE_CODE_MAX + 1])(
			r->moved_to + m->first);
		cands->n = m->n;
	}
	if (m->n > 1)
		return COMMUNE_ON_SPLIT;
	/* (a new code is valid above, so it differs from code) */
	memcpy(out, r->moved_to[m->first], COMMUNE_CODE_MAX + 1);
	return COMMUNE_ON_TRANSLATED;
}

int ref_commune_pick(const struct commune_cands *cands, const char *residence,
		     char out[COMMUNE_CODE_MAX + 1])
{
	size_t i;

	out[0] = '\0';
	for (i = 0; i < cands->n; i++)
		if (!strcmp(cands->codes[i], residence)) {
			memcpy(out, cands->codes[i], COMMUNE_CODE_MAX + 1);
			return 1;
		}
	return 0;
}

/*
 * A reference file's commune code on a date: translated when the mapping
 * says so; a split one stays (it matches no row: rows keep theirs too).
 * 1 if code changed.
 */
static int ref_code_on(const struct ref *r, char code[COMMUNE_CODE_MAX + 1],
		       const struct date *on)
{
	char now[COMMUNE_CODE_MAX + 1];

	if (!strcmp(code, "TOTAL") ||
	    ref_commune_on(r, code, on, now, NULL) != COMMUNE_ON_TRANSLATED)
		return 0;
	memcpy(code, now, sizeof(now));
	return 1;
}

/* The targets on a date: a commune's own code before a translated one. */
static void targets_on(struct ref *r, const struct date *on)
{
	struct target *moved;
	size_t i, k = 0, nm = 0;

	moved = xmalloc(sizeof(*moved) * (r->ntargets ? r->ntargets : 1));
	for (i = 0; i < r->ntargets; i++) {
		if (ref_code_on(r, r->targets[i].commune, on))
			moved[nm++] = r->targets[i];
		else
			r->targets[k++] = r->targets[i];
	}
	if (nm) /* r->targets may be NULL: no targets file */
		memcpy(r->targets + k, moved, sizeof(*moved) * nm);
	free(moved);
}

void ref_communes_on(struct ref *r, const struct date *on)
{
	struct commune_cands cands;
	char(*codes)[COMMUNE_CODE_MAX + 1];
	char now[COMMUNE_CODE_MAX + 1];
	size_t i, j, n = 0, cap;

	if (!r->nmoves)
		return;
	for (i = 0; i < r->nareas; i++)
		(void)ref_code_on(r, r->areas[i].commune, on);
	targets_on(r, on);
	if (!r->scope)
		return;
	cap = r->nscope * 5 + 1; /* a split goes into 5 at most */
	codes = xmalloc(sizeof(*codes) * cap);
	for (i = 0; i < r->nscope; i++) {
		switch (ref_commune_on(r, r->scope[i], on, now, &cands)) {
		case COMMUNE_ON_SPLIT:
			for (j = 0; j < cands.n; j++) {
				GROW(codes, cap, n + 1);
				memcpy(codes[n++], cands.codes[j], sizeof(now));
			}
			break;
		default: /* now: the code itself unless translated */
			GROW(codes, cap, n + 1);
			memcpy(codes[n++], now, sizeof(now));
		}
	}
	ref_scope_set(r, codes, n);
	free(codes);
}
