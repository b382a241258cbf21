/*
 * fields.h: the canonical input fields of rules.md R2.3 and the header aliases
 * that name them.  A header cell is folded (fold_header: no diacritics,
 * lower case, '_' between words) and looked up here, so "Họ và tên",
 * "HO VA TEN" and "ho_va_ten" all mean F_NAME.
 */
#ifndef DOISOAT_FIELDS_H
#define DOISOAT_FIELDS_H

#include <stddef.h>

enum field {
	F_PERSON_ID,
	F_CMND,
	F_BHXH,
	F_CARD,
	F_NAME,
	F_DOB,
	F_SEX,
	F_COMMUNE,
	F_GROUP,
	F_LEVEL,
	F_HOSPITAL,
	F_VALID_FROM,
	F_VALID_TO,
	F_FIVE_YEAR,
	F_ETHNICITY,
	F_HOUSEHOLD,
	F_STATUS,
	F_STATUS_DATE,
	F_UNIT,
	F_SCHEMES,
	F_WAGE, /* roster: the monthly wage (employers), whole đồng */
	F_MONTHS, /* roster: the months a card is bought for (households) */
	F_NFIELDS,
	F_SEX_CHECKBOX = F_NFIELDS, /* a "Nữ" checkbox column (maps to F_SEX) */
	F_UNKNOWN = -1
};

/* The three kinds of input row. */
enum kind { KIND_PRIOR, KIND_REGISTRY, KIND_ROSTER, KIND_N };
const char *kind_name(enum kind k);
int kind_parse(const char *s, enum kind *out);

/* Machine name of a field ("person_id", "full_name", ...). */
const char *field_name(enum field f);

/* Field named by a header cell (raw bytes), or F_UNKNOWN. */
int field_from_header(const char *cell, size_t n);

/*
 * Header map of one file: for each canonical field, the column index that
 * holds it (-1: absent).  sex_checkbox is set when the sex column is a "Nữ"
 * checkbox.
 */
struct colmap {
	int col[F_NFIELDS];
	int sex_checkbox;
	int ncols; /* columns in the header */
	/* fields the file gives by default (1u << field: the per-file
	 * commune and group, rules.md R1.2): not required as columns;
	 * colmap_fill leaves it as it is */
	unsigned given;
};

/*
 * Build the map from a header row.  Returns 0, or -1 with a message in msg
 * (msgsz bytes; COLMAP_MSG_MAX holds the longest) naming the missing
 * required column(s) of this kind and the header names accepted for them:
 * "missing required column: a (...); b (...) or c (...)".  A column named
 * twice keeps the first.
 */
#define COLMAP_MSG_MAX 800
int colmap_build(struct colmap *m, enum kind k, int ncells,
		 const char *const *cells, const size_t *lens, char *msg,
		 size_t msgsz);

/* colmap_build's two halves: map the cells; count what kind k misses
 * (and name it in msg as colmap_build does). */
void colmap_fill(struct colmap *m, int ncells, const char *const *cells,
		 const size_t *lens);
int colmap_missing(const struct colmap *m, enum kind k, char *msg,
		   size_t msgsz);

#endif
