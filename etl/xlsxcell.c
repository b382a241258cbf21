/*
 * xlsxcell.c: the workbook readers' cell decoding, free of any file: which
 * number formats are dates (built-in ids and custom format codes), a
 * number as the text an office sees under General, a date serial as ISO
 * text in the 1900 and 1904 systems, a cell reference as column and row.
 * Declared in xlsxin.h; used by xlsxin.c and xlsin.c.
 */
#include "xlsxin.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TWO53 9007199254740992.0

enum xlsxin_fmt xlsxin_builtin_fmt(unsigned id)
{
	/*
	 * 14-17 and 22 are the date formats every locale has; 27-36 and
	 * 50-58 are the East Asian locales' dates.  18-21 and 45-47 are
	 * times only (h:mm, mm:ss, [h]:mm:ss): not dates.
	 */
	if ((id >= 14 && id <= 17) || id == 22 || (id >= 27 && id <= 36) ||
	    (id >= 50 && id <= 58))
		return XF_DATE;
	if (id == 9 || id == 10)
		return XF_PERCENT;
	return XF_GENERAL;
}

/* Skip a quoted literal, bracket, or escaped character at s[i]. */
static size_t fmt_skip(const char *s, size_t i)
{
	char close;

	switch (s[i]) {
	case '"':
	case '[':
		close = s[i] == '"' ? '"' : ']';
		i++;
		while (s[i] && s[i] != close)
			i++;
		return s[i] ? i + 1 : i;
	case '\\':
	case '_':
	case '*':
		/* the next character is a literal, or padding */
		return s[i + 1] ? i + 2 : i + 1;
	default:
		return i;
	}
}

enum xlsxin_fmt xlsxin_custom_fmt(const char *code, int *width)
{
	int d = 0, m = 0, y = 0, h = 0, sec = 0, pct = 0, zeros = 0, other = 0;
	size_t i = 0, next;
	char c;

	*width = 0;
	while (code[i] && code[i] != ';') {
		next = fmt_skip(code, i);
		if (next != i) {
			other = 1;
			i = next;
			continue;
		}
		c = (char)tolower((unsigned char)code[i]);
		d |= c == 'd';
		m |= c == 'm';
		y |= c == 'y';
		h |= c == 'h';
		sec |= c == 's';
		pct |= c == '%';
		if (c == '0')
			zeros++;
		else
			other = 1;
		i++;
	}
	if (d || y || (m && !h && !sec))
		return XF_DATE;
	if (pct)
		return XF_PERCENT;
	if (zeros > 1 && !other && zeros <= 20) {
		*width = zeros;
		return XF_ZEROS;
	}
	return XF_GENERAL;
}

/*
 * The digits of x (> 0) in "%.{p-1}e" form: the shortest p <= 15 that
 * reads back as x, else 15.  Fills digits (no dot, trailing zeros
 * dropped) and returns the decimal exponent.
 */
static int shortest_digits(double x, char digits[20], int *ndigits)
{
	char buf[40], *e;
	int p, n, exp;

	for (p = 1; p <= 15; p++) {
		snprintf(buf, sizeof(buf), "%.*e", p - 1, x);
		if (strtod(buf, NULL) == x)
			break;
	}
	if (p > 15)
		snprintf(buf, sizeof(buf), "%.14e", x);
	e = strchr(buf, 'e');
	exp = atoi(e + 1);
	n = 0;
	for (p = 0; buf + p < e; p++)
		if (isdigit((unsigned char)buf[p]))
			digits[n++] = buf[p];
	while (n > 1 && digits[n - 1] == '0')
		n--;
	digits[n] = '\0';
	*ndigits = n;
	return exp;
}

/* A whole number's digits (the common case, without printf). */
static size_t put_int(int64_t v, char *out)
{
	char tmp[24];
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	size_t n = 0, k = 0;

	do {
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		out[k++] = '-';
	while (n)
		out[k++] = tmp[--n];
	out[k] = '\0';
	return k;
}

size_t xlsxin_double(double x, char out[XLSXIN_NUM_MAX])
{
	char digits[20];
	int n, exp, i, k = 0;

	if (!isfinite(x))
		return (size_t)snprintf(out, XLSXIN_NUM_MAX, "#NUM!");
	if (x == 0)
		return (size_t)snprintf(out, XLSXIN_NUM_MAX, "0");
	if (x == floor(x) && fabs(x) < TWO53)
		return put_int((int64_t)x, out);
	if (x < 0)
		out[k++] = '-';
	exp = shortest_digits(fabs(x), digits, &n);
	if (exp >= n - 1) { /* a whole number: digits and zeros */
		for (i = 0; i < n; i++)
			out[k++] = digits[i];
		for (i = 0; i < exp - (n - 1); i++)
			out[k++] = '0';
	} else if (exp >= 0) {
		for (i = 0; i < n; i++) {
			if (i == exp + 1)
				out[k++] = '.';
			out[k++] = digits[i];
		}
	} else {
		out[k++] = '0';
		out[k++] = '.';
		for (i = 0; i < -exp - 1; i++)
			out[k++] = '0';
		for (i = 0; i < n; i++)
			out[k++] = digits[i];
	}
	out[k] = '\0';
	return (size_t)k;
}

/* Parse v as a finite number (all of it but surrounding blanks). */
static int parse_number(const char *v, double *x)
{
	char *end;

	while (*v == ' ')
		v++;
	if (!*v || !(isdigit((unsigned char)*v) || *v == '-' || *v == '+' ||
		     *v == '.'))
		return -1;
	*x = strtod(v, &end);
	while (*end == ' ')
		end++;
	return *end || !isfinite(*x) ? -1 : 0;
}

size_t xlsxin_number(const char *v, char out[XLSXIN_NUM_MAX])
{
	double x;
	size_t n = 0, k = 0;

	/* plain digits (most cells): as they are, leading zeros dropped */
	while (v[n] >= '0' && v[n] <= '9' && n < 16)
		n++;
	if (n && n < 16 && !v[n]) {
		while (k + 1 < n && v[k] == '0')
			k++;
		memcpy(out, v + k, n - k + 1);
		return n - k;
	}
	if (parse_number(v, &x) < 0)
		return (size_t)snprintf(out, XLSXIN_NUM_MAX, "%s", v);
	return xlsxin_double(x, out);
}

/* The civil date of day z since 1970-01-01 (Howard Hinnant's algorithm). */
static void civil(long z, int *y, int *m, int *d)
{
	long era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

#define DAY_1899_12_30 (-25569L) /* days from 1970-01-01 */
#define DAY_1904_01_01 (-24107L)
#define HALF_MS	       (0.5 / 86400000.0) /* Excel rounds times to milliseconds */

int xlsxin_serial_date(double serial, int date1904, char out[11])
{
	double n;
	long day;
	int y, m, d;

	if (!isfinite(serial))
		return -1;
	n = floor(serial + HALF_MS);
	if (date1904) {
		if (n < 0 || n > 3000000)
			return -1;
		day = DAY_1904_01_01 + (long)n;
	} else {
		if (n < 1 || n > 3000000)
			return -1;
		if (n == 60) { /* Lotus 1-2-3's 29 February 1900 */
			memcpy(out, "1900-02-29", 11);
			return 0;
		}
		day = DAY_1899_12_30 + (long)n + (n < 60);
	}
	civil(day, &y, &m, &d);
	if (y > 9999 || y < 1900)
		return -1;
	out[0] = (char)('0' + y / 1000);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + d / 10);
	out[9] = (char)('0' + d % 10);
	out[10] = '\0';
	return 0;
}

int xlsxin_cellref(const char *ref, int *col, unsigned long *row)
{
	int c = 0, letters = 0;
	unsigned long r = 0;
	const char *s = ref;

	while (isalpha((unsigned char)*s)) {
		if (++letters > 3)
			return -1;
		c = c * 26 + (toupper((unsigned char)*s) - 'A' + 1);
		s++;
	}
	if (!letters || c > 16384)
		return -1;
	while (isdigit((unsigned char)*s)) {
		r = r * 10 + (unsigned long)(*s - '0');
		if (r > 0x7fffffffUL)
			return -1;
		s++;
	}
	if (*s || (s > ref + letters && r == 0))
		return -1;
	*col = c - 1;
	*row = r;
	return 0;
}
