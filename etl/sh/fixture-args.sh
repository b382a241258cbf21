#!/bin/sh
# fixture-args.sh DIR: print the `doisoat run` input options for a fixture
# folder laid out as fixtures/README.md says: cards_*.csv[.gz] (prior),
# registry*.csv[.gz], roster_<LABEL>.csv[.gz] (with the per-file defaults
# of roster_<LABEL>.defaults, e.g. "commune=29266,group=HN", when there is
# one), areas.csv, scope.csv, targets.csv, units.csv.  One option per line, for
# `xargs` or a while-read loop.
set -eu
dir=$1
for f in "$dir"/cards_*; do [ -e "$f" ] && printf -- '--prior\n%s\n' "$f"; done
for f in "$dir"/registry*; do [ -e "$f" ] && printf -- '--registry\n%s\n' "$f"; done
for f in "$dir"/roster_*; do
	[ -e "$f" ] || continue
	case "$f" in *.defaults) continue ;; esac
	label=$(basename "$f" | sed -e 's/^roster_//' -e 's/\..*$//')
	defaults=""
	[ -e "$dir/roster_$label.defaults" ] &&
		defaults=",$(cat "$dir/roster_$label.defaults")"
	printf -- '--roster\n%s=%s%s\n' "$f" "$label" "$defaults"
done
for x in areas scope targets units; do
	[ -e "$dir/$x.csv" ] && printf -- '--%s\n%s\n' "$x" "$dir/$x.csv"
done
exit 0
