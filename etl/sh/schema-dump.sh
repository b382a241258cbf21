#!/bin/sh
# schema-dump.sh: the database schema as doisoat's migrations leave it, in
# the stable text form of schemas/current.sql.
#
#   sh etl/sh/schema-dump.sh --fresh BUILD   migrate the empty database of
#                                            a throwaway cluster (etl/sh/
#                                            pg.sh tmp) with BUILD/doisoat
#                                            and print its schema: this is
#                                            how schemas/current.sql is made
#   sh etl/sh/schema-dump.sh [CONNINFO]      print the schema of a database
#                                            (default: the libpq environment)
#
# The text is `pg_dump --schema-only` less what changes from one dump to
# the next or describes no object: every comment line (the dump's header
# with its versions, the "Name: ...; Type: ..." line above each object),
# the SET lines and the search_path reset pg_dump opens with, its
# \restrict and \unrestrict lines (a new random key every time), and runs
# of blank lines; then a header of its own goes in front.  The roles are
# the cluster's, not in the dump; the grants to them are.  tests/pg/run.sh
# compares this with schemas/current.sql.  PG_BINDIR picks pg_dump and
# psql (default: those in PATH).
set -eu

prog=schema-dump.sh
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${PG_BINDIR:+$PG_BINDIR/}

die() {
	echo "$prog: $*" >&2
	exit 1
}

# pg_dump's text without the lines that vary or name nothing.
normalise() {
	sed -e '/^--/d' -e '/^SET /d' -e '/^\\restrict /d' \
		-e '/^\\unrestrict /d' \
		-e "/^SELECT pg_catalog.set_config('search_path', '', false);\$/d" |
		awk '/^$/ { blank = 1; next }
		     { if (blank && seen) print ""; blank = 0; seen = 1; print }'
}

# major VERSION_NUM: 150018 -> 15 (10 and later).
major() {
	echo $(($1 / 10000))
}

# dump [CONNINFO]: the header, then the normalised schema.
dump() {
	if [ -n "$1" ]; then
		set -- -d "$1"
	else
		set --
	fi
	server=$("${bin}psql" -X -Atq "$@" -c "SHOW server_version_num") ||
		die "cannot connect to the database"
	client=$("${bin}pg_dump" --version | sed -E 's/^[^0-9]*([0-9]+).*/\1/')
	user=$("${bin}psql" -X -Atq "$@" -c "SELECT current_user")
	cat <<EOF
-- current.sql: the schema of a database after every migration in this
-- folder, as \`pg_dump --schema-only\` prints it less the lines that vary
-- from dump to dump (etl/sh/schema-dump.sh says which).  For reading and
-- reviewing: a commit that adds a migration changes this file too, and
-- tests/pg/run.sh fails, with the diff, when it and a freshly migrated
-- database disagree.  It is never applied (\`doisoat db migrate\` skips
-- it) and not edited by hand.  Make it again with
--   make && sh etl/sh/schema-dump.sh --fresh build > schemas/current.sql
-- Made by PostgreSQL $(major "$server") and pg_dump $client (other versions print some
-- definitions differently); migrated by the role $user, which so owns
-- doisoat.set_privileges() (doisoat_owner owns every other object).

EOF
	"${bin}pg_dump" --schema-only "$@" >"$tmp/dump.sql" ||
		die "pg_dump failed"
	normalise <"$tmp/dump.sql"
}

tmp=$(mktemp -d)
DOISOAT_PGDATA=
cleanup() {
	if [ -n "$DOISOAT_PGDATA" ]; then
		sh "$root/etl/sh/pg.sh" stop-tmp "$DOISOAT_PGDATA"
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

case ${1:-} in
--fresh)
	[ $# -eq 2 ] || die "usage: sh etl/sh/schema-dump.sh --fresh BUILD"
	[ -x "$2/doisoat" ] || die "no binary '$2/doisoat' (run make first)"
	unset PGHOST PGHOSTADDR PGPORT PGDATABASE PGUSER PGPASSWORD \
		PGPASSFILE PGSERVICE PGSERVICEFILE PGOPTIONS DOISOAT_DB
	sh "$root/etl/sh/pg.sh" tmp >"$tmp/env" || exit 1
	. "$tmp/env"
	"$2/doisoat" db migrate -q --schemas "$root/schemas" ||
		die "doisoat db migrate failed"
	dump ""
	;;
-*)
	die "usage: sh etl/sh/schema-dump.sh --fresh BUILD | [CONNINFO]"
	;;
*)
	[ $# -le 1 ] || die "usage: sh etl/sh/schema-dump.sh [CONNINFO]"
	dump "${1:-}"
	;;
esac
