#!/bin/sh
# pg.sh: a private, throwaway PostgreSQL cluster for the demo and the tests,
# on a Unix socket only (no TCP), trust authentication, fsync off.
#
#   eval "$(sh etl/sh/pg.sh start)"  use the configured database (PGHOST,
#                                    PGPORT, PGDATABASE, PGSERVICE or
#                                    DOISOAT_DB set: prints nothing), else
#                                    start (or reuse) the project's cluster
#                                    and print the PG* lines to eval
#   sh etl/sh/pg.sh stop             stop the project's cluster
#   eval "$(sh etl/sh/pg.sh tmp)"    a fresh cluster in a new temp folder,
#                                    whatever the environment; also prints
#                                    DOISOAT_PGDATA=<folder>
#   sh etl/sh/pg.sh stop-tmp DIR     stop that cluster and remove DIR
#
# The project's cluster lives in .pg/ at the project root when the server
# can use that folder, else in a mktemp folder; .pg/cluster records which.
# A cluster folder holds data/ (the cluster), sock/ (the socket) and log.
# `stop` keeps .pg/data for the next `start`; remove .pg/ to start afresh.
# As root the server runs as the postgres user (initdb refuses root).
# Only stdout carries the lines to eval; messages go to stderr.
# PG_BINDIR overrides where initdb and pg_ctl are found.
#
# Installing Debian's postgresql package may also start a default cluster
# on port 5432 (/var/run/postgresql); nothing here uses or needs it.
set -eu

prog=pg.sh
port=5432
root=$(cd "$(dirname "$0")/../.." && pwd)
[ -f "$root/Makefile" ] || root=$(pwd)
state=$root/.pg
marker=.doisoat-pg

die() {
	echo "$prog: $*" >&2
	exit 1
}

note() {
	echo "$prog: $*" >&2
}

usage() {
	echo "usage: sh etl/sh/pg.sh start | stop | tmp | stop-tmp DIR" >&2
	exit 2
}

is_root() {
	[ "$(id -u)" = 0 ]
}

# Run a command as the server's owner: postgres when we are root.  From /,
# since postgres may not be allowed into the current directory.
as_pg() {
	if is_root; then
		(cd / && runuser -u postgres -- "$@")
	else
		(cd / && "$@")
	fi
}

# Single-quote a string for eval.
shq() {
	printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}

bindir() {
	if [ -n "${PG_BINDIR:-}" ]; then
		[ -x "$PG_BINDIR/initdb" ] ||
			die "no initdb in PG_BINDIR '$PG_BINDIR'"
		echo "$PG_BINDIR"
		return
	fi
	best=
	best_v=0
	for d in /usr/lib/postgresql/*/bin; do
		v=${d#/usr/lib/postgresql/}
		v=${v%/bin}
		case $v in
		'' | *[!0-9]*) continue ;;
		esac
		if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] &&
			[ "$v" -gt "$best_v" ]; then
			best=$d
			best_v=$v
		fi
	done
	if [ -n "$best" ]; then
		echo "$best"
		return
	fi
	if d=$(command -v initdb 2>/dev/null); then
		dirname "$d"
		return
	fi
	die "no PostgreSQL server (initdb) found: run 'make deps' (package" \
		"postgresql) or set PG_BINDIR"
}

env_configured() {
	[ -n "${PGHOST:-}${PGPORT:-}${PGDATABASE:-}${PGSERVICE:-}" ] ||
		[ -n "${DOISOAT_DB:-}" ]
}

# Can the server use DIR for its socket?  (Unix socket paths < 107 bytes.)
socket_fits() {
	[ "$(printf '%s' "$1/sock/.s.PGSQL.$port" | wc -c)" -lt 107 ]
}

# A new folder in /tmp that the server's owner may use.
new_tmp_dir() {
	d=$(mktemp -d /tmp/doisoat-pg.XXXXXX) || die "cannot create a" \
		"temporary folder in /tmp"
	chmod 755 "$d"
	: >"$d/$marker"
	if is_root; then
		chown -R postgres:postgres "$d"
	fi
	echo "$d"
}

running() {
	[ -f "$1/data/PG_VERSION" ] &&
		as_pg "$BIN/pg_ctl" -D "$1/data" status >/dev/null 2>&1
}

show_log() {
	if [ -f "$1" ]; then
		echo "--- last lines of $1:" >&2
		tail -n 20 "$1" >&2
	fi
}

# Create (unless present) and start the cluster in folder DIR, and make
# sure the database doisoat exists.
start_cluster() {
	dir=$1
	data=$dir/data
	sock=$dir/sock
	log=$dir/log
	if [ ! -f "$data/PG_VERSION" ]; then
		# C.UTF-8 where the C library has it, else plain C
		as_pg "$BIN/initdb" -D "$data" -A trust -U postgres -E UTF8 \
			--locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
			as_pg "$BIN/initdb" -D "$data" -A trust -U postgres \
				-E UTF8 --no-locale >>"$dir/initdb.log" 2>&1 ||
			{
				show_log "$dir/initdb.log"
				die "initdb failed in '$data'"
			}
	fi
	as_pg mkdir -p "$sock"
	if ! running "$dir"; then
		if ! as_pg "$BIN/pg_ctl" -w -t 60 -D "$data" -l "$log" \
			-o "-k '$sock' -c listen_addresses='' -c fsync=off \
-c port=$port -c unix_socket_permissions=0777" \
			start >"$dir/pg_ctl.log" 2>&1; then
			cat "$dir/pg_ctl.log" >&2
			show_log "$log"
			die "the server in '$data' did not start"
		fi
	fi
	exists=$("$BIN/psql" -X -h "$sock" -p "$port" -U postgres -d postgres \
		-Atqc "SELECT 1 FROM pg_database WHERE datname = 'doisoat'") ||
		{
			show_log "$log"
			die "cannot connect to the server in '$data'"
		}
	if [ -z "$exists" ]; then
		"$BIN/psql" -X -h "$sock" -p "$port" -U postgres -d postgres \
			-qc "CREATE DATABASE doisoat" >/dev/null ||
			die "cannot create database doisoat in '$data'"
	fi
}

emit() {
	echo "PGHOST=$(shq "$1/sock"); PGPORT=$port; PGUSER=postgres;" \
		"PGDATABASE=doisoat; export PGHOST PGPORT PGUSER PGDATABASE"
}

stop_cluster() {
	if running "$1"; then
		as_pg "$BIN/pg_ctl" -D "$1/data" -m fast -w stop >/dev/null ||
			die "cannot stop the server in '$1/data'"
	fi
}

# Remove a cluster folder made by new_tmp_dir (and nothing else).
remove_tmp_dir() {
	if [ -f "$1/$marker" ]; then
		rm -rf "$1"
	fi
}

cmd_start() {
	if env_configured; then
		return 0
	fi
	BIN=$(bindir)
	mkdir -p "$state"
	if [ -f "$state/cluster" ]; then
		dir=$(cat "$state/cluster")
		if running "$dir"; then
			emit "$dir"
			return 0
		fi
		# stopped (a reboot?): start it again if its data survived
		if [ -f "$dir/data/PG_VERSION" ]; then
			start_cluster "$dir"
			emit "$dir"
			return 0
		fi
		rm -f "$state/cluster"
	fi
	dir=
	if socket_fits "$state"; then
		if is_root; then
			chown postgres:postgres "$state"
			if runuser -u postgres -- test -w "$state"; then
				dir=$state
			fi
		elif [ -w "$state" ]; then
			dir=$state
		fi
	fi
	if [ -z "$dir" ]; then
		dir=$(new_tmp_dir)
		note "the server cannot use '$state'; cluster in '$dir'"
	fi
	start_cluster "$dir"
	echo "$dir" >"$state/cluster"
	note "PostgreSQL running in '$dir' (socket '$dir/sock', database" \
		"doisoat); stop it with: sh etl/sh/pg.sh stop"
	emit "$dir"
}

cmd_stop() {
	if [ ! -f "$state/cluster" ]; then
		return 0
	fi
	dir=$(cat "$state/cluster")
	stop_cluster "$dir"
	if [ "$dir" != "$state" ]; then
		remove_tmp_dir "$dir"
	fi
	rm -f "$state/cluster"
	note "stopped the cluster in '$dir'"
}

cmd_tmp() {
	dir=$(new_tmp_dir)
	if ! (start_cluster "$dir"); then
		stop_cluster "$dir" 2>/dev/null || :
		remove_tmp_dir "$dir"
		exit 1
	fi
	emit "$dir"
	echo "DOISOAT_PGDATA=$(shq "$dir"); export DOISOAT_PGDATA"
}

cmd_stop_tmp() {
	[ -n "${1:-}" ] || usage
	[ -d "$1" ] || return 0
	[ -f "$1/$marker" ] ||
		die "'$1' is not a cluster folder made by 'pg.sh tmp'"
	stop_cluster "$1"
	remove_tmp_dir "$1"
}

[ $# -ge 1 ] || usage
case $1 in
start)
	cmd_start
	;;
stop)
	BIN=$(bindir)
	cmd_stop
	;;
tmp)
	BIN=$(bindir)
	cmd_tmp
	;;
stop-tmp)
	BIN=$(bindir)
	cmd_stop_tmp "${2:-}"
	;;
*)
	usage
	;;
esac
