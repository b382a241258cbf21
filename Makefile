# doisoat: build, demo, tests and benchmarks.  `make help` lists the targets.
#
# One binary (build/doisoat) = etl/doisoat.c + etl/cmd/*.c + build/libetl.a.
# Unit tests link libetl.a, never the binary.

CC      ?= cc
PKGS    := libpq zlib libxxhash libutf8proc xlsxwriter
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -Wpointer-arith -Wvla -Wformat=2 -Wundef \
           -fno-common
CFLAGS  ?= -O2 -g
BUILD   ?= build
ifdef SANITIZE
CFLAGS  := -O1 -g -fsanitize=$(SANITIZE) -fno-sanitize-recover=all \
           -fno-omit-frame-pointer
LDFLAGS += -fsanitize=$(SANITIZE)
BUILD   := build-asan
endif
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -pthread $(WARN) $(CFLAGS) -Ietl \
             $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LIBS     = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcsv -lm -pthread

LIB_SRC  := $(filter-out etl/doisoat.c,$(wildcard etl/*.c))
CMD_SRC  := etl/doisoat.c $(wildcard etl/cmd/*.c)
LIB_OBJ  := $(LIB_SRC:etl/%.c=$(BUILD)/etl/%.o) $(BUILD)/refdata.o
CMD_OBJ  := $(CMD_SRC:etl/%.c=$(BUILD)/etl/%.o)
TESTS    := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test_*.c))
REFDATA  := etl/data/groups.csv etl/data/communes.csv

.PHONY: all help deps demo check test test-unit test-e2e test-xlsx test-pg bench \
        fixtures fmt lint clean

all: $(BUILD)/doisoat $(BUILD)/gen-fixture ## build the binary and the fixture generator

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | \
	  awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

deps: ## install the Debian packages doisoat needs (as root; no-op when present)
	@sh etl/sh/deps.sh

$(BUILD)/doisoat: $(CMD_OBJ) $(BUILD)/libetl.a
	$(CC) $(LDFLAGS) -o $@ $(CMD_OBJ) $(BUILD)/libetl.a $(LIBS)

$(BUILD)/libetl.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/etl/%.o: etl/%.c etl/*.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The shipped reference tables are compiled in, so the binary runs anywhere.
$(BUILD)/refdata.c: $(REFDATA) etl/sh/embed.sh
	@mkdir -p $(BUILD)
	sh etl/sh/embed.sh $(REFDATA) > $@

$(BUILD)/refdata.o: $(BUILD)/refdata.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libetl.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(shell pkg-config --cflags cmocka) $(LDFLAGS) -o $@ $< \
	  $(BUILD)/libetl.a $(LIBS) $(shell pkg-config --libs cmocka)

$(BUILD)/gen-fixture: fixtures/gen-fixture.c
	@mkdir -p $(BUILD)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(shell pkg-config --libs zlib 2>/dev/null) -lm

fixtures: $(BUILD)/gen-fixture ## write the Càng Long fixture to fixtures/canglong/
	$(BUILD)/gen-fixture --out fixtures/canglong

demo: deps ## build, start a private PostgreSQL if none is configured, run on Càng Long, show coverage
	@$(MAKE) --no-print-directory all
	@sh etl/sh/demo.sh

test-unit: $(TESTS) ## cmocka unit tests
	@sh tests/run-unit.sh $(TESTS)

test-e2e: all ## end-to-end tests of the real binary on the fixtures
	@sh tests/e2e/run.sh $(BUILD)
	@sh tests/e2e/bad.sh $(BUILD)
	@sh tests/e2e/encodings.sh $(BUILD)

test-xlsx: all ## read the D02-LT workbook back; render it to PDF when LibreOffice is there
	@sh tests/xlsx/check.sh $(BUILD)

test-pg: all ## integration tests against a real (private) PostgreSQL
	@sh tests/pg/run.sh $(BUILD)

test: test-unit test-e2e test-xlsx ## tests that need no database

check: deps ## install what is missing, build, run every test; ends with "N passed, N failed"
	@$(MAKE) --no-print-directory all $(TESTS)
	@sh tests/check.sh $(BUILD) $(TESTS)

bench: all ## benchmarks (time and memory; see README)
	@sh tests/bench.sh $(BUILD)

fmt: ## reformat the C sources with clang-format
	clang-format -i etl/*.[ch] etl/cmd/*.c tests/unit/*.c fixtures/*.c

lint: ## cppcheck over the sources
	cppcheck --std=c11 --enable=warning,performance,portability --inline-suppr \
	  --error-exitcode=1 -q --suppress=missingIncludeSystem etl/

clean: ## remove build outputs
	rm -rf build build-asan out

include tests/fuzz/fuzz.mk
