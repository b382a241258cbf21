#!/bin/sh
# tests/e2e/options.sh BUILD: each command owns its options.  -h and
# --help print that command's usage (stdout, exit 0) wherever they stand;
# an option the command does not take exits 2 and names itself; --config
# FILE's options come first and the command line wins; a config run frees
# what it read (LeakSanitizer, or valgrind).  One line per test, then "N passed, N
# failed".
BUILD=${1:-build}
BIN=$BUILD/doisoat
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
. tests/lib.sh

COMMANDS="run ingest normalise dedup diff report load db inspect merge"

# --- help ----------------------------------------------------------------
for c in $COMMANDS; do
	for h in -h --help; do
		"$BIN" $c $h > "$TMP/out" 2> "$TMP/err"
		rc=$?
		if [ $rc -eq 0 ] && head -n 1 "$TMP/out" | grep -q "^usage: doisoat $c" &&
			[ ! -s "$TMP/err" ]; then
			ok "$c $h prints the usage of $c (exit 0)"
		else
			not_ok "$c $h prints the usage of $c (exit 0, got $rc)" "$TMP/out"
		fi
	done
done

# help_of CMD ARGS...: CMD ARGS prints CMD's usage on stdout and exits 0
help_of() {
	want=$1
	shift
	"$BIN" "$@" > "$TMP/out" 2> "$TMP/err" < /dev/null
	rc=$?
	if [ $rc -eq 0 ] && head -n 1 "$TMP/out" | grep -q "^usage: doisoat $want"; then
		ok "$* prints the usage of $want"
	else
		cat "$TMP/err" >> "$TMP/out"
		not_ok "$* prints the usage of $want (exit $rc)" "$TMP/out"
	fi
}
help_of ingest ingest --prior x --help
help_of ingest ingest --prior x -h
help_of dedup dedup --out "$TMP/never" --help
help_of normalise normalise --today 2024-06-30 in.tsv -h
help_of report report --out "$TMP/never" --period 2024 --help
help_of diff diff --period 2024 --help
help_of run run --period 2024 --no-db --help
help_of load load --out "$TMP/never" --help
help_of db db migrate --help
help_of db db --help
# before a bad value or an option it does not take: still the usage
help_of run run --period notayear --help
help_of dedup dedup --table --help
[ ! -e "$TMP/never" ] && ok "--help does no work" || not_ok "--help does no work"

# --- options a command does not take ----------------------------------------
# refused CMD OPTION ARGS...: exit 2, "doisoat CMD: unrecognized option
# 'OPTION'" and "Try 'doisoat CMD --help'." on stderr, nothing on stdout
refused() {
	cmd=$1
	opt=$2
	shift 2
	"$BIN" $cmd "$@" > "$TMP/out" 2> "$TMP/err" < /dev/null
	rc=$?
	if [ $rc -eq 2 ] && [ ! -s "$TMP/out" ] &&
		grep -qF "doisoat $cmd: unrecognized option '$opt" "$TMP/err" &&
		grep -qF "Try 'doisoat $cmd --help'." "$TMP/err"; then
		ok "$cmd $* exits 2: $cmd does not take $opt"
	else
		echo "exit $rc" >> "$TMP/err"
		not_ok "$cmd $* exits 2: $cmd does not take $opt" "$TMP/err"
	fi
}
refused dedup --table --table
refused dedup --no-db --no-db
refused dedup --db --db host=x
refused dedup --roster --roster foo.csv
refused dedup --period --period 2024
refused ingest --period --prior fixtures/small/cards_2023.csv --period 2024
refused ingest --groups --prior fixtures/small/cards_2023.csv --groups g.csv
refused ingest --today --prior fixtures/small/cards_2023.csv --today 2024-06-30
refused normalise --period --period 2024
refused normalise --areas --areas a.csv
refused normalise --prior --prior x.csv
refused diff --today --period 2024 --today 2024-06-30
refused diff --rejects --period 2024 --rejects r.tsv
refused diff --max-rejects --period 2024 --max-rejects 3
refused report --areas --out "$TMP/r" --areas a.csv
refused report --scope --out "$TMP/r" --scope s.csv
refused report --db --out "$TMP/r" --db host=x
refused run --rejects --rejects r.tsv
refused load --period --out "$TMP/r" --period 2024
refused load --no-db --out "$TMP/r" --no-db
refused db --out migrate --out "$TMP/r"
refused db --keep-raw migrate --keep-raw
refused dedup --config --config x.ini
[ ! -e "$TMP/r" ] && ok "a refused option does no work" ||
	not_ok "a refused option does no work"

# usage_err NAME WORDS CMD...: exit 2 and WORDS on stderr
usage_err() {
	name=$1
	words=$2
	shift 2
	"$BIN" "$@" > "$TMP/out" 2> "$TMP/err" < /dev/null
	rc=$?
	if [ $rc -eq 2 ] && grep -qF "$words" "$TMP/err"; then
		ok "$name"
	else
		echo "exit $rc" >> "$TMP/err"
		not_ok "$name" "$TMP/err"
	fi
}
usage_err "an argument run does not take exits 2" "doisoat run: unexpected argument 'extra'" \
	run --period 2024 --no-db --out "$TMP/r" --prior a --registry b extra
usage_err "a bad --period exits 2" "doisoat diff: bad --period '18'" diff --period 18
usage_err "a bad date exits 2" "doisoat normalise: --today: '2024-13-01' is not a date" \
	normalise --today 2024-13-01
usage_err "a bad --encoding exits 2" "doisoat ingest: unknown encoding 'latin-9'" \
	ingest --encoding latin-9 --prior x
usage_err "an option without its value exits 2" "doisoat dedup: option '--out' requires an argument" \
	dedup --out
usage_err "--encoding after the last file exits 2 and says where it goes" \
	"doisoat run: --encoding tcvn3 comes after the last input file and applies to none: give it before the file it is for (--encoding tcvn3 --roster FILE)" \
	run --period 2024 --no-db --out "$TMP/r" --prior a --registry b --roster c --encoding tcvn3
usage_err "a per-file default on a --prior file exits 2" \
	"doisoat run: 'a,commune=29266': a default commune or group is for a --roster file only" \
	run --period 2024 --no-db --out "$TMP/r" --prior a,commune=29266 --registry b
usage_err "an empty per-file default exits 2" "doisoat ingest: 'c=C,group=': group= needs a value" \
	ingest --roster c=C,group=
usage_err "a per-file default given twice exits 2" \
	"doisoat ingest: 'c,commune=1,commune=2': commune= given twice" \
	ingest --roster c,commune=1,commune=2
# a run that cannot reach a database nobody named suggests --no-db
env -i PATH="$PATH" HOME="$TMP" "$BIN" run --period 2024 \
	--prior fixtures/small/cards_2023.csv --registry fixtures/small/registry.csv \
	--out "$TMP/nodb" > "$TMP/out" 2> "$TMP/err"
rc=$?
[ $rc -eq 1 ] && grep -q "^No database was named (--db, the \[load\] section's db, \$DOISOAT_DB or the PG\* variables): to write the lists without loading them, add --no-db$" "$TMP/err" &&
	ok "a run with no database named that cannot connect suggests --no-db (exit 1)" ||
	not_ok "a run with no database named that cannot connect suggests --no-db (exit 1, got $rc)" "$TMP/err"
# a run on a terminal shows where it is; a run logged to a file does not
sh etl/sh/fixture-args.sh fixtures/small | tr '\n' ' ' > "$TMP/fxargs"
script -qec "$BIN run --period 2024 --today 2024-06-30 --no-db --out $TMP/tty $(cat "$TMP/fxargs")" \
	/dev/null > "$TMP/tty.out" 2>&1 < /dev/null
if grep -q "$(printf '\r')doisoat run: classifying 69 people" "$TMP/tty.out" &&
	grep -q "$(printf '\r')doisoat run: writing the lists" "$TMP/tty.out"; then
	ok "run on a terminal: a progress line per stage"
else
	not_ok "run on a terminal: a progress line per stage" "$TMP/tty.out"
fi
"$BIN" run --period 2024 --today 2024-06-30 --no-db --out "$TMP/notty" \
	$(cat "$TMP/fxargs") > /dev/null 2> "$TMP/notty.err"
if [ -s "$TMP/notty.err" ] && ! grep -q "$(printf '\r')" "$TMP/notty.err" &&
	! grep -q "classifying" "$TMP/notty.err"; then
	ok "run logged to a file: log lines only, no progress line"
else
	not_ok "run logged to a file: log lines only, no progress line" "$TMP/notty.err"
fi
usage_err "db without a subcommand exits 2" "doisoat db: no db command" db
usage_err "an unknown db subcommand exits 2" "doisoat db: 'frob' is not a db command" db frob
usage_err "report without --out exits 2" "doisoat report: --out DIR is required" report
usage_err "load without --out exits 2" "doisoat load: --out DIR is required" load
usage_err "a password in --db exits 2" "carries a password" \
	load --out "$TMP/r" --db "dbname=x password=secret"
usage_err "a password in --db exits 2 with --no-db too" "carries a password" \
	run --period 2024 --no-db --out "$TMP/r" --prior a --registry b \
	--db "dbname=x password=secret"
grep -q secret "$TMP/err" && not_ok "... and is not echoed" "$TMP/err" ||
	ok "... and is not echoed"
usage_err "an overflowing --max-rejects exits 2" \
	"doisoat ingest: bad --max-rejects '99999999999999999999'" \
	ingest --max-rejects 99999999999999999999 --prior x
usage_err "a negative --max-rejects exits 2" \
	"doisoat run: bad --max-rejects '-1'" \
	run --max-rejects -1 --period 2024 --no-db --out "$TMP/r"
[ ! -e "$TMP/r" ] && ok "... before any work" || not_ok "... before any work"

# --roster FILE=LABEL: an argument that names an existing file is the
# file, '=' and all; else the text after the last '=' is the label.
mkdir -p "$TMP/eq"
cp fixtures/small/roster_HN.csv "$TMP/eq/a=b.csv"
# source_of ARG: the source labels of ingest --roster ARG's row stream
source_of() {
	"$BIN" ingest --quiet --roster "$1" 2> "$TMP/err" | cut -f 2 | sort -u
}
got=$(source_of "$TMP/eq/a=b.csv")
[ "$got" = "a=b.csv" ] && ok "--roster DIR/a=b.csv (an existing file) is that file" ||
	not_ok "--roster DIR/a=b.csv (an existing file) is that file (got '$got')" "$TMP/err"
got=$(source_of "$TMP/eq/a=b.csv=HN")
[ "$got" = "HN" ] && ok "--roster DIR/a=b.csv=HN is that file, labelled HN" ||
	not_ok "--roster DIR/a=b.csv=HN is that file, labelled HN (got '$got')" "$TMP/err"
abs=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
(cd "$TMP/eq" && "$abs" ingest --quiet --roster ./a=b.csv > /dev/null 2> "$TMP/err") &&
	ok "--roster ./a=b.csv reads ./a=b.csv" ||
	not_ok "--roster ./a=b.csv reads ./a=b.csv" "$TMP/err"

# --- --config ----------------------------------------------------------------
# config_for DIR FILE: a [run] section running the small fixture into DIR
config_for() {
	{
		echo "# doisoat run --config, as tests/e2e/options.sh writes it"
		echo "period = 2024"
		echo "today = 2024-06-30"
		sh etl/sh/fixture-args.sh fixtures/small |
			while IFS= read -r opt && IFS= read -r val; do
				echo "${opt#--} = $val"
			done
		echo "out = $1"
		echo "no-db = yes"
		echo "quiet"
		echo "[load]"
		echo "pseudonym-key = /nonexistent/key"
	} > "$2"
}
config_for "$TMP/cfg" "$TMP/run.ini"
if "$BIN" run --config "$TMP/run.ini" > "$TMP/out" 2> "$TMP/err" &&
	[ -f "$TMP/cfg/summary.json" ] && ! grep -q ' doisoat run: ' "$TMP/err"; then
	ok "run --config runs the file's options"
else
	not_ok "run --config runs the file's options" "$TMP/err"
fi
same=1
for l in increase decrease change renew uninsured review rejects coverage; do
	cmp -s "$TMP/cfg/$l.csv" "tests/e2e/golden/small/$l.csv" || same=0
done
[ $same = 1 ] && ok "run --config gives the golden lists" ||
	not_ok "run --config gives the golden lists"
if "$BIN" run --config "$TMP/run.ini" --out "$TMP/cfg2" > "$TMP/out" 2> "$TMP/err" &&
	[ -f "$TMP/cfg2/summary.json" ]; then
	ok "the command line comes after the file's options (--out wins)"
else
	not_ok "the command line comes after the file's options (--out wins)" "$TMP/err"
fi
printf '[run]\nthis is not a key\n' > "$TMP/bad.ini"
printf 'schemas = x\n' > "$TMP/bad2.ini"
usage_err "a bad line in a config file names the file and line" "bad.ini':2:" \
	run --config "$TMP/bad.ini"
usage_err "a key the command does not take exits 2" \
	"doisoat run: unrecognized option '--schemas=x'" run --config "$TMP/bad2.ini"
usage_err "--config twice exits 2" "doisoat run: --config given twice" \
	run --config "$TMP/run.ini" --config "$TMP/run.ini"
usage_err "a missing config file exits 2" "cannot open config file" \
	run --config "$TMP/none.ini"
{
	echo "period = 2024"
	echo "prior = fixtures/small/cards_2023.csv"
	echo "registry = fixtures/small/registry.csv"
	echo "out = $TMP/loadbad"
	echo "[load]"
	echo "no-db"
} > "$TMP/loadbad.ini"
usage_err "a [load] key that load does not take fails the run at once" \
	"loadbad.ini' [load]: unrecognized option '--no-db'" \
	run --config "$TMP/loadbad.ini"
[ ! -e "$TMP/loadbad" ] && ok "... before any work" ||
	not_ok "... before any work"

# --- a config run frees what it read --------------------------------------
# A sanitizer build (make SANITIZE=address,undefined) checks for leaks by
# itself (LeakSanitizer); a plain build runs under valgrind when there is
# one.  CHECK runs a command so.
if ldd "$BIN" 2> /dev/null | grep -q libasan; then
	CHECK="env ASAN_OPTIONS=detect_leaks=1"
elif command -v valgrind > /dev/null 2>&1; then
	CHECK="valgrind -q --leak-check=full --errors-for-leak-kinds=definite"
	CHECK="$CHECK --show-leak-kinds=definite --error-exitcode=99"
else
	CHECK=
fi
# leak_free NAME WANT CMD...: CMD exits WANT and leaks nothing
leak_free() {
	name=$1
	want=$2
	shift 2
	if [ -z "$CHECK" ]; then
		ok "$name # SKIP neither a sanitizer build nor valgrind"
		return
	fi
	"$@" > "$TMP/out" 2> "$TMP/err"
	rc=$?
	if [ $rc -eq "$want" ] &&
		! grep -Eq "LeakSanitizer|definitely lost" "$TMP/err"; then
		ok "$name"
	else
		echo "exit $rc, want $want" >> "$TMP/err"
		not_ok "$name" "$TMP/err"
	fi
}
leak_free "run --config leaks nothing" 0 \
	$CHECK "$BIN" run --config "$TMP/run.ini" --out "$TMP/cfg3"
leak_free "a bad config file leaks nothing" 2 \
	$CHECK "$BIN" run --config "$TMP/bad.ini"
leak_free "a missing config file leaks nothing" 2 \
	$CHECK "$BIN" load --config "$TMP/none.ini"
leak_free "the stages leak nothing" 0 sh -c "
	$CHECK '$BIN' ingest --quiet --prior fixtures/small/cards_2023.csv \
		--registry fixtures/small/registry.csv --rejects '$TMP/rej' |
	$CHECK '$BIN' normalise --quiet --today 2024-06-30 |
	$CHECK '$BIN' dedup --quiet |
	$CHECK '$BIN' diff --quiet --period 2024 |
	$CHECK '$BIN' report --quiet --period 2024 --out '$TMP/staged' \
		--rejects '$TMP/rej'"

summary options
