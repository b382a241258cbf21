/*
 * test_norm.h: what the table tests of the normalisers share
 * (tests/unit/test_norm_*.c, one a source file of etl/norm_*.c): exact-size
 * copies of the inputs, and the hostile cells every normaliser is fed.
 * Every input is passed as an exact-size heap copy with no NUL after it,
 * so a read past n shows up under SANITIZE=address.
 */
#ifndef DOISOAT_TEST_NORM_H
#define DOISOAT_TEST_NORM_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* A copy of s[0..n) in a buffer of exactly n bytes (no NUL). */
static inline char *exact(const char *s, size_t n)
{
	char *p = malloc(n ? n : 1);

	assert_non_null(p);
	memcpy(p, s, n);
	return p;
}

/*
 * Hostile cells: big, random bytes, NULs, broken UTF-8, cut seeds.  Each
 * test file runs the same HOSTILE_ROUNDS cells through its normalisers:
 *
 *	uint64_t x = HOSTILE_SEED;
 *	for (round = 0; round < HOSTILE_ROUNDS; round++) {
 *		char *in = hostile_cell(round, &x, &n);
 *		...
 *		free(in);
 *	}
 */
#define HOSTILE_ROUNDS 3000
#define HOSTILE_SEED   0x9e3779b97f4a7c15ull

/* The cell of this round in an exact-size heap buffer; its size in *np. */
static inline char *hostile_cell(size_t round, uint64_t *x, size_t *np)
{
	static const char *const seeds[] = {
		"084090001234",
		"Nguyễn Văn Hoà",
		"12/05/1990",
		"HN4797912345678",
		"\xff\xfe\xfd",
		"\xe1\xbb",
		"\xcc\x81\xcc\x81\xcc\x81",
		"1.2E+11",
		"29266 - Thị trấn",
		"00/00/1990 00:00:00",
	};
	size_t n = round < 2000 ? round % 64 : 1 + round * 37 % 70000;
	const char *seed = seeds[round / 10 % N(seeds)];
	char *in = malloc(n ? n : 1);
	size_t i;

	assert_non_null(in);
	for (i = 0; i < n; i++) {
		*x ^= *x << 13;
		*x ^= *x >> 7;
		*x ^= *x << 17;
		if (round % 3 == 0)
			in[i] = (char)*x; /* any byte */
		else if (round % 3 == 1)
			in[i] = seeds[(*x >> 8) % N(seeds)]
				     [0]; /* plausible starts */
		else
			in[i] = "0123456789 .-'E+/"[*x % 17];
	}
	if (round % 10 == 0 && n) /* a seed, cut anywhere */
		memcpy(in, seed, n < strlen(seed) ? n : strlen(seed));
	*np = n;
	return in;
}

#endif
