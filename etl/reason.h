/*
 * reason.h: every reason code doisoat writes (rejects, review rows,
 * outcomes) and the counters of summary.json, in one enum so counts can be
 * kept in plain arrays.  reason_name() gives the code as written in the
 * CSVs; reason_vi() the reason in Vietnamese; reason_check_vi() what a
 * commune officer checks for a review reason.  The summary workbook's
 * commune sheets (tonghop.h) print both for every review row.
 */
#ifndef DOISOAT_REASON_H
#define DOISOAT_REASON_H

enum reason {
	R_NONE,
	/* rejects: the row could not be read */
	R_BAD_QUOTING,
	R_BAD_COLUMN_COUNT,
	R_BAD_ENCODING,
	R_RECORD_TOO_LONG,
	R_EMPTY_NAME,
	R_BAD_DATE,
	R_DATE_OUT_OF_RANGE,
	R_UNKNOWN_GROUP,
	R_BAD_STATUS,
	R_CODE_TOO_LONG,
	/* review: a human decides */
	R_UNKEYED,
	R_UNKEYED_CARD,
	R_AMBIGUOUS_IDENTITY,
	R_ID_NAME_MISMATCH,
	R_ID_DEMOGRAPHIC_MISMATCH,
	R_CONFLICTING_DUPLICATE,
	R_NOT_IN_REGISTRY,
	R_MOVED_OUT,
	R_AGED_OUT,
	R_AREA_NOT_ELIGIBLE,
	R_NOT_ETHNIC_MINORITY,
	R_ROSTER_LISTS_DECEASED,
	R_POSSIBLE_MATCH,
	R_MULTIPLE_ENROLMENT,
	R_COMMUNE_SPLIT, /* an old commune split in 2025, not resolved */
	/* outcomes */
	R_DEATH,
	R_MISSING,
	R_NOT_ON_ROSTER,
	R_DUPLICATE_CARD,
	R_NEW,
	R_NEWBORN,
	R_GROUP_CHANGED,
	R_DATA_CORRECTED,
	/* counters only */
	R_DUPLICATE_ROW,
	R_MATCHED_BY_DEMOGRAPHICS,
	R_N
};

const char *reason_name(enum reason r);
const char *reason_vi(enum reason r);
/* Is r a review reason (a row of review.csv), R_UNKEYED .. R_COMMUNE_SPLIT? */
int reason_is_review(enum reason r);
/* What to check for review reason r, in Vietnamese; "" for other reasons. */
const char *reason_check_vi(enum reason r);
/* Reason named by code, or R_NONE. */
enum reason reason_parse(const char *name);

#endif
