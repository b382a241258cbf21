/*
 * norm_util.c: the steps every normaliser takes on a raw cell: trimming
 * blanks and Excel's text marker, reading and writing UTF-8 one code point
 * at a time, and writing a code point into a bounded buffer (norm_int.h).
 */
#include "norm_int.h"

#include <utf8proc.h>

void cell_trim(const char **s, size_t *n)
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

void cell_trim_marker(const char **s, size_t *n)
{
	cell_trim(s, n);
	if (*n >= 1 && (*s)[0] == '\'') {
		*s += 1;
		*n -= 1;
	} else if (*n >= 3 && !memcmp(*s, "\xe2\x80", 2) &&
		   ((*s)[2] == '\x98' || (*s)[2] == '\x99')) {
		*s += 3; /* U+2018, U+2019 */
		*n -= 3;
	}
	cell_trim(s, n);
}

int utf8_next(const char *s, size_t n, size_t *i, int32_t *cp)
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

size_t utf8_encode(int32_t cp, char b[4])
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

void ob_put_cp(struct obuf *o, int32_t cp)
{
	char b[4];

	ob_put(o, b, utf8_encode(cp, b));
}
