/*
 * norm_cell.c: the first step most normalisers take on a raw cell:
 * trimming blanks (ASCII whitespace and NBSP) and Excel's text marker
 * (norm_int.h).
 */
#include "norm_int.h"

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

/* Drop one leading text marker of a trimmed cell; 1 if there was one. */
static int drop_marker(const char **s, size_t *n)
{
	size_t len = 0;

	if (*n >= 1 && (*s)[0] == '\'')
		len = 1;
	else if (*n >= 3 && !memcmp(*s, "\xe2\x80", 2) &&
		 ((*s)[2] == '\x98' || (*s)[2] == '\x99'))
		len = 3; /* U+2018, U+2019 */
	*s += len;
	*n -= len;
	return len > 0;
}

void cell_trim_marker(const char **s, size_t *n)
{
	cell_trim(s, n);
	drop_marker(s, n);
	cell_trim(s, n);
}

void cell_trim_markers(const char **s, size_t *n)
{
	cell_trim(s, n);
	while (drop_marker(s, n))
		cell_trim(s, n);
}
