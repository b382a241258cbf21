/*
 * hdrpick.c: the header row of an input, among its first rows, alone or
 * joined with the row above (see hdrpick.h).
 */
#include "hdrpick.h"
#include "norm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void hdrpick_init(struct hdrpick *h, enum kind k, unsigned given)
{
	memset(h, 0, sizeof(*h));
	h->kind = k;
	h->map.given = given;
	sb_init(&h->text, 0);
	sb_init(&h->prev, 0);
	h->best_missing = -1;
}

void hdrpick_release(struct hdrpick *h)
{
	sb_release(&h->text);
	sb_release(&h->prev);
	free(h->toff);
	free(h->poff);
	memset(h, 0, sizeof(*h));
}

const char *hdrpick_text(const struct hdrpick *h, int c)
{
	return c >= 0 && c < h->ntext ? h->text.buf + h->toff[c] : "";
}

/* Keep the cells in sb, off[i] where cell i starts (NUL after each). */
static void keep(struct strbuf *sb, size_t **off, int *cap, int n,
		 const char *const *cells, const size_t *lens)
{
	int i;

	if (n > *cap) {
		*off = xrealloc(*off, (size_t)n * sizeof(**off));
		*cap = n;
	}
	sb_reset(sb);
	for (i = 0; i < n; i++) {
		(*off)[i] = sb->len;
		sb_add(sb, cells[i], lens[i]);
		sb_addc(sb, '\0');
	}
}

static int blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			return 0;
	return 1;
}

/*
 * The header of column i joined from the row above (top) and this one:
 * a cell empty below was merged down (the top's text); a sub-header that
 * names a field alone is that field ("Nữ" under "Giới tính"); else the
 * group's text (carried right over its merged cells) and the sub-header.
 */
static void join_cell(struct strbuf *sb, const char *top, const char *group,
		      const char *bot, size_t blen)
{
	if (blank(bot, blen)) {
		sb_adds(sb, top);
	} else if (field_from_header(bot, blen) != F_UNKNOWN || !group[0]) {
		sb_add(sb, bot, blen);
	} else {
		sb_adds(sb, group);
		sb_addc(sb, ' ');
		sb_add(sb, bot, blen);
	}
	sb_addc(sb, '\0');
}

/* Try the row joined with the one above: 1 when it is the header. */
static int try_joined(struct hdrpick *h, int n, const char *const *cells,
		      const size_t *lens, char *msg)
{
	struct strbuf sb;
	size_t *off;
	const char **jc;
	size_t *jl;
	const char *group = "";
	int i, m = n > h->pn ? n : h->pn, missing;

	sb_init(&sb, 0);
	off = xmalloc((size_t)m * sizeof(*off));
	for (i = 0; i < m; i++) {
		const char *top = i < h->pn ? h->prev.buf + h->poff[i] : "";
		const char *bot = i < n ? cells[i] : "";
		size_t bl = i < n ? lens[i] : 0;

		if (!blank(top, strlen(top)))
			group = top;
		else if (blank(bot, bl))
			group = "";
		off[i] = sb.len;
		join_cell(&sb, top, blank(top, strlen(top)) ? group : top, bot,
			  bl);
	}
	jc = xmalloc((size_t)m * sizeof(*jc));
	jl = xmalloc((size_t)m * sizeof(*jl));
	for (i = 0; i < m; i++) {
		jc[i] = sb.buf + off[i];
		jl[i] = strlen(jc[i]);
	}
	colmap_fill(&h->map, m, jc, jl);
	missing = colmap_missing(&h->map, h->kind, msg, COLMAP_MSG_MAX);
	if (!missing) {
		keep(&h->text, &h->toff, &h->tcap, m, jc, jl);
		h->ntext = m;
	}
	free(jc);
	free(jl);
	free(off);
	sb_release(&sb);
	return !missing;
}

int hdrpick_try(struct hdrpick *h, int n, const char *const *cells,
		const size_t *lens, unsigned long line)
{
	char msg[COLMAP_MSG_MAX];
	int missing;

	colmap_fill(&h->map, n, cells, lens);
	missing = colmap_missing(&h->map, h->kind, msg, sizeof(msg));
	if (!missing) {
		keep(&h->text, &h->toff, &h->tcap, n, cells, lens);
		h->ntext = n;
		h->line = line;
		h->rows = 1;
		h->under = 0;
		h->footer = 0;
		return 1;
	}
	if (h->best_missing < 0 || missing < h->best_missing) {
		h->best_missing = missing;
		h->best_line = line;
		snprintf(h->best_msg, sizeof(h->best_msg), "%s", msg);
	}
	if (h->pn && try_joined(h, n, cells, lens, msg)) {
		h->line = line;
		h->rows = 2; /* the row above, counted in tried, is its top */
		h->under = 0;
		h->footer = 0;
		return 1;
	}
	keep(&h->prev, &h->poff, &h->pcap, n, cells, lens);
	h->pn = n;
	h->prev_line = line;
	h->tried++;
	return 0;
}

int hdrpick_fail(const struct hdrpick *h, const char *path, struct etl_err *err)
{
	if (h->best_missing < 0)
		return etl_errf(err, "'%s': %s input: no header row", path,
				kind_name(h->kind));
	return etl_errf(err,
			"'%s':%lu: %s input: no header row among the first "
			"%u rows; the nearest, row %lu, has %s (the header "
			"need not be on row 1)",
			path, h->best_line, kind_name(h->kind), HDRPICK_ROWS,
			h->best_line, h->best_msg);
}

/* A cell of a numbering row: "3", "(3)", "[3]" or a single letter. */
static int numbering_cell(const char *s, size_t n)
{
	size_t i = 0, d = 0;

	while (n && (s[n - 1] == ' '))
		n--;
	while (i < n && s[i] == ' ')
		i++;
	if (n - i == 1 &&
	    ((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z')))
		return 1;
	if (i < n && (s[i] == '(' || s[i] == '[')) {
		i++;
		if (n - i < 2 || (s[n - 1] != ')' && s[n - 1] != ']'))
			return 0;
		n--;
	}
	for (; i < n; i++, d++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return d > 0 && d <= 3;
}

int hdrpick_numbering(int n, const char *const *cells, const size_t *lens)
{
	int i, filled = 0;

	for (i = 0; i < n; i++) {
		if (blank(cells[i], lens[i]))
			continue;
		if (!numbering_cell(cells[i], lens[i]))
			return 0;
		filled++;
	}
	return filled >= 2;
}

/* Does cell s hold a digit, or a run of at least 9 digits (run = 9)? */
static int has_digits(const char *s, size_t n, size_t run)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		k = s[i] >= '0' && s[i] <= '9' ? k + 1 : 0;
		if (k >= run)
			return 1;
	}
	return 0;
}

/* A sub-header row under a header found alone (hdrpick_row). */
static int subheader(struct hdrpick *h, int n, const char *const *cells,
		     const size_t *lens)
{
	struct colmap saved = h->map;
	char msg[COLMAP_MSG_MAX];
	const char **top;
	size_t *tl;
	int i, f, named = 0, fresh = 0, ok;

	if (h->rows != 1)
		return 0;
	for (i = 0; i < n; i++) {
		if (blank(cells[i], lens[i]))
			continue;
		if (has_digits(cells[i], lens[i], 1))
			return 0;
		f = field_from_header(cells[i], lens[i]);
		if (f == F_UNKNOWN)
			return 0;
		named++;
		if (f >= 0 && f < F_NFIELDS && saved.col[f] < 0)
			fresh++;
	}
	if (!named || !fresh)
		return 0;
	/* join it under the header as hdrpick_try joins two rows */
	top = xmalloc((size_t)h->ntext * sizeof(*top) + 1);
	tl = xmalloc((size_t)h->ntext * sizeof(*tl) + 1);
	for (i = 0; i < h->ntext; i++) {
		top[i] = hdrpick_text(h, i);
		tl[i] = strlen(top[i]);
	}
	keep(&h->prev, &h->poff, &h->pcap, h->ntext, top, tl);
	h->pn = h->ntext;
	free(top);
	free(tl);
	ok = try_joined(h, n, cells, lens, msg);
	if (!ok) {
		h->map = saved;
		return 0;
	}
	h->rows = 2;
	h->tried++; /* the top row counts as a title row, as in hdrpick_try */
	return 1;
}

/* The folded text of a row's first non-empty cell (fold_header). */
static void first_text(int n, const char *const *cells, const size_t *lens,
		       char *out, size_t outsz)
{
	int i;
	size_t k;

	out[0] = '\0';
	for (i = 0; i < n; i++)
		if (!blank(cells[i], lens[i])) {
			/* digits alone (a number, an ID: most rows) fold to
			   themselves and name no footer: leave out[] empty */
			for (k = 0; k < lens[i]; k++)
				if ((cells[i][k] < '0' || cells[i][k] > '9') &&
				    cells[i][k] != ' ')
					break;
			if (k < lens[i])
				fold_header(cells[i], lens[i], out, outsz);
			return;
		}
}

/* A word of a footer line, folded, with its length. */
struct word {
	const char *s;
	size_t n;
};
#define WORD(lit)                                                              \
	{                                                                      \
		lit, sizeof(lit) - 1                                           \
	}

/* Does folded text t start with word w (whole words)?  The first byte
   first: this runs on every row whose first cell is text. */
static int starts_word(const char *t, const struct word *w)
{
	return t[0] == w->s[0] && !strncmp(t, w->s, w->n) &&
	       (t[w->n] == '\0' || t[w->n] == '_');
}

/* A totals or signature line, folded (hdrpick_row). */
static int footer_text(const char *t)
{
	static const struct word words[] = {
		WORD("tong_cong"),  WORD("tong_so"),	WORD("cong"),
		WORD("nguoi_lap"),  WORD("lap_bieu"),	WORD("ke_toan"),
		WORD("thu_truong"), WORD("giam_doc"),	WORD("chu_tich"),
		WORD("xac_nhan"),   WORD("can_bo_thu"), WORD("ky_ten"),
		WORD("ky_ghi_ro"),  WORD("ky"),		WORD("tm"),
		WORD("kt"),	    WORD("dai_dien"),	WORD("ngay"),
	};
	size_t i;

	if (strstr(t, "_thang_") && strstr(t, "_nam"))
		return 1; /* "Càng Long, ngày 15 tháng 3 năm 2024" */
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (starts_word(t, &words[i]) &&
		    (strcmp(words[i].s, "ngay") || strstr(t, "thang")))
			return 1;
	return 0;
}

/*
 * No run of 9 digits anywhere and no date of birth (the birth date's cell
 * empty or not a date: a signature line may sit in that column): could be
 * a footer row.
 */
static int no_person(const struct hdrpick *h, int n, const char *const *cells,
		     const size_t *lens)
{
	int i, dob = h->map.col[F_DOB];
	unsigned flags = 0;
	struct date d;

	for (i = 0; i < n; i++)
		if (has_digits(cells[i], lens[i], 9))
			return 0;
	return dob < 0 || dob >= n ||
	       norm_date(cells[dob], lens[dob], &d, &flags) != NORM_OK;
}

enum hdr_row hdrpick_row(struct hdrpick *h, int n, const char *const *cells,
			 const size_t *lens, unsigned long line)
{
	char t[64];
	unsigned long k = h->under++;

	if (k == 0 && subheader(h, n, cells, lens)) {
		h->line = line;
		h->under = 0; /* a numbering row may follow the sub-header */
		return HDR_ROW_SUBHEADER;
	}
	if (k == 0 && hdrpick_numbering(n, cells, lens))
		return HDR_ROW_NUMBERING;
	/* before the footer, the cheap test first: most rows of a table
	   open with a number or a name, not a totals or signature line */
	if (!h->footer) {
		first_text(n, cells, lens, t, sizeof(t));
		if (!footer_text(t))
			return HDR_ROW_DATA;
	}
	if (!no_person(h, n, cells, lens))
		return HDR_ROW_DATA;
	h->footer = 1;
	return HDR_ROW_FOOTER;
}

void hdrpick_row_rejected(struct hdrpick *h)
{
	h->under++;
}
