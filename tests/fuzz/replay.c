/*
 * replay.c: run a fuzz target's LLVMFuzzerTestOneInput on saved inputs,
 * without libFuzzer, so the committed corpora (fixtures/fuzz/<target>/)
 * are regression tests of the normal build:
 *
 *	replay [-v] FILE_OR_FOLDER...
 *
 * A folder is read in name order, one input per regular file (not
 * recursive; dot files are skipped).  Each input is copied into a buffer
 * of exactly its size, so an over-read shows under a sanitizer.  -v names
 * each input on stderr before running it.  Prints "replay: N inputs" and
 * exits 0; an invariant that fails aborts, as under libFuzzer.
 */
#include "fuzz.h"
#include "xlsin.h"

#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

static int verbose;
static unsigned long ran;

static int run_file(const char *path)
{
	uint8_t *buf;
	long size;
	FILE *f = fopen(path, "rb");

	if (!f) {
		fprintf(stderr, "replay: cannot open '%s': %s\n", path,
			strerror(errno));
		return -1;
	}
	if (fseek(f, 0, SEEK_END) < 0 || (size = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) < 0) {
		fprintf(stderr, "replay: cannot size '%s'\n", path);
		fclose(f);
		return -1;
	}
	buf = malloc(size ? (size_t)size : 1);
	if (!buf || fread(buf, 1, (size_t)size, f) != (size_t)size) {
		fprintf(stderr, "replay: cannot read '%s'\n", path);
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	if (verbose)
		fprintf(stderr, "replay: %s\n", path);
	LLVMFuzzerTestOneInput(buf, (size_t)size);
	free(buf);
	ran++;
	return 0;
}

static int skip_dot(const struct dirent *e)
{
	return e->d_name[0] != '.';
}

static int run_dir(const char *dir)
{
	struct dirent **names;
	struct stat sb;
	char path[4096];
	int n, i, rc = 0;

	n = scandir(dir, &names, skip_dot, alphasort);
	if (n < 0) {
		fprintf(stderr, "replay: cannot list '%s': %s\n", dir,
			strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		if (rc == 0 && stat(path, &sb) == 0 && S_ISREG(sb.st_mode))
			rc = run_file(path);
		free(names[i]);
	}
	free(names);
	return rc;
}

int main(int argc, char **argv)
{
	struct stat sb;
	int i, rc = 0;

	xlsin_child_main(argc, argv); /* fuzz_xlsx's .xls reader child */
	for (i = 1; i < argc && rc == 0; i++) {
		if (!strcmp(argv[i], "-v")) {
			verbose = 1;
			continue;
		}
		if (stat(argv[i], &sb) < 0) {
			fprintf(stderr, "replay: '%s': %s\n", argv[i],
				strerror(errno));
			rc = -1;
		} else if (S_ISDIR(sb.st_mode)) {
			rc = run_dir(argv[i]);
		} else {
			rc = run_file(argv[i]);
		}
	}
	printf("replay: %lu inputs\n", ran);
	return rc ? 1 : 0;
}
