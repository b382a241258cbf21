/*
 * norm_int.h: the helpers the norm_*.c files share, for them alone (the
 * public contract is norm.h): ASCII classes, trimming a raw cell, stepping
 * through UTF-8, a bounded output buffer, and the ASCII letter under a
 * Latin letter.  What runs once a character is inline here (the split
 * from one file must not cost the per-character loops a call); trimming
 * lives in norm_cell.c, ascii_base() with the vowel tables in norm_name.c.
 */
#ifndef DOISOAT_NORM_INT_H
#define DOISOAT_NORM_INT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <utf8proc.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* --- ASCII classes (no locale) --- */

static inline int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static inline int is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline int is_alnum(int c)
{
	return is_digit(c) || is_alpha(c);
}

static inline int is_space(int c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static inline int to_upper(int c)
{
	return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c;
}

static inline int to_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* --- cells (norm_cell.c) --- */

/* Remove ASCII whitespace and NBSP (C2 A0) from both ends of (s, n). */
void cell_trim(const char **s, size_t *n);
/* Trim, then drop one leading Excel text marker (', or a curly quote). */
void cell_trim_marker(const char **s, size_t *n);
/*
 * Trim, then drop every leading text marker (and the blanks after each):
 * for a cell whose text is kept, where one marker left in would be dropped
 * by the next pass (norm_code).
 */
void cell_trim_markers(const char **s, size_t *n);

/* --- UTF-8 --- */

/* Next code point of (s, n) at *i; -1 on invalid UTF-8 (*i unchanged). */
static inline int utf8_next(const char *s, size_t n, size_t *i, int32_t *cp)
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

/* The UTF-8 bytes of cp in b; returns their number (1-4). */
static inline size_t utf8_encode(int32_t cp, char b[4])
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

static inline void ob_put(struct obuf *o, const char *s, size_t n)
{
	if (o->full || o->len + n >= o->cap) {
		o->full = 1;
		return;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
}

static inline void ob_putc(struct obuf *o, int c)
{
	char b = (char)c;

	ob_put(o, &b, 1);
}

/* Append code point cp as UTF-8. */
static inline void ob_put_cp(struct obuf *o, int32_t cp)
{
	char b[4];
	size_t n = utf8_encode(cp, b);

	ob_put(o, b, n);
}

static inline void ob_end(struct obuf *o)
{
	o->p[o->len] = '\0';
}

/* --- letters (norm_name.c) --- */

/*
 * The ASCII letter under a Latin letter with diacritics (Ế -> E, đ -> d,
 * Ñ -> N), the character itself for an ASCII letter or digit, 0 for
 * anything else.  Combining marks give -1.
 */
int ascii_base(int32_t cp);

#endif
