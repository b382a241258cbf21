/*
 * spill.c: the out-of-core run's two passes over the inputs (spill.h):
 * the groups of rows that identity may join, found with a union-find
 * over the values rows share; rule 3's table of the roster rows by name;
 * and the reading of one partition's rows.
 */
#include "spill.h"
#include "identity.h"
#include "partition.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xxhash.h>

int spill_parse_size(const char *s, unsigned long long *bytes)
{
	unsigned long long v = 0, mul = 1;
	const char *p = s;

	if (!s || *p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (~0ull - 9) / 10)
			return -1;
		v = v * 10 + (unsigned long long)(*p - '0');
	}
	switch (*p) {
	case 'T':
	case 't':
		mul <<= 10; /* fall through */
	case 'G':
	case 'g':
		mul <<= 10; /* fall through */
	case 'M':
	case 'm':
		mul <<= 10; /* fall through */
	case 'K':
	case 'k':
		mul <<= 10;
		p++;
		break;
	}
	if (*p == 'B' || *p == 'b')
		p++;
	if (*p || !v || v > ~0ull / mul)
		return -1;
	*bytes = v * mul;
	return 0;
}

/* A number read from the first line of a file, 0 if none ("max" too). */
static unsigned long long read_number(const char *path, const char *after)
{
	char line[256], *p;
	unsigned long long v = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (after && strncmp(line, after, strlen(after)))
			continue;
		p = line + (after ? strlen(after) : 0);
		v = strtoull(p, NULL, 10);
		if (after)
			v *= 1024; /* /proc/meminfo is in kB */
		break;
	}
	fclose(f);
	return v;
}

unsigned long long spill_default_limit(void)
{
	unsigned long long mem, cg;

	mem = read_number("/proc/meminfo", "MemTotal:");
	cg = read_number("/sys/fs/cgroup/memory.max", NULL);
	if (cg && (!mem || cg < mem))
		mem = cg;
	return mem / 5 * 4;
}

/* A gzip file's text size: its trailer's, wrapped at 4 GiB, unwrapped. */
static unsigned long long text_size(const char *path, off_t size)
{
	unsigned char m[4];
	unsigned long long isize;
	FILE *f = fopen(path, "rb");

	if (!f)
		return (unsigned long long)size;
	if (fread(m, 1, 2, f) != 2 || m[0] != 0x1f || m[1] != 0x8b ||
	    size < 18 || fseeko(f, size - 4, SEEK_SET) ||
	    fread(m, 1, 4, f) != 4) {
		fclose(f);
		return (unsigned long long)size;
	}
	fclose(f);
	isize = (unsigned long long)m[0] | (unsigned long long)m[1] << 8 |
		(unsigned long long)m[2] << 16 | (unsigned long long)m[3] << 24;
	while (isize < (unsigned long long)size)
		isize += 1ull << 32;
	return isize;
}

static int ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);

	return n >= t && !strcasecmp(s + n - t, tail);
}

unsigned long long spill_estimate(const struct run_opts *o)
{
	unsigned long long sum = 0;
	struct stat st;
	size_t i;

	for (i = 0; i < o->ninputs; i++) {
		const char *path = o->inputs[i].path;

		/* a pipe is not opened: what is read of it is gone */
		if (!strcmp(path, "-") || stat(path, &st) < 0 ||
		    !S_ISREG(st.st_mode))
			continue;
		if (ends_with(path, ".xlsx") || ends_with(path, ".xls"))
			sum += 30ull * (unsigned long long)st.st_size;
		else
			sum += 3 * text_size(path, st.st_size);
	}
	return sum;
}

const char *spill_once_only(const struct run_opts *o)
{
	struct stat st;
	size_t i;

	for (i = 0; i < o->ninputs; i++) {
		const char *path = o->inputs[i].path;

		if (!strcmp(path, "-"))
			return "standard input";
		if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
			return path;
	}
	return NULL;
}

/* --- pass 1: the groups ------------------------------------------------ */

/*
 * What a row can share with another row that identity may join it to, as
 * a tagged 64-bit value (kind in the top 6 bits, never 0): its personal
 * ID, CMND, BHXH code, and the demographic key of R4.2 d (name key, full
 * birth date, sex, commune) of a registry row or a row without an ID.  A
 * hash that two values share only joins two groups that needed not be:
 * the outputs stay the same.  A registry row's demographic key is
 * K_RDEMOG, looked up once every row is read (demog_joins), not stored in
 * the table: the registry is most rows, and only the few rows without an
 * ID ask for its keys.  K_NAME and K_RNAME, the accent-free name
 * with the year of birth of a registry row or card (the names rule 3
 * looks for) and of a roster row or lead (what it looks at), join
 * nothing but the rows of uncertain_joins.
 */
enum {
	K_PID = 1,
	K_CMND9,
	K_CMND12,
	K_BHXH,
	K_DEMOG,
	K_NAME,
	K_RNAME,
	K_RDEMOG
};
#define K_VALUE(kind, v) ((uint64_t)(kind) << 58 | ((v) & ((1ull << 58) - 1)))
#define K_KIND(v)	 ((v) >> 58)

/*
 * Open addressing from such a value to the first row that had it: the
 * largest table of a spilled run (a value or more per row).  It is kept
 * at most three-quarters full and grows by half, so it holds 1.33 to 2
 * slots a value (a power of two at half load held 2 to 4); a slot is
 * found from the hash by range reduction, not a mask.
 */
struct keymap {
	uint64_t *key; /* 0: empty */
	uint32_t *row;
	size_t cap, n;
};

#define MAP_MIN (1u << 16)
#define MAP_MAX 0xffffffffu /* slots: range reduction takes 32 bits */

static size_t map_slot(const struct keymap *m, uint64_t key)
{
	uint64_t h = XXH3_64bits(&key, sizeof(key)) >> 32;

	return (size_t)((h * (uint64_t)m->cap) >> 32);
}

static size_t map_after(const struct keymap *m, size_t i)
{
	return i + 1 == m->cap ? 0 : i + 1;
}

/* What pass 1 keeps of a row or lead: the values it may share, its name. */
struct shared {
	uint64_t pid, cmnd, bhxh, demog; /* K_VALUE()s, 0: none */
	uint64_t name, cname; /* the name; with the commune (0: none) */
};
#define NSHARED 6

/*
 * A roster row or lead of pass 1 as rule 3 sees it (struct r3ent), with
 * what tells whether identity may merge it into another (uncertain_joins):
 * a hash of its name key and group code (0 for a lead: never merged; two
 * classes that share it only make more rows uncertain), and its item's
 * number among its source's.
 */
struct cand {
	struct r3ent e;
	uint32_t cls, k;
};

/*
 * Pass 1's take of one source (its reading thread's own).  A source's
 * items wait for the sources before it (they are numbered in input
 * order), so a whole registry's may be held at once: they are packed,
 * a byte telling which values an item has, then those (most rows have
 * two or three of the six).
 */
struct src1 {
	uint8_t *items; /* its rows and leads, as read (pack_item) */
	size_t len, room; /* bytes of items used, allocated */
	uint32_t *at; /* item k's row among the rows read */
	size_t n, cap;
	struct cand *c; /* its roster rows and leads, for rule 3 */
	size_t nc, ccap;
	struct scope_codes codes; /* its registry rows' communes */
	char *ascii; /* name_key_ascii's buffer */
	size_t ascii_cap;
	size_t nrdemog; /* its items with a K_RDEMOG value */
	int too_many; /* a row past UINT32_MAX */
};

static void map_put(struct keymap *m, uint64_t key, uint32_t row)
{
	size_t i = map_slot(m, key);

	while (m->key[i])
		i = map_after(m, i);
	m->key[i] = key;
	m->row[i] = row;
	m->n++;
}

/*
 * Back n bytes at p with huge pages where the kernel has them for the
 * asking (transparent huge pages in "madvise" mode): the table is far
 * larger than the cache and is read at random, so nearly every lookup
 * also misses the TLB with 4 KB pages.
 */
static void advise_huge(void *p, size_t n)
{
#ifdef MADV_HUGEPAGE
	uintptr_t a = ((uintptr_t)p + 4095) & ~(uintptr_t)4095;

	if (n >= (64u << 20))
		(void)madvise((void *)a, n - (a - (uintptr_t)p), MADV_HUGEPAGE);
#else
	(void)p;
	(void)n;
#endif
}

static void map_grow(struct keymap *m)
{
	struct keymap old = *m;
	size_t i;

	if (old.cap >= MAP_MAX)
		die("more than %u distinct identifiers: too many for one run",
		    (unsigned)(MAP_MAX / 4 * 3));
	m->cap = old.cap ? old.cap + old.cap / 2 : MAP_MIN;
	if (m->cap > MAP_MAX)
		m->cap = MAP_MAX;
	m->key = xcalloc(m->cap, sizeof(*m->key));
	m->row = xmalloc(m->cap * sizeof(*m->row));
	advise_huge(m->key, m->cap * sizeof(*m->key));
	advise_huge(m->row, m->cap * sizeof(*m->row));
	m->n = 0;
	for (i = 0; i < old.cap; i++)
		if (old.key[i])
			map_put(m, old.key[i], old.row[i]);
	free(old.key);
	free(old.row);
}

/* The first row stored under key, or row itself once stored. */
static uint32_t map_first(struct keymap *m, uint64_t key, uint32_t row)
{
	size_t i;

	if (4 * (m->n + 1) > 3 * m->cap)
		map_grow(m);
	for (i = map_slot(m, key); m->key[i]; i = map_after(m, i))
		if (m->key[i] == key)
			return m->row[i];
	m->key[i] = key;
	m->row[i] = row;
	m->n++;
	return row;
}

/* The row stored under key, or NONE_ROW. */
#define NONE_ROW 0xffffffffu
static uint32_t map_get(const struct keymap *m, uint64_t key)
{
	size_t i;

	for (i = map_slot(m, key); m->key[i]; i = map_after(m, i))
		if (m->key[i] == key)
			return m->row[i];
	return NONE_ROW;
}

static uint32_t find(uint32_t *parent, uint32_t x)
{
	while (parent[x] != x) {
		parent[x] = parent[parent[x]];
		x = parent[x];
	}
	return x;
}

/* Join the groups of a and b: a group's root is its first row. */
static void join(uint32_t *parent, uint32_t a, uint32_t b)
{
	a = find(parent, a);
	b = find(parent, b);
	if (a < b)
		parent[b] = a;
	else if (b < a)
		parent[a] = b;
}

static struct shared shared_ids(uint64_t pid, uint64_t cmnd, int cmnd_len,
				uint64_t bhxh)
{
	struct shared v = { 0, 0, 0, 0, 0, 0 };

	v.pid = pid ? K_VALUE(K_PID, pid) : 0;
	v.cmnd = cmnd ? K_VALUE(cmnd_len == 12 ? K_CMND12 : K_CMND9, cmnd) : 0;
	v.bhxh = bhxh ? K_VALUE(K_BHXH, bhxh) : 0;
	return v;
}

/* The bucket of rule 3's table a hash is in: its top r3bits bits. */
static uint64_t r3_bucket(const struct spill_plan *plan, uint64_t h)
{
	return plan->r3bits ? h >> (64 - plan->r3bits) : 0;
}

/* Rule 3's entries in the order spill_foreign looks them up. */
static int r3ent_cmp(const void *a, const void *b)
{
	const struct r3ent *x = a, *y = b;

	if (x->h != y->h)
		return x->h < y->h ? -1 : 1;
	if (x->h2 != y->h2)
		return x->h2 < y->h2 ? -1 : 1;
	if (x->dob != y->dob)
		return x->dob < y->dob ? -1 : 1;
	return (x->part > y->part) - (x->part < y->part);
}

/* A birth date's precision, month and day in 11 bits; 0: none. */
static uint16_t dob_bits(const struct date *d)
{
	return (uint16_t)(d->prec << 9 | (d->month & 15) << 5 | (d->day & 31));
}

/* The year y date of bits (dob_bits). */
static struct date bits_dob(int year, uint16_t bits)
{
	struct date d;

	memset(&d, 0, sizeof(d));
	d.year = (int16_t)year;
	d.prec = (uint8_t)(bits >> 9);
	d.month = (uint8_t)(bits >> 5 & 15);
	d.day = (uint8_t)(bits & 31);
	return d;
}

/*
 * Where rule 3 looks up a name (struct r3ent's h and h2): XXH3-128 of
 * the accent-free key ascii, a 0 byte and the commune ("" for a row
 * without one), seeded with the year of birth.  ascii is in a buffer
 * with room for the commune after it.
 */
static XXH128_hash_t r3_key(char *ascii, size_t n, int year,
			    const char *commune)
{
	size_t c = strlen(commune);

	memcpy(ascii + n + 1, commune, c);
	return XXH3_128bits_withSeed(ascii, n + 1 + c,
				     (uint64_t)(uint16_t)year);
}

/*
 * The name of a row or lead with birth date dob: its value v->name, of
 * kind K_NAME (a registry row or card) or K_RNAME (a roster row or lead:
 * also rule 3's struct cand, cls as its), and v->cname, the same with
 * its commune (none without one).  A row without a birth date has
 * neither; a roster row still has its class.
 */
static void named(struct src1 *t, int kind, const char *name,
		  const struct date *dob, const char *commune, uint32_t cls,
		  struct shared *v)
{
	struct cand *c;
	XXH128_hash_t h;
	size_t n;

	v->name = v->cname = 0;
	if (dob->prec == DATE_NONE && !cls)
		return;
	if (kind == K_RNAME) {
		if (t->nc == t->ccap) {
			t->ccap = t->ccap ? t->ccap + t->ccap / 2 : 256;
			t->c = xrealloc(t->c, t->ccap * sizeof(*t->c));
		}
		c = &t->c[t->nc++];
		memset(c, 0, sizeof(*c));
		c->cls = cls;
		c->k = (uint32_t)t->n; /* the item it comes with */
	}
	if (dob->prec == DATE_NONE)
		return;
	if (!name)
		name = "";
	n = 4 * strlen(name) + 1;
	GROW(t->ascii, t->ascii_cap, n + COMMUNE_CODE_MAX + 1);
	name_key_ascii(name, t->ascii, n);
	n = strlen(t->ascii);
	v->name = K_VALUE(kind,
			  XXH3_64bits_withSeed(t->ascii, n,
					       (uint64_t)(uint16_t)dob->year));
	if (kind != K_RNAME && !commune[0])
		return;
	h = r3_key(t->ascii, n, dob->year, commune);
	if (commune[0])
		v->cname = K_VALUE(kind, h.low64);
	if (kind != K_RNAME)
		return;
	c->e.h = h.low64;
	c->e.h2 = (uint32_t)h.high64;
	c->e.dob = dob_bits(dob);
}

/* The rows and leads of every source numbered in order, and joined. */
struct groups {
	struct keymap map;
	uint32_t *parent;
	size_t n, cap;
	uint64_t *rdv; /* the registry rows' demographic keys (K_DEMOG) */
	uint32_t *rdrow; /* and their rows */
	size_t nrd, rdcap;
	uint32_t *name; /* [row]: its name32(), 0: none */
	uint32_t *cname; /* [row]: the name32() of its name and commune */
	size_t name_cap;
};

/* Pass 1's state: each source's take, the groups so far, rule 3's rows. */
struct pass1 {
	struct src1 *t; /* per source */
	struct groups g;
	size_t *base; /* per source: the number of its first item */
	struct scope_codes codes; /* the registry's communes */
	unsigned long long rejects;
	/* every source's struct cand, in input order, taken apart: the
	   entries, their classes and their rows */
	struct r3ent *ent;
	uint32_t *cls;
	uint32_t *crow;
	size_t nc, ccap;
};

#define ITEM_MAX (1 + NSHARED * sizeof(uint64_t))

/* Item v after t's items: its mask byte, then its values but 0. */
static void pack_item(struct src1 *t, const struct shared *v)
{
	const uint64_t val[NSHARED] = { v->pid,	  v->cmnd, v->bhxh,
					v->demog, v->name, v->cname };
	uint8_t *q;
	int i;

	if (t->room - t->len < ITEM_MAX) {
		t->room +=
			t->room / 2 + 64 * ITEM_MAX; /* by half: less spare */
		t->items = xrealloc(t->items, t->room);
	}
	q = t->items + t->len;
	*q = 0;
	t->len++;
	for (i = 0; i < NSHARED; i++)
		if (val[i]) {
			*q |= (uint8_t)(1u << i);
			memcpy(t->items + t->len, &val[i], sizeof(val[i]));
			t->len += sizeof(val[i]);
		}
}

/* The item at q into *v; the next item's place. */
static const uint8_t *unpack_item(const uint8_t *q, struct shared *v)
{
	uint64_t val[NSHARED] = { 0, 0, 0, 0, 0, 0 };
	uint8_t mask = *q++;
	int i;

	for (i = 0; i < NSHARED; i++)
		if (mask & (1u << i)) {
			memcpy(&val[i], q, sizeof(val[i]));
			q += sizeof(val[i]);
		}
	v->pid = val[0];
	v->cmnd = val[1];
	v->bhxh = val[2];
	v->demog = val[3];
	v->name = val[4];
	v->cname = val[5];
	return q;
}

/* Pass 1's sink (rec.h): keep what rows share, drop the rows. */
static int sink1(void *ctx, struct batch *b, enum sink_what what)
{
	struct src1 *t = &((struct pass1 *)ctx)->t[b->sink_src];
	unsigned long at = b->srcs[0].rows_read - 1; /* a shard's one source */
	struct shared v;

	if (at > UINT32_MAX) {
		t->too_many = 1;
		return 0;
	}
	if (what == SINK_REC) {
		const struct rec *r = &b->recs[b->nrecs - 1];

		v = shared_ids(r->pid, r->cmnd, r->cmnd_len, r->bhxh);
		if ((r->kind == KIND_REGISTRY || !r->pid) &&
		    (v.demog = identity_demog_hash(r)))
			v.demog = K_VALUE(r->kind == KIND_REGISTRY ? K_RDEMOG
								   : K_DEMOG,
					  v.demog);
		t->nrdemog += K_KIND(v.demog) == K_RDEMOG;
		named(t, r->kind == KIND_ROSTER ? K_RNAME : K_NAME, r->name,
		      &r->dob, r->commune,
		      r->kind == KIND_ROSTER
			      ? (uint32_t)XXH3_64bits_withSeed(
					r->nkey, strlen(r->nkey), r->group) |
					1u
			      : 0,
		      &v);
		scope_codes_add(&t->codes, r); /* the default scope's */
	} else if (what == SINK_LEAD) {
		const struct lead *l = &b->leads[b->nleads - 1];

		v = shared_ids(l->pid, l->cmnd, l->cmnd_len, l->bhxh);
		named(t, K_RNAME, l->name, &l->dob, l->commune, 0, &v);
	} else {
		return 0; /* a reject without a lead goes where its row does */
	}
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap + t->cap / 2 : 1024;
		t->at = xrealloc(t->at, t->cap * sizeof(*t->at));
	}
	pack_item(t, &v);
	t->at[t->n++] = (uint32_t)at;
	return 0;
}

static void share(struct groups *g, uint32_t row, uint64_t v)
{
	uint32_t first;

	if (!v)
		return;
	first = map_first(&g->map, v, row);
	if (first != row)
		join(g->parent, first, row);
}

/*
 * A name value in 32 bits, for every row (struct groups' name): its hash,
 * bit 0 set for a registry row or card (K_NAME); 0: none.  Two names
 * that share it only join more rows (uncertain_joins).
 */
static uint32_t name32(uint64_t v)
{
	if (!v)
		return 0;
	return (((uint32_t)v | 2u) & ~1u) | (K_KIND(v) == K_NAME);
}

static uint32_t new_row(struct groups *g, const struct shared *v)
{
	uint32_t row;

	if (g->n >= 0xfffffffeu)
		die("more than 4294967294 rows: too many for one run");
	row = (uint32_t)g->n++; /* its parent reserved by absorbed1 */
	g->parent[row] = row;
	g->name[row] = name32(v->name);
	g->cname[row] = name32(v->cname);
	share(g, row, v->pid);
	share(g, row, v->cmnd);
	share(g, row, v->bhxh);
	if (K_KIND(v->demog) == K_RDEMOG) {
		g->rdv[g->nrd] = K_VALUE(K_DEMOG, v->demog);
		g->rdrow[g->nrd++] = row;
	} else {
		share(g, row, v->demog);
	}
	return row;
}

static uint16_t part_of_row(uint32_t *parent, uint32_t row, uint32_t n)
{
	uint64_t root = find(parent, row);

	return (uint16_t)(XXH3_64bits(&root, sizeof(root)) % n);
}

/* The partition count for rows under limit (spill_plan). */
static uint32_t part_count(unsigned long long rows, unsigned long long limit,
			   unsigned long long groups)
{
	unsigned long long need = rows * SPILL_ROW_BYTES;

	need = limit ? (need + limit - 1) / limit : 1;
	if (need > PARTITION_MAX)
		need = PARTITION_MAX;
	if (need > groups)
		need = groups;
	return need ? (uint32_t)need : 1;
}

/* A reject's partition: of its source and its row among the source's. */
static uint32_t part_of_reject(unsigned src, size_t k, uint32_t n)
{
	uint64_t v = (uint64_t)src << 40 | k;

	return (uint32_t)(XXH3_64bits(&v, sizeof(v)) % n);
}

/*
 * The partition of every row source s read: its items' group's (a
 * rejected row's leads are joined into one group), else (a reject
 * without a lead) the reject's own.  base: the number of its first item.
 */
static uint16_t *route(const struct src1 *t, unsigned s, unsigned long nrows,
		       struct groups *g, size_t base, uint32_t nparts)
{
	uint16_t *part = xmalloc(sizeof(*part) * (nrows + 1));
	unsigned long r;
	size_t k;

	for (r = 0; r < nrows; r++)
		part[r] = (uint16_t)part_of_reject(s, r, nparts);
	for (k = 0; k < t->n; k++)
		part[t->at[k]] =
			part_of_row(g->parent, (uint32_t)(base + k), nparts);
	return part;
}

/*
 * Pass 1's absorbed (rec.h): source src is read, its items in its take;
 * number and join them (in input order, whatever thread read them), and
 * keep only where each was read.
 */
static void absorbed1(void *ctx, struct batch *b, unsigned src)
{
	struct pass1 *p = ctx;
	struct src1 *t = &p->t[src];
	const uint8_t *q = t->items;
	struct shared v;
	size_t k;

	p->base[src] = p->g.n;
	/* the parents of every row so far, exactly (no doubling's spare) */
	RESERVE(p->g.parent, p->g.cap, p->g.n + t->n);
	RESERVE(p->g.name, p->g.name_cap, p->g.n + t->n);
	p->g.cname =
		xrealloc(p->g.cname, sizeof(*p->g.cname) * (p->g.name_cap + 1));
	RESERVE(p->g.rdv, p->g.rdcap, p->g.nrd + t->nrdemog);
	p->g.rdrow =
		xrealloc(p->g.rdrow, sizeof(*p->g.rdrow) * (p->g.rdcap + 1));
	RESERVE(p->ent, p->ccap, p->nc + t->nc);
	p->cls = xrealloc(p->cls, sizeof(*p->cls) * (p->ccap + 1));
	p->crow = xrealloc(p->crow, sizeof(*p->crow) * (p->ccap + 1));
	for (k = 0; k < t->nc; k++) {
		p->ent[p->nc] = t->c[k].e;
		p->cls[p->nc] = t->c[k].cls;
		p->crow[p->nc++] = (uint32_t)(p->base[src] + t->c[k].k);
	}
	free(t->c);
	t->c = NULL;
	t->nc = t->ccap = 0;
	for (k = 0; k < t->n; k++) {
		q = unpack_item(q, &v);
		if (new_row(&p->g, &v) > p->base[src] &&
		    t->at[k] == t->at[k - 1]) /* one rejected row's leads */
			join(p->g.parent, (uint32_t)(p->g.n - 2),
			     (uint32_t)(p->g.n - 1));
	}
	free(t->items);
	t->items = NULL;
	t->len = t->room = 0;
	if (t->n) { /* kept until the routes: no spare room */
		t->at = xrealloc(t->at, sizeof(*t->at) * t->n);
		t->cap = t->n;
	}
	GROW(p->codes.v, p->codes.cap, p->codes.n + t->codes.n + 1);
	if (t->codes.n) /* memcpy from NULL is undefined, even of 0 */
		memcpy(p->codes.v + p->codes.n, t->codes.v,
		       sizeof(*p->codes.v) * t->codes.n);
	p->codes.n += t->codes.n;
	p->rejects += b->srcs[src].rejected;
}

/*
 * Join each registry row to the rows without an ID that have its
 * demographic key (R4.2 d), which the table holds; then forget the
 * registry rows' keys.
 */
static void demog_joins(struct groups *g)
{
	size_t i;
	uint32_t first;

	for (i = 0; i < g->nrd; i++)
		if ((first = map_get(&g->map, g->rdv[i])) != NONE_ROW)
			join(g->parent, first, g->rdrow[i]);
	free(g->rdv);
	free(g->rdrow);
	g->rdv = NULL;
	g->rdrow = NULL;
	g->nrd = g->rdcap = 0;
}

/* A roster row of pass 1 in its class (uncertain_joins). */
struct clsrow {
	uint32_t root, i, cls; /* its group's first row; its struct cand */
};

static int clsrow_cmp(const void *a, const void *b)
{
	const struct clsrow *x = a, *y = b;

	if (x->root != y->root)
		return x->root < y->root ? -1 : 1;
	if (x->cls != y->cls)
		return x->cls < y->cls ? -1 : 1;
	return (x->i > y->i) - (x->i < y->i);
}

static int same_ent(const struct r3ent *a, const struct r3ent *b)
{
	return a->h == b->h && a->h2 == b->h2 && a->dob == b->dob;
}

/*
 * Rule 3 leaves out a roster row merged into its twin (rules.md R4.3,
 * R6.4), and only identity, in the row's partition, knows which are.  A
 * row can be merged only into an earlier row of its group, its name key
 * and its group code (its class, as cls hashes it: the file is left out,
 * so a class may hold more rows than identity's), and the first row of a
 * class never is: a later row that rule 3 sees as the first (the same
 * accent-free name, birth date and commune) changes no answer, merged or
 * not, since the first is in the table too, in the same partition.  The
 * others, uncertain, are few: each joins every registry row and card of
 * its accent-free name and year of birth in its commune (in any, when it
 * has none: the rows rule 3 may match it with), so that rule 3 asks
 * about it in its own partition only.
 */
static void uncertain_joins(struct pass1 *p)
{
	struct groups *g = &p->g;
	struct clsrow *v = xmalloc(sizeof(*v) * (p->nc + 1));
	struct keymap u = { NULL, NULL, 0, 0 };
	size_t i, j, n = 0;
	uint32_t rep, name;

	for (i = 0; i < p->nc; i++)
		if (p->cls[i])
			v[n++] = (struct clsrow){ find(g->parent, p->crow[i]),
						  (uint32_t)i, p->cls[i] };
	qsort(v, n, sizeof(*v), clsrow_cmp);
	for (i = 0; i < n; i = j)
		for (j = i + 1;
		     j < n && v[j].root == v[i].root && v[j].cls == v[i].cls;
		     j++) {
			uint32_t row = p->crow[v[j].i];

			name = g->name[row];
			if (!name || same_ent(&p->ent[v[j].i], &p->ent[v[i].i]))
				continue;
			if (!u.cap)
				map_grow(&u);
			/* keyed as the registry rows and cards of its name: in
			   its commune, or in any without one */
			rep = map_first(
				&u,
				g->cname[row]
					? K_VALUE(K_RNAME, g->cname[row] >> 1)
					: K_VALUE(K_NAME, name >> 1),
				row);
			if (rep != row)
				join(g->parent, rep, row);
		}
	free(v);
	for (i = 0; u.n && i < g->n; i++)
		if (g->name[i] & 1) {
			if ((rep = map_get(&u,
					   K_VALUE(K_NAME, g->name[i] >> 1))) !=
			    NONE_ROW)
				join(g->parent, rep, (uint32_t)i);
			if ((g->cname[i] & 1) &&
			    (rep = map_get(
				     &u, K_VALUE(K_RNAME, g->cname[i] >> 1))) !=
				    NONE_ROW)
				join(g->parent, rep, (uint32_t)i);
		}
	free(u.key);
	free(u.row);
}

/*
 * Rule 3's table (spill_foreign): the entries of the roster rows and
 * leads with a birth date, each with its partition, sorted.
 */
static void plan_r3(struct pass1 *p, struct spill_plan *plan)
{
	size_t i, n = 0;
	uint64_t b;

	for (i = 0; i < p->nc; i++)
		if (p->ent[i].dob) {
			p->ent[n] = p->ent[i];
			p->ent[n++].part = part_of_row(p->g.parent, p->crow[i],
						       plan->nparts);
		}
	qsort(p->ent, n, sizeof(*p->ent), r3ent_cmp);
	plan->r3 = n ? xrealloc(p->ent, sizeof(*p->ent) * n) : NULL;
	if (!n)
		free(p->ent);
	plan->nr3 = n;
	p->ent = NULL;
	p->nc = p->ccap = 0;
	/* the hashes are even: buckets of 4 to 8 entries, by the top bits
	   (4 bytes for 4 entries of 16) */
	while (plan->r3bits < 30 && (8ull << plan->r3bits) <= n)
		plan->r3bits++;
	plan->r3dir =
		xmalloc(sizeof(*plan->r3dir) * ((1ull << plan->r3bits) + 1));
	for (b = 0, i = 0; b <= 1ull << plan->r3bits; b++) {
		while (i < n && r3_bucket(plan, plan->r3[i].h) < b)
			i++;
		plan->r3dir[b] = (uint32_t)i;
	}
}

/* The plan's counts (rows, largest group) and routes, from p. */
static void plan_routes(struct pass1 *p, const struct batch *b,
			unsigned long long limit, struct spill_plan *plan)
{
	struct groups *g = &p->g;
	unsigned long long groups = 0;
	uint32_t *size = xcalloc(g->n + 1, sizeof(*size));
	size_t s, k;

	for (k = 0; k < g->n; k++) {
		uint32_t root = find(g->parent, (uint32_t)k);

		groups += root == k;
		if (++size[root] > plan->largest)
			plan->largest = size[root];
	}
	free(size);
	plan->rows = g->n + p->rejects;
	plan->nparts = part_count(plan->rows, limit, groups);
	plan->nsrcs = b->nsrcs;
	plan->part = xcalloc(b->nsrcs, sizeof(*plan->part));
	plan->nrows = xcalloc(b->nsrcs, sizeof(*plan->nrows));
	for (s = 0; s < b->nsrcs; s++) {
		plan->nrows[s] = b->srcs[s].rows_read;
		plan->part[s] = route(&p->t[s], (unsigned)s, plan->nrows[s], g,
				      p->base[s], plan->nparts);
	}
	plan_r3(p, plan);
}

int spill_plan(struct batch *b, const struct run_opts *o,
	       unsigned long long limit, struct spill_plan *plan,
	       struct etl_err *err)
{
	struct pass1 p;
	size_t s;
	int rc;

	memset(plan, 0, sizeof(*plan));
	memset(&p, 0, sizeof(p));
	p.t = xcalloc(o->ninputs + 1, sizeof(*p.t));
	p.base = xcalloc(o->ninputs + 1, sizeof(*p.base));
	map_grow(&p.g.map);
	b->sink = sink1;
	b->absorbed = absorbed1;
	/* cppcheck-suppress autoVariables ; set back to NULL before return */
	b->sink_ctx = &p;
	rc = pipeline_read(b, o, err);
	b->sink = NULL;
	b->absorbed = NULL;
	b->sink_ctx = NULL;
	if (rc == 0)
		demog_joins(&p.g);
	free(p.g.map.key);
	free(p.g.map.row);
	for (s = 0; rc == 0 && s < b->nsrcs; s++)
		if (p.t[s].too_many)
			rc = etl_errf(err,
				      "'%s': more than 4294967295 rows, too "
				      "many for --memory-limit's partitions",
				      b->srcs[s].path);
	if (rc == 0) {
		if (!b->ref->scope)
			ref_scope_set(b->ref, p.codes.v, p.codes.n);
		uncertain_joins(&p);
		free(p.g.name); /* the names and classes have joined theirs */
		free(p.g.cname);
		p.g.name = p.g.cname = NULL;
		free(p.cls);
		p.cls = NULL;
		plan_routes(&p, b, limit, plan);
	}
	for (s = 0; s < o->ninputs + 1; s++) {
		free(p.t[s].items);
		free(p.t[s].at);
		free(p.t[s].c);
		free(p.t[s].codes.v);
		free(p.t[s].ascii);
	}
	free(p.t);
	free(p.base);
	free(p.codes.v);
	free(p.g.parent);
	free(p.g.name);
	free(p.g.cname);
	free(p.g.rdv);
	free(p.g.rdrow);
	free(p.ent);
	free(p.cls);
	free(p.crow);
	return rc;
}

void spill_plan_release(struct spill_plan *plan)
{
	size_t s;

	for (s = 0; plan->part && s < plan->nsrcs; s++)
		free(plan->part[s]);
	free(plan->part);
	free(plan->nrows);
	free(plan->r3);
	free(plan->r3dir);
	memset(plan, 0, sizeof(*plan));
}

/* --- pass 2: one partition --------------------------------------------- */

struct pass2 {
	const struct spill_plan *plan;
	uint32_t part;
};

/* Pass 2's skip (rec.h): the rows of other partitions are not read. */
static int skip2(void *ctx, const struct batch *b, unsigned long row)
{
	const struct pass2 *p = ctx;
	unsigned s = b->sink_src;

	/* a row past pass 1's (the file grew) is refused after the read */
	return row >= p->plan->nrows[s] || p->plan->part[s][row] != p->part;
}

/* The first entry of rule 3's table at or after (h, h2): in its bucket. */
static size_t r3_lower(const struct spill_plan *plan, uint64_t h, uint32_t h2)
{
	uint64_t b = r3_bucket(plan, h);
	size_t i = plan->r3dir[b], end = plan->r3dir[b + 1];

	while (i < end && (plan->r3[i].h < h ||
			   (plan->r3[i].h == h && plan->r3[i].h2 < h2)))
		i++;
	return i;
}

/* An entry of key h, of another partition than part, agreeing with dob. */
static int r3_seen(const struct spill_plan *plan, uint32_t part,
		   XXH128_hash_t key, const struct date *dob)
{
	uint32_t h2 = (uint32_t)key.high64;
	size_t i;

	for (i = r3_lower(plan, key.low64, h2);
	     i < plan->nr3 && plan->r3[i].h == key.low64 &&
	     plan->r3[i].h2 == h2;
	     i++) {
		struct date d = bits_dob(dob->year, plan->r3[i].dob);

		if (plan->r3[i].part != part && !date_cmp_coarse(&d, dob))
			return 1;
	}
	return 0;
}

int spill_foreign(const void *ctx, uint32_t part, const char *ascii,
		  const struct date *dob, const char *commune, int in_scope)
{
	const struct spill_plan *plan = ctx;
	size_t n = strlen(ascii), need = n + strlen(commune) + 2;
	char stack[256];
	char *buf = need <= sizeof(stack) ? stack : xmalloc(need);
	int seen;

	memcpy(buf, ascii, n + 1);
	seen = commune[0] &&
	       r3_seen(plan, part, r3_key(buf, n, dob->year, commune), dob);
	if (!seen && in_scope) /* the rows without a commune */
		seen = r3_seen(plan, part, r3_key(buf, n, dob->year, ""), dob);
	if (buf != stack)
		free(buf);
	return seen;
}

int spill_read_part(struct batch *b, const struct run_opts *o,
		    const struct spill_plan *plan, uint32_t part,
		    struct etl_err *err)
{
	struct pass2 p = { plan, part };
	size_t s;
	int rc;

	b->skip = skip2;
	/* cppcheck-suppress autoVariables ; set back to NULL before return */
	b->sink_ctx = &p;
	rc = pipeline_read(b, o, err);
	b->skip = NULL;
	b->sink_ctx = NULL;
	b->foreign = spill_foreign;
	b->foreign_ctx = plan;
	b->foreign_part = part;
	for (s = 0; rc == 0 && s < b->nsrcs; s++)
		if (s >= plan->nsrcs || b->srcs[s].rows_read != plan->nrows[s])
			rc = etl_errf(err,
				      "'%s' changed while the run read it "
				      "(%lu rows, then %lu): run again",
				      b->srcs[s].path,
				      s < plan->nsrcs ? plan->nrows[s] : 0ul,
				      b->srcs[s].rows_read);
	return rc;
}

/* The counters of struct source, from lines to matched_by_demographics. */
#define COUNTS_FROM offsetof(struct source, lines)
#define COUNTS_END                                                             \
	(offsetof(struct source, matched_by_demographics) +                    \
	 sizeof(unsigned long))
_Static_assert((COUNTS_END - COUNTS_FROM) % sizeof(unsigned long) == 0,
	       "struct source's counters are unsigned longs");
_Static_assert(COUNTS_END - COUNTS_FROM ==
		       sizeof(unsigned long) *
			       (6 + NOTED_N + 2 * R_N + NF_COUNT + 1),
	       "struct source's counters lie together, lines first");

void spill_add_counts(struct source *to, const struct source *after,
		      const struct source *before, size_t nsrcs)
{
	size_t s, k, n = (COUNTS_END - COUNTS_FROM) / sizeof(unsigned long);

	for (s = 0; s < nsrcs; s++) {
		unsigned long *t =
			(unsigned long *)((char *)&to[s] + COUNTS_FROM);
		const unsigned long *a =
			(const unsigned long *)((const char *)&after[s] +
						COUNTS_FROM);
		const unsigned long *f =
			(const unsigned long *)((const char *)&before[s] +
						COUNTS_FROM);

		for (k = 0; k < n; k++)
			t[k] += a[k] - f[k];
	}
}
