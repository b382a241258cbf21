/*
 * ref.h: the reference inputs of a run (rules.md R1, R2): group codes (shipped
 * default compiled in, or --groups), area eligibility (--areas), the
 * communes in scope (--scope), coverage targets (--targets), the names
 * offices write for groups (shipped: etl/data/group-names.csv), commune
 * names by date (shipped: etl/data/communes.csv) and the communes of
 * 1 July 2025 that each older commune went into (shipped:
 * etl/data/commune-map-2025.csv).  All small; read once, kept in plain
 * arrays, looked up by linear or binary search.
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

/*
 * A group's name folded by fold_header ("ho_ngheo"), and its group: the
 * name_vi of the loaded groups table and the shipped short names
 * (etl/data/group-names.csv) whose code is in it.  group GROUP_NONE: the
 * name stands for two groups, so it maps to none.
 */
struct group_name {
	const char *folded;
	unsigned group;
};

struct area {
	char commune[COMMUNE_CODE_MAX + 1];
	char group[4];
	struct date from, to; /* to.prec DATE_NONE: open */
};

/* A filing unit (--units): the header block of its lists (lists.h). */
struct unit {
	const char *code, *name, *kind, *address, *tax_code, *phone, *email;
	char commune[COMMUNE_CODE_MAX + 1];
};

struct target {
	char commune[COMMUNE_CODE_MAX + 1]; /* or "TOTAL": the district's */
	double bhyt, bhxh, bhxh_voluntary, bhtn; /* percent; <0: not given */
	long labour_force; /* <0: not given */
};

struct commune_name {
	char code[COMMUNE_CODE_MAX + 1];
	const char *name;
	struct date from, to;
};

/*
 * An old commune of the 2025 reorganisation and where it went: the new
 * codes ref->moved_to[first] .. ref->moved_to[first + n - 1], n >= 1.
 */
struct commune_move {
	char old_code[COMMUNE_CODE_MAX + 1];
	uint32_t first, n;
};

struct contrib; /* money.h */

struct ref {
	struct arena arena;
	struct group *groups;
	size_t ngroups;
	uint16_t group_ix[26 * 26]; /* "AA".."ZZ" -> index + 1 (0: none) */
	struct group_name *group_names; /* sorted by folded, once each */
	size_t ngroup_names;
	struct area *areas;
	size_t nareas;
	/* communes in scope, sorted; NULL: no scope given */
	char (*scope)[COMMUNE_CODE_MAX + 1];
	size_t nscope;
	struct target *targets;
	size_t ntargets;
	struct unit *units; /* sorted by code */
	size_t nunits;
	struct commune_name *communes; /* sorted by code, then from */
	size_t ncommunes;
	/* the 2025 mapping: old codes sorted, their new codes grouped */
	struct commune_move *moves;
	size_t nmoves;
	char (*moved_to)[COMMUNE_CODE_MAX + 1];
	size_t nmoved_to;
	/* every new code of the mapping, sorted, once each */
	char (*new_codes)[COMMUNE_CODE_MAX + 1];
	size_t nnew_codes;
	/* the money tables (money.h): loaded by pipeline_ref, freed here */
	struct contrib *contrib;
};

void ref_init(struct ref *r);
void ref_release(struct ref *r);

/*
 * Loaders: path NULL loads the shipped default (groups, communes only).
 * Each returns 0, or -1 with err naming the file and line of the first
 * cell it cannot use: a bad or too long commune code, a commune (or the
 * TOTAL row) given twice in the targets, ...
 */
/*
 * ref_load_groups also builds r->group_names from the name_vi column (if
 * any) and the shipped short names (etl/data/group-names.csv).
 */
int ref_load_groups(struct ref *r, const char *path, struct etl_err *err);
int ref_load_areas(struct ref *r, const char *path, struct etl_err *err);
int ref_load_scope(struct ref *r, const char *path, struct etl_err *err);
int ref_load_targets(struct ref *r, const char *path, struct etl_err *err);
/*
 * The filing units (rules.md R7.10): unit_code (Mã đơn vị) required,
 * unit_name (Tên đơn vị), kind, address (Địa chỉ), tax_code (Mã số thuế),
 * phone (Điện thoại), email, commune_code (Mã xã) optional.  A code given
 * twice is an error.
 */
int ref_load_units(struct ref *r, const char *path, struct etl_err *err);
/* The unit of a code, or NULL. */
const struct unit *ref_unit(const struct ref *r, const char *code);
int ref_load_communes(struct ref *r, const char *path, struct etl_err *err);
/*
 * The 2025 mapping, columns old_code,new_code, one row per link (path
 * NULL: the shipped etl/data/commune-map-2025.csv).  A link given twice
 * counts once.  Replaces a mapping loaded before.
 */
int ref_load_commune_map(struct ref *r, const char *path, struct etl_err *err);

/* Index of the group with this code, or GROUP_NONE. */
unsigned ref_group(const struct ref *r, const char *code);

/*
 * The group a cell (n bytes, UTF-8) names, as offices write it (rules.md
 * R3.14): its code as norm_code reads it ("HN", " hn ", "'HN", "HN - Hộ
 * nghèo", "HN: ..."); a code of the table followed by '(', '.', '-', ':'
 * or an en dash and words ("HN (Hộ nghèo)", "HN. Hộ nghèo"), unless the
 * words are the name of another group; or a name of r->group_names after
 * fold_header ("Hộ nghèo", "HỘ  NGHÈO", "Người thuộc hộ gia đình nghèo").
 * A bare space is not a separator: "Hộ nghèo" folds to "ho_ngheo", a
 * name.  Index of the group, or GROUP_NONE.  *named (may be NULL) is set
 * to 1 when a group was found from anything but the bare code, else 0.
 */
unsigned ref_group_lookup(const struct ref *r, const char *s, size_t n,
			  int *named);

/*
 * The codes nearest to a cell that names no group, for the reject
 * message: GROUP_NEAREST codes (fewer if the table has fewer), joined by
 * ", " into out ("HN, CN, CC"; as many whole codes as outsz holds; "" for
 * an empty table).  The cell is folded (fold_header, its first 64 bytes)
 * and compared with every name of a group, word by word: each word to the
 * nearest word of the other side by edit distance, summed both ways (word
 * order does not count).  A cell of at most 5 folded bytes is also
 * compared with the codes ("XY", "H N").  A group's distance is its
 * least; ties go to the group that comes first in the table.
 */
#define GROUP_NEAREST 3
void ref_group_nearest(const struct ref *r, const char *s, size_t n, char *out,
		       size_t outsz);
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
 * Communes by date.  The 2-tier communes took effect on 2025-07-01
 * (Quyết định 19/2025/QĐ-TTg); ref_commune_on says what a commune code
 * read from an input means on a date (the run's period_start):
 *
 *   COMMUNE_ON_SAME        the code is valid on that date; out = code.
 *   COMMUNE_ON_TRANSLATED  an old code whose commune went whole into
 *                          exactly one new commune with another code;
 *                          out = the new code (a repair to count).
 *   COMMUNE_ON_SPLIT       an old code whose commune was split across two
 *                          or more new communes; out = code, unchanged:
 *                          the caller resolves it (ref_commune_pick with
 *                          the registry's residence) or sends the row to
 *                          review (COMMUNE_SPLIT).
 *   COMMUNE_ON_UNKNOWN     neither valid on that date nor an old code of
 *                          the mapping; out = code, unchanged.
 *
 * Before 2025-07-01 nothing is translated: a code is SAME when
 * communes.csv has it on that date or it is an old code of the mapping.
 * From 2025-07-01 a code is valid when communes.csv has it on that date or
 * it is a new code of the mapping (the two sources spell two communes
 * differently, see etl/data/README.md); only other codes are looked up
 * among the old codes.
 *
 * A code valid as a new commune is SAME, whatever it meant before: 3,314
 * of the 3,321 new communes reuse the code of a predecessor, so "00004"
 * is Phường Trúc Bạch before 2025-07-01 and the larger Phường Ba Đình
 * after it.  A card issued before the reorganisation with a reused code
 * is therefore taken as the new commune of that code; that is right for
 * every old commune that went whole into it, not for the 142 split old
 * communes whose code was reused by one of their parts (a holder from
 * another part is counted in the commune of the code), nor for 23710
 * (Xã A Dơk went into 23869; 23710 is now Xã Ia Băng) and 23737 (Xã Ia
 * Mơ Nông went into 23734; 23737 is Xã Ia Mơ in the mapping).
 *
 * cands (may be NULL) receives the new codes: one for TRANSLATED, the
 * candidates for SPLIT, none otherwise.  They point into r.  on must be a
 * full date.  Without a loaded mapping only SAME and UNKNOWN come back.
 */
enum commune_on {
	COMMUNE_ON_UNKNOWN,
	COMMUNE_ON_SAME,
	COMMUNE_ON_TRANSLATED,
	COMMUNE_ON_SPLIT
};

struct commune_cands {
	const char (*codes)[COMMUNE_CODE_MAX + 1];
	size_t n;
};

/* The first day of the 2-tier communes: 2025-07-01. */
struct date commune_reform_day(void);

enum commune_on ref_commune_on(const struct ref *r, const char *code,
			       const struct date *on,
			       char out[COMMUNE_CODE_MAX + 1],
			       struct commune_cands *cands);

/*
 * The areas, targets and scope, as loaded, on a date (the run's
 * period_start; a no-op without a mapping or before 2025-07-01): a code
 * ref_commune_on translates is replaced by its new code (a target given
 * under the new code itself wins over one translated to it); a split old
 * code stays as it is in the areas and targets (it matches no row) and
 * stands for all its new communes in the scope (so no one living in a
 * part of it is taken as moved out).
 */
void ref_communes_on(struct ref *r, const struct date *on);

/*
 * Resolve a split by the registry's residence: residence (a code valid
 * after 2025-07-01: resolve it with ref_commune_on first) is one of the
 * candidates?  1 with out = residence, else 0 with out = "" (the row goes
 * to review).
 */
int ref_commune_pick(const struct commune_cands *cands, const char *residence,
		     char out[COMMUNE_CODE_MAX + 1]);

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
/* table_col, or -1 with err naming the file and names[0]. */
int table_need_col(const struct table *t, const char *const *names,
		   struct etl_err *err);
/*
 * Row i's cell of column col as a full date (ISO or dd/mm/yyyy); empty,
 * or col < 0, gives prec DATE_NONE.  -1 with err naming the file, line
 * and column when it is not a full date.
 */
int table_date(const struct table *t, size_t i, int col, struct date *d,
	       struct etl_err *err);
/*
 * Row i's cell of column col as a commune code (commune_code); -1 with
 * err naming the file and line when it is bad or too long (also empty).
 */
int table_commune(const struct table *t, size_t i, int col,
		  char out[COMMUNE_CODE_MAX + 1], struct etl_err *err);
void table_release(struct table *t);

#endif
