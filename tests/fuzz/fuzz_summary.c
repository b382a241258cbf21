/*
 * fuzz_summary.c: the summary.json reader of the output folder
 * (outdir_parse_files, etl/outdir.h), which outdir_verify(), the recovery
 * of an interrupted commit and `doisoat load` trust with the list of
 * output files.  The whole input is the summary.json text.
 *
 * Invariants: the result is 0, 1 or -1; -1 has a message and leaves no
 * list; 1 (no "files" key) leaves no list; every name listed is a plain
 * file name (not empty, no '/', no leading '.', at most NAME_MAX bytes,
 * NUL-terminated), or "lists/" and such a name (the workbooks' folder,
 * nothing deeper).  Round trip: the list written back as JSON (names
 * escaped as summary.c would) reads back the same.
 *
 * The rest of load's checks of summary.json (check_keys in etl/load.c)
 * run in PostgreSQL (jsonb), so they are not reachable here.
 */
#include "fuzz.h"

#include "outdir.h"

#include <limits.h>
#include <string.h>

/* The list as JSON, as summary.c writes "files". */
static void write_files(struct strbuf *sb, const struct outdir_file *f,
			size_t n)
{
	size_t i;
	const unsigned char *p;

	sb_adds(sb, "{\"files\": [");
	for (i = 0; i < n; i++) {
		sb_adds(sb, i ? ", {\"name\": \"" : "{\"name\": \"");
		for (p = (const unsigned char *)f[i].name; *p; p++) {
			if (*p == '"' || *p == '\\')
				sb_addf(sb, "\\%c", *p);
			else if (*p < 0x20)
				sb_addf(sb, "\\u%04x", *p);
			else
				sb_addc(sb, *p);
		}
		sb_addf(sb, "\", \"bytes\": %llu, \"xxh3\": \"%016llx\"}",
			f[i].bytes, (unsigned long long)f[i].xxh3);
	}
	sb_adds(sb, "]}\n");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct outdir_file *files = NULL, *again = NULL;
	struct etl_err err;
	struct strbuf sb;
	size_t n = 99, n2 = 99, i, len;
	char *json = malloc(size ? size : 1);
	int rc;

	CHECK(json != NULL);
	memcpy(json, data, size); /* exactly size bytes: no NUL after */
	memset(&err, 0, sizeof(err));
	rc = outdir_parse_files(json, size, &files, &n, &err);
	CHECK(rc == 0 || rc == 1 || rc == -1);
	CHECK(memchr(err.msg, '\0', sizeof(err.msg)) != NULL);
	if (rc < 0)
		CHECK(err.msg[0] != '\0');
	if (rc != 0)
		CHECK(files == NULL && n == 0);
	for (i = 0; i < n; i++) {
		const char *name = files[i].name;

		CHECK(name != NULL);
		if (!strncmp(name, "lists/", 6))
			name += 6;
		len = strlen(name);
		CHECK(len >= 1 && len <= NAME_MAX);
		CHECK(name[0] != '.');
		CHECK(!strchr(name, '/'));
	}
	if (rc == 0) {
		sb_init(&sb, 0);
		write_files(&sb, files, n);
		memset(&err, 0, sizeof(err));
		CHECK(outdir_parse_files(sb.buf, sb.len, &again, &n2, &err) ==
		      0);
		CHECK(n2 == n);
		for (i = 0; i < n; i++) {
			CHECK(!strcmp(again[i].name, files[i].name));
			CHECK(again[i].bytes == files[i].bytes);
			CHECK(again[i].xxh3 == files[i].xxh3);
		}
		outdir_files_free(again, n2);
		sb_release(&sb);
	}
	outdir_files_free(files, n);
	free(json);
	return 0;
}
