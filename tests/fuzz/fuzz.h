/*
 * fuzz.h: what every fuzz target of tests/fuzz/ shares: the libFuzzer
 * entry point's prototype, CHECK (an invariant that aborts with the file
 * and line, so libFuzzer and replay.c both report it as a crash) and a
 * strict UTF-8 validator independent of the library's own.
 *
 * The same sources build two ways: with clang -fsanitize=fuzzer (the
 * fuzzers of `make fuzz`) and with the normal compiler plus replay.c, which
 * runs the committed corpus as a regression test (`make fuzz-replay`).
 */
#ifndef DOISOAT_FUZZ_H
#define DOISOAT_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An invariant: on failure print where and abort (never the data). */
#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: invariant failed: %s\n",       \
				__FILE__, __LINE__, #cond);                    \
			abort();                                               \
		}                                                              \
	} while (0)

/*
 * Is s[0..n) well-formed UTF-8 (Unicode table 3-7: no overlong forms, no
 * surrogates, nothing above U+10FFFF)?  NUL bytes count as valid here.
 */
static inline int fuzz_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, len, k;

	while (i < n) {
		unsigned char c = p[i], lo = 0x80, hi = 0xbf;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c < 0xe0) {
			len = 2;
		} else if (c >= 0xe0 && c < 0xf0) {
			len = 3;
			lo = c == 0xe0 ? 0xa0 : 0x80;
			hi = c == 0xed ? 0x9f : 0xbf;
		} else if (c >= 0xf0 && c < 0xf5) {
			len = 4;
			lo = c == 0xf0 ? 0x90 : 0x80;
			hi = c == 0xf4 ? 0x8f : 0xbf;
		} else {
			return 0;
		}
		if (n - i < len || p[i + 1] < lo || p[i + 1] > hi)
			return 0;
		for (k = 2; k < len; k++)
			if ((p[i + k] & 0xc0) != 0x80)
				return 0;
		i += len;
	}
	return 1;
}

/* A NUL-terminated string of valid UTF-8 within its buffer of size sz. */
static inline int fuzz_cstr_ok(const char *s, size_t sz)
{
	size_t n = 0;

	while (n < sz && s[n])
		n++;
	return n < sz && fuzz_utf8_valid(s, n);
}

#endif
