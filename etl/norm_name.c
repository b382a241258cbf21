/*
 * norm_name.c: names (rules.md R3, contract in norm.h): the display form
 * (NFC, upper case, blanks collapsed, invisible characters dropped), the
 * match key (tone placement made canonical), the accent-free key, and the
 * Vietnamese vowel tables they stand on.  ASCII takes fast paths;
 * utf8proc does Unicode case mapping, decomposition and NFC.  Names longer
 * than a few hundred characters are the only cells that allocate.
 *
 * Where the spec is silent the choice is written next to the code (and in
 * the project docs): the tone placement rule of the name key.
 */
#include "norm.h"
#include "norm_int.h"

#include <utf8proc.h>

#include <stdlib.h>
#include <string.h>

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

int ascii_base(int32_t cp)
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
		if (utf8_next(s, n, &i, &cp) < 0) {
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

/* --- match keys --- */

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
			if (utf8_next(name, n, &i, &cp) < 0) {
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
		if (utf8_next(name, n, &i, &cp) < 0) {
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
