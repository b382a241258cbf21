#!/bin/sh
# deps.sh: install the Debian packages doisoat needs to build, test and
# run (compiler, libraries, cmocka, PostgreSQL server and client), only
# those missing.  Quiet and exit 0 when everything is there; as root,
# `apt-get update` once and install the rest; otherwise list what is
# missing and exit 1.  Run by `make deps` (and so by `make check`, `make
# demo`).
#
# Note: installing the postgresql package on Debian creates and starts a
# default cluster (port 5432, /var/run/postgresql).  doisoat's tests never
# use it: they start their own throwaway cluster (etl/sh/pg.sh).
set -eu
set -f # the package globs below are for dpkg-query, not the shell

# One entry per need; "a|b" is satisfied by either package (a is the one
# installed).  A version glob accepts e.g. postgresql-15 for postgresql.
# gcc, make and libc6-dev are the part of build-essential doisoat uses.
# libssl-dev is for libcrypto (the HMAC-SHA256 of pseudonyms); the openssl
# command is for the tests, which check those pseudonyms with it.  man-db
# (and groff-base, for groff) are for the install test, which renders the
# man page.
# libminizip-dev and libexpat1-dev read .xlsx workbooks (minizip writes
# the lists' too, etl/xlsxout.c), libfreexl-dev .xls; libxlsxwriter-dev
# writes the .xlsx fixtures (fixtures/gen-xlsx.c).
needs="gcc make libc6-dev pkg-config libpq-dev libssl-dev libcsv-dev
libxxhash-dev zlib1g-dev libutf8proc-dev libxlsxwriter-dev libminizip-dev
libexpat1-dev libfreexl-dev libcmocka-dev python3-openpyxl
postgresql|postgresql-[0-9]* postgresql-client|postgresql-client-[0-9]* time unzip
openssl man-db groff-base|groff"

installed() {
	dpkg-query -W -f='${Status}\n' "$1" 2>/dev/null |
		grep -q 'install ok installed'
}

command -v dpkg-query >/dev/null 2>&1 || {
	echo "deps.sh: no dpkg-query: this script knows Debian and Ubuntu;" \
		"install by hand: $(echo "$needs" | sed 's/|[^ ]*//g' |
			tr '\n' ' ')" >&2
	exit 1
}

missing=
for need in $needs; do
	ok=
	rest=$need
	while [ -n "$rest" ]; do
		pkg=${rest%%|*}
		if [ "$pkg" = "$rest" ]; then
			rest=
		else
			rest=${rest#*|}
		fi
		if installed "$pkg"; then
			ok=1
			break
		fi
	done
	if [ -z "$ok" ]; then
		missing="$missing ${need%%|*}"
	fi
done

if [ -z "$missing" ]; then
	exit 0
fi
missing=${missing# }

if [ "$(id -u)" != 0 ]; then
	echo "deps.sh: missing Debian packages: $missing" >&2
	echo "deps.sh: install them as root: apt-get install $missing" >&2
	exit 1
fi

echo "deps.sh: installing: $missing" >&2
apt-get update -q >&2
# shellcheck disable=SC2086 # one word per package
DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	--no-install-recommends $missing >&2
echo "deps.sh: done" >&2
