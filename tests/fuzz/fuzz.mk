# tests/fuzz/fuzz.mk: the fuzz targets of tests/fuzz/, included by the top
# Makefile (it uses its ALL_CFLAGS, LIBS, BUILD and LIB_SRC).
#
# Every tests/fuzz/fuzz_NAME.c is a target: it defines
# LLVMFuzzerTestOneInput, and its corpus is fixtures/fuzz/NAME/.  Adding a
# target is adding that one file (and its seed corpus folder).
#
#   make fuzz            each target for FUZZ_SECONDS (default 60), clang
#                        with libFuzzer, ASan and UBSan, built in build-fuzz/;
#                        new inputs go to build-fuzz/corpus/NAME/, crashes to
#                        build-fuzz/artifacts/NAME/, never to fixtures/
#   make fuzz-NAME       one target (FUZZ_FLAGS adds libFuzzer options)
#   make fuzz-replay     the committed corpora replayed through the normal
#                        build (no clang needed): tests/fuzz/replay.sh
#
# To add what a run found to the committed corpus, minimised:
#   build-fuzz/fuzz_NAME -merge=1 fixtures/fuzz/NAME build-fuzz/corpus/NAME

FUZZ_CC      ?= clang
FUZZ_BUILD   := build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_FLAGS   ?=
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all \
                -fno-omit-frame-pointer
FUZZ_CFLAGS  := -O1 -g $(FUZZ_SAN)
FUZZ_SRC     := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_NAMES   := $(FUZZ_SRC:tests/fuzz/fuzz_%.c=%)
FUZZ_BINS    := $(FUZZ_NAMES:%=$(FUZZ_BUILD)/fuzz_%)
FUZZ_LIB_OBJ := $(LIB_SRC:etl/%.c=$(FUZZ_BUILD)/etl/%.o) \
                $(FUZZ_BUILD)/refdata.o
REPLAY_BINS  := $(FUZZ_NAMES:%=$(BUILD)/fuzz/replay_%)

.PHONY: fuzz fuzz-replay fuzz-build fuzz-clean $(FUZZ_NAMES:%=fuzz-%)

fuzz: $(FUZZ_BINS) ## run every fuzz target for FUZZ_SECONDS (clang, libFuzzer)
	@failed=; for t in $(FUZZ_NAMES); do \
	  $(MAKE) --no-print-directory fuzz-$$t || failed="$$failed $$t"; \
	done; \
	if [ -n "$$failed" ]; then echo "fuzz: failed:$$failed"; exit 1; fi

$(FUZZ_NAMES:%=fuzz-%): fuzz-%: $(FUZZ_BUILD)/fuzz_%
	@mkdir -p $(FUZZ_BUILD)/corpus/$* $(FUZZ_BUILD)/artifacts/$*
	$(FUZZ_BUILD)/fuzz_$* -max_total_time=$(FUZZ_SECONDS) -timeout=10 \
	  -rss_limit_mb=2048 -print_final_stats=1 \
	  -artifact_prefix=$(FUZZ_BUILD)/artifacts/$*/ \
	  $(if $(wildcard tests/fuzz/$*.dict),-dict=tests/fuzz/$*.dict) \
	  $(FUZZ_FLAGS) $(FUZZ_BUILD)/corpus/$* fixtures/fuzz/$*

fuzz-build: $(FUZZ_BINS) ## build the libFuzzer targets into build-fuzz/

fuzz-replay: $(REPLAY_BINS) ## replay the committed fuzz corpora as regression tests
	@sh tests/fuzz/replay.sh $(BUILD)

# The library again, instrumented for libFuzzer (linked in by the targets).
# -Wno-error: gcc's -Werror build is the gate; a warning only clang gives
# must not stop fuzzing.
$(FUZZ_BUILD)/etl/%.o: etl/%.c etl/*.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(ALL_CFLAGS) $(FUZZ_CFLAGS) -Wno-error \
	  -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_BUILD)/refdata.o: $(BUILD)/refdata.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(ALL_CFLAGS) $(FUZZ_CFLAGS) -c -o $@ $<

$(FUZZ_BUILD)/libetl.a: $(FUZZ_LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h etl/*.h \
		      $(FUZZ_BUILD)/libetl.a
	$(FUZZ_CC) $(ALL_CFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< \
	  $(FUZZ_BUILD)/libetl.a $(LIBS)

# The same targets with the normal compiler, driven by replay.c.
$(BUILD)/fuzz/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c \
			tests/fuzz/fuzz.h $(BUILD)/libetl.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ tests/fuzz/replay.c $< \
	  $(BUILD)/libetl.a $(LIBS)

fuzz-clean: ## remove build-fuzz/ (the fuzz builds, found inputs, crashes)
	rm -rf $(FUZZ_BUILD)
