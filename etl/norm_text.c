/*
 * norm_text.c: the small worded fields (rules.md R3, contract in norm.h): sex,
 * benefit level, percentage, registry life status, enrolled schemes, and
 * the header folding the worded fields and the column aliases are matched
 * through; also the names of the NF_* flags.
 *
 * Where the spec is silent the choice is written next to the code (and in
 * the project docs): "1" vs "1.0" as a percentage.
 */
#include "norm.h"
#include "norm_int.h"

#include <utf8proc.h>

#include <string.h>

/* --- header folding --- */

/* Unicode categories L* and N*. */
static int is_letter_or_number(int32_t cp)
{
	utf8proc_category_t c = utf8proc_category(cp);

	return (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO) ||
	       (c >= UTF8PROC_CATEGORY_ND && c <= UTF8PROC_CATEGORY_NO);
}

void fold_header(const char *s, size_t n, char *out, size_t outsz)
{
	struct obuf o = { out, 0, outsz, 0 };
	size_t i = 0;
	int sep = 0;

	if (!outsz)
		return;
	while (i < n && !o.full) {
		char b[5];
		size_t bl;
		int32_t cp;
		int a;

		if (utf8_next(s, n, &i, &cp) < 0) {
			i++;
			sep = 1;
			continue;
		}
		a = ascii_base(cp);
		if (a < 0)
			continue; /* a combining mark: part of its letter */
		if (a > 0) {
			b[1] = (char)to_lower(a);
			bl = 1;
		} else if (cp >= 0x80 && is_letter_or_number(cp)) {
			bl = utf8_encode(utf8proc_tolower(cp), b + 1);
		} else {
			sep = 1;
			continue;
		}
		b[0] = '_';
		if (sep && o.len)
			ob_put(&o, b, bl + 1);
		else
			ob_put(&o, b + 1, bl);
		sep = 0;
	}
	ob_end(&o);
}

/* --- worded fields --- */

/* A word of a worded field as fold_header writes it, and what it means. */
struct word {
	const char *folded;
	int value;
};

/*
 * What the cell (s, n) means by words[0..nw): 1 with it in *value, or 0
 * when the folded cell is none of them (a cell over 96 bytes never is).
 */
static int fold_find(const char *s, size_t n, const struct word *words,
		     size_t nw, int *value)
{
	char f[48];
	size_t i;

	if (n > 96)
		return 0;
	fold_header(s, n, f, sizeof(f));
	for (i = 0; i < nw; i++) {
		if (!strcmp(f, words[i].folded)) {
			*value = words[i].value;
			return 1;
		}
	}
	return 0;
}

/* 1/2 is a common encoding too (rules.md R3.7): 2 is Nữ. */
int norm_sex(const char *s, size_t n, int checkbox, char *out)
{
	static const struct word words[] = {
		/* a man */
		{ "nam", 'M' },
		{ "m", 'M' },
		{ "male", 'M' },
		{ "1", 'M' },
		{ "nam_gioi", 'M' },
		/* a woman */
		{ "nu", 'F' },
		{ "f", 'F' },
		{ "female", 'F' },
		{ "0", 'F' },
		{ "2", 'F' },
		{ "nu_gioi", 'F' },
	};
	static const struct word ticks[] = {
		/* ticked: a woman */
		{ "x", 'F' },
		{ "1", 'F' },
		{ "true", 'F' },
		{ "yes", 'F' },
		{ "co", 'F' },
		/* not ticked: a man */
		{ "0", 'M' },
		{ "false", 'M' },
		{ "no", 'M' },
		{ "khong", 'M' },
	};
	int v;

	*out = 0;
	cell_trim(&s, &n);
	if (checkbox) {
		/* x, 1 (and ✓ ✔ ☑ ☒) mark a woman; blank, 0 a man */
		if (!n) {
			*out = 'M';
			return NORM_OK;
		}
		if (n == 3 && (!memcmp(s, "\xe2\x9c\x93", 3) ||
			       !memcmp(s, "\xe2\x9c\x94", 3) ||
			       !memcmp(s, "\xe2\x98\x91", 3) ||
			       !memcmp(s, "\xe2\x98\x92", 3))) {
			*out = 'F';
			return NORM_OK;
		}
		if (fold_find(s, n, ticks, ARRAY_SIZE(ticks), &v)) {
			*out = (char)v;
			return NORM_OK;
		}
	} else if (!n) {
		return NORM_EMPTY;
	}
	if (!fold_find(s, n, words, ARRAY_SIZE(words), &v))
		return NORM_BAD;
	*out = (char)v;
	return NORM_OK;
}

/* "4", " 4 ", "4.0" or "4,00" (a float export), "Mức 4". */
int norm_level(const char *s, size_t n, int *out)
{
	static const struct word muc[] = { { "muc", 0 } };
	size_t i;
	int v;

	*out = 0;
	cell_trim(&s, &n);
	if (!n)
		return NORM_EMPTY;
	if (n > 24)
		return NORM_BAD;
	if (!is_digit(s[0])) {
		size_t sp = n;

		while (sp > 0 && s[sp - 1] != ' ')
			sp--;
		if (!sp || !fold_find(s, sp, muc, ARRAY_SIZE(muc), &v))
			return NORM_BAD;
		s += sp;
		n -= sp;
	}
	if (!n || s[0] < '1' || s[0] > '5')
		return NORM_BAD;
	if (n > 1) {
		if ((s[1] != '.' && s[1] != ',') || n == 2)
			return NORM_BAD;
		for (i = 2; i < n; i++)
			if (s[i] != '0')
				return NORM_BAD;
	}
	*out = s[0] - '0';
	return NORM_OK;
}

/*
 * Percentages: "95", "95%", "95,00%", "95.5", "0.95".  Without '%', a
 * value written with a decimal mark and at most 1 is a fraction ("0.95",
 * "1.0" is 100); "1" is 1 %.  0 to 100 only.
 */
int norm_pct(const char *s, size_t n, double *out)
{
	static const double pow10[] = { 1,    10,   100,  1e3, 1e4,  1e5,
					1e6,  1e7,  1e8,  1e9, 1e10, 1e11,
					1e12, 1e13, 1e14, 1e15 };
	unsigned long long mant = 0;
	size_t i, nd = 0, frac = 0;
	int pct = 0, point = 0;
	double v;

	*out = 0;
	cell_trim(&s, &n);
	if (!n)
		return NORM_EMPTY;
	if (s[n - 1] == '%') {
		pct = 1;
		n--;
		cell_trim(&s, &n);
	}
	for (i = 0; i < n; i++) {
		if (is_digit(s[i])) {
			if (++nd > 15)
				return NORM_BAD;
			mant = mant * 10 + (unsigned)(s[i] - '0');
			frac += (size_t)point;
		} else if ((s[i] == '.' || s[i] == ',') && !point) {
			point = 1;
		} else {
			return NORM_BAD;
		}
	}
	if (!nd)
		return NORM_BAD;
	v = (double)mant / pow10[frac];
	if (!pct && point && v <= 1.0)
		v = frac >= 2 ? (double)mant / pow10[frac - 2]
			      : (double)mant * pow10[2 - frac];
	if (v > 100.0)
		return NORM_BAD;
	*out = v;
	return NORM_OK;
}

/* Any case, with or without diacritics; empty is alive (NORM_OK). */
int norm_status(const char *s, size_t n, int *out)
{
	static const struct word words[] = {
		{ "con_song", STATUS_ALIVE },
		{ "song", STATUS_ALIVE },
		{ "dang_song", STATUS_ALIVE },
		{ "binh_thuong", STATUS_ALIVE },
		{ "alive", STATUS_ALIVE },
		{ "living", STATUS_ALIVE },
		{ "da_chet", STATUS_DEAD },
		{ "chet", STATUS_DEAD },
		{ "da_mat", STATUS_DEAD },
		{ "mat", STATUS_DEAD },
		{ "tu_vong", STATUS_DEAD },
		{ "da_tu_vong", STATUS_DEAD },
		{ "qua_doi", STATUS_DEAD },
		{ "da_qua_doi", STATUS_DEAD },
		{ "dead", STATUS_DEAD },
		{ "deceased", STATUS_DEAD },
		{ "died", STATUS_DEAD },
		{ "mat_tich", STATUS_MISSING },
		{ "da_mat_tich", STATUS_MISSING },
		{ "missing", STATUS_MISSING },
		{ "chuyen_di", STATUS_MOVED },
		{ "da_chuyen_di", STATUS_MOVED },
		{ "chuyen_khau", STATUS_MOVED },
		{ "da_chuyen_khau", STATUS_MOVED },
		{ "chuyen_noi_khac", STATUS_MOVED },
		{ "moved", STATUS_MOVED },
		{ "moved_away", STATUS_MOVED },
	};

	*out = STATUS_ALIVE;
	cell_trim(&s, &n);
	if (!n)
		return NORM_OK;
	if (!fold_find(s, n, words, ARRAY_SIZE(words), out))
		return NORM_BAD;
	return NORM_OK;
}

/* A bare "BHXH" is the compulsory scheme. */
int norm_schemes(const char *s, size_t n, unsigned *out)
{
	static const struct word words[] = {
		{ "bhxh_bat_buoc", SCHEME_BHXH },
		{ "bhxh_bb", SCHEME_BHXH },
		{ "bat_buoc", SCHEME_BHXH },
		{ "bao_hiem_xa_hoi_bat_buoc", SCHEME_BHXH },
		{ "bhxh", SCHEME_BHXH },
		{ "bhxh_tu_nguyen", SCHEME_BHXH_TN },
		{ "bhxh_tn", SCHEME_BHXH_TN },
		{ "tu_nguyen", SCHEME_BHXH_TN },
		{ "bao_hiem_xa_hoi_tu_nguyen", SCHEME_BHXH_TN },
		{ "bhtn", SCHEME_BHTN },
		{ "bao_hiem_that_nghiep", SCHEME_BHTN },
		{ "that_nghiep", SCHEME_BHTN },
		{ "bhyt", SCHEME_BHYT },
		{ "bao_hiem_y_te", SCHEME_BHYT },
	};
	size_t i = 0;
	unsigned got = 0;

	*out = 0;
	while (i <= n) {
		const char *tok = s + i;
		size_t len = 0;
		int scheme;

		while (i + len < n && !memchr(",;+/", s[i + len], 4))
			len++;
		i += len + 1;
		cell_trim(&tok, &len);
		if (!len)
			continue;
		if (!fold_find(tok, len, words, ARRAY_SIZE(words), &scheme))
			return NORM_BAD;
		got |= (unsigned)scheme;
	}
	if (!got) {
		*out = SCHEME_BHYT;
		return NORM_EMPTY;
	}
	*out = got;
	return NORM_OK;
}

/* --- wage and months --- */

/* Drop one trailing word of words[0..nw) (folded) and the blanks before. */
static void drop_unit(const char *s, size_t *n, const char *const *words,
		      size_t nw)
{
	size_t k, end = *n;

	for (k = end; k > 0 && !is_space((unsigned char)s[k - 1]) &&
		      !is_digit((unsigned char)s[k - 1]);
	     k--)
		;
	if (k == end || end - k > 16)
		return;
	{
		char f[48];
		size_t i;

		fold_header(s + k, end - k, f, sizeof(f));
		for (i = 0; i < nw; i++) {
			if (!strcmp(f, words[i])) {
				*n = k;
				cell_trim(&s, n);
				return;
			}
		}
	}
}

/* Is (s, i) a separator of a wage: '.', ',', ' ' or NBSP?  Its length. */
static size_t wage_sep(const char *s, size_t n, size_t i)
{
	if (s[i] == '.' || s[i] == ',' || s[i] == ' ')
		return 1;
	if (i + 1 < n && (unsigned char)s[i] == 0xc2 &&
	    (unsigned char)s[i + 1] == 0xa0)
		return 2;
	return 0;
}

/* The number of the digits s[0..n) (n <= 19). */
static uint64_t digits_value(const char *s, size_t n)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < n; i++)
		if (is_digit((unsigned char)s[i]))
			v = v * 10 + (uint64_t)(s[i] - '0');
	return v;
}

int norm_wage(const char *s, size_t n, uint32_t *out)
{
	static const char *const units[] = { "d", "dong", "vnd" };
	size_t i, run = 0, first = 0, runs = 0, seplen, ndig = 0;
	uint64_t v;
	char sep = 0;
	int grouped = 1;

	*out = 0;
	cell_trim_marker(&s, &n);
	if (!n)
		return NORM_EMPTY;
	drop_unit(s, &n, units, ARRAY_SIZE(units));
	if (!n || !is_digit((unsigned char)s[0]))
		return NORM_BAD;
	for (i = 0; i < n; i++) {
		if (is_digit((unsigned char)s[i])) {
			run++;
			ndig++;
			continue;
		}
		if (!(seplen = wage_sep(s, n, i)) || !run ||
		    (sep && sep != s[i]))
			return NORM_BAD;
		sep = s[i];
		if (!runs++)
			first = i;
		else if (run != 3)
			grouped = 0;
		run = 0;
		i += seplen - 1;
	}
	if (!run)
		return NORM_BAD;
	if (runs && (first > 3 || run != 3 || !grouped)) {
		/* one decimal separator and a fraction: "5000000.5" */
		if (runs != 1 || (sep != '.' && sep != ',') || first > 12)
			return NORM_BAD;
		v = digits_value(s, first);
		v += s[first + 1] >=
		     '5'; /* half up: the fraction's 1st digit */
	} else {
		if (ndig > 12)
			return NORM_BAD;
		v = digits_value(s, n);
	}
	if (v < WAGE_MIN || v > WAGE_MAX)
		return NORM_BAD;
	*out = (uint32_t)v;
	return NORM_OK;
}

int norm_months(const char *s, size_t n, int *out)
{
	static const char *const units[] = { "thang" };
	size_t i, digits = 0;
	int v = 0;

	*out = 0;
	cell_trim_marker(&s, &n);
	if (!n)
		return NORM_EMPTY;
	drop_unit(s, &n, units, ARRAY_SIZE(units));
	for (i = 0; i < n && is_digit((unsigned char)s[i]); i++) {
		if (v <= 99)
			v = v * 10 + (s[i] - '0');
		digits++;
	}
	if (i < n && (s[i] == '.' || s[i] == ',') && i + 1 < n) {
		for (i++; i < n && s[i] == '0'; i++)
			;
	}
	if (!digits || i != n || v < 1 || v > 12)
		return NORM_BAD;
	*out = v;
	return NORM_OK;
}

/* --- flags --- */

const char *nf_name(unsigned bit_index)
{
	static const char *const names[NF_COUNT] = {
		"ID_ZERO_RESTORED",   "ID_SCIENTIFIC",	    "ID_MALFORMED",
		"CMND_ZERO_RESTORED", "BHXH_ZERO_RESTORED", "BHXH_MALFORMED",
		"CMND_MALFORMED",     "CARD_MALFORMED",	    "DATE_SERIAL",
		"NAME_REPAIRED",      "COMMUNE_TRANSLATED", "GROUP_NAMED",
		"WAGE_UNREADABLE",    "MONTHS_UNREADABLE",
	};

	return bit_index < NF_COUNT ? names[bit_index] : "UNKNOWN";
}
