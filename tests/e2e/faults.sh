#!/bin/sh
# tests/e2e/faults.sh BUILD: an output folder is whole or untouched (issue
# 9).  A run of the Càng Long fixture (set A) is in the folder; a run with
# other options (set B, --as-of) is killed (SIGKILL or SIGTERM) after a
# random delay (fixed seed) spread over its whole length.  After each kill:
#   - a reader who sees summary.json and no .doisoat-commit sees exactly
#     set A or set B (sha256 of every file, summary.json's "files" true);
#   - after outdir_recover (BUILD/tests/test_outdir recover DIR) the folder
#     is exactly A or B, nothing of doisoat's hidden (staging, commit,
#     temporary files) left; after a SIGTERM nothing is left even before;
#   - the next run succeeds and leaves exactly B.
# Then a full disk (a small tmpfs, when root may mount one): the run fails
# with exit 1 and a clear message, the old outputs stay, nothing is left.
# One line per test, "ok N - name" or "not ok N - name", then
# "faults: N passed, N failed".
BUILD=${1:-build}
BIN=$BUILD/doisoat
TOOL=$BUILD/tests/test_outdir
ITER=${FAULTS_ITER:-10}
TMP=$(mktemp -d)
FULL=$TMP/full
cleanup() {
	mountpoint -q "$FULL" 2>/dev/null && umount "$FULL"
	rm -rf "$TMP"
}
trap cleanup EXIT
. tests/lib.sh
export DOISOAT_THREADS=1

# args FIXTURE: its input options as positional parameters, in $TMP/args
"$BUILD/gen-fixture" --out "$TMP/cl" --scale 1 > /dev/null 2>&1 ||
	not_ok "the Càng Long fixture generator runs"
sh etl/sh/fixture-args.sh "$TMP/cl" > "$TMP/cl.args"
sh etl/sh/fixture-args.sh fixtures/small > "$TMP/small.args"

# run ARGS OUT [OPTION...]: doisoat run on the inputs listed in ARGS;
# exec_run: the same, in place of the calling (sub)shell
exec_run() {
	args=$1
	out=$2
	shift 2
	while IFS= read -r a; do set -- "$@" "$a"; done < "$args"
	exec "$BIN" run --period 2024 --today 2024-06-30 --no-db --quiet \
		--out "$out" "$@"
}
run() {
	(exec_run "$@")
}

# sums DIR: "sha256  name" of every visible file but summary.json, the
# workbooks in lists/ as lists/<name>; "lists/ MODE" for that folder
sums() {
	(cd "$1" && for f in $(LC_ALL=C ls); do
		if [ "$f" = lists ] && [ -d lists ] && [ ! -L lists ]; then
			echo "lists/ $(stat -c %a lists)"
			for w in $(LC_ALL=C ls lists); do sha256sum "lists/$w"; done
		elif [ "$f" != summary.json ]; then
			sha256sum "$f"
		fi
	done)
}

# hidden DIR: what doisoat may leave hidden in DIR (and in DIR/lists)
hidden() {
	(cd "$1" && { LC_ALL=C ls -A; [ -d lists ] && LC_ALL=C ls -A lists; } |
		grep -E '^\.doisoat-|\.tmp$')
}

# state DIR: "A" or "B" when DIR holds exactly that set and its
# summary.json's "files" are true, else "mixed" (details in $TMP/why)
state() {
	sums "$1" > "$TMP/sums"
	if ! "$TOOL" verify "$1" > "$TMP/why" 2>&1; then
		echo mixed
	elif cmp -s "$TMP/sums" "$TMP/A.sums"; then
		echo A
	elif cmp -s "$TMP/sums" "$TMP/B.sums"; then
		echo B
	else
		diff "$TMP/A.sums" "$TMP/sums" > "$TMP/why"
		echo mixed
	fi
}

run "$TMP/cl.args" "$TMP/A" 2> "$TMP/err" || not_ok "run A" "$TMP/err"
t0=$(date +%s%N)
run "$TMP/cl.args" "$TMP/B" --as-of 2024-03-01 2> "$TMP/err" ||
	not_ok "run B" "$TMP/err"
ms=$((($(date +%s%N) - t0) / 1000000))
sums "$TMP/A" > "$TMP/A.sums"
sums "$TMP/B" > "$TMP/B.sums"
grep ' lists/' "$TMP/B.sums" > "$TMP/B.sums.lists"
# both sets hold workbooks in lists/ (some differing), none at the top
if [ -s "$TMP/A.sums" ] && ! cmp -s "$TMP/A.sums" "$TMP/B.sums" &&
	[ "$(state "$TMP/A")" = A ] && [ "$(state "$TMP/B")" = B ] &&
	grep -q '^lists/ 700$' "$TMP/A.sums" &&
	grep -q ' lists/tong-hop\.xlsx$' "$TMP/A.sums" &&
	grep -q ' lists/tong-hop\.xlsx$' "$TMP/B.sums" &&
	[ "$(grep -c ' lists/' "$TMP/A.sums")" -gt 1 ] &&
	! grep ' lists/' "$TMP/A.sums" | cmp -s - "$TMP/B.sums.lists" 2> /dev/null &&
	! grep -q ' lists-' "$TMP/A.sums"; then
	ok "sets A and B differ and each is whole ($(wc -l < "$TMP/A.sums") files, $(grep -c ' lists/' "$TMP/A.sums") workbooks in lists/, run B $ms ms)"
else
	not_ok "sets A and B differ and each is whole" "$TMP/why"
fi

# delays: 0 to 1.2 times run B's length, fixed seed
awk -v n="$ITER" -v ms="$ms" 'BEGIN { srand(9); for (i = 0; i < n; i++)
	printf "%d %s\n", rand() * ms * 1.2, i % 2 ? "TERM" : "KILL" }' \
	> "$TMP/plan"
W=$TMP/w
while read -r delay sig; do
	name="kill -$sig after $delay ms"
	rm -rf "$W"
	cp -rp "$TMP/A" "$W"
	# exec: $! is doisoat itself, not a subshell around it
	(exec_run "$TMP/cl.args" "$W" --as-of 2024-03-01 2> /dev/null) &
	pid=$!
	sleep "$(awk -v d="$delay" 'BEGIN { printf "%.3f", d / 1000 }')"
	kill -"$sig" "$pid" 2> /dev/null
	wait "$pid"
	rc=$?
	why=""
	# a reader that does not recover
	if [ -f "$W/summary.json" ] && [ ! -e "$W/.doisoat-commit" ]; then
		st=$(state "$W")
		[ "$st" = mixed ] && why="before recovery: $(cat "$TMP/why")"
	fi
	if [ "$sig" = TERM ] && [ -n "$(hidden "$W")" ]; then
		why="$why; SIGTERM left: $(hidden "$W" | tr '\n' ' ')"
	fi
	if ! "$TOOL" recover "$W" > "$TMP/rec" 2>&1; then
		why="$why; recover: $(cat "$TMP/rec")"
	fi
	st=$(state "$W")
	[ "$st" = mixed ] && why="$why; after recovery: $(cat "$TMP/why")"
	[ -n "$(hidden "$W")" ] &&
		why="$why; left: $(hidden "$W" | tr '\n' ' ')"
	if ! run "$TMP/cl.args" "$W" --as-of 2024-03-01 2> "$TMP/err"; then
		why="$why; the next run failed: $(cat "$TMP/err")"
	elif [ "$(state "$W")" != B ] || [ -n "$(hidden "$W")" ]; then
		why="$why; the next run did not leave set B alone"
	fi
	if [ -z "$why" ]; then
		ok "$name (exit $rc): set $st, whole; the next run succeeds"
	else
		not_ok "$name (exit $rc)" "$why"
	fi
done < "$TMP/plan"

# --- a full disk -----------------------------------------------------------
mkdir -p "$FULL"
if [ "$(id -u)" != 0 ]; then
	echo "# skip: a full disk needs root to mount a small tmpfs"
	ok "a full disk (skipped)"
elif ! mount -t tmpfs -o size=1m,mode=0700 tmpfs "$FULL" 2> "$TMP/err"; then
	echo "# skip: cannot mount a tmpfs: $(head -n 1 "$TMP/err")"
	ok "a full disk (skipped)"
else
	run "$TMP/small.args" "$FULL/out" 2> /dev/null
	sums "$FULL/out" > "$TMP/small.sums"
	cp "$FULL/out/summary.json" "$TMP/small.summary"
	run "$TMP/cl.args" "$FULL/out" 2> "$TMP/err"
	rc=$?
	sums "$FULL/out" > "$TMP/sums"
	if [ $rc = 1 ] && grep -q 'No space left on device' "$TMP/err" &&
		cmp -s "$TMP/sums" "$TMP/small.sums" &&
		cmp -s "$FULL/out/summary.json" "$TMP/small.summary" &&
		[ -z "$(hidden "$FULL/out")" ]; then
		ok "a full disk: exit 1, a clear message, the old outputs untouched, nothing left"
	else
		{
			echo "exit $rc"
			cat "$TMP/err"
			diff "$TMP/small.sums" "$TMP/sums"
			hidden "$FULL/out"
		} > "$TMP/why" 2>&1
		not_ok "a full disk: exit 1, a clear message, the old outputs untouched, nothing left" "$TMP/why"
	fi
fi

summary faults
