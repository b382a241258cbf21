#!/bin/sh
# tests/pg/run.sh BUILD_DIR: integration tests of `doisoat load` and
# `doisoat db` against a fresh throwaway PostgreSQL cluster (etl/sh/pg.sh
# tmp), never the user's database.  Loads small hand-made output folders
# (written here into a temp folder; all IDs are fake) and checks the
# tables, idempotence, periods, count mismatches, connection errors and the
# run lock.  Prints "ok N - name" / "not ok N - name" per test, then
# "N passed, N failed"; exits 1 if any failed.
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
[ -x "$bin" ] || {
	echo "run.sh: no binary '$bin' (run make first)" >&2
	exit 2
}

# The advisory lock key of etl/pgload.h (PGLOAD_LOCK_KEY).
lock_key=28269996369994100

n=0
passed=0
failed=0
work=
holder=
DOISOAT_PGDATA=

cleanup() {
	if [ -n "$holder" ]; then
		kill "$holder" 2>/dev/null
		wait "$holder" 2>/dev/null
	fi
	if [ -n "$DOISOAT_PGDATA" ]; then
		sh "$root/etl/sh/pg.sh" stop-tmp "$DOISOAT_PGDATA"
	fi
	if [ -n "$work" ]; then
		rm -rf "$work"
	fi
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

ok() {
	n=$((n + 1))
	passed=$((passed + 1))
	echo "ok $n - $1"
}

not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1"
	if [ -n "${2:-}" ]; then
		printf '%s\n' "$2" | sed 's/^/#   /'
	fi
}

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
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
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
	(cd "$root" && "$bin" load --quiet "$@") >"$work/out" 2>"$work/err"
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

# write_run DIR PERIOD: a small output folder as the pipeline writes it.
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
source,line,person_id,bhxh_code,reason,detail
hn.csv,12,079190000009,,ID_NAME_MISMATCH,registry name differs
,,079150000010,7900000010,POSSIBLE_MATCH,"roster te.csv:4, same name and dob"
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
   "xxh3": "0123456789abcdef", "rows_read": 10, "accepted": 9,
   "rejected": 1, "repaired": {}},
  {"source": "hn.csv", "kind": "roster", "bytes": 456,
   "xxh3": "fedcba9876543210", "rows_read": 20, "accepted": 20,
   "rejected": 0}
 ],
 "outputs": {"increase.csv": 2, "decrease.csv": 2, "change.csv": 1,
  "renew.csv": 1, "uninsured.csv": 2, "review.csv": 2, "rejects.csv": 1,
  "coverage.csv": 3},
 "outcomes": {"renew": 1}}
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

# --- tests -------------------------------------------------------------

check "--help prints the usage and exits 0" \
	sh -c "'$bin' load --help | grep -q 'usage: doisoat load'"
check "a bad option exits 2" run_load 2 --no-such-option
check "no --out exits 2" run_load 2
check "a folder without summary.json exits 1" run_load 1 --out "$work"

check "load a run" run_load 0 --out "$work/r2024"
check "rows in every table" eq "2 2 1 1 2 2 1 3" "$(counts 2024)"
check "schema migrations recorded" eq "1 2 3" \
	"$(q "SELECT string_agg(version::text, ' ' ORDER BY version)
	      FROM doisoat.schema_migrations")"
check "runs row from summary.json" eq "2024|loaded|0.1.0|t" \
	"$(q "SELECT period, status, version, finished_at >= started_at
	      FROM doisoat.runs")"
check "run_inputs from summary.json" \
	eq "1|cards_prior.csv.gz|prior|123|0123456789abcdef|10|9|1
2|hn.csv|roster|456|fedcba9876543210|20|20|0" \
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
check "rejects keep no raw line" eq "hn.csv|7|BAD_DATE|f" \
	"$(q "SELECT source, line, reason, EXISTS (SELECT 1 FROM
	      information_schema.columns WHERE table_schema = 'doisoat'
	      AND table_name = 'rejects' AND column_name = 'raw')
	      FROM doisoat.rejects")"
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
check "no migration applied twice" eq "3" \
	"$(q "SELECT count(*) FROM doisoat.schema_migrations")"

# Another period does not touch 2024.
before=$(dump_period 2024)
write_run "$work/r2025" 2025
rm "$work/r2025/renew.csv"
sed -i 's/"renew.csv": 1/"renew.csv": 0/' "$work/r2025/summary.json"
check "load another period (a list file absent, count 0)" \
	run_load 0 --out "$work/r2025"
check "the other period leaves the first untouched" \
	same "$before" "$(dump_period 2024)"
check "the other period is loaded" eq "2 2 1 0 2 2 1 3" "$(counts 2025)"

# Failures commit nothing.
state() {
	q "SELECT count(*) FROM doisoat.runs"
	q "SELECT count(*) FROM doisoat.run_inputs"
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

check "a bad conninfo exits 1" \
	run_load 1 --out "$work/r2024" --db "host=/nonexistent dbname=doisoat"
check "the connection message names the server, not the password" \
	sh -c "grep -q \"server '/nonexistent' port\" '$work/err'"
check "DOISOAT_DB is the default connection" \
	sh -c "DOISOAT_DB='host=/nonexistent password=s3cret' \
	       '$bin' load --quiet --out '$work/r2024' 2>'$work/err';
	       [ \$? -eq 1 ] && grep -q /nonexistent '$work/err' &&
	       ! grep -q s3cret '$work/err'"

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
check "while another session holds the lock, load exits 4" \
	run_load 4 --out "$work/r2024"
check "the busy message" \
	grep -q "another doisoat run holds the database lock" "$work/err"
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
check "db migrate creates every table" eq "13" \
	"$(psql -X -Atq -d fresh -c "SELECT count(*) FROM pg_tables
	   WHERE schemaname = 'doisoat'")"
check "db migrate again is a no-op" \
	sh -c "'$bin' db migrate -q --db dbname=fresh \
	       --schemas '$root/schemas' 2>'$work/err'"
check "db without a subcommand exits 2" \
	sh -c "'$bin' db 2>/dev/null; [ \$? -eq 2 ]"

finish
