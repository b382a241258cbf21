/*
 * ref.h: the reference inputs of a run (spec §2): group codes (shipped
 * default compiled in, or --groups), area eligibility (--areas), the
 * communes in scope (--scope), coverage targets (--targets), and commune
 * names by date (shipped: etl/data/communes.csv).  All small; read once,
 * kept in plain arrays, looked up by linear or binary search.
 */
#ifndef DOISOAT_REF_H
#define DOISOAT_REF_H

#include "norm.h"
#include "util.h"

#include <stdint.h>

#define GROUP_NONE 0xffff

/*
 * The longest commune code, in bytes (the codes of Vietnam's communes have
 * five digits).  Codes are kept whole in char[COMMUNE_CODE_MAX + 1] here
 * and in the coverage counts (struct cov, output.h), never cut: a longer
 * code rejects its row (CODE_TOO_LONG) and stops the load of a reference
 * file, naming the file and line.
 */
#define COMMUNE_CODE_MAX 7
/* commune_code's result for a code longer than COMMUNE_CODE_MAX bytes */
#define CODE_TOO_LONG 16

/*
 * A commune code normalised by norm_code (norm.h) into out: NORM_OK,
 * NORM_EMPTY, NORM_BAD (a control character, invalid UTF-8), or
 * CODE_TOO_LONG.  out is "" unless NORM_OK.
 */
int commune_code(const char *s, size_t n, char out[COMMUNE_CODE_MAX + 1]);

struct group_level {
	int level;
	struct date from, to; /* prec DATE_NONE: open */
};

struct group {
	char code[4];
	int rank;
	int funding;
	int residence_based;
	int area_based;
	const char *name_vi;
	struct group_level levels[4];
	int nlevels;
};

struct area {
	char commune[COMMUNE_CODE_MAX + 1];
	char group[4];
	struct date from, to; /* to.prec DATE_NONE: open */
};

struct target {
	char commune[COMMUNE_CODE_MAX + 1]; /* or "TOTAL": the district's */
	double bhyt, bhxh, bhxh_voluntary, bhtn; /* percent; <0: not given */
	long labour_force;                        /* <0: not given */
};

struct commune_name {
	char code[COMMUNE_CODE_MAX + 1];
	const char *name;
	struct date from, to;
};

struct ref {
	struct arena arena;
	struct group *groups;
	size_t ngroups;
	uint16_t group_ix[26 * 26]; /* "AA".."ZZ" -> index + 1 (0: none) */
	struct area *areas;
	size_t nareas;
	/* communes in scope, sorted; NULL: no scope given */
	char (*scope)[COMMUNE_CODE_MAX + 1];
	size_t nscope;
	struct target *targets;
	size_t ntargets;
	struct commune_name *communes; /* sorted by code, then from */
	size_t ncommunes;
};

void ref_init(struct ref *r);
void ref_release(struct ref *r);

/*
 * Loaders: path NULL loads the shipped default (groups, communes only).
 * Each returns 0, or -1 with err naming the file and line of the first
 * cell it cannot use: a bad or too long commune code, a commune (or the
 * TOTAL row) given twice in the targets, ...
 */
int ref_load_groups(struct ref *r, const char *path, struct etl_err *err);
int ref_load_areas(struct ref *r, const char *path, struct etl_err *err);
int ref_load_scope(struct ref *r, const char *path, struct etl_err *err);
int ref_load_targets(struct ref *r, const char *path, struct etl_err *err);
int ref_load_communes(struct ref *r, const char *path, struct etl_err *err);

/* Index of the group with this code, or GROUP_NONE. */
unsigned ref_group(const struct ref *r, const char *code);
/* Benefit level of group g on a date (0 if none applies). */
int ref_group_level(const struct ref *r, unsigned g, const struct date *on);
/* Is level a better than level b (best to worst 5, 1, 2, 3, 4)? */
int level_better(int a, int b);

/* Does the areas file list commune for group on date? */
int ref_area_ok(const struct ref *r, const char *commune, const char *group,
		const struct date *on);
/* Is commune in scope?  (With no scope file: always 1.) */
int ref_in_scope(const struct ref *r, const char *commune);
/* Set the scope to n communes (used to build it from registry rows). */
void ref_scope_set(struct ref *r, char (*codes)[COMMUNE_CODE_MAX + 1],
		   size_t n);
/* Target of a commune, or NULL. */
const struct target *ref_target(const struct ref *r, const char *commune);
/* Name of a commune on a date, or "" if unknown. */
const char *ref_commune_name(const struct ref *r, const char *code,
			     const struct date *on);

/*
 * A small CSV table read whole (reference files): header folded with
 * fold_header, cells as NUL-terminated strings in the ref arena.
 */
struct table {
	int ncols;
	char **header;
	char ***rows;
	unsigned long *lines; /* physical line where each row starts */
	size_t nrows, cap;
	const char *name;
};
int table_read(struct table *t, struct arena *a, const char *path,
	       const char *text, size_t textlen, struct etl_err *err);
/* Column with one of the folded names (NULL-terminated list), or -1. */
int table_col(const struct table *t, const char *const *names);
void table_release(struct table *t);

#endif
