#!/bin/sh
# bench-load.sh BUILD [OUT_DIR]: rows per second of `doisoat load` next to
# psql's \copy of the same rows into tables of the same shape on the same
# server (the practical ceiling), on a throwaway cluster (etl/sh/pg.sh
# tmp).  OUT_DIR is a run's output folder; without it one is made with
# `gen-fixture --scale $SCALE` (default 10) and `doisoat run --no-db`.
# The loader and the \copy take turns, RUNS rounds (default 7); the
# figure is the median of the rounds' ratios.  Prints one line per
# measurement; never run by make check.
#
#   sh tests/bench-load.sh build                 # Càng Long x10
#   SCALE=30 sh tests/bench-load.sh build
#   RUNS=15 sh tests/bench-load.sh build         # on a noisy machine
#   sh tests/bench-load.sh build out/province    # an existing run
set -eu
[ $# -ge 1 ] || {
	echo "usage: sh tests/bench-load.sh BUILD [OUT_DIR]" >&2
	exit 2
}
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$1" && pwd)
bin=$build/doisoat
out=${2:-}
SCALE=${SCALE:-10}
TIME=/usr/bin/time
[ -x "$TIME" ] || {
	echo "bench-load: /usr/bin/time missing (apt-get install time)" >&2
	exit 1
}
tmp=$(mktemp -d /tmp/doisoat-bench.XXXXXX)
chmod 700 "$tmp"
DOISOAT_PGDATA=
cleanup() {
	if [ -n "$DOISOAT_PGDATA" ]; then
		sh "$root/etl/sh/pg.sh" stop-tmp "$DOISOAT_PGDATA"
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

if [ -z "$out" ]; then
	"$build/gen-fixture" --out "$tmp/fix" --scale "$SCALE" >/dev/null 2>&1
	sh "$root/etl/sh/fixture-args.sh" "$tmp/fix" >"$tmp/args"
	set -- run --period 2024 --no-db --quiet --out "$tmp/out"
	while IFS= read -r a; do set -- "$@" "$a"; done <"$tmp/args"
	"$bin" "$@" 2>/dev/null || [ $? -eq 3 ]
	out=$tmp/out
	rm -rf "$tmp/fix"
fi
out=$(cd "$out" && pwd)

unset PGHOST PGHOSTADDR PGPORT PGDATABASE PGUSER PGPASSWORD PGSERVICE \
	DOISOAT_DB DOISOAT_SCHEMAS DOISOAT_PSEUDONYM_KEY_FILE
sh "$root/etl/sh/pg.sh" tmp >"$tmp/env"
. "$tmp/env"
cd "$root"
"$bin" db migrate -q

lists="increase decrease change renew uninsured review rejects coverage"
rows=0
bytes=0
for t in $lists; do
	[ -f "$out/$t.csv" ] || continue
	rows=$((rows + $(wc -l <"$out/$t.csv") - 1))
	bytes=$((bytes + $(wc -c <"$out/$t.csv")))
done
echo "bench-load: $rows rows, $((bytes / 1048576)) MiB of lists in $out"

rate() {
	awk -v r="$rows" -v s="$1" 'BEGIN { printf "%.0f", (s > 0 ? r / s : 0) }'
}

# The ceiling: \copy of every list into a table shaped like its result
# table (columns, defaults, constraints: what the loader's staging tables
# are), in one psql session.
for t in $lists; do
	echo "CREATE TABLE IF NOT EXISTS public.bench_$t (LIKE doisoat.$t
	      INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
	      ALTER TABLE public.bench_$t ALTER period SET DEFAULT 2024,
	      ALTER run_id SET DEFAULT 0;"
done | psql -X -q -v ON_ERROR_STOP=1 >/dev/null
# a column the loader drops (review's name and birth date, R7.6) gets a
# text column here, so \copy takes every column of the file: the ceiling
# does a little more than the loader
{
	echo "SET client_min_messages = warning;"
	for t in $lists; do
		[ -f "$out/$t.csv" ] || continue
		for c in $(head -n 1 "$out/$t.csv" | tr ',' ' '); do
			echo "ALTER TABLE public.bench_$t ADD COLUMN IF NOT EXISTS $c text;"
		done
	done
} | psql -X -q -v ON_ERROR_STOP=1 >/dev/null
: >"$tmp/copy.sql"
for t in $lists; do
	[ -f "$out/$t.csv" ] || continue
	cols=$(head -n 1 "$out/$t.csv")
	echo "TRUNCATE public.bench_$t;" >>"$tmp/copy.sql"
	printf '%scopy public.bench_%s (%s) FROM %s (FORMAT csv, HEADER true)\n' \
		'\' "$t" "$cols" "'$out/$t.csv'" >>"$tmp/copy.sql"
done

# pair NAME ARGS...: RUNS rounds of doisoat load then the \copy, each
# timed; prints the medians of both walls and of their ratio (taking them
# in turn keeps the ratio true when the machine's speed drifts, as it
# does on shared machines), and the loader's peak memory.
RUNS=${RUNS:-7}
pair() {
	name=$1
	shift
	: >"$tmp/pairs"
	for i in $(seq "$RUNS"); do
		$TIME -f '%e %M' -o "$tmp/time" "$bin" load -q --out "$out" "$@"
		$TIME -f '%e' -o "$tmp/ctime" psql -X -q -v ON_ERROR_STOP=1 \
			-f "$tmp/copy.sql" >/dev/null
		echo "$(cat "$tmp/time") $(cat "$tmp/ctime")" >>"$tmp/pairs"
	done
	awk -v name="$name" -v rows="$rows" '
	function median(a, n,	i, j, t) {
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
				t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
			}
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	{ n++; l[n] = $1; c[n] = $3; r[n] = $1 > 0 ? $3 / $1 : 0
	  if ($2 > kb) kb = $2 }
	END {
		ml = median(l, n); mc = median(c, n)
		printf "doisoat load %s: %.2f s, %.0f rows/s, peak memory %d MiB\n",
			name, ml, rows / ml, kb / 1024
		printf "psql \\copy (ceiling) beside it: %.2f s, %.0f rows/s\n",
			mc, rows / mc
		printf "doisoat load %s: %.0f %% of the ceiling (median of %d pairs)\n",
			name, 100 * median(r, n), n
	}' "$tmp/pairs"
}

pair plain
head -c 32 /dev/urandom | base64 >"$tmp/key"
chmod 600 "$tmp/key"
pair "with pseudonyms" --pseudonym-key "$tmp/key"
