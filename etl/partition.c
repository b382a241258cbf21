/*
 * partition.c: the files one partition of a run leaves for the merge,
 * and reading a partition folder back (partition.h, rules.md R7.13).
 */
#include "partition.h"
#include "reason.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <xxhash.h>

int partition_parse(const char *s, uint32_t *index, uint32_t *count)
{
	unsigned long i, n;
	char *end;

	if (!isdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	i = strtoul(s, &end, 10);
	if (errno || *end != '/' || !isdigit((unsigned char)end[1]))
		return -1;
	n = strtoul(end + 1, &end, 10);
	if (errno || *end || n < 1 || n > PARTITION_MAX || i >= n)
		return -1;
	*index = (uint32_t)i;
	*count = (uint32_t)n;
	return 0;
}

/* XXH3-64 of the bytes of the file at path, or -1 with err. */
static int hash_file(const char *path, uint64_t *h, struct etl_err *err)
{
	XXH3_state_t *st = XXH3_createState();
	char buf[1 << 16];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (!f || !st) {
		XXH3_freeState(st);
		if (f)
			fclose(f);
		return etl_errf(err, "'%s': cannot open: %s", path,
				strerror(errno));
	}
	XXH3_64bits_reset(st);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		XXH3_64bits_update(st, buf, n);
	*h = XXH3_64bits_digest(st);
	XXH3_freeState(st);
	if (ferror(f)) {
		fclose(f);
		return etl_errf(err, "'%s': cannot read: %s", path,
				strerror(errno));
	}
	fclose(f);
	return 0;
}

int partition_reference(const struct run_opts *o, const struct batch *b,
			uint64_t *ref, struct etl_err *err)
{
	const char *name[] = { "areas", "scope",	 "targets", "groups",
			       "units", "contributions", "support" };
	const char *path[] = { o->areas,  o->scope, o->targets,
			       o->groups, o->units, o->contributions,
			       o->support };
	struct strbuf sb;
	char start[11], today[11];
	uint64_t h;
	size_t i;

	date_format(&b->period_start, start);
	date_format(&b->today, today);
	sb_init(&sb, 0);
	sb_addf(&sb, "period=%d;start=%s;today=%s", b->period, start, today);
	for (i = 0; i < sizeof(name) / sizeof(name[0]); i++) {
		if (path[i] && hash_file(path[i], &h, err) < 0) {
			sb_release(&sb);
			return -1;
		}
		if (path[i])
			sb_addf(&sb, ";%s=%016llx", name[i],
				(unsigned long long)h);
		else
			sb_addf(&sb, ";%s=-", name[i]);
	}
	*ref = XXH3_64bits(sb.buf, sb.len);
	sb_release(&sb);
	return 0;
}

void partition_summary_line(struct strbuf *sb, uint32_t index, uint32_t count,
			    const struct date *today, uint64_t ref)
{
	char day[11];

	date_format(today, day);
	sb_addf(sb,
		"  \"partition\": {\"index\": %u, \"count\": %u, \"today\": "
		"\"%s\", \"reference\": \"%016llx\"},\n",
		index, count, day, (unsigned long long)ref);
}

/* ---- writing ------------------------------------------------------------ */

static int write_keys(const struct outputs *o, const char *dir,
		      struct etl_err *err)
{
	struct strbuf tmp;
	FILE *f;
	size_t r;
	int l, rc;

	sb_init(&tmp, 0);
	f = atomic_open(dir, PARTITION_KEYS, &tmp, err);
	if (!f) {
		sb_release(&tmp);
		return -1;
	}
	fputs("list,commune,key,reason\n", f);
	for (l = 0; l < L_COVERAGE; l++)
		for (r = 0; r < o->lists[l].n; r++) {
			const struct orow *row = &o->lists[l].rows[r];

			fprintf(f, "%s,", list_file((enum list)l));
			out_csv_cell(f, row->commune);
			fprintf(f, ",%llu,%s\n", (unsigned long long)row->key,
				reason_name((enum reason)row->reason));
		}
	rc = atomic_commit(f, dir, PARTITION_KEYS, tmp.buf, err);
	sb_release(&tmp);
	return rc;
}

#define COVERAGE_HEADER                                                        \
	"commune_code,population,insured,bhxh_compulsory,bhxh_voluntary,bhtn"

static int write_coverage(const struct outputs *o, const char *dir,
			  struct etl_err *err)
{
	struct strbuf tmp;
	FILE *f;
	size_t i;
	int rc;

	sb_init(&tmp, 0);
	f = atomic_open(dir, PARTITION_COVERAGE, &tmp, err);
	if (!f) {
		sb_release(&tmp);
		return -1;
	}
	fputs(COVERAGE_HEADER "\n", f);
	for (i = 0; i < o->ncov; i++) {
		const struct cov *c = &o->cov[i];

		out_csv_cell(f, c->commune);
		fprintf(f, ",%ld,%ld,%ld,%ld,%ld\n", c->population, c->insured,
			c->bhxh_compulsory, c->bhxh_voluntary, c->bhtn);
	}
	rc = atomic_commit(f, dir, PARTITION_COVERAGE, tmp.buf, err);
	sb_release(&tmp);
	return rc;
}

int partition_write_keys(struct outputs *o, void *ctx, struct etl_err *err)
{
	return write_keys(o, ctx, err) < 0 ? -1 : write_coverage(o, ctx, err);
}

/* ---- reading back ------------------------------------------------------- */

/* dir/name read whole, NUL-terminated (*len: its bytes), or NULL. */
static char *slurp(const char *dir, const char *name, size_t *len,
		   struct etl_err *err)
{
	struct strbuf path;
	char *buf = NULL;
	size_t n = 0, cap = 0, got;
	struct stat st;
	FILE *f;

	sb_init(&path, 0);
	if (out_path(&path, dir, name, err) < 0) {
		sb_release(&path);
		return NULL;
	}
	f = fopen(path.buf, "rb");
	if (!f) {
		etl_errf(err, "'%s': cannot open: %s", path.buf,
			 strerror(errno));
		sb_release(&path);
		return NULL;
	}
	/* the file's size at once: a list read back is the merge's largest
	   passing allocation, and doubling would make it up to twice that */
	if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode)) {
		cap = (size_t)st.st_size + 2;
		buf = xmalloc(cap);
	}
	do {
		if (cap - n < 2)
			GROW(buf, cap, n + (1 << 20) + 1);
		got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
	} while (got > 0);
	if (ferror(f)) {
		etl_errf(err, "'%s': cannot read: %s", path.buf,
			 strerror(errno));
		free(buf);
		buf = NULL;
	} else {
		buf[n] = '\0';
		*len = n;
	}
	fclose(f);
	sb_release(&path);
	return buf;
}

/*
 * The next record of a CSV doisoat wrote (RFC 4180, every record ending
 * in '\n'), from *p (text ends at end): its cells unquoted in place,
 * NUL-terminated, into cells[max].  Returns how many, 0 at the end, -1
 * when the text is not such CSV.
 */
static int next_record(char **p, char *end, char **cells, int max)
{
	char *r = *p, *w, c;
	int n = 0;

	if (r >= end)
		return 0;
	for (;;) {
		if (n == max)
			return -1;
		cells[n++] = w = r;
		if (*r == '"') {
			for (r++;; *w++ = *r++) {
				if (r >= end)
					return -1;
				if (*r == '"' && r + 1 < end && r[1] == '"')
					r++; /* "" is one quote */
				else if (*r == '"')
					break;
			}
			r++; /* the closing quote */
		} else {
			while (r < end && *r != ',' && *r != '\n' && *r != '"')
				r++;
			w = r;
		}
		if (r >= end)
			return -1;
		c = *r;
		*w = '\0';
		if (c == '\n') {
			*p = r + 1;
			return n;
		}
		if (c != ',')
			return -1;
		r++;
	}
}

/* After the header line, or NULL when the text does not start with it. */
static char *after_header(char *text, const char *header)
{
	size_t n = strlen(header);

	return strncmp(text, header, n) || text[n] != '\n' ? NULL
							   : text + n + 1;
}

/* A decimal number of a cell, or -1. */
static int cell_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return errno || *end ? -1 : 0;
}

/* A reason by name ("" is none), or -1 when there is no such reason. */
static int cell_reason(const char *s, uint8_t *why)
{
	enum reason r = reason_parse(s);

	if (r == R_NONE && *s)
		return -1;
	*why = (uint8_t)r;
	return 0;
}

/* The rows of partition-keys.csv. */
struct key_row {
	const char *commune;
	uint64_t key;
	uint8_t list, reason;
};

struct keys {
	char *text;
	struct key_row *rows;
	size_t n, cap;
};

/* The list whose file is name, or -1 (coverage is none of them). */
static int list_named(const char *name)
{
	int l;

	for (l = 0; l < L_COVERAGE; l++)
		if (!strcmp(list_file((enum list)l), name))
			return l;
	return -1;
}

/* Read dir's partition-keys.csv into k: 0, or -1 with err. */
static int read_keys(const char *dir, struct keys *k, struct etl_err *err)
{
	char *p, *end, *cells[5];
	size_t len;
	int nc = 0, l, last = 0, bad = 0;

	memset(k, 0, sizeof(*k));
	k->text = slurp(dir, PARTITION_KEYS, &len, err);
	if (!k->text)
		return -1;
	end = k->text + len;
	p = after_header(k->text, "list,commune,key,reason");
	while (p && !bad && (nc = next_record(&p, end, cells, 5)) > 0) {
		struct key_row *row;

		GROW(k->rows, k->cap, k->n + 1);
		row = &k->rows[k->n++];
		l = nc == 4 ? list_named(cells[0]) : -1;
		bad = l < last || cell_u64(cells[2], &row->key) < 0 ||
		      cell_reason(cells[3], &row->reason) < 0;
		if (bad)
			break;
		row->commune = cells[1];
		row->list = (uint8_t)l;
		last = l;
	}
	if (!p || bad || nc < 0)
		return etl_errf(err,
				"'%s/%s': row %zu is not as doisoat run "
				"--partition writes it",
				dir, PARTITION_KEYS, k->n);
	return 0;
}

static void keys_release(struct keys *k)
{
	free(k->text);
	free(k->rows);
}

/* The rows of list l of dir into o, the keys from k->rows[*at...]. */
static int read_list(const char *dir, enum list l, const struct keys *k,
		     size_t *at, struct outputs *o, struct etl_err *err)
{
	char *text, *p, *end, *cells[LIST_MAX_COLS + 1];
	size_t len, row = 0, rows;
	int nc = 0;

	text = slurp(dir, list_file(l), &len, err);
	if (!text)
		return -1;
	for (rows = *at; rows < k->n && k->rows[rows].list == l; rows++)
		;
	out_reserve(o, l, rows - *at); /* no room to spare */
	end = text + len;
	p = after_header(text, list_header(l));
	while (p && (nc = next_record(&p, end, cells, LIST_MAX_COLS + 1)) > 0) {
		const struct key_row *kr;

		row++;
		if (nc != list_ncols(l) || *at == k->n ||
		    k->rows[*at].list != l) {
			nc = -1;
			break;
		}
		kr = &k->rows[*at];
		out_add(o, l, kr->commune, kr->key, (enum reason)kr->reason,
			(const char *const *)cells);
		++*at;
	}
	free(text);
	if (!p || nc < 0)
		return etl_errf(err,
				"'%s/%s': row %zu is not as doisoat wrote it, "
				"or %s does not give it",
				dir, list_file(l), row, PARTITION_KEYS);
	if (*at < k->n && k->rows[*at].list == l)
		return etl_errf(err, "'%s/%s': fewer rows than %s gives", dir,
				list_file(l), PARTITION_KEYS);
	return 0;
}

static int read_lists(const char *dir, struct outputs *o, struct etl_err *err)
{
	struct keys k;
	size_t at = 0;
	int l, rc = 0;

	if (read_keys(dir, &k, err) < 0) {
		keys_release(&k);
		return -1;
	}
	o->read_back = 1; /* its rows lie in runs of their order already */
	for (l = 0; l < L_COVERAGE && !rc; l++)
		rc = read_list(dir, (enum list)l, &k, &at, o, err);
	if (!rc && at != k.n)
		rc = etl_errf(err, "'%s/%s': rows of no list", dir,
			      PARTITION_KEYS);
	keys_release(&k);
	return rc;
}

/* The coverage counts of commune in o->cov, added (zero) when new. */
static struct cov *cov_slot(struct outputs *o, const char *commune)
{
	size_t lo = 0, hi = o->ncov, mid, cap = o->ncov;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (strcmp(o->cov[mid].commune, commune) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == o->ncov || strcmp(o->cov[lo].commune, commune)) {
		GROW(o->cov, cap, o->ncov + 1);
		memmove(&o->cov[lo + 1], &o->cov[lo],
			(o->ncov - lo) * sizeof(*o->cov));
		memset(&o->cov[lo], 0, sizeof(*o->cov));
		snprintf(o->cov[lo].commune, sizeof(o->cov[lo].commune), "%s",
			 commune);
		o->ncov++;
	}
	return &o->cov[lo];
}

static int read_coverage(const char *dir, struct outputs *o,
			 struct etl_err *err)
{
	char *text, *p, *end, *cells[7];
	uint64_t v[5];
	size_t len, row = 0;
	int nc = 0, i;

	text = slurp(dir, PARTITION_COVERAGE, &len, err);
	if (!text)
		return -1;
	end = text + len;
	p = after_header(text, COVERAGE_HEADER);
	while (p && (nc = next_record(&p, end, cells, 7)) > 0) {
		struct cov *c;

		row++;
		for (i = 0; nc == 6 && i < 5; i++)
			if (cell_u64(cells[i + 1], &v[i]) < 0 ||
			    v[i] > LONG_MAX)
				nc = -1;
		if (nc != 6 || !*cells[0] ||
		    strlen(cells[0]) >= sizeof(c->commune)) {
			nc = -1;
			break;
		}
		c = cov_slot(o, cells[0]);
		c->population += (long)v[0];
		c->insured += (long)v[1];
		c->bhxh_compulsory += (long)v[2];
		c->bhxh_voluntary += (long)v[3];
		c->bhtn += (long)v[4];
	}
	free(text);
	if (!p || nc < 0)
		return etl_errf(err,
				"'%s/%s': row %zu is not as doisoat run "
				"--partition writes it",
				dir, PARTITION_COVERAGE, row);
	return 0;
}

int partition_read(const char *dir, struct outputs *o, struct etl_err *err)
{
	return read_lists(dir, o, err) < 0 || read_coverage(dir, o, err) < 0
		       ? -1
		       : 0;
}

/* ---- summary.json ------------------------------------------------------- */

/* The head without the value of each "seconds": what must be the same. */
static char *without_seconds(const char *s, size_t n)
{
	static const char key[] = "\"seconds\": ";
	char *out = xmalloc(n + 1), *w = out;
	const char *end = s + n, *k;

	while ((k = memmem(s, (size_t)(end - s), key, sizeof(key) - 1))) {
		k += sizeof(key) - 1;
		memcpy(w, s, (size_t)(k - s));
		w += k - s;
		for (s = k;
		     s < end && (isdigit((unsigned char)*s) || *s == '.');)
			s++;
	}
	memcpy(w, s, (size_t)(end - s));
	w[end - s] = '\0';
	return out;
}

int partition_read_summary(const char *dir, struct part_info *pi,
			   struct etl_err *err)
{
	static const char key[] = "\n  \"partition\": ";
	unsigned long long ref;
	const char *at, *p;
	size_t len;

	memset(pi, 0, sizeof(*pi));
	pi->dir = dir;
	pi->text = slurp(dir, "summary.json", &len, err);
	if (!pi->text)
		return -1;
	at = strstr(pi->text, key);
	if (!at)
		return etl_errf(err,
				"'%s': not a partition folder (its "
				"summary.json has no \"partition\": doisoat "
				"run --partition I/N writes one)",
				dir);
	pi->head_len = (size_t)(at + 1 - pi->text);
	if (sscanf(at + sizeof(key) - 1,
		   "{\"index\": %u, \"count\": %u, \"today\": \"%10[0-9-]\", "
		   "\"reference\": \"%16llx\"}",
		   &pi->index, &pi->count, pi->today, &ref) != 4 ||
	    !(p = strstr(pi->text, "\n  \"period\": ")) ||
	    sscanf(p, "\n  \"period\": %d", &pi->period) != 1 ||
	    !(p = strstr(pi->text, "\n  \"exit_code\": ")) ||
	    sscanf(p, "\n  \"exit_code\": %d", &pi->exit_code) != 1 ||
	    pi->count < 1 || pi->index >= pi->count)
		return etl_errf(err,
				"'%s/summary.json': its \"partition\" key "
				"is not as doisoat run --partition writes it",
				dir);
	pi->reference = ref;
	pi->same = without_seconds(pi->text, pi->head_len);
	return 0;
}

void partition_info_release(struct part_info *pi)
{
	free(pi->text);
	free(pi->same);
	memset(pi, 0, sizeof(*pi));
}
