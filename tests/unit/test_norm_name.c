/*
 * test_norm_name.c: table tests of names (etl/norm_name.c, norm.h, spec
 * §3): the display form, every Vietnamese letter, the match key and every
 * placement of a tone, the accent-free key, and hostile cells through them.
 */
#include "test_norm.h"

#include "norm.h"

#include <utf8proc.h>

static void names(void **state)
{
	static const struct {
		const char *in;
		size_t len; /* 0: strlen */
		int rc;
		const char *out;
		int repaired;
	} cases[] = {
		{ "Nguyễn Văn An", 0, NORM_OK, "NGUYỄN VĂN AN", 0 },
		{ "NGUYỄN VĂN AN", 0, NORM_OK, "NGUYỄN VĂN AN", 0 },
		{ "  nguyen   van  an  ", 0, NORM_OK, "NGUYEN VAN AN", 0 },
		{ "Trần\tVăn\r\nBình", 0, NORM_OK, "TRẦN VĂN BÌNH", 0 },
		{ "đặng thị đào", 0, NORM_OK, "ĐẶNG THỊ ĐÀO", 0 },
		{ "ư ơ ă â ê ô", 0, NORM_OK, "Ư Ơ Ă Â Ê Ô", 0 },
		{ "hoà thuỷ", 0, NORM_OK, "HOÀ THUỶ", 0 },
		{ "Y-Moan Êban", 0, NORM_OK, "Y-MOAN ÊBAN", 0 },
		/* NBSP and other spaces are spaces */
		{ "Nguyễn\xc2\xa0Văn\xc2\xa0"
		  "An\xc2\xa0",
		  0, NORM_OK, "NGUYỄN VĂN AN", 0 },
		{ "Lê\xe3\x80\x80Thị\xe2\x80\x83Hoa", 0, NORM_OK, "LÊ THỊ HOA",
		  0 },
		/* NFD (macOS, web forms) */
		{ "Nguye\xcc\x82\xcc\x83n Va\xcc\x86n A\xcc\x81nh", 0, NORM_OK,
		  "NGUYỄN VĂN ÁNH", 1 },
		{ "Ho\xcc\xa3\xcc\x82 To\xcc\x9b\xcc\x80", 0, NORM_OK, "HỘ TỜ",
		  1 },
		{ "tho\xcc\x9b\xcc\xa3", 0, NORM_OK, "THỢ", 1 },
		/* a tone mark before a shape mark: canonical order fixes it */
		{ "Ho\xcc\x82\xcc\xa3", 0, NORM_OK, "HỘ", 1 },
		/* invisible characters */
		{ "Ngu\xe2\x80\x8byễn", 0, NORM_OK, "NGUYỄN", 1 },
		{ "\xef\xbb\xbfLê Thị", 0, NORM_OK, "LÊ THỊ", 1 },
		{ "Lê\xc2\xad"
		  "Thị",
		  0, NORM_OK, "LÊTHỊ", 1 },
		{ "Lê\xe2\x80\x8d \xe2\x80\x8cThị", 0, NORM_OK, "LÊ THỊ", 1 },
		{ "Lê\x00Văn", 8, NORM_OK, "LÊVĂN", 1 },
		{ "L\x7f\x01"
		  "ê",
		  0, NORM_OK, "LÊ", 1 },
		/* nothing left, or not UTF-8 */
		{ "", 0, NORM_EMPTY, "", 0 },
		{ "   ", 0, NORM_EMPTY, "", 0 },
		{ "\xc2\xa0\xe2\x80\x8b", 0, NORM_EMPTY, "", 0 },
		{ "Ng\xff"
		  "uyen",
		  0, NORM_BAD, "", 0 },
		{ "Nguy\xc3", 0, NORM_BAD, "", 0 },
		{ "\xed\xa0\x80", 0, NORM_BAD, "", 0 }, /* a surrogate */
	};
	size_t i;

	(void)state;
	for (i = 0; i < N(cases); i++) {
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].in);
		size_t sizes[2] = { 4 * len + 1, 8 * len + 16 }, k;

		for (k = 0; k < 2; k++) {
			char *in = exact(cases[i].in, len);
			char *out = malloc(sizes[k]);
			unsigned flags = NF_DATE_SERIAL; /* never cleared */
			int rc;

			assert_non_null(out);
			rc = norm_name(in, len, out, sizes[k], &flags);
			if (rc != cases[i].rc || strcmp(out, cases[i].out) ||
			    flags != (NF_DATE_SERIAL |
				      (cases[i].repaired ? NF_NAME_REPAIRED
							 : 0u)))
				fail_msg("name case %zu '%s': got %d '%s' %#x",
					 i, cases[i].in, rc, out, flags);
			free(in);
			free(out);
		}
	}
}

static void name_buffer_too_small(void **state)
{
	char out[16];
	unsigned flags = 0;
	size_t sz;

	(void)state;
	for (sz = 1; sz <= 14; sz++) {
		memset(out, 'x', sizeof(out));
		assert_int_equal(norm_name("Nguyễn Văn", strlen("Nguyễn Văn"),
					   out, sz, &flags),
				 sz >= 14 ? NORM_OK : NORM_BAD);
		assert_true(memchr(out, '\0', sz) != NULL);
	}
	/* the NFC path checks the size too */
	assert_int_equal(norm_name("Ho\xcc\xa3", 4, out, 3, &flags), NORM_BAD);
	assert_int_equal(norm_name("Ho\xcc\xa3", 4, out, 5, &flags), NORM_OK);
	assert_string_equal(out, "HỌ");
	assert_int_equal(norm_name("a", 1, out, 0, &flags), NORM_BAD);
}

/* Every Vietnamese vowel, upper and lower case. */
static const char vowels_upper[] = "AÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬEÈÉẺẼẸÊỀẾỂỄỆIÌÍỈĨỊ"
				   "OÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢUÙÚỦŨỤƯỪỨỬỮỰYỲÝỶỸỴĐ";
static const char vowels_lower[] = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩị"
				   "oòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ";

static void names_every_letter(void **state)
{
	char out[512], nfd_out[512], key[512];
	utf8proc_uint8_t *nfd;
	unsigned flags = 0;

	(void)state;
	/* upper-casing by utf8proc agrees with the Vietnamese letters */
	assert_int_equal(norm_name(vowels_lower, strlen(vowels_lower), out,
				   sizeof(out), &flags),
			 NORM_OK);
	assert_string_equal(out, vowels_upper);
	assert_int_equal(flags, 0);
	/* their NFD forms compose back */
	nfd = utf8proc_NFD((const utf8proc_uint8_t *)vowels_lower);
	assert_non_null(nfd);
	assert_int_equal(norm_name((const char *)nfd, strlen((char *)nfd),
				   nfd_out, sizeof(nfd_out), &flags),
			 NORM_OK);
	free(nfd);
	assert_string_equal(nfd_out, vowels_upper);
	assert_int_equal(flags, NF_NAME_REPAIRED);
	/* too long for a syllable: copied as it is */
	name_key(vowels_upper, key, sizeof(key));
	assert_string_equal(key, vowels_upper);
	name_key_ascii(vowels_upper, key, sizeof(key));
	assert_string_equal(key, "AAAAAAAAAAAAAAAAAAEEEEEEEEEEEEIIIIII"
				 "OOOOOOOOOOOOOOOOOOUUUUUUUUUUUUYYYYYYD");
	name_key_ascii(vowels_lower, key, sizeof(key));
	assert_string_equal(key, "AAAAAAAAAAAAAAAAAAEEEEEEEEEEEEIIIIII"
				 "OOOOOOOOOOOOOOOOOOUUUUUUUUUUUUYYYYYYD");
	fold_header(vowels_upper, strlen(vowels_upper), key, sizeof(key));
	assert_string_equal(key, "aaaaaaaaaaaaaaaaaaeeeeeeeeeeeeiiiiii"
				 "oooooooooooooooooouuuuuuuuuuuuyyyyyyd");
}

/* The match key of a raw name (norm_name then name_key). */
static void key_of(const char *raw, char *key, size_t keysz)
{
	char name[256];
	unsigned flags = 0;

	assert_int_equal(
		norm_name(raw, strlen(raw), name, sizeof(name), &flags),
		NORM_OK);
	name_key(name, key, keysz);
}

static void name_keys(void **state)
{
	static const struct {
		const char *a, *b;
		int same;
	} pairs[] = {
		{ "HOÀ", "HÒA", 1 },
		{ "HOÁ", "HÓA", 1 },
		{ "HOẢ", "HỎA", 1 },
		{ "HOÃ", "HÕA", 1 },
		{ "HOẠ", "HỌA", 1 },
		{ "THUỶ", "THỦY", 1 },
		{ "THUÝ", "THÚY", 1 },
		{ "THUỴ", "THỤY", 1 },
		{ "KHOẺ", "KHỎE", 1 },
		{ "KHOÉ", "KHÓE", 1 },
		{ "TUỲ", "TÙY", 1 },
		{ "UỶ", "ỦY", 1 },
		{ "NGOÀI", "NGÒAI", 1 },
		{ "XOÁY", "XÓAY", 1 },
		{ "HUỲNH", "HÙYNH", 1 },
		{ "HOÀNG", "HÒANG", 1 },
		{ "QUÝ", "QÚY", 1 },
		{ "GIÀ", "GÌA", 1 },
		{ "NGUYỄN", "NGŨYÊN", 1 },
		{ "NGUYỄN", "NGUỸÊN", 1 },
		{ "NGƯỜI", "NGỪƠI", 1 },
		{ "THUỶ TIÊN", "THỦY TIÊN", 1 },
		{ "Nguyễn Văn Hoà", "NGUYỄN VĂN HÒA", 1 },
		{ "Khánh Hoà", "khánh hòa", 1 },
		{ "Lê Thị Thuỷ", "Lê Thị Thủy", 1 },
		{ "HOÀNG", "HOANG", 0 },
		{ "HOÀ", "HOÁ", 0 },
		{ "HOÀ", "HOA", 0 },
		{ "THUỶ", "THUÝ", 0 },
		{ "LAN", "LÂN", 0 },
		{ "THỦY", "THỤY", 0 },
		{ "TUẤN", "TUÂN", 0 },
		{ "ĐÀO", "DÀO", 0 },
	};
	static const struct {
		const char *name, *key;
	} keys[] = {
		/* the canonical placement is kept */
		{ "NGUYỄN", "NGUYỄN" },
		{ "QUỲNH", "QUỲNH" },
		{ "QUÝ", "QUÝ" },
		{ "QUỐC", "QUỐC" },
		{ "GIANG", "GIANG" },
		{ "GIẢI", "GIẢI" },
		{ "GIỮ", "GIỮ" },
		{ "GÌN", "GÌN" },
		{ "HOÀNG", "HOÀNG" },
		{ "TRƯỜNG", "TRƯỜNG" },
		{ "NGƯỜI", "NGƯỜI" },
		{ "RƯỢU", "RƯỢU" },
		{ "HUẾ", "HUẾ" },
		{ "KHUYẾN", "KHUYẾN" },
		{ "HIẾU", "HIẾU" },
		{ "TÀI", "TÀI" },
		{ "MÙA", "MÙA" },
		{ "MÍA", "MÍA" },
		{ "CỨU", "CỨU" },
		{ "THỪA", "THỪA" },
		{ "QUẢY", "QUẢY" },
		{ "NGOẸO", "NGOẸO" },
		{ "KHUỶU", "KHUỶU" },
		/* the other style is moved */
		{ "HÒA", "HOÀ" },
		{ "THỦY", "THUỶ" },
		{ "KHỎE", "KHOẺ" },
		{ "TÙY", "TUỲ" },
		{ "NGÒAI", "NGOÀI" },
		{ "QÚY", "QUÝ" },
		{ "GÌA", "GIÀ" },
		{ "NGUYỄN VĂN HÒA", "NGUYỄN VĂN HOÀ" },
		{ "hòa", "hoà" },
		/* not Vietnamese syllables: left alone */
		{ "JOHN SMITH", "JOHN SMITH" },
		{ "ÁNNA", "ÁNNA" },
		{ "HÒÀ", "HÒÀ" },
		{ "Y-MOAN ÊBAN", "Y-MOAN ÊBAN" },
		{ "NGUYỄN VĂN A2", "NGUYỄN VĂN A2" },
		{ "", "" },
	};
	char ka[256], kb[256];
	size_t i;

	(void)state;
	for (i = 0; i < N(pairs); i++) {
		key_of(pairs[i].a, ka, sizeof(ka));
		key_of(pairs[i].b, kb, sizeof(kb));
		if ((strcmp(ka, kb) == 0) != pairs[i].same)
			fail_msg("pair %zu '%s' '%s': keys '%s' '%s'", i,
				 pairs[i].a, pairs[i].b, ka, kb);
	}
	for (i = 0; i < N(keys); i++) {
		name_key(keys[i].name, ka, sizeof(ka));
		name_key(ka, kb, sizeof(kb));
		if (strcmp(ka, keys[i].key) || strcmp(kb, ka))
			fail_msg("key %zu '%s': got '%s', again '%s'", i,
				 keys[i].name, ka, kb);
	}
	/* a short buffer cuts at a character boundary */
	name_key("HÒA", ka, 4);
	assert_string_equal(ka, "HO");
	name_key("HÒA", ka, 1);
	assert_string_equal(ka, "");
}

/*
 * Every placement of one tone on a syllable gives one key, and different
 * tones give different keys: the tone is written as a combining mark
 * after each vowel in turn, and norm_name composes it.
 */
static void name_key_every_placement(void **state)
{
	static const char *const syllables[] = {
		"HOA",	  "THUY",  "KHOE",   "TUY",   "NGUYÊN", "QUYNH",
		"GIANG",  "NGƯƠI", "TRƯƠNG", "HOANG", "NGOAI",	"KHUYU",
		"QUY",	  "GIA",   "HUÊ",    "TAI",   "MUA",	"CƯU",
		"KHUYÊN", "HIÊU",  "QUAY",   "TOAN",  "GIƯƠNG", "THUÂN",
	};
	static const char *const tones[] = { "\xcc\x80", "\xcc\x81", "\xcc\x89",
					     "\xcc\x83", "\xcc\xa3" };
	size_t s, t;

	(void)state;
	for (s = 0; s < N(syllables); s++) {
		char keys[5][64];

		for (t = 0; t < N(tones); t++) {
			const char *p = syllables[s];
			int v, nv = 0;

			for (v = 0;; v++) {
				char raw[64], key[64];
				size_t len = 0, i = 0, pos = 0;
				int placed = 0;

				while (p[i]) {
					utf8proc_int32_t cp;
					utf8proc_ssize_t l = utf8proc_iterate(
						(const utf8proc_uint8_t *)p + i,
						-1, &cp);

					memcpy(raw + len, p + i, (size_t)l);
					len += (size_t)l;
					i += (size_t)l;
					if ((cp < 0x80 &&
					     strchr("AEIOUY", (int)cp)) ||
					    cp == 0x01AF || cp == 0x01A0 ||
					    cp == 0x00CA || cp == 0x00C2 ||
					    cp == 0x00D4 || cp == 0x0102) {
						if (pos++ == (size_t)v) {
							memcpy(raw + len,
							       tones[t], 2);
							len += 2;
							placed = 1;
						}
					}
				}
				raw[len] = '\0';
				if (!placed)
					break;
				nv++;
				key_of(raw, key, sizeof(key));
				if (!v)
					strcpy(keys[t], key);
				else if (strcmp(key, keys[t]))
					fail_msg("%s tone %zu on vowel %d: "
						 "'%s' != '%s'",
						 syllables[s], t, v, key,
						 keys[t]);
			}
			assert_true(nv >= 1);
		}
		for (t = 1; t < N(tones); t++)
			assert_string_not_equal(keys[t], keys[t - 1]);
	}
}

static void ascii_keys(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "NGUYỄN VĂN ĐẠT", "NGUYEN VAN DAT" },
		{ "Trần Thị Ánh", "TRAN THI ANH" },
		{ "ĐỖ THỊ HỒNG", "DO THI HONG" },
		{ "đ", "D" },
		{ "NGUYEN VAN A", "NGUYEN VAN A" },
		{ "JOSÉ MUÑOZ", "JOSE MUNOZ" },
		{ "HO\xcc\xa3", "HO" }, /* a stray combining mark */
		{ "", "" },
	};
	char out[64];
	size_t i;

	(void)state;
	for (i = 0; i < N(cases); i++) {
		name_key_ascii(cases[i].in, out, sizeof(out));
		if (strcmp(out, cases[i].out))
			fail_msg("ascii case %zu '%s': got '%s'", i,
				 cases[i].in, out);
	}
	name_key_ascii("NGUYỄN", out, 4);
	assert_string_equal(out, "NGU");
}

/* Hostile cells (test_norm.h): names and keys stay inside their buffers. */
static void names_hostile_input(void **state)
{
	uint64_t x = HOSTILE_SEED;
	size_t round, n;

	(void)state;
	for (round = 0; round < HOSTILE_ROUNDS; round++) {
		char *in = hostile_cell(round, &x, &n), *out, buf[64];
		size_t outsz = 8 * n + 16;
		unsigned flags = 0;

		out = malloc(outsz);
		assert_non_null(out);
		if (norm_name(in, n, out, outsz, &flags) == NORM_OK) {
			char *key = malloc(outsz);

			assert_non_null(key);
			assert_true(strlen(out) < outsz);
			name_key(out, key, outsz);
			assert_true(strlen(key) < outsz);
			name_key_ascii(out, key, outsz);
			assert_true(strlen(key) < outsz);
			name_key(out, key, 7);
			assert_true(strlen(key) < 7);
			free(key);
		}
		norm_name(in, n, buf, sizeof(buf), &flags);
		assert_true(strlen(buf) < sizeof(buf));
		free(out);
		free(in);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names),
		cmocka_unit_test(name_buffer_too_small),
		cmocka_unit_test(names_every_letter),
		cmocka_unit_test(name_keys),
		cmocka_unit_test(name_key_every_placement),
		cmocka_unit_test(ascii_keys),
		cmocka_unit_test(names_hostile_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
