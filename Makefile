# doisoat: build, demo, tests and benchmarks.  `make help` lists the targets.
#
# One binary (build/doisoat) = etl/doisoat.c + etl/cmd/*.c + build/libetl.a.
# Unit tests link libetl.a, never the binary.

CC      ?= cc
PKGS    := libpq libcrypto zlib libxxhash libutf8proc minizip expat freexl
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
LIB_OBJ  := $(LIB_SRC:etl/%.c=$(BUILD)/etl/%.o) $(BUILD)/refdata.o \
            $(BUILD)/schemas.o
CMD_OBJ  := $(CMD_SRC:etl/%.c=$(BUILD)/etl/%.o)
TESTS    := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test_*.c))
REFDATA  := etl/data/groups.csv etl/data/group-names.csv \
            etl/data/communes.csv \
            etl/data/commune-map-2025.csv \
            etl/data/contributions.csv
# The numbered migrations (not current.sql, which is for reading).
SCHEMAS  := $(sort $(wildcard schemas/[0-9]*.sql))

.PHONY: all help deps demo check test test-unit test-e2e test-xlsx test-pg bench \
        fixtures fixtures-xlsx fixtures-xls golden fmt lint clean install uninstall test-install \
        test-faults check-sanitize

# make install: where the files go ($(DESTDIR) in front of each, for
# packaging and the install test).
PREFIX  ?= /usr/local
BINDIR   = $(PREFIX)/bin
MANDIR   = $(PREFIX)/share/man
DOCDIR   = $(PREFIX)/share/doc/doisoat
DATADIR  = $(PREFIX)/share/doisoat
INSTALL ?= install
DOCS_MD := $(wildcard docs/*.md)
UNITS   := etl/systemd/doisoat.service etl/systemd/doisoat.timer

all: $(BUILD)/doisoat $(BUILD)/gen-fixture $(BUILD)/gen-xlsx ## build the binary and the fixture generators

help: ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | \
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

# So are the schema migrations: doisoat db migrate and load need no
# schemas/ folder (--schemas DIR or $$DOISOAT_SCHEMAS still name one).
$(BUILD)/schemas.c: $(SCHEMAS) etl/sh/embed.sh
	@mkdir -p $(BUILD)
	sh etl/sh/embed.sh --index schema_files $(SCHEMAS) > $@

$(BUILD)/schemas.o: $(BUILD)/schemas.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c tests/unit/testkit.h $(BUILD)/libetl.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(shell pkg-config --cflags cmocka) $(LDFLAGS) -o $@ $< \
	  $(BUILD)/libetl.a $(LIBS) $(shell pkg-config --libs cmocka)

$(BUILD)/gen-fixture: fixtures/gen-fixture.c
	@mkdir -p $(BUILD)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(shell pkg-config --libs zlib 2>/dev/null) -lm

$(BUILD)/gen-xlsx: fixtures/gen-xlsx.c
	@mkdir -p $(BUILD)
	$(CC) $(ALL_CFLAGS) $(shell pkg-config --cflags xlsxwriter 2>/dev/null) $(LDFLAGS) -o $@ $< $(shell pkg-config --libs xlsxwriter 2>/dev/null) -lcsv

fixtures: $(BUILD)/gen-fixture ## write the Càng Long fixture to fixtures/canglong/
	$(BUILD)/gen-fixture --out fixtures/canglong

fixtures-xlsx: $(BUILD)/gen-xlsx ## rewrite fixtures/xlsx/ (the small fixture as workbooks)
	$(BUILD)/gen-xlsx --small fixtures/small --out fixtures/xlsx

fixtures-xls: ## rewrite fixtures/xls/ (needs Debian's python3-xlwt)
	/usr/bin/python3 fixtures/gen-xls.py fixtures/small fixtures/xls

demo: deps ## build, start a private PostgreSQL if none is configured, run on Càng Long, show coverage
	@$(MAKE) --no-print-directory all
	@sh etl/sh/demo.sh

test-unit: $(TESTS) ## cmocka unit tests
	@sh tests/run-unit.sh $(TESTS)

test-e2e: all ## end-to-end tests of the real binary on the fixtures
	@sh tests/e2e/run.sh $(BUILD)
	@sh tests/e2e/bad.sh $(BUILD)
	@sh tests/e2e/encodings.sh $(BUILD)
	@sh tests/e2e/options.sh $(BUILD)

test-install: all ## make install into a temporary DESTDIR; run the installed doisoat, man doisoat
	@sh tests/e2e/install.sh $(BUILD)

golden: all ## rewrite the goldens: the small fixture's lists, Càng Long's checksums (review the diff!)
	@UPDATE=1 sh tests/e2e/run.sh $(BUILD)

test-xlsx: all $(BUILD)/tests/test_sheetrows ## read the lists/*.xlsx workbooks back; render two to PDF when LibreOffice is there
	@sh tests/xlsx/check.sh $(BUILD)
	@sh tests/xlsx/tonghop.sh $(BUILD)

test-faults: all $(BUILD)/tests/test_outdir ## kill runs at random points, fill the disk: the output folder stays whole
	@sh tests/e2e/faults.sh $(BUILD)

test-pg: all ## integration tests against a real (private) PostgreSQL
	@sh tests/pg/run.sh $(BUILD)

test: test-unit test-e2e test-xlsx ## tests that need no database

check: deps ## install what is missing, build, run every test; ends with "N passed, N failed"
	@$(MAKE) --no-print-directory all $(TESTS) $(REPLAY_BINS)
	@sh tests/check.sh $(BUILD) $(TESTS)

# The suites that need no database, built with ASan+UBSan (LeakSanitizer
# on): .ci/run runs them after make check.
SANITIZED_SUITES := unit e2e bad encodings workbooks options inspect communes spill fuzz
check-sanitize: deps ## unit, end-to-end and fuzz-replay suites under ASan+UBSan
	@$(MAKE) --no-print-directory SANITIZE=address,undefined \
	  all $(TESTS:build/%=build-asan/%) $(REPLAY_BINS:build/%=build-asan/%)
	@SUITES="$(SANITIZED_SUITES)" sh tests/check.sh build-asan \
	  $(TESTS:build/%=build-asan/%)

bench: all $(BUILD)/tests/test_xlsxin ## benchmarks (time and memory; see README)
	@sh tests/bench.sh $(BUILD)

fmt: ## reformat the C sources with clang-format
	clang-format -i etl/*.[ch] etl/cmd/*.c tests/unit/*.c fixtures/*.c

lint: ## cppcheck over the sources
	cppcheck --std=c11 --enable=warning,performance,portability --inline-suppr \
	  --error-exitcode=1 -q --suppress=missingIncludeSystem etl/

# doisoat.1 and the example service name /usr/local, the default PREFIX:
# the installed copies name PREFIX.
install: $(BUILD)/doisoat ## install binary, man page, docs, schemas, example systemd units (PREFIX, DESTDIR)
	@mkdir -p $(BUILD)/install
	sed 's|/usr/local/|$(PREFIX)/|g' doisoat.1 > $(BUILD)/install/doisoat.1
	sed 's|/usr/local/bin/|$(BINDIR)/|g' etl/systemd/doisoat.service \
	  > $(BUILD)/install/doisoat.service
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
	  $(DESTDIR)$(DOCDIR)/docs $(DESTDIR)$(DOCDIR)/examples \
	  $(DESTDIR)$(DATADIR)/schemas
	$(INSTALL) -m 755 $(BUILD)/doisoat $(DESTDIR)$(BINDIR)/doisoat
	$(INSTALL) -m 644 $(BUILD)/install/doisoat.1 $(DESTDIR)$(MANDIR)/man1/doisoat.1
	$(INSTALL) -m 644 README.md $(DESTDIR)$(DOCDIR)/README.md
	$(INSTALL) -m 644 $(DOCS_MD) $(DESTDIR)$(DOCDIR)/docs/
	$(INSTALL) -m 644 $(BUILD)/install/doisoat.service etl/systemd/doisoat.timer \
	  $(DESTDIR)$(DOCDIR)/examples/
	$(INSTALL) -m 644 schemas/*.sql $(DESTDIR)$(DATADIR)/schemas/

uninstall: ## remove what make install put (same PREFIX, DESTDIR)
	rm -f $(DESTDIR)$(BINDIR)/doisoat $(DESTDIR)$(MANDIR)/man1/doisoat.1 \
	  $(DESTDIR)$(DOCDIR)/README.md \
	  $(addprefix $(DESTDIR)$(DOCDIR)/,$(DOCS_MD)) \
	  $(addprefix $(DESTDIR)$(DOCDIR)/examples/,$(notdir $(UNITS))) \
	  $(addprefix $(DESTDIR)$(DATADIR)/,$(wildcard schemas/*.sql))
	@for d in $(DESTDIR)$(DOCDIR)/docs $(DESTDIR)$(DOCDIR)/examples \
	  $(DESTDIR)$(DOCDIR) $(DESTDIR)$(DATADIR)/schemas $(DESTDIR)$(DATADIR); do \
	  if [ -d "$$d" ]; then rmdir "$$d" || exit 1; fi; done

clean: ## remove build outputs
	rm -rf build build-asan out

include tests/fuzz/fuzz.mk
