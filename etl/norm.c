/*
 * norm.c: one normaliser per field (spec §3, contract in norm.h).  Each
 * reads exactly the n bytes of one raw cell, keeps no state between calls
 * and allocates only for names longer than a few hundred characters.
 * ASCII takes fast paths; utf8proc is used for Unicode case mapping,
 * decomposition and NFC.
 *
 * Where the spec is silent the choice is written next to the code (and in
 * the project docs): ".0" float suffixes on IDs, 8-digit CMND in the ID
 * column, how a bare number in a date column is read, "1" vs "1.0" as a
 * percentage, the tone placement rule of the name key.
 */
#include "norm.h"

#include <utf8proc.h>

#include <stdlib.h>
#include <string.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* --- bytes and code points --- */

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_alnum(int c)
{
	return is_digit(c) || is_alpha(c);
}

static int is_space(int c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static int to_upper(int c)
{
	return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c;
}

static int to_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Remove ASCII whitespace and NBSP (C2 A0) from both ends of (s, n). */
static void trim(const char **s, size_t *n)
{
	const unsigned char *p = (const unsigned char *)*s;
	size_t a = 0, b = *n;

	for (;;) {
		if (a < b && is_space(p[a]))
			a++;
		else if (b - a >= 2 && p[a] == 0xc2 && p[a + 1] == 0xa0)
			a += 2;
		else
			break;
	}
	for (;;) {
		if (b > a && is_space(p[b - 1]))
			b--;
		else if (b - a >= 2 && p[b - 2] == 0xc2 && p[b - 1] == 0xa0)
			b -= 2;
		else
			break;
	}
	*s += a;
	*n = b - a;
}

/* Trim, then drop one leading Excel text marker (', or a curly quote). */
static void trim_text_marker(const char **s, size_t *n)
{
	trim(s, n);
	if (*n >= 1 && (*s)[0] == '\'') {
		*s += 1;
		*n -= 1;
	} else if (*n >= 3 && !memcmp(*s, "\xe2\x80", 2) &&
		   ((*s)[2] == '\x98' || (*s)[2] == '\x99')) {
		*s += 3; /* U+2018, U+2019 */
		*n -= 3;
	}
	trim(s, n);
}

/* Next code point of (s, n) at *i; -1 on invalid UTF-8 (*i unchanged). */
static int next_cp(const char *s, size_t n, size_t *i, int32_t *cp)
{
	utf8proc_ssize_t len;

	if ((unsigned char)s[*i] < 0x80) {
		*cp = (unsigned char)s[(*i)++];
		return 0;
	}
	len = utf8proc_iterate((const utf8proc_uint8_t *)s + *i,
			       (utf8proc_ssize_t)(n - *i), cp);
	if (len <= 0)
		return -1;
	*i += (size_t)len;
	return 0;
}

static size_t encode_cp(int32_t cp, char b[4])
{
	unsigned u = (unsigned)cp;

	if (u < 0x80) {
		b[0] = (char)u;
		return 1;
	}
	if (u < 0x800) {
		b[0] = (char)(0xc0 | (u >> 6));
		b[1] = (char)(0x80 | (u & 0x3f));
		return 2;
	}
	if (u < 0x10000) {
		b[0] = (char)(0xe0 | (u >> 12));
		b[1] = (char)(0x80 | ((u >> 6) & 0x3f));
		b[2] = (char)(0x80 | (u & 0x3f));
		return 3;
	}
	b[0] = (char)(0xf0 | (u >> 18));
	b[1] = (char)(0x80 | ((u >> 12) & 0x3f));
	b[2] = (char)(0x80 | ((u >> 6) & 0x3f));
	b[3] = (char)(0x80 | (u & 0x3f));
	return 4;
}

/*
 * A bounded output buffer.  A write that does not fit is refused whole and
 * stops all later writes, so the text is cut at a character boundary and
 * stays NUL-terminated.
 */
struct obuf {
	char *p;
	size_t len, cap; /* cap >= 1: room for the NUL */
	int full;
};

static void ob_put(struct obuf *o, const char *s, size_t n)
{
	if (o->full || o->len + n >= o->cap) {
		o->full = 1;
		return;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
}

static void ob_putc(struct obuf *o, int c)
{
	char b = (char)c;

	ob_put(o, &b, 1);
}

static void ob_put_cp(struct obuf *o, int32_t cp)
{
	char b[4];

	ob_put(o, b, encode_cp(cp, b));
}

static void ob_end(struct obuf *o)
{
	o->p[o->len] = '\0';
}

/* --- Vietnamese vowels: base letter, shape mark, tone --- */

/*
 * The 12 vowel letters (a base letter and its shape mark: breve,
 * circumflex, horn) in Telex names, upper case then lower case, and the
 * 6 tones (none, huyền, sắc, hỏi, ngã, nặng).  vowel_cp[form][tone] is the
 * precomposed (NFC) letter; the two tables below map back.  Generated
 * with Python's unicodedata (NFC of base + U+0300/0301/0309/0303/0323).
 */
/* clang-format off */
enum { VF_A, VF_AW, VF_AA, VF_E, VF_EE, VF_I, VF_O, VF_OO, VF_OW, VF_U,
       VF_UW, VF_Y, VF_N };
enum { TONE_Z, TONE_F, TONE_S, TONE_R, TONE_X, TONE_J, NTONES };

static const uint16_t vowel_cp[2 * VF_N][NTONES] = {
	{ 0x0041, 0x00C0, 0x00C1, 0x1EA2, 0x00C3, 0x1EA0 }, /* A À Á Ả Ã Ạ */
	{ 0x0102, 0x1EB0, 0x1EAE, 0x1EB2, 0x1EB4, 0x1EB6 }, /* Ă Ằ Ắ Ẳ Ẵ Ặ */
	{ 0x00C2, 0x1EA6, 0x1EA4, 0x1EA8, 0x1EAA, 0x1EAC }, /* Â Ầ Ấ Ẩ Ẫ Ậ */
	{ 0x0045, 0x00C8, 0x00C9, 0x1EBA, 0x1EBC, 0x1EB8 }, /* E È É Ẻ Ẽ Ẹ */
	{ 0x00CA, 0x1EC0, 0x1EBE, 0x1EC2, 0x1EC4, 0x1EC6 }, /* Ê Ề Ế Ể Ễ Ệ */
	{ 0x0049, 0x00CC, 0x00CD, 0x1EC8, 0x0128, 0x1ECA }, /* I Ì Í Ỉ Ĩ Ị */
	{ 0x004F, 0x00D2, 0x00D3, 0x1ECE, 0x00D5, 0x1ECC }, /* O Ò Ó Ỏ Õ Ọ */
	{ 0x00D4, 0x1ED2, 0x1ED0, 0x1ED4, 0x1ED6, 0x1ED8 }, /* Ô Ồ Ố Ổ Ỗ Ộ */
	{ 0x01A0, 0x1EDC, 0x1EDA, 0x1EDE, 0x1EE0, 0x1EE2 }, /* Ơ Ờ Ớ Ở Ỡ Ợ */
	{ 0x0055, 0x00D9, 0x00DA, 0x1EE6, 0x0168, 0x1EE4 }, /* U Ù Ú Ủ Ũ Ụ */
	{ 0x01AF, 0x1EEA, 0x1EE8, 0x1EEC, 0x1EEE, 0x1EF0 }, /* Ư Ừ Ứ Ử Ữ Ự */
	{ 0x0059, 0x1EF2, 0x00DD, 0x1EF6, 0x1EF8, 0x1EF4 }, /* Y Ỳ Ý Ỷ Ỹ Ỵ */
	{ 0x0061, 0x00E0, 0x00E1, 0x1EA3, 0x00E3, 0x1EA1 }, /* a à á ả ã ạ */
	{ 0x0103, 0x1EB1, 0x1EAF, 0x1EB3, 0x1EB5, 0x1EB7 }, /* ă ằ ắ ẳ ẵ ặ */
	{ 0x00E2, 0x1EA7, 0x1EA5, 0x1EA9, 0x1EAB, 0x1EAD }, /* â ầ ấ ẩ ẫ ậ */
	{ 0x0065, 0x00E8, 0x00E9, 0x1EBB, 0x1EBD, 0x1EB9 }, /* e è é ẻ ẽ ẹ */
	{ 0x00EA, 0x1EC1, 0x1EBF, 0x1EC3, 0x1EC5, 0x1EC7 }, /* ê ề ế ể ễ ệ */
	{ 0x0069, 0x00EC, 0x00ED, 0x1EC9, 0x0129, 0x1ECB }, /* i ì í ỉ ĩ ị */
	{ 0x006F, 0x00F2, 0x00F3, 0x1ECF, 0x00F5, 0x1ECD }, /* o ò ó ỏ õ ọ */
	{ 0x00F4, 0x1ED3, 0x1ED1, 0x1ED5, 0x1ED7, 0x1ED9 }, /* ô ồ ố ổ ỗ ộ */
	{ 0x01A1, 0x1EDD, 0x1EDB, 0x1EDF, 0x1EE1, 0x1EE3 }, /* ơ ờ ớ ở ỡ ợ */
	{ 0x0075, 0x00F9, 0x00FA, 0x1EE7, 0x0169, 0x1EE5 }, /* u ù ú ủ ũ ụ */
	{ 0x01B0, 0x1EEB, 0x1EE9, 0x1EED, 0x1EEF, 0x1EF1 }, /* ư ừ ứ ử ữ ự */
	{ 0x0079, 0x1EF3, 0x00FD, 0x1EF7, 0x1EF9, 0x1EF5 }, /* y ỳ ý ỷ ỹ ỵ */
};

/* The ASCII letter under each vowel form. */
static const char vowel_base[VF_N + 1] = "AAAEEIOOOUUY";

/* Table entries: 1 + form * NTONES + tone; 0 is "not a vowel". */
#define V(f, t) (1 + VF_##f * NTONES + TONE_##t)
#define v(f, t) (1 + (VF_N + VF_##f) * NTONES + TONE_##t)
#define LO 0x00C0
#define HI 0x1EA0

static const uint8_t vowel_lo[0x01B1 - LO] = {
	[0x00C0 - LO] = V(A, F), V(A, S), V(AA, Z), V(A, X), /* À Á Â Ã */
	[0x00C8 - LO] = V(E, F), V(E, S), V(EE, Z),          /* È É Ê */
	[0x00CC - LO] = V(I, F), V(I, S),                    /* Ì Í */
	[0x00D2 - LO] = V(O, F), V(O, S), V(OO, Z), V(O, X), /* Ò Ó Ô Õ */
	[0x00D9 - LO] = V(U, F), V(U, S),                    /* Ù Ú */
	[0x00DD - LO] = V(Y, S),                             /* Ý */
	[0x00E0 - LO] = v(A, F), v(A, S), v(AA, Z), v(A, X), /* à á â ã */
	[0x00E8 - LO] = v(E, F), v(E, S), v(EE, Z),          /* è é ê */
	[0x00EC - LO] = v(I, F), v(I, S),                    /* ì í */
	[0x00F2 - LO] = v(O, F), v(O, S), v(OO, Z), v(O, X), /* ò ó ô õ */
	[0x00F9 - LO] = v(U, F), v(U, S),                    /* ù ú */
	[0x00FD - LO] = v(Y, S),                             /* ý */
	[0x0102 - LO] = V(AW, Z), v(AW, Z),                  /* Ă ă */
	[0x0128 - LO] = V(I, X), v(I, X),                    /* Ĩ ĩ */
	[0x0168 - LO] = V(U, X), v(U, X),                    /* Ũ ũ */
	[0x01A0 - LO] = V(OW, Z), v(OW, Z),                  /* Ơ ơ */
	[0x01AF - LO] = V(UW, Z), v(UW, Z),                  /* Ư ư */
};

static const uint8_t vowel_hi[0x1EFA - HI] = {
	V(A, J),   v(A, J),   V(A, R),   v(A, R),   /* Ạ ạ Ả ả */
	V(AA, S),  v(AA, S),  V(AA, F),  v(AA, F),  /* Ấ ấ Ầ ầ */
	V(AA, R),  v(AA, R),  V(AA, X),  v(AA, X),  /* Ẩ ẩ Ẫ ẫ */
	V(AA, J),  v(AA, J),  V(AW, S),  v(AW, S),  /* Ậ ậ Ắ ắ */
	V(AW, F),  v(AW, F),  V(AW, R),  v(AW, R),  /* Ằ ằ Ẳ ẳ */
	V(AW, X),  v(AW, X),  V(AW, J),  v(AW, J),  /* Ẵ ẵ Ặ ặ */
	V(E, J),   v(E, J),   V(E, R),   v(E, R),   /* Ẹ ẹ Ẻ ẻ */
	V(E, X),   v(E, X),   V(EE, S),  v(EE, S),  /* Ẽ ẽ Ế ế */
	V(EE, F),  v(EE, F),  V(EE, R),  v(EE, R),  /* Ề ề Ể ể */
	V(EE, X),  v(EE, X),  V(EE, J),  v(EE, J),  /* Ễ ễ Ệ ệ */
	V(I, R),   v(I, R),   V(I, J),   v(I, J),   /* Ỉ ỉ Ị ị */
	V(O, J),   v(O, J),   V(O, R),   v(O, R),   /* Ọ ọ Ỏ ỏ */
	V(OO, S),  v(OO, S),  V(OO, F),  v(OO, F),  /* Ố ố Ồ ồ */
	V(OO, R),  v(OO, R),  V(OO, X),  v(OO, X),  /* Ổ ổ Ỗ ỗ */
	V(OO, J),  v(OO, J),  V(OW, S),  v(OW, S),  /* Ộ ộ Ớ ớ */
	V(OW, F),  v(OW, F),  V(OW, R),  v(OW, R),  /* Ờ ờ Ở ở */
	V(OW, X),  v(OW, X),  V(OW, J),  v(OW, J),  /* Ỡ ỡ Ợ ợ */
	V(U, J),   v(U, J),   V(U, R),   v(U, R),   /* Ụ ụ Ủ ủ */
	V(UW, S),  v(UW, S),  V(UW, F),  v(UW, F),  /* Ứ ứ Ừ ừ */
	V(UW, R),  v(UW, R),  V(UW, X),  v(UW, X),  /* Ử ử Ữ ữ */
	V(UW, J),  v(UW, J),  V(Y, F),   v(Y, F),   /* Ự ự Ỳ ỳ */
	V(Y, J),   v(Y, J),   V(Y, R),   v(Y, R),   /* Ỵ ỵ Ỷ ỷ */
	V(Y, X),   v(Y, X),                         /* Ỹ ỹ */
};

/* clang-format on */

#undef V
#undef v
#undef LO
#undef HI

/* Vowel code of cp (1 + form * NTONES + tone), 0 when not a vowel. */
static int vowel_of(int32_t cp)
{
	switch (cp) {
	case 'A':
		return 1 + VF_A * NTONES;
	case 'E':
		return 1 + VF_E * NTONES;
	case 'I':
		return 1 + VF_I * NTONES;
	case 'O':
		return 1 + VF_O * NTONES;
	case 'U':
		return 1 + VF_U * NTONES;
	case 'Y':
		return 1 + VF_Y * NTONES;
	case 'a':
		return 1 + (VF_N + VF_A) * NTONES;
	case 'e':
		return 1 + (VF_N + VF_E) * NTONES;
	case 'i':
		return 1 + (VF_N + VF_I) * NTONES;
	case 'o':
		return 1 + (VF_N + VF_O) * NTONES;
	case 'u':
		return 1 + (VF_N + VF_U) * NTONES;
	case 'y':
		return 1 + (VF_N + VF_Y) * NTONES;
	}
	if (cp >= 0x00C0 && cp <= 0x01B0)
		return vowel_lo[cp - 0x00C0];
	if (cp >= 0x1EA0 && cp <= 0x1EF9)
		return vowel_hi[cp - 0x1EA0];
	return 0;
}

static int is_shaped(int form)
{
	switch (form % VF_N) {
	case VF_AW:
	case VF_AA:
	case VF_EE:
	case VF_OO:
	case VF_OW:
	case VF_UW:
		return 1;
	}
	return 0;
}

/*
 * The ASCII letter under a Latin letter with diacritics (Ế -> E, đ -> d,
 * Ñ -> N), or 0 if it has none.  Combining marks give -1.
 */
static int ascii_base(int32_t cp)
{
	utf8proc_int32_t d[4];
	utf8proc_ssize_t r;
	int vc = vowel_of(cp), bound = 0;

	if (cp < 0x80)
		return is_alnum(cp) ? (int)cp : 0;
	if (vc) {
		int form = (vc - 1) / NTONES;

		return form >= VF_N ? to_lower(vowel_base[form - VF_N])
				    : vowel_base[form];
	}
	if (cp == 0x0110)
		return 'D';
	if (cp == 0x0111)
		return 'd';
	if (utf8proc_category(cp) == UTF8PROC_CATEGORY_MN)
		return -1;
	r = utf8proc_decompose_char(cp, d, 4, UTF8PROC_DECOMPOSE, &bound);
	if (r >= 1 && r <= 4 && d[0] < 0x80 && is_alpha(d[0]))
		return (int)d[0];
	return 0;
}

/* --- identifiers --- */

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
	trim_text_marker(&s, &n);
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

/* The 63 pre-2025 province codes (domain.md §5.2), sorted. */
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

/*
 * The opening every ID column shares: out emptied, the cell's digits in d
 * (nd of them).  A blank cell (NORM_EMPTY) and scientific notation
 * (NORM_BAD, flagged NF_ID_SCIENTIFIC) are decided here: -1 with the
 * result in *ret.  Else scan_digits's SCAN_DIGITS or SCAN_BAD, for the
 * caller to judge.
 */
static int scan_id(const char *s, size_t n, char d[12], size_t *nd,
		   char *out, unsigned *flags, int *ret)
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
		memcpy(out, d, 12);
		out[12] = '\0';
		return NORM_OK;
	}
	if (rc == SCAN_DIGITS && nd == 11) {
		out[0] = '0';
		memcpy(out + 1, d, 11);
		out[12] = '\0';
		if (id_valid(out)) {
			*flags |= NF_ID_ZERO_RESTORED;
			return NORM_OK;
		}
		out[0] = '\0';
	}
	if (rc == SCAN_DIGITS && (nd == 9 || nd == 8)) {
		size_t pad = 9 - nd;

		memset(out, '0', pad);
		memcpy(out + pad, d, nd);
		out[9] = '\0';
		if (pad)
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
		size_t pad = nd == 8;

		out[0] = '0';
		memcpy(out + pad, d, nd);
		out[nd + pad] = '\0';
		if (pad)
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
		size_t pad = nd == 9;

		out[0] = '0';
		memcpy(out + pad, d, nd);
		out[10] = '\0';
		if (pad)
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
	trim_text_marker(&s, &n);
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
		size_t pad = k == 9;

		out->bhxh[0] = '0';
		memcpy(out->bhxh + pad, c, k);
		memcpy(out->code, out->bhxh, 10);
		if (pad)
			*flags |= NF_BHXH_ZERO_RESTORED;
	}
	return NORM_OK;
}

/* --- dates --- */

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int days_in_month(int year, int month)
{
	static const unsigned char days[12] = { 31, 28, 31, 30, 31, 30,
						31, 31, 30, 31, 30, 31 };

	if (month < 1 || month > 12)
		return 0;
	return month == 2 && is_leap(year) ? 29 : days[month - 1];
}

/* Days since 1970-01-01, proleptic Gregorian (H. Hinnant's algorithm). */
static long long days_from_civil(long long y, unsigned m, unsigned d)
{
	long long era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

static void civil_from_days(long long z, long long *y, unsigned *m, unsigned *d)
{
	long long era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (long long)yoe + era * 400 + (*m <= 2);
}

struct date date_make(int year, int month, int day)
{
	struct date d;

	d.year = (int16_t)year;
	d.month = (uint8_t)month;
	d.day = (uint8_t)day;
	d.prec = DATE_DAY;
	return d;
}

/* Saturates at 0001-01-01 and 9999-12-31; a partial date is returned as is. */
struct date date_add_days(struct date d, int days)
{
	long long y;
	unsigned m, dd;

	if (d.prec != DATE_DAY || d.month < 1 || d.month > 12 || d.day < 1)
		return d;
	civil_from_days(days_from_civil(d.year, d.month, d.day) + days, &y, &m,
			&dd);
	if (y < 1)
		return date_make(1, 1, 1);
	if (y > 9999)
		return date_make(9999, 12, 31);
	return date_make((int)y, (int)m, (int)dd);
}

static int cmp_int(int a, int b)
{
	return (a > b) - (a < b);
}

/* A DATE_NONE equals only another DATE_NONE and sorts before any date. */
int date_cmp_coarse(const struct date *a, const struct date *b)
{
	int prec = a->prec < b->prec ? a->prec : b->prec, c;

	if (prec == DATE_NONE)
		return cmp_int(a->prec != DATE_NONE, b->prec != DATE_NONE);
	if ((c = cmp_int(a->year, b->year)) || prec < DATE_MONTH)
		return c;
	if ((c = cmp_int(a->month, b->month)) || prec < DATE_DAY)
		return c;
	return cmp_int(a->day, b->day);
}

int date_cmp(const struct date *a, const struct date *b)
{
	int c;

	if ((c = cmp_int(a->year, b->year)))
		return c;
	if ((c = cmp_int(a->month, b->month)))
		return c;
	return cmp_int(a->day, b->day);
}

static void put_digits(char *p, unsigned v, int width)
{
	while (width-- > 0) {
		p[width] = (char)('0' + v % 10);
		v /= 10;
	}
}

void date_format(const struct date *d, char out[11])
{
	int y = d->year < 0 ? 0 : d->year > 9999 ? 9999 : d->year;
	size_t len = 0;

	if (d->prec >= DATE_YEAR) {
		put_digits(out, (unsigned)y, 4);
		len = 4;
	}
	if (d->prec >= DATE_MONTH) {
		out[4] = '-';
		put_digits(out + 5, d->month, 2);
		len = 7;
	}
	if (d->prec >= DATE_DAY) {
		out[7] = '-';
		put_digits(out + 8, d->day, 2);
		len = 10;
	}
	out[len] = '\0';
}

/* Set *out from parts: day 0 is month precision, month and day 0 year. */
static int date_set(struct date *out, unsigned y, unsigned m, unsigned d)
{
	if (y < 1 || y > 9999 || m > 12)
		return NORM_BAD;
	out->year = (int16_t)y;
	if (!m) {
		if (d)
			return NORM_BAD;
		out->prec = DATE_YEAR;
		return NORM_OK;
	}
	out->month = (uint8_t)m;
	if (!d) {
		out->prec = DATE_MONTH;
		return NORM_OK;
	}
	if (d > (unsigned)days_in_month((int)y, (int)m))
		return NORM_BAD;
	out->day = (uint8_t)d;
	out->prec = DATE_DAY;
	return NORM_OK;
}

/* Excel 1900 system: 1 = 1900-01-01, 60 = the fictitious 1900-02-29. */
static int date_serial(struct date *out, unsigned serial, unsigned *flags)
{
	long long y;
	unsigned m, d;

	if (serial < 1 || serial == 60)
		return NORM_BAD;
	civil_from_days(days_from_civil(1899, 12, serial < 60 ? 31 : 30) +
				serial,
			&y, &m, &d);
	*flags |= NF_DATE_SERIAL;
	return date_set(out, (unsigned)y, m, d);
}

/*
 * A date written as one number (from a numeric cell): 4 digits in
 * 1800-2199 are a year; 8 digits are yyyymmdd when they start with such a
 * year, else ddmmyyyy (unambiguous: a month never starts with 18-21); any
 * other number of up to 5 digits is an Excel serial.  A fraction is a time
 * of day: allowed (ignored) on a serial, allowed only as zeros otherwise.
 */
static int date_number(const char *s, size_t len, int whole, struct date *out,
		       unsigned *flags)
{
	unsigned v = 0, y;
	size_t i;

	for (i = 0; i < len && i < 9; i++)
		v = v * 10 + (unsigned)(s[i] - '0');
	if (len == 4 && v >= 1800 && v <= 2199)
		return whole ? date_set(out, v, 0, 0) : NORM_BAD;
	if (len == 8) {
		if (!whole)
			return NORM_BAD;
		y = v / 10000;
		if (y >= 1800 && y <= 2199)
			return date_set(out, y, v / 100 % 100, v % 100);
		y = v % 10000;
		if (y >= 1800 && y <= 2199)
			return date_set(out, y, v / 10000 % 100, v / 1000000);
		return NORM_BAD;
	}
	if (len <= 5)
		return date_serial(out, v, flags);
	return NORM_BAD;
}

static int match_word(const char *s, size_t n, const char *w)
{
	size_t i;

	for (i = 0; i < n && w[i]; i++)
		if (to_lower(s[i]) != w[i])
			return 0;
	return i == n && !w[i];
}

/*
 * The time of day Excel and databases append to a date: "h:mm",
 * "hh:mm:ss", "hh:mm:ss.fff", optionally followed by AM/PM (or SA/CH).
 */
static int is_time(const char *s, size_t n)
{
	size_t i = 0, k;
	int part;

	for (part = 0; part < 3; part++) {
		for (k = i; i < n && is_digit(s[i]); i++)
			;
		if (i - k < (part ? 2u : 1u) || i - k > 2)
			return 0;
		if (i == n || s[i] != ':')
			break;
		i++;
	}
	if (!part)
		return 0;
	if (i < n && s[i] == '.' && part == 2) {
		for (k = ++i; i < n && is_digit(s[i]); i++)
			;
		if (i == k)
			return 0;
	}
	while (i < n && s[i] == ' ')
		i++;
	return i == n || match_word(s + i, n - i, "am") ||
	       match_word(s + i, n - i, "pm") ||
	       match_word(s + i, n - i, "sa") || match_word(s + i, n - i, "ch");
}

static int parse_date(const char *s, size_t n, struct date *out,
		      unsigned *flags)
{
	struct {
		const char *p;
		size_t len;
		unsigned v;
	} f[3];
	const char *colon;
	size_t i, nf = 0;
	char sep = 0;

	trim_text_marker(&s, &n);
	if (!n)
		return NORM_EMPTY;
	if (n > 64)
		return NORM_BAD;
	/* "12/05/1990 00:00:00", "2020-01-01T08:30:00": keep the date */
	if ((colon = memchr(s, ':', n))) {
		i = (size_t)(colon - s);
		while (i > 0 && is_digit(s[i - 1]))
			i--;
		if (i < 2 || (s[i - 1] != ' ' && s[i - 1] != 'T') ||
		    !is_time(s + i, n - i))
			return NORM_BAD;
		n = i - 1;
		trim(&s, &n);
	}
	for (i = 0; i < n;) {
		size_t k = i;

		if (nf == 3)
			return NORM_BAD;
		while (i < n && is_digit(s[i]))
			i++;
		if (i == k || i - k > 20)
			return NORM_BAD;
		f[nf].p = s + k;
		f[nf].len = i - k;
		f[nf].v = 0;
		for (; k < i && k < (size_t)(f[nf].p - s) + 9; k++)
			f[nf].v = f[nf].v * 10 + (unsigned)(s[k] - '0');
		nf++;
		if (i == n)
			break;
		if (!memchr("/-.,", s[i], 4) || (sep && s[i] != sep) ||
		    i + 1 == n)
			return NORM_BAD;
		sep = s[i++];
	}
	/* ',' is only ever a decimal mark (a number exported from Excel) */
	if (nf == 1)
		return date_number(f[0].p, f[0].len, 1, out, flags);
	if (nf == 2 && sep != ',' && f[0].len <= 2 && f[1].len == 4)
		return date_set(out, f[1].v, f[0].v, 0); /* mm/yyyy */
	if (nf == 2 && (sep == '-' || sep == '/') && f[0].len == 4 &&
	    f[1].len <= 2)
		return date_set(out, f[0].v, f[1].v, 0); /* yyyy-mm */
	if (nf == 2 && (sep == '.' || sep == ',')) { /* 43831.5, 1990.0 */
		int whole = 1;

		for (i = 0; i < f[1].len; i++)
			whole &= f[1].p[i] == '0';
		return date_number(f[0].p, f[0].len, whole, out, flags);
	}
	if (nf == 3 && sep == ',')
		return NORM_BAD;
	if (nf == 3 && f[0].len == 4 && f[1].len <= 2 && f[2].len <= 2)
		return date_set(out, f[0].v, f[1].v, f[2].v); /* yyyy-mm-dd */
	if (nf == 3 && f[0].len <= 2 && f[1].len <= 2 && f[2].len == 4)
		return date_set(out, f[2].v, f[1].v, f[0].v); /* dd/mm/yyyy */
	return NORM_BAD;
}

int norm_date(const char *s, size_t n, struct date *out, unsigned *flags)
{
	unsigned f = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = parse_date(s, n, out, &f);
	if (rc != NORM_OK) {
		memset(out, 0, sizeof(*out));
		return rc;
	}
	*flags |= f;
	return NORM_OK;
}

/* --- names --- */

enum { CH_KEEP, CH_SPACE, CH_DROP };

/* How a non-ASCII code point of a name is treated. */
static int name_char(int32_t cp)
{
	switch (cp) {
	case 0x0085:
	case 0x00A0:
	case 0x1680:
	case 0x2028:
	case 0x2029:
	case 0x202F:
	case 0x205F:
	case 0x3000:
		return CH_SPACE;
	case 0x00AD:
	case 0x180E:
	case 0xFEFF:
		return CH_DROP;
	}
	if (cp >= 0x2000 && cp <= 0x200A)
		return CH_SPACE;
	if (cp < 0xA0 || (cp >= 0x200B && cp <= 0x200F) ||
	    (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x2069))
		return CH_DROP; /* C1 controls, zero width, bidi marks */
	return CH_KEEP;
}

/* Code points that are NFC whatever surrounds them and ccc 0. */
static int nfc_safe(int32_t cp)
{
	return cp < 0x0300 || (cp >= 0x1E00 && cp <= 0x1EFF);
}

/*
 * Put the UTF-8 text out[0..*len) in NFC.  *changed says whether that
 * changed it.  -1 on error or when the result does not fit in outsz.
 */
static int nfc_in_place(char *out, size_t *len, size_t outsz, int *changed)
{
	utf8proc_int32_t stack[256], *buf = stack;
	const utf8proc_option_t opt =
		(utf8proc_option_t)(UTF8PROC_STABLE | UTF8PROC_DECOMPOSE);
	utf8proc_ssize_t m, r;
	int rc = -1;

	m = utf8proc_decompose((const utf8proc_uint8_t *)out,
			       (utf8proc_ssize_t)*len, buf,
			       (utf8proc_ssize_t)ARRAY_SIZE(stack) - 1, opt);
	if (m >= (utf8proc_ssize_t)ARRAY_SIZE(stack)) {
		buf = malloc(((size_t)m + 1) * sizeof(*buf));
		if (!buf)
			return -1;
		r = utf8proc_decompose((const utf8proc_uint8_t *)out,
				       (utf8proc_ssize_t)*len, buf, m, opt);
		if (r != m)
			goto done;
	}
	if (m < 0)
		goto done;
	r = utf8proc_reencode(
		buf, m,
		(utf8proc_option_t)(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
	if (r < 0 || (size_t)r >= outsz)
		goto done;
	*changed = (size_t)r != *len || memcmp(out, buf, (size_t)r);
	memcpy(out, buf, (size_t)r);
	out[r] = '\0';
	*len = (size_t)r;
	rc = 0;
done:
	if (buf != stack)
		free(buf);
	return rc;
}

/*
 * One pass writes the upper-cased text with spaces collapsed and
 * invisible characters dropped; text with characters that might not be
 * NFC (combining marks, ...) then goes through utf8proc.  NBSP and other
 * spaces count as spaces (not a repair); control characters, zero-width
 * characters, soft hyphens, BOM and bidi marks are dropped and flagged.
 */
int norm_name(const char *s, size_t n, char *out, size_t outsz, unsigned *flags)
{
	struct obuf o = { out, 0, outsz, 0 };
	int space = 0, slow = 0, repaired = 0, changed = 0;
	size_t i = 0;

	if (!outsz)
		return NORM_BAD;
	while (i < n && !o.full) {
		unsigned char c = (unsigned char)s[i];
		int32_t cp;

		if (c < 0x80) {
			i++;
			if (is_space(c)) {
				space = 1;
				continue;
			}
			if (c < 0x20 || c == 0x7f) {
				repaired = 1;
				continue;
			}
			if (space && o.len)
				ob_putc(&o, ' ');
			space = 0;
			ob_putc(&o, to_upper(c));
			continue;
		}
		if (next_cp(s, n, &i, &cp) < 0) {
			out[0] = '\0';
			return NORM_BAD;
		}
		switch (name_char(cp)) {
		case CH_SPACE:
			space = 1;
			continue;
		case CH_DROP:
			repaired = 1;
			continue;
		}
		cp = utf8proc_toupper(cp);
		slow |= !nfc_safe(cp);
		if (space && o.len)
			ob_putc(&o, ' ');
		space = 0;
		ob_put_cp(&o, cp);
	}
	if (o.full) {
		out[0] = '\0';
		return NORM_BAD;
	}
	ob_end(&o);
	if (!o.len)
		return NORM_EMPTY;
	if (slow && nfc_in_place(out, &o.len, outsz, &changed) < 0) {
		out[0] = '\0';
		return NORM_BAD;
	}
	if (repaired || changed)
		*flags |= NF_NAME_REPAIRED;
	return NORM_OK;
}

/* A letter of a syllable: its code point, and its vowel form and tone. */
struct letter {
	int32_t cp;
	int form; /* -1: not a vowel */
	int tone;
};

#define SYL_MAX 16

static int base_is(const struct letter *l, int form)
{
	return l->form >= 0 && l->form % VF_N == form;
}

/* OA, OE, UY in an open syllable: the tone is on the second vowel. */
static int second_takes_tone(const struct letter *a, const struct letter *b)
{
	return (base_is(a, VF_O) && (base_is(b, VF_A) || base_is(b, VF_E))) ||
	       (base_is(a, VF_U) && base_is(b, VF_Y));
}

/*
 * Where the tone of a syllable goes, from its letters alone (so every
 * placement of one tone gives the same answer).  Q+U and G+I before
 * another vowel are consonants.  Then in the vowel run: the only vowel;
 * else the vowel with a shape mark (the last one: ƯƠ takes it on Ơ); else
 * the last vowel when a consonant follows; else OA, OE, UY take it on the
 * second vowel and other pairs on the first ("new style": HOÀ, KHOẺ,
 * THUỶ, TÀI); a three-vowel run on the middle one (NGOÀI).  Returns the
 * index, or -1 when the tone is outside the vowel run (not Vietnamese).
 */
static int tone_target(const struct letter *l, size_t nl, size_t toned)
{
	size_t first, start, end, k, i;
	int target = -1;

	for (first = 0; first < nl && l[first].form < 0; first++)
		;
	start = first;
	if (first > 0 && first + 1 < nl && l[first + 1].form >= 0) {
		int32_t prev = l[first - 1].cp;

		if ((base_is(&l[first], VF_U) &&
		     (prev == 'Q' || prev == 'q')) ||
		    (base_is(&l[first], VF_I) && first == 1 &&
		     (prev == 'G' || prev == 'g')))
			start++;
	}
	for (end = start; end < nl && l[end].form >= 0; end++)
		;
	if (toned < first || toned >= end)
		return -1;
	k = end - start;
	if (k == 1)
		return (int)start;
	for (i = start; i < end; i++)
		if (is_shaped(l[i].form))
			target = (int)i;
	if (target >= 0)
		return target;
	if (end < nl)
		return (int)end - 1;
	if (k == 2 && second_takes_tone(&l[start], &l[start + 1]))
		return (int)start + 1;
	return k == 3 ? (int)start + 1 : (int)start;
}

/* Move the one tone of a syllable to its canonical vowel; 1 if moved. */
static int retone(struct letter *l, size_t nl)
{
	size_t i, toned = nl;
	int target, tone;

	for (i = 0; i < nl; i++) {
		if (l[i].form < 0 || l[i].tone == TONE_Z)
			continue;
		if (toned != nl)
			return 0; /* two tones: not a syllable we know */
		toned = i;
	}
	if (toned == nl)
		return 0;
	target = tone_target(l, nl, toned);
	if (target < 0 || (size_t)target == toned)
		return 0;
	tone = l[toned].tone;
	l[toned].tone = TONE_Z;
	l[toned].cp = vowel_cp[l[toned].form][TONE_Z];
	l[target].tone = tone;
	l[target].cp = vowel_cp[l[target].form][tone];
	return 1;
}

void name_key(const char *name, char *out, size_t outsz)
{
	struct obuf o = { out, 0, outsz, 0 };
	struct letter l[SYL_MAX];
	size_t n = strlen(name), i = 0;

	if (!outsz)
		return;
	while (i < n && !o.full) {
		size_t start = i, nl = 0, j;
		unsigned char c = (unsigned char)name[i];
		int32_t cp;

		if (c < 0x80 && !is_alpha(c)) {
			ob_putc(&o, c);
			i++;
			continue;
		}
		/* a syllable: letters up to the next ASCII non-letter */
		while (i < n) {
			size_t at = i;

			c = (unsigned char)name[i];
			if (c < 0x80 && !is_alpha(c))
				break;
			if (next_cp(name, n, &i, &cp) < 0) {
				i = at;
				break;
			}
			if (nl < SYL_MAX) {
				int vc = vowel_of(cp);

				l[nl].cp = cp;
				l[nl].form = vc ? (vc - 1) / NTONES : -1;
				l[nl].tone = vc ? (vc - 1) % NTONES : 0;
			}
			nl++;
		}
		if (i == start) { /* an invalid byte: copied as it is */
			ob_putc(&o, c);
			i++;
			continue;
		}
		if (nl > SYL_MAX || !retone(l, nl)) {
			ob_put(&o, name + start, i - start);
			continue;
		}
		for (j = 0; j < nl; j++)
			ob_put_cp(&o, l[j].cp);
	}
	ob_end(&o);
}

void name_key_ascii(const char *name, char *out, size_t outsz)
{
	struct obuf o = { out, 0, outsz, 0 };
	size_t n = strlen(name), i = 0;

	if (!outsz)
		return;
	while (i < n && !o.full) {
		int32_t cp;
		int b;

		if ((unsigned char)name[i] < 0x80) {
			ob_putc(&o, to_upper(name[i++]));
			continue;
		}
		if (next_cp(name, n, &i, &cp) < 0) {
			i++; /* invalid byte: dropped */
			continue;
		}
		b = ascii_base(cp);
		if (b > 0)
			ob_putc(&o, to_upper(b));
		else if (!b)
			ob_put_cp(&o, utf8proc_toupper(cp));
	}
	ob_end(&o);
}

/* --- small fields --- */

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

		if (next_cp(s, n, &i, &cp) < 0) {
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
			bl = encode_cp(utf8proc_tolower(cp), b + 1);
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

/* Index of the folded cell in a NULL-ended word list, or -1. */
static int fold_lookup(const char *s, size_t n, const char *const *words)
{
	char f[48];
	int i;

	if (n > 96)
		return -1;
	fold_header(s, n, f, sizeof(f));
	for (i = 0; words[i]; i++)
		if (!strcmp(f, words[i]))
			return i;
	return -1;
}

/* 1/2 is a common encoding too (domain.md §9): 2 is Nữ. */
int norm_sex(const char *s, size_t n, int checkbox, char *out)
{
	static const char *const words[] = { "nam", "m",	"male",
					     "1",   "nam_gioi", "nu",
					     "f",   "female",	"0",
					     "2",   "nu_gioi",	NULL };
	static const char *const ticks[] = { "x",     "1", "true",  "yes",
					     "co",    "0", "false", "no",
					     "khong", NULL };
	int w;

	*out = 0;
	trim(&s, &n);
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
		if ((w = fold_lookup(s, n, ticks)) >= 0) {
			*out = w < 5 ? 'F' : 'M';
			return NORM_OK;
		}
	} else if (!n) {
		return NORM_EMPTY;
	}
	if ((w = fold_lookup(s, n, words)) < 0)
		return NORM_BAD;
	*out = w < 5 ? 'M' : 'F';
	return NORM_OK;
}

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
 * Codes.  A leading apostrophe (Excel's text marker) and a ".0" float
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
	trim_text_marker(&s, &n);
	if (!n)
		return NORM_EMPTY;
	for (k = 0; k < n && is_alnum(s[k]); k++)
		digits &= is_digit(s[k]);
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
		if (next_cp(s, n, &i, &cp) < 0) {
			out[0] = '\0';
			return NORM_BAD;
		}
		ob_put_cp(&o, utf8proc_toupper(cp));
	}
	ob_end(&o);
	return o.full ? NORM_BAD : NORM_OK;
}

/* "4", " 4 ", "4.0" or "4,00" (a float export), "Mức 4". */
int norm_level(const char *s, size_t n, int *out)
{
	size_t i;

	*out = 0;
	trim(&s, &n);
	if (!n)
		return NORM_EMPTY;
	if (n > 24)
		return NORM_BAD;
	if (!is_digit(s[0])) {
		char f[8];
		size_t sp = n;

		while (sp > 0 && s[sp - 1] != ' ')
			sp--;
		if (!sp)
			return NORM_BAD;
		fold_header(s, sp, f, sizeof(f));
		if (strcmp(f, "muc"))
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
	trim(&s, &n);
	if (!n)
		return NORM_EMPTY;
	if (s[n - 1] == '%') {
		pct = 1;
		n--;
		trim(&s, &n);
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
	static const struct {
		const char *word;
		int status;
	} words[] = {
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
	char f[48];
	size_t i;

	*out = STATUS_ALIVE;
	trim(&s, &n);
	if (!n)
		return NORM_OK;
	if (n > 96)
		return NORM_BAD;
	fold_header(s, n, f, sizeof(f));
	for (i = 0; i < ARRAY_SIZE(words); i++) {
		if (!strcmp(f, words[i].word)) {
			*out = words[i].status;
			return NORM_OK;
		}
	}
	return NORM_BAD;
}

/* A bare "BHXH" is the compulsory scheme. */
int norm_schemes(const char *s, size_t n, unsigned *out)
{
	static const struct {
		const char *word;
		unsigned scheme;
	} words[] = {
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
		size_t len = 0, w;
		char f[48];

		while (i + len < n && !memchr(",;+/", s[i + len], 4))
			len++;
		i += len + 1;
		trim(&tok, &len);
		if (!len)
			continue;
		if (len > 96)
			return NORM_BAD;
		fold_header(tok, len, f, sizeof(f));
		for (w = 0; w < ARRAY_SIZE(words); w++)
			if (!strcmp(f, words[w].word))
				break;
		if (w == ARRAY_SIZE(words))
			return NORM_BAD;
		got |= words[w].scheme;
	}
	if (!got) {
		*out = SCHEME_BHYT;
		return NORM_EMPTY;
	}
	*out = got;
	return NORM_OK;
}

const char *nf_name(unsigned bit_index)
{
	static const char *const names[NF_COUNT] = {
		"ID_ZERO_RESTORED",   "ID_SCIENTIFIC",	    "ID_MALFORMED",
		"CMND_ZERO_RESTORED", "BHXH_ZERO_RESTORED", "BHXH_MALFORMED",
		"CMND_MALFORMED",     "CARD_MALFORMED",	    "DATE_SERIAL",
		"NAME_REPAIRED",
	};

	return bit_index < NF_COUNT ? names[bit_index] : "UNKNOWN";
}
