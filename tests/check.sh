#!/bin/sh
# check.sh BUILD TEST...: every test suite of `make check` in turn: cmocka
# unit tests, end-to-end tests of the binary, integration tests against a
# throwaway PostgreSQL.  Ends with one line "N passed, N failed".
# SUITES="unit e2e ..." in the environment runs only the suites named.
BUILD=$1
shift
passed=0
failed=0
tally() {
	# the suite's closing "N passed, N failed" line
	line=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$1" | tail -n 1)
	p=$(printf '%s' "$line" | sed -E 's/^(.*[^0-9])?([0-9]+) passed.*/\2/')
	f=$(printf '%s' "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
	if [ -z "$line" ]; then
		echo "check: suite $2 printed no summary: counted as failed"
		p=0
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
}
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# suite NAME TITLE COMMAND...: run one suite, show it, count it
suite() {
	name=$1
	case " ${SUITES:-$name} " in *" $name "*) ;; *) return 0 ;; esac
	echo "== $2"
	shift 2
	"$@" > "$log" 2>&1
	cat "$log"
	tally "$log" "$name"
}
suite unit "unit tests" sh tests/run-unit.sh "$@"
suite e2e "end-to-end tests" sh tests/e2e/run.sh "$BUILD"
suite bad "hostile inputs" sh tests/e2e/bad.sh "$BUILD"
suite encodings "one roster in every encoding" sh tests/e2e/encodings.sh "$BUILD"
suite workbooks "workbooks and forms in" sh tests/e2e/workbooks.sh "$BUILD"
suite options "each command owns its options" sh tests/e2e/options.sh "$BUILD"
suite inspect "doisoat inspect shows what a run would read" sh tests/e2e/inspect.sh "$BUILD"
suite communes "communes by date (2025 reform)" sh tests/e2e/communes.sh "$BUILD"
suite xlsx "lists/*.xlsx workbooks" sh tests/xlsx/check.sh "$BUILD"
suite tonghop "the district summary workbook" sh tests/xlsx/tonghop.sh "$BUILD"
suite xlsxout "the streaming xlsx writer read back" sh tests/xlsx/xlsxout.sh "$BUILD"
suite partition "run --partition I/N and merge: the union is the single run" sh tests/e2e/partition.sh "$BUILD"
suite spill "run --memory-limit: partitions of people, the run in memory's outputs" sh tests/e2e/spill.sh "$BUILD"
suite install "make install into a temporary DESTDIR" sh tests/e2e/install.sh "$BUILD"
suite fuzz "fuzz corpora replayed" sh tests/fuzz/replay.sh "$BUILD"
suite pg "PostgreSQL integration tests" sh tests/pg/run.sh "$BUILD"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
