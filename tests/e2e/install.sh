#!/bin/sh
# tests/e2e/install.sh BUILD: `make install` into a temporary DESTDIR
# (PREFIX=/usr), then the installed doisoat, run from a folder outside the
# checkout with nothing of the checkout on PATH, must give the golden lists
# of the small fixture; `man doisoat` must show the installed man page,
# which names every command and every option of their --help; `make
# uninstall` must leave no file behind.  No database (tests/pg/run.sh runs
# the installed binary's `db migrate`).  One line per test, "ok N - name" or
# "not ok N - name", and a closing "install: N passed, N failed".
set -u

[ $# -eq 1 ] || {
	echo "usage: sh tests/e2e/install.sh BUILD" >&2
	exit 2
}
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 2
build=$1
. tests/lib.sh
[ -x "$build/doisoat" ] || {
	echo "install.sh: no binary '$build/doisoat' (run make first)" >&2
	exit 2
}

tmp=$(mktemp -d /tmp/doisoat-install.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM
dest=$tmp/dest
usr=$dest/usr
bin=$usr/bin/doisoat
GOLDEN=$root/tests/e2e/golden/small
LISTS="increase decrease change renew uninsured review rejects coverage"

# check NAME CMD...: the command must succeed; its output is the note
check() {
	name=$1
	shift
	if "$@" >"$tmp/check.out" 2>&1; then
		ok "$name"
	else
		not_ok "$name" "$tmp/check.out"
	fi
}

finish() {
	summary install
	exit $?
}

check "make install DESTDIR=... PREFIX=/usr" \
	make --no-print-directory -C "$root" install DESTDIR="$dest" \
	PREFIX=/usr BUILD="$build"
if [ ! -x "$bin" ]; then
	not_ok "the binary is installed as usr/bin/doisoat"
	finish
fi

# Every file in its place, with its mode.
installed() {
	for f in bin/doisoat:755 share/man/man1/doisoat.1:644 \
		share/doc/doisoat/README.md:644 \
		share/doc/doisoat/docs/operations.md:644 \
		share/doc/doisoat/docs/rules.md:644 \
		share/doc/doisoat/examples/doisoat.service:644 \
		share/doc/doisoat/examples/doisoat.timer:644 \
		share/doisoat/schemas/001_core.sql:644 \
		share/doisoat/schemas/current.sql:644; do
		m=$(stat -c %a "$usr/${f%:*}" 2>/dev/null) || {
			echo "missing: ${f%:*}"
			return 1
		}
		[ "$m" = "${f#*:}" ] || {
			echo "${f%:*}: mode $m, want ${f#*:}"
			return 1
		}
	done
	want=$(ls "$root"/schemas/*.sql | wc -l)
	got=$(ls "$usr"/share/doisoat/schemas/*.sql | wc -l)
	[ "$want" = "$got" ] || {
		echo "$got schema files installed, want $want"
		return 1
	}
}
check "binary, man page, docs, schemas and example units are installed" \
	installed

# The small fixture, copied out of the checkout, run by the installed
# binary in an empty folder, with a PATH and environment that know
# nothing of the checkout.
mkdir -p "$tmp/in" "$tmp/elsewhere"
cp "$root"/fixtures/small/* "$tmp/in/"
sh "$root/etl/sh/fixture-args.sh" "$tmp/in" >"$tmp/args"
set -- run --period 2024 --today 2024-06-30 --no-db --quiet --out out
while IFS= read -r a; do set -- "$@" "$a"; done <"$tmp/args"
if (cd "$tmp/elsewhere" && env -i HOME="$tmp" PATH=/usr/bin:/bin \
	"$bin" "$@") >"$tmp/run.err" 2>&1; then
	ok "the installed doisoat runs the small fixture outside the checkout"
else
	not_ok "the installed doisoat runs the small fixture outside the checkout" \
		"$tmp/run.err"
fi
for l in $LISTS; do
	if cmp -s "$tmp/elsewhere/out/$l.csv" "$GOLDEN/$l.csv"; then
		ok "installed: $l.csv equals the golden copy"
	else
		diff -u "$GOLDEN/$l.csv" "$tmp/elsewhere/out/$l.csv" \
			>"$tmp/d" 2>&1
		not_ok "installed: $l.csv equals the golden copy" "$tmp/d"
	fi
done

# The man page.
page=$usr/share/man/man1/doisoat.1
check "man -l renders the installed man page" \
	sh -c "man -l '$page' >'$tmp/man.txt' 2>'$tmp/man.err' &&
	       grep -q 'doisoat db migrate' '$tmp/man.txt' &&
	       [ ! -s '$tmp/man.err' ] || { cat '$tmp/man.err'; exit 1; }"
check "MANPATH=DESTDIR/usr/share/man man doisoat shows it" \
	sh -c "MANPATH='$usr/share/man' man doisoat 2>&1 |
	       grep -q 'EXIT STATUS'"
check "groff -man -ww finds nothing to warn about" \
	sh -c "groff -man -Tutf8 -ww -z '$page' 2>&1 | tee /dev/stderr |
	       [ \$(wc -c) -eq 0 ]"
check "the man page names the installed paths (PREFIX /usr)" \
	sh -c "grep -q '^\.I /usr/share/doc/doisoat/\$' '$page' &&
	       ! grep -q /usr/local/ '$page'"
# every command, and every long option its --help lists
man_covers_help() {
	miss=
	for c in run inspect ingest normalise dedup diff report load merge "db migrate"; do
		grep -q "^ *doisoat $c " "$tmp/man.txt" || miss="$miss [$c]"
		# shellcheck disable=SC2086 # "db migrate" is two words
		opts=$("$bin" ${c%% *} --help 2>&1 |
			grep -o -- '--[a-z][a-z-]*' | sort -u)
		for o in $opts; do
			grep -q -- "$o\\b" "$tmp/man.txt" ||
				miss="$miss $c:$o"
		done
	done
	[ -z "$miss" ] || {
		echo "not in the man page:$miss"
		return 1
	}
}
check "the man page has every command and every option of their --help" \
	man_covers_help
for s in NAME SYNOPSIS DESCRIPTION OPTIONS FILES ENVIRONMENT \
	"EXIT STATUS" EXAMPLES "SEE ALSO"; do
	grep -q "^$s\$" "$tmp/man.txt" || echo "$s" >>"$tmp/nosection"
done
if [ -s "$tmp/nosection" ]; then
	not_ok "the man page has every section" "$tmp/nosection"
else
	ok "the man page has every section"
fi
check "the environment variables are documented" \
	sh -c "for v in DOISOAT_DB DOISOAT_THREADS DOISOAT_SCHEMAS PGHOST; do
	       grep -q \"^ *\$v\" '$tmp/man.txt' || exit 1; done"

# The example systemd units: the installed binary, a nightly run as a
# dedicated user; not enabled anywhere.
ex=$usr/share/doc/doisoat/examples
check "the example service runs the installed binary as user doisoat" \
	sh -c "grep -qx 'ExecStart=/usr/bin/doisoat run --config /etc/doisoat/nightly.ini' \
	       '$ex/doisoat.service' && grep -qx 'User=doisoat' \
	       '$ex/doisoat.service' && grep -qx 'SuccessExitStatus=4' \
	       '$ex/doisoat.service'"
check "the example timer fires nightly" \
	grep -qx 'OnCalendar=\*-\*-\* 01:30:00' "$ex/doisoat.timer"
if command -v systemd-analyze >/dev/null 2>&1; then
	# systemd-analyze checks ExecStart exists: point it at the copy
	sed "s|^ExecStart=/usr/bin/doisoat|ExecStart=$bin|" \
		"$ex/doisoat.service" >"$tmp/doisoat.service"
	cp "$ex/doisoat.timer" "$tmp/doisoat.timer"
	check "systemd-analyze verify accepts the units" \
		sh -c "cd '$tmp' && systemd-analyze verify doisoat.service \
		       doisoat.timer 2>&1 | grep -v 'man doisoat(1)' |
		       grep . && exit 1; exit 0"
fi
# docs/operations.md shows the units as they are (less their opening
# comment).
# doc_block FILE: the ```ini block after the line "`FILE`:".
doc_block() {
	awk -v head="\`$1\`:" '$0 == head { on = 1; next }
		on && /^```ini$/ { grab = 1; next }
		grab && /^```$/ { exit }
		grab { print }' "$root/docs/operations.md"
}
for u in doisoat.service doisoat.timer; do
	doc_block "$u" >"$tmp/doc.$u"
	awk 'body || !/^#/ { body = 1; print }' "$root/etl/systemd/$u" \
		>"$tmp/unit.$u"
	if [ -s "$tmp/doc.$u" ] && diff -u "$tmp/doc.$u" "$tmp/unit.$u" \
		>"$tmp/d" 2>&1; then
		ok "docs/operations.md shows etl/systemd/$u as it is"
	else
		not_ok "docs/operations.md shows etl/systemd/$u as it is" "$tmp/d"
	fi
done
check "nothing is installed outside DESTDIR/usr" \
	sh -c "[ -z \"\$(find '$dest' -mindepth 1 -maxdepth 1 ! -name usr)\" ]"

check "make uninstall DESTDIR=... PREFIX=/usr" \
	make --no-print-directory -C "$root" uninstall DESTDIR="$dest" \
	PREFIX=/usr BUILD="$build"
check "... leaves no file" \
	sh -c "find '$dest' ! -type d | grep . && exit 1; exit 0"
check "... and no folder of its own" \
	sh -c "find '$dest' -name '*doisoat*' | grep . && exit 1; exit 0"

finish
