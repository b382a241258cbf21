/*
 * test_load.c: unit tests of load_run() (load.h) that need no server:
 * the library never prints.  Its warnings and log lines go to the
 * caller's log callback, or nowhere when there is none; stderr stays
 * empty either way.  tests/pg/run.sh checks the lines `doisoat load`
 * prints through its callback against a real server.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "load.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* What the log callback heard. */
struct heard {
	int warnings, lines;
	char last[1024];
};

static void hear(void *ctx, enum msg_level level, const char *text)
{
	struct heard *h = ctx;

	h->lines++;
	if (level == MSG_WARN)
		h->warnings++;
	snprintf(h->last, sizeof(h->last), "%s", text);
}

/* A pseudonym key readable by everyone: load_run() warns about it. */
static void loose_key(char *path)
{
	static const char key[] = "doisoat-test-key-0123456789\n";
	int fd;

	strcpy(path, "/tmp/test_load_key_XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, key, sizeof(key) - 1),
			 (ssize_t)(sizeof(key) - 1));
	assert_int_equal(fchmod(fd, 0644), 0);
	close(fd);
}

/*
 * Run load_run(o) with stderr sent to a temporary file; returns its exit
 * code and puts what reached stderr into out.
 */
static int load_quietly(const struct load_opts *o, struct etl_err *err,
			char *out, size_t n)
{
	char path[] = "/tmp/test_load_err_XXXXXX";
	int fd = mkstemp(path), saved, rc;
	ssize_t got;

	assert_true(fd >= 0);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	assert_true(saved >= 0);
	assert_true(dup2(fd, STDERR_FILENO) >= 0);
	rc = load_run(o, err);
	fflush(stderr);
	assert_true(dup2(saved, STDERR_FILENO) >= 0);
	close(saved);
	got = pread(fd, out, n - 1, 0);
	out[got > 0 ? got : 0] = '\0';
	close(fd);
	unlink(path);
	return rc;
}

/* The folder has no summary.json: load_run() fails before any server. */
static void no_log_callback_prints_nothing(void **state)
{
	struct load_opts o = { 0 };
	struct etl_err err = { "" };
	char key[64], out[2048];

	(void)state;
	loose_key(key);
	o.out = "/nonexistent/doisoat-test-run";
	o.key_file = key;
	assert_int_equal(load_quietly(&o, &err, out, sizeof(out)), -1);
	unlink(key);
	assert_string_equal(out, "");
	assert_non_null(strstr(err.msg, "doisoat-test-run"));
}

static void warnings_go_to_the_log_callback(void **state)
{
	struct load_opts o = { 0 };
	struct etl_err err = { "" };
	struct heard h = { 0 };
	char key[64], out[2048];

	(void)state;
	loose_key(key);
	o.out = "/nonexistent/doisoat-test-run";
	o.key_file = key;
	o.log = hear;
	o.ctx = &h;
	assert_int_equal(load_quietly(&o, &err, out, sizeof(out)), -1);
	unlink(key);
	assert_string_equal(out, "");
	assert_int_equal(h.warnings, 1);
	assert_int_equal(h.lines, 1);
	assert_non_null(strstr(h.last, "is readable by other users"));
	assert_null(strchr(h.last, '\n'));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(no_log_callback_prints_nothing),
		cmocka_unit_test(warnings_go_to_the_log_callback),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
