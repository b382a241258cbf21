/*
 * norm.h: one pure function per field (rules.md R3).  Each takes the raw bytes
 * of one cell (UTF-8, not NUL-terminated, may be empty) and writes a
 * canonical form into a caller buffer.  No I/O, no allocation visible to
 * the caller, no global state: safe to call from anywhere.
 *
 * One header; the code is in four files by what they normalise, each
 * table-tested by the test file of the same name (tests/unit/test_norm_*.c):
 *   norm_id.c    personal ID, CMND, BHXH code, card code, other codes
 *   norm_date.c  dates and date arithmetic
 *   norm_name.c  names, match keys, accent-free keys
 *   norm_text.c  sex, level, percentage, status, schemes, header folding,
 *                flag names
 * What they share is in norm_int.h and norm_cell.c (private).
 *
 * Return values are small enums: NORM_OK, NORM_EMPTY (blank cell) and
 * NORM_BAD (present but unusable), plus field-specific ones below.  Repairs
 * and suspicions are reported by OR-ing NF_* bits into *flags (never
 * cleared by the callee).
 */
#ifndef DOISOAT_NORM_H
#define DOISOAT_NORM_H

#include <stddef.h>
#include <stdint.h>

enum {
	NORM_OK = 0,
	NORM_EMPTY = 1,
	NORM_BAD = 2,
	NORM_IS_CMND = 3, /* norm_person_id: a 9-digit value, out is the CMND */
	NORM_IS_PID = 4, /* norm_bhxh: a 12-digit value, out is a person ID */
};

/* Repair and suspicion flags, OR-ed into *flags. */
enum {
	NF_ID_ZERO_RESTORED = 1u << 0, /* 11-digit ID padded to 12 */
	NF_ID_SCIENTIFIC = 1u << 1, /* 1.23457E+11: digits lost */
	NF_ID_MALFORMED = 1u << 2, /* not a structurally valid ID */
	NF_CMND_ZERO_RESTORED = 1u << 3, /* 8-digit CMND padded to 9 */
	NF_BHXH_ZERO_RESTORED = 1u << 4, /* 9-digit BHXH code padded to 10 */
	NF_BHXH_MALFORMED = 1u << 5,
	NF_CMND_MALFORMED = 1u << 6,
	NF_CARD_MALFORMED = 1u << 7,
	NF_DATE_SERIAL = 1u << 8, /* an Excel serial number was converted */
	NF_NAME_REPAIRED = 1u << 9, /* invisible characters or NFD fixed */
	NF_COMMUNE_TRANSLATED = 1u << 10, /* a pre-2025 commune code made new */
	NF_GROUP_NAMED = 1u
			 << 11, /* a group written as its name ("Hộ nghèo") */
	NF_WAGE_UNREADABLE = 1u << 12, /* a wage given but not read: unknown */
	NF_MONTHS_UNREADABLE = 1u << 13, /* months given, not 1..12: unknown */
};
#define NF_COUNT 14
/* Name of flag bit i ("ID_ZERO_RESTORED", ...), for summaries. */
const char *nf_name(unsigned bit_index);

/* --- identifiers and codes (norm_id.c) --- */

/*
 * Personal ID (12 digits).  Strips spaces, dots, dashes, a leading
 * apostrophe, NBSP; decodes full-width and Arabic-Indic digits.  A value in
 * scientific notation is NORM_BAD with NF_ID_SCIENTIFIC.  An 11-digit value
 * whose zero-padded form is valid is repaired (NF_ID_ZERO_RESTORED).  A
 * 9-digit value returns NORM_IS_CMND with the 9 digits in out.  Anything
 * else not valid by id_valid() is NORM_BAD with NF_ID_MALFORMED.
 * out must hold 13 bytes; it is always NUL-terminated ("" unless OK/CMND).
 */
int norm_person_id(const char *s, size_t n, char out[13], unsigned *flags);

/*
 * Structure check of a 12-digit ID: PPP is one of the 63 province codes
 * (001-096 with gaps) or a 3-digit country code (ISO 3166-1 numeric, >=
 * 100 and listed); G is any digit.  Returns 1 if valid.
 */
int id_valid(const char id[12]);
/* Birth year and sex ('M'/'F') that the G+YY digits of a valid ID encode. */
void id_birth(const char id[12], int *year, char *sex);

/* Old ID card: 9 digits (8 digits: zero restored, flagged) or 12 digits. */
int norm_cmnd(const char *s, size_t n, char out[13], unsigned *flags);

/*
 * BHXH code: 10 digits (9: zero restored, flagged).  A 12-digit value is a
 * personal ID: returns NORM_IS_PID with it in out (after norm_person_id
 * rules).  out must hold 13 bytes.
 */
int norm_bhxh(const char *s, size_t n, char out[13], unsigned *flags);

/*
 * Card code: 15 characters XX group + L level + PP province + 10-digit BHXH
 * code, or the bare 10-digit code.  Spaces and dashes stripped, letters
 * upper-cased.  Fills the parts that are present ("" when absent, level 0).
 */
struct card {
	char code[16]; /* canonical card code as written: 15 or 10 chars */
	char group[3]; /* "HN" or "" */
	int level; /* 1-5, or 0 */
	char province[3];
	char bhxh[11]; /* the 10-digit BHXH code */
};
int norm_card(const char *s, size_t n, struct card *out, unsigned *flags);

/*
 * Codes (commune, group, hospital, unit, household): trimmed, every leading
 * text marker dropped, upper-cased, leading zeros kept; a commune code given
 * with its name ("29266 - Thị trấn Càng Long") keeps the code.  outsz bytes
 * at most (truncation is NORM_BAD).  Idempotent: a code normalised again is
 * the same code.
 */
int norm_code(const char *s, size_t n, char *out, size_t outsz);

/* --- dates (norm_date.c) --- */

/*
 * Dates (rules.md R3): dd/mm/yyyy, d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy,
 * yyyy-mm-dd, mm/yyyy, yyyy, 00/00/yyyy, 00/mm/yyyy, yyyy0000, yyyymmdd, Excel
 * serial numbers (1900 system, Lotus leap bug: serial > 60 is 1899-12-30 + n).
 * Never reads mm/dd.  Checks that the date exists (no 31/02).  A year-only
 * date (00/00/yyyy, 00/yyyy, yyyy-00, yyyy0000) needs a year in 1800-2199
 * (else NORM_BAD), since its ISO text "yyyy" reads back as a year only
 * there; full and month dates take years 1-9999.  So what is read,
 * formatted by date_format() and read again, is the same date.  The caller
 * checks the range (after the run date or before 1890 is a reject).
 */
enum { DATE_NONE = 0, DATE_YEAR = 1, DATE_MONTH = 2, DATE_DAY = 3 };
struct date {
	int16_t year;
	uint8_t month; /* 0 when precision < DATE_MONTH */
	uint8_t day; /* 0 when precision < DATE_DAY */
	uint8_t prec; /* DATE_* */
};
int norm_date(const char *s, size_t n, struct date *out, unsigned *flags);
/* Compare at the coarser precision of the two: <0, 0, >0. */
int date_cmp_coarse(const struct date *a, const struct date *b);
/* Compare as full dates, missing parts taken as 0 (for sorting). */
int date_cmp(const struct date *a, const struct date *b);

/* Days since 1970-01-01 of y-m-d, proleptic Gregorian (H. Hinnant's
   algorithm); m and d in range. */
long long days_from_civil(long long y, unsigned m, unsigned d);
/* ISO text: yyyy-mm-dd, yyyy-mm or yyyy; "" for DATE_NONE.  out[11]. */
void date_format(const struct date *d, char out[11]);
/* A full date from parts (prec DATE_DAY). */
struct date date_make(int year, int month, int day);
/* Days in a month (leap years counted). */
int days_in_month(int year, int month);
/* The day before / after a full date. */
struct date date_add_days(struct date d, int days);

/* --- names (norm_name.c) --- */

/*
 * Names: NFC, whitespace collapsed and trimmed, NBSP and zero-width
 * characters removed, upper-cased with Vietnamese case mapping (đ -> Đ).
 * NORM_EMPTY when nothing is left.  outsz >= 4 * n + 1 is always enough.
 */
int norm_name(const char *s, size_t n, char *out, size_t outsz,
	      unsigned *flags);
/*
 * Match key of a normalised name: tone placement made canonical, so HOÀ and
 * HÒA, THUỶ and THỦY give the same key.  Not for display.
 */
void name_key(const char *name, char *out, size_t outsz);
/* Accent-free key (NGUYEN VAN A, Đ -> D): for review candidates only. */
void name_key_ascii(const char *name, char *out, size_t outsz);

/* --- worded fields, header folding (norm_text.c) --- */

/*
 * Sex: Nam/Nữ, M/F, 1/0 (1 = Nam), Male/Female, in any case -> 'M'/'F'.
 * With checkbox set (a "Nữ" column): x, X, 1 -> 'F', empty -> 'M'.
 * Returns NORM_OK, NORM_EMPTY (no checkbox) or NORM_BAD.
 */
int norm_sex(const char *s, size_t n, int checkbox, char *out);

/* Benefit level 1-5. */
int norm_level(const char *s, size_t n, int *out);

/* Percentages: 95, 95%, 95,00%, 0.95 all give 95.0. */
int norm_pct(const char *s, size_t n, double *out);

/*
 * Registry life status: alive (Còn sống, empty), dead (Đã chết, Chết),
 * missing (Mất tích), moved (Chuyển đi, Đã chuyển khẩu).
 */
enum { STATUS_ALIVE = 0, STATUS_DEAD, STATUS_MISSING, STATUS_MOVED };
int norm_status(const char *s, size_t n, int *out);

/*
 * Schemes a roster row enrols (BHXH bắt buộc, BHXH tự nguyện, BHTN, BHYT),
 * separated by ',', ';', '+' or '/'; empty means BHYT.
 */
enum {
	SCHEME_BHYT = 1,
	SCHEME_BHXH = 2, /* compulsory */
	SCHEME_BHXH_TN = 4, /* voluntary */
	SCHEME_BHTN = 8,
};
int norm_schemes(const char *s, size_t n, unsigned *out);

/*
 * A monthly wage in whole đồng (rules.md R3): digits, with the thousands
 * grouped by '.', ',', ' ' or NBSP ("5.000.000", "5,000,000",
 * "5 000 000": every group after the first of exactly three digits, one
 * separator throughout), or plain digits with at most one decimal
 * separator and a fraction ("5000000", an xlsx number "5000000.5":
 * rounded half up to the đồng); a trailing "đ", "đồng", "VNĐ" or "VND"
 * is dropped.  NORM_BAD for anything else, for a wage under WAGE_MIN
 * (a coefficient such as "2,34" is not a wage) and over WAGE_MAX.
 * *out is 0 unless NORM_OK.
 */
#define WAGE_MIN 1000
#define WAGE_MAX 4000000000u
int norm_wage(const char *s, size_t n, uint32_t *out);

/*
 * Months a card is bought for (a household card: 1 to 12): a whole
 * number, optionally followed by "tháng" or a zero fraction ("6",
 * "06", "6 tháng", an xlsx "6.0").  NORM_BAD for anything else and for
 * 0 or more than 12; *out is 0 unless NORM_OK.
 */
int norm_months(const char *s, size_t n, int *out);

/*
 * Fold a header cell for alias matching: diacritics removed (đ -> d), lower
 * case, every run of characters other than letters and digits turned into
 * one '_', trimmed.  "Họ và tên", "HO VA TEN" and "ho_va_ten" all give
 * "ho_va_ten".
 */
void fold_header(const char *s, size_t n, char *out, size_t outsz);

#endif
