/*
 * fuzz_config.c: the --config INI reader (etl/config.h config_read) on
 * arbitrary file contents.  The first input byte chooses the section
 * asked for; the rest is written to a temporary file (one per process,
 * rewritten for each input) that config_read reads.
 *
 * Invariants: the return value is 0 or -1; -1 comes with a message; every
 * option is "--key" or "--key=value" with key an option name (a lower-case
 * letter, then letters, digits and '-'), never "config"; a value holds
 * no newline.  The options are freed afterwards
 * (the library leaves them to the process's end).
 */
#include "fuzz.h"

#include "config.h"

#include <string.h>
#include <unistd.h>

static char path[64];
static int fd = -1;

static void check_arg(const char *a)
{
	const char *k, *eq;
	size_t klen;

	CHECK(a != NULL);
	CHECK(a[0] == '-' && a[1] == '-');
	k = a + 2;
	eq = strchr(k, '=');
	klen = eq ? (size_t)(eq - k) : strlen(k);
	CHECK(klen > 0 && k[0] >= 'a' && k[0] <= 'z');
	CHECK(strspn(k, "abcdefghijklmnopqrstuvwxyz0123456789-") == klen);
	CHECK(!(klen == 6 && !memcmp(k, "config", 6)));
	if (eq)
		CHECK(!strchr(eq + 1, '\n'));
}

static void remove_input(void)
{
	unlink(path);
}

/* The temporary file holding one input, created on the first call. */
static void write_input(const uint8_t *data, size_t size)
{
	if (fd < 0) {
		snprintf(path, sizeof(path), "/tmp/fuzz-config-XXXXXX");
		fd = mkstemp(path);
		CHECK(fd >= 0);
		atexit(remove_input);
	}
	CHECK(ftruncate(fd, 0) == 0);
	CHECK(pwrite(fd, data, size, 0) == (ssize_t)size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const sections[4] = { "run", "load", "ingest",
						 "report" };
	struct etl_err err;
	struct config_args c;
	int rc, i;

	if (!size)
		return 0;
	write_input(data + 1, size - 1);
	memset(&err, 0, sizeof(err));
	config_args_init(&c, "doisoat");
	rc = config_read(path, sections[data[0] & 3], &c, &err);
	CHECK(rc == 0 || rc == -1);
	CHECK(memchr(err.msg, '\0', sizeof(err.msg)) != NULL);
	if (rc < 0)
		CHECK(err.msg[0] != '\0');
	CHECK(c.argc >= 1);
	CHECK(c.argv[c.argc] == NULL);
	/* argv[0] is the program; after it the file's options */
	for (i = 1; i < c.argc; i++)
		if (rc == 0)
			check_arg(c.argv[i]);
	config_release(&c);
	return 0;
}
