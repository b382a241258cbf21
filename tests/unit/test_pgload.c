/*
 * test_pgload.c: unit tests of the parts of pgload that need no server:
 * the pseudonyms (HMAC-SHA256 through libcrypto) against digests the
 * openssl command line computed once, and reading the pseudonym key.
 * tests/pg/run.sh compares the pseudonyms of a real load with
 * `openssl dgst` live.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "pgload.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define KEY "doisoat-test-key-0123456789"

/* RFC 4231, test case 2: a published vector, independent of openssl. */
static void pseudonym_hmac_rfc4231(void **state)
{
	static const char msg[] = "what do ya want for nothing?";
	char hex[65];

	(void)state;
	assert_int_equal(pseudonym_hmac("Jefe", 4, msg, strlen(msg), hex), 0);
	assert_string_equal(hex, "5bdcc146bf60754e6a042426089575c7"
				 "5a003f089d2739839dec58b964ec3843");
}

/* n bytes c and a NUL (n <= 4096). */
static const char *repeat(char c, size_t n)
{
	static char buf[4097];

	memset(buf, c, n);
	buf[n] = '\0';
	return buf;
}

/*
 * The digests below were computed with OpenSSL 3.0's command line:
 *   printf '%s' "$MSG" | openssl dgst -sha256 -hmac "$KEY"
 * (and agree with the hand-written HMAC doisoat had before libcrypto, so
 * pseudonyms already in a database stay valid).
 */
static void pseudonym_hmac_matches_openssl(void **state)
{
	static const struct {
		const char *key; /* NULL: key_n bytes key_c */
		char key_c;
		size_t key_n;
		const char *msg;
		const char *hex;
	} cases[] = {
		{ KEY, 0, 0, "079190000001",
		  "79fec12c9c17f04eb7db8eab3d02ecbb"
		  "93fdc73f154517b5ce1c0946f1ad9de6" },
		{ KEY, 0, 0, "079321000002",
		  "95bffa5a74dde5f960b376cefdac87d7"
		  "b6e8a1850376bc6fb0943973dd2ebf6a" },
		{ KEY, 0, 0, "7900000004",
		  "ffb6039cd2ff24205500c7d9049ea4fb"
		  "148646bd056d4ab6925aa88244604cea" },
		{ KEY, 0, 0, "",
		  "3f5d265368a8bc7f3a268c08bbfe8d45"
		  "ee6e2bc364f5490a4f8f4fe2d840d2dd" },
		/* 56 bytes: SHA-256's padding no longer fits the block */
		{ KEY, 0, 0,
		  "xxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		  "xxxxxxxxxxxxxxxxxxxxxxxxxxxx",
		  "c3f3cc370fb7ce8df869e0d5dc7d054b"
		  "f600d4d36e37dd641cb44526f6f2ed3a" },
		/* 63 bytes: the longest value the COPY filter captures */
		{ KEY, 0, 0,
		  "012345678901234567890123456789012345678901234567890123456789"
		  "012",
		  "b04178979e4aea4dfd84f8c5a0213306"
		  "ca10b2eb05c44e68c38bad45be69f70b" },
		/* the shortest key pgload_read_key takes */
		{ NULL, 'z', 16, "079190000001",
		  "8653a68e5d3c73049d9e550bf29ccc5e"
		  "625de0916b0a67873109fb48e33c55b2" },
		/* one block of key; longer keys are hashed first */
		{ "abcdefghabcdefghabcdefghabcdefgh"
		  "abcdefghabcdefghabcdefghabcdefgh",
		  0, 0, "079190000001",
		  "f064b8f3d53e4f08e5b62e46a0f9d9f3"
		  "793c4d6daed6e7d4b144d9501f5a6bfd" },
		{ NULL, 'k', 100, "079190000001",
		  "84fa5e0f9b26cba0e9cd51d67f2885fd"
		  "ab23396c25422c17910c5fb589eb9b07" },
		{ NULL, 'k', 4095, "079190000001",
		  "b38da9bf322f36fa7001fb1efcaf7f17"
		  "a49357be528541b73e79fae54cf5a98c" },
	};
	char hex[65];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *key = cases[i].key;

		if (!key)
			key = repeat(cases[i].key_c, cases[i].key_n);
		memset(hex, 'X', sizeof(hex));
		assert_int_equal(pseudonym_hmac(key, strlen(key), cases[i].msg,
						strlen(cases[i].msg), hex),
				 0);
		if (strcmp(hex, cases[i].hex))
			fail_msg("case %zu: got %s", i, hex);
	}
}

/* A key that is UTF-8 text: the bytes count, as for openssl. */
static void pseudonym_hmac_utf8_key(void **state)
{
	static const char key[] = "khóa-bí-mật-0123";
	char hex[65];

	(void)state;
	assert_int_equal(strlen(key), 20);
	assert_int_equal(
		pseudonym_hmac(key, strlen(key), "079190000001", 12, hex), 0);
	assert_string_equal(hex, "9f07e240eff62437fb2d4d774cf0cb87"
				 "aea0559ca8d75239567d87760d381a98");
}

/* Write n bytes of data into a new temp file of mode mode; its path. */
static void write_key(char *path, const void *data, size_t n, mode_t mode)
{
	int fd;

	strcpy(path, "/tmp/test_pgload_key_XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, n), (ssize_t)n);
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

/* The key file's trailing newline is not part of the key. */
static void read_key_strips_newlines(void **state)
{
	static const char *const files[] = { KEY, KEY "\n", KEY "\r\n",
					     KEY "\n\n" };
	struct etl_err err = { { 0 } };
	struct pgload_hmac h;
	char path[64], hex[65];
	int loose;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		write_key(path, files[i], strlen(files[i]), 0600);
		loose = -1;
		assert_int_equal(pgload_read_key(path, &h, &loose, &err), 0);
		unlink(path);
		assert_int_equal(loose, 0);
		assert_int_equal(h.len, strlen(KEY));
		assert_memory_equal(h.key, KEY, strlen(KEY));
		assert_int_equal(
			pseudonym_hmac(h.key, h.len, "079190000001", 12, hex),
			0);
		assert_string_equal(hex, "79fec12c9c17f04eb7db8eab3d02ecbb"
					 "93fdc73f154517b5ce1c0946f1ad9de6");
	}
	write_key(path, KEY, strlen(KEY), 0644);
	assert_int_equal(pgload_read_key(path, &h, &loose, &err), 0);
	unlink(path);
	assert_int_equal(loose, 1);
}

/* Too short, too long, absent: refused, and the key is not quoted. */
static void read_key_refuses(void **state)
{
	struct etl_err err = { { 0 } };
	struct pgload_hmac h;
	char path[64];
	int loose;

	(void)state;
	write_key(path, "short-key-15byt\n", 16, 0600);
	assert_int_equal(pgload_read_key(path, &h, &loose, &err), -1);
	unlink(path);
	assert_non_null(strstr(err.msg, "shorter than 16 bytes"));
	assert_non_null(strstr(err.msg, path));
	assert_null(strstr(err.msg, "short-key"));
	assert_int_equal(h.len, 0);

	write_key(path, repeat('k', 4096), 4096, 0600);
	assert_int_equal(pgload_read_key(path, &h, &loose, &err), -1);
	unlink(path);
	assert_non_null(strstr(err.msg, "longer than 4095 bytes"));

	write_key(path, repeat('k', 4095), 4095, 0600);
	assert_int_equal(pgload_read_key(path, &h, &loose, &err), 0);
	unlink(path);
	assert_int_equal(h.len, 4095);

	assert_int_equal(pgload_read_key("/nonexistent/key", &h, &loose, &err),
			 -1);
	assert_non_null(strstr(err.msg, "cannot open pseudonym key"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pseudonym_hmac_rfc4231),
		cmocka_unit_test(pseudonym_hmac_matches_openssl),
		cmocka_unit_test(pseudonym_hmac_utf8_key),
		cmocka_unit_test(read_key_strips_newlines),
		cmocka_unit_test(read_key_refuses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
