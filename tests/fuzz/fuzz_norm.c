/*
 * fuzz_norm.c: every normaliser of etl/norm.h on arbitrary cells.  Input:
 * byte 0 chooses the function (mod 15), byte 1 is a parameter (a buffer
 * size, a checkbox, a number of days), the rest is the cell.  Each output
 * buffer is allocated at exactly the size the contract names, so a write
 * past it shows under AddressSanitizer.
 *
 * Invariants: return values are the documented ones; outputs are
 * NUL-terminated within their buffer and valid UTF-8; flags stay within
 * NF_* and are never cleared; what a normaliser accepts is canonical:
 * normalising its output again gives the same output and raises no flag
 * (IDs, card codes, names, codes, header folds, name keys), a date
 * formatted as ISO and read again is the same date, a level or a whole
 * percentage printed and read again is the same number.
 */
#include "fuzz.h"

#include "norm.h"

#include <math.h>
#include <string.h>

#define NF_ALL	((1u << NF_COUNT) - 1)
#define NF_KEEP (1u << 31) /* set before each call: must survive it */

static char *xalloc(size_t n)
{
	char *p = malloc(n ? n : 1);

	CHECK(p != NULL);
	memset(p, 0x55, n);
	return p;
}

static int all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static void check_flags(unsigned fl)
{
	CHECK(fl & NF_KEEP);
	CHECK(!(fl & ~(NF_ALL | NF_KEEP)));
}

/* An ID-like result: NUL within 13 bytes; digits when accepted. */
static void check_digits(const char *out, size_t len)
{
	CHECK(memchr(out, '\0', 13) != NULL);
	CHECK(strlen(out) == len);
	CHECK(all_digits(out, len));
}

static void fuzz_person_id(const char *s, size_t n)
{
	char *out = xalloc(13), *again = xalloc(13);
	unsigned fl = NF_KEEP, f2 = NF_KEEP;
	int rc = norm_person_id(s, n, out, &fl), year;
	char sex;

	check_flags(fl);
	CHECK(memchr(out, '\0', 13) != NULL);
	if (rc == NORM_OK) {
		check_digits(out, 12);
		CHECK(id_valid(out));
		id_birth(out, &year, &sex);
		CHECK(year >= 1900 && year <= 2399);
		CHECK(sex == 'M' || sex == 'F');
		CHECK(norm_person_id(out, 12, again, &f2) == NORM_OK);
		CHECK(!strcmp(out, again) && f2 == NF_KEEP);
	} else if (rc == NORM_IS_CMND) {
		check_digits(out, 9);
		CHECK(norm_person_id(out, 9, again, &f2) == NORM_IS_CMND);
		CHECK(!strcmp(out, again) && f2 == NF_KEEP);
	} else {
		CHECK(rc == NORM_EMPTY || rc == NORM_BAD);
		CHECK(out[0] == '\0');
	}
	free(out);
	free(again);
}

static void fuzz_cmnd(const char *s, size_t n)
{
	char *out = xalloc(13), *again = xalloc(13);
	unsigned fl = NF_KEEP, f2 = NF_KEEP;
	int rc = norm_cmnd(s, n, out, &fl);

	check_flags(fl);
	CHECK(memchr(out, '\0', 13) != NULL);
	if (rc == NORM_OK) {
		CHECK(strlen(out) == 9 || strlen(out) == 12);
		check_digits(out, strlen(out));
		CHECK(norm_cmnd(out, strlen(out), again, &f2) == NORM_OK);
		CHECK(!strcmp(out, again) && f2 == NF_KEEP);
	} else {
		CHECK(rc == NORM_EMPTY || rc == NORM_BAD);
	}
	free(out);
	free(again);
}

static void fuzz_bhxh(const char *s, size_t n)
{
	char *out = xalloc(13), *again = xalloc(13);
	unsigned fl = NF_KEEP, f2 = NF_KEEP;
	int rc = norm_bhxh(s, n, out, &fl);

	check_flags(fl);
	CHECK(memchr(out, '\0', 13) != NULL);
	if (rc == NORM_OK) {
		check_digits(out, 10);
		CHECK(norm_bhxh(out, 10, again, &f2) == NORM_OK);
		CHECK(!strcmp(out, again) && f2 == NF_KEEP);
	} else if (rc == NORM_IS_PID) {
		check_digits(out, 12);
		CHECK(id_valid(out));
		CHECK(norm_bhxh(out, 12, again, &f2) == NORM_IS_PID);
		CHECK(!strcmp(out, again) && f2 == NF_KEEP);
		CHECK(norm_person_id(out, 12, again, &f2) == NORM_OK);
		CHECK(!strcmp(out, again) && f2 == NF_KEEP);
	} else {
		CHECK(rc == NORM_EMPTY || rc == NORM_BAD);
	}
	free(out);
	free(again);
}

static void fuzz_card(const char *s, size_t n)
{
	struct card *c = malloc(sizeof(*c)), *again = malloc(sizeof(*again));
	unsigned fl = NF_KEEP, f2 = NF_KEEP;
	char code[16];
	int rc;

	CHECK(c && again);
	rc = norm_card(s, n, c, &fl);
	check_flags(fl);
	if (rc == NORM_OK) {
		CHECK(memchr(c->code, '\0', sizeof(c->code)) != NULL);
		CHECK(memchr(c->group, '\0', sizeof(c->group)) != NULL);
		CHECK(memchr(c->province, '\0', sizeof(c->province)) != NULL);
		CHECK(memchr(c->bhxh, '\0', sizeof(c->bhxh)) != NULL);
		CHECK(strlen(c->bhxh) == 10 && all_digits(c->bhxh, 10));
		if (strlen(c->code) == 15) {
			CHECK(strlen(c->group) == 2);
			CHECK(c->group[0] >= 'A' && c->group[0] <= 'Z');
			CHECK(c->group[1] >= 'A' && c->group[1] <= 'Z');
			CHECK(c->level >= 1 && c->level <= 5);
			CHECK(strlen(c->province) == 2);
			CHECK(all_digits(c->province, 2));
			snprintf(code, sizeof(code), "%s%d%s%s", c->group,
				 c->level, c->province, c->bhxh);
			CHECK(!strcmp(code, c->code));
		} else {
			CHECK(strlen(c->code) == 10);
			CHECK(!strcmp(c->code, c->bhxh));
			CHECK(!c->group[0] && !c->province[0] && !c->level);
		}
		CHECK(norm_card(c->code, strlen(c->code), again, &f2) ==
		      NORM_OK);
		CHECK(!memcmp(c, again, sizeof(*c)) && f2 == NF_KEEP);
	} else {
		CHECK(rc == NORM_EMPTY || rc == NORM_BAD);
	}
	free(c);
	free(again);
}

static int same_date(const struct date *a, const struct date *b)
{
	return a->year == b->year && a->month == b->month && a->day == b->day &&
	       a->prec == b->prec;
}

static void check_date(const struct date *d)
{
	CHECK(d->prec >= DATE_YEAR && d->prec <= DATE_DAY);
	CHECK(d->year >= 1 && d->year <= 9999);
	if (d->prec >= DATE_MONTH)
		CHECK(d->month >= 1 && d->month <= 12);
	else
		CHECK(d->month == 0);
	if (d->prec == DATE_DAY)
		CHECK(d->day >= 1 &&
		      d->day <= days_in_month(d->year, d->month));
	else
		CHECK(d->day == 0);
}

static int sign(int v)
{
	return (v > 0) - (v < 0);
}

/* A full date moved by days, and back. */
static void fuzz_date_add(const struct date *d, int days)
{
	struct date e = date_add_days(*d, days), back, made;

	check_date(&e);
	CHECK(e.prec == DATE_DAY);
	made = date_make(d->year, d->month, d->day);
	CHECK(same_date(&made, d));
	if (e.year <= 1 || e.year >= 9999)
		return; /* saturated */
	back = date_add_days(e, -days);
	CHECK(same_date(&back, d));
	CHECK(sign(date_cmp(&e, d)) == sign(days));
	CHECK(sign(date_cmp_coarse(&e, d)) == sign(days));
	CHECK(sign(date_cmp(d, &e)) == -sign(days));
}

static void fuzz_date(const char *s, size_t n, unsigned param)
{
	struct date d, again;
	unsigned fl = NF_KEEP, f2 = NF_KEEP;
	char *iso = xalloc(11);
	int rc = norm_date(s, n, &d, &fl);

	check_flags(fl);
	if (rc != NORM_OK) {
		CHECK(rc == NORM_EMPTY || rc == NORM_BAD);
		CHECK(d.prec == DATE_NONE && !d.year && !d.month && !d.day);
		date_format(&d, iso);
		CHECK(iso[0] == '\0');
		free(iso);
		return;
	}
	check_date(&d);
	CHECK(!date_cmp(&d, &d) && !date_cmp_coarse(&d, &d));
	date_format(&d, iso);
	CHECK(memchr(iso, '\0', 11) != NULL);
	CHECK(strlen(iso) == (d.prec == DATE_DAY     ? 10u
			      : d.prec == DATE_MONTH ? 7u
						     : 4u));
	CHECK(norm_date(iso, strlen(iso), &again, &f2) == NORM_OK);
	CHECK(same_date(&d, &again) && f2 == NF_KEEP);
	if (d.prec == DATE_DAY)
		fuzz_date_add(&d, ((int)param - 128) * 97);
	free(iso);
}

/* A normalised name: upper case, single spaces inside, none outside. */
static void check_name_text(const char *name)
{
	size_t len = strlen(name), i;

	CHECK(len > 0 && fuzz_utf8_valid(name, len));
	CHECK(name[0] != ' ' && name[len - 1] != ' ');
	for (i = 0; i < len; i++) {
		CHECK(!(name[i] >= 'a' && name[i] <= 'z'));
		CHECK((unsigned char)name[i] >= 0x20 && name[i] != 0x7f);
		CHECK(!(name[i] == ' ' && name[i + 1] == ' '));
	}
}

/* The two keys of a normalised name, each stable. */
static void fuzz_name_keys(const char *name)
{
	size_t sz = 4 * strlen(name) + 1;
	char *key = xalloc(sz), *key2 = xalloc(sz);
	char *asc = xalloc(sz), *asc2 = xalloc(sz);

	name_key(name, key, sz);
	CHECK(fuzz_cstr_ok(key, sz));
	name_key(key, key2, sz);
	CHECK(!strcmp(key, key2));
	name_key_ascii(name, asc, sz);
	CHECK(fuzz_cstr_ok(asc, sz));
	name_key_ascii(asc, asc2, sz);
	CHECK(!strcmp(asc, asc2));
	/* the tone's place does not matter once tones are gone */
	name_key_ascii(key, asc2, sz);
	CHECK(!strcmp(asc, asc2));
	free(key);
	free(key2);
	free(asc);
	free(asc2);
}

static void fuzz_name(const char *s, size_t n, unsigned param)
{
	size_t sz = 4 * n + 1, len, small = param % 48 + 1;
	char *out = xalloc(sz), *again, *cut = xalloc(small);
	unsigned fl = NF_KEEP, f2 = NF_KEEP;
	int rc = norm_name(s, n, out, sz, &fl), rc2;

	check_flags(fl);
	CHECK(fl == NF_KEEP || fl == (NF_KEEP | NF_NAME_REPAIRED));
	CHECK(rc == NORM_OK || rc == NORM_EMPTY || rc == NORM_BAD);
	CHECK(memchr(out, '\0', sz) != NULL);
	if (rc != NORM_OK)
		CHECK(out[0] == '\0');
	/* a buffer too small: refused whole, or the same text */
	rc2 = norm_name(s, n, cut, small, &f2);
	CHECK(memchr(cut, '\0', small) != NULL);
	if (rc2 == NORM_OK)
		CHECK(rc == NORM_OK && !strcmp(cut, out));
	else if (rc2 == NORM_BAD)
		CHECK(cut[0] == '\0');
	free(cut);
	if (rc == NORM_OK) {
		check_name_text(out);
		len = strlen(out);
		again = xalloc(4 * len + 1);
		f2 = NF_KEEP;
		CHECK(norm_name(out, len, again, 4 * len + 1, &f2) == NORM_OK);
		CHECK(!strcmp(out, again) && f2 == NF_KEEP);
		free(again);
		fuzz_name_keys(out);
	}
	free(out);
}

static void fuzz_sex(const char *s, size_t n, unsigned param)
{
	int checkbox = param & 1, rc;
	char out = 'X';

	rc = norm_sex(s, n, checkbox, &out);
	if (rc == NORM_OK)
		CHECK(out == 'M' || out == 'F');
	else if (rc == NORM_EMPTY)
		CHECK(!checkbox && !out);
	else
		CHECK(rc == NORM_BAD && !out);
}

static void fuzz_code(const char *s, size_t n, unsigned param)
{
	size_t sz = 4 * n + 1, small = param % 24 + 1, len;
	char *out = xalloc(sz), *cut = xalloc(small), *again;
	int rc = norm_code(s, n, out, sz), rc2;

	CHECK(rc == NORM_OK || rc == NORM_EMPTY || rc == NORM_BAD);
	CHECK(fuzz_cstr_ok(out, sz));
	if (rc != NORM_OK)
		CHECK(out[0] == '\0');
	rc2 = norm_code(s, n, cut, small);
	CHECK(fuzz_cstr_ok(cut, small));
	if (rc2 == NORM_OK)
		CHECK(rc == NORM_OK && !strcmp(cut, out));
	if (rc == NORM_OK && strlen(out) < small)
		CHECK(rc2 == NORM_OK);
	free(cut);
	if (rc == NORM_OK) {
		len = strlen(out);
		CHECK(len > 0);
		again = xalloc(4 * len + 1);
		CHECK(norm_code(out, len, again, 4 * len + 1) == NORM_OK);
		CHECK(!strcmp(out, again));
		free(again);
	}
	free(out);
}

static void fuzz_small(const char *s, size_t n, int which)
{
	char buf[32];
	int rc, v, v2;
	double p, p2;
	unsigned u;

	switch (which) {
	case 0:
		rc = norm_level(s, n, &v);
		CHECK(rc == NORM_OK ? v >= 1 && v <= 5 : v == 0);
		if (rc == NORM_OK) {
			snprintf(buf, sizeof(buf), "%d", v);
			CHECK(norm_level(buf, strlen(buf), &v2) == NORM_OK);
			CHECK(v2 == v);
		}
		break;
	case 1:
		rc = norm_pct(s, n, &p);
		CHECK(rc == NORM_OK || p == 0);
		if (rc != NORM_OK)
			break;
		CHECK(isfinite(p) && p >= 0 && p <= 100);
		if (p == floor(p)) {
			snprintf(buf, sizeof(buf), "%d%%", (int)p);
			CHECK(norm_pct(buf, strlen(buf), &p2) == NORM_OK);
			CHECK(p2 == p);
		}
		break;
	case 2:
		rc = norm_status(s, n, &v);
		CHECK(rc == NORM_OK || rc == NORM_BAD);
		CHECK(v >= STATUS_ALIVE && v <= STATUS_MOVED);
		break;
	default:
		rc = norm_schemes(s, n, &u);
		if (rc == NORM_OK)
			CHECK(u && !(u & ~15u));
		else if (rc == NORM_EMPTY)
			CHECK(u == SCHEME_BHYT);
		else
			CHECK(rc == NORM_BAD && u == 0);
	}
}

static void fuzz_fold(const char *s, size_t n, unsigned param)
{
	size_t sz = param + 1, len, i;
	char *out = xalloc(sz), *again = xalloc(sz);

	fold_header(s, n, out, sz);
	CHECK(fuzz_cstr_ok(out, sz));
	len = strlen(out);
	if (len) {
		CHECK(out[0] != '_' && out[len - 1] != '_');
		for (i = 0; i < len; i++) {
			CHECK(!(out[i] >= 'A' && out[i] <= 'Z'));
			CHECK(!(out[i] == '_' && out[i + 1] == '_'));
		}
	}
	fold_header(out, len, again, sz);
	CHECK(!strcmp(out, again));
	free(out);
	free(again);
}

/* name_key and name_key_ascii on any text, into any buffer. */
static void fuzz_keys_raw(const char *s, size_t n, unsigned param)
{
	size_t sz = param + 1;
	char *in = xalloc(n + 1), *out = xalloc(sz);

	memcpy(in, s, n);
	in[n] = '\0';
	name_key(in, out, sz);
	CHECK(memchr(out, '\0', sz) != NULL);
	if (fuzz_utf8_valid(in, strlen(in)))
		CHECK(fuzz_cstr_ok(out, sz));
	name_key_ascii(in, out, sz);
	CHECK(fuzz_cstr_ok(out, sz));
	free(in);
	free(out);
}

/* id_valid and id_birth on any 12 bytes; nf_name on any index. */
static void fuzz_id_parts(const char *s, size_t n, unsigned param)
{
	char *id;
	const char *name = nf_name(param);
	int year;
	char sex;

	CHECK(name && *name);
	CHECK((param < NF_COUNT) == !!strcmp(name, "UNKNOWN"));
	if (n < 12)
		return;
	id = xalloc(12);
	memcpy(id, s, 12);
	if (id_valid(id))
		CHECK(all_digits(id, 12));
	id_birth(id, &year, &sex);
	if (all_digits(id + 3, 3))
		CHECK(year >= 1900 && year <= 2399 &&
		      (sex == 'M' || sex == 'F'));
	else
		CHECK(year == 0 && sex == 0);
	free(id);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data + 2;
	unsigned param;
	size_t n;

	if (size < 2)
		return 0;
	param = data[1];
	n = size - 2;
	switch (data[0] % 15) {
	case 0:
		fuzz_person_id(s, n);
		break;
	case 1:
		fuzz_cmnd(s, n);
		break;
	case 2:
		fuzz_bhxh(s, n);
		break;
	case 3:
		fuzz_card(s, n);
		break;
	case 4:
		fuzz_date(s, n, param);
		break;
	case 5:
		fuzz_name(s, n, param);
		break;
	case 6:
		fuzz_sex(s, n, param);
		break;
	case 7:
		fuzz_code(s, n, param);
		break;
	case 8:
	case 9:
	case 10:
	case 11:
		fuzz_small(s, n, data[0] % 15 - 8);
		break;
	case 12:
		fuzz_fold(s, n, param);
		break;
	case 13:
		fuzz_keys_raw(s, n, param);
		break;
	default:
		fuzz_id_parts(s, n, param);
	}
	return 0;
}
