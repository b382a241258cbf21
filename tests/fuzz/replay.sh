#!/bin/sh
# tests/fuzz/replay.sh BUILD: the committed fuzz corpora as regression
# tests.  For every target tests/fuzz/fuzz_NAME.c, BUILD/fuzz/replay_NAME
# (the target built with the normal compiler and tests/fuzz/replay.c, see
# tests/fuzz/fuzz.mk) runs every input of fixtures/fuzz/NAME/.  One line
# per target, "ok N - ..." or "not ok N - ..."; when a target fails, one
# line per input that fails, with the end of its output, and one for the
# inputs that pass.  Closes with
# "fuzz-replay: N passed, N failed".
BUILD=${1:-build}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
. tests/lib.sh

for src in tests/fuzz/fuzz_*.c; do
	name=${src#tests/fuzz/fuzz_}
	name=${name%.c}
	bin=$BUILD/fuzz/replay_$name
	dir=fixtures/fuzz/$name
	if [ ! -x "$bin" ]; then
		not_ok "$name: replay binary" "$bin is missing (make fuzz-replay builds it)"
		continue
	fi
	if [ ! -d "$dir" ] || [ -z "$(ls "$dir")" ]; then
		not_ok "$name: corpus" "$dir is missing or empty"
		continue
	fi
	if "$bin" "$dir" > "$TMP/out" 2>&1; then
		ok "$name: $(sed -n 's/^replay: \([0-9]*\) inputs$/\1/p' "$TMP/out") inputs of $dir"
		continue
	fi
	# name every input that fails
	before=$failed
	good=0
	for f in "$dir"/*; do
		if "$bin" "$f" > "$TMP/one" 2>&1; then
			good=$((good + 1))
		else
			tail -n 20 "$TMP/one" > "$TMP/tail"
			not_ok "$name: $f" "$TMP/tail"
		fi
	done
	[ "$good" -eq 0 ] || ok "$name: the $good other inputs of $dir"
	if [ "$failed" -eq "$before" ]; then
		# each input passes alone: the run as a whole failed
		tail -n 20 "$TMP/out" > "$TMP/tail"
		not_ok "$name: $dir as a whole" "$TMP/tail"
	fi
done
summary fuzz-replay
