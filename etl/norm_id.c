/*
 * norm_id.c: identifiers and codes (rules.md R3, contract in norm.h): the
 * 12-digit personal ID and its structure (province or country, birth year
 * and sex), the old 9-digit CMND, the 10-digit BHXH code, the 15-character
 * card code, and the other codes (commune, group, hospital, unit,
 * household).
 *
 * Where the spec is silent the choice is written next to the code (and in
 * the project docs): ".0" float suffixes on IDs, an 8-digit CMND in the ID
 * column, a code written with its name.
 */
#include "norm.h"
#include "norm_int.h"

#include <utf8proc.h>

#include <string.h>

/* --- the digits of an identifier cell --- */

enum { SCAN_EMPTY, SCAN_DIGITS, SCAN_SCI, SCAN_BAD };

/*
 * "1.23457E+11", "8,4E+11", "1E11": Excel's scientific notation, with a
 * point or a comma as the decimal mark.
 */
static int is_scientific(const char *s, size_t n)
{
	size_t i = 0, d = 0;

	for (; i < n && is_digit(s[i]); i++)
		d++;
	if (i < n && (s[i] == '.' || s[i] == ',')) {
		for (i++; i < n && is_digit(s[i]); i++)
			d++;
	}
	if (!d || i >= n || (s[i] != 'E' && s[i] != 'e'))
		return 0;
	i++;
	if (i < n && (s[i] == '+' || s[i] == '-'))
		i++;
	if (i >= n)
		return 0;
	while (i < n && is_digit(s[i]))
		i++;
	return i == n;
}

/*
 * One character of an identifier after the ASCII cases: a digit of
 * another script (0-9 returned) or a separator (-1) of width *len, else -2.
 */
static int id_wide_char(const unsigned char *p, size_t n, size_t *len)
{
	if (n >= 2) {
		*len = 2;
		if (p[0] == 0xc2 && p[1] == 0xa0) /* NBSP */
			return -1;
		if (p[0] == 0xd9 && p[1] >= 0xa0 && p[1] <= 0xa9)
			return p[1] - 0xa0; /* Arabic-Indic U+0660.. */
		if (p[0] == 0xdb && p[1] >= 0xb0 && p[1] <= 0xb9)
			return p[1] - 0xb0; /* extended, U+06F0.. */
	}
	if (n >= 3) {
		*len = 3;
		if (p[0] == 0xef && p[1] == 0xbc && p[2] >= 0x90 &&
		    p[2] <= 0x99)
			return p[2] - 0x90; /* full width U+FF10.. */
		if (p[0] == 0xef && p[1] == 0xbc &&
		    (p[2] == 0x8d || p[2] == 0x8e))
			return -1; /* full-width hyphen, full stop */
		if (p[0] == 0xe3 && p[1] == 0x80 && p[2] == 0x80)
			return -1; /* ideographic space */
		if (p[0] == 0xe2 && p[1] == 0x80 &&
		    ((p[2] >= 0x80 && p[2] <= 0x8b) ||
		     (p[2] >= 0x90 && p[2] <= 0x95) || p[2] == 0xaf))
			return -1; /* U+2000-200B spaces, dashes, U+202F */
		if (p[0] == 0xe2 && p[1] == 0x88 && p[2] == 0x92)
			return -1; /* minus sign */
		if (p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
			return -1; /* BOM */
	}
	return -2;
}

/*
 * Read the digits of an identifier cell into dig (at most cap of them;
 * *nd counts them all), skipping spaces, tabs, dots, dashes, commas, NBSP
 * and a leading apostrophe.  A trailing ".0" or ".00" after plain ASCII
 * digits is Excel's float export and is dropped ("84190000001.0").  A
 * cell holding only separators is empty.
 */
static int scan_digits(const char *s, size_t n, char *dig, size_t cap,
		       size_t *nd)
{
	const unsigned char *p;
	size_t i, k;

	*nd = 0;
	cell_trim_marker(&s, &n);
	for (k = n; k > 0 && is_digit(s[k - 1]); k--)
		;
	if (k >= 2 && n - k >= 1 && n - k <= 2 &&
	    (s[k - 1] == '.' || s[k - 1] == ',')) {
		size_t j;
		int zeros = 1, plain = 1;

		for (j = k; j < n; j++)
			zeros &= s[j] == '0';
		for (j = 0; j + 1 < k; j++)
			plain &= is_digit(s[j]);
		if (zeros && plain)
			n = k - 1;
	}
	p = (const unsigned char *)s;
	for (i = 0; i < n;) {
		size_t len = 1;
		int d;

		if (is_digit(p[i]))
			d = p[i] - '0';
		else if (is_space(p[i]) || p[i] == '.' || p[i] == '-' ||
			 p[i] == ',')
			d = -1;
		else if (p[i] == 'E' || p[i] == 'e')
			return is_scientific(s, n) ? SCAN_SCI : SCAN_BAD;
		else if (p[i] < 0x80)
			return SCAN_BAD;
		else if ((d = id_wide_char(p + i, n - i, &len)) == -2)
			return SCAN_BAD;
		i += len;
		if (d < 0)
			continue;
		if (*nd < cap)
			dig[*nd] = (char)('0' + d);
		(*nd)++;
	}
	return *nd ? SCAN_DIGITS : SCAN_EMPTY;
}

/* --- personal ID structure --- */

/* The 63 pre-2025 province codes (rules.md R3.1), sorted. */
/* clang-format off */
static const uint16_t provinces[] = {
	 1,  2,  4,  6,  8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25,
	26, 27, 30, 31, 33, 34, 35, 36, 37, 38, 40, 42, 44, 45, 46, 48,
	49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70, 72, 74, 75,
	77, 79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96,
};
/* clang-format on */

/* ISO 3166-1 numeric country codes >= 100 (all 219 of them), sorted. */
static const uint16_t countries[] = {
	100, 104, 108, 112, 116, 120, 124, 132, 136, 140, 144, 148, 152, 156,
	158, 162, 166, 170, 174, 175, 178, 180, 184, 188, 191, 192, 196, 203,
	204, 208, 212, 214, 218, 222, 226, 231, 232, 233, 234, 238, 239, 242,
	246, 248, 250, 254, 258, 260, 262, 266, 268, 270, 275, 276, 288, 292,
	296, 300, 304, 308, 312, 316, 320, 324, 328, 332, 334, 336, 340, 344,
	348, 352, 356, 360, 364, 368, 372, 376, 380, 384, 388, 392, 398, 400,
	404, 408, 410, 414, 417, 418, 422, 426, 428, 430, 434, 438, 440, 442,
	446, 450, 454, 458, 462, 466, 470, 474, 478, 480, 484, 492, 496, 498,
	499, 500, 504, 508, 512, 516, 520, 524, 528, 531, 533, 534, 535, 540,
	548, 554, 558, 562, 566, 570, 574, 578, 580, 581, 583, 584, 585, 586,
	591, 598, 600, 604, 608, 612, 616, 620, 624, 626, 630, 634, 638, 642,
	643, 646, 652, 654, 659, 660, 662, 663, 666, 670, 674, 678, 682, 686,
	688, 690, 694, 702, 703, 704, 705, 706, 710, 716, 724, 728, 729, 732,
	740, 744, 748, 752, 756, 760, 762, 764, 768, 772, 776, 780, 784, 788,
	792, 795, 796, 798, 800, 804, 807, 818, 826, 831, 832, 833, 834, 840,
	850, 854, 858, 860, 862, 876, 882, 887, 894,
};

static int in_sorted(const uint16_t *a, size_t n, unsigned key)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (a[mid] == key)
			return 1;
		if (a[mid] < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

int id_valid(const char id[12])
{
	unsigned ppp;
	int i;

	for (i = 0; i < 12; i++)
		if (!is_digit(id[i]))
			return 0;
	ppp = (unsigned)((id[0] - '0') * 100 + (id[1] - '0') * 10 +
			 (id[2] - '0'));
	if (ppp < 100)
		return in_sorted(provinces, ARRAY_SIZE(provinces), ppp);
	return in_sorted(countries, ARRAY_SIZE(countries), ppp);
}

/* G: 0/1 1900s, 2/3 2000s, 4/5 2100s, 6/7 2200s, 8/9 2300s; odd = F. */
void id_birth(const char id[12], int *year, char *sex)
{
	int g;

	if (!is_digit(id[3]) || !is_digit(id[4]) || !is_digit(id[5])) {
		*year = 0;
		*sex = 0;
		return;
	}
	g = id[3] - '0';
	*year = 1900 + g / 2 * 100 + (id[4] - '0') * 10 + (id[5] - '0');
	*sex = g % 2 ? 'F' : 'M';
}

/* --- ID, CMND, BHXH code and card code columns --- */

/*
 * The opening every ID column shares: out emptied, the cell's digits in d
 * (nd of them).  A blank cell (NORM_EMPTY) and scientific notation
 * (NORM_BAD, flagged NF_ID_SCIENTIFIC) are decided here: -1 with the
 * result in *ret.  Else scan_digits's SCAN_DIGITS or SCAN_BAD, for the
 * caller to judge.
 */
static int scan_id(const char *s, size_t n, char d[12], size_t *nd, char *out,
		   unsigned *flags, int *ret)
{
	int rc = scan_digits(s, n, d, 12, nd);

	out[0] = '\0';
	if (rc == SCAN_EMPTY) {
		*ret = NORM_EMPTY;
		return -1;
	}
	if (rc == SCAN_SCI) {
		*flags |= NF_ID_SCIENTIFIC;
		*ret = NORM_BAD;
		return -1;
	}
	return rc;
}

/*
 * out: the nd digits of d after the zeros that make them width digits
 * long (leading zeros Excel dropped), NUL-terminated.  Returns how many
 * zeros were put back.
 */
static size_t zero_pad(char *out, const char *d, size_t nd, size_t width)
{
	size_t pad = width - nd;

	memset(out, '0', pad);
	memcpy(out + pad, d, nd);
	out[width] = '\0';
	return pad;
}

/*
 * Personal ID.  Beyond the header: an 8-digit value is an old CMND that
 * lost its leading zero (NORM_IS_CMND, NF_CMND_ZERO_RESTORED).
 */
int norm_person_id(const char *s, size_t n, char out[13], unsigned *flags)
{
	char d[12];
	size_t nd;
	int ret = NORM_BAD, rc = scan_id(s, n, d, &nd, out, flags, &ret);

	if (rc < 0)
		return ret;
	if (rc == SCAN_DIGITS && nd == 12 && id_valid(d)) {
		zero_pad(out, d, 12, 12);
		return NORM_OK;
	}
	if (rc == SCAN_DIGITS && nd == 11) {
		zero_pad(out, d, 11, 12);
		if (id_valid(out)) {
			*flags |= NF_ID_ZERO_RESTORED;
			return NORM_OK;
		}
		out[0] = '\0';
	}
	if (rc == SCAN_DIGITS && (nd == 9 || nd == 8)) {
		if (zero_pad(out, d, nd, 9))
			*flags |= NF_CMND_ZERO_RESTORED;
		return NORM_IS_CMND;
	}
	*flags |= NF_ID_MALFORMED;
	return NORM_BAD;
}

/* Old ID card.  Scientific notation is flagged NF_ID_SCIENTIFIC. */
int norm_cmnd(const char *s, size_t n, char out[13], unsigned *flags)
{
	char d[12];
	size_t nd;
	int ret = NORM_BAD, rc = scan_id(s, n, d, &nd, out, flags, &ret);

	if (rc < 0)
		return ret;
	if (rc == SCAN_DIGITS && (nd == 8 || nd == 9 || nd == 12)) {
		if (zero_pad(out, d, nd, nd == 8 ? 9 : nd))
			*flags |= NF_CMND_ZERO_RESTORED;
		return NORM_OK;
	}
	*flags |= NF_CMND_MALFORMED;
	return NORM_BAD;
}

/*
 * BHXH code.  11 digits: a personal ID that lost its zero when its repair
 * is valid (NORM_IS_PID, NF_ID_ZERO_RESTORED), else malformed.  12 digits
 * follow norm_person_id entirely (an invalid one is NORM_BAD with
 * NF_ID_MALFORMED).
 */
int norm_bhxh(const char *s, size_t n, char out[13], unsigned *flags)
{
	char d[12];
	size_t nd;
	int ret = NORM_BAD, rc = scan_id(s, n, d, &nd, out, flags, &ret);

	if (rc < 0)
		return ret;
	if (rc == SCAN_DIGITS && (nd == 9 || nd == 10)) {
		if (zero_pad(out, d, nd, 10))
			*flags |= NF_BHXH_ZERO_RESTORED;
		return NORM_OK;
	}
	if (rc == SCAN_DIGITS && (nd == 11 || nd == 12)) {
		unsigned f = 0;

		if (norm_person_id(s, n, out, &f) == NORM_OK) {
			*flags |= f;
			return NORM_IS_PID;
		}
		out[0] = '\0';
		*flags |= nd == 12 ? f : NF_BHXH_MALFORMED;
		return NORM_BAD;
	}
	*flags |= NF_BHXH_MALFORMED;
	return NORM_BAD;
}

/*
 * Card code.  Spaces, tabs, NBSP, dashes and dots are stripped.  A bare
 * 9-digit code lost its leading zero: restored, NF_BHXH_ZERO_RESTORED.
 */
int norm_card(const char *s, size_t n, struct card *out, unsigned *flags)
{
	char c[16];
	size_t i, k = 0;
	int ok;

	memset(out, 0, sizeof(*out));
	cell_trim_marker(&s, &n);
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (is_alnum(ch)) {
			if (k < 15)
				c[k] = (char)to_upper(ch);
			k++;
		} else if (ch == 0xc2 && i + 1 < n &&
			   (unsigned char)s[i + 1] == 0xa0) {
			i++;
		} else if (!is_space(ch) && ch != '-' && ch != '.') {
			k = 99;
			break;
		}
	}
	if (!k)
		return NORM_EMPTY;
	ok = k == 15 || k == 10 || k == 9;
	for (i = k == 15 ? 5 : 0; ok && i < k; i++)
		ok = is_digit(c[i]);
	if (ok && k == 15)
		ok = is_alpha(c[0]) && is_alpha(c[1]) && c[2] >= '1' &&
		     c[2] <= '5' && is_digit(c[3]) && is_digit(c[4]);
	if (!ok) {
		*flags |= NF_CARD_MALFORMED;
		return NORM_BAD;
	}
	if (k == 15) {
		memcpy(out->code, c, 15);
		memcpy(out->group, c, 2);
		out->level = c[2] - '0';
		memcpy(out->province, c + 3, 2);
		memcpy(out->bhxh, c + 5, 10);
	} else {
		if (zero_pad(out->bhxh, c, k, 10))
			*flags |= NF_BHXH_ZERO_RESTORED;
		memcpy(out->code, out->bhxh, 10);
	}
	return NORM_OK;
}

/* --- other codes --- */

/* Text with a space or a non-ASCII letter in it: a name, not a code. */
static int looks_like_words(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] == ' ' || (unsigned char)s[i] >= 0x80)
			return 1;
	return 0;
}

/*
 * Codes.  Leading apostrophes (Excel's text marker, even doubled: the
 * text is kept, so none may be left for a second pass) and a ".0" float
 * suffix on an all-digit code are dropped.  A code followed by its name
 * keeps the code: "29266 - Thị trấn Càng Long", "29266-Thị trấn",
 * "HN: Hộ nghèo", and for an all-digit code also "29266 Thị trấn" (the
 * rest must hold a space or a non-ASCII letter: "DN-ABC" stays whole).
 */
int norm_code(const char *s, size_t n, char *out, size_t outsz)
{
	struct obuf o = { out, 0, outsz, 0 };
	size_t i, k;
	int digits = 1;

	if (!outsz)
		return NORM_BAD;
	out[0] = '\0';
	cell_trim_markers(&s, &n);
	if (!n)
		return NORM_EMPTY;
	/* the code's letters as upper-cased, like the output: a pass over
	 * that output must cut it at the same place (ı, ſ give I, S) */
	for (i = k = 0; i < n; k = i) {
		int32_t cp;

		if (utf8_next(s, n, &i, &cp) < 0)
			break;
		cp = utf8proc_toupper(cp);
		if (cp >= 0x80 || !is_alnum(cp))
			break;
		digits &= is_digit(cp);
	}
	if (k > 0 && k < n) {
		size_t j = k;
		int dash = 0;

		while (j < n && s[j] == ' ')
			j++;
		if (j < n && (s[j] == '-' || s[j] == ':')) {
			j++;
			dash = 1;
		} else if (n - j >= 3 && !memcmp(s + j, "\xe2\x80\x93", 3)) {
			j += 3; /* en dash */
			dash = 1;
		}
		while (j < n && s[j] == ' ')
			j++;
		if (j < n && (dash || (digits && j > k)) && !is_digit(s[j]) &&
		    s[j] != '-' && s[j] != '.' &&
		    looks_like_words(s + k, n - k))
			n = k;
		else if (digits && n - k == 2 && s[k] == '.' && s[k + 1] == '0')
			n = k;
	}
	for (i = 0; i < n && !o.full;) {
		unsigned char c = (unsigned char)s[i];
		int32_t cp;

		if (c < 0x20 || c == 0x7f) {
			out[0] = '\0';
			return NORM_BAD;
		}
		if (c < 0x80) {
			ob_putc(&o, to_upper(c));
			i++;
			continue;
		}
		if (utf8_next(s, n, &i, &cp) < 0) {
			out[0] = '\0';
			return NORM_BAD;
		}
		ob_put_cp(&o, utf8proc_toupper(cp));
	}
	ob_end(&o);
	return o.full ? NORM_BAD : NORM_OK;
}
