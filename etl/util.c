/*
 * util.c: errors, logging, checked allocation, the arena and strbuf.
 * See util.h for the contracts.
 */
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *prog = "doisoat";
static int quiet;

int etl_errf(struct etl_err *err, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return -1;
}

void set_progname(const char *name)
{
	prog = name;
}

const char *progname(void)
{
	return prog;
}

void set_quiet(int q)
{
	quiet = q;
}

/* A progress line is on the terminal (main thread only). */
static int progress_shown;

void progress(const char *fmt, ...)
{
	char text[256];
	va_list ap;

	if (quiet || !isatty(STDERR_FILENO))
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	/* back to the line's start, the text, the rest of the line cleared */
	fprintf(stderr, "\r%s: %s\033[K", prog, text);
	fflush(stderr);
	progress_shown = 1;
}

void progress_done(void)
{
	if (!progress_shown)
		return;
	progress_shown = 0;
	fputs("\r\033[K", stderr);
	fflush(stderr);
}

/*
 * One message line on f, written by one call: lines from threads never
 * interleave.
 */
static void put_line(FILE *f, const char *head, const char *fmt, va_list ap)
{
	char line[1024];
	int n;

	if (f == stderr)
		progress_done(); /* the message takes the progress line's place
				  */
	n = snprintf(line, sizeof(line), "%s", head);
	if (n < 0 || (size_t)n >= sizeof(line))
		n = 0;
	vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	n = (int)strlen(line);
	line[n++] = '\n';
	fwrite(line, 1, (size_t)n, f);
}

/* put_line with the arguments given here. */
static void put_linef(FILE *f, const char *head, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void put_linef(FILE *f, const char *head, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	put_line(f, head, fmt, ap);
	va_end(ap);
}

/* "<progname>: <prefix>" */
static void report_head(char *head, size_t n, const char *prefix)
{
	snprintf(head, n, "%s: %s", prog, prefix);
}

/* "<UTC time> <progname>: " */
static void log_head(char *head, size_t n)
{
	char stamp[32];
	struct tm tm;
	time_t t = time(NULL);

	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ ", &tm);
	snprintf(head, n, "%s%s: ", stamp, prog);
}

static void vreport(const char *prefix, const char *fmt, va_list ap)
{
	char head[128];

	fflush(stdout);
	report_head(head, sizeof(head), prefix);
	put_line(stderr, head, fmt, ap);
}

void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("", fmt, ap);
	va_end(ap);
	exit(EXIT_FAIL);
}

void die_code(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("", fmt, ap);
	va_end(ap);
	exit(code);
}

void warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("warning: ", fmt, ap);
	va_end(ap);
}

void logmsg(const char *fmt, ...)
{
	va_list ap;
	char head[160];

	if (quiet)
		return;
	log_head(head, sizeof(head));
	va_start(ap, fmt);
	put_line(stderr, head, fmt, ap);
	va_end(ap);
}

void msgs_add(struct msgs *m, enum msg_level level, const char *fmt, ...)
{
	va_list ap;
	char *text;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	text = xmalloc((size_t)n + 1);
	text[0] = '\0';
	va_start(ap, fmt);
	vsnprintf(text, (size_t)n + 1, fmt, ap);
	va_end(ap);
	GROW(m->v, m->cap, m->n + 1);
	m->v[m->n].level = level;
	m->v[m->n++].text = text;
}

void msgs_absorb(struct msgs *dst, struct msgs *src)
{
	GROW(dst->v, dst->cap, dst->n + src->n);
	if (src->n)
		memcpy(dst->v + dst->n, src->v, src->n * sizeof(*src->v));
	dst->n += src->n;
	src->n = 0; /* the texts now belong to dst */
	msgs_release(src);
}

void msgs_print(struct msgs *m, FILE *f)
{
	char head[160];
	size_t i;

	fflush(stdout);
	for (i = 0; i < m->n; i++) {
		if (m->v[i].level == MSG_WARN)
			report_head(head, sizeof(head), "warning: ");
		else if (!quiet)
			log_head(head, sizeof(head));
		else
			continue;
		put_linef(f, head, "%s", m->v[i].text);
	}
	msgs_release(m);
}

void msgs_release(struct msgs *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		free(m->v[i].text);
	free(m->v);
	m->v = NULL;
	m->n = m->cap = 0;
}

double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		die("out of memory (%zu bytes)", n);
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		die("out of memory (%zu x %zu bytes)", n, size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die("out of memory (%zu bytes)", n);
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void grow_array(void **arr, size_t *cap, size_t need, size_t elem)
{
	size_t n;

	if (need <= *cap)
		return;
	n = *cap ? *cap : 16;
	while (n < need)
		n *= 2;
	*arr = xrealloc(*arr, n * elem);
	*cap = n;
}

void grow_exact(void **arr, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return;
	*arr = xrealloc(*arr, need * elem);
	*cap = need;
}

/* Arena blocks are 1 MiB unless one allocation needs more. */
struct arena_block {
	struct arena_block *next;
	size_t size;
	char data[];
};

#define ARENA_BLOCK (1u << 20)

void arena_init(struct arena *a)
{
	a->head = NULL;
	a->used = 0;
	a->total = 0;
}

/* n bytes from the arena; aligned for any object unless align is 0. */
static void *arena_get(struct arena *a, size_t n, int align)
{
	struct arena_block *b;
	size_t size;
	void *p;

	if (align)
		a->used = (a->used + 7) & ~(size_t)7;
	if (!a->head || a->used + n > a->head->size) {
		size = n > ARENA_BLOCK ? n : ARENA_BLOCK;
		b = xmalloc(sizeof(*b) + size);
		b->next = a->head;
		b->size = size;
		a->head = b;
		a->used = 0;
		a->total += size;
	}
	p = a->head->data + a->used;
	a->used += n;
	return p;
}

void *arena_alloc(struct arena *a, size_t n)
{
	return arena_get(a, n, 1);
}

char *arena_text(struct arena *a, size_t n)
{
	return arena_get(a, n, 0);
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_text(a, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

struct arena_mark arena_mark(const struct arena *a)
{
	struct arena_mark m = { a->head, a->used };

	return m;
}

void arena_rewind(struct arena *a, struct arena_mark m)
{
	struct arena_block *b;

	while (a->head && a->head != m.head) {
		b = a->head;
		a->head = b->next;
		a->total -= b->size;
		free(b);
	}
	a->used = a->head ? m.used : 0;
}

void arena_absorb(struct arena *dst, struct arena *src)
{
	struct arena_block *last;

	if (!src->head)
		return;
	if (!dst->head) {
		*dst = *src;
	} else {
		/* behind dst's head, which goes on filling */
		for (last = src->head; last->next; last = last->next)
			;
		last->next = dst->head->next;
		dst->head->next = src->head;
		dst->total += src->total;
	}
	src->head = NULL;
	src->used = src->total = 0;
}

void arena_release(struct arena *a)
{
	struct arena_block *b = a->head, *next;

	while (b) {
		next = b->next;
		free(b);
		b = next;
	}
	arena_init(a);
}

void sb_init(struct strbuf *sb, size_t cap)
{
	sb->buf = NULL;
	sb->len = 0;
	sb->alloc = 0;
	sb->cap = cap;
}

static int sb_grow(struct strbuf *sb, size_t extra)
{
	size_t need = sb->len + extra + 1;

	if (sb->cap && sb->len + extra > sb->cap)
		return -1;
	if (need > sb->alloc) {
		size_t n = sb->alloc ? sb->alloc : 64;

		while (n < need)
			n *= 2;
		sb->buf = xrealloc(sb->buf, n);
		sb->alloc = n;
	}
	return 0;
}

int sb_add(struct strbuf *sb, const void *data, size_t n)
{
	if (sb_grow(sb, n) < 0)
		return -1;
	memcpy(sb->buf + sb->len, data, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
	return 0;
}

int sb_addc(struct strbuf *sb, int c)
{
	char ch = (char)c;

	return sb_add(sb, &ch, 1);
}

int sb_adds(struct strbuf *sb, const char *s)
{
	return sb_add(sb, s, strlen(s));
}

int sb_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || sb_grow(sb, (size_t)n) < 0)
		return -1;
	va_start(ap, fmt);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
	return 0;
}

void sb_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->buf)
		sb->buf[0] = '\0';
}

void sb_release(struct strbuf *sb)
{
	free(sb->buf);
	sb_init(sb, sb->cap);
}

int starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

void sort_kv(struct kv *a, size_t n)
{
	enum { BITS = 11, BUCKETS = 1 << BITS };
	size_t *count, i;
	uint64_t diff = 0;
	struct kv *tmp, *src = a, *dst;
	int shift;

	if (n < 2)
		return;
	for (i = 1; i < n; i++)
		diff |= a[i].key ^ a[0].key;
	tmp = xmalloc(n * sizeof(*a));
	count = xmalloc(BUCKETS * sizeof(*count));
	dst = tmp;
	for (shift = 0; shift < 64; shift += BITS) {
		size_t sum = 0;

		if (!((diff >> shift) & (BUCKETS - 1)))
			continue; /* every key has the same digit here */
		memset(count, 0, BUCKETS * sizeof(*count));
		for (i = 0; i < n; i++)
			count[(src[i].key >> shift) & (BUCKETS - 1)]++;
		for (i = 0; i < BUCKETS; i++) {
			size_t c = count[i];

			count[i] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			dst[count[(src[i].key >> shift) & (BUCKETS - 1)]++] =
				src[i];
		dst = src;
		src = src == a ? tmp : a;
	}
	if (src != a)
		memcpy(a, src, n * sizeof(*a));
	free(count);
	free(tmp);
}

void permute_kv(void *base, size_t size, struct kv *kv, size_t n)
{
	char *a = base, first[PERMUTE_MAX];
	size_t i, j, k;

	if (size > PERMUTE_MAX)
		die("permute_kv: elements of %zu bytes", size);
	for (i = 0; i < n; i++) {
		if (kv[i].val == i)
			continue;
		memcpy(first, a + i * size, size);
		for (j = i;; j = k) {
			k = kv[j].val;
			kv[j].val = (uint32_t)j;
			if (k == i) {
				memcpy(a + j * size, first, size);
				break;
			}
			memcpy(a + j * size, a + k * size, size);
		}
	}
}

unsigned etl_threads(void)
{
	const char *env = getenv("DOISOAT_THREADS");
	long n = env && *env ? strtol(env, NULL, 10)
			     : sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > ETL_THREADS_MAX ? ETL_THREADS_MAX : (unsigned)n;
}

void workers_start(struct workers *w, void *(*fn)(void *), void *parts,
		   size_t size, int n)
{
	int k;

	w->fn = fn;
	w->parts = parts;
	w->size = size;
	w->n = n;
	for (k = 1; k < n; k++)
		w->started[k] =
			pthread_create(&w->tid[k], NULL, fn,
				       w->parts + (size_t)k * size) == 0;
}

void workers_wait(struct workers *w, int k)
{
	if (k <= 0 || k >= w->n)
		return;
	if (w->started[k])
		pthread_join(w->tid[k], NULL);
	else
		w->fn(w->parts + (size_t)k * w->size); /* no thread to be had */
}
