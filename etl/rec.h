/*
 * rec.h: the in-memory model of a run.  A batch holds every input row that
 * was read (struct rec, normalised), the sources they came from with their
 * accounting, the review and reject rows written so far, and the people
 * that identity (identity.h) builds from the rows.
 *
 * Rows live in one flat array and are referred to by uint32_t index; their
 * strings live in the batch arena.  A province holds millions of rows, so
 * a row keeps only what the rules use: the accent-free name key is made
 * when needed (name_key_ascii), card validity dates are read but not
 * kept; the sending unit, the household, and a roster's wage and months
 * are kept for the lists people file (lists.h).  IDs are
 * stored as numbers (the digits of a 12-digit personal ID, a 10-digit BHXH
 * code) and printed back with their leading zeros.
 */
#ifndef DOISOAT_REC_H
#define DOISOAT_REC_H

#include "fields.h"
#include "hashtab.h"
#include "norm.h"
#include "reason.h"
#include "ref.h"
#include "util.h"

#include <stdint.h>

#define NONE32 0xffffffffu
/* Reject messages printed per input file (rejects.csv has them all). */
#define REJECT_MESSAGES 10
/*
 * Input files one run may read: a row's source index is 16 bits (struct
 * rec, struct note), and struct rec stays 128 bytes.  More is a usage
 * error (input_add, pipeline.h), never a wrapped index.
 */
#define INPUTS_MAX 65535
/* A person key that is a BHXH code (a card with no personal ID). */
#define KEY_BHXH_TAG (1ull << 62)

/* How a row's person key was found (rules.md R4). */
enum how { HOW_NONE, HOW_OWN, HOW_CMND, HOW_BHXH, HOW_DEMOG, HOW_CARD };

/* State of a row after identity and dedup. */
enum rec_state {
	REC_OK, /* counted for its person */
	REC_MERGED, /* identical duplicate of an earlier row */
	REC_ASIDE, /* set aside: review row written, acts on no one */
};

struct rec {
	uint64_t pid; /* own valid personal ID, 0 if none */
	uint64_t cmnd; /* old ID card number, 0 if none */
	uint64_t bhxh; /* BHXH code (column or card), 0 if none */
	uint64_t key; /* person key, 0 until identity finds one */
	const char *name; /* normalised full name */
	const char *nkey; /* name match key (== name when equal) */
	const char *commune; /* "" if none (at most COMMUNE_CODE_MAX bytes);
			      * all strings below likewise */
	const char *hospital;
	const char *household; /* household code (outreach list, GD lists) */
	const char *unit; /* unit_code: the unit that filed or sent the row */
	const char *ethnicity;
	struct date dob, status_date;
	uint32_t line;
	uint32_t wage; /* roster: monthly wage in đồng, 0 unknown */
	uint16_t src;
	uint16_t group; /* index into ref groups, GROUP_NONE if none */
	uint16_t flags; /* NF_*, RF_COMMUNE_SPLIT */
	/* small values share bytes (bit-fields: 128 bytes in all) */
	uint8_t kind : 2; /* enum kind */
	uint8_t state : 2; /* enum rec_state */
	uint8_t status : 2; /* STATUS_* (registry) */
	uint8_t sex; /* 'M', 'F' or 0 */
	uint8_t level : 4; /* benefit level of a card, 0 if unknown */
	uint8_t card_level : 4;
	uint8_t schemes : 4; /* SCHEME_* */
	uint8_t months : 4; /* roster: months bought, 1..12; 0 unknown */
	uint8_t cmnd_len : 4; /* 9 or 12 */
	uint8_t how : 3; /* enum how */
	uint8_t card_len; /* 0, 10 or 15 */
	char card_group[3];
	char card_prov[3];
	uint8_t reason; /* review reason of a row set aside or ineligible */
	uint8_t sheet; /* workbook: 1-based sheet of srcs[src]; 0 text */
};

/*
 * A row flag beside the NF_* bits (not a repair, not counted): the row's
 * commune is an old code of a commune split in 2025 (ref_commune_on's
 * COMMUNE_ON_SPLIT), kept as read.  identity_run resolves it by the
 * registry's residence (and clears the flag), or leaves it for classify to
 * send the row to review (COMMUNE_SPLIT).
 */
#define RF_COMMUNE_SPLIT (1u << 15)

/* Sheets of one workbook a row can name (struct rec's sheet). */
#define SHEETS_MAX 255

/*
 * What was read from one table of an input: a workbook's sheet, or a
 * text file's one table (name NULL); summary.json lists them.
 */
struct sheet {
	const char *name; /* the sheet's name; NULL for a text file */
	const char *source; /* "label#name": rows' source in review/rejects */
	int status; /* enum xlsxin_status (XLSXIN_READ for text) */
	const char *why; /* skipped: why */
	unsigned long header_line; /* the header's (last) row, 0 if none */
	int header_rows; /* 1, or 2 for a two-row header */
	unsigned long title; /* rows above the header */
	unsigned long numbering; /* rows of column numbers skipped */
	unsigned long footer; /* totals and signature rows skipped */
	int ncols;
	const char **header; /* ncols: each column's header as written */
	int8_t *field; /* ncols: its field, F_SEX_CHECKBOX or -1 */
};

/* One input file and its accounting (summary.json). */
/*
 * One input file as the command line names it (rules.md R1.2): its path
 * ("-": standard input), source label, --encoding (NULL: detect), kind,
 * and a roster's per-file defaults: the commune and the group (code or
 * name) a row takes when its own cell is empty or its column absent
 * (NULL: none).
 */
struct input {
	const char *path;
	const char *label;
	const char *encoding;
	enum kind kind;
	const char *commune, *group;
};

/*
 * What identity notes about a source's rows without acting on it
 * (rules.md R4.3, R4.4): merged duplicate rows that differ in sex or
 * hospital (the first row's value stands), believable roster rows whose
 * birth date or sex differs from the registry's (the registry's stands).
 */
enum noted {
	NOTED_DUP_SEX,
	NOTED_DUP_HOSPITAL,
	NOTED_DOB_VS_REGISTRY,
	NOTED_SEX_VS_REGISTRY,
	NOTED_N
};

struct source {
	const char *path;
	const char *label;
	const char *encoding; /* as given with --encoding, or NULL */
	enum kind kind;
	const char *def_commune, *def_group; /* struct input's defaults */
	unsigned long from_file[2]; /* rows that took def_commune, _group */
	uint64_t bytes, xxh3;
	char encoding_used[16];
	int gzip;
	char delim;
	unsigned long lines, blank, rows_read, accepted, rejected, merged;
	unsigned long noted[NOTED_N];
	unsigned long rejected_by[R_N];
	unsigned long review_by[R_N];
	unsigned long repaired[NF_COUNT];
	unsigned long matched_by_demographics;
	double seconds;
	const char *format; /* "csv", "xlsx" or "xls" once read */
	unsigned long title, numbering; /* rows skipped above/below headers */
	unsigned long footer; /* totals and signature rows skipped below */
	struct sheet *sheets; /* in the batch arena */
	unsigned nsheets;
};

/* A row for review.csv or rejects.csv. */
struct note {
	uint16_t src;
	uint8_t reason;
	uint8_t sheet; /* as struct rec's */
	uint32_t line;
	uint64_t key; /* person ID or tagged BHXH code, 0 if none */
	uint64_t bhxh;
	const char *text; /* review: detail; reject: the raw line */
};

/*
 * A lead: what a rejected roster row still yields, for rule 3 only
 * (rules.md R6.4).  It counts as no row (the row is a reject), carries no
 * person key and is never written to a list; it only keeps a card holder
 * whose ID, or name and date of birth, it carries from a decrease.
 */
struct lead {
	uint64_t pid; /* valid personal ID, 0 if none */
	uint64_t cmnd; /* old ID card number, 0 if none */
	uint64_t bhxh; /* BHXH code (column or card), 0 if none */
	const char *name; /* normalised full name; "" unless dob is read too */
	const char *commune; /* "" if none (or unreadable, or split) */
	struct date dob; /* prec 0 unless name is read too */
	uint32_t line;
	uint16_t src;
	uint8_t cmnd_len; /* 9 or 12 */
	uint8_t sheet; /* as struct rec's */
	uint8_t reason; /* why the row was rejected */
};

/* A person: rows that identity linked by key (indices into recs). */
struct person {
	uint64_t key;
	uint32_t registry; /* NONE32 if not in the registry */
	uint32_t first; /* first index into batch.members */
	uint32_t n; /* rows (prior and roster) in members */
};

/*
 * A name cell read before, and what it gave (struct batch's names): the
 * normalised name and its match key, shared by every row of that cell,
 * and the repair flags the normalising set.
 */
struct name_memo {
	const char *raw, *name, *nkey;
	uint32_t len; /* of raw */
	uint32_t flags;
};

/* Name cells one batch remembers (about 100 bytes each, strings too). */
#define NAME_MEMO_MAX (1u << 20)

/* What a batch's sink is handed (struct batch). */
enum sink_what { SINK_REC, SINK_LEAD, SINK_REJECT };

struct batch {
	struct arena arena;
	struct ref *ref;
	struct date period_start; /* reference date of the run */
	struct date today; /* dates after it are rejected */
	int period;
	struct source *srcs;
	size_t nsrcs, srcs_cap;
	struct rec *recs;
	size_t nrecs, recs_cap;
	struct note *reviews;
	size_t nreviews, reviews_cap;
	struct note *rejects;
	size_t nrejects, rejects_cap;
	struct lead *leads; /* what rejected roster rows still yield */
	size_t nleads, leads_cap;
	struct person *people;
	size_t npeople, people_cap;
	uint32_t *members;
	size_t nmembers;
	struct msgs msgs; /* warnings for the command, in input order */
	char *scratch; /* working buffer of rec_normalise */
	size_t scratch_cap;
	/* codes of few values (commune, hospital, unit, ethnicity), stored
	   once: interned[i] for the index the hash table gives */
	struct hashtab intern;
	const char **interned;
	size_t ninterned, interned_cap;
	/* the last raw value of each few-valued field and what it gave:
	   consecutive rows of a file mostly repeat them */
	struct memo {
		char raw[32];
		uint8_t len, valid;
		unsigned val;
		const char *str;
	} memo[F_NFIELDS];
	/*
	 * The name cells read and what they gave (rec.c's row_name): names
	 * repeat (a district of 1M people has some tens of thousands of
	 * them), so each is normalised once and its rows share its two
	 * strings.  They live in name_arena, which joins arena when a shard
	 * is absorbed; behind a sink, which drops most rows, a row it keeps
	 * gets its own copies in arena instead, and name_arena goes with
	 * the shard.  At most NAME_MEMO_MAX cells; later new ones are
	 * normalised row by row.
	 */
	struct hashtab names;
	struct name_memo *nmemo;
	size_t nnmemo, nmemo_cap;
	struct arena name_arena;
	/*
	 * The out-of-core run's passes (spill.h): when set, each row, lead
	 * and reject that reading a source adds (the last of its array) is
	 * handed to sink(sink_ctx, b, what), which returns 1 to keep it, 0
	 * to drop it again (its strings with it, unless a shared code was
	 * made meanwhile).  sink_src is the run's index of the source b
	 * reads (a shard reads its input as its source 0).
	 */
	int (*sink)(void *ctx, struct batch *b, enum sink_what what);
	/*
	 * And when set, each row of a source is first shown to
	 * skip(sink_ctx, b, row), row its number among the rows read
	 * (rows_read before it: rejected ones count, skipped title and
	 * footer rows not); 1 counts it read and does nothing more with it
	 * (no normalising, no reject, no lead, no warning).
	 */
	int (*skip)(void *ctx, const struct batch *b, unsigned long row);
	/* pipeline_read() calls absorbed(sink_ctx, b, src) once source src
	   is read and in b, in input order, on its own thread */
	void (*absorbed)(void *ctx, struct batch *b, unsigned src);
	void *sink_ctx;
	unsigned sink_src;
	/*
	 * And in a partition of such a run, rule 3 asks foreign(foreign_ctx,
	 * foreign_part, ascii, dob, commune, in_scope) whether a roster row
	 * or lead of another partition may be a card holder of that name
	 * (spill.h's spill_foreign).
	 */
	int (*foreign)(const void *ctx, uint32_t part, const char *ascii,
		       const struct date *dob, const char *commune,
		       int in_scope);
	const void *foreign_ctx;
	uint32_t foreign_part;
	/* rec_normalise's detail of an unknown group (it names the value
	   and the nearest codes); memo[F_GROUP] remembers whose it is */
	char group_detail[192];
};

void batch_init(struct batch *b, struct ref *ref, int period,
		const struct date *period_start, const struct date *today);
void batch_release(struct batch *b);
/*
 * Free what only identity and classification read (the rows, people,
 * members, leads, review and reject rows) once the outputs hold every
 * list: the counts (nrecs, npeople) stay for the summary, the arrays and
 * the other counts go.  The sources, their sheets and the strings stay.
 */
void batch_drop_rows(struct batch *b);
/*
 * A roster's per-file defaults (struct input) into a row's raw cells:
 * the commune, the group where the row's cell is empty or its column
 * absent (a row's own value wins).  Returns bit 0 set if the commune was
 * filled, bit 1 if the group was.
 */
unsigned rec_fill_defaults(const char *raw[F_NFIELDS], const char *commune,
			   const char *group);
/* The fields given by per-file defaults, for struct colmap's given. */
unsigned rec_defaults_given(const char *commune, const char *group);

/* Register an input file (in's strings must outlive b); returns its index. */
unsigned batch_add_source(struct batch *b, const struct input *in);

/*
 * Read and normalise every row of source i (rules.md R2, R3): accepted rows are
 * appended to b->recs, unreadable ones to b->rejects, and the warnings
 * about them (the first REJECT_MESSAGES, then a count) to b->msgs in line
 * order.  Returns 0, or -1 with err when the file as a whole cannot be
 * read (b->msgs keeps the warnings of the rows before).
 */
int batch_read_source(struct batch *b, unsigned i, struct etl_err *err);

/*
 * Move what a shard batch read of one input (its source 0) into b as
 * source src: rows, rejects, messages (after b's) and the source's
 * accounting; the shard's strings join b's arena.  The shard is released.
 */
void batch_absorb(struct batch *b, struct batch *shard, unsigned src);

/*
 * Commands only: print the messages the library left in b->msgs on f (in
 * the order they were added: input order) and empty the list.  Library
 * code never calls it.
 */
void batch_print_msgs(struct batch *b, FILE *f);

/*
 * Normalise one row given its raw fields (NULL: column absent).  Returns
 * R_NONE and fills *out, or the reject reason (*detail says why).
 */
enum reason rec_normalise(struct batch *b, enum kind kind,
			  const char *const raw[F_NFIELDS], int sex_checkbox,
			  struct rec *out, const char **detail);

/* Add a review row (text copied into the arena; may be NULL). */
void batch_review(struct batch *b, const struct rec *r, enum reason reason,
		  const char *text);
/* The review note of row r, its text left as given (not copied). */
struct note review_note(const struct rec *r, enum reason reason,
			const char *text);
/* Add a review note made by review_note (its text must outlive b). */
void batch_add_review(struct batch *b, const struct note *n);
/* The source a note names: its file's label, or "label#sheet". */
const char *note_source(const struct batch *b, const struct note *n);

/*
 * The lead of a roster row that rec_normalise rejected (raw: its cells,
 * NULL: column absent): each field is read on its own, whatever failed
 * (rules.md R6.4).  Returns 1 with *out filled (src, line, sheet and
 * reason 0) when the row still gives a valid personal ID, a CMND, a BHXH
 * code, or a name and a date of birth; else 0.  Rows of other kinds give
 * none.
 */
int rec_lead(struct batch *b, enum kind kind, const char *const raw[F_NFIELDS],
	     struct lead *out);
/*
 * The leads of a line the reader could not split into cells (a roster's
 * BAD_COLUMN_COUNT or BAD_QUOTING reject): one per run of exactly 12
 * digits that is a valid personal ID, and one per run of exactly 10
 * digits (a BHXH code), each handed to each() (src, line, sheet, reason
 * 0).  Returns how many.
 */
typedef void lead_fn(void *ctx, const struct lead *l);
size_t rec_line_leads(const char *raw, size_t n, lead_fn *each, void *ctx);
/* Add a lead to b (its strings must outlive b: in b's arena). */
void batch_add_lead(struct batch *b, const struct lead *l);

/* Add a reject row. */
void batch_reject(struct batch *b, unsigned src, unsigned long line,
		  enum reason reason, const char *raw, size_t raw_len);

/* Text of IDs with their leading zeros. */
void fmt_pid(uint64_t key, char out[13]); /* "" for 0 or a BHXH key */
void fmt_bhxh(uint64_t bhxh, char out[11]); /* "" for 0 */
void fmt_cmnd(const struct rec *r, char out[13]);
void fmt_card(const struct rec *r, char out[16]);
/* Parse a canonical ID of len digits back into a number (-1 on error). */
int parse_digits(const char *s, size_t len, uint64_t *out);

#endif
