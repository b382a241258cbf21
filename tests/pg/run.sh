#!/bin/sh
# tests/pg/run.sh BUILD_DIR: integration tests of `doisoat load`,
# `doisoat db` and `doisoat run --config` against a fresh throwaway
# PostgreSQL cluster (etl/sh/pg.sh tmp), never the user's database.  Loads
# small hand-made output folders (written here into a temp folder; all IDs
# are fake) and runs of the generated Càng Long fixture, and checks the
# tables, idempotence, periods, the accounting checks, connection errors,
# the run lock, roles and views (their comments, the coverage totals),
# pseudonyms (against the openssl command), the migrated schema against
# schemas/current.sql (from the folder, from the schema files built into
# the binary, and by the binary `make install` installs, run outside the
# checkout), and faults (the loader killed in the middle of COPY, the
# server stopped during a load).  Prints "ok N - name" / "not ok N - name"
# per test, then "pg: N passed, N failed"; exits 1 if any failed.
set -u

[ $# -eq 1 ] || {
	echo "usage: sh tests/pg/run.sh BUILD_DIR" >&2
	exit 2
}
build=$(cd "$1" 2>/dev/null && pwd) || {
	echo "run.sh: no build folder '$1'" >&2
	exit 2
}
bin=$build/doisoat
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tests/lib.sh"
[ -x "$bin" ] || {
	echo "run.sh: no binary '$bin' (run make first)" >&2
	exit 2
}

# The advisory lock key of etl/pgload.h (PGLOAD_LOCK_KEY).
lock_key=28269996369994100

work=
holder=
bg=
DOISOAT_PGDATA=

cleanup() {
	for p in $holder $bg; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	if [ -n "$DOISOAT_PGDATA" ]; then
		sh "$root/etl/sh/pg.sh" stop-tmp "$DOISOAT_PGDATA"
	fi
	if [ -n "$work" ]; then
		rm -rf "$work"
	fi
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM



# check NAME COMMAND...: one test, passing when COMMAND succeeds.
check() {
	name=$1
	shift
	if "$@"; then
		ok "$name"
	else
		not_ok "$name" "$(cat "$work/err" 2>/dev/null)"
	fi
}

finish() {
	summary pg
	exit $?
}

# q SQL: psql's rows; a failing query prints "QUERY FAILED" and its error,
# so that no comparison can pass on two failures.
q() {
	psql -X -Atq -v ON_ERROR_STOP=1 -c "$1" 2>"$work/qerr" || {
		echo "QUERY FAILED: $(cat "$work/qerr")"
		return 1
	}
}

# eq WANT GOT: compare, leaving a note for `check` when they differ.
eq() {
	if [ "$1" = "$2" ]; then
		return 0
	fi
	printf 'want: %s\ngot:  %s\n' "$1" "$2" >"$work/err"
	return 1
}

# same BEFORE AFTER: a database state did not change (and was read).
same() {
	case $1 in
	'' | *"QUERY FAILED"*)
		printf 'could not read the state before:\n%s\n' "$1" \
			>"$work/err"
		return 1
		;;
	esac
	eq "$1" "$2"
}

# run_load EXPECTED_EXIT ARGS...: run doisoat load, stderr in $work/err.
run_load() {
	want=$1
	shift
	# a load that hangs fails its test (exit 124) instead of the suite
	(cd "$root" && timeout 300 "$bin" load --quiet "$@") >"$work/out" \
		2>"$work/err"
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		echo "exit $rc, want $want" >>"$work/err"
		return 1
	fi
	return 0
}

# Every result row of a period, as JSON text, in a fixed order.  With
# "norun", run_id is left out (a reload gives the same rows, new run).
dump_period() {
	for t in increase decrease change renew uninsured review rejects \
		coverage; do
		if [ "${2:-}" = norun ]; then
			expr="(to_jsonb(x) - 'run_id')::text"
		else
			expr="to_jsonb(x)::text"
		fi
		q "SELECT '$t', $expr FROM doisoat.$t x WHERE period = $1
		   ORDER BY 2"
	done
}

counts() {
	q "SELECT (SELECT count(*) FROM doisoat.increase WHERE period = $1)
	   || ' ' || (SELECT count(*) FROM doisoat.decrease WHERE period = $1)
	   || ' ' || (SELECT count(*) FROM doisoat.change WHERE period = $1)
	   || ' ' || (SELECT count(*) FROM doisoat.renew WHERE period = $1)
	   || ' ' || (SELECT count(*) FROM doisoat.uninsured WHERE period = $1)
	   || ' ' || (SELECT count(*) FROM doisoat.review WHERE period = $1)
	   || ' ' || (SELECT count(*) FROM doisoat.rejects WHERE period = $1)
	   || ' ' || (SELECT count(*) FROM doisoat.coverage WHERE period = $1)"
}

# write_run DIR PERIOD: a small output folder as the pipeline writes it
# (but for its empty "files" list: the tests edit the lists afterwards).
write_run() {
	d=$1
	p=$2
	mkdir -p "$d"
	cat >"$d/increase.csv" <<'EOF'
person_id,bhxh_code,full_name,dob,sex,commune_code,group_code,benefit_level,hospital_code,effective_from,reason,source
079190000001,7912345678,NGUYỄN VĂN A,1990-05,M,29266,HN,2,84001,2024-01-01,NEW,hn.csv
079321000002,,"TRẦN THỊ B, CON",2021-03-15,F,00001,TE,1,,2024-01-01,NEWBORN,te.csv
EOF
	cat >"$d/decrease.csv" <<'EOF'
person_id,bhxh_code,card_code,full_name,dob,sex,commune_code,group_code,effective_to,reason
079150000003,7900000003,HN2797900000003,LÊ VĂN C,1950,M,29266,HN,2023-11-02,DEATH
,7900000004,TE1797900000004,PHẠM THỊ D,2017-01-02,F,29266,TE,2023-12-31,AGED_OUT
EOF
	cat >"$d/change.csv" <<'EOF'
person_id,bhxh_code,card_code,full_name,dob,sex,commune_code,old_group_code,group_code,benefit_level,changed_fields,reason
079318000005,7900000005,TE1797900000005,VÕ THỊ E,2017-08-09,F,29266,TE,HN,2,group_code,GROUP_CHANGED
EOF
	cat >"$d/renew.csv" <<'EOF'
person_id,bhxh_code,card_code,full_name,dob,sex,commune_code,group_code,benefit_level
079160000006,7900000006,BT2797900000006,ĐỖ VĂN G,1960-02-29,M,29266,BT,2
EOF
	cat >"$d/uninsured.csv" <<'EOF'
person_id,full_name,dob,sex,commune_code,household_code
079185000007,HUỲNH VĂN H,1985,M,29266,H0001
079388000008,BÙI THỊ K,1988-12,F,00001,
EOF
	cat >"$d/review.csv" <<'EOF'
source,line,person_id,bhxh_code,reason,detail,full_name,dob,commune_code
hn.csv,12,079190000009,,ID_NAME_MISMATCH,registry name differs,PHAN VĂN REVIEW,1990-07-21,29266
,,079150000010,7900000010,POSSIBLE_MATCH,"roster te.csv:4, same name and dob","LÝ THỊ, REVIEW",1950-03,
EOF
	cat >"$d/rejects.csv" <<'EOF'
source,line,reason,raw
hn.csv,7,BAD_DATE,"079190000011,NGUYỄN VĂN X,""31/02/1990"",M"
EOF
	cat >"$d/coverage.csv" <<'EOF'
commune_code,commune_name,population,insured,coverage_pct,target_pct,pct_of_target,remaining
00001,Phường Phúc Xá,1000,930,93.00,95.00,97.89,20
29266,Thị trấn Càng Long,7006,6521,93.08,95.00,97.98,135
TOTAL,Tổng cộng,8006,7451,93.07,95.00,97.97,155
EOF
	cat >"$d/summary.json" <<EOF
{"doisoat_version": "0.1.0", "period": $p, "period_start": "$p-01-01",
 "exit_code": 0,
 "inputs": [
  {"source": "cards_prior.csv.gz", "kind": "prior", "path": "x", "bytes": 123,
   "xxh3": "0123456789abcdef", "rows_read": 10, "accepted": 10,
   "rejected": 0, "repaired": {}},
  {"source": "hn.csv", "kind": "roster", "bytes": 456,
   "xxh3": "fedcba9876543210", "rows_read": 20, "accepted": 19,
   "rejected": 1}
 ],
 "outputs": {"increase.csv": 2, "decrease.csv": 2, "change.csv": 1,
  "renew.csv": 1, "uninsured.csv": 2, "review.csv": 2, "rejects.csv": 1,
  "coverage.csv": 3},
 "files": [],
 "outcomes": {"increase": {"NEW": 1, "NEWBORN": 1},
  "decrease": {"DEATH": 1, "AGED_OUT": 1}, "change": {"GROUP_CHANGED": 1},
  "renew": 1, "uninsured": 2,
  "review": {"ID_NAME_MISMATCH": 1, "POSSIBLE_MATCH": 1},
  "rejects": {"BAD_DATE": 1}}}
EOF
}

# --- set up ------------------------------------------------------------

work=$(mktemp -d /tmp/doisoat-pgtest.XXXXXX) || exit 1
chmod 700 "$work"
# Never reach a database the environment points at.
unset PGHOST PGHOSTADDR PGPORT PGDATABASE PGUSER PGPASSWORD PGPASSFILE \
	PGSERVICE PGSERVICEFILE PGOPTIONS PGSSLMODE PGAPPNAME DOISOAT_DB \
	DOISOAT_SCHEMAS
if ! sh "$root/etl/sh/pg.sh" tmp >"$work/env" 2>"$work/err"; then
	not_ok "start a throwaway cluster" "$(cat "$work/err")"
	finish
fi
. "$work/env"
ok "start a throwaway cluster"

write_run "$work/r2024" 2024
# The schema version the files make: the number of the last migration.
top=$(ls "$root/schemas" | sed -n 's/^0*\([0-9][0-9]*\)_.*\.sql$/\1/p' |
	sort -n | tail -n 1)
mkdir -p "$work/nowhere" # a folder without schemas/, outside the checkout

# --- tests -------------------------------------------------------------

check "--help prints the usage and exits 0" \
	sh -c "'$bin' load --help | grep -q 'usage: doisoat load'"
check "a bad option exits 2" run_load 2 --no-such-option
check "no --out exits 2" run_load 2
check "a folder without summary.json exits 1" run_load 1 --out "$work"

check "load a run" run_load 0 --out "$work/r2024"
check "rows in every table" eq "2 2 1 1 2 2 1 3" "$(counts 2024)"
check "schema migrations recorded" eq "$(seq -s ' ' 1 "$top")" \
	"$(q "SELECT string_agg(version::text, ' ' ORDER BY version)
	      FROM doisoat.schema_migrations")"
check "runs row from summary.json" eq "2024|loaded|0.1.0|t" \
	"$(q "SELECT period, status, version, finished_at >= started_at
	      FROM doisoat.runs")"
check "run_inputs from summary.json" \
	eq "1|cards_prior.csv.gz|prior|123|0123456789abcdef|10|10|0
2|hn.csv|roster|456|fedcba9876543210|20|19|1" \
	"$(q "SELECT ord, source, kind, bytes, xxh3, rows_read, accepted,
	      rejected FROM doisoat.run_inputs ORDER BY ord")"
check "codes keep leading zeros, partial dob stays text" \
	eq "00001|2021-03-15|NEWBORN
29266|1990-05|NEW" \
	"$(q "SELECT commune_code, dob, reason FROM doisoat.increase
	      ORDER BY commune_code")"
check "empty fields are NULL, quoted commas survive" \
	eq "TRẦN THỊ B, CON|t|t" \
	"$(q "SELECT full_name, bhxh_code IS NULL, hospital_code IS NULL
	      FROM doisoat.increase WHERE commune_code = '00001'")"
check "effective dates are dates" eq "date|date" \
	"$(q "SELECT pg_typeof(effective_from)::text, (SELECT
	      pg_typeof(effective_to)::text FROM doisoat.decrease LIMIT 1)
	      FROM doisoat.increase LIMIT 1")"
check "a card without person_id is kept by its BHXH code" \
	eq "7900000004|AGED_OUT" \
	"$(q "SELECT bhxh_code, reason FROM doisoat.decrease
	      WHERE person_id IS NULL")"
check "review line empty is NULL" eq "1" \
	"$(q "SELECT count(*) FROM doisoat.review WHERE line IS NULL")"
# rules.md R13: review.csv's name and birth date are for the commune
# officer, not the database; its commune is loaded.
check "review: no column holds a name or birth date" eq "0" \
	"$(q "SELECT count(*) FROM information_schema.columns
	      WHERE table_schema = 'doisoat' AND table_name = 'review'
	      AND column_name IN ('full_name', 'dob')")"
check "review: no row holds review.csv's names or birth dates" eq "2|0" \
	"$(q "SELECT count(*), count(*) FILTER (WHERE to_jsonb(x)::text
	      ~ '(REVIEW|1990-07-21|1950-03)') FROM doisoat.review x")"
check "review: the commune is loaded" eq "29266|1" \
	"$(q "SELECT string_agg(commune_code, ','),
	      count(*) FILTER (WHERE commune_code IS NULL)
	      FROM doisoat.review")"
check "rejects keep no raw line without --keep-raw" eq "hn.csv|7|BAD_DATE|t" \
	"$(q "SELECT source, line, reason, raw IS NULL FROM doisoat.rejects")"
check "coverage numbers and the TOTAL row" \
	eq "29266|7006|6521|93.08|135|t
TOTAL|8006|7451|93.07|155|t" \
	"$(q "SELECT commune_code, population, insured, coverage_pct,
	      remaining, labour_force IS NULL FROM doisoat.coverage
	      WHERE commune_code <> '00001' ORDER BY 1")"
check "coverage_report view" eq "2024|f|00001
2024|f|29266
2024|t|TOTAL" \
	"$(q "SELECT period, is_total, commune_code FROM
	      doisoat.coverage_report ORDER BY period, is_total, commune_code")"
check "reference tables filled" eq "t|t|Trẻ em dưới 6 tuổi|t" \
	"$(q "SELECT (SELECT count(*) FROM doisoat.groups) > 40,
	      (SELECT count(*) FROM doisoat.communes) > 10000,
	      (SELECT name_vi FROM doisoat.groups WHERE code = 'TE'),
	      (SELECT residence_based FROM doisoat.groups WHERE code = 'TE')")"

before=$(dump_period 2024 norun)
check "load the same run again" run_load 0 --out "$work/r2024"
check "the reload gives identical result tables" \
	same "$before" "$(dump_period 2024 norun)"
check "runs keeps both loads; the results are the second's" eq "2|t" \
	"$(q "SELECT (SELECT count(*) FROM doisoat.runs),
	      (SELECT bool_and(run_id = (SELECT max(run_id) FROM doisoat.runs))
	       FROM doisoat.increase)")"
check "no migration applied twice" eq "$top" \
	"$(q "SELECT count(*) FROM doisoat.schema_migrations")"

# Lists saved with CRLF line ends (every other line here, as a spreadsheet
# might) load as the same rows: the loader's filter sends a file as it is
# up to its first CR and rewrites it from there (COPY takes LF only).
cp -R "$work/r2024" "$work/crlf"
for f in "$work"/crlf/*.csv; do
	awk 'NR % 2 == 0 { printf "%s\r\n", $0; next } { print }' "$f" \
		>"$f.tmp" && mv "$f.tmp" "$f"
done
check "lists with CRLF line ends load" run_load 0 --out "$work/crlf"
check "... as the same rows" same "$before" "$(dump_period 2024 norun)"

# A server warning during a load reaches the log as doisoat's own warning,
# cut before its quoted value; libpq's default processor (which prints
# "WARNING:  ..." on stderr, value and all) is not used.
q "CREATE FUNCTION public.t_warn() RETURNS trigger LANGUAGE plpgsql AS
   \$\$ BEGIN RAISE WARNING 'a test warning: \"%\"', 'secret-value';
   RETURN NEW; END \$\$;
   CREATE TRIGGER t_warn BEFORE INSERT ON doisoat.runs
   FOR EACH ROW EXECUTE FUNCTION public.t_warn()" >/dev/null
check "a load with a server warning" run_load 0 --out "$work/r2024"
check "... prints it as its own warning, cut before the quoted value" \
	sh -c "grep -q '^doisoat load: warning: server WARNING: a test warning$' \
	       '$work/err' && ! grep -q -e '^WARNING' -e secret-value \
	       '$work/err'"
q "DROP TRIGGER t_warn ON doisoat.runs; DROP FUNCTION public.t_warn()" \
	>/dev/null

# Another period does not touch 2024.
before=$(dump_period 2024)
write_run "$work/r2025" 2025
rm "$work/r2025/renew.csv"
sed -i -e 's/"renew.csv": 1/"renew.csv": 0/' -e 's/"renew": 1,/"renew": 0,/' \
	"$work/r2025/summary.json"
check "load another period (a list file absent, count 0)" \
	run_load 0 --out "$work/r2025"
check "the other period leaves the first untouched" \
	same "$before" "$(dump_period 2024)"
check "the other period is loaded" eq "2 2 1 0 2 2 1 3" "$(counts 2025)"

# Failures commit nothing.
state() {
	q "SELECT count(*) FROM doisoat.runs WHERE status = 'loaded'"
	q "SELECT count(*) FROM doisoat.run_inputs i JOIN doisoat.runs r
	   ON r.run_id = i.run_id WHERE status = 'loaded'"
	dump_period 2024
	dump_period 2025
}
before=$(state)

write_run "$work/bad_count" 2024
sed -i 's/"increase.csv": 2/"increase.csv": 3/' "$work/bad_count/summary.json"
check "a count mismatch with summary.json exits 1" \
	run_load 1 --out "$work/bad_count"
check "the mismatch message names the file and counts" \
	grep -q "increase.csv' has 2 rows but summary.json says 3" "$work/err"
check "after the mismatch nothing is committed" same "$before" "$(state)"

# summary.json's counts only size the loader's key set as a hint: a count
# far past what the file can hold is the same mismatch, where it ran the
# loader out of memory (3e9) or into an endless loop (2e18).
for claim in 3000000000 2000000000000000000; do
	write_run "$work/huge_count" 2024
	sed -i "s/\"increase.csv\": 2/\"increase.csv\": $claim/" \
		"$work/huge_count/summary.json"
	check "a count of $claim for a 2-row list exits 1" \
		run_load 1 --out "$work/huge_count"
	check "... with the mismatch message" \
		grep -q "increase.csv' has 2 rows but summary.json says $claim" \
		"$work/err"
done
check "after those nothing is committed" same "$before" "$(state)"

write_run "$work/bad_missing" 2024
rm "$work/bad_missing/review.csv"
check "a missing list that summary.json counts exits 1" \
	run_load 1 --out "$work/bad_missing"

write_run "$work/bad_data" 2024
sed -i 's/,2024-01-01,NEW,hn.csv/,2024-13-45,NEW,hn.csv/' \
	"$work/bad_data/increase.csv"
check "a bad value in a list exits 1" run_load 1 --out "$work/bad_data"
check "the message gives file and line, not the row's data" \
	sh -c "grep -q 'increase.csv.*line 2' '$work/err' &&
	       ! grep -q -e 079190000001 -e 1990-05 -e 2024-13-45 '$work/err'"
check "after the bad value nothing is committed" same "$before" "$(state)"

write_run "$work/bad_header" 2024
sed -i '1s/reason/reason_code/' "$work/bad_header/decrease.csv"
check "an unknown header column exits 1" \
	run_load 1 --out "$work/bad_header"
check "the message names the column" \
	grep -q "header column 'reason_code' is not a column" "$work/err"

write_run "$work/bad_json" 2024
echo '{"period": 2024,' >"$work/bad_json/summary.json"
check "a broken summary.json exits 1" run_load 1 --out "$work/bad_json"
check "after the broken summary nothing is committed" \
	same "$before" "$(state)"

# Every key the accounting checks read must be there: without it, its
# check would pass (a folder of only a period once emptied the period).
mkdir -p "$work/only_period"
echo '{"period": 2024}' >"$work/only_period/summary.json"
check "a summary.json of only a period exits 1" \
	run_load 1 --out "$work/only_period"
check "... naming the missing key (files)" \
	grep -q "summary.json': key files is missing" "$work/err"
check "... and leaves the period's results as they were" \
	same "$before" "$(state)"
echo '{"period": 2024, "files": []}' >"$work/only_period/summary.json"
check "... with a files list: exit 1 naming inputs" \
	sh -c "'$bin' load -q --out '$work/only_period' 2>'$work/err';
	       [ \$? -eq 1 ] && grep -q 'key inputs is missing' '$work/err'"
write_run "$work/cut_key" 2024
sed -i '2d' "$work/cut_key/renew.csv"
sed -i 's/"renew.csv": 1, //' "$work/cut_key/summary.json"
check "renew.csv cut by a row, its count deleted from summary.json: exit 1" \
	run_load 1 --out "$work/cut_key"
check "... naming the key" \
	grep -q "key outputs.\"renew.csv\" is missing, not a number" "$work/err"
write_run "$work/cut_null" 2024
sed -i '2d' "$work/cut_null/renew.csv"
sed -i 's/"renew.csv": 1,/"renew.csv": null,/' "$work/cut_null/summary.json"
check "renew.csv cut by a row, its count null in summary.json: exit 1" \
	run_load 1 --out "$work/cut_null"
check "... naming the key" \
	grep -q "key outputs.\"renew.csv\" is null, not a number" "$work/err"
write_run "$work/null_read" 2024
sed -i 's/"rows_read": 20,/"rows_read": null,/' "$work/null_read/summary.json"
check "an input's rows_read null: exit 1 naming it" \
	sh -c "'$bin' load -q --out '$work/null_read' 2>'$work/err';
	       [ \$? -eq 1 ] &&
	       grep -q 'key inputs.1..rows_read is null' '$work/err'"
write_run "$work/renew_count" 2024
sed -i 's/"renew": 1,/"renew": 2,/' "$work/renew_count/summary.json"
check "outcomes.renew differs from renew.csv's rows: exit 1" \
	sh -c "'$bin' load -q --out '$work/renew_count' 2>'$work/err';
	       [ \$? -eq 1 ] && grep -q \"renew.csv: summary.json's outcomes say 2 rows, the file has 1\" '$work/err'"
check "after the missing keys nothing is committed" same "$before" "$(state)"

check "a bad conninfo exits 1" \
	run_load 1 --out "$work/r2024" --db "host=/nonexistent dbname=doisoat"
check "the connection message names the server" \
	sh -c "grep -q \"server '/nonexistent' port\" '$work/err'"
check "DOISOAT_DB is the default connection" \
	sh -c "DOISOAT_DB='host=/nonexistent dbname=doisoat' \
	       '$bin' load --quiet --out '$work/r2024' 2>'$work/err';
	       [ \$? -eq 1 ] && grep -q /nonexistent '$work/err'"
check "a password in DOISOAT_DB is refused (exit 2), not echoed" \
	sh -c "DOISOAT_DB='host=/nonexistent password=s3cret' \
	       '$bin' load --quiet --out '$work/r2024' 2>'$work/err';
	       [ \$? -eq 2 ] && grep -q 'carries a password' '$work/err' &&
	       ! grep -q s3cret '$work/err'"
check "a password in a --db URI is refused (exit 2), not echoed" \
	sh -c "'$bin' load --quiet --out '$work/r2024' \
	       --db 'postgresql://u:s3cret@/doisoat?host=/nonexistent' \
	       2>'$work/err'; [ \$? -eq 2 ] && ! grep -q s3cret '$work/err'"
check "an unreachable TCP server is named with its port" \
	sh -c "'$bin' load --quiet --out '$work/r2024' \
	       --db 'host=127.0.0.1 port=1 connect_timeout=5' 2>'$work/err';
	       [ \$? -eq 1 ] && grep -q \"server '127.0.0.1' port 1\" \
	       '$work/err'"

check "a missing schema folder exits 1" \
	run_load 1 --out "$work/r2024" --schemas "$work/no-such-dir"
check "after the schema error nothing is committed" same "$before" "$(state)"

# The run lock: another session holds it, so load must exit 4.
psql -X -Atq -c "SELECT pg_advisory_lock($lock_key)" \
	-c "SELECT pg_sleep(60)" >/dev/null 2>&1 &
holder=$!
i=0
while [ "$i" -lt 100 ] && [ "$(q "SELECT count(*) FROM pg_locks
	WHERE locktype = 'advisory' AND granted")" != 1 ]; do
	sleep 0.1
	i=$((i + 1))
done
nfailed=$(q "SELECT count(*) FROM doisoat.runs WHERE status <> 'loaded'")
check "while another session holds the lock, load exits 4" \
	run_load 4 --out "$work/r2024"
check "the busy message" \
	grep -q "another doisoat run holds the database lock" "$work/err"
check "the busy load left no failed run in the ledger" eq "$nfailed" \
	"$(q "SELECT count(*) FROM doisoat.runs WHERE status <> 'loaded'")"
check "while busy, db migrate exits 4 too" \
	sh -c "cd '$root' && '$bin' db migrate -q 2>/dev/null; [ \$? -eq 4 ]"
q "SELECT pg_terminate_backend(pid) FROM pg_locks
   WHERE locktype = 'advisory'" >/dev/null
wait "$holder" 2>/dev/null
holder=
check "after the busy attempt nothing is committed" same "$before" "$(state)"
check "once the lock is free, load works again" \
	run_load 0 --out "$work/r2024"

# doisoat db migrate on an empty database.
q "CREATE DATABASE fresh" >/dev/null
check "db migrate on an empty database" \
	sh -c "cd '$root' && '$bin' db migrate -q --db dbname=fresh \
	       2>'$work/err'"
check "db migrate creates every table" eq "15" \
	"$(psql -X -Atq -d fresh -c "SELECT count(*) FROM pg_tables
	   WHERE schemaname = 'doisoat'")"

# schemas/current.sql is what the migrations make (etl/sh/schema-dump.sh
# prints it; on a failure, the diff is the test's note).
schema_is_current() {
	sh "$root/etl/sh/schema-dump.sh" "$1" >"$work/schema.sql" \
		2>"$work/err" &&
		diff -u "$root/schemas/current.sql" "$work/schema.sql" \
			>"$work/err"
}
schema_differs() {
	! schema_is_current "$1" &&
		grep -q '^+ *not_in_current integer' "$work/err"
}
check "schemas/current.sql is the migrated schema (regenerate: its header)" \
	schema_is_current dbname=fresh
psql -X -q -d fresh -c "ALTER TABLE doisoat.runs
	ADD COLUMN not_in_current int" 2>"$work/err"
check "... and a column it lacks shows in the diff" \
	schema_differs dbname=fresh
psql -X -q -d fresh -c "ALTER TABLE doisoat.runs
	DROP COLUMN not_in_current" 2>"$work/err"
check "db migrate again is a no-op" \
	sh -c "'$bin' db migrate -q --db dbname=fresh \
	       --schemas '$root/schemas' 2>'$work/err'"
# The schema files built into the binary: the same schema as the folder.
q "CREATE DATABASE fromdir" >/dev/null
q "CREATE DATABASE builtin" >/dev/null
check "db migrate --schemas DIR migrates from the folder" \
	sh -c "cd '$work/nowhere' && '$bin' db migrate -q --db dbname=fromdir \
	       --schemas '$root/schemas' 2>'$work/err'"
check "db migrate outside the checkout, no --schemas, no \$DOISOAT_SCHEMAS" \
	sh -c "cd '$work/nowhere' && '$bin' db migrate --db dbname=builtin \
	       2>'$work/err' && grep -q \"schema version $top\" '$work/err'"
check "... gives the schema version of the folder" \
	eq "$(psql -X -Atq -d fromdir -c "SELECT string_agg(version::text,
	      ' ' ORDER BY version) FROM doisoat.schema_migrations")" \
	"$(psql -X -Atq -d builtin -c "SELECT string_agg(version::text, ' '
	   ORDER BY version) FROM doisoat.schema_migrations")"
check "... and the schema of schemas/current.sql" \
	schema_is_current dbname=builtin
check "an unreadable --schemas folder is refused, not replaced by the built-in files" \
	sh -c "cd '$work/nowhere' && '$bin' db migrate -q --db dbname=builtin \
	       --schemas '$work/no-such-dir' 2>'$work/err'; [ \$? -eq 1 ] &&
	       grep -q \"cannot read schema folder '$work/no-such-dir'\" \
	       '$work/err'"
check "DOISOAT_SCHEMAS names a folder too" \
	sh -c "cd '$work/nowhere' && DOISOAT_SCHEMAS='$work/no-such-dir' \
	       '$bin' db migrate -q --db dbname=builtin 2>'$work/err';
	       [ \$? -eq 1 ] && grep -q 'no-such-dir' '$work/err'"

# The installed binary (make install into a temporary DESTDIR) migrates a
# database from outside the checkout, with no schema folder anywhere.
q "CREATE DATABASE installed" >/dev/null
check "make install DESTDIR=... PREFIX=/usr" \
	sh -c "make --no-print-directory -C '$root' install \
	       DESTDIR='$work/inst' PREFIX=/usr BUILD='$build' \
	       >'$work/err' 2>&1"
check "the installed doisoat db migrate works outside the checkout" \
	sh -c "cd '$work/nowhere' && env -u DOISOAT_SCHEMAS \
	       PATH='$work/inst/usr/bin:/usr/bin:/bin' \
	       doisoat db migrate --db dbname=installed 2>'$work/err' &&
	       grep -q \"schema version $top\" '$work/err'"
check "... and makes the schema of schemas/current.sql" \
	schema_is_current dbname=installed

check "db without a subcommand exits 2" \
	sh -c "'$bin' db 2>/dev/null; [ \$? -eq 2 ]"

check "db migrate logs the server and the schema version" \
	sh -c "'$bin' db migrate --db dbname=fresh \
	       --schemas '$root/schemas' 2>'$work/err' &&
	       grep -q \"database 'fresh' on server .*schema version $top\" \
	       '$work/err'"

# --- the ledger of failed loads, the accounting checks -----------------

check "a failed load is in the ledger as failed, with its error" \
	eq "failed|t|f" \
	"$(q "SELECT status, error LIKE '%summary.json says 3%',
	      error ~ '[0-9]{12}' FROM doisoat.runs WHERE status <> 'loaded'
	      ORDER BY run_id LIMIT 1")"

before=$(state)
write_run "$work/bad_reason" 2024
sed -i 's/"NEW": 1, "NEWBORN": 1/"NEW": 2/' "$work/bad_reason/summary.json"
check "counts by reason that differ from summary.json exit 1" \
	run_load 1 --out "$work/bad_reason"
check "the message names list, reason and counts" \
	grep -Eq "accounting check failed: increase.csv, reason NEW(BORN)?: summary.json says [02] rows, the file has 1" \
	"$work/err"
check "after the reason mismatch nothing is committed" \
	same "$before" "$(state)"

write_run "$work/bad_rejects" 2024
sed -i 's/"rows_read": 20, "accepted": 19,/"rows_read": 21, "accepted": 19,/' \
	"$work/bad_rejects/summary.json"
check "rows read <> accepted + rejected exits 1" \
	run_load 1 --out "$work/bad_rejects"
check "the message names the input, not a row" \
	grep -q "input 'hn.csv': 21 rows read but 19 accepted + 1 rejected" \
	"$work/err"

write_run "$work/bad_rejsrc" 2024
sed -i 's/^hn.csv,7,/other.csv,7,/' "$work/bad_rejsrc/rejects.csv"
check "rejects.csv rows per input must match summary.json" \
	run_load 1 --out "$work/bad_rejsrc"

write_run "$work/bad_twice" 2024
sed -i 's/^079185000007,/079160000006,/' "$work/bad_twice/uninsured.csv"
check "a person with two outcomes exits 1" \
	run_load 1 --out "$work/bad_twice"
check "the message counts people, names no ID" \
	sh -c "grep -q '1 people have more than one outcome' '$work/err' &&
	       ! grep -q 079160000006 '$work/err'"

# No decrease without a reason (rules.md R10.2): a reason left empty ("",
# an empty string, not NULL) that summary.json counts as such passes the
# counts by reason, and the check of its own stops it.
write_run "$work/bad_noreason" 2024
sed -i 's/,2023-12-31,AGED_OUT$/,2023-12-31,""/' \
	"$work/bad_noreason/decrease.csv"
sed -i 's/"AGED_OUT": 1/"": 1/' "$work/bad_noreason/summary.json"
check "a decrease without a reason exits 1" \
	run_load 1 --out "$work/bad_noreason"
check "... saying so: file and count" \
	grep -q "accounting check failed: 1 rows of decrease.csv have no reason" \
	"$work/err"
# An empty reason cell (NULL) is refused on the way in (the column is NOT
# NULL; were it not, the check above would stop it).
write_run "$work/null_reason" 2024
sed -i 's/,2023-12-31,AGED_OUT$/,2023-12-31,/' \
	"$work/null_reason/decrease.csv"
sed -i 's/"AGED_OUT": 1/"": 1/' "$work/null_reason/summary.json"
check "a decrease with an empty reason cell exits 1" \
	run_load 1 --out "$work/null_reason"

write_run "$work/bad_total" 2024
sed -i 's/^TOTAL,Tổng cộng,8006/TOTAL,Tổng cộng,8007/' \
	"$work/bad_total/coverage.csv"
check "a TOTAL row that does not add up exits 1" \
	run_load 1 --out "$work/bad_total"
check "after the failed checks nothing is committed" \
	same "$before" "$(state)"

# --- schema versions ---------------------------------------------------

q "INSERT INTO doisoat.schema_migrations VALUES (999)" >/dev/null
check "db migrate refuses a newer schema (exit 1)" \
	sh -c "cd '$root' && '$bin' db migrate -q 2>'$work/err';
	       [ \$? -eq 1 ]"
check "the message says the database is newer" \
	grep -q "schema is at version 999, newer than the schema files" \
	"$work/err"
check "load refuses a newer schema too" run_load 1 --out "$work/r2024"
q "DELETE FROM doisoat.schema_migrations WHERE version = 999" >/dev/null
mkdir -p "$work/oldschemas"
cp "$root/schemas/001_core.sql" "$work/oldschemas/"
check "an old schema folder (below what the binary needs) exits 1" \
	sh -c "'$bin' db migrate -q --schemas '$work/oldschemas' \
	       2>'$work/err'; [ \$? -eq 1 ] &&
	       grep -q 'ends at version 1 but this doisoat needs' '$work/err'"

# --- re-delivery, --keep-raw, pseudonyms --------------------------------

check "a reload notices inputs delivered again unchanged" \
	sh -c "cd '$root' && '$bin' load --out '$work/r2024' 2>'$work/err' &&
	       grep -q \"input roster 'hn.csv' is unchanged since run\" \
	       '$work/err' && grep -q 'every input file is as in run' \
	       '$work/err'"
check "the ledger records which run had the file" eq "2|2" \
	"$(q "SELECT count(*), count(same_as_run) FROM doisoat.run_inputs
	      WHERE run_id = (SELECT max(run_id) FROM doisoat.runs)")"
check "log lines carry UTC time, stage, counts, seconds, and no ID" \
	sh -c "grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z doisoat load: increase: 2 rows staged \([0-9.]+ s\)' '$work/err' &&
	       ! grep -Eq '[0-9]{12}|1990-05' '$work/err'"

check "--keep-raw keeps the raw line of rejected rows" \
	run_load 0 --out "$work/r2024" --keep-raw
check "the raw line is there" eq "t" \
	"$(q "SELECT raw LIKE '%31/02/1990%' FROM doisoat.rejects
	      WHERE period = 2024")"

head -c 32 /dev/urandom | base64 >"$work/key"
chmod 600 "$work/key"
check "load with a pseudonym key" \
	run_load 0 --out "$work/r2024" --pseudonym-key "$work/key"
pseudo=$(python3 -c '
import hmac, hashlib, sys
k = open(sys.argv[1], "rb").read().rstrip(b"\r\n")
print(hmac.new(k, b"079190000001", hashlib.sha256).hexdigest())' \
	"$work/key" 2>/dev/null || echo "python3 missing")
check "the pseudonym is HMAC-SHA256(key, person_id)" eq "$pseudo" \
	"$(q "SELECT pseudonym FROM doisoat.increase
	      WHERE person_id = '079190000001'")"
check "every person row has one, a card without person_id none" \
	eq "7|1" \
	"$(q "SELECT (SELECT count(pseudonym) FROM doisoat.increase
		      WHERE period = 2024) +
	      (SELECT count(pseudonym) FROM doisoat.decrease
	       WHERE period = 2024) +
	      (SELECT count(pseudonym) FROM doisoat.change
	       WHERE period = 2024) +
	      (SELECT count(pseudonym) FROM doisoat.renew
	       WHERE period = 2024) +
	      (SELECT count(pseudonym) FROM doisoat.uninsured
	       WHERE period = 2024),
	      (SELECT count(*) FROM doisoat.decrease WHERE period = 2024
	       AND pseudonym IS NULL)")"
# Every pseudonym of the load against the openssl command line, live:
# HMAC-SHA256 of person_id under the key file's bytes (less its newline).
pseudonyms_match_openssl() {
	q "SELECT person_id, pseudonym FROM (
	     SELECT person_id, pseudonym FROM doisoat.increase
	     WHERE period = 2024 UNION ALL
	     SELECT person_id, pseudonym FROM doisoat.decrease
	     WHERE period = 2024 UNION ALL
	     SELECT person_id, pseudonym FROM doisoat.change
	     WHERE period = 2024 UNION ALL
	     SELECT person_id, pseudonym FROM doisoat.renew
	     WHERE period = 2024 UNION ALL
	     SELECT person_id, pseudonym FROM doisoat.uninsured
	     WHERE period = 2024) x
	   WHERE person_id IS NOT NULL ORDER BY 1" >"$work/pseudo" || {
		cp "$work/pseudo" "$work/err"
		return 1
	}
	key=$(cat "$work/key")
	: >"$work/err"
	rows=0
	while IFS='|' read -r id got; do
		want=$(printf '%s' "$id" | openssl dgst -sha256 -hmac "$key" |
			sed 's/^.*= //')
		rows=$((rows + 1))
		if [ -z "$want" ] || [ "$want" != "$got" ]; then
			echo "row $rows: openssl '$want', doisoat '$got'" \
				>>"$work/err"
		fi
	done <"$work/pseudo"
	if [ "$rows" -ne 7 ]; then
		echo "$rows person rows, want 7" >>"$work/err"
	fi
	[ ! -s "$work/err" ]
}
check "every pseudonym is what openssl dgst -sha256 -hmac gives" \
	pseudonyms_match_openssl
check "DOISOAT_PSEUDONYM_KEY_FILE gives the same pseudonyms" \
	sh -c "cd '$root' && DOISOAT_PSEUDONYM_KEY_FILE='$work/key' \
	       '$bin' load -q --out '$work/r2024' 2>'$work/err'"
check "... (same value)" eq "$pseudo" \
	"$(q "SELECT pseudonym FROM doisoat.increase
	      WHERE person_id = '079190000001'")"
printf 'short\n' >"$work/shortkey"
check "a key shorter than 16 bytes is refused" \
	run_load 1 --out "$work/r2024" --pseudonym-key "$work/shortkey"
check "person_outcomes carries pseudonyms, not IDs" eq "7" \
	"$(q "SELECT count(*) FROM doisoat_report.person_outcomes
	      WHERE period = 2024 AND pseudonym ~ '^[0-9a-f]{64}$'")"

# --- --config ------------------------------------------------------------

{
	echo "# a config file for doisoat load"
	echo "[run]"
	echo "period = 1999 ; not for load"
	echo "[load]"
	echo "out = $work/r2025"
	echo "pseudonym-key = \"$work/key\""
	echo "keep-raw = no"
	echo "quiet"
} >"$work/load.ini"
check "load --config reads the [load] section" \
	sh -c "cd '$root' && '$bin' load --config '$work/load.ini' \
	       2>'$work/err' && [ ! -s '$work/err' ]"
check "... and used its key" eq "1" \
	"$(q "SELECT count(*) FROM doisoat.increase WHERE period = 2025
	      AND pseudonym = '$pseudo'")"
printf '[load]\nno-such-option = 1\n' >"$work/bad.ini"
check "an unknown key in a config file exits 2" \
	sh -c "cd '$root' && '$bin' load --config '$work/bad.ini' \
	       2>'$work/err'; [ \$? -eq 2 ]"
printf '[load]\nthis is not a key\n' >"$work/bad2.ini"
check "a bad line names the file and line" \
	sh -c "cd '$root' && '$bin' load --config '$work/bad2.ini' \
	       2>'$work/err'; [ \$? -eq 2 ] && grep -q \"bad2.ini':2:\" \
	       '$work/err'"

{
	echo "; doisoat run --config: keys are the long options"
	echo "period = 2023"
	sh "$root/etl/sh/fixture-args.sh" "$root/fixtures/small" |
		while IFS= read -r opt && IFS= read -r val; do
			echo "${opt#--} = $val"
		done
	echo "out = $work/runcfg"
	echo "[load]"
	echo "pseudonym-key = $work/key"
} >"$work/run.ini"
check "run --config runs the pipeline and loads it" \
	sh -c "cd '$root' && '$bin' run --config '$work/run.ini' --quiet \
	       2>'$work/err'"
check "... with the [load] section's key" eq "t" \
	"$(q "SELECT count(*) > 0 AND count(*) = count(pseudonym)
	      FROM doisoat.renew WHERE period = 2023")"
check "options on the command line come after the file's" \
	sh -c "cd '$root' && '$bin' run --config '$work/run.ini' --quiet \
	       --no-db --out '$work/runcfg2' 2>'$work/err' &&
	       [ -f '$work/runcfg2/summary.json' ]"

# --- roles and the reporting views --------------------------------------

q "CREATE ROLE t_reporter LOGIN IN ROLE doisoat_reporter;
   CREATE ROLE t_loader LOGIN IN ROLE doisoat_loader" >/dev/null
views=$(q "SELECT table_name FROM information_schema.views
	   WHERE table_schema = 'doisoat_report' ORDER BY 1")
check "the report schema has its views" \
	eq "communes coverage_bhtn coverage_bhtn_communes coverage_bhtn_province coverage_bhtn_total coverage_bhxh coverage_bhxh_communes coverage_bhxh_province coverage_bhxh_total coverage_bhyt coverage_bhyt_communes coverage_bhyt_province coverage_bhyt_total groups outcomes person_outcomes reject_counts review_counts run_inputs runs scopes" \
	"$(echo $views)"
bad=
for v in $views; do
	psql -X -Atq -U t_reporter -c "SELECT * FROM doisoat_report.$v
		LIMIT 1" >/dev/null 2>>"$work/err" || bad="$bad $v"
done
check "the reporting role reads every view" eq "" "$bad"
tables=$(q "SELECT schemaname || '.' || tablename FROM pg_tables
	    WHERE schemaname IN ('doisoat', 'doisoat_stage') ORDER BY 1")
bad=
for t in $tables; do
	if psql -X -Atq -U t_reporter -c "SELECT 1 FROM $t LIMIT 1" \
		>/dev/null 2>&1; then
		bad="$bad $t"
	fi
done
check "the reporting role is refused every base table ($(echo "$tables" | wc -l))" \
	eq "" "$bad"
check "... with 'permission denied'" \
	sh -c "psql -X -Atq -U t_reporter -c 'SELECT 1 FROM doisoat.increase' \
	       2>&1 | grep -q 'permission denied'"
check "no view has an ID, a code that is one, a name or a birth date" eq "" \
	"$(q "SELECT string_agg(table_name || '.' || column_name, ' ')
	      FROM information_schema.columns
	      WHERE table_schema = 'doisoat_report' AND column_name IN
	      ('person_id', 'bhxh_code', 'card_code', 'full_name', 'dob',
	       'household_code', 'raw', 'detail', 'line')")"
check "coverage views give BHYT, BHXH and BHTN per commune" eq "t|t|t" \
	"$(q "SELECT (SELECT count(*) FROM doisoat_report.coverage_bhyt
		      WHERE period = 2024) = 3,
	      (SELECT count(*) FROM doisoat_report.coverage_bhxh
	       WHERE period = 2024) = 3,
	      (SELECT count(*) FROM doisoat_report.coverage_bhtn
	       WHERE period = 2024) = 3")"
# Every view and every column carries its description (COMMENT ON), for
# Metabase, Superset and psql's \d+.
check "every view of doisoat_report has a comment" eq "21 views, 0 without" \
	"$(q "SELECT count(*) || ' views, ' || count(*) FILTER (WHERE
	      coalesce(obj_description(c.oid, 'pg_class'), '') = '') ||
	      ' without' FROM pg_class c
	      JOIN pg_namespace n ON n.oid = c.relnamespace
	      WHERE n.nspname = 'doisoat_report' AND c.relkind = 'v'")"
check "every column of every view has a comment" eq "" \
	"$(q "SELECT string_agg(c.relname || '.' || a.attname, ' ')
	      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
	      JOIN pg_namespace n ON n.oid = c.relnamespace
	      WHERE n.nspname = 'doisoat_report' AND c.relkind = 'v'
	      AND a.attnum > 0 AND NOT a.attisdropped
	      AND coalesce(col_description(c.oid, a.attnum), '') = ''")"
check "... of which there are many" eq "t" \
	"$(q "SELECT count(*) > 150 FROM pg_description d
	      JOIN pg_class c ON c.oid = d.objoid
	      JOIN pg_namespace n ON n.oid = c.relnamespace
	      WHERE n.nspname = 'doisoat_report' AND d.objsubid > 0")"
check "the reporting role reads the comments" \
	sh -c "psql -X -Atq -U t_reporter -c \"SELECT col_description(
	       'doisoat_report.coverage_bhyt'::regclass, 1)\" | grep -q year"

# The total row cannot be counted twice: coverage_*_communes has the
# commune rows only, coverage_*_total the total only, and summing the
# communes gives the total, for every period loaded.
cov_sums() {
	q "SELECT string_agg(t.period || ':' || s.n || ':' ||
		((t.population, t.insured) IS NOT DISTINCT FROM
		 (s.population, s.insured)), ' ' ORDER BY t.period)
	   FROM doisoat_report.coverage_bhyt_total t,
	   LATERAL (SELECT count(*) AS n, sum(c.population) AS population,
			   sum(c.insured) AS insured
		    FROM doisoat_report.coverage_bhyt_communes c
		    WHERE c.period = t.period) s"
}
check "summing the commune rows of BHYT coverage gives the total" \
	eq "2023:3:true 2024:2:true 2025:2:true" "$(cov_sums)"
check "coverage_bhyt has the communes and the total, flagged by is_total" \
	eq "2|1|2|1" \
	"$(q "SELECT count(*) FILTER (WHERE NOT is_total),
	      count(*) FILTER (WHERE is_total),
	      (SELECT count(*) FROM doisoat_report.coverage_bhyt_communes
	       WHERE period = 2024),
	      (SELECT count(*) FROM doisoat_report.coverage_bhyt_total
	       WHERE period = 2024)
	      FROM doisoat_report.coverage_bhyt WHERE period = 2024")"
check "no commune view has a TOTAL row" eq "0" \
	"$(q "SELECT (SELECT count(*) FROM doisoat_report.coverage_bhyt_communes
		      WHERE commune_code = 'TOTAL') +
	      (SELECT count(*) FROM doisoat_report.coverage_bhxh_communes
	       WHERE commune_code = 'TOTAL') +
	      (SELECT count(*) FROM doisoat_report.coverage_bhtn_communes
	       WHERE commune_code = 'TOTAL')")"

check "outcomes per commune, group and reason" \
	eq "00001|increase|TE|NEWBORN|1" \
	"$(q "SELECT commune_code, list, group_code, reason, people
	      FROM doisoat_report.outcomes WHERE period = 2024
	      AND reason = 'NEWBORN'")"
check "run history with timings and one current run per period" \
	eq "t|3" \
	"$(q "SELECT bool_and(load_seconds >= 0),
	      count(*) FILTER (WHERE is_current)
	      FROM doisoat_report.runs WHERE status = 'loaded'")"
check "the loading role can run a load" \
	run_load 0 --out "$work/r2024" --db "dbname=doisoat user=t_loader"
check "... but cannot read the results" \
	sh -c "! psql -X -Atq -U t_loader -c 'SELECT 1 FROM doisoat.renew' \
	       >/dev/null 2>&1"
check "... nor change the schema" \
	sh -c "! psql -X -Atq -U t_loader -c 'CREATE TABLE doisoat.x (i int)' \
	       >/dev/null 2>&1"
check "no staging table is left behind" eq "0" \
	"$(q "SELECT count(*) FROM pg_tables WHERE schemaname = 'doisoat_stage'")"

# --- wrong password ------------------------------------------------------

hba=$DOISOAT_PGDATA/data/pg_hba.conf
q "CREATE ROLE t_pw LOGIN PASSWORD 'right-password'" >/dev/null
cp "$hba" "$work/hba.orig"
{
	echo "local all t_pw scram-sha-256"
	cat "$work/hba.orig"
} >"$hba"
q "SELECT pg_reload_conf()" >/dev/null
sleep 0.5
printf '*:*:*:t_pw:wrong-password\n' >"$work/pgpass"
chmod 600 "$work/pgpass"
check "a wrong password exits 1" \
	sh -c "cd '$root' && PGPASSFILE='$work/pgpass' '$bin' load -q \
	       --out '$work/r2024' --db 'user=t_pw' 2>'$work/err';
	       [ \$? -eq 1 ]"
check "the message names the server and the user, not the password" \
	sh -c "grep -q \"on server '$PGHOST' port $PGPORT\" '$work/err' &&
	       grep -q 'password authentication failed' '$work/err' &&
	       ! grep -q wrong-password '$work/err'"
cat "$work/hba.orig" >"$hba"
q "SELECT pg_reload_conf()" >/dev/null

# --- a larger run: idempotency, concurrency, faults ---------------------

# run_fixture DIR OUT: doisoat run --no-db on a fixture folder.
run_fixture() {
	sh "$root/etl/sh/fixture-args.sh" "$1" >"$work/fixargs"
	set -- run --period 2024 --no-db --quiet --out "$2"
	while IFS= read -r a; do set -- "$@" "$a"; done <"$work/fixargs"
	"$bin" "$@" 2>/dev/null
}
"$build/gen-fixture" --out "$work/fix" --scale 3 >/dev/null 2>&1
run_fixture "$work/fix" "$work/big"
run_fixture "$root/fixtures/small" "$work/small"
check "the generated fixture ran" test -f "$work/big/summary.json"
if [ ! -f "$work/big/summary.json" ] || [ ! -f "$work/small/summary.json" ]
then
	not_ok "the tests below need the fixture runs: not run"
	finish
fi

check "the small fixture's run overlaps the hand-made run's scope: exit 1" \
	run_load 1 --out "$work/small"
check "... naming both scopes, the period and the communes in common" \
	grep -q "scope [0-9]* (3 communes 29266 to 29272) overlaps scope [0-9]* (2 communes 00001 to 29266) of period 2024 (loaded by run [0-9]*), communes in common: 1; nothing loaded" \
	"$work/err"
check "load the small fixture's run (period 2024) with --replace" \
	run_load 0 --out "$work/small" --replace
check "... which drops the hand-made scope, saying so" \
	sh -c "grep -q 'warning: server WARNING: replacing scope [0-9]* (2 communes 00001 to 29266): dropped from period 2024' \
	       '$work/err' && [ \"\$(psql -X -Atq -c \"SELECT count(*) FROM
	       doisoat.coverage WHERE period = 2024 AND commune_code = '00001'\")\" = 0 ]"
# Stories 64 and 65: each card of a person who died or is missing is a
# decrease row (DEATH, MISSING), and all of them are one outcome.
check "... whose dead and missing people hold two cards each" eq "2|2" \
	"$(q "SELECT count(*) FILTER (WHERE person_id = '084055000064'
	      AND reason = 'DEATH'), count(*) FILTER (WHERE
	      person_id = '084158000065' AND reason = 'MISSING')
	      FROM doisoat.decrease WHERE period = 2024")"
# with_row DIR LIST ROW: a copy of the small run with ROW added to
# LIST.csv, its counts raised to match and its "files" entry dropped (so
# that it is the accounting check that judges it).
with_row() {
	rm -rf "$1"
	cp -r "$work/small" "$1"
	printf '%s\n' "$3" >>"$1/$2.csv"
	n=$(sed -n "s/.*\"$2.csv\": \([0-9]*\).*/\1/p" "$1/summary.json")
	m=$(sed -n "s/.*\"$2\": \([0-9]*\).*/\1/p" "$1/summary.json")
	sed -i -e "/\"name\": \"$2.csv\"/d" \
		-e "s/\"$2.csv\": $n/\"$2.csv\": $((n + 1))/" \
		-e "s/\"$2\": $m/\"$2\": $((m + 1))/" "$1/summary.json"
}
with_row "$work/dead_twice" renew \
	"084055000064,8400000064,HN2848400000064,HỒ VĂN KHANG,1955-09-09,M,29266,HN,2,84101,,H2926600064"
check "a dead person (two DEATH rows) also renewed: exit 1" \
	run_load 1 --out "$work/dead_twice"
check "... one person with more than one outcome, not three rows" \
	grep -q "accounting check failed: 1 people have more than one outcome" \
	"$work/err"

# The README's staged pipe, then load: the same database as run's load.
sh "$root/etl/sh/fixture-args.sh" "$root/fixtures/small" >"$work/smallargs"
# staged_pipe OUT [SED]: ingest | normalise | sed SED | dedup | diff |
# report --out OUT on the small fixture (SED: a row stream edit, e.g. a
# row lost between the stages).
staged_pipe() {
	sp_out=$1
	sp_sed=${2:-p}
	sp_opt=
	opt_areas=
	opt_scope=
	opt_targets=
	opt_units=
	set --
	while IFS= read -r a; do
		case $sp_opt in
		--areas) opt_areas=$a ;;
		--scope) opt_scope=$a ;;
		--targets) opt_targets=$a ;;
		--units) opt_units=$a ;;
		esac
		if [ -n "$sp_opt" ]; then
			sp_opt=
			continue
		fi
		case $a in
		--areas | --scope | --targets | --units) sp_opt=$a ;;
		*) set -- "$@" "$a" ;;
		esac
	done <"$work/smallargs"
	rm -rf "$sp_out"
	"$bin" ingest --quiet "$@" --rejects "$work/rej1" |
		"$bin" normalise --quiet --today 2024-06-30 \
			--rejects "$work/rej2" |
		sed -n "$sp_sed" |
		"$bin" dedup --quiet |
		"$bin" diff --quiet --period 2024 \
			${opt_areas:+--areas "$opt_areas"} \
			${opt_scope:+--scope "$opt_scope"} \
			${opt_targets:+--targets "$opt_targets"} |
		"$bin" report --quiet --period 2024 --today 2024-06-30 \
			${opt_units:+--units "$opt_units"} --out "$sp_out" \
			--rejects "$work/rej1" --rejects "$work/rej2"
}
# the inputs' counts of the run loaded last
inputs_loaded() {
	q "SELECT string_agg(concat_ws('|', source, kind, rows_read, accepted,
	   rejected), ' ' ORDER BY ord) FROM doisoat.run_inputs
	   WHERE run_id = (SELECT max(run_id) FROM doisoat.runs
	   WHERE status = 'loaded')"
}
set -- run --period 2024 --today 2024-06-30 --no-db --quiet \
	--out "$work/small_run"
while IFS= read -r a; do set -- "$@" "$a"; done <"$work/smallargs"
"$bin" "$@" 2>/dev/null
run_load 0 --out "$work/small_run" >/dev/null
run_db=$(dump_period 2024 norun)
run_inputs=$(inputs_loaded)
staged_pipe "$work/staged" 2>"$work/err"
check "ingest | normalise | dedup | diff | report --period: load takes it" \
	run_load 0 --out "$work/staged"
check "... and the database is as after run's load" \
	same "$run_db" "$(dump_period 2024 norun)"
check "... with the same counts per input (rows read, accepted, rejected)" \
	same "$run_inputs" "$(inputs_loaded)"
staged_pipe "$work/staged_cut" '5!p' 2>"$work/err"
check "a row lost between the stages: load exits 1" \
	run_load 1 --out "$work/staged_cut"
check "... rows read <> accepted + rejected for its input" \
	grep -Eq "accounting check failed: input '[^']*': [0-9]+ rows read but [0-9]+ accepted \+ [0-9]+ rejected" \
	"$work/err"
check "... and the period stays as the staged pipe loaded it" \
	same "$run_db" "$(dump_period 2024 norun)"
check "load the generated run over it (--replace: a larger scope)" \
	run_load 0 --out "$work/big" --replace
big=$(dump_period 2024 norun)
# Its coverage has BHXH and BHTN figures: their sums too.
check "generated run: the commune rows of BHYT, BHXH, BHTN add up to the totals" \
	eq "2023:3:true 2024:$(($(wc -l <"$work/big/coverage.csv") - 2)):true 2025:2:true|t|t" \
	"$(cov_sums)|$(q "SELECT bool_and(
	      (t.bhxh_compulsory, t.bhxh_voluntary) = (SELECT
	       sum(c.bhxh_compulsory), sum(c.bhxh_voluntary)
	       FROM doisoat_report.coverage_bhxh_communes c
	       WHERE c.period = t.period))
	      FROM doisoat_report.coverage_bhxh_total t
	      WHERE t.period = 2024")|$(q "SELECT bool_and(t.bhtn = (SELECT
	       sum(c.bhtn) FROM doisoat_report.coverage_bhtn_communes c
	       WHERE c.period = t.period))
	      FROM doisoat_report.coverage_bhtn_total t
	      WHERE t.period = 2024")"
check "load it again" run_load 0 --out "$work/big"
check "the same run twice gives the same rows" same "$big" \
	"$(dump_period 2024 norun)"
check "the other periods are untouched" eq "2 2 1 0 2 2 1 3" \
	"$(counts 2025)"

# pg_stat_progress_copy shows a COPY of renew.csv past its first bytes.
wait_copy() {
	i=0
	while [ "$i" -lt 300 ]; do
		c=$(q "SELECT count(*) FROM pg_stat_progress_copy p
		       JOIN pg_stat_activity a ON a.pid = p.pid
		       WHERE p.bytes_processed > 0
		       AND a.query LIKE 'COPY doisoat_stage.renew_r%'")
		[ "$c" = 1 ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	echo "no COPY in progress" >"$work/err"
	return 1
}

# $work/stall: the large run, whose renew.csv is a FIFO that stalls
# half-way (the writer is $bg).
stalled_run() {
	rm -rf "$work/stall"
	cp -r "$work/big" "$work/stall"
	rm "$work/stall/renew.csv"
	mkfifo "$work/stall/renew.csv"
	# a FIFO is no file summary.json lists: not checked
	sed -i '/"name": "renew.csv"/d' "$work/stall/summary.json"
	half=$(($(wc -c <"$work/big/renew.csv") / 2))
	(
		head -c "$half" "$work/big/renew.csv"
		exec sleep 120
	) >"$work/stall/renew.csv" &
	bg=$!
}

stop_bg() {
	kill "$bg" 2>/dev/null
	wait "$bg" 2>/dev/null
	bg=
}

# Wait until no doisoat session is left on the server.
idle() {
	i=0
	while [ "$i" -lt 100 ] && [ "$(q "SELECT count(*) FROM pg_stat_activity
		WHERE application_name = 'doisoat'")" != 0 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

# The loader killed with SIGKILL in the middle of COPY.
run_load 0 --out "$work/small" --replace >/dev/null
before=$(dump_period 2024 norun)
nruns=$(q "SELECT count(*) FROM doisoat.runs")
stalled_run
(cd "$root" && exec "$bin" load -q --replace --out "$work/stall") \
	2>"$work/err" &
loader=$!
check "a load is in the middle of COPY" wait_copy
kill -9 "$loader"
wait "$loader" 2>/dev/null
stop_bg
idle
check "killed mid-COPY: the previous complete state" same "$before" \
	"$(dump_period 2024 norun)"
check "... and no trace of the killed load" eq "$nruns" \
	"$(q "SELECT count(*) FROM doisoat.runs")"
check "rerun: the new state" run_load 0 --out "$work/big" --replace
check "... is the whole new run" same "$big" "$(dump_period 2024 norun)"

# Two loads started together: one loads, the other exits 4.
(cd "$root" && exec "$bin" load -q --out "$work/big") 2>"$work/err1" &
p1=$!
(cd "$root" && exec "$bin" load -q --out "$work/big") 2>"$work/err2" &
p2=$!
wait "$p1"
r1=$?
wait "$p2"
r2=$?
check "two loads together: one loads, the other exits 4" eq "0 4" \
	"$(printf '%s\n%s\n' "$r1" "$r2" | sort -n | tr '\n' ' ' |
	   sed 's/ $//')"
check "... with the busy message" \
	sh -c "cat '$work/err1' '$work/err2' |
	       grep -q 'another doisoat run holds the database lock'"

run_load 0 --out "$work/small" --replace >/dev/null # the runs' scope
# Two runs: the first takes the run lock as it starts (and is held up
# here by a roster still being written, a FIFO); the second exits 4 at
# once, before reading anything, and leaves no output folder.
mkfifo "$work/slow.csv"
sh "$root/etl/sh/fixture-args.sh" "$root/fixtures/small" >"$work/smallargs"
set -- run --period 2024 --today 2024-06-30 --quiet
while IFS= read -r a; do set -- "$@" "$a"; done <"$work/smallargs"
(cd "$root" && exec "$bin" "$@" --out "$work/run1" \
	--roster "$work/slow.csv=SLOW") 2>"$work/err1" &
p1=$!
i=0
while [ "$(q "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'
	AND granted")" != 1 ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
t0=$(date +%s)
(cd "$root" && exec "$bin" "$@" --out "$work/run2") 2>"$work/err2"
r2=$?
t1=$(date +%s)
cat "$root/fixtures/small/roster_HN.csv" >"$work/slow.csv"
wait "$p1"
r1=$?
check "two runs: the first loads, the second exits 4" eq "0 4" "$r1 $r2"
check "... at once (under 5 s), with the busy message, no output folder" \
	sh -c "[ $((t1 - t0)) -lt 5 ] && [ ! -e '$work/run2' ] &&
	       grep -q 'another doisoat run holds the database lock' \
		'$work/err2'"

# PostgreSQL stopped during a load.
bindir=${PG_BINDIR:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null |
	sort -V | tail -n 1)}
as_pg() {
	if [ "$(id -u)" = 0 ]; then
		(cd / && runuser -u postgres -- "$@")
	else
		(cd / && "$@")
	fi
}
before=$(dump_period 2024 norun)
stalled_run
(cd "$root" && exec "$bin" load -q --replace --out "$work/stall") \
	2>"$work/err" &
loader=$!
check "a load is in the middle of COPY (2)" wait_copy
as_pg "$bindir/pg_ctl" -D "$DOISOAT_PGDATA/data" -m fast -w stop \
	>/dev/null 2>&1
stop_bg
wait "$loader"
rc=$?
cp "$work/err" "$work/stop.err"
check "server stopped during the load: a nonzero exit" test "$rc" -ne 0
check "... and a clear message naming the file" \
	grep -Eq "renew.csv.*(terminating connection|server closed|connection)" \
	"$work/stop.err"
as_pg "$bindir/pg_ctl" -w -t 60 -D "$DOISOAT_PGDATA/data" \
	-l "$DOISOAT_PGDATA/log" -o "-k '$DOISOAT_PGDATA/sock' \
-c listen_addresses='' -c fsync=off -c port=5432 \
-c unix_socket_permissions=0777" start >/dev/null 2>&1
check "after a restart, nothing half-loaded: the previous state" \
	same "$before" "$(dump_period 2024 norun)"
check "... and the next load works" run_load 0 --out "$work/big" --replace


# --- a province: several scopes in one database (rules.md R10.1) --------

# scope_run OUT "CODES" [SKIP]: the small fixture's run of period 2024 for
# the communes CODES only (--scope), --no-db; SKIP: a roster label left
# out (another delivery of the same office, with fewer cards).
sh "$root/etl/sh/fixture-args.sh" "$root/fixtures/small" >"$work/smallargs"
scope_run() {
	printf 'commune_code\n' >"$work/scope.csv"
	for c in $2; do echo "$c"; done >>"$work/scope.csv"
	awk -v skip="=${3:-none}" '
		$0 == "--roster" { held = 1; next }
		held { held = 0; n = length(skip); t = substr($0, length($0) - n + 1)
		       if (t != skip) print "--roster\n" $0; next }
		{ print }' "$work/smallargs" >"$work/scopeargs"
	set -- run --period 2024 --today 2024-06-30 --no-db --quiet \
		--out "$1" --scope "$work/scope.csv"
	while IFS= read -r a; do set -- "$@" "$a"; done <"$work/scopeargs"
	(cd "$root" && "$bin" "$@") 2>/dev/null
}
scope_run "$work/pA" 29266
scope_run "$work/pB" 29269
scope_run "$work/pC" 29272
scope_run "$work/pB2" 29269 HN
scope_run "$work/pAB" "29266 29269"
scope_run "$work/pAll" "29266 29269 29272"
check "summary.json records the run's scope" \
	grep -q '"scope": {"communes": \["29266", "29269"\]}' \
	"$work/pAB/summary.json"
check "... without --scope, the communes of its registry rows" \
	grep -q '"scope": {"communes": \["29266", "29269", "29272"\]}' \
	"$work/small/summary.json"
q "CREATE DATABASE province" >/dev/null
q "CREATE DATABASE province2" >/dev/null
# pload DB DIR [ARGS...]: load DIR into database DB, exit 0 wanted.
pload() {
	pl_db=$1
	shift
	run_load 0 --db "dbname=$pl_db" --out "$@"
}
# pq DB SQL: q on database DB.
pq() {
	PGDATABASE=$1 q "$2"
}
# The rows of one scope of 2024, run_id and scope_id aside, with the
# scope's run: what must not change when another scope is loaded.
scope_rows() {
	for t in increase decrease change renew uninsured review rejects \
		coverage; do
		pq "$1" "SELECT '$t', x.run_id, (to_jsonb(x) - 'scope_id')::text
			 FROM doisoat.$t x JOIN doisoat.scopes s
			 USING (scope_id) WHERE x.period = 2024
			 AND s.communes = '{$2}' ORDER BY 3"
	done
}
# The commune rows of 2024 without their load: equal whatever the order.
cov_rows() {
	pq "$1" "SELECT string_agg(concat_ws('|', commune_code, population,
		 insured, coverage_pct, remaining), ' ' ORDER BY commune_code)
		 FROM doisoat_report.coverage_bhyt_communes WHERE period = 2024"
}
# per scope: communes, unit and the run's population (its TOTAL row)
scopes_of() {
	pq "$1" "SELECT string_agg(s.commune_codes || ':' ||
		 coalesce(s.unit_code, '-') || ':' || t.population, ' '
		 ORDER BY s.commune_codes)
		 FROM doisoat_report.scopes s
		 JOIN doisoat_report.coverage_bhyt_total t
		 ON t.period = s.period AND t.scope_id = s.scope_id
		 WHERE s.period = 2024"
}
# province totals = the sum of the scopes' totals = the whole run's TOTAL
province_sums() {
	pq "$1" "SELECT p.scopes || '|' || p.communes || '|' ||
		 ((p.population, p.insured) = (SELECT sum(population),
		   sum(insured) FROM doisoat_report.coverage_bhyt_total
		   WHERE period = 2024)) || '|' ||
		 ((p.population, p.insured) = (SELECT sum(population),
		   sum(insured) FROM doisoat_report.coverage_bhyt_communes
		   WHERE period = 2024)) || '|' || p.population || '|' ||
		 p.insured FROM doisoat_report.coverage_bhyt_province p
		 WHERE p.period = 2024"
}
whole_total=$(awk -F, '$1 == "TOTAL" { print $3 "|" $4 }' \
	"$work/pAll/coverage.csv")
check "province: load scope C" pload province "$work/pC"
check "province: load scope A, named by --unit" \
	pload province "$work/pA" --unit "CL1=Càng Long 1"
check "province: load scope B" pload province "$work/pB"
check "the three scopes side by side, each with its own total" \
	eq "29266:CL1:$(awk -F, '$1 == "TOTAL" { print $3 }' "$work/pA/coverage.csv") 29269:-:$(awk -F, '$1 == "TOTAL" { print $3 }' "$work/pB/coverage.csv") 29272:-:$(awk -F, '$1 == "TOTAL" { print $3 }' "$work/pC/coverage.csv")" \
	"$(scopes_of province)"
# (and the population and insured of one run over all three communes)
check "province totals: the sum of the scopes (and of the communes)" \
	eq "3|3|true|true|$whole_total" "$(province_sums province)"
check "another order (B, C, A) gives the same commune rows" \
	sh -c "cd '$root' && '$bin' load -q --db dbname=province2 \
	       --out '$work/pB' && '$bin' load -q --db dbname=province2 \
	       --out '$work/pC' && '$bin' load -q --db dbname=province2 \
	       --out '$work/pA'"
check "... row for row" same "$(cov_rows province)" "$(cov_rows province2)"
check "... and the same province totals" \
	eq "3|3|true|true|$whole_total" "$(province_sums province2)"
# The offices share the input files: the same files for another scope
# are no repeat of the run that read them last.
check "a reload of A with the files of the last run: it repeats it" \
	sh -c "cd '$root' && '$bin' load --db dbname=province2 \
	       --out '$work/pA' 2>&1 | grep -q 'every input file is as in run [0-9]*: this load repeats it'"
check "the same files for scope C: as in that run, for another scope" \
	sh -c "cd '$root' && '$bin' load --db dbname=province2 \
	       --out '$work/pC' 2>&1 | grep -q 'every input file is as in run [0-9]*, for another scope$'"
a_before=$(scope_rows province 29266)
c_before=$(scope_rows province 29272)
b_before=$(scope_rows province 29269)
check "reload scope B (identical scope): it replaces itself" \
	pload province "$work/pB"
check "... the others untouched (same rows, same runs)" \
	same "$a_before$c_before" \
	"$(scope_rows province 29266)$(scope_rows province 29272)"
check "... and B shows the new run" eq "1|1" \
	"$(pq province "SELECT count(DISTINCT c.run_id), count(*) FILTER
	   (WHERE c.run_id = (SELECT max(run_id) FROM doisoat.runs))
	   FROM doisoat.coverage c JOIN doisoat.scopes s USING (scope_id)
	   WHERE c.period = 2024 AND c.commune_code = 'TOTAL'
	   AND s.communes = '{29269}'")"
check "replace scope B by another delivery (no HN roster)" \
	pload province "$work/pB2"
check "... whose rows differ from the first" \
	sh -c "! cmp -s '$work/pB/coverage.csv' '$work/pB2/coverage.csv'"
check "... B holds the new rows, A and C untouched" \
	eq "$a_before$c_before|$(awk -F, '$1 == "29269" { print $3 "|" $4 }' "$work/pB2/coverage.csv")" \
	"$(scope_rows province 29266)$(scope_rows province 29272)|$(pq province "SELECT population || '|' || insured FROM
	   doisoat.coverage WHERE period = 2024 AND commune_code = '29269'")"
check "... and the province totals follow: still the sum of the scopes" \
	eq "3|3|true|true" \
	"$(province_sums province | cut -d'|' -f1-4)"
b2=$(scope_rows province 29269)
check "a run over A and B overlaps two scopes: exit 1" \
	run_load 1 --db dbname=province --out "$work/pAB"
check "... naming both scopes, the period and the communes in common" \
	grep -q "scope [0-9]* (2 communes 29266 to 29269) overlaps scope [0-9]* (unit CL1 Càng Long 1, commune 29266) of period 2024 (loaded by run [0-9]*), communes in common: 1; nothing loaded" \
	"$work/err"
check "... with no personal data" \
	sh -c "! grep -Eq '[0-9]{9,}' '$work/err'"
check "... and nothing changed" same "$a_before$b2$c_before" \
	"$(scope_rows province 29266)$(scope_rows province 29269)$(scope_rows province 29272)"
check "... recorded as a failed load, with its scope unknown" \
	eq "failed" \
	"$(pq province "SELECT status FROM doisoat.runs
	   ORDER BY run_id DESC LIMIT 1")"
check "--replace: the A+B run drops scopes A and B" \
	pload province "$work/pAB" --replace
check "... C untouched, two scopes left, totals still the sum" \
	eq "$c_before|29266,29269:-:$(awk -F, '$1 == "TOTAL" { print $3 }' "$work/pAB/coverage.csv") 29272:-:$(awk -F, '$1 == "TOTAL" { print $3 }' "$work/pC/coverage.csv")|2|3|true|true" \
	"$(scope_rows province 29272)|$(scopes_of province)|$(province_sums province | cut -d'|' -f1-4)"
check "the ledger records each load's scope; one current run per scope" \
	eq "2|2" \
	"$(pq province "SELECT count(*) FILTER (WHERE is_current),
	   count(DISTINCT scope_id) FILTER (WHERE is_current)
	   FROM doisoat_report.runs WHERE period = 2024")"
check "the unit's name stays with its scope" eq "CL1|Càng Long 1" \
	"$(pq province "SELECT unit_code || '|' || unit_name
	   FROM doisoat.scopes WHERE communes = '{29266}'")"

# The unit of a run's own load: the [load] section of its config file.
q "CREATE DATABASE province3" >/dev/null
printf '[load]\nunit = VP9=Văn phòng 9\n' >"$work/unit.ini"
run_p3() {
	set -- run --period 2024 --today 2024-06-30 --quiet --config \
		"$work/unit.ini" --db dbname=province3 --out "$work/p3"
	while IFS= read -r a; do set -- "$@" "$a"; done <"$work/smallargs"
	(cd "$root" && "$bin" "$@") 2>"$work/err"
}
check "run --config with unit in [load]: the run loads" run_p3
check "... and its scope is named by that unit" \
	eq "VP9|Văn phòng 9|29266,29269,29272" \
	"$(pq province3 "SELECT unit_code || '|' || unit_name || '|' ||
	   commune_codes FROM doisoat_report.scopes")"

# --- migration from version 8 keeps a loaded run -------------------------

q "CREATE DATABASE v8" >/dev/null
v8ok=1
for f in "$root"/schemas/00[1-8]_*.sql; do
	v=$(basename "$f" | sed 's/^0*\([0-9]*\)_.*/\1/')
	psql -X -q -v ON_ERROR_STOP=1 -d v8 -f "$f" >/dev/null \
		2>>"$work/err" &&
		pq v8 "INSERT INTO doisoat.schema_migrations VALUES ($v)" \
			>/dev/null || v8ok=0
done
# A load as version 8 made it: its own load_begin and load_swap.
pq v8 "BEGIN;
       INSERT INTO doisoat.runs (run_id, period, status, summary)
       VALUES (1, 2024, 'loading', '{\"period\": 2024}');
       SELECT doisoat.load_begin(1);
       INSERT INTO doisoat_stage.coverage_r1 (commune_code, population,
       insured) VALUES ('00001', 10, 9), ('29266', 20, 18),
       ('TOTAL', 30, 27);
       INSERT INTO doisoat_stage.renew_r1 (person_id, commune_code)
       VALUES ('079000000001', '29266');
       SELECT doisoat.load_swap(1);
       SELECT setval('doisoat.runs_run_id_seq', 1);
       COMMIT" >/dev/null || v8ok=0
check "a database at version 8 with a loaded run" eq "1|8|3" \
	"$v8ok|$(pq v8 "SELECT max(version) FROM doisoat.schema_migrations")|$(pq v8 "SELECT count(*) FROM doisoat.coverage")"
v8rows=$(pq v8 "SELECT string_agg(to_jsonb(c)::text, ' ' ORDER BY
	commune_code) FROM doisoat.coverage c")
check "db migrate takes it to version $top" \
	sh -c "cd '$root' && '$bin' db migrate -q --db dbname=v8 2>'$work/err'"
check "... keeping its rows, which get the scope of their communes" \
	eq "$v8rows|00001,29266|1|1" \
	"$(pq v8 "SELECT string_agg((to_jsonb(c) - 'scope_id')::text, ' '
	   ORDER BY commune_code) FROM doisoat.coverage c")|$(pq v8 "SELECT
	   commune_codes || '|' || run_id FROM doisoat_report.scopes")|$(pq v8 "SELECT count(*) FROM doisoat.renew WHERE scope_id IS NOT NULL")"
check "... the ledger knows the run's scope, the views show it" \
	eq "t|30|1" \
	"$(pq v8 "SELECT is_current FROM doisoat_report.runs
	   WHERE run_id = 1")|$(pq v8 "SELECT population FROM
	   doisoat_report.coverage_bhyt_province")|$(pq v8 "SELECT count(*)
	   FROM doisoat_report.coverage_bhyt_total")"
check "... its partitions now one per period and scope" \
	eq "coverage_2024_s1 renew_2024_s1" \
	"$(pq v8 "SELECT string_agg(c.relname, ' ' ORDER BY c.relname)
	   FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid
	   WHERE h.inhparent IN ('doisoat.coverage_2024'::regclass,
	   'doisoat.renew_2024'::regclass)")"
check "the hand-made run, the same scope, replaces the migrated run" \
	pload v8 "$work/r2024"
check "... and the migrated run is no longer current" eq "f|1" \
	"$(pq v8 "SELECT is_current FROM doisoat_report.runs
	   WHERE run_id = 1")|$(pq v8 "SELECT count(*) FROM
	   doisoat_report.scopes")"
check "the small fixture's run (overlapping) is refused there" \
	run_load 1 --db dbname=v8 --out "$work/small"

finish
