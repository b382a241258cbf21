/*
 * norm_date.c: dates (rules.md R3, contract in norm.h): reading the many ways
 * a date is written (dd/mm/yyyy, partial dates, yyyymmdd, Excel serials,
 * a time of day after it), and the arithmetic on struct date the rules
 * use: days in a month, adding days, comparing, ISO text.
 *
 * Where the spec is silent the choice is written next to the code (and in
 * the project docs): how a bare number in a date column is read.
 */
#include "norm.h"
#include "norm_int.h"

#include <string.h>

/* --- arithmetic on struct date --- */

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

long long days_from_civil(long long y, unsigned m, unsigned d)
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

/* --- reading a date cell --- */

/*
 * The years a bare 4-digit number is read as (else it is an Excel serial).
 * A year-only date must be in them whatever its form (00/00/yyyy, 00/yyyy,
 * yyyy-00): its ISO text is that bare number, which must read back as the
 * same year.
 */
#define BARE_YEAR_MIN 1800u
#define BARE_YEAR_MAX 2199u

static int bare_year(unsigned y)
{
	return y >= BARE_YEAR_MIN && y <= BARE_YEAR_MAX;
}

/* Set *out from parts: day 0 is month precision, month and day 0 year. */
static int date_set(struct date *out, unsigned y, unsigned m, unsigned d)
{
	if (y < 1 || y > 9999 || m > 12)
		return NORM_BAD;
	out->year = (int16_t)y;
	if (!m) {
		if (d || !bare_year(y))
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
	if (len == 4 && bare_year(v))
		return whole ? date_set(out, v, 0, 0) : NORM_BAD;
	if (len == 8) {
		if (!whole)
			return NORM_BAD;
		y = v / 10000;
		if (bare_year(y))
			return date_set(out, y, v / 100 % 100, v % 100);
		y = v % 10000;
		if (bare_year(y))
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

	cell_trim_marker(&s, &n);
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
		cell_trim(&s, &n);
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
